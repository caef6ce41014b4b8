import Devices
import Foundation
import Interpreter

// The kinds of values options take, the options several commands share, and the shared
// option groups. A command's own options live in its file; an option used by two
// commands is declared here, once.

// MARK: - Kinds of values

extension ValueParser where Value == String {
    /// Text taken as given (a device id, a file name).
    static func text(_ placeholder: String) -> ValueParser {
        ValueParser(placeholder: placeholder) { text, flag in
            guard !text.isEmpty else { throw UsageError(message: "\(flag): the value is empty") }
            return text
        }
    }

    /// A program to run: a path, or a name looked up on PATH as a shell does.
    static let program = ValueParser(placeholder: "PROGRAM") { text, flag in
        guard let path = Program.find(text) else {
            throw UsageError(message: text.contains("/") ? "\(flag): '\(text)' is not an executable file"
                             : "\(flag): no program '\(text)' on PATH")
        }
        return path
    }
}

extension ValueParser where Value == Int {
    /// An integer (underscores allowed), at least `minimum`.
    static func integer(_ placeholder: String, minimum: Int? = nil) -> ValueParser {
        ValueParser(placeholder: placeholder) { text, flag in
            guard let v = Int(text.replacingOccurrences(of: "_", with: "")) else {
                throw UsageError(message: "\(flag) expects an integer, got '\(text)'")
            }
            if let minimum, v < minimum { throw UsageError(message: "\(flag) must be at least \(minimum)") }
            return v
        }
    }

    /// A byte count: plain bytes or with a unit (`256KB`, `1.5MB`; KB = 1024 bytes).
    static let bytes = ValueParser(placeholder: "BYTES") { text, flag in
        guard let v = ByteSize.parse(text) else {
            throw UsageError(message: "\(flag) expects a byte count such as 65536, 96KB or 1.5MB, got '\(text)'")
        }
        return v
    }
}

extension ValueParser where Value == Double {
    /// A finite number in (low, high].
    static func number(_ placeholder: String, above low: Double, atMost high: Double) -> ValueParser {
        ValueParser(placeholder: placeholder) { text, flag in
            guard let v = Double(text), v.isFinite else { throw UsageError(message: "\(flag) expects a number, got '\(text)'") }
            guard v > low, v <= high else { throw UsageError(message: "\(flag) must be in (\(Percent.plain(low)), \(Percent.plain(high))]") }
            return v
        }
    }

    /// A fraction of capacity in (0, 1]: `0.8` or `80%`, as budget files write it.
    static let fraction = ValueParser(placeholder: "F") { text, flag in
        let t = text.trimmingCharacters(in: .whitespaces)
        let isPercent = t.hasSuffix("%")
        guard let n = Double(isPercent ? String(t.dropLast()).trimmingCharacters(in: .whitespaces) : t), n.isFinite else {
            throw UsageError(message: "\(flag) expects a fraction such as 0.8 or a percentage such as 80%, got '\(text)'")
        }
        let v = isPercent ? n / 100 : n
        guard v > 0, v <= 1 else { throw UsageError(message: "\(flag) must be in (0, 1], got " + (isPercent ? "'\(text)'" : "\(v)")) }
        return v
    }
}

extension ValueParser where Value == KernelVariant {
    static let kernels = ValueParser(placeholder: KernelVariant.allCases.map(\.rawValue).joined(separator: "|")) { text, flag in
        guard let v = KernelVariant(rawValue: text) else {
            throw UsageError(message: "\(flag) expects cmsis-nn or reference, got '\(text)'")
        }
        return v
    }
}

extension ValueParser where Value == KernelRegistration {
    static let registration = ValueParser(placeholder: KernelRegistration.allCases.map(\.rawValue).joined(separator: "|")) { text, flag in
        guard let v = KernelRegistration(rawValue: text) else {
            throw UsageError(message: "\(flag) expects default or int8-only, got '\(text)'")
        }
        return v
    }
}

extension ValueParser where Value == OptimizationLevel {
    static let optimization = ValueParser(placeholder: OptimizationLevel.allCases.map(\.rawValue).joined(separator: "|")) { text, flag in
        guard let level = OptimizationLevel(flag: text) else {
            throw UsageError(message: "\(flag) expects -Os, -O2 or -O3, got '\(text)'")
        }
        return level
    }
}

