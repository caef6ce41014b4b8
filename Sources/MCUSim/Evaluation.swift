import Dispatch
import Foundation
import Interpreter

// Evaluating models on a labelled data set (`eval`, and `fit`'s accuracy column): the samples
// converted once to each model's input bytes, every sample run through the interpreter on
// several workers (each with its own interpreter and arena, made once), the predictions and
// dequantized outputs kept per sample, and the metrics computed from them in sample order,
// so the figures do not depend on the number of workers.

// MARK: - The data set

/// A labelled data set: samples along the first axis of `array`, one integer label each.
struct Dataset {
    let inputsFile: String
    let labelsFile: String
    let array: NpyArray
    let scale: ValueScale?
    let labels: [Int]

    var count: Int { array.shape.first ?? 0 }
    var sampleShape: [Int] { Array(array.shape.dropFirst()) }
    var sampleElements: Int { sampleShape.reduce(1, *) }

    /// The data set the options name, or nil when they name none.
    static func load(_ options: DatasetOptions) throws -> Dataset? {
        guard let inputs = options.inputs, let labels = options.labels else { return nil }
        let array = try InputFiles.readArray(inputs)
        guard InputFiles.isNumeric(array.type) else {
            throw FileError(file: inputs, message: "dtype \(array.type.numpyName) holds no numbers to feed a model", code: ExitCode.invalidInput)
        }
        guard let count = array.shape.first, count > 0 else {
            throw FileError(file: inputs, message: "holds no samples (shape \(array.shape); the first axis is the sample)", code: ExitCode.invalidInput)
        }
        let labelArray = try InputFiles.readArray(labels)
        let integerTypes: [TensorType] = [.int8, .uint8, .int16, .uint16, .int32, .uint32, .int64, .uint64]
        guard integerTypes.contains(labelArray.type) else {
            throw FileError(file: labels, message: "dtype \(labelArray.type.numpyName): labels must be integer class ids", code: ExitCode.invalidInput)
        }
        guard labelArray.shape.count == 1 || (labelArray.shape.count == 2 && labelArray.shape[1] == 1) else {
            throw FileError(file: labels, message: "shape \(labelArray.shape): labels must be one per sample, shape (\(count),)", code: ExitCode.invalidInput)
        }
        guard labelArray.shape[0] == count else {
            throw FileError(file: labels, message: "holds \(labelArray.shape[0]) labels for \(count) samples in \(inputs)", code: ExitCode.invalidInput)
        }
        return Dataset(inputsFile: inputs, labelsFile: labels, array: array, scale: options.scale, labels: integers(labelArray))
    }

    /// Every sample as `tensor`'s bytes, one after the other, converted as `run --input` converts
    /// (see `InputFiles.convert`); errors name the sample.
    func inputBytes(for tensor: TensorInfo) throws -> InputFiles.Conversion {
        let described = "the model input (\(tensor.type.numpyName) \(tensor.shape))"
        try InputFiles.checkType(array.type, scale: scale, for: tensor, file: inputsFile, described: described, offersScale: true)
        guard InputFiles.shapesMatch(sampleShape, tensor.shape) else {
            throw FileError(file: inputsFile, message: "sample 0 has shape \(sampleShape) (the array is \(array.shape), samples along the first axis), "
                            + "which does not match \(described)", code: ExitCode.invalidInput)
        }
        let perSample = max(sampleElements, 1)
        return try InputFiles.convert(array, scale: scale, for: tensor, file: inputsFile, described: described) { element in
            "sample \(element / perSample), element \(element % perSample)"
        }
    }

