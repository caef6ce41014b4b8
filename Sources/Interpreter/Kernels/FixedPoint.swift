// gemmlowp's fixed-point arithmetic (fixedpoint.h), as TFLM's reference kernels use
// it: SOFTMAX's exp and reciprocal, LOGISTIC and TANH (int8 with int32 raws, int16
// and LSTM with int16 raws).
//
// gemmlowp's FixedPoint<RawType, IntegerBits> carries the integer-bit count in its
// type; here it is a run-time argument and values are their raw integers. A value
// with `integerBits` m in a raw type of N bits represents raw / 2^(N - 1 - m).
// Every operation wraps where C's integer arithmetic would wrap, so no input traps.

/// The raw integer types gemmlowp's fixed point is instantiated with.
public protocol FixedPointRaw: FixedWidthInteger, SignedInteger {
    /// VQRDMULH: (a * b * 2 + 2^(N-1)) >> N, rounding half away from zero, with the
    /// one overflowing case (min * min) saturated to max.
    static func saturatingRoundingDoublingHighMul(_ a: Self, _ b: Self) -> Self
    /// (a + b) / 2 rounded half away from zero (VRHADD).
    static func roundingHalfSum(_ a: Self, _ b: Self) -> Self
    /// gemmlowp's AddSaturatingIf16Bit: saturating for 16-bit raws, wrapping for 32-bit.
    static func addSaturatingIf16Bit(_ a: Self, _ b: Self) -> Self
}

extension Int32: FixedPointRaw {
    @inline(__always)
    public static func saturatingRoundingDoublingHighMul(_ a: Int32, _ b: Int32) -> Int32 {
        if a == b && a == Int32.min { return Int32.max }
        let ab = Int64(a) &* Int64(b)
        let nudge: Int64 = ab >= 0 ? (1 << 30) : (1 - (1 << 30))
        // C's division truncates toward zero, as Swift's does.
        return Int32(truncatingIfNeeded: (ab &+ nudge) / (Int64(1) << 31))
    }

    @inline(__always)
    public static func roundingHalfSum(_ a: Int32, _ b: Int32) -> Int32 {
        let sum = Int64(a) + Int64(b)
        let sign: Int64 = sum >= 0 ? 1 : -1
        return Int32(truncatingIfNeeded: (sum + sign) / 2)
    }

    @inline(__always)
    public static func addSaturatingIf16Bit(_ a: Int32, _ b: Int32) -> Int32 { a &+ b }
}

extension Int16: FixedPointRaw {
    @inline(__always)
    public static func saturatingRoundingDoublingHighMul(_ a: Int16, _ b: Int16) -> Int16 {
        if a == b && a == Int16.min { return Int16.max }
        let ab = Int32(a) * Int32(b)
        let nudge: Int32 = ab >= 0 ? (1 << 14) : (1 - (1 << 14))
        return Int16(truncatingIfNeeded: (ab + nudge) / (1 << 15))
    }

    @inline(__always)
    public static func roundingHalfSum(_ a: Int16, _ b: Int16) -> Int16 {
        let sum = Int32(a) + Int32(b)
        let sign: Int32 = sum >= 0 ? 1 : -1
        return Int16(truncatingIfNeeded: (sum + sign) / 2)
    }

    @inline(__always)
    public static func addSaturatingIf16Bit(_ a: Int16, _ b: Int16) -> Int16 {
        Int16(clamping: Int32(a) + Int32(b))
    }
}

public enum FixedPoint {
    // MARK: Raw-integer primitives

    /// Rounding arithmetic right shift (gemmlowp's RoundingDivideByPOT): ties away from
    /// zero. `exponent` must be in 0...31 (as gemmlowp asserts); larger values are
    /// clamped so hostile shifts cannot trap.
    @inline(__always)
    public static func roundingDivideByPOT<T: FixedPointRaw>(_ x: T, _ exponent: Int) -> T {
        let e = min(max(exponent, 0), 63)
        // (1ll << exponent) - 1, narrowed to the raw type as gemmlowp's Dup does.
        let mask = T(truncatingIfNeeded: (Int64(1) << e) &- 1)
        let remainder = x & mask
        let threshold = (mask >> 1) &+ (x < 0 ? 1 : 0)
        return (x >> e) &+ (remainder > threshold ? 1 : 0)
    }

    /// Multiplication by 2^exponent: saturating left shift for a positive exponent,
    /// rounding right shift for a negative one.
    @inline(__always)
    public static func saturatingRoundingMultiplyByPOT<T: FixedPointRaw>(_ x: T, _ exponent: Int) -> T {
        if exponent == 0 { return x }
        if exponent < 0 { return roundingDivideByPOT(x, -exponent) }
        // ((1 << (bits - 1 - exponent)) - 1), computed in int as gemmlowp does.
        let thresholdWide = (Int64(1) << max(T.bitWidth - 1 - exponent, 0)) - 1
        let threshold = T(truncatingIfNeeded: thresholdWide)
        if x > threshold { return T.max }
        if x < 0 &- threshold { return T.min }
        return x << exponent
    }

