import Foundation

// Conventional command-line parsing with no dependencies: `--flag value` and
// `--flag=value`, repeatable options, boolean switches, `--` to end options, and
// unknown flags rejected with the nearest known flag as a suggestion.

struct UsageError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

struct OptionSpec {
    let name: String
    /// Placeholder shown in help, nil for a boolean switch.
    let value: String?
    let help: String
    var repeatable = false
}

struct CommandSpec {
    let name: String
    let summary: String
    let usage: String
    let options: [OptionSpec]
    /// Extra help text (exit codes, examples).
    var details: String = ""
    var positionalRange: ClosedRange<Int> = 1...1

    func helpText() -> String {
        var lines = ["\(summary)", "", "USAGE: \(usage)", "", "OPTIONS:"]
        let all = options + [OptionSpec(name: "help", value: nil, help: "Show this help.")]
        let width = all.map { "--\($0.name)" + ($0.value.map { " \($0)" } ?? "") }.map(\.count).max() ?? 0
        for o in all {
            let flag = "--\(o.name)" + (o.value.map { " \($0)" } ?? "")
            lines.append("  " + flag.padding(toLength: width + 2, withPad: " ", startingAt: 0) + o.help
                         + (o.repeatable ? " (repeatable)" : ""))
        }
        if !details.isEmpty { lines += ["", details] }
        return lines.joined(separator: "\n") + "\n"
    }
}

struct ParsedArguments {
    var positionals: [String] = []
    var values: [String: [String]] = [:]
    var switches: Set<String> = []
    var helpRequested = false

    func value(_ name: String) -> String? { values[name]?.last }
    func all(_ name: String) -> [String] { values[name] ?? [] }
    func flag(_ name: String) -> Bool { switches.contains(name) }

    func int(_ name: String) throws -> Int? {
        guard let text = value(name) else { return nil }
        guard let v = Int(text.replacingOccurrences(of: "_", with: "")) else {
            throw UsageError(message: "--\(name) expects an integer, got '\(text)'")
        }
        return v
    }

    func double(_ name: String) throws -> Double? {
        guard let text = value(name) else { return nil }
        guard let v = Double(text), v.isFinite else { throw UsageError(message: "--\(name) expects a number, got '\(text)'") }
        return v
    }

    /// A byte count: plain bytes or with a unit (`256KB`, `1.5MB`; KB = 1024 bytes).
    func bytes(_ name: String) throws -> Int? {
        guard let text = value(name) else { return nil }
        guard let v = ByteSize.parse(text) else {
            throw UsageError(message: "--\(name) expects a byte count such as 65536, 96KB or 1.5MB, got '\(text)'")
        }
        return v
    }

    static func parse(_ args: [String], spec: CommandSpec) throws -> ParsedArguments {
        var result = ParsedArguments()
        let byName = Dictionary(spec.options.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var i = 0
        var optionsEnded = false
        while i < args.count {
            let arg = args[i]
            i += 1
            if optionsEnded || !arg.hasPrefix("-") || arg == "-" {
                result.positionals.append(arg)
                continue
            }
            if arg == "--" { optionsEnded = true; continue }
            if arg == "-h" || arg == "--help" { result.helpRequested = true; continue }
            guard arg.hasPrefix("--") else {
                throw UsageError(message: "unknown option '\(arg)'; options are spelled --name (see 'mcusim \(spec.name) --help')")
            }
            var name = String(arg.dropFirst(2))
            var inlineValue: String?
            if let eq = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            guard let option = byName[name] else {
                let suggestion = closest(name, among: spec.options.map(\.name) + ["help"])
                throw UsageError(message: "unknown option '--\(name)'" + (suggestion.map { "; did you mean '--\($0)'?" } ?? "")
                                 + " (see 'mcusim \(spec.name) --help')")
            }
            if option.value == nil {
                if let inlineValue {
                    throw UsageError(message: "option '--\(name)' takes no value, got '\(inlineValue)'")
                }
                result.switches.insert(name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard i < args.count else { throw UsageError(message: "option '--\(name)' needs a value (\(option.value!))") }
                value = args[i]
                i += 1
            }
            if !option.repeatable, result.values[name] != nil {
                throw UsageError(message: "option '--\(name)' given more than once")
            }
            result.values[name, default: []].append(value)
        }
        if !result.helpRequested && !spec.positionalRange.contains(result.positionals.count) {
            let r = spec.positionalRange
            let expected = r.lowerBound == r.upperBound ? "\(r.lowerBound)" : "\(r.lowerBound) to \(r.upperBound)"
            throw UsageError(message: "expected \(expected) argument\(r.upperBound == 1 ? "" : "s"), got \(result.positionals.count) (usage: \(spec.usage))")
        }
        return result
    }

    /// The known name within edit distance 2 (or sharing a prefix), if any.
    static func closest(_ name: String, among names: [String]) -> String? {
        let scored = names.map { ($0, editDistance(name, $0)) }.sorted { $0.1 < $1.1 }
        if let best = scored.first, best.1 <= max(2, name.count / 3) { return best.0 }
        return names.first { $0.hasPrefix(name) || name.hasPrefix($0) }
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// Sizes with units. KB, MB are binary (1 KB = 1024 bytes), as embedded engineers
/// and linker maps count memory.
enum ByteSize {
    static func parse(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
        let units: [(String, Double)] = [("KiB", 1024), ("MiB", 1_048_576), ("KB", 1024), ("MB", 1_048_576), ("K", 1024), ("M", 1_048_576), ("B", 1)]
        for (suffix, factor) in units where t.uppercased().hasSuffix(suffix.uppercased()) {
            guard let v = Double(t.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), v >= 0, v.isFinite, v * factor < 1e15 else { return nil }
            return Int((v * factor).rounded())
        }
        guard let v = Int(t), v >= 0 else { return nil }
        return v
    }

    static func format(_ bytes: Int) -> String {
        if bytes >= 1 << 20 { return String(format: "%.2f MB", Double(bytes) / Double(1 << 20)) }
        if bytes >= 1024 { return String(format: "%.1f KB", Double(bytes) / 1024) }
        return "\(bytes) B"
    }
}
