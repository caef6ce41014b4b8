import TestSupport
import XCTest
import Interpreter

/// The greedy planner and the lifetimes fed to it. Expected offsets are worked out
/// by hand from TFLM's algorithm (greedy_memory_planner.cc, micro_allocation_info.cc)
/// or measured on TFLM itself; heads of real models come from the TFLM goldens.
final class GreedyMemoryPlannerTests: XCTestCase {
    private func buffer(_ size: Int, _ first: Int, _ last: Int, offline: Int? = nil) -> PlannerBuffer {
        PlannerBuffer(size: size, firstTimeUsed: first, lastTimeUsed: last, offlineOffset: offline)
    }

    // MARK: Planner

    func testEmptyAndSingle() throws {
        XCTAssertEqual(try GreedyMemoryPlanner.plan([]), MemoryPlan(offsets: [], highWaterMark: 0))
        XCTAssertEqual(try GreedyMemoryPlanner.plan([buffer(48, 0, 3)]), MemoryPlan(offsets: [0], highWaterMark: 48))
    }

    func testBuffersAliveAtDifferentTimesShareOffsetZero() throws {
        let plan = try GreedyMemoryPlanner.plan([buffer(64, 0, 1), buffer(32, 2, 3), buffer(16, 4, 4)])
        XCTAssertEqual(plan.offsets, [0, 0, 0])
        XCTAssertEqual(plan.highWaterMark, 64)
    }

    /// The case of TFLM's own TestGreedyMedium. By hand: order 50, 40, 30, 20, 10.
    /// 50 (t0–1) at 0; 40 (t3–4) meets nothing: 0; 30 (t2–3) meets 40: after it, 40;
    /// 20 (t1–2) meets 50 [0,50) and 30 [40,70): no gap, after both: 70;
    /// 10 (t0–1) meets 50 [0,50) and 20 [70,90): the gap [50,70) fits: 50.
    func testTFLMMediumCase() throws {
        var planner = GreedyMemoryPlanner()
        planner.addBuffer(size: 10, firstTimeUsed: 0, lastTimeUsed: 1)
        planner.addBuffer(size: 20, firstTimeUsed: 1, lastTimeUsed: 2)
        planner.addBuffer(size: 30, firstTimeUsed: 2, lastTimeUsed: 3)
        planner.addBuffer(size: 40, firstTimeUsed: 3, lastTimeUsed: 4)
        planner.addBuffer(size: 50, firstTimeUsed: 0, lastTimeUsed: 1)
        let plan = try planner.plan()
        XCTAssertEqual(plan.offsets, [50, 70, 40, 0, 0])
        XCTAssertEqual(plan.highWaterMark, 90)
    }

    /// Equal sizes: TFLM fills its sort array back to front and bubble-sorts stably,
    /// so the buffer added later is placed first and gets offset 0.
    func testTieGoesToTheLaterBuffer() throws {
        let buffers = [buffer(32, 0, 1), buffer(32, 1, 2), buffer(64, 5, 5), buffer(32, 5, 5)]
        XCTAssertEqual(GreedyMemoryPlanner.placementOrder(buffers), [2, 3, 1, 0])
        let plan = try GreedyMemoryPlanner.plan(buffers)
        // 64 at 0; the second 32 (t1–2) meets nothing: 0; the 32 at t5 meets 64: 64;
        // the first 32 (t0–1) meets the second: after it, 32.
        XCTAssertEqual(plan.offsets, [32, 0, 0, 64])
        XCTAssertEqual(plan.highWaterMark, 96)
    }

    /// A gap between two live buffers is used when it is large enough.
    /// A 200 (t0) at 0; B 150 (t1–2) at 0; C 100 (t0–1) meets A and B: 200;
    /// D 40 (t2–3) meets only B [0,150): 150; E 30 (t1) meets B [0,150) and
    /// C [200,300): the gap [150,200) holds it: 150.
    func testGapBetweenLiveBuffers() throws {
        let plan = try GreedyMemoryPlanner.plan([
            buffer(200, 0, 0), buffer(150, 1, 2), buffer(100, 0, 1), buffer(40, 2, 3), buffer(30, 1, 1),
        ])
        XCTAssertEqual(plan.offsets, [0, 0, 200, 150, 150])
        XCTAssertEqual(plan.highWaterMark, 300)
    }

    /// The candidate offset never moves back: after a buffer ending at 96, a later
    /// buffer at offset 0 that ends at 48 leaves the candidate at 96.
    /// A 96 (t0–1) at 0; B 64 (t1–2) at 96; C 48 (t2–3) meets B only: gap [0,96): 0;
    /// D 32 (t1–3) meets A [0,96), C [0,48), B [96,160): nothing fits below 160.
    func testCandidateKeepsTheFurthestEnd() throws {
        let plan = try GreedyMemoryPlanner.plan([buffer(96, 0, 1), buffer(64, 1, 2), buffer(48, 2, 3), buffer(32, 1, 3)])
        XCTAssertEqual(plan.offsets, [0, 96, 0, 160])
        XCTAssertEqual(plan.highWaterMark, 192)
    }

