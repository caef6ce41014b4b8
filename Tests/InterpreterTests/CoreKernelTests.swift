import Foundation
import TestSupport
import XCTest
@testable import Interpreter

/// The Core group's kernels (FULLY_CONNECTED, AVERAGE_POOL_2D, MAX_POOL_2D, ADD,
/// RESHAPE, SOFTMAX) and shared helpers (FixedPoint, Broadcast): bit-exact against
/// TFLM's golden outputs, persistent allocations against TFLM's recorded arena, and
/// hand-computed cases for the arithmetic that is easy to get wrong.
final class CoreKernelTests: XCTestCase {
    static let coreOps: Set<String> = ["FULLY_CONNECTED", "AVERAGE_POOL_2D", "MAX_POOL_2D", "ADD", "RESHAPE", "SOFTMAX"]

    // MARK: Goldens

    private struct GoldenCase {
        let name: String
        let modelDirectory: URL
        let goldenDirectory: URL
        let ops: [String]
        /// TFLM's "Persistent buffer data": requested bytes and allocation count (64-bit host).
        let persistentRequested: Int?
        let persistentCount: Int?
        let inputCount: Int
        let outputCount: Int
    }

    /// Zoo, real-model and project-fixture goldens whose operators are all registered
    /// and include at least one Core operator.
    private func runnableGoldens() throws -> [GoldenCase] {
        var result: [GoldenCase] = []
        for (goldenDirectory, modelDirectory) in [(SharedReference.zooDirectory, SharedReference.zooDirectory),
                                                  (SharedReference.modelsGoldenDirectory, SharedReference.modelsDirectory)] {
            for (name, entry, directory) in try SharedReference.goldenModels(in: goldenDirectory, modelDirectory: modelDirectory) {
                let ops = (entry["ops"] as? [[String: Any]] ?? []).compactMap { $0["op"] as? String }
                let tflm = entry["tflm"] as? [String: Any] ?? [:]
                guard tflm["status"] as? String == "ok", !ops.isEmpty, ops.allSatisfy(KernelRunner.isRegistered),
                      ops.contains(where: Self.coreOps.contains) else { continue }
                let breakdown = (tflm["arena_breakdown"] as? [[String: Any]] ?? []).first { $0["what"] as? String == "Persistent buffer data" }
                result.append(GoldenCase(name: name, modelDirectory: directory, goldenDirectory: goldenDirectory, ops: ops,
                                         persistentRequested: breakdown?["requested"] as? Int, persistentCount: breakdown?["count"] as? Int,
                                         inputCount: (entry["inputs"] as? [Any])?.count ?? 0,
                                         outputCount: (entry["outputs"] as? [Any])?.count ?? 0))
            }
        }
        return result
    }

    private func runnableFixtures() throws -> [GoldenCase] {
        let index = SharedReference.fixturesDirectory.appendingPathComponent("fixtures.json")
        guard FileManager.default.fileExists(atPath: index.path) else {
            throw XCTSkip("Tests/Fixtures/models/fixtures.json is absent")
        }
        let fixtures = try SharedReference.json(index)["fixtures"] as? [String: [String: Any]] ?? [:]
        var result: [GoldenCase] = []
        for name in fixtures.keys.sorted() {
            guard let entry = fixtures[name], let file = entry["file"] as? String else { continue }
            let ops = (entry["ops"] as? [[String: Any]] ?? []).compactMap { $0["op"] as? String }
            guard !ops.isEmpty, ops.allSatisfy(KernelRunner.isRegistered), ops.contains(where: Self.coreOps.contains) else { continue }
            let persistent = ((entry["tflm"] as? [String: Any])?["persistent"] as? [String: Any])?["Persistent buffer data"] as? [Int]
            result.append(GoldenCase(name: String(file.dropLast(".tflite".count)), modelDirectory: SharedReference.fixturesDirectory,
                                     goldenDirectory: SharedReference.fixturesDirectory, ops: ops,
                                     persistentRequested: persistent.map { $0[1] }, persistentCount: persistent.map { $0[2] },
                                     inputCount: (entry["inputs"] as? [Any])?.count ?? 0,
                                     outputCount: (entry["outputs"] as? [Any])?.count ?? 0))
        }
        return result
    }

    private func assertBitExact(_ cases: [GoldenCase], label: String) throws {
        var exact = 0
        var refused: [String] = []
        for c in cases {
            for variant in KernelVariant.allCases {
                let outcome: GoldenHarness.Outcome
                do {
                    outcome = try GoldenHarness.run(name: c.name, modelDirectory: c.modelDirectory, goldenDirectory: c.goldenDirectory,
                                                    variant: variant)
                } catch let error as UnsupportedOperatorError where variant == .cmsisNN && error.reason.contains("CMSIS-NN") {
                    // TFLM's CMSIS-NN build refuses what its reference build runs (e.g. per-channel int16 FC).
                    refused.append("\(c.name): \(error.reason)")
                    continue
                }
                for m in outcome.mismatches {
                    XCTFail("\(c.name) [\(variant.rawValue)]: output \(m.output) differs from TFLM in \(m.differingBytes) of \(m.total) bytes")
                }
                if outcome.bitExact { exact += 1 }
            }
        }
        print("\(label): \(exact) of \(cases.count * 2) model runs bit-exact (\(cases.count) models x 2 variants)"
              + (refused.isEmpty ? "" : "; refused by the CMSIS-NN build as TFLM's is: \(refused.joined(separator: "; "))"))
    }

