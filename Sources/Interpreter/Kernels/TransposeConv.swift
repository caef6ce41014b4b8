import Foundation

// TRANSPOSE_CONV, as TFLM's transpose_conv.cc (reference) and
// cmsis_nn/transpose_conv.cc. Inputs: 0 output_shape (ignored: TFLM takes the
// output's stored shape), 1 weights [out_ch, fh, fw, in_ch], 2 input, 3 optional bias.
//
// Arithmetic (reference_ops / reference_integer_ops::TransposeConv):
// - int8: acc = sum (input + input_offset) * weight in int32 (the weights' zero point
//   is ignored), + bias, per-channel MultiplyByQuantizedMultiplier, + output zero
//   point, clamp.
// - int16 x int8 ("16x8"): acc = sum input * weight in int64 (input and output zero
//   points are both ignored), + int64 bias (an int16 bias is widened first), the
//   64-bit MultiplyByQuantizedMultiplier, clamp.
// - float32: TFLM scatters input * weight into the zeroed output in loop order
//   (in_y, in_x, in_ch, f_y, f_x, out_ch), then adds the bias and clamps. Here each
//   output element gathers its contributions instead, visiting (in_y, in_x, in_ch) in
//   the same ascending order, so every float sum rounds identically. Integer sums do
//   not depend on order.
//
// CMSIS-NN (int8: arm_transpose_conv_s8, or arm_convolve_s8 on the upscaled input
// when both strides are <= 2 and in_ch > 16) computes the same int8 sums, but its
// prepare quantizes the activation range for kTfLiteActNone: with the CMSIS-NN
// variant a fused activation of an int8 or int16 TRANSPOSE_CONV is not applied.
// mcusim reproduces that (float keeps its activation in both variants).

final class TransposeConvKernel: Kernel {
    static let registration = OperatorRegistration(
        .transposeConv, resolver: "AddTransposeConv", options: TransposeConvOptions.self, builtinData: CStruct("TfLiteTransposeConvParams", [.smallEnum, .int32, .int32, .smallEnum, .smallEnum]),
        temporaries: .takenInPrepare, macs: MACRule { shapes in
            // Inputs: output_shape, weights [out_c, kh, kw, in_c], input.
            guard let filter = shapes.input(1), filter.count == 4 else { return 0 }
            return OperatorShapes.count(shapes.input(2)) &* filter[0] &* filter[1] &* filter[2]
        }) { TransposeConvKernel() }

    private enum Kind { case float32, int8, int16 }
    private var kind = Kind.int8
    private var hasBias = false
    private var biasIsInt16 = false
    private var batches = 0
    private var inputHeight = 0, inputWidth = 0, inputDepth = 0
    private var outputHeight = 0, outputWidth = 0, outputDepth = 0
    private var filterHeight = 0, filterWidth = 0
    private var strideHeight = 1, strideWidth = 1
    private var padHeight = 0, padWidth = 0
    private var inputOffset: Int32 = 0
    private var outputOffset: Int32 = 0
    private var activationMin: Int32 = 0
    private var activationMax: Int32 = 0
    private var floatMin: Float = 0
    private var floatMax: Float = 0
    private var multipliers = OwnedBuffer<Int32>([])
    private var shifts = OwnedBuffer<Int32>([])

