import Devices
import Foundation
import Interpreter

/// `mcusim fit MODEL`: every device side by side: flash and RAM used against what the
/// board has, latency, energy, and whether the model fits under the headroom.
enum FitCommand: ParsableCommand {
    static let name = "fit"
    static let summary = "Compare devices side by side: flash and RAM used / available, latency, energy, and a verdict."
    static let details = """
        Flash = model flatbuffer + TFLM runtime + the kernels this model uses + the application reserve.
        RAM = the arena to declare (kTensorArenaSize: the smallest with which AllocateTensors and Invoke succeed on a
        32-bit build, at least planned + persistent) + the reserve (stack, heap, runtime statics).
        Exit 0 when the model fits at least one of the devices, 1 when it fits none.
        """

    struct Options: ParsableOptions {
        var model = ""
        var devices: [String] = []
        var headroom = 0.8
        var simulation = SimulationOptions()
        var profiles = ProfileOptions()
        var output = OutputOptions()

        static let declarations: [Declaration<Options>] = [
            .positional("MODEL.tflite", .text("MODEL.tflite"), help: "The model to fit.", \.model),
            .repeated("device", .text("ID"), help: "A device to compare (default: every bundled and user profile).", \.devices),
            .headroom(\.headroom),
        ] + .group(\.simulation) + .group(\.profiles) + .group(\.output)
    }

    static func run(_ options: Options, console: Console) throws -> Int32 {
        let catalog = try options.profiles.loadCatalog()
        let devices = try Simulation.devices(options.devices, catalog: catalog)
        // Comparing every device: profiles that did not load are skipped, and said so.
        let skipped = options.devices.isEmpty ? catalog.invalid : []
        for bad in skipped {
            console.error("mcusim: note: skipped invalid profile '\(bad.id)': \(bad.error.fileError.file): \(bad.error.fileError.message)")
        }
        guard !devices.isEmpty else { throw UsageError(message: "no device profiles are loaded (see 'mcusim devices')") }
        let (model, interpreter) = try Simulation.interpreter(for: options.model, variant: options.simulation.variant)
        let result = FitResult(path: options.model, interpreter: interpreter, headroom: options.headroom,
                               simulations: devices.map {
                                   Simulation(modelPath: options.model, model: model, interpreter: interpreter, device: $0, settings: options.simulation)
                               }, skipped: skipped)
        options.output.emit(result, console: console)
        return result.rows.contains { $0.verdict.fits } ? ExitCode.ok : ExitCode.checkFailed
    }
}

/// What `fit` reports: one simulation and its verdict per device.
struct FitResult: CommandOutput {
    let path: String
    let interpreter: MicroInterpreter
    let headroom: Double
    let rows: [(simulation: Simulation, verdict: Verdict)]
    /// Profile files that did not load, left out of the comparison.
    let skipped: [ProfileLoader.InvalidProfile]

    init(path: String, interpreter: MicroInterpreter, headroom: Double, simulations: [Simulation],
         skipped: [ProfileLoader.InvalidProfile] = []) {
        self.path = path
        self.interpreter = interpreter
        self.headroom = headroom
        rows = simulations.map { ($0, $0.verdict(headroom: headroom)) }
        self.skipped = skipped
    }

    var variant: KernelVariant { interpreter.options.variant }

    func text(console: Console) -> String {
        var lines = ["\(path): \(interpreter.workloads.count) operators, \(interpreter.workloads.reduce(0) { $0 + $1.macs }.grouped) MACs, "
                     + "kernels \(variant.rawValue), headroom \(Percent.limit(headroom))", ""]
        var table = TextTable(headers: ["device", "core", "opt", "flash used / available", "RAM used / available", "latency ms", "guessed",
                                        "energy µJ", "verdict"],
                              rightAligned: [3, 4, 5, 6, 7])
        for (s, verdict) in rows {
            let f = s.footprint
            table.rows.append([
                s.device.id, "\(s.device.core.rawValue) @ \(s.device.clockHz / 1_000_000) MHz", s.optimization.rawValue,
                "\(ByteSize.format(f.flash.total)) / \(ByteSize.format(f.flashCapacity)) (\(f.flashCapacity > 0 ? verdict.flashPercent : "-"))",
                "\(ByteSize.format(f.ram.total)) / \(ByteSize.format(f.ramCapacity)) (\(f.ramCapacity > 0 ? verdict.ramPercent : "-"))",
                String(format: "%.2f", s.cost.milliseconds),
                s.estimatedShareText,
                s.energyText,
                verdict.fits ? console.green("fits") : console.red("no: " + verdict.reasons.joined(separator: ", ")),
            ])
        }
        lines.append(table.render())
        lines.append(arenaLine)
        lines.append("guessed: the share of the latency from generic estimates and assumptions (TFLM dispatch and invoke, AXI line fills, kernels without measured loops); see 'mcusim run --device'")
        lines += Self.flashNotes(rows.map(\.simulation))
        if rows.contains(where: { $0.simulation.cost.energyMicrojoules == nil }) {
            lines.append("n/a: the profile has no run current, so no energy figure")
        }
        if rows.contains(where: { $0.simulation.cost.energyMicrojoules != nil && !$0.simulation.energyVerified }) {
            lines.append("~: energy from a run current the profile has not verified against its datasheet (see its sources)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The arena the RAM figures count, the same on every device (one kernel variant).
    var arenaLine: String { "arena (32-bit build): " + ArenaDeclaration(interpreter.arenaUsage).summary }

    /// Where the runtime's and kernels' flash comes from, and what the int8-only registration saves.
    static func flashNotes(_ simulations: [Simulation]) -> [String] {
        var lines: [String] = []
        let linked = simulations.filter { $0.footprint.codeBasis == .link }.map {
            $0.device.core == .cortexM7 ? "\($0.device.id): the Cortex-M4 figures, M7 not linked" : $0.device.id
        }
        let perOperator = simulations.filter { $0.footprint.codeBasis == .perOperator }.map(\.device.id)
        if !linked.isEmpty {
            lines.append("flash: TFLM runtime and kernel code from real Cortex-M4 links of TFLM (kernels -O2), at most 0.7% high against each model's own link (\(linked.joined(separator: ", ")))")
        }
        if !perOperator.isEmpty {
            lines.append("flash at -Os: kernel code from each operator linked alone and the profile's runtime figure, an estimate (\(perOperator.joined(separator: ", ")))")
        }
        var savings: [Int: [String]] = [:]
        for s in simulations { if let saved = s.footprint.int8OnlySavings { savings[saved, default: []].append(s.device.id) } }
        for (saved, devices) in savings.sorted(by: { $0.key > $1.key }) {
            let registered = simulations.first { $0.footprint.int8OnlySavings == saved }?.footprint.registration ?? .standard
            lines.append(registered == .int8Only
                ? "int8-only registration: \(ByteSize.format(saved)) of flash less than the default registration (\(devices.joined(separator: ", ")))"
                : "--registration int8-only would save \(ByteSize.format(saved)) of flash (\(devices.joined(separator: ", "))): register the int8 kernels, e.g. AddConv2D(tflite::Register_CONV_2D_INT8())")
        }
        return lines
    }
}

