// PRELU, as TFLM's prelu.cc / prelu_common.cc and reference_ops::BroadcastPrelu4DSlow
// (no CMSIS-NN kernel).
//
// f(x) = x for x >= 0, alpha * x otherwise, alpha broadcast against the input.
// Quantized (int8 input with int8 alpha, or int16 input with int8 alpha): the
// non-negative branch rescales (x - zp) by scale_in / scale_out, the negative branch
// rescales (x - zp) * (alpha - zp_alpha) by scale_in * scale_alpha / scale_out; both
// multipliers are formed in double. float32 uses TFLM's 4-D broadcast loop.

final class PreluKernel: Kernel {
    static let registration = OperatorRegistration(.prelu, resolver: "AddPrelu", options: nil, builtinData: nil, temporaries: .takenInPrepare,
                                                   macs: .perOutputElement) { PreluKernel() }
    /// types.h PreluParams: seven int32 fields.
    static let opData = CStruct("PreluParams", Array(repeating: .int32, count: 7))

    private var type: TensorType = .float32
    private var layout = ElementwiseBinaryLayout()
    private var inputOffset: Int32 = 0, alphaOffset: Int32 = 0, outputOffset: Int32 = 0
    private var multiplierPositive: Int32 = 0, shiftPositive: Int32 = 0
    private var multiplierNegative: Int32 = 0, shiftNegative: Int32 = 0

    func prepare(_ context: PrepareContext) throws {
        // Alpha is float32 with a float32 input, int8 otherwise; the float path is TFLM's
        // 4-D loop, the quantized one its generic broadcast.
        let inputType = context.input(0)?.type
        let operands = try BinaryOperands(context, opData: Self.opData, types: [.float32, .int8, .int16],
                                          secondType: inputType == .float32 ? .float32 : .int8, secondRole: "alpha",
                                          maxRank: inputType == .float32 ? 4 : ElementwiseBinaryLayout.maxRank)
        let (input, alpha, output) = (operands.input1, operands.input2, operands.output)
        type = operands.type
        layout = operands.layout

        if type != .float32 {
            try operands.requirePositiveScales(context, secondRole: "alpha")
            let realPositive = Double(input.scalarScale) / Double(output.scalarScale)
            let realNegative = Double(input.scalarScale) * Double(alpha.scalarScale) / Double(output.scalarScale)
            (multiplierPositive, shiftPositive) = QuantizedMath.quantizeMultiplier(realPositive)
            (multiplierNegative, shiftNegative) = QuantizedMath.quantizeMultiplier(realNegative)
            inputOffset = 0 &- input.scalarZeroPoint
            alphaOffset = 0 &- alpha.scalarZeroPoint
            outputOffset = output.scalarZeroPoint
        }

        context.runsReference(type)
        context.geometry = operands.geometry()
    }

    func eval(_ context: EvalContext) throws {
        switch type {
        case .int8: evalQuantized(context, Int8.self)
        case .int16: evalQuantized(context, Int16.self)
        default:
            layout.forEach(context.input(0, as: Float.self), context.input(1, as: Float.self),
                           context.output(0, as: Float.self)) { x, alpha in
                x >= 0 ? x : x * alpha
            }
        }
    }

    private func evalQuantized<T: FixedWidthInteger & SignedInteger>(_ context: EvalContext, _: T.Type) {
        let inOffset = inputOffset, aOffset = alphaOffset, outOffset = outputOffset
        let mPositive = multiplierPositive, sPositive = shiftPositive
        let mNegative = multiplierNegative, sNegative = shiftNegative
        let lo = Int32(T.min), hi = Int32(T.max)
        layout.forEach(context.input(0, as: T.self), context.input(1, as: Int8.self), context.output(0, as: T.self)) { x, alpha in
            let value = inOffset &+ Int32(truncatingIfNeeded: x)
            var result: Int32
            if value >= 0 {
                result = QuantizedMath.multiplyByQuantizedMultiplier(value, mPositive, sPositive)
            } else {
                let alphaValue = aOffset &+ Int32(alpha)
                result = QuantizedMath.multiplyByQuantizedMultiplier(value &* alphaValue, mNegative, sNegative)
            }
            result = result &+ outOffset
            return T(truncatingIfNeeded: min(max(result, lo), hi))
        }
    }
}