    /// Offline buffers are placed first at their fixed offsets, whatever their size;
    /// online ones fit around them.
    func testOfflineBuffers() throws {
        let buffers = [buffer(64, 0, 1), buffer(16, 0, 1, offline: 32), buffer(32, 0, 1)]
        XCTAssertEqual(GreedyMemoryPlanner.placementOrder(buffers), [1, 0, 2])
        let plan = try GreedyMemoryPlanner.plan(buffers)
        // 64 does not fit in [0,32) below the offline block: 48. 32 does: 0.
        XCTAssertEqual(plan.offsets, [48, 32, 0])
        XCTAssertEqual(plan.highWaterMark, 112)
    }

    /// A zero-byte buffer takes the first place that "fits", the start of the first live buffer.
    func testZeroSizeBuffer() throws {
        let plan = try GreedyMemoryPlanner.plan([buffer(32, 0, 0), buffer(0, 0, 0)])
        XCTAssertEqual(plan.offsets, [0, 0])
        XCTAssertEqual(plan.highWaterMark, 32)
    }

    func testBadBuffersThrow() {
        XCTAssertThrowsError(try GreedyMemoryPlanner.plan([buffer(-16, 0, 0)])) {
            XCTAssertEqual($0 as? MemoryPlannerError, .negativeSize(buffer: 0, size: -16))
        }
        XCTAssertThrowsError(try GreedyMemoryPlanner.plan([buffer(16, 0, 0, offline: -1)]))
        XCTAssertThrowsError(try GreedyMemoryPlanner.plan([buffer(Int(Int32.max), 0, 1), buffer(16, 0, 1)])) {
            XCTAssertEqual($0 as? MemoryPlannerError, .exceedsInt32(buffer: 1))
        }
        XCTAssertThrowsError(try GreedyMemoryPlanner.plan([buffer(Int(Int32.max) + 1, 0, 0)]))
    }

    // MARK: Lifetimes and the plan

    /// A graph exercising every rule of AllocationInfoBuilder:
    /// t0 input (10 B), t1 weights, t2 intermediate (33 B), t3 variable, t4 output (5 B),
    /// t5 empty, t6 op 0's second output, also a subgraph output (20 B).
    /// op 0: [t0, t1, absent] -> [t2, t6], one 100-byte scratch; op 1: [t2, t3] -> [t4].
    func testLifetimesAndPlanByHand() throws {
        let graph = PlanningGraph(
            tensors: [
                .init(bytes: 10), .init(bytes: 64, isConstant: true), .init(bytes: 33), .init(bytes: 8, isVariable: true),
                .init(bytes: 5), .init(bytes: 0), .init(bytes: 20),
            ],
            operators: [
                .init(inputs: [0, 1, -1], outputs: [2, 6], scratchBytes: [100]),
                .init(inputs: [2, 3], outputs: [4]),
            ],
            inputs: [0], outputs: [4, 6])
        let plan = try AllocationPlan(graph: graph)
        typealias L = AllocationPlan.Lifetime
        // Inputs from 0; outputs of op n from n + 1; subgraph outputs to the end (2);
        // weights and variables are never created (-1), only read.
        XCTAssertEqual(plan.tensorLifetimes, [L(first: 0, last: 1), L(first: -1, last: 1), L(first: 1, last: 2),
                                              L(first: -1, last: 2), L(first: 2, last: 2), L(first: -1, last: -1),
                                              L(first: 1, last: 2)])
        // Planner input, in order: t0 16, t2 48, t4 16, t6 32, scratch 112 (all rounded to 16).
        XCTAssertEqual(plan.buffers.map(\.bytes), [16, 48, 16, 32, 112])
        // Placement order 112, 48, 32, 16 (t4, added later), 16 (t0):
        // scratch (t1) 0; t2 (t1–2) after it: 112; t6 (t1–2) after both: 160;
        // t4 (t2) meets t2 [112,160) and t6: gap [0,112): 0;
        // t0 (t0–1) meets scratch, t2, t6: after all: 192.
        XCTAssertEqual(plan.tensorOffsets, [192, nil, 112, nil, 0, nil, 160])
        XCTAssertEqual(plan.scratchOffsets, [[0], []])
        XCTAssertEqual(plan.headBytes, 208)
        XCTAssertEqual(plan.operatorLiveBytes, [16 + 48 + 32 + 112, 48 + 16 + 32])
        XCTAssertEqual(plan.peakOperator, 0)
        XCTAssertEqual(Set(plan.liveAtPeak.map(\.id)), [.tensor(0), .tensor(2), .tensor(6), .scratch(operator: 0, index: 0)])
    }