    func testGoldenModelsAreBitExactInBothVariants() throws {
        try SharedReference.require()
        let cases = try runnableGoldens()
        // The models that need only Core operators must always be among them.
        for required in ["op_fc_relu", "op_fc_none_per_tensor", "op_add", "op_add_broadcast", "op_add_relu",
                         "op_avgpool_2x2_valid", "op_avgpool_3x3_s1_same", "op_maxpool_2x2_valid", "op_maxpool_3x3_s2_same",
                         "op_reshape", "op_softmax", "op_softmax_3d", "har_fc_int8", "har_fc_f32",
                         "tflm_hello_world_int8", "mlperf_ad_autoencoder_int8", "mlperf_ad_autoencoder_fp32"] {
            XCTAssertTrue(cases.contains { $0.name == required }, "\(required) should run with the Core kernels")
        }
        try assertBitExact(cases, label: "TFLM goldens (zoo and real models)")
    }

    func testProjectFixturesAreBitExactInBothVariants() throws {
        let cases = try runnableFixtures()
        XCTAssertFalse(cases.isEmpty, "no project fixture uses the Core operators")
        try assertBitExact(cases, label: "Project fixtures")
    }

    /// Each operator's AllocatePersistentBuffer calls, as TFLM recorded them: for a
    /// model of Core operators only, TFLM's "Persistent buffer data" is the kernels'
    /// requests plus the interpreter's two arrays of input and output tensor pointers
    /// (8 bytes per tensor on the 64-bit host).
    func testPersistentRequestsMatchTFLMRecords() throws {
        var cases: [GoldenCase] = []
        if (try? SharedReference.require()) != nil { cases += try runnableGoldens() }
        cases += (try? runnableFixtures()) ?? []
        var checked = 0
        for c in cases where c.ops.allSatisfy(Self.coreOps.contains) {
            guard let requested = c.persistentRequested, let count = c.persistentCount else { continue }
            let model = try Model(contentsOf: c.modelDirectory.appendingPathComponent("\(c.name).tflite"))
            let contexts = try Self.prepareAll(model, variant: .reference)
            let allocations = contexts.flatMap(\.persistent)
            let kernelBytes = allocations.reduce(0) { $0 + $1.bytes64 }
            XCTAssertEqual(kernelBytes + 8 * (c.inputCount + c.outputCount), requested, "\(c.name): persistent bytes")
            XCTAssertEqual(allocations.count + 2, count, "\(c.name): persistent allocation count")
            XCTAssertEqual(contexts.flatMap(\.scratchRequests), [], "\(c.name): the reference kernels request no scratch")
            checked += 1
        }
        if checked == 0 { throw XCTSkip("no golden records for Core-only models (../shared and fixtures absent)") }
    }

    /// Prepares every operator of `model` as the interpreter does, keeping the contexts.
    static func prepareAll(_ model: Model, variant: KernelVariant) throws -> [PrepareContext] {
        let tensors = try MicroInterpreter(model: model, options: InterpreterOptions(variant: variant)).tensors
        var contexts: [PrepareContext] = []
        for (index, op) in model.subgraphs[0].operators.enumerated() {
            let code = model.operatorCodes[Int(op.opcodeIndex)]
            let context = PrepareContext(
                operatorIndex: index, op: code.kind, opVersion: Int(code.version), options: op.builtinOptions,
                variant: variant, customOptions: op.customOptions.map { model.bytes[$0] },
                inputs: op.inputs.map(Int.init), outputs: op.outputs.map(Int.init),
                intermediates: op.intermediates.map(Int.init), tensors: tensors)
            let kernel = try XCTUnwrap((try? KernelRunner.kernel(code.name)))
            try kernel.prepare(context)
            contexts.append(context)
        }
        return contexts
    }

