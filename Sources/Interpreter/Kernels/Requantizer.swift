// TFLM's requantization of an int32 accumulator, MultiplyByQuantizedMultiplier(x, m, shift)
// (gemmlowp's double rounding), in the form the hot loops use: one 64-bit multiply, one
// add and one shift per value, with each channel's constants computed in prepare. Used by
// CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and ADD; QuantizedMath keeps the literal
// two-step form, and the tests check the two agree.
//
// With a = x << left (int32, wrapping), t = a * m (exact in int64) and right = max(-shift, 0),
// TFLM computes
//   h = SaturatingRoundingDoublingHighMul(a, m) = floor((t + 2^30) / 2^31)
//       (saturated to INT32_MAX in its one overflowing case, a = m = INT32_MIN, t = 2^62)
//   RoundingDivideByPOT(h, right) = floor((h + 2^(right-1) - [h < 0]) / 2^right), or h when right = 0.
// Nested floors of divisions by powers of two compose, and h < 0 exactly when t < -2^30, so
//   result = floor((t + 2^30 + 2^(30+right) - 2^31 [t < -2^30]) / 2^(31+right))   (right > 0)
//   result = floor((t + 2^30) / 2^31)                                              (right = 0)
// The one value that does not fit int32, 2^31 (from t = 2^62 with right = 0), is TFLM's
// saturation to INT32_MAX; for right > 0 both forms already agree there.

/// One output channel's requantization constants.
struct ChannelRequantization {
    /// The Q31 multiplier m.
    var multiplier: Int64 = 0
    /// 2^30, plus 2^(30+right) when right > 0.
    var offset: Int64 = 1 << 30
    /// 2^31 when right > 0, else 0: subtracted for t < -2^30 (rounding half away from zero).
    var negativeCorrection: Int64 = 0
    /// 31 + right.
    var shift: Int64 = 31
    /// max(shift, 0).
    var leftShift: Int32 = 0

    init() {}

    /// TFLM's multiplier and shift (positive: left).
    init(multiplier m: Int32, shift s: Int32) {
        let right = Int64(max(0 &- s, 0))
        multiplier = Int64(m)
        offset = (1 << 30) + (right > 0 ? Int64(1) << (30 + right) : 0)
        negativeCorrection = right > 0 ? 1 << 31 : 0
        shift = 31 + right
        leftShift = max(s, 0)
    }

    /// MultiplyByQuantizedMultiplier(x, m, shift).
    @inline(__always)
    func apply(_ x: Int32) -> Int32 {
        let t = Int64(x &<< leftShift) &* multiplier
        // All ones when t + 2^30 < 0.
        let negative = (t &+ (1 << 30)) &>> 63
        let u = t &+ offset &- (negative & negativeCorrection)
        return Int32(truncatingIfNeeded: min(u &>> shift, Int64(Int32.max)))
    }
}

/// Every output channel's constants, in one block a hot loop reads through `base`.
typealias Requantizer = OwnedBuffer<ChannelRequantization>

extension OwnedBuffer where Element == ChannelRequantization {
    convenience init(multipliers: [Int32], shifts: [Int32]) {
        self.init(zip(multipliers, shifts).map { ChannelRequantization(multiplier: $0, shift: $1) })
    }
}

/// The last step of the quantized convolutions and FULLY_CONNECTED: bias, requantization,
/// output zero point, activation clamp, narrowing store.
struct QuantizedOutputStage {
    let outputOffset: Int32
    let activationMin: Int32
    let activationMax: Int32

    /// out[j] for j < count from the int32 sums (channel j uses bias[j] and requantize[j]).
    @inline(__always)
    func store<T: FixedWidthInteger>(_ sums: UnsafePointer<Int32>, count: Int, bias: UnsafePointer<Int32>,
                                     requantize: UnsafePointer<ChannelRequantization>, into out: UnsafeMutablePointer<T>) {
        var j = 0
        while j < count {
            out[j] = value(sums[j] &+ bias[j], requantize + j)
            j &+= 1
        }
    }

    @inline(__always)
    func value<T: FixedWidthInteger>(_ sum: Int32, _ requantize: UnsafePointer<ChannelRequantization>) -> T {
        var v = requantize.pointee.apply(sum) &+ outputOffset
        v = max(v, activationMin)
        v = min(v, activationMax)
        return T(truncatingIfNeeded: v)
    }
}
