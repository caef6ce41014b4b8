// The tail of the arena: everything TFLM allocates persistently, struct by
// struct, for a 32-bit Cortex-M build or the 64-bit host the goldens came from.
//
// TFLM's persistent allocator (SingleArenaBufferAllocator::AllocatePersistentBuffer)
// grows downwards from the arena's end and aligns each block's *start* down to the
// requested alignment, so the bytes a block really takes ("used") depend on where
// the previous block ended. PersistentLayout.tail(for:) replays TFLM's allocation
// sequence (micro_allocator.cc, micro_interpreter.cc, recording_micro_allocator.cc)
// to get those paddings exactly. The arena's end is taken as 16-byte aligned.

// MARK: - C struct layout

/// The ABI facts that decide C struct layout.
public struct CTarget: Sendable, Equatable {
    /// Size and alignment of pointers, size_t and intptr_t: 4 on Cortex-M, 8 on x86-64.
    public var pointerSize: Int
    /// C enums without a fixed type take the smallest integer that holds their values
    /// (-fshort-enums). arm-none-eabi-gcc does this by default; x86-64 compilers don't.
    public var shortEnums: Bool

    public init(pointerSize: Int, shortEnums: Bool) {
        self.pointerSize = pointerSize
        self.shortEnums = shortEnums
    }

    /// x86-64 Linux, where the Python wheel measured the goldens.
    public static let x86_64 = CTarget(pointerSize: 8, shortEnums: false)
    /// Cortex-M built with arm-none-eabi-gcc's defaults (the TFLM Makefile sets no enum flag).
    public static let cortexMGCC = CTarget(pointerSize: 4, shortEnums: true)
    /// Cortex-M built with 4-byte enums (-fno-short-enums).
    public static let cortexMIntEnums = CTarget(pointerSize: 4, shortEnums: false)
}

/// A C field type. 64-bit integers and doubles are 8-byte aligned on both targets
/// (AAPCS and the x86-64 SysV ABI agree).
public indirect enum CType: Sendable, Equatable {
    case bool, int8, int16, int32, int64, float32, float64
    /// A pointer, size_t, intptr_t or C++ vtable pointer.
    case pointer
    /// A TFLite C enum; all of those used here have values below 128.
    case smallEnum
    case array(CType, count: Int)
    case record(CStruct)

    public func size(on target: CTarget) -> Int {
        switch self {
        case .bool, .int8: return 1
        case .int16: return 2
        case .int32, .float32: return 4
        case .int64, .float64: return 8
        case .pointer: return target.pointerSize
        case .smallEnum: return target.shortEnums ? 1 : 4
        case let .array(element, count): return element.size(on: target) * max(count, 0)
        case let .record(s): return s.size(on: target)
        }
    }

    public func alignment(on target: CTarget) -> Int {
        switch self {
        case let .array(element, _): return element.alignment(on: target)
        case let .record(s): return s.alignment(on: target)
        default: return size(on: target)
        }
    }
}

/// A C struct (or C++ class, with its vtable pointers written out as fields).
public struct CStruct: Sendable, Equatable {
    public let name: String
    public let fields: [CType]

    public init(_ name: String, _ fields: [CType]) {
        self.name = name
        self.fields = fields
    }

    public func alignment(on target: CTarget) -> Int {
        fields.map { $0.alignment(on: target) }.max() ?? 1
    }

    /// Fields at their natural alignment, the total padded to the struct's alignment.
    public func size(on target: CTarget) -> Int {
        var offset = 0
        for f in fields {
            offset = ArenaAlignment.up(offset, to: f.alignment(on: target)) + f.size(on: target)
        }
        return ArenaAlignment.up(offset, to: alignment(on: target))
    }
}

// MARK: - TFLM's structs

/// The structs TFLM puts in the tail, as declared in the TFLM tree the goldens were
/// made with (TF_LITE_STATIC_MEMORY, as every TFLM build defines it).
public enum TFLMStructs {
    private static let ptr = CType.pointer
    private static func ints(_ n: Int) -> [CType] { Array(repeating: .int32, count: n) }

    // tensorflow/lite/core/c/common.h
    public static let tfLiteEvalTensor = CStruct("TfLiteEvalTensor", [ptr /* data */, ptr /* dims */, .smallEnum /* type */])
    public static let tfLiteNode = CStruct("TfLiteNode", [ptr, ptr, ptr, ptr, ptr, ptr /* inputs … custom_initial_data */, .int32])
    public static let tfLiteQuantization = CStruct("TfLiteQuantization", [.smallEnum, ptr])
    public static let tfLiteQuantizationParams = CStruct("TfLiteQuantizationParams", [.float32, .int32])
    public static let tfLiteTensor = CStruct("TfLiteTensor", [
        .record(tfLiteQuantization), .record(tfLiteQuantizationParams), ptr /* data */, ptr /* dims */,
        ptr /* bytes (size_t) */, .smallEnum /* type */, .smallEnum /* allocation_type */, .bool /* is_variable */,
    ])
    public static let tfLiteAffineQuantization = CStruct("TfLiteAffineQuantization", [ptr /* scale */, ptr /* zero_point */, .int32])
    public static let tfLitePaddingValues = CStruct("TfLitePaddingValues", ints(4))

