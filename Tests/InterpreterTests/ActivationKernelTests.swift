import Foundation
import TestSupport
import XCTest
@testable import Interpreter

/// The Activation group's kernels: RELU, RELU6, LOGISTIC, TANH, LEAKY_RELU, HARD_SWISH,
/// MEAN, SUM, CONCATENATION, PACK, UNPACK, SPLIT, SPLIT_V. Checked against TFLM's
/// goldens (zoo and project fixtures), against hand-computed cases for the arithmetic
/// traps, for TFLM's refusals, and for the arena requests TFLM's kernels make.
final class ActivationKernelTests: XCTestCase {
    static let groupOps: Set<String> = [
        "RELU", "RELU6", "LOGISTIC", "TANH", "LEAKY_RELU", "HARD_SWISH", "MEAN", "SUM",
        "CONCATENATION", "PACK", "UNPACK", "SPLIT", "SPLIT_V",
    ]

    // MARK: Goldens

    /// Every zoo and real model that uses one of this group's operators and only
    /// registered operators is bit-exact with TFLM, with either kernel variant.
    func testSharedGoldenModelsAreBitExact() throws {
        try SharedReference.require()
        let sets = [(SharedReference.zooDirectory, SharedReference.zooDirectory),
                    (SharedReference.modelsGoldenDirectory, SharedReference.modelsDirectory)]
        var ran: [String] = []
        for (goldenDirectory, modelDirectory) in sets {
            for (name, entry, _) in try SharedReference.goldenModels(in: goldenDirectory, modelDirectory: modelDirectory) {
                let ops = (entry["ops"] as? [[String: Any]] ?? []).compactMap { $0["op"] as? String }
                guard ops.contains(where: Self.groupOps.contains), ops.allSatisfy(KernelRunner.isRegistered) else { continue }
                for variant in KernelVariant.allCases {
                    try GoldenHarness.assertBitExact(name, modelDirectory: modelDirectory, goldenDirectory: goldenDirectory, variant: variant)
                }
                ran.append(name)
            }
        }
        // The zoo's single-operator models of this group need nothing else.
        for name in ["op_concat", "op_hard_swish", "op_leaky_relu", "op_logistic", "op_mean_keepdims",
                     "op_mean_spatial", "op_relu", "op_relu6", "op_tanh"] {
            XCTAssertTrue(ran.contains(name), "\(name) was not run")
        }
    }

