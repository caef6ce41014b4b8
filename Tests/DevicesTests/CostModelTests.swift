import Foundation
import XCTest
import Interpreter
@testable import Devices

/// The cost formulas pinned on hand-computed cases. Expected values are written out from the
/// per-iteration instruction counts documented in Sources/Devices/README.md (measured from
/// gcc 12.2.1 code) and the core timing rules, not obtained by running the model.
final class CostModelTests: XCTestCase {
    // MARK: Helpers

    private static var packageRoot: URL {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        return directory
    }

    private func profile(_ id: String) throws -> DeviceProfile {
        try ProfileLoader.load(file: Self.packageRoot.appendingPathComponent("Profiles/\(id).json"))
    }

    private func tensor(_ index: Int, _ type: TensorType, _ shape: [Int], _ location: TensorWorkload.Location,
                        offset: Int? = nil) -> TensorWorkload {
        let size: Int
        switch type {
        case .int32, .float32: size = 4
        case .int16: size = 2
        default: size = 1
        }
        return TensorWorkload(tensorIndex: index, type: type, shape: shape, bytes: shape.reduce(1, *) * size,
                              location: location, arenaOffset: location == .arena ? (offset ?? 0) : nil, perChannel: false)
    }

    /// CONV_2D 1x1, stride 1, no padding: input 1x2x2x16, 4 output channels (CMSIS-NN 1x1 fast path).
    private func conv1x1(activationOffset: Int = 0) -> OperatorWorkload {
        OperatorWorkload(
            index: 0, op: .builtin(.conv2D), variant: .cmsisNN, kernelPath: .cmsisNN(.convolve1x1S8Fast),
            inputs: [tensor(0, .int8, [1, 2, 2, 16], .arena, offset: activationOffset), tensor(1, .int8, [4, 1, 1, 16], .flash),
                     tensor(2, .int32, [4], .flash)],
            outputs: [tensor(3, .int8, [1, 2, 2, 4], .arena, offset: activationOffset + 64)],
            geometry: .convolution(convolution(input: (2, 2, 16), filter: (1, 1), output: (2, 2, 4), padding: 0)),
            macs: 256, scratchBytes: 0)
    }

    /// DEPTHWISE_CONV_2D 3x3, stride 1, SAME padding (1): input 1x4x4x4 (CMSIS-NN 3x3 fast path).
    private func depthwise3x3() -> OperatorWorkload {
        OperatorWorkload(
            index: 1, op: .builtin(.depthwiseConv2D), variant: .cmsisNN, kernelPath: .cmsisNN(.depthwiseConv3x3S8),
            inputs: [tensor(0, .int8, [1, 4, 4, 4], .arena), tensor(1, .int8, [1, 3, 3, 4], .flash), tensor(2, .int32, [4], .flash)],
            outputs: [tensor(3, .int8, [1, 4, 4, 4], .arena, offset: 64)],
            geometry: .convolution(convolution(input: (4, 4, 4), filter: (3, 3), output: (4, 4, 4), padding: 1)),
            macs: 576, scratchBytes: 0)
    }

    /// FULLY_CONNECTED: 32 inputs, 8 outputs, one batch (arm_fully_connected_s8).
    private func fullyConnected(activationOffset: Int = 0) -> OperatorWorkload {
        OperatorWorkload(
            index: 2, op: .builtin(.fullyConnected), variant: .cmsisNN, kernelPath: .cmsisNN(.fullyConnectedS8),
            inputs: [tensor(0, .int8, [1, 32], .arena, offset: activationOffset), tensor(1, .int8, [8, 32], .flash), tensor(2, .int32, [8], .flash)],
            outputs: [tensor(3, .int8, [1, 8], .arena, offset: activationOffset + 32)],
            geometry: .matrix(matrix(rows: 1, depth: 32, columns: 8)),
            macs: 256, scratchBytes: 0)
    }

    private func convolution(input: (Int, Int, Int), filter: (Int, Int), output: (Int, Int, Int), padding: Int) -> ConvolutionGeometry {
        var g = ConvolutionGeometry()
        (g.inputHeight, g.inputWidth, g.inputDepth) = input
        (g.filterHeight, g.filterWidth, g.filterDepth) = (filter.0, filter.1, input.2)
        (g.outputHeight, g.outputWidth, g.outputDepth) = output
        (g.paddingHeight, g.paddingWidth) = (padding, padding)
        return g
    }

