import Foundation
import TestSupport
import XCTest
@testable import Interpreter
@testable import MCUSim

/// `mcusim eval`: predictions equal TFLM's on the seed study's oracle subsets (every INT8
/// model, raw outputs included, and every FP32 model against TFLM's full-set predictions),
/// metrics hand-checked on a tiny case, data-set errors naming the sample.
final class EvalTests: XCTestCase {
    var root: URL { SharedReference.packageRoot }
    var fixtures: URL { root.appendingPathComponent("Tests/Fixtures/seed-study") }
    var study: URL { root.appendingPathComponent("Examples/seed-study") }

    func npy(_ url: URL) throws -> NpyArray { try Npy.read(contentsOf: url) }

    func int32s(_ array: NpyArray) -> [Int32] {
        array.bytes.withUnsafeBytes { raw in (0..<array.elementCount).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self) } }
    }

    func manifest() throws -> [String: Any] { try SharedReference.json(fixtures.appendingPathComponent("manifest.json")) }

    /// The first `count` samples of an array (its leading rows).
    func head(_ array: NpyArray, _ count: Int) -> NpyArray {
        let rowBytes = array.bytes.count / array.shape[0]
        return NpyArray(type: array.type, shape: [count] + array.shape.dropFirst(), bytes: Array(array.bytes.prefix(count * rowBytes)))
    }

    func write(_ array: NpyArray, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Npy.write(array, to: url)
        return url.path
    }

    func evaluate(_ model: String, inputs: String, labels: String, scale: ValueScale? = nil, jobs: Int = 2) throws -> EvaluatedModel {
        var options = DatasetOptions()
        options.inputs = inputs
        options.labels = labels
        options.scale = scale
        let dataset = try XCTUnwrap(try Dataset.load(options))
        let evaluator = DatasetEvaluator(dataset: dataset, variant: .cmsisNN, jobs: jobs, hostArenaLimit: 64 << 20, progress: nil)
        return try evaluator.evaluate(path: model, model: try MCUSimCLI.loadModel(model))
    }

    // MARK: Against TFLM

    /// Every INT8 model of the study on its network's 64-sample subset, float32 inputs
    /// quantized by eval: TFLM's argmax for every sample, TFLM's raw output bytes (compared
    /// dequantized), and the manifest's count of right answers.
    func testINT8PredictionsAndOutputsEqualTFLMsOnTheSubsets() throws {
        let manifest = try manifest()
        var checked = 0
        for network in ["mnist_cnn", "har_fc"] {
            let entry = try XCTUnwrap(manifest[network] as? [String: Any])
            let x = fixtures.appendingPathComponent(try XCTUnwrap(entry["x"] as? String)).path
            let y = fixtures.appendingPathComponent(try XCTUnwrap(entry["y"] as? String)).path
            for model in try XCTUnwrap(entry["models"] as? [[String: Any]]) {
                let path = root.appendingPathComponent(try XCTUnwrap(model["model"] as? String)).path
                let argmax = int32s(try npy(fixtures.appendingPathComponent(try XCTUnwrap(model["argmax"] as? String))))
                let raw = try npy(fixtures.appendingPathComponent(try XCTUnwrap(model["output"] as? String)))
                let result = try evaluate(path, inputs: x, labels: y)
                XCTAssertEqual(result.run.predictions, argmax, path)
                XCTAssertEqual(result.metrics.correct, model["correct"] as? Int, path)
                // The output tensor's scale and zero point, from the model.
                let interpreter = try MicroInterpreter(model: try MCUSimCLI.loadModel(path))
                let out = interpreter.outputTensor(0)
                let expected = raw.bytes.map { out.scale[0] * (Float(Int8(bitPattern: $0)) - Float(out.zeroPoint[0])) }
                XCTAssertEqual(result.run.outputs, expected, "\(path): raw outputs")
                checked += 1
            }
        }
        XCTAssertEqual(checked, 12)
    }

    /// The INT8 subsets as stored int8 (used as they are) give the same predictions.
    func testInt8InputsAreUsedAsTheyAre() throws {
        let entry = try XCTUnwrap(try manifest()["har_fc"] as? [String: Any])
        let model = root.appendingPathComponent("Examples/seed-study/models/har_fc_p50_int8.tflite").path
        let result = try evaluate(model, inputs: fixtures.appendingPathComponent(try XCTUnwrap(entry["x_int8"] as? String)).path,
                                  labels: fixtures.appendingPathComponent("har_fc_y.npy").path)
        XCTAssertNil(result.conversion)
        XCTAssertEqual(result.run.predictions, int32s(try npy(fixtures.appendingPathComponent("har_fc_p50_int8.argmax.npy"))))
    }

    /// Every FP32 model on the subsets: TFLM's predictions (the study's full-set predictions
    /// at the subset's rows). TFLM's FP32 predictions equal Keras's on every sample (NOTES.md),
    /// so these accuracies are TensorFlow's.
    func testFP32PredictionsEqualTFLMsOnTheSubsets() throws {
        let manifest = try manifest()
        for network in ["mnist_cnn", "har_fc"] {
            let entry = try XCTUnwrap(manifest[network] as? [String: Any])
            let rows = try XCTUnwrap(entry["eval_indices"] as? [Int])
            for variant in ["fp32", "p20_fp32", "p40_fp32", "p50_fp32", "p60_fp32", "p70_fp32"] {
                let name = "\(network)_\(variant)"
                let full = int32s(try npy(study.appendingPathComponent("predictions/\(name).npy")))
                let result = try evaluate(study.appendingPathComponent("models/\(name).tflite").path,
                                          inputs: fixtures.appendingPathComponent("\(network)_x.npy").path,
                                          labels: fixtures.appendingPathComponent("\(network)_y.npy").path)
                XCTAssertEqual(result.run.predictions, rows.map { full[$0] }, name)
            }
        }
    }

    /// The study's data as stored (MNIST uint8 pixels with --scale 1/255, HAR float16): the
    /// first 48 rows are the subsets' first 48 samples, so TFLM's argmax holds for them.
    func testStoredEncodingsWithScaleGiveTFLMsPredictions() throws {
        let dir = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [(String, String, String, ValueScale?)] = [
            ("mnist_cnn_p60_int8", "mnist_test_x", "mnist_test_y", ValueScale(operation: .divide, operand: 255, text: "1/255")),
            ("har_fc_p20_int8", "har_test_x", "har_test_y", nil),
        ]
        for (model, x, y, scale) in cases {
            let inputs = try write(head(try npy(study.appendingPathComponent("data/\(x).npy")), 48), "\(x).npy", in: dir)
            let labels = try write(head(try npy(study.appendingPathComponent("data/\(y).npy")), 48), "\(y).npy", in: dir)
            let result = try evaluate(study.appendingPathComponent("models/\(model).tflite").path, inputs: inputs, labels: labels, scale: scale)
            let tflm = int32s(try npy(fixtures.appendingPathComponent("\(model).argmax.npy")))
            XCTAssertEqual(result.run.predictions, Array(tflm.prefix(48)), model)
            XCTAssertTrue(result.conversion?.contains(scale == nil ? "float16 values quantized to int8" : "uint8 values divided by 255 in float32, quantized to int8")
                          ?? false, result.conversion ?? "nil")
        }
    }

    /// The bundled example (`Examples/models/mnist_cnn_int8.tflite`, the study's INT8 MNIST
    /// model) on all 1,000 committed held-out digits, stored as uint8 pixels and divided by 255:
    /// 965 right, the figure TFLM's Python interpreter gives on the same samples
    /// (tflite-micro 0.dev20261023182759 from /work/venv-ref, pixels / 255 in float32 quantized
    /// with the input's scale and zero point, round half away from zero; computed 2026-12-02),
    /// and every prediction equal to TFLM's (`predictions/mnist_cnn_int8.npy`), also as the CLI
    /// counts them through --reference-predictions.
    func testBundledMNISTExampleAccuracyEqualsTFLMs() throws {
        let model = root.appendingPathComponent("Examples/models/mnist_cnn_int8.tflite").path
        let inputs = study.appendingPathComponent("data/mnist_test_x.npy").path
        let labels = study.appendingPathComponent("data/mnist_test_y.npy").path
        let tflm = study.appendingPathComponent("predictions/mnist_cnn_int8.npy").path
        let result = runCLI(["eval", model, "--inputs", inputs, "--labels", labels, "--scale", "1/255", "--reference-predictions", tflm,
                             "--quiet", "--json"])
        XCTAssertEqual(result.code, 0, result.err)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        XCTAssertEqual(json["samples"] as? Int, 1000)
        XCTAssertEqual(json["correct"] as? Int, 965, "TFLM's Python interpreter: 965 of 1,000")
        XCTAssertEqual(json["accuracy"] as? Double, 0.965)
        let reference = try XCTUnwrap(json["reference_predictions"] as? [String: Any])
        XCTAssertEqual(reference["same"] as? Int, 1000, "every prediction equals TFLM's")
        let confusion = try XCTUnwrap(json["confusion"] as? [[Int]])
        XCTAssertEqual(confusion.map { $0.reduce(0, +) }.reduce(0, +), 1000)
        XCTAssertEqual(confusion.indices.map { confusion[$0][$0] }.reduce(0, +), 965, "the diagonal holds the right answers")
    }

    /// A stateful model (SignalDelay, 25 samples, on an int16 [2, 40] input) sees each sample
    /// from its reset state: the delayed 100 at input position 0 is the largest output (index
    /// 25) for every sample. Carried over, the previous sample's 1,000 at position 30 would come
    /// out at index 15 from the second sample on.
    func testStatefulModelsStartEverySampleFromTheResetState() throws {
        let dir = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var row = [Int16](repeating: 0, count: 80)
        row[0] = 100
        row[30] = 1000
        let samples = 5
        let bytes = (0..<samples).flatMap { _ in row.flatMap { withUnsafeBytes(of: $0.littleEndian) { Array($0) } } }
        let inputs = try write(NpyArray(type: .int16, shape: [samples, 2, 40], bytes: bytes), "x.npy", in: dir)
        let labels = try write(NpyArray(type: .int32, shape: [samples], bytes: (0..<samples).flatMap { _ in withUnsafeBytes(of: Int32(25).littleEndian) { Array($0) } }),
                               "y.npy", in: dir)
        for jobs in [1, 2] {
            let result = try evaluate(SharedReference.fixturesDirectory.appendingPathComponent("sig_delay_int16.tflite").path,
                                      inputs: inputs, labels: labels, jobs: jobs)
            XCTAssertEqual(result.run.predictions, [Int32](repeating: 25, count: samples), "jobs \(jobs)")
        }
    }

    /// The same data set through the CLI: JSON fields, --predictions written as int32, and
    /// the figures independent of --jobs (only the speed may change).
    func testCLIJSONAndPredictionsDoNotDependOnJobs() throws {
        let dir = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = study.appendingPathComponent("models/har_fc_int8.tflite").path
        let other = study.appendingPathComponent("models/har_fc_p70_int8.tflite").path
        var outputs: [[String: Any]] = []
        for jobs in ["1", "3"] {
            let predictions = dir.appendingPathComponent("p\(jobs).npy")
            let result = runCLI(["eval", model, "--compare", other, "--inputs", fixtures.appendingPathComponent("har_fc_x.npy").path,
                                 "--labels", fixtures.appendingPathComponent("har_fc_y.npy").path, "--jobs", jobs,
                                 "--predictions", predictions.path, "--json"])
            XCTAssertEqual(result.code, 0, result.err)
            var json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
            XCTAssertEqual(json["samples"] as? Int, 64)
            XCTAssertEqual(json["correct"] as? Int, 51, "the manifest's count for har_fc_int8")
            XCTAssertEqual((json["per_class"] as? [[String: Any]])?.count, 6)
            XCTAssertEqual((json["confusion"] as? [[Int]])?.count, 6)
            XCTAssertGreaterThan(json["inferences_per_second"] as? Double ?? 0, 0)
            let compare = try XCTUnwrap((json["compare"] as? [[String: Any]])?.first)
            for key in ["accuracy", "accuracy_delta", "agreement", "mean_absolute_error", "rmse", "cosine_similarity", "confusion", "per_class"] {
                XCTAssertNotNil(compare[key], key)
            }
            XCTAssertEqual(compare["correct"] as? Int, 52)
            let written = try npy(predictions)
            XCTAssertEqual(written.type, .int32)
            XCTAssertEqual(int32s(written), int32s(try npy(fixtures.appendingPathComponent("har_fc_int8.argmax.npy"))))
            // Everything but the speed.
            json["inferences_per_second"] = nil
            json["jobs"] = nil
            var c = compare
            c["inferences_per_second"] = nil
            c["jobs"] = nil
            json["compare"] = [c]
            outputs.append(json)
        }
        XCTAssertEqual(NSDictionary(dictionary: outputs[0]), NSDictionary(dictionary: outputs[1]))
    }

    // MARK: Metrics by hand

    /// RELU and RELU6 (the fixtures' one-op float32 models, 24 outputs that equal the
    /// inputs where those are in [0, 6]) on six hand-made samples.
    func testConfusionRecallAgreementAndErrorsByHand() throws {
        let dir = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Sample s: the nonzero elements (index: value); every other element is 0.
        let samples: [[Int: Float]] = [[0: 8], [1: 2], [1: -3, 2: 1], [2: 7], [0: 1], [0: 6.2, 3: 6.5]]
        var values = [Float](repeating: 0, count: 6 * 24)
        for (s, nonzero) in samples.enumerated() { for (i, v) in nonzero { values[s * 24 + i] = v } }
        let x = NpyArray(type: .float32, shape: [6, 1, 2, 3, 4], bytes: values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
        let labels: [Int64] = [0, 1, 2, 2, 1, 3]
        let y = NpyArray(type: .int64, shape: [6], bytes: labels.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) })
        let inputs = try write(x, "x.npy", in: dir), labelFile = try write(y, "y.npy", in: dir)
        let relu = try evaluate(SharedReference.fixturesDirectory.appendingPathComponent("op_relu_f32.tflite").path, inputs: inputs, labels: labelFile)
        let relu6 = try evaluate(SharedReference.fixturesDirectory.appendingPathComponent("op_relu6_f32.tflite").path, inputs: inputs, labels: labelFile)

        // RELU: the largest input wins; the negative -3 is cut to 0.
        XCTAssertEqual(relu.run.predictions, [0, 1, 2, 2, 0, 3])
        // RELU6: 6.2 and 6.5 both become 6; the first index of the largest wins.
        XCTAssertEqual(relu6.run.predictions, [0, 1, 2, 2, 0, 0])
        let m = relu.metrics
        XCTAssertEqual(m.correct, 5)
        XCTAssertEqual(m.accuracy, 5.0 / 6.0)
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: 24), count: 24)
        confusion[0][0] = 1; confusion[1][1] = 1; confusion[2][2] = 2; confusion[1][0] = 1; confusion[3][3] = 1
        XCTAssertEqual(m.confusion, confusion)
        XCTAssertEqual(m.perClass[0].recall, 1)
        XCTAssertEqual(m.perClass[1].recall, 0.5)
        XCTAssertEqual(m.perClass[1].samples, 2)
        XCTAssertEqual(m.perClass[2].recall, 1)
        XCTAssertEqual(m.perClass[3].recall, 1)
        XCTAssertNil(m.perClass[4].recall, "no samples of class 4")
        XCTAssertEqual(relu6.metrics.correct, 4)

        let c = OutputComparison(reference: relu.run, other: relu6.run)
        XCTAssertEqual(c.agreeing, 5)
        // Differences: 8 − 6, 7 − 6, 6.2 − 6 and 6.5 − 6, over 6 × 24 values.
        XCTAssertEqual(c.meanAbsoluteError, (2 + 1 + 0.2 + 0.5) / 144, accuracy: 1e-6)
        XCTAssertEqual(c.rootMeanSquareError, (5.29 / 144).squareRoot(), accuracy: 1e-6)
        // a·b = 48 + 4 + 1 + 42 + 1 + 6.2·6 + 6.5·6; |a|² = 64 + 4 + 1 + 49 + 1 + 6.2² + 6.5²; |b|² = 36 + 4 + 1 + 36 + 1 + 36 + 36.
        XCTAssertEqual(try XCTUnwrap(c.cosineSimilarity), 172.2 / (199.69 * 150).squareRoot(), accuracy: 1e-6)
    }

    // MARK: Input files

    /// A deflated .npz (written with our own compressor) and a stored one give the .npy's results.
    func testNpzDataSets() throws {
        let dir = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let xBytes = [UInt8](try Data(contentsOf: fixtures.appendingPathComponent("har_fc_x.npy")))
        let yBytes = [UInt8](try Data(contentsOf: fixtures.appendingPathComponent("har_fc_y.npy")))
        let x = dir.appendingPathComponent("x.npz"), y = dir.appendingPathComponent("y.npz")
        try Self.deflatedZip(name: "x.npy", xBytes).write(to: x)
        try InputFileTests.storedZip([("y.npy", yBytes)]).write(to: y)
        let result = try evaluate(study.appendingPathComponent("models/har_fc_p40_int8.tflite").path, inputs: x.path, labels: y.path)
        XCTAssertEqual(result.run.predictions, int32s(try npy(fixtures.appendingPathComponent("har_fc_p40_int8.argmax.npy"))))
    }

    /// A one-member zip archive, deflated by `Deflate` (numpy.savez_compressed's layout, no zip64).
    static func deflatedZip(name: String, _ data: [UInt8]) -> Data {
        let compressed = Deflate.compress(data)
        func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { u16(v & 0xFFFF) + u16(v >> 16 & 0xFFFF) }
        let crc = Int(CRC32.checksum(data)), nameBytes = Array(name.utf8)
        var out = u32(0x0403_4B50) + u16(20) + u16(0) + u16(8) + u16(0) + u16(0x21) + u32(crc) + u32(compressed.count) + u32(data.count)
            + u16(nameBytes.count) + u16(0) + nameBytes + compressed
        let directory = u32(0x0201_4B50) + u16(20) + u16(20) + u16(0) + u16(8) + u16(0) + u16(0x21) + u32(crc) + u32(compressed.count)
            + u32(data.count) + u16(nameBytes.count) + u16(0) + u16(0) + u16(0) + u16(0) + u32(0) + u32(0) + nameBytes
        let start = out.count
        out += directory + u32(0x0605_4B50) + u16(0) + u16(0) + u16(1) + u16(1) + u32(directory.count) + u32(start) + u16(0)
        return Data(out)
    }

    /// Errors are one line, exit 2, and name the sample (or the shape every sample has).
    func testDataSetErrorsNameTheSample() throws {
        let dir = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = study.appendingPathComponent("models/har_fc_int8.tflite").path
        let x = try npy(fixtures.appendingPathComponent("har_fc_x.npy"))
        let y = try npy(fixtures.appendingPathComponent("har_fc_y.npy"))
        let goodX = fixtures.appendingPathComponent("har_fc_x.npy").path, goodY = fixtures.appendingPathComponent("har_fc_y.npy").path
        func eval(_ inputs: String, _ labels: String, _ extra: [String] = []) -> CLIResult {
            runCLI(["eval", model, "--inputs", inputs, "--labels", labels] + extra)
        }
        func expect(_ result: CLIResult, _ text: String, code: Int32 = 2, line: UInt = #line) {
            XCTAssertEqual(result.code, code, result.err, line: line)
            XCTAssertTrue(result.err.contains(text), result.err, line: line)
            XCTAssertEqual(result.err.split(separator: "\n").count, 1, result.err, line: line)
            XCTAssertEqual(result.out, "", line: line)
        }

        // A label past the model's six classes, in sample 3.
        var labels = int32s(y)
        labels[3] = 7
        let badY = try write(NpyArray(type: .int32, shape: [64], bytes: labels.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }), "bad_y.npy", in: dir)
        expect(eval(goodX, badY), "sample 3: label 7 is not a class of \(model), which has 6 outputs (0-5)")

        // NaN in sample 2, element 5: cannot be quantized.
        var bytes = x.bytes
        withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { nan in for b in 0..<4 { bytes[(2 * 561 + 5) * 4 + b] = nan[b] } }
        let nanX = try write(NpyArray(type: .float32, shape: x.shape, bytes: bytes), "nan.npy", in: dir)
        expect(eval(nanX, goodY), "sample 2, element 5 is NaN and cannot be quantized")

        // Samples of 560 features for a 561-feature input.
        let short = NpyArray(type: .float32, shape: [64, 560], bytes: Array(x.bytes.prefix(64 * 560 * 4)))
        expect(eval(try write(short, "short.npy", in: dir), goodY), "sample 0 has shape [560] (the array is [64, 560], samples along the first axis), which does not match the model input (int8 [1, 561])")

        // One sample given without its sample axis: 561 samples of no shape.
        let one = NpyArray(type: .float32, shape: [561], bytes: Array(x.bytes.prefix(561 * 4)))
        let zeros = NpyArray(type: .int32, shape: [561], bytes: [UInt8](repeating: 0, count: 561 * 4))
        expect(eval(try write(one, "one.npy", in: dir), try write(zeros, "y561.npy", in: dir)), "sample 0 has shape []")

        // Integers for a quantized input of another type, without --scale.
        let pixels = NpyArray(type: .uint8, shape: [64, 561], bytes: [UInt8](repeating: 3, count: 64 * 561))
        expect(eval(try write(pixels, "u8.npy", in: dir), goodY), "dtype uint8 does not match the model input (int8 [1, 561]); to use uint8 values as numbers to scale (e.g. pixels), give --scale")

        // Fewer labels than samples; float labels.
        expect(eval(goodX, try write(head(y, 10), "ten.npy", in: dir)), "holds 10 labels for 64 samples")
        let floatY = NpyArray(type: .float32, shape: [64], bytes: [UInt8](repeating: 0, count: 256))
        expect(eval(goodX, try write(floatY, "fy.npy", in: dir)), "labels must be integer class ids")

        // Options: both files, and --scale only with them.
        expect(runCLI(["eval", model, "--inputs", goodX]), "eval needs --inputs X.npy and --labels Y.npy")
        expect(runCLI(["eval", model, "--inputs", goodX, "--labels", goodY, "--scale", "0"]), "--scale expects 1/D")
        expect(runCLI(["fit", model, "--scale", "1/255"]), "fit: --scale needs --inputs")

        // A variant to compare that takes other samples: refused, naming the shape.
        let mnist = study.appendingPathComponent("models/mnist_cnn_int8.tflite").path
        expect(eval(goodX, goodY, ["--compare", mnist]), "sample 0 has shape [561]")
    }

    func testHalfPrecisionValues() {
        XCTAssertEqual(InputFiles.halfToFloat(0x3C00), 1)
        XCTAssertEqual(InputFiles.halfToFloat(0xC000), -2)
        XCTAssertEqual(InputFiles.halfToFloat(0x7BFF), 65504)
        XCTAssertEqual(InputFiles.halfToFloat(0x0001), 0x1p-24, "the smallest subnormal")
        XCTAssertEqual(InputFiles.halfToFloat(0x83FF), -Float(0x3FF) * 0x1p-24, "the largest negative subnormal")
        XCTAssertEqual(InputFiles.halfToFloat(0x7C00), .infinity)
        XCTAssertTrue(InputFiles.halfToFloat(0x7E00).isNaN)
        XCTAssertEqual(InputFiles.halfToFloat(0x8000).sign, .minus)
    }

    func testScaleOptionParses() throws {
        XCTAssertEqual(try ValueParser.valueScale.parse("1/255", "--scale").apply(255), 1)
        XCTAssertEqual(try ValueParser.valueScale.parse("1/255", "--scale").apply(1), Float(1) / Float(255))
        XCTAssertEqual(try ValueParser.valueScale.parse("0.5", "--scale").apply(3), 1.5)
        for bad in ["", "1/0", "x", "inf", "2/3/4"] { XCTAssertThrowsError(try ValueParser.valueScale.parse(bad, "--scale"), bad) }
    }
}
