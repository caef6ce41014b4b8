// The real FFT TFLM's SignalRfft and SignalIrfft run: KISS FFT v130 (Mark Borgerding)
// as TFLM patches and builds it (third_party/kissfft), in its three flavours: int16
// fixed point (Q15, FIXED_POINT=16), int32 fixed point (Q31) and float.
//
// kiss_fftr turns a real FFT of length N into a complex FFT of N/2 points (mixed
// radix: factors of 4, then 2, 3, 5, taken recursively, decimation in time) followed
// by a split step with N/4 "super twiddles". The fixed-point flavours divide by the
// radix at every butterfly (C_FIXDIV, a Q15/Q31 multiply by SAMP_MAX/radix) so
// nothing overflows, round every product (sround: add half an LSB, shift), and keep C's
// integer semantics: sums are computed in int and truncated when stored, and HALF_OF
// shifts a sum before it is truncated. Those details decide the last bit, so each step
// below follows the C expression it stands for, in the same order (float sums too: no
// reassociation, no fused multiply-add).
//
// TFLM's patch replaces kissfft's malloc with a null pointer, so a radix other than
// 2, 3, 4 or 5 (whose butterfly needs a temporary buffer) writes through null: the
// plan refuses such lengths.

import Foundation

/// C's arithmetic on one kissfft scalar type.
protocol KissArithmetic {
    associatedtype Scalar
    static var zero: Scalar { get }
    /// kf_cexp's cosine or sine of a twiddle phase.
    static func twiddle(_ value: Double) -> Scalar
    /// `a + b` and `a - b` as stored into a scalar.
    static func add(_ a: Scalar, _ b: Scalar) -> Scalar
    static func sub(_ a: Scalar, _ b: Scalar) -> Scalar
    static func negate(_ a: Scalar) -> Scalar
    /// `x * -1`, as kiss_fftri conjugates.
    static func timesMinusOne(_ a: Scalar) -> Scalar
    /// S_MUL and C_MULBYSCALAR's product.
    static func mul(_ a: Scalar, _ b: Scalar) -> Scalar
    /// C_MUL's real part, a.r * b.r - a.i * b.i, and imaginary part, a.r * b.i + a.i * b.r.
    static func mulReal(_ ar: Scalar, _ ai: Scalar, _ br: Scalar, _ bi: Scalar) -> Scalar
    static func mulImaginary(_ ar: Scalar, _ ai: Scalar, _ br: Scalar, _ bi: Scalar) -> Scalar
    /// DIVSCALAR: division by the radix in fixed point; nothing in float.
    static func divide(_ x: Scalar, by radix: Int) -> Scalar
    /// HALF_OF(x) of a stored scalar.
    static func half(_ x: Scalar) -> Scalar
    /// HALF_OF(a + b) and HALF_OF(a - b): the sum is not stored before halving.
    static func halfSum(_ a: Scalar, _ b: Scalar) -> Scalar
    static func halfDifference(_ a: Scalar, _ b: Scalar) -> Scalar
}