    /// A fixed-point product: integer bits add up, the raw is a doubling high multiply.
    @inline(__always)
    public static func mul<T: FixedPointRaw>(_ a: T, _ b: T) -> T {
        T.saturatingRoundingDoublingHighMul(a, b)
    }

    /// Rescale<dst>(x) for x with `from` integer bits.
    @inline(__always)
    public static func rescale<T: FixedPointRaw>(_ x: T, from: Int, to: Int) -> T {
        saturatingRoundingMultiplyByPOT(x, from - to)
    }

    /// FixedPoint::One(): the raw max when there are no integer bits (1 is not
    /// representable), else 1 << fractional bits.
    @inline(__always)
    public static func one<T: FixedPointRaw>(integerBits: Int, as _: T.Type = T.self) -> T {
        integerBits == 0 ? T.max : T(1) << (T.bitWidth - 1 - integerBits)
    }

    /// FixedPoint::ConstantPOT<exponent>(): exactly 2^exponent.
    @inline(__always)
    public static func constantPOT<T: FixedPointRaw>(integerBits: Int, exponent: Int, as _: T.Type = T.self) -> T {
        T(1) << (T.bitWidth - 1 - integerBits + exponent)
    }

    /// A constant given as its 32-bit raw, narrowed to the raw type with rounding
    /// (gemmlowp's RescaleConstantInitializer).
    @inline(__always)
    public static func constant<T: FixedPointRaw>(_ raw32: Int32, as _: T.Type = T.self) -> T {
        T(truncatingIfNeeded: roundingDivideByPOT(raw32, 32 - T.bitWidth))
    }

    // MARK: Transcendental functions

    /// exp(a) for a in [-1/4, 0), a with 0 integer bits; result with 0 integer bits.
    /// A Taylor expansion around -1/8.
    @inline(__always)
    public static func expOnIntervalBetweenNegativeOneQuarterAnd0Excl<T: FixedPointRaw>(_ a: T) -> T {
        let constantTerm: T = constant(1_895_147_668)  // exp(-1/8)
        let oneThird: T = constant(715_827_883)
        let x = a &+ constantPOT(integerBits: 0, exponent: -3, as: T.self)
        let x2 = mul(x, x)
        let x3 = mul(x2, x)
        let x4 = mul(x2, x2)
        let x4Over4 = saturatingRoundingMultiplyByPOT(x4, -2)
        let polynomial = saturatingRoundingMultiplyByPOT(mul(x4Over4 &+ x3, oneThird) &+ x2, -1)
        return T.addSaturatingIf16Bit(constantTerm, mul(constantTerm, x &+ polynomial))
    }

    /// exp(a) for a <= 0 with `integerBits` integer bits; result with 0 integer bits.
    public static func expOnNegativeValues<T: FixedPointRaw>(_ a: T, integerBits: Int) -> T {
        let fractionalBits = T.bitWidth - 1 - integerBits
        let oneQuarter: T = constantPOT(integerBits: integerBits, exponent: -2)
        let mask = oneQuarter &- 1
        let aModQuarterMinusOneQuarter = (a & mask) &- oneQuarter
        var result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(
            rescale(aModQuarterMinusOneQuarter, from: integerBits, to: 0))
        let remainder = aModQuarterMinusOneQuarter &- a

        // Barrel shifter: multiply by exp(-2^k) for each set bit of the remainder.
        // Constants are Q0 raws of exp(-1/4), exp(-1/2), exp(-1), ..., exp(-16).
        // (Unrolled: an array literal here could allocate in a kernel's hot loop.)
        result = barrelStep(result, remainder, fractionalBits, integerBits, -2, 1_672_461_947)
        result = barrelStep(result, remainder, fractionalBits, integerBits, -1, 1_302_514_674)
        result = barrelStep(result, remainder, fractionalBits, integerBits, 0, 790_015_084)
        result = barrelStep(result, remainder, fractionalBits, integerBits, 1, 290_630_308)
        result = barrelStep(result, remainder, fractionalBits, integerBits, 2, 39_332_535)
        result = barrelStep(result, remainder, fractionalBits, integerBits, 3, 720_401)
        result = barrelStep(result, remainder, fractionalBits, integerBits, 4, 242)

        if integerBits > 5 {
            // Below -32 the result is zero.
            let clamp: T = constant(0 &- (Int32(1) << (36 - integerBits)))
            if a < clamp { result = 0 }
        }
        if a == 0 { result = one(integerBits: 0) }
        return result
    }