    private func matrix(rows: Int, depth: Int, columns: Int) -> MatrixGeometry {
        var g = MatrixGeometry()
        (g.rows, g.depth, g.columns) = (rows, depth, columns)
        return g
    }

    private func cost(_ w: OperatorWorkload, _ device: DeviceProfile, _ opt: OptimizationLevel) -> OperatorCost {
        let model = CostModel.estimate(workloads: [w], device: device, options: CostOptions(variant: .cmsisNN, optimization: opt))
        return model.operators[0]
    }

    private func term(_ op: OperatorCost, _ name: String, file: StaticString = #filePath, line: UInt = #line) -> Double {
        guard let t = op.terms.first(where: { $0.name == name }) else {
            XCTFail("no term '\(name)' in \(op.terms.map(\.name))", file: file, line: line)
            return .nan
        }
        return t.cycles
    }

    // MARK: Cortex-M4 timing of one documented loop

    func testM4CyclesOfTheOneByOneInnerLoop() throws {
        // arm_nn_mat_mult_nt_t_s8, 16-column loop at -O2 on the M4: 20 LDR in 13 back-to-back
        // runs, 1 STR, 32 SMLAD, 32 SXTB16, 5 ALU, 1 taken loop branch.
        let mix = try XCTUnwrap(InstructionMix.parse("ld=20 ru=13 st=1 mac=32 simd=32 alu=5 br=1 tk=1"))
        // ALU + SMLAD + SXTB16 + loads (N+1 per run) + STR + branch with refill
        let expected: Double = 5.0 + 32.0 + 32.0 + (20.0 + 13.0) + 1.0 + (1.0 + 2.0)
        XCTAssertEqual(CortexM4Timing.cycles(mix), expected)
        XCTAssertEqual(expected, 106)
        // Same loop on the M7 (-O2 build: 19 loads, no spill store): 89 instructions, dual-issue
        // bound 44.5 cycles (above 32 SMLAD on the single MAC pipe and 32 SXTB16 in slot 0); the
        // trace simulation (dependencies) gives 66.4, which the model uses for measured loops.
        let m7 = try XCTUnwrap(InstructionMix.parse("ld=19 ru=14 mac=32 simd=32 alu=5 br=1 tk=1"))
        XCTAssertEqual(CortexM7Timing.cycles(m7), (19.0 + 32 + 32 + 5 + 1) / 2)
    }

    // MARK: Hand-computed operators

    func testOneByOneConvolutionOnCortexM4() throws {
        let nano = try profile("nano33ble")
        let op = cost(conv1x1(), nano, .o2)
        // 2 pixel pairs x 2 channel pairs = 4 blocks, 16 columns: 4 iterations of the 16-column
        // loop (106 cycles each) + 2 channel pairs x 16 columns of the offset-sum loop
        // ("ld=2 ru=2 alu=3 br=1 tk=1": 3 + 4 + 1 + 2 = 10 cycles).
        XCTAssertEqual(term(op, "inner loops"), 4.0 * 106.0 + 32.0 * 10.0, accuracy: 1e-9)
        // 4 blocks of 4 requantized outputs ("ld=25 ru=18 st=7 mac=4 alu=80 sh=9 it=16 br=10 tk=10"):
        // 80 + 9 + 4 + 16 + (25 + 18) + 7 + 10 + 2 x 10 = 189 cycles per block.
        XCTAssertEqual(term(op, "per-output requantization"), 4 * 189, accuracy: 1e-9)
        // Weights (64 B) and bias (16 B) in flash with no data cache, each 2x2 block re-reads its
        // two rows: 80 B x 2 passes (ceil(4 pixels / 2)) in word loads = 40 accesses x 2 WS.
        XCTAssertEqual(term(op, "flash wait states (weights)"), 40 * 2, accuracy: 1e-9)
    }