/// FIXED_POINT=16: int16 samples, int32 products, Q15 twiddles.
enum KissInt16: KissArithmetic {
    static let zero: Int16 = 0
    static func twiddle(_ value: Double) -> Int16 { Int16(floor(0.5 + 32767 * value)) }
    @inline(__always) static func add(_ a: Int16, _ b: Int16) -> Int16 { a &+ b }
    @inline(__always) static func sub(_ a: Int16, _ b: Int16) -> Int16 { a &- b }
    @inline(__always) static func negate(_ a: Int16) -> Int16 { 0 &- a }
    @inline(__always) static func timesMinusOne(_ a: Int16) -> Int16 { 0 &- a }
    @inline(__always) static func round(_ product: Int32) -> Int16 { Int16(truncatingIfNeeded: (product &+ (1 << 14)) >> 15) }
    @inline(__always) static func mul(_ a: Int16, _ b: Int16) -> Int16 { round(Int32(a) &* Int32(b)) }
    @inline(__always) static func mulReal(_ ar: Int16, _ ai: Int16, _ br: Int16, _ bi: Int16) -> Int16 {
        round(Int32(ar) &* Int32(br) &- Int32(ai) &* Int32(bi))
    }
    @inline(__always) static func mulImaginary(_ ar: Int16, _ ai: Int16, _ br: Int16, _ bi: Int16) -> Int16 {
        round(Int32(ar) &* Int32(bi) &+ Int32(ai) &* Int32(br))
    }
    @inline(__always) static func divide(_ x: Int16, by radix: Int) -> Int16 { round(Int32(x) &* Int32(32767 / radix)) }
    @inline(__always) static func half(_ x: Int16) -> Int16 { x >> 1 }
    @inline(__always) static func halfSum(_ a: Int16, _ b: Int16) -> Int16 { Int16(truncatingIfNeeded: (Int32(a) + Int32(b)) >> 1) }
    @inline(__always) static func halfDifference(_ a: Int16, _ b: Int16) -> Int16 { Int16(truncatingIfNeeded: (Int32(a) - Int32(b)) >> 1) }
}

/// FIXED_POINT=32: int32 samples, int64 products, Q31 twiddles. Sums wrap in 32 bits,
/// as the C code's int additions do on every target TFLM runs on.
enum KissInt32: KissArithmetic {
    static let zero: Int32 = 0
    static func twiddle(_ value: Double) -> Int32 { Int32(floor(0.5 + 2147483647 * value)) }
    @inline(__always) static func add(_ a: Int32, _ b: Int32) -> Int32 { a &+ b }
    @inline(__always) static func sub(_ a: Int32, _ b: Int32) -> Int32 { a &- b }
    @inline(__always) static func negate(_ a: Int32) -> Int32 { 0 &- a }
    @inline(__always) static func timesMinusOne(_ a: Int32) -> Int32 { 0 &- a }
    @inline(__always) static func round(_ product: Int64) -> Int32 { Int32(truncatingIfNeeded: (product &+ (1 << 30)) >> 31) }
    @inline(__always) static func mul(_ a: Int32, _ b: Int32) -> Int32 { round(Int64(a) &* Int64(b)) }
    @inline(__always) static func mulReal(_ ar: Int32, _ ai: Int32, _ br: Int32, _ bi: Int32) -> Int32 {
        round(Int64(ar) &* Int64(br) &- Int64(ai) &* Int64(bi))
    }
    @inline(__always) static func mulImaginary(_ ar: Int32, _ ai: Int32, _ br: Int32, _ bi: Int32) -> Int32 {
        round(Int64(ar) &* Int64(bi) &+ Int64(ai) &* Int64(br))
    }
    @inline(__always) static func divide(_ x: Int32, by radix: Int) -> Int32 { round(Int64(x) &* Int64(2_147_483_647 / radix)) }
    @inline(__always) static func half(_ x: Int32) -> Int32 { x >> 1 }
    @inline(__always) static func halfSum(_ a: Int32, _ b: Int32) -> Int32 { (a &+ b) >> 1 }
    @inline(__always) static func halfDifference(_ a: Int32, _ b: Int32) -> Int32 { (a &- b) >> 1 }
}

/// Float: twiddles are the double cos/sin rounded to float; HALF_OF multiplies by 0.5f (TFLM's patch).
enum KissFloat: KissArithmetic {
    static let zero: Float = 0
    static func twiddle(_ value: Double) -> Float { Float(value) }
    @inline(__always) static func add(_ a: Float, _ b: Float) -> Float { a + b }
    @inline(__always) static func sub(_ a: Float, _ b: Float) -> Float { a - b }
    @inline(__always) static func negate(_ a: Float) -> Float { -a }
    @inline(__always) static func timesMinusOne(_ a: Float) -> Float { a * -1 }
    @inline(__always) static func mul(_ a: Float, _ b: Float) -> Float { a * b }
    @inline(__always) static func mulReal(_ ar: Float, _ ai: Float, _ br: Float, _ bi: Float) -> Float { ar * br - ai * bi }
    @inline(__always) static func mulImaginary(_ ar: Float, _ ai: Float, _ br: Float, _ bi: Float) -> Float { ar * bi + ai * br }
    @inline(__always) static func divide(_ x: Float, by radix: Int) -> Float { x }
    @inline(__always) static func half(_ x: Float) -> Float { x * 0.5 }
    @inline(__always) static func halfSum(_ a: Float, _ b: Float) -> Float { (a + b) * 0.5 }
    @inline(__always) static func halfDifference(_ a: Float, _ b: Float) -> Float { (a - b) * 0.5 }
}

