import Foundation

// TFLM's life cycle on one fixed arena: read the model, prepare every operator
// (types, shapes, operator data, scratch and persistent requests), plan the
// non-persistent buffers with TFLM's greedy planner, place everything in one arena
// allocated once, then invoke operator by operator with no heap allocation.

public struct InterpreterOptions: Sendable {
    public var variant: KernelVariant
    /// The arena's size in bytes, as a firmware would declare it; nil sizes it to fit.
    public var arenaSize: Int?
    /// The target build the persistent section is modelled for: a 32-bit Cortex-M build
    /// (the default) or the 64-bit host the goldens come from.
    public var layout: PersistentLayout
    public var pointerSize: Int { layout.pointerSize }
    /// Whether to allocate the host arena so that the model can be invoked. Without it the
    /// interpreter prepares and plans only (arena use, workloads): what `fit`, `check` and
    /// `report` need, at no cost however large the model says its arena is.
    public var allocatesArena: Bool
    /// The largest host arena the interpreter allocates (bytes); a model that needs more
    /// is refused with `HostArenaLimitError` before anything is allocated. nil: no limit.
    public var hostArenaLimit: Int?

    /// `pointerSize` 4: PersistentLayout.cortexM; 8: PersistentLayout.hostGoldens.
    public init(variant: KernelVariant = .cmsisNN, arenaSize: Int? = nil, pointerSize: Int = 4,
                allocatesArena: Bool = true, hostArenaLimit: Int? = nil) {
        self.init(variant: variant, arenaSize: arenaSize, layout: PersistentLayout(pointerSize: pointerSize),
                  allocatesArena: allocatesArena, hostArenaLimit: hostArenaLimit)
    }

    public init(variant: KernelVariant = .cmsisNN, arenaSize: Int? = nil, layout: PersistentLayout,
                allocatesArena: Bool = true, hostArenaLimit: Int? = nil) {
        self.variant = variant
        self.arenaSize = arenaSize
        self.layout = layout
        self.allocatesArena = allocatesArena
        self.hostArenaLimit = hostArenaLimit
    }
}

/// The model's host arena is larger than the caller allows the interpreter to allocate
/// (a guard against a small file that declares gigabytes of activations): exit 2.
public struct HostArenaLimitError: Error, CustomStringConvertible, Sendable {
    public let neededBytes: Int
    public let limitBytes: Int
    public var description: String {
        "the model's arena needs \(neededBytes) bytes to run on the host, more than the limit of \(limitBytes) bytes"
    }
}

/// A model TFLM refuses as a whole, before any operator is prepared (a tensor of a type
/// it does not know): exit 3.
public struct UnsupportedModelError: Error, CustomStringConvertible, Sendable {
    public let what: String
    public let whereInFile: String

    public init(_ what: String, at whereInFile: String) {
        self.what = what
        self.whereInFile = whereInFile
    }

    public var description: String { "\(what) (\(whereInFile))" }
}

