import Foundation
import TestSupport
import XCTest
@testable import Interpreter

/// The Elementwise group's kernels: MUL, SUB, DIV, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM,
/// PRELU, EXP, LOG, SQRT, RSQRT, CAST, QUANTIZE, DEQUANTIZE.
///
/// Bit-exactness is checked against TFLM's goldens (the zoo in ../shared and the
/// project's fixtures) in both kernel variants. Hand-computed cases pin the arithmetic
/// TFLM's definitions imply (double rounding, round-half-up doubling multiply, ties in
/// QUANTIZE, NaN in MAXIMUM...), and TFLM's refusals are checked to be refusals.
final class ElementwiseKernelTests: XCTestCase {
    static let groupOps: Set<String> = [
        "MUL", "SUB", "DIV", "SQUARED_DIFFERENCE", "MAXIMUM", "MINIMUM", "PRELU",
        "EXP", "LOG", "SQRT", "RSQRT", "CAST", "QUANTIZE", "DEQUANTIZE",
    ]

    // MARK: Goldens

    func testZooModelsAreBitExact() throws {
        try SharedReference.require()
        let zoo = SharedReference.zooDirectory
        var ran: [String] = [], waiting: [String] = []
        for name in ["op_mul", "op_sub", "op_quantize_dequantize"] {
            let model = try Model(contentsOf: zoo.appendingPathComponent("\(name).tflite"))
            let missing = Self.unregisteredOps(model)
            guard missing.isEmpty else {
                waiting.append("\(name) (needs \(missing.joined(separator: ", ")))")
                continue
            }
            for variant in KernelVariant.allCases {
                try GoldenHarness.assertBitExact(name, modelDirectory: zoo, goldenDirectory: zoo, variant: variant)
            }
            ran.append(name)
        }
        if !waiting.isEmpty {
            throw XCTSkip("bit-exact: \(ran.joined(separator: ", ")); not run, kernels of other groups missing: \(waiting.joined(separator: "; "))")
        }
    }

    func testMulFixtures() throws { try checkFixtures(["op_mul_int8", "op_mul_f32", "op_mul_int16"]) }
    func testSubFixtures() throws { try checkFixtures(["op_sub_int8", "op_sub_f32", "op_sub_int16"]) }
    func testDivFixtures() throws { try checkFixtures(["op_div_int8", "op_div_f32"]) }
    func testSquaredDifferenceFixtures() throws {
        try checkFixtures(["op_squared_difference_int8", "op_squared_difference_f32"])
    }
    func testMaximumMinimumFixtures() throws {
        try checkFixtures(["op_maximum_int8", "op_maximum_f32", "op_minimum_int8", "op_minimum_f32"])
    }
    func testPreluFixtures() throws { try checkFixtures(["op_prelu_int8", "op_prelu_f32"]) }
    func testUnaryMathFixtures() throws {
        // TFLM has float32 only for EXP, LOG and SQRT: their int8 fixtures are TFLM
        // refusals, checked in testFixturesTFLMRefusesAreRefused.
        try checkFixtures(["op_exp_f32", "op_log_f32", "op_sqrt_f32", "op_rsqrt_f32", "op_rsqrt_int8"])
    }
    func testCastFixtures() throws {
        // The converter lowers an int8 cast to DEQUANTIZE + CAST(float32→int32), so
        // op_cast_int8 is not emitted; int8 CAST is covered by testCast.
        try checkFixtures(["op_cast_int8", "op_cast_f32"])
    }
    func testQuantizeDequantizeFixtures() throws {
        try checkFixtures(["op_quantize_int8", "op_quantize_int16", "op_quantize_requant_int8",
                           "op_quantize_int8_to_int16", "op_quantize_int16_to_int8",
                           "op_dequantize_int8", "op_dequantize_int16"])
    }

    /// Every project fixture that uses one of this group's operators, named above or not.
    func testEveryFixtureUsingTheseOpsIsBitExact() throws {
        let fixtures = try Self.fixtureIndex()
        var ran = 0
        var waiting: [String] = []
        for (name, ops) in fixtures.fixtures.sorted(by: { $0.key < $1.key }) where !Self.groupOps.isDisjoint(with: ops) {
            let missing = ops.filter { !KernelRunner.isRegistered($0) }
            guard missing.isEmpty else {
                waiting.append("\(name) (needs \(Set(missing).sorted().joined(separator: ", ")))")
                continue
            }
            try assertFixtureBitExact(name)
            ran += 1
        }
        if ran == 0 {
            throw XCTSkip("no fixture using this group's ops is runnable yet in Tests/Fixtures/models" +
                          (waiting.isEmpty ? "" : "; waiting for: \(waiting.joined(separator: "; "))"))
        }
    }

    /// Fixtures TFLM refused (listed under `refused` in fixtures.json): mcusim must refuse
    /// them too, at prepare (or at invoke when TFLM's refusal came from invoke).
    func testFixturesTFLMRefusesAreRefused() throws {
        let index = try Self.fixtureIndex()
        var checked = 0
        for (name, ops) in index.refused.sorted(by: { $0.key < $1.key }) where !Self.groupOps.isDisjoint(with: ops) {
            let url = SharedReference.fixturesDirectory.appendingPathComponent("\(name).tflite")
            guard FileManager.default.fileExists(atPath: url.path),
                  ops.allSatisfy({ KernelRunner.isRegistered($0) || !Self.groupOps.contains($0) }) else { continue }
            let model = try Model(contentsOf: url)
            // Only the group's own refusals are ours to assert; other ops may be missing.
            do {
                let interpreter = try MicroInterpreter(model: model, options: InterpreterOptions(variant: .reference))
                try interpreter.invoke()
                XCTFail("\(name): TFLM refuses this model, mcusim ran it")
            } catch let error as UnsupportedOperatorError {
                XCTAssertTrue(Self.groupOps.contains(error.op) || !KernelRunner.isRegistered(error.op),
                              "\(name): refused by \(error.op), not by this group's kernel: \(error)")
            } catch is InvalidOperatorError {
                // TFLM's invoke-time failures (e.g. RSQRT of a negative input) are errors here too.
            }
            checked += 1
        }
        if checked == 0 {
            throw XCTSkip("no TFLM-refused fixture for this group's ops in Tests/Fixtures/models yet (expected e.g. op_exp_int8, op_log_int8, op_sqrt_int8)")
        }
    }

    // MARK: Hand-computed arithmetic

    /// MUL int8 with scales 0.5, 0.5 → 1: the real multiplier 0.25 is (2^30, shift -1).
    /// TFLM's double rounding (a round-half-up doubling high multiply, then a
    /// round-half-away shift) gives 5 * 0.25 = 1.25 → 2, not 1.
    func testMulInt8DoubleRounding() throws {
        let a = Self.tensor(0, .int8, [5], scale: 0.5)
        let b = Self.tensor(1, .int8, [5], scale: 0.5)
        let out = Self.tensor(2, .int8, [5], scale: 1)
        let result = try Self.run("MUL", inputs: [(a, Self.bytes([6, -6, 5, -5, 127] as [Int8])),
                                                  (b, Self.bytes([1, 1, 1, 1, 127] as [Int8]))], output: out)
        XCTAssertEqual(Self.values(result, Int8.self), [2, -2, 2, -1, 127])
    }

