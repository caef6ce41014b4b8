import Foundation

// CONV_2D, bit-exact with TFLM's reference kernels (micro/kernels/conv.cc with
// reference_ops::Conv and reference_integer_ops::ConvPerChannel), declaring the
// operator data and scratch of either conv.cc or cmsis_nn/conv.cc.
//
// Types, as TFLM accepts them: float32; int8 activations with int8 weights (per-channel
// or per-tensor scales) and int32 bias; int16 activations with int8 weights and int64
// or int32 bias. Float activations with int8 weights ("hybrid") are refused as TFLM
// refuses them, and so are packed int4 weights, which mcusim does not unpack.
//
// Arithmetic notes:
// - int8: TFLM sums filter * (input - input_zp) over the taps inside the image in an
//   int32. Here the receptive fields of a tile of output pixels are gathered (im2col)
//   as int16 input - input_zp, with 0 for padding taps, and multiplied with the weights
//   widened to int16 (Int16GEMM): the same int32 sums modulo 2^32 (integer addition in
//   any order), so the same bits even where C's accumulator would wrap.
// - float: additions happen per output channel in TFLM's order (filter row, column,
//   input channel, then + bias, + 0 without one), so the sums round identically. TFLM
//   skips padding taps; the gathered rows hold 0 there instead, and with finite weights
//   adding 0 * w = +-0 changes no sum (a sum that starts at +0 is never -0 under
//   round-to-nearest, and x + +-0 = x for every other x, NaN and infinities included).
//   Models with a non-finite weight, several groups or weights computed at run time take
//   the loop that skips padding taps.
// - int16: the reference ignores zero points (the converter makes them 0). With an
//   int64 bias (or none, unless the options' quantized_bias_type is INT32) it
//   accumulates in int64 and requantizes with the 16-bit reduced multiplier; with an
//   int32 bias it accumulates in int32 and requantizes like int8. CMSIS-NN's
//   arm_convolve_s16 sums products in int32 in both cases and takes the int32 route
//   when there is no bias; the .cmsisNN variant follows it.

final class Conv2DKernel: Kernel {
    static let registration = OperatorRegistration(.conv2D, resolver: "AddConv2D", options: Conv2DOptions.self, builtinData: TFLMStructs.convParams, temporaries: .takenInPrepare,
                                                   macs: MACRule { shapes in
        // Every output element: filter_h * filter_w * input channels per group.
        guard let filter = shapes.input(1), filter.count == 4 else { return 0 }
        return shapes.outputElements &* filter[1] &* filter[2] &* filter[3]
    }) { Conv2DKernel() }

    /// The operator data both convolutions share (TFLM\'s OpDataConv and what mcusim derives from it).
    private var op = ConvOpData()
    private enum Arithmetic {
        case float32
        case int8
        /// Products summed in int64, int64 bias, 64-bit requantization (reference 16x8).
        case int16Wide
        /// Products summed in int32, int32 bias, 32-bit requantization.
        case int16Narrow
        /// CMSIS-NN with an int64 bias: products summed in int32, then the int64 bias,
        /// then arm_nn_requantize_s64.
        case int16NarrowSumWideBias
    }

    private var arithmetic: Arithmetic = .float32
    private var groups = 1
    private var filterDepth = 0
    private var filtersPerGroup = 0
    /// Elements of one output channel's filter: filter_h * filter_w * filter input depth.
    private var filterVolume = 0
    private var biasIsInt64 = false


    /// filterVolume rounded up to a multiple of 8: the row length of the int16 products
    /// (weights and gathered rows hold zeros beyond filterVolume).
    private var paddedVolume = 0
    /// Output pixels whose receptive fields are gathered for one matrix product.
    private var tileRows = 1
    /// The gathered receptive fields of `tileRows` output positions, [tileRows][paddedVolume]:
    /// int8 input - zero point, or the int16 input.
    private var columnInt16 = OwnedBuffer<Int16>(count: 0, repeating: 0)
    /// int8: the tile's int32 sums, [tileRows][filtersPerGroup].
    private var tileSums = OwnedBuffer<Int32>(count: 0, repeating: 0)
    /// int8 with one group: the int16 weights in Int16GEMM's column panels.
    private var weightPanels = OwnedBuffer<Int16>(count: 0, repeating: 0)
    /// Output channels rounded up to whole panels: the row stride of `tileSums`.
    private var paddedColumns = 0
    /// float32 through FloatGEMM: the gathered fields [tileRows][filterVolume] and the
    /// weights as FloatGEMM panels.
    private var floatGEMM = false
    private var columnFloat = OwnedBuffer<Float>(count: 0, repeating: 0)
    private var floatPanels = OwnedBuffer<Float>(count: 0, repeating: 0)
    /// int8 with an input zero point outside int8 (only a hostile model): input + offset.
    private var columnInt32 = OwnedBuffer<Int32>(count: 0, repeating: 0)
    private var zeroPointFitsInt8 = true

