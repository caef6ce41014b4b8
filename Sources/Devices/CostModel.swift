import Interpreter

// The cost model's interface: what `run --device`, `fit`, `check` and `report`
// consume. Cycles per operator come from the interpreter's workload records (op,
// kernel path, shapes, MACs, bytes, where tensors live) and the device profile,
// never from the flatbuffer. See README.md in this folder for the model itself.

/// The firmware's optimisation level: it changes CMSIS-NN's cycle counts by tens of percent.
public enum OptimizationLevel: String, Sendable, CaseIterable, Codable {
    case os = "-Os"
    case o2 = "-O2"
    case o3 = "-O3"

    /// Accepts "-Os", "Os", "os", "-O2", "2", ...
    public init?(flag: String) {
        let t = flag.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "-", with: "")
        switch t {
        case "os", "s": self = .os
        case "o2", "2": self = .o2
        case "o3", "3": self = .o3
        default: return nil
        }
    }
}

public struct CostOptions: Sendable {
    public var variant: KernelVariant
    /// nil: the profile's toolchain assumption.
    public var optimization: OptimizationLevel?

    public init(variant: KernelVariant = .cmsisNN, optimization: OptimizationLevel? = nil) {
        self.variant = variant
        self.optimization = optimization
    }
}

/// Where a cost term's number comes from. The estimated share of a latency is the part of
/// its cycles whose basis `isGuess`: what is not measured and not documented.
public enum CostBasis: String, Sendable, CaseIterable {
    /// Measured instruction streams of the kernel's own loops (and newlib's memcpy/memset),
    /// turned into cycles by the core's timing model.
    case measured
    /// Datasheet figures of the profile (flash wait states, cache sizes) through the memory model.
    case datasheet
    /// A kernel without measured loops, costed with the closest measured loop of another kernel.
    case genericEstimate = "generic-estimate"
    /// A judged figure, neither measured nor documented (TFLM's dispatch where it was not traced;
    /// the STM32F7's AXI line-fill cycles).
    case assumption

    /// Counted in the estimated share.
    public var isGuess: Bool { self == .genericEstimate || self == .assumption }
}

/// One named contribution to an operator's cycles, with the reason it exists and where its
/// number comes from.
public struct CostTerm: Sendable {
    public let name: String
    public let cycles: Double
    public let why: String
    public let basis: CostBasis
    /// Instructions the term stands for (kernel loops, dispatch); 0 for memory stalls.
    public let instructions: Double

    public init(_ name: String, _ cycles: Double, _ why: String, basis: CostBasis, instructions: Double = 0) {
        self.name = name
        self.cycles = cycles
        self.why = why
        self.basis = basis
        self.instructions = instructions
    }
}

public struct OperatorCost: Sendable {
    public let index: Int
    public let op: OperatorKind
    public let kernelPath: KernelPath
    public let macs: Int
    public let terms: [CostTerm]
    public var cycles: Double { terms.reduce(0) { $0 + $1.cycles } }
    /// Instructions executed: the kernel's loops, its library calls and TFLM's dispatch.
    public var instructions: Double { terms.reduce(0) { $0 + $1.instructions } }

    public init(index: Int, op: OperatorKind, kernelPath: KernelPath, macs: Int, terms: [CostTerm]) {
        self.index = index
        self.op = op
        self.kernelPath = kernelPath
        self.macs = macs
        self.terms = terms
    }

    /// Cycles from generic estimates and assumptions.
    public var estimatedCycles: Double { terms.filter(\.basis.isGuess).reduce(0) { $0 + $1.cycles } }
    /// The part of this operator's cycles that is guessed, 0...1.
    public var estimatedShare: Double { cycles > 0 ? min(1, max(0, estimatedCycles / cycles)) : 0 }
    /// True when the kernel's own work is a generic estimate (no measured loops for this path):
    /// what reports mark with "~". An assumed TFLM dispatch (where it was not traced) counts in
    /// `estimatedShare` but does not mark the operator.
    public var isEstimated: Bool { terms.contains { $0.basis == .genericEstimate } }
}

public struct ModelCost: Sendable {
    public let device: String
    public let clockHz: Int
    public let optimization: OptimizationLevel
    public let operators: [OperatorCost]
    /// Per-invoke framework work outside the operators (MicroInterpreter::Invoke around the graph
    /// loop, profiler-free release build), measured (TFLMDispatch.invoke).
    public let frameworkCycles: Double
    /// Instructions of `frameworkCycles`.
    public let frameworkInstructions: Double
    /// Run current x supply voltage, when the profile has a run current.
    public let powerWatts: Double?

    public init(device: String, clockHz: Int, optimization: OptimizationLevel, operators: [OperatorCost],
                frameworkCycles: Double, frameworkInstructions: Double, powerWatts: Double?) {
        self.device = device
        self.frameworkInstructions = frameworkInstructions
        self.clockHz = clockHz
        self.optimization = optimization
        self.operators = operators
        self.frameworkCycles = frameworkCycles
        self.powerWatts = powerWatts
    }

    public var totalCycles: Double { operators.reduce(frameworkCycles) { $0 + $1.cycles } }
    public var milliseconds: Double { totalCycles / Double(clockHz) * 1000 }
    public func milliseconds(_ op: OperatorCost) -> Double { op.cycles / Double(clockHz) * 1000 }
    /// Energy per inference: time x run current x voltage.
    public var energyMicrojoules: Double? { powerWatts.map { $0 * milliseconds / 1000 * 1e6 } }

    /// Instructions per inference: the operators' and the framework's.
    public var instructions: Double { operators.reduce(frameworkInstructions) { $0 + $1.instructions } }
    /// Cycles from generic estimates and assumptions (the measured invoke overhead is not one).
    public var estimatedCycles: Double { operators.reduce(0) { $0 + $1.estimatedCycles } }
    /// The part of the latency that is guessed rather than measured or documented, 0...1.
    public var estimatedShare: Double { totalCycles > 0 ? min(1, max(0, estimatedCycles / totalCycles)) : 0 }
}