    func prepare(_ context: PrepareContext) throws {
        guard context.inputCount == 3 || context.inputCount == 4 else {
            throw context.invalid("\(context.op.name) takes 3 or 4 inputs, got \(context.inputCount)")
        }
        guard context.outputCount == 1 else { throw context.invalid("\(context.op.name) has 1 output, got \(context.outputCount)") }
        let filter = try context.requireInput(1)
        let input = try context.requireInput(2)
        let bias = context.inputCount == 4 ? context.input(3) : nil
        let output = try context.requireOutput(0)
        let cmsis = context.variant == .cmsisNN

        switch (input.type, filter.type) {
        case (.float32, .float32): kind = .float32
        case (.int8, .int8): kind = .int8
        case (.int16, .int8): kind = .int16
        case (.float32, _), (.int8, _), (.int16, _):
            throw context.unsupported("Hybrid models are not supported on TFLite Micro (input \(input.type.name), weights \(filter.type.name))")
        default:
            throw context.unsupported("input type \(input.type.name) is not supported (supported: FLOAT32, INT8, INT16 with INT8 weights)")
        }
        guard output.type == input.type else {
            throw context.invalid("output type \(output.type.name) differs from input type \(input.type.name)")
        }
        guard input.rank == 4, filter.rank == 4, output.rank == 4 else {
            throw context.invalid("input \(input.shape), weights \(filter.shape) and output \(output.shape) must all be 4-D")
        }
        guard input.shape[0] == output.shape[0], input.shape[3] == filter.shape[3], filter.shape[0] == output.shape[3] else {
            throw context.invalid("shapes do not match: input \(input.shape), weights \(filter.shape), output \(output.shape)")
        }
        batches = input.shape[0]
        inputHeight = input.shape[1]; inputWidth = input.shape[2]; inputDepth = input.shape[3]
        outputHeight = output.shape[1]; outputWidth = output.shape[2]; outputDepth = output.shape[3]
        filterHeight = filter.shape[1]; filterWidth = filter.shape[2]
        let channels = filter.shape[0]

        // OpData in Init, then the per-channel multiplier and shift arrays (for every
        // type). The reference OpData grows by two ints with USE_TFLM_COMPRESSION (as in
        // TFLM's Python package: 88 bytes on x86-64, 72 on Cortex-M without it).
        if cmsis {
            context.allocatePersistent(.opData(ShapeStructs.cmsisOpDataTransposeConv))
        } else {
            context.allocatePersistent(PersistentRequest("OpData (TRANSPOSE_CONV)", phase: .initialization,
                                                         size: .compressible(plain: ShapeStructs.opDataTransposeConv(compression: false),
                                                                             compressed: ShapeStructs.opDataTransposeConv(compression: true))))
        }
        context.tempOutput(0)
        context.tempInput(2)
        context.tempInput(1)
        context.allocatePersistent(.int32Array("per-channel output multipliers", count: channels))
        context.allocatePersistent(.int32Array("per-channel output shifts", count: channels))
        if kind != .float32 {
            // CalculateOpData takes its temporary tensors for quantized inputs only.
            context.tempInput(2)
            context.tempInput(1)
            context.tempInput(3)
            context.tempOutput(0)
        }

        let options = context.options(TransposeConvOptions.self)
        let strideH = Int(options.strideH), strideW = Int(options.strideW)
        guard strideH >= 1, strideW >= 1, strideH <= Int(Int16.max), strideW <= Int(Int16.max) else {
            throw context.invalid("strides (\(strideH), \(strideW)) must be positive")
        }
        strideHeight = strideH
        strideWidth = strideW
        guard filterHeight > 0, filterWidth > 0 else { throw context.invalid("weights shape \(filter.shape) has an empty window") }
        // ComputePaddingHeightWidth with the output as the "image" (dilation 1).
        let padding = options.padding
        func pad(_ image: Int, _ window: Int, _ stride: Int) -> (pad: Int, valid: Bool) {
            let out: Int
            switch padding {
            case .same: out = (image + stride - 1) / stride
            case .valid: out = (image + stride - window) / stride
            default: return (0, false)
            }
            guard out >= 0 else { return (0, false) }
            return (max((out - 1) * stride + window - image, 0) / 2, true)
        }
        let (ph, okH) = pad(outputHeight, filterHeight, strideH)
        let (pw, okW) = pad(outputWidth, filterWidth, strideW)
        // A failed width computation leaves both paddings 0 in TFLM; so does a failed height.
        padHeight = okH && okW ? ph : 0
        padWidth = okH && okW ? pw : 0
        guard padHeight <= Int(Int16.max), padWidth <= Int(Int16.max) else {
            throw context.invalid("padding (\(padHeight), \(padWidth)) does not fit TFLM's int16 fields")
        }

        if let bias {
            let expected: Set<TensorType> = kind == .float32 ? [.float32] : (kind == .int8 ? [.int32] : [.int64, .int16])
            guard expected.contains(bias.type) else {
                throw context.unsupported("bias type \(bias.type.name) is not supported with \(input.type.name) input")
            }
            guard bias.elementCount == outputDepth else {
                throw context.invalid("bias has \(bias.elementCount) values, the output has \(outputDepth) channels")
            }
            biasIsInt16 = bias.type == .int16
        }
        hasBias = bias != nil

        let outputElements = output.elementCount
        let activation = options.fusedActivationFunction
        switch kind {
        case .float32:
            (floatMin, floatMax) = QuantizedMath.activationRange(activation)
            context.runsReference(.float32)
        case .int8:
            if cmsis {
                let reverse = strideW <= 2 && strideH <= 2 && inputDepth > 16
                let bufferBytes: Int
                let reverseBytes: Int
                if reverse {
                    // arm_convolve_s8_get_buffer_size (DSP): 2 columns of int16 im2col.
                    let cols = filterWidth * filterHeight * inputDepth
                    bufferBytes = 2 * ((cols + 3) / 4 * 4) * 2
                    reverseBytes = inputDepth * filterWidth * filterHeight * outputDepth
                } else {
                    // arm_transpose_conv_s8's rolling int32 row buffer (CMSIS-NN takes the
                    // width's MAX with stride.h, as written there).
                    let bufX = ((inputWidth - 1) * strideW + max(filterWidth, strideH)) * outputDepth
                    let bufY = max(filterHeight, strideH)
                    bufferBytes = bufX * bufY * 4
                    reverseBytes = 0
                }
                context.requestScratch(bytes: bufferBytes)
                context.requestScratch(bytes: reverseBytes)
                context.runs(reverse ? .convolveS8 : .transposeConvS8)
            } else {
                context.requestScratch(bytes: outputElements * 4)
                context.runsReference(.int8)
            }
        case .int16:
            if cmsis && bias == nil {
                throw context.unsupported("CMSIS-NN's 16x8 TRANSPOSE_CONV reads the bias type unconditionally; a bias is required")
            }
            context.requestScratch(bytes: outputElements * 8)
            if let bias, bias.type == .int16 { context.requestScratch(bytes: bias.elementCount * 8) }
            context.runsReference(.int16)
        }

        if kind != .float32 {
            guard let inputScale = input.scale.first, inputScale > 0, inputScale.isFinite else {
                throw context.invalid("quantized input has no positive scale")
            }
            guard let outputScale = output.scale.first, outputScale > 0, outputScale.isFinite else {
                throw context.invalid("quantized output has no positive scale")
            }
            let filterScales = filter.scale
            guard filterScales.count == 1 || filterScales.count == channels else {
                throw context.invalid("weights have \(filterScales.count) scales for \(channels) output channels")
            }
            guard filter.zeroPoint.count == filterScales.count else {
                throw context.invalid("weights have \(filterScales.count) scales but \(filter.zeroPoint.count) zero points")
            }
            if filterScales.count > 1 {
                let q = filter.quantizedDimension
                guard q >= 0, q < filter.rank, filter.shape[q] == channels else {
                    throw context.invalid("per-channel weights quantized on dimension \(q) do not have \(channels) channels there")
                }
            }
            var m: [Int32] = [], s: [Int32] = []
            for c in 0..<channels {
                let filterScale = filterScales.count > 1 ? filterScales[c] : filterScales[0]
                let real = Double(inputScale) * Double(filterScale) / Double(outputScale)
                let (multiplier, shift) = QuantizedMath.quantizeMultiplier(real)
                m.append(multiplier)
                s.append(shift)
            }
            multipliers = OwnedBuffer(m)
            shifts = OwnedBuffer(s)
            let range: (Int32, Int32) = kind == .int8 ? (Int32(Int8.min), Int32(Int8.max)) : (Int32(Int16.min), Int32(Int16.max))
            // CMSIS-NN's CalculateOpData passes kTfLiteActNone.
            let applied = cmsis ? FusedActivation.none : activation
            (activationMin, activationMax) = try QuantizedMath.activationRange(
                applied, scale: outputScale, zeroPoint: output.scalarZeroPoint, typeMin: range.0, typeMax: range.1, in: context)
            inputOffset = -input.scalarZeroPoint
            outputOffset = output.scalarZeroPoint
        }

        var geometry = ConvolutionGeometry()
        geometry.batches = batches
        (geometry.inputHeight, geometry.inputWidth, geometry.inputDepth) = (inputHeight, inputWidth, inputDepth)
        (geometry.filterHeight, geometry.filterWidth, geometry.filterDepth) = (filterHeight, filterWidth, inputDepth)
        (geometry.outputHeight, geometry.outputWidth, geometry.outputDepth) = (outputHeight, outputWidth, outputDepth)
        (geometry.strideHeight, geometry.strideWidth) = (strideH, strideW)
        (geometry.paddingHeight, geometry.paddingWidth) = (padHeight, padWidth)
        geometry.activation = activation
        context.geometry = .convolution(geometry)
    }

