import Foundation

// RESIZE_BILINEAR, as TFLM's resize_bilinear.cc: 4-D data, constant int32 size.
//
// float32 uses reference_ops::ResizeBilinear: per-pixel float weights, the four
// products summed left to right, plus a rounding offset of 0.0f.
// int8 uses reference_ops::ResizeBilinearInteger, with no floating point at all:
// scales in 10 fractional bits (scale_10 = (1024 * in + out / 2) / out, or the
// align_corners form), source positions in the same fixed point (half_pixel_centers
// adds scale_10 / 2 - 512), products of the four pixels with 10-bit weights summed in
// int64 (20 fractional bits), then rounded half away from zero: +-(1 << 19) and a
// truncating division by 1 << 20 (TFLM is built without TFLITE_SINGLE_ROUNDING).
//
// TFLM clamps the upper source index but not the lower one; for extreme upscales
// the lower one can pass the input's edge and TFLM would read outside the input.
// mcusim refuses such sizes.

final class ResizeBilinearKernel: Kernel {
    static let registration = OperatorRegistration(.resizeBilinear, resolver: "AddResizeBilinear", options: ResizeBilinearOptions.self, builtinData: CStruct("TfLiteResizeBilinearParams", [.bool, .bool]),
                                                   temporaries: .takenInPrepare, macs: .none) { ResizeBilinearKernel() }

    private var isFloat = true
    private var batches = 0
    private var inputHeight = 0
    private var inputWidth = 0
    private var depth = 0
    private var outputHeight = 0
    private var outputWidth = 0
    // Per output row / column: lower and upper source index.
    private var rowLow = OwnedBuffer<Int>([])
    private var rowHigh = OwnedBuffer<Int>([])
    private var columnLow = OwnedBuffer<Int>([])
    private var columnHigh = OwnedBuffer<Int>([])
    // float32: the scaled source position (input_y / input_x).
    private var rowPosition = OwnedBuffer<Float>([])
    private var columnPosition = OwnedBuffer<Float>([])
    // int8: the source position in 10 fractional bits.
    private var rowPosition10 = OwnedBuffer<Int64>([])
    private var columnPosition10 = OwnedBuffer<Int64>([])

