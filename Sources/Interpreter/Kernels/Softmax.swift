// SOFTMAX over the last dimension, as TFLM's softmax.cc / softmax_common.cc
// (reference) and cmsis_nn/softmax.cc.
//
// - float32: max of the row; exp((x - max) * beta) in float, summed in float in
//   order (each exp is stored in the output); then each output divided by the sum.
// - int8 -> int8 / int16: TFLM's reference quantized softmax in gemmlowp fixed point:
//   differences to the row maximum are scaled by beta * input_scale into Q5.26
//   (PreprocessSoftmaxScaling), those below diff_min count as zero, exp in Q0.31 is
//   accumulated in Q12.19, and the outputs are exp * 1/sum, rounded, offset by the
//   type's minimum (zero point -128 or -32768).
// - int16 -> int16: exp and 1/(1+x) lookup tables with linear interpolation, built
//   in prepare (the two persistent LUTs TFLM allocates).

import Foundation

/// builtin_op_data.h TfLiteSoftmaxParams; kernels/internal/types.h SoftmaxParams (a
/// double, six int32, a float, five pointers); cmsis_nn/softmax.cc CMSISNNSoftmaxParams
/// adds num_rows and row_size.
extension TFLMStructs {
    public static let softmaxParams = CStruct("TfLiteSoftmaxParams", [.float32])
    public static let softmaxOpData = CStruct("SoftmaxParams", [.float64] + Array(repeating: .int32, count: 6)
        + [.float32, .pointer, .pointer, .pointer, .pointer, .pointer])
    public static let cmsisSoftmaxOpData = CStruct("CMSISNNSoftmaxParams", [.record(softmaxOpData), .int32, .int32])
}

final class SoftmaxKernel: Kernel {
    static let registration = OperatorRegistration(.softmax, resolver: "AddSoftmax", options: SoftmaxOptions.self, builtinData: TFLMStructs.softmaxParams,
                                                   temporaries: .takenInPrepare, macs: .perInputElement) { SoftmaxKernel() }

    private enum Path { case float32, int8ToInt8, int8ToInt16, int16 }

    /// LUTSize<int16_t>(): 512 interpolation intervals and one end point.
    static let int16TableSize = 513

    private var path = Path.float32
    private var rows = 0
    private var depth = 0
    private var beta: Float = 1
    private var inputMultiplier: Int32 = 0
    private var inputLeftShift: Int32 = 0
    private var diffMin: Int32 = 0
    private var expTable: OwnedBuffer<Int16>?
    private var reciprocalTable: OwnedBuffer<Int16>?
    private var operatorIndex = 0

