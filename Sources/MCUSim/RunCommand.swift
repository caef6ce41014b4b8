import Foundation
import Interpreter

/// `mcusim run MODEL`: run the model in the static arena, bit-exact with TFLM, and
/// report what it used.
enum RunCommand: Command {
    static let spec = CommandSpec(
        name: "run",
        summary: "Run a model in a TFLM-style static arena (bit-exact with TFLM) and report arena use per operator.",
        usage: "mcusim run MODEL.tflite [--input IN.npy]... [--random SEED] [--output OUT.npy]... [--kernels cmsis-nn|reference] [--arena-size BYTES] [--dump-tensors DIR] [--json]",
        options: [
            OptionSpec(name: "input", value: "FILE.npy", help: "Input tensor, in subgraph-input order.", repeatable: true),
            OptionSpec(name: "random", value: "SEED", help: "Deterministic random inputs from SEED (default 1 when no --input)."),
            OptionSpec(name: "output", value: "FILE.npy", help: "Write output tensor i to the i-th file.", repeatable: true),
            OptionSpec(name: "kernels", value: "VARIANT", help: "cmsis-nn (default, as TFLM on Arm) or reference: changes the arena, not the outputs."),
            OptionSpec(name: "arena-size", value: "BYTES", help: "Fixed arena size (e.g. 65536, 96KB); fails like AllocateTensors when too small."),
            OptionSpec(name: "dump-tensors", value: "DIR", help: "Write every operator's outputs as DIR/op<index>_<op>_t<tensor>.npy."),
            OptionSpec(name: "repeat", value: "N", help: "Invoke N times on the same inputs (state carries over); report the last."),
            OptionSpec(name: "device", value: "ID", help: "Add per-operator cycles, ms and share, and latency, flash, RAM and energy on this device."),
            OptionSpec(name: "opt", value: "LEVEL", help: "With --device: firmware optimisation level -Os, -O2 or -O3 (default: the profile's)."),
            OptionSpec(name: "reserve", value: "SPEC", help: "With --device: override the software reserve, e.g. flash=64KB,ram=16KB."),
            OptionSpec(name: "profiles", value: "DIR", help: "Also load device profiles from DIR.", repeatable: true),
            OptionSpec(name: "json", value: nil, help: "Write JSON to stdout instead of tables."),
        ],
        details: """
        Random inputs: int8/uint8/int16 uniform over the type's range, int32 in [-100, 100], float32 uniform in [-1, 1),
        from a SplitMix64 generator seeded with SEED (not numpy's generator: use --input for TFLM's golden inputs).
        Arena: planned = activations and scratch as placed by TFLM's greedy planner; persistent = TFLM's tail on a
        32-bit Cortex-M build; total = planned + persistent.
        """)

    static func variant(_ args: ParsedArguments) throws -> KernelVariant {
        guard let text = args.value("kernels") else { return .cmsisNN }
        guard let v = KernelVariant(rawValue: text) else {
            throw UsageError(message: "--kernels expects cmsis-nn or reference, got '\(text)'")
        }
        return v
    }

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let path = args.positionals[0]
        let variant = try variant(args)
        let arenaSize = try args.bytes("arena-size")
        let inputs = args.all("input")
        if !inputs.isEmpty, args.value("random") != nil {
            throw UsageError(message: "--input and --random are exclusive")
        }
        let model = try MCUSimCLI.loadModel(path)
        let interpreter: MicroInterpreter
        do {
            interpreter = try MicroInterpreter(model: model, options: InterpreterOptions(variant: variant, arenaSize: arenaSize))
        } catch {
            throw MCUSimCLI.fileError(error, file: path)
        }
        try setInputs(interpreter, files: inputs, seed: try args.int("random") ?? 1, modelPath: path)

        let dumper = try args.value("dump-tensors").map { try TensorDumper(directory: $0) }
        let repeats = try args.int("repeat") ?? 1
        guard repeats >= 1 else { throw UsageError(message: "--repeat must be at least 1") }
        do {
            for _ in 1..<repeats { try interpreter.invoke() }
            try interpreter.invoke(observer: dumper)
        } catch {
            throw MCUSimCLI.fileError(error, file: path)
        }
        if let error = dumper?.failure { throw error }

