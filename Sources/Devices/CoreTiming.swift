// What the cost model needs to know about a core: how an instruction mix turns into cycles,
// and how the measured data was taken for it. One type per core (CortexM4.swift,
// CortexM7.swift); a profile's `core` names it. Adding a core means one such type and the
// core's column in the measured data.

protocol CoreTiming {
    /// As reports name it, e.g. "Cortex-M4".
    static var displayName: String { get }
    /// The issue rule in one line, for the cost terms' explanations.
    static var issueRule: String { get }
    /// The measured-data column's core prefix (`m4` in "m4-O2").
    static var dataKey: String { get }
    /// Cycles of `mix` by the core's issue model.
    static func cycles(_ mix: InstructionMix) -> Double
    /// Cycles of a unit from a trace-driven simulation of the measured run on this core, when
    /// the data has one (stalls and mispredicts included); nil otherwise.
    static func simulatedCycles(_ mix: InstructionMix) -> Double?
    /// True when consecutive units outside the innermost loops issue together, so their mixes
    /// are summed before the issue model is applied (dual issue).
    static var pairsAcrossUnits: Bool { get }
    /// The cost of a mispredicted exit of a loop, call or return outside the innermost loops
    /// that the counts do not already charge (nil: the issue model charges taken branches).
    static var loopExitMispredict: Double? { get }
}

extension DeviceProfile.Core {
    var timing: any CoreTiming.Type {
        switch self {
        case .cortexM4: CortexM4Timing.self
        case .cortexM7: CortexM7Timing.self
        }
    }
}

/// A column of the measured data: a core at an optimisation level (`m4-O2`).
struct BuildKey: Hashable, Sendable {
    let core: DeviceProfile.Core
    let optimization: OptimizationLevel

    var name: String { "\(core.timing.dataKey)\(optimization.rawValue)" }
}
