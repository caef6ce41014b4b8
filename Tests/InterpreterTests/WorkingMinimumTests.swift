import Foundation
import TestSupport
import XCTest
@testable import Interpreter

/// The working minimum arena (Arena/WorkingMinimum.swift) against TFLM: the smallest
/// arena, in 16-byte steps, with which the TFLM wheel's AllocateTensors and Invoke
/// succeed on the 64-bit host (reference kernels, recording allocator).
final class WorkingMinimumTests: XCTestCase {
    /// min_arena_bytes of the project's fixtures, which fixtures.json does not record:
    /// measured with /work/shared/reference/tflm_run.py --min-arena (tflite-micro
    /// 0.dev20261023182759, x86-64, the fixture's own inputs), run outside the repository.
    static let fixtureMinimumArena: [String: Int] = [
        "add_broadcast_channels_f32": 1328, "add_broadcast_channels_int8": 1184, "add_broadcast_rows_f32": 1328,
        "add_broadcast_rows_int8": 1184, "add_relu_f32": 1504, "add_relu_int8": 1184, "add_same_shape_f32": 1504,
        "add_same_shape_int8": 1184, "average_pool_2d_2x2_valid_s2_f32": 1376,
        "average_pool_2d_2x2_valid_s2_int8": 1056, "average_pool_2d_3x3_same_s2_f32": 1616,
        "average_pool_2d_3x3_same_s2_int8": 1104, "conv_2d_1x1_relu_f32": 2400, "conv_2d_1x1_relu_int8": 1776,
        "conv_2d_3x3_dil2_valid_relu_f32": 1728, "conv_2d_3x3_dil2_valid_relu_int8": 1712,
        "conv_2d_3x3_same_s1_relu6_f32": 1968, "conv_2d_3x3_same_s1_relu6_int8": 1712,
        "conv_2d_3x3_valid_s2_none_f32": 1696, "conv_2d_3x3_valid_s2_none_int8": 1712,
        "conv_2d_relu_n1_to_1_input_zp_f32": 1568, "conv_2d_relu_n1_to_1_input_zp_int8": 1712,
        "depthwise_conv_2d_3x3_same_c16_relu_f32": 3104, "depthwise_conv_2d_3x3_same_c16_relu_int8": 1952,
        "depthwise_conv_2d_m1_3x3_same_relu6_f32": 2112, "depthwise_conv_2d_m1_3x3_same_relu6_int8": 1712,
        "depthwise_conv_2d_m2_3x3_valid_s2_f32": 1808, "depthwise_conv_2d_m2_3x3_valid_s2_int8": 1776,
        "fully_connected_3d_keep_dims_f32": 1200, "fully_connected_3d_keep_dims_int8": 1408,
        "fully_connected_per_tensor_int8": 1328, "fully_connected_relu_f32": 1200, "fully_connected_relu_int8": 1488,
        "hand_cast_f32_to_int8": 960, "hand_cast_int32_to_f32": 960, "hand_cast_int8_to_int32": 960,
        "hand_dequantize_uint8": 992, "hand_expand_dims_axis0_f32": 1008, "hand_expand_dims_axis2_int8": 1072,
        "hand_expand_dims_axis_neg1_int8": 1072, "hand_expand_dims_axis_neg2_f32": 1008,
        "hand_quantize_int16_to_int8": 1024, "hand_quantize_int8_to_int16": 1024,
        "hand_quantize_int8_upscale_int8": 1024, "hand_squeeze_all_f32": 992, "hand_squeeze_all_int8": 1024,
        "hand_squeeze_dims_f32": 992, "hand_squeeze_dims_int8": 1024, "hand_svdf_f32": 1536, "hand_svdf_int8": 1520,
        "hand_svdf_int8_state8": 1520, "max_pool_2d_2x2_valid_s2_f32": 1376, "max_pool_2d_2x2_valid_s2_int8": 1056,
        "max_pool_2d_3x3_same_s1_f32": 1440, "max_pool_2d_3x3_same_s1_int8": 1056, "net_har_mini_f32": 2192,
        "net_har_mini_int8": 2640, "net_mnist_mini_f32": 4304, "net_mnist_mini_int8": 3072, "op_add_int16": 1184,
        "op_batch_matmul_f32": 1248, "op_batch_matmul_int8": 1264, "op_cast_f32": 960, "op_concatenation_f32": 1200,
        "op_concatenation_int8": 1296, "op_conv_2d_int16": 1696, "op_depthwise_conv_2d_int16": 1696,
        "op_dequantize_int16": 1248, "op_dequantize_int8": 1248, "op_div_f32": 1168, "op_div_int8": 1136,
        "op_exp_f32": 960, "op_fully_connected_int16": 1424, "op_gather_f32": 1040, "op_gather_int8": 1088,
        "op_hard_swish_f32": 976, "op_hard_swish_int8": 1008, "op_leaky_relu_f32": 992, "op_leaky_relu_int16": 1024,
        "op_leaky_relu_int8": 1024, "op_log_f32": 960, "op_logistic_f32": 976, "op_logistic_int16": 1008,
        "op_logistic_int8": 1008, "op_maximum_f32": 1136, "op_maximum_int8": 1056, "op_mean_f32": 1248,
        "op_mean_int8": 1376, "op_minimum_f32": 1136, "op_minimum_int8": 1056, "op_mul_f32": 1184,
        "op_mul_int16": 1152, "op_mul_int8": 1152, "op_pack_f32": 1072, "op_pack_int8": 1072, "op_pad_f32": 1088,
        "op_pad_int16": 1136, "op_pad_int8": 1136, "op_padv2_f32": 1152, "op_padv2_int8": 1248, "op_prelu_f32": 1104,
        "op_prelu_int8": 1136, "op_quantize_int16": 1248, "op_quantize_int8": 1248, "op_quantize_requant_int8": 1776,
        "op_relu6_f32": 960, "op_relu6_int8": 960, "op_relu_f32": 992, "op_relu_int8": 1024,
        "op_resize_bilinear_f32": 1072, "op_resize_bilinear_int8": 1088, "op_resize_nearest_neighbor_f32": 1024,
        "op_resize_nearest_neighbor_int8": 1088, "op_rsqrt_f32": 992, "op_rsqrt_int8": 1024, "op_shape_f32": 960,
        "op_shape_int8": 960, "op_softmax_int16": 3136, "op_split_f32": 1120, "op_split_int8": 1120,
        "op_split_v_f32": 1184, "op_split_v_int8": 1184, "op_sqrt_f32": 960, "op_squared_difference_f32": 1248,
        "op_squared_difference_int8": 1216, "op_strided_slice_f32": 1296, "op_strided_slice_int16": 1360,
        "op_strided_slice_int8": 1360, "op_sub_f32": 1200, "op_sub_int16": 1168, "op_sub_int8": 1168,
        "op_sum_f32": 1248, "op_sum_int8": 1376, "op_tanh_f32": 1008, "op_tanh_int16": 1104, "op_tanh_int8": 1104,
        "op_transpose_conv_f32": 1344, "op_transpose_conv_int16": 1808, "op_transpose_conv_int8": 1712,
        "op_transpose_f32": 1008, "op_transpose_int8": 1072, "op_unidirectional_sequence_lstm_f32": 2832,
        "op_unidirectional_sequence_lstm_int8": 3488, "op_unpack_f32": 1152, "op_unpack_int8": 1152,
        "reshape_f32": 1072, "reshape_int8": 1056, "seq_lstm_batch2_f32": 2864, "seq_lstm_batch2_int8": 3376,
        "seq_lstm_int16": 3376, "seq_lstm_time_major_f32": 2864, "seq_lstm_time_major_int8": 3376,
        "seq_svdf_f32": 1440, "seq_svdf_int8": 1520, "seq_svdf_state8_int8": 1520, "softmax_2d_f32": 1040,
        "softmax_2d_int8": 1072, "softmax_3d_f32": 1040, "softmax_3d_int8": 1072,
    ]

