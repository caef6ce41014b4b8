import TestSupport
import XCTest
@testable import Interpreter

/// The persistent (tail) section. Struct sizes are the ones compilers report:
/// x86-64 from the goldens' TFLM build (seen in its AllocatePersistentBuffer calls
/// under gdb) and clang; Cortex-M from arm-none-eabi-gcc 12.2 -mcpu=cortex-m4 on
/// the TFLM headers. Whole tails are checked against the TFLM goldens.
final class PersistentLayoutTests: XCTestCase {
    private let host = CTarget.x86_64
    private let gcc = CTarget.cortexMGCC
    private let intEnums = CTarget.cortexMIntEnums

    // MARK: C layout

    func testCStructLayoutRules() {
        let s = CStruct("S", [.bool, .int32, .pointer, .int16])
        XCTAssertEqual(s.size(on: host), 24)  // 1, pad 3, 4, 8, 2, pad 6
        XCTAssertEqual(s.size(on: gcc), 16)   // 1, pad 3, 4, 4, 2, pad 2
        let withDouble = CStruct("D", [.int32, .float64])
        XCTAssertEqual(withDouble.size(on: gcc), 16)  // AAPCS aligns double to 8
        XCTAssertEqual(withDouble.alignment(on: gcc), 8)
        let enumThenInt = CStruct("E", [.smallEnum, .smallEnum, .int32])
        XCTAssertEqual(enumThenInt.size(on: gcc), 8)
        XCTAssertEqual(enumThenInt.size(on: intEnums), 12)
        XCTAssertEqual(CStruct("A", [.array(.int32, count: 9)]).size(on: gcc), 36)
        XCTAssertEqual(TFLMStructs.tfLiteIntArrayBytes(count: 16), 68)
    }

    private func assertSizes(_ expected: [(CStruct, Int)], on target: CTarget, file: StaticString = #filePath, line: UInt = #line) {
        for (s, bytes) in expected {
            XCTAssertEqual(s.size(on: target), bytes, "\(s.name)", file: file, line: line)
        }
    }

    func testFrameworkStructSizes() {
        let T = TFLMStructs.self
        assertSizes([
            (T.tfLiteEvalTensor, 24), (T.nodeAndRegistration, 64), (T.tfLiteTensor, 64), (T.tfLiteAffineQuantization, 24),
            (T.scratchBufferHandle, 8), (T.subgraphAllocations(compression: true), 24), (T.subgraphAllocations(compression: false), 16),
            (T.microBuiltinDataAllocator, 16), (T.singleArenaBufferAllocator, 72), (T.recordingSingleArenaBufferAllocator, 104),
            (T.greedyMemoryPlanner, 72), (T.microAllocator, 72), (T.recordingMicroAllocator(compression: true), 272),
            (T.recordingMicroAllocator(compression: false), 248),
        ], on: host)
        assertSizes([
            (T.tfLiteEvalTensor, 12), (T.nodeAndRegistration, 32), (T.tfLiteTensor, 32), (T.tfLiteAffineQuantization, 12),
            (T.scratchBufferHandle, 4), (T.subgraphAllocations(compression: false), 8), (T.microBuiltinDataAllocator, 8),
            (T.singleArenaBufferAllocator, 36), (T.recordingSingleArenaBufferAllocator, 52), (T.greedyMemoryPlanner, 44),
            (T.microAllocator, 36), (T.recordingMicroAllocator(compression: false), 124),
        ], on: gcc)
        // With 4-byte enums the TfLiteTensor's type, allocation type and flag no longer pack.
        XCTAssertEqual(T.tfLiteTensor.size(on: intEnums), 40)
    }

    /// What the parse function of `op` allocates, from its registration.
    private func params(_ op: BuiltinOperator) -> CStruct {
        guard let data = KernelRegistry.registration(for: .builtin(op))?.builtinData else {
            preconditionFailure("\(op.name) declares no builtin data")
        }
        return data
    }

