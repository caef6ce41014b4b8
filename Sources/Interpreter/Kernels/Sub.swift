// SUB, as TFLM's sub.cc / sub_common.cc (no CMSIS-NN kernel: the Arm build runs the
// reference one).
//
// int8/int16 take ADD's general path (GeneralRescaling in ElementwiseBinary.swift): both
// inputs offset, shifted left (20 bits for int8, 15 for int16) and rescaled to twice the
// larger input scale, subtracted, then rescaled to the output, with multipliers computed
// in double as the oracle TFLM does. float32 and int32 subtract and clamp to the fused
// activation; int32 must be unquantized.

final class SubKernel: Kernel {
    static let registration = OperatorRegistration(.sub, resolver: "AddSub", options: SubOptions.self, builtinData: CStruct("TfLiteSubParams", [.smallEnum, .bool]),
                                                   temporaries: .takenInPrepare, macs: .perOutputElement) { SubKernel() }
    /// sub.h: OpDataSub: a bool and twelve int32 fields.
    static let opData = CStruct("OpDataSub", [.bool] + Array(repeating: .int32, count: 12))

    private var type: TensorType = .float32
    private var layout = ElementwiseBinaryLayout()
    private var rescaling = GeneralRescaling()
    private var input1Offset: Int32 = 0, input2Offset: Int32 = 0, outputOffset: Int32 = 0
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
            rescaling = try GeneralRescaling(context, type: type, scale1: input1.scalarScale, scale2: input2.scalarScale,
                                             outputScale: output.scalarScale)
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
        let rescaling = rescaling
        let lo = activationMin, hi = activationMax
        layout.forEach(context.input(0, as: T.self), context.input(1, as: T.self), context.output(0, as: T.self)) { x, y in
            let value = rescaling.combine(offset1 &+ Int32(truncatingIfNeeded: x), offset2 &+ Int32(truncatingIfNeeded: y),
                                          subtract: true) &+ outOffset
            return T(truncatingIfNeeded: min(max(value, lo), hi))
        }
    }
}
