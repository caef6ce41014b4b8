import Foundation
import Interpreter

/// `mcusim bench`: host inferences per second of the interpreter, per model, as
/// ratios against references measured in the same run (so the figures carry over
/// between machines): a plain scalar int8 multiply-accumulate loop over the model's
/// MAC count, and optionally TFLM itself through its Python package.
enum BenchCommand: ParsableCommand {
    static let name = "bench"
    static let summary = "Measure host inferences/s per model, as ratios against references measured in the same run."
    static let details = """
        Build with -c release for meaningful figures: swift run -c release mcusim bench MODEL...
        mac_ratio = our time per inference / (model MACs x time per MAC of a scalar int8 loop): below 1 means faster
        than a naive scalar loop over the same MACs. tflm_ratio = our inferences/s / TFLM's.
        --per-operator adds, per model, each operator's host time per inference (median CPU time of this thread over
        the invokes), its share of the operators' total and, for operators with multiply-accumulates, GMAC/s: where
        the interpreter's time goes on this host.
        """

    struct Options: ParsableOptions {
        var models: [String] = []
        var seconds = 0.5
        var variant: KernelVariant = .cmsisNN
        var tflmPython: String?
        var perOperator = false
        var maxArena = Declaration<Options>.defaultMaxArena
        var quiet = false
        var output = OutputOptions()

        static let declarations: [Declaration<Options>] = [
            .positional("MODEL.tflite", .text("MODEL.tflite"), help: "The models to time.", arity: 1...Int.max, \.models),
            .option("seconds", .number("S", above: 0, atMost: 600), help: "Minimum measuring time per model and reference.", default: "0.5", \.seconds),
            .kernels(\.variant),
            .option("tflm-python", .program, value: "PYTHON",
                    help: "A Python with the tflite-micro package (a path, or a name on PATH): also time TFLM's interpreter on each model.",
                    \.tflmPython),
            .flag("per-operator", help: "Also time every operator: host µs per inference, share, GMAC/s.", \.perOperator),
            .maxArena(\.maxArena),
            .quiet(\.quiet),
        ] + .group(\.output)
    }

    struct Row {
        let model: String
        let macs: Int
        let inferencesPerSecond: Double
        let macRatio: Double?
        let tflmInferencesPerSecond: Double?
        /// With --per-operator: every operator's host time per inference.
        let operators: [OperatorTime]?
    }

    /// One operator's share of an inference on the host.
    struct OperatorTime {
        let index: Int
        let op: String
        /// Its shape of work, e.g. "3x3/1 32x32x16>16" for a convolution.
        let detail: String
        let microseconds: Double
        let macs: Int

        /// Multiply-accumulates per second, in billions; nil without MACs or time.
        var gmacPerSecond: Double? { macs > 0 && microseconds > 0 ? Double(macs) / microseconds / 1000 : nil }
    }

    static func run(_ options: Options, console: Console) throws -> Int32 {
        let nsPerMAC = scalarMACReference(seconds: options.seconds)
        var rows: [Row] = []
        for (n, path) in options.models.enumerated() {
            console.progress("[\(n + 1)/\(options.models.count)] \(path)", quiet: options.quiet)
            let model = try MCUSimCLI.loadModel(path)
            let interpreter: MicroInterpreter
            do {
                interpreter = try MicroInterpreter(model: model, options: InterpreterOptions(variant: options.variant, hostArenaLimit: options.maxArena))
                try InputFiles.fillRandom(interpreter, seed: 1)
            } catch {
                throw MCUSimCLI.fileError(error, file: path)
            }
            let perSecond = try measure(seconds: options.seconds) { try interpreter.invoke() }
            let macs = interpreter.workloads.reduce(0) { $0 + $1.macs }
            let macRatio = macs > 0 ? (1e9 / perSecond) / (Double(macs) * nsPerMAC) : nil
            let operators = options.perOperator ? try operatorTimes(interpreter, seconds: options.seconds) : nil
            let tflm = try options.tflmPython.map { try tflmInferencesPerSecond(python: $0, model: path, seconds: options.seconds) }
            rows.append(Row(model: path, macs: macs, inferencesPerSecond: perSecond, macRatio: macRatio, tflmInferencesPerSecond: tflm,
                            operators: operators))
        }
        console.endProgress(quiet: options.quiet)
        options.output.emit(BenchResult(nsPerMAC: nsPerMAC, rows: rows), console: console)
        return ExitCode.ok
    }