/// Looking programs up as a shell does.
enum Program {
    /// `name` itself when it holds a slash, else the first executable `name` on PATH.
    static func find(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        let fm = FileManager.default
        func executable(_ p: String) -> Bool {
            var isDirectory: ObjCBool = false
            return fm.fileExists(atPath: p, isDirectory: &isDirectory) && !isDirectory.boolValue && fm.isExecutableFile(atPath: p)
        }
        if name.contains("/") { return executable(name) ? name : nil }
        guard !name.isEmpty else { return nil }
        for directory in (path ?? "/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + name
            if executable(candidate) { return candidate }
        }
        return nil
    }
}

// MARK: - Options several commands share

extension Declaration {
    static func kernels(_ key: WritableKeyPath<Root, KernelVariant>) -> Declaration {
        .option("kernels", .kernels, help: "Kernel set, as TFLM builds it for Arm (cmsis-nn) or its reference kernels: it decides support, arena and cycles, never the outputs.",
                default: KernelVariant.cmsisNN.rawValue, key)
    }

    static func headroom(_ key: WritableKeyPath<Root, Double>) -> Declaration {
        .option("headroom", .fraction, help: "A model fits when flash and RAM use are at most F of capacity: 0.8 or 80%.", default: "0.8", key)
    }

    /// The host arena `run` and `bench` allocate at most: far above any microcontroller's RAM,
    /// so only a hostile or mistaken file meets it (`fit`, `check` and `report` allocate none).
    static var defaultMaxArena: Int { 64 << 20 }

    static func maxArena(_ key: WritableKeyPath<Root, Int>) -> Declaration {
        .option("max-arena", .bytes, help: "Refuse (exit 2) a model whose arena needs more than BYTES of host memory to run: a guard against hostile files.",
                default: "64MB", key)
    }

    static func quiet(_ key: WritableKeyPath<Root, Bool>) -> Declaration {
        .flag("quiet", help: "No progress on stderr (progress is shown only when stderr is a terminal).", key)
    }
}

// MARK: - Simulation options: how the firmware is built

/// What the application adds to the firmware, replacing the profile's reserve (`--reserve`).
struct SoftwareReserve: Equatable {
    /// Flash the application adds beyond the model, TFLM's runtime and the kernels.
    var flash: Int?
    /// RAM outside the arena: stacks, heap and statics of the whole firmware.
    var ram: Int?

    var isSet: Bool { flash != nil || ram != nil }
}

extension ValueParser where Value == SoftwareReserve {
    /// `flash=64KB,ram=16KB` (either part may be left out).
    static let reserve = ValueParser(placeholder: "flash=SIZE,ram=SIZE") { text, flag in
        var reserve = SoftwareReserve()
        for part in text.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, let bytes = ByteSize.parse(kv[1]) else {
                throw UsageError(message: "\(flag) expects flash=SIZE,ram=SIZE (e.g. flash=64KB,ram=16KB), got '\(text)'")
            }
            switch kv[0].lowercased() {
            case "flash": reserve.flash = bytes
            case "ram": reserve.ram = bytes
            default: throw UsageError(message: "\(flag): unknown part '\(kv[0])' (flash or ram)")
            }
        }
        guard reserve.isSet else { throw UsageError(message: "\(flag) expects flash=SIZE,ram=SIZE (e.g. flash=64KB,ram=16KB), got '\(text)'") }
        return reserve
    }
}

/// The kernels, the firmware's optimisation level and the software around the model:
/// everything besides the model and the device that changes a simulation's figures.
struct SimulationOptions: OptionGroup {
    var variant: KernelVariant = .cmsisNN
    /// nil: the profile's toolchain assumption.
    var optimization: OptimizationLevel?
    /// Replaces the profile's software reserve where set.
    var reserve = SoftwareReserve()
    var registration: KernelRegistration = .standard

    init() {}

    init(variant: KernelVariant, optimization: OptimizationLevel? = nil, reserve: SoftwareReserve = SoftwareReserve(),
         registration: KernelRegistration = .standard) {
        self.variant = variant
        self.optimization = optimization
        self.reserve = reserve
        self.registration = registration
    }

    static let title: String? = "SIMULATION OPTIONS"
    static let declarations: [Declaration<SimulationOptions>] = [
        .kernels(\.variant),
        .option("opt", .optimization, help: "The firmware's optimisation level: it changes the kernels' cycles and code size.", default: "the profile's toolchain", \.optimization),
        .option("reserve", .reserve, help: "Replace the profile's reserve: flash the application adds beyond the model, TFLM's runtime and the kernels (mcusim counts those); RAM for stacks, heap and statics outside the arena. E.g. flash=64KB,ram=16KB.",
                \.reserve),
        .option("registration", .registration, help: "How the firmware registers kernels: default (AddConv2D(), as TFLM's examples) or int8-only (AddConv2D(Register_CONV_2D_INT8()) wherever the kernel set has one and every instance is int8): it changes the kernel code in flash.",
                default: KernelRegistration.standard.rawValue, \.registration),
    ]
}