    /// Refuses a label outside `0..<classes`, naming the sample.
    func checkLabels(classes: Int, model: String) throws {
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classes }) {
            throw FileError(file: labelsFile, message: "sample \(bad): label \(labels[bad]) is not a class of \(model), which has \(classes) outputs (0-\(classes - 1))",
                            code: ExitCode.invalidInput)
        }
    }

    /// Integer labels as Int (uint64 values beyond Int.max become Int.max: never a class).
    static func integers(_ array: NpyArray) -> [Int] {
        let count = array.elementCount
        return array.bytes.withUnsafeBytes { raw -> [Int] in
            func read<T: FixedWidthInteger>(_: T.Type) -> [Int] {
                let size = MemoryLayout<T>.size
                guard raw.count >= count * size else { return [] }
                return (0..<count).map { Int(clamping: T(littleEndian: raw.loadUnaligned(fromByteOffset: size * $0, as: T.self))) }
            }
            switch array.type {
            case .int8: return read(Int8.self)
            case .uint8: return read(UInt8.self)
            case .int16: return read(Int16.self)
            case .uint16: return read(UInt16.self)
            case .int32: return read(Int32.self)
            case .uint32: return read(UInt32.self)
            case .int64: return read(Int64.self)
            case .uint64: return read(UInt64.self)
            default: return []
            }
        }
    }
}

// MARK: - Running a model over the data set

/// One model run over every sample: its predictions (first index of the largest raw output,
/// as TFLM's examples take the argmax) and its outputs dequantized to float, per sample.
struct ModelEvaluation {
    let path: String
    let classes: Int
    let predictions: [Int32]
    /// `classes` values per sample: the output as float (scale × (q − zero point) when quantized).
    let outputs: [Float]
    let seconds: Double
    let jobs: Int

    var samples: Int { predictions.count }
    var inferencesPerSecond: Double { seconds > 0 ? Double(samples) / seconds : 0 }

    /// Runs every sample of `inputs` (`count` samples of the input's byte size) through
    /// `interpreters`, one per worker, all made from the same model.
    static func run(path: String, interpreters: [MicroInterpreter], inputs: [UInt8], count: Int,
                    progress: ProgressMeter?) throws -> ModelEvaluation {
        let workers = interpreters.count
        let first = interpreters[0]
        let output = first.outputTensor(0)
        let classes = output.elementCount
        let sampleBytes = first.inputTensor(0).byteCount
        guard inputs.count == sampleBytes * count else {
            throw FileError(file: path, message: "internal: \(inputs.count) input bytes for \(count) samples of \(sampleBytes)", code: ExitCode.invalidInput)
        }
        let reader = OutputReader(output)
        let predictions = UnsafeMutableBufferPointer<Int32>.allocate(capacity: count)
        predictions.initialize(repeating: 0)
        let outputs = UnsafeMutableBufferPointer<Float>.allocate(capacity: count * classes)
        outputs.initialize(repeating: 0)
        defer {
            predictions.deallocate()
            outputs.deallocate()
        }
        let start = DispatchTime.now().uptimeNanoseconds
        try inputs.withUnsafeBytes { all in
            try Workers.forEach(count: count, jobs: workers, chunk: 8) { worker, sample in
                let interpreter = interpreters[worker]
                // Every sample from TFLM's reset state: a stateful model (signal kernels, variable
                // tensors) would otherwise carry one sample into the next, and depend on --jobs.
                interpreter.reset()
                let input = interpreter.inputBuffer(0)
                input.copyMemory(from: UnsafeRawBufferPointer(rebasing: all[(sample * sampleBytes)..<((sample + 1) * sampleBytes)]))
                do { try interpreter.invoke() } catch { throw MCUSimCLI.fileError(error, file: path) }
                let raw = interpreter.outputBuffer(0)
                predictions[sample] = Int32(reader.argmax(raw))
                reader.dequantize(raw, into: outputs.baseAddress! + sample * classes)
                progress?.advance()
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return ModelEvaluation(path: path, classes: classes, predictions: Array(predictions), outputs: Array(outputs),
                               seconds: seconds, jobs: workers)
    }
}

/// Reads an output tensor in place: its argmax and its values as float.
struct OutputReader {
    let type: TensorType
    let count: Int
    let scale: Float
    let zeroPoint: Int32

    init(_ tensor: TensorInfo) {
        type = tensor.type
        count = tensor.elementCount
        scale = tensor.scale.count == 1 ? tensor.scale[0] : 0
        zeroPoint = tensor.zeroPoint.first ?? 0
    }

    /// The output types a classifier can have.
    static let supported: [TensorType] = [.int8, .uint8, .int16, .int32, .float32]

    @inline(__always) func value(_ raw: UnsafeRawBufferPointer, _ i: Int) -> Float {
        switch type {
        case .int8: return Float(raw.load(fromByteOffset: i, as: Int8.self))
        case .uint8: return Float(raw[i])
        case .int16: return Float(raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))
        case .int32: return Float(raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))
        default: return raw.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
        }
    }