    /// The CMSIS-NN build's dispatch and requests for the zoo models: struct sizes from
    /// cmsis_nn/*.cc, scratch from CMSIS-NN's *_get_buffer_size on a DSP core.
    func testCMSISNNDispatchAndRequests() throws {
        try SharedReference.require()
        func prepared(_ name: String) throws -> [PrepareContext] {
            try Self.prepareAll(Model(contentsOf: SharedReference.zooDirectory.appendingPathComponent("\(name).tflite")), variant: .cmsisNN)
        }
        // Per-channel FC 32 -> 16: OpData (72 bytes on 32-bit) + two 16-entry int32 arrays; no scratch.
        let fc = try prepared("op_fc_relu")[0]
        XCTAssertEqual(fc.kernelPath?.name, "arm_fully_connected_per_channel_s8")
        XCTAssertEqual(fc.persistent.map(\.bytes32), [72, 64, 64])
        XCTAssertEqual(fc.scratchRequests, [])
        XCTAssertEqual(fc.matrix?.depth, 32)
        XCTAssertEqual(fc.matrix?.columns, 16)
        let perTensor = try prepared("op_fc_none_per_tensor")[0]
        XCTAssertEqual(perTensor.kernelPath?.name, "arm_fully_connected_s8")
        XCTAssertEqual(perTensor.persistent.map(\.bytes32), [72])
        // Average pool on 4 channels: OpData 36 bytes, scratch of 4 int32 sums.
        let avg = try prepared("op_avgpool_3x3_s1_same")[0]
        XCTAssertEqual(avg.kernelPath?.name, "arm_avgpool_s8")
        XCTAssertEqual(avg.persistent.map(\.bytes32), [36])
        XCTAssertEqual(avg.scratchRequests, [16])
        XCTAssertEqual(avg.convolution?.paddingHeight, 1)
        XCTAssertEqual(avg.convolution?.filterWidth, 3)
        let maxPool = try prepared("op_maxpool_3x3_s2_same")[0]
        XCTAssertEqual(maxPool.kernelPath?.name, "arm_max_pool_s8")
        XCTAssertEqual(maxPool.scratchRequests, [])
        XCTAssertEqual(try prepared("op_add")[0].kernelPath?.name, "arm_elementwise_add_s8")
        XCTAssertEqual(try prepared("op_add_broadcast")[0].kernelPath?.name, "reference")
        let softmax = try prepared("op_softmax")[0]
        XCTAssertEqual(softmax.kernelPath?.name, "arm_softmax_s8")
        XCTAssertEqual(softmax.persistent.map(\.bytes32), [64])
        XCTAssertEqual(softmax.persistent.map(\.bytes64), [88])
    }

    /// cmsis_nn/fully_connected.cc runs an int8 FC with more than 2 output dimensions
    /// and an accumulation depth divisible by 4 as a 1x1 convolution; per-tensor
    /// weights then need a scratch of output_depth multipliers and shifts.
    func testCMSISNNFullyConnectedAsConvolution() throws {
        let none: [String: OptionValue] = ["fused_activation_function": .enumeration("NONE", 0)]
        let input = KernelHarness.Tensor.int8([Int8](repeating: 1, count: 8), shape: [1, 2, 4], scale: 0.5, zeroPoint: 0)
        let output = KernelHarness.Tensor.int8(shape: [1, 2, 3], scale: 1, zeroPoint: 0)
        let perTensor = KernelHarness.Tensor.int8([Int8](repeating: 2, count: 12), shape: [3, 4], scale: 0.25, zeroPoint: 0, constant: true)
        let perChannel = KernelHarness.Tensor.int8([Int8](repeating: 2, count: 12), shape: [3, 4], scales: [0.25, 0.5, 0.125], constant: true)

        let a = try KernelHarness.run("FULLY_CONNECTED", options: none, variant: .cmsisNN, inputs: [input, perTensor], output: output)
        XCTAssertEqual(a.context.kernelPath?.name, "arm_convolve_1x1_s8_fast")
        XCTAssertEqual(a.context.scratchRequests, [3 * 8])
        XCTAssertEqual(a.context.matrix?.rows, 2)
        // 4 * (2 * 1) = 8, times 0.5 * 0.25 / 1 = 1.
        XCTAssertEqual(a.int8, [1, 1, 1, 1, 1, 1])
        let b = try KernelHarness.run("FULLY_CONNECTED", options: none, variant: .cmsisNN, inputs: [input, perChannel], output: output)
        XCTAssertEqual(b.context.kernelPath?.name, "arm_convolve_1x1_s8_fast")
        XCTAssertEqual(b.context.scratchRequests, [])
        XCTAssertEqual(b.context.persistent.map(\.bytes32), [72, 12, 12])
        XCTAssertEqual(b.int8, [1, 2, 1, 1, 2, 1])  // 8 * [0.125, 0.25, 0.0625]: 1, 2, 0.5 -> 1
        // The reference build asks for nothing beyond its operator data and per-channel arrays.
        let c = try KernelHarness.run("FULLY_CONNECTED", options: none, variant: .reference, inputs: [input, perChannel], output: output)
        XCTAssertEqual(c.context.kernelPath?.name, "reference")
        XCTAssertEqual(c.context.scratchRequests, [])
        XCTAssertEqual(c.context.persistent.map(\.bytes32), [48, 12, 12])
        XCTAssertEqual(c.context.persistent.map(\.bytes64), [72, 12, 12])
        XCTAssertEqual(c.int8, b.int8)
    }

    // MARK: Hand-computed cases

    /// Requantization rounds twice (gemmlowp): 0.375 * 1 -> SaturatingRoundingDoublingHighMul
    /// gives 1 (0.75 rounded), then RoundingDivideByPOT(1, 1) gives 1 (0.5 away from
    /// zero), where a single rounding would give 0; likewise -0.375 gives -1.
    func testFullyConnectedRequantizationRoundsTwice() throws {
        let result = try KernelHarness.run("FULLY_CONNECTED", options: ["fused_activation_function": .enumeration("NONE", 0)],
            inputs: [.int8([1, -1, 2, 3], shape: [4, 1], scale: 1, zeroPoint: 0),
                     .int8([1], shape: [1, 1], scale: 0.375, zeroPoint: 0, constant: true)],
            output: .int8(shape: [4, 1], scale: 1, zeroPoint: 0))
        XCTAssertEqual(result.int8, [1, -1, 1, 1])  // 0.375, -0.375, 0.75, 1.125
    }

