import Foundation
import TestSupport
import XCTest
@testable import Interpreter

/// The interpreter's guards against hostile models (issue #13), on the hand-made inputs of
/// `Tests/Regressions/model/` (written by `make_regressions.py`, checked against TFLM).
final class HostArenaTests: XCTestCase {
    private func model(_ name: String) throws -> Model {
        try Model(contentsOf: SharedReference.packageRoot.appendingPathComponent("Tests/Regressions/model/\(name).tflite"))
    }

    /// A 384-byte model whose two float32 [1, 2^28-16] tensors need just under 2 GiB: planned
    /// without an arena it costs nothing, and the host arena limit refuses it before allocating.
    func testPlanOnlyAllocatesNothingAndTheLimitRefusesBeforeAllocating() throws {
        let model = try model("arena_2gb")
        let planned = try MicroInterpreter(model: model, options: InterpreterOptions(allocatesArena: false))
        let tensorBytes = ((1 << 28) - 16) * 4
        XCTAssertEqual(planned.arenaUsage.plannedBytes, 2 * tensorBytes)
        XCTAssertThrowsError(try planned.invoke()) { XCTAssertTrue($0 is NotAllocatedError, "\($0)") }
        XCTAssertThrowsError(try planned.setInput(0, bytes: [])) { XCTAssertTrue($0 is NotAllocatedError, "\($0)") }
        XCTAssertThrowsError(try MicroInterpreter(model: model, options: InterpreterOptions(hostArenaLimit: 64 << 20))) { error in
            let limit = error as? HostArenaLimitError
            XCTAssertEqual(limit?.neededBytes, 2 * tensorBytes)
            XCTAssertEqual(limit?.limitBytes, 64 << 20)
        }
    }

    /// CONCATENATION of a [1, 0] and a [1, 3] tensor runs in TFLM (checked with the oracle): the
    /// empty operand has no bytes and no planned place, yet needs an address. The output is the
    /// second operand.
    func testEmptyOperandRunsAndConcatenationCopiesTheOther() throws {
        for variant in KernelVariant.allCases {
            let interpreter = try MicroInterpreter(model: try model("zero_dim_concat"), options: InterpreterOptions(variant: variant))
            let values: [Float] = [1.5, -2, 3.25]
            let bytes = values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
            try interpreter.setInput(0, bytes: [])
            try interpreter.setInput(1, bytes: bytes)
            try interpreter.invoke()
            XCTAssertEqual(interpreter.outputBytes(0), bytes)
        }
    }

    /// TFLM refuses an operator output with a zero-sized dimension (CheckDynamicTensors) but
    /// takes shape [0] for a legacy scalar.
    func testZeroSizedOutputsAreRefusedAsTFLMDoesExceptTheLegacyScalar() throws {
        XCTAssertThrowsError(try MicroInterpreter(model: try model("zero_dim_output"))) { error in
            XCTAssertTrue(error is UnsupportedOperatorError && "\(error)".contains("dynamic tensor"), "\(error)")
        }
        let scalar = try MicroInterpreter(model: try model("legacy_scalar_add"))
        try scalar.invoke()
        XCTAssertEqual(scalar.outputBytes(0), [])
    }

    func testUnknownTensorTypeKeepsItsCode() throws {
        XCTAssertThrowsError(try MicroInterpreter(model: try model("unknown_tensor_type"))) { error in
            XCTAssertTrue(error is UnsupportedModelError, "\(error)")
            XCTAssertTrue("\(error)".contains("unknown tensor type 42"), "\(error)")
        }
        let support = MicroInterpreter.supportReport(model: try model("unknown_tensor_type"))
        XCTAssertTrue(support.allSatisfy { $0.refusal?.contains("unknown tensor type 42") ?? false }, "\(support)")
    }

    /// RELU6 on an output scale of 1e-37: 6 / scale does not fit int32. TFLM's ADD fails in
    /// Prepare; its pooling ignores the failure and leaves the clamp undefined.
    func testActivationBoundsThatDoNotFitInt32AreRefused() throws {
        XCTAssertThrowsError(try MicroInterpreter(model: try model("activation_range_overflow"))) { error in
            XCTAssertTrue(error is InvalidOperatorError && "\(error)".contains("activation bound 6.0"), "\(error)")
        }
        XCTAssertThrowsError(try MicroInterpreter(model: try model("activation_range_overflow_pool"))) { error in
            XCTAssertTrue(error is UnsupportedOperatorError && "\(error)".contains("clamp undefined"), "\(error)")
        }
    }
}