/// kissfft's factorization (kf_factor): powers of 4, then 2, then odd numbers; once
/// the candidate passes floor(sqrt(n)) the rest is one factor.
enum KissFactors {
    static func factor(_ n: Int) -> [(radix: Int, m: Int)] {
        guard n >= 1 else { return [] }
        var n = n
        var p = 4
        let floorSqrt = floor(sqrt(Double(n)))
        var result: [(Int, Int)] = []
        repeat {
            while n % p != 0 {
                switch p {
                case 4: p = 2
                case 2: p = 3
                default: p += 2
                }
                if Double(p) > floorSqrt { p = n }
            }
            n /= p
            result.append((p, n))
        } while n > 1
        return result
    }

    /// Why TFLM cannot run a real FFT of `length`, or nil when it can.
    static func refusal(realLength length: Int) -> String? {
        guard length > 0 else { return "fft_length \(length) is not positive" }
        guard length % 2 == 0 else {
            return "fft_length \(length) is odd: kiss_fftr_alloc refuses it and TFLM's kernel then uses a null state"
        }
        let radixes = factor(length / 2).map(\.radix)
        if let bad = radixes.first(where: { ![2, 3, 4, 5].contains($0) }) {
            return "fft_length \(length) needs a radix-\(bad) stage: TFLM's patched kissfft gives its generic butterfly a null scratch buffer and crashes"
        }
        return nil
    }
}

/// A real FFT (forward or inverse) of one length: twiddles, factors and the work
/// buffer kiss_fftr keeps in its state, on memory allocated once.
final class KissRealFFT<A: KissArithmetic> {
    /// The real length N; the complex FFT has N/2 points.
    let length: Int
    let inverse: Bool
    private let complexCount: Int
    private let factorStorage: OwnedBuffer<Int>
    private let factorCount: Int
    /// Interleaved (re, im) scalars: N/2 twiddles, N/4 super twiddles, N/2 work points.
    private let twiddleStorage: OwnedBuffer<A.Scalar>
    private let superTwiddleStorage: OwnedBuffer<A.Scalar>
    private let workStorage: OwnedBuffer<A.Scalar>
    // The storage's base pointers, read by the butterflies.
    private let factors: UnsafeMutablePointer<Int>
    private let twiddles: UnsafeMutablePointer<A.Scalar>
    private let superTwiddles: UnsafeMutablePointer<A.Scalar>
    private let work: UnsafeMutablePointer<A.Scalar>

    /// `length` must have passed KissFactors.refusal.
    init(length: Int, inverse: Bool) {
        self.length = length
        self.inverse = inverse
        let n = length / 2
        complexCount = n
        let list = KissFactors.factor(n)
        factorCount = list.count
        factorStorage = OwnedBuffer(list.flatMap { [$0.radix, $0.m] })
        twiddleStorage = OwnedBuffer(count: max(2 * n, 2), repeating: A.zero)
        superTwiddleStorage = OwnedBuffer(count: max(2 * (n / 2), 2), repeating: A.zero)
        workStorage = OwnedBuffer(count: max(2 * n, 2), repeating: A.zero)
        factors = factorStorage.base
        twiddles = twiddleStorage.base
        superTwiddles = superTwiddleStorage.base
        work = workStorage.base
        // kiss_fft_alloc: phase = -2 pi i / n, negated for the inverse.
        for i in 0..<n {
            var phase = -2 * Double.pi * Double(i) / Double(n)
            if inverse { phase *= -1 }
            twiddles[2 * i] = A.twiddle(cos(phase))
            twiddles[2 * i + 1] = A.twiddle(sin(phase))
        }
        // kiss_fftr_alloc: phase = -pi ((i + 1) / n + 1/2), negated for the inverse.
        for i in 0..<(n / 2) {
            var phase = -Double.pi * (Double(i + 1) / Double(n) + 0.5)
            if inverse { phase *= -1 }
            superTwiddles[2 * i] = A.twiddle(cos(phase))
            superTwiddles[2 * i + 1] = A.twiddle(sin(phase))
        }
    }