    /// Models whose working minimum mcusim does not reproduce exactly, with the reason.
    /// Empty: every measured model matches.
    static let knownDifferences: [String: String] = [:]

    private func host(_ url: URL) throws -> MicroInterpreter {
        let model = try Model(contentsOf: url)
        return try MicroInterpreter(model: model, options: InterpreterOptions(variant: .reference, pointerSize: 8))
    }

    private func check(_ label: String, _ name: String, url: URL, expected: Int, matched: inout Int, differing: inout [String]) {
        do {
            let usage = try host(url).arenaUsage
            XCTAssertEqual(usage.workingMinimum.tailBytes, usage.persistentBytes, "\(label) \(name): the replay's tail")
            if let reason = Self.knownDifferences[name] {
                if usage.workingMinimumBytes != expected { differing.append("\(name) (\(reason))") }
                return
            }
            XCTAssertEqual(usage.workingMinimumBytes, expected, "\(label) \(name): working minimum (limit: \(usage.workingMinimum.limit))")
            if usage.workingMinimumBytes == expected { matched += 1 }
        } catch {
            XCTFail("\(label) \(name): \(error)")
        }
    }

    func testGoldenModelsWorkingMinimumEqualsTFLM() throws {
        try SharedReference.require()
        var matched = 0, total = 0
        var differing: [String] = []
        for (name, entry, directory) in try SharedReference.allGoldenModels() {
            guard let tflm = entry["tflm"] as? [String: Any], let expected = tflm["min_arena_bytes"] as? Int else { continue }
            total += 1
            check("golden", name, url: directory.appendingPathComponent("\(name).tflite"), expected: expected,
                  matched: &matched, differing: &differing)
        }
        print("working minimum: \(matched) of \(total) golden models equal TFLM's min_arena_bytes"
              + (differing.isEmpty ? "" : "; known differences: \(differing.joined(separator: ", "))"))
        XCTAssertGreaterThan(total, 0)
    }

