import Foundation

// DEPTHWISE_CONV_2D, bit-exact with TFLM's reference kernels (micro/kernels/
// depthwise_conv.cc with reference_ops::DepthwiseConv and
// reference_integer_ops::DepthwiseConvPerChannel), declaring the operator data and
// scratch of either depthwise_conv.cc or cmsis_nn/depthwise_conv.cc.
//
// Types: float32; int8 activations with int8 weights (per-channel along dimension 3,
// or per-tensor) and int32 bias; int16 activations with int8 weights and int64 bias.
// Output channel c = input channel * depth_multiplier + m reads input channel c /
// depth_multiplier. The loops run over the filter taps of each output position with
// the channels innermost, vectorised across channels, which keeps every channel's
// accumulation order the same as TFLM's (filter row, then column), so float sums
// round identically and integer sums are the same modulo 2^32. int8 and float32 read a
// PaddedImage, where taps outside the input hold 0 (int8: input - zero point = 0, so
// nothing is added; float: 0 * w = +-0 added to a sum that starts at +0, which changes
// no sum when the weights are finite, see Conv2D.swift). Other cases (a hostile zero
// point, non-finite or run-time float weights, an image too large to pad) skip the
// taps outside the input as TFLM does.

final class DepthwiseConv2DKernel: Kernel {
    static let registration = OperatorRegistration(.depthwiseConv2D, resolver: "AddDepthwiseConv2D", options: DepthwiseConv2DOptions.self, builtinData: TFLMStructs.depthwiseConvParams,
                                                   temporaries: .takenInPrepare, macs: MACRule { shapes in
        guard let filter = shapes.input(1), filter.count == 4 else { return 0 }
        return shapes.outputElements &* filter[1] &* filter[2]
    }) { DepthwiseConv2DKernel() }

    /// The operator data both convolutions share (TFLM\'s OpDataConv and what mcusim derives from it).
    private var op = ConvOpData()
    private enum Arithmetic { case float32, int8, int16 }

    private var arithmetic: Arithmetic = .float32
    private var depthMultiplier = 1
    /// CMSIS-NN's arm_depthwise_conv_s16 adds the bias first and requantizes with
    /// arm_nn_requantize_s64; only the last step can differ (on int32 overflow).
    private var cmsisRequantization = false


    /// One output pixel's int32 sums (int8), or the clipped loop's accumulators.
    private var accumulators32 = OwnedBuffer<Int32>(count: 0, repeating: 0)
    private var accumulators64 = OwnedBuffer<Int64>(count: 0, repeating: 0)
    /// int8 and float32: the input as the tap loops read it (nil: the clipped loops).
    private var padded: PaddedImage?
    private var image16 = OwnedBuffer<Int16>(count: 0, repeating: 0)
    private var imageFloat = OwnedBuffer<Float>(count: 0, repeating: 0)

