import Devices
import Foundation
import Interpreter

/// `mcusim check BUDGETS.json`: latency, RAM, flash and arena budgets for CI, with
/// JUnit XML, JSON, and drift against a previous run's JSON.
enum CheckCommand: Command {
    static let spec = CommandSpec(
        name: "check",
        summary: "Check latency, RAM, flash and arena budgets of models on devices (for CI): JUnit XML, JSON, baseline drift.",
        usage: "mcusim check BUDGETS.json [--junit FILE] [--json] [--baseline PREVIOUS.json] [--profiles DIR]... [--quiet]",
        options: [
            OptionSpec(name: "junit", value: "FILE", help: "Also write JUnit XML: one testsuite per entry, one testcase per entry and metric."),
            OptionSpec(name: "json", value: nil, help: "Write the full result (entries, metrics, per-operator figures) as JSON to stdout."),
            OptionSpec(name: "baseline", value: "PREV.json", help: "A previous 'check --json' output: also fail on regressions beyond each entry's tolerance."),
            OptionSpec(name: "profiles", value: "DIR", help: "Also load device profiles from DIR.", repeatable: true),
            OptionSpec(name: "quiet", value: nil, help: "No progress on stderr (progress is shown only when stderr is a terminal)."),
        ],
        details: """
        BUDGETS.json: {"defaults": {...}, "entries": [{"name", "model", "device", "kernels", "opt", "tolerance", "limits"}]}
          model      .tflite path, relative to the budget file
          device     profile id (see 'mcusim devices'); kernels cmsis-nn (default) or reference; opt -Os, -O2 or -O3
          limits     latency_ms: a number (ms) or "20ms", "1.5s", "500us"
                     ram_bytes, flash_bytes, arena_bytes: a number (bytes), "96KB", "1.5MB" (1 KB = 1024 bytes),
                       or "80%" of the device's capacity (flash for flash_bytes, arena RAM for ram_bytes and arena_bytes)
                     operators: [{"index": 3, "latency_ms": 2}, {"op": "CONV_2D", "latency_ms": "5ms"}]
                       index: that operator; op: each operator of that type; both: that operator, which must be that type
          tolerance  allowed growth against --baseline, a fraction (0.05) or "5%" (default 0.05)
        "defaults" holds any entry key but name and model; its limits merge key by key (null in an entry removes one).
        ram_bytes = arena + the device's software reserve; arena_bytes = planned + persistent arena.
        Exit codes: 0 every entry holds, 1 a limit is exceeded or a baseline regression, 2 a malformed budget or
        baseline file (the message names the JSON path of the bad field) or a missing model, 3 an unsupported model.
        """)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let budgetPath = args.positionals[0]
        let quiet = args.flag("quiet")
        let budget = try Budget.load(path: budgetPath)
        let catalog = try DevicesCommand.loadCatalog(args)
        let baseline = try args.value("baseline").map(Baseline.load)

        // Everything the budget names must exist before anything runs.
        var devices: [DeviceProfile] = []
        for entry in budget.entries {
            guard let profile = try? catalog.profile(id: entry.device) else {
                let suggestion = ParsedArguments.closest(entry.device, among: catalog.ids)
                throw FileError(file: budgetPath,
                                message: "\(entry.devicePath): no device profile \"\(entry.device)\""
                                    + (suggestion.map { "; did you mean \"\($0)\"?" } ?? "")
                                    + " (known: \(catalog.ids.joined(separator: ", ")))",
                                code: ExitCode.invalidInput)
            }
            guard FileManager.default.fileExists(atPath: entry.modelURL.path) else {
                throw FileError(file: budgetPath, message: "\(entry.modelPath): no such model file \"\(entry.model)\" (looked for \(entry.modelURL.path))",
                                code: ExitCode.invalidInput)
            }
            devices.append(profile)
        }

