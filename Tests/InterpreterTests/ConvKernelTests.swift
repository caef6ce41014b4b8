import Foundation
import TestSupport
import XCTest
@testable import Interpreter

/// Runs one operator on its own: the kernel's prepare and eval on buffers the test
/// owns. Lets every CONV_2D / DEPTHWISE_CONV_2D layer of a real model be checked
/// against TFLM's intermediate tensors even while other operators lack kernels, and
/// lets hand-made tensors exercise edge cases without building a flatbuffer.
enum SingleOperator {
    typealias Result = KernelRunner.Result

    /// Tensor facts as the interpreter builds them, without needing every operator registered.
    static func tensorInfos(_ model: Model) -> [TensorInfo] {
        let subgraph = model.subgraphs[0]
        return subgraph.tensors.enumerated().map { index, tensor in
            let q = tensor.quantization
            let constant = model.flashAddress(ofBuffer: tensor.buffer)
            return TensorInfo(index: index, name: tensor.name, type: tensor.type ?? .string, shape: tensor.shape.map(Int.init),
                              elementCount: tensor.elementCount ?? 0, byteCount: tensor.byteCount ?? 0,
                              isConstant: constant != nil, isVariable: tensor.isVariable, scale: q?.scale ?? [],
                              zeroPoint: (q?.zeroPoint ?? []).map { Int32(truncatingIfNeeded: $0) },
                              quantizedDimension: Int(q?.quantizedDimension ?? 0), constantData: constant)
        }
    }

    /// Prepares and runs `kernel` once. `data` gives the bytes of non-constant inputs.
    static func run(_ kernel: Kernel, op: String, options: BuiltinOptions, variant: KernelVariant,
                    tensors: [TensorInfo], inputs: [Int], outputs: [Int], data: [Int: [UInt8]],
                    operatorIndex: Int = 0, opVersion: Int = 1) throws -> Result {
        try KernelRunner.run(op, kernel: kernel, options: options, variant: variant, tensors: tensors, inputs: inputs,
                             outputs: outputs, data: data, operatorIndex: operatorIndex, opVersion: opVersion)
    }

    static func makeKernel(_ op: String) -> Kernel? { try? KernelRunner.kernel(op) }
}

/// CONV_2D and DEPTHWISE_CONV_2D against TFLM: zoo and real-model goldens, every
/// convolution layer of every golden model against TFLM's intermediates, the operator
/// data TFLM allocates, CMSIS-NN dispatch and scratch, refusals, and hand-computed cases.
final class ConvKernelTests: XCTestCase {
    static let convOps: Set<String> = ["CONV_2D", "DEPTHWISE_CONV_2D"]
    static let zooConvModels = ["op_conv2d_1x1_relu6", "op_conv2d_same_s1_relu6", "op_conv2d_same_s2_none",
                                "op_conv2d_valid_s1_relu", "op_conv2d_valid_s2_relu_5x5",
                                "op_dwconv_m1_same_s1_relu6", "op_dwconv_m2_valid_s2_none"]

    // MARK: Whole models

    func testZooConvolutionModelsAreBitExactInBothVariants() throws {
        try SharedReference.require()
        for name in Self.zooConvModels {
            for variant in KernelVariant.allCases {
                try GoldenHarness.assertBitExact(name, modelDirectory: SharedReference.zooDirectory,
                                                 goldenDirectory: SharedReference.zooDirectory, variant: variant)
            }
        }
    }

    /// Every golden network with a convolution whose operators are all registered.
    func testGoldenNetworksWithConvolutionsAreBitExact() throws {
        try SharedReference.require()
        var exact: [String] = []
        var skipped: [String] = []
        for (goldenDirectory, modelDirectory) in [(SharedReference.zooDirectory, SharedReference.zooDirectory),
                                                  (SharedReference.modelsGoldenDirectory, SharedReference.modelsDirectory)] {
            for (name, entry, directory) in try SharedReference.goldenModels(in: goldenDirectory, modelDirectory: modelDirectory) {
                let ops = (entry["ops"] as? [[String: Any]] ?? []).compactMap { $0["op"] as? String }
                guard (entry["tflm"] as? [String: Any])?["status"] as? String == "ok",
                      ops.contains(where: Self.convOps.contains) else { continue }
                guard ops.allSatisfy(KernelRunner.isRegistered) else { skipped.append(name); continue }
                for variant in KernelVariant.allCases {
                    let outcome = try GoldenHarness.run(name: name, modelDirectory: directory,
                                                        goldenDirectory: goldenDirectory, variant: variant)
                    for m in outcome.mismatches {
                        XCTFail("\(name) [\(variant.rawValue)]: output \(m.output) differs from TFLM in \(m.differingBytes) of \(m.total) bytes")
                    }
                    if outcome.bitExact { exact.append("\(name)[\(variant.rawValue)]") }
                }
            }
        }
        print("Conv networks bit-exact: \(exact.count): \(exact.joined(separator: ", "))")
        if !skipped.isEmpty { print("Conv networks not yet runnable (unregistered operators): \(skipped.joined(separator: ", "))") }
    }

