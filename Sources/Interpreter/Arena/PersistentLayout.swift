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
    /// Whether TfLiteFullyConnectedParams has the quantization-spec pointer and length: a
    /// fact of the TFLM tree, not of the target. Yes in the goldens' tree (8f6596d, the
    /// 64-bit host layout); no in 90b983c, the tree built for Cortex-M and measured under
    /// QEMU (Scripts/tflm-cortexm, Tests/Fixtures/cortexm/arena.json), which the 32-bit
    /// layout follows so that its figures are the ones a real link produced. A firmware on
    /// the newer tree takes 11 B more (16 B, 4-aligned) per FULLY_CONNECTED.
    public let fullyConnectedQuantizationSpec: Bool

    public init(target: CTarget, allocator: Allocator, compression: Bool, fullyConnectedQuantizationSpec: Bool = true) {
        self.target = target
        self.allocator = allocator
        self.compression = compression
        self.fullyConnectedQuantizationSpec = fullyConnectedQuantizationSpec
    }

    /// A parse function's struct as this build's tree declares it.
    public func builtinData(_ data: CStruct) -> CStruct {
        if !fullyConnectedQuantizationSpec && data == TFLMStructs.fullyConnectedParams {
            return TFLMStructs.fullyConnectedParamsWithoutQuantizationSpec
        }
        return data
    }

    /// 8: the 64-bit host build the goldens come from (recording allocator, compression
    /// compiled in, 4-byte enums). 4: a Cortex-M firmware build with arm-none-eabi-gcc
    /// (plain allocator, no compression, short enums) of the tree measured on Cortex-M.
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