    func prepare(_ context: PrepareContext) throws {
        ConvOpData.initialize(context)

        let operands = try ConvOperands(context, filterLayout: "1HWO")
        let (input, filter, output, bias, options) = (operands.input, operands.filter, operands.output, operands.bias, operands.options)
        switch (input.type, filter.type) {
        case (.float32, .float32), (.int16, .int8), (.int8, .int8):
            break
        case (.int8, .int4):
            throw context.unsupported("packed int4 weights are not supported by mcusim")
        case (.int16, .int16):
            // Passes TFLM's prepare (same types), then its eval refuses the filter type.
            throw context.unsupported("filter type INT16 is not supported with INT16 input (int8 weights expected)")
        case (.float32, _), (.int8, _), (.int16, _):
            throw context.unsupported("input \(input.type.name) with filter \(filter.type.name): Hybrid models are not supported on TFLite Micro.")
        default:
            throw context.unsupported("input type \(input.type.name) is not supported")
        }
        op.geometry = operands.geometry
        let g = op.geometry
        let channels = filter.shape[3]
        guard filter.shape[0] >= 1 else { throw context.invalid("filter shape \(filter.shape) is empty") }
        guard channels == g.outputDepth else {
            throw context.invalid("filter has \(channels) channels, output has \(g.outputDepth)")
        }
        depthMultiplier = options.depthMultiplier
        guard depthMultiplier > 0, g.inputDepth * depthMultiplier == g.outputDepth else {
            throw context.invalid("output depth \(g.outputDepth) is not input depth \(g.inputDepth) x depth_multiplier \(depthMultiplier)")
        }
        op.hasBias = bias != nil
        if let bias {
            guard bias.elementCount == channels else {
                throw context.invalid("bias has \(bias.elementCount) elements for \(channels) output channels")
            }
        }
        ConvOpData.allocatePerChannel(context, channels: channels, quantized: input.type != .float32)
        (op.windowRows, op.windowColumns) = g.windowTables()
        context.geometry = .convolution(g.workload(filterDepth: g.inputDepth, activation: options.activationCode,
                                                   depthMultiplier: depthMultiplier))

        switch input.type {
        case .float32:
            if let bias, bias.type != .float32 {
                throw context.unsupported("bias type \(bias.type.name) is not supported with float32 input")
            }
            arithmetic = .float32
            (op.floatMin, op.floatMax) = QuantizedMath.activationRange(options.activation)
            op.floatWeights = OwnedBuffer<Float>(count: g.filterHeight * g.filterWidth * channels, repeating: 0)
            op.floatAccumulators = OwnedBuffer<Float>(count: channels, repeating: 0)
            op.biasFloat = OwnedBuffer<Float>(count: channels, repeating: 0)
            if let data = filter.constantData {
                ConvLoad.values(data, count: op.floatWeights.count, as: Float.self, into: op.floatWeights.base)
                if (0..<op.floatWeights.count).allSatisfy({ op.floatWeights.base[$0].isFinite }) {
                    padded = PaddedImage(g, channels: channels)
                    imageFloat = OwnedBuffer<Float>(count: padded?.elements ?? 0, repeating: 0)
                }
            } else {
                op.weightsNeedEval = true
            }
            if let bias {
                if let data = bias.constantData { ConvLoad.values(data, count: channels, as: Float.self, into: op.biasFloat.base) } else { op.biasNeedsEval = true }
            }
            context.runsReference(.float32)

        case .int8:
            if let bias, bias.type != .int32 {
                throw context.unsupported("bias type \(bias.type.name) is not supported with int8 input (int32 expected)")
            }
            guard filter.scale.count == filter.zeroPoint.count else {
                throw context.invalid("filter has \(filter.scale.count) scales but \(filter.zeroPoint.count) zero points")
            }
            arithmetic = .int8
            try op.prepareQuantization(context, input: input, filter: filter, output: output, options: options, channels: channels)
            op.inputZeroPoint = input.scalarZeroPoint
            op.outputZeroPoint = output.scalarZeroPoint
            op.bias32 = OwnedBuffer<Int32>(count: channels, repeating: 0)
            accumulators32 = OwnedBuffer<Int32>(count: channels, repeating: 0)
            // input - zero point must fit int16 for the padded image.
            if input.scalarZeroPoint >= Int32(Int8.min) && input.scalarZeroPoint <= Int32(Int8.max) {
                padded = PaddedImage(g, channels: channels)
                image16 = OwnedBuffer<Int16>(count: padded?.elements ?? 0, repeating: 0)
            }
            prepareWeights16(filter, channels: channels)
            if let bias {
                if let data = bias.constantData { ConvLoad.values(data, count: channels, as: Int32.self, into: op.bias32.base) } else { op.biasNeedsEval = true }
            }
            if context.variant == .cmsisNN {
                // arm_depthwise_conv_wrapper_s8 (and its get_buffer_size) on a core with
                // the DSP extension and no MVE.
                if depthMultiplier == 1 && g.batches == 1 && g.dilationWidth == 1 && g.dilationHeight == 1 {
                    if g.filterWidth == 3 && g.filterHeight == 3 && g.padHeight <= 1 && g.padWidth <= 1 {
                        context.runs(.depthwiseConv3x3S8)
                    } else {
                        context.runs(.depthwiseConvS8Opt)
                        // arm_depthwise_conv_s8_opt_get_buffer_size_dsp: an int16 column per tap and channel.
                        let bytes = g.inputDepth * g.filterWidth * g.filterHeight * 2
                        if bytes > 0 { context.requestScratch(bytes: bytes) }
                    }
                } else {
                    context.runs(.depthwiseConvS8)
                }
            } else {
                context.runsReference(.int8)
            }

        default:
            // Both TFLM kernels read the bias as int64 whatever its type.
            if let bias, bias.type != .int64 {
                throw context.unsupported("bias type \(bias.type.name) is not supported with int16 input (TFLM reads an int64 bias)")
            }
            if context.variant == .cmsisNN {
                guard filter.scale.count == filter.zeroPoint.count else {
                    throw context.invalid("filter has \(filter.scale.count) scales but \(filter.zeroPoint.count) zero points")
                }
                guard input.scalarZeroPoint == 0, output.scalarZeroPoint == 0 else {
                    throw context.unsupported("CMSIS-NN int16 depthwise convolution needs zero points of 0 (input \(input.scalarZeroPoint), output \(output.scalarZeroPoint))")
                }
                cmsisRequantization = true
                // TFLM calls arm_depthwise_conv_s16 directly and requests no buffer.
                context.runs(.depthwiseConvS16)
            } else {
                context.runsReference(.int16)
            }
            arithmetic = .int16
            try op.prepareQuantization(context, input: input, filter: filter, output: output, options: options, channels: channels)
            op.bias64 = OwnedBuffer<Int64>(count: channels, repeating: 0)
            accumulators64 = OwnedBuffer<Int64>(count: channels, repeating: 0)
            prepareWeights16(filter, channels: channels)
            if let bias {
                if let data = bias.constantData { ConvLoad.values(data, count: channels, as: Int64.self, into: op.bias64.base) } else { op.biasNeedsEval = true }
            }
        }
    }

