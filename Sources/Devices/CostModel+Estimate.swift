import Foundation
import Interpreter

// The cycle estimate: per operator, the measured instruction mixes of the kernel's loops times
// their trip counts (KernelCosts), turned into cycles by the core's timing (CortexM4/CortexM7),
// plus memory stalls (MemorySystem) and TFLM's per-operator dispatch. README.md explains every term.

public enum CostModel {
    public static func estimate(workloads: [OperatorWorkload], device: DeviceProfile, options: CostOptions) -> ModelCost {
        let optimization = options.optimization ?? device.toolchain.opt
        let operators = workloads.map { estimate($0, device: device, optimization: optimization, variant: options.variant) }
        let invoke = TFLMDispatch.forCore(device.core).invoke
        return ModelCost(device: device.id, clockHz: device.clockHz, optimization: optimization, operators: operators,
                         frameworkCycles: cycles(invoke.mix, core: device.core),
                         frameworkInstructions: Double(invoke.instructions), powerWatts: powerWatts(device))
    }

    /// Run current x supply voltage, when the profile has a run current; none, no energy.
    /// Whether that current was checked against the datasheet is the profile's
    /// `sources["power.run_current_ma"].verified`, which reports show beside the energy.
    static func powerWatts(_ device: DeviceProfile) -> Double? {
        guard let milliamps = device.power.runCurrentMilliamps else { return nil }
        return milliamps / 1000 * device.power.supplyVolts
    }

    static func cycles(_ mix: InstructionMix, core: DeviceProfile.Core) -> Double {
        core.timing.cycles(mix)
    }

    static func estimate(_ w: OperatorWorkload, device: DeviceProfile, optimization: OptimizationLevel,
                         variant: KernelVariant) -> OperatorCost {
        var workload = w
        // Asking for the reference variant of a model prepared with CMSIS-NN: the reference
        // kernel of the same operator runs instead (the reverse needs CMSIS-NN's dispatch rules,
        // which only the interpreter applies).
        if variant == .reference && w.kernelPath.isCMSISNN {
            workload = w.replacingKernelPath(.reference(w.op, w.outputs.first?.type ?? .int8))
        }
        let work = KernelCosts.work(for: workload)
        let core = device.core
        let timing = core.timing
        var terms: [CostTerm] = []
        let prefix = work.isGeneric ? "generic estimate: " : ""

        let groups: [(TermGroup, String, String)] = [
            (.mac, "inner loops", "multiply-accumulate/data loops"),
            (.requant, "per-output requantization", "requantization (arm_nn_requantize / MultiplyByQuantizedMultiplier: 64-bit multiply, rounding shift), offset, clamp and store per output, and the loop exits around them"),
            (.im2col, "im2col and padding", "input rearrangement: im2col copies, int8 to int16 widening, padding fills"),
            (.overhead, "loop and call overhead", "loop set-up, calls, loop-entry corrections"),
        ]
        for (group, name, what) in groups {
            let units = work.units.filter { $0.group == group }
            guard !units.isEmpty else { continue }
            var total = 0.0
            var aggregated = InstructionMix.zero
            var instructions = 0.0
            var details: [(String, Double, Double)] = []
            for u in units {
                let mix = u.mix(core, optimization)
                instructions += mix.instructions * u.trips
                if let simulated = timing.simulatedCycles(mix) {
                    // Measured by a trace-driven simulation (stalls and mispredicts included).
                    total += simulated * u.trips
                    if !u.isCorrection { details.append((u.name, u.trips, simulated)) }
                } else if !timing.pairsAcrossUnits || u.isIteration {
                    let perUnit = cycles(mix, core: core)
                    total += perUnit * u.trips
                    if !u.isCorrection { details.append((u.name, u.trips, perUnit)) }
                } else {
                    aggregated += mix * u.trips
                    if !u.isCorrection { details.append((u.name, u.trips, cycles(mix, core: core))) }
                }
            }
            if timing.pairsAcrossUnits { total += cycles(aggregated, core: core) }
            total = max(0, total)
            guard total > 0 else { continue }
            let top = details.sorted { $0.1 * $0.2 > $1.1 * $1.2 }.prefix(4)
                .map { "\($0.0) x\(MemorySystem.fmt($0.1)) at \(MemorySystem.fmt(($0.2 * 10).rounded() / 10)) cycles" }
                .joined(separator: ", ")
            let why = "\(work.label), \(what): \(MemorySystem.fmt(instructions.rounded())) instructions measured for gcc \(optimization.rawValue) on \(timing.displayName) "
                + "(\(timing.issueRule)); \(top)"
            terms.append(CostTerm(prefix + name, total, why, basis: work.isGeneric ? .genericEstimate : .measured,
                                  instructions: instructions))
        }

        if let mispredict = timing.loopExitMispredict {
            // One mispredict per exit of an inner loop (or call/return) per execution of every
            // non-innermost unit; innermost iterations predict their back branch.
            // Simulated units already include their mispredicts.
            let exits = work.units.filter { !$0.isIteration && !$0.isCorrection && timing.simulatedCycles($0.mix(core, optimization)) == nil }
                .reduce(0.0) { $0 + $1.trips }
            if exits > 0 {
                terms.append(CostTerm("branch mispredicts at loop exits", exits * mispredict,
                                      "\(timing.displayName) predicts loop back branches; each of \(MemorySystem.fmt(exits)) loop exits, calls and returns outside the innermost loops is charged one \(MemorySystem.fmt(mispredict))-cycle mispredict",
                                      basis: work.isGeneric ? .genericEstimate : .measured))
            }
        }

        for stall in MemorySystem.stalls(workload, work: work, device: device) {
            terms.append(CostTerm(stall.name, stall.cycles, stall.why, basis: stall.basis))
        }

        terms.append(dispatchTerm(workload, core: core))
        return OperatorCost(index: w.index, op: w.op, kernelPath: workload.kernelPath, macs: w.macs, terms: terms)
    }
}

