import Foundation

// RELU and RELU6, as TFLM's activations.cc: float32, int8 and int16.
//
// The two quantized kernels differ in a way that matters for bit-exactness:
// RELU requantizes from the input's scale to the output's, while RELU6 clamps in
// the INPUT's quantized domain, to [zp_in, zp_in + round(6 / scale_in)], and copies
// the result without looking at the output's scale or zero point at all.

/// Checks shared by the one-input, one-output elementwise kernels of this group.
enum ElementwiseOperands {
    /// Input 0 and output 0, same type, same element count (TFLM's MatchingFlatSize,
    /// which eval's flat loops rely on).
    static func unary(_ context: PrepareContext, types: Set<TensorType>) throws -> (input: TensorInfo, output: TensorInfo) {
        let input = try context.requireInput(0)
        let output = try context.requireOutput(0)
        try context.expectType(input, types, "input")
        guard output.type == input.type else {
            throw context.invalid("output type \(output.type.name) differs from input type \(input.type.name)")
        }
        guard output.elementCount == input.elementCount else {
            throw context.invalid("output shape \(output.shape) has \(output.elementCount) elements, input shape \(input.shape) has \(input.elementCount)")
        }
        return (input, output)
    }

    /// The per-tensor scale of a quantized tensor; TFLM divides by it, so it must be a
    /// positive finite number.
    static func scale(_ tensor: TensorInfo, _ role: String, _ context: PrepareContext) throws -> Float {
        let s = tensor.scalarScale
        guard s > 0, s.isFinite else {
            throw context.invalid("\(role) is \(tensor.type.name) but has no positive quantization scale (\(s))")
        }
        return s
    }

    static func typeRange(_ type: TensorType) -> (min: Int32, max: Int32) {
        type == .int16 ? (Int32(Int16.min), Int32(Int16.max)) : (Int32(Int8.min), Int32(Int8.max))
    }

}

final class ReluKernel: Kernel {
    static let registration = OperatorRegistration(.relu, resolver: "AddRelu", options: nil, builtinData: nil, temporaries: .takenInPrepare,
                                                   macs: .perOutputElement) { ReluKernel() }
    /// activations.h: ReluParams { ActivationParams { enum class : uint8_t, int32 min, max }, four int32 }.
    static let opData = CStruct("ReluOpData", [.int8, .int32, .int32, .int32, .int32, .int32, .int32])

    private var type: TensorType = .float32
    private var count = 0
    // ReluOpData's ReluParams.
    private var inputOffset: Int32 = 0
    private var outputOffset: Int32 = 0
    private var outputMultiplier: Int32 = 0
    private var outputShift: Int32 = 0
    private var activationMin: Int32 = 0
    private var activationMax: Int32 = 0

    func prepare(_ context: PrepareContext) throws {
        context.allocatePersistent(.opData(Self.opData))
        context.tempInput(0)
        context.tempOutput(0)
        let (input, output) = try ElementwiseOperands.unary(context, types: [.float32, .int8, .int16])
        type = input.type
        count = input.elementCount
        context.runsReference(type)
        guard type != .float32 else { return }
        if type == .int16, input.scalarZeroPoint != 0 || output.scalarZeroPoint != 0 {
            throw context.unsupported("int16 RELU needs zero points of 0 (input \(input.scalarZeroPoint), output \(output.scalarZeroPoint))")
        }
        let inputScale = try ElementwiseOperands.scale(input, "input", context)
        let outputScale = try ElementwiseOperands.scale(output, "output", context)
        // The ratio is taken in double, as the oracle TFLM does (older sources divided in float).
        (outputMultiplier, outputShift) = QuantizedMath.quantizeMultiplier(Double(inputScale) / Double(outputScale))
        let range = ElementwiseOperands.typeRange(type)
        // act_min = 0 quantized with the output's parameters: round(0 / scale) is 0.
        activationMin = max(range.min, output.scalarZeroPoint)
        activationMax = range.max
        inputOffset = input.scalarZeroPoint
        outputOffset = output.scalarZeroPoint
    }

    func eval(_ context: EvalContext) throws {
        switch type {
        case .float32:
            let x = context.input(0, as: Float.self), y = context.output(0, as: Float.self)
            for i in 0..<count {
                let v = x[i]
                y[i] = v < 0 ? 0 : v
            }
        case .int8: requantize(context.input(0, as: Int8.self), context.output(0, as: Int8.self))
        default: requantize(context.input(0, as: Int16.self), context.output(0, as: Int16.self))
        }
    }

    @inline(__always)
    private func requantize<T: FixedWidthInteger & SignedInteger>(_ x: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>) {
        let inOffset = inputOffset, outOffset = outputOffset, m = outputMultiplier, s = outputShift
        let lo = activationMin, hi = activationMax
        for i in 0..<count {
            var v = outOffset &+ QuantizedMath.multiplyByQuantizedMultiplier(Int32(x[i]) &- inOffset, m, s)
            v = max(lo, v)
            v = min(hi, v)
            y[i] = T(truncatingIfNeeded: v)
        }
    }
}

final class Relu6Kernel: Kernel {
    static let registration = OperatorRegistration(.relu6, resolver: "AddRelu6", options: nil, builtinData: nil, temporaries: .takenInPrepare,
                                                   macs: .perOutputElement) { Relu6Kernel() }
    static let opData = CStruct("Relu6OpData", [.int32, .int32])

    private var type: TensorType = .float32
    private var count = 0
    // Relu6OpData: the clamp bounds in the input's quantized domain.
    private var zero: Int32 = 0
    private var six: Int32 = 0

    func prepare(_ context: PrepareContext) throws {
        context.allocatePersistent(.opData(Self.opData))
        context.tempInput(0)
        let (input, _) = try ElementwiseOperands.unary(context, types: [.float32, .int8, .int16])
        type = input.type
        count = input.elementCount
        context.runsReference(type)
        guard type != .float32 else { return }
        let scale = try ElementwiseOperands.scale(input, "input", context)
        let range = ElementwiseOperands.typeRange(type)
        zero = input.scalarZeroPoint
        // FloatToQuantizedType: round(6 / scale) + zero point, clamped to the type.
        let rounded = Double((Float(6) / scale).rounded(.toNearestOrAwayFromZero)) + Double(zero)
        six = Int32(min(Double(range.max), max(Double(range.min), rounded)))
    }

    func eval(_ context: EvalContext) throws {
        switch type {
        case .float32:
            let x = context.input(0, as: Float.self), y = context.output(0, as: Float.self)
            for i in 0..<count {
                let v = x[i]
                y[i] = v > 6 ? 6 : (v < 0 ? 0 : v)
            }
        case .int8: clamp(context.input(0, as: Int8.self), context.output(0, as: Int8.self))
        default: clamp(context.input(0, as: Int16.self), context.output(0, as: Int16.self))
        }
    }

    @inline(__always)
    private func clamp<T: FixedWidthInteger & SignedInteger>(_ x: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>) {
        // TFLM narrows both bounds to the element type before comparing.
        let lower = T(truncatingIfNeeded: zero), upper = T(truncatingIfNeeded: six)
        for i in 0..<count {
            let v = x[i]
            y[i] = v > upper ? upper : (v < lower ? lower : v)
        }
    }
}
