// Cortex-M7 issue timing: in-order, dual issue. Rules from the Arm Cortex-M7 TRM (DDI 0489)
// as encoded in LLVM's ARMScheduleM7.td (see /work/notes/devices.md section 2): two ALUs, two
// load pipes, one store pipe, one MAC pipe, one branch unit, one FP pipe; DSP SIMD
// instructions issue only from slot 0 (one per cycle); LDRD/STRD, LDM/STM/PUSH/POP and
// divides issue alone. Loads from DTCM or L1 hits take one cycle; memory stalls are added
// separately (MemorySystem.swift).

enum CortexM7Timing: CoreTiming {
    static let displayName = "Cortex-M7"
    static let issueRule = "in-order dual issue as simulated on the measured instruction trace"
    static let dataKey = "m7"
    static let pairsAcrossUnits = true
    static var loopExitMispredict: Double? { mispredict }

    static func simulatedCycles(_ mix: InstructionMix) -> Double? { mix.m7Cycles }

    /// Branch mispredict penalty (LLVM's MispredictPenalty; forward mispredicts can cost 6).
    static let mispredict = 4.0
    /// SDIV/UDIV: blocking, LLVM latency 7.
    static let divide = 7.0
    /// VDIV/VSQRT.F32 latency 16.
    static let fpDivide = 16.0
    /// Accumulator chain through VMLA/VFMA: the accumulate operand is read 3 cycles late
    /// (FP MAC latency 6, ReadFPMAC advance 3), so a dependent chain sustains one per 3 cycles.
    static let fpAccumulateChain = 3.0

    /// Cycles for `mix` on a Cortex-M7 with perfect pairing within the limits below: the
    /// throughput bound of an in-order dual-issue core. Dependency stalls (load-use, MAC result
    /// latency) are not modelled; the compiler schedules the measured loops to hide most of them.
    ///
    /// - Single-issue instructions take a cycle each (LDM/STM/PUSH/POP: one per two registers,
    ///   64-bit data path; SDIV 7).
    /// - The rest issue two per cycle, but no more than one MAC, one slot-0 SIMD, one store, one
    ///   branch, one shifted-operand ALU op per cycle, two loads per cycle, one FP op per cycle.
    /// - Taken branches are predicted (BTAC): no refill cost here; loop exits are charged by the
    ///   caller as mispredicts.
    static func cycles(_ m: InstructionMix) -> Double {
        let single = m.loadDouble + m.storeDouble
            + max(m.loadMultiple, m.loadMultipleRegisters / 2) + max(m.storeMultiple, m.storeMultipleRegisters / 2)
            + divide * m.divide
        let dual = m.instructions - (m.loadDouble + m.storeDouble + m.loadMultiple + m.storeMultiple + m.divide)
        let bound = max(
            dual / 2,
            m.mac,
            m.simd,
            (m.load + m.fpLoad) / 2,
            m.store + m.fpStore,
            m.branch,
            m.aluShifted,
            (m.alu + m.aluShifted + m.simd + m.it) / 2,
            m.fp + m.fpMAC + m.fpDivide,
            fpAccumulateChain * m.fpMAC
        )
        return single + max(0, bound) + (fpDivide - 1) * m.fpDivide
    }
}