    func testOneByOneConvolutionOnCortexM7() throws {
        let f746 = try profile("stm32f746zg")
        let op = cost(conv1x1(), f746, .o2)
        // Cortex-M7 cycles per iteration from the dual-issue trace simulation (README table):
        // 16-column loop 66.4 (89 instructions), offset-sum loop 8 per column.
        let inner: Double = 4.0 * 66.4 + 32.0 * 8.0
        XCTAssertEqual(term(op, "inner loops"), inner, accuracy: 1e-9)
        // Requantization: 113.4 simulated cycles per 2x2 block (151 instructions).
        XCTAssertEqual(term(op, "per-output requantization"), 4.0 * 113.4, accuracy: 1e-9)
        // Activations in the DTCM: no AXI SRAM term. Weights and bias (80 B) through the L1:
        // the 32 B working set fits, 3 line fills of 2 flash reads x 8 cycles (16) plus the
        // assumed 4 cycles of AXI overhead each, on a term of its own.
        XCTAssertNil(op.terms.first { $0.name.hasPrefix("AXI SRAM") })
        XCTAssertEqual(term(op, "flash wait states (weights)"), 3.0 * 16.0, accuracy: 1e-9)
        XCTAssertEqual(term(op, "AXI line-fill overhead (weights)"), 3.0 * 4.0, accuracy: 1e-9)
        // The issue bound for unsimulated mixes: the same 4 blocks of requantization code, 604
        // instructions issued two per cycle (above the 2-ALU bound (320 + 36 + 64) / 2 = 210).
        let block = try XCTUnwrap(InstructionMix.parse("ld=25 ru=21 st=7 mac=4 alu=80 sh=9 it=16 br=10 tk=10"))
        XCTAssertEqual(CortexM7Timing.cycles(block * 4), 302, accuracy: 1e-9)
    }

    func testDepthwise3x3OnCortexM4() throws {
        let f411 = try profile("stm32f411re")
        let op = cost(depthwise3x3(), f411, .o2)
        // 16 pixels, one 4-channel block each. Filter rows inside the input: 2, 3, 3, 2 per output
        // row = 10, x 4 columns = 40 rows; left column inside for 3 of 4 output columns (30
        // rows), right column inside for 3 of 4 (30 rows).
        // Row (centre tap, 4 MACs): "ld=7 ru=6 mac=4 simd=4 alu=5 br=3 tk=3" = 5 + 4 + 4 + 13 + 3 + 6 = 35.
        // Left tap: "ld=2 ru=1 mac=4 simd=4 tk=-1" = 4 + 4 + 3 - 2 = 9. Right: "ld=3 ru=1 ..." = 10.
        let expected: Double = 40.0 * 35.0 + 30.0 * 9.0 + 30.0 * 10.0
        XCTAssertEqual(term(op, "inner loops"), expected, accuracy: 1e-9)
        // Weights 36 B + bias 16 B: the 36 B working set fits the 128 B ART D-cache, read once:
        // ceil(52 / 16) = 4 line misses x 3 wait states.
        XCTAssertEqual(term(op, "flash wait states (weights)"), 4 * 3, accuracy: 1e-9)
    }

    func testDepthwise3x3OnCortexM7() throws {
        let f746 = try profile("stm32f746zg")
        let op = cost(depthwise3x3(), f746, .o2)
        // Same trip counts; simulated M7 -O2 cycles: row 16.7, left tap 8.2, right tap 13.4.
        let expected: Double = 40.0 * 16.7 + 30.0 * 8.2 + 30.0 * 13.4
        XCTAssertEqual(term(op, "inner loops"), expected, accuracy: 1e-9)
    }

    func testFullyConnectedOnCortexM4() throws {
        let nano = try profile("nano33ble")
        let op = cost(fullyConnected(), nano, .o2)
        // 4 row pairs x 8 four-column steps = 32 steps of 8 MACs. The step (GCC unrolls x8):
        // "ld=3 ru=3 mac=4 simd=6 alu=1.8 br=0.2 tk=0.2" = 1.8 + 4 + 6 + 6 + 0.2 + 0.4 = 18.4 cycles.
        XCTAssertEqual(term(op, "inner loops"), 32 * 18.4, accuracy: 1e-6)
        // Row pair epilogue "ld=26 ru=11.6 ldrd=0.6 st=5 mac=2 alu=37 sh=2 it=7 br=7.6 tk=6":
        // 37 + 2 + 2 + 7 + 37.6 + 1.8 + 5 + 7.6 + 12 = 112 cycles, 4 pairs.
        XCTAssertEqual(term(op, "per-output requantization"), 4 * 112, accuracy: 1e-6)
        // 288 B of weights and bias, no data cache, read once in word loads: 72 accesses x 2 WS.
        XCTAssertEqual(term(op, "flash wait states (weights)"), 72 * 2, accuracy: 1e-9)
    }