    /// The project's own fixtures (Tests/Fixtures/models, TFLM goldens) with a
    /// convolution: outputs bit-exact in both variants, and for single-operator
    /// fixtures the persistent buffers TFLM's 64-bit host build requested.
    func testProjectFixturesWithConvolutions() throws {
        let directory = SharedReference.fixturesDirectory
        let index = directory.appendingPathComponent("fixtures.json")
        guard FileManager.default.fileExists(atPath: index.path) else {
            throw XCTSkip("Tests/Fixtures/models/fixtures.json is absent")
        }
        let fixtures = try XCTUnwrap(try SharedReference.json(index)["fixtures"] as? [String: [String: Any]])
        var checked: [String] = []
        for name in fixtures.keys.sorted() {
            let entry = fixtures[name]!
            let ops = (entry["ops"] as? [[String: Any]] ?? []).compactMap { $0["op"] as? String }
            guard ops.contains(where: Self.convOps.contains), ops.allSatisfy(KernelRunner.isRegistered) else { continue }
            for variant in KernelVariant.allCases {
                try GoldenHarness.assertBitExact(name, modelDirectory: directory, goldenDirectory: directory, variant: variant)
            }
            checked.append(name)
            guard ops.count == 1,
                  let persistent = ((entry["tflm"] as? [String: Any])?["persistent"] as? [String: [Int]])?["Persistent buffer data"],
                  persistent.count == 3 else { continue }
            let model = try Model(contentsOf: directory.appendingPathComponent("\(name).tflite"))
            let subgraph = model.subgraphs[0]
            let context = try prepare(model, operator: 0, variant: .reference)
            let interpreterOwn = 8 * (subgraph.inputs.count + subgraph.outputs.count)
            XCTAssertEqual(Self.hostBytes(context) + interpreterOwn, persistent[1], "\(name) persistent bytes requested")
            XCTAssertEqual(context.persistentRequests.count + 2, persistent[2], "\(name) persistent buffer count")
        }
        print("Conv fixtures bit-exact in both variants: \(checked.count): \(checked.joined(separator: ", "))")
        // Phase 1 and 2 cover conv and depthwise in int8, float32 and int16x8.
        for required in ["conv_2d_3x3_dil2_valid_relu_int8", "depthwise_conv_2d_m2_3x3_valid_s2_f32",
                         "op_conv_2d_int16", "op_depthwise_conv_2d_int16"] where fixtures[required] != nil {
            XCTAssertTrue(checked.contains(required), "\(required) should run with the Conv kernels")
        }
    }

    // MARK: Every convolution layer against TFLM's intermediates

    /// Feeds each convolution its input as TFLM computed it and compares the output
    /// with TFLM's, layer by layer, in both variants.
    func testEveryConvolutionLayerMatchesTFLMIntermediates() throws {
        try SharedReference.require()
        var layers = 0
        var exactLayers = 0
        for (goldenDirectory, modelDirectory) in [(SharedReference.zooDirectory, SharedReference.zooDirectory),
                                                  (SharedReference.modelsGoldenDirectory, SharedReference.modelsDirectory)] {
            for (name, entry, directory) in try SharedReference.goldenModels(in: goldenDirectory, modelDirectory: modelDirectory) {
                let npz = goldenDirectory.appendingPathComponent("\(name).intermediates.npz")
                guard (entry["tflm"] as? [String: Any])?["status"] as? String == "ok",
                      FileManager.default.fileExists(atPath: npz.path) else { continue }
                let model = try Model(contentsOf: directory.appendingPathComponent("\(name).tflite"))
                let subgraph = model.subgraphs[0]
                guard subgraph.operators.contains(where: { Self.convOps.contains(model.opName($0)) }) else { continue }
                let tflm = try GoldenHarness.intermediates(npz)
                let tensors = SingleOperator.tensorInfos(model)
                for (index, op) in subgraph.operators.enumerated() {
                    let opName = model.opName(op)
                    guard Self.convOps.contains(opName) else { continue }
                    let inputIndex = Int(op.inputs[0]), outputIndex = Int(op.outputs[0])
                    guard let input = tflm[inputIndex], let expected = tflm[outputIndex] else {
                        XCTFail("\(name) op \(index): TFLM's intermediates lack tensor \(inputIndex) or \(outputIndex)")
                        continue
                    }
                    for variant in KernelVariant.allCases {
                        let kernel = try XCTUnwrap(SingleOperator.makeKernel(opName))
                        let result = try SingleOperator.run(kernel, op: opName, options: op.builtinOptions, variant: variant,
                                                            tensors: tensors, inputs: op.inputs.map(Int.init),
                                                            outputs: op.outputs.map(Int.init),
                                                            data: [inputIndex: input.bytes], operatorIndex: index)
                        layers += 1
                        let differing = zip(result.outputs[0], expected.bytes).filter { $0 != $1 }.count
                        if differing == 0 && result.outputs[0].count == expected.bytes.count {
                            exactLayers += 1
                        } else {
                            XCTFail("\(name) op \(index) \(opName) [\(variant.rawValue)] (\(result.context.kernelPath?.name ?? "none")): \(differing) of \(expected.bytes.count) bytes differ from TFLM")
                        }
                    }
                }
            }
        }
        print("Convolution layers bit-exact against TFLM intermediates: \(exactLayers) of \(layers) (both variants counted)")
        XCTAssertGreaterThan(layers, 100, "the golden models hold well over 50 convolution layers")
    }

