import Foundation

// The command line, declared once per option. A command's options are a struct
// (`ParsableOptions`) whose `declarations` list every option and positional argument:
// name, value name, help, type (the key path and value parser), default, whether it
// repeats and how its value is checked. From that one list come
//
//   - the syntax pass (`ParsedArguments.parse`): `--flag value`, `--flag=value`, `--` to
//     end options, repeatable options, unknown flags rejected with the nearest known one;
//   - the typed struct (`ParsableOptions.parse`): each value parsed and checked by its
//     declaration, required options enforced, then the struct's own `validate()`;
//   - the usage line and help text (`CommandSpec`).
//
// Shared groups of options (`OptionGroup`: simulation options, device profiles, output)
// are structs of their own, embedded in a command's options and declared with `.group`.

struct UsageError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

// MARK: - Values

/// How an option's text becomes a typed value, with its check: one place per kind of
/// value (sizes, fractions, kernel variants, ...), shared by every option of that kind.
struct ValueParser<Value> {
    /// The placeholder in usage and help when the option gives none (`cmsis-nn|reference`).
    let placeholder: String
    /// Parses `text` given to `flag` (`--arena-size`); throws a UsageError naming the flag.
    let parse: (_ text: String, _ flag: String) throws -> Value
}

// MARK: - Declarations

/// The untyped description of one option: what help, usage and the syntax pass need.
struct OptionHelp {
    let name: String
    /// The value's name in usage and help (`BYTES`), nil for a switch that takes no value.
    let valueName: String?
    let help: String
    var isRepeatable = false
    var isRequired = false
    /// Shown in help as "(default ...)".
    var defaultValue: String?
    /// The group's title in help ("SIMULATION OPTIONS"), nil for the command's own options.
    var section: String?
    /// Said after "<command> needs --name VALUE" when a required option is missing.
    var missingHint: String?

    var synopsis: String { "--\(name)" + (valueName.map { " \($0)" } ?? "") }
    var usage: String {
        isRequired ? synopsis : "[\(synopsis)]" + (isRepeatable ? "..." : "")
    }
}

/// A positional argument's description.
struct PositionalHelp {
    let valueName: String
    let help: String
    let arity: ClosedRange<Int>

    var usage: String {
        switch (arity.lowerBound, arity.upperBound) {
        case (0, 0): return ""
        case (1, 1): return valueName
        case (0, 1): return "[\(valueName)]"
        case (1, _): return "\(valueName)..."
        default: return "[\(valueName)...]"
        }
    }
}

/// One declared option or positional argument of the options struct `Root`: its help and
/// how its text is stored, typed and checked, into the struct.
struct Declaration<Root> {
    enum Kind {
        case option(OptionHelp, store: (inout Root, String?) throws -> Void)
        case positional(PositionalHelp, store: (inout Root, [String]) throws -> Void)
    }
    let kind: Kind

    /// The same declaration for a struct that holds `Root` at `key` (an option group).
    func lifted<Parent>(_ key: WritableKeyPath<Parent, Root>, section: String?) -> Declaration<Parent> {
        switch kind {
        case .option(var help, let store):
            help.section = help.section ?? section
            return Declaration<Parent>(kind: .option(help) { parent, text in try store(&parent[keyPath: key], text) })
        case .positional(let help, let store):
            return Declaration<Parent>(kind: .positional(help) { parent, values in try store(&parent[keyPath: key], values) })
        }
    }

    // MARK: Factories: the only way options are declared.

    /// A switch: present or not.
    static func flag(_ name: String, help: String, _ key: WritableKeyPath<Root, Bool>) -> Declaration {
        Declaration(kind: .option(OptionHelp(name: name, valueName: nil, help: help)) { root, _ in root[keyPath: key] = true })
    }

    /// An option given at most once; the struct's initial value is the default.
    static func option<V>(_ name: String, _ parser: ValueParser<V>, value: String? = nil, help: String,
                          default defaultValue: String? = nil, _ key: WritableKeyPath<Root, V>) -> Declaration {
        let info = OptionHelp(name: name, valueName: value ?? parser.placeholder, help: help, defaultValue: defaultValue)
        return Declaration(kind: .option(info) { root, text in root[keyPath: key] = try parser.parse(text ?? "", "--" + name) })
    }

    /// An optional option (nil when not given).
    static func option<V>(_ name: String, _ parser: ValueParser<V>, value: String? = nil, help: String,
                          default defaultValue: String? = nil, _ key: WritableKeyPath<Root, V?>) -> Declaration {
        let info = OptionHelp(name: name, valueName: value ?? parser.placeholder, help: help, defaultValue: defaultValue)
        return Declaration(kind: .option(info) { root, text in root[keyPath: key] = try parser.parse(text ?? "", "--" + name) })
    }

