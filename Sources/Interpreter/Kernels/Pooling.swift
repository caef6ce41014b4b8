// AVERAGE_POOL_2D and MAX_POOL_2D, as TFLM's pooling.cc / pooling_common.cc
// (reference) and cmsis_nn/pooling.cc, on NHWC tensors.
//
// The window of each output pixel is clipped to the input (padding is never
// read). Average: int8/int16 sum the window in int32 and divide rounding half
// away from zero, (sum ± count/2) / count; float sums in float in window order and
// divides by the count. Max starts from the type's lowest value. Both then clamp to
// the fused activation's range.
//
// Channels are processed together per window position (as CMSIS-NN does): each
// channel still sees its values in TFLM's order, so sums and maxima are identical.

import Foundation

/// pooling.h OpDataPooling: TfLitePaddingValues, two int32 bounds, two float bounds;
/// cmsis_nn/pooling.cc adds an int buffer_idx. builtin_op_data.h TfLitePoolParams.
extension TFLMStructs {
    public static let poolParams = CStruct("TfLitePoolParams",
                                           [.smallEnum, .int32, .int32, .int32, .int32, .smallEnum, .record(tfLitePaddingValues)])
    public static let opDataPooling = CStruct("OpDataPooling", [.record(tfLitePaddingValues), .int32, .int32, .float32, .float32])
    public static let cmsisPoolingOpData = CStruct("OpData (CMSIS-NN pooling)", [.record(opDataPooling), .int32])
}

final class PoolingKernel: Kernel {
    enum Kind { case average, max }

    static let averageRegistration = registration(.averagePool2D, .average, resolver: "AddAveragePool2D")
    static let maxRegistration = registration(.maxPool2D, .max, resolver: "AddMaxPool2D")

    private static func registration(_ op: BuiltinOperator, _ kind: Kind, resolver: String) -> OperatorRegistration {
        OperatorRegistration(op, resolver: resolver, options: Pool2DOptions.self, builtinData: TFLMStructs.poolParams, temporaries: .takenInPrepare, macs: MACRule { shapes in
            let options = shapes.options.typed(Pool2DOptions.self)
            return shapes.outputElements &* max(Int(options.filterHeight), 1) &* max(Int(options.filterWidth), 1)
        }) { PoolingKernel(kind: kind) }
    }
    private enum Path { case float32, int8, int16 }

    private let kind: Kind
    private var path = Path.float32
    private var batches = 0, inputHeight = 0, inputWidth = 0, depth = 0
    private var outputHeight = 0, outputWidth = 0
    private var strideHeight = 1, strideWidth = 1, filterHeight = 1, filterWidth = 1
    private var padHeight = 0, padWidth = 0
    private var activationMin: Int32 = 0, activationMax: Int32 = 0
    private var floatMin: Float = 0, floatMax: Float = 0
    /// Per-channel accumulators for one window (int32 sums or float sums).
    private var intAccumulator: OwnedBuffer<Int32>?
    private var floatAccumulator: OwnedBuffer<Float>?

    init(kind: Kind) { self.kind = kind }

