// The arena: what the planner placed (head) and what TFLM keeps for the whole run
// (tail), with the figures the reports print.
// INTERIM: linear placement until the greedy planner lands.

/// The graph as the planner sees it: tensor sizes, lifetimes through operator
/// inputs and outputs, scratch requests per operator.
public struct ArenaGraph: Sendable {
    public struct Tensor: Sendable {
        public let bytes: Int
        public let isConstant: Bool
        public let isVariable: Bool
    }

    public struct Operator: Sendable {
        public let inputs: [Int]
        public let outputs: [Int]
        public let scratchBytes: [Int]
    }

    public let tensors: [Tensor]
    public let operators: [Operator]
    public let inputs: [Int]
    public let outputs: [Int]
}

/// Where each planned buffer sits in the head.
public struct ArenaLayout: Sendable {
    public let tensorOffsets: [Int?]
    /// Per operator, the offsets of its scratch buffers.
    public let scratchOffsets: [[Int]]
    public let plannedBytes: Int

    init(graph: ArenaGraph) {
        var offsets = [Int?](repeating: nil, count: graph.tensors.count)
        var cursor = 0
        for (i, t) in graph.tensors.enumerated() where !t.isConstant && !t.isVariable {
            offsets[i] = cursor
            cursor += (t.bytes + 15) & ~15
        }
        var scratch: [[Int]] = []
        for op in graph.operators {
            scratch.append(op.scratchBytes.map { b in defer { cursor += (b + 15) & ~15 }; return cursor })
        }
        tensorOffsets = offsets
        scratchOffsets = scratch
        plannedBytes = cursor
    }
}

public struct ArenaUsage: Sendable {
    public let plannedBytes: Int
    public let persistentBytes: Int
    public var totalBytes: Int { plannedBytes + persistentBytes }

    init(graph: ArenaGraph, layout: ArenaLayout, tensors: [TensorInfo], interpreterInputs: [Int], interpreterOutputs: [Int],
         kernels: [[PersistentAllocation]], pointerSize: Int) {
        plannedBytes = layout.plannedBytes
        persistentBytes = kernels.joined().reduce(0) { $0 + $1.bytes(pointerSize: pointerSize) }
    }
}