        // One interpreter per model and kernel variant, shared by that model's entries.
        var interpreters: [String: (Model, MicroInterpreter)] = [:]
        var results: [EntryResult] = []
        for (n, (entry, device)) in zip(budget.entries, devices).enumerated() {
            console.progress("[\(n + 1)/\(budget.entries.count)] \(entry.name)", quiet: quiet)
            let key = entry.variant.rawValue + "|" + entry.modelURL.path
            let built: (Model, MicroInterpreter)
            if let cached = interpreters[key] {
                built = cached
            } else {
                do {
                    built = try Simulation.interpreter(for: entry.modelURL.path, variant: entry.variant)
                } catch let e as FileError {
                    throw FileError(file: e.file, message: e.message + " (budget entry \"\(entry.name)\")", code: e.code)
                }
                interpreters[key] = built
            }
            var settings = Simulation.Settings()
            settings.variant = entry.variant
            settings.optimization = entry.optimization
            let sim = Simulation(modelPath: entry.model, model: built.0, interpreter: built.1, device: device, settings: settings)
            results.append(try evaluate(entry, sim: sim, baseline: baseline, budgetFile: budgetPath))
        }
        console.endProgress(quiet: quiet)

        let report = CheckReport(budgetFile: budgetPath, results: results, baselineFile: args.value("baseline"))
        if let junit = args.value("junit") {
            do {
                try Data(report.junit().xml().utf8).write(to: URL(fileURLWithPath: junit), options: .atomic)
            } catch {
                throw FileError(file: junit, message: "cannot write the JUnit file", code: ExitCode.invalidInput)
            }
        }
        if args.flag("json") {
            console.write(report.json().rendered())
        } else {
            for line in report.textLines(console: console) { console.print(line) }
        }
        return report.ok ? ExitCode.ok : ExitCode.checkFailed
    }

    // MARK: Evaluation

    static func evaluate(_ entry: Budget.Entry, sim: Simulation, baseline: Baseline?, budgetFile: String) throws -> EntryResult {
        let f = sim.footprint
        var checks: [Check] = []
        func sizeCheck(_ metric: String, _ measured: Int, _ limit: Budget.SizeLimit?, capacity: Int) {
            guard let limit else { return }
            let bytes = limit.resolve(capacity: capacity)
            checks.append(Check(kind: .limit, testcase: metric, label: metric, unit: .bytes, measured: Double(measured),
                                reference: Double(bytes), tolerance: nil,
                                limitNote: limit.describedPercent.map { "\($0) of \(capacity.grouped) B" }, operatorIndex: nil, op: nil))
        }
        if let limit = entry.limits.latencyMs {
            checks.append(Check(kind: .limit, testcase: "latency_ms", label: "latency_ms", unit: .ms, measured: sim.cost.milliseconds,
                                reference: limit, tolerance: nil, limitNote: nil, operatorIndex: nil, op: nil))
        }
        sizeCheck("ram_bytes", f.ram.total, entry.limits.ram, capacity: f.ramCapacity)
        sizeCheck("flash_bytes", f.flash.total, entry.limits.flash, capacity: f.flashCapacity)
        sizeCheck("arena_bytes", f.ram.arena, entry.limits.arena, capacity: f.ramCapacity)
        checks += try operatorChecks(entry, sim: sim, budgetFile: budgetFile)

        var result = EntryResult(entry: entry, sim: sim, checks: checks)
        if let baseline {
            compare(&result, with: baseline)
        }
        return result
    }

    /// Per-operator latency checks, by index; where several limits cover one operator the tightest applies.
    static func operatorChecks(_ entry: Budget.Entry, sim: Simulation, budgetFile: String) throws -> [Check] {
        let ops = sim.cost.operators
        var tightest: [Int: Budget.OperatorLimit] = [:]
        func apply(_ i: Int, _ limit: Budget.OperatorLimit) {
            if let existing = tightest[i], existing.latencyMs <= limit.latencyMs { return }
            tightest[i] = limit
        }
        func fail(_ path: String, _ message: String) -> FileError {
            FileError(file: budgetFile, message: "\(path): \(message) (model \(entry.model))", code: ExitCode.invalidInput)
        }
        for limit in entry.limits.operators {
            if let i = limit.index {
                guard i < ops.count else {
                    let range = ops.isEmpty ? "no operators" : "\(ops.count) operators, 0-\(ops.count - 1)"
                    throw fail(limit.path + ".index", "operator \(i) does not exist (the model has \(range))")
                }
                if let op = limit.op, ops[i].op.name != op {
                    throw fail(limit.path, "operator \(i) is \(ops[i].op.name), not \(op)")
                }
                apply(i, limit)
            } else if let op = limit.op {
                let matching = ops.indices.filter { ops[$0].op.name == op }
                guard !matching.isEmpty else {
                    let present = Array(Set(ops.map(\.op.name))).sorted().joined(separator: ", ")
                    throw fail(limit.path + ".op", "the model has no \(op) operator (it has \(present))")
                }
                for i in matching { apply(i, limit) }
            }
        }
        return tightest.keys.sorted().compactMap { i in
            guard let limit = tightest[i] else { return nil }
            let name = "operator \(i) \(ops[i].op.name) latency_ms"
            return Check(kind: .limit, testcase: name, label: name, unit: .ms, measured: sim.cost.milliseconds(ops[i]),
                         reference: limit.latencyMs, tolerance: nil, limitNote: nil, operatorIndex: i, op: ops[i].op.name)
        }
    }

    /// Totals and per-operator figures against the baseline's entry of the same name.
    static func compare(_ result: inout EntryResult, with baseline: Baseline) {
        let entry = result.entry
        guard let before = baseline.entries.first(where: { $0.name == entry.name }) else {
            result.notes.append("no entry \"\(entry.name)\" in the baseline; not compared")
            return
        }
        result.baselineCompared = true
        let sim = result.sim
        let now = EntryResult.totals(sim)
        let tolerance = entry.tolerance
        if before.device != sim.device.id || before.kernels != entry.variant.rawValue || before.opt != sim.optimization.rawValue {
            result.notes.append("the baseline measured \(before.device) \(before.kernels) \(before.opt); compared anyway")
        }
        for metric in EntryResult.totalMetrics {
            guard let was = before.totals[metric.name], let value = now[metric.name] else { continue }
            result.checks.append(Check(kind: .baseline, testcase: "baseline " + metric.name, label: metric.name, unit: metric.unit,
                                       measured: value, reference: was, tolerance: tolerance, limitNote: nil, operatorIndex: nil, op: nil))
        }
        let ops = sim.cost.operators
        guard let previous = before.operators else { return }
        guard previous.count == ops.count, zip(previous, ops).allSatisfy({ $0.op == $1.op.name }) else {
            result.notes.append("the operators differ from the baseline's (\(previous.count) then, \(ops.count) now, or other types); per-operator comparison skipped")
            return
        }
        result.operatorsCompared = true
        let arena = sim.interpreter.arenaUsage
        for (i, (was, op)) in zip(previous, ops).enumerated() {
            let figures: [(String, MetricUnit, Double?, Double)] = [
                ("latency_ms", .ms, was.latencyMs, sim.cost.milliseconds(op)),
                ("live_arena_bytes", .bytes, was.liveArenaBytes.map(Double.init), Double(arena.liveBytes(atOperator: i))),
                ("weight_bytes", .bytes, was.weightBytes.map(Double.init), Double(weightBytes(sim, i))),
            ]
            for (name, unit, old, value) in figures {
                guard let old else { continue }
                let check = Check(kind: .baseline, testcase: "baseline operators", label: "operator \(i) \(op.op.name) \(name)", unit: unit,
                                  measured: value, reference: old, tolerance: tolerance, limitNote: nil, operatorIndex: i, op: op.op.name)
                // Only operators that moved beyond the tolerance, either way, are listed.
                if !check.ok || check.improvedBeyondTolerance { result.checks.append(check) }
            }
        }
    }

    static func weightBytes(_ sim: Simulation, _ i: Int) -> Int {
        i < sim.interpreter.workloads.count ? sim.interpreter.workloads[i].weightBytes : 0
    }
}