    func eval(_ context: EvalContext) throws {
        switch kind {
        case .float32:
            evalFloat(context.input(2, as: Float.self), context.input(1, as: Float.self),
                      hasBias ? context.optionalInput(3, as: Float.self) : nil, context.output(0, as: Float.self))
        case .int8:
            evalInt8(context.input(2, as: Int8.self), context.input(1, as: Int8.self),
                     hasBias ? context.optionalInput(3, as: Int32.self) : nil, context.output(0, as: Int8.self))
        case .int16:
            evalInt16(context.input(2, as: Int16.self), context.input(1, as: Int8.self),
                      hasBias ? context.optionalInput(3, as: UInt8.self) : nil, context.output(0, as: Int16.self))
        }
    }

    /// Calls `body(inputOffset, filterOffset)` for every input pixel contributing to
    /// output pixel (outY, outX) of batch `b`, in ascending (in_y, in_x) order; the
    /// offsets point at channel 0 of the input pixel and of the weights' (f_y, f_x)
    /// window position for output channel 0.
    @inline(__always)
    private func forEachContribution(_ b: Int, _ outY: Int, _ outX: Int, _ body: (Int, Int) -> Void) {
        // in_y * stride = out_y + pad - f_y: f_y descending gives in_y ascending.
        var fy = filterHeight &- 1
        while fy >= 0 {
            let ty = outY &+ padHeight &- fy
            if ty >= 0 && ty % strideHeight == 0 {
                let inY = ty / strideHeight
                if inY < inputHeight {
                    var fx = filterWidth &- 1
                    while fx >= 0 {
                        let tx = outX &+ padWidth &- fx
                        if tx >= 0 && tx % strideWidth == 0 {
                            let inX = tx / strideWidth
                            if inX < inputWidth {
                                let inputBase = ((b &* inputHeight &+ inY) &* inputWidth &+ inX) &* inputDepth
                                let filterBase = (fy &* filterWidth &+ fx) &* inputDepth
                                body(inputBase, filterBase)
                            }
                        }
                        fx &-= 1
                    }
                }
            }
            fy &-= 1
        }
    }