    /// TfLiteIntArrayGetSizeInBytes: an int count followed by the ints.
    public static func tfLiteIntArrayBytes(count: Int) -> Int { 4 + 4 * count }

    // micro_allocator.h / micro_common.h
    public static let nodeAndRegistration = CStruct("NodeAndRegistration", [.record(tfLiteNode), ptr /* registration */])
    public static let scratchBufferHandle = CStruct("ScratchBufferHandle", [ptr])
    /// With USE_TFLM_COMPRESSION it also holds the compressed-tensor list pointer.
    public static func subgraphAllocations(compression: Bool) -> CStruct {
        CStruct("SubgraphAllocations", compression ? [ptr, ptr, ptr] : [ptr, ptr])
    }

    // The allocator's own objects, which live in the tail too.
    /// vtable pointer + the persistent allocator pointer (anonymous class in micro_allocator.cc).
    public static let microBuiltinDataAllocator = CStruct("MicroBuiltinDataAllocator", [ptr, ptr])
    /// Two interface vtables, five cursors, a checksum (intptr_t) and a count.
    public static let singleArenaBufferAllocator = CStruct("SingleArenaBufferAllocator", [ptr, ptr, ptr, ptr, ptr, ptr, ptr, ptr, .int32])
    /// Adds requested head/tail bytes, used bytes and a count (size_t each).
    public static let recordingSingleArenaBufferAllocator = CStruct("RecordingSingleArenaBufferAllocator",
                                                                    [.record(singleArenaBufferAllocator), ptr, ptr, ptr, ptr])
    public static let greedyMemoryPlanner = CStruct("GreedyMemoryPlanner", [
        ptr /* vtable */, .int32, .int32, ptr, ptr, ptr, ptr, .int32, .int32, ptr, .bool,
    ])
    public static let microAllocator = CStruct("MicroAllocator", [
        ptr /* vtable */, ptr, ptr, ptr, ptr /* allocators, builtin data allocator, planner */, .bool,
        ptr /* request count */, ptr /* scratch head */, ptr /* max head usage */,
    ])
    /// Adds a pointer and one RecordedAllocation (3 × size_t) per recorded kind:
    /// 7 kinds, 8 with compression.
    public static func recordingMicroAllocator(compression: Bool) -> CStruct {
        let recorded = CStruct("RecordedAllocation", [ptr, ptr, ptr])
        return CStruct("RecordingMicroAllocator",
                       [.record(microAllocator), ptr] + Array(repeating: .record(recorded), count: compression ? 8 : 7))
    }

    // Builtin operator data (tensorflow/compiler/mlir/lite/core/c/builtin_op_data.h),
    // allocated by the flatbuffer parse functions.
    public static let convParams = CStruct("TfLiteConvParams", [.smallEnum, .int32, .int32, .smallEnum, .int32, .int32, .smallEnum])
    public static let depthwiseConvParams = CStruct("TfLiteDepthwiseConvParams",
                                                    [.smallEnum, .int32, .int32, .int32, .smallEnum, .int32, .int32])
    public static let poolParams = CStruct("TfLitePoolParams",
                                           [.smallEnum, .int32, .int32, .int32, .int32, .smallEnum, .record(tfLitePaddingValues)])
    /// The goldens' TFLM (8f6596d) has a quantization-spec pointer and length after the
    /// five fields of older trees (the wheel's ParseFullyConnected writes offsets 16 and 24;
    /// 32 bytes, 8-aligned on x86-64; 16 bytes, 4-aligned on Cortex-M).
    public static let fullyConnectedParams = CStruct("TfLiteFullyConnectedParams",
                                                     [.smallEnum, .smallEnum, .bool, .bool, .smallEnum, ptr, .int32])
    /// The same struct in the TFLM tree the Cortex-M figures were measured on (90b983c,
    /// Scripts/tflm-cortexm): the five fields only, 5 bytes and 1-aligned with short enums.
    public static let fullyConnectedParamsWithoutQuantizationSpec = CStruct("TfLiteFullyConnectedParams",
                                                                           [.smallEnum, .smallEnum, .bool, .bool, .smallEnum])
    public static let addParams = CStruct("TfLiteAddParams", [.smallEnum, .bool])
    public static let subParams = CStruct("TfLiteSubParams", [.smallEnum, .bool])
    public static let mulParams = CStruct("TfLiteMulParams", [.smallEnum])
    public static let softmaxParams = CStruct("TfLiteSoftmaxParams", [.float32])
    public static let reshapeParams = CStruct("TfLiteReshapeParams", ints(9))
    public static let squeezeParams = CStruct("TfLiteSqueezeParams", ints(9))
    public static let concatenationParams = CStruct("TfLiteConcatenationParams", [.int32, .smallEnum])
    public static let leakyReluParams = CStruct("TfLiteLeakyReluParams", [.float32])
    public static let reducerParams = CStruct("TfLiteReducerParams", [.bool])
    public static let stridedSliceParams = CStruct("TfLiteStridedSliceParams", ints(5) + [.bool])
    public static let transposeConvParams = CStruct("TfLiteTransposeConvParams", [.smallEnum, .int32, .int32, .smallEnum, .smallEnum])