    func prepare(_ context: PrepareContext) throws {
        context.tempInput(0)
        context.tempInput(1)
        context.tempOutput(0)
        guard context.inputCount == 2, context.outputCount == 1 else {
            throw context.invalid("\(context.op.name) takes 2 inputs and 1 output, got \(context.inputCount) and \(context.outputCount)")
        }
        let input = try context.requireInput(0)
        let size = try context.requireInput(1)
        let output = try context.requireOutput(0)
        guard input.rank == 4 else { throw context.invalid("input must be 4-D, has shape \(input.shape)") }
        guard size.rank == 1, size.type == .int32, size.shape[0] == 2 else {
            throw context.invalid("size must be an int32 vector of 2 values, is \(size.type.name) \(size.shape)")
        }
        guard size.isConstant, let hw = size.constantValues(Int32.self), hw.count == 2 else {
            throw context.unsupported("non-constant size tensor is not supported (TFLM requires it in the model)")
        }
        let options = context.options(ResizeBilinearOptions.self)
        let alignCorners = options.alignCorners
        let halfPixel = options.halfPixelCenters
        guard !(alignCorners && halfPixel) else {
            throw context.invalid("If half_pixel_centers is True, align_corners must be False.")
        }
        guard output.type == input.type else {
            throw context.invalid("output type \(output.type.name) differs from input type \(input.type.name)")
        }
        try context.expectType(output, [.float32, .int8], "output")
        isFloat = output.type == .float32
        let (outH, outW) = (Int(hw[0]), Int(hw[1]))
        guard outH >= 0, outW >= 0 else { throw context.invalid("size [\(outH), \(outW)] is negative") }
        guard output.rank == 4, output.shape == [input.shape[0], outH, outW, input.shape[3]] else {
            throw context.invalid("output shape \(output.shape) differs from [\(input.shape[0]), \(outH), \(outW), \(input.shape[3])]")
        }
        batches = input.shape[0]
        inputHeight = input.shape[1]
        inputWidth = input.shape[2]
        depth = input.shape[3]
        outputHeight = outH
        outputWidth = outW
        guard inputHeight < 1 << 20, inputWidth < 1 << 20, outH < 1 << 20, outW < 1 << 20 else {
            throw context.unsupported("sizes of 2^20 or more overflow TFLM's 10-bit fixed-point scales")
        }

        var low: [[Int]] = [[], []], high: [[Int]] = [[], []]
        if output.elementCount == 0 {
            // Nothing to compute or read.
            outputHeight = 0
            outputWidth = 0
            context.runsReference(output.type)
            return
        }
        if isFloat {
            var positions: [[Float]] = [[], []]
            for (axis, (inSize, outSize)) in [(inputHeight, outH), (inputWidth, outW)].enumerated() {
                var scale = Float(Int32(inSize)) / Float(Int32(outSize))
                if alignCorners && outSize > 1 { scale = Float(Int32(inSize - 1)) / Float(Int32(outSize - 1)) }
                for v in 0..<outSize {
                    // ComputeInterpolationValues.
                    let value = Float(Int32(v))
                    let scaled = halfPixel ? (value + 0.5) * scale - 0.5 : value * scale
                    positions[axis].append(scaled)
                    low[axis].append(max(Self.toInt(scaled.rounded(.down)), 0))
                    high[axis].append(min(Self.toInt(scaled.rounded(.up)), inSize - 1))
                }
            }
            rowPosition = OwnedBuffer(positions[0])
            columnPosition = OwnedBuffer(positions[1])
        } else {
            var positions: [[Int64]] = [[], []]
            for (axis, (inSize, outSize)) in [(inputHeight, outH), (inputWidth, outW)].enumerated() {
                guard outSize > 0 else { continue }
                var scale10 = ((1 << 10) * inSize + outSize / 2) / outSize
                if alignCorners && outSize > 1 {
                    scale10 = ((1 << 10) * (inSize - 1) + (outSize - 1) / 2) / (outSize - 1)
                }
                for v in 0..<outSize {
                    // ComputeInterpolationValuesInteger, in int32 as TFLM (sizes < 2^20
                    // keep every product well inside 64-bit Int; C's division truncates,
                    // and so does Swift's).
                    let scaled = halfPixel ? v * scale10 + scale10 / 2 - (1 << 9) : v * scale10
                    positions[axis].append(Int64(scaled))
                    low[axis].append(max(scaled / (1 << 10), 0))
                    high[axis].append(min((scaled + (1 << 10) - 1) / (1 << 10), inSize - 1))
                }
            }
            rowPosition10 = OwnedBuffer(positions[0])
            columnPosition10 = OwnedBuffer(positions[1])
        }
        guard output.elementCount == 0 || (low[0] + high[0]).allSatisfy({ $0 >= 0 && $0 < inputHeight })
            && (low[1] + high[1]).allSatisfy({ $0 >= 0 && $0 < inputWidth }) else {
            throw context.unsupported("this resize maps output pixels outside the \(inputHeight)x\(inputWidth) input (TFLM would read out of bounds)")
        }
        rowLow = OwnedBuffer(low[0])
        rowHigh = OwnedBuffer(high[0])
        columnLow = OwnedBuffer(low[1])
        columnHigh = OwnedBuffer(high[1])
        context.runsReference(output.type)
    }

    /// static_cast<int32_t> of an integral float; out-of-range values become a sentinel
    /// that the bounds check rejects.
    private static func toInt(_ f: Float) -> Int {
        guard f.isFinite, abs(f) < 2_147_483_648 else { return Int(Int32.min) }
        return Int(f)
    }

