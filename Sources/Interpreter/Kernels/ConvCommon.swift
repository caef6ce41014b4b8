import Foundation

// Shared by CONV_2D and DEPTHWISE_CONV_2D: options, TFLM's padding and output-size
// arithmetic (tensorflow/lite/kernels/padding.h), the per-channel requantization
// parameters (PopulateConvolutionQuantizationParams), the operator data sizes both
// kernels declare, and the host-side data their loops run on.

/// The builtin options common to both convolutions (Conv2DOptions, DepthwiseConv2DOptions).
struct ConvOptions {
    let paddingSame: Bool
    let strideHeight: Int
    let strideWidth: Int
    let dilationHeight: Int
    let dilationWidth: Int
    /// The schema's code, as the workload record reports it.
    let activationCode: FusedActivation
    /// What TFLM applies: TANH and SIGN_BIT (and unknown codes) fall through to "no
    /// clamp" in CalculateActivationRange(Quantized), so they behave as NONE.
    let activation: FusedActivation

    /// The depthwise convolution's multiplier (1 for CONV_2D).
    let depthMultiplier: Int
    /// CONV_2D's quantized_bias_type.
    let quantizedBiasType: TensorTypeCode

    init(_ context: PrepareContext) throws {
        let padding: Padding, activationCode: ActivationFunctionType
        let depthwise = context.op == .builtin(.depthwiseConv2D)
        guard depthwise ? context.options.has(DepthwiseConv2DOptions.self) : context.options.has(Conv2DOptions.self) else {
            throw context.invalid("the operator carries no \(depthwise ? "DepthwiseConv2DOptions" : "Conv2DOptions") (padding, strides)")
        }
        if depthwise {
            let o = context.options(DepthwiseConv2DOptions.self)
            (padding, strideWidth, strideHeight) = (o.padding, Int(o.strideW), Int(o.strideH))
            (dilationWidth, dilationHeight) = (Int(o.dilationWFactor), Int(o.dilationHFactor))
            (activationCode, depthMultiplier, quantizedBiasType) = (o.fusedActivationFunction, Int(o.depthMultiplier), .float32)
        } else {
            let o = context.options(Conv2DOptions.self)
            (padding, strideWidth, strideHeight) = (o.padding, Int(o.strideW), Int(o.strideH))
            (dilationWidth, dilationHeight) = (Int(o.dilationWFactor), Int(o.dilationHFactor))
            (activationCode, depthMultiplier, quantizedBiasType) = (o.fusedActivationFunction, 1, o.quantizedBiasType)
        }
        switch padding {
        case .same: paddingSame = true
        case .valid: paddingSame = false
        default:
            throw context.invalid("padding \(padding.rawValue) is neither SAME nor VALID")
        }
        // TFLM's padding helpers fail on these and leave a zero output size; the model is malformed.
        guard strideWidth > 0, strideHeight > 0 else {
            throw context.invalid("strides must be positive (stride_h \(strideHeight), stride_w \(strideWidth))")
        }
        guard dilationWidth > 0, dilationHeight > 0 else {
            throw context.invalid("dilation factors must be positive (dilation_h \(dilationHeight), dilation_w \(dilationWidth))")
        }
        // Keep products like stride * output size far from overflow on hostile options.
        guard strideWidth <= 1 << 16, strideHeight <= 1 << 16, dilationWidth <= 1 << 16, dilationHeight <= 1 << 16 else {
            throw context.invalid("stride or dilation above 65536")
        }
        self.activationCode = activationCode
        switch activationCode {
        case .relu: activation = .relu
        case .relu6: activation = .relu6
        case .reluN1To1: activation = .reluN1To1
        default: activation = .none
        }
    }
}

/// The operands of CONV_2D and DEPTHWISE_CONV_2D, checked as both kernels' Prepare check
/// them: 2 or 3 inputs and 1 output, input and output of one type (the kernels write the
/// output as the input's type), a 4-D filter, the options, and the output shape TFLM's
/// padding arithmetic gives.
struct ConvOperands {
    let input: TensorInfo
    let filter: TensorInfo
    let output: TensorInfo
    let bias: TensorInfo?
    let options: ConvOptions
    let geometry: ConvGeometry

