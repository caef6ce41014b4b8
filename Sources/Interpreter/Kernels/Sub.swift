// SUB, as TFLM's sub.cc / sub_common.cc (no CMSIS-NN kernel: the Arm build runs the
// reference one).
//
// int8/int16 follow ADD's scheme: both inputs are offset, shifted left (20 bits for
// int8, 15 for int16) and rescaled to twice the larger input scale, subtracted, then
// rescaled to the output. The three multipliers are derived in float and converted to
// double exactly as TFLM does. float32 and int32 subtract and clamp to the fused
// activation; int32 must be unquantized.

final class SubKernel: Kernel {
    static let registration = OperatorRegistration(.sub, options: SubOptions.self, builtinData: CStruct("TfLiteSubParams", [.smallEnum, .bool]),
                                                   temporaries: .takenInPrepare, macs: .perOutputElement) { SubKernel() }
    /// sub.h: OpDataSub: a bool and twelve int32 fields.
    static let opData = CStruct("OpDataSub", [.bool] + Array(repeating: .int32, count: 12))

    private var type: TensorType = .float32
    private var layout = ElementwiseBinaryLayout()
    private var leftShift: Int32 = 0
    private var input1Offset: Int32 = 0, input2Offset: Int32 = 0, outputOffset: Int32 = 0
    private var input1Multiplier: Int32 = 0, input2Multiplier: Int32 = 0, outputMultiplier: Int32 = 0
    private var input1Shift: Int32 = 0, input2Shift: Int32 = 0, outputShift: Int32 = 0
    private var activationMin: Int32 = 0, activationMax: Int32 = 0
    private var floatMin: Float = 0, floatMax: Float = 0

    func prepare(_ context: PrepareContext) throws {
        let operands = try BinaryOperands(context, opData: Self.opData, types: [.int8, .int16, .int32, .float32])
        let (input1, input2, output) = (operands.input1, operands.input2, operands.output)
        type = operands.type
        layout = operands.layout
        let activation = context.options(SubOptions.self).fusedActivationFunction

        switch type {
        case .int8, .int16:
            try operands.requirePositiveScales(context)
            input1Offset = 0 &- input1.scalarZeroPoint
            input2Offset = 0 &- input2.scalarZeroPoint
            outputOffset = output.scalarZeroPoint
            leftShift = type == .int16 ? 15 : 20
            // Float arithmetic first, then widened to double: TFLM's exact sequence.
            let twiceMaxInputScale: Float = 2 * max(input1.scalarScale, input2.scalarScale)
            let realInput1 = Double(input1.scalarScale / twiceMaxInputScale)
            let realInput2 = Double(input2.scalarScale / twiceMaxInputScale)
            let realOutput = Double(twiceMaxInputScale / (Float(1 << leftShift) * output.scalarScale))
            (input1Multiplier, input1Shift) = try Self.smallerThanOne(realInput1, "input 1", context)
            (input2Multiplier, input2Shift) = try Self.smallerThanOne(realInput2, "input 2", context)
            (outputMultiplier, outputShift) = try Self.smallerThanOne(realOutput, "output", context)
            let (typeMin, typeMax): (Int32, Int32) = type == .int8 ? (-128, 127) : (-32768, 32767)
            (activationMin, activationMax) = try QuantizedMath.activationRange(
                activation, scale: output.scalarScale, zeroPoint: output.scalarZeroPoint, typeMin: typeMin, typeMax: typeMax, in: context)
        case .int32:
            guard input1.scale.isEmpty, input2.scale.isEmpty, output.scale.isEmpty else {
                throw context.unsupported("quantized int32 SUB is not supported (TFLM takes unquantized int32 only)")
            }
            (activationMin, activationMax) = QuantizedMath.activationRange(int32: activation)
        default:
            (floatMin, floatMax) = QuantizedMath.activationRange(activation)
        }

        context.runsReference(type)
        context.geometry = operands.geometry(activation: activation)
    }

    /// QuantizeMultiplierSmallerThanOneExp: TFLM aborts (TFLITE_CHECK) unless the real
    /// multiplier lies in (0, 1); mcusim refuses the model instead.
    private static func smallerThanOne(_ real: Double, _ role: String, _ context: PrepareContext) throws -> (Int32, Int32) {
        guard real > 0, real < 1 else {
            throw context.unsupported("the \(role) rescaling factor \(real) is outside (0, 1), which TFLM's SUB cannot represent")
        }
        let (multiplier, shift) = QuantizedMath.quantizeMultiplier(real)
        guard shift <= 0 else {
            throw context.unsupported("the \(role) rescaling factor \(real) rounds to 1, which TFLM's SUB cannot represent")
        }
        return (multiplier, shift)
    }

    func eval(_ context: EvalContext) throws {
        switch type {
        case .int8: evalQuantized(context, Int8.self)
        case .int16: evalQuantized(context, Int16.self)
        case .int32:
            let lo = activationMin, hi = activationMax
            layout.forEach(context.input(0, as: Int32.self), context.input(1, as: Int32.self),
                           context.output(0, as: Int32.self)) { x, y in
                let difference = x &- y
                let low = difference < lo ? lo : difference
                return hi < low ? hi : low
            }
        default:
            let lo = floatMin, hi = floatMax
            layout.forEach(context.input(0, as: Float.self), context.input(1, as: Float.self),
                           context.output(0, as: Float.self)) { x, y in
                let difference = x - y
                let low = difference < lo ? lo : difference
                return hi < low ? hi : low
            }
        }
    }

    private func evalQuantized<T: FixedWidthInteger & SignedInteger>(_ context: EvalContext, _: T.Type) {
        let offset1 = input1Offset, offset2 = input2Offset, outOffset = outputOffset
        let scaleUp = Int32(1) << leftShift
        let m1 = input1Multiplier, s1 = input1Shift, m2 = input2Multiplier, s2 = input2Shift
        let mOut = outputMultiplier, sOut = outputShift
        let lo = activationMin, hi = activationMax
        layout.forEach(context.input(0, as: T.self), context.input(1, as: T.self), context.output(0, as: T.self)) { x, y in
            let shifted1 = (offset1 &+ Int32(truncatingIfNeeded: x)) &* scaleUp
            let shifted2 = (offset2 &+ Int32(truncatingIfNeeded: y)) &* scaleUp
            let scaled1 = QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOneExp(shifted1, m1, s1)
            let scaled2 = QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOneExp(shifted2, m2, s2)
            let value = QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOneExp(scaled1 &- scaled2, mOut, sOut) &+ outOffset
            return T(truncatingIfNeeded: min(max(value, lo), hi))
        }
    }
}