// MARK: - Results

enum MetricUnit: String {
    case ms
    case bytes = "B"
}

/// One comparison: a measured figure against a limit, or against the baseline's figure
/// grown by the tolerance.
struct Check {
    enum Kind: String { case limit, baseline }
    let kind: Kind
    /// The JUnit testcase this comparison belongs to (several per-operator baseline
    /// comparisons share "baseline operators").
    let testcase: String
    let label: String
    let unit: MetricUnit
    let measured: Double
    /// The limit, or the baseline's figure.
    let reference: Double
    let tolerance: Double?
    /// How a relative limit was resolved ("80% of 131,072 B").
    let limitNote: String?
    let operatorIndex: Int?
    let op: String?

    var threshold: Double { reference * (1 + (tolerance ?? 0)) }
    var ok: Bool { kind == .limit ? measured <= reference : (reference > 0 ? measured <= threshold : measured <= 0) }
    var improvedBeyondTolerance: Bool {
        guard kind == .baseline, let tolerance else { return false }
        return measured < reference * (1 - tolerance)
    }

    /// measured and reference formatted alike, and their difference, with enough decimals to tell them apart.
    var formatted: (measured: String, reference: String, difference: String) {
        switch unit {
        case .bytes:
            let m = Int(measured), r = Int(reference)
            return ("\(m.grouped) B", "\(r.grouped) B", (m >= r ? "+" : "-") + "\(abs(m - r).grouped) B")
        case .ms:
            var decimals = 2
            while decimals < 6, measured != reference,
                  String(format: "%.\(decimals)f", measured) == String(format: "%.\(decimals)f", reference) {
                decimals += 1
            }
            let f = { (v: Double) in String(format: "%.\(decimals)f", v) }
            return (f(measured) + " ms", f(reference) + " ms", (measured >= reference ? "+" : "-") + f(abs(measured - reference)) + " ms")
        }
    }