    /// Real multiplier 0.5 = (2^30, shift 0): ties round half up (1.5 → 2, -1.5 → -1).
    /// Zero points and a fused RELU: output zp 10 clamps at 10.
    func testMulInt8TiesZeroPointsAndRelu() throws {
        let a = Self.tensor(0, .int8, [4], scale: 0.5, zeroPoint: 1)
        let b = Self.tensor(1, .int8, [4], scale: 1, zeroPoint: -2)
        let out = Self.tensor(2, .int8, [4], scale: 1, zeroPoint: 10)
        // (x - 1) * (y + 2) * 0.5 + 10: 3*1 → 1.5 → 2 → 12; -3*1 → -1.5 → -1 → 9 → RELU 10;
        // 0 → 10; 100 * 100 → 5000 → 127.
        let relu = KernelRunner.options("MUL", [("fused_activation_function", .enumeration("RELU", 1))])
        let result = try Self.run("MUL", inputs: [(a, Self.bytes([4, -2, 1, 101] as [Int8])),
                                                  (b, Self.bytes([-1, -1, 5, 98] as [Int8]))], output: out, options: relu)
        XCTAssertEqual(Self.values(result, Int8.self), [12, 10, 10, 127])
    }

    /// Broadcasting [2,1,3] with [1,2,1] into [2,2,3] (float, exact products).
    func testMulFloatBroadcast() throws {
        let a = Self.tensor(0, .float32, [2, 1, 3])
        let b = Self.tensor(1, .float32, [1, 2, 1])
        let out = Self.tensor(2, .float32, [2, 2, 3])
        let result = try Self.run("MUL", inputs: [(a, Self.bytes([1, 2, 3, 4, 5, 6] as [Float])),
                                                  (b, Self.bytes([10, -1] as [Float]))], output: out)
        XCTAssertEqual(Self.values(result, Float.self), [10, 20, 30, -1, -2, -3, 40, 50, 60, -4, -5, -6])
    }

    /// SUB int8 with equal scales is exact: every rescale is by a power of two.
    func testSubInt8EqualScalesIsExact() throws {
        let a = Self.tensor(0, .int8, [4], scale: 0.125, zeroPoint: 3)
        let b = Self.tensor(1, .int8, [4], scale: 0.125, zeroPoint: -3)
        let out = Self.tensor(2, .int8, [4], scale: 0.125, zeroPoint: 0)
        // (x - 3) - (y + 3)
        let result = try Self.run("SUB", inputs: [(a, Self.bytes([10, 3, -100, 127] as [Int8])),
                                                  (b, Self.bytes([1, -3, 100, -128] as [Int8]))], output: out)
        XCTAssertEqual(Self.values(result, Int8.self), [3, 0, -128, 127])
    }

    /// DIV int8 on exact quotients, broadcasting a scalar divisor; negative divisors move
    /// their sign to the dividend.
    func testDivInt8ExactQuotients() throws {
        let a = Self.tensor(0, .int8, [5], scale: 1)
        let b = Self.tensor(1, .int8, [1], scale: 1)
        let out = Self.tensor(2, .int8, [5], scale: 1)
        let byThree = try Self.run("DIV", inputs: [(a, Self.bytes([6, -9, 0, 120, 3] as [Int8])),
                                                   (b, Self.bytes([3] as [Int8]))], output: out)
        XCTAssertEqual(Self.values(byThree, Int8.self), [2, -3, 0, 40, 1])
        let byMinusTwo = try Self.run("DIV", inputs: [(a, Self.bytes([6, -8, 0, 100, -128] as [Int8])),
                                                      (b, Self.bytes([-2] as [Int8]))], output: out)
        XCTAssertEqual(Self.values(byMinusTwo, Int8.self), [-3, 4, 0, -50, 64])
    }

    /// A dividend of 0 or ±1 has 31 bits of headroom, so TFLM's final rounding shift
    /// reaches 32 bits or more: undefined in C++, and on the x86-64 host behind the
    /// goldens the count is masked. TFLM's reference code run there gives, with all
    /// scales 1: 0 / 4 → 1, 1 / 100 → a huge value (clamped to 127), -1 / 100 → -128,
    /// while 0 / 3 (shift 31) → 0.
    func testDivInt8HostShiftMasking() throws {
        let a = Self.tensor(0, .int8, [4], scale: 1), b = Self.tensor(1, .int8, [4], scale: 1)
        let out = Self.tensor(2, .int8, [4], scale: 1)
        let result = try Self.run("DIV", inputs: [(a, Self.bytes([0, 1, -1, 0] as [Int8])),
                                                  (b, Self.bytes([4, 100, 100, 3] as [Int8]))], output: out)
        XCTAssertEqual(Self.values(result, Int8.self), [1, 127, -128, 0])
    }

    func testDivInt32TruncatesAndRefusesZeroDivisor() throws {
        let a = Self.tensor(0, .int32, [4]), b = Self.tensor(1, .int32, [4]), out = Self.tensor(2, .int32, [4])
        let result = try Self.run("DIV", inputs: [(a, Self.bytes([7, -7, 7, Int32.min] as [Int32])),
                                                  (b, Self.bytes([2, 2, -2, -1] as [Int32]))], output: out)
        XCTAssertEqual(Self.values(result, Int32.self), [3, -3, -3, Int32.min])
        XCTAssertThrowsError(try Self.run("DIV", inputs: [(a, Self.bytes([1, 2, 3, 4] as [Int32])),
                                                          (b, Self.bytes([1, 0, 1, 1] as [Int32]))], output: out)) {
            XCTAssertTrue($0 is InvalidOperatorError, "\($0)")
        }
    }

    /// Unquantized integer paths: int32 MUL wraps (70000^2 mod 2^32) then clamps to the
    /// fused RELU; SUB int32 clamps to RELU6's [0, 6]; SQUARED_DIFFERENCE int32 wraps;
    /// MAXIMUM int64 and MINIMUM int16 compare raw values; float DIV clamps to RELU6.
    func testUnquantizedIntegerAndFloatPaths() throws {
        func options(_ op: String, _ activation: Int64) -> BuiltinOptions {
            KernelRunner.options(op, [("fused_activation_function", .enumeration("", activation))])
        }
        let a32 = Self.tensor(0, .int32, [3]), b32 = Self.tensor(1, .int32, [3]), o32 = Self.tensor(2, .int32, [3])
        let mul = try Self.run("MUL", inputs: [(a32, Self.bytes([3, -4, 70000] as [Int32])), (b32, Self.bytes([5, 6, 70000] as [Int32]))],
                               output: o32, options: options("MUL", 1))
        XCTAssertEqual(Self.values(mul, Int32.self), [15, 0, 605_032_704])
        let sub = try Self.run("SUB", inputs: [(a32, Self.bytes([3, -4, 100] as [Int32])), (b32, Self.bytes([5, -6, 1] as [Int32]))],
                               output: o32, options: options("SUB", 3))
        XCTAssertEqual(Self.values(sub, Int32.self), [0, 2, 6])
        let squared = try Self.run("SQUARED_DIFFERENCE", inputs: [(a32, Self.bytes([3, Int32.max, 0] as [Int32])),
                                                                  (b32, Self.bytes([-4, -1, 65536] as [Int32]))], output: o32)
        XCTAssertEqual(Self.values(squared, Int32.self), [49, 0, 0])
        let a64 = Self.tensor(0, .int64, [2]), b64 = Self.tensor(1, .int64, [2]), o64 = Self.tensor(2, .int64, [2])
        let maximum = try Self.run("MAXIMUM", inputs: [(a64, Self.bytes([Int64.min, 1 << 40] as [Int64])),
                                                       (b64, Self.bytes([-1, 1 << 41] as [Int64]))], output: o64)
        XCTAssertEqual(Self.values(maximum, Int64.self), [-1, 1 << 41])
        let a16 = Self.tensor(0, .int16, [2]), b16 = Self.tensor(1, .int16, [2]), o16 = Self.tensor(2, .int16, [2])
        let minimum = try Self.run("MINIMUM", inputs: [(a16, Self.bytes([-300, 300] as [Int16])), (b16, Self.bytes([7, 7] as [Int16]))],
                                   output: o16)
        XCTAssertEqual(Self.values(minimum, Int16.self), [-300, 7])
        let f = Self.tensor(0, .float32, [3]), g = Self.tensor(1, .float32, [3]), fo = Self.tensor(2, .float32, [3])
        let divided = try Self.run("DIV", inputs: [(f, Self.bytes([1, -1, 100] as [Float])), (g, Self.bytes([4, 4, 0] as [Float]))],
                                   output: fo, options: options("DIV", 3))
        XCTAssertEqual(Self.values(divided, Float.self), [0.25, 0, 6])
    }