    func testBuiltinDataSizes() {
        // As the goldens' ParseXxx functions requested them on x86-64.
        assertSizes([
            (params(.conv2D), 28), (params(.depthwiseConv2D), 28), (params(.averagePool2D), 40), (params(.fullyConnected), 32),
            (params(.add), 8), (params(.softmax), 4), (params(.reshape), 36), (params(.concatenation), 8),
            (params(.leakyRelu), 4), (params(.mul), 4), (params(.mean), 1), (params(.squeeze), 36),
            (params(.stridedSlice), 24), (params(.sub), 8), (params(.transposeConv), 20),
        ], on: host)
        XCTAssertEqual(params(.fullyConnected).alignment(on: host), 8)
        // arm-none-eabi-gcc packs the 1-byte enums.
        assertSizes([
            (params(.conv2D), 28), (params(.depthwiseConv2D), 28), (params(.averagePool2D), 40), (params(.add), 2), (params(.softmax), 4),
            (params(.reshape), 36), (params(.mul), 1), (params(.sub), 2), (params(.transposeConv), 16),
        ], on: gcc)
        XCTAssertNil(KernelRegistry.registration(for: .builtin(.relu))?.builtinData)
        XCTAssertEqual(params(.maxPool2D), params(.averagePool2D))
        // TfLiteFullyConnectedParams: the goldens' tree adds a pointer and a length (16 bytes
        // with short enums); the tree measured on Cortex-M (90b983c) has the five fields only.
        let T = TFLMStructs.self
        XCTAssertEqual(params(.fullyConnected).size(on: gcc), 16)
        XCTAssertEqual(T.fullyConnectedParamsWithoutQuantizationSpec.size(on: gcc), 5)
        XCTAssertEqual(T.fullyConnectedParamsWithoutQuantizationSpec.alignment(on: gcc), 1)
        XCTAssertEqual(PersistentLayout.cortexM.builtinData(params(.fullyConnected)), T.fullyConnectedParamsWithoutQuantizationSpec)
        XCTAssertEqual(PersistentLayout.hostGoldens.builtinData(params(.fullyConnected)), params(.fullyConnected))
        XCTAssertEqual(PersistentLayout.cortexM.builtinData(params(.conv2D)), params(.conv2D))
    }

    func testOperatorDataSizes() {
        let T = TFLMStructs.self
        // x86-64 with compression compiled in, as the goldens' Init calls requested them.
        assertSizes([
            (T.opDataConv(compression: true), 80), (T.opDataFullyConnected(compression: true), 72), (T.opDataPooling, 32),
            (T.opDataAdd, 60), (T.softmaxOpData, 80), (T.cmsisConvOpData(compression: true), 88),
            (T.cmsisFullyConnectedOpData(compression: true), 104), (T.cmsisPoolingOpData, 36), (T.cmsisSoftmaxOpData, 88),
        ], on: host)
        assertSizes([
            (T.opDataConv(compression: false), 56), (T.opDataFullyConnected(compression: false), 48), (T.opDataPooling, 32),
            (T.opDataAdd, 60), (T.softmaxOpData, 56), (T.cmsisConvOpData(compression: false), 60),
            (T.cmsisFullyConnectedOpData(compression: false), 72), (T.cmsisPoolingOpData, 36), (T.cmsisSoftmaxOpData, 64),
        ], on: gcc)
        XCTAssertEqual(T.softmaxOpData.alignment(on: gcc), 8)
    }

    // MARK: Kernel requests, from the kernels themselves

    /// Prepares `op` on hand-built tensors (no eval): what its Init and Prepare declare.
    private func prepared(_ op: String, _ variant: KernelVariant, options: [(String, OptionValue)] = [],
                          inputs: [KernelRunner.Operand?], output: KernelRunner.Operand) throws -> PrepareContext {
        let constants = KernelRunner.Constants()
        let g = KernelRunner.graph(inputs: inputs, outputs: [output], constants: constants)
        return try withExtendedLifetime(constants) {
            try KernelRunner.prepare(op, options: KernelRunner.options(op, options), variant: variant, tensors: g.tensors,
                                     inputs: g.inputs, outputs: g.outputs, data: g.data).context
        }
    }

    private func int8(_ shape: [Int], constant: Bool = false, scales: [Float] = [0.5], quantizedDimension: Int = 0) -> KernelRunner.Operand {
        KernelRunner.Operand(type: .int8, shape: shape, bytes: [UInt8](repeating: 1, count: shape.reduce(1, *)), constant: constant,
                             scale: scales, zeroPoint: [Int32](repeating: 0, count: scales.count), quantizedDimension: quantizedDimension)
    }