    /// `filterLayout` names the filter's dimensions for messages (OHWI, 1HWO).
    init(_ context: PrepareContext, filterLayout: String) throws {
        guard context.inputCount == 2 || context.inputCount == 3 else {
            throw context.invalid("\(context.op.name) takes 2 or 3 inputs, has \(context.inputCount)")
        }
        guard context.outputCount == 1 else { throw context.invalid("\(context.op.name) has 1 output, has \(context.outputCount)") }
        input = try context.requireInput(0)
        filter = try context.requireInput(1)
        output = try context.requireOutput(0)
        bias = context.input(2)
        guard input.type == output.type else {
            throw context.unsupported("input type \(input.type.name) and output type \(output.type.name) differ")
        }
        guard filter.rank == 4 else { throw context.invalid("filter must be 4-D (\(filterLayout)), has shape \(filter.shape)") }
        options = try ConvOptions(context)
        geometry = try ConvGeometry(context: context, input: input, filterHeight: filter.shape[1],
                                    filterWidth: filter.shape[2], output: output, options: options)
    }
}

/// TFLM's padding arithmetic (ComputeOutSize, ComputePaddingWithOffset).
enum ConvPadding {
    /// The output size for one spatial dimension (GetWindowedOutputSize), nil when negative.
    static func outputSize(same: Bool, imageSize: Int, filterSize: Int, stride: Int, dilation: Int) -> Int? {
        let effectiveFilter = (filterSize - 1) * dilation + 1
        let value = same ? (imageSize + stride - 1) / stride : (imageSize + stride - effectiveFilter) / stride
        return value >= 0 ? value : nil
    }

    /// The leading padding and the odd extra one on the trailing side.
    static func padding(stride: Int, dilation: Int, inSize: Int, filterSize: Int, outSize: Int) -> (padding: Int, offset: Int) {
        let effectiveFilter = (filterSize - 1) * dilation + 1
        let total = max((outSize - 1) * stride + effectiveFilter - inSize, 0)
        return (total / 2, total % 2)
    }

    /// The filter taps [start, end) of one spatial dimension that land inside the image
    /// for a window starting at `origin`: TFLM skips the others, so clipping the
    /// window once per output position gives the same sums without a test per tap.
    static func validTaps(origin: Int, dilation: Int, filterSize: Int, inputSize: Int) -> (start: Int, end: Int) {
        let start = origin >= 0 ? 0 : (-origin + dilation - 1) / dilation
        let room = inputSize - origin
        let end = room <= 0 ? 0 : min(filterSize, (room + dilation - 1) / dilation)
        return (min(start, end), end)
    }
}

/// Shapes of a convolution, NHWC, validated against each other in prepare.
struct ConvGeometry {
    var batches = 0
    var inputHeight = 0, inputWidth = 0, inputDepth = 0
    var filterHeight = 0, filterWidth = 0
    var outputHeight = 0, outputWidth = 0, outputDepth = 0
    var strideHeight = 1, strideWidth = 1
    var dilationHeight = 1, dilationWidth = 1
    var padHeight = 0, padWidth = 0
    var padHeightOffset = 0, padWidthOffset = 0