    /// int8 with equal scales s: ((x - y) * s)^2 / s_out. With s = 1/8 and s_out = 1/64 the
    /// result is exactly (x - y)^2.
    func testSquaredDifferenceInt8Exact() throws {
        let a = Self.tensor(0, .int8, [4], scale: 0.125)
        let b = Self.tensor(1, .int8, [4], scale: 0.125)
        let out = Self.tensor(2, .int8, [4], scale: 1.0 / 64, zeroPoint: -128)
        let result = try Self.run("SQUARED_DIFFERENCE", inputs: [(a, Self.bytes([3, -3, 0, 100] as [Int8])),
                                                                 (b, Self.bytes([1, 1, 0, -100] as [Int8]))], output: out)
        // 4, 16, 0, 40000 → + zp -128 → -124, -112, -128, clamp 127
        XCTAssertEqual(Self.values(result, Int8.self), [-124, -112, -128, 127])
    }

    /// MAXIMUM keeps the first operand unless the second is strictly greater, so a NaN
    /// first operand loses and a NaN second operand wins; broadcasting a scalar.
    func testMaximumMinimumNaNAndBroadcast() throws {
        let a = Self.tensor(0, .float32, [3]), b = Self.tensor(1, .float32, [3]), out = Self.tensor(2, .float32, [3])
        let nan = Float.nan
        let maximum = Self.values(try Self.run("MAXIMUM", inputs: [(a, Self.bytes([nan, 1, 2] as [Float])),
                                                                   (b, Self.bytes([1, nan, 3] as [Float]))], output: out), Float.self)
        XCTAssertEqual(maximum[0], 1)
        XCTAssertTrue(maximum[1].isNaN)
        XCTAssertEqual(maximum[2], 3)
        let scalar = Self.tensor(1, .int8, [])
        let a8 = Self.tensor(0, .int8, [2, 2]), out8 = Self.tensor(2, .int8, [2, 2])
        for variant in KernelVariant.allCases {
            let minimum = try Self.run("MINIMUM", inputs: [(a8, Self.bytes([-5, 0, 5, 127] as [Int8])),
                                                           (scalar, Self.bytes([1] as [Int8]))], output: out8, variant: variant)
            XCTAssertEqual(Self.values(minimum, Int8.self), [-5, 0, 1, 1])
        }
    }

    func testPreluFloatAndInt8() throws {
        let x = Self.tensor(0, .float32, [2, 2]), alpha = Self.tensor(1, .float32, [2]), out = Self.tensor(2, .float32, [2, 2])
        let result = try Self.run("PRELU", inputs: [(x, Self.bytes([-2, 3, 0, -4] as [Float])),
                                                    (alpha, Self.bytes([0.5, -1] as [Float]))], output: out)
        XCTAssertEqual(Self.values(result, Float.self), [-1, 3, 0, 4])
        // int8: input scale 0.5, alpha scale 0.25, output scale 0.5 → positive multiplier 1,
        // negative 0.25: x = -8 (−4.0), alpha = 2 (0.5) → -16 * 0.25 = -4 → -2.0 as q -4.
        let xq = Self.tensor(0, .int8, [3], scale: 0.5), aq = Self.tensor(1, .int8, [1], scale: 0.25)
        let oq = Self.tensor(2, .int8, [3], scale: 0.5)
        let quantized = try Self.run("PRELU", inputs: [(xq, Self.bytes([-8, 7, -128] as [Int8])),
                                                       (aq, Self.bytes([2] as [Int8]))], output: oq)
        XCTAssertEqual(Self.values(quantized, Int8.self), [-4, 7, -64])
    }

    /// RSQRT int8 on exact cases: input scale 1/4, output scale 1/16: x - zp = 4 is 1.0
    /// (1/sqrt = 1.0, q 16); 16 is 4.0 (0.5, q 8); 1 is 0.25 (2.0, q 32); 64 is 16 (0.25,
    /// q 4); 0 maps to the largest output.
    func testRsqrtInt8ExactValuesAndNegativeInput() throws {
        let x = Self.tensor(0, .int8, [5], scale: 0.25, zeroPoint: -10)
        let out = Self.tensor(1, .int8, [5], scale: 0.0625)
        let result = try Self.run("RSQRT", inputs: [(x, Self.bytes([-6, 6, -9, -10, 54] as [Int8]))], output: out)
        XCTAssertEqual(Self.values(result, Int8.self), [16, 8, 32, 127, 4])
        XCTAssertThrowsError(try Self.run("RSQRT", inputs: [(x, Self.bytes([-6, -11, 0, 0, 0] as [Int8]))], output: out)) {
            XCTAssertTrue($0 is InvalidOperatorError, "\($0)")
        }
    }

    func testFloatUnaryFunctions() throws {
        let x = Self.tensor(0, .float32, [3]), out = Self.tensor(1, .float32, [3])
        XCTAssertEqual(Self.values(try Self.run("SQRT", inputs: [(x, Self.bytes([4, 0.25, 0] as [Float]))], output: out), Float.self), [2, 0.5, 0])
        XCTAssertEqual(Self.values(try Self.run("RSQRT", inputs: [(x, Self.bytes([4, 0.25, 1] as [Float]))], output: out), Float.self), [0.5, 2, 1])
        XCTAssertEqual(Self.values(try Self.run("EXP", inputs: [(x, Self.bytes([0, 0, 0] as [Float]))], output: out), Float.self), [1, 1, 1])
        XCTAssertEqual(Self.values(try Self.run("LOG", inputs: [(x, Self.bytes([1, 1, 0] as [Float]))], output: out), Float.self), [0, 0, -.infinity])
    }

    /// float → int8 rounds x / scale half away from zero, adds the zero point, clamps.
    func testQuantizeFloatTiesAndClamp() throws {
        let x = Self.tensor(0, .float32, [6])
        let out = Self.tensor(1, .int8, [6], scale: 0.5, zeroPoint: 1)
        let result = try Self.run("QUANTIZE", inputs: [(x, Self.bytes([0.25, -0.25, 0.75, -0.75, 1000, -1000] as [Float]))], output: out)
        // 0.5 → 1, -0.5 → -1, 1.5 → 2, -1.5 → -2, then + 1 and clamp.
        XCTAssertEqual(Self.values(result, Int8.self), [2, 0, 3, -1, 127, -128])
    }