    private func float(_ shape: [Int], constant: Bool = false) -> KernelRunner.Operand {
        KernelRunner.Operand(type: .float32, shape: shape, bytes: [UInt8](repeating: 0, count: 4 * shape.reduce(1, *)), constant: constant)
    }

    private func bias(_ count: Int) -> KernelRunner.Operand {
        KernelRunner.Operand(type: .int32, shape: [count], bytes: [UInt8](repeating: 0, count: 4 * count), constant: true,
                             scale: [0.25], zeroPoint: [0])
    }

    private func conv(_ variant: KernelVariant, _ op: String = "CONV_2D", input: [Int], filter: [Int], output: [Int], same: Bool,
                      depthMultiplier: Int? = nil, float isFloat: Bool = false) throws -> PrepareContext {
        var options: [(String, OptionValue)] = [("padding", .enumeration(same ? "SAME" : "VALID", same ? 0 : 1)),
                                                ("stride_w", .int(1)), ("stride_h", .int(1))]
        if let depthMultiplier { options.append(("depth_multiplier", .int(Int64(depthMultiplier)))) }
        let channels = op == "CONV_2D" ? filter[0] : filter[3]
        if isFloat {
            return try prepared(op, variant, options: options, inputs: [float(input), float(filter, constant: true), float([channels], constant: true)],
                                output: float(output))
        }
        return try prepared(op, variant, options: options,
                            inputs: [int8(input), int8(filter, constant: true, scales: [Float](repeating: 0.5, count: channels),
                                                       quantizedDimension: op == "CONV_2D" ? 0 : 3), bias(channels)],
                            output: int8(output))
    }

    func testReferenceKernelRequests() throws {
        let convolution = try conv(.reference, input: [1, 8, 8, 3], filter: [8, 3, 3, 3], output: [1, 8, 8, 8], same: true, float: true)
        // Multipliers and shifts even for float.
        XCTAssertEqual(convolution.persistentRequests.map { $0.bytes(on: gcc) }, [56, 32, 32])
        XCTAssertEqual(convolution.persistentRequests.map(\.phase), [.initialization, .preparation, .preparation])
        XCTAssertEqual(convolution.scratchRequests, [])
        let perTensorFC = try prepared("FULLY_CONNECTED", .reference, inputs: [int8([1, 32]), int8([16, 32], constant: true), bias(16)],
                                       output: int8([1, 16]))
        XCTAssertEqual(perTensorFC.persistentRequests.count, 1)
        let int16 = KernelRunner.Operand(type: .int16, shape: [1, 4], bytes: [UInt8](repeating: 0, count: 8), scale: [0.001], zeroPoint: [0])
        var int16Out = int16
        int16Out.scale = [Float(1) / 32768]
        let int16Softmax = try prepared("SOFTMAX", .reference, options: [("beta", .float(1))], inputs: [int16], output: int16Out)
        XCTAssertEqual(int16Softmax.persistentRequests.map { $0.bytes(on: host, compression: true) }, [80, 1026, 1026])
    }