/// `invoke` or `setInput` on an interpreter made with `allocatesArena: false`.
public struct NotAllocatedError: Error, CustomStringConvertible, Sendable {
    public var description: String { "the interpreter was prepared without an arena (plan only) and cannot run the model" }
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
    /// nil when prepared without an arena (`allocatesArena: false`).
    private let arena: UnsafeMutableRawBufferPointer?
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
            try context.refuseDynamicOutputs()
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
                                    layout: options.layout)
        arenaUsage = report
        let plan = report.plan

        // AllocateTensors also needs room for temporary allocations: the arena to declare.
        let needed = report.declareBytes
        if let available = options.arenaSize, available < needed {
            throw ArenaTooSmallError(neededBytes: needed, availableBytes: available)
        }
        var offsets = [Int?](repeating: nil, count: tensors.count)
        for tensor in tensors { offsets[tensor.index] = plan.tensorOffsets[tensor.index] }
        tensorOffsets = offsets
        var workloads: [OperatorWorkload] = []
        for (index, op) in subgraph.operators.enumerated() {
            let ctx = prepared[index]
            workloads.append(Self.workload(index: index, op: op, context: ctx, tensors: tensors, offsets: offsets,
                                           scratchBytes: ctx.scratchRequests.reduce(0, +), variant: options.variant))
        }
        self.workloads = workloads

        guard options.allocatesArena else {
            arena = nil
            tensorAddresses = [UnsafeMutableRawPointer?](repeating: nil, count: tensors.count)
            evalContexts = []
            return
        }
        // Every operand the kernels will touch must get an address; checked before anything
        // is allocated, so a refusal leaves nothing behind.
        func isPlaced(_ t: TensorInfo) -> Bool {
            plan.tensorOffsets[t.index] != nil || t.isVariable || t.constantData != nil || t.byteCount == 0
        }
        for (index, op) in subgraph.operators.enumerated() {
            for (role, list) in [("input", op.inputs), ("output", op.outputs)] {
                for t in list where t >= 0 && !isPlaced(tensors[Int(t)]) {
                    throw InvalidOperatorError(operatorIndex: index, op: prepared[index].op.name,
                                               reason: "\(role) tensor \(t) has \(tensors[Int(t)].byteCount) bytes but no data and no place in the arena")
                }
            }
        }
        // One allocation for the whole run. Head at the start; variables (persistent
        // tensors) in the tail after it, as TFLM keeps them.
        let variableBytes = tensors.filter(\.isVariable).reduce(0) { $0 + Self.align16($1.byteCount) }
        let physical = max(plan.headBytes + variableBytes, 16)
        if let limit = options.hostArenaLimit, physical > limit {
            throw HostArenaLimitError(neededBytes: physical, limitBytes: limit)
        }
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: physical, alignment: 16)
        arena.initializeMemory(as: UInt8.self, repeating: 0)
        self.arena = arena
        let base = arena.baseAddress!

        var addresses = [UnsafeMutableRawPointer?](repeating: nil, count: tensors.count)
        var variableCursor = plan.headBytes
        for tensor in tensors {
            if let offset = plan.tensorOffsets[tensor.index] {
                addresses[tensor.index] = base + offset
            } else if tensor.isVariable {
                addresses[tensor.index] = base + variableCursor
                Self.resetVariable(tensor, at: base + variableCursor)
                variableCursor += Self.align16(tensor.byteCount)
            } else if let constant = tensor.constantData {
                addresses[tensor.index] = UnsafeMutableRawPointer(mutating: constant)
            } else if tensor.byteCount == 0 {
                // An empty tensor (a zero-sized dimension, or an empty constant buffer) has no
                // bytes to place but still needs a valid address: TFLM's kernels run on it and
                // read or write nothing.
                addresses[tensor.index] = base
            }
        }
        tensorAddresses = addresses

        var contexts: [EvalContext] = []
        for (index, op) in subgraph.operators.enumerated() {
            // Every address exists (checked above); the fallback only keeps the compiler from a force-unwrap.
            let inputs = op.inputs.map { $0 >= 0 ? addresses[Int($0)] ?? base : nil }
            let outputs = op.outputs.map { addresses[Int($0)] ?? base }
            let scratch = plan.scratchOffsets[index].map { base + $0 }
            contexts.append(EvalContext(inputs: inputs, outputs: outputs, scratch: scratch))
        }
        evalContexts = contexts
    }

    deinit {
        arena?.deallocate()
    }

    // MARK: Inputs and outputs

    public func inputTensor(_ i: Int) -> TensorInfo { tensors[inputIndices[i]] }
    public func outputTensor(_ i: Int) -> TensorInfo { tensors[outputIndices[i]] }

    /// Copies `bytes` into input `i`; the length must match the tensor's.
    public func setInput(_ i: Int, bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try setInput(i, from: $0) }
    }

    /// Copies `source` into input `i`; the length must match the tensor's. Allocates
    /// nothing, so a loop may set inputs between invokes (run --repeat does).
    public func setInput(_ i: Int, from source: UnsafeRawBufferPointer) throws {
        let tensor = inputTensor(i)
        guard arena != nil else { throw NotAllocatedError() }
        let byteCount = tensor.byteCount
        guard source.count == byteCount else {
            throw ModelError("input \(i) needs \(byteCount) bytes (\(tensor.type.numpyName) \(tensor.shape)), got \(source.count)", at: "input \(i)")
        }
        guard let address = tensorAddresses[tensor.index], let start = source.baseAddress, byteCount > 0 else { return }
        address.copyMemory(from: start, byteCount: byteCount)
    }

    // MARK: Reset

    /// TFLM's MicroInterpreter::Reset: every kernel's reset function (the state of
    /// stateful kernels such as the signal library's), then the variable tensors.
    public func reset() {
        for kernel in kernels {
            (kernel as? ResettableKernel)?.reset()
        }
        for tensor in tensors where tensor.isVariable {
            if let address = tensorAddresses[tensor.index] { Self.resetVariable(tensor, at: address) }
        }
    }

    /// TFLM's ResetVariableTensors: memset to the zero point for int8, else 0.
    private static func resetVariable(_ tensor: TensorInfo, at address: UnsafeMutableRawPointer) {
        let fill = tensor.type == .int8 ? UInt8(truncatingIfNeeded: tensor.scalarZeroPoint) : 0
        address.initializeMemory(as: UInt8.self, repeating: fill, count: tensor.byteCount)
    }


    /// The bytes of any non-constant tensor as they are now in the arena (valid until
    /// the next invoke; planned tensors share memory).
    public func tensorBytes(_ index: Int) -> [UInt8] {
        let tensor = tensors[index]
        guard let address = tensorAddresses[index] else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: address, count: tensor.byteCount))
    }

    public func outputBytes(_ i: Int) -> [UInt8] { tensorBytes(outputIndices[i]) }

    /// Input `i`'s bytes in the arena, to fill in place before `invoke` (no copy, no
    /// allocation: for running many samples). Valid as long as the interpreter lives.
    public func inputBuffer(_ i: Int) -> UnsafeMutableRawBufferPointer {
        let tensor = inputTensor(i)
        return UnsafeMutableRawBufferPointer(start: tensorAddresses[tensor.index], count: tensorAddresses[tensor.index] == nil ? 0 : tensor.byteCount)
    }

    /// Output `i`'s bytes in the arena, read in place; they change with the next invoke.
    public func outputBuffer(_ i: Int) -> UnsafeRawBufferPointer {
        let tensor = outputTensor(i)
        return UnsafeRawBufferPointer(start: tensorAddresses[tensor.index], count: tensorAddresses[tensor.index] == nil ? 0 : tensor.byteCount)
    }

    // MARK: Invoke

    /// Runs every operator once. Allocates nothing on the heap when `observer` is nil
    /// (a test counts allocations around it).
    public func invoke(observer: InvokeObserver? = nil) throws {
        guard arena != nil else { throw NotAllocatedError() }
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
            // TFLM's ConvertTensorType fails for a code it does not know, and with it AllocateTensors.
            guard let type = tensor.type else {
                throw UnsupportedModelError("unknown tensor type \(tensor.typeCode); TFLM refuses the model", at: where_)
            }
            let byteCount = tensor.byteCount ?? 0
            let constant = model.flashAddress(ofBuffer: tensor.buffer)
            if let constant, let range = model.buffers[Int(tensor.buffer)].range, range.count < byteCount {
                _ = constant
                throw ModelError("constant data has \(range.count) bytes, the tensor's shape \(tensor.shape) needs \(byteCount)", at: where_)
            }
            let q = tensor.quantization
            let zeroPoints = (q?.zeroPoint ?? []).map { Int32(truncatingIfNeeded: $0) }
            infos.append(TensorInfo(
                index: index, name: tensor.name, type: type, shape: tensor.shape.map(Int.init),
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