    /// What the parse function of a builtin operator allocates (nil: nothing). Operators
    /// not listed here are unknown, which `builtinDataKnown` tells apart.
    public static func builtinData(forOperator name: String) -> CStruct? {
        builtinDataByOperator[name] ?? nil
    }

    public static func builtinDataKnown(forOperator name: String) -> Bool { builtinDataByOperator[name] != nil }

    private static let builtinDataByOperator: [String: CStruct?] = [
        "CONV_2D": convParams, "DEPTHWISE_CONV_2D": depthwiseConvParams,
        "AVERAGE_POOL_2D": poolParams, "MAX_POOL_2D": poolParams, "L2_POOL_2D": poolParams,
        "FULLY_CONNECTED": fullyConnectedParams, "ADD": addParams, "SUB": subParams, "MUL": mulParams,
        "SOFTMAX": softmaxParams, "RESHAPE": reshapeParams, "SQUEEZE": squeezeParams,
        "CONCATENATION": concatenationParams, "LEAKY_RELU": leakyReluParams, "MEAN": reducerParams,
        "STRIDED_SLICE": stridedSliceParams, "TRANSPOSE_CONV": transposeConvParams,
        "SUM": reducerParams, "REDUCE_MAX": reducerParams, "REDUCE_MIN": reducerParams, "REDUCE_PROD": reducerParams,
        "DIV": CStruct("TfLiteDivParams", [.smallEnum]),
        "BATCH_MATMUL": CStruct("TfLiteBatchMatMulParams", [.bool, .bool, .bool]),
        "CAST": CStruct("TfLiteCastParams", [.smallEnum, .smallEnum]),
        "GATHER": CStruct("TfLiteGatherParams", ints(2)),
        "PACK": CStruct("TfLitePackParams", ints(2)),
        "UNPACK": CStruct("TfLiteUnpackParams", ints(2)),
        "SPLIT": CStruct("TfLiteSplitParams", ints(1)),
        "SPLIT_V": CStruct("TfLiteSplitVParams", ints(1)),
        "SHAPE": CStruct("TfLiteShapeParams", [.smallEnum]),
        "RESIZE_BILINEAR": CStruct("TfLiteResizeBilinearParams", [.bool, .bool]),
        "RESIZE_NEAREST_NEIGHBOR": CStruct("TfLiteResizeNearestNeighborParams", [.bool, .bool]),
        "SVDF": CStruct("TfLiteSVDFParams", [.int32, .smallEnum, .bool]),
        "UNIDIRECTIONAL_SEQUENCE_LSTM": CStruct("TfLiteUnidirectionalSequenceLSTMParams",
                                                [.smallEnum, .float32, .float32, .bool, .bool, .bool]),
        // Parse functions that allocate nothing.
        "RELU": nil, "RELU6": nil, "LOGISTIC": nil, "TANH": nil, "HARD_SWISH": nil, "PAD": nil, "PADV2": nil,
        "QUANTIZE": nil, "DEQUANTIZE": nil, "MAXIMUM": nil, "MINIMUM": nil, "PRELU": nil, "SQUARED_DIFFERENCE": nil,
        "EXP": nil, "LOG": nil, "SQRT": nil, "RSQRT": nil, "TRANSPOSE": nil, "EXPAND_DIMS": nil,
    ]

    // Kernel operator data (tensorflow/lite/micro/kernels/*.h and cmsis_nn/*.cc).
    /// conv.h; also used by the reference DEPTHWISE_CONV_2D. Compression adds two scratch indices.
    public static func opDataConv(compression: Bool) -> CStruct {
        CStruct("OpDataConv", [.record(tfLitePaddingValues)] + ints(5) + [ptr, ptr] + ints(3) + (compression ? ints(2) : []))
    }
    public static func opDataFullyConnected(compression: Bool) -> CStruct {
        CStruct("OpDataFullyConnected", ints(9) + [ptr, ptr, .bool] + (compression ? ints(2) : []))
    }
    public static let opDataPooling = CStruct("OpDataPooling", [.record(tfLitePaddingValues), .int32, .int32, .float32, .float32])
    /// add.h; CMSIS-NN's add.cc declares the same fields.
    public static let opDataAdd = CStruct("OpDataAdd", [.bool] + ints(12) + [.float32, .float32])
    /// kernels/internal/types.h: a double, seven 4-byte fields, five pointers.
    public static let softmaxOpData = CStruct("SoftmaxParams", [.float64] + ints(6) + [.float32, ptr, ptr, ptr, ptr, ptr])
    /// cmsis_nn/conv.cc and depthwise_conv.cc: the reference data plus a scratch index.
    public static func cmsisConvOpData(compression: Bool) -> CStruct {
        CStruct("OpData (CMSIS-NN conv)", [.record(opDataConv(compression: compression)), .int32])
    }
    /// cmsis_nn/fully_connected.cc: two scratch indices, kernel sums, batches, depths.
    public static func cmsisFullyConnectedOpData(compression: Bool) -> CStruct {
        CStruct("OpData (CMSIS-NN fully connected)",
                [.record(opDataFullyConnected(compression: compression)), .int32, .int32, ptr] + ints(3))
    }
    public static let cmsisPoolingOpData = CStruct("OpData (CMSIS-NN pooling)", [.record(opDataPooling), .int32])
    public static let cmsisSoftmaxOpData = CStruct("CMSISNNSoftmaxParams", [.record(softmaxOpData), .int32, .int32])
}