    func prepare(_ context: PrepareContext) throws {
        let cmsis = context.variant == .cmsisNN
        context.allocatePersistent(.opData(cmsis ? TFLMStructs.cmsisPoolingOpData : TFLMStructs.opDataPooling))
        context.tempInput(0)
        context.tempOutput(0)
        if cmsis && kind == .average {
            // CMSIS-NN's AveragePrepare runs the reference PoolingPrepare, then takes both again.
            context.tempInput(0)
            context.tempOutput(0)
        }

        let input = try context.requireInput(0)
        let output = try context.requireOutput(0)
        guard input.type == output.type else {
            throw context.unsupported("input type \(input.type.name) differs from output type \(output.type.name)")
        }
        switch input.type {
        case .float32: path = .float32
        case .int8: path = .int8
        case .int16: path = .int16
        default: throw context.unsupported("\(input.type.name) input is not supported (float32, int8, int16)")
        }
        guard input.rank == 4, output.rank == 4 else {
            throw context.invalid("pooling needs 4-D NHWC tensors, got \(input.shape) -> \(output.shape)")
        }
        guard input.shape[0] == output.shape[0], input.shape[3] == output.shape[3] else {
            throw context.invalid("batch and channel dimensions differ: \(input.shape) -> \(output.shape)")
        }
        batches = input.shape[0]
        inputHeight = input.shape[1]
        inputWidth = input.shape[2]
        depth = input.shape[3]
        outputHeight = output.shape[1]
        outputWidth = output.shape[2]

        let options = context.options(Pool2DOptions.self)
        strideHeight = Int(options.strideH)
        strideWidth = Int(options.strideW)
        filterHeight = Int(options.filterHeight)
        filterWidth = Int(options.filterWidth)
        let padding = options.padding
        guard strideHeight > 0, strideWidth > 0, filterHeight > 0, filterWidth > 0 else {
            throw context.invalid("strides (\(strideHeight), \(strideWidth)) and filter (\(filterHeight), \(filterWidth)) must be positive")
        }
        guard padding == .same || padding == .valid else {
            throw context.invalid("unknown padding \(padding.rawValue)")
        }
        // ComputePaddingHeightWidth: output size from the padding rule, then the
        // (floor) half of the total padding on the top/left.
        func outSize(_ inSize: Int, _ filter: Int, _ stride: Int) -> Int {
            padding == .same ? (inSize + stride - 1) / stride : (inSize + stride - filter) / stride
        }
        let expectedHeight = outSize(inputHeight, filterHeight, strideHeight)
        let expectedWidth = outSize(inputWidth, filterWidth, strideWidth)
        guard expectedHeight == outputHeight, expectedWidth == outputWidth else {
            throw context.invalid("output \(output.shape) does not match the \(padding.name ?? "") pooling of \(input.shape): expected \(expectedHeight)x\(expectedWidth)")
        }
        padHeight = max(0, (outputHeight - 1) * strideHeight + filterHeight - inputHeight) / 2
        padWidth = max(0, (outputWidth - 1) * strideWidth + filterWidth - inputWidth) / 2

        let activation = options.fusedActivationFunction
        if path == .float32 {
            (floatMin, floatMax) = QuantizedMath.activationRange(activation)
        } else {
            // Pooling must not requantize: TFLM insists on the same scale and zero point.
            guard !input.scale.isEmpty, !output.scale.isEmpty else {
                throw context.invalid("quantized pooling needs input and output scales")
            }
            let scaleDifference = Double(abs(input.scalarScale - output.scalarScale))
            guard scaleDifference <= 1.0e-6, input.scalarZeroPoint == output.scalarZeroPoint else {
                throw context.invalid("input and output quantization differ (TFLM requires them equal)")
            }
            let (typeMin, typeMax): (Int32, Int32) = path == .int8 ? (-128, 127) : (-32768, 32767)
            do {
                (activationMin, activationMax) = try QuantizedMath.activationRange(
                    activation, scale: output.scalarScale, zeroPoint: output.scalarZeroPoint, typeMin: typeMin, typeMax: typeMax, in: context)
            } catch {
                // TFLM's pooling ignores CalculateActivationRangeQuantized's failure: the bound it
                // could not compute stays whatever its operator data held, so no result is defined.
                throw context.unsupported("an activation bound does not fit the output's quantized range (scale \(output.scalarScale)); TFLM's pooling ignores the failure and leaves its clamp undefined")
            }
        }

        var geometry = ConvolutionGeometry()
        geometry.batches = batches
        (geometry.inputHeight, geometry.inputWidth, geometry.inputDepth) = (inputHeight, inputWidth, depth)
        (geometry.filterHeight, geometry.filterWidth, geometry.filterDepth) = (filterHeight, filterWidth, depth)
        (geometry.outputHeight, geometry.outputWidth, geometry.outputDepth) = (outputHeight, outputWidth, depth)
        (geometry.strideHeight, geometry.strideWidth) = (strideHeight, strideWidth)
        (geometry.paddingHeight, geometry.paddingWidth) = (padHeight, padWidth)
        geometry.activation = activation
        context.geometry = .convolution(geometry)

        switch (cmsis, path) {
        case (_, .float32), (false, _):
            context.runsReference(input.type)
        case (true, .int8):
            if kind == .average {
                // arm_avgpool_s8_get_buffer_size on a DSP core: one int32 per channel.
                context.requestScratch(bytes: depth * 4)
            }
            context.runs(kind == .average ? .avgPoolS8 : .maxPoolS8)
        case (true, .int16):
            if kind == .average {
                context.requestScratch(bytes: depth * 4)
            }
            context.runs(kind == .average ? .avgPoolS16 : .maxPoolS16)
        }

        intAccumulator = nil
        floatAccumulator = nil
        if kind == .average {
            if path == .float32 {
                floatAccumulator = OwnedBuffer(count: depth, repeating: 0)
            } else {
                intAccumulator = OwnedBuffer(count: depth, repeating: 0)
            }
        }
    }

    func eval(_ context: EvalContext) throws {
        switch (kind, path) {
        case (.average, .float32):
            averageFloat(context.input(0, as: Float.self), context.output(0, as: Float.self))
        case (.average, .int8):
            averageQuantized(context.input(0, as: Int8.self), context.output(0, as: Int8.self))
        case (.average, .int16):
            averageQuantized(context.input(0, as: Int16.self), context.output(0, as: Int16.self))
        case (.max, .float32):
            maxFloat(context.input(0, as: Float.self), context.output(0, as: Float.self))
        case (.max, .int8):
            maxQuantized(context.input(0, as: Int8.self), context.output(0, as: Int8.self))
        case (.max, .int16):
            maxQuantized(context.input(0, as: Int16.self), context.output(0, as: Int16.self))
        }
    }

