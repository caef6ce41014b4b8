import Devices
import Foundation
import Interpreter

// The budget file read by `mcusim check`, read (like `--baseline` and device profiles) by
// Devices' strict JSON reader. Every value is checked where it is read, so an error names
// the JSON path of the bad field: `entries[1].limits.latency_ms: expected ...`.
//
// Schema (version 1):
//
//   {
//     "version": 1,                       optional; 1 is the only version
//     "defaults": { ... },                optional; any entry key but "name" and "model"
//     "entries": [                        required, at least one
//       {
//         "name": "kws@stm32f411re",      optional; default "<model file stem>@<device>"
//         "model": "models/kws.tflite",   relative to the budget file's directory
//         "device": "stm32f411re",        a profile id (see `mcusim devices`)
//         "kernels": "cmsis-nn",          cmsis-nn (default) or reference
//         "opt": "-O2",                   -Os, -O2 or -O3; default: the profile's toolchain
//         "tolerance": 0.05,              allowed drift against --baseline (fraction or "5%")
//         "limits": {
//           "latency_ms": 40,             number (ms) or "40ms", "1.5s", "500us"
//           "ram_bytes": "96KB",          number (bytes), "96KB", "1.5MB" (KB = 1024 B) or "80%"
//           "flash_bytes": "80%",         a percentage is of the device's capacity
//           "arena_bytes": 65536,
//           "operators": [                per-operator latency limits
//             {"index": 0, "latency_ms": "5ms"},       operator 0
//             {"op": "CONV_2D", "latency_ms": 8},      each CONV_2D operator on its own
//             {"index": 3, "op": "DEPTHWISE_CONV_2D", "latency_ms": 2}   operator 3, which must be that op
//           ]
//         }
//       }
//     ]
//   }
//
// "defaults.limits" merges key by key into each entry's limits; an entry's `null`
// removes a default limit. A "comment" key is allowed (and ignored) in every object.

/// An error in a budget or baseline file: the JSON path of the bad value and what is wrong.
struct BudgetError: Error {
    let path: String
    let message: String

    func fileError(_ file: String) -> FileError {
        FileError(file: file, message: path.isEmpty ? message : "\(path): \(message)", code: ExitCode.invalidInput)
    }
}

// MARK: - Strict JSON reading

/// The strict reader lives in Devices (profiles use it too); budgets and baselines read
/// through it and report its syntax errors as budget errors.
enum JSONReader {
    static func parse(_ data: Data) throws -> JSONValue { try parse([UInt8](data)) }

    static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        do {
            return try StrictJSONReader.parse(bytes)
        } catch let error as JSONSyntaxError {
            throw BudgetError(path: "", message: error.description)
        }
    }
}

extension JSONValue {
    /// How a value is shown in an error: the literal for scalars, the kind for containers.
    var shown: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let d, let isInteger):
            return isInteger && abs(d) < 1e15 ? String(Int(d)) : "\(d)"
        case .string(let s):
            var out = ""
            JSON.quote(s.count > 60 ? String(s.prefix(60)) + "..." : s, into: &out)
            return out
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

// MARK: - Typed access with paths

/// A value and where it is in the file, for typed reads that name the path on error.
struct JSONField {
    let value: JSONValue
    let path: String

    func child(_ key: String) -> JSONField? { value[key].map { JSONField(value: $0, path: path.isEmpty ? key : "\(path).\(key)") } }

    func fail(_ message: String) -> BudgetError { BudgetError(path: path, message: message) }

    func object(allowedKeys: [String]) throws -> [(String, JSONValue)] {
        guard case .object(let pairs) = value else { throw fail("expected an object, got \(value.shown)") }
        for (key, _) in pairs where key != "comment" && !allowedKeys.contains(key) {
            let suggestion = ParsedArguments.closest(key, among: allowedKeys)
            throw BudgetError(path: path.isEmpty ? key : "\(path).\(key)",
                              message: "unknown key" + (suggestion.map { "; did you mean \"\($0)\"?" } ?? "")
                                  + " (known: \(allowedKeys.joined(separator: ", ")))")
        }
        return pairs
    }