    var percentChange: Double? { reference > 0 ? (measured - reference) / reference * 100 : nil }

    var percentText: String {
        guard let p = percentChange else { return "from 0" }
        return String(format: "%+.1f%%", p)
    }

    /// A short "latency 33.56 ≤ 40.00 ms" for a passing entry's line; sizes in the limit's unit.
    var passSummary: String {
        let name = ["latency_ms": "latency", "ram_bytes": "RAM", "flash_bytes": "flash", "arena_bytes": "arena"][label] ?? label
        switch unit {
        case .ms:
            let f = formatted
            return "\(name) \(f.measured.dropLast(3)) ≤ \(f.reference)"
        case .bytes:
            let (divisor, suffix, decimals): (Double, String, Int) = reference >= 1_048_576 ? (1_048_576, "MB", 2) : reference >= 1024 ? (1024, "KB", 1) : (1, "B", 0)
            return name + String(format: " %.\(decimals)f ≤ %.\(decimals)f ", measured / divisor, reference / divisor) + suffix
        }
    }

    /// The line after "PASS/FAIL <entry> ".
    var text: String {
        let f = formatted
        switch kind {
        case .limit:
            let limit = "limit \(f.reference)" + (limitNote.map { " (\($0))" } ?? "")
            return ok ? "\(label): \(f.measured) ≤ \(limit)"
                : "\(label): \(f.measured) > \(limit) (\(f.difference), \(percentText))"
        case .baseline:
            let tol = String(format: "%g%%", (tolerance ?? 0) * 100)
            return "\(label) vs baseline: \(f.reference) → \(f.measured) (\(f.difference), \(percentText); tolerance \(tol))"
        }
    }
}

struct EntryResult {
    let entry: Budget.Entry
    let sim: Simulation
    var checks: [Check]
    var notes: [String] = []
    var baselineCompared = false
    var operatorsCompared = false

    var ok: Bool { checks.allSatisfy(\.ok) }
    var violations: [Check] { checks.filter { !$0.ok } }

    static let totalMetrics: [(name: String, unit: MetricUnit)] = [("latency_ms", .ms), ("ram_bytes", .bytes), ("flash_bytes", .bytes), ("arena_bytes", .bytes)]

    static func totals(_ sim: Simulation) -> [String: Double] {
        [
            "latency_ms": sim.cost.milliseconds,
            "ram_bytes": Double(sim.footprint.ram.total),
            "flash_bytes": Double(sim.footprint.flash.total),
            "arena_bytes": Double(sim.footprint.ram.arena),
        ]
    }

