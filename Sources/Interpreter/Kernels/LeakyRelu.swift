import Foundation

// LEAKY_RELU, as TFLM's leaky_relu.cc / leaky_relu_common.cc: float32, int8, int16.
// The quantized kernel requantizes both branches: non-negative inputs with
// input_scale / output_scale, negative ones with input_scale * alpha / output_scale.
// Both ratios are computed in double from the float scales and alpha, as the oracle
// TFLM (tflite-micro 0.dev20261023182759) does; computing them in float first, as
// older TFLM sources do, gives another multiplier for some scales and outputs off by 1.

final class LeakyReluKernel: Kernel {
    static let registration = OperatorRegistration(.leakyRelu, resolver: "AddLeakyRelu", options: LeakyReluOptions.self, builtinData: CStruct("TfLiteLeakyReluParams", [.float32]),
                                                   temporaries: .takenInPrepare, macs: .perOutputElement) { LeakyReluKernel() }
    /// leaky_relu.h LeakyReluOpData: six int32 fields.
    static let opData = CStruct("LeakyReluOpData", Array(repeating: .int32, count: 6))

    private var type: TensorType = .float32
    private var count = 0
    private var alpha: Float = 0
    // LeakyReluOpData.
    private var multiplierAlpha: Int32 = 0
    private var shiftAlpha: Int32 = 0
    private var multiplierIdentity: Int32 = 0
    private var shiftIdentity: Int32 = 0
    private var inputZeroPoint: Int32 = 0
    private var outputZeroPoint: Int32 = 0

    func prepare(_ context: PrepareContext) throws {
        context.allocatePersistent(.opData(Self.opData))
        context.tempInput(0)
        context.tempOutput(0)
        guard context.inputCount == 1, context.outputCount == 1 else {
            throw context.invalid("\(context.op.name) takes 1 input and 1 output, got \(context.inputCount) and \(context.outputCount)")
        }
        let (input, output) = try ElementwiseOperands.unary(context, types: [.float32, .int8, .int16])
        type = input.type
        count = input.elementCount
        alpha = context.options(LeakyReluOptions.self).alpha
        context.runsReference(type)
        guard type != .float32 else { return }
        let inputScale = try ElementwiseOperands.scale(input, "input", context)
        let outputScale = try ElementwiseOperands.scale(output, "output", context)
        inputZeroPoint = input.scalarZeroPoint
        outputZeroPoint = output.scalarZeroPoint
        (multiplierAlpha, shiftAlpha) = QuantizedMath.quantizeMultiplier(Double(inputScale) * Double(alpha) / Double(outputScale))
        (multiplierIdentity, shiftIdentity) = QuantizedMath.quantizeMultiplier(Double(inputScale) / Double(outputScale))
    }

    func eval(_ context: EvalContext) throws {
        switch type {
        case .float32:
            let x = context.input(0, as: Float.self), y = context.output(0, as: Float.self)
            let a = alpha
            for i in 0..<count {
                let v = x[i]
                y[i] = v > 0 ? v : v * a
            }
        case .int8: requantize(context.input(0, as: Int8.self), context.output(0, as: Int8.self))
        default: requantize(context.input(0, as: Int16.self), context.output(0, as: Int16.self))
        }
    }

    @inline(__always)
    private func requantize<T: FixedWidthInteger & SignedInteger>(_ x: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>) {
        let lo = Int32(T.min), hi = Int32(T.max)
        // A negative alpha: multiply by |multiplier| and negate, as TFLM does.
        let alphaNegative = multiplierAlpha < 0
        let alphaMagnitude = alphaNegative ? 0 &- multiplierAlpha : multiplierAlpha
        let inOffset = inputZeroPoint, outOffset = outputZeroPoint
        let mIdentity = multiplierIdentity, sIdentity = shiftIdentity, sAlpha = shiftAlpha
        for i in 0..<count {
            let v = Int32(x[i]) &- inOffset
            var out = outOffset
            if v >= 0 {
                out = out &+ QuantizedMath.multiplyByQuantizedMultiplier(v, mIdentity, sIdentity)
            } else {
                let scaled = QuantizedMath.multiplyByQuantizedMultiplier(v, alphaMagnitude, sAlpha)
                out = out &+ (alphaNegative ? 0 &- scaled : scaled)
            }
            y[i] = T(truncatingIfNeeded: min(hi, max(lo, out)))
        }
    }
}