        let outputs = args.all("output")
        if outputs.count > interpreter.outputIndices.count {
            throw UsageError(message: "\(outputs.count) --output files for \(interpreter.outputIndices.count) model output(s)")
        }
        for (i, file) in outputs.enumerated() {
            let t = interpreter.outputTensor(i)
            do {
                try Npy.write(NpyArray(type: t.type, shape: t.shape, bytes: interpreter.outputBytes(i)), to: URL(fileURLWithPath: file))
            } catch {
                throw MCUSimCLI.fileError(error, file: file)
            }
        }
        var simulation: Simulation?
        if let id = args.value("device") {
            let catalog = try DevicesCommand.loadCatalog(args)
            let device = try Simulation.devices([id], catalog: catalog)[0]
            simulation = Simulation(modelPath: path, model: model, interpreter: interpreter, device: device,
                                    settings: try Simulation.Settings.from(args))
        } else if args.value("opt") != nil || args.value("reserve") != nil {
            throw UsageError(message: "--opt and --reserve need --device")
        }
        let report = RunReport(path: path, interpreter: interpreter, simulation: simulation)
        if args.flag("json") {
            console.write(report.json().rendered())
        } else {
            console.write(report.text())
        }
        return ExitCode.ok
    }

    static func setInputs(_ interpreter: MicroInterpreter, files: [String], seed: Int, modelPath: String) throws {
        let count = interpreter.inputIndices.count
        if !files.isEmpty {
            guard files.count == count else {
                throw UsageError(message: "the model has \(count) input(s), got \(files.count) --input file(s)")
            }
            for (i, file) in files.enumerated() {
                let tensor = interpreter.inputTensor(i)
                let array: NpyArray
                do { array = try Npy.read(contentsOf: URL(fileURLWithPath: file)) } catch { throw MCUSimCLI.fileError(error, file: file) }
                guard array.type == tensor.type else {
                    throw FileError(file: file, message: "dtype \(array.type.numpyName) does not match input \(i) (\(tensor.type.numpyName) \(tensor.shape))", code: ExitCode.invalidInput)
                }
                guard array.elementCount == tensor.elementCount else {
                    throw FileError(file: file, message: "shape \(array.shape) does not match input \(i) (\(tensor.type.numpyName) \(tensor.shape))", code: ExitCode.invalidInput)
                }
                try interpreter.setInput(i, bytes: array.bytes)
            }
            return
        }
        var rng = SplitMix64(seed: UInt64(bitPattern: Int64(seed)))
        for i in 0..<count {
            let t = interpreter.inputTensor(i)
            try interpreter.setInput(i, bytes: randomBytes(type: t.type, count: t.elementCount, rng: &rng))
        }
    }

    static func randomBytes(type: TensorType, count: Int, rng: inout SplitMix64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count * (type.byteSize ?? 1))
        func append<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        for _ in 0..<count {
            let r = rng.next()
            switch type {
            case .int8, .uint8, .bool: out.append(type == .bool ? UInt8(r & 1) : UInt8(truncatingIfNeeded: r))
            case .int16: append(Int16(truncatingIfNeeded: r))
            case .int32: append(Int32(Int64(r % 201) - 100))
            case .int64: append(Int64(r % 201) - 100)
            case .float32: append(Float(Double(r >> 11) / Double(1 << 53) * 2 - 1).bitPattern)
            default: out.append(contentsOf: [UInt8](repeating: 0, count: type.byteSize ?? 1))
            }
        }
        return out
    }
}

/// A small, well-known generator (Steele, Lea, Flood 2014) so random inputs are the
/// same on every host.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Writes each operator's outputs as it runs (the planner reuses memory, so they
/// must be captured right after the operator).
final class TensorDumper: InvokeObserver {
    let directory: URL
    var failure: FileError?

    init(directory: String) throws {
        self.directory = URL(fileURLWithPath: directory)
        do {
            try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        } catch {
            throw FileError(file: directory, message: "cannot create directory", code: ExitCode.invalidInput)
        }
    }

    func didInvoke(_ workload: OperatorWorkload, outputs: [UnsafeRawBufferPointer]) {
        for (tensor, bytes) in zip(workload.outputs, outputs) {
            let name = String(format: "op%03d_%@_t%d.npy", workload.index, workload.op.name, tensor.tensorIndex)
            let url = directory.appendingPathComponent(name)
            do {
                try Npy.write(NpyArray(type: tensor.type, shape: tensor.shape, bytes: [UInt8](bytes)), to: url)
            } catch {
                failure = failure ?? FileError(file: url.path, message: "\(error)", code: ExitCode.invalidInput)
            }
        }
    }
}

/// What `run` prints.
struct RunReport {
    let path: String
    let interpreter: MicroInterpreter
    let simulation: Simulation?

    var arena: ArenaUsage { interpreter.arenaUsage }