    /// int8 → int8 with scale ratio 0.5 (2^30, shift 0): ties round half up.
    func testQuantizeRequantizeInt8() throws {
        let x = Self.tensor(0, .int8, [4], scale: 1, zeroPoint: 0)
        let out = Self.tensor(1, .int8, [4], scale: 2, zeroPoint: -5)
        let result = try Self.run("QUANTIZE", inputs: [(x, Self.bytes([3, -3, 127, -128] as [Int8]))], output: out)
        XCTAssertEqual(Self.values(result, Int8.self), [-3, -6, 59, -69])
        // int8 → int16 widens: scale ratio 1/256.
        let wide = Self.tensor(1, .int16, [4], scale: 1.0 / 256)
        let widened = try Self.run("QUANTIZE", inputs: [(x, Self.bytes([3, -3, 127, -128] as [Int8]))], output: wide)
        XCTAssertEqual(Self.values(widened, Int16.self), [768, -768, 32512, -32768])
        // int16 → int8 narrows: scale ratio 1/256 = (2^30, shift -7). The doubling multiply
        // is exact here and the final shift rounds half away from zero: 384 / 256 = 1.5 → 2,
        // -1.5 → -2; then + zp 3 and clamp.
        let x16 = Self.tensor(0, .int16, [4], scale: 1.0 / 256)
        let narrow = Self.tensor(1, .int8, [4], scale: 1, zeroPoint: 3)
        let narrowed = try Self.run("QUANTIZE", inputs: [(x16, Self.bytes([384, -384, 32767, -32768] as [Int16]))], output: narrow)
        XCTAssertEqual(Self.values(narrowed, Int8.self), [5, 1, 127, -125])
    }

    func testDequantize() throws {
        let x = Self.tensor(0, .int8, [3], scale: 0.25, zeroPoint: 3)
        let out = Self.tensor(1, .float32, [3])
        let result = try Self.run("DEQUANTIZE", inputs: [(x, Self.bytes([13, -128, 3] as [Int8]))], output: out)
        XCTAssertEqual(Self.values(result, Float.self), [2.5, -32.75, 0])
        let x16 = Self.tensor(0, .int16, [2], scale: 0.5)
        let out16 = Self.tensor(1, .float32, [2])
        XCTAssertEqual(Self.values(try Self.run("DEQUANTIZE", inputs: [(x16, Self.bytes([-32768, 32767] as [Int16]))], output: out16), Float.self),
                       [-16384, 16383.5])
    }

    /// static_cast semantics: float → int truncates toward zero; narrowing wraps. Out of
    /// range float → int is undefined in C++: 300 → 44 and -129 → 127 (int8), and the
    /// uint32 values, are what TFLM's copyCast gives compiled with GCC -O2 on x86-64.
    func testCast() throws {
        let x = Self.tensor(0, .float32, [4])
        let asInt32 = try Self.run("CAST", inputs: [(x, Self.bytes([-2.7, 2.7, -0.5, 100.9] as [Float]))], output: Self.tensor(1, .int32, [4]))
        XCTAssertEqual(Self.values(asInt32, Int32.self), [-2, 2, 0, 100])
        let asInt8 = try Self.run("CAST", inputs: [(x, Self.bytes([300, -129, 1.5, -1.5] as [Float]))], output: Self.tensor(1, .int8, [4]))
        XCTAssertEqual(Self.values(asInt8, Int8.self), [44, 127, 1, -1])
        let i32 = Self.tensor(0, .int32, [2])
        let narrowed = try Self.run("CAST", inputs: [(i32, Self.bytes([70000, -1] as [Int32]))], output: Self.tensor(1, .int16, [2]))
        XCTAssertEqual(Self.values(narrowed, Int16.self), [4464, -1])
        let big = try Self.run("CAST", inputs: [(x, Self.bytes([-2.5, 3e9, 1e10, -1e10] as [Float]))], output: Self.tensor(1, .uint32, [4]))
        XCTAssertEqual(Self.values(big, UInt32.self), [4_294_967_294, 3_000_000_000, 0, 2_147_483_648])
        let flag = Self.tensor(0, .bool, [2])
        let fromBool = try Self.run("CAST", inputs: [(flag, [1, 0])], output: Self.tensor(1, .float32, [2]))
        XCTAssertEqual(Self.values(fromBool, Float.self), [1, 0])
    }

