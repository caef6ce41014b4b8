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

/// Every output channel's constants: one ChannelRequantization per channel for the scalar
/// form (`base`), and, when the 8-lane form applies, the same constants as lane arrays.
final class Requantizer {
    let channels: OwnedBuffer<ChannelRequantization>
    /// nil when some channel falls outside the lane form's range (see RequantizationLanes).
    let lanes: RequantizationLanes?

    var base: UnsafeMutablePointer<ChannelRequantization> { channels.base }
    var count: Int { channels.count }

    /// A view for the hot loops: plain pointers, no reference counting.
    var view: RequantizerView { RequantizerView(channels: UnsafePointer(channels.base), lanes: lanes?.view) }

    init(count: Int, repeating value: ChannelRequantization) {
        channels = OwnedBuffer(count: count, repeating: value)
        lanes = nil
    }

    /// TFLM's multipliers and shifts (positive: left), one pair per channel.
    init(multipliers: [Int32], shifts: [Int32]) {
        channels = OwnedBuffer(zip(multipliers, shifts).map { ChannelRequantization(multiplier: $0, shift: $1) })
        lanes = RequantizationLanes(multipliers: multipliers, shifts: shifts)
    }
}

/// MultiplyByQuantizedMultiplier on eight channels at once, as TFLM writes it (a rounding
/// doubling high multiply, then a rounding right shift) in 32-bit lanes except one
/// 32x32->64 multiply: every step is a lane-wise integer operation (vpmuldq, vpsravd on
/// AVX2). With a = x << left and t = a * m:
///   h = floor((t + 2^30) / 2^31), exact in int32 when 0 <= m < 2^31 (|t| < 2^62), and the
///       low 32 bits of the 64-bit shift are h itself;
///   RoundingDivideByPOT(h, right) = (h >> right) + [h & mask > (mask >> 1) + (h < 0)].
/// Taken only when every channel has m >= 0, left <= 31 and right <= 31 (TFLM's
/// QuantizeMultiplier gives these for any positive scale); other channels use the scalar form.
final class RequantizationLanes {
    let multiplier: OwnedBuffer<Int32>
    let leftShift: OwnedBuffer<Int32>
    let rightShift: OwnedBuffer<Int32>
    /// 2^right - 1.
    let remainderMask: OwnedBuffer<Int32>
    /// mask >> 1: a remainder above it (above it + 1 for negative h) rounds up.
    let threshold: OwnedBuffer<Int32>

    init?(multipliers: [Int32], shifts: [Int32]) {
        guard multipliers.count == shifts.count,
              multipliers.allSatisfy({ $0 >= 0 }), shifts.allSatisfy({ $0 >= -31 && $0 <= 31 }) else { return nil }
        multiplier = OwnedBuffer(multipliers)
        leftShift = OwnedBuffer(shifts.map { max($0, 0) })
        let right = shifts.map { max(0 - $0, 0) }
        rightShift = OwnedBuffer(right)
        let masks = right.map { Int32(truncatingIfNeeded: (Int64(1) << Int64($0)) - 1) }
        remainderMask = OwnedBuffer(masks)
        threshold = OwnedBuffer(masks.map { $0 >> 1 })
    }

    var view: RequantizationLanesView {
        RequantizationLanesView(multiplier: UnsafePointer(multiplier.base), leftShift: UnsafePointer(leftShift.base),
                                rightShift: UnsafePointer(rightShift.base), remainderMask: UnsafePointer(remainderMask.base),
                                threshold: UnsafePointer(threshold.base))
    }
}

struct RequantizationLanesView {
    let multiplier, leftShift, rightShift, remainderMask, threshold: UnsafePointer<Int32>

    @inline(__always)
    func advanced(by n: Int) -> RequantizationLanesView {
        RequantizationLanesView(multiplier: multiplier + n, leftShift: leftShift + n, rightShift: rightShift + n,
                                remainderMask: remainderMask + n, threshold: threshold + n)
    }

    @inline(__always)
    private static func load8(_ p: UnsafePointer<Int32>) -> SIMD8<Int32> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Int32>.self)
    }

    /// MultiplyByQuantizedMultiplier(x[i], m[j + i], shift[j + i]) for i < 8.
    @inline(__always)
    func apply8(_ x: SIMD8<Int32>, channel j: Int) -> SIMD8<Int32> {
        let m = Self.load8(multiplier + j)
        let a = x &<< Self.load8(leftShift + j)
        let half = SIMD4<Int64>(repeating: 1 << 30)
        let low = SIMDLanes.widen(a.lowHalf) &* SIMDLanes.widen(m.lowHalf) &+ half
        let high = SIMDLanes.widen(a.highHalf) &* SIMDLanes.widen(m.highHalf) &+ half
        let h = SIMD8<Int32>(lowHalf: SIMDLanes.truncate(low &>> 31),
                             highHalf: SIMDLanes.truncate(high &>> 31))
        let remainder = h & Self.load8(remainderMask + j)
        // threshold + 1 where h < 0 (h >> 31 is -1 there).
        let limit = Self.load8(threshold + j) &- (h &>> 31)
        // + 1 where remainder > limit: both lie in [0, 2^31), so limit - remainder is negative exactly then.
        return (h &>> Self.load8(rightShift + j)) &- ((limit &- remainder) &>> 31)
    }
}

/// The requantization constants as the hot loops see them.
struct RequantizerView {
    let channels: UnsafePointer<ChannelRequantization>
    let lanes: RequantizationLanesView?

    @inline(__always)
    func advanced(by n: Int) -> RequantizerView {
        RequantizerView(channels: channels + n, lanes: lanes?.advanced(by: n))
    }
}

/// The last step of the quantized convolutions and FULLY_CONNECTED: bias, requantization,
/// output zero point, activation clamp, narrowing store.
struct QuantizedOutputStage {
    let outputOffset: Int32
    let activationMin: Int32
    let activationMax: Int32

    /// out[j] for j < count from the int32 sums (channel j uses bias[j] and requantize's channel j).
    @inline(__always)
    func store<T: FixedWidthInteger>(_ sums: UnsafePointer<Int32>, count: Int, bias: UnsafePointer<Int32>,
                                     requantize: RequantizerView, into out: UnsafeMutablePointer<T>) {
        var j = 0
        if T.self == Int8.self, let lanes = requantize.lanes {
            let offset = SIMD8<Int32>(repeating: outputOffset)
            let low = SIMD8<Int32>(repeating: activationMin), high = SIMD8<Int32>(repeating: activationMax)
            let bytes = UnsafeMutableRawPointer(out)
            while j &+ 8 <= count {
                let x = UnsafeRawPointer(sums + j).loadUnaligned(as: SIMD8<Int32>.self)
                    &+ UnsafeRawPointer(bias + j).loadUnaligned(as: SIMD8<Int32>.self)
                var v = lanes.apply8(x, channel: j) &+ offset
                v = pointwiseMin(pointwiseMax(v, low), high)
                bytes.storeBytes(of: SIMDLanes.truncate(v), toByteOffset: j, as: SIMD8<Int8>.self)
                j &+= 8
            }
        }
        while j < count {
            out[j] = value(sums[j] &+ bias[j], requantize.channels + j)
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
