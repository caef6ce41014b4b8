import Foundation
import Interpreter

/// `mcusim eval MODEL --inputs X.npy --labels Y.npy`: every sample through the interpreter
/// (the device's arithmetic, bit-exact with TFLM): accuracy, per-class recall, the confusion
/// matrix and host speed; with `--compare`, other variants on the same samples against it.
enum EvalCommand: ParsableCommand {
    static let name = "eval"
    static let summary = "Run a labelled data set through the model (bit-exact with TFLM): accuracy, per-class recall, confusion matrix, inferences/s."
    static let details = """
        Samples lie along the first axis of --inputs; each is the model input's shape, with or without its leading batch
        of 1. Inputs of the model input's own dtype are used as they are. Float values (float16 exactly, float64 rounded
        to float32) feed a float32 input as they are and are quantized for an int8, uint8 or int16 input with its scale and
        zero point as TFLM's QUANTIZE kernel (AffineQuantize) does: round(value / scale) in float32, halves away from
        zero, plus the zero point, clamped to the type. --scale 1/255 first turns any stored numbers (e.g. uint8 pixels)
        into float32 values divided by 255 in float32. The prediction is the first index of the largest output value.
        --compare runs other variants on the same samples and reports, against MODEL: the accuracy difference, top-1
        agreement, and over every output value of every sample (dequantized to float) the mean absolute error, the root
        mean square error and the cosine similarity, as `stm32ai validate` compares a float model and its int8 version.
        Accuracy, metrics and predictions do not depend on --jobs; inferences/s (host, all workers) does.
        """

    struct Options: ParsableOptions {
        var model = ""
        var compare: [String] = []
        var data = DatasetOptions()
        var variant: KernelVariant = .cmsisNN
        var predictions: [String] = []
        var referencePredictions: [String] = []
        var quiet = false
        var output = OutputOptions()

        static let declarations: [Declaration<Options>] = [
            .positional("MODEL.tflite", .text("MODEL.tflite"), help: "The model to evaluate (the reference for --compare).", \.model),
            .repeated("compare", .text("OTHER.tflite"), help: "Another variant to evaluate on the same samples and compare with MODEL.", \.compare),
            .repeated("predictions", .text("FILE.npy"), help: "Write the predicted class of every sample (int32, one per sample): the first file MODEL's, the next ones each --compare's in order.",
                      \.predictions),
            .repeated("reference-predictions", .text("FILE.npy"), help: "Another implementation's predicted classes for the same samples (e.g. TFLM's Python interpreter), to count where they agree: the first file for MODEL, the next ones for each --compare in order.",
                      \.referencePredictions),
            .kernels(\.variant),
            .quiet(\.quiet),
        ] + .group(\.data) + .group(\.output)

        func validate() throws {
            guard data.inputs != nil, data.labels != nil else {
                throw UsageError(message: "eval needs --inputs X.npy and --labels Y.npy (usage: \(EvalCommand.spec.usage))")
            }
            try data.validate(command: "eval")
            if predictions.count > 1 + compare.count {
                throw UsageError(message: "\(predictions.count) --predictions files for \(1 + compare.count) model(s)")
            }
            if referencePredictions.count > 1 + compare.count {
                throw UsageError(message: "\(referencePredictions.count) --reference-predictions files for \(1 + compare.count) model(s)")
            }
        }
    }