    /// Repeats `body` for at least `seconds`, returning calls per second (best of 3 rounds).
    static func measure(seconds: Double, _ body: () throws -> Void) throws -> Double {
        try body()
        var best = 0.0
        for _ in 0..<3 {
            var count = 0
            let start = DispatchTime.now().uptimeNanoseconds
            var elapsed = 0.0
            repeat {
                try body()
                count += 1
                elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            } while elapsed < seconds / 3
            best = max(best, Double(count) / elapsed)
        }
        return best
    }

    /// Every operator's median CPU time per inference over invokes for at least `seconds`
    /// of CPU time (at most 10,000 invokes): the median, so a preempted invoke on a shared
    /// machine does not count.
    static func operatorTimes(_ interpreter: MicroInterpreter, seconds: Double) throws -> [OperatorTime] {
        let workloads = interpreter.workloads
        let operators = max(workloads.count, 1)
        let maxRuns = 10_000
        var samples = [UInt64](repeating: 0, count: operators * maxRuns)
        let start = MicroInterpreter.threadCPUNanoseconds()
        var runs = 0
        try samples.withUnsafeMutableBufferPointer { all in
            repeat {
                try interpreter.invoke(addingNanosecondsTo: UnsafeMutableBufferPointer(rebasing: all[(runs * operators)..<((runs + 1) * operators)]))
                runs += 1
            } while runs < maxRuns && Double(MicroInterpreter.threadCPUNanoseconds() - start) / 1e9 < seconds
        }
        return workloads.enumerated().map { i, w in
            let times = (0..<runs).map { samples[$0 * operators + i] }.sorted()
            let median = runs % 2 == 1 ? Double(times[runs / 2]) : Double(times[runs / 2 - 1] + times[runs / 2]) / 2
            return OperatorTime(index: i, op: w.op.name, detail: workDetail(w), microseconds: median / 1000, macs: w.macs)
        }
    }

    /// A short description of an operator's work for the per-operator table.
    static func workDetail(_ w: OperatorWorkload) -> String {
        switch w.geometry {
        case let .convolution(g):
            let stride = g.strideHeight == g.strideWidth ? "\(g.strideHeight)" : "\(g.strideHeight)x\(g.strideWidth)"
            let depthwise = g.depthMultiplier > 1 || w.op == .builtin(.depthwiseConv2D) ? " dw" : ""
            return "\(g.filterHeight)x\(g.filterWidth)/\(stride)\(depthwise) \(g.inputHeight)x\(g.inputWidth)x\(g.inputDepth)>\(g.outputDepth)"
        case let .matrix(g):
            return "\(g.rows)x\(g.depth)>\(g.columns)"
        default:
            return w.outputs.first.map { $0.shape.map(String.init).joined(separator: "x") } ?? ""
        }
    }

    /// Nanoseconds per MAC of a plain scalar int8 dot product with int32 accumulation:
    /// the work every quantized kernel does at its core, with none of its structure.
    static func scalarMACReference(seconds: Double) -> Double {
        let n = 4096
        let a = UnsafeMutablePointer<Int8>.allocate(capacity: n)
        let b = UnsafeMutablePointer<Int8>.allocate(capacity: n)
        defer { a.deallocate(); b.deallocate() }
        for i in 0..<n {
            a[i] = Int8(truncatingIfNeeded: i &* 7)
            b[i] = Int8(truncatingIfNeeded: i &* 13)
        }
        var sink: Int32 = 0
        let perSecond = (try? measure(seconds: seconds) {
            var acc: Int32 = 0
            for i in 0..<n { acc = acc &+ Int32(a[i]) &* Int32(b[i]) }
            sink = sink &+ acc
            // Feed the result back so the loop cannot be hoisted out.
            a[Int(UInt32(bitPattern: sink) % UInt32(n))] = Int8(truncatingIfNeeded: sink)
        }) ?? 1
        return 1e9 / (perSecond * Double(n))
    }