    /// Fills the spatial part from the input, filter and options, and checks that the
    /// output tensor has the shape TFLM's ComputePaddingHeightWidth computes. TFLM
    /// itself does not compare them; a model where they differ is malformed.
    init(context: PrepareContext, input: TensorInfo, filterHeight: Int, filterWidth: Int,
         output: TensorInfo, options: ConvOptions) throws {
        guard input.rank == 4 else { throw context.invalid("input must be 4-D (NHWC), has shape \(input.shape)") }
        guard output.rank == 4 else { throw context.invalid("output must be 4-D (NHWC), has shape \(output.shape)") }
        batches = input.shape[0]
        inputHeight = input.shape[1]
        inputWidth = input.shape[2]
        inputDepth = input.shape[3]
        self.filterHeight = filterHeight
        self.filterWidth = filterWidth
        outputDepth = output.shape[3]
        strideHeight = options.strideHeight
        strideWidth = options.strideWidth
        dilationHeight = options.dilationHeight
        dilationWidth = options.dilationWidth
        guard filterHeight > 0, filterWidth > 0 else {
            throw context.invalid("filter height and width must be positive (\(filterHeight)x\(filterWidth))")
        }
        guard filterHeight <= 1 << 16, filterWidth <= 1 << 16 else {
            throw context.invalid("filter \(filterHeight)x\(filterWidth) is too large")
        }
        guard let outH = ConvPadding.outputSize(same: options.paddingSame, imageSize: inputHeight, filterSize: filterHeight,
                                                stride: strideHeight, dilation: dilationHeight),
              let outW = ConvPadding.outputSize(same: options.paddingSame, imageSize: inputWidth, filterSize: filterWidth,
                                                stride: strideWidth, dilation: dilationWidth) else {
            throw context.invalid("the dilated filter is larger than the \(inputHeight)x\(inputWidth) input with VALID padding")
        }
        outputHeight = outH
        outputWidth = outW
        (padHeight, padHeightOffset) = ConvPadding.padding(stride: strideHeight, dilation: dilationHeight, inSize: inputHeight,
                                                           filterSize: filterHeight, outSize: outH)
        (padWidth, padWidthOffset) = ConvPadding.padding(stride: strideWidth, dilation: dilationWidth, inSize: inputWidth,
                                                         filterSize: filterWidth, outSize: outW)
        let expected = [batches, outH, outW, outputDepth]
        guard output.shape == expected else {
            throw context.invalid("output shape \(output.shape) differs from the computed \(expected)")
        }
    }

    init() {}

    /// Valid filter rows per output row and valid filter columns per output column.
    func windowTables() -> (rows: OwnedBuffer<Int>, columns: OwnedBuffer<Int>) {
        let rows = OwnedBuffer<Int>(count: 2 * outputHeight, repeating: 0)
        for y in 0..<outputHeight {
            let taps = ConvPadding.validTaps(origin: y * strideHeight - padHeight, dilation: dilationHeight,
                                             filterSize: filterHeight, inputSize: inputHeight)
            rows.base[2 * y] = taps.start
            rows.base[2 * y + 1] = taps.end
        }
        let columns = OwnedBuffer<Int>(count: 2 * outputWidth, repeating: 0)
        for x in 0..<outputWidth {
            let taps = ConvPadding.validTaps(origin: x * strideWidth - padWidth, dilation: dilationWidth,
                                             filterSize: filterWidth, inputSize: inputWidth)
            columns.base[2 * x] = taps.start
            columns.base[2 * x + 1] = taps.end
        }
        return (rows, columns)
    }

    /// The workload record's geometry.
    func workload(filterDepth: Int, activation: FusedActivation, depthMultiplier: Int = 1, groups: Int = 1) -> ConvolutionGeometry {
        var w = ConvolutionGeometry()
        w.batches = batches
        (w.inputHeight, w.inputWidth, w.inputDepth) = (inputHeight, inputWidth, inputDepth)
        (w.filterHeight, w.filterWidth, w.filterDepth) = (filterHeight, filterWidth, filterDepth)
        (w.outputHeight, w.outputWidth, w.outputDepth) = (outputHeight, outputWidth, outputDepth)
        (w.strideHeight, w.strideWidth) = (strideHeight, strideWidth)
        (w.dilationHeight, w.dilationWidth) = (dilationHeight, dilationWidth)
        (w.paddingHeight, w.paddingWidth) = (padHeight, padWidth)
        (w.paddingHeightOffset, w.paddingWidthOffset) = (padHeightOffset, padWidthOffset)
        w.depthMultiplier = depthMultiplier
        w.groups = groups
        w.activation = activation
        return w
    }
}

/// Requantization data for a quantized convolution, as TFLM's
/// PopulateConvolutionQuantizationParams computes it.
struct ConvQuantization {
    var multipliers: [Int32] = []
    var shifts: [Int32] = []
    var activationMin: Int32 = 0
    var activationMax: Int32 = 0