    /// An activation no operator touches keeps TFLM's "uninitialised" lifetime (-1, -1)
    /// and is still planned: alone in time, it lands at 0 and can set the head size.
    /// Order: t2 (64) at 0; t1 (16, added after t0) meets nothing: 0; t0 meets t1: 16.
    func testUnreferencedActivationIsStillPlanned() throws {
        let graph = PlanningGraph(tensors: [.init(bytes: 16), .init(bytes: 16), .init(bytes: 64)],
                                  operators: [.init(inputs: [0], outputs: [1])], inputs: [0], outputs: [1])
        let plan = try AllocationPlan(graph: graph)
        XCTAssertEqual(plan.tensorLifetimes[2], AllocationPlan.Lifetime(first: -1, last: -1))
        XCTAssertEqual(plan.tensorOffsets, [16, 0, 0])
        XCTAssertEqual(plan.headBytes, 64)
    }

    func testVariableWithOfflineOffsetIsPlanned() throws {
        let graph = PlanningGraph(tensors: [.init(bytes: 16), .init(bytes: 16, isVariable: true, offlineOffset: 64), .init(bytes: 16)],
                                  operators: [.init(inputs: [0, 1], outputs: [2])], inputs: [0], outputs: [2])
        let plan = try AllocationPlan(graph: graph)
        XCTAssertEqual(plan.tensorOffsets, [16, 64, 0])
        XCTAssertEqual(plan.headBytes, 80)
    }

    func testBadGraphsThrow() {
        let bad = PlanningGraph(tensors: [.init(bytes: 4)], operators: [.init(inputs: [0], outputs: [3])], inputs: [0], outputs: [0])
        XCTAssertThrowsError(try AllocationPlan(graph: bad)) {
            XCTAssertEqual($0 as? AllocationPlanError, .tensorIndexOutOfRange(context: "operator 0 output", index: 3))
        }
        let negative = PlanningGraph(tensors: [.init(bytes: -4)], operators: [], inputs: [0], outputs: [0])
        XCTAssertThrowsError(try AllocationPlan(graph: negative))
        let huge = PlanningGraph(tensors: [.init(bytes: Int.max)], operators: [], inputs: [0], outputs: [0])
        XCTAssertThrowsError(try AllocationPlan(graph: huge))
        let badScratch = PlanningGraph(tensors: [.init(bytes: 4)], operators: [.init(inputs: [0], outputs: [0], scratchBytes: [-1])],
                                       inputs: [0], outputs: [0])
        XCTAssertThrowsError(try AllocationPlan(graph: badScratch))
    }

    // MARK: Real models against TFLM

    /// arena_head_bytes from the TFLM golden for `model`; skips when ../shared is absent.
    private func goldenHead(_ model: String, goldenDirectory: URL) throws -> Int {
        try SharedReference.require()
        let golden = try SharedReference.json(goldenDirectory.appendingPathComponent("golden.json"))
        let models = golden["models"] as? [String: Any]
        let tflm = (models?[model] as? [String: Any])?["tflm"] as? [String: Any]
        guard let head = tflm?["arena_head_bytes"] as? Int else {
            throw XCTSkip("\(model) has no arena_head_bytes in \(goldenDirectory.path)/golden.json")
        }
        return head
    }

    /// A chain of single-output operators over activation tensors, with weights elsewhere.
    private func graph(bytes: [Int], constants: Set<Int>, operators: [([Int], [Int])], inputs: [Int], outputs: [Int]) -> PlanningGraph {
        PlanningGraph(tensors: bytes.indices.map { .init(bytes: bytes[$0], isConstant: constants.contains($0)) },
                      operators: operators.map { .init(inputs: $0.0, outputs: $0.1) }, inputs: inputs, outputs: outputs)
    }

    /// Offsets in these model tests were read from TFLM's GetOffsetForBuffer (goldens' wheel, under gdb).
    func testFullyConnectedModelHead() throws {
        // op_fc_relu: int8 in [1,32], bias int32 [16], weights int8 [16,32], out [1,16].
        // The 32-byte input goes first at 0; the output meets it and goes after: 32.
        let g = graph(bytes: [32, 64, 512, 16], constants: [1, 2], operators: [([0, 2, 1], [3])], inputs: [0], outputs: [3])
        let plan = try AllocationPlan(graph: g)
        XCTAssertEqual(plan.tensorOffsets, [0, nil, nil, 32])
        let golden = try goldenHead("op_fc_relu", goldenDirectory: SharedReference.zooDirectory)
        XCTAssertEqual(plan.headBytes, golden)
    }

