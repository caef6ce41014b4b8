import Devices
import Foundation
import Interpreter

/// Everything the device-facing commands (`run --device`, `fit`, `check`, `report`)
/// need about one model on one device: the interpreter's arena and workload records,
/// the cost model's cycles, and the flash/RAM footprint. The interpreter is built once
/// per model and kernel variant and shared across devices.
struct Simulation {
    let modelPath: String
    let model: Model
    let interpreter: MicroInterpreter
    let device: DeviceProfile
    let settings: SimulationOptions
    let cost: ModelCost
    let footprint: Footprint

    var optimization: OptimizationLevel { cost.optimization }

    init(modelPath: String, model: Model, interpreter: MicroInterpreter, device: DeviceProfile, settings: SimulationOptions) {
        self.modelPath = modelPath
        self.model = model
        self.interpreter = interpreter
        self.device = device
        self.settings = settings
        cost = CostModel.estimate(workloads: interpreter.workloads, device: device,
                                  options: CostOptions(variant: settings.variant, optimization: settings.optimization))
        // `--reserve flash=` is what the application adds; the footprint's reserve override
        // also holds TFLM's runtime, which mcusim counts on its own line.
        let reserve = settings.reserve
        let override: (flash: Int?, ram: Int?)? = reserve.isSet
            ? (reserve.flash.map { $0 + device.tflmRuntimeFlashBytes }, reserve.ram) : nil
        var input = FootprintInput(interpreter: interpreter)
        input.variant = settings.variant
        input.registration = settings.registration
        footprint = Footprint.estimate(input, optimization: cost.optimization, device: device, reserveOverride: override)
    }

    /// Prepares and plans the model at `path` (exit-code-mapped errors). The commands that
    /// only report (`fit`, `check`, `report`) never invoke, so no host arena is allocated,
    /// however large the model says it is.
    static func interpreter(for path: String, variant: KernelVariant) throws -> (Model, MicroInterpreter) {
        let model = try MCUSimCLI.loadModel(path)
        do {
            return (model, try MicroInterpreter(model: model, options: InterpreterOptions(variant: variant, allocatesArena: false)))
        } catch {
            throw MCUSimCLI.fileError(error, file: path)
        }
    }

    /// Devices by id from the catalog (all when `ids` is empty), unknown ids rejected
    /// with a suggestion.
    static func devices(_ ids: [String], catalog: ProfileLoader.Catalog) throws -> [DeviceProfile] {
        ids.isEmpty ? catalog.profiles : try ids.map { try catalog.device($0) }
    }

    /// The energy figure rests on a run current the profile marks as checked against its datasheet.
    var energyVerified: Bool { device.sources["power.run_current_ma"]?.isVerified ?? false }

    /// Energy for tables: "~" marks a run current not checked against the datasheet.
    var energyText: String {
        guard let e = cost.energyMicrojoules else { return "n/a" }
        return (energyVerified ? "" : "~") + String(format: "%.0f", e)
    }

    /// Each operator's share of the inference's cycles; with `frameworkShare` they add up to 1.
    func share(_ op: OperatorCost) -> Double { op.cycles / max(cost.totalCycles, 1) }

    /// The interpreter's own work outside the kernels, as a share of the inference.
    var frameworkShare: Double { cost.frameworkCycles / max(cost.totalCycles, 1) }

    /// An operator's milliseconds for tables; "~" marks a kernel costed by a generic estimate.
    func millisecondsText(_ op: OperatorCost, format: String = "%.3f") -> String {
        (op.isEstimated ? "~" : "") + String(format: format, cost.milliseconds(op))
    }

    /// The guessed part of the latency for tables: "12.3%".
    var estimatedShareText: String {
        let share = cost.estimatedShare
        return share > 0 && share < 0.001 ? "<0.1%" : String(format: "%.1f%%", 100 * share)
    }

    /// One line saying how much of the latency is guessed and what "~" means.
    static let estimatedFootnote = "~: the kernel has no measured loops; it is costed with another kernel's loop (a generic estimate). "
        + "Guessed share = cycles from generic estimates and assumptions (AXI line fills, TFLM dispatch where it was not traced) over all cycles."

    func verdict(headroom: Double) -> Verdict { Verdict(footprint: footprint, headroom: headroom) }
}

/// Whether a model fits a device with flash and RAM use at most `headroom` of capacity,
/// and why not. Every command that gives a verdict takes it from here.
struct Verdict {
    let headroom: Double
    let flashFraction: Double
    let ramFraction: Double
    let flashOver: Bool
    let ramOver: Bool

    init(footprint f: Footprint, headroom: Double) {
        self.headroom = headroom
        flashFraction = f.flashCapacity > 0 ? Double(f.flash.total) / Double(f.flashCapacity) : 0
        ramFraction = f.ramCapacity > 0 ? Double(f.ram.total) / Double(f.ramCapacity) : 0
        flashOver = Double(f.flash.total) > headroom * Double(f.flashCapacity)
        ramOver = Double(f.ram.total) > headroom * Double(f.ramCapacity)
    }

    var fits: Bool { !flashOver && !ramOver }

    /// Use as a percentage of capacity, with a decimal where rounding would hide which side
    /// of the headroom it is on.
    var flashPercent: String { Percent.text(flashFraction, against: headroom) }
    var ramPercent: String { Percent.text(ramFraction, against: headroom) }
    var headroomText: String { Percent.limit(headroom) }

    /// "flash 80.5% > 80%", one per resource over the headroom.
    var reasons: [String] {
        (flashOver ? ["flash \(flashPercent) > \(headroomText)"] : []) + (ramOver ? ["RAM \(ramPercent) > \(headroomText)"] : [])
    }
}
