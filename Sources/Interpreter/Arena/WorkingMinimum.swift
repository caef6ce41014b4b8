// The smallest arena with which TFLM's AllocateTensors and Invoke succeed (the
// "working minimum"). It can exceed head + tail (arena_used_bytes) because
// AllocateTensors also uses the space between head and tail for a while:
//
// - while operators are prepared, the head holds the ScratchBufferRequest array
//   (room for the requests so far + kMaxScratchBuffersPerOp), and the temporary
//   TfLiteTensors kernels take with AllocateTemp{Input,Output}Tensor (each with its
//   TfLiteAffineQuantization and zero-point array when quantized) sit above it until
//   ResetTempAllocations after that operator. A temp allocation must fit below the
//   tail; a persistent allocation is only checked against the head, so it may land
//   on temp memory, which is harmless unless the kernel still reads it;
// - while the memory plan is made, the AllocationInfo array and the greedy planner's
//   working arrays (40 bytes per planned buffer) sit above the request array.
//
// TFLM sources: arena_allocator/single_arena_buffer_allocator.cc (AllocateTemp,
// ResizeBuffer and AllocatePersistentBuffer and what each checks), micro_allocator.cc
// (InitScratchBufferData, FinishPrepareNodeAllocations, CommitStaticMemoryPlan,
// AllocateTempTfLiteTensor), micro_allocation_info.cc (CreateAllocationInfo),
// memory_planner/greedy_memory_planner.{h,cc} (per_buffer_size), and each kernel's
// Prepare for its temp tensors (kernels/*.cc, kernels/cmsis_nn/*.cc).

/// What one operator's Prepare does in the arena's free middle, in order.
public enum PrepareStep: Sendable, Equatable {
    /// A temporary TfLiteTensor for a present tensor. `quantizationChannels` is its
    /// scale count when it has scales and zero points: then a TfLiteAffineQuantization
    /// and a zero-point array (4 + 4·channels bytes) follow it in temp memory.
    case tempTensor(quantizationChannels: Int?)
    /// Here the kernel makes its Prepare-phase AllocatePersistentBuffer calls (all of
    /// them). Without this step they come after the last temp tensor.
    case persistentBuffers
}

/// Which tensors TFLM's kernel asks for as temporary TfLiteTensors in Prepare, in
/// call order, and where its persistent buffers come. One rule per operator, read
/// from the kernel sources and checked against gdb traces of the TFLM wheel.
public enum PrepareTempRule {
    public enum Slot: Sendable, Equatable {
        /// AllocateTempInputTensor(node, i): nothing when input i is absent.
        case input(Int)
        case output(Int)
        case persistentBuffers
    }