    func array() throws -> [JSONField] {
        guard case .array(let items) = value else { throw fail("expected an array, got \(value.shown)") }
        return items.enumerated().map { JSONField(value: $1, path: "\(path)[\($0)]") }
    }

    func string() throws -> String {
        guard case .string(let s) = value else { throw fail("expected a string, got \(value.shown)") }
        return s
    }

    func nonNegativeInteger() throws -> Int {
        guard case .number(let d, true) = value, d >= 0, d <= Double(Int32.max) else {
            throw fail("expected a non-negative integer, got \(value.shown)")
        }
        return Int(d)
    }

    func double() throws -> Double {
        guard case .number(let d, _) = value else { throw fail("expected a number, got \(value.shown)") }
        return d
    }
}

// MARK: - Units

enum BudgetUnits {
    /// The longest duration a budget or baseline may give, in ms (about 32 years): beyond it
    /// a limit is a mistake, and past Double's range it would become infinite.
    static let maxMilliseconds = 1e12

    /// Milliseconds from a number (ms) or a string with a unit: "20ms", "1.5s", "500us" / "500µs".
    static func milliseconds(_ field: JSONField) throws -> Double {
        let ms = try unboundedMilliseconds(field)
        guard ms <= maxMilliseconds else {
            throw field.fail("a duration must be at most \(Int(maxMilliseconds)) ms, got \(field.value.shown)")
        }
        return ms
    }

    private static func unboundedMilliseconds(_ field: JSONField) throws -> Double {
        let message = "expected a number or a duration like \"20ms\", got \(field.value.shown)"
        switch field.value {
        case .number(let d, _):
            guard d >= 0 else { throw field.fail("a duration cannot be negative, got \(field.value.shown)") }
            return d
        case .string(let s):
            let t = s.trimmingCharacters(in: .whitespaces).lowercased()
            let units: [(String, Double)] = [("ms", 1), ("us", 1e-3), ("µs", 1e-3), ("μs", 1e-3), ("s", 1000)]
            for (suffix, factor) in units where t.hasSuffix(suffix) {
                guard let v = Double(t.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), v.isFinite else {
                    throw field.fail(message)
                }
                guard v >= 0 else { throw field.fail("a duration cannot be negative, got \(field.value.shown)") }
                return v * factor
            }
            throw field.fail(message)
        default:
            throw field.fail(message)
        }
    }

    /// A byte limit: a number of bytes, a size string ("96KB", "1.5MB"; KB = 1024 B) or a
    /// percentage of the device's capacity ("80%").
    static func size(_ field: JSONField) throws -> Budget.SizeLimit {
        let message = "expected a number of bytes, a size like \"96KB\" (1 KB = 1024 bytes) or a percentage of the device's capacity like \"80%\", got \(field.value.shown)"
        switch field.value {
        case .number(let d, _):
            guard d >= 0, d < 1e15 else { throw field.fail(message) }
            return .bytes(Int(d.rounded(.down)))
        case .string(let s):
            let t = s.trimmingCharacters(in: .whitespaces)
            if t.hasSuffix("%") {
                guard let v = Double(t.dropLast().trimmingCharacters(in: .whitespaces)), v.isFinite, v >= 0, v <= 1000 else {
                    throw field.fail(message)
                }
                return .fractionOfCapacity(v / 100)
            }
            guard let bytes = ByteSize.parse(t) else { throw field.fail(message) }
            return .bytes(bytes)
        default:
            throw field.fail(message)
        }
    }

    /// A fraction (0.05) or a percentage string ("5%").
    static func fraction(_ field: JSONField) throws -> Double {
        let message = "expected a fraction like 0.05 or a percentage like \"5%\", got \(field.value.shown)"
        var v: Double
        switch field.value {
        case .number(let d, _): v = d
        case .string(let s):
            let t = s.trimmingCharacters(in: .whitespaces)
            guard t.hasSuffix("%"), let p = Double(t.dropLast().trimmingCharacters(in: .whitespaces)) else { throw field.fail(message) }
            v = p / 100
        default: throw field.fail(message)
        }
        guard v.isFinite, v >= 0, v <= 10 else { throw field.fail("a tolerance must be between 0 and 10 (1000%), got \(field.value.shown)") }
        return v
    }
}