    static func run(_ options: Options, console: Console) throws -> Int32 {
        let paths = [options.model] + options.compare
        let models = try paths.map { try MCUSimCLI.loadModel($0) }
        guard let dataset = try Dataset.load(options.data) else { return ExitCode.invalidInput }
        var plan = OutputPlan()
        for path in paths { plan.input(path, "a model") }
        plan.input(dataset.inputsFile, "the --inputs file")
        plan.input(dataset.labelsFile, "the --labels file")
        for file in options.referencePredictions { plan.input(file, "a --reference-predictions file") }
        let destinations = try options.predictions.map { try plan.output($0, option: "--predictions") }
        let references = try options.referencePredictions.map { try ReferencePredictions(file: $0, samples: dataset.count) }

        let progress = ProgressMeter(console: console, quiet: options.quiet)
        let evaluator = DatasetEvaluator(dataset: dataset, variant: options.variant, jobs: options.data.jobs, hostArenaLimit: options.data.maxArena, progress: progress)
        var results: [EvaluatedModel] = []
        for (i, (path, model)) in zip(paths, models).enumerated() {
            progress.start("[\(i + 1)/\(paths.count)] \(path)", total: dataset.count)
            results.append(try evaluator.evaluate(path: path, model: model))
        }
        progress.finish()
        let reference = results[0]
        for other in results.dropFirst() where other.run.classes != reference.run.classes {
            throw FileError(file: other.run.path, message: "has \(other.run.classes) output values per sample, \(reference.run.path) has \(reference.run.classes): they cannot be compared",
                            code: ExitCode.invalidInput)
        }
        let staged = StagedFiles()
        for (destination, result) in zip(destinations, results) {
            let bytes = result.run.predictions.flatMap { withUnsafeBytes(of: $0.littleEndian) { Array($0) } }
            try staged.stage(try Npy.encode(NpyArray(type: .int32, shape: [dataset.count], bytes: bytes)), at: destination)
        }
        try staged.commit()
        for (i, reference) in references.enumerated() { results[i].reference = reference }
        options.output.emit(EvalResult(dataset: dataset, variant: options.variant, models: results), console: console)
        return ExitCode.ok
    }
}

/// One model's evaluation on a data set: the run and its metrics, with how the inputs were made.
struct EvaluatedModel {
    let run: ModelEvaluation
    let metrics: ClassificationMetrics
    /// How the stored samples became this model's input (nil: used as they are).
    let conversion: String?
    /// Another implementation's predictions for the same samples, when given.
    var reference: ReferencePredictions?

    /// Samples where the reference predicts the same class.
    var agreeingWithReference: Int? {
        reference.map { r in zip(run.predictions, r.classes).filter { Int($0) == $1 }.count }
    }
}

/// `--reference-predictions`: one class per sample from another implementation.
struct ReferencePredictions {
    let file: String
    let classes: [Int]

    init(file: String, samples: Int) throws {
        let array = try InputFiles.readArray(file)
        guard [.int8, .uint8, .int16, .uint16, .int32, .uint32, .int64, .uint64].contains(array.type) else {
            throw FileError(file: file, message: "dtype \(array.type.numpyName): predictions must be integer class ids", code: ExitCode.invalidInput)
        }
        guard array.shape == [samples] else {
            throw FileError(file: file, message: "shape \(array.shape): expected one prediction per sample, (\(samples),)", code: ExitCode.invalidInput)
        }
        self.file = file
        classes = Dataset.integers(array)
    }
}

/// Evaluates models on one data set, converting the samples once per kind of model input.
final class DatasetEvaluator {
    let dataset: Dataset
    let variant: KernelVariant
    let jobs: Int
    /// The most host memory one worker's arena may take (`--max-arena`).
    let hostArenaLimit: Int
    let progress: ProgressMeter?
    private var converted: [String: InputFiles.Conversion] = [:]

    init(dataset: Dataset, variant: KernelVariant, jobs: Int, hostArenaLimit: Int, progress: ProgressMeter?) {
        self.dataset = dataset
        self.variant = variant
        self.jobs = jobs
        self.hostArenaLimit = hostArenaLimit
        self.progress = progress
    }

    func evaluate(path: String, model: Model) throws -> EvaluatedModel {
        let subgraph = model.subgraphs[0]
        guard subgraph.inputs.count == 1, subgraph.outputs.count == 1 else {
            throw FileError(file: path, message: "has \(subgraph.inputs.count) inputs and \(subgraph.outputs.count) outputs; evaluation takes a model with one of each",
                            code: ExitCode.unsupported)
        }
        // One interpreter per worker, made once; the first also describes the input and output.
        let workers = max(1, min(jobs, dataset.count))
        let interpreters: [MicroInterpreter]
        do {
            interpreters = try (0..<workers).map { _ in try MicroInterpreter(model: model, options: InterpreterOptions(variant: variant, hostArenaLimit: hostArenaLimit)) }
        } catch {
            throw MCUSimCLI.fileError(error, file: path)
        }
        let input = interpreters[0].inputTensor(0)
        let output = interpreters[0].outputTensor(0)
        guard OutputReader.supported.contains(output.type), output.elementCount > 0 else {
            throw FileError(file: path, message: "output is \(output.type.numpyName) \(output.shape); evaluation takes class scores (int8, uint8, int16, int32 or float32)",
                            code: ExitCode.unsupported)
        }
        try dataset.checkLabels(classes: output.elementCount, model: path)
        let key = "\(input.type.rawValue) \(input.scale) \(input.zeroPoint) \(input.byteCount)"
        let conversion: InputFiles.Conversion
        if let cached = converted[key] {
            conversion = cached
        } else {
            conversion = try dataset.inputBytes(for: input)
            converted[key] = conversion
        }
        let run = try ModelEvaluation.run(path: path, interpreters: interpreters, inputs: conversion.bytes, count: dataset.count,
                                          progress: progress)
        return EvaluatedModel(run: run, metrics: ClassificationMetrics(predictions: run.predictions, labels: dataset.labels, classes: run.classes),
                              conversion: conversion.note)
    }
}

