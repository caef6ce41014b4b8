// The head of the arena: which buffers TFLM plans, with which lifetimes, and
// where the greedy planner puts them. Mirrors AllocationInfoBuilder
// (micro_allocation_info.cc) and MicroAllocator::CommitStaticMemoryPlan /
// CreatePlan (micro_allocator.cc) for one subgraph without control flow.
// Self-contained: the caller describes the graph with a PlanningGraph.

/// A subgraph as the memory planner sees it.
public struct PlanningGraph: Sendable, Equatable {
    public struct Tensor: Sendable, Equatable {
        /// Element count × element size (TfLiteEvalTensorByteLength), before alignment.
        public var bytes: Int
        /// Has a buffer with data in the model: lives in flash, never planned.
        public var isConstant: Bool
        /// Variable tensors live in the persistent tail unless given an offline offset.
        public var isVariable: Bool
        /// From the "OfflineMemoryAllocation" metadata; nil when absent or -1.
        public var offlineOffset: Int?

        public init(bytes: Int, isConstant: Bool = false, isVariable: Bool = false, offlineOffset: Int? = nil) {
            self.bytes = bytes
            self.isConstant = isConstant
            self.isVariable = isVariable
            self.offlineOffset = offlineOffset
        }
    }

    public struct Operator: Sendable, Equatable {
        /// Tensor indices; negative means an omitted optional input (TFLM skips them).
        public var inputs: [Int]
        public var outputs: [Int]
        /// Bytes of each RequestScratchBufferInArena call the kernel makes in Prepare, in order.
        public var scratchBytes: [Int]

        public init(inputs: [Int], outputs: [Int], scratchBytes: [Int] = []) {
            self.inputs = inputs
            self.outputs = outputs
            self.scratchBytes = scratchBytes
        }
    }

    public var tensors: [Tensor]
    public var operators: [Operator]
    /// The subgraph's input and output tensor indices.
    public var inputs: [Int]
    public var outputs: [Int]

    public init(tensors: [Tensor], operators: [Operator], inputs: [Int], outputs: [Int]) {
        self.tensors = tensors
        self.operators = operators
        self.inputs = inputs
        self.outputs = outputs
    }
}

public enum AllocationPlanError: Error, Equatable, CustomStringConvertible {
    case tensorIndexOutOfRange(context: String, index: Int)
    case negativeBytes(context: String, bytes: Int)
    /// TFLM hands sizes to the planner as `int`.
    case tooLarge(context: String, bytes: Int)
    case planner(MemoryPlannerError)

    public var description: String {
        switch self {
        case let .tensorIndexOutOfRange(context, index): return "\(context) refers to tensor \(index), which does not exist"
        case let .negativeBytes(context, bytes): return "\(context) has a negative size (\(bytes) bytes)"
        case let .tooLarge(context, bytes): return "\(context) is too large to plan (\(bytes) bytes)"
        case let .planner(e): return e.description
        }
    }
}

/// TFLM's MicroArenaBufferAlignment(): planned buffer sizes are rounded up to it
/// before planning, and every AllocatePersistentBuffer from a kernel is aligned to it.
public enum ArenaAlignment {
    public static let buffer = 16

    /// Rounds up; callers keep values far below Int.max (sizes are checked against Int32 first).
    static func up(_ value: Int, to alignment: Int) -> Int {
        (value + alignment - 1) / alignment * alignment
    }
}

public struct AllocationPlan: Sendable {
    public enum BufferID: Hashable, Sendable {
        case tensor(Int)
        case scratch(operator: Int, index: Int)
    }

    /// Allocation scopes as TFLM counts them: 0 is before the first operator,
    /// operator i runs at i + 1. -1 means never touched (TFLM's kUninitializedLifetime).
    public struct Lifetime: Sendable, Equatable {
        public let first: Int
        public let last: Int

        public init(first: Int, last: Int) {
            self.first = first
            self.last = last
        }

        public func contains(_ time: Int) -> Bool { first <= time && time <= last }
    }

    public struct PlannedBuffer: Sendable, Equatable {
        public let id: BufferID
        /// Size rounded up to 16 bytes, as handed to the planner.
        public let bytes: Int
        public let lifetime: Lifetime
        public let offset: Int
    }

    /// In TFLM's AddBuffer order: planned tensors by index, then scratch buffers by request order.
    public let buffers: [PlannedBuffer]
    public let tensorOffsets: [Int?]
    /// Per operator, the offset of each scratch buffer it requested.
    public let scratchOffsets: [[Int]]
    /// Lifetime of every tensor as AllocationInfoBuilder marks it (also for unplanned ones).
    public let tensorLifetimes: [Lifetime]
    /// The arena head: the planner's high-water mark (TFLM's arena_head_bytes).
    public let headBytes: Int
    /// Per operator, the bytes of planned buffers alive while it runs (no fragmentation).
    public let operatorLiveBytes: [Int]

    /// The operator with the most live bytes (the first such), nil for an empty graph.
    public var peakOperator: Int? {
        guard let peak = operatorLiveBytes.max() else { return nil }
        return operatorLiveBytes.firstIndex(of: peak)
    }