// MARK: - Kernel declarations

/// One AllocatePersistentBuffer call a kernel makes. Every such call is aligned to 16.
public struct PersistentRequest: Sendable, Equatable {
    /// Init calls run for all operators before any Prepare; the tail order follows that.
    public enum Phase: Sendable, Equatable {
        case initialization
        case preparation
    }

    public enum Size: Sendable, Equatable {
        case bytes(Int)
        case perPointerSize(bytes32: Int, bytes64: Int)
        case structure(CStruct)
        /// A struct that USE_TFLM_COMPRESSION grows (conv and FC operator data).
        case compressible(plain: CStruct, compressed: CStruct)
    }

    public let what: String
    public let phase: Phase
    public let size: Size

    public init(_ what: String, phase: Phase, size: Size) {
        self.what = what
        self.phase = phase
        self.size = size
    }

    public func bytes(on target: CTarget, compression: Bool = false) -> Int {
        switch size {
        case let .bytes(b): return b
        case let .perPointerSize(b32, b64): return target.pointerSize == 8 ? b64 : b32
        case let .structure(s): return s.size(on: target)
        case let .compressible(plain, compressed): return (compression ? compressed : plain).size(on: target)
        }
    }

    /// The kernel's Init: its operator data struct.
    public static func opData(_ s: CStruct) -> PersistentRequest { PersistentRequest(s.name, phase: .initialization, size: .structure(s)) }

    public static func opData(_ what: String, bytes32: Int, bytes64: Int) -> PersistentRequest {
        PersistentRequest(what, phase: .initialization, size: .perPointerSize(bytes32: bytes32, bytes64: bytes64))
    }

    /// Prepare's per-channel output multipliers or shifts: one int32 per channel.
    public static func int32Array(_ what: String, count: Int) -> PersistentRequest {
        PersistentRequest(what, phase: .preparation, size: .bytes(4 * count))
    }

    public static func buffer(_ what: String, bytes: Int, phase: Phase = .preparation) -> PersistentRequest {
        PersistentRequest(what, phase: phase, size: .bytes(bytes))
    }
}

/// What one operator costs in the arena besides its tensors.
public struct KernelArenaFootprint: Sendable, Equatable {
    /// The parse function's allocation (nil: none).
    public var builtinData: CStruct?
    public var persistent: [PersistentRequest]
    /// RequestScratchBufferInArena sizes, in request order (planned in the head).
    public var scratchBytes: [Int]

    public init(builtinData: CStruct?, persistent: [PersistentRequest], scratchBytes: [Int] = []) {
        self.builtinData = builtinData
        self.persistent = persistent
        self.scratchBytes = scratchBytes
    }
}

/// The Init/Prepare allocations of TFLM's kernels for the operators mcusim models,
/// in the reference and the CMSIS-NN variant. CMSIS-NN scratch sizes follow its
/// *_get_buffer_size functions for a core with the DSP extension and no MVE
/// (Cortex-M4/M7) unless `dsp` is false (Cortex-M0/M3).
public enum KernelArenaRequests {
    public enum Variant: Sendable, Equatable { case reference, cmsisNN }
    public enum DataType: Sendable, Equatable { case float32, int8, int16 }
    /// Only CMSIS-NN's 1×1 convolution buffer depends on it: Arm Compiler 6 gets a
    /// buffer, GCC none (arm_convolve_1x1_s8_fast_get_buffer_size).
    public enum Compiler: Sendable, Equatable { case gcc, armCompiler6 }

    /// Convolution geometry as CMSIS-NN sees it; padding is TFLM's computed padding.
    public struct ConvGeometry: Sendable, Equatable {
        public var batches = 1
        public var inputHeight: Int
        public var inputWidth: Int
        public var inputChannels: Int
        /// Filter depth (input channels per group); equals inputChannels unless grouped.
        public var filterChannels: Int
        public var filterHeight: Int
        public var filterWidth: Int
        public var outputChannels: Int
        public var strideHeight = 1
        public var strideWidth = 1
        public var dilationHeight = 1
        public var dilationWidth = 1
        public var paddingHeight = 0
        public var paddingWidth = 0

        public init(inputHeight: Int, inputWidth: Int, inputChannels: Int, filterHeight: Int, filterWidth: Int,
                    outputChannels: Int, filterChannels: Int? = nil) {
            self.inputHeight = inputHeight
            self.inputWidth = inputWidth
            self.inputChannels = inputChannels
            self.filterChannels = filterChannels ?? inputChannels
            self.filterHeight = filterHeight
            self.filterWidth = filterWidth
            self.outputChannels = outputChannels
        }
    }

    private static func perChannel(_ channels: Int) -> [PersistentRequest] {
        [.int32Array("per-channel output multipliers", count: channels),
         .int32Array("per-channel output shifts", count: channels)]
    }