    // MARK: Operator data and scratch

    /// For the single-convolution zoo models, the persistent buffers TFLM's 64-bit host
    /// build requested ("Persistent buffer data" in golden.json) are the interpreter's
    /// own two (one pointer per subgraph input and output, 8 bytes each) plus the
    /// kernel's: OpDataConv and the per-channel multiplier and shift arrays.
    func testReferencePersistentDeclarationsMatchTFLMHostBuild() throws {
        try SharedReference.require()
        let golden = try SharedReference.json(SharedReference.zooDirectory.appendingPathComponent("golden.json"))
        let models = try XCTUnwrap(golden["models"] as? [String: [String: Any]])
        for name in Self.zooConvModels {
            let entry = try XCTUnwrap(models[name])
            let breakdown = try XCTUnwrap((entry["tflm"] as? [String: Any])?["arena_breakdown"] as? [[String: Any]])
            let persistent = try XCTUnwrap(breakdown.first { $0["what"] as? String == "Persistent buffer data" })
            let requested = try XCTUnwrap(persistent["requested"] as? Int)
            let count = try XCTUnwrap(persistent["count"] as? Int)

            let model = try Model(contentsOf: SharedReference.zooDirectory.appendingPathComponent("\(name).tflite"))
            let subgraph = model.subgraphs[0]
            XCTAssertEqual(subgraph.operators.count, 1)
            let op = subgraph.operators[0]
            let opName = model.opName(op)
            let context = try prepare(model, operator: 0, variant: .reference)
            let interpreterOwn = 8 * (subgraph.inputs.count + subgraph.outputs.count)
            XCTAssertEqual(Self.hostBytes(context) + interpreterOwn, requested, "\(name) (\(opName)) persistent bytes")
            XCTAssertEqual(context.persistentRequests.count + 2, count, "\(name) persistent buffer count")
            let opData = try XCTUnwrap(context.persistentRequests.first)
            XCTAssertEqual(opData.phase, .initialization)
            XCTAssertEqual(PersistentLayout.hostGoldens.bytes(of: opData), 80, "OpDataConv on the host build (compression on)")
            XCTAssertEqual(PersistentLayout.cortexM.bytes(of: opData), 56, "OpDataConv on a Cortex-M GCC build")
            XCTAssertEqual(opData.bytes(on: .x86_64), 72, "OpDataConv on x86-64 without compression")
            XCTAssertTrue(context.scratchRequests.isEmpty, "the reference kernels request no scratch for int8 weights")
        }
    }

    /// CMSIS-NN dispatch and scratch sizes, worked out by hand from
    /// arm_convolve_wrapper_s8(_get_buffer_size) and arm_depthwise_conv_wrapper_s8
    /// for a DSP core without MVE.
    func testCmsisNNDispatchAndScratchForZooModels() throws {
        try SharedReference.require()
        // (model, kernel path, scratch bytes)
        let expectations: [(String, String, [Int])] = [
            // 1x1, stride 1, no padding.
            ("op_conv2d_1x1_relu6", "arm_convolve_1x1_s8_fast", []),
            // 3x3 over 3 channels: 27 columns, rounded to 28, two int16 columns: 2*28*2.
            ("op_conv2d_same_s1_relu6", "arm_convolve_s8", [112]),
            ("op_conv2d_same_s2_none", "arm_convolve_s8", [112]),
            ("op_conv2d_valid_s1_relu", "arm_convolve_s8", [112]),
            // 5x5 over 2 channels: 50 -> 52 -> 208.
            ("op_conv2d_valid_s2_relu_5x5", "arm_convolve_s8", [208]),
            // 3x3, multiplier 1, padding 1: the 3x3 kernel, no buffer.
            ("op_dwconv_m1_same_s1_relu6", "arm_depthwise_conv_3x3_s8", []),
            // multiplier 2: the generic kernel, no buffer.
            ("op_dwconv_m2_valid_s2_none", "arm_depthwise_conv_s8", []),
        ]
        for (name, path, scratch) in expectations {
            let model = try Model(contentsOf: SharedReference.zooDirectory.appendingPathComponent("\(name).tflite"))
            let context = try prepare(model, operator: 0, variant: .cmsisNN)
            XCTAssertEqual(context.kernelPath?.name, path, name)
            XCTAssertEqual(context.scratchRequests, scratch, name)
            // CMSIS-NN's OpData wraps OpDataConv and adds buffer_idx.
            let opData = try XCTUnwrap(context.persistentRequests.first)
            XCTAssertEqual(PersistentLayout.cortexM.bytes(of: opData), 60, name)
            XCTAssertEqual(PersistentLayout.hostGoldens.bytes(of: opData), 88, name)
            let channels = model.subgraphs[0].tensors[Int(model.subgraphs[0].operators[0].outputs[0])].shape.last.map(Int.init) ?? 0
            XCTAssertEqual(context.persistentRequests.dropFirst().map { PersistentLayout.cortexM.bytes(of: $0) },
                           [channels * 4, channels * 4], name)

            let reference = try prepare(model, operator: 0, variant: .reference)
            XCTAssertEqual(reference.kernelPath?.name, "reference", name)
        }
    }

