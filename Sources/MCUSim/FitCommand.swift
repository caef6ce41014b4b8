import Devices
import Foundation
import Interpreter

/// `mcusim fit MODEL...`: every device side by side: flash and RAM used against what the
/// board has, latency, energy, and whether the model fits under the headroom. Several models
/// give one matrix, models × devices; with `--inputs/--labels`, an accuracy column.
enum FitCommand: ParsableCommand {
    static let name = "fit"
    static let summary = "Compare devices side by side: flash and RAM used / available, latency, energy, and a verdict; several models give one matrix."
    static let details = """
        Flash = model flatbuffer + TFLM runtime + the kernels this model uses + the application reserve.
        RAM = the arena to declare (kTensorArenaSize: the smallest with which AllocateTensors and Invoke succeed on a
        32-bit build, at least planned + persistent) + the reserve (stack, heap, runtime statics).
        Beside the flash figure, never in it: the DEFLATE size of the file and the weights sparse-encoded (bitmap or CSR,
        indices counted), what a compressing deployment or an over-the-air download would need. TFLM links the
        flatbuffer as it is, pruned zeros included, so pruning changes neither its flash nor its latency.
        Several models: one table of the models (accuracy with --inputs/--labels, as `eval` computes it; sizes; arena),
        then flash, RAM, latency, energy and the verdict as models × devices; --svg draws accuracy against the kernels'
        zero fraction and the latency per device.
        Exit 0 when every model fits at least one of the devices, 1 when one fits none.
        """

    struct Options: ParsableOptions {
        var models: [String] = []
        var devices: [String] = []
        var headroom = 0.8
        var svg: String?
        var quiet = false
        var data = DatasetOptions()
        var simulation = SimulationOptions()
        var profiles = ProfileOptions()
        var output = OutputOptions()

        static let declarations: [Declaration<Options>] = [
            .positional("MODEL.tflite", .text("MODEL.tflite"), help: "The models to fit (several give a matrix).", arity: 1...Int.max, \.models),
            .repeated("device", .text("ID"), help: "A device to compare (default: every bundled and user profile).", \.devices),
            .headroom(\.headroom),
            .option("svg", .text("FILE.svg"), help: "Also write charts: accuracy against the kernels' zero fraction (with --labels) and latency per device and model.",
                    \.svg),
            .quiet(\.quiet),
        ] + .group(\.data) + .group(\.simulation) + .group(\.profiles) + .group(\.output)

        func validate() throws { try data.validate(command: "fit") }
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
        let dataset = try Dataset.load(options.data)
        var plan = OutputPlan()
        for path in options.models { plan.input(path, "a model") }
        if let dataset {
            plan.input(dataset.inputsFile, "the --inputs file")
            plan.input(dataset.labelsFile, "the --labels file")
        }
        let chart = try options.svg.map { try plan.output($0, option: "--svg") }

        // The models side by side on the workers: each is read, prepared and simulated on one.
        var results = try Workers.map(count: options.models.count, jobs: options.data.jobs) { i -> FitResult in
            let path = options.models[i]
            let (model, interpreter) = try Simulation.interpreter(for: path, variant: options.simulation.variant)
            return FitResult(path: path, interpreter: interpreter, headroom: options.headroom,
                             simulations: devices.map {
                                 Simulation(modelPath: path, model: model, interpreter: interpreter, device: $0, settings: options.simulation)
                             }, skipped: skipped)
        }
        // Then the data set through each model, all workers on one model at a time.
        if let dataset {
            let progress = ProgressMeter(console: console, quiet: options.quiet)
            let evaluator = DatasetEvaluator(dataset: dataset, variant: options.simulation.variant, jobs: options.data.jobs, hostArenaLimit: options.data.maxArena, progress: progress)
            for i in results.indices {
                progress.start("[\(i + 1)/\(results.count)] \(results[i].path)", total: dataset.count)
                results[i].evaluation = try evaluator.evaluate(path: results[i].path, model: results[i].interpreter.model)
            }
            progress.finish()
        }
        if let chart {
            let staged = StagedFiles()
            try staged.stage(Array(FitCharts(results: results, dataset: dataset).svg().utf8), at: chart)
            try staged.commit()
        }
        if results.count == 1 {
            options.output.emit(results[0], console: console)
        } else {
            options.output.emit(FitMatrix(results: results, dataset: dataset, headroom: options.headroom), console: console)
        }
        return results.allSatisfy({ $0.rows.contains { $0.verdict.fits } }) ? ExitCode.ok : ExitCode.checkFailed
    }
}

