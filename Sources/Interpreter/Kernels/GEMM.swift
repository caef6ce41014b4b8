// The matrix products under CONV_2D (one row per output pixel: its gathered receptive
// field) and FULLY_CONNECTED (one row per batch), host-side: register-blocked so each
// loaded row and weight vector serves several outputs.

/// int32 sums of int16 products, wrapping as C's int32 accumulator: for int8 and int16
/// operands the order of the additions changes nothing modulo 2^32.
///
/// The core step multiplies eight int16 pairs and adds adjacent products,
/// (x0 w0 + x1 w1, x2 w2 + x3 w3, ...): written as the even plus the odd lanes of the
/// int32 products, which LLVM matches to one pmaddwd (x86 SSE2; widening multiply-adds on
/// Arm), and summed whole at the end. Measured on the build host, single thread, 256 x 144
/// x 32: 28 GMAC/s for 2 rows x 4 columns, 16 for 1 x 4; the same products written as
/// lane-wise int32 multiply-adds reduced at the end ran at 5-7 (pmullw/pmulhw) once the
/// optimizer merged the final reductions, and SIMD16 values spill (1-2).
enum Int16GEMM {
    /// (x0 w0 + x1 w1, x2 w2 + x3 w3, ...): one pmaddwd, 128-bit for eight lanes and
    /// 256-bit (vpmaddwd, AVX2) for sixteen. The two widths are one pattern LLVM matches
    /// only when written at that width.
    @inline(__always)
    static func multiplyAddPairs(_ x: SIMD8<Int16>, _ w: SIMD8<Int16>) -> SIMD4<Int32> {
        let p = SIMDLanes.widen(x) &* SIMDLanes.widen(w)
        return p.evenHalf &+ p.oddHalf
    }

    @inline(__always)
    static func multiplyAddPairs(_ x: SIMD16<Int16>, _ w: SIMD16<Int16>) -> SIMD8<Int32> {
        let p = SIMDLanes.widen(x) &* SIMDLanes.widen(w)
        return p.evenHalf &+ p.oddHalf
    }

    /// sums[r * sumStride + n] = sum over k < depth of rows[r * depth + k] * weights[n * depth + k],
    /// for r < rowCount, n < columns. `depth` must be a multiple of 8 (pad rows and weights
    /// with zeros).
    static func multiply(rows: UnsafePointer<Int16>, rowCount: Int, weights: UnsafePointer<Int16>, columns: Int,
                         depth: Int, into sums: UnsafeMutablePointer<Int32>, sumStride: Int) {
        var n = 0
        while n &+ 4 <= columns {
            let w0 = weights + n &* depth, w1 = w0 + depth, w2 = w1 + depth, w3 = w2 + depth
            var r = 0
            while r &+ 2 <= rowCount {
                let x0 = rows + r &* depth, x1 = x0 + depth
                var a0 = SIMD4<Int32>(repeating: 0), a1 = a0, a2 = a0, a3 = a0
                var b0 = a0, b1 = a0, b2 = a0, b3 = a0
                var k = 0
                while k < depth {
                    let x = SIMDLanes.load8(x0 + k), y = SIMDLanes.load8(x1 + k)
                    let v0 = SIMDLanes.load8(w0 + k), v1 = SIMDLanes.load8(w1 + k), v2 = SIMDLanes.load8(w2 + k), v3 = SIMDLanes.load8(w3 + k)
                    a0 &+= multiplyAddPairs(x, v0); a1 &+= multiplyAddPairs(x, v1)
                    a2 &+= multiplyAddPairs(x, v2); a3 &+= multiplyAddPairs(x, v3)
                    b0 &+= multiplyAddPairs(y, v0); b1 &+= multiplyAddPairs(y, v1)
                    b2 &+= multiplyAddPairs(y, v2); b3 &+= multiplyAddPairs(y, v3)
                    k &+= 8
                }
                let s0 = sums + (r &* sumStride &+ n), s1 = s0 + sumStride
                s0[0] = a0.wrappedSum(); s0[1] = a1.wrappedSum(); s0[2] = a2.wrappedSum(); s0[3] = a3.wrappedSum()
                s1[0] = b0.wrappedSum(); s1[1] = b1.wrappedSum(); s1[2] = b2.wrappedSum(); s1[3] = b3.wrappedSum()
                r &+= 2
            }
            if r < rowCount {
                let x0 = rows + r &* depth
                var a0 = SIMD4<Int32>(repeating: 0), a1 = a0, a2 = a0, a3 = a0
                var k = 0
                while k < depth {
                    let x = SIMDLanes.load8(x0 + k)
                    a0 &+= multiplyAddPairs(x, SIMDLanes.load8(w0 + k)); a1 &+= multiplyAddPairs(x, SIMDLanes.load8(w1 + k))
                    a2 &+= multiplyAddPairs(x, SIMDLanes.load8(w2 + k)); a3 &+= multiplyAddPairs(x, SIMDLanes.load8(w3 + k))
                    k &+= 8
                }
                let s0 = sums + (r &* sumStride &+ n)
                s0[0] = a0.wrappedSum(); s0[1] = a1.wrappedSum(); s0[2] = a2.wrappedSum(); s0[3] = a3.wrappedSum()
            }
            n &+= 4
        }
        while n < columns {
            let w0 = weights + n &* depth
            for r in 0..<rowCount {
                let x0 = rows + r &* depth
                var a0 = SIMD4<Int32>(repeating: 0)
                var k = 0
                while k < depth {
                    a0 &+= multiplyAddPairs(SIMDLanes.load8(x0 + k), SIMDLanes.load8(w0 + k))
                    k &+= 8
                }
                sums[r &* sumStride &+ n] = a0.wrappedSum()
            }
            n &+= 1
        }
    }