    /// Real networks: the pointwise layers of the MobileNets take the 1x1 fast path,
    /// their 3x3 depthwise layers (padding at most 1) the 3x3 kernel; micro_speech's
    /// depthwise layer has multiplier 8 and takes the generic kernel.
    func testCmsisNNDispatchForRealModels() throws {
        try SharedReference.require()
        func paths(_ name: String) throws -> [String: Int] {
            let model = try Model(contentsOf: SharedReference.modelsDirectory.appendingPathComponent("\(name).tflite"))
            var counts: [String: Int] = [:]
            for (i, op) in model.subgraphs[0].operators.enumerated() where Self.convOps.contains(model.opName(op)) {
                counts[try prepare(model, operator: i, variant: .cmsisNN).kernelPath?.name ?? "", default: 0] += 1
            }
            return counts
        }
        // vww: 13 pointwise + 1 first 3x3 stride-2 conv; 13 depthwise 3x3.
        XCTAssertEqual(try paths("mlperf_vww_mobilenet_int8"),
                       ["arm_convolve_1x1_s8_fast": 13, "arm_convolve_s8": 1, "arm_depthwise_conv_3x3_s8": 13])
        XCTAssertEqual(try paths("tflm_micro_speech_quantized"), ["arm_depthwise_conv_s8": 1])
        XCTAssertEqual(try paths("mlperf_vww_mobilenet_float"), ["reference_float": 27])
    }

    /// Float convolutions: CMSIS-NN allocates no per-channel arrays and no scratch for
    /// them; the reference kernels allocate the per-channel arrays for every type.
    func testFloatDeclarations() throws {
        try SharedReference.require()
        let model = try Model(contentsOf: SharedReference.zooDirectory.appendingPathComponent("float_cnn_f32.tflite"))
        let conv = try prepare(model, operator: 0, variant: .cmsisNN)
        XCTAssertEqual(conv.persistentRequests.count, 1)
        XCTAssertTrue(conv.scratchRequests.isEmpty)
        XCTAssertEqual(conv.kernelPath?.name, "reference_float")
        let reference = try prepare(model, operator: 0, variant: .reference)
        XCTAssertEqual(reference.persistentRequests.count, 3)
    }

    /// The kernel's persistent requests on the build the goldens came from.
    private static func hostBytes(_ context: PrepareContext) -> Int {
        context.persistentRequests.reduce(0) { $0 + PersistentLayout.hostGoldens.bytes(of: $1) }
    }

    private func prepare(_ model: Model, operator index: Int, variant: KernelVariant) throws -> PrepareContext {
        let op = model.subgraphs[0].operators[index]
        let name = model.opName(op)
        let kernel = try XCTUnwrap(SingleOperator.makeKernel(name))
        let context = PrepareContext(operatorIndex: index, op: KernelRunner.kind(name), opVersion: 1, options: op.builtinOptions, variant: variant,
                                     customOptions: nil, inputs: op.inputs.map(Int.init), outputs: op.outputs.map(Int.init),
                                     intermediates: [], tensors: SingleOperator.tensorInfos(model))
        try kernel.prepare(context)
        return context
    }

    // MARK: Refusals

    /// TFLM refuses hybrid models (float activations, int8 weights) in CONV_2D's
    /// prepare: "Hybrid models are not supported on TFLite Micro".
    func testHybridModelIsRefusedAtItsFirstConvolution() throws {
        try SharedReference.require()
        let model = try Model(contentsOf: SharedReference.modelsDirectory.appendingPathComponent("mlperf_kws_dscnn_float32.tflite"))
        for variant in KernelVariant.allCases {
            XCTAssertThrowsError(try MicroInterpreter(model: model, options: InterpreterOptions(variant: variant))) { error in
                guard let refusal = error as? UnsupportedOperatorError else {
                    return XCTFail("expected UnsupportedOperatorError, got \(error)")
                }
                XCTAssertEqual(refusal.operatorIndex, 0)
                XCTAssertEqual(refusal.op, "CONV_2D")
                XCTAssertTrue(refusal.reason.contains("Hybrid models are not supported on TFLite Micro"), refusal.reason)
            }
        }
    }

    // MARK: Hand-computed cases

