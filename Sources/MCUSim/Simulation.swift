import Devices
import Foundation
import Interpreter

/// Everything the device-facing commands (`run --device`, `fit`, `check`, `report`)
/// need about one model on one device: the interpreter's arena and workload records,
/// the cost model's cycles, and the flash/RAM footprint. The interpreter is built once
/// per model and kernel variant and shared across devices.
struct Simulation {
    struct Settings {
        var variant: KernelVariant = .cmsisNN
        /// nil: the profile's toolchain assumption.
        var optimization: OptimizationLevel?
        /// Overrides of the profile's software reserve (`--reserve`).
        var reserveFlash: Int?
        var reserveRAM: Int?

        /// Reads `--kernels`, `--opt` and `--reserve` from parsed arguments.
        static func from(_ args: ParsedArguments) throws -> Settings {
            var s = Settings()
            s.variant = try RunCommand.variant(args)
            if let text = args.value("opt") {
                guard let level = OptimizationLevel(flag: text) else {
                    throw UsageError(message: "--opt expects -Os, -O2 or -O3, got '\(text)'")
                }
                s.optimization = level
            }
            if let text = args.value("reserve") {
                (s.reserveFlash, s.reserveRAM) = try parseReserve(text)
            }
            return s
        }

        /// `flash=64KB,ram=16KB` (either part may be left out).
        static func parseReserve(_ text: String) throws -> (Int?, Int?) {
            var flash: Int?, ram: Int?
            for part in text.split(separator: ",") {
                let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard kv.count == 2, let bytes = ByteSize.parse(kv[1]) else {
                    throw UsageError(message: "--reserve expects flash=SIZE,ram=SIZE (e.g. flash=64KB,ram=16KB), got '\(text)'")
                }
                switch kv[0].lowercased() {
                case "flash": flash = bytes
                case "ram": ram = bytes
                default: throw UsageError(message: "--reserve: unknown part '\(kv[0])' (flash or ram)")
                }
            }
            return (flash, ram)
        }
    }

    let modelPath: String
    let model: Model
    let interpreter: MicroInterpreter
    let device: DeviceProfile
    let settings: Settings
    let cost: ModelCost
    let footprint: Footprint

    var optimization: OptimizationLevel { cost.optimization }

    init(modelPath: String, model: Model, interpreter: MicroInterpreter, device: DeviceProfile, settings: Settings) {
        self.modelPath = modelPath
        self.model = model
        self.interpreter = interpreter
        self.device = device
        self.settings = settings
        cost = CostModel.estimate(workloads: interpreter.workloads, device: device,
                                  options: CostOptions(variant: settings.variant, optimization: settings.optimization))
        let reserve: (flash: Int?, ram: Int?)? = settings.reserveFlash == nil && settings.reserveRAM == nil
            ? nil : (settings.reserveFlash, settings.reserveRAM)
        var input = FootprintInput(interpreter: interpreter)
        input.variant = settings.variant
        footprint = Footprint.estimate(input, optimization: cost.optimization, device: device, reserveOverride: reserve)
    }

    /// Builds the interpreter for `path` (exit-code-mapped errors).
    static func interpreter(for path: String, variant: KernelVariant) throws -> (Model, MicroInterpreter) {
        let model = try MCUSimCLI.loadModel(path)
        do {
            return (model, try MicroInterpreter(model: model, options: InterpreterOptions(variant: variant)))
        } catch {
            throw MCUSimCLI.fileError(error, file: path)
        }
    }

    /// Devices by id from the catalog (all when `ids` is empty), unknown ids rejected
    /// with a suggestion.
    static func devices(_ ids: [String], catalog: ProfileLoader.Catalog) throws -> [DeviceProfile] {
        if ids.isEmpty { return catalog.profiles }
        return try ids.map { id in
            guard let profile = try? catalog.profile(id: id) else {
                let suggestion = ParsedArguments.closest(id, among: catalog.ids)
                throw UsageError(message: "no device profile '\(id)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
                                 + " (known: \(catalog.ids.joined(separator: ", ")); see 'mcusim devices')")
            }
            return profile
        }
    }

    /// The energy figure rests on a run current the profile marks as checked against its datasheet.
    var energyVerified: Bool { device.sources["power.run_current_ma"]?.isVerified ?? false }

    /// Energy for tables: "~" marks a run current not checked against the datasheet.
    var energyText: String {
        guard let e = cost.energyMicrojoules else { return "n/a" }
        return (energyVerified ? "" : "~") + String(format: "%.0f", e)
    }

    func fits(headroom: Double) -> Bool {
        Double(footprint.flash.total) <= headroom * Double(footprint.flashCapacity)
            && Double(footprint.ram.total) <= headroom * Double(footprint.ramCapacity)
    }
}