    /// CONV_2D. The reference kernel allocates the per-channel arrays for every type
    /// (float too); CMSIS-NN only for int8/int16, and asks for an im2col buffer.
    public static func conv2D(_ variant: Variant, dataType: DataType, geometry g: ConvGeometry, compression: Bool = false,
                              dsp: Bool = true, compiler: Compiler = .gcc) -> KernelArenaFootprint {
        switch variant {
        case .reference:
            return KernelArenaFootprint(builtinData: TFLMStructs.convParams,
                                        persistent: [.opData(TFLMStructs.opDataConv(compression: compression))] + perChannel(g.outputChannels))
        case .cmsisNN:
            let quantized = dataType != .float32
            var scratch: [Int] = []
            if dataType == .int8 {
                let size = cmsisConvolveS8BufferSize(g, dsp: dsp, compiler: compiler)
                if size > 0 { scratch.append(size) }
            } else if dataType == .int16 {
                // arm_convolve_s16_get_buffer_size (TFLM asks only with 64-bit or absent bias).
                scratch.append(2 * g.inputChannels * g.filterWidth * g.filterHeight * 2)
            }
            return KernelArenaFootprint(builtinData: TFLMStructs.convParams,
                                        persistent: [.opData(TFLMStructs.cmsisConvOpData(compression: compression))]
                                            + (quantized ? perChannel(g.outputChannels) : []),
                                        scratchBytes: scratch)
        }
    }

    /// arm_convolve_wrapper_s8_get_buffer_size on a non-MVE core.
    public static func cmsisConvolveS8BufferSize(_ g: ConvGeometry, dsp: Bool = true, compiler: Compiler = .gcc) -> Int {
        let is1x1 = g.paddingWidth == 0 && g.paddingHeight == 0 && g.filterWidth == 1 && g.filterHeight == 1
            && g.dilationWidth == 1 && g.dilationHeight == 1 && g.inputChannels == g.filterChannels
        if is1x1 {
            let fast = g.strideWidth == 1 && g.strideHeight == 1
            return fast && dsp && compiler == .armCompiler6 ? 2 * g.inputChannels * 2 : 0
        }
        // The 1×N path uses the same im2col size as the general path without MVE.
        let rhsColumns = g.filterWidth * g.filterHeight * g.inputChannels
        return 2 * ArenaAlignment.up(rhsColumns, to: 4) * 2
    }

    /// DEPTHWISE_CONV_2D. CMSIS-NN's int8 kernel needs a buffer unless the depth
    /// multiplier is not 1, or the filter is 3×3 with padding ≤ 1 (its dedicated 3×3 kernel).
    public static func depthwiseConv2D(_ variant: Variant, dataType: DataType, geometry g: ConvGeometry,
                                       compression: Bool = false, dsp: Bool = true) -> KernelArenaFootprint {
        switch variant {
        case .reference:
            return KernelArenaFootprint(builtinData: TFLMStructs.depthwiseConvParams,
                                        persistent: [.opData(TFLMStructs.opDataConv(compression: compression))] + perChannel(g.outputChannels))
        case .cmsisNN:
            var scratch: [Int] = []
            if dataType == .int8, g.inputChannels == g.outputChannels, g.batches == 1,
               g.dilationWidth == 1, g.dilationHeight == 1,
               !(g.filterWidth == 3 && g.filterHeight == 3 && g.paddingHeight <= 1 && g.paddingWidth <= 1), dsp {
                scratch.append(g.inputChannels * g.filterWidth * g.filterHeight * 2)
            }
            return KernelArenaFootprint(builtinData: TFLMStructs.depthwiseConvParams,
                                        persistent: [.opData(TFLMStructs.cmsisConvOpData(compression: compression))]
                                            + (dataType != .float32 ? perChannel(g.outputChannels) : []),
                                        scratchBytes: scratch)
        }
    }

    /// FULLY_CONNECTED. Per-channel arrays only for quantized weights with more than one
    /// scale (`filterScales` = the weights' scale count). CMSIS-NN on a DSP core needs no
    /// buffer unless the output has rank > 2 and the depth is a multiple of 4, where it
    /// runs a 1×1 convolution (per-tensor weights then need 8 bytes per output channel).
    public static func fullyConnected(_ variant: Variant, dataType: DataType, filterScales: Int, outputRank: Int = 2,
                                      accumDepth: Int, outputDepth: Int, compression: Bool = false,
                                      dsp: Bool = true, compiler: Compiler = .gcc) -> KernelArenaFootprint {
        let perChannelArrays = dataType != .float32 && filterScales > 1 ? perChannel(filterScales) : []
        switch variant {
        case .reference:
            return KernelArenaFootprint(builtinData: TFLMStructs.fullyConnectedParams,
                                        persistent: [.opData(TFLMStructs.opDataFullyConnected(compression: compression))] + perChannelArrays)
        case .cmsisNN:
            var scratch: [Int] = []
            if dataType == .int8, outputRank > 2, accumDepth % 4 == 0 {
                if filterScales <= 1 { scratch.append(outputDepth * 4 * 2) }
                if dsp, compiler == .armCompiler6 { scratch.append(2 * accumDepth * 2) }
            }
            return KernelArenaFootprint(builtinData: TFLMStructs.fullyConnectedParams,
                                        persistent: [.opData(TFLMStructs.cmsisFullyConnectedOpData(compression: compression))] + perChannelArrays,
                                        scratchBytes: scratch)
        }
    }

