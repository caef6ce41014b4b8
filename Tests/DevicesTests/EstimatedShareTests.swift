import Foundation
import XCTest
import Interpreter
@testable import Devices

/// The guessed share of a latency, on hand-made workloads: which terms count (generic
/// estimates and assumptions) and which do not (measured loops, measured TFLM dispatch,
/// datasheet stalls). The TFLM dispatch and invoke cycles are computed here by hand from the
/// measured mixes (Generated/TFLMDispatchCounts.swift) and the Cortex-M4 timing rules.
final class EstimatedShareTests: XCTestCase {
    private func profile(_ id: String) throws -> DeviceProfile {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            directory = directory.deletingLastPathComponent()
        }
        return try ProfileLoader.load(file: directory.appendingPathComponent("Profiles/\(id).json"))
    }

    private func tensor(_ index: Int, _ type: TensorType, _ shape: [Int], _ location: TensorWorkload.Location, offset: Int = 0) -> TensorWorkload {
        let size = type == .int32 || type == .float32 ? 4 : type == .int16 ? 2 : 1
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

    /// RSQRT int8 (reference): a kernel without measured loops (KernelCosts.unmeasuredReference).
    private func unmeasured(index: Int) -> OperatorWorkload {
        OperatorWorkload(index: index, op: .builtin(.rsqrt), variant: .cmsisNN, kernelPath: .reference(.builtin(.rsqrt), .int8),
                         inputs: [tensor(0, .int8, [1, 8, 8, 4], .arena)], outputs: [tensor(1, .int8, [1, 8, 8, 4], .arena, offset: 256)],
                         geometry: .elementwise(ElementwiseGeometry(elements: 256)), macs: 0, scratchBytes: 0)
    }

    /// TFLM's dispatch around arm_fully_connected_s8 on the M4, "ld=105 ru=72 ldrd=5 ldm=5 ldmr=23 st=29
    /// strd=11 stm=8 stmr=26 mac=4 alu=87 sh=9 br=67 tk=45": ALU, shifted ALU and MAC 87 + 9 + 4, loads
    /// 105 + 72 runs, LDRD/STRD 3 x (5 + 11), LDM/STM 5 + 23 + 8 + 26, stores 29, branches 67 + 2 x 45.
    private let m4FCDispatchMix = "ld=105 ru=72 ldrd=5 ldm=5 ldmr=23 st=29 strd=11 stm=8 stmr=26 mac=4 alu=87 sh=9 br=67 tk=45"
    private let m4FCDispatch = 100.0 + 177 + 48 + 62 + 29 + 157
    /// Invoke, "ld=20 ru=15 ldrd=1 ldm=1 ldmr=2 st=2 stm=2 stmr=10 alu=19 sh=2 br=13 tk=6": 21 + 35 + 3 + 15 + 2 + 25.
    private let m4InvokeMix = "ld=20 ru=15 ldrd=1 ldm=1 ldmr=2 st=2 stm=2 stmr=10 alu=19 sh=2 br=13 tk=6"
    private let m4Invoke = 21.0 + 35 + 3 + 15 + 2 + 25
    /// The stand-in for an unmeasured dispatch (the median CMSIS-NN key, today TRANSPOSE_CONV's neighbour), "ld=139
    /// ru=95 ldrd=8 ldm=4 ldmr=28 st=33 strd=8 stm=8 stmr=25 mac=6 alu=85 sh=12 br=67 tk=43": ALU, shifted ALU and MAC
    /// 85 + 12 + 6, loads 139 + 95, LDRD/STRD 3 x (8 + 8), LDM/STM 4 + 28 + 8 + 25, stores 33, branches 67 + 2 x 43.
    private let m4UnmeasuredMix = "ld=139 ru=95 ldrd=8 ldm=4 ldmr=28 st=33 strd=8 stm=8 stmr=25 mac=6 alu=85 sh=12 br=67 tk=43"
    private let m4Unmeasured = 103.0 + 234 + 48 + 65 + 33 + 153

    func testTheHandComputedMixesAreTheMeasuredOnes() {
        let m4 = TFLMDispatch.cortexM4
        XCTAssertEqual(m4.operators["FULLY_CONNECTED arm_fully_connected_s8"]?.mix, InstructionMix.parse(m4FCDispatchMix))
        XCTAssertEqual(m4.invoke.mix, InstructionMix.parse(m4InvokeMix))
        XCTAssertEqual(m4.unmeasured.mix, InstructionMix.parse(m4UnmeasuredMix))
        XCTAssertEqual(CostModel.cycles(m4.invoke.mix, core: .cortexM4), m4Invoke)
    }

    func testMeasuredKernelAndDispatchAreNotGuessed() throws {
        let model = CostModel.estimate(workloads: [fullyConnected(index: 0)], device: try profile("stm32f411re"),
                                       options: CostOptions(optimization: .o2))
        let op = model.operators[0]
        XCTAssertFalse(op.isEstimated)
        XCTAssertEqual(op.estimatedCycles, 0)
        XCTAssertEqual(model.frameworkCycles, m4Invoke, accuracy: 1e-9)
        XCTAssertEqual(model.estimatedCycles, 0)
        XCTAssertEqual(model.estimatedShare, 0)
        let dispatch = try XCTUnwrap(op.terms.first { $0.name == "TFLM operator dispatch" })
        XCTAssertEqual(dispatch.cycles, m4FCDispatch, accuracy: 1e-9)
        XCTAssertEqual(dispatch.basis, .measured)
        XCTAssertEqual(dispatch.instructions, 330)
        // The kernel's loops are measured, the flash stall follows from the datasheet's wait states.
        for term in op.terms {
            XCTAssertTrue(term.basis == .measured || term.basis == .datasheet, "\(term.name): \(term.basis)")
        }
    }

    func testGenericKernelIsGuessedWhole() throws {
        let f411 = try profile("stm32f411re")
        let model = CostModel.estimate(workloads: [fullyConnected(index: 0), unmeasured(index: 1)], device: f411,
                                       options: CostOptions(optimization: .o2))
        let generic = model.operators[1]
        XCTAssertTrue(generic.isEstimated)
        XCTAssertEqual(generic.estimatedShare, 1, accuracy: 1e-12, "no weights, so no datasheet term: all of it is guessed")
        let dispatch = try XCTUnwrap(generic.terms.first { $0.name == "TFLM operator dispatch" })
        XCTAssertEqual(dispatch.basis, .assumption, "RSQRT's reference loop is not measured, so the trace cannot tell it from the Eval")
        XCTAssertEqual(dispatch.cycles, m4Unmeasured, accuracy: 1e-9)
        XCTAssertEqual(model.estimatedCycles, generic.cycles, accuracy: 1e-9)
        XCTAssertEqual(model.estimatedShare, generic.cycles / model.totalCycles, accuracy: 1e-12)
        XCTAssertEqual(CostModel.kernelBasis(unmeasured(index: 1), variant: .cmsisNN), .genericEstimate)
        XCTAssertEqual(CostModel.kernelBasis(fullyConnected(index: 0), variant: .cmsisNN), .measured)
    }

    /// RELU6 int8 over 256 elements, TFLM's Relu6Quantized (a reference kernel inlined into its Eval).
    /// Its loop, measured at -O2 on the M4: "ld=1 ru=1 st=1 alu=8 it=2 br=1 tk=1" per element (8 + 2
    /// single-cycle, 1 + 1 load run, 1 store, 1 + 2 x 1 branch: 16 cycles) and "ld=8 ru=3 ldm=1 ldmr=2
    /// stm=1 stmr=2 mac=1 alu=7 sh=1 br=4" per call (11 + 6 + 9 + 4: 30). TFLM's Eval around it, traced
    /// with the inlined kernel told apart by the build's debug information ("RELU6 reference int8").
    private let m4Relu6DispatchMix = "ld=52 ru=38 ldrd=2 ldm=5 ldmr=20 st=12 strd=1 stm=5 stmr=13 mac=2 alu=55 sh=4 br=49 tk=31"
    /// ALU, shifted ALU and MAC 55 + 4 + 2, loads 52 + 38, LDRD/STRD 3 x (2 + 1), LDM/STM 5 + 20 + 5 + 13,
    /// stores 12, branches 49 + 2 x 31.
    private let m4Relu6Dispatch = 61.0 + 90 + 9 + 43 + 12 + 111

    func testReferenceKernelAndItsDispatchAreMeasured() throws {
        let relu6 = OperatorWorkload(index: 0, op: .builtin(.relu6), variant: .cmsisNN, kernelPath: .reference(.builtin(.relu6), .int8),
                                     inputs: [tensor(0, .int8, [1, 16, 16, 1], .arena)], outputs: [tensor(1, .int8, [1, 16, 16, 1], .arena, offset: 256)],
                                     geometry: .elementwise(ElementwiseGeometry(elements: 256)), macs: 0, scratchBytes: 0)
        XCTAssertEqual(TFLMDispatch.cortexM4.operators["RELU6 reference int8"]?.mix, InstructionMix.parse(m4Relu6DispatchMix))
        let f411 = try profile("stm32f411re")
        let op = CostModel.estimate(workloads: [relu6], device: f411, options: CostOptions(optimization: .o2)).operators[0]
        XCTAssertFalse(op.isEstimated)
        XCTAssertEqual(op.estimatedCycles, 0)
        let dispatch = try XCTUnwrap(op.terms.first { $0.name == "TFLM operator dispatch" })
        XCTAssertEqual(dispatch.basis, .measured)
        XCTAssertEqual(dispatch.cycles, m4Relu6Dispatch, accuracy: 1e-9)
        XCTAssertEqual(dispatch.instructions, 187)
        // SRAM without wait states, no weights: the operator is its loop, its call and its dispatch.
        XCTAssertEqual(op.cycles, 30 + 256 * 16 + m4Relu6Dispatch, accuracy: 1e-9)
        // TFLM's reference build (no CMSIS-NN) was not traced: there the dispatch stays an assumption.
        let reference = OperatorWorkload(index: 0, op: relu6.op, variant: .reference, kernelPath: relu6.kernelPath, inputs: relu6.inputs,
                                         outputs: relu6.outputs, geometry: relu6.geometry, macs: 0, scratchBytes: 0)
        let assumed = CostModel.estimate(workloads: [reference], device: f411, options: CostOptions(variant: .reference, optimization: .o2)).operators[0]
        XCTAssertEqual(assumed.terms.first { $0.name == "TFLM operator dispatch" }?.basis, .assumption)
        XCTAssertEqual(assumed.estimatedCycles, m4Unmeasured, accuracy: 1e-9)
    }

    /// Reference ADD with broadcast runs BroadcastAdd4DSlow's fused loop nest, measured for int8, int16 and float32
    /// up to 4 dimensions (its trip counts: MeasuredKernelsTests), and TFLM's Eval around it is traced ("ADD
    /// reference int8"); a 5-D broadcast is not measured and says so.
    func testBroadcastAddIsMeasuredUpToFourDimensions() throws {
        func add(_ type: TensorType, broadcast: Bool, rank: Int = 4) -> OperatorWorkload {
            let lead = Array(repeating: 1, count: rank - 4)
            return OperatorWorkload(index: 0, op: .builtin(.add), variant: .cmsisNN, kernelPath: .reference(.builtin(.add), type),
                                    inputs: [tensor(0, type, lead + [1, 4, 4, 8], .arena), tensor(1, type, lead + (broadcast ? [1, 1, 1, 8] : [1, 4, 4, 8]), .arena)],
                                    outputs: [tensor(2, type, lead + [1, 4, 4, 8], .arena, offset: 256)],
                                    geometry: .elementwise(ElementwiseGeometry(elements: 128, broadcast: broadcast)), macs: 0, scratchBytes: 0)
        }
        XCTAssertEqual(CostModel.kernelBasis(add(.int8, broadcast: false), variant: .cmsisNN), .measured)
        XCTAssertEqual(CostModel.kernelBasis(add(.int8, broadcast: true), variant: .cmsisNN), .measured)
        XCTAssertEqual(CostModel.kernelBasis(add(.float32, broadcast: true), variant: .cmsisNN), .measured)
        XCTAssertNil(KernelCosts.estimateReason(add(.int8, broadcast: true)))
        let op = CostModel.estimate(workloads: [add(.int8, broadcast: true)], device: try profile("stm32f411re"),
                                    options: CostOptions(optimization: .o2)).operators[0]
        XCTAssertEqual(op.estimatedCycles, 0)
        XCTAssertEqual(op.terms.first { $0.name == "TFLM operator dispatch" }?.instructions, TFLMDispatch.cortexM4.operators["ADD reference int8"]?.mix.instructions)
        XCTAssertEqual(CostModel.kernelBasis(add(.int16, broadcast: true), variant: .cmsisNN), .measured)
        XCTAssertEqual(CostModel.kernelBasis(add(.int8, broadcast: true, rank: 5), variant: .cmsisNN), .genericEstimate)
        XCTAssertEqual(KernelCosts.estimateReason(add(.int8, broadcast: true, rank: 5)), "ADD's broadcast loop is measured with up to 4 dimensions only")
    }

    func testAssumedAXICyclesCountOnTheCortexM7() throws {
        var f746 = try profile("stm32f746zg")
        // Activations in SRAM1 (past the 64 KiB DTCM): 1 line read (8 cycles) and 1 line written
        // (16) at the assumed AXI line-fill cost; the 9 weight line fills each carry the assumed
        // 4-cycle AXI overhead (36). The flash reads themselves (9 fills x 2 reads x 8 cycles)
        // rest on a read width the F746 profile does not state (128 bits assumed): guessed too.
        let workload = fullyConnected(index: 0, activationOffset: 70_000)
        var op = CostModel.estimate(workloads: [workload], device: f746, options: CostOptions(optimization: .o2)).operators[0]
        XCTAssertEqual(op.terms.first { $0.name == "TFLM operator dispatch" }?.basis, .measured)
        XCTAssertEqual(op.estimatedCycles, 8 + 16 + 36 + 144, accuracy: 1e-9)
        XCTAssertEqual(op.terms.first { $0.name == "flash wait states (weights)" }?.basis, .assumption)
        XCTAssertFalse(op.isEstimated)
        // With the width documented, the same reads follow from the datasheet.
        f746.flash.accessBits = 128
        op = CostModel.estimate(workloads: [workload], device: f746, options: CostOptions(optimization: .o2)).operators[0]
        XCTAssertEqual(op.terms.first { $0.name == "flash wait states (weights)" }?.basis, .datasheet)
        XCTAssertEqual(op.estimatedCycles, 8 + 16 + 36, accuracy: 1e-9)
    }
}