    func prepare(_ context: PrepareContext) throws {
        operatorIndex = context.operatorIndex
        let cmsis = context.variant == .cmsisNN
        context.allocatePersistent(.opData(cmsis ? TFLMStructs.cmsisSoftmaxOpData : TFLMStructs.softmaxOpData))
        context.tempInput(0)
        context.tempOutput(0)

        guard context.inputCount == 1, context.outputCount == 1 else {
            throw context.invalid("\(context.op.name) takes 1 input and 1 output, got \(context.inputCount) and \(context.outputCount)")
        }
        let input = try context.requireInput(0)
        let output = try context.requireOutput(0)
        guard input.rank >= 1 else { throw context.invalid("input must have at least 1 dimension") }
        if input.type == .int16 {
            // InitializeLutForInt16: exp and 1/(1+x) tables of 513 int16 each.
            context.allocatePersistent(.buffer("softmax exp_lut", bytes: Self.int16TableSize * 2))
            context.allocatePersistent(.buffer("softmax one_over_one_plus_x_lut", bytes: Self.int16TableSize * 2))
        }

        switch (input.type, output.type) {
        case (.float32, .float32): path = .float32
        case (.int8, .int8): path = .int8ToInt8
        case (.int8, .int16): path = .int8ToInt16
        case (.int16, .int16): path = .int16
        default:
            throw context.unsupported("\(input.type.name) input with \(output.type.name) output is not supported (float32, int8 -> int8/int16, int16)")
        }
        depth = input.shape[input.rank - 1]
        guard output.elementCount == input.elementCount, output.rank >= 1, output.shape[output.rank - 1] == depth else {
            throw context.invalid("output shape \(output.shape) does not match input shape \(input.shape)")
        }
        rows = depth > 0 ? input.elementCount / depth : 0
        let betaOption = context.options(SoftmaxOptions.self).beta
        context.geometry = .rows(RowGeometry(rows: rows, rowSize: depth))

        switch path {
        case .float32:
            // SoftmaxParams.beta is a double copy of the float option, used as a float.
            beta = betaOption
            context.runsReference(.float32)
            return
        case .int8ToInt8, .int8ToInt16:
            guard !input.scale.isEmpty, !output.scale.isEmpty else { throw context.invalid("quantized softmax needs scales") }
            if path == .int8ToInt16 {
                guard output.scalarZeroPoint == -32768,
                      abs(output.scalarScale - Float(1) / 65536) <= 0.001 * Float(1) / 65536 else {
                    throw context.unsupported("int16 softmax output must have zero point -32768 and scale 1/65536")
                }
            } else {
                guard output.scalarZeroPoint == -128, output.scalarScale == Float(1) / 256 else {
                    throw context.unsupported("int8 softmax output must have zero point -128 and scale 1/256")
                }
            }
            // PreprocessSoftmaxScaling with 5 integer bits for the scaled differences.
            let scaledDiffIntegerBits = 5
            let real = min(Double(betaOption) * Double(input.scalarScale) * Double(1 << (31 - scaledDiffIntegerBits)),
                           Double((Int64(1) << 31) - 1))
            // QuantizeMultiplierGreaterThanOne CHECKs: TFLM aborts below 1.
            guard real > 1 else {
                throw context.unsupported("beta * input scale * 2^26 = \(real) is not above 1; TFLM aborts on it")
            }
            let (multiplier, shift) = QuantizedMath.quantizeMultiplier(real)
            guard shift >= 0 else { throw context.unsupported("negative softmax input shift; TFLM aborts on it") }
            inputMultiplier = multiplier
            inputLeftShift = shift
            // CalculateInputRadius(5, shift): floor(31 * 2^26 / 2^shift).
            let radius = (1.0 * Double((1 << scaledDiffIntegerBits) - 1) * Double(Int64(1) << (31 - scaledDiffIntegerBits))
                / Double(Int64(1) << Int64(shift))).rounded(.down)
            diffMin = Int32(-radius)
            if cmsis {
                context.runs(path == .int8ToInt8 ? .softmaxS8 : .softmaxS8S16)
            } else {
                context.runsReference(.int8)
            }
        case .int16:
            guard input.scalarZeroPoint == 0, output.scalarZeroPoint == 0 else {
                throw context.unsupported("int16 softmax needs zero points of 0")
            }
            guard abs(output.scalarScale - Float(1) / 32768) <= 0.001 * Float(1) / 32768 else {
                throw context.unsupported("int16 softmax output scale must be 1/32768")
            }
            // Differences are scaled so that [-65535, 0] covers [-10, 0].
            let real = Double(input.scalarScale) * Double(betaOption) / (10.0 / 65535.0)
            (inputMultiplier, inputLeftShift) = QuantizedMath.quantizeMultiplier(real)
            let range = Float(Int32(Int16.max) - Int32(Int16.min))
            let exps = OwnedBuffer<Int16>(count: Self.int16TableSize, repeating: 0)
            let reciprocals = OwnedBuffer<Int16>(count: Self.int16TableSize, repeating: 0)
            Self.populateTable(inputScale: 10 / range, inputZeroPoint: Int32(Int16.max), outputScale: 2 / range,
                               outputZeroPoint: 0, table: exps.base) { expf($0) }
            Self.populateTable(inputScale: 1 / range, inputZeroPoint: Int32(Int16.min), outputScale: 2 / range,
                               outputZeroPoint: 0, table: reciprocals.base) { 1 / (1 + $0) }
            expTable = exps
            reciprocalTable = reciprocals
            if cmsis {
                context.runs(.softmaxS16)
            } else {
                context.runsReference(.int16)
            }
        }
    }