    /// int8 FC with a bias, a non-zero input zero point and a RELU clamp, computed by hand:
    /// acc = sum w*(x - zp) + bias; real multiplier 0.5.
    func testFullyConnectedOffsetsBiasAndRelu() throws {
        let result = try KernelHarness.run("FULLY_CONNECTED", options: ["fused_activation_function": .enumeration("RELU", 1)],
            inputs: [.int8([5, 7, 1], shape: [1, 3], scale: 0.5, zeroPoint: 3),
                     .int8([2, -1, 4, -3, 1, -2], shape: [2, 3], scale: 0.25, zeroPoint: 0, constant: true),
                     .int32([10, -100], shape: [2], scale: 0.125, constant: true)],
            output: .int8(shape: [1, 2], scale: 0.25, zeroPoint: -10))
        // x - zp = [2, 4, -2]. Row 0: 4 - 4 - 8 + 10 = 2 -> 2 * 0.5 = 1 -> 1 - 10 = -9.
        // Row 1: -6 + 4 + 4 - 100 = -98 -> -49 -> -59, clamped by RELU to the zero point -10.
        XCTAssertEqual(result.int8, [-9, -10])
    }

    /// Average pooling divides rounding half away from zero, over the window clipped to
    /// the input (SAME padding counts only real pixels).
    func testAveragePoolRoundingAndEdgeWindows() throws {
        let values: [Int8] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        let options: [String: OptionValue] = ["padding": .enumeration("SAME", 0), "stride_w": .int(1), "stride_h": .int(1),
                                              "filter_width": .int(3), "filter_height": .int(3),
                                              "fused_activation_function": .enumeration("NONE", 0)]
        for variant in KernelVariant.allCases {
            let up = try KernelHarness.run("AVERAGE_POOL_2D", options: options, variant: variant,
                                           inputs: [.int8(values, shape: [1, 3, 3, 1], scale: 0.1, zeroPoint: 0)],
                                           output: .int8(shape: [1, 3, 3, 1], scale: 0.1, zeroPoint: 0))
            // 12/4, 21/6, 16/4, 27/6, 45/9, 33/6, 24/4, 39/6, 28/4.
            XCTAssertEqual(up.int8, [3, 4, 4, 5, 5, 6, 6, 7, 7])
            let down = try KernelHarness.run("AVERAGE_POOL_2D", options: options, variant: variant,
                                             inputs: [.int8(values.map { -$0 }, shape: [1, 3, 3, 1], scale: 0.1, zeroPoint: 0)],
                                             output: .int8(shape: [1, 3, 3, 1], scale: 0.1, zeroPoint: 0))
            XCTAssertEqual(down.int8, [-3, -4, -4, -5, -5, -6, -6, -7, -7])
        }
    }

    /// MAX_POOL clamps to the fused activation's range (RELU6 with scale 0.1: [0, 60]).
    func testMaxPoolActivationClamp() throws {
        let result = try KernelHarness.run("MAX_POOL_2D",
            options: ["padding": .enumeration("VALID", 1), "stride_w": .int(2), "stride_h": .int(2),
                      "filter_width": .int(2), "filter_height": .int(2), "fused_activation_function": .enumeration("RELU6", 3)],
            // Two channels, interleaved (NHWC): channel 0 = [-5, 70, 20, 10], channel 1 = [-5, -6, -7, -8].
            inputs: [.int8([-5, -5, 70, -6, 20, -7, 10, -8], shape: [1, 2, 2, 2], scale: 0.1, zeroPoint: 0)],
            output: .int8(shape: [1, 1, 1, 2], scale: 0.1, zeroPoint: 0))
        XCTAssertEqual(result.int8, [60, 0])
    }

    /// With equal scales and zero points 0, quantized ADD is exact integer addition,
    /// saturated to int8.
    func testAddEqualScalesIsIntegerAddition() throws {
        for variant in KernelVariant.allCases {
            let result = try KernelHarness.run("ADD", options: ["fused_activation_function": .enumeration("NONE", 0)], variant: variant,
                inputs: [.int8([3, 100, -100, 5], shape: [1, 4], scale: 1, zeroPoint: 0),
                         .int8([4, 100, -100, -5], shape: [1, 4], scale: 1, zeroPoint: 0)],
                output: .int8(shape: [1, 4], scale: 1, zeroPoint: 0))
            XCTAssertEqual(result.int8, [7, 127, -128, 0])
        }
    }

