import Foundation

// STRIDED_SLICE, as TFLM's strided_slice.cc / strided_slice_common.cc.
//
// TFLM's semantics, which differ from TensorFlow's in places:
// - begin, end and strides must be constant int32 tensors; input rank at most 4.
// - ellipsis_mask, new_axis_mask and the `offset` option are IGNORED (TFLM's
//   BuildStridedSliceParams leaves them 0); begin_mask, end_mask and
//   shrink_axis_mask apply, truncated to 16 bits as in StridedSliceParams.
// - Prepare checks the output shape with StartForAxis/StopForAxis and
//   ceil((stop - start) / float(stride)); eval walks a 5-D extended shape with
//   StridedSliceStartForAxis/StridedSliceEndForAxis. The two agree except for a
//   shrunk axis whose start is clamped to the axis size, where eval writes nothing;
//   mcusim refuses such a slice because TFLM would leave the output unwritten.

final class StridedSliceKernel: Kernel {
    static let registration = OperatorRegistration(
        .stridedSlice, resolver: "AddStridedSlice", options: StridedSliceOptions.self, builtinData: CStruct("TfLiteStridedSliceParams", Array(repeating: .int32, count: 5) + [.bool]),
        temporaries: .takenInPrepare, macs: .none) { StridedSliceKernel() }

    private var elementSize = 1
    // Per extended axis (5): start, stop, stride, and the input's element stride.
    private var starts = (0, 0, 0, 0, 0)
    private var stops = (0, 0, 0, 0, 0)
    private var steps = (1, 1, 1, 1, 1)
    private var inputStrides = (0, 0, 0, 0, 1)

    func prepare(_ context: PrepareContext) throws {
        context.allocatePersistent(.opData(ShapeStructs.stridedSliceParams))
        for i in 0..<4 { context.tempInput(i) }
        context.tempOutput(0)
        guard context.inputCount == 4, context.outputCount == 1 else {
            throw context.invalid("\(context.op.name) takes 4 inputs and 1 output, got \(context.inputCount) and \(context.outputCount)")
        }
        let input = try context.requireInput(0)
        let output = try context.requireOutput(0)
        guard output.type == input.type else {
            throw context.invalid("output type \(output.type.name) differs from input type \(input.type.name)")
        }
        try context.expectType(output, [.float32, .int8, .int16, .int32, .bool], "output")
        elementSize = output.type.byteSize ?? 1
        let rank = input.rank
        guard rank <= 4 else { throw context.unsupported("input rank \(rank) exceeds TFLM's limit of 4") }

        func indices(_ i: Int, _ role: String) throws -> [Int] {
            let t = try context.requireInput(i)
            guard t.isConstant else {
                throw context.unsupported("non-constant \(role) tensor is not supported (TFLM requires it in the model)")
            }
            guard t.type == .int32, let v = t.constantValues(Int32.self) else {
                throw context.unsupported("\(role) of type \(t.type.name) is not supported (TFLM reads int32)")
            }
            guard v.count >= rank else {
                throw context.invalid("\(role) has \(v.count) values, the input's rank is \(rank)")
            }
            return v.prefix(rank).map(Int.init)
        }
        let begin = try indices(1, "begin")
        let end = try indices(2, "end")
        let strides = try indices(3, "strides")
        guard !strides.contains(0) else { throw context.invalid("stride value has to be non-zero") }

        // StridedSliceParams keeps the masks as uint16.
        let options = context.options(StridedSliceOptions.self)
        let beginMask = Int(options.beginMask) & 0xFFFF
        let endMask = Int(options.endMask) & 0xFFFF
        let shrinkMask = Int(options.shrinkAxisMask) & 0xFFFF
        let shape = input.shape

        // Output size as TFLM's CheckOutputSize computes it.
        var expected: [Int] = []
        for axis in 0..<rank {
            let begin = Self.startForAxis(begin[axis], strides[axis], shape[axis], masked: beginMask & (1 << axis) != 0)
            var end = Self.stopForAxis(end[axis], strides[axis], shape[axis], start: begin,
                                       masked: endMask & (1 << axis) != 0, shrink: shrinkMask & (1 << axis) != 0)
            let shrink = shrinkMask & (1 << axis) != 0
            if shrink { end = begin + 1 }
            let count = max(Int(Int32(truncatingIfNeeded: Int((Float(end - begin) / Float(strides[axis])).rounded(.up)))), 0)
            if !shrink { expected.append(count) }
        }
        guard output.shape == expected else {
            throw context.invalid("output shape \(output.shape) differs from the slice's shape \(expected)")
        }

        // Eval's parameters: indices and masks padded at the front to 5 dimensions.
        let pad = 5 - rank
        let ext = ShapeMath.extended(shape, to: 5)
        let begin5 = Array(repeating: 0, count: pad) + begin
        let end5 = Array(repeating: 1, count: pad) + end
        let strides5 = Array(repeating: 1, count: pad) + strides
        let padBits = (1 << pad) - 1
        let beginMask5 = (beginMask << pad) | padBits
        let endMask5 = (endMask << pad) | padBits
        let shrinkMask5 = shrinkMask << pad
        var start = [Int](repeating: 0, count: 5)
        var stop = [Int](repeating: 0, count: 5)
        var writes = 1
        for axis in 0..<5 {
            start[axis] = Self.evalStart(begin5[axis], strides5[axis], ext[axis], masked: beginMask5 & (1 << axis) != 0)
            stop[axis] = Self.evalEnd(end5[axis], strides5[axis], ext[axis], start: start[axis],
                                      masked: endMask5 & (1 << axis) != 0, shrink: shrinkMask5 & (1 << axis) != 0)
            let span = strides5[axis] > 0 ? stop[axis] - start[axis] : start[axis] - stop[axis]
            let step = abs(strides5[axis])
            let (product, overflow) = writes.multipliedReportingOverflow(by: span > 0 ? (span + step - 1) / step : 0)
            guard !overflow else { throw context.invalid("the slice of input shape \(shape) is too large") }
            writes = product
        }
        guard writes == output.elementCount else {
            throw context.unsupported("TFLM's eval would write \(writes) of the output's \(output.elementCount) elements (a shrunk axis starts past its end)")
        }
        starts = (start[0], start[1], start[2], start[3], start[4])
        stops = (stop[0], stop[1], stop[2], stop[3], stop[4])
        steps = (strides5[0], strides5[1], strides5[2], strides5[3], strides5[4])
        guard let stride0 = ShapeMath.product(ext[1...]) else { throw context.invalid("input shape \(shape) is too large") }
        inputStrides = (stride0, ext[2] * ext[3] * ext[4], ext[3] * ext[4], ext[4], 1)
        context.runsReference(input.type)
        context.geometry = .slice(SliceGeometry(inputShape: ext, starts: start, stops: stop, strides: strides5))
    }