    /// The slots for `op`, nil when mcusim has no rule for it. `inputType(i)` is the
    /// type of input i (nil when absent); some kernels branch on it.
    public static func slots(op: String, variant: KernelVariant, inputCount: Int,
                             inputType: (Int) -> TensorType?) -> [Slot]? {
        let cmsis = variant == .cmsisNN
        switch op {
        case "CONV_2D", "DEPTHWISE_CONV_2D":
            // Prepare takes three tensors and allocates the per-channel arrays, then
            // CalculateOpData* takes input, filter, bias, output again. CMSIS-NN's
            // Prepare asks for input, filter, output (its bias request uses an output
            // index that does not exist, so it gets nothing).
            let first: [Slot] = cmsis ? [.input(0), .input(1), .output(0)] : [.output(0), .input(0), .input(1)]
            return first + [.persistentBuffers, .input(0), .input(1), .input(2), .output(0)]
        case "TRANSPOSE_CONV":
            // Inputs: output shape, filter, input, bias. CalculateOpData takes temps only
            // for quantized inputs.
            let quantized = inputType(2).map { $0 != .float32 } ?? false
            return [.output(0), .input(2), .input(1), .persistentBuffers]
                + (quantized ? [.input(2), .input(1), .input(3), .output(0)] : [])
        case "FULLY_CONNECTED":
            return [.input(0), .input(1), .input(2), .output(0), .persistentBuffers]
        case "AVERAGE_POOL_2D":
            // CMSIS-NN's AveragePrepare runs the reference PoolingPrepare, then takes both again.
            return cmsis ? [.input(0), .output(0), .input(0), .output(0)] : [.input(0), .output(0)]
        case "MAX_POOL_2D", "RELU", "HARD_SWISH", "LEAKY_RELU", "LOGISTIC", "QUANTIZE", "DEQUANTIZE",
             "CAST", "EXP", "LOG", "SQRT", "RSQRT", "RESHAPE", "SQUEEZE", "SOFTMAX":
            return [.input(0), .output(0), .persistentBuffers]
        case "RELU6":
            return [.input(0)]
        case "TANH":
            // TanhPrepare holds the input while CalculateArithmeticOpData takes input and output.
            return [.input(0), .input(0), .output(0)]
        case "ADD", "SUB", "MUL", "DIV", "SQUARED_DIFFERENCE", "PRELU", "EXPAND_DIMS", "TRANSPOSE",
             "RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR", "GATHER", "BATCH_MATMUL":
            return [.input(0), .input(1), .output(0), .persistentBuffers]
        case "PAD", "PADV2":
            return [.input(0), .input(1), .input(2), .output(0)]
        case "STRIDED_SLICE":
            return [.input(0), .input(1), .input(2), .input(3), .output(0)]
        case "CONCATENATION":
            return [.input(0), .output(0)] + (0..<max(inputCount, 0)).map { .input($0) }
        case "MEAN", "SUM":
            // PrepareMeanOrSumHelper, then PrepareSimple (output only for int8 input).
            return [.input(0), .output(0), .input(1), .input(0), .input(1)]
                + (inputType(0) == .int8 ? [.output(0)] : [])
        case "SPLIT":
            return [.input(0)]
        case "SPLIT_V":
            return [.input(2)]
        case "SVDF":
            return [.input(0), .input(1), .input(2), .input(3), .input(4), .output(0), .persistentBuffers]
        case "UNIDIRECTIONAL_SEQUENCE_LSTM":
            // LstmTensors takes all 24 inputs (absent ones give nothing), then the output.
            return (0..<24).map { .input($0) } + [.output(0), .persistentBuffers]
        case "PACK", "UNPACK", "MAXIMUM", "MINIMUM", "SHAPE":
            // No Prepare, or one that takes no temp tensor.
            return []
        default:
            return nil
        }
    }

    /// The rule's steps for one operator, given its tensors (nil when absent).
    /// nil when there is no rule.
    public static func steps(op: String, variant: KernelVariant, inputs: [TensorInfo?], outputs: [TensorInfo?]) -> [PrepareStep]? {
        func at(_ list: [TensorInfo?], _ i: Int) -> TensorInfo? { i >= 0 && i < list.count ? list[i] : nil }
        guard let slots = slots(op: op, variant: variant, inputCount: inputs.count,
                                inputType: { at(inputs, $0)?.type }) else { return nil }
        return slots.compactMap { slot -> PrepareStep? in
            let tensor: TensorInfo?
            switch slot {
            case .persistentBuffers: return .persistentBuffers
            case let .input(i): tensor = at(inputs, i)
            case let .output(i): tensor = at(outputs, i)
            }
            return tensor.map { .tempTensor(quantizationChannels: quantizationChannels(of: $0)) }
        }
    }

    /// TFLM gives a TfLiteTensor affine quantization when the model has both scales
    /// and zero points for it (InitializeTfLiteTensorFromFlatbuffer).
    static func quantizationChannels(of tensor: TensorInfo) -> Int? {
        !tensor.scale.isEmpty && !tensor.zeroPoint.isEmpty ? tensor.scale.count : nil
    }
}

public enum WorkingMinimumError: Error, Equatable, CustomStringConvertible {
    case operatorCountMismatch(steps: Int, operators: Int)
    case outOfRange(String)

    public var description: String {
        switch self {
        case let .operatorCountMismatch(steps, operators):
            return "prepare steps given for \(steps) operators, the model has \(operators)"
        case let .outOfRange(what): return "\(what) is out of range for a TFLM arena"
        }
    }
}

public struct WorkingMinimum: Sendable, Equatable {
    /// What sets the working minimum.
    public enum Limit: Sendable, Equatable {
        /// Head + tail once AllocateTensors is done (arena_used_bytes).
        case arenaUsed
        /// The ScratchBufferRequest array at the head while operators are prepared.
        case scratchRequests
        /// Operator i's temporary tensors, or the part of them its kernel still reads
        /// when its persistent buffers are allocated.
        case operatorPrepare(Int)
        /// The AllocationInfo array built for the memory plan.
        case allocationInfo
        /// The greedy planner's working arrays.
        case plannerArrays
    }

