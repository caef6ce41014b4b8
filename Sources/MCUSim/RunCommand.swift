import Devices
import Foundation
import Interpreter

/// `mcusim run MODEL`: run the model in the static arena, bit-exact with TFLM, and
/// report what it used.
enum RunCommand: ParsableCommand {
    static let name = "run"
    static let summary = "Run a model in a TFLM-style static arena (bit-exact with TFLM) and report arena use per operator."
    static let details = """
        Inputs: a .npy per model input, or a .npz (numpy.savez or savez_compressed) holding one array, or, as the only
        --input, one array per model input (matched by tensor name, else in archive order). Shapes must match the
        input's, give or take a leading batch of 1. float32/float64 values for a quantized input are quantized with the
        input's scale and zero point as TFLM's QUANTIZE kernel does (round half away from zero, add the zero point,
        clamp to the type), with a note on stderr.
        Streams: an array with one more leading axis than its input (e.g. [50, 1, 480] for a [1, 480] input) holds N
        frames; run invokes once per frame on one interpreter, so stateful kernels (delays, framers, noise estimates)
        carry their state from frame to frame as on the device, and each --output stacks the N frames' outputs along
        a new first axis. Reports show the last frame's invoke.
        Random inputs: int8/uint8/int16 uniform over the type's range, int32 in [-100, 100], float32 uniform in [-1, 1),
        from a SplitMix64 generator seeded with SEED (not numpy's generator: use --input for TFLM's golden inputs).
        Arena: planned = activations and scratch as placed by TFLM's greedy planner; persistent = TFLM's tail on a
        32-bit Cortex-M build; total = planned + persistent; declare = the kTensorArenaSize a firmware needs, the
        smallest 16-byte-aligned arena with which AllocateTensors and Invoke succeed (AllocateTensors needs temporary
        memory beyond the total while it runs). --arena-size fails below it.
        --deploy prints the C++ to paste instead of the report: kTensorArenaSize and a MicroMutableOpResolver with
        the Add calls of exactly the model's operators.
        Files (--output, --dump-tensors) are written once everything has run, each to a temporary file renamed into
        place; a run that fails leaves none behind, and no output may replace an input.
        """

    struct Options: ParsableOptions {
        var model = ""
        var inputs: [String] = []
        var seed: Int?
        var outputs: [String] = []
        var arenaSize: Int?
        var maxArena = Declaration<Options>.defaultMaxArena
        var dumpDirectory: String?
        var repeats = 1
        var deploy = false
        var device: String?
        var simulation = SimulationOptions()
        var profiles = ProfileOptions()
        var output = OutputOptions()

        static let declarations: [Declaration<Options>] = [
            .positional("MODEL.tflite", .text("MODEL.tflite"), help: "The model to run.", \.model),
            .repeated("input", .text("FILE.npy"), help: "Input tensor, in subgraph-input order (.npy or .npz, see below); an extra first axis of N frames streams them.", \.inputs),
            .option("random", .integer("SEED"), help: "Deterministic random inputs from SEED (default 1 when no --input).", \.seed),
            .repeated("output", .text("FILE.npy"), help: "Write output tensor i to the i-th file.", \.outputs),
            .option("arena-size", .bytes, help: "Fixed arena size (e.g. 65536, 96KB); fails like AllocateTensors when too small.", \.arenaSize),
            .maxArena(\.maxArena),
            .option("dump-tensors", .text("DIR"), help: "Write every operator's outputs as DIR/op<index>_<op>_t<tensor>.npy.", \.dumpDirectory),
            .option("repeat", .integer("N", minimum: 1), help: "Invoke N times on the same inputs, set again before each invoke (state carries over); report the last.",
                    default: "1", \.repeats),
            .option("device", .text("ID"), help: "Add per-operator cycles, ms and share, and latency, flash, RAM and energy on this device.", \.device),
            .flag("deploy", help: "Print the C++ a firmware pastes (kTensorArenaSize, MicroMutableOpResolver) instead of the report.", \.deploy),
        ] + .group(\.simulation) + .group(\.profiles) + .group(\.output)

        func validate() throws {
            if !inputs.isEmpty, seed != nil { throw UsageError(message: "--input and --random are exclusive") }
            if device == nil, simulation.optimization != nil || simulation.reserve.isSet {
                throw UsageError(message: "--opt and --reserve need --device")
            }
        }
    }