    /// TFLM's interpreter timed by its Python package, in this same run.
    static func tflmInferencesPerSecond(python: String, model: String, seconds: Double) throws -> Double {
        let script = """
        import sys, time, numpy as np
        from tflite_micro.python.tflite_micro import runtime
        m = runtime.Interpreter.from_file(sys.argv[1], arena_size=8 << 20)
        rng = np.random.default_rng(1)
        i = 0
        while True:
            try:
                d = m.get_input_details(i)
            except Exception:
                break
            dt = d['dtype']
            if np.issubdtype(dt, np.integer):
                info = np.iinfo(dt); x = rng.integers(info.min, info.max + 1, size=d['shape'], dtype=dt)
            else:
                x = rng.uniform(-1, 1, size=d['shape']).astype(dt)
            m.set_input(x, i); i += 1
            if i > 64: break
        m.invoke()
        best = 0.0
        for _ in range(3):
            n = 0; t0 = time.perf_counter()
            while True:
                m.invoke(); n += 1
                el = time.perf_counter() - t0
                if el >= float(sys.argv[2]) / 3: break
            best = max(best, n / el)
        print(best)
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, model, String(seconds)]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        do { try process.run() } catch {
            throw FileError(file: python, message: "cannot start the TFLM reference Python", code: ExitCode.invalidInput)
        }
        process.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard process.terminationStatus == 0, let value = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw FileError(file: model, message: "TFLM reference run failed under \(python)", code: ExitCode.invalidInput)
        }
        return value
    }
}

/// What `bench` reports.
struct BenchResult: CommandOutput {
    let nsPerMAC: Double
    let rows: [BenchCommand.Row]

    func text(console: Console) -> String {
        var table = TextTable(headers: ["model", "MACs", "inf/s", "µs/inf", "mac_ratio", "TFLM inf/s", "vs TFLM"], rightAligned: [1, 2, 3, 4, 5, 6])
        for r in rows {
            table.rows.append([
                URL(fileURLWithPath: r.model).lastPathComponent, r.macs.grouped,
                String(format: "%.1f", r.inferencesPerSecond), String(format: "%.1f", 1e6 / r.inferencesPerSecond),
                r.macRatio.map { String(format: "%.2f", $0) } ?? "-",
                r.tflmInferencesPerSecond.map { String(format: "%.1f", $0) } ?? "-",
                r.tflmInferencesPerSecond.map { String(format: "%.2fx", r.inferencesPerSecond / $0) } ?? "-",
            ])
        }
        var text = String(format: "reference: scalar int8 MAC loop, %.3f ns/MAC on this host (same run)\n", nsPerMAC) + table.render() + "\n"
        for r in rows {
            guard let operators = r.operators else { continue }
            text += "\n" + URL(fileURLWithPath: r.model).lastPathComponent + ": host time per operator\n" + Self.operatorTable(operators) + "\n"
        }
        return text
    }

    static func operatorTable(_ operators: [BenchCommand.OperatorTime]) -> String {
        let total = operators.reduce(0) { $0 + $1.microseconds }
        var table = TextTable(headers: ["#", "op", "work", "µs", "share", "MACs", "GMAC/s"], rightAligned: [0, 3, 4, 5, 6])
        for o in operators {
            table.rows.append([
                String(o.index), o.op, o.detail, String(format: "%.1f", o.microseconds),
                String(format: "%.1f%%", total > 0 ? 100 * o.microseconds / total : 0),
                o.macs > 0 ? o.macs.grouped : "-",
                o.gmacPerSecond.map { String(format: "%.1f", $0) } ?? "-",
            ])
        }
        table.rows.append(["", "total", "", String(format: "%.1f", total), "100%", "", ""])
        return table.render()
    }
}