extension CostModel {
    /// TFLM's work for this operator outside its kernel: measured where the kernel is a function of its
    /// own (TFLMDispatch), else the median of the measured operators, labelled an assumption.
    static func dispatchTerm(_ w: OperatorWorkload, core: DeviceProfile.Core) -> CostTerm {
        let tflm = TFLMDispatch.forCore(core)
        if let e = tflm.entry(w) {
            let spread = e.range.lowerBound == e.range.upperBound ? "" : ", \(e.range.lowerBound)-\(e.range.upperBound) across them"
            return CostTerm("TFLM operator dispatch", cycles(e.mix, core: core),
                            "the Eval outside \(w.kernelPath.isCMSISNN ? w.kernelPath.name : w.op.builtin.map { KernelCosts.copyOperators.contains($0) } == true ? "the memcpy" : "the reference kernel") (eval tensors, shapes, parameter structs\(w.kernelPath.isCMSISNN ? ", the CMSIS-NN wrapper" : "")) and the graph loop's step: \(e.instructions) instructions, measured on \(e.instances) \(w.op.name) operator\(e.instances == 1 ? "" : "s") of TFLM's release build\(spread)",
                            basis: .measured, instructions: Double(e.instructions))
        }
        let u = tflm.unmeasured
        return CostTerm("TFLM operator dispatch", cycles(u.mix, core: core),
                        "not measured for \(w.op.name) \(w.kernelPath.name) (\(w.variant == .reference ? "TFLM's reference build was not traced" : "no traced operator of this kind with measured kernel loops")); assumed to be the median of the \(u.instances) measured operator kinds, \(u.instructions) instructions (they range \(u.range.lowerBound)-\(u.range.upperBound))",
                        basis: .assumption, instructions: Double(u.instructions))
    }

    /// Whether the cost model has measured loops for this operator's kernel path (`.measured`)
    /// or costs it with another kernel's loop (`.genericEstimate`), for `variant`.
    public static func kernelBasis(_ w: OperatorWorkload, variant: KernelVariant) -> CostBasis {
        var workload = w
        if variant == .reference && w.kernelPath.isCMSISNN {
            workload = w.replacingKernelPath(.reference(w.op, w.outputs.first?.type ?? .int8))
        }
        return KernelCosts.work(for: workload).isGeneric ? .genericEstimate : .measured
    }
}

extension OperatorWorkload {
    func replacingKernelPath(_ path: KernelPath) -> OperatorWorkload {
        OperatorWorkload(index: index, op: op, variant: .reference, kernelPath: path, inputs: inputs, outputs: outputs,
                         geometry: geometry, macs: macs, scratchBytes: scratchBytes)
    }
}