    static func run(_ options: Options, console: Console) throws -> Int32 {
        let path = options.model
        // Everything that can be refused is checked before anything is written.
        let device = try options.device.map { try options.profiles.loadCatalog().device($0) }
        let model = try MCUSimCLI.loadModel(path)
        let interpreter: MicroInterpreter
        do {
            interpreter = try MicroInterpreter(model: model, options: InterpreterOptions(variant: options.simulation.variant,
                                                                                         arenaSize: options.arenaSize,
                                                                                         hostArenaLimit: options.maxArena))
        } catch {
            throw MCUSimCLI.fileError(error, file: path)
        }
        let given: InputFrames
        if options.inputs.isEmpty {
            given = InputFrames(frames: 1, inputs: try InputFiles.randomInputs(interpreter, seed: options.seed ?? 1))
        } else {
            given = try InputFiles.load(options.inputs, into: interpreter, console: console)
        }
        if given.frames > 1, options.repeats > 1 {
            throw UsageError(message: "--repeat takes one input frame; a stream of \(given.frames) frames already invokes once per frame")
        }
        if options.outputs.count > interpreter.outputIndices.count {
            throw UsageError(message: "\(options.outputs.count) --output files for \(interpreter.outputIndices.count) model output(s)")
        }
        var plan = OutputPlan()
        plan.input(path, "the model")
        for file in options.inputs { plan.input(file, "an --input file") }
        let outputs = try options.outputs.map { try plan.output($0, option: "--output") }
        let staged = StagedFiles()
        let dumper = try options.dumpDirectory.map {
            try TensorDumper(directory: $0, workloads: interpreter.workloads, plan: &plan, staged: staged)
        }

        // Each invoke gets its inputs set again, as a firmware loop does: the planner may
        // reuse an input's memory once it is consumed. setInput(_:from:) copies from the
        // bytes held here, so the loop allocates nothing.
        let invokes = max(given.frames, options.repeats)
        var stacked = (0..<interpreter.outputIndices.count).map { i -> [UInt8] in
            var bytes: [UInt8] = []
            if given.frames > 1 { bytes.reserveCapacity(given.frames * interpreter.outputTensor(i).byteCount) }
            return bytes
        }
        do {
            for k in 0..<invokes {
                var i = 0
                while i < given.inputs.count {
                    try given.withFrame(given.frames > 1 ? k : 0, ofInput: i) { try interpreter.setInput(i, from: $0) }
                    i += 1
                }
                try interpreter.invoke(observer: k == invokes - 1 ? dumper : nil)
                if given.frames > 1 {
                    for o in stacked.indices { stacked[o] += interpreter.outputBytes(o) }
                }
            }
        } catch {
            throw MCUSimCLI.fileError(error, file: path)
        }
        if let error = dumper?.failure { throw error }
        let simulation = device.map { Simulation(modelPath: path, model: model, interpreter: interpreter, device: $0, settings: options.simulation) }
        for (i, destination) in outputs.enumerated() {
            let t = interpreter.outputTensor(i)
            let bytes: [UInt8]
            let array = given.frames > 1 ? NpyArray(type: t.type, shape: [given.frames] + t.shape, bytes: stacked[i])
                : NpyArray(type: t.type, shape: t.shape, bytes: interpreter.outputBytes(i))
            do { bytes = try Npy.encode(array) } catch {
                throw MCUSimCLI.fileError(error, file: destination.path)
            }
            try staged.stage(bytes, at: destination)
        }
        try staged.commit()
        options.output.emit(RunReport(path: path, interpreter: interpreter, simulation: simulation, invokes: invokes, frames: given.frames,
                                      deploy: options.deploy, registration: options.simulation.registration),
                            console: console)
        return ExitCode.ok
    }
}

/// Stages each operator's outputs as it runs (the planner reuses memory, so they must be
/// captured right after the operator); they reach DIR only when the whole run succeeds.
final class TensorDumper: InvokeObserver {
    private var destinations: [Int: [Int: OutputDestination]] = [:]
    private let staged: StagedFiles
    var failure: FileError?