// MARK: - Device profiles

/// `--profiles DIR`: where device profiles come from.
struct ProfileOptions: OptionGroup {
    var directories: [String] = []

    static let title: String? = nil
    static let declarations: [Declaration<ProfileOptions>] = [
        .repeated("profiles", .text("DIR"), help: "Also load every *.json profile in DIR (after the bundled ones and $MCUSIM_PROFILES).", \.directories),
    ]

    /// The bundled profiles, then $MCUSIM_PROFILES, then `--profiles`. A profile file that does
    /// not load is kept aside in the catalog (commands that select it fail with its error);
    /// only a missing directory fails here.
    func loadCatalog() throws -> ProfileLoader.Catalog {
        do {
            return try ProfileLoader.loadAll(commandLineDirectories: directories)
        } catch let error as ProfileError {
            throw error.fileError
        }
    }
}

extension ProfileError {
    /// The one-line error contract: the file, then what is wrong; exit 3 for a profile mcusim
    /// cannot simulate (a core or -O level without data), 2 for a broken one.
    var fileError: FileError {
        let file = self.file ?? "profiles"
        let text = description
        let message = text.hasPrefix(file + ": ") ? String(text.dropFirst(file.count + 2)) : text
        return FileError(file: file, message: message, code: isUnsupported ? ExitCode.unsupported : ExitCode.invalidInput)
    }
}

extension ProfileLoader.Catalog {
    /// The profile with this id; ids are matched without regard to case when that is unambiguous.
    func lookup(_ id: String) -> DeviceProfile? {
        if let p = try? profile(id: id) { return p }
        let matches = ids.filter { $0.lowercased() == id.lowercased() }
        return matches.count == 1 ? try? profile(id: matches[0]) : nil
    }

    /// The invalid profile file this id names, if its definition did not load.
    func invalidEntry(_ id: String) -> ProfileLoader.InvalidProfile? {
        if let entry = invalidByID[id] { return entry }
        let matches = invalid.filter { $0.id.lowercased() == id.lowercased() }
        return matches.count == 1 && lookup(id) == nil ? matches[0] : nil
    }

    /// The profile with this id; the file's error when its profile did not load; or a usage
    /// error with the nearest id and the known ones.
    func device(_ id: String) throws -> DeviceProfile {
        if let invalid = invalidEntry(id) { throw invalid.error.fileError }
        guard let profile = lookup(id) else {
            let suggestion = ParsedArguments.closest(id, among: ids)
            throw UsageError(message: "no device profile '\(id)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
                             + " (known: \(ids.joined(separator: ", ")); see 'mcusim devices')")
        }
        return profile
    }
}

// MARK: - Output

/// A command's result as text for people and as JSON for programs.
protocol CommandOutput {
    func text(console: Console) -> String
    func json() -> JSON
}

/// `--json`: the result as JSON on stdout, and nothing else there.
struct OutputOptions: OptionGroup {
    var json = false

    static let title: String? = nil
    static let declarations: [Declaration<OutputOptions>] = [
        .flag("json", help: "Write the result as JSON to stdout instead of text (nothing else is written there).", \.json),
    ]

    func emit(_ output: CommandOutput, console: Console) {
        console.write(json ? output.json().rendered() : output.text(console: console))
    }
}

// MARK: - Percentages

enum Percent {
    /// A number without trailing zeros: 0.8, 80, 80.5.
    static func plain(_ v: Double) -> String { String(format: "%g", v) }

    /// `fraction` as a percentage with as many decimals (0 to 3) as it takes to tell it
    /// from `limit` when they differ, so 80.45% against 80% reads "80.5%", never "80%".
    static func text(_ fraction: Double, against limit: Double? = nil) -> String {
        var decimals = 0
        if let limit, fraction != limit {
            while decimals < 3, String(format: "%.\(decimals)f", fraction * 100) == String(format: "%.\(decimals)f", limit * 100) {
                decimals += 1
            }
        }
        return String(format: "%.\(decimals)f%%", fraction * 100)
    }

    /// A headroom or other limit as written: 80%, 80.5%.
    static func limit(_ fraction: Double) -> String { plain((fraction * 100 * 1000).rounded() / 1000) + "%" }
}
