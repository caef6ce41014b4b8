// The kernel interface, modelled on TFLM's TFLMRegistration (init / prepare / invoke).
//
// A kernel object is created per operator node. `prepare` validates types and
// shapes, computes its operator data (multipliers, shifts, clamp ranges), and
// declares, through the context, exactly the persistent allocations and scratch
// buffers TFLM's kernel of the selected variant would make: they count in the arena.
// `eval` then runs on raw pointers into the arena (activations) and into the model's
// flash image (weights); it must not allocate.

/// Which of TFLM's kernel sets a build uses. CMSIS-NN is the default on Arm; its
/// int8 arithmetic is identical to the reference kernels', but its operator data and
/// scratch buffers differ, and so does the arena.
public enum KernelVariant: String, Sendable, CaseIterable {
    case cmsisNN = "cmsis-nn"
    case reference
}

public protocol Kernel: AnyObject {
    func prepare(_ context: PrepareContext) throws
    func eval(_ context: EvalContext) throws
}

/// A kernel whose state (beyond variable tensors) TFLM's MicroInterpreter::Reset
/// clears, through the registration's `reset` function: e.g. the signal library's
/// circular buffers and noise estimates.
public protocol ResettableKernel: Kernel {
    func reset()
}

/// A tensor as kernels see it at prepare time: static facts, no data pointer for
/// activations (they are placed after every operator is prepared, as in TFLM).
public struct TensorInfo: @unchecked Sendable {
    public let index: Int
    public let name: String
    public let type: TensorType
    public let shape: [Int]
    public let elementCount: Int
    public let byteCount: Int
    /// Has data in the model (weights, biases, shape operands): lives in flash.
    public let isConstant: Bool
    public let isVariable: Bool
    public let scale: [Float]
    public let zeroPoint: [Int32]
    public let quantizedDimension: Int
    /// The constant data, in the model's flash image; nil for activations.
    public let constantData: UnsafeRawPointer?

    /// The per-tensor scale (first entry), 0 when the tensor is not quantized.
    public var scalarScale: Float { scale.first ?? 0 }
    public var scalarZeroPoint: Int32 { zeroPoint.first ?? 0 }
    public var rank: Int { shape.count }

    /// Dimension `i`, counting from the end when negative.
    public func dim(_ i: Int) -> Int {
        let j = i < 0 ? shape.count + i : i
        return j >= 0 && j < shape.count ? shape[j] : 1
    }

    /// Reads the constant data as `count` values of `T` (prepare-time operands such as
    /// a RESHAPE's shape or a PAD's paddings). nil when the tensor is not constant or
    /// holds fewer bytes.
    public func constantValues<T: FixedWidthInteger>(_: T.Type) -> [T]? {
        guard let constantData, byteCount % MemoryLayout<T>.size == 0 else { return nil }
        let n = byteCount / MemoryLayout<T>.size
        return (0..<n).map { constantData.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self) }
    }
}

/// What TFLM allocates in the persistent (tail) section for a kernel: each
/// AllocatePersistentBuffer call's requested size on a 32-bit and on a 64-bit build
/// (they differ when the struct holds pointers).
public struct PersistentAllocation: Sendable, Equatable {
    public let what: String
    public let bytes32: Int
    public let bytes64: Int

    public init(_ what: String, bytes32: Int, bytes64: Int) {
        self.what = what
        self.bytes32 = bytes32
        self.bytes64 = bytes64
    }

    public init(_ what: String, bytes: Int) {
        self.init(what, bytes32: bytes, bytes64: bytes)
    }

    public func bytes(pointerSize: Int) -> Int { pointerSize == 8 ? bytes64 : bytes32 }
}

/// Thrown by prepare for a model mcusim cannot run (TFLM would refuse it too, or
/// mcusim lacks the kernel): exit code 3.
public struct UnsupportedOperatorError: Error, CustomStringConvertible, Sendable {
    public let operatorIndex: Int
    public let op: String
    public let reason: String
    public var description: String { "operator \(operatorIndex) (\(op)): \(reason)" }
}

/// Thrown for a model whose structure is wrong for its operators (bad shapes, missing
/// inputs): exit code 2, an invalid input.
public struct InvalidOperatorError: Error, CustomStringConvertible, Sendable {
    public let operatorIndex: Int
    public let op: String
    public let reason: String
    public var description: String { "operator \(operatorIndex) (\(op)): \(reason)" }
}