    private func prepareWeights16(_ filter: TensorInfo, channels: Int) {
        op.weights16 = OwnedBuffer<Int16>(count: op.geometry.filterHeight * op.geometry.filterWidth * channels, repeating: 0)
        if let data = filter.constantData {
            widenWeights(data.assumingMemoryBound(to: Int8.self))
        } else {
            op.weightsNeedEval = true
        }
    }

    private func widenWeights(_ filter: UnsafePointer<Int8>) {
        let dst = op.weights16.base
        for i in 0..<op.weights16.count { dst[i] = Int16(filter[i]) }
    }

    func eval(_ context: EvalContext) throws {
        if op.biasNeedsEval, op.hasBias, let bias = context.optionalInput(2, as: UInt8.self) {
            let channels = op.geometry.outputDepth
            switch arithmetic {
            case .float32: ConvLoad.values(UnsafeRawPointer(bias), count: channels, as: Float.self, into: op.biasFloat.base)
            case .int8: ConvLoad.values(UnsafeRawPointer(bias), count: channels, as: Int32.self, into: op.bias32.base)
            case .int16: ConvLoad.values(UnsafeRawPointer(bias), count: channels, as: Int64.self, into: op.bias64.base)
            }
        }
        switch arithmetic {
        case .float32:
            if op.weightsNeedEval {
                ConvLoad.values(UnsafeRawPointer(context.input(1, as: Float.self)), count: op.floatWeights.count,
                                as: Float.self, into: op.floatWeights.base)
            }
            if let padded { evalFloatPadded(context, padded) } else { evalFloat(context) }
        case .int8:
            if op.weightsNeedEval { widenWeights(context.input(1, as: Int8.self)) }
            if let padded { evalInt8Padded(context, padded) } else { evalInt8(context) }
        case .int16:
            if op.weightsNeedEval { widenWeights(context.input(1, as: Int8.self)) }
            evalInt16(context)
        }
    }

    /// Eight exact int32 products of the padded image's int16 values with int16-widened int8
    /// weights. Image values are input - zero point with both in int8 (the padded path is
    /// taken only then), so |x| <= 255, and |w| <= 128: |x * w| <= 32,640 fits int16, and
    /// one int16 multiply (pmullw, SSE2; vmul.i16 on Arm) gives the product without the
    /// emulated 32-bit lane multiply of baseline x86-64.
    @inline(__always)
    private static func products8(_ x: UnsafePointer<Int16>, _ w: UnsafePointer<Int16>) -> SIMD8<Int32> {
        SIMDLanes.widen(SIMDLanes.load8(x) &* SIMDLanes.load8(w))
    }