    /// AVERAGE_POOL_2D. CMSIS-NN int8/int16 on a DSP core: one int32 per channel.
    public static func averagePool2D(_ variant: Variant, dataType: DataType, channels: Int, dsp: Bool = true) -> KernelArenaFootprint {
        switch variant {
        case .reference:
            return KernelArenaFootprint(builtinData: TFLMStructs.poolParams, persistent: [.opData(TFLMStructs.opDataPooling)])
        case .cmsisNN:
            let scratch = dataType != .float32 && dsp ? [channels * 4] : []
            return KernelArenaFootprint(builtinData: TFLMStructs.poolParams, persistent: [.opData(TFLMStructs.cmsisPoolingOpData)],
                                        scratchBytes: scratch)
        }
    }

    public static func maxPool2D(_ variant: Variant) -> KernelArenaFootprint {
        KernelArenaFootprint(builtinData: TFLMStructs.poolParams,
                             persistent: [.opData(variant == .reference ? TFLMStructs.opDataPooling : TFLMStructs.cmsisPoolingOpData)])
    }

    public static func add(_ variant: Variant) -> KernelArenaFootprint {
        KernelArenaFootprint(builtinData: TFLMStructs.addParams, persistent: [.opData(TFLMStructs.opDataAdd)])
    }

    /// RESHAPE keeps no operator data; CMSIS-NN has no kernel of its own for it.
    public static func reshape() -> KernelArenaFootprint {
        KernelArenaFootprint(builtinData: TFLMStructs.reshapeParams, persistent: [])
    }

    /// SOFTMAX. An int16 input adds two 513-entry int16 lookup tables.
    public static func softmax(_ variant: Variant, inputType: DataType) -> KernelArenaFootprint {
        let params = variant == .reference ? TFLMStructs.softmaxOpData : TFLMStructs.cmsisSoftmaxOpData
        let tables: [PersistentRequest] = inputType == .int16
            ? [.buffer("exp lookup table", bytes: 513 * 2), .buffer("1/(1+x) lookup table", bytes: 513 * 2)] : []
        return KernelArenaFootprint(builtinData: TFLMStructs.softmaxParams, persistent: [.opData(params)] + tables)
    }
}

// MARK: - The tail

/// What the tail depends on, model by model.
public struct PersistentModel: Sendable, Equatable {
    public struct Operator: Sendable, Equatable {
        public var builtinData: CStruct?
        public var persistent: [PersistentRequest]
        public var scratchBufferCount: Int

        public init(builtinData: CStruct?, persistent: [PersistentRequest], scratchBufferCount: Int = 0) {
            self.builtinData = builtinData
            self.persistent = persistent
            self.scratchBufferCount = scratchBufferCount
        }

        public init(_ footprint: KernelArenaFootprint) {
            self.init(builtinData: footprint.builtinData, persistent: footprint.persistent,
                      scratchBufferCount: footprint.scratchBytes.count)
        }
    }

    /// An interpreter input or output, for which TFLM keeps a full TfLiteTensor.
    public struct InterfaceTensor: Sendable, Equatable {
        /// The number of scales; nil when the tensor has no quantization parameters.
        public var quantizationChannels: Int?

        public init(quantizationChannels: Int?) { self.quantizationChannels = quantizationChannels }
    }

    public var tensorCount: Int
    public var operators: [Operator]
    /// Byte sizes of variable tensors without an offline offset, in tensor order.
    public var variableTensorBytes: [Int]
    public var inputs: [InterfaceTensor]
    public var outputs: [InterfaceTensor]

    public init(tensorCount: Int, operators: [Operator], variableTensorBytes: [Int] = [],
                inputs: [InterfaceTensor], outputs: [InterfaceTensor]) {
        self.tensorCount = tensorCount
        self.operators = operators
        self.variableTensorBytes = variableTensorBytes
        self.inputs = inputs
        self.outputs = outputs
    }
}

public struct PersistentBreakdown: Sendable, Equatable {
    /// The kinds RecordingMicroAllocator::PrintAllocations reports, in its order.
    public enum Kind: String, Sendable, CaseIterable {
        case evalTensors = "TfLiteEvalTensor data"
        case persistentTensors = "Persistent TfLiteTensor data"
        case quantization = "Persistent TfLiteTensor quantization data"
        case persistentBuffers = "Persistent buffer data"
        case variableBuffers = "TfLiteTensor variable buffer data"
        case nodeAndRegistrations = "NodeAndRegistration struct"
    }

    public struct Row: Sendable, Equatable {
        public let what: String
        /// Bytes the tail moved, alignment padding included.
        public let used: Int
        public let requested: Int
        public let count: Int

        public init(what: String, used: Int, requested: Int, count: Int) {
            self.what = what
            self.used = used
            self.requested = requested
            self.count = count
        }
    }

    /// The recorded kinds TFLM prints (those with bytes), in its order.
    public let rows: [Row]
    /// Tail bytes TFLM records under no kind: its allocator objects, builtin operator
    /// data, subgraph bookkeeping and scratch buffer handles.
    public let unrecorded: [Row]
    /// TFLM's arena_tail_bytes.
    public let tailBytes: Int