    // MARK: Column panels

    /// Output columns per panel.
    static let panelWidth = 8

    /// Panels for `columns` output columns: the last one may be partial.
    static func panelCount(columns: Int) -> Int {
        (columns + panelWidth - 1) / panelWidth
    }

    /// Int16 elements `packPanels` writes for `columns` x `depth` weights (`depth` even).
    static func panelElements(columns: Int, depth: Int) -> Int {
        panelCount(columns: columns) * panelWidth * depth
    }

    /// Weights [columns][depth] as panels of eight columns with the depth in pairs:
    /// panels[(p * depth / 2 + kk) * 16 + 2 j + e] = weights[8 p + j][2 kk + e], 0 past the
    /// last column. One 16-lane load is then the pair (k, k + 1) of eight columns.
    static func packPanels(weights: UnsafePointer<Int16>, columns: Int, depth: Int, into panels: UnsafeMutablePointer<Int16>) {
        for p in 0..<panelCount(columns: columns) {
            for kk in 0..<(depth / 2) {
                for j in 0..<panelWidth {
                    let n = p * panelWidth + j
                    for e in 0..<2 {
                        panels[((p * depth / 2 + kk) * panelWidth + j) * 2 + e] = n < columns ? weights[n * depth + 2 * kk + e] : 0
                    }
                }
            }
        }
    }

    /// The pair (x[0], x[1]) in every 32-bit lane.
    @inline(__always)
    private static func broadcastPair(_ x: UnsafePointer<Int16>) -> SIMD16<Int16> {
        unsafeBitCast(SIMD8<Int32>(repeating: UnsafeRawPointer(x).loadUnaligned(as: Int32.self)), to: SIMD16<Int16>.self)
    }