// MARK: - The budget

struct Budget {
    enum SizeLimit: Equatable {
        case bytes(Int)
        /// Of the device's flash or RAM capacity (arena and RAM limits use the RAM capacity).
        case fractionOfCapacity(Double)

        func resolve(capacity: Int) -> Int {
            switch self {
            case .bytes(let b): return b
            case .fractionOfCapacity(let f): return Int((f * Double(capacity)).rounded(.down))
            }
        }

        var describedPercent: String? {
            if case .fractionOfCapacity(let f) = self { return String(format: "%g%%", f * 100) }
            return nil
        }
    }

    /// A latency limit on one operator (`index`), or on each operator of a type (`op`), or both.
    struct OperatorLimit {
        let path: String
        let index: Int?
        let op: String?
        let latencyMs: Double
    }

    struct Limits {
        var latencyMs: Double?
        var ram: SizeLimit?
        var flash: SizeLimit?
        var arena: SizeLimit?
        var operators: [OperatorLimit] = []

        var isEmpty: Bool { latencyMs == nil && ram == nil && flash == nil && arena == nil && operators.isEmpty }
    }

    struct Entry {
        /// `entries[i]`, for error messages.
        let path: String
        let name: String
        /// As written in the budget file (shown in output, so output does not depend on where the checkout is).
        let model: String
        let modelURL: URL
        let device: String
        let variant: KernelVariant
        let optimization: OptimizationLevel?
        let tolerance: Double
        let limits: Limits
        /// Where each field came from, for errors found later (device, operators).
        let devicePath: String
        let modelPath: String
    }

    static let defaultTolerance = 0.05
    static let entryKeys = ["name", "model", "device", "kernels", "opt", "tolerance", "limits"]
    static let defaultsKeys = ["device", "kernels", "opt", "tolerance", "limits"]
    static let limitKeys = ["latency_ms", "ram_bytes", "flash_bytes", "arena_bytes", "operators"]
    static let operatorLimitKeys = ["index", "op", "latency_ms"]

    let file: String
    let entries: [Entry]

    /// Reads and checks `path`; errors are FileErrors with exit code 2 naming the JSON path.
    static func load(path: String) throws -> Budget {
        let url = URL(fileURLWithPath: path)
        let bytes = try FileAccess.contents(of: path, limit: FileAccess.Limit.budget, what: "a budget file")
        do {
            return try Budget(file: path, root: JSONReader.parse(bytes), directory: url.deletingLastPathComponent())
        } catch let e as BudgetError {
            throw e.fileError(path)
        }
    }

    init(file: String, root: JSONValue, directory: URL) throws {
        self.file = file
        let top = JSONField(value: root, path: "")
        _ = try top.object(allowedKeys: ["version", "defaults", "entries"])
        if let version = top.child("version") {
            guard try version.nonNegativeInteger() == 1 else { throw version.fail("only version 1 is known, got \(version.value.shown)") }
        }
        let defaults = try top.child("defaults").map { d -> JSONField in
            _ = try d.object(allowedKeys: Self.defaultsKeys)
            return d
        }
        guard let entriesField = top.child("entries") else {
            throw BudgetError(path: "", message: "missing \"entries\" (a top-level object with \"entries\": [...] is expected)")
        }
        let items = try entriesField.array()
        guard !items.isEmpty else { throw entriesField.fail("no entries") }

        var entries: [Entry] = []
        var namePaths: [String: String] = [:]
        for item in items {
            let entry = try Self.entry(item, defaults: defaults, directory: directory)
            if let earlier = namePaths[entry.name] {
                throw BudgetError(path: item.child("name")?.path ?? item.path,
                                  message: "duplicate entry name \"\(entry.name)\" (also \(earlier)); give each entry a distinct \"name\"")
            }
            namePaths[entry.name] = item.path
            entries.append(entry)
        }
        self.entries = entries
    }

