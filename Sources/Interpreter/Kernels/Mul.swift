// MUL, as TFLM's mul.cc / mul_common.cc (reference) and cmsis_nn/mul.cc.
//
// int8/int16: (x1 - zp1) * (x2 - zp2) requantized by one multiplier computed in double
// from scale1 * scale2 / scale_out, plus the output zero point, clamped to the fused
// activation's range. int16 requires zero points of 0. int32 wraps and clamps;
// float32 multiplies and clamps. CMSIS-NN runs arm_elementwise_mul_s8/s16 when the
// shapes match (the same arithmetic) and the reference broadcast loop otherwise.

final class MulKernel: Kernel {
    static let registration = OperatorRegistration(.mul, resolver: "AddMul", options: MulOptions.self, builtinData: CStruct("TfLiteMulParams", [.smallEnum]),
                                                   temporaries: .takenInPrepare, macs: .perOutputElement) { MulKernel() }
    /// mul.h: OpDataMul: seven int32 and two float fields.
    static let opData = CStruct("OpDataMul", Array(repeating: .int32, count: 7) + [.float32, .float32])

    private var type: TensorType = .float32
    private var layout = ElementwiseBinaryLayout()
    private var input1Offset: Int32 = 0
    private var input2Offset: Int32 = 0
    private var outputOffset: Int32 = 0
    private var outputMultiplier: Int32 = 0
    private var outputShift: Int32 = 0
    private var activationMin: Int32 = 0
    private var activationMax: Int32 = 0
    private var floatMin: Float = 0
    private var floatMax: Float = 0

    func prepare(_ context: PrepareContext) throws {
        let operands = try BinaryOperands(context, opData: Self.opData, types: [.int8, .int16, .int32, .float32])
        let (input1, input2, output) = (operands.input1, operands.input2, operands.output)
        type = operands.type
        layout = operands.layout
        let activation = context.options(MulOptions.self).fusedActivationFunction

        switch type {
        case .int8, .int16:
            try operands.requirePositiveScales(context)
            // The real multiplier is formed in double from the float scales, as TFLM does.
            let real = Double(input1.scalarScale) * Double(input2.scalarScale) / Double(output.scalarScale)
            (outputMultiplier, outputShift) = QuantizedMath.quantizeMultiplier(real)
            input1Offset = 0 &- input1.scalarZeroPoint
            input2Offset = 0 &- input2.scalarZeroPoint
            outputOffset = output.scalarZeroPoint
            if type == .int16 {
                guard input1.scalarZeroPoint == 0, input2.scalarZeroPoint == 0, output.scalarZeroPoint == 0 else {
                    throw context.unsupported("int16 MUL needs zero points of 0 (TFLM refuses others)")
                }
            }
            let (typeMin, typeMax): (Int32, Int32) = type == .int8 ? (-128, 127) : (-32768, 32767)
            (activationMin, activationMax) = try QuantizedMath.activationRange(
                activation, scale: output.scalarScale, zeroPoint: output.scalarZeroPoint, typeMin: typeMin, typeMax: typeMax, in: context)
        case .int32:
            (activationMin, activationMax) = QuantizedMath.activationRange(int32: activation)
        default:
            (floatMin, floatMax) = QuantizedMath.activationRange(activation)
        }

        if context.variant == .cmsisNN && layout.isFlat && type == .int8 {
            context.runs(.elementwiseMulS8)
        } else if context.variant == .cmsisNN && layout.isFlat && type == .int16 {
            context.runs(.elementwiseMulS16)
        } else {
            context.runsReference(type)
        }
        context.geometry = operands.geometry(activation: activation)
    }

    func eval(_ context: EvalContext) throws {
        switch type {
        case .int8: evalQuantized(context, Int8.self)
        case .int16: evalQuantized(context, Int16.self)
        case .int32:
            let lo = activationMin, hi = activationMax
            layout.forEach(context.input(0, as: Int32.self), context.input(1, as: Int32.self),
                           context.output(0, as: Int32.self)) { x, y in
                let product = x &* y
                let low = product < lo ? lo : product
                return hi < low ? hi : low
            }
        default:
            let lo = floatMin, hi = floatMax
            layout.forEach(context.input(0, as: Float.self), context.input(1, as: Float.self),
                           context.output(0, as: Float.self)) { x, y in
                // std::min(std::max(x, lo), hi), NaN passing through as in C++.
                let product = x * y
                let low = product < lo ? lo : product
                return hi < low ? hi : low
            }
        }
    }

    private func evalQuantized<T: FixedWidthInteger & SignedInteger>(_ context: EvalContext, _: T.Type) {
        let offset1 = input1Offset, offset2 = input2Offset, outOffset = outputOffset
        let multiplier = outputMultiplier, shift = outputShift
        let lo = activationMin, hi = activationMax
        layout.forEach(context.input(0, as: T.self), context.input(1, as: T.self), context.output(0, as: T.self)) { x, y in
            let product = (offset1 &+ Int32(truncatingIfNeeded: x)) &* (offset2 &+ Int32(truncatingIfNeeded: y))
            let value = outOffset &+ QuantizedMath.multiplyByQuantizedMultiplier(product, multiplier, shift)
            return T(truncatingIfNeeded: min(max(value, lo), hi))
        }
    }
}
