import XCTest
@testable import Devices
@testable import Interpreter

/// The four paths issue #10 found mis-costed, now costed from the measured data
/// (Resources/kernel-counts.json). Expected values are worked by hand: each term's instructions
/// are transcribed from the data's m4-O2 counts (instructions = ld + ldrd + ldm + st + strd + stm +
/// mac + simd + alu + sh + it + br; runs, register counts and taken flags are attributes) and
/// multiplied by trip counts derived here from the shapes, independently of the data's expressions.
final class MeasuredKernelsTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipIf(MeasuredKernelData.shared == nil, "Sources/Devices/Resources/kernel-counts.json not found")
    }

    private func tensor(_ index: Int, _ type: TensorType, _ shape: [Int], _ location: TensorWorkload.Location = .arena,
                        offset: Int = 0) -> TensorWorkload {
        let size = type == .int16 ? 2 : type == .int32 || type == .float32 ? 4 : 1
        return TensorWorkload(tensorIndex: index, type: type, shape: shape, bytes: shape.reduce(1, *) * size, location: location,
                              arenaOffset: location == .arena ? offset : nil, perChannel: false)
    }

    /// Instructions of the kernel's own terms (newlib calls excluded) and of the newlib calls.
    private func instructions(_ work: KernelWork, excludingLibrary: Bool = true) -> Double {
        work.units.filter { !excludingLibrary || ($0.name != "memcpy" && $0.name != "memset") }
            .reduce(0) { $0 + $1.mix(.cortexM4, .o2).instructions * $1.trips }
    }

    private func trips(_ work: KernelWork, _ name: String) -> Double {
        work.units.filter { $0.name == name }.reduce(0) { $0 + $1.trips }
    }

    /// PAD int8 [1,4,4,8] -> [1,6,6,8] (one row and one column each side) through arm_pad_s8: row
    /// copies (memcpy per input row) and memset fills, not a per-element loop.
    func testPadIsRowCopiesOfArmPadS8() throws {
        let w = OperatorWorkload(index: 0, op: .builtin(.pad), variant: .cmsisNN, kernelPath: .cmsisNN(.padS8),
                                 inputs: [tensor(0, .int8, [1, 4, 4, 8])], outputs: [tensor(1, .int8, [1, 6, 6, 8], offset: 128)],
                                 geometry: .pad(PadGeometry(top: 1, left: 1, bottom: 1, right: 1)), macs: 0, scratchBytes: 0)
        let work = KernelCosts.work(for: w)
        XCTAssertFalse(work.isGeneric)
        // call 49 x1, batch 27 x1, row 26 x (1 batch x 4 rows), row_copy 6 x 4 (no channel padding), col x0.
        let expected: Double = 49 + 27 + 26 * 4 + 6 * 4
        XCTAssertEqual(instructions(work), expected, accuracy: 1e-6)
        // One memcpy of 4 x 8 = 32 bytes per input row; memsets: 2 + 2 batch fills of 0 bytes, 1 + 1
        // row fills of 6 x 8 = 48 bytes, 4 + 4 column fills of 8 bytes.
        XCTAssertEqual(trips(work, "memcpy"), 4)
        XCTAssertEqual(trips(work, "memset"), 4 + 2 + 8)
        XCTAssertTrue(work.units.contains { $0.name == "memcpy" && $0.description.contains(" 32 bytes") })
        XCTAssertTrue(work.units.contains { $0.name == "memset" && $0.description.contains(" 48 bytes") })
        // The old generic estimate charged the reference ADD element loop, about 188 cycles per output
        // element; the measured kernel, newlib included, is a few cycles per element.
        XCTAssertLessThan(instructions(work, excludingLibrary: false) / 288, 10)
    }

    /// DEPTHWISE_CONV_2D int8, 1 input channel, multiplier 8, stride 2, 3x3, padding 1 on a 5x5 input
    /// (the shape of the person-detection model's first layer): arm_depthwise_conv_s8's ch_mult % 4 == 0
    /// loop, not its generic per-MAC loop.
    func testDepthwiseMultiplierEightTakesTheMult4Loop() throws {
        var c = ConvolutionGeometry()
        (c.inputHeight, c.inputWidth, c.inputDepth, c.filterHeight, c.filterWidth, c.filterDepth) = (5, 5, 1, 3, 3, 1)
        (c.outputHeight, c.outputWidth, c.outputDepth, c.strideHeight, c.strideWidth) = (3, 3, 8, 2, 2)
        (c.paddingHeight, c.paddingWidth, c.depthMultiplier) = (1, 1, 8)
        let w = OperatorWorkload(index: 0, op: .builtin(.depthwiseConv2D), variant: .cmsisNN, kernelPath: .cmsisNN(.depthwiseConvS8),
                                 inputs: [tensor(0, .int8, [1, 5, 5, 1]), tensor(1, .int8, [1, 3, 3, 8], .flash)],
                                 outputs: [tensor(2, .int8, [1, 3, 3, 8], offset: 64)], geometry: .convolution(c), macs: 9 * 8 * 9, scratchBytes: 0)
        let work = KernelCosts.work(for: w)
        XCTAssertFalse(work.isGeneric)
        XCTAssertTrue(work.units.allSatisfy { $0.description.hasPrefix("arm_depthwise_conv_s8:mult4") })
        // Valid window rows per output row: 2, 3, 2 (sum 7), the same for columns; 9 pixels, 8 / 4 = 2 tiles.
        // pixel 49 x9, out_row 50 x3, in_ch 44 x9, tile 172 x18, row 18 x (7 x 3 x 2), tap 15 x (7 x 7 x 2), call 106.
        let perPixel: Double = 49 * 9 + 50 * 3 + 44 * 9
        let perTile: Double = 172 * 18 + 18 * 42 + 15 * 98
        let expected: Double = perPixel + perTile + 106
        XCTAssertEqual(instructions(work), expected, accuracy: 1e-6)
        // Weights: the 3x3x8 filter re-read per output pixel.
        XCTAssertEqual(work.weightWalk.workingSetBytes, 72)
        XCTAssertEqual(work.weightWalk.passes, 9)
    }

    /// UNIDIRECTIONAL_SEQUENCE_LSTM int8, batch 1, 10 steps, input 16, hidden 8: the four gates'
    /// input and recurrent weights (4 x 8 x (16 + 8) = 768 bytes) are walked once per time step.
    func testLSTMReadsItsWeightsOncePerTimeStep() throws {
        func workload(steps: Int) -> OperatorWorkload {
            var s = SequenceGeometry()
            (s.batches, s.timeSteps, s.inputSize, s.units) = (1, steps, 16, 8)
            return OperatorWorkload(index: 0, op: .builtin(.unidirectionalSequenceLstm), variant: .cmsisNN,
                                    kernelPath: .cmsisNN(.lstmUnidirectionalS8),
                                    inputs: [tensor(0, .int8, [1, steps, 16]), tensor(1, .int8, [8, 16], .flash), tensor(2, .int8, [8, 16], .flash),
                                             tensor(3, .int8, [8, 16], .flash), tensor(4, .int8, [8, 16], .flash), tensor(5, .int8, [8, 8], .flash),
                                             tensor(6, .int8, [8, 8], .flash), tensor(7, .int8, [8, 8], .flash), tensor(8, .int8, [8, 8], .flash)],
                                    outputs: [tensor(9, .int8, [1, steps, 8], offset: 256)], geometry: .sequence(s), macs: 0, scratchBytes: 0)
        }
        let work = KernelCosts.work(for: workload(steps: 10))
        XCTAssertFalse(work.isGeneric)
        XCTAssertEqual(work.weightWalk.workingSetBytes, 768)
        XCTAssertEqual(work.weightWalk.passes, 10)
        // Per gate and step (4 x 10 = 40 matrix products of one batch row): in_pair 265.654 x 4 row pairs,
        // in_main4 14.988 x (4 x 4), in_main_entry 8.674 x 4, hid_main4 15.055 x (4 x 2), hid_main_entry
        // 9.225 x 4, in_rows_entry 47.546, mm_batch 29.155; per step 1149.642 and, batch-major,
        // step_batch_major 5.856; the cell update -1.089 x 4 per step; batch_major 21.13 x1; call 32.863.
        let inputPart: Double = 265.654 * 4 + 14.988 * 16 + 8.674 * 4
        let recurrentPart: Double = 15.055 * 8 + 9.225 * 4
        let perGate: Double = 29.155 + inputPart + recurrentPart + 47.546
        let perStep: Double = 1149.642 + 5.856 - 1.089 * 4
        let expected: Double = 32.863 + 21.13 + 10 * perStep + 40 * perGate
        XCTAssertEqual(instructions(work), expected, accuracy: 1e-6)
        // On the F411 (no data cache for a 768-byte set) the weights' flash term grows with the steps.
        let f411 = try XCTUnwrap(ProfileLoader.bundledProfilesDirectory().map { try ProfileLoader.load(file: $0.appendingPathComponent("stm32f411re.json")) })
        func flash(_ steps: Int) -> Double {
            CostModel.estimate(workload(steps: steps), device: f411, optimization: .o2, variant: .cmsisNN).terms
                .filter { $0.name.hasPrefix("flash") && $0.name.contains("weights") }.reduce(0) { $0 + $1.cycles }
        }
        XCTAssertGreaterThan(flash(1), 0)
        XCTAssertEqual(flash(10), 10 * flash(1), accuracy: 1e-6 * flash(10))
    }

    /// SOFTMAX int8 over one row of 10 (a keyword model's output): arm_softmax_s8's per-element
    /// loop plus its per-row and row-maximum terms.
    func testSoftmaxShortRow() throws {
        let w = OperatorWorkload(index: 0, op: .builtin(.softmax), variant: .cmsisNN, kernelPath: .cmsisNN(.softmaxS8),
                                 inputs: [tensor(0, .int8, [1, 10])], outputs: [tensor(1, .int8, [1, 10], offset: 16)],
                                 geometry: .rows(RowGeometry(rows: 1, rowSize: 10)), macs: 0, scratchBytes: 0)
        let work = KernelCosts.work(for: w)
        XCTAssertFalse(work.isGeneric)
        // call 29.952, row 98.181, row_max_entry 4.858 (row of 2 or more), elem 522.076 x 10; no element
        // is assumed to skip the exponential (the data's upper bound).
        let expected: Double = 29.952 + 98.181 + 4.858 + 522.076 * 10
        XCTAssertEqual(instructions(work), expected, accuracy: 1e-6)
    }

    /// TRANSPOSE_CONV int8 with a 3x3 filter, stride 2, SAME (TFLM's padding 0) and a bias, square input and output,
    /// on the kernel path the interpreter names (inputs: output shape, filter, input, bias).
    private func transposeConv(input: Int, channels: Int, output: Int, outputChannels: Int, path: CMSISNNFunction) -> OperatorWorkload {
        var c = ConvolutionGeometry()
        (c.inputHeight, c.inputWidth, c.inputDepth, c.filterHeight, c.filterWidth, c.filterDepth) = (input, input, channels, 3, 3, channels)
        (c.outputHeight, c.outputWidth, c.outputDepth, c.strideHeight, c.strideWidth) = (output, output, outputChannels, 2, 2)
        return OperatorWorkload(index: 0, op: .builtin(.transposeConv), variant: .cmsisNN, kernelPath: .cmsisNN(path),
                                inputs: [tensor(0, .int32, [4], .flash), tensor(1, .int8, [outputChannels, 3, 3, channels], .flash),
                                         tensor(2, .int8, [1, input, input, channels]), tensor(3, .int32, [outputChannels], .flash)],
                                outputs: [tensor(4, .int8, [1, output, output, outputChannels], offset: input * input * channels)],
                                geometry: .convolution(c), macs: input * input * channels * 9 * outputChannels, scratchBytes: 0)
    }

    /// TRANSPOSE_CONV int8, input [1,5,5,8], filter 4x3x3x8, stride 2, SAME (TFLM's padding 0), with a bias,
    /// output [1,10,10,4] (the zoo's op_transpose_conv): arm_transpose_conv_wrapper_s8's direct path (8 input
    /// channels), the row kernel's 4-column and 1-column groups. Trip counts worked from the C source:
    /// every input row j has 3 valid filter rows (no row skipped: pad 0, 2j + 3 <= 10 + 1), so 15 over the
    /// 5 rows; 5 columns = one group of 4 and one single; the rolling buffer row holds (5 - 1) * 2 + 3 = 11
    /// pixels, 3 rows; all 5 input rows finish 2 output rows each; one leftover row (3 - 2) lies below
    /// the output (5 * 2 + 0 = 10 is not < 10).
    func testTransposeConvDirectPath() throws {
        let w = transposeConv(input: 5, channels: 8, output: 10, outputChannels: 4, path: .transposeConvS8)
        let work = KernelCosts.work(for: w)
        XCTAssertFalse(work.isGeneric, work.label)
        // call 124, both stride tests 3 + 3, batch 40, bias refill 8 x (11 pixels x 3 rows), in_row 75 x 5.
        let setup: Double = 124 + 3 + 3 + 40 + 8 * 33 + 75 * 5
        // 4-column group per input row: entry 44, group 32, per output channel 21 x 20, per valid filter row
        // 26 x (15 x 4), per filter column 38 x 180, 4 channels 39 x 360, channel loop entered 11 x 180.
        let quads: Double = 44 * 5 + 32 * 5 + 21 * 20 + 26 * 60 + 38 * 180 + 39 * 360 + 11 * 180
        // 1-column group: 21 x 5, 25 x 20, 25 x 60, 18 x 180, 10 x 360, 2 x 180.
        let single: Double = 21 * 5 + 25 * 20 + 25 * 60 + 18 * 180 + 10 * 360 + 2 * 180
        // Finished rows: 14 x 5 input rows, 39 x 10 rows, 15 x 100 pixels, 36 x 400 outputs, bias refill
        // 8 x (10 rows x 11 pixels); leftover row: loop 15, row 8, second test 2.
        let finish: Double = 14 * 5 + 39 * 10 + 15 * 100 + 36 * 400 + 8 * 110 + 15 + 8 + 2
        XCTAssertEqual(instructions(work), setup + quads + single + finish, accuracy: 1e-6)
        // The bias (4 x int32) copied into each buffer pixel: 11 x 3 at the start, 11 per finished row.
        XCTAssertEqual(trips(work, "memcpy"), 33 + 110)
        XCTAssertTrue(work.units.contains { $0.name == "memcpy" && $0.description.contains(" 16 bytes") })
        XCTAssertEqual(trips(work, "memset"), 0)
    }

    /// ADD int8 with broadcast, [1,4,4,8] + [1,1,1,8]: BroadcastAdd4DSlow fuses the channels into the innermost
    /// loop (both inputs contiguous there) and height and width into one loop above it (input 2's stride zero),
    /// the batch of 1 joining at the first test. So: 4 dimensions, 1 of extent 1, 2 loops, 16 iterations of the
    /// outer loop, 16 runs of the innermost, 128 elements; 3 ExtendedShape copies of 16 bytes. The per-term
    /// counts are least-squares fits (the element function's rounding branches on its products' signs).
    func testBroadcastAddFusedLoops() throws {
        let w = OperatorWorkload(index: 0, op: .builtin(.add), variant: .cmsisNN, kernelPath: .reference(.builtin(.add), .int8),
                                 inputs: [tensor(0, .int8, [1, 4, 4, 8]), tensor(1, .int8, [1, 1, 1, 8])],
                                 outputs: [tensor(2, .int8, [1, 4, 4, 8], offset: 128)],
                                 geometry: .elementwise(ElementwiseGeometry(elements: 128, broadcast: true)), macs: 0, scratchBytes: 0)
        let work = KernelCosts.work(for: w)
        XCTAssertFalse(work.isGeneric, work.label)
        // call 49.641, dim 54.385 x 4, unit -9.304, loop 61.611 x 2, outer_iter 43.590 x 16, inner_call 7.971 x 16,
        // elem 103.506 x 128.
        let expected: Double = 49.641 + 54.385 * 4 - 9.304 + 61.611 * 2 + 43.59 * 16 + 7.971 * 16 + 103.506 * 128
        XCTAssertEqual(instructions(work), expected, accuracy: 1e-6)
        XCTAssertEqual(trips(work, "memcpy"), 3)
        XCTAssertTrue(work.units.filter { $0.name == "memcpy" }.allSatisfy { $0.description.contains(" 16 bytes") })
    }

    /// TRANSPOSE_CONV int8 with 32 input channels, stride 2 (the wrapper's reverse path; the interpreter names the
    /// kernel arm_convolve_s8): input [1,2,2,32], filter 4x3x3x32, SAME (TFLM's padding 0), output [1,4,4,4]. The
    /// filter is reversed with a memcpy per output channel and tap (4 x 3 x 3 = 36, 32 bytes each); arm_convolve_s8
    /// then runs over the 4x4 upscaled input with padding 3 - 1 - 0 = 2: per output pixel (16) the window buffer is
    /// filled (a memset of 3 x 3 x 32 = 288 bytes), and a window row or column holds input where its upscaled index
    /// is inside and even: for output rows 0-3 the rows (oy - 2 + ky) give 1, 1, 2, 1 = 5, the columns likewise 5,
    /// so 25 taps are copied.
    func testTransposeConvReversePath() throws {
        let w = transposeConv(input: 2, channels: 32, output: 4, outputChannels: 4, path: .convolveS8)
        let work = KernelCosts.work(for: w)
        XCTAssertFalse(work.isGeneric, work.label)
        XCTAssertTrue(work.units.contains { $0.description.hasPrefix("arm_transpose_conv_s8:reverse") }, work.label)
        XCTAssertEqual(trips(work, "memcpy"), 36 + 25)
        XCTAssertEqual(trips(work, "memset"), 16)
        XCTAssertTrue(work.units.contains { $0.name == "memset" && $0.description.contains(" 288 bytes") })
        XCTAssertEqual(work.units.first { $0.name == "up_copy" }?.trips, 25)
        XCTAssertEqual(work.units.first { $0.name == "rev_tap" }?.trips, 36)
        // The kernel reads the reversed copy in the scratch buffer: the filter in flash is read once.
        XCTAssertEqual(work.weightWalk.workingSetBytes, 4 * 288)
        XCTAssertEqual(work.weightWalk.passes, 1)
    }
}