    /// The first index of the largest raw value (quantized values compare as integers, as
    /// TFLM's examples compare the int8 bytes; a NaN never wins).
    @inline(__always) func argmax(_ raw: UnsafeRawBufferPointer) -> Int {
        var best = 0
        var bestValue = -Float.infinity
        for i in 0..<count {
            let v = value(raw, i)
            if v > bestValue {
                best = i
                bestValue = v
            }
        }
        return best
    }

    /// The values as float: scale × (q − zero point) for a quantized output, the values themselves otherwise.
    @inline(__always) func dequantize(_ raw: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<Float>) {
        let quantized = scale > 0 && type != .float32
        for i in 0..<count {
            let v = value(raw, i)
            out[i] = quantized ? scale * (v - Float(zeroPoint)) : v
        }
    }
}

// MARK: - Workers

/// A small pool over Dispatch's `concurrentPerform`: `body(worker, index)` for every index in
/// `0..<count` on `jobs` threads, indices handed out `chunk` at a time in increasing order.
/// After an error no more work is handed out; the error of the lowest index is rethrown.
enum Workers {
    final class Queue: @unchecked Sendable {
        let lock = NSLock()
        var next = 0
        var failure: (index: Int, error: Error)?
    }

    static func forEach(count: Int, jobs: Int, chunk: Int = 1, _ body: (_ worker: Int, _ index: Int) throws -> Void) throws {
        let queue = Queue()
        let workers = max(1, min(jobs, count))
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                while true {
                    queue.lock.lock()
                    let start = queue.failure == nil ? queue.next : count
                    queue.next = min(count, start + chunk)
                    queue.lock.unlock()
                    if start >= count { return }
                    for index in start..<min(count, start + chunk) {
                        do {
                            try body(worker, index)
                        } catch {
                            queue.lock.lock()
                            if queue.failure.map({ index < $0.index }) ?? true { queue.failure = (index, error) }
                            queue.lock.unlock()
                            return
                        }
                    }
                }
            }
        }
        if let failure = queue.failure { throw failure.error }
    }

    /// `transform` of every index, in order, computed on `jobs` threads.
    static func map<T>(count: Int, jobs: Int, _ transform: (Int) throws -> T) throws -> [T] {
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        try forEach(count: count, jobs: jobs) { _, i in results[i] = try transform(i) }
        return results.map { $0! }
    }
}

/// A progress line on stderr (`[2/12] model.tflite 45%`), only on a terminal and without
/// --quiet; safe to advance from several workers.
final class ProgressMeter: @unchecked Sendable {
    private let console: Console
    private let quiet: Bool
    private let lock = NSLock()
    private var label = ""
    private var total = 0
    private var done = 0
    private var shownPercent = -1

    init(console: Console, quiet: Bool) {
        self.console = console
        self.quiet = quiet
    }

    var active: Bool { console.stderrIsTerminal && !quiet }

    func start(_ label: String, total: Int) {
        lock.lock()
        self.label = label
        self.total = total
        done = 0
        shownPercent = -1
        lock.unlock()
        console.progress(label, quiet: quiet)
    }