    /// CMSIS-NN scratch sizes for a DSP core (GCC), worked from its *_get_buffer_size functions.
    func testCMSISNNScratch() throws {
        // im2col: 2 columns of 3·3·3 = 27 -> 28 int16 values.
        XCTAssertEqual(try conv(.cmsisNN, input: [1, 10, 10, 3], filter: [8, 3, 3, 3], output: [1, 10, 10, 8], same: true).scratchRequests,
                       [2 * 28 * 2])
        // Float: reference arithmetic, no per-channel arrays, no buffer.
        XCTAssertEqual(try conv(.cmsisNN, input: [1, 10, 10, 3], filter: [8, 3, 3, 3], output: [1, 10, 10, 8], same: true,
                                float: true).persistentRequests.count, 1)
        // The 1x1 fast path asks for nothing built with GCC (Arm Compiler 6 builds ask for 2·c int16s).
        XCTAssertEqual(try conv(.cmsisNN, input: [1, 8, 8, 16], filter: [8, 1, 1, 16], output: [1, 8, 8, 8], same: false).scratchRequests, [])
        // Depthwise: the 3×3 kernel with padding ≤ 1 needs nothing; a 5×5 filter needs c·25 int16.
        XCTAssertEqual(try conv(.cmsisNN, "DEPTHWISE_CONV_2D", input: [1, 10, 10, 8], filter: [1, 3, 3, 8], output: [1, 10, 10, 8],
                                same: true, depthMultiplier: 1).scratchRequests, [])
        XCTAssertEqual(try conv(.cmsisNN, "DEPTHWISE_CONV_2D", input: [1, 10, 10, 8], filter: [1, 5, 5, 8], output: [1, 10, 10, 8],
                                same: true, depthMultiplier: 1).scratchRequests, [8 * 25 * 2])
        // Depth multiplier 2: the generic kernel, no buffer.
        XCTAssertEqual(try conv(.cmsisNN, "DEPTHWISE_CONV_2D", input: [1, 10, 10, 8], filter: [1, 5, 5, 16], output: [1, 10, 10, 16],
                                same: true, depthMultiplier: 2).scratchRequests, [])
        let pool: [(String, OptionValue)] = [("padding", .enumeration("VALID", 1)), ("stride_w", .int(1)), ("stride_h", .int(1)),
                                             ("filter_width", .int(1)), ("filter_height", .int(1))]
        XCTAssertEqual(try prepared("AVERAGE_POOL_2D", .cmsisNN, options: pool, inputs: [int8([1, 2, 2, 4])], output: int8([1, 2, 2, 4]))
            .scratchRequests, [16])
        XCTAssertEqual(try prepared("MAX_POOL_2D", .cmsisNN, options: pool, inputs: [int8([1, 2, 2, 4])], output: int8([1, 2, 2, 4]))
            .scratchRequests, [])
        XCTAssertEqual(try prepared("FULLY_CONNECTED", .cmsisNN,
                                    inputs: [int8([1, 32]), int8([16, 32], constant: true, scales: [Float](repeating: 0.5, count: 16)), bias(16)],
                                    output: int8([1, 16])).scratchRequests, [])
        // An output of rank 3 runs as a 1x1 convolution: per-tensor weights need 8 bytes per output channel.
        XCTAssertEqual(try prepared("FULLY_CONNECTED", .cmsisNN, inputs: [int8([1, 2, 32]), int8([16, 32], constant: true), bias(16)],
                                    output: int8([1, 2, 16])).scratchRequests, [16 * 8])
    }

    // MARK: Whole tails

    /// A hand replay on Cortex-M (GCC, plain allocator) of op_fc_relu: 4 tensors, one
    /// FULLY_CONNECTED with 16 per-channel scales, one quantized input and output.
    /// Distance from the arena's end after each block (alignment in brackets):
    /// allocator 36 [4] -> 36, planner 44 -> 80, MicroAllocator 36 -> 116,
    /// builtin-data allocator 8 -> 124, SubgraphAllocations 8 -> 132, 4 × 12 eval
    /// tensors -> 180, 1 × 32 node -> 212, FC params: 5 [1] in 90b983c (the Cortex-M
    /// layout) -> 217, 16 [4] in the goldens' tree -> 228; then OpData 48 [16] -> 272 | 288,
    /// multipliers 64 [16] -> 336 | 352, shifts 64 -> 400 | 416, input pointer 4 [16] ->
    /// 416 | 432, TfLiteTensor 32 -> 448 | 464, quantization 12 + 8 -> 468 | 484, output
    /// pointer 4 [16] -> 480 | 496, TfLiteTensor 32 -> 512 | 528, quantization 12 + 8 ->
    /// 532 | 548. 532 is the tail TFLM 90b983c measured on a Cortex-M4 for op_fc_relu
    /// (Tests/Fixtures/cortexm/arena.json).
    func testCortexMTailByHand() throws {
        let fc = try prepared("FULLY_CONNECTED", .reference,
                              inputs: [int8([1, 32]), int8([16, 32], constant: true, scales: [Float](repeating: 0.5, count: 16)), bias(16)],
                              output: int8([1, 16]))
        let model = PersistentModel(
            tensorCount: 4,
            operators: [.init(builtinData: params(.fullyConnected), persistent: fc.persistentRequests,
                              scratchBufferCount: fc.scratchRequests.count)],
            inputs: [.init(quantizationChannels: 1)], outputs: [.init(quantizationChannels: 1)])
        let goldensTree32 = PersistentLayout(target: .cortexMGCC, allocator: .plain, compression: false)
        for (layout, fcParams, tailBytes) in [(PersistentLayout.cortexM, 5, 532), (goldensTree32, 16, 548)] {
            let tail = try layout.tail(for: model)
            XCTAssertEqual(tail.tailBytes, tailBytes)
            XCTAssertEqual(tail.row(.evalTensors), .init(what: "TfLiteEvalTensor data", used: 48, requested: 48, count: 4))
            XCTAssertEqual(tail.row(.persistentTensors)?.used, 64)
            XCTAssertEqual(tail.row(.quantization)?.used, 40)
            // The OpData block's padding absorbs the FC params' size: 60 after 16 B, 55 after 5 B.
            XCTAssertEqual(tail.row(.persistentBuffers), .init(what: "Persistent buffer data", used: (fcParams == 16 ? 60 : 55) + 64 + 64 + 16 + 12,
                                                               requested: 48 + 64 + 64 + 4 + 4, count: 5))
            XCTAssertEqual(tail.unrecorded.map(\.used).reduce(0, +), 36 + 44 + 36 + 8 + 8 + fcParams)
        }
    }