    /// Bytes, rounded up to 16 (the goldens are measured in 16-byte steps; the tail's
    /// paddings assume the arena's end is 16-aligned).
    public let bytes: Int
    public let limit: Limit
    /// Operators with no temp-tensor rule: their temporary tensors are not counted.
    public let operatorsWithoutRule: [Int]
    /// The tail after AllocateTensors as this replay sees it (equals
    /// PersistentLayout.tail(for:).tailBytes).
    public let tailBytes: Int

    public var isExact: Bool { operatorsWithoutRule.isEmpty }

    /// GreedyMemoryPlanner::per_buffer_size(): BufferRequirements (4 ints), two sorting
    /// ints, a ListEntry (3 ints) and an offset.
    public static let plannerBytesPerBuffer = 40
    /// kMaxScratchBuffersPerOp: the request array always has room for this many more.
    public static let scratchRequestsPerOperator = 12

    /// - Parameters:
    ///   - plan: the head (its buffer count sizes the planner's arrays, its high-water mark the head).
    ///   - persistentModel: what the tail holds, replayed in TFLM's order.
    ///   - prepareSteps: per operator, its Prepare's temp tensors (nil: no rule known).
    ///   - layout: the target build (64-bit host of the goldens or 32-bit Cortex-M).
    public init(plan: AllocationPlan, persistentModel model: PersistentModel, prepareSteps: [[PrepareStep]?],
                layout: PersistentLayout) throws {
        guard prepareSteps.count == model.operators.count else {
            throw WorkingMinimumError.operatorCountMismatch(steps: prepareSteps.count, operators: model.operators.count)
        }
        let target = layout.target
        let limitValue = Int(Int32.max)
        func checked(_ value: Int, _ what: String) throws -> Int {
            guard value >= 0, value <= limitValue else { throw WorkingMinimumError.outOfRange(what) }
            return value
        }
        func up(_ value: Int, _ alignment: Int) -> Int { ArenaAlignment.up(value, to: alignment) }

        let tensorCount = try checked(model.tensorCount, "tensor count")
        let plannedBuffers = try checked(plan.buffers.count, "planned buffer count")
        let headBytes = try checked(plan.headBytes, "head size")

        var need = 0
        var limit = Limit.arenaUsed
        func require(_ bytes: Int, _ why: Limit) {
            if bytes > need { need = bytes; limit = why }
        }
        // Distance of the tail from the arena's end.
        var tail = 0
        func persist(_ size: Int, alignment: Int) { tail = up(tail + size, alignment) }
        func persist(_ s: CStruct, count: Int = 1) {
            persist(s.size(on: target) * count, alignment: s.alignment(on: target))
        }

        // The head while operators are prepared: the ScratchBufferRequest array.
        let request = CStruct("ScratchBufferRequest", [.pointer /* bytes */, .int32, .int32])
        var requests = 0
        func requestArrayBytes() -> Int { request.size(on: target) * (requests + Self.scratchRequestsPerOperator) }
        var head = 0

        for object in layout.allocatorObjects { persist(object) }
        persist(TFLMStructs.microBuiltinDataAllocator)
        head = requestArrayBytes() // InitScratchBufferData
        require(tail + head, .scratchRequests)
        persist(TFLMStructs.subgraphAllocations(compression: layout.compression))
        persist(TFLMStructs.tfLiteEvalTensor, count: tensorCount)
        persist(TFLMStructs.nodeAndRegistration, count: model.operators.count)
        for op in model.operators { if let data = op.builtinData { persist(layout.builtinData(data)) } }
        for op in model.operators {
            for r in op.persistent where r.phase == .initialization {
                persist(try checked(layout.bytes(of: r), r.what), alignment: ArenaAlignment.buffer)
            }
        }
        require(tail + head, .scratchRequests)

        // Prepare, operator by operator.
        let tensor = TFLMStructs.tfLiteTensor
        let affine = TFLMStructs.tfLiteAffineQuantization
        // Read after the kernel's persistent allocations: TfLiteAffineQuantization's
        // scale and zero_point pointers (DeallocateTempTfLiteTensor frees the zero-point
        // array through the latter); of an unquantized tensor, its fields up to `dims`,
        // which the deallocation rewrites. Whatever lies above may be overwritten.
        let affineLiveBytes = 2 * target.pointerSize
        let tensorLiveBytes = Self.fieldsEnd(tensor, fieldCount: 4, on: target)
        var operatorsWithoutRule: [Int] = []
        for (index, op) in model.operators.enumerated() {
            var temp = head
            var liveEnd: Int?
            var pending = op.persistent.filter { $0.phase == .preparation }
            func allocatePending() throws {
                for r in pending {
                    persist(try checked(layout.bytes(of: r), r.what), alignment: ArenaAlignment.buffer)
                    require(tail + head, .operatorPrepare(index))
                    if let liveEnd { require(tail + liveEnd, .operatorPrepare(index)) }
                }
                pending = []
            }
            let steps = prepareSteps[index] ?? []
            if prepareSteps[index] == nil { operatorsWithoutRule.append(index) }
            for step in steps {
                switch step {
                case let .tempTensor(channels):
                    temp = up(temp, tensor.alignment(on: target))
                    let start = temp
                    temp += tensor.size(on: target)
                    require(temp + tail, .operatorPrepare(index))
                    liveEnd = start + tensorLiveBytes
                    if let channels {
                        let zeroPoints = TFLMStructs.tfLiteIntArrayBytes(count: try checked(channels, "quantization channels"))
                        temp = up(temp, affine.alignment(on: target))
                        liveEnd = temp + affineLiveBytes
                        temp += affine.size(on: target)
                        require(temp + tail, .operatorPrepare(index))
                        temp = up(temp, 4) + zeroPoints
                        require(temp + tail, .operatorPrepare(index))
                    }
                    guard temp <= limitValue else { throw WorkingMinimumError.outOfRange("temporary tensors of operator \(index)") }
                case .persistentBuffers:
                    try allocatePending()
                }
            }
            try allocatePending()
            // FinishPrepareNodeAllocations: temp memory is reset, the request array grows.
            requests = try checked(requests + max(op.scratchBufferCount, 0), "scratch buffer count")
            head = requestArrayBytes()
            require(tail + head, .scratchRequests)
        }

        // FinishModelAllocation: scratch buffer handles, then CommitStaticMemoryPlan.
        if requests > 0 {
            persist(TFLMStructs.scratchBufferHandle, count: requests)
            require(tail + head, .scratchRequests)
        }
        let allocationInfo = CStruct("AllocationInfo", [
            .pointer /* bytes */, .pointer /* output_ptr */, .int32, .int32, .int32 /* offline offset */, .bool,
        ])
        // CreateAllocationInfo: subgraph offsets (one size_t per subgraph), then one
        // AllocationInfo per tensor and scratch buffer.
        var temp = up(head, target.pointerSize) + target.pointerSize
        require(temp + tail, .allocationInfo)
        temp = up(temp, allocationInfo.alignment(on: target)) + allocationInfo.size(on: target) * (tensorCount + requests)
        require(temp + tail, .allocationInfo)
        for bytes in model.variableTensorBytes {
            persist(try checked(bytes, "variable tensor"), alignment: ArenaAlignment.buffer)
            require(tail + head, .allocationInfo)
        }
        // The planner gets all memory between the temp allocations and the tail
        // (both 16-aligned) and needs per_buffer_size bytes per buffer.
        require(up(tail, 16) + up(temp, 16) + Self.plannerBytesPerBuffer * plannedBuffers, .plannerArrays)

        // The head becomes the plan; the interpreter's input and output tensors follow in the tail.
        let tfLiteTensor = TFLMStructs.tfLiteTensor
        for group in [model.inputs, model.outputs] {
            persist(target.pointerSize * group.count, alignment: ArenaAlignment.buffer)
            for t in group {
                persist(tfLiteTensor)
                if let channels = t.quantizationChannels, channels > 0 {
                    persist(affine)
                    persist(TFLMStructs.tfLiteIntArrayBytes(count: try checked(channels, "quantization channels")), alignment: 4)
                }
            }
        }
        tailBytes = tail
        let used = headBytes + tail
        if used >= need { need = used; limit = .arenaUsed }
        bytes = up(need, 16)
        self.limit = limit
        self.operatorsWithoutRule = operatorsWithoutRule
    }

    /// End of the first `fieldCount` fields of `s` (their offsets as in CStruct.size).
    static func fieldsEnd(_ s: CStruct, fieldCount: Int, on target: CTarget) -> Int {
        var offset = 0
        for field in s.fields.prefix(fieldCount) {
            offset = ArenaAlignment.up(offset, to: field.alignment(on: target)) + field.size(on: target)
        }
        return offset
    }
}