    /// An option that must be given; `missing` is said after "needs --name VALUE".
    static func required<V>(_ name: String, _ parser: ValueParser<V>, value: String? = nil, help: String,
                            missing: String? = nil, _ key: WritableKeyPath<Root, V?>) -> Declaration {
        var info = OptionHelp(name: name, valueName: value ?? parser.placeholder, help: help)
        info.isRequired = true
        info.missingHint = missing
        return Declaration(kind: .option(info) { root, text in root[keyPath: key] = try parser.parse(text ?? "", "--" + name) })
    }

    /// An option that may be given several times; values are kept in order.
    static func repeated<V>(_ name: String, _ parser: ValueParser<V>, value: String? = nil, help: String,
                            _ key: WritableKeyPath<Root, [V]>) -> Declaration {
        var info = OptionHelp(name: name, valueName: value ?? parser.placeholder, help: help)
        info.isRepeatable = true
        return Declaration(kind: .option(info) { root, text in root[keyPath: key].append(try parser.parse(text ?? "", "--" + name)) })
    }

    /// Positional arguments: `arity` of them, each parsed by `parser`.
    static func positional<V>(_ value: String, _ parser: ValueParser<V>, help: String, arity: ClosedRange<Int>,
                              _ key: WritableKeyPath<Root, [V]>) -> Declaration {
        Declaration(kind: .positional(PositionalHelp(valueName: value, help: help, arity: arity)) { root, values in
            root[keyPath: key] = try values.map { try parser.parse($0, value) }
        })
    }

    /// Exactly one positional argument.
    static func positional<V>(_ value: String, _ parser: ValueParser<V>, help: String, _ key: WritableKeyPath<Root, V>) -> Declaration {
        Declaration(kind: .positional(PositionalHelp(valueName: value, help: help, arity: 1...1)) { root, values in
            if let first = values.first { root[keyPath: key] = try parser.parse(first, value) }
        })
    }
}

extension Array {
    /// A shared option group's declarations, embedded at `key`.
    static func group<Root, Group: OptionGroup>(_ key: WritableKeyPath<Root, Group>) -> [Declaration<Root>] where Element == Declaration<Root> {
        Group.declarations.map { $0.lifted(key, section: Group.title) }
    }
}

/// Options shared by several commands, declared once (e.g. `SimulationOptions`).
protocol OptionGroup {
    init()
    /// The heading of the group's options in help; nil lists them with the command's own.
    static var title: String? { get }
    static var declarations: [Declaration<Self>] { get }
}

/// A command's typed options: built, checked and validated in one place (`parse`).
protocol ParsableOptions {
    init()
    static var declarations: [Declaration<Self>] { get }
    /// Checks between options once every value is stored (exclusive options, an option
    /// that needs another). Checks of one value belong to its ValueParser.
    func validate() throws
}

extension ParsableOptions {
    func validate() throws {}

    static var optionHelp: [OptionHelp] {
        declarations.compactMap { if case .option(let h, _) = $0.kind { return h }; return nil }
    }

    static var positionalHelp: [PositionalHelp] {
        declarations.compactMap { if case .positional(let h, _) = $0.kind { return h }; return nil }
    }

    /// Builds the typed options from a syntax pass: every value parsed and checked by its
    /// declaration, positionals distributed in order, required options enforced, then `validate()`.
    static func parse(_ arguments: ParsedArguments, command: String) throws -> Self {
        var options = Self()
        var positionals = arguments.positionals[...]
        // Each positional takes up to its maximum, leaving the later ones their minimum.
        var laterMinimum = positionalHelp.reduce(0) { $0 + $1.arity.lowerBound }
        for declaration in declarations {
            switch declaration.kind {
            case .option(let help, let store):
                if help.valueName == nil {
                    if arguments.flag(help.name) { try store(&options, nil) }
                    continue
                }
                let values = arguments.all(help.name)
                if values.isEmpty, help.isRequired {
                    throw UsageError(message: "\(command) needs \(help.synopsis)" + (help.missingHint.map { " (\($0))" } ?? ""))
                }
                for value in values { try store(&options, value) }
            case .positional(let help, let store):
                laterMinimum -= help.arity.lowerBound
                let take = Swift.min(help.arity.upperBound, Swift.max(positionals.count - laterMinimum, 0))
                try store(&options, Array(positionals.prefix(take)))
                positionals = positionals.dropFirst(take)
            }
        }
        try options.validate()
        return options
    }
}

// MARK: - The command's description: syntax, usage and help

/// Everything known about a command's command line without its types: what the syntax
/// pass, the usage line and the help text are generated from.
struct CommandSpec {
    let name: String
    let summary: String
    let positionals: [PositionalHelp]
    let options: [OptionHelp]
    /// Extra help text (exit codes, formats, examples).
    var details: String = ""