    /// The clipped window of output pixel (outY, outX): input row/column ranges.
    @inline(__always)
    private func window(_ outY: Int, _ outX: Int) -> (yStart: Int, yEnd: Int, xStart: Int, xEnd: Int) {
        let originY = outY * strideHeight - padHeight
        let originX = outX * strideWidth - padWidth
        let yStart = max(0, -originY), yEnd = min(filterHeight, inputHeight - originY)
        let xStart = max(0, -originX), xEnd = min(filterWidth, inputWidth - originX)
        return (originY + yStart, originY + yEnd, originX + xStart, originX + xEnd)
    }

    private func averageQuantized<T: FixedWidthInteger & SignedInteger>(_ input: UnsafeMutablePointer<T>,
                                                                       _ output: UnsafeMutablePointer<T>) {
        guard let sums = intAccumulator?.base else { return }
        let depth = self.depth, lo = activationMin, hi = activationMax
        var out = output
        for b in 0..<batches {
            let image = input + b * inputHeight * inputWidth * depth
            for outY in 0..<outputHeight {
                for outX in 0..<outputWidth {
                    let w = window(outY, outX)
                    let count = Int32(max(w.yEnd - w.yStart, 0) * max(w.xEnd - w.xStart, 0))
                    // TFLM returns early on an empty window, leaving the rest unwritten.
                    if count == 0 { return }
                    for c in 0..<depth { sums[c] = 0 }
                    for y in w.yStart..<w.yEnd {
                        for x in w.xStart..<w.xEnd {
                            let pixel = image + (y * inputWidth + x) * depth
                            for c in 0..<depth { sums[c] &+= Int32(truncatingIfNeeded: pixel[c]) }
                        }
                    }
                    let half = count / 2
                    for c in 0..<depth {
                        let acc = sums[c]
                        var v = acc > 0 ? (acc &+ half) / count : (acc &- half) / count
                        v = v < lo ? lo : (v > hi ? hi : v)
                        out[c] = T(truncatingIfNeeded: v)
                    }
                    out += depth
                }
            }
        }
    }

    private func averageFloat(_ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        guard let sums = floatAccumulator?.base else { return }
        let depth = self.depth, lo = floatMin, hi = floatMax
        var out = output
        for b in 0..<batches {
            let image = input + b * inputHeight * inputWidth * depth
            for outY in 0..<outputHeight {
                for outX in 0..<outputWidth {
                    let w = window(outY, outX)
                    let count = max(w.yEnd - w.yStart, 0) * max(w.xEnd - w.xStart, 0)
                    if count == 0 { return }
                    for c in 0..<depth { sums[c] = 0 }
                    // Each channel's sum runs over the window in TFLM's (y, x) order.
                    for y in w.yStart..<w.yEnd {
                        for x in w.xStart..<w.xEnd {
                            let pixel = image + (y * inputWidth + x) * depth
                            for c in 0..<depth { sums[c] += pixel[c] }
                        }
                    }
                    let divisor = Float(count)
                    for c in 0..<depth {
                        let average = sums[c] / divisor
                        let low = average < lo ? lo : average
                        out[c] = hi < low ? hi : low
                    }
                    out += depth
                }
            }
        }
    }

    private func maxQuantized<T: FixedWidthInteger & SignedInteger>(_ input: UnsafeMutablePointer<T>,
                                                                   _ output: UnsafeMutablePointer<T>) {
        let depth = self.depth
        let lo = T(truncatingIfNeeded: activationMin), hi = T(truncatingIfNeeded: activationMax)
        var out = output
        for b in 0..<batches {
            let image = input + b * inputHeight * inputWidth * depth
            for outY in 0..<outputHeight {
                for outX in 0..<outputWidth {
                    let w = window(outY, outX)
                    for c in 0..<depth { out[c] = T.min }
                    for y in w.yStart..<w.yEnd {
                        for x in w.xStart..<w.xEnd {
                            let pixel = image + (y * inputWidth + x) * depth
                            for c in 0..<depth where pixel[c] > out[c] { out[c] = pixel[c] }
                        }
                    }
                    for c in 0..<depth {
                        let v = out[c] < lo ? lo : out[c]
                        out[c] = v > hi ? hi : v
                    }
                    out += depth
                }
            }
        }
    }

    private func maxFloat(_ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        let depth = self.depth, lo = floatMin, hi = floatMax
        var out = output
        for b in 0..<batches {
            let image = input + b * inputHeight * inputWidth * depth
            for outY in 0..<outputHeight {
                for outX in 0..<outputWidth {
                    let w = window(outY, outX)
                    for c in 0..<depth { out[c] = -Float.greatestFiniteMagnitude }
                    for y in w.yStart..<w.yEnd {
                        for x in w.xStart..<w.xEnd {
                            let pixel = image + (y * inputWidth + x) * depth
                            // std::max(max, v): replaced only when max < v (a NaN never wins).
                            for c in 0..<depth where out[c] < pixel[c] { out[c] = pixel[c] }
                        }
                    }
                    for c in 0..<depth {
                        let low = out[c] < lo ? lo : out[c]
                        out[c] = hi < low ? hi : low
                    }
                    out += depth
                }
            }
        }
    }
}
