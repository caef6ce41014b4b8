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

/// One named contribution to an operator's cycles, with the reason it exists.
public struct CostTerm: Sendable {
    public let name: String
    public let cycles: Double
    public let why: String

    public init(_ name: String, _ cycles: Double, _ why: String) {
        self.name = name
        self.cycles = cycles
        self.why = why
    }
}

public struct OperatorCost: Sendable {
    public let index: Int
    public let op: OperatorKind
    public let kernelPath: KernelPath
    public let macs: Int
    public let terms: [CostTerm]
    public var cycles: Double { terms.reduce(0) { $0 + $1.cycles } }

    public init(index: Int, op: OperatorKind, kernelPath: KernelPath, macs: Int, terms: [CostTerm]) {
        self.index = index
        self.op = op
        self.kernelPath = kernelPath
        self.macs = macs
        self.terms = terms
    }
}

public struct ModelCost: Sendable {
    public let device: String
    public let clockHz: Int
    public let optimization: OptimizationLevel
    public let operators: [OperatorCost]
    /// Per-invoke framework work outside the kernels (MicroInterpreter::Invoke's loop,
    /// profiler-free build).
    public let frameworkCycles: Double
    /// Run current x supply voltage, when the profile has a run current.
    public let powerWatts: Double?

    public init(device: String, clockHz: Int, optimization: OptimizationLevel, operators: [OperatorCost],
                frameworkCycles: Double, powerWatts: Double?) {
        self.device = device
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
}