    func eval(_ context: EvalContext) throws {
        if isFloat {
            evalFloat(context.input(0, as: Float.self), context.output(0, as: Float.self))
        } else {
            evalInt8(context.input(0, as: Int8.self), context.output(0, as: Int8.self))
        }
    }

    private func evalFloat(_ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        let y0s = rowLow.base, y1s = rowHigh.base, ys = rowPosition.base
        let x0s = columnLow.base, x1s = columnHigh.base, xs = columnPosition.base
        let (height, width, depth) = (inputHeight, inputWidth, self.depth)
        let (outH, outW) = (outputHeight, outputWidth)
        var out = 0
        for b in 0..<batches {
            for y in 0..<outH {
                let inputY = ys[y]
                let y0 = y0s[y], y1 = y1s[y]
                for x in 0..<outW {
                    let inputX = xs[x]
                    let x0 = x0s[x], x1 = x1s[x]
                    let p00 = ((b &* height &+ y0) &* width &+ x0) &* depth
                    let p10 = ((b &* height &+ y1) &* width &+ x0) &* depth
                    let p01 = ((b &* height &+ y0) &* width &+ x1) &* depth
                    let p11 = ((b &* height &+ y1) &* width &+ x1) &* depth
                    // (input_y - y0) and (input_x - x0) with the integer converted to float.
                    let dy = inputY - Float(Int32(truncatingIfNeeded: y0))
                    let dx = inputX - Float(Int32(truncatingIfNeeded: x0))
                    for c in 0..<depth {
                        let v00 = input[p00 &+ c], v10 = input[p10 &+ c]
                        let v01 = input[p01 &+ c], v11 = input[p11 &+ c]
                        // The same products and left-to-right sum as TFLM; 0.0f is the
                        // float rounding offset (it turns -0 into +0, as in TFLM).
                        let t0 = v00 * (1 - dy) * (1 - dx)
                        let t1 = v10 * dy * (1 - dx)
                        let t2 = v01 * (1 - dy) * dx
                        let t3 = v11 * dy * dx
                        output[out] = t0 + t1 + t2 + t3 + Float(0)
                        out &+= 1
                    }
                }
            }
        }
    }

    private func evalInt8(_ input: UnsafeMutablePointer<Int8>, _ output: UnsafeMutablePointer<Int8>) {
        let y0s = rowLow.base, y1s = rowHigh.base, ys = rowPosition10.base
        let x0s = columnLow.base, x1s = columnHigh.base, xs = columnPosition10.base
        let (height, width, depth) = (inputHeight, inputWidth, self.depth)
        let (outH, outW) = (outputHeight, outputWidth)
        let one: Int64 = 1 << 10
        var out = 0
        for b in 0..<batches {
            for y in 0..<outH {
                let y0 = y0s[y], y1 = y1s[y]
                // Weights of the upper and lower rows, 10 fractional bits.
                let wy1 = ys[y] &- one &* Int64(y0)
                let wy0 = one &- wy1
                for x in 0..<outW {
                    let x0 = x0s[x], x1 = x1s[x]
                    let wx1 = xs[x] &- one &* Int64(x0)
                    let wx0 = one &- wx1
                    let p00 = ((b &* height &+ y0) &* width &+ x0) &* depth
                    let p10 = ((b &* height &+ y1) &* width &+ x0) &* depth
                    let p01 = ((b &* height &+ y0) &* width &+ x1) &* depth
                    let p11 = ((b &* height &+ y1) &* width &+ x1) &* depth
                    for c in 0..<depth {
                        let sum = Int64(input[p00 &+ c]) &* wy0 &* wx0
                            &+ Int64(input[p10 &+ c]) &* wy1 &* wx0
                            &+ Int64(input[p01 &+ c]) &* wy0 &* wx1
                            &+ Int64(input[p11 &+ c]) &* wy1 &* wx1
                        let round: Int64 = sum > 0 ? 1 << 19 : -(1 << 19)
                        output[out] = Int8(truncatingIfNeeded: (sum &+ round) / (1 << 20))
                        out &+= 1
                    }
                }
            }
        }
    }
}