    private static func tensor(_ index: Int, _ type: TensorType, _ shape: [Int], scale: [Float] = [], zeroPoint: [Int32] = [],
                               quantizedDimension: Int = 0, constant: UnsafeRawPointer? = nil) -> TensorInfo {
        let count = shape.reduce(1, *)
        return TensorInfo(index: index, name: "t\(index)", type: type, shape: shape, elementCount: count,
                          byteCount: count * (type.byteSize ?? 1), isConstant: constant != nil, isVariable: false,
                          scale: scale, zeroPoint: zeroPoint, quantizedDimension: quantizedDimension, constantData: constant)
    }

    private static func convOptions(padding: String, stride: Int = 1, activation: FusedActivation = .none,
                                    dilation: Int = 1, depthMultiplier: Int? = nil) -> BuiltinOptions {
        var fields: [(name: String, value: OptionValue)] = [
            ("padding", .enumeration(padding, padding == "SAME" ? 0 : 1)),
            ("stride_w", .int(Int64(stride))), ("stride_h", .int(Int64(stride))),
        ]
        if let depthMultiplier { fields.append(("depth_multiplier", .int(Int64(depthMultiplier)))) }
        fields += [("fused_activation_function", .enumeration(activation.name ?? "", Int64(activation.rawValue))),
                   ("dilation_w_factor", .int(Int64(dilation))), ("dilation_h_factor", .int(Int64(dilation)))]
        return KernelRunner.options(depthMultiplier == nil ? "CONV_2D" : "DEPTHWISE_CONV_2D", fields.map { ($0.name, $0.value) })
    }

    /// Requantization ties. Input scale 1, filter scale 1, output scale 4: the
    /// effective scale 0.25 becomes multiplier 2^30 with shift -1, and TFLM rounds
    /// acc / 4 half away from zero through RoundingDivideByPOT: 6 -> 2, -6 -> -2,
    /// 2 -> 1, -2 -> -1, 10 -> 3 (2.5), -10 -> -3. A 1x1 conv with weight 1, input
    /// zero point 0, output zero point 0 and bias 0 gives acc = input.
    func testInt8RequantizationTiesRoundAwayFromZero() throws {
        let weights: [Int8] = [1]
        let bias: [Int32] = [0]
        let outputs = try weights.withUnsafeBytes { w in
            try bias.withUnsafeBytes { b in
                let tensors = [
                    Self.tensor(0, .int8, [1, 1, 6, 1], scale: [1], zeroPoint: [0]),
                    Self.tensor(1, .int8, [1, 1, 1, 1], scale: [1], zeroPoint: [0], constant: w.baseAddress),
                    Self.tensor(2, .int32, [1], scale: [1], zeroPoint: [0], constant: b.baseAddress),
                    Self.tensor(3, .int8, [1, 1, 6, 1], scale: [4], zeroPoint: [0]),
                ]
                let input: [Int8] = [6, -6, 2, -2, 10, -10]
                return try KernelVariant.allCases.map { variant in
                    try SingleOperator.run(Conv2DKernel(), op: "CONV_2D", options: Self.convOptions(padding: "VALID"),
                                           variant: variant, tensors: tensors, inputs: [0, 1, 2], outputs: [3],
                                           data: [0: input.map { UInt8(bitPattern: $0) }]).outputs[0]
                }
            }
        }
        for output in outputs {
            XCTAssertEqual(output.map { Int8(bitPattern: $0) }, [2, -2, 1, -1, 3, -3])
        }
    }

    /// SAME padding at the corners of a 3x3 filter over a 3x3 image with a non-zero
    /// input zero point: padding taps must contribute nothing (not input_zp * weight).
    /// All weights 1, input zero point 5, input values 5 + k (k = 1...9, row major):
    /// each output is the sum of k over the taps inside the image, scale 1, output
    /// zero point -100: corner (0,0) sums 1+2+4+5 = 12 -> -88; centre 45 -> -55;
    /// edge (0,1) 1+2+3+4+5+6 = 21 -> -79.
    func testSamePaddingTapsContributeNothing() throws {
        let weights = [Int8](repeating: 1, count: 9)
        let outputs = try weights.withUnsafeBytes { w in
            let tensors = [
                Self.tensor(0, .int8, [1, 3, 3, 1], scale: [1], zeroPoint: [5]),
                Self.tensor(1, .int8, [1, 3, 3, 1], scale: [1], zeroPoint: [0], constant: w.baseAddress),
                Self.tensor(2, .int8, [1, 3, 3, 1], scale: [1], zeroPoint: [-100]),
            ]
            let input: [Int8] = (1...9).map { Int8(5 + $0) }
            return try KernelVariant.allCases.map { variant in
                // No bias: CONV_2D with two inputs.
                try SingleOperator.run(Conv2DKernel(), op: "CONV_2D", options: Self.convOptions(padding: "SAME"),
                                       variant: variant, tensors: tensors, inputs: [0, 1], outputs: [2],
                                       data: [0: input.map { UInt8(bitPattern: $0) }]).outputs[0]
            }
        }
        // Sums of the valid neighbourhood of each cell of [[1,2,3],[4,5,6],[7,8,9]].
        let sums: [Int] = [12, 21, 16, 27, 45, 33, 24, 39, 28]
        for output in outputs {
            XCTAssertEqual(output.map { Int(Int8(bitPattern: $0)) }, sums.map { $0 - 100 })
        }
    }

