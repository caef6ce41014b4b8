// Cortex-M4 issue timing: single issue, in order, zero-wait-state memory. Memory wait states
// are added separately (MemorySystem.swift). Source: Arm Cortex-M4 TRM (DDI 0439) section 3.3,
// "Processor instructions" and "Load/store timings", as summarised in /work/notes/devices.md.

enum CortexM4Timing: CoreTiming {
    static let displayName = "Cortex-M4"
    static let issueRule = "single issue: LDR 2, back-to-back loads N+1, SMLAD 1, taken branch 3"
    static let dataKey = "m4"
    static let pairsAcrossUnits = false
    static let loopExitMispredict: Double? = nil

    /// No trace simulation was made for the Cortex-M4: its timing table is exact per class.
    static func simulatedCycles(_ mix: InstructionMix) -> Double? { nil }

    /// Refill cycles after a taken branch (the TRM's P, 1 to 3 depending on target alignment and
    /// width and on early speculation). 2 is the midpoint; a taken branch costs 1 + P = 3.
    static let branchRefill = 2.0
    /// SDIV/UDIV take 2 to 12 cycles (early termination on the operands' leading bits); the
    /// divisions met here (average-pool counts, index arithmetic) are short, 7 is the midpoint.
    static let divide = 7.0
    /// VMLA/VFMA (FPv4-SP): 3 cycles; VDIV/VSQRT: 14.
    static let fpMultiplyAccumulate = 3.0
    static let fpDivide = 14.0

    /// Cycles for `mix` on a Cortex-M4.
    ///
    /// - Data-processing, MAC (MUL/MLA/SMLAD/SMULL/SMLAL), DSP SIMD, SSAT: 1 cycle each.
    /// - LDR: 2 cycles, but N back-to-back independent loads pipeline to N + 1, so a run of loads
    ///   costs its length plus one: `load + fpLoad + loadRuns`.
    /// - STR: 1 (the data phase overlaps the next instruction). LDRD/STRD: 1 + 2. LDM/STM,
    ///   PUSH/POP: 1 + registers.
    /// - Branches: 1, plus the refill P when taken.
    /// - IT: 1 (can fold into a preceding 16-bit instruction; not assumed).
    static func cycles(_ m: InstructionMix) -> Double {
        let singleCycle = m.alu + m.aluShifted + m.mac + m.simd + m.it + m.fp
        let loads = m.load + m.fpLoad + m.loadRuns
        let doubles = 3 * (m.loadDouble + m.storeDouble)
        let multiples = m.loadMultiple + m.loadMultipleRegisters + m.storeMultiple + m.storeMultipleRegisters
        let stores = m.store + 2 * m.fpStore
        let branches = m.branch + branchRefill * m.taken
        let long = divide * m.divide + fpMultiplyAccumulate * m.fpMAC + fpDivide * m.fpDivide
        return singleCycle + loads + doubles + multiples + stores + branches + long
    }
}