    static func fixtureEntries() throws -> [String: [String: Any]] {
        let url = SharedReference.fixturesDirectory.appendingPathComponent("fixtures.json")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("Tests/Fixtures/models/fixtures.json is absent; regenerate with Tests/Fixtures/make_fixtures.py")
        }
        return try SharedReference.json(url)["fixtures"] as? [String: [String: Any]] ?? [:]
    }

    static func ops(_ entry: [String: Any]) -> [String] {
        (entry["ops"] as? [[String: Any]] ?? []).compactMap { $0["op"] as? String }
    }

    /// Every project fixture that uses one of this group's operators (and only
    /// registered ones) is bit-exact with TFLM, with either kernel variant.
    func testProjectFixturesAreBitExact() throws {
        let fixtures = try Self.fixtureEntries()
        let directory = SharedReference.fixturesDirectory
        var ran = 0
        for name in fixtures.keys.sorted() {
            let ops = Self.ops(fixtures[name] ?? [:])
            guard ops.contains(where: Self.groupOps.contains), ops.allSatisfy(KernelRunner.isRegistered) else { continue }
            for variant in KernelVariant.allCases {
                try GoldenHarness.assertBitExact(name, modelDirectory: directory, goldenDirectory: directory, variant: variant)
            }
            ran += 1
        }
        if ran == 0 { throw XCTSkip("no project fixture uses this group's operators yet") }
    }

    /// The fixtures this group needs (op x type) exist. Skips, naming what is missing,
    /// while the fixture generator has not produced them.
    func testProjectFixturesCoverEveryOperatorAndType() throws {
        let fixtures = try Self.fixtureEntries()
        var wanted: [(op: String, type: String)] = []
        for op in Self.groupOps.sorted() {
            wanted += [(op, "int8"), (op, "float32")]
            if ["LOGISTIC", "TANH", "LEAKY_RELU"].contains(op) { wanted.append((op, "int16x8")) }
        }
        let missing = wanted.filter { want in
            !fixtures.values.contains { ($0["type"] as? String) == want.type && Self.ops($0).contains(want.op) }
        }
        if !missing.isEmpty {
            throw XCTSkip("project fixtures missing for: " + missing.map { "\($0.op) \($0.type)" }.joined(separator: ", "))
        }
    }

    // MARK: Hand-computed arithmetic

    /// TFLM's int8 RELU6 clamps to [zp_in, zp_in + round(6 / scale_in)] and copies: the
    /// output's scale and zero point play no part.
    func testRelu6Int8ClampsInTheInputDomain() throws {
        // 6 / 0.05 = 120, so the bounds are -10 and 110.
        let run = try SingleOp("RELU6", inputs: [.int8([-128, -11, -10, 0, 37, 110, 111, 127], scale: 0.05, zeroPoint: -10)],
                               outputs: [.output(.int8, [8], scale: 0.3, zeroPoint: 17)])
        XCTAssertEqual(try run.invoke().int8(0), [-10, -10, -10, 0, 37, 110, 110, 110])
    }

    /// RELU requantizes (here by 0.5; the high multiply rounds 1.5 and 2.5 up) and
    /// clamps at the output zero point.
    func testReluInt8RequantizesWithTfliteRounding() throws {
        let run = try SingleOp("RELU", inputs: [.int8([3, -3, 5, -5, 0], scale: 0.5, zeroPoint: 0)],
                               outputs: [.output(.int8, [5], scale: 1.0, zeroPoint: -100)])
        // zp_out + round(x / 2), then at least zp_out.
        XCTAssertEqual(try run.invoke().int8(0), [-98, -100, -97, -100, -100])
    }

    /// LEAKY_RELU int8: identity branch exact (multiplier 1.0), alpha branch
    /// 0.5 * 0.5 / 0.5 = 0.5, whose high multiply rounds ties toward +infinity:
    /// -7 -> -3.5 -> -3 and -1 -> -0.5 -> 0.
    func testLeakyReluInt8AlphaBranch() throws {
        let run = try SingleOp("LEAKY_RELU", options: [("alpha", .float(0.5))],
                               inputs: [.int8([4, -2, -6, -7, -1], scale: 0.5, zeroPoint: 0)],
                               outputs: [.output(.int8, [5], scale: 0.5, zeroPoint: 0)])
        XCTAssertEqual(try run.invoke().int8(0), [4, -1, -3, -3, 0])
    }

    /// A negative alpha gives a negative multiplier (-0.5 here): negative inputs come
    /// out positive. (Regression: Foundation's frexp drops the fraction's sign.)
    func testLeakyReluInt8NegativeAlpha() throws {
        let run = try SingleOp("LEAKY_RELU", options: [("alpha", .float(-0.5))],
                               inputs: [.int8([-4, -6, 2, 0, -128], scale: 0.5, zeroPoint: 0)],
                               outputs: [.output(.int8, [5], scale: 0.5, zeroPoint: 0)])
        XCTAssertEqual(try run.invoke().int8(0), [2, 3, 2, 0, 64])
        XCTAssertEqual(QuantizedMath.quantizeMultiplier(-0.75).multiplier, -1_610_612_736)
    }

    /// int8 LOGISTIC: 0 maps to 1/2 (0 at zero point -128, scale 1/256); beyond the
    /// radius floor(15 * 2^27 / 2^24) = 120 the output saturates.
    func testLogisticInt8CentreAndSaturation() throws {
        let run = try SingleOp("LOGISTIC", inputs: [.int8([0, 120, -120, 119, -119, 127, -128], scale: 0.0625, zeroPoint: 0)],
                               outputs: [.output(.int8, [7], scale: 1.0 / 256, zeroPoint: -128)])
        XCTAssertEqual(try run.invoke().int8(0), [0, 127, -128, 127, -128, 127, -128])
    }

    /// int16 LOGISTIC with a power-of-two input scale (2^-12): x * 3 indexes the
    /// sigmoid table in steps of 1/24 with 9 fractional bits. Entry 24 (sigmoid(1)) is
    /// 47911, so 1.0 gives (47911 * 512 + 512) >> 10 = 23956 and -1.0 gives 32768 - 23956.
    func testLogisticInt16TableLookup() throws {
        let run = try SingleOp("LOGISTIC", inputs: [.int16([0, 4096, -4096], scale: 1.0 / 4096)],
                               outputs: [.output(.int16, [3], scale: 1.0 / 32768, zeroPoint: 0)])
        XCTAssertEqual(try run.invoke().int16(0), [16384, 23956, 8812])
    }

    /// int16 TANH reads the table at twice the rate: 0.5 (2048 at 2^-12) lands on entry
    /// 24 with no fraction: ((47911 << 8) - 2^23 + 2^7) >> 8 = 15143; for -0.5,
    /// (-(47911 << 8) + 2^23 + 2^7 - 1) >> 8 = floor(-15142.5) = -15143.
    func testTanhInt16TableLookup() throws {
        let run = try SingleOp("TANH", inputs: [.int16([0, 2048, -2048], scale: 1.0 / 4096)],
                               outputs: [.output(.int16, [3], scale: 1.0 / 32768, zeroPoint: 0)])
        XCTAssertEqual(try run.invoke().int16(0), [0, 15143, -15143])
    }

    /// int8 MEAN over H and W of a [1,2,2,2] tensor, multiplier 1.0 folded with 1/4 into
    /// 2^30 and a right shift of 1. Channel 0 is [1, 1, 1, 3] (sum 6 -> 3 -> 1.5 -> 2),
    /// channel 1 is [1, 2, 2, 5] (sum 10 -> 5 -> 2.5 -> 3): halves round away from zero.
    func testMeanInt8OverHeightAndWidth() throws {
        let run = try SingleOp("MEAN", options: [("keep_dims", .bool(true))],
                               inputs: [.int8([1, 1, 1, 2, 1, 2, 3, 5], shape: [1, 2, 2, 2], scale: 1, zeroPoint: 0),
                                        .int32Constant([1, 2])],
                               outputs: [.output(.int8, [1, 1, 1, 2], scale: 1, zeroPoint: 0)])
        XCTAssertEqual(try run.invoke().int8(0), [2, 3])
        // The cost model's record: the dimensions reduced (its measured loop is for axes 1 and 2).
        guard case let .axis(geometry) = run.context.geometry else { return XCTFail("MEAN records an axis geometry") }
        XCTAssertEqual(geometry.reducedAxes, [1, 2])
        XCTAssertEqual(geometry.reducedElements, 4)
    }

    /// The double-rounding trap: [1, 1, 1, 2] has mean 1.25, and TFLM gives 2 (the high
    /// multiply rounds 5 / 2 up to 3, then the shift rounds 3 / 2 up to 2).
    func testMeanInt8TieAfterFolding() throws {
        let run = try SingleOp("MEAN", options: [("keep_dims", .bool(false))],
                               inputs: [.int8([1, 1, 1, 2], shape: [1, 4], scale: 1, zeroPoint: 0), .int32Constant([-1])],
                               outputs: [.output(.int8, [1], scale: 1, zeroPoint: 0)])
        XCTAssertEqual(try run.invoke().int8(0), [2])
    }

    /// SUM int8 subtracts zero_point * count and requantizes (here by 0.5).
    func testSumInt8Requantizes() throws {
        let run = try SingleOp("SUM", options: [("keep_dims", .bool(false))],
                               inputs: [.int8([1, 3, 5, 2, 2, 2], shape: [2, 3], scale: 0.5, zeroPoint: 1), .int32Constant([-1])],
                               outputs: [.output(.int8, [2], scale: 1, zeroPoint: -3)])
        // (9 - 3) * 0.5 = 3 -> 0; (6 - 3) * 0.5 = 1.5 -> 2 -> -1.
        XCTAssertEqual(try run.invoke().int8(0), [0, -1])
    }

    func testMeanAndSumFloat() throws {
        let mean = try SingleOp("MEAN", options: [("keep_dims", .bool(true))],
                                inputs: [.float([1, 2, 3, 4.5], shape: [1, 2, 2, 1]), .int32Constant([2, 1])],
                                outputs: [.output(.float32, [1, 1, 1, 1])])
        XCTAssertEqual(try mean.invoke().float(0), [2.625])
        guard case let .axis(geometry) = mean.context.geometry else { return XCTFail("MEAN records an axis geometry") }
        XCTAssertEqual(geometry.reducedAxes, [1, 2], "ascending, whatever the axis tensor's order")
        let sum = try SingleOp("SUM", inputs: [.float([1, 2, 3, 4, 5, 6], shape: [2, 3]), .int32Constant([0, 0])],
                               outputs: [.output(.float32, [3])])
        XCTAssertEqual(try sum.invoke().float(0), [5, 7, 9])
    }

    /// TFLM reads MEAN's axis at eval time, so a non-constant axis tensor works; an
    /// out-of-range value is an error then, not a crash.
    func testMeanWithAxisComputedAtRunTime() throws {
        let mean = try SingleOp("MEAN", inputs: [.float([1, 2, 3, 4, 5, 6], shape: [2, 3]), .int32([-2])],
                                outputs: [.output(.float32, [3])])
        XCTAssertEqual(try mean.invoke().float(0), [2.5, 3.5, 4.5])
        let bad = try SingleOp("MEAN", inputs: [.float([1, 2, 3, 4, 5, 6], shape: [2, 3]), .int32([5])],
                               outputs: [.output(.float32, [3])])
        XCTAssertThrowsError(try bad.invoke()) { XCTAssertTrue($0 is InvalidOperatorError, "\($0)") }
    }

    func testDataMovement() throws {
        let a: [Int8] = [0, 1, 2, 3, 4, 5], b: [Int8] = [10, 11, 12, 13, 14, 15]
        let pack = try SingleOp("PACK", options: [("values_count", .int(2)), ("axis", .int(1))],
                                inputs: [.int8(a, shape: [3, 2], scale: 1, zeroPoint: 0), .int8(b, shape: [3, 2], scale: 1, zeroPoint: 0)],
                                outputs: [.output(.int8, [3, 2, 2], scale: 1, zeroPoint: 0)])
        XCTAssertEqual(try pack.invoke().int8(0), [0, 1, 10, 11, 2, 3, 12, 13, 4, 5, 14, 15])

        let unpack = try SingleOp("UNPACK", options: [("num", .int(2)), ("axis", .int(-2))],
                                  inputs: [.int8([0, 1, 10, 11, 2, 3, 12, 13, 4, 5, 14, 15], shape: [3, 2, 2], scale: 1, zeroPoint: 0)],
                                  outputs: [.output(.int8, [3, 2], scale: 1, zeroPoint: 0), .output(.int8, [3, 2], scale: 1, zeroPoint: 0)])
        let unpacked = try unpack.invoke()
        XCTAssertEqual(unpacked.int8(0), a)
        XCTAssertEqual(unpacked.int8(1), b)

        let x: [Float] = [0, 1, 2, 3, 4, 5, 6, 7]
        let split = try SingleOp("SPLIT", inputs: [.int32Constant([-1]), .float(x, shape: [2, 4])],
                                 outputs: [.output(.float32, [2, 2]), .output(.float32, [2, 2])])
        let halves = try split.invoke()
        XCTAssertEqual(halves.float(0), [0, 1, 4, 5])
        XCTAssertEqual(halves.float(1), [2, 3, 6, 7])

        let splitV = try SingleOp("SPLIT_V", inputs: [.float(x, shape: [2, 4]), .int32Constant([1, 3]), .int32Constant([1])],
                                  outputs: [.output(.float32, [2, 1]), .output(.float32, [2, 3])])
        let parts = try splitV.invoke()
        XCTAssertEqual(parts.float(0), [0, 4])
        XCTAssertEqual(parts.float(1), [1, 2, 3, 5, 6, 7])

        let concat = try SingleOp("CONCATENATION", options: [("axis", .int(-1))],
                                  inputs: [.float([0, 1], shape: [2, 1]), .float([10, 11, 12, 13], shape: [2, 2])],
                                  outputs: [.output(.float32, [2, 3])])
        XCTAssertEqual(try concat.invoke().float(0), [0, 10, 11, 1, 12, 13])
    }

    // MARK: Refusals

    func assertRefused(_ op: String, options: [(String, OptionValue)] = [], inputs: [Operand], outputs: [Operand],
                       _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SingleOp(op, options: options, inputs: inputs, outputs: outputs), message, file: file, line: line) { error in
            XCTAssertTrue(error is UnsupportedOperatorError, "\(message): expected UnsupportedOperatorError, got \(error)", file: file, line: line)
        }
    }

    func assertInvalid(_ op: String, options: [(String, OptionValue)] = [], inputs: [Operand], outputs: [Operand],
                       _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SingleOp(op, options: options, inputs: inputs, outputs: outputs), message, file: file, line: line) { error in
            XCTAssertTrue(error is InvalidOperatorError, "\(message): expected InvalidOperatorError, got \(error)", file: file, line: line)
        }
    }

    func testTfliteMicroRefusals() {
        let int8In = Operand.int8([0, 1], scale: 0.1, zeroPoint: 0)
        assertRefused("LOGISTIC", inputs: [int8In], outputs: [.output(.int8, [2], scale: 1.0 / 256, zeroPoint: 0)],
                      "int8 LOGISTIC needs output zero point -128")
        assertRefused("TANH", inputs: [.int16([0, 1], scale: 1.0 / 4096)], outputs: [.output(.int16, [2], scale: 1.0 / 4096, zeroPoint: 0)],
                      "int16 TANH needs output scale 2^-15")
        assertRefused("LOGISTIC", inputs: [.int16([0, 1], scale: 1.0 / 4096, zeroPoint: 3)], outputs: [.output(.int16, [2], scale: 1.0 / 32768, zeroPoint: 0)],
                      "int16 LOGISTIC needs zero points of 0")
        assertRefused("RELU", inputs: [.int16([0, 1], scale: 0.1, zeroPoint: 1)], outputs: [.output(.int16, [2], scale: 0.1, zeroPoint: 0)],
                      "int16 RELU needs zero points of 0")
        assertRefused("HARD_SWISH", inputs: [.int16([0, 1], scale: 0.1)], outputs: [.output(.int16, [2], scale: 0.1, zeroPoint: 0)],
                      "HARD_SWISH has no int16 kernel in TFLM")
        assertRefused("RELU", inputs: [.uint8([0, 1], scale: 0.1)], outputs: [.output(.uint8, [2], scale: 0.1, zeroPoint: 0)],
                      "uint8 is not supported")
        assertRefused("CONCATENATION", inputs: [int8In, .int8([2, 3], scale: 0.2, zeroPoint: 0)], outputs: [.output(.int8, [4], scale: 0.1, zeroPoint: 0)],
                      "int8 CONCATENATION does not requantize")
        assertRefused("CONCATENATION", options: [("fused_activation_function", .enumeration("RELU", 1))],
                      inputs: [int8In, int8In], outputs: [.output(.int8, [4], scale: 0.1, zeroPoint: 0)],
                      "CONCATENATION with a fused activation")
        assertRefused("SPLIT", inputs: [.int32([0]), .int8([0, 1], scale: 1, zeroPoint: 0)],
                      outputs: [.output(.int8, [1], scale: 1, zeroPoint: 0), .output(.int8, [1], scale: 1, zeroPoint: 0)],
                      "SPLIT with a non-constant axis")
        assertRefused("MEAN", inputs: [int8In, .int64Constant([0])], outputs: [.output(.int8, [1], scale: 0.1, zeroPoint: 0)],
                      "MEAN with an int64 axis")
        assertRefused("UNPACK", options: [("num", .int(2))], inputs: [.int64([1, 2])],
                      outputs: [.output(.int64, []), .output(.int64, [])], "UNPACK int64")
        assertRefused("HARD_SWISH", inputs: [.int8([0, 1], scale: 1.0, zeroPoint: 0)], outputs: [.output(.int8, [2], scale: 0.001, zeroPoint: 0)],
                      "int8 HARD_SWISH with an output multiplier above 1")
    }

    func testMalformedModelsAreInvalid() {
        let x = Operand.float([1, 2, 3, 4, 5, 6], shape: [2, 3])
        assertInvalid("MEAN", inputs: [x, .int32Constant([1])], outputs: [.output(.float32, [3])], "MEAN output size")
        assertInvalid("MEAN", inputs: [x, .int32Constant([2])], outputs: [.output(.float32, [2])], "MEAN axis out of range")
        assertInvalid("SPLIT", inputs: [.int32Constant([1]), x], outputs: [.output(.float32, [2, 1]), .output(.float32, [2, 1])],
                      "SPLIT into unequal parts")
        assertInvalid("SPLIT_V", inputs: [x, .int32Constant([1, 1]), .int32Constant([1])],
                      outputs: [.output(.float32, [2, 1]), .output(.float32, [2, 1])], "SPLIT_V parts short of the input")
        assertInvalid("CONCATENATION", inputs: [x, x], outputs: [.output(.float32, [2, 5])], "CONCATENATION sizes")
        assertInvalid("PACK", options: [("values_count", .int(3)), ("axis", .int(0))], inputs: [x, x],
                      outputs: [.output(.float32, [2, 2, 3])], "PACK values_count")
        assertInvalid("RELU", inputs: [x], outputs: [.output(.float32, [5])], "RELU output size")
        assertInvalid("TANH", inputs: [x], outputs: [.output(.int8, [2, 3], scale: 0.1, zeroPoint: 0)], "TANH output type")
    }

    // MARK: Arena requests

    /// Persistent OpData sizes (TFLM's structs, 32-bit build / 64-bit host) and scratch
    /// requests (RequestScratchBufferInArena, in call order).
    func testArenaRequests() throws {
        func declared(_ run: SingleOp) -> (persistent32: [Int], persistent64: [Int], scratch: [Int]) {
            (run.context.persistent.map(\.bytes32), run.context.persistent.map(\.bytes64), run.context.scratchRequests)
        }
        let i8 = Operand.int8([0, 1], scale: 0.1, zeroPoint: 0)
        let o8 = Operand.output(.int8, [2], scale: 0.1, zeroPoint: 0)
        XCTAssertEqual(declared(try SingleOp("RELU", inputs: [i8], outputs: [o8])).persistent32, [28])
        XCTAssertEqual(declared(try SingleOp("RELU6", inputs: [i8], outputs: [o8])).persistent32, [8])
        XCTAssertEqual(declared(try SingleOp("LOGISTIC", inputs: [i8], outputs: [.output(.int8, [2], scale: 1.0 / 256, zeroPoint: -128)])).persistent32, [16])
        XCTAssertEqual(declared(try SingleOp("TANH", inputs: [i8], outputs: [o8])).persistent32, [16])
        XCTAssertEqual(declared(try SingleOp("LEAKY_RELU", inputs: [i8], outputs: [o8])).persistent32, [24])
        XCTAssertEqual(declared(try SingleOp("HARD_SWISH", inputs: [i8], outputs: [o8])).persistent32, [20])
        let concat = declared(try SingleOp("CONCATENATION", inputs: [i8, i8], outputs: [.output(.int8, [4], scale: 0.1, zeroPoint: 0)]))
        XCTAssertEqual(concat.persistent32, [24])
        XCTAssertEqual(concat.persistent64, [80])
        XCTAssertEqual(concat.scratch, [])

        // int8 MEAN of [1,5,5,6] over H and W: int32 sums for 6 outputs, 4 index ints, 2 axes.
        let meanInt8 = declared(try SingleOp("MEAN", options: [("keep_dims", .bool(true))],
                                             inputs: [.int8([Int8](repeating: 0, count: 150), shape: [1, 5, 5, 6], scale: 0.1, zeroPoint: 0), .int32Constant([1, 2])],
                                             outputs: [.output(.int8, [1, 1, 1, 6], scale: 0.1, zeroPoint: 0)]))
        XCTAssertEqual(meanInt8.persistent32, [44])
        XCTAssertEqual(meanInt8.scratch, [24, 16, 8])
        // float SUM: no accumulator, only the index counter and the resolved axis.
        let sumFloat = declared(try SingleOp("SUM", inputs: [.float([1, 2, 3, 4, 5, 6], shape: [2, 3]), .int32Constant([-1])],
                                             outputs: [.output(.float32, [2])]))
        XCTAssertEqual(sumFloat.persistent32, [44])
        XCTAssertEqual(sumFloat.scratch, [8, 4])

        // PACK, UNPACK, SPLIT and SPLIT_V have no init and no scratch in TFLM.
        let pack = declared(try SingleOp("PACK", options: [("values_count", .int(2))], inputs: [i8, i8],
                                         outputs: [.output(.int8, [2, 2], scale: 0.1, zeroPoint: 0)]))
        XCTAssertEqual(pack.persistent32 + pack.scratch, [])
        let split = declared(try SingleOp("SPLIT", inputs: [.int32Constant([0]), i8], outputs: [o8.reshaped([1]), o8.reshaped([1])]))
        XCTAssertEqual(split.persistent32 + split.scratch, [])
    }

    /// The kernel path the cost model reads: TFLM has no CMSIS-NN version of these.
    func testKernelPathIsReferenceInBothVariants() throws {
        for variant in KernelVariant.allCases {
            let run = try SingleOp("LOGISTIC", variant: variant, inputs: [.int8([0], scale: 0.1, zeroPoint: 0)],
                                   outputs: [.output(.int8, [1], scale: 1.0 / 256, zeroPoint: -128)])
            XCTAssertEqual(run.context.kernelPath?.name, "reference")
            let float = try SingleOp("TANH", variant: variant, inputs: [.float([0])], outputs: [.output(.float32, [1])])
            XCTAssertEqual(float.context.kernelPath?.name, "reference_float")
        }
    }
}