    func eval(_ context: EvalContext) throws {
        switch path {
        case .float32:
            evalFloat(context.input(0, as: Float.self), context.output(0, as: Float.self))
        case .int8ToInt8:
            try evalQuantized(context.input(0, as: Int8.self), context.output(0, as: Int8.self))
        case .int8ToInt16:
            try evalQuantized(context.input(0, as: Int8.self), context.output(0, as: Int16.self))
        case .int16:
            evalInt16(context.input(0, as: Int16.self), context.output(0, as: Int16.self))
        }
    }

    private func evalFloat(_ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        let depth = self.depth, beta = self.beta
        for i in 0..<rows {
            let x = input + i * depth, y = output + i * depth
            var maximum = -Float.greatestFiniteMagnitude
            for c in 0..<depth where maximum < x[c] { maximum = x[c] }
            var sum: Float = 0
            for c in 0..<depth {
                // std::exp(float) is expf.
                let e = expf((x[c] - maximum) * beta)
                y[c] = e
                sum += e
            }
            for c in 0..<depth { y[c] = y[c] / sum }
        }
    }

    private func evalQuantized<Output: FixedWidthInteger & SignedInteger>(_ input: UnsafeMutablePointer<Int8>,
                                                                         _ output: UnsafeMutablePointer<Output>) throws {
        let depth = self.depth, multiplier = inputMultiplier, leftShift = inputLeftShift, diffMin = self.diffMin
        let accumulationIntegerBits = 12, scaledDiffIntegerBits = 5
        let outputMin = Int32(truncatingIfNeeded: Output.min), outputMax = Int32(truncatingIfNeeded: Output.max)
        for i in 0..<rows {
            let x = input + i * depth, y = output + i * depth
            var maxInRow = Int32(Int8.min)
            for c in 0..<depth where Int32(x[c]) > maxInRow { maxInRow = Int32(x[c]) }

            var sumOfExps: Int32 = 0  // Q12.19
            for c in 0..<depth {
                let diff = Int32(x[c]) - maxInRow
                guard diff >= diffMin else { continue }
                let scaled = QuantizedMath.multiplyByQuantizedMultiplierGreaterThanOne(diff, multiplier, leftShift)
                let e = FixedPoint.expOnNegativeValues(scaled, integerBits: scaledDiffIntegerBits)
                sumOfExps &+= FixedPoint.rescale(e, from: 0, to: accumulationIntegerBits)
            }

            let (shiftedScale, numBitsOverUnit) = FixedPoint.reciprocal(sumOfExps, integerDigits: accumulationIntegerBits)
            let exponent = numBitsOverUnit + 31 - Output.bitWidth
            guard exponent >= 0 && exponent <= 31 else {
                // TFLITE_CHECK in reference_ops::Softmax: TFLM aborts.
                throw UnsupportedOperatorError(operatorIndex: operatorIndex, op: BuiltinOperator.softmax.name,
                                               reason: "the row's sum of exponentials overflows TFLM's fixed-point range (TFLM aborts)")
            }
            for c in 0..<depth {
                let diff = Int32(x[c]) - maxInRow
                if diff >= diffMin {
                    let scaled = QuantizedMath.multiplyByQuantizedMultiplierGreaterThanOne(diff, multiplier, leftShift)
                    let e = FixedPoint.expOnNegativeValues(scaled, integerBits: scaledDiffIntegerBits)
                    let unsaturated = FixedPoint.roundingDivideByPOT(FixedPoint.mul(shiftedScale, e), exponent)
                    let shifted = unsaturated &+ outputMin
                    y[c] = Output(truncatingIfNeeded: shifted < outputMin ? outputMin : (shifted > outputMax ? outputMax : shifted))
                } else {
                    y[c] = Output.min
                }
            }
        }
    }