    private func evalInt8Padded(_ context: EvalContext, _ padded: PaddedImage) {
        let input = UnsafePointer(context.input(0, as: Int8.self))
        let output = context.output(0, as: Int8.self)
        let g = op.geometry
        let image = image16.base, sums = accumulators32.base
        let weights = UnsafePointer(op.weights16.base), taps = UnsafePointer(padded.taps.base)
        let bias = UnsafePointer(op.bias32.base), requantize = op.requantizer.view
        let stage = QuantizedOutputStage(outputOffset: op.outputZeroPoint, activationMin: op.activationMin, activationMax: op.activationMax)
        let offset = Int16(truncatingIfNeeded: 0 &- op.inputZeroPoint)
        let outC = g.outputDepth, tapCount = padded.taps.count
        let vectorChannels = outC / 8 * 8
        var out = output
        for b in 0..<g.batches {
            padded.fill(image, from: input + b * g.inputHeight * g.inputWidth * g.inputDepth, g: g,
                        depthMultiplier: depthMultiplier) { Int16($0) &+ offset }
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    let origin = UnsafePointer(image + padded.origin(oy, ox, g))
                    var c = 0
                    // Sixteen channels per step: one 256-bit int16 multiply (exact, see products8), widened into two accumulators.
                    while c &+ 16 <= outC {
                        var low = SIMD8<Int32>(repeating: 0), high = low
                        var t = 0
                        while t < tapCount {
                            let p = SIMDLanes.load16(origin + (taps[t] &+ c)) &* SIMDLanes.load16(weights + (t &* outC &+ c))
                            low &+= SIMDLanes.widen(p.lowHalf)
                            high &+= SIMDLanes.widen(p.highHalf)
                            t &+= 1
                        }
                        UnsafeMutableRawPointer(sums + c).storeBytes(of: low, as: SIMD8<Int32>.self)
                        UnsafeMutableRawPointer(sums + c + 8).storeBytes(of: high, as: SIMD8<Int32>.self)
                        c &+= 16
                    }
                    while c < vectorChannels {
                        var acc = SIMD8<Int32>(repeating: 0)
                        var t = 0
                        while t < tapCount {
                            acc &+= Self.products8(origin + (taps[t] &+ c), weights + (t &* outC &+ c))
                            t &+= 1
                        }
                        UnsafeMutableRawPointer(sums + c).storeBytes(of: acc, as: SIMD8<Int32>.self)
                        c &+= 8
                    }
                    while c < outC {
                        var acc: Int32 = 0
                        for t in 0..<tapCount { acc &+= Int32(origin[taps[t] &+ c]) &* Int32(weights[t &* outC &+ c]) }
                        sums[c] = acc
                        c &+= 1
                    }
                    stage.store(sums, count: outC, bias: bias, requantize: requantize, into: out)
                    out += outC
                }
            }
        }
    }

    /// A zero point outside int8 (hostile models only): the taps inside the input, scalar.
    private func evalInt8(_ context: EvalContext) {
        let input = UnsafePointer(context.input(0, as: Int8.self))
        let output = context.output(0, as: Int8.self)
        let g = op.geometry
        let rows = op.windowRows.base, cols = op.windowColumns.base
        let acc = accumulators32.base
        let weights = UnsafePointer(op.weights16.base)
        let bias = UnsafePointer(op.bias32.base), requantize = op.requantizer.view
        let stage = QuantizedOutputStage(outputOffset: op.outputZeroPoint, activationMin: op.activationMin, activationMax: op.activationMax)
        let inputOffset = 0 &- op.inputZeroPoint
        let inC = g.inputDepth, outC = g.outputDepth, dm = depthMultiplier
        let imageSize = g.inputHeight * g.inputWidth * inC
        var out = output
        for b in 0..<g.batches {
            let batch = input + b * imageSize
            for oy in 0..<g.outputHeight {
                let inY = oy * g.strideHeight - g.padHeight
                let rowStart = rows[2 * oy], rowEnd = rows[2 * oy + 1]
                for ox in 0..<g.outputWidth {
                    let inX = ox * g.strideWidth - g.padWidth
                    let colStart = cols[2 * ox], colEnd = cols[2 * ox + 1]
                    acc.update(repeating: 0, count: outC)
                    for fy in rowStart..<rowEnd {
                        let iy = inY + fy * g.dilationHeight
                        for fx in colStart..<colEnd {
                            let pixel = batch + (iy * g.inputWidth + inX + fx * g.dilationWidth) * inC
                            let tap = weights + (fy * g.filterWidth + fx) * outC
                            for ic in 0..<inC {
                                let x = Int32(pixel[ic]) &+ inputOffset
                                for m in 0..<dm { acc[ic * dm + m] &+= Int32(tap[ic * dm + m]) &* x }
                            }
                        }
                    }
                    stage.store(acc, count: outC, bias: bias, requantize: requantize, into: out)
                    out += outC
                }
            }
        }
    }

    private func evalInt16(_ context: EvalContext) {
        let input = UnsafePointer(context.input(0, as: Int16.self))
        let filter = UnsafePointer(op.weights16.base)
        let output = context.output(0, as: Int16.self)
        let g = op.geometry
        let rows = op.windowRows.base, cols = op.windowColumns.base
        let acc = accumulators64.base
        let bias = op.bias64.base, mult = op.multipliers.base, shift = op.shifts.base
        let actMin = op.activationMin, actMax = op.activationMax
        let inC = g.inputDepth, outC = g.outputDepth, dm = depthMultiplier
        let imageSize = g.inputHeight * g.inputWidth * inC
        let cmsis = cmsisRequantization
        var out = output
        for b in 0..<g.batches {
            let image = input + b * imageSize
            for oy in 0..<g.outputHeight {
                let inY = oy * g.strideHeight - g.padHeight
                let rowStart = rows[2 * oy], rowEnd = rows[2 * oy + 1]
                for ox in 0..<g.outputWidth {
                    let inX = ox * g.strideWidth - g.padWidth
                    let colStart = cols[2 * ox], colEnd = cols[2 * ox + 1]
                    acc.update(from: bias, count: outC)
                    for fy in rowStart..<rowEnd {
                        let iy = inY + fy * g.dilationHeight
                        for fx in colStart..<colEnd {
                            let pixel = image + (iy * g.inputWidth + inX + fx * g.dilationWidth) * inC
                            let tap = filter + (fy * g.filterWidth + fx) * outC
                            for ic in 0..<inC {
                                let x = Int32(pixel[ic])
                                let base = ic * dm
                                for m in 0..<dm { acc[base + m] &+= Int64(Int32(tap[base + m]) &* x) }
                            }
                        }
                    }
                    for oc in 0..<outC {
                        var v = cmsis ? Conv2DKernel.cmsisRequantize64(acc[oc], mult[oc], shift[oc])
                            : QuantizedMath.multiplyByQuantizedMultiplier(acc[oc], mult[oc], shift[oc])
                        v = max(v, actMin)
                        v = min(v, actMax)
                        out[oc] = Int16(truncatingIfNeeded: v)
                    }
                    out += outC
                }
            }
        }
    }

    private func evalFloatPadded(_ context: EvalContext, _ padded: PaddedImage) {
        let input = UnsafePointer(context.input(0, as: Float.self))
        let output = context.output(0, as: Float.self)
        let g = op.geometry
        let image = imageFloat.base
        let weights = UnsafePointer(op.floatWeights.base), taps = UnsafePointer(padded.taps.base)
        let bias = UnsafePointer(op.biasFloat.base)
        let lo = op.floatMin, hi = op.floatMax
        let outC = g.outputDepth, tapCount = padded.taps.count
        let vectorChannels = outC / 8 * 8
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
        var out = output
        for b in 0..<g.batches {
            padded.fill(image, from: input + b * g.inputHeight * g.inputWidth * g.inputDepth, g: g,
                        depthMultiplier: depthMultiplier) { $0 }
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    let origin = UnsafePointer(image + padded.origin(oy, ox, g))
                    var c = 0
                    while c < vectorChannels {
                        var acc = SIMD8<Float>(repeating: 0)
                        var t = 0
                        while t < tapCount {
                            acc = acc + load(origin + (taps[t] &+ c)) * load(weights + (t &* outC &+ c))
                            t &+= 1
                        }
                        let v = FloatGEMM.clamp(acc + load(bias + c), lo, hi)
                        UnsafeMutableRawPointer(out + c).storeBytes(of: v, as: SIMD8<Float>.self)
                        c &+= 8
                    }
                    while c < outC {
                        var acc: Float = 0
                        for t in 0..<tapCount { acc = acc + origin[taps[t] &+ c] * weights[t &* outC &+ c] }
                        out[c] = FloatGEMM.clamp(acc + bias[c], lo, hi)
                        c &+= 1
                    }
                    out += outC
                }
            }
        }
    }

    /// Non-finite or run-time weights: the taps inside the input only, as TFLM's loop.
    private func evalFloat(_ context: EvalContext) {
        let input = UnsafePointer(context.input(0, as: Float.self))
        let output = context.output(0, as: Float.self)
        let g = op.geometry
        let rows = op.windowRows.base, cols = op.windowColumns.base
        let weights = UnsafePointer(op.floatWeights.base)
        let acc = op.floatAccumulators.base
        let bias = op.biasFloat.base
        let lo = op.floatMin, hi = op.floatMax
        let inC = g.inputDepth, outC = g.outputDepth, dm = depthMultiplier
        let imageSize = g.inputHeight * g.inputWidth * inC
        var out = output
        for b in 0..<g.batches {
            let image = input + b * imageSize
            for oy in 0..<g.outputHeight {
                let inY = oy * g.strideHeight - g.padHeight
                let rowStart = rows[2 * oy], rowEnd = rows[2 * oy + 1]
                for ox in 0..<g.outputWidth {
                    let inX = ox * g.strideWidth - g.padWidth
                    let colStart = cols[2 * ox], colEnd = cols[2 * ox + 1]
                    acc.update(repeating: 0, count: outC)
                    for fy in rowStart..<rowEnd {
                        let iy = inY + fy * g.dilationHeight
                        for fx in colStart..<colEnd {
                            let pixel = image + (iy * g.inputWidth + inX + fx * g.dilationWidth) * inC
                            let tap = weights + (fy * g.filterWidth + fx) * outC
                            if dm == 1 {
                                var c = 0
                                while c < outC { acc[c] = acc[c] + pixel[c] * tap[c]; c &+= 1 }
                            } else {
                                for ic in 0..<inC {
                                    let x = pixel[ic]
                                    let base = ic * dm
                                    for m in 0..<dm { acc[base + m] = acc[base + m] + x * tap[base + m] }
                                }
                            }
                        }
                    }
                    for oc in 0..<outC { out[oc] = Conv2DKernel.clamp(acc[oc] + bias[oc], lo, hi) }
                    out += outC
                }
            }
        }
    }
}