    func prepare(_ context: PrepareContext) throws {
        // Init: the operator data.
        ConvOpData.initialize(context)

        let operands = try ConvOperands(context, filterLayout: "OHWI")
        let (input, filter, output, bias, options) = (operands.input, operands.filter, operands.output, operands.bias, operands.options)
        if context.variant == .cmsisNN, ![.float32, .int16, .int8].contains(input.type) {
            throw context.unsupported("input type \(input.type.name) is not supported (CMSIS-NN: \"Input data type not supported\")")
        }
        switch (input.type, filter.type) {
        case (.float32, .float32), (.int16, .int8), (.int8, .int8):
            break
        case (.int8, .int4):
            throw context.unsupported("packed int4 weights are not supported by mcusim")
        default:
            throw context.unsupported("input \(input.type.name) with filter \(filter.type.name): Hybrid models are not supported on TFLite Micro.")
        }
        op.geometry = operands.geometry
        let g = op.geometry
        let outputChannels = filter.shape[0]
        guard outputChannels == g.outputDepth else {
            throw context.invalid("filter has \(outputChannels) output channels, output has \(g.outputDepth)")
        }
        filterDepth = filter.shape[3]
        // Grouped convolution: input channels a multiple of the filter's.
        guard filterDepth > 0, g.inputDepth % filterDepth == 0 else {
            throw context.invalid("input depth \(g.inputDepth) is not a multiple of the filter depth \(filterDepth)")
        }
        groups = g.inputDepth / filterDepth
        guard groups > 0, g.outputDepth % groups == 0 else {
            throw context.invalid("output depth \(g.outputDepth) is not a multiple of the \(groups) groups")
        }
        filtersPerGroup = g.outputDepth / groups
        filterVolume = g.filterHeight * g.filterWidth * filterDepth
        paddedVolume = (filterVolume + 7) / 8 * 8
        // About 16 KB of gathered rows: with four weight rows they stay in a 32 KB L1 cache.
        tileRows = max(2, min(64, 16384 / max(paddedVolume * 2, 1)))
        op.hasBias = bias != nil
        if let bias {
            guard bias.elementCount == outputChannels else {
                throw context.invalid("bias has \(bias.elementCount) elements for \(outputChannels) output channels")
            }
        }

        ConvOpData.allocatePerChannel(context, channels: outputChannels, quantized: input.type != .float32)
        (op.windowRows, op.windowColumns) = g.windowTables()
        context.geometry = .convolution(g.workload(filterDepth: filterDepth, activation: options.activationCode, groups: groups))

        switch input.type {
        case .float32:
            try prepareFloat(context, filter: filter, bias: bias, options: options)
        case .int8:
            try prepareInt8(context, input: input, filter: filter, bias: bias, output: output, options: options)
        default:
            try prepareInt16(context, input: input, filter: filter, bias: bias, output: output, options: options)
        }
    }

    // MARK: Prepare per type