    func testBadModelsThrow() {
        let layout = PersistentLayout.cortexM
        XCTAssertThrowsError(try layout.tail(for: PersistentModel(tensorCount: -1, operators: [], inputs: [], outputs: [])))
        let huge = PersistentModel(tensorCount: 1, operators: [.init(builtinData: nil, persistent: [.buffer("x", bytes: -8)])],
                                   inputs: [], outputs: [])
        XCTAssertThrowsError(try layout.tail(for: huge))
        XCTAssertThrowsError(try layout.tail(for: PersistentModel(tensorCount: Int(Int32.max), operators: [], inputs: [], outputs: [])))
    }

    /// Zoo models, their tails replayed from each kernel's own declarations (prepared
    /// operator by operator with the reference kernels) and the model's I/O quantization.
    private func zooModels() throws -> [(String, PersistentModel)] {
        try ["op_fc_relu", "op_softmax", "op_add", "op_conv2d_same_s1_relu6", "op_dwconv_m1_same_s1_relu6",
             "op_avgpool_2x2_valid", "op_maxpool_2x2_valid", "op_reshape", "mnist_cnn_int8"].map { name in
            let model = try Model(contentsOf: SharedReference.zooDirectory.appendingPathComponent("\(name).tflite"))
            let contexts = try CoreKernelTests.prepareAll(model, variant: .reference)
            let subgraph = model.subgraphs[0]
            func interface(_ t: Int32) -> PersistentModel.InterfaceTensor {
                let scales = subgraph.tensors[Int(t)].quantization?.scale.count ?? 0
                return .init(quantizationChannels: scales > 0 ? scales : nil)
            }
            return (name, PersistentModel(
                tensorCount: subgraph.tensors.count,
                operators: contexts.map {
                    .init(builtinData: KernelRegistry.registration(for: $0.op)?.builtinData, persistent: $0.persistentRequests,
                          scratchBufferCount: $0.scratchRequests.count)
                },
                inputs: subgraph.inputs.map(interface), outputs: subgraph.outputs.map(interface)))
        }
    }

    func testHostTailsMatchGoldens() throws {
        try SharedReference.require()
        let golden = try SharedReference.json(SharedReference.zooDirectory.appendingPathComponent("golden.json"))
        let models = golden["models"] as? [String: Any] ?? [:]
        for (name, model) in try zooModels() {
            guard let tflm = (models[name] as? [String: Any])?["tflm"] as? [String: Any],
                  let tailBytes = tflm["arena_tail_bytes"] as? Int,
                  let breakdown = tflm["arena_breakdown"] as? [[String: Any]] else {
                XCTFail("\(name): no TFLM arena figures in golden.json")
                continue
            }
            let tail = try PersistentLayout(pointerSize: 8).tail(for: model)
            XCTAssertEqual(tail.tailBytes, tailBytes, name)
            let expected = breakdown.compactMap { row -> PersistentBreakdown.Row? in
                guard let what = row["what"] as? String, let used = row["used"] as? Int,
                      let requested = row["requested"] as? Int, let count = row["count"] as? Int else { return nil }
                return PersistentBreakdown.Row(what: what, used: used, requested: requested, count: count)
            }
            XCTAssertEqual(tail.rows, expected, name)
        }
    }
}
