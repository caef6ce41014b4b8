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

/// What one operator's Prepare does in the arena's free middle, in call order, as the
/// kernel declares it through PrepareContext (tempInput/tempOutput and its Prepare-phase
/// allocatePersistent calls).
public enum PrepareStep: Sendable, Equatable {
    /// A temporary TfLiteTensor. `quantizationChannels` is its scale count when it has
    /// scales and zero points: then a TfLiteAffineQuantization and a zero-point array
    /// (4 + 4·channels bytes) follow it in temp memory.
    case tempTensor(quantizationChannels: Int?)
    /// An AllocatePersistentBuffer call made in Prepare.
    case persistentBuffer(PersistentRequest)
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
    /// The tail after AllocateTensors as this replay sees it (equals
    /// PersistentLayout.tail(for:).tailBytes).
    public let tailBytes: Int

    /// GreedyMemoryPlanner::per_buffer_size(): BufferRequirements (4 ints), two sorting
    /// ints, a ListEntry (3 ints) and an offset.
    public static let plannerBytesPerBuffer = 40
    /// kMaxScratchBuffersPerOp: the request array always has room for this many more.
    public static let scratchRequestsPerOperator = 12

    /// - Parameters:
    ///   - plan: the head (its buffer count sizes the planner's arrays, its high-water mark the head).
    ///   - persistentModel: what the tail holds, replayed in TFLM's order.
    ///   - prepareSteps: per operator, its Prepare's temp tensors and persistent allocations, in order.
    ///   - layout: the target build (64-bit host of the goldens or 32-bit Cortex-M).
    public init(plan: AllocationPlan, persistentModel model: PersistentModel, prepareSteps: [[PrepareStep]],
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
        for (index, op) in model.operators.enumerated() {
            var temp = head
            var liveEnd: Int?
            for step in prepareSteps[index] {
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
                case let .persistentBuffer(r):
                    // Only checked against the head: it may land on temp memory, which
                    // matters while the kernel still reads its last temp tensor.
                    persist(try checked(layout.bytes(of: r), r.what), alignment: ArenaAlignment.buffer)
                    require(tail + head, .operatorPrepare(index))
                    if let liveEnd { require(tail + liveEnd, .operatorPrepare(index)) }
                }
            }
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
