// NumPy-style broadcasting as TFLM's reference kernels do it: shapes are aligned at
// their last dimension and extended with leading 1s; a dimension of 1 is repeated
// to the output's size. For elementwise kernels (ADD, SUB, MUL, ...) the order in
// which output elements are visited does not change any value, so kernels iterate
// over contiguous runs (BinaryBroadcast) rather than one index at a time.

public enum Broadcast {
    /// The most dimensions TFLM's generic broadcast loop accepts (kMaxRank in
    /// broadcast_loop.h); NdArrayDesc-based kernels accept fewer (4, 5 or 6).
    public static let maxRank = 8

    /// `shape` with leading 1s up to `rank` dimensions (RuntimeShape::ExtendedShape).
    /// nil when `shape` already has more dimensions.
    public static func extended(_ shape: [Int], toRank rank: Int) -> [Int]? {
        guard shape.count <= rank else { return nil }
        return [Int](repeating: 1, count: rank - shape.count) + shape
    }

    /// The broadcast of two shapes, or nil when some aligned pair of dimensions
    /// differs and neither is 1.
    public static func shape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        guard let ea = extended(a, toRank: rank), let eb = extended(b, toRank: rank) else { return nil }
        var result: [Int] = []
        result.reserveCapacity(rank)
        for i in 0..<rank {
            if ea[i] == eb[i] || eb[i] == 1 {
                result.append(ea[i])
            } else if ea[i] == 1 {
                result.append(eb[i])
            } else {
                return nil
            }
        }
        return result
    }

    /// Whether `shape` broadcasts to exactly `output` (every aligned dimension equal
    /// or 1, and no more dimensions than the output).
    public static func broadcasts(_ shape: [Int], to output: [Int]) -> Bool {
        guard let e = extended(shape, toRank: output.count) else { return false }
        for i in 0..<output.count where e[i] != output[i] && e[i] != 1 { return false }
        return true
    }

    /// Element strides of `shape` read as if broadcast to `output` (TFLM's NdArrayDesc
    /// after NdArrayDescsForElementwiseBroadcast): one stride per output dimension,
    /// 0 where the dimension is broadcast. The element at output index (i0, ..., in)
    /// is at sum(ik * strides[k]). nil when `shape` does not broadcast to `output`.
    public static func strides(of shape: [Int], broadcastTo output: [Int]) -> [Int]? {
        guard broadcasts(shape, to: output), let e = extended(shape, toRank: output.count) else { return nil }
        var strides = [Int](repeating: 0, count: output.count)
        var accumulated = 1
        for i in stride(from: output.count - 1, through: 0, by: -1) {
            strides[i] = (e[i] == 1 && output[i] != 1) ? 0 : accumulated
            accumulated *= e[i]
        }
        return strides
    }
}

/// A precomputed iteration of a binary elementwise operation over its broadcast
/// output, built in prepare. Adjacent dimensions that are contiguous (or broadcast)
/// in both operands and the output are fused, so the loop visits few, long runs:
/// `forEachRun` calls its body with each run's first element offsets in the two
/// inputs and the output, the inputs' element steps within the run (0 for a
/// broadcast operand, else 1) and the run's length. Iteration allocates nothing.
public final class BinaryBroadcast {
    /// Fused dimension count; 0 for a scalar operation (one element).
    public let rank: Int
    /// Output element count.
    public let elementCount: Int
    /// True when both inputs have the output's elements in the same order (no
    /// broadcast at all): one run covers the whole output.
    public var isElementwise: Bool { rank <= 1 && aStride[0] == 1 && bStride[0] == 1 }

    // Innermost first: sizes and input strides of the fused dimensions, and the
    // odometer's counters.
    private let size: OwnedBuffer<Int>
    private let aStride: OwnedBuffer<Int>
    private let bStride: OwnedBuffer<Int>
    private let counter: OwnedBuffer<Int>

    /// nil when `a` or `b` does not broadcast to `output`, or `output` has more than
    /// `maxRank` dimensions.
    public init?(_ a: [Int], _ b: [Int], output: [Int], maxRank: Int = Broadcast.maxRank) {
        guard output.count <= maxRank,
              let sa = Broadcast.strides(of: a, broadcastTo: output),
              let sb = Broadcast.strides(of: b, broadcastTo: output) else { return nil }
        let count = output.reduce(1) { $0 &* $1 }
        guard count >= 0 else { return nil }
        elementCount = count
        let capacity = max(output.count, 1)
        size = OwnedBuffer(count: capacity, repeating: 0)
        aStride = OwnedBuffer(count: capacity, repeating: 0)
        bStride = OwnedBuffer(count: capacity, repeating: 0)
        counter = OwnedBuffer(count: capacity, repeating: 0)
        size[0] = 1
        aStride[0] = 1
        bStride[0] = 1

        var fused = 0
        for i in stride(from: output.count - 1, through: 0, by: -1) {
            let n = output[i]
            if n == 1 { continue }  // a unit dimension changes no offset
            if fused > 0 {
                // Fuse into the previous (inner) dimension when each operand either
                // continues contiguously or stays broadcast across both.
                let j = fused - 1
                func continues(_ s: Int, _ inner: Int, _ innerStride: Int) -> Bool {
                    innerStride == 0 ? s == 0 : s == inner * innerStride
                }
                if continues(sa[i], size[j], aStride[j]), continues(sb[i], size[j], bStride[j]) {
                    size[j] *= n
                    continue
                }
            }
            size[fused] = n
            aStride[fused] = sa[i]
            bStride[fused] = sb[i]
            fused += 1
        }
        rank = fused
        // A scalar-like output (all dimensions 1): one element, both inputs at offset 0.
        if fused == 0 {
            aStride[0] = 1
            bStride[0] = 1
        }
    }


    /// Calls `body(aOffset, aStep, bOffset, bStep, outputOffset, count)` for each
    /// contiguous run of output elements, in output order.
    @inline(__always)
    public func forEachRun(_ body: (_ a: Int, _ aStep: Int, _ b: Int, _ bStep: Int, _ out: Int, _ count: Int) -> Void) {
        if elementCount == 0 { return }
        if rank == 0 {
            body(0, 1, 0, 1, 0, 1)
            return
        }
        let run = size[0], aStep = aStride[0], bStep = bStride[0]
        var d = 1
        while d < rank {
            counter[d] = 0
            d += 1
        }
        var a = 0, b = 0, out = 0
        while true {
            body(a, aStep, b, bStep, out, run)
            out += run
            // Advance the odometer over the outer dimensions.
            d = 1
            while d < rank {
                counter[d] += 1
                a += aStride[d]
                b += bStride[d]
                if counter[d] < size[d] { break }
                a -= aStride[d] * size[d]
                b -= bStride[d] * size[d]
                counter[d] = 0
                d += 1
            }
            if d >= rank { return }
        }
    }
}
