import Foundation
import XCTest
import Interpreter
@testable import Devices

/// The guessed share of a latency, on hand-made workloads: which terms count (generic
/// estimates and assumptions) and which do not (measured loops, datasheet stalls). The
/// assumed TFLM dispatch and invoke figures are computed here by hand from their documented
/// instruction mixes and the Cortex-M4 timing rules; nothing depends on the measured kernel data.
final class EstimatedShareTests: XCTestCase {
    private func profile(_ id: String) throws -> DeviceProfile {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            directory = directory.deletingLastPathComponent()
        }
        return try ProfileLoader.load(file: directory.appendingPathComponent("Profiles/\(id).json"))
    }

    private func tensor(_ index: Int, _ type: TensorType, _ shape: [Int], _ location: TensorWorkload.Location, offset: Int = 0) -> TensorWorkload {
        let size = type == .int32 ? 4 : 1
        return TensorWorkload(tensorIndex: index, type: type, shape: shape, bytes: shape.reduce(1, *) * size,
                              location: location, arenaOffset: location == .arena ? offset : nil, perChannel: false)
    }

    /// FULLY_CONNECTED, 32 inputs, 8 outputs: a kernel with measured loops.
    private func fullyConnected(index: Int, activationOffset: Int = 0) -> OperatorWorkload {
        var g = MatrixGeometry()
        (g.rows, g.depth, g.columns) = (1, 32, 8)
        return OperatorWorkload(
            index: index, op: .builtin(.fullyConnected), variant: .cmsisNN, kernelPath: .cmsisNN(.fullyConnectedS8),
            inputs: [tensor(0, .int8, [1, 32], .arena, offset: activationOffset), tensor(1, .int8, [8, 32], .flash), tensor(2, .int32, [8], .flash)],
            outputs: [tensor(3, .int8, [1, 8], .arena, offset: activationOffset + 32)],
            geometry: .matrix(g), macs: 256, scratchBytes: 0)
    }

    /// TRANSPOSE through arm_transpose_s8: no measured loops, a generic estimate.
    private func transpose(index: Int) -> OperatorWorkload {
        OperatorWorkload(index: index, op: .builtin(.transpose), variant: .cmsisNN, kernelPath: .cmsisNN(.transposeS8),
                         inputs: [tensor(0, .int8, [1, 8, 8, 4], .arena)], outputs: [tensor(1, .int8, [1, 4, 8, 8], .arena, offset: 256)],
                         geometry: .none, macs: 0, scratchBytes: 0)
    }

    /// TFLM dispatch, "ld=80 ru=50 st=35 alu=95 sh=5 br=30 tk=20 ldm=4 ldmr=24 stm=4 stmr=24", on
    /// the M4: ALU 95 + 5, loads 80 + 50 runs, LDM/STM 4 + 24 + 4 + 24, stores 35, branches 30 + 2 x 20.
    private let m4Dispatch = 100.0 + 130 + 56 + 35 + 70
    /// Invoke, "ld=30 ru=20 st=10 alu=40 br=12 tk=8 ldm=1 ldmr=6 stm=1 stmr=6": 40 + 50 + 14 + 10 + 28.
    private let m4Invoke = 40.0 + 50 + 14 + 10 + 28

    func testMeasuredKernelCountsOnlyItsDispatch() throws {
        let model = CostModel.estimate(workloads: [fullyConnected(index: 0)], device: try profile("stm32f411re"),
                                       options: CostOptions(optimization: .o2))
        let op = model.operators[0]
        XCTAssertFalse(op.isEstimated)
        XCTAssertEqual(op.estimatedCycles, m4Dispatch, accuracy: 1e-9)
        XCTAssertEqual(model.frameworkCycles, m4Invoke, accuracy: 1e-9)
        XCTAssertEqual(model.estimatedCycles, m4Dispatch + m4Invoke, accuracy: 1e-9)
        XCTAssertEqual(model.estimatedShare, (m4Dispatch + m4Invoke) / model.totalCycles, accuracy: 1e-12)
        // The kernel's loops are measured, the flash stall follows from the datasheet's wait states.
        for term in op.terms where term.name != "TFLM operator dispatch" {
            XCTAssertTrue(term.basis == .measured || term.basis == .datasheet, "\(term.name): \(term.basis)")
        }
    }

    func testGenericKernelIsGuessedWhole() throws {
        let f411 = try profile("stm32f411re")
        let model = CostModel.estimate(workloads: [fullyConnected(index: 0), transpose(index: 1)], device: f411,
                                       options: CostOptions(optimization: .o2))
        let generic = model.operators[1]
        XCTAssertTrue(generic.isEstimated)
        XCTAssertEqual(generic.estimatedShare, 1, accuracy: 1e-12, "no weights, so no datasheet term: all of it is guessed")
        XCTAssertEqual(model.estimatedCycles, m4Dispatch + generic.cycles + m4Invoke, accuracy: 1e-9)
        let measuredKernel = model.operators[0].cycles - m4Dispatch
        XCTAssertEqual(model.estimatedShare, 1 - measuredKernel / model.totalCycles, accuracy: 1e-12)
        XCTAssertEqual(CostModel.kernelBasis(transpose(index: 1), variant: .cmsisNN), .genericEstimate)
        XCTAssertEqual(CostModel.kernelBasis(fullyConnected(index: 0), variant: .cmsisNN), .measured)
    }

    func testAssumedAXICyclesCountOnTheCortexM7() throws {
        var f746 = try profile("stm32f746zg")
        // Activations in SRAM1 (past the 64 KiB DTCM): 1 line read (8 cycles) and 1 line written
        // (16) at the assumed AXI line-fill cost; the 9 weight line fills each carry the assumed
        // 4-cycle AXI overhead (36). The flash reads themselves (9 fills x 2 reads x 8 cycles)
        // rest on a read width the F746 profile does not state (128 bits assumed): guessed too.
        let workload = fullyConnected(index: 0, activationOffset: 70_000)
        let dispatch = CostModel.cycles(CostModel.operatorDispatch, core: .cortexM7)
        var op = CostModel.estimate(workloads: [workload], device: f746, options: CostOptions(optimization: .o2)).operators[0]
        XCTAssertEqual(op.estimatedCycles, dispatch + 8 + 16 + 36 + 144, accuracy: 1e-9)
        XCTAssertEqual(op.terms.first { $0.name == "flash wait states (weights)" }?.basis, .assumption)
        XCTAssertFalse(op.isEstimated)
        // With the width documented, the same reads follow from the datasheet.
        f746.flash.accessBits = 128
        op = CostModel.estimate(workloads: [workload], device: f746, options: CostOptions(optimization: .o2)).operators[0]
        XCTAssertEqual(op.terms.first { $0.name == "flash wait states (weights)" }?.basis, .datasheet)
        XCTAssertEqual(op.estimatedCycles, dispatch + 8 + 16 + 36, accuracy: 1e-9)
    }
}
