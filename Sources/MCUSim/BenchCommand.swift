import Foundation
import Interpreter

/// `mcusim bench`: host inferences per second of the interpreter, per model, as
/// ratios against references measured in the same run (so the figures carry over
/// between machines): a plain scalar int8 multiply-accumulate loop over the model's
/// MAC count, and optionally TFLM itself through its Python package.
enum BenchCommand: Command {
    static let spec = CommandSpec(
        name: "bench",
        summary: "Measure host inferences/s per model, as ratios against references measured in the same run.",
        usage: "mcusim bench MODEL.tflite... [--seconds S] [--kernels cmsis-nn|reference] [--tflm-python PYTHON] [--json] [--quiet]",
        options: [
            OptionSpec(name: "seconds", value: "S", help: "Minimum measuring time per model and reference (default 0.5)."),
            OptionSpec(name: "kernels", value: "VARIANT", help: "Kernel variant (does not change host speed, only the arena)."),
            OptionSpec(name: "tflm-python", value: "PYTHON", help: "A Python with the tflite-micro package: also time TFLM's interpreter on each model."),
            OptionSpec(name: "json", value: nil, help: "Write JSON to stdout."),
            OptionSpec(name: "quiet", value: nil, help: "No progress on stderr."),
        ],
        details: """
        Build with -c release for meaningful figures: swift run -c release mcusim bench MODEL...
        mac_ratio = our time per inference / (model MACs x time per MAC of a scalar int8 loop): below 1 means faster
        than a naive scalar loop over the same MACs. tflm_ratio = our inferences/s / TFLM's.
        """,
        positionalRange: 1...10_000)

    struct Row {
        let model: String
        let macs: Int
        let inferencesPerSecond: Double
        let macRatio: Double?
        let tflmInferencesPerSecond: Double?
    }

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let seconds = try args.double("seconds") ?? 0.5
        guard seconds > 0, seconds <= 600 else { throw UsageError(message: "--seconds must be in (0, 600]") }
        let variant = try RunCommand.variant(args)
        let quiet = args.flag("quiet")
        let nsPerMAC = scalarMACReference(seconds: seconds)
        var rows: [Row] = []
        for (n, path) in args.positionals.enumerated() {
            console.progress("[\(n + 1)/\(args.positionals.count)] \(path)", quiet: quiet)
            let model = try MCUSimCLI.loadModel(path)
            let interpreter: MicroInterpreter
            do {
                interpreter = try MicroInterpreter(model: model, options: InterpreterOptions(variant: variant))
                try RunCommand.setInputs(interpreter, files: [], seed: 1, modelPath: path)
            } catch {
                throw MCUSimCLI.fileError(error, file: path)
            }
            let perSecond = try measure(seconds: seconds) { try interpreter.invoke() }
            let macs = interpreter.workloads.reduce(0) { $0 + $1.macs }
            let macRatio = macs > 0 ? (1e9 / perSecond) / (Double(macs) * nsPerMAC) : nil
            var tflm: Double?
            if let python = args.value("tflm-python") {
                tflm = try tflmInferencesPerSecond(python: python, model: path, seconds: seconds)
            }
            rows.append(Row(model: path, macs: macs, inferencesPerSecond: perSecond, macRatio: macRatio, tflmInferencesPerSecond: tflm))
        }
        console.endProgress(quiet: quiet)
        if args.flag("json") {
            console.write(JSON.obj([
                "scalar_mac_reference_ns": .double(nsPerMAC),
                "models": .array(rows.map { r in
                    .obj([
                        "model": .string(r.model), "macs": .int(r.macs),
                        "inferences_per_second": .double(r.inferencesPerSecond),
                        "mac_ratio": r.macRatio.map { .double($0) } ?? .null,
                        "tflm_inferences_per_second": r.tflmInferencesPerSecond.map { .double($0) } ?? .null,
                        "tflm_ratio": r.tflmInferencesPerSecond.map { .double(r.inferencesPerSecond / $0) } ?? .null,
                    ])
                }),
            ]).rendered())
            return ExitCode.ok
        }
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
        console.print(String(format: "reference: scalar int8 MAC loop, %.3f ns/MAC on this host (same run)", nsPerMAC))
        console.print(table.render())
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