    /// The entry's field, else the default's.
    private static func field(_ key: String, _ entry: JSONField, _ defaults: JSONField?) -> JSONField? {
        if let f = entry.child(key), !(f.value.isNull) { return f }
        return defaults?.child(key).flatMap { $0.value.isNull ? nil : $0 }
    }

    private static func entry(_ item: JSONField, defaults: JSONField?, directory: URL) throws -> Entry {
        _ = try item.object(allowedKeys: entryKeys)
        guard let modelField = item.child("model") else { throw item.fail("missing \"model\" (a .tflite path relative to the budget file)") }
        let model = try modelField.string()
        guard !model.isEmpty else { throw modelField.fail("empty model path") }
        guard let deviceField = field("device", item, defaults) else { throw item.fail("missing \"device\" (a profile id; see 'mcusim devices')") }
        let device = try deviceField.string()

        var variant = KernelVariant.cmsisNN
        if let f = field("kernels", item, defaults) {
            guard let v = KernelVariant(rawValue: try f.string()) else {
                throw f.fail("expected \"cmsis-nn\" or \"reference\", got \(f.value.shown)")
            }
            variant = v
        }
        var optimization: OptimizationLevel?
        if let f = field("opt", item, defaults) {
            guard let level = OptimizationLevel(flag: try f.string()) else {
                throw f.fail("expected \"-Os\", \"-O2\" or \"-O3\", got \(f.value.shown)")
            }
            optimization = level
        }
        let tolerance = try field("tolerance", item, defaults).map(BudgetUnits.fraction) ?? defaultTolerance

        var limits = Limits()
        for source in [defaults?.child("limits"), item.child("limits")].compactMap({ $0 }) where !source.value.isNull {
            try readLimits(source, into: &limits)
        }

        let url = model.hasPrefix("/") ? URL(fileURLWithPath: model) : directory.appendingPathComponent(model)
        var name = URL(fileURLWithPath: model).deletingPathExtension().lastPathComponent + "@" + device
        if variant != .cmsisNN { name += "/" + variant.rawValue }
        if let optimization { name += "/" + optimization.rawValue }
        if let f = item.child("name"), !f.value.isNull {
            name = try f.string()
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw f.fail("empty name") }
        }
        return Entry(path: item.path, name: name, model: model, modelURL: url.standardizedFileURL, device: device,
                     variant: variant, optimization: optimization, tolerance: tolerance, limits: limits,
                     devicePath: deviceField.path, modelPath: modelField.path)
    }

    /// Merges `source`'s limits into `limits`: a key present replaces the earlier value, `null` clears it.
    private static func readLimits(_ source: JSONField, into limits: inout Limits) throws {
        let pairs = try source.object(allowedKeys: limitKeys)
        for (key, value) in pairs where key != "comment" {
            let f = JSONField(value: value, path: "\(source.path).\(key)")
            let isNull = value.isNull
            switch key {
            case "latency_ms": limits.latencyMs = isNull ? nil : try BudgetUnits.milliseconds(f)
            case "ram_bytes": limits.ram = isNull ? nil : try BudgetUnits.size(f)
            case "flash_bytes": limits.flash = isNull ? nil : try BudgetUnits.size(f)
            case "arena_bytes": limits.arena = isNull ? nil : try BudgetUnits.size(f)
            case "operators": limits.operators = isNull ? [] : try f.array().map(operatorLimit)
            default: break
            }
        }
    }

    private static func operatorLimit(_ f: JSONField) throws -> OperatorLimit {
        _ = try f.object(allowedKeys: operatorLimitKeys)
        let index = try f.child("index").map { try $0.nonNegativeInteger() }
        let op = try f.child("op").map { try $0.string().uppercased() }
        guard index != nil || op != nil else {
            throw f.fail("an operator limit needs \"index\" (an operator index), \"op\" (an operator type such as \"CONV_2D\") or both")
        }
        guard let latency = f.child("latency_ms") else { throw f.fail("missing \"latency_ms\"") }
        return OperatorLimit(path: f.path, index: index, op: op, latencyMs: try BudgetUnits.milliseconds(latency))
    }
}

extension JSONValue {
    var isNull: Bool { if case .null = self { return true }; return false }
}