    /// `channels` is the filter's output-channel dimension size (dimension 0 for
    /// CONV_2D, 3 for DEPTHWISE_CONV_2D). A single filter scale is broadcast to every
    /// channel; several must match `channels` and the size of the filter's declared
    /// quantized dimension.
    init(context: PrepareContext, input: TensorInfo, filter: TensorInfo, output: TensorInfo,
         activation: FusedActivation, channels: Int) throws {
        guard !input.scale.isEmpty else { throw context.invalid("input is \(input.type.name) but has no quantization parameters") }
        guard !output.scale.isEmpty else { throw context.invalid("output is \(output.type.name) but has no quantization parameters") }
        guard !filter.scale.isEmpty else { throw context.invalid("filter is \(filter.type.name) but has no quantization parameters") }
        let filterScales = filter.scale
        let perChannel = filterScales.count > 1
        if perChannel {
            guard filterScales.count == channels else {
                throw context.invalid("filter has \(filterScales.count) scales for \(channels) output channels")
            }
            let qd = filter.quantizedDimension
            guard qd >= 0, qd < filter.rank, filter.shape[qd] == channels else {
                throw context.invalid("filter quantized_dimension \(qd) of shape \(filter.shape) does not have \(channels) channels")
            }
        }
        let outputScale = output.scalarScale
        guard outputScale > 0, outputScale.isFinite else {
            throw context.invalid("output scale \(outputScale) is not a positive finite number")
        }
        // As TFLM: float scales widened to double, (input * filter) / output in double.
        let inputScale = Double(input.scalarScale)
        multipliers.reserveCapacity(channels)
        shifts.reserveCapacity(channels)
        for c in 0..<channels {
            let filterScale = Double(perChannel ? filterScales[c] : filterScales[0])
            let effective = inputScale * filterScale / Double(outputScale)
            // TFLM aborts (TFLITE_CHECK) or shifts out of range for these.
            guard effective.isFinite, abs(effective) < 2_147_483_648.0 else {
                throw context.invalid("effective output scale \(effective) of channel \(c) cannot be represented")
            }
            let (m, s) = QuantizedMath.quantizeMultiplier(effective)
            multipliers.append(m)
            shifts.append(s)
        }
        let range: (min: Int32, max: Int32) = output.type == .int16 ? (Int32(Int16.min), Int32(Int16.max))
                                                                    : (Int32(Int8.min), Int32(Int8.max))
        (activationMin, activationMax) = try QuantizedMath.activationRange(activation, scale: outputScale,
                                                                           zeroPoint: output.scalarZeroPoint,
                                                                           typeMin: range.min, typeMax: range.max, in: context)
    }

    init() {}
}

/// The C structs both convolutions allocate (conv.h OpDataConv, shared by the reference
/// DEPTHWISE_CONV_2D; cmsis_nn's OpData adds a buffer index) and their builtin data.
/// OpDataConv = TfLitePaddingValues (4 ints), 3 zero points, output_multiplier,
/// output_shift, two int32_t* (per-channel multiplier and shift), activation min and
/// max, filter_buffer_index; USE_TFLM_COMPRESSION (the Python wheel that made the
/// goldens) adds two scratch indices.
extension TFLMStructs {
    public static let convParams = CStruct("TfLiteConvParams", [.smallEnum, .int32, .int32, .smallEnum, .int32, .int32, .smallEnum])
    public static let depthwiseConvParams = CStruct("TfLiteDepthwiseConvParams",
                                                    [.smallEnum, .int32, .int32, .int32, .smallEnum, .int32, .int32])
    public static func opDataConv(compression: Bool) -> CStruct {
        CStruct("OpDataConv", [.record(tfLitePaddingValues)] + Array(repeating: .int32, count: 5) + [.pointer, .pointer]
                    + Array(repeating: .int32, count: 3) + (compression ? [.int32, .int32] : []))
    }
    public static func cmsisConvOpData(compression: Bool) -> CStruct {
        CStruct("OpData (CMSIS-NN conv)", [.record(opDataConv(compression: compression)), .int32])
    }
}

/// The operator data CONV_2D and DEPTHWISE_CONV_2D share, as TFLM's kernels share
/// OpDataConv: what Init and Prepare allocate in the arena, and what mcusim derives for
/// its loops (host-side, outside the modelled arena).
struct ConvOpData {
    static let reference = PersistentRequest("OpDataConv", phase: .initialization,
                                             size: .compressible(plain: TFLMStructs.opDataConv(compression: false),
                                                                 compressed: TFLMStructs.opDataConv(compression: true)))
    static let cmsisNN = PersistentRequest("OpData (CMSIS-NN conv)", phase: .initialization,
                                           size: .compressible(plain: TFLMStructs.cmsisConvOpData(compression: false),
                                                               compressed: TFLMStructs.cmsisConvOpData(compression: true)))

