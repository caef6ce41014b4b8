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

public struct OperatorWorkload: Sendable {
    public let index: Int
    /// The TFLite builtin name, e.g. `CONV_2D`.
    public let op: String
    public let variant: KernelVariant
    /// Which implementation TFLM dispatches to for these shapes and types, e.g.
    /// `arm_convolve_1x1_s8_fast`, `arm_depthwise_conv_3x3_s8`, or `reference`.
    public let kernelPath: String
    /// Inputs in operator order; nil for an absent optional input.
    public let inputs: [TensorWorkload?]
    public let outputs: [TensorWorkload]
    /// Kernel geometry: `filter_h`, `filter_w`, `stride_h`, `stride_w`,
    /// `dilation_h`, `dilation_w`, `depth_multiplier`, `pad_h`, `pad_w`,
    /// `activation` (FusedActivation raw value), and op-specific facts.
    public let parameters: [String: Int]
    /// Multiply-accumulates (or elementwise operations for non-MAC ops).
    public let macs: Int
    /// Scratch bytes requested in the arena.
    public let scratchBytes: Int

    public init(index: Int, op: String, variant: KernelVariant, kernelPath: String, inputs: [TensorWorkload?],
                outputs: [TensorWorkload], parameters: [String: Int], macs: Int, scratchBytes: Int) {
        self.index = index
        self.op = op
        self.variant = variant
        self.kernelPath = kernelPath
        self.inputs = inputs
        self.outputs = outputs
        self.parameters = parameters
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

/// MAC counts from an operator's shapes and options, shared by `inspect` (from the
/// model alone) and the interpreter's workload records.
public enum OperatorAnalysis {
    public static func macs(op: String, inputShapes: [[Int]?], outputShapes: [[Int]], options: BuiltinOptions) -> Int {
        func count(_ shape: [Int]?) -> Int { (shape ?? []).reduce(1) { $0 &* $1 } }
        let out = outputShapes.first ?? []
        let outCount = count(out)
        switch op {
        case "CONV_2D":
            // Every output element: filter_h * filter_w * input channels per group.
            guard let filter = inputShapes.count > 1 ? inputShapes[1] : nil, filter.count == 4 else { return 0 }
            return outCount &* filter[1] &* filter[2] &* filter[3]
        case "DEPTHWISE_CONV_2D":
            guard let filter = inputShapes.count > 1 ? inputShapes[1] : nil, filter.count == 4 else { return 0 }
            return outCount &* filter[1] &* filter[2]
        case "FULLY_CONNECTED":
            guard let filter = inputShapes.count > 1 ? inputShapes[1] : nil, filter.count == 2 else { return 0 }
            return outCount &* filter[1]
        case "TRANSPOSE_CONV":
            // Inputs: output_shape, weights [out_c, kh, kw, in_c], input.
            guard inputShapes.count > 2, let filter = inputShapes[1], filter.count == 4 else { return 0 }
            return count(inputShapes[2]) &* filter[0] &* filter[1] &* filter[2]
        case "AVERAGE_POOL_2D", "MAX_POOL_2D", "L2_POOL_2D":
            return outCount &* max(options.int("filter_height"), 1) &* max(options.int("filter_width"), 1)
        case "BATCH_MATMUL":
            guard inputShapes.count > 1, let a = inputShapes[0], a.count >= 2 else { return 0 }
            let k = options.bool("adj_x") ? a[a.count - 2] : a[a.count - 1]
            return outCount &* k
        case "SVDF":
            // Feature matmul (filters x input) then the time filter (filters x memory), per batch.
            guard inputShapes.count > 2, let input = inputShapes[0], let feature = inputShapes[1], let time = inputShapes[2],
                  input.count == 2, feature.count == 2, time.count == 2 else { return 0 }
            return input[0] &* feature[0] &* (feature[1] &+ time[1])
        case "UNIDIRECTIONAL_SEQUENCE_LSTM":
            // Four gates, each an input matmul (cell x input) and a recurrent one (cell x output),
            // for every time step of every batch.
            guard inputShapes.count > 6, let input = inputShapes[0], let inputWeights = inputShapes[2],
                  let recurrentWeights = inputShapes[6], inputWeights.count == 2, recurrentWeights.count == 2,
                  let inputDepth = input.last, inputDepth > 0 else { return 0 }
            let steps = count(input) / inputDepth
            return 4 &* steps &* inputWeights[0] &* (inputWeights[1] &+ recurrentWeights[1])
        case "ADD", "SUB", "MUL", "DIV", "SQUARED_DIFFERENCE", "MAXIMUM", "MINIMUM", "PRELU",
             "LOGISTIC", "TANH", "RELU", "RELU6", "RELU_N1_TO_1", "LEAKY_RELU", "HARD_SWISH",
             "EXP", "LOG", "SQRT", "RSQRT", "QUANTIZE", "DEQUANTIZE":
            return outCount
        case "MEAN", "SUM", "SOFTMAX", "LOG_SOFTMAX":
            return count(inputShapes.first ?? nil)
        default:
            return 0
        }
    }
}