    /// Cases for type pairs and broadcasts the fixtures lack (int16 SQUARED_DIFFERENCE and
    /// PRELU, integer requantizations, broadcast MUL/SUB/DIV/SQUARED_DIFFERENCE/PRELU with
    /// fused activations, uint8 DEQUANTIZE), with random scales and inputs. Expected
    /// outputs were computed by TFLM's own arithmetic: the reference_ops /
    /// reference_integer_ops headers and quantization_util.cc of the TFLM checkout,
    /// compiled with g++ -O2 on x86-64 (SQUARED_DIFFERENCE's per-element function, which
    /// lives in an anonymous namespace of squared_difference.cc, copied verbatim there).
    func testTFLMReferenceArithmeticCases() throws {
        let cases = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(Self.referenceCases.utf8)) as? [[String: Any]])
        let types: [String: TensorType] = ["int8": .int8, "int16": .int16, "int32": .int32, "uint8": .uint8, "float32": .float32]
        for c in cases {
            let op = try XCTUnwrap(c["op"] as? String)
            let t1 = try XCTUnwrap(types[c["t1"] as? String ?? ""]), to = try XCTUnwrap(types[c["to"] as? String ?? ""])
            func quantization(_ key: String) -> (Float, Int32) {
                let pair = c[key] as? [NSNumber] ?? [0, 0]
                return (pair[0].floatValue, pair[1].int32Value)
            }
            func data(_ type: TensorType, _ key: String) -> [UInt8] {
                let values = c[key] as? [NSNumber] ?? []
                switch type {
                case .int8: return Self.bytes(values.map(\.int8Value))
                case .uint8: return Self.bytes(values.map(\.uint8Value))
                case .int16: return Self.bytes(values.map(\.int16Value))
                case .int32: return Self.bytes(values.map(\.int32Value))
                default: return Self.bytes(values.map(\.floatValue))
                }
            }
            let (scale1, zero1) = quantization("q1"), (scaleOut, zeroOut) = quantization("qo")
            var inputs = [(Self.tensor(0, t1, c["s1"] as? [Int] ?? [], scale: scale1, zeroPoint: zero1), data(t1, "d1"))]
            if let name2 = c["t2"] as? String, let t2 = types[name2] {
                let (scale2, zero2) = quantization("q2")
                inputs.append((Self.tensor(1, t2, c["s2"] as? [Int] ?? [], scale: scale2, zeroPoint: zero2), data(t2, "d2")))
            }
            let output = Self.tensor(2, to, c["so"] as? [Int] ?? [], scale: to == .float32 ? nil : scaleOut, zeroPoint: zeroOut)
            let activation = c["act"] as? Int ?? 0
            let options = activation == 0 ? BuiltinOptions.none
                : KernelRunner.options(op, [("fused_activation_function", .enumeration("", Int64(activation)))])
            for variant in KernelVariant.allCases {
                let result = try Self.run(op, inputs: inputs, output: output, options: options, variant: variant)
                XCTAssertEqual(result, data(to, "out"), "\(op) \(t1.name)->\(to.name) \(c["s1"] ?? "") x \(c["s2"] ?? "") [\(variant.rawValue)]")
            }
        }
    }

    static let referenceCases = """
        [
        {"op":"SQUARED_DIFFERENCE","t1":"int16","t2":"int16","to":"int16","act":0,"s1":[1,1,2,3],"q1":[0.0802417248,0],"d1":[-18819,-16454,-1640,-13557,28814,-16385],"s2":[1,1,2,3],"q2":[0.0608819425,0],"d2":[-29764,-25440,24324,-17070,27111,-32422],"so":[1,1,2,3],"qo":[52.1907196,0],"out":[1750,1001,32767,45,8385,8328]},
        {"op":"PRELU","t1":"int16","t2":"int8","to":"int16","act":0,"s1":[1,3,2,1,2,1],"q1":[0.0214877594,0],"d1":[-20328,12938,-10639,-8470,3960,-8231,1612,16794,5572,2550,-11718,934],"s2":[1,3,2,1,2,1],"q2":[0.0351792164,-37],"d2":[18,-114,-82,32,86,90,-9,45,-57,-91,34,-43],"so":[1,3,2,1,2,1],"qo":[0.043160025,0],"out":[-19582,6442,8385,-10236,1972,-18308,803,8361,2774,1270,-14572,465]},
        {"op":"PRELU","t1":"int16","t2":"int8","to":"int16","act":0,"s1":[1,3,2,1,2],"q1":[0.0817367136,0],"d1":[18953,14613,31781,17109,-9230,26550,-15434,28731,-8322,7788,-16064,-21215],"s2":[1,3,2,1,1],"q2":[0.0837963596,124],"d2":[115,119,50,-116,-10,20],"so":[1,3,2,1,2],"qo":[0.0948475897,0],"out":[16333,12593,27388,14744,32767,22880,32767,24759,32767,6711,32767,32767]},
        {"op":"QUANTIZE","t1":"int8","t2":"","to":"int16","act":0,"s1":[9],"q1":[0.0129674729,38],"d1":[31,2,55,-91,-89,-1,-104,39,115],"s2":[],"q2":[0,0],"d2":[],"so":[9],"qo":[0.0933308899,0],"out":[-1,-5,2,-18,-18,-6,-20,0,11]},
        {"op":"QUANTIZE","t1":"int8","t2":"","to":"int32","act":0,"s1":[12],"q1":[0.0547908656,87],"d1":[31,-116,-27,-46,-40,-45,122,102,-24,-85,112,48],"s2":[],"q2":[0,0],"d2":[],"so":[12],"qo":[0.0776245594,0],"out":[-40,-143,-80,-94,-90,-93,25,11,-78,-121,18,-28]},
        {"op":"QUANTIZE","t1":"int16","t2":"","to":"int8","act":0,"s1":[5],"q1":[0.0853260681,0],"d1":[-12765,-18621,18159,-24016,4155],"s2":[],"q2":[0,0],"d2":[],"so":[5],"qo":[0.0264121275,68],"out":[-128,-128,127,-128,127]},
        {"op":"QUANTIZE","t1":"int16","t2":"","to":"int16","act":0,"s1":[5],"q1":[0.0891955569,0],"d1":[-12797,-27524,18257,-7248,-24629],"s2":[],"q2":[0,0],"d2":[],"so":[5],"qo":[0.0874749795,0],"out":[-13049,-28065,18616,-7391,-25113]},
        {"op":"QUANTIZE","t1":"int16","t2":"","to":"int32","act":0,"s1":[8],"q1":[0.0118638417,0],"d1":[-18942,21848,-640,31355,18686,-32490,20825,3922],"s2":[],"q2":[0,0],"d2":[],"so":[8],"qo":[0.0411742143,0],"out":[-5458,6295,-185,9035,5384,-9362,6001,1130]},
        {"op":"QUANTIZE","t1":"int32","t2":"","to":"int8","act":0,"s1":[6],"q1":[0.0399962664,62],"d1":[31048,-3151,-14244,-91837,-30992,70015],"s2":[],"q2":[0,0],"d2":[],"so":[6],"qo":[0.0806855708,82],"out":[127,-128,-128,-128,-128,127]},
        {"op":"QUANTIZE","t1":"int32","t2":"","to":"int16","act":0,"s1":[8],"q1":[0.0914543346,-72],"d1":[-6219644,3653171,-8323386,8720440,5271323,4778391,-4191093,3120214],"s2":[],"q2":[0,0],"d2":[],"so":[8],"qo":[0.0948883519,0],"out":[-32768,32767,-32768,32767,32767,32767,-32768,32767]},
        {"op":"QUANTIZE","t1":"uint8","t2":"","to":"int8","act":0,"s1":[5],"q1":[0.083086662,66],"d1":[52,63,83,115,119],"s2":[],"q2":[0,0],"d2":[],"so":[5],"qo":[0.0821954459,73],"out":[59,70,90,123,127]},
        {"op":"QUANTIZE","t1":"int8","t2":"","to":"uint8","act":0,"s1":[7],"q1":[0.0666584447,68],"d1":[-118,-113,100,-67,52,59,-6],"s2":[],"q2":[0,0],"d2":[],"so":[7],"qo":[0.0415687934,62],"out":[0,0,113,0,36,48,0]},
        {"op":"DEQUANTIZE","t1":"uint8","t2":"","to":"float32","act":0,"s1":[11],"q1":[0.0176569168,85],"d1":[32,208,167,75,82,166,241,107,219,19,42],"s2":[],"q2":[0,0],"d2":[],"so":[11],"qo":[0,0],"out":[-0.935816586,2.17180085,1.44786716,-0.176569164,-0.0529707521,1.43021023,2.75447893,0.388452172,2.36602688,-1.16535652,-0.759247422]},
        {"op":"MUL","t1":"int8","t2":"int8","to":"int8","act":1,"s1":[3,1,1,1],"q1":[0.0516460575,-53],"d1":[-68,32,-79],"s2":[3,1,1,3],"q2":[0.0204241052,-122],"d2":[-104,49,-114,67,-85,61,120,8,-54],"so":[3,1,1,3],"qo":[0.199323744,60],"out":[60,60,60,127,77,127,60,60,60]},
        {"op":"MUL","t1":"int16","t2":"int16","to":"int16","act":2,"s1":[1,3,2],"q1":[0.0965001136,0],"d1":[20069,14251,28233,-2124,-8911,-11431],"s2":[1,1,1],"q2":[0.0841520056,0],"d2":[12513],"so":[1,3,2],"qo":[24.1105404,0],"out":[0,0,0,0,0,0]},
        {"op":"SUB","t1":"int8","t2":"int8","to":"int8","act":3,"s1":[1,1,1],"q1":[0.060080193,-85],"d1":[82],"s2":[1,3,3],"q2":[0.0370069779,-122],"d2":[-122,102,-3,84,6,104,24,121,-115],"so":[1,3,3],"qo":[0.134952307,76],"out":[120,89,118,94,115,88,110,84,120]},
        {"op":"SUB","t1":"int16","t2":"int16","to":"int16","act":3,"s1":[1,1,2],"q1":[0.0515433364,0],"d1":[-19924,-7689],"s2":[2,2,2],"q2":[0.0728882924,0],"d2":[3033,10673,-23000,-29701,-20491,16464,-7649,-8600],"so":[2,2,2],"qo":[0.183489621,0],"out":[0,0,33,33,33,0,0,33]},
        {"op":"DIV","t1":"int8","t2":"int8","to":"int8","act":2,"s1":[1,2,1],"q1":[0.023019243,72],"d1":[60,-112],"s2":[2,3],"q2":[0.0684373751,90],"d2":[-10,-67,-66,-11,-52,41],"so":[1,2,3],"qo":[0.00538242795,-71],"out":[-64,-66,-66,43,10,115]},
        {"op":"SQUARED_DIFFERENCE","t1":"int8","t2":"int8","to":"int8","act":0,"s1":[3,1,1,1],"q1":[0.0546363704,20],"d1":[-126,-114,-106],"s2":[3,1,1],"q2":[0.0413652509,6],"d2":[-67,-91,18],"so":[3,3,1,1],"qo":[51.4449768,70],"out":[70,70,71,70,70,71,70,70,71]},
        {"op":"SQUARED_DIFFERENCE","t1":"int16","t2":"int16","to":"int16","act":0,"s1":[1,1,1,1,1],"q1":[0.0180527084,0],"d1":[-32040],"s2":[1,2,1,2,3],"q2":[0.0369809791,0],"d2":[17885,-19498,10377,-27532,-4486,13631,-14639,15091,-17815,-15305,-17675,-17852],"so":[1,2,1,2,3],"qo":[5.16678429,0],"out":[32767,3940,32767,32767,32767,32767,266,32767,1251,30,1095,1295]},
        {"op":"PRELU","t1":"int8","t2":"int8","to":"int8","act":0,"s1":[3,3,1],"q1":[0.0470248759,7],"d1":[100,55,-83,-46,-17,110,-90,-35,48],"s2":[3,1],"q2":[0.0791614577,78],"d2":[-67,80,97],"so":[3,3,1],"qo":[0.013677788,14],"out":[127,127,-128,127,1,127,127,-9,127]}
        ]
        """

    // MARK: Refusals, shapes and declared memory

    func testRefusesWhatTFLMRefuses() throws {
        func refuses(_ op: String, _ inputs: [TensorInfo], _ output: TensorInfo, variant: KernelVariant = .reference,
                     line: UInt = #line) {
            XCTAssertThrowsError(try Self.prepare(op, inputs: inputs, output: output, variant: variant), line: line) {
                XCTAssertTrue($0 is UnsupportedOperatorError, "\(op): \($0)", line: line)
            }
        }
        let i8 = Self.tensor(0, .int8, [4], scale: 0.5), i8b = Self.tensor(1, .int8, [4], scale: 0.5)
        let o8 = Self.tensor(2, .int8, [4], scale: 0.5)
        let i16 = Self.tensor(0, .int16, [4], scale: 0.5), i16b = Self.tensor(1, .int16, [4], scale: 0.5)
        let o16 = Self.tensor(2, .int16, [4], scale: 0.5)
        let f = Self.tensor(0, .float32, [4]), of = Self.tensor(1, .float32, [4])
        refuses("EXP", [i8], Self.tensor(1, .int8, [4], scale: 0.5))
        refuses("LOG", [i8], Self.tensor(1, .int8, [4], scale: 0.5))
        refuses("SQRT", [i8], Self.tensor(1, .int8, [4], scale: 0.5))
        refuses("RSQRT", [i16], Self.tensor(1, .int16, [4], scale: 0.5))
        refuses("DIV", [i16, i16b], o16)
        refuses("MUL", [Self.tensor(0, .int16, [4], scale: 0.5, zeroPoint: 1), i16b], o16)
        refuses("MUL", [i8, i8b], Self.tensor(2, .int16, [4], scale: 0.5))
        refuses("MUL", [Self.tensor(0, .uint8, [4], scale: 0.5), Self.tensor(1, .uint8, [4], scale: 0.5)],
                Self.tensor(2, .uint8, [4], scale: 0.5))
        refuses("SUB", [Self.tensor(0, .int32, [4], scale: 1), Self.tensor(1, .int32, [4], scale: 1)],
                Self.tensor(2, .int32, [4], scale: 1))
        // SUB's output rescale 2*max_in / (2^20 * out) must stay below 1.
        refuses("SUB", [i8, i8b], Self.tensor(2, .int8, [4], scale: 1e-7))
        refuses("SQUARED_DIFFERENCE", [Self.tensor(0, .int16, [4], scale: 0.5, zeroPoint: 2), i16b], o16)
        refuses("PRELU", [i16, i16b], o16)
        refuses("QUANTIZE", [f], Self.tensor(1, .int32, [4], scale: 0.5))
        refuses("QUANTIZE", [f], Self.tensor(1, .uint8, [4], scale: 0.5))
        refuses("QUANTIZE", [f], TensorInfo(index: 1, name: "t1", type: .int8, shape: [4], elementCount: 4, byteCount: 4,
                                             isConstant: false, isVariable: false, scale: [0.5, 0.25], zeroPoint: [0, 0],
                                             quantizedDimension: 0, constantData: nil))
        refuses("QUANTIZE", [Self.tensor(0, .int32, [4], scale: 1)], Self.tensor(1, .int32, [4], scale: 1))
        refuses("DEQUANTIZE", [f], of)
        refuses("DEQUANTIZE", [i8], Self.tensor(1, .int16, [4]))
        refuses("CAST", [f], Self.tensor(1, .bool, [4]))
        refuses("CAST", [Self.tensor(0, .int64, [4])], of)
        // Seven dimensions: more than TFLM's RuntimeShape holds.
        let seven = [1, 1, 1, 1, 1, 2, 2]
        refuses("MAXIMUM", [Self.tensor(0, .float32, seven), Self.tensor(1, .float32, seven)], Self.tensor(2, .float32, seven))
        // CMSIS-NN's arm_maximum_s8 takes four dimensions.
        let five = [1, 1, 1, 2, 2]
        refuses("MAXIMUM", [Self.tensor(0, .int8, five), Self.tensor(1, .int8, five)], Self.tensor(2, .int8, five), variant: .cmsisNN)
        XCTAssertNoThrow(try Self.prepare("MAXIMUM", inputs: [Self.tensor(0, .int8, five), Self.tensor(1, .int8, five)],
                                          output: Self.tensor(2, .int8, five), variant: .reference))
    }

    func testRejectsShapesThatDoNotBroadcast() throws {
        XCTAssertThrowsError(try Self.prepare("MUL", inputs: [Self.tensor(0, .float32, [2, 3]), Self.tensor(1, .float32, [2])],
                                              output: Self.tensor(2, .float32, [2, 3]))) {
            XCTAssertTrue($0 is InvalidOperatorError, "\($0)")
        }
        XCTAssertThrowsError(try Self.prepare("SUB", inputs: [Self.tensor(0, .float32, [2, 3]), Self.tensor(1, .float32, [3])],
                                              output: Self.tensor(2, .float32, [2, 2]))) {
            XCTAssertTrue($0 is InvalidOperatorError, "\($0)")
        }
        XCTAssertThrowsError(try Self.prepare("EXP", inputs: [Self.tensor(0, .float32, [4])], output: Self.tensor(1, .float32, [5]))) {
            XCTAssertTrue($0 is InvalidOperatorError, "\($0)")
        }
    }

    /// Persistent allocations are TFLM's OpData structs, laid out by hand (no pointers,
    /// so 32- and 64-bit agree): OpDataMul 7 int32 + 2 float; OpDataSub bool + 12 int32;
    /// OpDataDiv 7 int32; SQUARED_DIFFERENCE's OpData bool + ArithmeticParams (104
    /// bytes, 8-aligned); PreluParams 7 int32; OpDataAbsRsqrt 4 int32 + bool + 2 enums
    /// (28 bytes with the host's 4-byte enums, 20 with arm-none-eabi-gcc's short enums);
    /// OpDataQuantizeReference and DequantizeOpData hold a double (32 each). MAXIMUM,
    /// MINIMUM, EXP, LOG, SQRT and CAST allocate nothing.
    func testDeclaredPersistentMemory() throws {
        let a = Self.tensor(0, .int8, [4], scale: 0.5), b = Self.tensor(1, .int8, [4], scale: 0.5)
        let o = Self.tensor(2, .int8, [4], scale: 0.5), u = Self.tensor(1, .int8, [4], scale: 0.5)
        let f = Self.tensor(0, .float32, [4]), fo = Self.tensor(1, .float32, [4])
        let cases: [(String, [TensorInfo], TensorInfo, Int)] = [
            ("MUL", [a, b], o, 36), ("SUB", [a, b], o, 52), ("DIV", [a, b], o, 28),
            ("SQUARED_DIFFERENCE", [a, b], o, 112), ("PRELU", [a, b], o, 28),
            ("MAXIMUM", [a, b], o, 0), ("MINIMUM", [a, b], o, 0),
            ("RSQRT", [a], u, 28), ("RSQRT", [f], fo, 28), ("EXP", [f], fo, 0), ("LOG", [f], fo, 0), ("SQRT", [f], fo, 0),
            ("CAST", [f], fo, 0), ("QUANTIZE", [f], u, 32), ("DEQUANTIZE", [a], fo, 32),
        ]
        for (op, inputs, output, bytes) in cases {
            for variant in KernelVariant.allCases {
                let context = try Self.prepare(op, inputs: inputs, output: output, variant: variant)
                // The same on Cortex-M: RSQRT's OpDataAbsRsqrt holds an int-typed enum (28 B
                // measured under QEMU, Tests/Fixtures/cortexm/arena.json).
                XCTAssertEqual(context.persistent.map { $0.bytes32 }.reduce(0, +), bytes, "\(op) 32-bit")
                XCTAssertEqual(context.persistent.map { $0.bytes64 }.reduce(0, +), bytes, "\(op) 64-bit")
                XCTAssertEqual(context.scratchRequests, [], "\(op) requests no scratch")
            }
        }
    }

    /// TFLM's recorded persistent buffers (64-bit host) agree: op_mul and op_sub have the
    /// same graph, so their "Persistent buffer data" differs only by OpDataSub - OpDataMul.
    func testPersistentMemoryMatchesTFLMRecording() throws {
        try SharedReference.require()
        let golden = try SharedReference.json(SharedReference.zooDirectory.appendingPathComponent("golden.json"))
        func requested(_ name: String) -> Int? {
            let models = golden["models"] as? [String: Any]
            let model = models?[name] as? [String: Any]
            let breakdown = (model?["tflm"] as? [String: Any])?["arena_breakdown"] as? [[String: Any]]
            return breakdown?.first { $0["what"] as? String == "Persistent buffer data" }?["requested"] as? Int
        }
        let mul = try XCTUnwrap(requested("op_mul")), sub = try XCTUnwrap(requested("op_sub"))
        XCTAssertEqual(sub - mul, 52 - 36)
    }

    /// The fixtures' TFLM recordings (64-bit host) of "Persistent buffer data": after
    /// removing what our kernels declare, every fixture made of this group's ops (and
    /// RESHAPE) with the same number of graph inputs and outputs must leave the same
    /// remainder (the interpreter's own arrays). MAXIMUM, MINIMUM, EXP, LOG, SQRT and
    /// CAST have no init in TFLM, so they pin that remainder; the others must then match.
    func testPersistentMemoryMatchesFixtureRecordings() throws {
        let index = try Self.fixtureIndex()
        let json = try SharedReference.json(SharedReference.fixturesDirectory.appendingPathComponent("fixtures.json"))
        let entries = json["fixtures"] as? [String: [String: Any]] ?? [:]
        var remainders: [Int: [String: (bytes: Int, count: Int)]] = [:]
        for (name, ops) in index.fixtures.sorted(by: { $0.key < $1.key })
        where ops.allSatisfy({ Self.groupOps.contains($0) || $0 == "RESHAPE" }) && !Self.groupOps.isDisjoint(with: ops) {
            guard ops.allSatisfy(KernelRunner.isRegistered),
                  let entry = entries[name],
                  let persistent = (entry["tflm"] as? [String: Any])?["persistent"] as? [String: [Int]] else { continue }
            let recorded = persistent["Persistent buffer data"] ?? [0, 0, 0]
            let model = try Model(contentsOf: SharedReference.fixturesDirectory.appendingPathComponent("\(name).tflite"))
            let declared = try Self.declaredPersistent(model)
            let io = (entry["inputs"] as? [Any] ?? []).count + (entry["outputs"] as? [Any] ?? []).count
            remainders[io, default: [:]][name] = (recorded[1] - declared.bytes, recorded[2] - declared.count)
        }
        guard !remainders.isEmpty else { throw XCTSkip("no fixture made of this group's ops yet") }
        for (io, byName) in remainders {
            let distinctBytes = Set(byName.values.map(\.bytes)), distinctCounts = Set(byName.values.map(\.count))
            XCTAssertEqual(distinctBytes.count, 1, "graph I/O \(io): TFLM's recording minus our requests differs: \(byName)")
            XCTAssertEqual(distinctCounts.count, 1, "graph I/O \(io): allocation counts differ: \(byName)")
        }
    }

    /// What this interpreter's kernels declare for a model (64-bit sizes, allocations).
    static func declaredPersistent(_ model: Model) throws -> (bytes: Int, count: Int) {
        let interpreter = try MicroInterpreter(model: model, options: InterpreterOptions(variant: .reference))
        var bytes = 0, count = 0
        for (i, op) in (model.subgraphs.first?.operators ?? []).enumerated() {
            let name = model.opName(op)
            guard let kernel = (try? KernelRunner.kernel(name)) else { continue }
            let context = PrepareContext(
                operatorIndex: i, op: KernelRunner.kind(name), opVersion: Int(model.operatorCodes[Int(op.opcodeIndex)].version),
                options: op.builtinOptions, variant: .reference, customOptions: nil,
                inputs: op.inputs.map(Int.init), outputs: op.outputs.map(Int.init),
                intermediates: op.intermediates.map(Int.init), tensors: interpreter.tensors)
            try kernel.prepare(context)
            bytes += context.persistent.map(\.bytes64).reduce(0, +)
            count += context.persistent.count
        }
        return (bytes, count)
    }

    func testKernelPaths() throws {
        let a = Self.tensor(0, .int8, [2, 3], scale: 0.5), b = Self.tensor(1, .int8, [2, 3], scale: 0.5)
        let row = Self.tensor(1, .int8, [3], scale: 0.5), o = Self.tensor(2, .int8, [2, 3], scale: 0.5)
        XCTAssertEqual(try Self.prepare("MUL", inputs: [a, b], output: o, variant: .cmsisNN).kernelPath?.name, "arm_elementwise_mul_s8")
        XCTAssertEqual(try Self.prepare("MUL", inputs: [a, row], output: o, variant: .cmsisNN).kernelPath?.name, "reference")
        XCTAssertEqual(try Self.prepare("MUL", inputs: [a, b], output: o, variant: .reference).kernelPath?.name, "reference")
        let a16 = Self.tensor(0, .int16, [2, 3], scale: 0.5), b16 = Self.tensor(1, .int16, [2, 3], scale: 0.5)
        XCTAssertEqual(try Self.prepare("MUL", inputs: [a16, b16], output: Self.tensor(2, .int16, [2, 3], scale: 0.5),
                                        variant: .cmsisNN).kernelPath?.name, "arm_elementwise_mul_s16")
        XCTAssertEqual(try Self.prepare("MAXIMUM", inputs: [a, row], output: o, variant: .cmsisNN).kernelPath?.name, "arm_maximum_s8")
        XCTAssertEqual(try Self.prepare("MINIMUM", inputs: [a, row], output: o, variant: .cmsisNN).kernelPath?.name, "arm_minimum_s8")
        XCTAssertEqual(try Self.prepare("SUB", inputs: [a, b], output: o, variant: .cmsisNN).kernelPath?.name, "reference")
        let f = Self.tensor(0, .float32, [2, 3]), g = Self.tensor(1, .float32, [2, 3]), fo = Self.tensor(2, .float32, [2, 3])
        XCTAssertEqual(try Self.prepare("MUL", inputs: [f, g], output: fo, variant: .cmsisNN).kernelPath?.name, "reference_float")
    }

    // MARK: Fixture plumbing

    struct FixtureIndex {
        /// Fixture name → its operators.
        var fixtures: [String: [String]]
        var refused: [String: [String]]
        /// Fixtures the converter could not produce, with the generator's reason.
        var notEmitted: [String: String]
    }

    static func fixtureIndex() throws -> FixtureIndex {
        let url = SharedReference.fixturesDirectory.appendingPathComponent("fixtures.json")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("Tests/Fixtures/models/fixtures.json is missing; regenerate with Tests/Fixtures/make_fixtures.py")
        }
        let json = try SharedReference.json(url)
        var index = FixtureIndex(fixtures: [:], refused: [:], notEmitted: [:])
        for (name, entry) in json["fixtures"] as? [String: [String: Any]] ?? [:] {
            index.fixtures[name] = (entry["ops"] as? [[String: Any]] ?? []).compactMap { $0["op"] as? String }
        }
        for entry in json["refused"] as? [[String: Any]] ?? [] {
            if let name = entry["fixture"] as? String {
                index.refused[name] = entry["ops"] as? [String] ?? []
            }
        }
        for entry in json["not_emitted"] as? [[String: Any]] ?? [] {
            if let name = entry["fixture"] as? String {
                index.notEmitted[name] = entry["reason"] as? String ?? "not emitted"
            }
        }
        return index
    }

    /// Runs the named fixtures that exist (or are TFLM refusals, checked elsewhere);
    /// skips, after checking those, naming the ones not generated yet or waiting for
    /// other groups' kernels. Fixtures the converter cannot produce (`not_emitted`) are
    /// reported, not waited for.
    func checkFixtures(_ names: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let index = try Self.fixtureIndex()
        var missing: [String] = [], waiting: [String] = []
        for name in names {
            guard let ops = index.fixtures[name] else {
                if let reason = index.notEmitted[name] {
                    print("note: fixture \(name) cannot be generated: \(reason)")
                } else if index.refused[name] == nil {
                    missing.append(name)
                }
                continue
            }
            let unregistered = ops.filter { !KernelRunner.isRegistered($0) }
            guard unregistered.isEmpty else {
                waiting.append("\(name) (needs \(Set(unregistered).sorted().joined(separator: ", ")))")
                continue
            }
            try assertFixtureBitExact(name, file: file, line: line)
        }
        if !missing.isEmpty || !waiting.isEmpty {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("fixtures not generated yet in Tests/Fixtures/models: \(missing.joined(separator: ", "))") }
            if !waiting.isEmpty { parts.append("kernels of other groups missing for: \(waiting.joined(separator: "; "))") }
            throw XCTSkip(parts.joined(separator: "; "))
        }
    }

    func assertFixtureBitExact(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let directory = SharedReference.fixturesDirectory
        for variant in KernelVariant.allCases {
            try GoldenHarness.assertBitExact(name, modelDirectory: directory, goldenDirectory: directory,
                                             variant: variant, file: file, line: line)
        }
    }

    static func unregisteredOps(_ model: Model) -> [String] {
        let names = model.subgraphs.first?.operators.map { model.opName($0) } ?? []
        return Set(names).filter { !KernelRunner.isRegistered($0) }.sorted()
    }

    // MARK: Single-kernel harness

    static func tensor(_ index: Int, _ type: TensorType, _ shape: [Int], scale: Float? = nil, zeroPoint: Int32 = 0) -> TensorInfo {
        let count = shape.reduce(1, *)
        return TensorInfo(index: index, name: "t\(index)", type: type, shape: shape, elementCount: count,
                          byteCount: count * (type.byteSize ?? 1), isConstant: false, isVariable: false,
                          scale: scale.map { [$0] } ?? [], zeroPoint: scale == nil ? [] : [zeroPoint],
                          quantizedDimension: 0, constantData: nil)
    }

    /// Tensors re-indexed in order: inputs, then the output.
    private static func graph(_ inputs: [TensorInfo], _ output: TensorInfo) -> [TensorInfo] {
        (inputs + [output]).enumerated().map { i, t in
            TensorInfo(index: i, name: t.name, type: t.type, shape: t.shape, elementCount: t.elementCount, byteCount: t.byteCount,
                       isConstant: t.isConstant, isVariable: t.isVariable, scale: t.scale, zeroPoint: t.zeroPoint,
                       quantizedDimension: t.quantizedDimension, constantData: t.constantData)
        }
    }

    @discardableResult
    static func prepare(_ op: String, inputs: [TensorInfo], output: TensorInfo, options: BuiltinOptions = .none,
                        variant: KernelVariant = .reference) throws -> PrepareContext {
        let kernel = try KernelRunner.kernel(op)
        let context = KernelRunner.context(op, options: options, variant: variant, tensors: graph(inputs, output),
                                           inputs: Array(0..<inputs.count), outputs: [inputs.count])
        try kernel.prepare(context)
        return context
    }

    /// Prepares and runs one kernel on the given input bytes; returns the output bytes.
    static func run(_ op: String, inputs: [(TensorInfo, [UInt8])], output: TensorInfo, options: BuiltinOptions = .none,
                    variant: KernelVariant = .reference) throws -> [UInt8] {
        var data: [Int: [UInt8]] = [:]
        for (i, (_, bytes)) in inputs.enumerated() { data[i] = bytes }
        return try KernelRunner.run(op, options: options, variant: variant, tensors: graph(inputs.map(\.0), output),
                                    inputs: Array(0..<inputs.count), outputs: [inputs.count], data: data, fill: 0xAA).outputs[0]
    }

    static func bytes<T>(_ values: [T]) -> [UInt8] {
        values.withUnsafeBytes { [UInt8]($0) }
    }

    static func values<T>(_ bytes: [UInt8], _: T.Type) -> [T] {
        let n = bytes.count / MemoryLayout<T>.stride
        return bytes.withUnsafeBytes { raw in (0..<n).map { raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.stride, as: T.self) } }
    }
}