    /// Broadcasting: per-channel [C], per-row [H, 1, 1] and scalar operands.
    func testAddBroadcastShapes() throws {
        let a: [Int8] = (0..<12).map { Int8($0) }  // [1, 2, 2, 3]
        func add(_ b: [Int8], _ shape: [Int], swap: Bool = false) throws -> [Int8] {
            let x = KernelHarness.Tensor.int8(a, shape: [1, 2, 2, 3], scale: 1, zeroPoint: 0)
            let y = KernelHarness.Tensor.int8(b, shape: shape, scale: 1, zeroPoint: 0)
            return try KernelHarness.run("ADD", options: ["fused_activation_function": .enumeration("NONE", 0)],
                                         inputs: swap ? [y, x] : [x, y], output: .int8(shape: [1, 2, 2, 3], scale: 1, zeroPoint: 0)).int8
        }
        XCTAssertEqual(try add([10, 20, 30], [3]), [10, 21, 32, 13, 24, 35, 16, 27, 38, 19, 30, 41])
        XCTAssertEqual(try add([10, 20, 30], [1, 1, 1, 3], swap: true), [10, 21, 32, 13, 24, 35, 16, 27, 38, 19, 30, 41])
        XCTAssertEqual(try add([100, -100], [2, 1, 1]), [100, 101, 102, 103, 104, 105, -94, -93, -92, -91, -90, -89])
        XCTAssertEqual(try add([1, 2], [1, 1, 2, 1]), [1, 2, 3, 5, 6, 7, 7, 8, 9, 11, 12, 13])
        XCTAssertEqual(try add([-1], []), a.map { $0 - 1 })
    }

    func testFloatAddBroadcastAndRelu() throws {
        let result = try KernelHarness.run("ADD", options: ["fused_activation_function": .enumeration("RELU", 1)],
            inputs: [.float32([1, -2, 3, -4, 5, -6], shape: [2, 3]), .float32([0.5, 1.5, -3.5], shape: [3])],
            output: .float32(shape: [2, 3]))
        XCTAssertEqual(result.float32, [1.5, 0, 0, 0, 6.5, 0])
    }

    /// Softmax of equal values is 1/4 each: 0.25 * 256 = 64, minus 128; a value whose
    /// difference to the maximum is below diff_min (exp negligible) gives -128, and a
    /// probability of 1 saturates at 127.
    func testSoftmaxInt8HandValues() throws {
        let equal = try KernelHarness.run("SOFTMAX", options: ["beta": .float(1)],
            inputs: [.int8([7, 7, 7, 7], shape: [1, 4], scale: 0.1, zeroPoint: 0)],
            output: .int8(shape: [1, 4], scale: 1.0 / 256, zeroPoint: -128))
        XCTAssertEqual(equal.int8, [-64, -64, -64, -64])
        let dominant = try KernelHarness.run("SOFTMAX", options: ["beta": .float(1)],
            inputs: [.int8([127, -128, -128, -128], shape: [1, 4], scale: 1, zeroPoint: 0)],
            output: .int8(shape: [1, 4], scale: 1.0 / 256, zeroPoint: -128))
        XCTAssertEqual(dominant.int8, [127, -128, -128, -128])
    }

    func testReshapeCopiesBytes() throws {
        let result = try KernelHarness.run("RESHAPE", options: [:],
            inputs: [.int8([1, 2, 3, 4, 5, 6], shape: [1, 2, 3], scale: 1, zeroPoint: 0)],
            output: .int8(shape: [3, 2], scale: 1, zeroPoint: 0))
        XCTAssertEqual(result.int8, [1, 2, 3, 4, 5, 6])
    }

    // MARK: Refusals