public final class PrepareContext {
    public let operatorIndex: Int
    public let op: OperatorKind
    public let opVersion: Int
    public let options: BuiltinOptions
    public let variant: KernelVariant
    /// Bytes of the operator's custom options in the model, if any.
    public let customOptions: ArraySlice<UInt8>?
    let inputIndices: [Int]
    let outputIndices: [Int]
    let intermediateIndices: [Int]
    let tensors: [TensorInfo]

    // Declared by the kernel.
    var persistentRequests: [PersistentRequest] = []
    /// What Prepare does in the arena's free middle, in call order: temporary tensors and
    /// Prepare-phase persistent allocations (the working minimum replays them).
    private(set) var prepareSteps: [PrepareStep] = []

    /// The declared allocations as plain sizes for the 32-bit Cortex-M build and the
    /// 64-bit host build the goldens come from (which has TFLM's compression support).
    var persistent: [PersistentAllocation] {
        persistentRequests.map {
            PersistentAllocation($0.what, bytes32: PersistentLayout.cortexM.bytes(of: $0), bytes64: PersistentLayout.hostGoldens.bytes(of: $0))
        }
    }
    var scratchRequests: [Int] = []
    /// Which implementation runs, e.g. CMSIS-NN's `arm_convolve_1x1_s8_fast` or the
    /// reference kernel for int8: a fact the cost model reads; set by the kernel in
    /// prepare (nil: the reference kernel for the first output's type).
    public var kernelPath: KernelPath?
    /// The shape of the work beyond the tensors, for the workload record.
    public var geometry: OperatorGeometry = .none

    init(operatorIndex: Int, op: OperatorKind, opVersion: Int, options: BuiltinOptions, variant: KernelVariant,
         customOptions: ArraySlice<UInt8>?, inputs: [Int], outputs: [Int], intermediates: [Int], tensors: [TensorInfo]) {
        self.operatorIndex = operatorIndex
        self.op = op
        self.opVersion = opVersion
        self.options = options
        self.variant = variant
        self.customOptions = customOptions
        self.inputIndices = inputs
        self.outputIndices = outputs
        self.intermediateIndices = intermediates
        self.tensors = tensors
    }

    public var inputCount: Int { inputIndices.count }
    public var outputCount: Int { outputIndices.count }

    /// The operator's builtin options table of type `T` (its defaults when the operator
    /// carries none, as TFLM's parse functions leave them).
    public func options<T: BuiltinOptionsTable>(_: T.Type) -> T { options.typed(T.self) }

    /// Input `i`; nil when absent (index -1 in the model) or past the end.
    public func input(_ i: Int) -> TensorInfo? {
        guard i >= 0, i < inputIndices.count, inputIndices[i] >= 0 else { return nil }
        return tensors[inputIndices[i]]
    }

    /// Input `i`, which must be present.
    public func requireInput(_ i: Int) throws -> TensorInfo {
        guard let t = input(i) else { throw invalid("input \(i) is missing") }
        return t
    }

    public func output(_ i: Int) -> TensorInfo? {
        guard i >= 0, i < outputIndices.count else { return nil }
        return tensors[outputIndices[i]]
    }

    public func requireOutput(_ i: Int) throws -> TensorInfo {
        guard let t = output(i) else { throw invalid("output \(i) is missing") }
        return t
    }

    public func intermediate(_ i: Int) -> TensorInfo? {
        guard i >= 0, i < intermediateIndices.count, intermediateIndices[i] >= 0 else { return nil }
        return tensors[intermediateIndices[i]]
    }

    /// TFLM's AllocateTempInputTensor(node, i): a temporary TfLiteTensor (with its
    /// quantization data) in the arena's free middle until this operator's Prepare ends.
    /// Nothing when input `i` is absent. Kernels call it where TFLM's kernel does, so the
    /// working minimum replays the same sequence.
    public func tempInput(_ i: Int) {
        if let tensor = input(i) { prepareSteps.append(.tempTensor(quantizationChannels: Self.quantizationChannels(of: tensor))) }
    }

    /// TFLM's AllocateTempOutputTensor(node, i).
    public func tempOutput(_ i: Int) {
        if let tensor = output(i) { prepareSteps.append(.tempTensor(quantizationChannels: Self.quantizationChannels(of: tensor))) }
    }

    /// TFLM gives a TfLiteTensor affine quantization when the model has both scales and
    /// zero points for it (InitializeTfLiteTensorFromFlatbuffer).
    static func quantizationChannels(of tensor: TensorInfo) -> Int? {
        !tensor.scale.isEmpty && !tensor.zeroPoint.isEmpty ? tensor.scale.count : nil
    }