    func text() -> String {
        var out = "\(path): \(interpreter.workloads.count) operators, kernels \(interpreter.options.variant.rawValue)\n\n"
        var headers = ["#", "op", "kernel", "output", "MACs", "live arena B"]
        if simulation != nil { headers += ["cycles", "ms", "share"] }
        var table = TextTable(headers: headers, rightAligned: [0, 4, 5, 6, 7, 8])
        for w in interpreter.workloads {
            var row = [String(w.index), w.op.name, w.kernelPath.name,
                       w.outputs.map { "\($0.type.numpyName)\($0.shape)" }.joined(separator: " "),
                       w.macs.grouped, arena.liveBytes(atOperator: w.index).grouped]
            if let sim = simulation, w.index < sim.cost.operators.count {
                let c = sim.cost.operators[w.index]
                row += [Int(c.cycles.rounded()).grouped, String(format: "%.3f", sim.cost.milliseconds(c)),
                        String(format: "%.1f%%", 100 * c.cycles / max(sim.cost.totalCycles, 1))]
            }
            table.rows.append(row)
        }
        out += table.render() + "\n\n"
        out += "arena (32-bit Cortex-M build): planned \(arena.plannedBytes.grouped) B + persistent \(arena.persistentBytes.grouped) B"
        out += " = \(arena.totalBytes.grouped) B; working minimum \(arena.workingMinimumBytes.grouped) B"
        out += arena.workingMinimumBytes > arena.totalBytes ? " (Prepare needs temporary memory beyond what stays in use)\n" : "\n"
        if let peak = arena.peakOperator {
            out += "fullest at operator \(peak) (\(interpreter.workloads[peak].op)): \(describeLive(arena.liveAtPeak))\n"
        }
        out += "persistent: " + arena.persistent.rows.map { "\($0.what) \($0.used) B x\($0.count)" }.joined(separator: ", ")
        let unrecorded = arena.persistent.unrecorded.reduce(0) { $0 + $1.used }
        out += ", framework objects \(unrecorded) B\n"
        if let sim = simulation {
            let f = sim.footprint
            out += "\non \(sim.device.id) (\(sim.device.core.rawValue) @ \(sim.device.clockHz / 1_000_000) MHz, \(sim.optimization.rawValue)): "
            out += String(format: "latency %.3f ms", sim.cost.milliseconds) + " (\(Int(sim.cost.totalCycles.rounded()).grouped) cycles"
            out += ", framework \(Int(sim.cost.frameworkCycles.rounded()).grouped))"
            out += sim.cost.energyMicrojoules.map {
                String(format: ", energy %.1f µJ", $0) + (sim.energyVerified ? "" : " (run current not verified against the datasheet)")
            } ?? ", energy n/a (no run current in the profile)"
            out += "\nflash \(f.flash.total.grouped) B of \(f.flashCapacity.grouped) (weights \(f.flash.modelWeights.grouped), structure \(f.flash.modelStructure.grouped), "
            out += "TFLM \(f.flash.tflmRuntime.grouped), kernels \(f.flash.kernelCode.grouped), application \(f.flash.applicationReserve.grouped))\n"
            out += "RAM \(f.ram.total.grouped) B of \(f.ramCapacity.grouped) (arena \(f.ram.arena.grouped), reserve \(f.ram.reserve.grouped))\n\n"
        }
        for i in 0..<interpreter.outputIndices.count {
            let t = interpreter.outputTensor(i)
            out += "output \(i): \(t.type.numpyName)\(t.shape) \(OutputSummary(type: t.type, bytes: interpreter.outputBytes(i)).text)\n"
        }
        return out
    }

    func describeLive(_ buffers: [AllocationPlan.PlannedBuffer]) -> String {
        buffers.sorted { $0.offset < $1.offset }.map { b in
            switch b.id {
            case .tensor(let t): return "t\(t)@\(b.offset)+\(b.bytes)"
            case .scratch(let op, let i): return "scratch(op \(op)#\(i))@\(b.offset)+\(b.bytes)"
            }
        }.joined(separator: " ")
    }

    func bufferJSON(_ b: AllocationPlan.PlannedBuffer) -> JSON {
        var pairs: [(String, JSON)] = []
        switch b.id {
        case .tensor(let t): pairs = [("kind", .string("tensor")), ("tensor", .int(t))]
        case .scratch(let op, let i): pairs = [("kind", .string("scratch")), ("operator", .int(op)), ("index", .int(i))]
        }
        pairs += [("offset", .int(b.offset)), ("bytes", .int(b.bytes)),
                  ("first_operator", .int(b.lifetime.first - 1)), ("last_operator", .int(b.lifetime.last - 1))]
        return .object(pairs)
    }