    var positionalRange: ClosedRange<Int> {
        let low = positionals.reduce(0) { $0 + $1.arity.lowerBound }
        let high = positionals.reduce(0) { $0 > Int.max / 2 || $1.arity.upperBound > Int.max / 2 ? Int.max : $0 + $1.arity.upperBound }
        return low...max(high, low)
    }

    /// The usage line, from the declarations: positionals, then options in declaration order.
    var usage: String {
        (["mcusim", name] + positionals.map(\.usage) + options.map(\.usage)).filter { !$0.isEmpty }.joined(separator: " ")
    }

    func helpText() -> String {
        var lines = [summary, "", "USAGE: \(usage)"]
        if !positionals.isEmpty {
            lines += ["", "ARGUMENTS:"]
            let width = positionals.map(\.valueName.count).max() ?? 0
            for p in positionals { lines += Self.wrap(p.help, label: p.valueName, labelWidth: width) }
        }
        let help = OptionHelp(name: "help", valueName: nil, help: "Show this help.")
        // The command's own options first, then each group under its title, in declaration order.
        var sections: [(String, [OptionHelp])] = [("OPTIONS", options.filter { $0.section == nil } + [help])]
        for option in options {
            guard let title = option.section else { continue }
            if let i = sections.firstIndex(where: { $0.0 == title }) { sections[i].1.append(option) } else { sections.append((title, [option])) }
        }
        let width = (options + [help]).map(\.synopsis.count).max() ?? 0
        for (title, list) in sections where !list.isEmpty {
            lines += ["", "\(title):"]
            for o in list {
                var text = o.help
                if let d = o.defaultValue { text += " (default \(d))" }
                if o.isRepeatable { text += " (repeatable)" }
                if o.isRequired { text += " (required)" }
                lines += Self.wrap(text, label: o.synopsis, labelWidth: width)
            }
        }
        if !details.isEmpty { lines += ["", details] }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Help lines are at most this wide (fixed, so help is the same on every terminal).
    static let helpWidth = 118

    /// `  label   text`, the text wrapped at word boundaries under its first line.
    static func wrap(_ text: String, label: String, labelWidth: Int) -> [String] {
        let indent = String(repeating: " ", count: labelWidth + 4)
        var lines: [String] = []
        var line = "  " + label.padding(toLength: labelWidth + 2, withPad: " ", startingAt: 0)
        var lineHasWords = false
        for word in text.split(separator: " ") {
            if lineHasWords, line.count + 1 + word.count > helpWidth {
                lines.append(line)
                line = indent
                lineHasWords = false
            }
            line += (lineHasWords ? " " : "") + word
            lineHasWords = true
        }
        lines.append(line)
        return lines
    }
}

// MARK: - The syntax pass

/// The command line split by the declarations, before any value is typed: positionals,
/// each option's values in order, and the switches given.
struct ParsedArguments {
    var positionals: [String] = []
    var values: [String: [String]] = [:]
    var switches: Set<String> = []
    var helpRequested = false

    /// Raw access by name, for diagnostics and tests; commands read their typed options.
    func value(_ name: String) -> String? { values[name]?.last }
    func all(_ name: String) -> [String] { values[name] ?? [] }
    func flag(_ name: String) -> Bool { switches.contains(name) }
    func bytes(_ name: String) throws -> Int? { try value(name).map { try ValueParser.bytes.parse($0, "--" + name) } }

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
            guard let valueName = option.valueName else {
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
                guard i < args.count else { throw UsageError(message: "option '--\(name)' needs a value (\(valueName))") }
                value = args[i]
                i += 1
            }
            if !option.isRepeatable, result.values[name] != nil {
                throw UsageError(message: "option '--\(name)' given more than once")
            }
            result.values[name, default: []].append(value)
        }
        if !result.helpRequested && !spec.positionalRange.contains(result.positionals.count) {
            let r = spec.positionalRange
            let expected = r.lowerBound == r.upperBound ? "\(r.lowerBound)"
                : r.upperBound == Int.max ? "at least \(r.lowerBound)" : "\(r.lowerBound) to \(r.upperBound)"
            let plural = r.lowerBound == r.upperBound || r.upperBound == Int.max ? r.lowerBound != 1 : true
            throw UsageError(message: "expected \(expected) argument\(plural ? "s" : ""), got \(result.positionals.count) (usage: \(spec.usage))")
        }
        return result
    }

    /// The known name within edit distance 2 (or sharing a prefix), if any; case does not count.
    static func closest(_ name: String, among names: [String]) -> String? {
        let lowered = name.lowercased()
        let scored = names.map { ($0, editDistance(lowered, $0.lowercased())) }.sorted { $0.1 < $1.1 }
        if let best = scored.first, best.1 <= max(2, name.count / 3) { return best.0 }
        return names.first { $0.lowercased().hasPrefix(lowered) || lowered.hasPrefix($0.lowercased()) }
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

// MARK: - Sizes

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
