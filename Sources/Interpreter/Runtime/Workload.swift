// What each operator did, as the interpreter reports it: the only door from the
// interpreter to the cost model (as TFLM's MicroProfilerInterface is to a profiler).
// The cost model reads these records, never the flatbuffer.

public struct TensorWorkload: Sendable {
    public enum Location: String, Sendable {
        /// In the arena (RAM): activations and scratch.
        case arena
        /// Constant data read in place from the model (flash on the device).
        case flash
        /// In the persistent section (variables such as LSTM state).
        case persistent
    }

    public let tensorIndex: Int
    public let type: TensorType
    public let shape: [Int]
    public let bytes: Int
    public let location: Location
    /// Offset in the arena for `.arena` tensors.
    public let arenaOffset: Int?
    /// Per-channel quantized (more than one scale).
    public let perChannel: Bool

    public init(tensorIndex: Int, type: TensorType, shape: [Int], bytes: Int, location: Location,
                arenaOffset: Int?, perChannel: Bool) {
        self.tensorIndex = tensorIndex
        self.type = type
        self.shape = shape
        self.bytes = bytes
        self.location = location
        self.arenaOffset = arenaOffset
        self.perChannel = perChannel
    }
}

/// The CMSIS-NN functions TFLM's Arm build dispatches to (DSP extension, no MVE), by
/// their C names.
public enum CMSISNNFunction: String, CaseIterable, Sendable {
    case convolve1x1S8Fast = "arm_convolve_1x1_s8_fast"
    case convolve1x1S8 = "arm_convolve_1x1_s8"
    case convolveS8 = "arm_convolve_s8"
    case convolveS16 = "arm_convolve_s16"
    case depthwiseConv3x3S8 = "arm_depthwise_conv_3x3_s8"
    case depthwiseConvS8Opt = "arm_depthwise_conv_s8_opt"
    case depthwiseConvS8 = "arm_depthwise_conv_s8"
    case depthwiseConvS16 = "arm_depthwise_conv_s16"
    case fullyConnectedS8 = "arm_fully_connected_s8"
    case fullyConnectedPerChannelS8 = "arm_fully_connected_per_channel_s8"
    case fullyConnectedS16 = "arm_fully_connected_s16"
    case avgPoolS8 = "arm_avgpool_s8"
    case maxPoolS8 = "arm_max_pool_s8"
    case avgPoolS16 = "arm_avgpool_s16"
    case maxPoolS16 = "arm_max_pool_s16"
    case elementwiseAddS8 = "arm_elementwise_add_s8"
    case elementwiseAddS16 = "arm_elementwise_add_s16"
    case elementwiseMulS8 = "arm_elementwise_mul_s8"
    case elementwiseMulS16 = "arm_elementwise_mul_s16"
    case softmaxS8 = "arm_softmax_s8"
    case softmaxS8S16 = "arm_softmax_s8_s16"
    case softmaxS16 = "arm_softmax_s16"
    case svdfS8 = "arm_svdf_s8"
    case svdfStateS16S8 = "arm_svdf_state_s16_s8"
    case lstmUnidirectionalS8 = "arm_lstm_unidirectional_s8"
    case lstmUnidirectionalS16 = "arm_lstm_unidirectional_s16"
    case batchMatMulS8 = "arm_batch_matmul_s8"
    case transposeConvS8 = "arm_transpose_conv_s8"
    case transposeS8 = "arm_transpose_s8"
    case padS8 = "arm_pad_s8"
    case maximumS8 = "arm_maximum_s8"
    case minimumS8 = "arm_minimum_s8"
}

/// The implementation TFLM runs an operator with: a CMSIS-NN function on an Arm build, or
/// TFLM's reference kernel of the operator for the type its arithmetic runs in. The cost
/// model switches over it exhaustively; which paths have measured instruction streams is
/// the cost model's fact.
public enum KernelPath: Hashable, Sendable, CustomStringConvertible {
    case cmsisNN(CMSISNNFunction)
    case reference(OperatorKind, TensorType)