    /// JUnit testcase names in order: limits, then baseline totals, then "baseline operators".
    var testcaseNames: [String] {
        var names: [String] = []
        for c in checks where !names.contains(c.testcase) { names.append(c.testcase) }
        if operatorsCompared, !names.contains("baseline operators") { names.append("baseline operators") }
        return names
    }
}

// MARK: - Output

struct CheckReport {
    let budgetFile: String
    let results: [EntryResult]
    let baselineFile: String?

    var ok: Bool { results.allSatisfy(\.ok) }

    func textLines(console: Console) -> [String] {
        var lines: [String] = []
        for r in results {
            if r.ok {
                let limits = r.checks.filter { $0.kind == .limit && $0.operatorIndex == nil }.map(\.passSummary)
                var parts = limits
                let operatorLimits = r.checks.filter { $0.kind == .limit && $0.operatorIndex != nil }.count
                if operatorLimits > 0 { parts.append("\(operatorLimits) operator limit\(operatorLimits == 1 ? "" : "s")") }
                if r.baselineCompared { parts.append("within \(String(format: "%g%%", r.entry.tolerance * 100)) of the baseline") }
                if parts.isEmpty {
                    let t = EntryResult.totals(r.sim)
                    parts.append(String(format: "no limits; latency %.2f ms", t["latency_ms"] ?? 0)
                                 + ", RAM \(r.sim.footprint.ram.total.grouped) B, flash \(r.sim.footprint.flash.total.grouped) B")
                }
                lines.append("\(console.green("PASS")) \(r.entry.name): " + parts.joined(separator: ", "))
            } else {
                for c in r.violations { lines.append("\(console.red("FAIL")) \(r.entry.name) \(c.text)") }
            }
            for c in r.checks where c.improvedBeyondTolerance { lines.append("     \(r.entry.name) improved: \(c.text)") }
            for note in r.notes { lines.append("note: \(r.entry.name): \(note)") }
        }
        let failed = results.filter { !$0.ok }.count
        let violations = results.reduce(0) { $0 + $1.violations.count }
        var summary = "\(results.count) entr\(results.count == 1 ? "y" : "ies"): \(results.count - failed) passed, \(failed) failed"
        if violations > 0 { summary += " (\(violations) violation\(violations == 1 ? "" : "s"))" }
        lines.append(console.bold(summary))
        return lines
    }