    /// kiss_fftr_alloc's memneeded: sizeof(kiss_fftr_state) (three pointers), the
    /// complex FFT's state (nfft, inverse, 64 factors, one twiddle, padded; then N/2 - 1
    /// more twiddles) and N/2 * 3 / 2 complex values (work buffer and super twiddles).
    static func stateBytes(realLength length: Int, scalarBytes: Int, pointerSize: Int) -> Int {
        let n = length / 2
        let complex = 2 * scalarBytes
        let fftState = ArenaAlignment.up(4 + 4 + 4 * 64 + complex, to: scalarBytes)
        let subsize = fftState + complex * (n - 1)
        return 3 * pointerSize + subsize + complex * (n * 3 / 2)
    }

    // MARK: kiss_fftr / kiss_fftri

    /// kiss_fftr: `input` holds N real samples, `output` N/2 + 1 complex values.
    func forward(_ input: UnsafePointer<A.Scalar>, _ output: UnsafeMutablePointer<A.Scalar>) {
        let n = complexCount
        transform(UnsafeMutablePointer(mutating: input), work)
        // The DC and Nyquist bins from the first point (even and odd sums).
        let dcR = A.divide(work[0], by: 2)
        let dcI = A.divide(work[1], by: 2)
        output[0] = A.add(dcR, dcI)
        output[2 * n] = A.sub(dcR, dcI)
        output[2 * n + 1] = A.zero
        output[1] = A.zero
        if n / 2 >= 1 {
            for k in 1...(n / 2) {
                let fpkR = A.divide(work[2 * k], by: 2)
                let fpkI = A.divide(work[2 * k + 1], by: 2)
                let fpnkR = A.divide(work[2 * (n - k)], by: 2)
                let fpnkI = A.divide(A.negate(work[2 * (n - k) + 1]), by: 2)
                let f1kR = A.add(fpkR, fpnkR)
                let f1kI = A.add(fpkI, fpnkI)
                let f2kR = A.sub(fpkR, fpnkR)
                let f2kI = A.sub(fpkI, fpnkI)
                let twR = superTwiddles[2 * (k - 1)]
                let twI = superTwiddles[2 * (k - 1) + 1]
                let tR = A.mulReal(f2kR, f2kI, twR, twI)
                let tI = A.mulImaginary(f2kR, f2kI, twR, twI)
                output[2 * k] = A.halfSum(f1kR, tR)
                output[2 * k + 1] = A.halfSum(f1kI, tI)
                output[2 * (n - k)] = A.halfDifference(f1kR, tR)
                output[2 * (n - k) + 1] = A.halfDifference(tI, f1kI)
            }
        }
    }

