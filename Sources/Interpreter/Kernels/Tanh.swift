import Foundation

// TANH, as TFLM's tanh.cc: float32, int8, int16.
//
// int8 runs gemmlowp's fixed-point tanh (FixedPoint.swift) on a Q4.27 input and
// writes the result with 7 fractional bits and no zero point: TFLM assumes (and does
// not check) an output scale of 1/128 and zero point 0. int16 uses the sigmoid table,
// as tanh(x) = 2 sigmoid(2x) - 1.

final class TanhKernel: Kernel {
    static let registration = OperatorRegistration(.tanh, resolver: "AddTanh", options: nil, builtinData: nil, temporaries: .takenInPrepare,
                                                   macs: .perOutputElement) { TanhKernel() }
    /// tanh.cc's OpData: the same four int32 fields as OpDataLogistic.
    static let opData = CStruct("OpDataTanh", [.int32, .int32, .int32, .int32])

    private var type: TensorType = .float32
    private var count = 0
    // TANH's OpData (the same four fields as OpDataLogistic).
    private var inputZeroPoint: Int32 = 0
    private var inputRangeRadius: Int32 = 0
    private var inputMultiplier: Int32 = 0
    private var inputLeftShift: Int32 = 0

    func prepare(_ context: PrepareContext) throws {
        context.allocatePersistent(.opData(Self.opData))
        // TanhPrepare holds the input while CalculateArithmeticOpData takes input and output.
        context.tempInput(0)
        context.tempInput(0)
        context.tempOutput(0)
        guard context.inputCount == 1, context.outputCount == 1 else {
            throw context.invalid("\(context.op.name) takes 1 input and 1 output, got \(context.inputCount) and \(context.outputCount)")
        }
        let (input, output) = try ElementwiseOperands.unary(context, types: [.float32, .int8, .int16])
        type = input.type
        count = input.elementCount
        context.runsReference(type)
        inputZeroPoint = input.scalarZeroPoint
        switch type {
        case .int8:
            let scale = try ElementwiseOperands.scale(input, "input", context)
            (inputMultiplier, inputLeftShift, inputRangeRadius) = try ActivationInputScaling.q4InputScaling(scale, context)
        case .int16:
            (inputMultiplier, inputLeftShift) = try ActivationInputScaling.int16InputScaling(
                input: input, output: output, potShifts: [0, 1], context)
        default:
            break
        }
    }

    func eval(_ context: EvalContext) throws {
        switch type {
        case .float32:
            let x = context.input(0, as: Float.self), y = context.output(0, as: Float.self)
            for i in 0..<count { y[i] = tanh(x[i]) }
        case .int8:
            let x = context.input(0, as: Int8.self), y = context.output(0, as: Int8.self)
            let zp = inputZeroPoint, radius = inputRangeRadius, m = inputMultiplier, shift = inputLeftShift
            for i in 0..<count {
                let v = Int32(x[i]) &- zp
                if v <= 0 &- radius {
                    y[i] = Int8.min
                } else if v >= radius {
                    y[i] = Int8.max
                } else {
                    let q4 = QuantizedMath.multiplyByQuantizedMultiplier(v, m, shift)
                    let q0 = FixedPoint.tanh(q4, integerBits: 4)
                    let out = FixedPoint.roundingDivideByPOT(q0, 24)
                    y[i] = Int8(truncatingIfNeeded: min(max(out, -128), 127))
                }
            }
        default:
            let x = context.input(0, as: Int16.self), y = context.output(0, as: Int16.self)
            let lut = SigmoidTable.values
            var m = inputMultiplier, shift = inputLeftShift
            if m == 0 {
                m = 3 << shift
                shift = 0
            }
            let round: Int32 = shift > 0 ? 1 << (shift - 1) : 0
            for i in 0..<count {
                let v = (Int32(x[i]) &* m &+ round) >> shift
                let magnitude = UInt32(bitPattern: v < 0 ? 0 &- v : v)
                // One bit less than LOGISTIC's lookup: the table is read at 2x.
                let index = magnitude >> 8
                var result: Int32
                if index >= 255 {
                    result = 0xFFFF << 8
                } else {
                    let a = UInt32(lut[Int(index)]), b = UInt32(lut[Int(index) + 1])
                    result = Int32(bitPattern: (a << 8) &+ (magnitude & 0xFF) &* (b &- a))
                }
                result = v >= 0 ? result &- (1 << 23) &+ (1 << 7) : (0 &- result) &+ (1 << 23) &+ (1 << 7) &- 1
                y[i] = Int16(truncatingIfNeeded: result >> 8)
            }
        }
    }
}