/// DEPTHWISE_CONV_2D's input as its tap loops read it: converted once per eval (int8 -
/// zero point to int16, or float), each input channel repeated depth_multiplier times so
/// output channel c reads lane c, and surrounded by zeros wide enough that every window
/// lies inside. The zeros are written in prepare and eval writes only the interior, so no
/// tap is tested or skipped.
struct PaddedImage {
    /// Padded size in pixels, and where the input starts in it.
    let width: Int, height: Int
    let top: Int, left: Int
    /// Elements per pixel: the output depth.
    let channels: Int
    /// Each filter tap's element offset from its window's origin, in filter order (row, column).
    let taps: OwnedBuffer<Int>

    var elements: Int { width * height * channels }

    /// nil when the padded image would exceed 16M elements (hostile strides, dilations or
    /// multipliers): the kernel then runs its clipped loop.
    init?(_ g: ConvGeometry, channels: Int) {
        let spanHeight = (g.outputHeight - 1) * g.strideHeight + (g.filterHeight - 1) * g.dilationHeight + 1
        let spanWidth = (g.outputWidth - 1) * g.strideWidth + (g.filterWidth - 1) * g.dilationWidth + 1
        top = g.padHeight
        left = g.padWidth
        height = max(top + g.inputHeight, spanHeight)
        width = max(left + g.inputWidth, spanWidth)
        self.channels = channels
        let (pixels, overflow) = height.multipliedReportingOverflow(by: width)
        guard g.outputHeight > 0, g.outputWidth > 0, !overflow, pixels <= (1 << 24) / max(channels, 1) else { return nil }
        taps = OwnedBuffer<Int>(count: g.filterHeight * g.filterWidth, repeating: 0)
        for fy in 0..<g.filterHeight {
            for fx in 0..<g.filterWidth {
                taps[fy * g.filterWidth + fx] = (fy * g.dilationHeight * width + fx * g.dilationWidth) * channels
            }
        }
    }

    /// The element offset of output pixel (oy, ox)'s window origin.
    @inline(__always)
    func origin(_ oy: Int, _ ox: Int, _ g: ConvGeometry) -> Int {
        (oy &* g.strideHeight &* width &+ ox &* g.strideWidth) &* channels
    }

    /// Writes one batch of the input into the interior, each value converted.
    @inline(__always)
    func fill<In, Out>(_ image: UnsafeMutablePointer<Out>, from input: UnsafePointer<In>, g: ConvGeometry, depthMultiplier dm: Int,
                       _ convert: (In) -> Out) {
        let rowLength = g.inputWidth * g.inputDepth
        for y in 0..<g.inputHeight {
            let src = input + y * rowLength
            let dst = image + ((y + top) * width + left) * channels
            if dm == 1 {
                var i = 0
                while i < rowLength { dst[i] = convert(src[i]); i &+= 1 }
            } else {
                for i in 0..<rowLength {
                    (dst + i * dm).update(repeating: convert(src[i]), count: dm)
                }
            }
        }
    }
}