    func junit() -> JUnitReport {
        var report = JUnitReport(name: "mcusim check \(budgetFile)")
        for r in results {
            var suite = JUnitReport.TestSuite(name: r.entry.name, properties: [
                ("model", r.entry.model), ("device", r.sim.device.id), ("kernels", r.entry.variant.rawValue),
                ("opt", r.sim.optimization.rawValue),
            ])
            for name in r.testcaseNames {
                let checks = r.checks.filter { $0.testcase == name }
                var testcase = JUnitReport.TestCase(name: name, classname: r.entry.name)
                if checks.count == 1, let c = checks.first, c.operatorIndex == nil || c.kind == .limit {
                    testcase.properties = [("measured", Self.number(c.measured)), ("unit", c.unit.rawValue)]
                    testcase.properties.append(c.kind == .limit ? ("limit", Self.number(c.reference)) : ("baseline", Self.number(c.reference)))
                    if let t = c.tolerance { testcase.properties.append(("tolerance", Self.number(t))) }
                }
                let failing = checks.filter { !$0.ok }
                if let first = failing.first {
                    let operators = Set(failing.compactMap(\.operatorIndex)).count
                    let message = failing.count == 1 ? first.text
                        : "\(failing.count) figures of \(operators) operator\(operators == 1 ? "" : "s") regressed: " + failing.map(\.label).joined(separator: "; ")
                    testcase.failure = (message, failing.map { "\(r.entry.name) \($0.text)" }.joined(separator: "\n"))
                }
                suite.cases.append(testcase)
            }
            report.suites.append(suite)
        }
        return report
    }

    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)"
    }

    func checkJSON(_ c: Check) -> JSON {
        var pairs: [(String, JSON)] = []
        if let i = c.operatorIndex { pairs += [("index", .int(i)), ("op", .string(c.op ?? ""))] }
        pairs += [("metric", .string(c.label)), ("unit", .string(c.unit.rawValue)), ("measured", value(c.measured, c.unit))]
        switch c.kind {
        case .limit: pairs.append(("limit", value(c.reference, c.unit)))
        case .baseline:
            pairs += [("before", value(c.reference, c.unit)), ("tolerance", .double(c.tolerance ?? 0))]
            pairs.append(("change_pct", c.percentChange.map { .double(($0 * 100).rounded() / 100) } ?? .null))
        }
        pairs.append(("ok", .bool(c.ok)))
        return .object(pairs)
    }

    func value(_ v: Double, _ unit: MetricUnit) -> JSON { unit == .bytes ? .int(Int(v)) : .double(v) }

    func entryJSON(_ r: EntryResult) -> JSON {
        let sim = r.sim, f = sim.footprint, arena = sim.interpreter.arenaUsage
        let totals = EntryResult.totals(sim)
        let limitChecks = r.checks.filter { $0.kind == .limit }
        let metrics: [JSON] = EntryResult.totalMetrics.map { m in
            let c = limitChecks.first { $0.label == m.name && $0.operatorIndex == nil }
            return .obj([
                "metric": .string(m.name), "unit": .string(m.unit.rawValue),
                "measured": value(totals[m.name] ?? 0, m.unit),
                "limit": c.map { value($0.reference, m.unit) } ?? .null,
                "ok": .bool(c?.ok ?? true),
            ])
        }
        var baseline: JSON = .null
        if baselineFile != nil {
            let b = r.checks.filter { $0.kind == .baseline }
            baseline = .obj([
                "compared": .bool(r.baselineCompared),
                "totals": .array(b.filter { $0.operatorIndex == nil }.map(checkJSON)),
                "operators_compared": .bool(r.operatorsCompared),
                "operators_moved": .array(b.filter { $0.operatorIndex != nil }.map(checkJSON)),
            ])
        }
        return .obj([
            "name": .string(r.entry.name),
            "model": .string(r.entry.model),
            "device": .string(sim.device.id),
            "kernels": .string(r.entry.variant.rawValue),
            "opt": .string(sim.optimization.rawValue),
            "tolerance": .double(r.entry.tolerance),
            "ok": .bool(r.ok),
            "metrics": .array(metrics),
            "operator_limits": .array(limitChecks.filter { $0.operatorIndex != nil }.map(checkJSON)),
            "baseline": baseline,
            "notes": .array(r.notes.map { .string($0) }),
            "totals": .obj([
                "cycles": .double(sim.cost.totalCycles),
                "latency_ms": .double(sim.cost.milliseconds),
                "ram_bytes": .int(f.ram.total),
                "flash_bytes": .int(f.flash.total),
                "arena_bytes": .int(f.ram.arena),
                "ram_capacity_bytes": .int(f.ramCapacity),
                "flash_capacity_bytes": .int(f.flashCapacity),
                "energy_uj": sim.cost.energyMicrojoules.map { .double($0) } ?? .null,
            ]),
            "flash": .obj([
                "model_weights": .int(f.flash.modelWeights), "model_structure": .int(f.flash.modelStructure),
                "tflm_runtime": .int(f.flash.tflmRuntime), "kernel_code": .int(f.flash.kernelCode),
                "application_reserve": .int(f.flash.applicationReserve),
            ]),
            "ram": .obj([
                "arena_planned": .int(f.ram.arenaPlanned), "arena_persistent": .int(f.ram.arenaPersistent),
                "reserve": .int(f.ram.reserve),
            ]),
            "operators": .array(sim.cost.operators.enumerated().map { i, op in
                .obj([
                    "index": .int(i), "op": .string(op.op.name), "kernel": .string(op.kernelPath.name), "macs": .int(op.macs),
                    "cycles": .double(op.cycles), "latency_ms": .double(sim.cost.milliseconds(op)),
                    "live_arena_bytes": .int(arena.liveBytes(atOperator: i)),
                    "weight_bytes": .int(CheckCommand.weightBytes(sim, i)),
                ])
            }),
        ])
    }

    func json() -> JSON {
        let failed = results.filter { !$0.ok }.count
        return .obj([
            "tool": .string("mcusim"),
            "version": .string(MCUSimCLI.version),
            "budgets": .string(budgetFile),
            "baseline": baselineFile.map { .string($0) } ?? .null,
            "ok": .bool(ok),
            "summary": .obj([
                "entries": .int(results.count), "passed": .int(results.count - failed), "failed": .int(failed),
                "violations": .int(results.reduce(0) { $0 + $1.violations.count }),
            ]),
            "entries": .array(results.map(entryJSON)),
        ])
    }
}