    func advance() {
        guard active else { return }
        lock.lock()
        done += 1
        let percent = total > 0 ? done * 100 / total : 100
        if percent != shownPercent {
            shownPercent = percent
            let width = 20
            let filled = percent * width / 100
            console.progress("\(label) [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(percent)%",
                             quiet: quiet)
        }
        lock.unlock()
    }

    func finish() { console.endProgress(quiet: quiet) }
}

// MARK: - Names in tables

enum ModelNames {
    /// Each model's file name without its extension when those are distinct, else the paths.
    static func short(_ paths: [String]) -> [String] {
        let names = paths.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
        return Set(names).count == names.count ? names : paths
    }

    /// How the stored samples became each model's input: `inputs: NOTE` when the same for
    /// every model, else one line per way, naming its models. `asIs` stands for a nil note.
    static func conversionLines(_ names: [String], _ notes: [String?], asIs: String) -> [String] {
        var order: [String] = []
        var members: [String: [String]] = [:]
        for (name, note) in zip(names, notes) {
            let text = note ?? asIs
            if members[text] == nil { order.append(text) }
            members[text, default: []].append(name)
        }
        if order.count == 1 { return ["inputs: " + order[0]] }
        return order.map { "inputs of \(members[$0]!.joined(separator: ", ")): \($0)" }
    }
}

// MARK: - Metrics

/// Top-1 accuracy, per-class recall and the confusion matrix (rows: label, columns: prediction).
struct ClassificationMetrics {
    let classes: Int
    let confusion: [[Int]]
    let correct: Int
    let samples: Int

    init(predictions: [Int32], labels: [Int], classes: Int) {
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        var correct = 0
        for (prediction, label) in zip(predictions, labels) where label >= 0 && label < classes && Int(prediction) < classes {
            confusion[label][Int(prediction)] += 1
            if Int(prediction) == label { correct += 1 }
        }
        self.classes = classes
        self.confusion = confusion
        self.correct = correct
        samples = predictions.count
    }

    var accuracy: Double { samples > 0 ? Double(correct) / Double(samples) : 0 }

    /// Per class: its samples, how many were predicted right, and the recall (nil without samples).
    var perClass: [(samples: Int, correct: Int, recall: Double?)] {
        (0..<classes).map { c in
            let n = confusion[c].reduce(0, +)
            return (n, confusion[c][c], n > 0 ? Double(confusion[c][c]) / Double(n) : nil)
        }
    }
}

/// How another model's results compare with the reference's on the same samples, as
/// `stm32ai validate` compares a quantized model with its float original: top-1 agreement,
/// and over every output value of every sample (dequantized), the mean absolute error, the
/// root mean square error and the cosine similarity of the two flattened outputs.
struct OutputComparison {
    let agreeing: Int
    let samples: Int
    let meanAbsoluteError: Double
    let rootMeanSquareError: Double
    /// nil when either output is all zeros.
    let cosineSimilarity: Double?

    init(reference: ModelEvaluation, other: ModelEvaluation) {
        samples = reference.samples
        agreeing = zip(reference.predictions, other.predictions).filter { $0 == $1 }.count
        var absolute = 0.0, squared = 0.0, dot = 0.0, normA = 0.0, normB = 0.0
        for (a, b) in zip(reference.outputs, other.outputs) {
            let x = Double(a), y = Double(b)
            absolute += abs(x - y)
            squared += (x - y) * (x - y)
            dot += x * y
            normA += x * x
            normB += y * y
        }
        let n = Double(max(reference.outputs.count, 1))
        meanAbsoluteError = absolute / n
        rootMeanSquareError = (squared / n).squareRoot()
        cosineSimilarity = normA > 0 && normB > 0 ? dot / (normA.squareRoot() * normB.squareRoot()) : nil
    }

    var agreement: Double { samples > 0 ? Double(agreeing) / Double(samples) : 0 }
}
