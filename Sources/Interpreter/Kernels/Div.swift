// DIV, as TFLM's div.cc and reference_ops::Div / BroadcastDivSlow (no CMSIS-NN kernel).
//
// int8 divides in fixed point: the divisor (after its zero point, sign moved to the
// dividend) is inverted with gemmlowp's Newton-Raphson 1/(1+x), the dividend is shifted
// up by its headroom and multiplied by that reciprocal, and one multiplier, formed in
// float from scale1 / (scale2 * scale_out), rescales to the output. float32 divides and
// clamps; int32 (unquantized) truncates toward zero and clamps.

final class DivKernel: Kernel {
    static let registration = OperatorRegistration(.div, resolver: "AddDiv", options: DivOptions.self, builtinData: CStruct("TfLiteDivParams", [.smallEnum]),
                                                   temporaries: .takenInPrepare, macs: .perOutputElement) { DivKernel() }
    /// div.cc: OpDataDiv: seven int32 fields.
    static let opData = CStruct("OpDataDiv", Array(repeating: .int32, count: 7))

    private var type: TensorType = .float32
    private var layout = ElementwiseBinaryLayout()
    private var operatorIndex = 0
    private var divisorCount = 0
    private var input1Offset: Int32 = 0, input2Offset: Int32 = 0, outputOffset: Int32 = 0
    private var outputMultiplier: Int32 = 0, outputShift: Int32 = 0
    private var activationMin: Int32 = 0, activationMax: Int32 = 0
    private var floatMin: Float = 0, floatMax: Float = 0

    func prepare(_ context: PrepareContext) throws {
        operatorIndex = context.operatorIndex
        let operands = try BinaryOperands(context, opData: Self.opData, types: [.int8, .int32, .float32])
        let (input1, input2, output) = (operands.input1, operands.input2, operands.output)
        type = operands.type
        layout = operands.layout
        divisorCount = input2.elementCount
        let activation = context.options(DivOptions.self).fusedActivationFunction

        switch type {
        case .int8:
            try operands.requirePositiveScales(context)
            // In double from the float scales, as the oracle TFLM computes it.
            let real = Double(input1.scalarScale) / (Double(input2.scalarScale) * Double(output.scalarScale))
            (outputMultiplier, outputShift) = QuantizedMath.quantizeMultiplier(real)
            input1Offset = 0 &- input1.scalarZeroPoint
            input2Offset = 0 &- input2.scalarZeroPoint
            outputOffset = output.scalarZeroPoint
            (activationMin, activationMax) = try QuantizedMath.activationRange(
                activation, scale: output.scalarScale, zeroPoint: output.scalarZeroPoint, typeMin: -128, typeMax: 127, in: context)
        case .int32:
            guard input1.scale.isEmpty, input2.scale.isEmpty else {
                throw context.unsupported("quantized int32 DIV is not supported (TFLM takes unquantized int32 only)")
            }
            (activationMin, activationMax) = QuantizedMath.activationRange(int32: activation)
        default:
            (floatMin, floatMax) = QuantizedMath.activationRange(activation)
        }

        context.runsReference(type)
        context.geometry = operands.geometry(activation: activation)
    }

    func eval(_ context: EvalContext) throws {
        switch type {
        case .int8:
            let offset1 = input1Offset, offset2 = input2Offset, outOffset = outputOffset
            let multiplier = outputMultiplier, shift = outputShift
            let lo = activationMin, hi = activationMax
            layout.forEach(context.input(0, as: Int8.self), context.input(1, as: Int8.self),
                           context.output(0, as: Int8.self)) { x, y in
                var dividend = offset1 &+ Int32(x)
                var divisor = offset2 &+ Int32(y)
                // The reciprocal needs a positive divisor.
                if divisor < 0 {
                    dividend = 0 &- dividend
                    divisor = 0 &- divisor
                }
                // GetReciprocal; a zero divisor (undefined in TFLM) follows the same bit
                // operations, giving a meaningless but deterministic result.
                let (reciprocal, bitsOverUnit) = FixedPoint.reciprocal(divisor, integerDigits: 31)
                let reciprocalShift = Int32(truncatingIfNeeded: bitsOverUnit)
                let headroom = divLeadingSignBits(dividend)
                let unscaled = QuantizedMath.multiplyByQuantizedMultiplierGreaterThanOne(dividend, reciprocal, headroom)
                let totalShift = shift &- reciprocalShift &- headroom
                // MultiplyByQuantizedMultiplierSmallerThanOneExp, with the host's shifts (below).
                let value = outOffset &+ divRoundingDivideByPOT(
                    Int32.saturatingRoundingDoublingHighMul(unscaled, multiplier), 0 &- totalShift)
                return Int8(truncatingIfNeeded: min(max(value, lo), hi))
            }
        case .int32:
            let divisors = context.input(1, as: Int32.self)
            // Every divisor is used when there is any output; a zero one is undefined in
            // TFLM (a crash on the host), so refuse before dividing.
            if layout.count > 0 {
                var i = 0
                while i < divisorCount {
                    if divisors[i] == 0 {
                        throw InvalidOperatorError(operatorIndex: operatorIndex, op: BuiltinOperator.div.name,
                                                   reason: "int32 division by zero (undefined in TFLM's reference kernel)")
                    }
                    i &+= 1
                }
            }
            let lo = activationMin, hi = activationMax
            layout.forEach(context.input(0, as: Int32.self), divisors, context.output(0, as: Int32.self)) { x, y in
                // Int32.min / -1 wraps to Int32.min, as a Cortex-M SDIV gives.
                let quotient = x.dividedReportingOverflow(by: y).partialValue
                let low = quotient < lo ? lo : quotient
                return hi < low ? hi : low
            }
        default:
            let lo = floatMin, hi = floatMax
            layout.forEach(context.input(0, as: Float.self), context.input(1, as: Float.self),
                           context.output(0, as: Float.self)) { x, y in
                let quotient = x / y
                let low = quotient < lo ? lo : quotient
                return hi < low ? hi : low
            }
        }
    }
}

/// CountLeadingSignBits for int32 (0 for Int32.min, 31 for 0 and -1).
@inline(__always)
private func divLeadingSignBits(_ x: Int32) -> Int32 {
    Int32((x >= 0 ? x : ~x).leadingZeroBitCount - 1)
}

/// gemmlowp's RoundingDivideByPOT as TFLM's DIV actually runs it. For a dividend of 0 or
/// ±1 (headroom 31) the exponent reaches 32 or more, undefined in C++; the x86-64 host
/// that produced TFLM's goldens masks shift counts (to 6 bits for the 64-bit mask, 5 bits
/// for the 32-bit shift), which Swift's masking shifts reproduce. (A Cortex-M's
/// register shifts saturate instead, so on a device these few elements can differ.)
@inline(__always)
private func divRoundingDivideByPOT(_ x: Int32, _ exponent: Int32) -> Int32 {
    let mask = Int32(truncatingIfNeeded: (Int64(1) &<< Int64(exponent)) &- 1)
    let remainder = x & mask
    let threshold = (mask >> 1) &+ (x < 0 ? 1 : 0)
    return (x &>> exponent) &+ (remainder > threshold ? 1 : 0)
}