/// What `eval` reports.
struct EvalResult: CommandOutput {
    let dataset: Dataset
    let variant: KernelVariant
    let models: [EvaluatedModel]

    var reference: EvaluatedModel { models[0] }

    static func percent(_ fraction: Double) -> String { String(format: "%.2f%%", fraction * 100) }
    static func points(_ delta: Double) -> String { String(format: "%+.2f pp", delta * 100) }

    func text(console: Console) -> String {
        let r = reference, m = r.metrics
        let names = ModelNames.short(models.map(\.run.path))
        var lines = ["\(r.run.path): \(dataset.count.grouped) samples of \(dataset.inputsFile) (\(dataset.array.type.numpyName) \(dataset.array.shape)), "
                     + "labels \(dataset.labelsFile), kernels \(variant.rawValue)"]
        lines += ModelNames.conversionLines(names, models.map(\.conversion), asIs: "\(dataset.array.type.numpyName) values used as they are")
        lines += ["accuracy \(Self.percent(m.accuracy)) (\(m.correct.grouped) of \(m.samples.grouped) right)", ""]
        var perClass = TextTable(headers: ["class", "samples", "right", "recall"], rightAligned: [0, 1, 2, 3])
        for (c, row) in m.perClass.enumerated() {
            perClass.rows.append([String(c), row.samples.grouped, row.correct.grouped, row.recall.map(Self.percent) ?? "-"])
        }
        lines.append(perClass.render())
        lines += ["", "confusion matrix (rows: label, columns: predicted class):"]
        var confusion = TextTable(headers: ["label"] + (0..<m.classes).map(String.init), rightAligned: Set(0...m.classes))
        for (c, row) in m.confusion.enumerated() { confusion.rows.append([String(c)] + row.map(String.init)) }
        lines.append(confusion.render())
        if models.count > 1 {
            lines += ["", "compared with \(r.run.path) on the same samples (errors over every output value, dequantized):"]
            var table = TextTable(headers: ["model", "accuracy", "Δ accuracy", "agreement", "MAE", "RMSE", "cosine"], rightAligned: [1, 2, 3, 4, 5, 6])
            for (name, other) in zip(names, models).dropFirst() {
                let c = OutputComparison(reference: r.run, other: other.run)
                table.rows.append([name, Self.percent(other.metrics.accuracy), Self.points(other.metrics.accuracy - m.accuracy),
                                   "\(Self.percent(c.agreement)) (\(c.agreeing.grouped))", String(format: "%.6f", c.meanAbsoluteError),
                                   String(format: "%.6f", c.rootMeanSquareError), c.cosineSimilarity.map { String(format: "%.6f", $0) } ?? "-"])
            }
            lines.append(table.render())
        }
        let referenced = models.filter { $0.reference != nil }
        if !referenced.isEmpty {
            lines += ["", "against --reference-predictions (another implementation's classes for the same samples):"]
            var table = TextTable(headers: ["model", "reference predictions", "same class"], rightAligned: [2])
            for (name, m) in zip(names, models) {
                guard let r = m.reference, let same = m.agreeingWithReference else { continue }
                table.rows.append([name, r.file, "\(same.grouped) of \(m.run.samples.grouped)"])
            }
            lines.append(table.render())
        }
        let speeds = zip(names, models).map { "\(Int($1.run.inferencesPerSecond.rounded()).grouped) inferences/s" + (models.count > 1 ? " (\($0))" : "") }
        lines += ["", "host speed (\(r.run.jobs) worker\(r.run.jobs == 1 ? "" : "s")): " + speeds.joined(separator: ", ")]
        return lines.joined(separator: "\n") + "\n"
    }
}