// MARK: - Baseline

/// A previous `check --json` output, read strictly enough that a hand-edited file with a
/// bad figure is refused with its JSON path (exit 2), leniently about keys it does not use.
struct Baseline {
    struct Operator {
        let index: Int
        let op: String
        let latencyMs: Double?
        let liveArenaBytes: Int?
        let weightBytes: Int?
    }

    struct Entry {
        let name: String
        let device: String
        let kernels: String
        let opt: String
        let totals: [String: Double]
        let operators: [Operator]?
    }

    let entries: [Entry]

    static func load(path: String) throws -> Baseline {
        guard FileManager.default.fileExists(atPath: path) else {
            throw FileError(file: path, message: "no such file", code: ExitCode.invalidInput)
        }
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)) else {
            throw FileError(file: path, message: "cannot read the file", code: ExitCode.invalidInput)
        }
        do {
            return try Baseline(root: JSONField(value: JSONReader.parse(data), path: ""))
        } catch let e as BudgetError {
            throw e.fileError(path)
        }
    }

    init(root: JSONField) throws {
        guard case .object = root.value else { throw root.fail("expected the JSON object written by 'mcusim check --json'") }
        guard let list = root.child("entries") else { throw root.fail("missing \"entries\" (expected the output of 'mcusim check --json')") }
        var entries: [Entry] = []
        for item in try list.array() {
            guard case .object = item.value else { throw item.fail("expected an object, got \(item.value.shown)") }
            guard let name = item.child("name") else { throw item.fail("missing \"name\"") }
            func text(_ key: String) throws -> String { try item.child(key).map { try $0.string() } ?? "" }
            var totals: [String: Double] = [:]
            if let t = item.child("totals") {
                guard case .object = t.value else { throw t.fail("expected an object, got \(t.value.shown)") }
                for metric in EntryResult.totalMetrics {
                    guard let f = t.child(metric.name), !f.value.isNull else { continue }
                    totals[metric.name] = metric.unit == .bytes ? Double(try f.nonNegativeInteger()) : try Self.milliseconds(f)
                }
            }
            let operators = try item.child("operators").map { list in
                try list.array().enumerated().map { i, op -> Operator in
                    guard case .object = op.value else { throw op.fail("expected an object, got \(op.value.shown)") }
                    let index = try op.child("index").map { try $0.nonNegativeInteger() } ?? i
                    guard index == i else { throw op.fail("operators must be listed in index order (expected index \(i), got \(index))") }
                    guard let name = op.child("op") else { throw op.fail("missing \"op\"") }
                    return Operator(index: i, op: try name.string(),
                                    latencyMs: try op.child("latency_ms").map(Self.milliseconds),
                                    liveArenaBytes: try op.child("live_arena_bytes").map { try $0.nonNegativeInteger() },
                                    weightBytes: try op.child("weight_bytes").map { try $0.nonNegativeInteger() })
                }
            }
            entries.append(Entry(name: try name.string(), device: try text("device"), kernels: try text("kernels"), opt: try text("opt"),
                                 totals: totals, operators: operators))
        }
        self.entries = entries
    }

    static func milliseconds(_ f: JSONField) throws -> Double {
        let v = try f.double()
        guard v >= 0, v < 1e12 else { throw f.fail("expected a non-negative latency in ms, got \(f.value.shown)") }
        return v
    }
}