    private func evalFloat(_ input: UnsafeMutablePointer<Float>, _ filter: UnsafeMutablePointer<Float>,
                           _ bias: UnsafeMutablePointer<Float>?, _ output: UnsafeMutablePointer<Float>) {
        let depth = inputDepth
        let channelStride = filterHeight &* filterWidth &* depth
        let (lo, hi) = (floatMin, floatMax)
        var out = 0
        for b in 0..<batches {
            for y in 0..<outputHeight {
                for x in 0..<outputWidth {
                    for oc in 0..<outputDepth {
                        var acc: Float = 0
                        let weights = filter + oc &* channelStride
                        forEachContribution(b, y, x) { inputBase, filterBase in
                            for ic in 0..<depth {
                                acc += input[inputBase &+ ic] * weights[filterBase &+ ic]
                            }
                        }
                        if let bias { acc += bias[oc] }
                        // ActivationFunctionWithMinMax: std::min(std::max(x, lo), hi).
                        let clampedLow = acc < lo ? lo : acc
                        output[out] = hi < clampedLow ? hi : clampedLow
                        out &+= 1
                    }
                }
            }
        }
    }

    private func evalInt8(_ input: UnsafeMutablePointer<Int8>, _ filter: UnsafeMutablePointer<Int8>,
                          _ bias: UnsafeMutablePointer<Int32>?, _ output: UnsafeMutablePointer<Int8>) {
        let depth = inputDepth
        let channelStride = filterHeight &* filterWidth &* depth
        let multiplier = multipliers.base, shift = shifts.base
        let (inOffset, outOffset, lo, hi) = (inputOffset, outputOffset, activationMin, activationMax)
        var out = 0
        for b in 0..<batches {
            for y in 0..<outputHeight {
                for x in 0..<outputWidth {
                    for oc in 0..<outputDepth {
                        var acc: Int32 = 0
                        let weights = filter + oc &* channelStride
                        forEachContribution(b, y, x) { inputBase, filterBase in
                            for ic in 0..<depth {
                                acc &+= (Int32(input[inputBase &+ ic]) &+ inOffset) &* Int32(weights[filterBase &+ ic])
                            }
                        }
                        if let bias { acc &+= bias[oc] }
                        var v = QuantizedMath.multiplyByQuantizedMultiplier(acc, multiplier[oc], shift[oc])
                        v &+= outOffset
                        v = max(v, lo)
                        v = min(v, hi)
                        output[out] = Int8(truncatingIfNeeded: v)
                        out &+= 1
                    }
                }
            }
        }
    }