    /// As reports print it: the CMSIS-NN function's C name, or `reference` /
    /// `reference_float` (float32 arithmetic).
    public var name: String {
        switch self {
        case let .cmsisNN(function): function.rawValue
        case let .reference(_, type): type == .float32 ? "reference_float" : "reference"
        }
    }

    public var description: String { name }

    public var isCMSISNN: Bool {
        if case .cmsisNN = self { return true }
        return false
    }
}

/// Convolution-shaped work (CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV, the pools): NHWC
/// shapes, TFLM's computed padding, strides and dilations.
public struct ConvolutionGeometry: Sendable, Equatable {
    public var batches = 1
    public var inputHeight = 1, inputWidth = 1, inputDepth = 1
    public var filterHeight = 1, filterWidth = 1
    /// Input channels each filter spans: the input depth, or its share per group.
    public var filterDepth = 1
    public var outputHeight = 1, outputWidth = 1, outputDepth = 1
    public var strideHeight = 1, strideWidth = 1
    public var dilationHeight = 1, dilationWidth = 1
    /// TFLM's computed leading padding (ComputePaddingHeightWidth) and its odd trailing extra.
    public var paddingHeight = 0, paddingWidth = 0
    public var paddingHeightOffset = 0, paddingWidthOffset = 0
    public var depthMultiplier = 1
    public var groups = 1
    public var activation = FusedActivation.none
    /// CMSIS-NN runs a 1xN convolution through arm_convolve_1_x_n_s8.
    public var viaConvolve1xN = false

    public init() {}
}

/// Matrix-multiply work: FULLY_CONNECTED and BATCH_MATMUL.
public struct MatrixGeometry: Sendable, Equatable {
    /// Rows of the left-hand side (FC: the batches), per matrix product.
    public var rows = 1
    /// The accumulation depth.
    public var depth = 1
    /// Columns of the result (FC: the output depth).
    public var columns = 1
    /// Independent matrix products (BATCH_MATMUL's broadcast batch dimensions).
    public var products = 1
    public var transposeLHS = false
    public var transposeRHS = false
    /// Elements BATCH_MATMUL transposes into scratch first.
    public var transposedLHSElements = 0
    public var transposedRHSElements = 0
    public var keepNumDims = false
    public var activation = FusedActivation.none

    public init() {}
}

/// Element-by-element work, with or without broadcasting.
public struct ElementwiseGeometry: Sendable, Equatable {
    public var elements = 0
    public var broadcast = false
    public var activation = FusedActivation.none

    public init(elements: Int = 0, broadcast: Bool = false, activation: FusedActivation = .none) {
        self.elements = elements
        self.broadcast = broadcast
        self.activation = activation
    }
}

/// SOFTMAX: `rows` independent rows of `rowSize` elements.
public struct RowGeometry: Sendable, Equatable {
    public var rows = 1
    public var rowSize = 1

    public init(rows: Int = 1, rowSize: Int = 1) {
        self.rows = rows
        self.rowSize = rowSize
    }
}

/// PAD and PADV2 on the two middle (height, width) dimensions of a 4-D view.
public struct PadGeometry: Sendable, Equatable {
    public var top = 0, left = 0, bottom = 0, right = 0

    public init(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) {
        self.top = top
        self.left = left
        self.bottom = bottom
        self.right = right
    }
}

/// STRIDED_SLICE's loop as TFLM's eval runs it: per axis of the input extended to 5 dimensions
/// (leading ones added), the resolved start, stop and stride (masks applied, as
/// StridedSliceStartForAxis / StridedSliceEndForAxis give them).
public struct SliceGeometry: Sendable, Equatable {
    public var inputShape: [Int]
    public var starts: [Int]
    public var stops: [Int]
    public var strides: [Int]

    public init(inputShape: [Int], starts: [Int], stops: [Int], strides: [Int]) {
        self.inputShape = inputShape
        self.starts = starts
        self.stops = stops
        self.strides = strides
    }
}