// MARK: - A single operator run in isolation

extension ActivationKernelTests {

    /// A tensor of a hand-built single-operator graph.
    struct Operand {
        var type: TensorType
        var shape: [Int]
        var scale: Float = 0
        var zeroPoint: Int32 = 0
        var bytes: [UInt8] = []
        var constant = false

        static func raw<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }

        static func int8(_ v: [Int8], shape: [Int]? = nil, scale: Float, zeroPoint: Int32) -> Operand {
            Operand(type: .int8, shape: shape ?? [v.count], scale: scale, zeroPoint: zeroPoint, bytes: raw(v))
        }
        static func uint8(_ v: [UInt8], scale: Float) -> Operand {
            Operand(type: .uint8, shape: [v.count], scale: scale, zeroPoint: 0, bytes: v)
        }
        static func int16(_ v: [Int16], shape: [Int]? = nil, scale: Float, zeroPoint: Int32 = 0) -> Operand {
            Operand(type: .int16, shape: shape ?? [v.count], scale: scale, zeroPoint: zeroPoint, bytes: raw(v))
        }
        static func float(_ v: [Float], shape: [Int]? = nil) -> Operand {
            Operand(type: .float32, shape: shape ?? [v.count], bytes: raw(v))
        }
        static func int32(_ v: [Int32]) -> Operand { Operand(type: .int32, shape: [v.count], bytes: raw(v)) }
        static func int32Constant(_ v: [Int32]) -> Operand {
            Operand(type: .int32, shape: [v.count], bytes: raw(v), constant: true)
        }
        static func int64(_ v: [Int64]) -> Operand { Operand(type: .int64, shape: [v.count], bytes: raw(v)) }
        static func int64Constant(_ v: [Int64]) -> Operand {
            Operand(type: .int64, shape: [v.count], bytes: raw(v), constant: true)
        }
        static func output(_ type: TensorType, _ shape: [Int], scale: Float = 0, zeroPoint: Int32 = 0) -> Operand {
            Operand(type: type, shape: shape, scale: scale, zeroPoint: zeroPoint)
        }