    func json() -> JSON {
        var pairs: [(String, JSON)] = [
            ("model", .string(path)),
            ("kernels", .string(interpreter.options.variant.rawValue)),
            ("arena", .obj([
                "planned_bytes": .int(arena.plannedBytes),
                "persistent_bytes": .int(arena.persistentBytes),
                "total_bytes": .int(arena.totalBytes),
                "working_minimum_bytes": .int(arena.workingMinimumBytes),
                "pointer_size": .int(interpreter.options.pointerSize),
                "peak_operator": arena.peakOperator.map { .int($0) } ?? .null,
                "live_at_peak": .array(arena.liveAtPeak.map(bufferJSON)),
                "persistent_breakdown": .array((arena.persistent.rows + arena.persistent.unrecorded).map {
                    .obj(["what": .string($0.what), "used": .int($0.used), "requested": .int($0.requested), "count": .int($0.count)])
                }),
                "buffers": .array(arena.plan.buffers.map(bufferJSON)),
            ])),
        ]
        if let sim = simulation {
            let f = sim.footprint
            pairs += [
                ("device", .string(sim.device.id)),
                ("optimization", .string(sim.optimization.rawValue)),
                ("latency", .obj(["cycles": .int(Int(sim.cost.totalCycles.rounded())), "ms": .double(sim.cost.milliseconds),
                                  "framework_cycles": .int(Int(sim.cost.frameworkCycles.rounded()))])),
                ("flash_bytes", .int(f.flash.total)),
                ("flash_capacity_bytes", .int(f.flashCapacity)),
                ("ram_bytes", .int(f.ram.total)),
                ("ram_capacity_bytes", .int(f.ramCapacity)),
                ("energy_uj", sim.cost.energyMicrojoules.map { .double($0) } ?? .null),
                ("energy_verified", .bool(sim.energyVerified)),
                ("flash", .obj(["model_weights": .int(f.flash.modelWeights), "model_structure": .int(f.flash.modelStructure),
                                "tflm_runtime": .int(f.flash.tflmRuntime), "kernel_code": .int(f.flash.kernelCode),
                                "application_reserve": .int(f.flash.applicationReserve)])),
                ("ram", .obj(["arena_planned": .int(f.ram.arenaPlanned), "arena_persistent": .int(f.ram.arenaPersistent),
                              "reserve": .int(f.ram.reserve)])),
            ]
        }
        pairs.append(("operators", .array(interpreter.workloads.map { w in
            var op: [(String, JSON)] = [
                ("index", .int(w.index)),
                ("op", .string(w.op.name)),
                ("kernel", .string(w.kernelPath.name)),
                ("outputs", .array(w.outputs.map { .obj(["shape": .array($0.shape.map { .int($0) }), "dtype": .string($0.type.numpyName)]) })),
                ("macs", .int(w.macs)),
                ("scratch_bytes", .int(w.scratchBytes)),
                ("live_arena_bytes", .int(arena.liveBytes(atOperator: w.index))),
            ]
            if let sim = simulation, w.index < sim.cost.operators.count {
                let c = sim.cost.operators[w.index]
                op += [("cycles", .int(Int(c.cycles.rounded()))), ("ms", .double(sim.cost.milliseconds(c))),
                       ("share", .double(c.cycles / max(sim.cost.totalCycles, 1))),
                       ("cost_terms", .array(c.terms.map { .obj(["name": .string($0.name), "cycles": .double($0.cycles), "why": .string($0.why)]) }))]
            }
            return .object(op)
        })))
        pairs.append(("outputs", .array((0..<interpreter.outputIndices.count).map { i in
            let t = interpreter.outputTensor(i)
            return OutputSummary(type: t.type, bytes: interpreter.outputBytes(i)).json(shape: t.shape)
        })))
        return .object(pairs)
    }
}

/// A short description of an output tensor: values when few, else range and argmax.
struct OutputSummary {
    let type: TensorType
    let values: [Double]

    init(type: TensorType, bytes: [UInt8]) {
        self.type = type
        values = bytes.withUnsafeBytes { raw -> [Double] in
            switch type {
            case .int8: return raw.map { Double(Int8(bitPattern: $0)) }
            case .uint8: return raw.map { Double($0) }
            case .int16: return (0..<raw.count / 2).map { Double(raw.loadUnaligned(fromByteOffset: 2 * $0, as: Int16.self)) }
            case .int32: return (0..<raw.count / 4).map { Double(raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
            case .float32: return (0..<raw.count / 4).map { Double(raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self)) }
            default: return []
            }
        }
    }

    var argmax: Int? { values.indices.max { values[$0] < values[$1] } }

    var text: String {
        if values.count <= 16 {
            return "[" + values.map { type == .float32 ? String(format: "%.6g", $0) : String(Int($0)) }.joined(separator: ", ") + "]"
        }
        return String(format: "min %.6g max %.6g argmax %d", values.min() ?? 0, values.max() ?? 0, argmax ?? -1)
    }

    func json(shape: [Int]) -> JSON {
        .obj([
            "shape": .array(shape.map { .int($0) }),
            "dtype": .string(type.numpyName),
            "argmax": argmax.map { .int($0) } ?? .null,
            "values": values.count <= 32 ? .array(values.map { type == .float32 ? .double($0) : .int(Int($0)) }) : .null,
        ])
    }
}
