import Devices
import Foundation
import Interpreter

/// `mcusim check BUDGETS.json`: latency, RAM, flash and arena budgets for CI, with
/// JUnit XML, JSON, and drift against a previous run's JSON.
enum CheckCommand: ParsableCommand {
    static let name = "check"
    static let summary = "Check latency, RAM, flash and arena budgets of models on devices (for CI): JUnit XML, JSON, baseline drift."
    static let details = """
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
        ram_bytes = arena + the device's software reserve; arena_bytes = the arena to declare (kTensorArenaSize: the
        smallest with which AllocateTensors and Invoke succeed on a 32-bit build, at least planned + persistent).
        An entry that cannot be simulated (an unsupported or invalid model, an operator limit that does not fit the
        model) is reported as an error, in the output and as a JUnit <error>, and the other entries still run.
        Exit codes, the highest that applies: 3 an entry's model is unsupported; 2 a malformed budget or baseline file
        (the message names the JSON path of the bad field), a missing model or device, or an entry's invalid model or
        operator limit; 1 a limit is exceeded or a baseline regression; 0 every entry holds.
        """

    struct Options: ParsableOptions {
        var budgets = ""
        var junit: String?
        var baseline: String?
        var quiet = false
        var jobs = ProcessInfo.processInfo.activeProcessorCount
        var profiles = ProfileOptions()
        var output = OutputOptions()

        static let declarations: [Declaration<Options>] = [
            .positional("BUDGETS.json", .text("BUDGETS.json"), help: "The budget file.", \.budgets),
            .option("junit", .text("FILE"), help: "Also write JUnit XML: one testsuite per entry, one testcase per entry and metric.", \.junit),
            .option("baseline", .text("PREV.json"), help: "A previous 'check --json' output: also fail on regressions beyond each entry's tolerance.",
                    \.baseline),
            .option("jobs", .integer("N", minimum: 1), help: "Worker threads: the budget's models are read, prepared and simulated side by side, each with its own interpreter.",
                    default: "the number of cores", \.jobs),
            .quiet(\.quiet),
        ] + .group(\.profiles) + .group(\.output)
    }