    /// kiss_fftri: `input` holds N/2 + 1 complex values, `output` N real samples.
    func inverse(_ input: UnsafePointer<A.Scalar>, _ output: UnsafeMutablePointer<A.Scalar>) {
        let n = complexCount
        work[0] = A.divide(A.add(input[0], input[2 * n]), by: 2)
        work[1] = A.divide(A.sub(input[0], input[2 * n]), by: 2)
        if n / 2 >= 1 {
            for k in 1...(n / 2) {
                let fkR = A.divide(input[2 * k], by: 2)
                let fkI = A.divide(input[2 * k + 1], by: 2)
                let fnkcR = A.divide(input[2 * (n - k)], by: 2)
                let fnkcI = A.divide(A.negate(input[2 * (n - k) + 1]), by: 2)
                let fekR = A.add(fkR, fnkcR)
                let fekI = A.add(fkI, fnkcI)
                let tmpR = A.sub(fkR, fnkcR)
                let tmpI = A.sub(fkI, fnkcI)
                let twR = superTwiddles[2 * (k - 1)]
                let twI = superTwiddles[2 * (k - 1) + 1]
                let fokR = A.mulReal(tmpR, tmpI, twR, twI)
                let fokI = A.mulImaginary(tmpR, tmpI, twR, twI)
                work[2 * k] = A.add(fekR, fokR)
                work[2 * k + 1] = A.add(fekI, fokI)
                work[2 * (n - k)] = A.sub(fekR, fokR)
                work[2 * (n - k) + 1] = A.timesMinusOne(A.sub(fekI, fokI))
            }
        }
        transform(work, output)
    }

    // MARK: The complex FFT (kf_work and the butterflies)

    private func transform(_ input: UnsafeMutablePointer<A.Scalar>, _ output: UnsafeMutablePointer<A.Scalar>) {
        kfWork(output, 0, input, 0, fstride: 1, factorIndex: 0)
    }

    /// kf_work: `out` and `f` are complex indices into `output` and `input`.
    private func kfWork(_ output: UnsafeMutablePointer<A.Scalar>, _ out: Int, _ input: UnsafeMutablePointer<A.Scalar>, _ f: Int,
                        fstride: Int, factorIndex: Int) {
        let p = factors[2 * factorIndex]
        let m = factors[2 * factorIndex + 1]
        var source = f
        if m == 1 {
            for j in 0..<(p * m) {
                output[2 * (out + j)] = input[2 * source]
                output[2 * (out + j) + 1] = input[2 * source + 1]
                source += fstride
            }
        } else {
            var at = out
            for _ in 0..<p {
                kfWork(output, at, input, source, fstride: fstride * p, factorIndex: factorIndex + 1)
                source += fstride
                at += m
            }
        }
        let base = output + 2 * out
        switch p {
        case 2: butterfly2(base, fstride: fstride, m: m)
        case 3: butterfly3(base, fstride: fstride, m: m)
        case 4: butterfly4(base, fstride: fstride, m: m)
        default: butterfly5(base, fstride: fstride, m: m)
        }
    }

    @inline(__always) private func fixdiv(_ v: UnsafeMutablePointer<A.Scalar>, _ k: Int, _ radix: Int) {
        v[2 * k] = A.divide(v[2 * k], by: radix)
        v[2 * k + 1] = A.divide(v[2 * k + 1], by: radix)
    }

    private func butterfly2(_ v: UnsafeMutablePointer<A.Scalar>, fstride: Int, m: Int) {
        let tw = twiddles
        for k in 0..<m {
            fixdiv(v, k, 2)
            fixdiv(v, k + m, 2)
            let t = k * fstride
            let tR = A.mulReal(v[2 * (k + m)], v[2 * (k + m) + 1], tw[2 * t], tw[2 * t + 1])
            let tI = A.mulImaginary(v[2 * (k + m)], v[2 * (k + m) + 1], tw[2 * t], tw[2 * t + 1])
            v[2 * (k + m)] = A.sub(v[2 * k], tR)
            v[2 * (k + m) + 1] = A.sub(v[2 * k + 1], tI)
            v[2 * k] = A.add(v[2 * k], tR)
            v[2 * k + 1] = A.add(v[2 * k + 1], tI)
        }
    }

