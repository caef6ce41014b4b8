// The arena, as TFLM lays it out: the head planned by the greedy memory planner
// (activations and scratch buffers; see Arena/AllocationPlan.swift) and the tail of
// persistent allocations replayed in TFLM's order for the target build (see
// Arena/PersistentLayout.swift).

public struct ArenaUsage: Sendable {
    public let plan: AllocationPlan
    /// The tail for the modelled build (32-bit Cortex-M unless asked otherwise).
    public let persistent: PersistentBreakdown
    public let pointerSize: Int

    /// The head: what the planner placed (TFLM's arena_head_bytes).
    public var plannedBytes: Int { plan.headBytes }
    /// The tail: TFLM's arena_tail_bytes for this build.
    public var persistentBytes: Int { persistent.tailBytes }
    public var totalBytes: Int { plannedBytes + persistentBytes }
    /// The smallest arena AllocateTensors and Invoke succeed with: head + tail or, when
    /// larger, the transient peak while AllocateTensors runs (Arena/WorkingMinimum.swift).
    public let workingMinimum: WorkingMinimum
    public var workingMinimumBytes: Int { workingMinimum.bytes }
    /// The arena a firmware declares (kTensorArenaSize) for the modelled build: the working
    /// minimum, a multiple of 16 for a 16-byte-aligned buffer. With 16 bytes less,
    /// AllocateTensors or Invoke fails; planned + persistent alone can be too small.
    public var declareBytes: Int { workingMinimumBytes }

    /// Per operator, the extent of the head in use while it runs (the highest end of a
    /// buffer live then): how full the arena is at that operator.
    public let liveExtent: [Int]

    public func liveBytes(atOperator i: Int) -> Int { i >= 0 && i < liveExtent.count ? liveExtent[i] : 0 }

    /// The operator at which the head is fullest (first such), and what is live there.
    public var peakOperator: Int? {
        guard let peak = liveExtent.max(), peak > 0 else { return nil }
        return liveExtent.firstIndex(of: peak)
    }

    public var liveAtPeak: [AllocationPlan.PlannedBuffer] {
        peakOperator.map { plan.liveBuffers(atOperator: $0) } ?? []
    }

    init(graph: PlanningGraph, persistentModel: PersistentModel, prepareSteps: [[PrepareStep]], layout: PersistentLayout) throws {
        do {
            plan = try AllocationPlan(graph: graph)
            persistent = try layout.tail(for: persistentModel)
            workingMinimum = try WorkingMinimum(plan: plan, persistentModel: persistentModel, prepareSteps: prepareSteps, layout: layout)
        } catch {
            throw ModelError("the model's arena cannot be planned: \(error)", at: "arena")
        }
        pointerSize = layout.pointerSize
        let plan = self.plan
        liveExtent = graph.operators.indices.map { i in
            plan.liveBuffers(atOperator: i).reduce(0) { max($0, $1.offset + $1.bytes) }
        }
    }
}
