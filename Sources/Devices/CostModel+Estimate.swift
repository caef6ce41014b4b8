import Foundation
import Interpreter

// The cycle estimate: per operator, the measured instruction mixes of the kernel's loops times
// their trip counts (KernelCosts), turned into cycles by the core's timing (CortexM4/CortexM7),
// plus memory stalls (MemorySystem) and TFLM's per-operator dispatch. README.md explains every term.

public enum CostModel {
    /// TFLM work per operator outside the kernel's loops, not measured: MicroGraph's invoke loop
    /// (registration lookup, indirect call), the kernel's Eval fetching 3-4 eval tensors through
    /// the context (each an indirect call), building RuntimeShape/cmsis_nn_dims from them, filling
    /// the parameter structs, and the CMSIS-NN wrapper's dispatch: about 250 instructions, counted
    /// from the call structure of tensorflow/lite/micro/kernels/cmsis_nn/conv.cc. Assumption.
    static let operatorDispatch = InstructionMix.parse(
        "ld=80 ru=50 st=35 alu=95 sh=5 br=30 tk=20 ldm=4 ldmr=24 stm=4 stmr=24") ?? .zero
    /// MicroInterpreter::Invoke around the operator loop (state checks, subgraph set-up, return):
    /// about 100 instructions. Assumption.
    static let invokeOverhead = InstructionMix.parse("ld=30 ru=20 st=10 alu=40 br=12 tk=8 ldm=1 ldmr=6 stm=1 stmr=6") ?? .zero

    public static func estimate(workloads: [OperatorWorkload], device: DeviceProfile, options: CostOptions) -> ModelCost {
        let optimization = options.optimization ?? device.toolchain.opt
        let operators = workloads.map { estimate($0, device: device, optimization: optimization, variant: options.variant) }
        let framework = cycles(invokeOverhead, core: device.core)
        return ModelCost(device: device.id, clockHz: device.clockHz, optimization: optimization, operators: operators,
                         frameworkCycles: framework, powerWatts: powerWatts(device))
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
            terms.append(CostTerm(prefix + name, total, why, basis: work.isGeneric ? .genericEstimate : .measured))
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

        terms.append(CostTerm("TFLM operator dispatch", cycles(operatorDispatch, core: core),
                              "MicroGraph invoke loop, kernel Eval fetching eval tensors and shapes, parameter structs, CMSIS-NN wrapper dispatch: about \(MemorySystem.fmt(operatorDispatch.instructions)) instructions (assumption, not measured)",
                              basis: .assumption))
        return OperatorCost(index: w.index, op: w.op, kernelPath: workload.kernelPath, macs: w.macs, terms: terms)
    }
}

extension CostModel {
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
