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
    /// The median of the measured kernel keys: the stand-in for an operator whose dispatch is not
    /// measured (a reference kernel's loops are inlined into its Eval, so its dispatch cannot be
    /// separated from them).
    let unmeasured: Entry
    /// Keyed "OP kernel": the builtin name and the CMSIS-NN function, or `reference` for the
    /// reference operators that only copy (RESHAPE, SQUEEZE, EXPAND_DIMS).
    let operators: [String: Entry]

    static func forCore(_ core: DeviceProfile.Core) -> TFLMDispatch {
        switch core {
        case .cortexM4: cortexM4
        case .cortexM7: cortexM7
        }
    }

    /// The measured entry for this operator, or nil when its dispatch was not measured.
    func entry(_ w: OperatorWorkload) -> Entry? {
        switch w.kernelPath {
        case let .cmsisNN(function): operators["\(w.op.name) \(function.rawValue)"]
        case .reference: operators["\(w.op.name) reference"]
        }
    }
}
