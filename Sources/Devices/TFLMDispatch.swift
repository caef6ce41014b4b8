import Interpreter

/// TFLM's own instructions around the kernels, measured: for each operator, what its Eval executes
/// outside the kernel function plus the graph loop's step after it, and MicroInterpreter::Invoke
/// around the loop. The counts come from one traced Invoke per model of the real TFLM build
/// (Scripts/tflm-cortexm, `invoke`: Tests/Fixtures/cortexm/invoke.json); the tables are generated
/// into Generated/TFLMDispatchCounts.swift.
struct TFLMDispatch: Sendable {
    struct Entry: Sendable {
        let mix: InstructionMix
        /// Issued instructions of `mix`, as the harness counted them.
        let instructions: Int
        /// Operator instances measured under this key (for `unmeasured`: the keys it is the median of).
        let instances: Int
        /// Smallest and largest instruction counts among those instances.
        let range: ClosedRange<Int>

        init(_ mix: String, instructions: Int, instances: Int, range: ClosedRange<Int>) {
            self.mix = InstructionMix.parse(mix) ?? .zero
            self.instructions = instructions
            self.instances = instances
            self.range = range
        }
    }

    /// MicroInterpreter::Invoke before the first and after the last operator.
    let invoke: Entry
    /// The median of the measured CMSIS-NN keys: the stand-in for an operator whose dispatch is not
    /// measured.
    let unmeasured: Entry
    /// Keyed "OP kernel": the builtin name and the CMSIS-NN function; "OP reference TYPE" for an
    /// operator whose Eval ran a TFLM reference kernel (inlined or called; the harness finds inlined
    /// ones from the build's debug information), TYPE its data input's (dataInput); "OP reference" for the
    /// operators that only copy (RESHAPE, SQUEEZE, EXPAND_DIMS).
    let operators: [String: Entry]

    static func forCore(_ core: DeviceProfile.Core) -> TFLMDispatch {
        switch core {
        case .cortexM4: cortexM4
        case .cortexM7: cortexM7
        }
    }

    /// The measured entry for this operator, or nil when its dispatch was not measured.
    /// The input whose type selects the Eval's branch: the first, except TRANSPOSE_CONV's (its first input is the
    /// int32 output shape, the data is input 2). The trace keys its records the same way (invoke_trace.py, DATA_INPUT).
    static func dataInput(_ w: OperatorWorkload) -> TensorWorkload? {
        let index = w.op == .builtin(.transposeConv) ? 2 : 0
        return w.inputs.count > index ? w.inputs[index] : nil
    }

    func entry(_ w: OperatorWorkload) -> Entry? {
        switch w.kernelPath {
        case let .cmsisNN(function):
            return operators["\(w.op.name) \(MeasuredKernelData.calledFunction(function, w).rawValue)"]
        case .reference:
            if let op = w.op.builtin, KernelCosts.copyOperators.contains(op) { return operators["\(w.op.name) reference"] }
            // Traced in TFLM's CMSIS-NN build, where the Eval of an operator with a CMSIS-NN kernel is
            // that wrapper's; and only where the reference kernel's own loops are measured, so that
            // what the trace counted as the kernel is what the cost model charges as one.
            // Keyed by the data input's type: the Eval's branch (QUANTIZE from float32 runs AffineQuantize,
            // from int8 Requantize).
            guard w.variant == .cmsisNN, let input = Self.dataInput(w), !KernelCosts.work(for: w).isGeneric else { return nil }
            return operators["\(w.op.name) reference \(input.type.name.lowercased())"]
        }
    }
}