    func testFullyConnectedOnCortexM7() throws {
        let f746 = try profile("stm32f746zg")
        let op = cost(fullyConnected(), f746, .o2)
        // The 15-instruction step: 12 simulated cycles on the M7.
        XCTAssertEqual(term(op, "inner loops"), 32.0 * 12.0, accuracy: 1e-6)
        // 288 B through the L1: 256 B working set fits, 9 line fills x (2 reads x 8 cycles + 4 assumed AXI cycles).
        XCTAssertEqual(term(op, "flash wait states (weights)"), 9 * 16, accuracy: 1e-9)
        XCTAssertEqual(term(op, "AXI line-fill overhead (weights)"), 9 * 4, accuracy: 1e-9)
    }

    // MARK: Optimisation level

    func testOsIsSlowerThanO2ForCMSISNNLoops() throws {
        let nano = try profile("nano33ble")
        let os = cost(conv1x1(), nano, .os)
        let o2 = cost(conv1x1(), nano, .o2)
        // -Os keeps 27 loads (7 of them spill reloads) and 3 spill stores in the 16-column loop:
        // 6 + 32 + 32 + (27 + 15) + 3 + 3 = 118 cycles; the offset-sum loop has one more ALU op (11).
        XCTAssertEqual(term(os, "inner loops"), 4.0 * 118.0 + 32.0 * 11.0, accuracy: 1e-9)
        XCTAssertGreaterThan(os.cycles, o2.cycles)
        // The profile's toolchain (-Os for the Arduino core) is the default.
        let defaulted = CostModel.estimate(workloads: [conv1x1()], device: nano, options: CostOptions())
        XCTAssertEqual(defaulted.optimization, .os)
        XCTAssertEqual(defaulted.operators[0].cycles, os.cycles, accuracy: 1e-9)
    }

    // MARK: Memory placement

    func testActivationsOutsideDTCMStallOnCortexM7() throws {
        let f746 = try profile("stm32f746zg")
        let inDTCM = cost(fullyConnected(activationOffset: 0), f746, .o2)
        let inSRAM1 = cost(fullyConnected(activationOffset: 70_000), f746, .o2)
        XCTAssertNil(inDTCM.terms.first { $0.name.hasPrefix("AXI SRAM") })
        // 32 B input: 1 line fill x 8 cycles; 8 B output: 1 line, filled and written back: 16.
        XCTAssertEqual(term(inSRAM1, "AXI SRAM reads (activations)"), 8, accuracy: 1e-9)
        XCTAssertEqual(term(inSRAM1, "AXI SRAM writes (activations)"), 16, accuracy: 1e-9)
        // With activations in the cache too, half the 4 KiB is left for weights: 256 B still fits.
        XCTAssertEqual(term(inSRAM1, "flash wait states (weights)") + term(inSRAM1, "AXI line-fill overhead (weights)"), 9 * 20, accuracy: 1e-9)
        XCTAssertEqual(inSRAM1.cycles - inDTCM.cycles, 8 + 16, accuracy: 1e-9)
    }

    func testWeightsStreamedFromFlashDependOnTheCache() throws {
        // Same depthwise layer: the F411's ART D-cache keeps the 36 B filter across pixels (12
        // cycles above); the nRF52840 has no data cache, so every pixel re-reads the 52 B of
        // filter and bias in word loads: 16 x 52 / 4 = 208 accesses x 2 WS.
        let nano = try profile("nano33ble")
        let op = cost(depthwise3x3(), nano, .o2)
        XCTAssertEqual(term(op, "flash wait states (weights)"), 208 * 2, accuracy: 1e-9)
    }

    // MARK: Framework, generic estimates, power

