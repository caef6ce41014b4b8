import Foundation

// TFLM's fixed-point requantization, with TFLM's semantics (gemmlowp-style double
// rounding: a saturating rounding doubling high multiply, then a rounding divide by a
// power of two). TFLM is built without TFLITE_SINGLE_ROUNDING, and the goldens show
// it: single rounding differs from TFLM on ties (see ../shared/reference/README.md).
// All arithmetic wraps where C's int32 would, so no input can trap.

public enum QuantizedMath {
    /// The multiplier (Q31 significand) and shift for a positive real multiplier, as
    /// TFLite's QuantizeMultiplier: frexp, round half away from zero, renormalise
    /// 2^31, flush shifts below -31 to zero.
    public static func quantizeMultiplier(_ real: Double) -> (multiplier: Int32, shift: Int32) {
        if real == 0 || !real.isFinite { return (0, 0) }
        // C's frexp keeps the sign in the fraction; Foundation's frexp on Linux returns
        // the magnitude's, so take it of |real| and put the sign back (LEAKY_RELU and
        // PRELU have negative multipliers).
        let (magnitude, exponent) = frexp(abs(real))
        let fraction = real < 0 ? -magnitude : magnitude
        var shift = exponent
        var fixed = Int64((fraction * Double(Int64(1) << 31)).rounded(.toNearestOrAwayFromZero))
        if fixed == Int64(1) << 31 {
            fixed /= 2
            shift += 1
        }
        if shift < -31 {
            shift = 0
            fixed = 0
        }
        // A real multiplier of 2^31 or more cannot be represented; TFLM would abort.
        if shift > 31 { return (Int32.max, 31) }
        return (Int32(truncatingIfNeeded: fixed), Int32(shift))
    }

    /// QuantizeMultiplierSmallerThanOneExp: the same, with the shift returned as a
    /// (non-positive) left shift.
    public static func quantizeMultiplierSmallerThanOne(_ real: Double) -> (multiplier: Int32, leftShift: Int32) {
        let (m, s) = quantizeMultiplier(real)
        return (m, s)
    }

    // The fixed-point primitives are gemmlowp's, defined once in FixedPoint.swift.

    /// MultiplyByQuantizedMultiplier for int32 inputs (the int8 kernels' requantization).
    @inline(__always)
    public static func multiplyByQuantizedMultiplier(_ x: Int32, _ multiplier: Int32, _ shift: Int32) -> Int32 {
        let leftShift = shift > 0 ? shift : 0
        let rightShift = shift > 0 ? 0 : -shift
        return FixedPoint.roundingDivideByPOT(Int32.saturatingRoundingDoublingHighMul(x &* (Int32(1) << leftShift), multiplier), Int(rightShift))
    }

    /// MultiplyByQuantizedMultiplierSmallerThanOneExp (ADD/SUB's input and output scaling).
    @inline(__always)
    public static func multiplyByQuantizedMultiplierSmallerThanOneExp(_ x: Int32, _ multiplier: Int32, _ leftShift: Int32) -> Int32 {
        FixedPoint.roundingDivideByPOT(Int32.saturatingRoundingDoublingHighMul(x, multiplier), Int(-leftShift))
    }

    /// MultiplyByQuantizedMultiplierGreaterThanOne.
    @inline(__always)
    public static func multiplyByQuantizedMultiplierGreaterThanOne(_ x: Int32, _ multiplier: Int32, _ leftShift: Int32) -> Int32 {
        Int32.saturatingRoundingDoublingHighMul(x &* (Int32(1) << leftShift), multiplier)
    }

    /// MultiplyByQuantizedMultiplier for int64 inputs (the int16-activation kernels'
    /// requantization): the multiplier is reduced to 16 bits and applied with a single
    /// rounding shift.
    @inline(__always)
    public static func multiplyByQuantizedMultiplier(_ x: Int64, _ multiplier: Int32, _ shift: Int32) -> Int32 {
        let reduced: Int64 = multiplier < 0x7FFF_0000 ? Int64((multiplier &+ (1 << 15)) >> 16) : 0x7FFF
        let totalShift = Int64(15 - shift)
        let rounded = (x &* reduced) &+ (Int64(1) << (totalShift - 1))
        return Int32(truncatingIfNeeded: rounded >> totalShift)
    }

    /// The activation clamp range of a quantized output (CalculateActivationRangeQuantized):
    /// the fused activation's real bounds quantized with the output's scale and zero
    /// point, intersected with the type's range. A bound whose `f / scale` does not fit
    /// int32 (or is NaN) makes TFLM's Prepare fail; the model is refused the same way.
    public static func activationRange(_ activation: FusedActivation, scale: Float, zeroPoint: Int32,
                                       typeMin: Int32, typeMax: Int32, in context: PrepareContext) throws -> (min: Int32, max: Int32) {
        // zero_point + (int)round(f / scale), in float, as TFLite's Quantize helper does; it
        // ensures -2^31 <= tmp <= (float)INT32_MAX, which is 2^31 after rounding to float.
        func quantize(_ f: Float) throws -> Int32 {
            let tmp = (f / scale).rounded(.toNearestOrAwayFromZero)
            guard tmp >= -2_147_483_648, tmp <= 2_147_483_648 else {
                throw context.invalid("activation bound \(f) does not fit the output's quantized range (scale \(scale)); TFLM's Prepare fails on it")
            }
            // 2^31 itself passes TFLM's check; its conversion is undefined in C, and saturates on Arm.
            return zeroPoint &+ (tmp == 2_147_483_648 ? Int32.max : Int32(tmp))
        }
        switch activation {
        case .relu: return (max(typeMin, try quantize(0)), typeMax)
        case .relu6: return (max(typeMin, try quantize(0)), min(typeMax, try quantize(6)))
        case .reluN1To1: return (max(typeMin, try quantize(-1)), min(typeMax, try quantize(1)))
        default: return (typeMin, typeMax)
        }
    }

    /// CalculateActivationRange for int32 outputs.
    static func activationRange(int32 activation: FusedActivation) -> (min: Int32, max: Int32) {
        switch activation {
        case .relu: return (0, Int32.max)
        case .relu6: return (0, 6)
        case .reluN1To1: return (-1, 1)
        default: return (Int32.min, Int32.max)
        }
    }

    /// Float activation bounds (CalculateActivationRange).
    public static func activationRange(_ activation: FusedActivation) -> (min: Float, max: Float) {
        switch activation {
        case .relu: return (0, .greatestFiniteMagnitude)
        case .relu6: return (0, 6)
        case .reluN1To1: return (-1, 1)
        default: return (-.greatestFiniteMagnitude, .greatestFiniteMagnitude)
        }
    }
}

/// A fused activation as the schema codes it (ActivationFunctionType, generated from
/// schema.fbs). Codes TFLM's CalculateActivationRange does not handle (TANH, SIGN_BIT,
/// unknown ones) clamp nothing.
public typealias FusedActivation = ActivationFunctionType