    /// sums[r * sumStride + n] = sum over k < depth of rows[r * depth + k] * w[n][k] from
    /// packPanels' layout, for r < rowCount and n < columns rounded up to a multiple of 8
    /// (the columns past `columns` get 0): `sumStride` must allow that, and `depth` be
    /// even. The vectors run across eight output columns, so no sum is reduced across
    /// lanes; for the narrow depths of pointwise layers (8-64) that reduction dominated
    /// the row-dot form above.
    static func multiplyPanels(rows: UnsafePointer<Int16>, rowCount: Int, panels: UnsafePointer<Int16>, columns: Int,
                               depth: Int, into sums: UnsafeMutablePointer<Int32>, sumStride: Int) {
        let panelCount = panelCount(columns: columns)
        let panelStride = panelWidth * depth
        @inline(__always) func store(_ v: SIMD8<Int32>, _ r: Int, _ p: Int) {
            UnsafeMutableRawPointer(sums + (r &* sumStride &+ p &* panelWidth)).storeBytes(of: v, as: SIMD8<Int32>.self)
        }
        var r = 0
        while r &+ 4 <= rowCount {
            let x0 = rows + r &* depth, x1 = x0 + depth, x2 = x1 + depth, x3 = x2 + depth
            var p = 0
            // Two panels at a time: eight accumulators, two weight loads and four broadcasts per step.
            while p &+ 2 <= panelCount {
                let w0 = panels + p &* panelStride, w1 = w0 + panelStride
                var a0 = SIMD8<Int32>(repeating: 0), a1 = a0, a2 = a0, a3 = a0
                var b0 = a0, b1 = a0, b2 = a0, b3 = a0
                var k = 0
                while k < depth {
                    let v0 = SIMDLanes.load16(w0 + k &* panelWidth), v1 = SIMDLanes.load16(w1 + k &* panelWidth)
                    let y0 = broadcastPair(x0 + k), y1 = broadcastPair(x1 + k)
                    let y2 = broadcastPair(x2 + k), y3 = broadcastPair(x3 + k)
                    a0 &+= multiplyAddPairs(y0, v0); b0 &+= multiplyAddPairs(y0, v1)
                    a1 &+= multiplyAddPairs(y1, v0); b1 &+= multiplyAddPairs(y1, v1)
                    a2 &+= multiplyAddPairs(y2, v0); b2 &+= multiplyAddPairs(y2, v1)
                    a3 &+= multiplyAddPairs(y3, v0); b3 &+= multiplyAddPairs(y3, v1)
                    k &+= 2
                }
                store(a0, r, p); store(a1, r &+ 1, p); store(a2, r &+ 2, p); store(a3, r &+ 3, p)
                store(b0, r, p &+ 1); store(b1, r &+ 1, p &+ 1); store(b2, r &+ 2, p &+ 1); store(b3, r &+ 3, p &+ 1)
                p &+= 2
            }
            if p < panelCount {
                let w0 = panels + p &* panelStride
                var a0 = SIMD8<Int32>(repeating: 0), a1 = a0, a2 = a0, a3 = a0
                var k = 0
                while k < depth {
                    let v0 = SIMDLanes.load16(w0 + k &* panelWidth)
                    a0 &+= multiplyAddPairs(broadcastPair(x0 + k), v0)
                    a1 &+= multiplyAddPairs(broadcastPair(x1 + k), v0)
                    a2 &+= multiplyAddPairs(broadcastPair(x2 + k), v0)
                    a3 &+= multiplyAddPairs(broadcastPair(x3 + k), v0)
                    k &+= 2
                }
                store(a0, r, p); store(a1, r &+ 1, p); store(a2, r &+ 2, p); store(a3, r &+ 3, p)
            }
            r &+= 4
        }
        while r < rowCount {
            let x0 = rows + r &* depth
            for p in 0..<panelCount {
                let w0 = panels + p &* panelStride
                var a0 = SIMD8<Int32>(repeating: 0)
                var k = 0
                while k < depth {
                    a0 &+= multiplyAddPairs(broadcastPair(x0 + k), SIMDLanes.load16(w0 + k &* panelWidth))
                    k &+= 2
                }
                store(a0, r, p)
            }
            r &+= 1
        }
    }

    /// The exact int64 sum of `n` products of int16 values with |b| <= 128 (int8 weights):
    /// each product is below 2^22 in magnitude, so blocks of 256 cannot overflow their
    /// int32 partial sums. Any `n` (the reference int16 paths).
    static func wideDot(_ a: UnsafePointer<Int16>, _ b: UnsafePointer<Int16>, _ n: Int) -> Int64 {
        var total: Int64 = 0
        var k = 0
        while k < n {
            let m = min(256, n - k)
            total &+= Int64(dot(a + k, b + k, m))
            k += m
        }
        return total
    }

    /// The wrapping int32 sum of `n` products, any `n`.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Int16>, _ b: UnsafePointer<Int16>, _ n: Int) -> Int32 {
        var acc = SIMD4<Int32>(repeating: 0)
        var i = 0
        while i &+ 8 <= n {
            acc &+= multiplyAddPairs(SIMDLanes.load8(a + i), SIMDLanes.load8(b + i))
            i &+= 8
        }
        var s = acc.wrappedSum()
        while i < n {
            s &+= Int32(a[i]) &* Int32(b[i])
            i &+= 1
        }
        return s
    }
}