    func testRefusals() throws {
        let none: [String: OptionValue] = ["fused_activation_function": .enumeration("NONE", 0)]
        // Hybrid FC (int8 activations, float weights): TFLM refuses.
        XCTAssertThrowsError(try KernelHarness.run("FULLY_CONNECTED", options: none,
            inputs: [.int8([1, 2], shape: [1, 2], scale: 1, zeroPoint: 0), .float32([1, 2], shape: [1, 2], constant: true)],
            output: .int8(shape: [1, 1], scale: 1, zeroPoint: 0))) { XCTAssertTrue($0 is UnsupportedOperatorError, "\($0)") }
        // Per-channel int16 FC: the reference kernel runs it, TFLM's CMSIS-NN kernel refuses it.
        let int16Inputs: [KernelHarness.Tensor] = [
            .int16([100, -200], shape: [1, 2], scale: 0.01, zeroPoint: 0),
            .int8([1, 2, 3, 4], shape: [2, 2], scales: [0.5, 0.25], constant: true),
            .int64([0, 0], shape: [2], constant: true),
        ]
        XCTAssertNoThrow(try KernelHarness.run("FULLY_CONNECTED", options: none, variant: .reference, inputs: int16Inputs,
                                               output: .int16(shape: [1, 2], scale: 0.02, zeroPoint: 0)))
        XCTAssertThrowsError(try KernelHarness.run("FULLY_CONNECTED", options: none, variant: .cmsisNN, inputs: int16Inputs,
                                                   output: .int16(shape: [1, 2], scale: 0.02, zeroPoint: 0))) {
            XCTAssertTrue($0 is UnsupportedOperatorError, "\($0)")
        }
        // FC whose input holds fewer values than batches x depth: malformed.
        XCTAssertThrowsError(try KernelHarness.run("FULLY_CONNECTED", options: none,
            inputs: [.int8([1, 2], shape: [1, 2], scale: 1, zeroPoint: 0), .int8([1, 2, 3], shape: [1, 3], scale: 1, zeroPoint: 0)],
            output: .int8(shape: [1, 1], scale: 1, zeroPoint: 0))) { XCTAssertTrue($0 is InvalidOperatorError, "\($0)") }
        // int8 softmax must output zero point -128, scale 1/256.
        XCTAssertThrowsError(try KernelHarness.run("SOFTMAX", options: ["beta": .float(1)],
            inputs: [.int8([1, 2], shape: [1, 2], scale: 0.1, zeroPoint: 0)],
            output: .int8(shape: [1, 2], scale: 1.0 / 256, zeroPoint: 0))) { XCTAssertTrue($0 is UnsupportedOperatorError, "\($0)") }
        // int16 ADD with non-zero zero points: reference runs it, CMSIS-NN refuses.
        let int16Add: [KernelHarness.Tensor] = [.int16([1, 2], shape: [2], scale: 0.01, zeroPoint: 3),
                                                .int16([1, 2], shape: [2], scale: 0.01, zeroPoint: 0)]
        XCTAssertNoThrow(try KernelHarness.run("ADD", options: none, variant: .reference, inputs: int16Add,
                                               output: .int16(shape: [2], scale: 0.02, zeroPoint: 0)))
        XCTAssertThrowsError(try KernelHarness.run("ADD", options: none, variant: .cmsisNN, inputs: int16Add,
                                                   output: .int16(shape: [2], scale: 0.02, zeroPoint: 0))) {
            XCTAssertTrue($0 is UnsupportedOperatorError, "\($0)")
        }
        // ADD whose shapes do not broadcast to the output.
        XCTAssertThrowsError(try KernelHarness.run("ADD", options: none,
            inputs: [.float32([1, 2, 3], shape: [3]), .float32([1, 2], shape: [2])], output: .float32(shape: [3]))) {
            XCTAssertTrue($0 is InvalidOperatorError, "\($0)")
        }
        // Pooling must keep the quantization (TFLM checks scale and zero point).
        XCTAssertThrowsError(try KernelHarness.run("MAX_POOL_2D",
            options: ["padding": .enumeration("VALID", 1), "stride_w": .int(1), "stride_h": .int(1),
                      "filter_width": .int(1), "filter_height": .int(1)],
            inputs: [.int8([1], shape: [1, 1, 1, 1], scale: 0.1, zeroPoint: 0)],
            output: .int8(shape: [1, 1, 1, 1], scale: 0.2, zeroPoint: 0))) { XCTAssertTrue($0 is InvalidOperatorError, "\($0)") }
        // Pooling output shape must be the one the padding rule gives.
        XCTAssertThrowsError(try KernelHarness.run("AVERAGE_POOL_2D",
            options: ["padding": .enumeration("VALID", 1), "stride_w": .int(2), "stride_h": .int(2),
                      "filter_width": .int(2), "filter_height": .int(2)],
            inputs: [.float32([1, 2, 3, 4], shape: [1, 2, 2, 1])], output: .float32(shape: [1, 2, 2, 1]))) {
            XCTAssertTrue($0 is InvalidOperatorError, "\($0)")
        }
        // RESHAPE must keep the element count.
        XCTAssertThrowsError(try KernelHarness.run("RESHAPE", options: [:], inputs: [.float32([1, 2, 3], shape: [3])], output: .float32(shape: [2]))) {
            XCTAssertTrue($0 is InvalidOperatorError, "\($0)")
        }
    }

    // MARK: FixedPoint against gemmlowp

