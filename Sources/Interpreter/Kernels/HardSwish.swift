import Foundation

// HARD_SWISH, as TFLM's hard_swish.cc / hard_swish_common.cc: float32 and int8.
//
// The int8 kernel works in 16-bit fixed point: the input difference is moved to a
// "high-resolution" scale (x 2^7), multiplied once to the output scale and once to
// a "relu-ish" scale where 3.0 is 32768, the latter turned into a [0, 1] gate, and
// the two multiplied with a truncating (not rounding) doubling high multiply.
// All int16 arithmetic below wraps or saturates exactly where TFLM's does.

final class HardSwishKernel: Kernel {
    static let registration = OperatorRegistration(.hardSwish, resolver: "AddHardSwish", options: HardSwishOptions.self, builtinData: nil, temporaries: .takenInPrepare,
                                                   macs: .perOutputElement) { HardSwishKernel() }
    /// types.h HardSwishParams: three int16, an int, an int16, an int.
    static let opData = CStruct("HardSwishParams", [.int16, .int16, .int16, .int32, .int16, .int32])

    private var type: TensorType = .float32
    private var count = 0
    // HardSwishParams (int16 fields narrowed as TFLM stores them).
    private var inputZeroPoint: Int16 = 0
    private var outputZeroPoint: Int16 = 0
    private var reluishMultiplier: Int16 = 0
    private var reluishExponent: Int32 = 0
    private var outputMultiplier: Int16 = 0
    private var outputExponent: Int32 = 0

    func prepare(_ context: PrepareContext) throws {
        context.allocatePersistent(.opData(Self.opData))
        context.tempInput(0)
        context.tempOutput(0)
        guard context.inputCount == 1, context.outputCount == 1 else {
            throw context.invalid("\(context.op.name) takes 1 input and 1 output, got \(context.inputCount) and \(context.outputCount)")
        }
        let (input, output) = try ElementwiseOperands.unary(context, types: [.float32, .int8])
        type = input.type
        count = input.elementCount
        context.runsReference(type)
        guard type == .int8 else { return }
        let inputScale = try ElementwiseOperands.scale(input, "input", context)
        let outputScale = try ElementwiseOperands.scale(output, "output", context)
        inputZeroPoint = Int16(truncatingIfNeeded: input.scalarZeroPoint)
        outputZeroPoint = Int16(truncatingIfNeeded: output.scalarZeroPoint)
        // The high-resolution input scale in float, the ratios in double, as the oracle TFLM
        // computes them (older sources took the ratios in float too).
        let hiresInputScale = (Float(1) / 128) * inputScale
        let reluishScale = Float(3) / 32768
        let (outM, outE) = QuantizedMath.quantizeMultiplier(Double(hiresInputScale) / Double(outputScale))
        outputMultiplier = Self.downScaleToInt16(outM)
        outputExponent = outE
        guard outputExponent <= 0 else {
            throw context.unsupported("int8 HARD_SWISH needs input_scale / 128 / output_scale < 1 (input scale \(inputScale), output scale \(outputScale))")
        }
        let (reluM, reluE) = QuantizedMath.quantizeMultiplier(Double(hiresInputScale) / Double(reluishScale))
        reluishMultiplier = Self.downScaleToInt16(reluM)
        reluishExponent = reluE
    }

    /// DownScaleInt32ToInt16Multiplier: round a Q31 multiplier to Q15, saturating.
    static func downScaleToInt16(_ m: Int32) -> Int16 {
        if m >= Int32.max - (1 << 15) { return Int16.max }
        return Int16(truncatingIfNeeded: (m &+ (1 << 15)) >> 16)
    }

    func eval(_ context: EvalContext) throws {
        if type == .float32 {
            let x = context.input(0, as: Float.self), y = context.output(0, as: Float.self)
            for i in 0..<count {
                let v = x[i]
                y[i] = v * min(Float(6), max(Float(0), v + 3)) / 6
            }
            return
        }
        let x = context.input(0, as: Int8.self), y = context.output(0, as: Int8.self)
        let inZP = inputZeroPoint, outZP = outputZeroPoint
        let reluM = reluishMultiplier, reluE = reluishExponent
        let outM = outputMultiplier, outShift = 0 &- outputExponent
        for i in 0..<count {
            let inputValue = Int16(truncatingIfNeeded: Int32(x[i]) &- Int32(inZP))
            let hires = Int16(truncatingIfNeeded: Int32(inputValue) &* 128)
            let preshiftOutput = Self.roundingDoublingHighMul16(hires, outM)
            var reluish = hires
            if reluE > 0 {
                // All but the last bit of the left shift before the multiply, so any
                // saturation that matters happens after it.
                reluish = Self.saturatingShiftLeft16(reluish, reluE - 1)
            }
            reluish = Self.roundingDoublingHighMul16(reluish, reluM)
            if reluE > 0 {
                reluish = Self.saturatingShiftLeft16(reluish, 1)
            } else if reluE < 0 {
                reluish = Self.roundingDivideByPOT16(reluish, 0 &- reluE)
            }
            // From [-1, 1] to [0, 1].
            reluish = Int16(truncatingIfNeeded: (Int32(reluish) + (1 << 15)) >> 1)
            let preshift = Self.doublingHighMul16(reluish, preshiftOutput)
            var out = Self.roundingDivideByPOT16(preshift, outShift)
            out = out &+ outZP
            y[i] = Int8(truncatingIfNeeded: min(max(out, -128), 127))
        }
    }

    // MARK: 16-bit fixed point

    /// gemmlowp's SaturatingRoundingDoublingHighMul on int16.
    @inline(__always)
    static func roundingDoublingHighMul16(_ a: Int16, _ b: Int16) -> Int16 {
        if a == b && a == Int16.min { return Int16.max }
        let ab = Int32(a) * Int32(b)
        let nudge: Int32 = ab >= 0 ? (1 << 14) : (1 - (1 << 14))
        return Int16(truncatingIfNeeded: (ab + nudge) / (1 << 15))
    }

    /// The same, truncating toward zero instead of rounding (SQDMULH).
    @inline(__always)
    static func doublingHighMul16(_ a: Int16, _ b: Int16) -> Int16 {
        if a == b && a == Int16.min { return Int16.max }
        return Int16(truncatingIfNeeded: (Int32(a) * Int32(b)) / (1 << 15))
    }

    /// value * 2^amount, saturated to int16.
    @inline(__always)
    static func saturatingShiftLeft16(_ value: Int16, _ amount: Int32) -> Int16 {
        // Beyond 31 bits any non-zero value saturates (TFLM's shift would be undefined).
        if amount >= 31 { return value == 0 ? 0 : (value > 0 ? Int16.max : Int16.min) }
        let shifted = Int64(value) * (Int64(1) << Int64(amount))
        return Int16(min(max(shifted, Int64(Int16.min)), Int64(Int16.max)))
    }

    /// gemmlowp's RoundingDivideByPOT on int16: mask, threshold and sum are int16.
    @inline(__always)
    static func roundingDivideByPOT16(_ x: Int16, _ exponent: Int32) -> Int16 {
        let e = min(max(exponent, 0), 63)
        let mask = Int16(truncatingIfNeeded: (Int64(1) << Int64(e)) &- 1)
        let remainder = x & mask
        let threshold = Int16(truncatingIfNeeded: Int32(mask >> 1) + (x < 0 ? 1 : 0))
        let shifted = Int16(truncatingIfNeeded: Int32(x) >> min(e, 31))
        return Int16(truncatingIfNeeded: Int32(shifted) + (remainder > threshold ? 1 : 0))
    }
}