    @inline(__always)
    static func barrelStep<T: FixedPointRaw>(_ result: T, _ remainder: T, _ fractionalBits: Int, _ integerBits: Int,
                                             _ exponent: Int, _ multiplier: Int32) -> T {
        guard integerBits > exponent else { return result }
        let bit = T(truncatingIfNeeded: Int64(1) << (fractionalBits + exponent))
        return remainder & bit != 0 ? mul(result, constant(multiplier, as: T.self)) : result
    }

    /// Newton-Raphson iteration shared by the two divisions below: returns x ≈
    /// 1 / halfDenominator with 2 integer bits.
    @inline(__always)
    static func newtonRaphsonReciprocal<T: FixedPointRaw>(_ halfDenominator: T) -> T {
        let c48Over17: T = constant(1_515_870_810)
        let cNeg32Over17: T = constant(-1_010_580_540)
        let oneQ2: T = one(integerBits: 2)
        var x = c48Over17 &+ mul(halfDenominator, cNeg32Over17)
        for _ in 0..<3 {
            let halfDenominatorTimesX = mul(halfDenominator, x)
            let oneMinusHalfDenominatorTimesX = oneQ2 &- halfDenominatorTimesX
            x = x &+ rescale(mul(x, oneMinusHalfDenominatorTimesX), from: 4, to: 2)
        }
        return x
    }

    /// (1 - a) / (1 + a) for a in (0, 1), 0 integer bits in and out.
    public static func oneMinusXOverOnePlusXForXIn01<T: FixedPointRaw>(_ a: T) -> T {
        let halfDenominator = T.roundingHalfSum(a, one(integerBits: 0))
        let x = newtonRaphsonReciprocal(halfDenominator)
        return rescale(x &- one(integerBits: 2, as: T.self), from: 2, to: 0)
    }

    /// 1 / (1 + a) for a in (0, 1), 0 integer bits in and out.
    public static func oneOverOnePlusXForXIn01<T: FixedPointRaw>(_ a: T) -> T {
        let halfDenominator = T.roundingHalfSum(a, one(integerBits: 0))
        let x = newtonRaphsonReciprocal(halfDenominator)
        // ExactMulByPot<-1> turns the Q2 value into a Q1 one with the same raw.
        return rescale(x, from: 1, to: 0)
    }

    /// -tanh(a) for a <= 0.
    public static func negTanhOnNegativeValues<T: FixedPointRaw>(_ a: T, integerBits: Int) -> T {
        // ExactMulByPot<1>: 2a has the same raw and one more integer bit.
        oneMinusXOverOnePlusXForXIn01(expOnNegativeValues(a, integerBits: integerBits + 1))
    }

    /// tanh(a), a with `integerBits` integer bits; result with 0 integer bits.
    public static func tanh<T: FixedPointRaw>(_ a: T, integerBits: Int) -> T {
        let negative = a < 0
        let n = negative ? a : 0 &- a
        let t = negTanhOnNegativeValues(n, integerBits: integerBits)
        if a == 0 { return 0 }
        return negative ? 0 &- t : t
    }

    /// 1 / (1 + exp(-a)) for a > 0.
    public static func logisticOnPositiveValues<T: FixedPointRaw>(_ a: T, integerBits: Int) -> T {
        oneOverOnePlusXForXIn01(expOnNegativeValues(0 &- a, integerBits: integerBits))
    }

    /// logistic(a), a with `integerBits` integer bits; result with 0 integer bits.
    public static func logistic<T: FixedPointRaw>(_ a: T, integerBits: Int) -> T {
        if a == 0 { return constant(1 << 30) }  // 0.5
        let positive = a > 0
        let absolute = positive ? a : 0 &- a
        let resultIfPositive = logisticOnPositiveValues(absolute, integerBits: integerBits)
        return positive ? resultIfPositive : one(integerBits: 0) &- resultIfPositive
    }

    // MARK: TFLite helpers built on gemmlowp

    /// CountLeadingZeros of an unsigned 32-bit value (32 for zero).
    @inline(__always)
    public static func countLeadingZeros(_ x: UInt32) -> Int { x.leadingZeroBitCount }

    /// TFLite's GetReciprocal: 1/x for x > 0 with `integerDigits` integer bits, as a Q0
    /// raw scaled by 2^-numBitsOverUnit.
    public static func reciprocal(_ x: Int32, integerDigits: Int) -> (scale: Int32, numBitsOverUnit: Int) {
        let headroomPlusOne = countLeadingZeros(UInt32(bitPattern: x))
        let numBitsOverUnit = integerDigits - headroomPlusOne
        // x is normalised so its top set bit becomes bit 31, then 1.0 is subtracted.
        let shifted = UInt32(bitPattern: x) << UInt32(min(headroomPlusOne, 31))
        let shiftedSumMinusOne = Int32(bitPattern: shifted &- (UInt32(1) << 31))
        return (oneOverOnePlusXForXIn01(shiftedSumMinusOne), numBitsOverUnit)
    }
}
