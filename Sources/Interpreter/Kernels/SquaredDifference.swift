// SQUARED_DIFFERENCE, as TFLM's squared_difference.cc (no CMSIS-NN kernel).
//
// (x1 - x2)^2 with no fused activation. int8/int16 rescale both inputs to twice the
// larger input scale (int8 after a left shift of 7, int16 with none), square the
// difference in int32 and requantize it with a multiplier formed in double. float32 and
// int32 square the plain difference (int32 wraps).

final class SquaredDifferenceKernel: Kernel {
    static let registration = OperatorRegistration(.squaredDifference, resolver: "AddSquaredDifference", options: SquaredDifferenceOptions.self, builtinData: nil, temporaries: .takenInPrepare,
                                                   macs: .perOutputElement) { SquaredDifferenceKernel() }
    /// types.h ArithmeticParams: a uint8 category, ten int32 offsets, multipliers and
    /// shifts, int32 and float bounds, int64 bounds, int16 bounds, int broadcast_shape[5].
    static let arithmeticParams = CStruct("ArithmeticParams", [.int8] + Array(repeating: .int32, count: 12)
        + [.float32, .float32, .int64, .int64, .int16, .int16] + Array(repeating: .int32, count: 5))
    /// squared_difference.cc's OpData { bool requires_broadcast; ArithmeticParams }.
    static let opData = CStruct("OpData (SQUARED_DIFFERENCE)", [.bool, .record(arithmeticParams)])

    private var type: TensorType = .float32
    private var layout = ElementwiseBinaryLayout()
    private var leftShift: Int32 = 0
    private var input1Offset: Int32 = 0, input2Offset: Int32 = 0, outputOffset: Int32 = 0
    private var input1Multiplier: Int32 = 0, input2Multiplier: Int32 = 0, outputMultiplier: Int32 = 0
    private var input1Shift: Int32 = 0, input2Shift: Int32 = 0, outputShift: Int32 = 0
    private var outputMin: Int32 = 0, outputMax: Int32 = 0

    func prepare(_ context: PrepareContext) throws {
        let operands = try BinaryOperands(context, opData: Self.opData, types: [.int8, .int16, .int32, .float32])
        let (input1, input2, output) = (operands.input1, operands.input2, operands.output)
        type = operands.type
        layout = operands.layout

        if type == .int8 || type == .int16 {
            try operands.requirePositiveScales(context)
            for (tensor, role) in [(input1, "input 1"), (input2, "input 2"), (output, "output")] {
                if type == .int8 {
                    guard (-128...127).contains(tensor.scalarZeroPoint) else {
                        throw context.invalid("\(role) zero point \(tensor.scalarZeroPoint) is outside int8")
                    }
                } else {
                    guard tensor.scalarZeroPoint == 0 else {
                        throw context.unsupported("int16 SQUARED_DIFFERENCE needs zero points of 0 (TFLM refuses others)")
                    }
                }
            }
            leftShift = type == .int8 ? 7 : 0
            input1Offset = 0 &- input1.scalarZeroPoint
            input2Offset = 0 &- input2.scalarZeroPoint
            outputOffset = output.scalarZeroPoint
            // Here TFLM works in double from the start (unlike SUB).
            let twiceMaxInputScale = 2.0 * Double(max(input1.scalarScale, input2.scalarScale))
            let realInput1 = Double(input1.scalarScale) / twiceMaxInputScale
            let realInput2 = Double(input2.scalarScale) / twiceMaxInputScale
            let realOutput = (twiceMaxInputScale * twiceMaxInputScale)
                / (Double(1 << (leftShift * 2)) * Double(output.scalarScale))
            (input1Multiplier, input1Shift) = QuantizedMath.quantizeMultiplier(realInput1)
            (input2Multiplier, input2Shift) = QuantizedMath.quantizeMultiplier(realInput2)
            (outputMultiplier, outputShift) = QuantizedMath.quantizeMultiplier(realOutput)
            (outputMin, outputMax) = type == .int8 ? (-128, 127) : (-32768, 32767)
        }

        context.runsReference(type)
        context.geometry = operands.geometry()
    }

    func eval(_ context: EvalContext) throws {
        switch type {
        case .int8: evalQuantized(context, Int8.self)
        case .int16: evalQuantized(context, Int16.self)
        case .int32:
            layout.forEach(context.input(0, as: Int32.self), context.input(1, as: Int32.self),
                           context.output(0, as: Int32.self)) { x, y in
                let difference = x &- y
                return difference &* difference
            }
        default:
            layout.forEach(context.input(0, as: Float.self), context.input(1, as: Float.self),
                           context.output(0, as: Float.self)) { x, y in
                let difference = x - y
                return difference * difference
            }
        }
    }

    private func evalQuantized<T: FixedWidthInteger & SignedInteger>(_ context: EvalContext, _: T.Type) {
        let offset1 = input1Offset, offset2 = input2Offset, outOffset = outputOffset
        let scaleUp = Int32(1) << leftShift
        let m1 = input1Multiplier, s1 = input1Shift, m2 = input2Multiplier, s2 = input2Shift
        let mOut = outputMultiplier, sOut = outputShift
        let lo = outputMin, hi = outputMax
        layout.forEach(context.input(0, as: T.self), context.input(1, as: T.self), context.output(0, as: T.self)) { x, y in
            let shifted1 = (offset1 &+ Int32(truncatingIfNeeded: x)) &* scaleUp
            let shifted2 = (offset2 &+ Int32(truncatingIfNeeded: y)) &* scaleUp
            let scaled1 = QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOneExp(shifted1, m1, s1)
            let scaled2 = QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOneExp(shifted2, m2, s2)
            let difference = scaled1 &- scaled2
            let value = QuantizedMath.multiplyByQuantizedMultiplier(difference &* difference, mOut, sOut) &+ outOffset
            return T(truncatingIfNeeded: min(max(value, lo), hi))
        }
    }
}