    /// TFLM's AllocatePersistentBuffer: counted in the arena's persistent section.
    /// TFLM kernels allocate their operator data in Init, which runs for every operator
    /// before any Prepare, and everything else in Prepare; the order sets the tail's
    /// alignment padding. Unless `phase` is given, a kernel's first allocation is taken
    /// as its Init allocation and the rest as Prepare's.
    public func allocatePersistent(_ allocation: PersistentAllocation, phase: PersistentRequest.Phase? = nil) {
        let phase = phase ?? (persistentRequests.isEmpty ? .initialization : .preparation)
        allocatePersistent(PersistentRequest(allocation.what, phase: phase,
                                             size: .perPointerSize(bytes32: allocation.bytes32, bytes64: allocation.bytes64)))
    }

    /// An allocation described by TFLM's own struct layout (see TFLMStructs).
    public func allocatePersistent(_ request: PersistentRequest) {
        persistentRequests.append(request)
        if request.phase == .preparation { prepareSteps.append(.persistentBuffer(request)) }
    }

    /// TFLM's RequestScratchBufferInArena: planned with the activations, live during
    /// this operator only. Returns the index to pass to `EvalContext.scratch`.
    @discardableResult
    public func requestScratch(bytes: Int) -> Int {
        scratchRequests.append(max(bytes, 0))
        return scratchRequests.count - 1
    }

    /// TFLM's CheckDynamicTensors, run after each operator's Prepare: an output with a
    /// dimension of 0 (other than the legacy scalar shape [0]) counts as a dynamic tensor,
    /// and TFLM refuses the model. Inputs may be empty (a CONCATENATION of an empty part).
    func refuseDynamicOutputs() throws {
        for i in 0..<outputCount {
            guard let t = output(i), t.shape != [0], t.shape.contains(where: { $0 <= 0 }) else { continue }
            throw unsupported("output \(i) (tensor \(t.index)) has shape \(t.shape): TFLM takes a zero-sized dimension for a dynamic tensor and refuses the model")
        }
    }

    /// The operator cannot run in mcusim (exit 3).
    public func unsupported(_ reason: String) -> UnsupportedOperatorError {
        UnsupportedOperatorError(operatorIndex: operatorIndex, op: op.name, reason: reason)
    }

    /// The model is malformed for this operator (exit 2).
    public func invalid(_ reason: String) -> InvalidOperatorError {
        InvalidOperatorError(operatorIndex: operatorIndex, op: op.name, reason: reason)
    }

    /// Fails with `unsupported` unless `type` is one of `types`.
    public func expectType(_ tensor: TensorInfo, _ types: Set<TensorType>, _ role: String) throws {
        guard types.contains(tensor.type) else {
            throw unsupported("\(role) type \(tensor.type.name) is not supported (supported: \(types.map(\.name).sorted().joined(separator: ", ")))")
        }
    }

    /// Marks the operator as running TFLM's reference kernel with `type` arithmetic.
    public func runsReference(_ type: TensorType) { kernelPath = .reference(op, type) }

    /// Marks the operator as running a CMSIS-NN function.
    public func runs(_ function: CMSISNNFunction) { kernelPath = .cmsisNN(function) }
}

/// Pointers for one operator, fixed once the arena is laid out.
public final class EvalContext {
    /// Data of each input (nil for an absent optional input): arena or flash.
    public let inputs: [UnsafeMutableRawPointer?]
    public let outputs: [UnsafeMutableRawPointer]
    public let scratch: [UnsafeMutableRawPointer]

    init(inputs: [UnsafeMutableRawPointer?], outputs: [UnsafeMutableRawPointer], scratch: [UnsafeMutableRawPointer]) {
        self.inputs = inputs
        self.outputs = outputs
        self.scratch = scratch
    }

    /// Typed pointer to input `i`. Kernels call this once at the top of eval, so the
    /// inner loops touch no Swift arrays.
    @inline(__always)
    public func input<T>(_ i: Int, as _: T.Type) -> UnsafeMutablePointer<T> {
        inputs[i]!.assumingMemoryBound(to: T.self)
    }

    @inline(__always)
    public func optionalInput<T>(_ i: Int, as _: T.Type) -> UnsafeMutablePointer<T>? {
        i < inputs.count ? inputs[i]?.assumingMemoryBound(to: T.self) : nil
    }

    @inline(__always)
    public func output<T>(_ i: Int, as _: T.Type) -> UnsafeMutablePointer<T> {
        outputs[i].assumingMemoryBound(to: T.self)
    }
}