    static func run(_ options: Options, console: Console) throws -> Int32 {
        let budgetPath = options.budgets
        let budget = try Budget.load(path: budgetPath)
        let catalog = try options.profiles.loadCatalog()
        let baseline = try options.baseline.map(Baseline.load)

        // Everything the budget names must exist before anything runs.
        var devices: [DeviceProfile] = []
        for entry in budget.entries {
            // A budget naming a profile whose file did not load fails with that file's error.
            if let invalid = catalog.invalidEntry(entry.device) { throw invalid.error.fileError }
            guard let profile = catalog.lookup(entry.device) else {
                let suggestion = ParsedArguments.closest(entry.device, among: catalog.ids)
                throw FileError(file: budgetPath,
                                message: "\(entry.devicePath): no device profile \"\(entry.device)\""
                                    + (suggestion.map { "; did you mean \"\($0)\"?" } ?? "")
                                    + " (known: \(catalog.ids.joined(separator: ", ")))",
                                code: ExitCode.invalidInput)
            }
            if let problem = FileAccess.problem(entry.modelURL.path) {
                let what = problem == "no such file" ? "no such model file \"\(entry.model)\"" : "model file \"\(entry.model)\": \(problem)"
                throw FileError(file: budgetPath, message: "\(entry.modelPath): \(what) (looked for \(entry.modelURL.path))",
                                code: ExitCode.invalidInput)
            }
            devices.append(profile)
        }
        var plan = OutputPlan()
        plan.input(budgetPath, "the budget file")
        if let file = options.baseline { plan.input(file, "the baseline") }
        for entry in budget.entries { plan.input(entry.modelURL.path, "the model of entry \"\(entry.name)\"") }
        let junit = try options.junit.map { try plan.output($0, option: "--junit") }

        // One interpreter per model and kernel variant, shared by that model's entries; the
        // models run side by side on the workers. An entry that cannot be simulated is
        // reported and the others still run; reports and errors keep the budget's order.
        var groupOf: [String: Int] = [:]
        var groups: [[Int]] = []
        for (n, entry) in budget.entries.enumerated() {
            let key = entry.variant.rawValue + "|" + entry.modelURL.path
            if let g = groupOf[key] { groups[g].append(n) } else { groupOf[key] = groups.count; groups.append([n]) }
        }
        let progressLock = NSLock()
        var finished = 0
        let grouped = try Workers.map(count: groups.count, jobs: options.jobs) { g -> [(Int, EntryOutcome)] in
            let first = budget.entries[groups[g][0]]
            let built: Result<(Model, MicroInterpreter), FileError>
            do {
                built = .success(try Simulation.interpreter(for: first.modelURL.path, variant: first.variant))
            } catch {
                built = .failure(MCUSimCLI.fileError(error, file: first.modelURL.path))
            }
            var outcomes: [(Int, EntryOutcome)] = []
            for n in groups[g] {
                let entry = budget.entries[n]
                switch built {
                case .failure(let e):
                    outcomes.append((n, .failed(entry, FileError(file: e.file, message: e.message + " (budget entry \"\(entry.name)\")", code: e.code))))
                case .success(let (model, interpreter)):
                    do {
                        let sim = Simulation(modelPath: entry.model, model: model, interpreter: interpreter, device: devices[n],
                                             settings: SimulationOptions(variant: entry.variant, optimization: entry.optimization))
                        outcomes.append((n, .checked(try evaluate(entry, sim: sim, baseline: baseline, budgetFile: budgetPath))))
                    } catch let error as FileError {
                        outcomes.append((n, .failed(entry, error)))
                    }
                }
                progressLock.lock()
                finished += 1
                console.progress("[\(finished)/\(budget.entries.count)] \(entry.name)", quiet: options.quiet)
                progressLock.unlock()
            }
            return outcomes
        }
        var outcomes = [EntryOutcome?](repeating: nil, count: budget.entries.count)
        for (n, outcome) in grouped.joined() { outcomes[n] = outcome }
        console.endProgress(quiet: options.quiet)
        for case .failed(_, let error)? in outcomes { console.error("mcusim: error: \(error.file): \(error.message)") }

        let report = CheckReport(budgetFile: budgetPath, outcomes: outcomes.compactMap { $0 }, baselineFile: options.baseline)
        if let junit {
            let staged = StagedFiles()
            try staged.stage(Array(report.junit().xml().utf8), at: junit)
            try staged.commit()
        }
        if options.output.json {
            console.write(report.json().rendered())
        } else {
            for line in report.textLines(console: console) { console.print(line) }
        }
        return report.exitCode
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

/// One budget entry's outcome: checked (pass or fail), or not simulated at all.
enum EntryOutcome {
    case checked(EntryResult)
    /// The model could not be simulated, or a per-operator limit does not fit it.
    case failed(Budget.Entry, FileError)

    var entry: Budget.Entry {
        switch self {
        case .checked(let r): return r.entry
        case .failed(let entry, _): return entry
        }
    }
}

// MARK: - Output

struct CheckReport {
    let budgetFile: String
    let outcomes: [EntryOutcome]
    let baselineFile: String?

    var results: [EntryResult] { outcomes.compactMap { if case .checked(let r) = $0 { return r }; return nil } }
    var errors: [(entry: Budget.Entry, error: FileError)] {
        outcomes.compactMap { if case .failed(let e, let error) = $0 { return (e, error) }; return nil }
    }

    var ok: Bool { errors.isEmpty && results.allSatisfy(\.ok) }

    /// The highest code that applies: an entry's error (3 unsupported, 2 invalid), then 1 for a failed check.
    var exitCode: Int32 {
        let failed = results.allSatisfy(\.ok) ? ExitCode.ok : ExitCode.checkFailed
        return errors.map(\.error.code).reduce(failed, max)
    }

    func textLines(console: Console) -> [String] {
        var lines: [String] = []
        for outcome in outcomes {
            guard case .checked(let r) = outcome else {
                if case .failed(let entry, let error) = outcome {
                    lines.append("\(console.red("ERROR")) \(entry.name): \(error.file): \(error.message)")
                }
                continue
            }
            if r.ok {
                let limits = r.checks.filter { $0.kind == .limit && $0.operatorIndex == nil }.map(\.passSummary)
                var parts = limits
                let operatorLimits = r.checks.filter { $0.kind == .limit && $0.operatorIndex != nil }.count
                if operatorLimits > 0 { parts.append("\(operatorLimits) operator limit\(operatorLimits == 1 ? "" : "s")") }
                if r.baselineCompared {
                    let tolerance = String(format: "%g%%", r.entry.tolerance * 100)
                    // Figures that fell by more than the tolerance are not "within" it: they are listed below.
                    parts.append(r.checks.contains(where: \.improvedBeyondTolerance)
                                 ? "no growth beyond \(tolerance) over the baseline" : "within \(tolerance) of the baseline")
                }
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
        var summary = "\(outcomes.count) entr\(outcomes.count == 1 ? "y" : "ies"): \(results.count - failed) passed, \(failed) failed"
        if !errors.isEmpty { summary += ", \(errors.count) error\(errors.count == 1 ? "" : "s")" }
        if violations > 0 { summary += " (\(violations) violation\(violations == 1 ? "" : "s"))" }
        lines.append(console.bold(summary))
        return lines
    }

    func junit() -> JUnitReport {
        var report = JUnitReport(name: "mcusim check \(budgetFile)")
        for outcome in outcomes {
            guard case .checked(let r) = outcome else {
                if case .failed(let entry, let error) = outcome {
                    var suite = JUnitReport.TestSuite(name: entry.name, properties: [
                        ("model", entry.model), ("device", entry.device), ("kernels", entry.variant.rawValue),
                        ("opt", entry.optimization?.rawValue ?? "profile"),
                    ])
                    var testcase = JUnitReport.TestCase(name: "simulation", classname: entry.name)
                    testcase.error = (message: "\(error.file): \(error.message)",
                                      type: error.code == ExitCode.unsupported ? "unsupported" : "invalid")
                    suite.cases.append(testcase)
                    report.suites.append(suite)
                }
                continue
            }
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
        let bytes = try FileAccess.contents(of: path, limit: FileAccess.Limit.baseline, what: "a baseline")
        do {
            return try Baseline(root: JSONField(value: JSONReader.parse(bytes), path: ""))
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
        guard v >= 0, v <= BudgetUnits.maxMilliseconds else { throw f.fail("expected a non-negative latency in ms, got \(f.value.shown)") }
        return v
    }
}