    public func liveBuffers(atOperator index: Int) -> [PlannedBuffer] {
        buffers.filter { $0.lifetime.contains(index + 1) }
    }

    /// What occupies the arena when the peak operator runs.
    public var liveAtPeak: [PlannedBuffer] {
        guard let peak = peakOperator else { return [] }
        return liveBuffers(atOperator: peak)
    }

    public init(graph: PlanningGraph) throws {
        let tensorCount = graph.tensors.count
        func check(_ index: Int, _ context: String) throws {
            guard index >= 0, index < tensorCount else {
                throw AllocationPlanError.tensorIndexOutOfRange(context: context, index: index)
            }
        }
        func checkBytes(_ bytes: Int, _ context: String) throws {
            if bytes < 0 { throw AllocationPlanError.negativeBytes(context: context, bytes: bytes) }
            if bytes > Int(Int32.max) - ArenaAlignment.buffer { throw AllocationPlanError.tooLarge(context: context, bytes: bytes) }
        }
        for (i, t) in graph.tensors.enumerated() { try checkBytes(t.bytes, "tensor \(i)") }
        for i in graph.inputs { try check(i, "subgraph input") }
        for i in graph.outputs { try check(i, "subgraph output") }
        for (n, op) in graph.operators.enumerated() {
            for i in op.inputs where i >= 0 { try check(i, "operator \(n) input") }
            for o in op.outputs { try check(o, "operator \(n) output") }
            for (k, b) in op.scratchBytes.enumerated() { try checkBytes(b, "operator \(n) scratch buffer \(k)") }
        }

        // Lifetimes, as AllocationInfoBuilder::MarkAllocationLifetimes marks them.
        var first = [Int](repeating: -1, count: tensorCount)
        var last = [Int](repeating: -1, count: tensorCount)
        var scope = 0
        for i in graph.inputs {
            if first[i] == -1 { first[i] = scope }
            last[i] = scope
        }
        var scratchLifetimes: [[Lifetime]] = []
        for op in graph.operators {
            scope += 1
            for o in op.outputs where first[o] == -1 { first[o] = scope }
            for i in op.inputs where i >= 0 { last[i] = scope }
            for o in op.outputs { last[o] = scope }
            // Without control flow a scratch buffer lives exactly during its operator.
            scratchLifetimes.append(op.scratchBytes.map { _ in Lifetime(first: scope, last: scope) })
        }
        // Subgraph outputs stay alive to the end of the subgraph.
        for o in graph.outputs {
            if first[o] == -1 { first[o] = scope }
            last[o] = scope
        }
        let lifetimes = (0..<tensorCount).map { Lifetime(first: first[$0], last: last[$0]) }

        // Which tensors need a planned buffer (InitializeAllocationInfo): not in
        // the model, not variable, not empty. A variable with an offline offset is
        // planned too, at that offset.
        var ids: [BufferID] = []
        var plannerBuffers: [PlannerBuffer] = []
        for (i, t) in graph.tensors.enumerated() {
            let planned = (!t.isConstant && !t.isVariable && t.bytes != 0) || (t.isVariable && t.offlineOffset != nil)
            guard planned else { continue }
            ids.append(.tensor(i))
            plannerBuffers.append(PlannerBuffer(size: ArenaAlignment.up(t.bytes, to: ArenaAlignment.buffer),
                                                firstTimeUsed: lifetimes[i].first, lastTimeUsed: lifetimes[i].last,
                                                offlineOffset: t.offlineOffset))
        }
        for (n, op) in graph.operators.enumerated() {
            for (k, bytes) in op.scratchBytes.enumerated() {
                ids.append(.scratch(operator: n, index: k))
                plannerBuffers.append(PlannerBuffer(size: ArenaAlignment.up(bytes, to: ArenaAlignment.buffer),
                                                    firstTimeUsed: scratchLifetimes[n][k].first,
                                                    lastTimeUsed: scratchLifetimes[n][k].last))
            }
        }

        let plan: MemoryPlan
        do { plan = try GreedyMemoryPlanner.plan(plannerBuffers) } catch let e as MemoryPlannerError {
            throw AllocationPlanError.planner(e)
        }

        var tensorOffsets = [Int?](repeating: nil, count: tensorCount)
        var scratchOffsets = graph.operators.map { [Int](repeating: 0, count: $0.scratchBytes.count) }
        var planned: [PlannedBuffer] = []
        for (k, id) in ids.enumerated() {
            let b = plannerBuffers[k]
            planned.append(PlannedBuffer(id: id, bytes: b.size, lifetime: Lifetime(first: b.firstTimeUsed, last: b.lastTimeUsed),
                                         offset: plan.offsets[k]))
            switch id {
            case let .tensor(i): tensorOffsets[i] = plan.offsets[k]
            case let .scratch(n, s): scratchOffsets[n][s] = plan.offsets[k]
            }
        }

        buffers = planned
        self.tensorOffsets = tensorOffsets
        self.scratchOffsets = scratchOffsets
        tensorLifetimes = lifetimes
        headBytes = plan.highWaterMark
        operatorLiveBytes = graph.operators.indices.map { n in
            planned.filter { $0.lifetime.contains(n + 1) }.reduce(0) { $0 + $1.bytes }
        }
    }
}