    private func evalInt16(_ input: UnsafeMutablePointer<Int16>, _ filter: UnsafeMutablePointer<Int8>,
                           _ biasBytes: UnsafeMutablePointer<UInt8>?, _ output: UnsafeMutablePointer<Int16>) {
        let depth = inputDepth
        let channelStride = filterHeight &* filterWidth &* depth
        let multiplier = multipliers.base, shift = shifts.base
        let (lo, hi) = (activationMin, activationMax)
        let bias = biasBytes.map { UnsafeRawPointer($0) }
        let int16Bias = biasIsInt16
        var out = 0
        for b in 0..<batches {
            for y in 0..<outputHeight {
                for x in 0..<outputWidth {
                    for oc in 0..<outputDepth {
                        var acc: Int64 = 0
                        let weights = filter + oc &* channelStride
                        forEachContribution(b, y, x) { inputBase, filterBase in
                            for ic in 0..<depth {
                                acc &+= Int64(Int32(input[inputBase &+ ic]) &* Int32(weights[filterBase &+ ic]))
                            }
                        }
                        if let bias {
                            acc &+= int16Bias ? Int64(bias.loadUnaligned(fromByteOffset: oc &* 2, as: Int16.self))
                                : bias.loadUnaligned(fromByteOffset: oc &* 8, as: Int64.self)
                        }
                        var v = QuantizedMath.multiplyByQuantizedMultiplier(acc, multiplier[oc], shift[oc])
                        v = max(v, lo)
                        v = min(v, hi)
                        output[out] = Int16(truncatingIfNeeded: v)
                        out &+= 1
                    }
                }
            }
        }
    }
}