    private func butterfly3(_ v: UnsafeMutablePointer<A.Scalar>, fstride: Int, m: Int) {
        let tw = twiddles
        let epi3I = tw[2 * (fstride * m) + 1]
        for k in 0..<m {
            let a = k, b = k + m, c = k + 2 * m
            fixdiv(v, a, 3)
            fixdiv(v, b, 3)
            fixdiv(v, c, 3)
            let t1 = k * fstride, t2 = 2 * k * fstride
            let s1R = A.mulReal(v[2 * b], v[2 * b + 1], tw[2 * t1], tw[2 * t1 + 1])
            let s1I = A.mulImaginary(v[2 * b], v[2 * b + 1], tw[2 * t1], tw[2 * t1 + 1])
            let s2R = A.mulReal(v[2 * c], v[2 * c + 1], tw[2 * t2], tw[2 * t2 + 1])
            let s2I = A.mulImaginary(v[2 * c], v[2 * c + 1], tw[2 * t2], tw[2 * t2 + 1])
            let s3R = A.add(s1R, s2R)
            let s3I = A.add(s1I, s2I)
            var s0R = A.sub(s1R, s2R)
            var s0I = A.sub(s1I, s2I)
            v[2 * b] = A.sub(v[2 * a], A.half(s3R))
            v[2 * b + 1] = A.sub(v[2 * a + 1], A.half(s3I))
            s0R = A.mul(s0R, epi3I)
            s0I = A.mul(s0I, epi3I)
            v[2 * a] = A.add(v[2 * a], s3R)
            v[2 * a + 1] = A.add(v[2 * a + 1], s3I)
            v[2 * c] = A.add(v[2 * b], s0I)
            v[2 * c + 1] = A.sub(v[2 * b + 1], s0R)
            v[2 * b] = A.sub(v[2 * b], s0I)
            v[2 * b + 1] = A.add(v[2 * b + 1], s0R)
        }
    }

    private func butterfly4(_ v: UnsafeMutablePointer<A.Scalar>, fstride: Int, m: Int) {
        let tw = twiddles
        for k in 0..<m {
            let a = k, b = k + m, c = k + 2 * m, d = k + 3 * m
            fixdiv(v, a, 4)
            fixdiv(v, b, 4)
            fixdiv(v, c, 4)
            fixdiv(v, d, 4)
            let t1 = k * fstride, t2 = 2 * k * fstride, t3 = 3 * k * fstride
            let s0R = A.mulReal(v[2 * b], v[2 * b + 1], tw[2 * t1], tw[2 * t1 + 1])
            let s0I = A.mulImaginary(v[2 * b], v[2 * b + 1], tw[2 * t1], tw[2 * t1 + 1])
            let s1R = A.mulReal(v[2 * c], v[2 * c + 1], tw[2 * t2], tw[2 * t2 + 1])
            let s1I = A.mulImaginary(v[2 * c], v[2 * c + 1], tw[2 * t2], tw[2 * t2 + 1])
            let s2R = A.mulReal(v[2 * d], v[2 * d + 1], tw[2 * t3], tw[2 * t3 + 1])
            let s2I = A.mulImaginary(v[2 * d], v[2 * d + 1], tw[2 * t3], tw[2 * t3 + 1])
            let s5R = A.sub(v[2 * a], s1R)
            let s5I = A.sub(v[2 * a + 1], s1I)
            v[2 * a] = A.add(v[2 * a], s1R)
            v[2 * a + 1] = A.add(v[2 * a + 1], s1I)
            let s3R = A.add(s0R, s2R)
            let s3I = A.add(s0I, s2I)
            let s4R = A.sub(s0R, s2R)
            let s4I = A.sub(s0I, s2I)
            v[2 * c] = A.sub(v[2 * a], s3R)
            v[2 * c + 1] = A.sub(v[2 * a + 1], s3I)
            v[2 * a] = A.add(v[2 * a], s3R)
            v[2 * a + 1] = A.add(v[2 * a + 1], s3I)
            if inverse {
                v[2 * b] = A.sub(s5R, s4I)
                v[2 * b + 1] = A.add(s5I, s4R)
                v[2 * d] = A.add(s5R, s4I)
                v[2 * d + 1] = A.sub(s5I, s4R)
            } else {
                v[2 * b] = A.add(s5R, s4I)
                v[2 * b + 1] = A.sub(s5I, s4R)
                v[2 * d] = A.sub(s5R, s4I)
                v[2 * d + 1] = A.add(s5I, s4R)
            }
        }
    }