    func testFrameworkAndDispatchTermsArePresent() throws {
        let f411 = try profile("stm32f411re")
        let model = CostModel.estimate(workloads: [conv1x1(), fullyConnected()], device: f411,
                                       options: CostOptions(optimization: .o2))
        XCTAssertGreaterThan(model.frameworkCycles, 0)
        for op in model.operators { XCTAssertGreaterThan(term(op, "TFLM operator dispatch"), 0) }
        XCTAssertEqual(model.totalCycles, model.frameworkCycles + model.operators.reduce(0) { $0 + $1.cycles }, accuracy: 1e-6)
        XCTAssertEqual(model.milliseconds, model.totalCycles / 100_000_000 * 1000, accuracy: 1e-12)
    }

    func testUnknownKernelPathIsAGenericEstimate() throws {
        let f411 = try profile("stm32f411re")
        // RSQRT's reference loop is not measured (KernelCosts.unmeasuredReference).
        let w = OperatorWorkload(index: 0, op: .builtin(.rsqrt), variant: .cmsisNN, kernelPath: .reference(.builtin(.rsqrt), .int8),
                                 inputs: [tensor(0, .int8, [1, 8, 8, 4], .arena)], outputs: [tensor(1, .int8, [1, 8, 8, 4], .arena, offset: 256)],
                                 geometry: .elementwise(ElementwiseGeometry(elements: 256)), macs: 0, scratchBytes: 0)
        let op = cost(w, f411, .o2)
        let kernelTerms = op.terms.filter { $0.name != "TFLM operator dispatch" && !$0.name.hasPrefix("flash") }
        XCTAssertFalse(kernelTerms.isEmpty)
        for t in kernelTerms { XCTAssertTrue(t.name.hasPrefix("generic estimate"), t.name) }
        XCTAssertGreaterThan(op.cycles, 0)
    }

    func testReferenceVariantCostsMoreThanCMSISNN() throws {
        let f411 = try profile("stm32f411re")
        let cmsis = CostModel.estimate(workloads: [conv1x1()], device: f411, options: CostOptions(variant: .cmsisNN, optimization: .o2))
        let reference = CostModel.estimate(workloads: [conv1x1()], device: f411, options: CostOptions(variant: .reference, optimization: .o2))
        XCTAssertEqual(reference.operators[0].kernelPath.name, "reference")
        XCTAssertGreaterThan(reference.totalCycles, cmsis.totalCycles)
    }

    func testPowerFromRunCurrentAndSupply() throws {
        var f411 = try profile("stm32f411re")
        // The bundled F411 profile: 22.5 mA at 3.3 V (DS10314 Rev 8 Table 25: ART with prefetch,
        // 100 MHz, peripherals disabled, typical), verified against the datasheet's text.
        XCTAssertEqual(try XCTUnwrap(CostModel.estimate(workloads: [conv1x1()], device: f411, options: CostOptions()).powerWatts),
                       0.0225 * 3.3, accuracy: 1e-12)
        XCTAssertEqual(f411.sources["power.run_current_ma"]?.isVerified, true)
        f411.power.runCurrentMilliamps = 20
        let model = CostModel.estimate(workloads: [conv1x1()], device: f411, options: CostOptions())
        XCTAssertEqual(try XCTUnwrap(model.powerWatts), 0.020 * 3.3, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(model.energyMicrojoules), 0.066 * model.milliseconds / 1000 * 1e6, accuracy: 1e-9)
        // No run current, no energy.
        f411.power.runCurrentMilliamps = nil
        XCTAssertNil(CostModel.estimate(workloads: [conv1x1()], device: f411, options: CostOptions()).energyMicrojoules)
    }

    // MARK: Data integrity

    func testEveryMeasuredMixParses() {
        XCTAssertEqual(KernelInstructionCounts.all.count, 32)
        for kernel in KernelInstructionCounts.all {
            XCTAssertFalse(kernel.terms.isEmpty, kernel.function)
            for term in kernel.terms {
                XCTAssertTrue(term.invalid.isEmpty, "\(kernel.function) \(term.name): \(term.invalid)")
                XCTAssertEqual(term.mixes.count, 6, "\(kernel.function) \(term.name)")
            }
        }
        XCTAssertNil(InstructionMix.parse("ld=3 bogus=1"))
        XCTAssertNil(InstructionMix.parse("ld=x"))
        XCTAssertEqual(InstructionMix.parse("-"), .zero)
    }

