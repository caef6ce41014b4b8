import Foundation

// QUANTIZE, as TFLM's quantize.cc / quantize_common.cc (no CMSIS-NN kernel).
//
// float32 → int8/int16: round(x / scale) (half away from zero, in float) + zero point,
// clamped. Integer → integer requantizes: (x - zp_in) times one multiplier for
// scale_in / scale_out (double), + zp_out, clamped. The pairs TFLM evaluates:
// int8 → int8/uint8/int16/int32, int16 → int8/int16/int32, int32 → int8/int16,
// uint8 → int8. The output must be per-tensor quantized.

final class QuantizeKernel: Kernel {
    static let registration = OperatorRegistration(.quantize, resolver: "AddQuantize", options: QuantizeOptions.self, builtinData: nil, temporaries: .takenInPrepare,
                                                   macs: .perOutputElement) { QuantizeKernel() }
    /// quantize.h: OpDataQuantizeReference { QuantizationParams { int32, double }; int32; int; int32 }.
    static let opData = CStruct("OpDataQuantizeReference",
                                [.record(CStruct("QuantizationParams", [.int32, .float64])), .int32, .int32, .int32])

    private var inputType: TensorType = .float32
    private var outputType: TensorType = .int8
    private var count = 0
    private var outputScale: Float = 1
    private var outputZeroPoint: Int32 = 0
    private var inputZeroPoint: Int32 = 0
    private var multiplier: Int32 = 0
    private var shift: Int32 = 0

    private static let requantizePairs: Set<[TensorType]> = [
        [.int8, .int8], [.int8, .uint8], [.int8, .int16], [.int8, .int32],
        [.int16, .int8], [.int16, .int16], [.int16, .int32],
        [.int32, .int8], [.int32, .int16],
        [.uint8, .int8],
    ]

    func prepare(_ context: PrepareContext) throws {
        context.allocatePersistent(.opData(Self.opData))
        context.tempInput(0)
        context.tempOutput(0)
        guard context.inputCount == 1, context.outputCount == 1 else {
            throw context.invalid("\(context.op.name) takes 1 input and 1 output, the model gives \(context.inputCount) and \(context.outputCount)")
        }
        let input = try context.requireInput(0), output = try context.requireOutput(0)
        guard output.scale.count == 1 else {
            throw context.unsupported(output.scale.isEmpty ? "output is not quantized"
                : "per-channel output quantization (\(output.scale.count) scales) is not supported (TFLM takes one scale)")
        }
        let floatPair = input.type == .float32 && (output.type == .int8 || output.type == .int16)
        guard floatPair || Self.requantizePairs.contains([input.type, output.type]) else {
            throw context.unsupported("\(input.type.name) → \(output.type.name) is not supported (TFLM quantizes float32 to int8/int16 and requantizes int8→int8/uint8/int16/int32, int16→int8/int16/int32, int32→int8/int16, uint8→int8)")
        }
        guard output.elementCount == input.elementCount else {
            throw context.invalid("output shape \(output.shape) does not hold the \(input.elementCount) elements of input shaped \(input.shape)")
        }
        inputType = input.type
        outputType = output.type
        count = input.elementCount
        outputScale = output.scalarScale
        outputZeroPoint = output.scalarZeroPoint
        inputZeroPoint = input.scalarZeroPoint
        if !floatPair {
            guard output.scalarScale > 0, output.scalarScale.isFinite else {
                throw context.invalid("output of a requantizing QUANTIZE needs a positive scale")
            }
            (multiplier, shift) = QuantizedMath.quantizeMultiplier(Double(input.scalarScale) / Double(output.scalarScale))
        }
        context.runsReference(input.type)
        context.geometry = .elementwise(ElementwiseGeometry(elements: count))
    }

    func eval(_ context: EvalContext) throws {
        switch (inputType, outputType) {
        case (.float32, .int8): affineQuantize(context, Int8.self)
        case (.float32, .int16): affineQuantize(context, Int16.self)
        case (.int8, .int8): requantize(context, Int8.self, Int8.self)
        case (.int8, .uint8): requantize(context, Int8.self, UInt8.self)
        case (.int8, .int16): requantize(context, Int8.self, Int16.self)
        case (.int8, .int32): requantize(context, Int8.self, Int32.self)
        case (.int16, .int8): requantize(context, Int16.self, Int8.self)
        case (.int16, .int16): requantize(context, Int16.self, Int16.self)
        case (.int16, .int32): requantize(context, Int16.self, Int32.self)
        case (.int32, .int8): requantize(context, Int32.self, Int8.self)
        case (.int32, .int16): requantize(context, Int32.self, Int16.self)
        case (.uint8, .int8): requantize(context, UInt8.self, Int8.self)
        default: break
        }
    }

    private func affineQuantize<To: FixedWidthInteger>(_ context: EvalContext, _: To.Type) {
        let input = context.input(0, as: Float.self), output = context.output(0, as: To.self)
        // TFLM stores the scale as double and divides by it cast back to float: the float.
        let scale = outputScale, zeroPoint = outputZeroPoint
        let lo = Int32(To.min), hi = Int32(To.max)
        var i = 0
        while i < count {
            let rounded = roundf(input[i] / scale)
            let value = quantizeTruncate(rounded) &+ zeroPoint
            output[i] = To(truncatingIfNeeded: min(max(value, lo), hi))
            i &+= 1
        }
    }

    private func requantize<From: FixedWidthInteger, To: FixedWidthInteger>(_ context: EvalContext, _: From.Type, _: To.Type) {
        let input = context.input(0, as: From.self), output = context.output(0, as: To.self)
        let inZeroPoint = inputZeroPoint, outZeroPoint = outputZeroPoint, m = multiplier, s = shift
        let lo = Int32(To.min), hi = Int32(To.max)
        var i = 0
        while i < count {
            let centred = Int32(truncatingIfNeeded: input[i]) &- inZeroPoint
            let value = QuantizedMath.multiplyByQuantizedMultiplier(centred, m, s) &+ outZeroPoint
            output[i] = To(truncatingIfNeeded: min(max(value, lo), hi))
            i &+= 1
        }
    }
}

/// static_cast<int32_t>(float) as the x86-64 host computes it (cvttss2si): NaN and
/// out-of-range values give 0x80000000, which then clamps to the type's minimum.
@inline(__always)
private func quantizeTruncate(_ x: Float) -> Int32 {
    guard x.isFinite, x >= -2_147_483_648, x < 2_147_483_648 else { return Int32.min }
    return Int32(x)
}