    public func row(_ kind: Kind) -> Row? { rows.first { $0.what == kind.rawValue } }
}

public enum PersistentLayoutError: Error, Equatable, CustomStringConvertible {
    case negative(String)
    case tooLarge(String)

    public var description: String {
        switch self {
        case let .negative(what): return "\(what) is negative"
        case let .tooLarge(what): return "\(what) exceeds what a TFLM arena can hold"
        }
    }
}

public struct PersistentLayout: Sendable, Equatable {
    public enum Allocator: Sendable, Equatable {
        /// RecordingMicroAllocator, as the TFLM Python wrapper builds it (the goldens).
        case recording
        /// MicroAllocator, as MicroInterpreter(model, resolver, arena, size) builds it on a device.
        case plain
    }

    public let target: CTarget
    public let allocator: Allocator
    /// USE_TFLM_COMPRESSION: on in the Python wheel, off in the default Makefile build.
    public let compression: Bool
    /// Whether TfLiteFullyConnectedParams has the quantization-spec pointer and length: yes
    /// in the goldens' tree (8f6596d), no in the tree of the Cortex-M figures (90b983c,
    /// Tests/Fixtures/cortexm/arena.json), which is the only 32-bit build measured.
    public let fullyConnectedQuantizationSpec: Bool

    public init(target: CTarget, allocator: Allocator, compression: Bool, fullyConnectedQuantizationSpec: Bool = true) {
        self.target = target
        self.allocator = allocator
        self.compression = compression
        self.fullyConnectedQuantizationSpec = fullyConnectedQuantizationSpec
    }

    /// A parse function's struct as this build declares it.
    public func builtinData(_ data: CStruct) -> CStruct {
        if !fullyConnectedQuantizationSpec && data == TFLMStructs.fullyConnectedParams {
            return TFLMStructs.fullyConnectedParamsWithoutQuantizationSpec
        }
        return data
    }

    /// 8: the 64-bit host build the goldens come from (recording allocator, compression
    /// compiled in, 4-byte enums). 4: a Cortex-M firmware build with arm-none-eabi-gcc
    /// (plain allocator, no compression, short enums, FULLY_CONNECTED params of 90b983c).
    public init(pointerSize: Int) {
        self = pointerSize == 8 ? .hostGoldens : .cortexM
    }

    public static let hostGoldens = PersistentLayout(target: .x86_64, allocator: .recording, compression: true)
    public static let cortexM = PersistentLayout(target: .cortexMGCC, allocator: .plain, compression: false,
                                                 fullyConnectedQuantizationSpec: false)

    public var pointerSize: Int { target.pointerSize }

    // What each kind costs (requested bytes; padding comes from the replay in tail(for:)).
    public var evalTensorBytes: Int { TFLMStructs.tfLiteEvalTensor.size(on: target) }
    public var nodeAndRegistrationBytes: Int { TFLMStructs.nodeAndRegistration.size(on: target) }
    public var persistentTensorBytes: Int { TFLMStructs.tfLiteTensor.size(on: target) }
    /// TfLiteAffineQuantization plus the zero-point TfLiteIntArray (one int per channel).
    public func quantizationBytes(channels: Int) -> Int {
        TFLMStructs.tfLiteAffineQuantization.size(on: target) + TFLMStructs.tfLiteIntArrayBytes(count: channels)
    }
    public var scratchBufferHandleBytes: Int { TFLMStructs.scratchBufferHandle.size(on: target) }
    public var subgraphAllocationsBytes: Int { TFLMStructs.subgraphAllocations(compression: compression).size(on: target) }

    /// The allocator objects created before the model is looked at, in creation order.
    public var allocatorObjects: [CStruct] {
        switch allocator {
        case .recording:
            return [TFLMStructs.recordingSingleArenaBufferAllocator, TFLMStructs.greedyMemoryPlanner,
                    TFLMStructs.recordingMicroAllocator(compression: compression)]
        case .plain:
            return [TFLMStructs.singleArenaBufferAllocator, TFLMStructs.greedyMemoryPlanner, TFLMStructs.microAllocator]
        }
    }

    public func bytes(of request: PersistentRequest) -> Int { request.bytes(on: target, compression: compression) }