/// What `fit` reports for one model: one simulation and its verdict per device, what the
/// file would take compressed, and its accuracy when a data set was given.
struct FitResult: CommandOutput {
    let path: String
    let interpreter: MicroInterpreter
    let headroom: Double
    let rows: [(simulation: Simulation, verdict: Verdict)]
    let weights: [ModelSummary.WeightTensor]
    let compression: CompressionFigures
    var evaluation: EvaluatedModel?
    /// Profile files that did not load, left out of the comparison.
    let skipped: [ProfileLoader.InvalidProfile]

    init(path: String, interpreter: MicroInterpreter, headroom: Double, simulations: [Simulation],
         skipped: [ProfileLoader.InvalidProfile] = []) {
        self.path = path
        self.interpreter = interpreter
        self.headroom = headroom
        rows = simulations.map { ($0, $0.verdict(headroom: headroom)) }
        self.skipped = skipped
        weights = ModelSummary.weightTensors(of: interpreter.model)
        compression = CompressionFigures(model: interpreter.model, weights: weights)
    }

    var variant: KernelVariant { interpreter.options.variant }
    var macs: Int { interpreter.workloads.reduce(0) { $0 + $1.macs } }
    /// The arena to declare (kTensorArenaSize), as the RAM figures count it.
    var arenaBytes: Int { interpreter.arenaUsage.declareBytes }
    /// Zeros over elements of the kernels (weight tensors of rank 2 and more).
    var kernelSparsity: Double { CompressionFigures.kernelSparsity(weights) }