    private static func clamp(_ v: Int, _ lo: Int, _ hi: Int) -> Int { hi < v ? hi : (v < lo ? lo : v) }

    /// strided_slice::StartForAxis (prepare's output-size check).
    static func startForAxis(_ index: Int, _ stride: Int, _ size: Int, masked: Bool) -> Int {
        if size == 0 { return 0 }
        var start = index
        if masked { start = stride > 0 ? Int(Int32.min) : Int(Int32.max) }
        if start < 0 { start += size }
        return stride > 0 ? clamp(start, 0, size) : clamp(start, -1, size - 1)
    }

    /// strided_slice::StopForAxis (prepare's output-size check).
    static func stopForAxis(_ index: Int, _ stride: Int, _ size: Int, start: Int, masked: Bool, shrink: Bool) -> Int {
        if size == 0 { return 0 }
        if shrink { return start + 1 }
        var stop = index
        if masked { stop = stride > 0 ? Int(Int32.max) : Int(Int32.min) }
        if stop < 0 { stop += size }
        return stride > 0 ? clamp(stop, 0, size) : clamp(stop, -1, size - 1)
    }

    /// strided_slice::StridedSliceStartForAxis (eval).
    static func evalStart(_ index: Int, _ stride: Int, _ size: Int, masked: Bool) -> Int {
        var start = index
        if start < 0 { start += size }
        start = stride > 0 ? clamp(start, 0, size) : clamp(start, -1, size - 1)
        if masked { start = stride > 0 ? 0 : size - 1 }
        return start
    }

    /// strided_slice::StridedSliceEndForAxis (eval; `offset` is always false in TFLM).
    static func evalEnd(_ index: Int, _ stride: Int, _ size: Int, start: Int, masked: Bool, shrink: Bool) -> Int {
        if shrink { return start >= size ? start : start + 1 }
        var end = index
        if end < 0 { end += size }
        end = stride > 0 ? clamp(end, 0, size) : clamp(end, -1, size - 1)
        if masked { end = stride > 0 ? size : -1 }
        return end
    }

    func eval(_ context: EvalContext) throws {
        switch elementSize {
        case 1: slice(context.input(0, as: UInt8.self), context.output(0, as: UInt8.self))
        case 2: slice(context.input(0, as: UInt16.self), context.output(0, as: UInt16.self))
        default: slice(context.input(0, as: UInt32.self), context.output(0, as: UInt32.self))
        }
    }

    @inline(__always)
    private func slice<T>(_ input: UnsafeMutablePointer<T>, _ output: UnsafeMutablePointer<T>) {
        let (b0, b1, b2, b3, b4) = starts
        let (e0, e1, e2, e3, e4) = stops
        let (s0, s1, s2, s3, s4) = steps
        let (m0, m1, m2, m3, _) = inputStrides
        @inline(__always) func more(_ i: Int, _ end: Int, _ step: Int) -> Bool { step > 0 ? i < end : i > end }
        var out = 0
        var i0 = b0
        while more(i0, e0, s0) {
            var i1 = b1
            while more(i1, e1, s1) {
                var i2 = b2
                while more(i2, e2, s2) {
                    var i3 = b3
                    while more(i3, e3, s3) {
                        let base = i0 &* m0 &+ i1 &* m1 &+ i2 &* m2 &+ i3 &* m3
                        var i4 = b4
                        while more(i4, e4, s4) {
                            output[out] = input[base &+ i4]
                            out &+= 1
                            i4 &+= s4
                        }
                        i3 &+= s3
                    }
                    i2 &+= s2
                }
                i1 &+= s1
            }
            i0 &+= s0
        }
    }
}