    /// Makes `directory` (removed again if the run fails) and checks every file it will hold.
    init(directory: String, workloads: [OperatorWorkload], plan: inout OutputPlan, staged: StagedFiles) throws {
        self.staged = staged
        try staged.makeDirectory(directory, option: "--dump-tensors")
        let url = URL(fileURLWithPath: directory)
        for w in workloads {
            for tensor in w.outputs {
                let name = String(format: "op%03d_%@_t%d.npy", w.index, w.op.name, tensor.tensorIndex)
                destinations[w.index, default: [:]][tensor.tensorIndex] = try plan.output(url.appendingPathComponent(name).path, option: "--dump-tensors")
            }
        }
    }

    func didInvoke(_ workload: OperatorWorkload, outputs: [UnsafeRawBufferPointer]) {
        for (tensor, bytes) in zip(workload.outputs, outputs) {
            guard failure == nil, let destination = destinations[workload.index]?[tensor.tensorIndex] else { continue }
            do {
                try staged.stage(try Npy.encode(NpyArray(type: tensor.type, shape: tensor.shape, bytes: [UInt8](bytes))), at: destination)
            } catch let error as FileError {
                failure = error
            } catch {
                failure = FileError(file: destination.path, message: "\(error)", code: ExitCode.invalidInput)
            }
        }
    }
}

/// What `run` prints.
struct RunReport: CommandOutput {
    let path: String
    let interpreter: MicroInterpreter
    let simulation: Simulation?
    /// Invokes run (--repeat, or one per streamed frame) and frames streamed (1: none).
    var invokes = 1
    var frames = 1
    /// `--deploy`: the text is the C++ snippet, and the JSON carries it.
    var deploy = false
    /// `--registration`: how the snippet registers the kernels.
    var registration = KernelRegistration.standard

    var deploySnippet: DeploySnippet { DeploySnippet(modelPath: path, interpreter: interpreter, registration: registration) }

    var arena: ArenaUsage { interpreter.arenaUsage }

    func text(console: Console) -> String {
        if deploy { return deploySnippet.cpp }
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
                row += [Int(c.cycles.rounded()).grouped, sim.millisecondsText(c),
                        String(format: "%.1f%%", 100 * sim.share(c))]
            }
            table.rows.append(row)
        }
        if let sim = simulation {
            // The interpreter's loop outside the kernels, so the shares add up to the whole inference.
            let cycles = sim.cost.frameworkCycles
            table.rows.append(["", "(framework)", "Invoke loop", "", "", "",
                               Int(cycles.rounded()).grouped, String(format: "%.3f", cycles / Double(sim.cost.clockHz) * 1000),
                               String(format: "%.1f%%", 100 * sim.frameworkShare)])
        }
        out += table.render() + "\n\n"
        out += "arena (32-bit Cortex-M build): \(ArenaDeclaration(arena).summary)\n"
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
            out += ", framework \(Int(sim.cost.frameworkCycles.rounded()).grouped)); guessed share \(sim.estimatedShareText)"
            out += sim.cost.energyMicrojoules.map {
                String(format: ", energy %.1f µJ", $0) + (sim.energyVerified ? "" : " (run current not verified against the datasheet)")
            } ?? ", energy n/a (no run current in the profile)"
            out += "\nflash \(f.flash.total.grouped) B of \(f.flashCapacity.grouped) (weights \(f.flash.modelWeights.grouped), structure \(f.flash.modelStructure.grouped), "
            out += "TFLM \(f.flash.tflmRuntime.grouped), kernels \(f.flash.kernelCode.grouped), application \(f.flash.applicationReserve.grouped))"
            out += f.codeBasis == .link ? "; code from real Cortex-M4 links\n" : "; code from per-operator sizes (an estimate at -Os)\n"
            if let saved = f.int8OnlySavings, f.registration == .standard {
                out += "--registration int8-only would save \(saved.grouped) B of flash\n"
            }
            out += "RAM \(f.ram.total.grouped) B of \(f.ramCapacity.grouped) (arena \(f.ram.arena.grouped), reserve \(f.ram.reserve.grouped))\n"
            out += Simulation.estimatedFootnote + "\n\n"
        }
        if frames > 1 { out += "streamed \(frames) input frames, one invoke each; outputs of the last frame:\n" }
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
}