    func text(console: Console) -> String {
        var lines = ["\(path): \(interpreter.workloads.count) operators, \(macs.grouped) MACs, "
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
        lines.append("guessed: the share of the latency from generic estimates and assumptions (AXI line fills, TFLM dispatch where it was not traced, kernels without measured loops); see 'mcusim run --device'")
        lines += Self.flashNotes(rows.map(\.simulation))
        lines += FitMatrix.energyNotes(rows.map(\.simulation))
        lines += [""] + compression.summaryLines
        if let e = evaluation {
            lines += ["", "accuracy \(EvalResult.percent(e.metrics.accuracy)) (\(e.metrics.correct.grouped) of \(e.metrics.samples.grouped) right; inputs: "
                      + (e.conversion ?? "used as they are") + ")"]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The arena the RAM figures count, the same on every device (one kernel variant).
    var arenaLine: String { "arena (32-bit build): " + ArenaDeclaration(interpreter.arenaUsage).summary }

    /// Where the runtime's and kernels' flash comes from, and what the int8-only registration saves.
    static func flashNotes(_ simulations: [Simulation]) -> [String] {
        var lines: [String] = []
        // Each device once, in order (a matrix passes every model's simulations).
        func once(_ ids: [String]) -> [String] {
            var seen = Set<String>()
            return ids.filter { seen.insert($0).inserted }
        }
        let linked = once(simulations.filter { $0.footprint.codeBasis == .link }.map {
            $0.device.core == .cortexM7 ? "\($0.device.id): the Cortex-M4 figures, M7 not linked" : $0.device.id
        })
        let perOperator = once(simulations.filter { $0.footprint.codeBasis == .perOperator }.map(\.device.id))
        if !linked.isEmpty {
            lines.append("flash: TFLM runtime and kernel code from real Cortex-M4 links of TFLM (kernels -O2), at most 0.7% high against each model's own link (\(linked.joined(separator: ", ")))")
        }
        if !perOperator.isEmpty {
            lines.append("flash at -Os: kernel code from each operator linked alone and the profile's runtime figure, an estimate (\(perOperator.joined(separator: ", ")))")
        }
        var savings: [Int: [String]] = [:]
        for s in simulations { if let saved = s.footprint.int8OnlySavings { savings[saved, default: []].append(s.device.id) } }
        for (saved, ids) in savings.sorted(by: { $0.key > $1.key }) {
            let devices = once(ids)
            let registered = simulations.first { $0.footprint.int8OnlySavings == saved }?.footprint.registration ?? .standard
            lines.append(registered == .int8Only
                ? "int8-only registration: \(ByteSize.format(saved)) of flash less than the default registration (\(devices.joined(separator: ", ")))"
                : "--registration int8-only would save \(ByteSize.format(saved)) of flash (\(devices.joined(separator: ", "))): register the int8 kernels, e.g. AddConv2D(tflite::Register_CONV_2D_INT8())")
        }
        return lines
    }
}

/// Several models on the devices: one table of the models, then models × devices.
struct FitMatrix: CommandOutput {
    let results: [FitResult]
    let dataset: Dataset?
    let headroom: Double

    var devices: [DeviceProfile] { results.first?.rows.map(\.simulation.device) ?? [] }

    var names: [String] { ModelNames.short(results.map(\.path)) }

    static func energyNotes(_ simulations: [Simulation]) -> [String] {
        var lines: [String] = []
        if simulations.contains(where: { $0.cost.energyMicrojoules == nil }) {
            lines.append("n/a: the profile has no run current, so no energy figure")
        }
        if simulations.contains(where: { $0.cost.energyMicrojoules != nil && !$0.energyVerified }) {
            lines.append("~: energy from a run current the profile has not verified against its datasheet (see its sources)")
        }
        return lines
    }

    func text(console: Console) -> String {
        let first = results[0]
        var lines = ["\(results.count) models on \(devices.count) devices: kernels \(first.variant.rawValue), headroom \(Percent.limit(headroom))"]
        if let dataset, first.evaluation != nil {
            lines.append("accuracy on \(dataset.count.grouped) samples of \(dataset.inputsFile) (labels \(dataset.labelsFile)), Δ against \(names[0])")
            lines += ModelNames.conversionLines(names, results.map { $0.evaluation?.conversion }, asIs: "\(dataset.array.type.numpyName) values used as they are")
        }
        lines.append("")

        // The models: accuracy, sizes (the file as flashed; compressed and sparse beside it), arena, work.
        var headers = ["model"]
        if dataset != nil { headers += ["accuracy", "Δ accuracy"] }
        headers += ["kernel zeros", "file B", "DEFLATE B", "weights B", "sparse weights B", "arena B", "MACs"]
        var models = TextTable(headers: headers, rightAligned: Set(1..<headers.count))
        for (name, r) in zip(names, results) {
            var row = [name]
            if let e = r.evaluation, let base = first.evaluation {
                row += [EvalResult.percent(e.metrics.accuracy), EvalResult.points(e.metrics.accuracy - base.metrics.accuracy)]
            }
            let c = r.compression
            row += [String(format: "%.1f%%", 100 * r.kernelSparsity), c.fileBytes.grouped, c.deflateBytes.grouped, c.denseWeightBytes.grouped,
                    c.sparseWeightBytes.grouped, r.arenaBytes.grouped, r.macs.grouped]
            models.rows.append(row)
        }
        lines.append(models.render())
        lines += [
            "file B: the flatbuffer, as TFLM links it into flash. Not in any flash figure below, what a compressing deployment or an",
            "over-the-air download would need: DEFLATE B, the file compressed; sparse weights B, the weight tensors (weights B as stored)",
            "each in the smallest of dense, bitmap and CSR, index bytes counted. Arena: the arena to declare (kTensorArenaSize), 32-bit build.",
        ]

        func matrix(_ title: String, header: (DeviceProfile) -> String, cell: (Simulation, Verdict) -> String) {
            var table = TextTable(headers: ["model"] + devices.map(header), rightAligned: Set(1...devices.count))
            for (name, r) in zip(names, results) { table.rows.append([name] + r.rows.map { cell($0.simulation, $0.verdict) }) }
            lines += ["", title, table.render()]
        }
        matrix("flash used (of the device's flash)", header: { "\($0.id) (\(ByteSize.format($0.flash.bytes)))" }) { s, v in
            "\(ByteSize.format(s.footprint.flash.total)) \(v.flashPercent)"
        }
        lines += FitResult.flashNotes(results.flatMap { $0.rows.map(\.simulation) })
        matrix("RAM used (of the largest RAM block the arena can use)", header: { "\($0.id) (\(ByteSize.format($0.largestContiguousArenaBytes)))" }) { s, v in
            "\(ByteSize.format(s.footprint.ram.total)) \(v.ramPercent)"
        }
        matrix("latency ms (guessed share)", header: { "\($0.id) (\($0.core.rawValue) @ \($0.clockHz / 1_000_000) MHz)" }) { s, _ in
            String(format: "%.2f", s.cost.milliseconds) + " (\(s.estimatedShareText))"
        }
        lines.append("guessed share: the part of the latency from generic estimates and assumptions (AXI line fills, TFLM dispatch where it was not traced, "
                     + "kernels without measured loops); see 'mcusim run --device'")
        matrix("energy µJ per inference", header: { $0.id }) { s, _ in s.energyText }
        lines += Self.energyNotes(results.flatMap { $0.rows.map(\.simulation) })
        var verdicts = TextTable(headers: ["model"] + devices.map(\.id))
        for (name, r) in zip(names, results) {
            verdicts.rows.append([name] + r.rows.map { $0.verdict.fits ? console.green("fits") : console.red("no: " + $0.verdict.reasons.joined(separator: ", ")) })
        }
        lines += ["", "verdict: fits when flash and RAM use are at most \(Percent.limit(headroom)) of capacity", verdicts.render()]
        return lines.joined(separator: "\n") + "\n"
    }
}