    /// Replays TFLM's persistent allocations for one subgraph, in its order:
    /// allocator objects; builtin-data allocator; SubgraphAllocations; the
    /// TfLiteEvalTensor array; the NodeAndRegistration array; every operator's builtin
    /// data; every kernel's Init buffers; every kernel's Prepare buffers; scratch
    /// buffer handles; variable tensors; then for inputs and then outputs a pointer
    /// array and one TfLiteTensor (+ quantization) each.
    public func tail(for model: PersistentModel) throws -> PersistentBreakdown {
        var replay = TailReplay()
        let limit = Int(Int32.max)
        func checked(_ value: Int, _ what: String) throws -> Int {
            if value < 0 { throw PersistentLayoutError.negative(what) }
            if value > limit { throw PersistentLayoutError.tooLarge(what) }
            return value
        }
        let tensorCount = try checked(model.tensorCount, "tensor count")
        let operatorCount = try checked(model.operators.count, "operator count")

        for object in allocatorObjects {
            replay.allocate(object.size(on: target), alignment: object.alignment(on: target), as: .unrecorded("allocator objects"))
        }
        let builtinAllocator = TFLMStructs.microBuiltinDataAllocator
        replay.allocate(builtinAllocator.size(on: target), alignment: builtinAllocator.alignment(on: target),
                        as: .unrecorded("allocator objects"))
        let subgraphs = TFLMStructs.subgraphAllocations(compression: compression)
        replay.allocate(subgraphs.size(on: target), alignment: subgraphs.alignment(on: target), as: .unrecorded("subgraph allocations"))

        // One allocation per array; the recording allocator counts its elements instead.
        let eval = TFLMStructs.tfLiteEvalTensor
        replay.allocate(try checked(eval.size(on: target) * tensorCount, "TfLiteEvalTensor array"),
                        alignment: eval.alignment(on: target), as: .recorded(.evalTensors), count: tensorCount)
        let nodes = TFLMStructs.nodeAndRegistration
        replay.allocate(try checked(nodes.size(on: target) * operatorCount, "NodeAndRegistration array"),
                        alignment: nodes.alignment(on: target), as: .recorded(.nodeAndRegistrations), count: operatorCount)

        for op in model.operators {
            if let declared = op.builtinData {
                let data = builtinData(declared)
                replay.allocate(data.size(on: target), alignment: data.alignment(on: target), as: .unrecorded("builtin operator data"))
            }
        }
        for phase in [PersistentRequest.Phase.initialization, .preparation] {
            for op in model.operators {
                for request in op.persistent where request.phase == phase {
                    replay.allocate(try checked(request.bytes(on: target, compression: compression), request.what), alignment: ArenaAlignment.buffer,
                                    as: .recorded(.persistentBuffers))
                }
            }
        }
        let scratchCount = try checked(model.operators.reduce(0) { $0 + max($1.scratchBufferCount, 0) }, "scratch buffer count")
        if scratchCount > 0 {
            let handle = TFLMStructs.scratchBufferHandle
            replay.allocate(try checked(handle.size(on: target) * scratchCount, "scratch buffer handles"),
                            alignment: handle.alignment(on: target), as: .unrecorded("scratch buffer handles"))
        }
        for bytes in model.variableTensorBytes {
            replay.allocate(try checked(bytes, "variable tensor"), alignment: ArenaAlignment.buffer, as: .recorded(.variableBuffers))
        }
        let tensor = TFLMStructs.tfLiteTensor
        let affine = TFLMStructs.tfLiteAffineQuantization
        for group in [model.inputs, model.outputs] {
            replay.allocate(target.pointerSize * group.count, alignment: ArenaAlignment.buffer, as: .recorded(.persistentBuffers))
            for t in group {
                replay.allocate(tensor.size(on: target), alignment: tensor.alignment(on: target), as: .recorded(.persistentTensors))
                if let channels = t.quantizationChannels, channels > 0 {
                    replay.allocate(affine.size(on: target), alignment: affine.alignment(on: target), as: .recorded(.quantization))
                    replay.allocate(TFLMStructs.tfLiteIntArrayBytes(count: try checked(channels, "quantization channels")),
                                    alignment: 4, as: .recorded(.quantization))
                }
            }
        }
        return replay.breakdown()
    }
}

/// The downward-growing tail: a block of `size` starts at (end - used - size)
/// rounded down to `alignment`, so with a 16-aligned end the new distance from the
/// end is (used + size) rounded up to `alignment` (every alignment here divides 16).
private struct TailReplay {
    enum Bucket: Hashable {
        case recorded(PersistentBreakdown.Kind)
        case unrecorded(String)
    }

    var used = 0
    var totals: [Bucket: (used: Int, requested: Int, count: Int)] = [:]
    var unrecordedOrder: [String] = []

    mutating func allocate(_ size: Int, alignment: Int, as bucket: Bucket, count: Int = 1) {
        let before = used
        used = ArenaAlignment.up(used + size, to: alignment)
        if case let .unrecorded(name) = bucket, !unrecordedOrder.contains(name) { unrecordedOrder.append(name) }
        let t = totals[bucket] ?? (0, 0, 0)
        totals[bucket] = (t.used + used - before, t.requested + size, t.count + count)
    }

    func breakdown() -> PersistentBreakdown {
        let rows = PersistentBreakdown.Kind.allCases.compactMap { kind -> PersistentBreakdown.Row? in
            guard let t = totals[.recorded(kind)], t.used > 0 || t.requested > 0 else { return nil }
            return PersistentBreakdown.Row(what: kind.rawValue, used: t.used, requested: t.requested, count: t.count)
        }
        let unrecorded = unrecordedOrder.compactMap { name -> PersistentBreakdown.Row? in
            guard let t = totals[.unrecorded(name)] else { return nil }
            return PersistentBreakdown.Row(what: name, used: t.used, requested: t.requested, count: t.count)
        }
        return PersistentBreakdown(rows: rows, unrecorded: unrecorded, tailBytes: used)
    }
}
