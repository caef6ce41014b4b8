import XCTest
import Interpreter

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

    func testBuiltinDataSizes() {
        let T = TFLMStructs.self
        // As the goldens' ParseXxx functions requested them on x86-64.
        assertSizes([
            (T.convParams, 28), (T.depthwiseConvParams, 28), (T.poolParams, 40), (T.fullyConnectedParams, 32),
            (T.addParams, 8), (T.softmaxParams, 4), (T.reshapeParams, 36), (T.concatenationParams, 8),
            (T.leakyReluParams, 4), (T.mulParams, 4), (T.reducerParams, 1), (T.squeezeParams, 36),
            (T.stridedSliceParams, 24), (T.subParams, 8), (T.transposeConvParams, 20),
        ], on: host)
        XCTAssertEqual(T.fullyConnectedParams.alignment(on: host), 8)
        // arm-none-eabi-gcc packs the 1-byte enums.
        assertSizes([
            (T.convParams, 28), (T.depthwiseConvParams, 28), (T.poolParams, 40), (T.addParams, 2), (T.softmaxParams, 4),
            (T.reshapeParams, 36), (T.mulParams, 1), (T.subParams, 2), (T.transposeConvParams, 16),
        ], on: gcc)
        // TfLiteFullyConnectedParams: the goldens' tree adds a pointer and a length (16 bytes
        // with short enums); the tree measured on Cortex-M (90b983c) has the five fields only.
        XCTAssertEqual(T.fullyConnectedParams.size(on: gcc), 16)
        XCTAssertEqual(T.fullyConnectedParamsWithoutQuantizationSpec.size(on: gcc), 5)
        XCTAssertEqual(T.fullyConnectedParamsWithoutQuantizationSpec.alignment(on: gcc), 1)
        XCTAssertEqual(PersistentLayout.cortexM.builtinData(T.fullyConnectedParams), T.fullyConnectedParamsWithoutQuantizationSpec)
        XCTAssertEqual(PersistentLayout.hostGoldens.builtinData(T.fullyConnectedParams), T.fullyConnectedParams)
        XCTAssertEqual(PersistentLayout.cortexM.builtinData(T.convParams), T.convParams)
        XCTAssertEqual(T.builtinData(forOperator: "RESHAPE"), T.reshapeParams)
        XCTAssertNil(T.builtinData(forOperator: "RELU"))
        XCTAssertTrue(T.builtinDataKnown(forOperator: "RELU"))
        XCTAssertFalse(T.builtinDataKnown(forOperator: "NOT_AN_OP"))
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

    // MARK: Kernel requests

    func testReferenceKernelRequests() {
        let conv = KernelArenaRequests.conv2D(.reference, dataType: .float32,
                                              geometry: .init(inputHeight: 8, inputWidth: 8, inputChannels: 3, filterHeight: 3,
                                                              filterWidth: 3, outputChannels: 8))
        // Multipliers and shifts even for float.
        XCTAssertEqual(conv.persistent.map { $0.bytes(on: gcc) }, [56, 32, 32])
        XCTAssertEqual(conv.persistent.map(\.phase), [.initialization, .preparation, .preparation])
        XCTAssertEqual(conv.scratchBytes, [])
        let perTensorFC = KernelArenaRequests.fullyConnected(.reference, dataType: .int8, filterScales: 1, accumDepth: 32, outputDepth: 16)
        XCTAssertEqual(perTensorFC.persistent.count, 1)
        let int16Softmax = KernelArenaRequests.softmax(.reference, inputType: .int16)
        XCTAssertEqual(int16Softmax.persistent.map { $0.bytes(on: host) }, [80, 1026, 1026])
    }

    /// CMSIS-NN scratch sizes for a DSP core, worked from its *_get_buffer_size functions.
    func testCMSISNNScratch() {
        typealias K = KernelArenaRequests
        var g3x3 = K.ConvGeometry(inputHeight: 10, inputWidth: 10, inputChannels: 3, filterHeight: 3, filterWidth: 3, outputChannels: 8)
        g3x3.paddingHeight = 1
        g3x3.paddingWidth = 1
        // im2col: 2 columns of 3·3·3 = 27 -> 28 int16 values.
        XCTAssertEqual(K.conv2D(.cmsisNN, dataType: .int8, geometry: g3x3).scratchBytes, [2 * 28 * 2])
        // Float: reference arithmetic, no per-channel arrays, no buffer.
        XCTAssertEqual(K.conv2D(.cmsisNN, dataType: .float32, geometry: g3x3).persistent.count, 1)
        let g1x1 = K.ConvGeometry(inputHeight: 8, inputWidth: 8, inputChannels: 16, filterHeight: 1, filterWidth: 1, outputChannels: 8)
        XCTAssertEqual(K.conv2D(.cmsisNN, dataType: .int8, geometry: g1x1).scratchBytes, [])
        XCTAssertEqual(K.conv2D(.cmsisNN, dataType: .int8, geometry: g1x1, compiler: .armCompiler6).scratchBytes, [2 * 16 * 2])
        // Depthwise: the 3×3 kernel with padding ≤ 1 needs nothing; a 5×5 filter needs c·25 int16.
        var dw = K.ConvGeometry(inputHeight: 10, inputWidth: 10, inputChannels: 8, filterHeight: 3, filterWidth: 3, outputChannels: 8)
        dw.paddingHeight = 1
        dw.paddingWidth = 1
        XCTAssertEqual(K.depthwiseConv2D(.cmsisNN, dataType: .int8, geometry: dw).scratchBytes, [])
        dw.filterHeight = 5
        dw.filterWidth = 5
        XCTAssertEqual(K.depthwiseConv2D(.cmsisNN, dataType: .int8, geometry: dw).scratchBytes, [8 * 25 * 2])
        dw.outputChannels = 16  // depth multiplier 2
        XCTAssertEqual(K.depthwiseConv2D(.cmsisNN, dataType: .int8, geometry: dw).scratchBytes, [])
        XCTAssertEqual(K.depthwiseConv2D(.cmsisNN, dataType: .int8, geometry: dw, dsp: false).scratchBytes, [])
        XCTAssertEqual(K.averagePool2D(.cmsisNN, dataType: .int8, channels: 4).scratchBytes, [16])
        XCTAssertEqual(K.maxPool2D(.cmsisNN).scratchBytes, [])
        XCTAssertEqual(K.fullyConnected(.cmsisNN, dataType: .int8, filterScales: 16, accumDepth: 32, outputDepth: 16).scratchBytes, [])
        XCTAssertEqual(K.fullyConnected(.cmsisNN, dataType: .int8, filterScales: 1, outputRank: 3, accumDepth: 32,
                                        outputDepth: 16).scratchBytes, [16 * 8])
    }

    // MARK: Whole tails

    /// A hand replay on Cortex-M (GCC, plain allocator) of op_fc_relu: 4 tensors, one
    /// FULLY_CONNECTED with 16 per-channel scales, one quantized input and output.
    /// Distance from the arena's end after each block (alignment in brackets):
    /// allocator 36 [4] -> 36, planner 44 -> 80, MicroAllocator 36 -> 116,
    /// builtin-data allocator 8 -> 124, SubgraphAllocations 8 -> 132, 4 × 12 eval
    /// tensors -> 180, 1 × 32 node -> 212, FC params 5 [1] (TFLM 90b983c: no
    /// quantization-spec fields) -> 217, OpData 48 [16] -> 272, multipliers 64 [16] -> 336,
    /// shifts 64 -> 400, input pointer 4 [16] -> 416, TfLiteTensor 32 -> 448,
    /// quantization 12 + 8 -> 468, output pointer 4 [16] -> 480, TfLiteTensor 32 -> 512,
    /// quantization 12 + 8 -> 532: the tail TFLM measured on a Cortex-M4 for op_fc_relu
    /// (Tests/Fixtures/cortexm/arena.json, reference kernels).
    func testCortexMTailByHand() throws {
        let model = PersistentModel(
            tensorCount: 4,
            operators: [.init(KernelArenaRequests.fullyConnected(.reference, dataType: .int8, filterScales: 16,
                                                                 accumDepth: 32, outputDepth: 16))],
            inputs: [.init(quantizationChannels: 1)], outputs: [.init(quantizationChannels: 1)])
        let tail = try PersistentLayout(pointerSize: 4).tail(for: model)
        XCTAssertEqual(tail.tailBytes, 532)
        XCTAssertEqual(tail.row(.evalTensors), .init(what: "TfLiteEvalTensor data", used: 48, requested: 48, count: 4))
        XCTAssertEqual(tail.row(.persistentTensors)?.used, 64)
        XCTAssertEqual(tail.row(.quantization)?.used, 40)
        XCTAssertEqual(tail.row(.persistentBuffers), .init(what: "Persistent buffer data", used: 55 + 64 + 64 + 16 + 12,
                                                           requested: 48 + 64 + 64 + 4 + 4, count: 5))
        XCTAssertEqual(tail.unrecorded.map(\.used).reduce(0, +), 36 + 44 + 36 + 8 + 8 + 5)
    }

    func testBadModelsThrow() {
        let layout = PersistentLayout.cortexM
        XCTAssertThrowsError(try layout.tail(for: PersistentModel(tensorCount: -1, operators: [], inputs: [], outputs: [])))
        let huge = PersistentModel(tensorCount: 1, operators: [.init(builtinData: nil, persistent: [.buffer("x", bytes: -8)])],
                                   inputs: [], outputs: [])
        XCTAssertThrowsError(try layout.tail(for: huge))
        XCTAssertThrowsError(try layout.tail(for: PersistentModel(tensorCount: Int(Int32.max), operators: [], inputs: [], outputs: [])))
    }

    /// Zoo models built from the operators mcusim models, described by hand
    /// (tensor counts, channel counts, I/O quantization from the model files).
    private func zooModels() -> [(String, PersistentModel)] {
        typealias K = KernelArenaRequests
        let q1 = PersistentModel.InterfaceTensor(quantizationChannels: 1)
        func geometry(_ c: Int) -> K.ConvGeometry {
            K.ConvGeometry(inputHeight: 10, inputWidth: 10, inputChannels: 3, filterHeight: 3, filterWidth: 3, outputChannels: c)
        }
        func model(_ tensors: Int, _ ops: [KernelArenaFootprint], inputs: Int = 1) -> PersistentModel {
            PersistentModel(tensorCount: tensors, operators: ops.map(PersistentModel.Operator.init),
                            inputs: Array(repeating: q1, count: inputs), outputs: [q1])
        }
        let compression = true  // the goldens' build
        return [
            ("op_fc_relu", model(4, [K.fullyConnected(.reference, dataType: .int8, filterScales: 16, accumDepth: 32,
                                                      outputDepth: 16, compression: compression)])),
            ("op_softmax", model(2, [K.softmax(.reference, inputType: .int8)])),
            ("op_add", model(3, [K.add(.reference)], inputs: 2)),
            ("op_conv2d_same_s1_relu6", model(4, [K.conv2D(.reference, dataType: .int8, geometry: geometry(8), compression: compression)])),
            ("op_dwconv_m1_same_s1_relu6", model(4, [K.depthwiseConv2D(.reference, dataType: .int8, geometry: geometry(8),
                                                                       compression: compression)])),
            ("op_avgpool_2x2_valid", model(2, [K.averagePool2D(.reference, dataType: .int8, channels: 4)])),
            ("op_maxpool_2x2_valid", model(2, [K.maxPool2D(.reference)])),
            ("op_reshape", model(3, [K.reshape()])),
            ("mnist_cnn_int8", model(18, [
                K.conv2D(.reference, dataType: .int8, geometry: geometry(8), compression: compression),
                K.maxPool2D(.reference),
                K.conv2D(.reference, dataType: .int8, geometry: geometry(16), compression: compression),
                K.maxPool2D(.reference),
                K.reshape(),
                K.fullyConnected(.reference, dataType: .int8, filterScales: 32, accumDepth: 400, outputDepth: 32, compression: compression),
                K.fullyConnected(.reference, dataType: .int8, filterScales: 10, accumDepth: 32, outputDepth: 10, compression: compression),
                K.softmax(.reference, inputType: .int8),
            ])),
        ]
    }

    func testHostTailsMatchGoldens() throws {
        try SharedReference.require()
        let golden = try SharedReference.json(SharedReference.zooDirectory.appendingPathComponent("golden.json"))
        let models = golden["models"] as? [String: Any] ?? [:]
        for (name, model) in zooModels() {
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