    /// Prepare's per-channel multiplier and shift arrays, channels * sizeof(int32_t) each.
    static func perChannel(_ channels: Int) -> [PersistentRequest] {
        [.int32Array("per-channel output multiplier", count: channels),
         .int32Array("per-channel output shift", count: channels)]
    }

    var geometry = ConvGeometry()
    var hasBias = false
    /// Weights or bias that are not constant in the model are read at eval.
    var weightsNeedEval = false
    var biasNeedsEval = false
    var inputZeroPoint: Int32 = 0
    var outputZeroPoint: Int32 = 0
    var activationMin: Int32 = 0
    var activationMax: Int32 = 0
    var floatMin: Float = 0
    var floatMax: Float = 0
    /// Valid filter rows per output row and valid filter columns per output column.
    var windowRows = OwnedBuffer<Int>(count: 0, repeating: 0)
    var windowColumns = OwnedBuffer<Int>(count: 0, repeating: 0)
    var multipliers = OwnedBuffer<Int32>(count: 0, repeating: 0)
    var shifts = OwnedBuffer<Int32>(count: 0, repeating: 0)
    var bias32 = OwnedBuffer<Int32>(count: 0, repeating: 0)
    var bias64 = OwnedBuffer<Int64>(count: 0, repeating: 0)
    var biasFloat = OwnedBuffer<Float>(count: 0, repeating: 0)
    var floatWeights = OwnedBuffer<Float>(count: 0, repeating: 0)
    var floatAccumulators = OwnedBuffer<Float>(count: 0, repeating: 0)
    /// Quantized types: the int8 weights widened to int16.
    var weights16 = OwnedBuffer<Int16>(count: 0, repeating: 0)
    var requantizer = Requantizer(count: 0, repeating: ChannelRequantization())

    /// Init: the operator data of the variant; and the temporary tensors TFLM's Prepare
    /// takes before its per-channel arrays (the reference: output, input, filter;
    /// CMSIS-NN: input, filter, output).
    static func initialize(_ context: PrepareContext) {
        if context.variant == .cmsisNN {
            context.allocatePersistent(cmsisNN)
            context.tempInput(0)
            context.tempInput(1)
            context.tempOutput(0)
        } else {
            context.allocatePersistent(reference)
            context.tempOutput(0)
            context.tempInput(0)
            context.tempInput(1)
        }
    }

    /// Prepare: the per-channel arrays (the reference allocates them for every type,
    /// CMSIS-NN only for quantized ones), then CalculateOpData*'s temporary input, filter,
    /// bias and output.
    static func allocatePerChannel(_ context: PrepareContext, channels: Int, quantized: Bool) {
        if context.variant == .reference || quantized {
            for a in perChannel(channels) { context.allocatePersistent(a) }
        }
        for i in 0..<3 { context.tempInput(i) }
        context.tempOutput(0)
    }

    /// PopulateConvolutionQuantizationParams for `channels` output channels.
    mutating func prepareQuantization(_ context: PrepareContext, input: TensorInfo, filter: TensorInfo, output: TensorInfo,
                                      options: ConvOptions, channels: Int) throws {
        let q = try ConvQuantization(context: context, input: input, filter: filter, output: output,
                                     activation: options.activation, channels: channels)
        multipliers = OwnedBuffer(q.multipliers)
        shifts = OwnedBuffer(q.shifts)
        requantizer = Requantizer(multipliers: q.multipliers, shifts: q.shifts)
        activationMin = q.activationMin
        activationMax = q.activationMax
    }
}

/// Loads that do not assume the alignment of data in the model image (a hostile file
/// can misalign a buffer); used outside the hot loops to copy biases and weights.
enum ConvLoad {
    static func values<T>(_ pointer: UnsafeRawPointer, count: Int, as _: T.Type, into destination: UnsafeMutablePointer<T>) {
        let stride = MemoryLayout<T>.stride
        for i in 0..<count {
            destination[i] = pointer.loadUnaligned(fromByteOffset: i * stride, as: T.self)
        }
    }
}