    /// The same corner case for DEPTHWISE_CONV_2D with multiplier 2 (two filters per
    /// input channel, the second doubling): outputs interleave as c * 2 + m.
    func testDepthwiseMultiplierAndPadding() throws {
        // Filter [1, 3, 3, 2]: channel 0 weights 1, channel 1 weights 2.
        let weights: [Int8] = (0..<9).flatMap { _ in [1, 2] as [Int8] }
        let outputs = try weights.withUnsafeBytes { w in
            let tensors = [
                Self.tensor(0, .int8, [1, 3, 3, 1], scale: [1], zeroPoint: [5]),
                Self.tensor(1, .int8, [1, 3, 3, 2], scale: [1, 1], zeroPoint: [0, 0], quantizedDimension: 3,
                            constant: w.baseAddress),
                Self.tensor(2, .int8, [1, 3, 3, 2], scale: [1], zeroPoint: [-100]),
            ]
            let input: [Int8] = (1...9).map { Int8(5 + $0) }
            return try KernelVariant.allCases.map { variant in
                try SingleOperator.run(DepthwiseConv2DKernel(), op: "DEPTHWISE_CONV_2D",
                                       options: Self.convOptions(padding: "SAME", depthMultiplier: 2),
                                       variant: variant, tensors: tensors, inputs: [0, 1], outputs: [2],
                                       data: [0: input.map { UInt8(bitPattern: $0) }]).outputs[0]
            }
        }
        let sums: [Int] = [12, 21, 16, 27, 45, 33, 24, 39, 28]
        let expected = sums.flatMap { [$0 - 100, min(2 * $0 - 100, 127)] }
        for output in outputs {
            XCTAssertEqual(output.map { Int(Int8(bitPattern: $0)) }, expected)
        }
    }

    /// Grouped convolution (filter depth 1 over a 2-channel input, 2 groups of 2
    /// filters): output channel o reads input channel o / 2. 1x1 filter weights
    /// [1, -1, 2, 3], input channels (10, 20), zero points 0, scales 1:
    /// outputs 10, -10, 40, 60. TFLM's reference kernel supports groups.
    func testGroupedConvolution() throws {
        let weights: [Int8] = [1, -1, 2, 3]
        let outputs = try weights.withUnsafeBytes { w in
            let tensors = [
                Self.tensor(0, .int8, [1, 1, 1, 2], scale: [1], zeroPoint: [0]),
                Self.tensor(1, .int8, [4, 1, 1, 1], scale: [1], zeroPoint: [0], constant: w.baseAddress),
                Self.tensor(2, .int8, [1, 1, 1, 4], scale: [1], zeroPoint: [0]),
            ]
            return try KernelVariant.allCases.map { variant in
                try SingleOperator.run(Conv2DKernel(), op: "CONV_2D", options: Self.convOptions(padding: "VALID"),
                                       variant: variant, tensors: tensors, inputs: [0, 1], outputs: [2],
                                       data: [0: [10, 20]])
            }
        }
        for result in outputs {
            XCTAssertEqual(result.outputs[0].map { Int8(bitPattern: $0) }, [10, -10, 40, 60])
        }
        // CMSIS-NN: a grouped conv goes to arm_convolve_s8, whose buffer is sized from the
        // input's channels (2), not the filter's: 1*1*2 -> 4 -> 2*4*2 = 16 bytes.
        XCTAssertEqual(outputs[0].context.kernelPath?.name, "arm_convolve_s8")
        XCTAssertEqual(outputs[0].context.scratchRequests, [16])
    }

    /// Float: padding taps are skipped, not added as 0 * w: a NaN weight on a padding
    /// tap must not reach the output (TFLM never reads it). Also the bias is added
    /// after the sum, and RELU6 clamps.
    func testFloatPaddingTapsAreSkipped() throws {
        // 3x3 filter over a 1x1 image, SAME: only the centre tap is inside.
        var weights = [Float](repeating: .nan, count: 9)
        weights[4] = 2
        let bias: [Float] = [0.5]
        let output = try weights.withUnsafeBytes { w in
            try bias.withUnsafeBytes { b in
                let tensors = [
                    Self.tensor(0, .float32, [1, 1, 1, 1]),
                    Self.tensor(1, .float32, [1, 3, 3, 1], constant: w.baseAddress),
                    Self.tensor(2, .float32, [1], constant: b.baseAddress),
                    Self.tensor(3, .float32, [1, 1, 1, 1]),
                ]
                let input: [Float] = [4]
                return try SingleOperator.run(Conv2DKernel(), op: "CONV_2D",
                                              options: Self.convOptions(padding: "SAME", activation: .relu6),
                                              variant: .reference, tensors: tensors, inputs: [0, 1, 2], outputs: [3],
                                              data: [0: input.withUnsafeBytes { [UInt8]($0) }]).outputs[0]
            }
        }
        let value = output.withUnsafeBytes { $0.load(as: Float.self) }
        XCTAssertEqual(value, 6, "4 * 2 + 0.5 = 8.5, clamped by RELU6")
    }