/// float32 sums that keep each output's additions in TFLM's order: output (r, n) is
/// ((0 + rows[r][0] * w[0][n]) + rows[r][1] * w[1][n]) + ..., one separately rounded
/// multiply and add per step (Swift contracts nothing into fused multiply-adds). The
/// vectors run across output channels and the blocking across rows, so no output's
/// order changes.
enum FloatGEMM {
    /// Output channels per weight panel.
    static let panelWidth = 8

    /// Weights [depth][columns] (any layout via `weight(k, n)`) as panels of 8 columns,
    /// [columns / 8 rounded up][depth][8], zero beyond the last column.
    static func pack(depth: Int, columns: Int, into panels: UnsafeMutablePointer<Float>, weight: (Int, Int) -> Float) {
        let panelCount = (columns + panelWidth - 1) / panelWidth
        for p in 0..<panelCount {
            for k in 0..<depth {
                for j in 0..<panelWidth {
                    let n = p * panelWidth + j
                    panels[(p * depth + k) * panelWidth + j] = n < columns ? weight(k, n) : 0
                }
            }
        }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// out[r * outStride + n] = clamp(sum_k rows[r * depth + k] * w[k][n] + bias[n], lo, hi),
    /// TFLM's ActivationFunctionWithMinMax(total + bias).
    static func multiply(rows: UnsafePointer<Float>, rowCount: Int, panels: UnsafePointer<Float>, columns: Int, depth: Int,
                         bias: UnsafePointer<Float>, lo: Float, hi: Float, into out: UnsafeMutablePointer<Float>, outStride: Int) {
        var p = 0
        while p < columns {
            let panel = panels + p &* depth
            let width = min(panelWidth, columns &- p)
            var r = 0
            while r &+ 4 <= rowCount {
                let x0 = rows + r &* depth, x1 = x0 + depth, x2 = x1 + depth, x3 = x2 + depth
                var a0 = SIMD8<Float>(repeating: 0), a1 = a0, a2 = a0, a3 = a0
                var k = 0
                while k < depth {
                    let w = load(panel + k &* panelWidth)
                    a0 = a0 + SIMD8(repeating: x0[k]) * w
                    a1 = a1 + SIMD8(repeating: x1[k]) * w
                    a2 = a2 + SIMD8(repeating: x2[k]) * w
                    a3 = a3 + SIMD8(repeating: x3[k]) * w
                    k &+= 1
                }
                finish(a0, bias + p, lo, hi, out + (r &* outStride &+ p), width)
                finish(a1, bias + p, lo, hi, out + ((r &+ 1) &* outStride &+ p), width)
                finish(a2, bias + p, lo, hi, out + ((r &+ 2) &* outStride &+ p), width)
                finish(a3, bias + p, lo, hi, out + ((r &+ 3) &* outStride &+ p), width)
                r &+= 4
            }
            while r < rowCount {
                let x0 = rows + r &* depth
                var a0 = SIMD8<Float>(repeating: 0)
                var k = 0
                while k < depth {
                    a0 = a0 + SIMD8(repeating: x0[k]) * load(panel + k &* panelWidth)
                    k &+= 1
                }
                finish(a0, bias + p, lo, hi, out + (r &* outStride &+ p), width)
                r &+= 1
            }
            p &+= panelWidth
        }
    }

    @inline(__always)
    private static func finish(_ total: SIMD8<Float>, _ bias: UnsafePointer<Float>, _ lo: Float, _ hi: Float,
                               _ out: UnsafeMutablePointer<Float>, _ width: Int) {
        if width == panelWidth {
            let v = clamp(total + load(bias), lo, hi)
            UnsafeMutableRawPointer(out).storeBytes(of: v, as: SIMD8<Float>.self)
        } else {
            for j in 0..<width { out[j] = clamp(total[j] + bias[j], lo, hi) }
        }
    }

    /// std::min(std::max(x, lo), hi) per lane, a NaN passing through as in C++.
    @inline(__always)
    static func clamp(_ x: SIMD8<Float>, _ lo: Float, _ hi: Float) -> SIMD8<Float> {
        let low = SIMD8<Float>(repeating: lo), high = SIMD8<Float>(repeating: hi)
        let a = x.replacing(with: low, where: x .< low)
        return a.replacing(with: high, where: high .< a)
    }

    @inline(__always)
    static func clamp(_ x: Float, _ lo: Float, _ hi: Float) -> Float {
        let a = x < lo ? lo : x
        return hi < a ? hi : a
    }
}