    private func evalInt16(_ input: UnsafeMutablePointer<Int16>, _ output: UnsafeMutablePointer<Int16>) {
        guard let expTable = expTable?.base, let reciprocalTable = reciprocalTable?.base else { return }
        let depth = self.depth, multiplier = inputMultiplier, shift = inputLeftShift
        for i in 0..<rows {
            let x = input + i * depth, y = output + i * depth
            var maxInRow = Int16.min
            for c in 0..<depth where x[c] > maxInRow { maxInRow = x[c] }

            // exp(x - max) in Q0.15 for each element, kept in the output (as TFLM does).
            var sumOfExps: Int32 = 0  // Q16.15
            for c in 0..<depth {
                let diff = Int32(x[c]) - Int32(maxInRow)
                let scaled = QuantizedMath.multiplyByQuantizedMultiplier(diff, multiplier, shift)
                // Recentre [-65535, 0] on [-32768, 32767].
                let symmetric = Int16(clamping: scaled &+ 32767)
                let e = Self.lookup(symmetric, expTable)
                y[c] = e
                sumOfExps &+= Int32(e)
            }

            // 1/sum through the 1/(1+x) table: normalise the sum to [1, 2) in Q1.15.
            let headroomPlusOne = FixedPoint.countLeadingZeros(UInt32(bitPattern: sumOfExps))
            let shiftedSum = Int32(truncatingIfNeeded: ((Int64(sumOfExps) << Int64(headroomPlusOne - 1)) &+ (1 << 13)) >> 14)
            let symmetricSum = Int16(clamping: shiftedSum &+ (0 &- ((1 << 15) + (1 << 16))))
            let reciprocal = Int64(Self.lookup(symmetricSum, reciprocalTable))

            let rightShift = 31 - headroomPlusOne
            // int64_t round = 1 << (right_shift - 1), computed in int.
            let round = Int64(Int32(truncatingIfNeeded: 1 << (rightShift - 1)))
            for c in 0..<depth {
                let result = Int32(truncatingIfNeeded: (Int64(y[c]) * reciprocal &+ round) >> Int64(rightShift))
                y[c] = Int16(result < 0 ? 0 : (result > 32767 ? 32767 : result))
            }
        }
    }

    /// LUTLookup: the table value at the top 9 bits, interpolated by the low 7.
    @inline(__always)
    static func lookup(_ value: Int16, _ table: UnsafeMutablePointer<Int16>) -> Int16 {
        let index = Int(256 + (Int32(value) >> 7))
        let offset = Int32(value & 0x7F)
        let base = Int32(table[index])
        let slope = Int32(Int16(truncatingIfNeeded: Int32(table[index + 1]) - base))
        let delta = (slope * offset + 64) >> 7
        return Int16(truncatingIfNeeded: base + delta)
    }

    /// LUTPopulate<int16_t> (LUTPopulateInt16<float>): 512 samples of `transform` over
    /// the input range, each corrected by half the interpolation error at its
    /// interval's midpoint, and the end point; all in float as TFLM computes it.
    static func populateTable(inputScale: Float, inputZeroPoint: Int32, outputScale: Float, outputZeroPoint: Int32,
                              table: UnsafeMutablePointer<Int16>, _ transform: (Float) -> Float) {
        let inputMin = inputScale * Float(Int32(Int16.min) - inputZeroPoint)
        let inputMax = inputScale * Float(Int32(Int16.max) - inputZeroPoint)
        let outputMin = outputScale * Float(Int32(Int16.min) - outputZeroPoint)
        let outputMax = outputScale * Float(Int32(Int16.max) - outputZeroPoint)
        let steps = 512
        let step = (inputMax - inputMin) / Float(steps)
        let halfStep = step / 2
        let outputScalingInverse = Float(65536) / (outputMax - outputMin)
        let tableMin = Float(Int16.min), tableMax = Float(Int16.max)
        for i in 0..<steps {
            let value = transform(inputMin + Float(i) * step)
            let midpointValue = transform(inputMin + Float(i) * step + halfStep)
            let nextValue = transform(inputMin + Float(i + 1) * step)
            let sample = (value * outputScalingInverse).rounded()
            let midpointInterpolated = ((nextValue * outputScalingInverse + (value * outputScalingInverse).rounded()) / 2).rounded()
            let midpoint = (midpointValue * outputScalingInverse).rounded()
            let bias = ((midpointInterpolated - midpoint) / 2).rounded()
            table[i] = Int16(min(max(sample - bias, tableMin), tableMax))
        }
        table[steps] = Int16(min(max((transform(inputMax) * outputScalingInverse).rounded(), tableMin), tableMax))
    }
}