        var runnerOperand: KernelRunner.Operand {
            KernelRunner.Operand(type: type, shape: shape, bytes: bytes, constant: constant, scale: scale == 0 ? [] : [scale],
                                 zeroPoint: scale == 0 ? [] : [zeroPoint])
        }

        func reshaped(_ shape: [Int]) -> Operand {
            var copy = self
            copy.shape = shape
            return copy
        }

        var elementCount: Int { shape.reduce(1, *) }
        var byteCount: Int { elementCount * (type.byteSize ?? 1) }
    }

    /// One kernel prepared on hand-built tensors through the shared runner, evaluated by `invoke`.
    final class SingleOp {
        private let constants = KernelRunner.Constants()
        private let prepared: KernelRunner.Prepared
        var context: PrepareContext { prepared.context }

        init(_ op: String, variant: KernelVariant = .reference, options: [(String, OptionValue)] = [],
             inputs: [Operand], outputs: [Operand]) throws {
            let g = KernelRunner.graph(inputs: inputs.map(\.runnerOperand), outputs: outputs.map(\.runnerOperand),
                                       constants: constants, fill: 0)
            prepared = try KernelRunner.prepare(op, options: KernelRunner.options(op, options), variant: variant, tensors: g.tensors,
                                                inputs: g.inputs, outputs: g.outputs, data: g.data, fill: 0)
        }

        struct Outputs {
            let bytes: [[UInt8]]
            func values<T>(_ i: Int, _: T.Type) -> [T] {
                bytes[i].withUnsafeBytes { Array($0.bindMemory(to: T.self)) }
            }
            func int8(_ i: Int) -> [Int8] { values(i, Int8.self) }
            func int16(_ i: Int) -> [Int16] { values(i, Int16.self) }
            func float(_ i: Int) -> [Float] { values(i, Float.self) }
        }

        func invoke() throws -> Outputs { Outputs(bytes: try prepared.invoke().outputs) }
    }
}