/// Recurrent work: SVDF and UNIDIRECTIONAL_SEQUENCE_LSTM.
public struct SequenceGeometry: Sendable, Equatable {
    public var batches = 1
    public var timeSteps = 1
    public var inputSize = 1
    /// LSTM: the cell (hidden) size; SVDF: the units.
    public var units = 1
    /// SVDF: filters (units x rank) and the memory (time) size.
    public var filters = 1
    public var rank = 1
    public var memorySize = 1
    public var timeMajor = false
    /// LSTM integer kernels: the cell state's scale as a power of two.
    public var cellScalePower = 0
    public var activation = FusedActivation.none

    public init() {}
}

/// Data movement along one axis: CONCATENATION, GATHER, UNPACK; reductions.
public struct AxisGeometry: Sendable, Equatable {
    public var axis = 0
    /// CONCATENATION's inputs.
    public var inputs = 1
    /// GATHER's batch dimensions.
    public var batchDims = 0
    /// MEAN/SUM: elements folded into each output and the number of axes reduced.
    public var reducedElements = 0
    public var axisCount = 0
    /// MEAN/SUM: the input dimensions reduced, ascending (empty when the axes are not constant).
    public var reducedAxes: [Int] = []

    public init() {}
}

/// A real FFT or its inverse (the signal library's RFFT/IRFFT): `frames` transforms of
/// `length` real samples through kissfft's mixed-radix stages.
public struct FFTGeometry: Sendable, Equatable {
    public var length = 0
    public var frames = 0

    public init(length: Int = 0, frames: Int = 0) {
        self.length = length
        self.frames = frames
    }
}

/// What a kernel tells the cost model about the shape of its work, beyond the tensors.
public enum OperatorGeometry: Sendable, Equatable {
    /// Nothing beyond the tensors' shapes.
    case none
    case convolution(ConvolutionGeometry)
    case matrix(MatrixGeometry)
    case elementwise(ElementwiseGeometry)
    case rows(RowGeometry)
    case pad(PadGeometry)
    case sequence(SequenceGeometry)
    case axis(AxisGeometry)
    case fft(FFTGeometry)
    case slice(SliceGeometry)
}

public struct OperatorWorkload: Sendable {
    public let index: Int
    public let op: OperatorKind
    public let variant: KernelVariant
    /// Which implementation TFLM dispatches to for these shapes and types.
    public let kernelPath: KernelPath
    /// Inputs in operator order; nil for an absent optional input.
    public let inputs: [TensorWorkload?]
    public let outputs: [TensorWorkload]
    public let geometry: OperatorGeometry
    /// Multiply-accumulates (or elementwise operations for non-MAC ops).
    public let macs: Int
    /// Scratch bytes requested in the arena.
    public let scratchBytes: Int

    public init(index: Int, op: OperatorKind, variant: KernelVariant, kernelPath: KernelPath, inputs: [TensorWorkload?],
                outputs: [TensorWorkload], geometry: OperatorGeometry, macs: Int, scratchBytes: Int) {
        self.index = index
        self.op = op
        self.variant = variant
        self.kernelPath = kernelPath
        self.inputs = inputs
        self.outputs = outputs
        self.geometry = geometry
        self.macs = macs
        self.scratchBytes = scratchBytes
    }

    /// Bytes of constant data (weights, biases) this operator reads from flash.
    public var weightBytes: Int { inputs.compactMap { $0 }.filter { $0.location == .flash }.reduce(0) { $0 + $1.bytes } }
    /// Bytes of activations read from the arena.
    public var activationBytesRead: Int { inputs.compactMap { $0 }.filter { $0.location != .flash }.reduce(0) { $0 + $1.bytes } }
    public var activationBytesWritten: Int { outputs.reduce(0) { $0 + $1.bytes } }
}

/// Receives each operator's workload as the interpreter invokes it.
public protocol InvokeObserver: AnyObject {
    func willInvoke(_ workload: OperatorWorkload)
    /// `outputs` are the operator's output tensors' bytes, valid only during the call
    /// (the planner reuses the memory later).
    func didInvoke(_ workload: OperatorWorkload, outputs: [UnsafeRawBufferPointer])
}

public extension InvokeObserver {
    func willInvoke(_ workload: OperatorWorkload) {}
}