    /// An input zero point outside int8 (only a hostile model has one) takes the
    /// kernels' wide paths; TFLM's arithmetic still defines the result. 1x1 conv and
    /// depthwise, weight 1, input zero point 200, scales 1 / 1 / 4 (effective 0.25):
    /// (100 - 200) / 4 = -25, (-100 - 200) / 4 = -75.
    func testInputZeroPointOutsideInt8() throws {
        let weights: [Int8] = [1]
        let input: [UInt8] = [100, -100].map { UInt8(bitPattern: Int8($0)) }
        try weights.withUnsafeBytes { w in
            let convTensors = [
                Self.tensor(0, .int8, [1, 1, 2, 1], scale: [1], zeroPoint: [200]),
                Self.tensor(1, .int8, [1, 1, 1, 1], scale: [1], zeroPoint: [0], constant: w.baseAddress),
                Self.tensor(2, .int8, [1, 1, 2, 1], scale: [4], zeroPoint: [0]),
            ]
            for variant in KernelVariant.allCases {
                let conv = try SingleOperator.run(Conv2DKernel(), op: "CONV_2D", options: Self.convOptions(padding: "VALID"),
                                                  variant: variant, tensors: convTensors, inputs: [0, 1], outputs: [2],
                                                  data: [0: input]).outputs[0]
                XCTAssertEqual(conv.map { Int8(bitPattern: $0) }, [-25, -75])
                let dw = try SingleOperator.run(DepthwiseConv2DKernel(), op: "DEPTHWISE_CONV_2D",
                                                options: Self.convOptions(padding: "VALID", depthMultiplier: 1),
                                                variant: variant, tensors: convTensors, inputs: [0, 1], outputs: [2],
                                                data: [0: input]).outputs[0]
                XCTAssertEqual(dw.map { Int8(bitPattern: $0) }, [-25, -75])
            }
        }
    }

    /// int16 activations: the bias type chooses TFLM's accumulation. Input scale 1,
    /// filter scale 1, output scale 1.00001: the effective scale 0.99999 quantizes to
    /// a multiplier above 0x7FFF0000, which the 64-bit requantization reduces to
    /// 0x7FFF (32767 / 32768). A 1x1 conv of 32000 by weight 1:
    /// - int64 bias: (32000 * 32767 + 2^14) >> 15 = 31999;
    /// - int32 bias: 32000 * 0.99999 = 31999.68, rounded twice (gemmlowp) = 32000.
    /// Without a bias the reference takes the int64 route (quantized_bias_type is not
    /// INT32) and CMSIS-NN's arm_convolve_s16 the int32 one.
    func testInt16BiasTypeSelectsTheAccumulation() throws {
        let weights: [Int8] = [1]
        let bias64: [Int64] = [0]
        let bias32: [Int32] = [0]
        let input = [Int16(32000)].withUnsafeBytes { [UInt8]($0) }
        func run(_ variant: KernelVariant, bias: UnsafeRawPointer?, biasType: TensorType) throws -> Int16 {
            try weights.withUnsafeBytes { w in
                var tensors = [
                    Self.tensor(0, .int16, [1, 1, 1, 1], scale: [1], zeroPoint: [0]),
                    Self.tensor(1, .int8, [1, 1, 1, 1], scale: [1], zeroPoint: [0], constant: w.baseAddress),
                    Self.tensor(2, .int16, [1, 1, 1, 1], scale: [1.00001], zeroPoint: [0]),
                ]
                var inputs = [0, 1]
                if let bias {
                    tensors.append(Self.tensor(3, biasType, [1], constant: bias))
                    inputs.append(3)
                }
                let out = try SingleOperator.run(Conv2DKernel(), op: "CONV_2D", options: Self.convOptions(padding: "VALID"),
                                                 variant: variant, tensors: tensors, inputs: inputs, outputs: [2],
                                                 data: [0: input]).outputs[0]
                return out.withUnsafeBytes { $0.load(as: Int16.self) }
            }
        }
        try bias64.withUnsafeBytes { b64 in
            try bias32.withUnsafeBytes { b32 in
                for variant in KernelVariant.allCases {
                    XCTAssertEqual(try run(variant, bias: b64.baseAddress, biasType: .int64), 31999, variant.rawValue)
                    XCTAssertEqual(try run(variant, bias: b32.baseAddress, biasType: .int32), 32000, variant.rawValue)
                }
                XCTAssertEqual(try run(.reference, bias: nil, biasType: .int64), 31999)
                XCTAssertEqual(try run(.cmsisNN, bias: nil, biasType: .int64), 32000)
            }
        }
    }