    func testFixturesWorkingMinimumEqualsTFLM() throws {
        var matched = 0, total = 0
        var differing: [String] = [], unmeasured: [String] = [], unregistered: [String] = []
        for index in ["fixtures.json", "handmade_fixtures.json", "sequence_fixtures.json", "requant_fixtures.json"] {
            let url = SharedReference.fixturesDirectory.appendingPathComponent(index)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            let fixtures = try SharedReference.json(url)["fixtures"] as? [String: [String: Any]] ?? [:]
            for name in fixtures.keys.sorted() {
                guard let entry = fixtures[name], let file = entry["file"] as? String else { continue }
                let ops = (entry["ops"] as? [[String: Any]] ?? []).compactMap { $0["op"] as? String }
                guard ops.allSatisfy(KernelRunner.isRegistered) else { unregistered.append(name); continue }
                // requant_fixtures.json records TFLM's minimum itself (make_requant_fixtures.py probes it).
                let recorded = (entry["tflm"] as? [String: Any])?["min_arena_bytes"] as? Int
                guard let expected = Self.fixtureMinimumArena[name] ?? recorded else { unmeasured.append(name); continue }
                total += 1
                check("fixture", name, url: SharedReference.fixturesDirectory.appendingPathComponent(file), expected: expected,
                      matched: &matched, differing: &differing)
            }
        }
        print("working minimum: \(matched) of \(total) fixtures equal TFLM's min_arena_bytes"
              + (differing.isEmpty ? "" : "; known differences: \(differing.joined(separator: ", "))")
              + (unmeasured.isEmpty ? "" : "; not measured yet: \(unmeasured.joined(separator: ", "))")
              + (unregistered.isEmpty ? "" : "; operators not registered: \(unregistered.joined(separator: ", "))"))
        XCTAssertGreaterThan(total, 0)
    }

    /// op_fc_relu (zoo), by hand on the 64-bit host. Before FULLY_CONNECTED's Prepare
    /// the tail is 752 bytes (see arena.md) and the head the 12-entry request array,
    /// 192. Its temp tensors (input, filter and bias with 16 channels, output), each
    /// TfLiteTensor 64 + TfLiteAffineQuantization 24 + zero points 4 + 4·channels,
    /// end at 192 + 512 = 704. Then the per-channel multipliers and shifts (64 + 64)
    /// move the tail to 880; they may cover the output's quantization from its
    /// zero_point pointer on (672 + 16 = 688): 688 + 880 = 1568, TFLM's minimum,
    /// above head + tail (48 + 1104 = 1152).
    func testFullyConnectedByHand() throws {
        try SharedReference.require()
        let usage = try host(SharedReference.zooDirectory.appendingPathComponent("op_fc_relu.tflite")).arenaUsage
        XCTAssertEqual(usage.totalBytes, 1152)
        XCTAssertEqual(usage.workingMinimumBytes, 1568)
        XCTAssertEqual(usage.workingMinimum.limit, .operatorPrepare(0))
    }

