import Foundation

// TFLM's life cycle on one fixed arena: read the model, prepare every operator
// (types, shapes, operator data, scratch and persistent requests), plan the
// non-persistent buffers with TFLM's greedy planner, place everything in one arena
// allocated once, then invoke operator by operator with no heap allocation.

public struct InterpreterOptions: Sendable {
    public var variant: KernelVariant
    /// The arena's size in bytes, as a firmware would declare it; nil sizes it to fit.
    public var arenaSize: Int?
    /// Pointer size of the target build that the persistent section is modelled for:
    /// 4 for a 32-bit Cortex-M build (the default), 8 for a 64-bit host.
    public var pointerSize: Int

    public init(variant: KernelVariant = .cmsisNN, arenaSize: Int? = nil, pointerSize: Int = 4) {
        self.variant = variant
        self.arenaSize = arenaSize
        self.pointerSize = pointerSize
    }
}

/// The arena does not hold the model: what it needs and what it was given (exit 1,
/// like TFLM's AllocateTensors failing).
public struct ArenaTooSmallError: Error, CustomStringConvertible, Sendable {
    public let neededBytes: Int
    public let availableBytes: Int
    public var description: String {
        "arena too small: the model needs \(neededBytes) bytes, the arena has \(availableBytes) (short by \(neededBytes - availableBytes))"
    }
}

public final class MicroInterpreter {
    public let model: Model
    public let options: InterpreterOptions
    public let tensors: [TensorInfo]
    public let inputIndices: [Int]
    public let outputIndices: [Int]
    public let workloads: [OperatorWorkload]
    public let arenaUsage: ArenaUsage
    /// Offset of each tensor placed in the arena's planned section (nil for constants
    /// and persistent tensors).
    public let tensorOffsets: [Int?]

    private let kernels: [Kernel]
    private let evalContexts: [EvalContext]
    private let arena: UnsafeMutableRawBufferPointer
    /// Data address of every tensor: arena, persistent section or flash.
    private let tensorAddresses: [UnsafeMutableRawPointer?]

    public init(model: Model, options: InterpreterOptions = InterpreterOptions()) throws {
        self.model = model
        self.options = options
        let subgraph = model.subgraphs[0]
        let tensors = try Self.makeTensorInfos(model: model, subgraph: subgraph)
        self.tensors = tensors
        inputIndices = subgraph.inputs.map(Int.init)
        outputIndices = subgraph.outputs.map(Int.init)

        // Prepare every operator, in execution order, as TFLM's AllocateTensors does.
        var kernels: [Kernel] = []
        var prepared: [PrepareContext] = []
        var registrations: [OperatorRegistration] = []
        for (index, op) in subgraph.operators.enumerated() {
            let code = model.operatorCodes[Int(op.opcodeIndex)]
            guard let registration = KernelRegistry.registration(for: code.kind) else {
                throw UnsupportedOperatorError(operatorIndex: index, op: code.name, reason: KernelRegistry.missingReason(code.kind))
            }
            let kernel = registration.make()
            let context = PrepareContext(
                operatorIndex: index, op: code.kind, opVersion: Int(code.version), options: op.builtinOptions,
                variant: options.variant, customOptions: op.customOptions.map { model.bytes[$0] },
                inputs: op.inputs.map(Int.init), outputs: op.outputs.map(Int.init),
                intermediates: op.intermediates.map(Int.init), tensors: tensors)
            try kernel.prepare(context)
            kernels.append(kernel)
            prepared.append(context)
            registrations.append(registration)
        }
        self.kernels = kernels

        // Plan the head (activations + scratch) and replay the tail (persistent).
        let graph = Self.planningGraph(subgraph: subgraph, tensors: tensors, prepared: prepared)
        let persistentModel = Self.persistentModel(subgraph: subgraph, tensors: tensors, prepared: prepared,
                                                   registrations: registrations)
        let report = try ArenaUsage(graph: graph, persistentModel: persistentModel, prepareSteps: prepared.map(\.prepareSteps),
                                    pointerSize: options.pointerSize)
        arenaUsage = report
        let plan = report.plan

        // AllocateTensors also needs room for temporary allocations.
        let needed = report.workingMinimumBytes
        if let available = options.arenaSize, available < needed {
            throw ArenaTooSmallError(neededBytes: needed, availableBytes: available)
        }
        // One allocation for the whole run. Head at the start; variables (persistent
        // tensors) in the tail after it, as TFLM keeps them.
        let variableBytes = tensors.filter(\.isVariable).reduce(0) { $0 + Self.align16($1.byteCount) }
        let physical = max(plan.headBytes + variableBytes, 16)
        arena = UnsafeMutableRawBufferPointer.allocate(byteCount: physical, alignment: 16)
        arena.initializeMemory(as: UInt8.self, repeating: 0)
        let base = arena.baseAddress!

        var addresses = [UnsafeMutableRawPointer?](repeating: nil, count: tensors.count)
        var offsets = [Int?](repeating: nil, count: tensors.count)
        var variableCursor = plan.headBytes
        for tensor in tensors {
            if let offset = plan.tensorOffsets[tensor.index] {
                addresses[tensor.index] = base + offset
                offsets[tensor.index] = offset
            } else if tensor.isVariable {
                addresses[tensor.index] = base + variableCursor
                // TFLM's ResetVariableTensors: memset to the zero point for int8, else 0.
                let fill = tensor.type == .int8 ? Int(UInt8(truncatingIfNeeded: tensor.scalarZeroPoint)) : 0
                (base + variableCursor).initializeMemory(as: UInt8.self, repeating: UInt8(fill), count: tensor.byteCount)
                variableCursor += Self.align16(tensor.byteCount)
            } else if let constant = tensor.constantData {
                addresses[tensor.index] = UnsafeMutableRawPointer(mutating: constant)
            }
        }
        tensorAddresses = addresses
        tensorOffsets = offsets

        var contexts: [EvalContext] = []
        var workloads: [OperatorWorkload] = []
        for (index, op) in subgraph.operators.enumerated() {
            let ctx = prepared[index]
            let inputs = op.inputs.map { $0 >= 0 ? addresses[Int($0)] : nil }
            var outputs: [UnsafeMutableRawPointer] = []
            for t in op.outputs {
                // An output with no bytes (empty tensor) still needs a valid address.
                outputs.append(addresses[Int(t)] ?? base)
            }
            let scratch = plan.scratchOffsets[index].map { base + $0 }
            contexts.append(EvalContext(inputs: inputs, outputs: outputs, scratch: scratch))
            workloads.append(Self.workload(index: index, op: op, context: ctx, tensors: tensors, offsets: offsets,
                                           scratchBytes: ctx.scratchRequests.reduce(0, +), variant: options.variant))
        }
        evalContexts = contexts
        self.workloads = workloads
    }

