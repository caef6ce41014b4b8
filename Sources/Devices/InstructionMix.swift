import Foundation

// Executed instructions by class: the unit the cycle model works in. The counts come from
// measured instruction streams (KernelInstructionCounts.swift); the cores turn them into cycles
// (CortexM4.swift, CortexM7.swift). See README.md.

/// Executed Thumb-2 instructions by timing class for one unit of work (one loop iteration,
/// one output, one call). Values may be fractional (averaged) or negative (corrections).
struct InstructionMix: Equatable, Sendable {
    var load = 0.0              // LDR/LDRB/LDRH/LDRSB/LDRSH
    var loadRuns = 0.0          // maximal runs of back-to-back loads (M4 pipelines a run of N in N+1)
    var loadDouble = 0.0        // LDRD
    var loadMultiple = 0.0      // LDM, POP
    var loadMultipleRegisters = 0.0
    var store = 0.0             // STR/STRB/STRH
    var storeDouble = 0.0       // STRD
    var storeMultiple = 0.0     // STM, PUSH
    var storeMultipleRegisters = 0.0
    var mac = 0.0               // MUL, MLA, SMLAD, SMLABB, SMULL, SMLAL, ...
    var simd = 0.0              // SXTB16, SXTAB16, PKHBT, SSAT, SXTB, QADD, ... (M7: slot 0 only)
    var alu = 0.0               // ADD, SUB, MOV, CMP, logic, shifts
    var aluShifted = 0.0        // ALU with a shifted register operand (M7: one shifter)
    var it = 0.0                // IT blocks
    var branch = 0.0            // B, Bcc, CBZ, BL, BX (calls and returns included)
    var taken = 0.0             // branches that were taken
    var divide = 0.0            // SDIV, UDIV
    var fp = 0.0                // VADD, VMUL, VMOV, VCVT, VCMP, ...
    var fpMAC = 0.0             // VMLA, VFMA, ...
    var fpLoad = 0.0            // VLDR, VLDM, VPOP
    var fpStore = 0.0           // VSTR, VSTM, VPUSH
    var fpDivide = 0.0          // VDIV, VSQRT
    /// Cortex-M7 cycles of this unit from the trace-driven dual-issue simulation of the measured
    /// run (README.md, "Where the counts come from"); nil where no simulation was made (use the issue bound).
    var m7Cycles: Double? = nil

    static let zero = InstructionMix()

    /// Instructions issued (runs, register counts and taken flags are attributes, not instructions).
    var instructions: Double {
        load + loadDouble + loadMultiple + store + storeDouble + storeMultiple + mac + simd + alu
            + aluShifted + it + branch + divide + fp + fpMAC + fpLoad + fpStore + fpDivide
    }

    private static let keyPaths: [String: WritableKeyPath<InstructionMix, Double>] = [
        "ld": \.load, "ru": \.loadRuns, "ldrd": \.loadDouble, "ldm": \.loadMultiple, "ldmr": \.loadMultipleRegisters,
        "st": \.store, "strd": \.storeDouble, "stm": \.storeMultiple, "stmr": \.storeMultipleRegisters,
        "mac": \.mac, "simd": \.simd, "alu": \.alu, "sh": \.aluShifted, "it": \.it, "br": \.branch, "tk": \.taken,
        "div": \.divide, "fp": \.fp, "fmac": \.fpMAC, "fld": \.fpLoad, "fst": \.fpStore, "fdiv": \.fpDivide,
    ]

    /// Parses "ld=20 ru=13 mac=32 br=1 tk=1" ("-" is the empty mix); nil on any unknown key or number.
    static func parse(_ text: String) -> InstructionMix? {
        var mix = InstructionMix()
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "-" || trimmed.isEmpty { return mix }
        for field in trimmed.split(separator: " ") {
            let parts = field.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = Double(parts[1]), value.isFinite else { return nil }
            if parts[0] == "m7c" {
                mix.m7Cycles = (mix.m7Cycles ?? 0) + value
                continue
            }
            guard let path = keyPaths[String(parts[0])] else { return nil }
            mix[keyPath: path] += value
        }
        return mix
    }

    /// Sums the classes; simulated M7 cycles survive only if both sides have them.
    static func + (a: InstructionMix, b: InstructionMix) -> InstructionMix {
        var r = a
        for path in keyPaths.values { r[keyPath: path] += b[keyPath: path] }
        if let x = a.m7Cycles, let y = b.m7Cycles { r.m7Cycles = x + y } else { r.m7Cycles = nil }
        return r
    }

    static func * (a: InstructionMix, k: Double) -> InstructionMix {
        var r = a
        for path in keyPaths.values { r[keyPath: path] *= k }
        r.m7Cycles = a.m7Cycles.map { $0 * k }
        return r
    }

    static func += (a: inout InstructionMix, b: InstructionMix) { a = a + b }
}

/// What a measured term stands for, used to group terms into the operator's cost terms.
enum TermGroup: String, Sendable {
    /// Innermost multiply-accumulate or data loop iterations.
    case mac
    /// Per-output work after the inner loops: requantization, clamping, stores.
    case requant
    /// Rearranging input for the inner loops: im2col copies, int8 -> int16 widening, padding.
    case im2col
    /// Loop set-up, calls, and entry corrections.
    case overhead
}

/// One measured unit of work of a kernel: its instruction mix for each build.
struct MeasuredTerm: Sendable {
    let name: String
    let group: TermGroup
    /// In `KernelInstructionCounts.buildOrder` order.
    let mixes: [InstructionMix]
    /// Strings that failed to parse (checked by the tests; treated as empty at run time).
    let invalid: [String]

    init(_ name: String, _ group: TermGroup, _ encoded: [String]) {
        self.name = name
        self.group = group
        var mixes: [InstructionMix] = []
        var invalid: [String] = []
        for text in encoded {
            if let mix = InstructionMix.parse(text) { mixes.append(mix) } else { mixes.append(.zero); invalid.append(text) }
        }
        if encoded.count != KernelInstructionCounts.buildOrder.count { invalid.append("expected \(KernelInstructionCounts.buildOrder.count) builds, got \(encoded.count)") }
        self.mixes = mixes
        self.invalid = invalid
    }

    /// A correction term (loop entry, residue, unroll remainder) rather than work of its own.
    var isCorrection: Bool {
        name.contains("entry") || name.hasSuffix("_r1") || name.hasSuffix("_r2") || name.hasSuffix("_r3") || name.contains("mod8")
    }

    func mix(core: DeviceProfile.Core, optimization: OptimizationLevel) -> InstructionMix {
        guard let index = KernelInstructionCounts.buildOrder.firstIndex(of: BuildKey(core: core, optimization: optimization).name),
              index < mixes.count else { return .zero }
        return mixes[index]
    }
}

struct MeasuredKernel: Sendable {
    /// The CMSIS-NN or TFLM function(s) measured.
    let function: String
    let terms: [MeasuredTerm]

    func term(_ name: String) -> MeasuredTerm? { terms.first { $0.name == name } }
}