    /// int16 depthwise: 3x3 VALID over a 3x3 image of 1000s, weights 1, int64 bias 7,
    /// effective scale 0.5 (multiplier 2^30, reduced to 2^14): (9007 * 2^14 + 2^14) >> 15
    /// = 4504. An int32 bias is refused: both TFLM kernels would read it as int64.
    func testInt16Depthwise() throws {
        let weights = [Int8](repeating: 1, count: 9)
        let bias: [Int64] = [7]
        let bias32: [Int32] = [7]
        let input = [Int16](repeating: 1000, count: 9).withUnsafeBytes { [UInt8]($0) }
        try weights.withUnsafeBytes { w in
            try bias.withUnsafeBytes { b in
                try bias32.withUnsafeBytes { b32 in
                    let tensors = [
                        Self.tensor(0, .int16, [1, 3, 3, 1], scale: [1], zeroPoint: [0]),
                        Self.tensor(1, .int8, [1, 3, 3, 1], scale: [1], zeroPoint: [0], quantizedDimension: 3, constant: w.baseAddress),
                        Self.tensor(2, .int64, [1], constant: b.baseAddress),
                        Self.tensor(3, .int16, [1, 1, 1, 1], scale: [2], zeroPoint: [0]),
                        Self.tensor(4, .int32, [1], constant: b32.baseAddress),
                    ]
                    for variant in KernelVariant.allCases {
                        let out = try SingleOperator.run(DepthwiseConv2DKernel(), op: "DEPTHWISE_CONV_2D",
                                                         options: Self.convOptions(padding: "VALID", depthMultiplier: 1),
                                                         variant: variant, tensors: tensors, inputs: [0, 1, 2], outputs: [3],
                                                         data: [0: input])
                        XCTAssertEqual(out.outputs[0].withUnsafeBytes { $0.load(as: Int16.self) }, 4504, variant.rawValue)
                        XCTAssertEqual(out.context.kernelPath?.name, variant == .cmsisNN ? "arm_depthwise_conv_s16" : "reference")
                        XCTAssertThrowsError(try SingleOperator.run(DepthwiseConv2DKernel(), op: "DEPTHWISE_CONV_2D",
                                                                    options: Self.convOptions(padding: "VALID", depthMultiplier: 1),
                                                                    variant: variant, tensors: tensors, inputs: [0, 1, 4],
                                                                    outputs: [3], data: [0: input])) { error in
                            XCTAssertTrue(error is UnsupportedOperatorError, "\(error)")
                        }
                    }
                }
            }
        }
    }

    /// CMSIS-NN's int16 kernels need zero points of 0 (TF_LITE_ENSURE_EQ in its
    /// prepare); the reference kernels ignore them.
    func testCmsisNNRefusesInt16WithZeroPoints() throws {
        let weights: [Int8] = [1]
        try weights.withUnsafeBytes { w in
            let tensors = [
                Self.tensor(0, .int16, [1, 1, 1, 1], scale: [1], zeroPoint: [3]),
                Self.tensor(1, .int8, [1, 1, 1, 1], scale: [1], zeroPoint: [0], constant: w.baseAddress),
                Self.tensor(2, .int16, [1, 1, 1, 1], scale: [1], zeroPoint: [0]),
            ]
            XCTAssertThrowsError(try SingleOperator.run(Conv2DKernel(), op: "CONV_2D", options: Self.convOptions(padding: "VALID"),
                                                        variant: .cmsisNN, tensors: tensors, inputs: [0, 1], outputs: [2],
                                                        data: [:])) { error in
                XCTAssertTrue(error is UnsupportedOperatorError, "\(error)")
            }
            let input = [Int16(500)].withUnsafeBytes { [UInt8]($0) }
            let out = try SingleOperator.run(Conv2DKernel(), op: "CONV_2D", options: Self.convOptions(padding: "VALID"),
                                             variant: .reference, tensors: tensors, inputs: [0, 1], outputs: [2],
                                             data: [0: input]).outputs[0]
            // The zero point is ignored: 500 * 1, scale 1.
            XCTAssertEqual(out.withUnsafeBytes { $0.load(as: Int16.self) }, 500)
        }
    }

    /// Malformed shapes are invalid models, not traps.
    func testMismatchedOutputShapeIsInvalid() throws {
        let weights = [Int8](repeating: 1, count: 9)
        try weights.withUnsafeBytes { w in
            let tensors = [
                Self.tensor(0, .int8, [1, 3, 3, 1], scale: [1], zeroPoint: [0]),
                Self.tensor(1, .int8, [1, 3, 3, 1], scale: [1], zeroPoint: [0], constant: w.baseAddress),
                Self.tensor(2, .int8, [1, 2, 2, 1], scale: [1], zeroPoint: [0]),
            ]
            XCTAssertThrowsError(try SingleOperator.run(Conv2DKernel(), op: "CONV_2D", options: Self.convOptions(padding: "VALID"),
                                                        variant: .reference, tensors: tensors, inputs: [0, 1], outputs: [2],
                                                        data: [:])) { error in
                XCTAssertTrue(error is InvalidOperatorError, "\(error)")
            }
        }
    }
}
