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
    /// Per operator, the extent of the head in use while it runs (highest end of a
    /// live buffer).
    public let liveExtent: [Int]

    public func liveBytes(atOperator i: Int) -> Int { i >= 0 && i < liveExtent.count ? liveExtent[i] : 0 }

    init(graph: ArenaGraph, layout: ArenaLayout, tensors: [TensorInfo], interpreterInputs: [Int], interpreterOutputs: [Int],
         kernels: [[PersistentAllocation]], pointerSize: Int) {
        plannedBytes = layout.plannedBytes
        var first = [Int](repeating: Int.max, count: graph.tensors.count)
        var last = [Int](repeating: -1, count: graph.tensors.count)
        for t in graph.inputs { first[t] = 0 }
        for (i, op) in graph.operators.enumerated() {
            for t in op.outputs where t >= 0 { first[t] = min(first[t], i) }
            for t in op.inputs where t >= 0 { last[t] = max(last[t], i) }
        }
        for t in graph.outputs { last[t] = graph.operators.count - 1 }
        var extent = [Int](repeating: 0, count: graph.operators.count)
        for i in extent.indices {
            for (t, offset) in layout.tensorOffsets.enumerated() {
                if let offset, first[t] <= i, i <= max(last[t], first[t]) {
                    extent[i] = max(extent[i], offset + graph.tensors[t].bytes)
                }
            }
            for (k, offset) in layout.scratchOffsets[i].enumerated() {
                extent[i] = max(extent[i], offset + graph.operators[i].scratchBytes[k])
            }
        }
        liveExtent = extent
        persistentBytes = kernels.joined().reduce(0) { $0 + $1.bytes(pointerSize: pointerSize) }
    }
}