    func testSoftmaxModelHead() throws {
        // op_softmax: int8 [1,10] -> [1,10]; 10 bytes round to 16 each, both live at op 0.
        // A tie: the output, added later, is placed first.
        let g = graph(bytes: [10, 10], constants: [], operators: [([0], [1])], inputs: [0], outputs: [1])
        let plan = try AllocationPlan(graph: g)
        XCTAssertEqual(plan.tensorOffsets, [16, 0])
        let golden = try goldenHead("op_softmax", goldenDirectory: SharedReference.zooDirectory)
        XCTAssertEqual(plan.headBytes, golden)
    }

    /// mnist_cnn_int8 (18 tensors, 8 operators). The offsets were read from TFLM's
    /// GreedyMemoryPlanner::GetOffsetForBuffer in the goldens' wheel; the two 400-byte
    /// tensors around RESHAPE show the tie rule (t14, added later, gets 0).
    func testMnistCNNHeadAndOffsets() throws {
        let bytes = [784, 8, 40, 320, 128, 12800, 64, 1152, 32, 72,
                     5408, 1352, 1936, 400, 400, 32, 10, 10]
        let g = graph(bytes: bytes, constants: Set(1...9), operators: [
            ([0, 9, 8], [10]), ([10], [11]), ([11, 7, 6], [12]), ([12], [13]),
            ([13, 1], [14]), ([14, 5, 4], [15]), ([15, 3, 2], [16]), ([16], [17]),
        ], inputs: [0], outputs: [17])
        let plan = try AllocationPlan(graph: g)
        let measured = [0: 5408, 10: 0, 11: 5408, 12: 0, 13: 1936, 14: 0, 15: 400, 16: 16, 17: 0]
        for (tensor, offset) in measured { XCTAssertEqual(plan.tensorOffsets[tensor], offset, "tensor \(tensor)") }
        XCTAssertEqual(plan.headBytes, 6768)
        // Conv output [1,26,26,8] and pool output [1,13,13,8] (1352 -> 1360) meet at
        // MAX_POOL_2D, which here is also the head: no fragmentation.
        XCTAssertEqual(plan.operatorLiveBytes[0], 784 + 5408)
        XCTAssertEqual(plan.peakOperator, 1)
        XCTAssertEqual(plan.operatorLiveBytes[1], 5408 + 1360)
        let golden = try goldenHead("mnist_cnn_int8", goldenDirectory: SharedReference.zooDirectory)
        XCTAssertEqual(plan.headBytes, golden)
    }

    /// mlperf_vww_mobilenet_int8: a 31-operator chain of equal-sized activations, where
    /// breaking ties the other way would give a 64512-byte head instead of TFLM's.
    func testVWWMobileNetHeadAndOffsets() throws {
        // Tensors 1…57 are weights and biases (sizes irrelevant); 0 and 58…88 are activations.
        var bytes = [Int](repeating: 4, count: 89)
        bytes[0] = 27648
        let activations = [18432, 18432, 36864, 9216, 18432, 18432, 18432, 4608, 9216, 9216, 9216, 2304]
            + Array(repeating: 4608, count: 11) + [1152, 2304, 2304, 2304, 256, 256, 2, 2]
        for (k, b) in activations.enumerated() { bytes[58 + k] = b }
        let weights: [[Int]] = [
            [44, 3], [5, 4], [45, 21], [33, 32], [46, 34], [36, 35], [47, 37], [39, 38], [48, 40], [42, 41],
            [49, 6], [8, 7], [50, 9], [11, 10], [51, 12], [14, 13], [52, 15], [17, 16], [53, 18], [20, 19],
            [54, 22], [24, 23], [55, 25], [27, 26], [56, 28], [30, 29], [57, 31], [], [2], [43, 1], [],
        ]
        let ops = weights.enumerated().map { k, w in ([k == 0 ? 0 : 57 + k] + w, [58 + k]) }
        let g = graph(bytes: bytes, constants: Set(1...57), operators: ops, inputs: [0], outputs: [88])
        let plan = try AllocationPlan(graph: g)
        // In planner order: tensor 0, then 58…88.
        let measured = [0, 55296, 36864, 0, 36864, 0, 18432, 0, 18432, 0, 9216, 0, 9216, 0, 4608, 0, 4608, 0,
                        4608, 0, 4608, 0, 4608, 0, 4608, 0, 2304, 0, 2304, 0, 256, 0]
        XCTAssertEqual(([0] + Array(58...88)).map { plan.tensorOffsets[$0] }, measured.map { Optional($0) })
        XCTAssertEqual(plan.headBytes, 73728)
        let golden = try goldenHead("mlperf_vww_mobilenet_int8", goldenDirectory: SharedReference.modelsGoldenDirectory)
        XCTAssertEqual(plan.headBytes, golden)
    }
}
