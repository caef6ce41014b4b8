// Lane conversions for the hot loops, written lane by lane: they inline into every caller
// and LLVM folds them into one instruction (vpmovsxwd, vpmovsxdq, a shuffle or a pack).
// The standard library's generic SIMD init(truncatingIfNeeded:) is a loop the optimizer
// may outline as a call: measured, a call per Int16GEMM step once the requantization
// was vectorised (19% of KWS's instructions), while the same loop was inlined before.
enum SIMDLanes {
    /// Eight int16 from any alignment (weights and gathered rows carry none).
    @inline(__always)
    static func load8(_ p: UnsafePointer<Int16>) -> SIMD8<Int16> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Int16>.self)
    }

    /// Sixteen int16 from any alignment.
    @inline(__always)
    static func load16(_ p: UnsafePointer<Int16>) -> SIMD16<Int16> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Int16>.self)
    }

    @inline(__always)
    static func widen(_ v: SIMD8<Int8>) -> SIMD8<Int16> {
        SIMD8(Int16(v[0]), Int16(v[1]), Int16(v[2]), Int16(v[3]), Int16(v[4]), Int16(v[5]), Int16(v[6]), Int16(v[7]))
    }

    @inline(__always)
    static func widen(_ v: SIMD8<Int16>) -> SIMD8<Int32> {
        SIMD8(Int32(v[0]), Int32(v[1]), Int32(v[2]), Int32(v[3]), Int32(v[4]), Int32(v[5]), Int32(v[6]), Int32(v[7]))
    }

    @inline(__always)
    static func widen(_ v: SIMD16<Int16>) -> SIMD16<Int32> {
        SIMD16(lowHalf: widen(v.lowHalf), highHalf: widen(v.highHalf))
    }

    @inline(__always)
    static func widen(_ v: SIMD4<Int32>) -> SIMD4<Int64> {
        SIMD4(Int64(v[0]), Int64(v[1]), Int64(v[2]), Int64(v[3]))
    }

    /// The low 32 bits of each lane.
    @inline(__always)
    static func truncate(_ v: SIMD4<Int64>) -> SIMD4<Int32> {
        SIMD4(Int32(truncatingIfNeeded: v[0]), Int32(truncatingIfNeeded: v[1]),
              Int32(truncatingIfNeeded: v[2]), Int32(truncatingIfNeeded: v[3]))
    }

    /// The low 8 bits of each lane.
    @inline(__always)
    static func truncate(_ v: SIMD8<Int32>) -> SIMD8<Int8> {
        SIMD8(Int8(truncatingIfNeeded: v[0]), Int8(truncatingIfNeeded: v[1]), Int8(truncatingIfNeeded: v[2]),
              Int8(truncatingIfNeeded: v[3]), Int8(truncatingIfNeeded: v[4]), Int8(truncatingIfNeeded: v[5]),
              Int8(truncatingIfNeeded: v[6]), Int8(truncatingIfNeeded: v[7]))
    }
}