    /// C_MUL of element `i` and twiddle `t`.
    @inline(__always) private func product(_ v: UnsafeMutablePointer<A.Scalar>, _ i: Int, _ t: Int) -> (A.Scalar, A.Scalar) {
        (A.mulReal(v[2 * i], v[2 * i + 1], twiddles[2 * t], twiddles[2 * t + 1]),
         A.mulImaginary(v[2 * i], v[2 * i + 1], twiddles[2 * t], twiddles[2 * t + 1]))
    }

    private func butterfly5(_ v: UnsafeMutablePointer<A.Scalar>, fstride: Int, m: Int) {
        let tw = twiddles
        let yaR = tw[2 * (fstride * m)], yaI = tw[2 * (fstride * m) + 1]
        let ybR = tw[2 * (fstride * 2 * m)], ybI = tw[2 * (fstride * 2 * m) + 1]
        for u in 0..<m {
            let i0 = u, i1 = u + m, i2 = u + 2 * m, i3 = u + 3 * m, i4 = u + 4 * m
            fixdiv(v, i0, 5)
            fixdiv(v, i1, 5)
            fixdiv(v, i2, 5)
            fixdiv(v, i3, 5)
            fixdiv(v, i4, 5)
            let s0R = v[2 * i0], s0I = v[2 * i0 + 1]
            let (s1R, s1I) = product(v, i1, u * fstride)
            let (s2R, s2I) = product(v, i2, 2 * u * fstride)
            let (s3R, s3I) = product(v, i3, 3 * u * fstride)
            let (s4R, s4I) = product(v, i4, 4 * u * fstride)
            let s7R = A.add(s1R, s4R), s7I = A.add(s1I, s4I)
            let s10R = A.sub(s1R, s4R), s10I = A.sub(s1I, s4I)
            let s8R = A.add(s2R, s3R), s8I = A.add(s2I, s3I)
            let s9R = A.sub(s2R, s3R), s9I = A.sub(s2I, s3I)
            // Fout0 += s7 + s8: the pair is summed first.
            v[2 * i0] = A.add(v[2 * i0], A.add(s7R, s8R))
            v[2 * i0 + 1] = A.add(v[2 * i0 + 1], A.add(s7I, s8I))
            let s5R = A.add(A.add(s0R, A.mul(s7R, yaR)), A.mul(s8R, ybR))
            let s5I = A.add(A.add(s0I, A.mul(s7I, yaR)), A.mul(s8I, ybR))
            let s6R = A.add(A.mul(s10I, yaI), A.mul(s9I, ybI))
            let s6I = A.sub(A.negate(A.mul(s10R, yaI)), A.mul(s9R, ybI))
            v[2 * i1] = A.sub(s5R, s6R)
            v[2 * i1 + 1] = A.sub(s5I, s6I)
            v[2 * i4] = A.add(s5R, s6R)
            v[2 * i4 + 1] = A.add(s5I, s6I)
            let s11R = A.add(A.add(s0R, A.mul(s7R, ybR)), A.mul(s8R, yaR))
            let s11I = A.add(A.add(s0I, A.mul(s7I, ybR)), A.mul(s8I, yaR))
            let s12R = A.add(A.negate(A.mul(s10I, ybI)), A.mul(s9I, yaI))
            let s12I = A.sub(A.mul(s10R, ybI), A.mul(s9R, yaI))
            v[2 * i2] = A.add(s11R, s12R)
            v[2 * i2 + 1] = A.add(s11I, s12I)
            v[2 * i3] = A.sub(s11R, s12R)
            v[2 * i3 + 1] = A.sub(s11I, s12I)
        }
    }
}