    /// Checksums and spot values computed by gemmlowp's fixedpoint.h (the header
    /// TFLM's reference kernels include), compiled as C++ on the same inputs: a 64-bit
    /// LCG (x = x * 6364136223846793005 + 1442695040888963407, seed 12345, value = the
    /// high 32 bits, int16 inputs = its top 16 bits), 20,000 inputs per function,
    /// checksum = checksum * 31 + result in wrapping 64-bit arithmetic.
    func testFixedPointMatchesGemmlowp() {
        struct LCG {
            var state: UInt64 = 12345
            mutating func next() -> UInt32 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt32(truncatingIfNeeded: state >> 32)
            }
        }
        func checksum32(negative: Bool, _ f: (Int32) -> Int32) -> Int64 {
            var lcg = LCG(), sum: Int64 = 0
            for _ in 0..<20_000 {
                var a = Int32(bitPattern: lcg.next())
                if negative { a = a > 0 ? -a : a; if a == Int32.min { a = -1 } }
                sum = sum &* 31 &+ Int64(f(a))
            }
            return sum
        }
        func checksum16(negative: Bool, _ f: (Int16) -> Int16) -> Int64 {
            var lcg = LCG(), sum: Int64 = 0
            for _ in 0..<20_000 {
                var a = Int16(truncatingIfNeeded: lcg.next() >> 16)
                if negative { a = a > 0 ? -a : a; if a == Int16.min { a = -1 } }
                sum = sum &* 31 &+ Int64(f(a))
            }
            return sum
        }
        XCTAssertEqual(checksum32(negative: true) { FixedPoint.expOnNegativeValues($0, integerBits: 0) }, 3_638_754_009_205_987_855)
        XCTAssertEqual(checksum32(negative: true) { FixedPoint.expOnNegativeValues($0, integerBits: 3) }, 7_957_310_344_364_800_559)
        XCTAssertEqual(checksum32(negative: true) { FixedPoint.expOnNegativeValues($0, integerBits: 5) }, 6_257_480_958_569_834_561)
        XCTAssertEqual(checksum32(negative: true) { FixedPoint.expOnNegativeValues($0, integerBits: 6) }, 155_203_182_086_007_962)
        XCTAssertEqual(checksum32(negative: true) { FixedPoint.expOnNegativeValues($0, integerBits: 12) }, -5_198_053_044_537_519_623)
        XCTAssertEqual(checksum32(negative: false) { FixedPoint.tanh($0, integerBits: 4) }, -2_237_152_881_432_322_843)
        XCTAssertEqual(checksum32(negative: false) { FixedPoint.logistic($0, integerBits: 4) }, -789_795_500_920_112_964)
        XCTAssertEqual(checksum32(negative: false) { FixedPoint.tanh($0, integerBits: 0) }, -3_307_265_294_634_873_480)
        XCTAssertEqual(checksum16(negative: true) { FixedPoint.expOnNegativeValues($0, integerBits: 3) }, 6_684_098_624_535_818_314)
        XCTAssertEqual(checksum16(negative: true) { FixedPoint.expOnNegativeValues($0, integerBits: 6) }, 2_951_714_835_027_851_281)
        XCTAssertEqual(checksum16(negative: false) { FixedPoint.tanh($0, integerBits: 3) }, 7_413_506_669_685_682_321)
        XCTAssertEqual(checksum16(negative: false) { FixedPoint.logistic($0, integerBits: 3) }, -7_138_064_582_279_150_476)
        XCTAssertEqual(checksum16(negative: false) { FixedPoint.tanh($0, integerBits: 0) }, -8_211_072_283_672_307_948)

        var lcg = LCG(), sum: Int64 = 0
        for _ in 0..<20_000 { sum = sum &* 31 &+ Int64(FixedPoint.oneOverOnePlusXForXIn01(Int32(bitPattern: lcg.next() & 0x7FFF_FFFF))) }
        XCTAssertEqual(sum, -3_742_615_753_681_839_160)
        lcg = LCG(); sum = 0
        for _ in 0..<20_000 { sum = sum &* 31 &+ Int64(FixedPoint.oneOverOnePlusXForXIn01(Int16(truncatingIfNeeded: (lcg.next() >> 16) & 0x7FFF))) }
        XCTAssertEqual(sum, 3_698_791_838_441_643_850)
        lcg = LCG(); sum = 0
        for _ in 0..<20_000 {
            let a = Int32(bitPattern: lcg.next()), e = Int(lcg.next() % 32)
            sum = sum &* 31 &+ Int64(FixedPoint.roundingDivideByPOT(a, e))
        }
        XCTAssertEqual(sum, -4_645_046_300_442_929_963)
        lcg = LCG(); sum = 0
        for _ in 0..<20_000 {
            let a = Int32(bitPattern: lcg.next()), b = Int32(bitPattern: lcg.next())
            sum = sum &* 31 &+ Int64(Int32.saturatingRoundingDoublingHighMul(a, b))
        }
        XCTAssertEqual(sum, 6_525_084_664_621_374_745)

        // Spot values: exp(-1) and exp(-1.25) in Q5.26 -> Q0.31, exp(0) = 1, below -32 -> 0.
        XCTAssertEqual(FixedPoint.expOnNegativeValues(Int32(-(1 << 26)), integerBits: 5), 790_015_308)
        XCTAssertEqual(FixedPoint.expOnNegativeValues(Int32(-5 * (1 << 24)), integerBits: 5), 615_264_540)
        XCTAssertEqual(FixedPoint.expOnNegativeValues(Int32(0), integerBits: 5), Int32.max)
        XCTAssertEqual(FixedPoint.expOnNegativeValues(Int32(-33 * (1 << 25)), integerBits: 6), 0)
        XCTAssertEqual(FixedPoint.logistic(Int32(1 << 27), integerBits: 4), 1_569_936_226)
        XCTAssertEqual(FixedPoint.logistic(Int32(-(1 << 27)), integerBits: 4), 577_547_421)
        XCTAssertEqual(FixedPoint.tanh(Int32(1 << 27), integerBits: 4), 1_635_510_876)
        XCTAssertEqual(FixedPoint.tanh(Int32(-(3 << 26)), integerBits: 4), -1_943_791_024)
        XCTAssertEqual(FixedPoint.logistic(Int16(4096), integerBits: 3), 23952)
        XCTAssertEqual(FixedPoint.tanh(Int16(-2048), integerBits: 3), -15136)
        XCTAssertEqual(FixedPoint.oneOverOnePlusXForXIn01(Int32(1 << 30)), 1_431_655_762)
    }

    // MARK: Broadcast

    func testBroadcastShapesAndStrides() throws {
        XCTAssertEqual(Broadcast.shape([1, 4, 1, 3], [4, 5, 1]), [1, 4, 5, 3])
        XCTAssertNil(Broadcast.shape([2, 3], [3, 3]))
        XCTAssertEqual(Broadcast.strides(of: [4, 1, 3], broadcastTo: [2, 4, 5, 3]), [0, 3, 0, 1])
        XCTAssertNil(Broadcast.strides(of: [4, 2], broadcastTo: [4, 3]))
        // Visiting every output element of [2, 3, 4] + [3, 1] in runs gives NumPy's indices.
        let plan = try XCTUnwrap(BinaryBroadcast([2, 3, 4], [3, 1], output: [2, 3, 4]))
        var pairs: [(Int, Int)] = []
        plan.forEachRun { a, aStep, b, bStep, out, count in
            XCTAssertEqual(out, pairs.count)
            for k in 0..<count { pairs.append((a + k * aStep, b + k * bStep)) }
        }
        XCTAssertEqual(pairs.map(\.0), Array(0..<24))
        XCTAssertEqual(pairs.map(\.1), (0..<24).map { ($0 / 4) % 3 })
        XCTAssertTrue(try XCTUnwrap(BinaryBroadcast([1, 5, 1], [5, 1], output: [1, 5, 1])).isElementwise)
        XCTAssertNil(BinaryBroadcast([1, 5, 1], [5], output: [1, 5, 1]))
        XCTAssertFalse(plan.isElementwise)
    }
}