    private func prepareFloat(_ context: PrepareContext, filter: TensorInfo, bias: TensorInfo?, options: ConvOptions) throws {
        if let bias, bias.type != .float32 {
            throw context.unsupported("bias type \(bias.type.name) is not supported with float32 input")
        }
        arithmetic = .float32
        (op.floatMin, op.floatMax) = QuantizedMath.activationRange(options.activation)
        let outC = op.geometry.outputDepth
        op.floatWeights = OwnedBuffer<Float>(count: outC * filterVolume, repeating: 0)
        op.floatAccumulators = OwnedBuffer<Float>(count: outC, repeating: 0)
        op.biasFloat = OwnedBuffer<Float>(count: outC, repeating: 0)
        if let data = filter.constantData { prepareFloatWeights(UnsafeRawPointer(data)) } else { op.weightsNeedEval = true }
        if groups == 1, let data = filter.constantData,
           (0..<(outC * filterVolume)).allSatisfy({ data.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self).isFinite }) {
            floatGEMM = true
            columnFloat = OwnedBuffer<Float>(count: tileRows * filterVolume, repeating: 0)
            let panelCount = (outC + FloatGEMM.panelWidth - 1) / FloatGEMM.panelWidth
            floatPanels = OwnedBuffer<Float>(count: panelCount * filterVolume * FloatGEMM.panelWidth, repeating: 0)
            let volume = filterVolume
            FloatGEMM.pack(depth: volume, columns: outC, into: floatPanels.base) { k, n in
                data.loadUnaligned(fromByteOffset: (n * volume + k) * 4, as: Float.self)
            }
        }
        if let bias {
            if let data = bias.constantData { ConvLoad.values(data, count: outC, as: Float.self, into: op.biasFloat.base) } else { op.biasNeedsEval = true }
        }
        context.runsReference(.float32)
    }

    private func prepareInt8(_ context: PrepareContext, input: TensorInfo, filter: TensorInfo, bias: TensorInfo?,
                             output: TensorInfo, options: ConvOptions) throws {
        if let bias, bias.type != .int32 {
            throw context.unsupported("bias type \(bias.type.name) is not supported with int8 input (int32 expected)")
        }
        arithmetic = .int8
        try op.prepareQuantization(context, input: input, filter: filter, output: output, options: options, channels: filter.shape[0])
        let outC = op.geometry.outputDepth
        op.bias32 = OwnedBuffer<Int32>(count: outC, repeating: 0)
        if let bias {
            if let data = bias.constantData { ConvLoad.values(data, count: outC, as: Int32.self, into: op.bias32.base) } else { op.biasNeedsEval = true }
        }
        op.inputZeroPoint = input.scalarZeroPoint
        op.outputZeroPoint = output.scalarZeroPoint
        zeroPointFitsInt8 = op.inputZeroPoint >= Int32(Int8.min) && op.inputZeroPoint <= Int32(Int8.max)
        if zeroPointFitsInt8 {
            columnInt16 = OwnedBuffer<Int16>(count: tileRows * paddedVolume, repeating: 0)
            paddedColumns = Int16GEMM.panelCount(columns: filtersPerGroup) * Int16GEMM.panelWidth
            tileSums = OwnedBuffer<Int32>(count: tileRows * paddedColumns, repeating: 0)
        } else {
            columnInt32 = OwnedBuffer<Int32>(count: filterVolume, repeating: 0)
        }
        prepareWeights16(filter)

        let g = op.geometry
        if context.variant == .cmsisNN {
            // arm_convolve_wrapper_s8 and arm_convolve_wrapper_s8_get_buffer_size for a
            // core with the DSP extension and no MVE (Cortex-M4/M7), built with GCC.
            let inputChannelsMatch = g.inputDepth == filterDepth
            let is1x1 = g.padWidth == 0 && g.padHeight == 0 && g.filterWidth == 1 && g.filterHeight == 1
                && g.dilationWidth == 1 && g.dilationHeight == 1 && inputChannelsMatch
            let is1xN = g.inputHeight == 1 && g.dilationWidth == 1 && g.filterHeight == 1
                && (g.strideWidth * g.inputDepth) % 4 == 0 && inputChannelsMatch
            var bufferBytes = 0
            if is1x1 {
                if g.strideWidth == 1 && g.strideHeight == 1 {
                    // arm_convolve_1x1_s8_fast: its DSP buffer (2 * c int16s) is only
                    // requested by Arm Compiler 6 builds; GCC builds request none.
                    context.runs(.convolve1x1S8Fast)
                } else {
                    context.runs(.convolve1x1S8)
                }
            } else {
                // arm_convolve_1_x_n_s8 without MVE calls arm_convolve_s8 itself.
                context.runs(.convolveS8)
                if is1xN, case var .convolution(w) = context.geometry {
                    w.viaConvolve1xN = true
                    context.geometry = .convolution(w)
                }
                bufferBytes = Self.convolveS8BufferBytes(filterHeight: g.filterHeight, filterWidth: g.filterWidth,
                                                         inputChannels: g.inputDepth)
            }
            if bufferBytes > 0 { context.requestScratch(bytes: bufferBytes) }
        } else {
            context.runsReference(.int8)
        }
    }

    private func prepareInt16(_ context: PrepareContext, input: TensorInfo, filter: TensorInfo, bias: TensorInfo?,
                              output: TensorInfo, options: ConvOptions) throws {
        if let bias, bias.type != .int64, bias.type != .int32 {
            throw context.unsupported("bias type \(bias.type.name) is not supported with int16 input (int32 or int64 expected)")
        }
        try op.prepareQuantization(context, input: input, filter: filter, output: output, options: options, channels: filter.shape[0])
        let outC = op.geometry.outputDepth
        let quantizedBiasIsInt32 = options.quantizedBiasType == .int32
        if context.variant == .cmsisNN {
            guard input.scalarZeroPoint == 0, output.scalarZeroPoint == 0 else {
                throw context.unsupported("CMSIS-NN int16 convolution needs zero points of 0 (input \(input.scalarZeroPoint), output \(output.scalarZeroPoint))")
            }
            arithmetic = bias?.type == .int64 ? .int16NarrowSumWideBias : .int16Narrow
            let g = op.geometry
            // arm_convolve_wrapper_s16_get_buffer_size without MVE: 2 columns of int16.
            let bufferBytes = 2 * g.inputDepth * g.filterWidth * g.filterHeight * 2
            if bufferBytes > 0 { context.requestScratch(bytes: bufferBytes) }
            context.runs(.convolveS16)
        } else {
            let int32Accumulation = bias.map { $0.type == .int32 } ?? quantizedBiasIsInt32
            arithmetic = int32Accumulation ? .int16Narrow : .int16Wide
            context.runsReference(.int16)
        }
        op.bias32 = OwnedBuffer<Int32>(count: outC, repeating: 0)
        op.bias64 = OwnedBuffer<Int64>(count: outC, repeating: 0)
        if let bias {
            if let data = bias.constantData {
                if bias.type == .int64 {
                    ConvLoad.values(data, count: outC, as: Int64.self, into: op.bias64.base)
                } else {
                    ConvLoad.values(data, count: outC, as: Int32.self, into: op.bias32.base)
                    for c in 0..<outC { op.bias64.base[c] = Int64(op.bias32.base[c]) }
                }
            } else {
                op.biasNeedsEval = true
            }
        }
        biasIsInt64 = bias?.type == .int64
        columnInt16 = OwnedBuffer<Int16>(count: paddedVolume, repeating: 0)
        prepareWeights16(filter)
    }

    /// arm_convolve_s8_get_buffer_size without MVE: two im2col columns of int16, each
    /// filter_w * filter_h * input channels rounded up to a multiple of 4.
    static func convolveS8BufferBytes(filterHeight: Int, filterWidth: Int, inputChannels: Int) -> Int {
        let columns = filterWidth * filterHeight * inputChannels
        let aligned = (columns + 3) / 4 * 4
        return 2 * aligned * 2
    }

    // MARK: Weight preparation (prepare for constant weights, eval otherwise)

    private func prepareWeights16(_ filter: TensorInfo) {
        op.weights16 = OwnedBuffer<Int16>(count: op.geometry.outputDepth * paddedVolume, repeating: 0)
        if arithmetic == .int8, groups == 1, zeroPointFitsInt8 {
            weightPanels = OwnedBuffer<Int16>(count: Int16GEMM.panelElements(columns: op.geometry.outputDepth, depth: paddedVolume),
                                              repeating: 0)
        }
        if let data = filter.constantData {
            widenWeights(data.assumingMemoryBound(to: Int8.self))
        } else {
            op.weightsNeedEval = true
        }
    }

    /// The int8 weights [oc][filterVolume] widened to int16 rows of paddedVolume (the
    /// tail stays 0).
    private func widenWeights(_ filter: UnsafePointer<Int8>) {
        let dst = op.weights16.base
        for oc in 0..<op.geometry.outputDepth {
            let from = filter + oc * filterVolume, to = dst + oc * paddedVolume
            for i in 0..<filterVolume { to[i] = Int16(from[i]) }
        }
        if weightPanels.count > 0 {
            Int16GEMM.packPanels(weights: dst, columns: op.geometry.outputDepth, depth: paddedVolume, into: weightPanels.base)
        }
    }

    private func prepareFloatWeights(_ filter: UnsafeRawPointer) {
        let outC = op.geometry.outputDepth
        let dst = op.floatWeights.base
        if groups == 1 {
            // [oc][k] -> [k][oc], k = (fy * fw + fx) * depth + ic.
            for oc in 0..<outC {
                for k in 0..<filterVolume {
                    dst[k * outC + oc] = filter.loadUnaligned(fromByteOffset: (oc * filterVolume + k) * 4, as: Float.self)
                }
            }
        } else {
            ConvLoad.values(filter, count: outC * filterVolume, as: Float.self, into: dst)
        }
    }

    private func loadBias(_ bias: UnsafeRawPointer) {
        let outC = op.geometry.outputDepth
        switch arithmetic {
        case .float32:
            ConvLoad.values(bias, count: outC, as: Float.self, into: op.biasFloat.base)
        case .int8:
            ConvLoad.values(bias, count: outC, as: Int32.self, into: op.bias32.base)
        case .int16Wide, .int16Narrow, .int16NarrowSumWideBias:
            if biasIsInt64 {
                ConvLoad.values(bias, count: outC, as: Int64.self, into: op.bias64.base)
            } else {
                ConvLoad.values(bias, count: outC, as: Int32.self, into: op.bias32.base)
                for c in 0..<outC { op.bias64.base[c] = Int64(op.bias32.base[c]) }
            }
        }
    }

    // MARK: Eval

    func eval(_ context: EvalContext) throws {
        if op.biasNeedsEval, op.hasBias, let bias = context.optionalInput(2, as: UInt8.self) {
            loadBias(UnsafeRawPointer(bias))
        }
        switch arithmetic {
        case .float32:
            if floatGEMM {
                evalFloatGEMM(context)
            } else {
                if op.weightsNeedEval { prepareFloatWeights(UnsafeRawPointer(context.input(1, as: Float.self))) }
                evalFloat(context)
            }
        case .int8:
            if op.weightsNeedEval { widenWeights(context.input(1, as: Int8.self)) }
            if zeroPointFitsInt8 { evalInt8(context) } else { evalInt8WideColumn(context) }
        case .int16Wide, .int16Narrow, .int16NarrowSumWideBias:
            if op.weightsNeedEval { widenWeights(context.input(1, as: Int8.self)) }
            evalInt16(context)
        }
    }

    /// Gathers one output position's receptive field for one group into `column`
    /// ([filter row][filter column][channel]), writing `fill` for taps outside the image.
    @inline(__always)
    private static func im2col<In, Out>(_ image: UnsafePointer<In>, _ column: UnsafeMutablePointer<Out>,
                                        g: ConvGeometry, depth: Int, channelOffset: Int, contiguousRows: Bool,
                                        inY: Int, inX: Int, rowStart: Int, rowEnd: Int, colStart: Int, colEnd: Int,
                                        fill: Out, convert: (In) -> Out) {
        @inline(__always) func copy(_ src: UnsafePointer<In>, _ d: UnsafeMutablePointer<Out>, _ n: Int) {
            if In.self == Int8.self, Out.self == Int16.self {
                // Every int8 -> int16 column holds x - zero point, so the offset is convert(0).
                let offset = unsafeBitCast(convert(unsafeBitCast(Int8(0), to: In.self)), to: Int16.self)
                widen(UnsafeRawPointer(src).assumingMemoryBound(to: Int8.self),
                      into: UnsafeMutableRawPointer(d).assumingMemoryBound(to: Int16.self), count: n, adding: offset)
            } else {
                var i = 0
                while i < n { d[i] = convert(src[i]); i &+= 1 }
            }
        }
        let fw = g.filterWidth
        let rowLength = fw * depth
        for fy in 0..<g.filterHeight {
            let dst = column + fy * rowLength
            if fy < rowStart || fy >= rowEnd {
                dst.update(repeating: fill, count: rowLength)
                continue
            }
            let iy = inY + fy * g.dilationHeight
            if colStart > 0 { dst.update(repeating: fill, count: colStart * depth) }
            if colEnd < fw { (dst + colEnd * depth).update(repeating: fill, count: (fw - colEnd) * depth) }
            if contiguousRows {
                // One group, no column dilation: the valid taps are one run of the row.
                let src = image + (iy * g.inputWidth + inX + colStart) * g.inputDepth
                let d = dst + colStart * depth
                copy(src, d, (colEnd - colStart) * depth)
            } else {
                for fx in colStart..<colEnd {
                    let src = image + (iy * g.inputWidth + inX + fx * g.dilationWidth) * g.inputDepth + channelOffset
                    copy(src, dst + fx * depth, depth)
                }
            }
        }
    }

    /// dst[i] = src[i] + offset for i < count, eight at a time.
    @inline(__always)
    private static func widen(_ src: UnsafePointer<Int8>, into dst: UnsafeMutablePointer<Int16>, count n: Int, adding offset: Int16) {
        let offsets = SIMD8<Int16>(repeating: offset)
        var i = 0
        while i &+ 8 <= n {
            let v = SIMDLanes.widen(UnsafeRawPointer(src + i).loadUnaligned(as: SIMD8<Int8>.self)) &+ offsets
            UnsafeMutableRawPointer(dst + i).storeBytes(of: v, as: SIMD8<Int16>.self)
            i &+= 8
        }
        while i < n { dst[i] = Int16(src[i]) &+ offset; i &+= 1 }
    }

    /// Calls `body(row, inY, inX, window)` for each of `count` output pixels from linear
    /// index `first` (row = 0, 1, ...): where its window starts in the input and which filter
    /// rows [window.0, window.1) and columns [window.2, window.3) land inside the image.
    @inline(__always)
    private func forEachPixel(from first: Int, count: Int, _ body: (Int, Int, Int, (Int, Int, Int, Int)) -> Void) {
        let g = op.geometry
        let rows = op.windowRows.base, cols = op.windowColumns.base
        var oy = first / max(g.outputWidth, 1), ox = first % max(g.outputWidth, 1)
        for r in 0..<count {
            body(r, oy * g.strideHeight - g.padHeight, ox * g.strideWidth - g.padWidth,
                 (rows[2 * oy], rows[2 * oy + 1], cols[2 * ox], cols[2 * ox + 1]))
            ox += 1
            if ox == g.outputWidth { ox = 0; oy += 1 }
        }
    }

    private func evalInt8(_ context: EvalContext) {
        let input = UnsafePointer(context.input(0, as: Int8.self))
        let output = context.output(0, as: Int8.self)
        let g = op.geometry
        let columns = columnInt16.base, sums = tileSums.base, sumStride = paddedColumns
        let weights = UnsafePointer(op.weights16.base), panels = UnsafePointer(weightPanels.base)
        let bias = UnsafePointer(op.bias32.base), requantize = op.requantizer.view
        let stage = QuantizedOutputStage(outputOffset: op.outputZeroPoint, activationMin: op.activationMin, activationMax: op.activationMax)
        let offset = Int16(truncatingIfNeeded: 0 &- op.inputZeroPoint)
        let kp = paddedVolume, depth = filterDepth, groups = self.groups, perGroup = filtersPerGroup
        let contiguous = groups == 1 && g.dilationWidth == 1
        // 1x1, stride 1, no padding, one group, depth a multiple of 8: output pixel i reads
        // input pixel i alone, so a tile's rows are the input's pixels back to back.
        let pointwise = g.filterHeight == 1 && g.filterWidth == 1 && g.strideHeight == 1 && g.strideWidth == 1
            && g.padHeight == 0 && g.padWidth == 0 && groups == 1 && depth == kp
            && g.outputHeight == g.inputHeight && g.outputWidth == g.inputWidth
        let imageSize = g.inputHeight * g.inputWidth * g.inputDepth
        let pixels = g.outputHeight * g.outputWidth, outC = g.outputDepth
        for b in 0..<g.batches {
            let image = input + b * imageSize
            let batchOut = output + b * pixels * outC
            var first = 0
            while first < pixels {
                let count = min(tileRows, pixels - first)
                if pointwise {
                    Self.widen(image + first &* depth, into: columns, count: count &* depth, adding: offset)
                    Int16GEMM.multiplyPanels(rows: columns, rowCount: count, panels: panels, columns: perGroup,
                                             depth: kp, into: sums, sumStride: sumStride)
                    for r in 0..<count {
                        stage.store(sums + r * sumStride, count: perGroup, bias: bias, requantize: requantize,
                                    into: batchOut + (first + r) * outC)
                    }
                    first += count
                    continue
                }
                for group in 0..<groups {
                    forEachPixel(from: first, count: count) { r, inY, inX, window in
                        Self.im2col(image, columns + r * kp, g: g, depth: depth, channelOffset: group * depth,
                                    contiguousRows: contiguous, inY: inY, inX: inX, rowStart: window.0, rowEnd: window.1,
                                    colStart: window.2, colEnd: window.3, fill: 0, convert: { Int16($0) &+ offset })
                    }
                    let oc = group * perGroup
                    if groups == 1 {
                        Int16GEMM.multiplyPanels(rows: columns, rowCount: count, panels: panels, columns: perGroup,
                                                 depth: kp, into: sums, sumStride: sumStride)
                    } else {
                        Int16GEMM.multiply(rows: columns, rowCount: count, weights: weights + oc * kp, columns: perGroup,
                                           depth: kp, into: sums, sumStride: sumStride)
                    }
                    for r in 0..<count {
                        stage.store(sums + r * sumStride, count: perGroup, bias: bias + oc, requantize: requantize.advanced(by: oc),
                                    into: batchOut + (first + r) * outC + oc)
                    }
                }
                first += count
            }
        }
    }

    /// int8 when the input zero point does not fit int8 (hostile models only): the
    /// column holds input - zero_point, padding 0, and no filter-sum term.
    private func evalInt8WideColumn(_ context: EvalContext) {
        let input = UnsafePointer(context.input(0, as: Int8.self))
        let filter = UnsafePointer(context.input(1, as: Int8.self))
        let output = context.output(0, as: Int8.self)
        let g = op.geometry
        let rows = op.windowRows.base, cols = op.windowColumns.base
        let column = columnInt32.base
        let bias = op.bias32.base, mult = op.multipliers.base, shift = op.shifts.base
        let inputOffset = 0 &- op.inputZeroPoint
        let volume = filterVolume, depth = filterDepth, perGroup = filtersPerGroup
        let imageSize = g.inputHeight * g.inputWidth * g.inputDepth
        var out = output
        for b in 0..<g.batches {
            let image = input + b * imageSize
            for oy in 0..<g.outputHeight {
                let inY = oy * g.strideHeight - g.padHeight
                for ox in 0..<g.outputWidth {
                    let inX = ox * g.strideWidth - g.padWidth
                    for group in 0..<groups {
                        Self.im2col(image, column, g: g, depth: depth, channelOffset: group * depth,
                                    contiguousRows: groups == 1 && g.dilationWidth == 1, inY: inY, inX: inX,
                                    rowStart: rows[2 * oy], rowEnd: rows[2 * oy + 1],
                                    colStart: cols[2 * ox], colEnd: cols[2 * ox + 1],
                                    fill: 0, convert: { Int32($0) &+ inputOffset })
                        for oc in (group * perGroup)..<((group + 1) * perGroup) {
                            let w = filter + oc * volume
                            var acc: Int32 = 0
                            for k in 0..<volume { acc &+= Int32(w[k]) &* column[k] }
                            acc &+= bias[oc]
                            var v = QuantizedMath.multiplyByQuantizedMultiplier(acc, mult[oc], shift[oc]) &+ op.outputZeroPoint
                            v = min(max(v, op.activationMin), op.activationMax)
                            out[oc] = Int8(truncatingIfNeeded: v)
                        }
                    }
                    out += g.outputDepth
                }
            }
        }
    }

    private func evalInt16(_ context: EvalContext) {
        let input = UnsafePointer(context.input(0, as: Int16.self))
        let output = context.output(0, as: Int16.self)
        let g = op.geometry
        let rows = op.windowRows.base, cols = op.windowColumns.base
        let column = columnInt16.base
        let weights = UnsafePointer(op.weights16.base)
        let b32 = op.bias32.base, b64 = op.bias64.base, mult = op.multipliers.base, shift = op.shifts.base
        let requantize = UnsafePointer(op.requantizer.base)
        let actMin = op.activationMin, actMax = op.activationMax
        let volume = filterVolume, stride = paddedVolume, depth = filterDepth, perGroup = filtersPerGroup
        let imageSize = g.inputHeight * g.inputWidth * g.inputDepth
        let arithmetic = self.arithmetic
        let contiguous = groups == 1 && g.dilationWidth == 1
        var out = output
        for b in 0..<g.batches {
            let image = input + b * imageSize
            for oy in 0..<g.outputHeight {
                let inY = oy * g.strideHeight - g.padHeight
                for ox in 0..<g.outputWidth {
                    let inX = ox * g.strideWidth - g.padWidth
                    for group in 0..<groups {
                        Self.im2col(image, column, g: g, depth: depth, channelOffset: group * depth,
                                    contiguousRows: contiguous, inY: inY, inX: inX,
                                    rowStart: rows[2 * oy], rowEnd: rows[2 * oy + 1],
                                    colStart: cols[2 * ox], colEnd: cols[2 * ox + 1], fill: 0, convert: { $0 })
                        for oc in (group * perGroup)..<((group + 1) * perGroup) {
                            let w = weights + oc * stride
                            var v: Int32
                            switch arithmetic {
                            case .int16Wide:
                                let acc = Int16GEMM.wideDot(w, column, volume) &+ b64[oc]
                                v = QuantizedMath.multiplyByQuantizedMultiplier(acc, mult[oc], shift[oc])
                            case .int16NarrowSumWideBias:
                                let sum = Int16GEMM.dot(w, column, volume)
                                v = Self.cmsisRequantize64(Int64(sum) &+ b64[oc], mult[oc], shift[oc])
                            default:
                                let sum = Int16GEMM.dot(w, column, volume) &+ b32[oc]
                                v = requantize[oc].apply(sum)
                            }
                            v = max(v, actMin)
                            v = min(v, actMax)
                            out[oc] = Int16(truncatingIfNeeded: v)
                        }
                    }
                    out += g.outputDepth
                }
            }
        }
    }

    /// CMSIS-NN's arm_nn_requantize_s64 with REDUCE_MULTIPLIER: the same value as
    /// TFLM's 64-bit MultiplyByQuantizedMultiplier unless the result overflows int32.
    @inline(__always)
    static func cmsisRequantize64(_ value: Int64, _ multiplier: Int32, _ shift: Int32) -> Int32 {
        let reduced: Int64 = multiplier < 0x7FFF_0000 ? Int64((multiplier &+ (1 << 15)) >> 16) : 0x7FFF
        let product = value &* reduced
        let first = Int32(truncatingIfNeeded: product >> Int64(14 - shift))
        return (first &+ 1) >> 1
    }

    private func evalFloatGEMM(_ context: EvalContext) {
        let input = UnsafePointer(context.input(0, as: Float.self))
        let output = context.output(0, as: Float.self)
        let g = op.geometry
        let columns = columnFloat.base, panels = UnsafePointer(floatPanels.base), bias = UnsafePointer(op.biasFloat.base)
        let lo = op.floatMin, hi = op.floatMax
        let volume = filterVolume, depth = filterDepth, contiguous = g.dilationWidth == 1
        let imageSize = g.inputHeight * g.inputWidth * g.inputDepth
        let pixels = g.outputHeight * g.outputWidth, outC = g.outputDepth
        for b in 0..<g.batches {
            let image = input + b * imageSize
            let batchOut = output + b * pixels * outC
            var first = 0
            while first < pixels {
                let count = min(tileRows, pixels - first)
                forEachPixel(from: first, count: count) { r, inY, inX, window in
                    Self.im2col(image, columns + r * volume, g: g, depth: depth, channelOffset: 0, contiguousRows: contiguous,
                                inY: inY, inX: inX, rowStart: window.0, rowEnd: window.1, colStart: window.2, colEnd: window.3,
                                fill: 0, convert: { $0 })
                }
                FloatGEMM.multiply(rows: columns, rowCount: count, panels: panels, columns: outC, depth: volume, bias: bias,
                                   lo: lo, hi: hi, into: batchOut + first * outC, outStride: outC)
                first += count
            }
        }
    }

    /// Grouped, non-finite or run-time weights: padding taps skipped, as TFLM's loop.
    private func evalFloat(_ context: EvalContext) {
        let input = UnsafePointer(context.input(0, as: Float.self))
        let output = context.output(0, as: Float.self)
        let g = op.geometry
        let rows = op.windowRows.base, cols = op.windowColumns.base
        let weights = UnsafePointer(op.floatWeights.base)
        let acc = op.floatAccumulators.base
        let bias = op.biasFloat.base
        let lo = op.floatMin, hi = op.floatMax
        let outC = g.outputDepth, depth = filterDepth, volume = filterVolume, perGroup = filtersPerGroup
        let imageSize = g.inputHeight * g.inputWidth * g.inputDepth
        var out = output
        for b in 0..<g.batches {
            let image = input + b * imageSize
            for oy in 0..<g.outputHeight {
                let inY = oy * g.strideHeight - g.padHeight
                let rowStart = rows[2 * oy], rowEnd = rows[2 * oy + 1]
                for ox in 0..<g.outputWidth {
                    let inX = ox * g.strideWidth - g.padWidth
                    let colStart = cols[2 * ox], colEnd = cols[2 * ox + 1]
                    if groups == 1 {
                        acc.update(repeating: 0, count: outC)
                        for fy in rowStart..<rowEnd {
                            let iy = inY + fy * g.dilationHeight
                            for fx in colStart..<colEnd {
                                let pixel = image + (iy * g.inputWidth + inX + fx * g.dilationWidth) * g.inputDepth
                                var tap = weights + (fy * g.filterWidth + fx) * depth * outC
                                for ic in 0..<depth {
                                    let x = pixel[ic]
                                    var oc = 0
                                    while oc < outC { acc[oc] = acc[oc] + x * tap[oc]; oc &+= 1 }
                                    tap += outC
                                }
                            }
                        }
                        for oc in 0..<outC {
                            out[oc] = Self.clamp(acc[oc] + bias[oc], lo, hi)
                        }
                    } else {
                        for oc in 0..<outC {
                            let channelOffset = (oc / perGroup) * depth
                            let w = weights + oc * volume
                            var total: Float = 0
                            for fy in rowStart..<rowEnd {
                                let iy = inY + fy * g.dilationHeight
                                for fx in colStart..<colEnd {
                                    let pixel = image + (iy * g.inputWidth + inX + fx * g.dilationWidth) * g.inputDepth + channelOffset
                                    let tap = w + (fy * g.filterWidth + fx) * depth
                                    for ic in 0..<depth { total = total + pixel[ic] * tap[ic] }
                                }
                            }
                            out[oc] = Self.clamp(total + bias[oc], lo, hi)
                        }
                    }
                    out += outC
                }
            }
        }
    }

    /// ActivationFunctionWithMinMax: std::min(std::max(x, lo), hi), NaN passing through.
    @inline(__always)
    static func clamp(_ x: Float, _ lo: Float, _ hi: Float) -> Float { FloatGEMM.clamp(x, lo, hi) }
}