    deinit {
        arena.deallocate()
    }

    // MARK: Inputs and outputs

    public func inputTensor(_ i: Int) -> TensorInfo { tensors[inputIndices[i]] }
    public func outputTensor(_ i: Int) -> TensorInfo { tensors[outputIndices[i]] }

    /// Copies `bytes` into input `i`; the length must match the tensor's.
    public func setInput(_ i: Int, bytes: [UInt8]) throws {
        let tensor = inputTensor(i)
        guard bytes.count == tensor.byteCount else {
            throw ModelError("input \(i) needs \(tensor.byteCount) bytes (\(tensor.type.numpyName) \(tensor.shape)), got \(bytes.count)", at: "input \(i)")
        }
        guard let address = tensorAddresses[tensor.index], !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { raw in
            if let source = raw.baseAddress { address.copyMemory(from: source, byteCount: bytes.count) }
        }
    }

    /// The bytes of any non-constant tensor as they are now in the arena (valid until
    /// the next invoke; planned tensors share memory).
    public func tensorBytes(_ index: Int) -> [UInt8] {
        let tensor = tensors[index]
        guard let address = tensorAddresses[index] else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: address, count: tensor.byteCount))
    }

    public func outputBytes(_ i: Int) -> [UInt8] { tensorBytes(outputIndices[i]) }

    // MARK: Invoke

    /// Runs every operator once. Allocates nothing on the heap when `observer` is nil
    /// (a test counts allocations around it).
    public func invoke(observer: InvokeObserver? = nil) throws {
        let count = kernels.count
        var i = 0
        while i < count {
            if let observer {
                observer.willInvoke(workloads[i])
                try kernels[i].eval(evalContexts[i])
                let outs = workloads[i].outputs.map { w -> UnsafeRawBufferPointer in
                    UnsafeRawBufferPointer(start: tensorAddresses[w.tensorIndex], count: w.bytes)
                }
                observer.didInvoke(workloads[i], outputs: outs)
            } else {
                try kernels[i].eval(evalContexts[i])
            }
            i += 1
        }
    }

    /// Runs every operator once, adding each operator's CPU time on this thread, in
    /// nanoseconds, to `nanoseconds[i]` (`bench --per-operator`). Thread CPU time, not wall
    /// time, so other processes on a shared machine do not inflate one operator's share.
    /// `nanoseconds` needs one slot per operator.
    public func invoke(addingNanosecondsTo nanoseconds: UnsafeMutableBufferPointer<UInt64>) throws {
        precondition(nanoseconds.count >= kernels.count, "one slot per operator")
        var i = 0
        var start = Self.threadCPUNanoseconds()
        while i < kernels.count {
            try kernels[i].eval(evalContexts[i])
            let end = Self.threadCPUNanoseconds()
            nanoseconds[i] &+= end &- start
            start = end
            i += 1
        }
    }

    /// This thread's CPU time.
    public static func threadCPUNanoseconds() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
    }

    // MARK: Building blocks

    static func align16(_ n: Int) -> Int { (n + 15) & ~15 }

    static func makeTensorInfos(model: Model, subgraph: Subgraph) throws -> [TensorInfo] {
        var infos: [TensorInfo] = []
        infos.reserveCapacity(subgraph.tensors.count)
        for (index, tensor) in subgraph.tensors.enumerated() {
            let where_ = "subgraphs[0].tensors[\(index)]"
            guard let elementCount = tensor.elementCount, elementCount <= 1 << 31 else {
                throw ModelError("tensor shape \(tensor.shape) is too large", at: where_)
            }
            let type = tensor.type
            // Unknown types are allowed to load; a kernel that meets one refuses it.
            let byteCount = tensor.byteCount ?? 0
            let constant = model.flashAddress(ofBuffer: tensor.buffer)
            if let constant, let range = model.buffers[Int(tensor.buffer)].range, range.count < byteCount {
                _ = constant
                throw ModelError("constant data has \(range.count) bytes, the tensor's shape \(tensor.shape) needs \(byteCount)", at: where_)
            }
            let q = tensor.quantization
            let zeroPoints = (q?.zeroPoint ?? []).map { Int32(truncatingIfNeeded: $0) }
            infos.append(TensorInfo(
                index: index, name: tensor.name, type: type ?? .string, shape: tensor.shape.map(Int.init),
                elementCount: elementCount, byteCount: byteCount, isConstant: constant != nil,
                isVariable: tensor.isVariable, scale: q?.scale ?? [], zeroPoint: zeroPoints,
                quantizedDimension: Int(q?.quantizedDimension ?? 0), constantData: constant))
        }
        return infos
    }

    private static func planningGraph(subgraph: Subgraph, tensors: [TensorInfo], prepared: [PrepareContext]) -> PlanningGraph {
        PlanningGraph(
            tensors: tensors.map { PlanningGraph.Tensor(bytes: $0.byteCount, isConstant: $0.isConstant, isVariable: $0.isVariable) },
            operators: subgraph.operators.enumerated().map { i, op in
                PlanningGraph.Operator(inputs: op.inputs.map(Int.init), outputs: op.outputs.map(Int.init),
                                       scratchBytes: prepared[i].scratchRequests)
            },
            inputs: subgraph.inputs.map(Int.init),
            outputs: subgraph.outputs.map(Int.init))
    }

    /// What TFLM keeps in the tail for this model: per-tensor and per-node structs, each
    /// operator's builtin data, the kernels' own allocations, scratch handles,
    /// variables, and a full TfLiteTensor per interpreter input and output.
    private static func persistentModel(subgraph: Subgraph, tensors: [TensorInfo], prepared: [PrepareContext],
                                        registrations: [OperatorRegistration]) -> PersistentModel {
        func interface(_ t: Int32) -> PersistentModel.InterfaceTensor {
            let scales = tensors[Int(t)].scale.count
            return PersistentModel.InterfaceTensor(quantizationChannels: scales > 0 ? scales : nil)
        }
        return PersistentModel(
            tensorCount: tensors.count,
            operators: zip(prepared, registrations).map { context, registration in
                PersistentModel.Operator(builtinData: registration.builtinData, persistent: context.persistentRequests,
                                         scratchBufferCount: context.scratchRequests.count)
            },
            variableTensorBytes: tensors.filter(\.isVariable).map(\.byteCount),
            inputs: subgraph.inputs.map(interface),
            outputs: subgraph.outputs.map(interface))
    }

    private static func workload(index: Int, op: Operator, context: PrepareContext, tensors: [TensorInfo],
                                 offsets: [Int?], scratchBytes: Int, variant: KernelVariant) -> OperatorWorkload {
        func describe(_ t: Int) -> TensorWorkload {
            let info = tensors[t]
            let location: TensorWorkload.Location = info.isConstant ? .flash : (info.isVariable ? .persistent : .arena)
            return TensorWorkload(tensorIndex: t, type: info.type, shape: info.shape, bytes: info.byteCount,
                                  location: location, arenaOffset: offsets[t], perChannel: info.scale.count > 1)
        }
        let inputs = op.inputs.map { $0 >= 0 ? describe(Int($0)) : nil }
        let outputs = op.outputs.map { describe(Int($0)) }
        let macs = KernelRegistry.macs(context.op, OperatorShapes(inputs: inputs.map { $0?.shape }, outputs: outputs.map(\.shape),
                                                                  options: context.options))
        // A kernel that names no path runs TFLM's reference kernel in its output's type.
        let path = context.kernelPath ?? .reference(context.op, outputs.first?.type ?? .int8)
        return OperatorWorkload(index: index, op: context.op, variant: variant, kernelPath: path,
                                inputs: inputs, outputs: outputs, geometry: context.geometry,
                                macs: macs, scratchBytes: scratchBytes)
    }
}