/// Runs one kernel on hand-made tensors, outside any model: the way to test the
/// arithmetic on values chosen to hit rounding ties and clamps.
enum KernelHarness {
    struct Tensor {
        var type: TensorType
        var shape: [Int]
        var bytes: [UInt8]
        var scales: [Float] = []
        var zeroPoints: [Int32] = []
        var quantizedDimension = 0
        var constant = false

        private static func raw<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }

        static func int8(_ values: [Int8], shape: [Int], scale: Float, zeroPoint: Int32, constant: Bool = false) -> Tensor {
            Tensor(type: .int8, shape: shape, bytes: raw(values), scales: [scale], zeroPoints: [zeroPoint], constant: constant)
        }
        static func int8(_ values: [Int8], shape: [Int], scales: [Float], constant: Bool = false) -> Tensor {
            Tensor(type: .int8, shape: shape, bytes: raw(values), scales: scales,
                   zeroPoints: [Int32](repeating: 0, count: scales.count), constant: constant)
        }
        static func int8(shape: [Int], scale: Float, zeroPoint: Int32) -> Tensor {
            int8([Int8](repeating: 0, count: shape.reduce(1, *)), shape: shape, scale: scale, zeroPoint: zeroPoint)
        }
        static func int16(_ values: [Int16], shape: [Int], scale: Float, zeroPoint: Int32) -> Tensor {
            Tensor(type: .int16, shape: shape, bytes: raw(values), scales: [scale], zeroPoints: [zeroPoint])
        }
        static func int16(shape: [Int], scale: Float, zeroPoint: Int32) -> Tensor {
            int16([Int16](repeating: 0, count: shape.reduce(1, *)), shape: shape, scale: scale, zeroPoint: zeroPoint)
        }
        static func int32(_ values: [Int32], shape: [Int], scale: Float, constant: Bool = false) -> Tensor {
            Tensor(type: .int32, shape: shape, bytes: raw(values), scales: [scale], zeroPoints: [0], constant: constant)
        }
        static func int64(_ values: [Int64], shape: [Int], constant: Bool = false) -> Tensor {
            Tensor(type: .int64, shape: shape, bytes: raw(values), scales: [1], zeroPoints: [0], constant: constant)
        }
        static func float32(_ values: [Float], shape: [Int], constant: Bool = false) -> Tensor {
            Tensor(type: .float32, shape: shape, bytes: raw(values), constant: constant)
        }
        static func float32(shape: [Int]) -> Tensor { float32([Float](repeating: 0, count: shape.reduce(1, *)), shape: shape) }
    }

    struct Result {
        let context: PrepareContext
        let output: [UInt8]
        private func typed<T>(_: T.Type) -> [T] {
            output.withUnsafeBytes { Array($0.bindMemory(to: T.self)) }
        }
        var int8: [Int8] { typed(Int8.self) }
        var int16: [Int16] { typed(Int16.self) }
        var float32: [Float] { typed(Float.self) }
    }

    static func run(_ op: String, options: [String: OptionValue], variant: KernelVariant = .reference,
                    inputs: [Tensor], output: Tensor) throws -> Result {
        let operands = (inputs + [output]).map {
            KernelRunner.Operand(type: $0.type, shape: $0.shape, bytes: $0.bytes, constant: $0.constant, scale: $0.scales,
                                 zeroPoint: $0.zeroPoints, quantizedDimension: $0.quantizedDimension)
        }
        let result = try KernelRunner.run(op, options: KernelRunner.options(op, options.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }),
                                          variant: variant, inputs: operands.dropLast(), outputs: [operands[operands.count - 1]])
        return Result(context: result.context, output: result.outputs[0])
    }
}