    // MARK: Footprint

    func testFootprintSums() throws {
        let nano = try profile("nano33ble")
        let conv: OperatorKind = .builtin(.conv2D), fc: OperatorKind = .builtin(.fullyConnected)
        let f = Footprint.estimate(FootprintInput(modelBytes: 100_000, weightBytes: 80_000, operators: [conv, fc, conv],
                                                  variant: .cmsisNN, plannedBytes: 50_000, persistentBytes: 2_000),
                                   optimization: .os, device: nano, reserveOverride: nil)
        XCTAssertEqual(f.flash.modelWeights, 80_000)
        XCTAssertEqual(f.flash.modelStructure, 20_000)
        XCTAssertEqual(f.flash.tflmRuntime, 9_732)                 // profile item "tflm-framework"
        XCTAssertEqual(f.flash.applicationReserve, 157_700 - 9_732) // reserve minus the runtime
        XCTAssertEqual(f.kernelCodeItems.map(\.op.name), ["CONV_2D", "FULLY_CONNECTED"])  // distinct ops
        XCTAssertEqual(f.flash.kernelCode, f.kernelSupportBytes + f.kernelCodeItems.reduce(0) { $0 + $1.bytes })
        XCTAssertEqual(f.flash.total, 80_000 + 20_000 + 9_732 + f.flash.kernelCode + 147_968)
        XCTAssertEqual(f.ram.total, 50_000 + 2_000 + 48_640)
        XCTAssertEqual(f.flashCapacity, 1_048_576)
        XCTAssertEqual(f.ramCapacity, 262_144)
        XCTAssertTrue(f.flashFits && f.ramFits)

        let overridden = Footprint.estimate(FootprintInput(modelBytes: 100_000, weightBytes: 80_000, operators: [conv], variant: .cmsisNN,
                                                           plannedBytes: 50_000, persistentBytes: 2_000),
                                            optimization: .os, device: nano, reserveOverride: (flash: 50_000, ram: 10_000))
        XCTAssertEqual(overridden.flash.tflmRuntime + overridden.flash.applicationReserve, 50_000)
        XCTAssertEqual(overridden.ram.reserve, 10_000)

        // The arena to declare: AllocateTensors needs 3,000 B more than planned + persistent while it runs.
        let transient = Footprint.estimate(FootprintInput(modelBytes: 100_000, weightBytes: 80_000, operators: [conv], variant: .cmsisNN,
                                                          plannedBytes: 50_000, persistentBytes: 2_000, declareBytes: 55_000),
                                           optimization: .os, device: nano, reserveOverride: nil)
        XCTAssertEqual(transient.ram.arenaTransient, 3_000)
        XCTAssertEqual(transient.ram.arena, 55_000)
        XCTAssertEqual(transient.ram.total, 55_000 + 48_640)

        // F746: the arena can span DTCM + SRAM1 + SRAM2 (contiguous, 320 KiB).
        let f746 = try profile("stm32f746zg")
        let big = Footprint.estimate(FootprintInput(modelBytes: 10, weightBytes: 0, operators: [], variant: .reference,
                                                    plannedBytes: 300_000, persistentBytes: 0),
                                     optimization: .o2, device: f746, reserveOverride: nil)
        XCTAssertEqual(big.ramCapacity, 327_680)
        XCTAssertEqual(big.flash.kernelCode, 0)
        XCTAssertTrue(big.ramFits)   // 300_000 + 6_144 reserve <= 327_680
    }

    func testKernelCodeGrowsFromOsToO2() {
        for op: OperatorKind in [.builtin(.conv2D), .builtin(.depthwiseConv2D), .builtin(.fullyConnected)] {
            let os = KernelCodeSize.bytes(op: op, variant: .cmsisNN, optimization: .os, core: .cortexM4)
            let o2 = KernelCodeSize.bytes(op: op, variant: .cmsisNN, optimization: .o2, core: .cortexM4)
            XCTAssertTrue(os.measured && o2.measured, op.name)
            XCTAssertGreaterThan(o2.bytes, os.bytes, op.name)
        }
    }
}