    /// The Cortex-M build by hand (arm-none-eabi-gcc, short enums, plain allocator, no
    /// compression): TfLiteTensor 32, TfLiteAffineQuantization 12, ScratchBufferRequest
    /// 12, AllocationInfo 24. One operator, a quantized 10-byte input and output (one
    /// channel each), no weights. Tail before Prepare: allocator 36 + planner 44 +
    /// MicroAllocator 36 + builtin-data allocator 8 + SubgraphAllocations 8 +
    /// 2 TfLiteEvalTensors 24 + 1 node 32 = 188; head: 12 requests × 12 = 144.
    /// - Prepare: 2 × (32 + 12 + 8) = 104 bytes of temps: 144 + 104 + 188 = 436.
    /// - AllocationInfo: subgraph offsets 4, then 2 × 24: 196 + 188 = 384.
    /// - planner: 188 → 192 and 196 → 208 (16-aligned), plus 40 × 2 buffers = 480.
    /// - after: head 32 + tail 308 (188, pointer arrays to 16, 2 × (32 + 12 + 8)) = 340.
    /// So 480, set by the planner's arrays.
    func testCortexMStructSizesByHand() throws {
        let layout = PersistentLayout(pointerSize: 4)
        let graph = PlanningGraph(tensors: [PlanningGraph.Tensor(bytes: 10), PlanningGraph.Tensor(bytes: 10)],
                                  operators: [PlanningGraph.Operator(inputs: [0], outputs: [1])], inputs: [0], outputs: [1])
        let plan = try AllocationPlan(graph: graph)
        XCTAssertEqual(plan.headBytes, 32)
        let model = PersistentModel(tensorCount: 2, operators: [PersistentModel.Operator(builtinData: nil, persistent: [])],
                                    inputs: [.init(quantizationChannels: 1)], outputs: [.init(quantizationChannels: 1)])
        let steps: [[PrepareStep]] = [[.tempTensor(quantizationChannels: 1), .tempTensor(quantizationChannels: 1)]]
        let minimum = try WorkingMinimum(plan: plan, persistentModel: model, prepareSteps: steps, layout: layout)
        XCTAssertEqual(minimum.tailBytes, try layout.tail(for: model).tailBytes)
        XCTAssertEqual(minimum.tailBytes, 308)
        XCTAssertEqual(minimum.bytes, 480)
        XCTAssertEqual(minimum.limit, .plannerArrays)
    }

    /// Prepare steps must be given for every operator.
    func testStepsForEveryOperator() throws {
        let graph = PlanningGraph(tensors: [PlanningGraph.Tensor(bytes: 4), PlanningGraph.Tensor(bytes: 4)],
                                  operators: [PlanningGraph.Operator(inputs: [0], outputs: [1])], inputs: [0], outputs: [1])
        let model = PersistentModel(tensorCount: 2, operators: [PersistentModel.Operator(builtinData: nil, persistent: [])],
                                    inputs: [.init(quantizationChannels: nil)], outputs: [.init(quantizationChannels: nil)])
        XCTAssertNoThrow(try WorkingMinimum(plan: try AllocationPlan(graph: graph), persistentModel: model, prepareSteps: [[]],
                                            layout: .hostGoldens))
        XCTAssertThrowsError(try WorkingMinimum(plan: try AllocationPlan(graph: graph), persistentModel: model, prepareSteps: [],
                                                layout: .hostGoldens))
    }

    /// --arena-size fails like AllocateTensors below the working minimum and passes at it.
    func testArenaSizeCheckUsesWorkingMinimum() throws {
        try SharedReference.require()
        let model = try Model(contentsOf: SharedReference.zooDirectory.appendingPathComponent("op_fc_relu.tflite"))
        XCTAssertThrowsError(try MicroInterpreter(model: model, options: InterpreterOptions(variant: .reference, arenaSize: 1552, pointerSize: 8))) {
            XCTAssertEqual(($0 as? ArenaTooSmallError)?.neededBytes, 1568)
        }
        XCTAssertNoThrow(try MicroInterpreter(model: model, options: InterpreterOptions(variant: .reference, arenaSize: 1568, pointerSize: 8)))
    }
}
