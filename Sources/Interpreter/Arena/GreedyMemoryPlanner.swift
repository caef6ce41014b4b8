// TFLM's greedy memory planner (memory_planner/greedy_memory_planner.cc),
// reproduced placement for placement: the same order, the same gap search and
// the same tie-breaking, so every offset and the high-water mark equal TFLM's.
// The planner itself does no alignment: callers pass sizes already rounded up
// (AllocationPlan rounds to 16 bytes, as TFLM's CreatePlan does).

/// One buffer as TFLM's `GreedyMemoryPlanner::AddBuffer` receives it.
/// Times are allocation scopes: 0 before the first operator, operator i at i + 1.
public struct PlannerBuffer: Sendable, Equatable {
    public var size: Int
    public var firstTimeUsed: Int
    public var lastTimeUsed: Int
    /// An offset fixed by the model's "OfflineMemoryAllocation" metadata; nil
    /// lets the planner choose (TFLM's kOnlinePlannedBuffer).
    public var offlineOffset: Int?

    public init(size: Int, firstTimeUsed: Int, lastTimeUsed: Int, offlineOffset: Int? = nil) {
        self.size = size
        self.firstTimeUsed = firstTimeUsed
        self.lastTimeUsed = lastTimeUsed
        self.offlineOffset = offlineOffset
    }

    /// TFLM's DoesEntryOverlapInTime: inclusive at both ends.
    func overlapsInTime(with other: PlannerBuffer) -> Bool {
        !(other.firstTimeUsed > lastTimeUsed || firstTimeUsed > other.lastTimeUsed)
    }
}

public enum MemoryPlannerError: Error, Equatable, CustomStringConvertible {
    case negativeSize(buffer: Int, size: Int)
    case negativeOfflineOffset(buffer: Int, offset: Int)
    /// TFLM keeps sizes and offsets in `int`; a plan past 2^31 - 1 bytes cannot exist there.
    case exceedsInt32(buffer: Int)

    public var description: String {
        switch self {
        case let .negativeSize(buffer, size): return "planner buffer \(buffer) has negative size \(size)"
        case let .negativeOfflineOffset(buffer, offset): return "planner buffer \(buffer) has negative offline offset \(offset)"
        case let .exceedsInt32(buffer): return "planner buffer \(buffer) ends beyond 2^31 - 1 bytes"
        }
    }
}

/// The planner's result: one offset per buffer, in the order the buffers were added.
public struct MemoryPlan: Sendable, Equatable {
    public let offsets: [Int]
    /// TFLM's GetMaximumMemorySize: the largest offset + size over all buffers.
    public let highWaterMark: Int

    public init(offsets: [Int], highWaterMark: Int) {
        self.offsets = offsets
        self.highWaterMark = highWaterMark
    }
}

public struct GreedyMemoryPlanner: Sendable {
    public private(set) var buffers: [PlannerBuffer] = []

    public init() {}

    public mutating func addBuffer(size: Int, firstTimeUsed: Int, lastTimeUsed: Int, offlineOffset: Int? = nil) {
        buffers.append(PlannerBuffer(size: size, firstTimeUsed: firstTimeUsed, lastTimeUsed: lastTimeUsed,
                                     offlineOffset: offlineOffset))
    }

    public func plan() throws -> MemoryPlan { try Self.plan(buffers) }

    /// The order in which TFLM places the buffers: offline-planned ones first, in
    /// the order added; then the rest by decreasing size. TFLM fills its sort array
    /// from the back (the first buffer added lands last) and bubble-sorts it stably,
    /// so among equal sizes the buffer added *later* is placed first.
    public static func placementOrder(_ buffers: [PlannerBuffer]) -> [Int] {
        let offline = buffers.indices.filter { buffers[$0].offlineOffset != nil }
        let online = buffers.indices.filter { buffers[$0].offlineOffset == nil }.sorted { a, b in
            buffers[a].size != buffers[b].size ? buffers[a].size > buffers[b].size : a > b
        }
        return offline + online
    }

    public static func plan(_ buffers: [PlannerBuffer]) throws -> MemoryPlan {
        for (i, b) in buffers.enumerated() {
            if b.size < 0 { throw MemoryPlannerError.negativeSize(buffer: i, size: b.size) }
            if b.size > Int(Int32.max) { throw MemoryPlannerError.exceedsInt32(buffer: i) }
            if let o = b.offlineOffset {
                if o < 0 { throw MemoryPlannerError.negativeOfflineOffset(buffer: i, offset: o) }
                if o > Int(Int32.max) - b.size { throw MemoryPlannerError.exceedsInt32(buffer: i) }
            }
        }
        let order = placementOrder(buffers)
        guard let firstID = order.first else { return MemoryPlan(offsets: [], highWaterMark: 0) }

        var offsets = [Int](repeating: 0, count: buffers.count)
        // Placed buffers by ascending offset; a buffer placed at an offset already
        // taken goes after the earlier ones (TFLM's linked-list insertion).
        var byOffset: [(offset: Int, id: Int)] = []

        offsets[firstID] = buffers[firstID].offlineOffset ?? 0
        byOffset.append((offsets[firstID], firstID))

        for id in order.dropFirst() {
            let wanted = buffers[id]
            var candidate = 0
            if let fixed = wanted.offlineOffset {
                candidate = fixed
            } else {
                // Walk the buffers alive at the same time, lowest offset first, and
                // take the first gap big enough; else go after the last of them.
                var prior: Int?
                var cursor = 0
                while true {
                    var next: Int?
                    while cursor < byOffset.count {
                        if buffers[byOffset[cursor].id].overlapsInTime(with: wanted) { next = cursor; break }
                        cursor += 1
                    }
                    if let p = prior {
                        candidate = max(candidate, byOffset[p].offset + buffers[byOffset[p].id].size)
                    }
                    guard let n = next else { break }
                    if byOffset[n].offset - candidate >= wanted.size { break }
                    prior = n
                    cursor = n + 1
                }
            }
            if candidate > Int(Int32.max) - wanted.size { throw MemoryPlannerError.exceedsInt32(buffer: id) }
            offsets[id] = candidate
            let insertAt = byOffset.firstIndex { $0.offset > candidate } ?? byOffset.count
            byOffset.insert((candidate, id), at: insertAt)
        }

        let highWaterMark = buffers.indices.map { offsets[$0] + buffers[$0].size }.max() ?? 0
        return MemoryPlan(offsets: offsets, highWaterMark: highWaterMark)
    }
}
