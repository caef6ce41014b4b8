import Devices
import Foundation
import Interpreter

/// `mcusim report MODEL --device ID --out FILE.html`: a self-contained page (or one SVG)
/// a person can look at: the arena over time, latency per operator, flash and RAM.
enum ReportCommand: Command {
    static let spec = CommandSpec(
        name: "report",
        summary: "Write a self-contained HTML report (or the arena chart as SVG): arena over time, latency per operator, flash and RAM.",
        usage: "mcusim report MODEL.tflite --device ID --out FILE.html [--svg] [--headroom 0.8] [--kernels cmsis-nn|reference] [--opt -Os|-O2|-O3] [--reserve flash=SIZE,ram=SIZE] [--profiles DIR]...",
        options: [
            OptionSpec(name: "device", value: "ID", help: "The device profile to report on (see 'mcusim devices')."),
            OptionSpec(name: "out", value: "FILE", help: "Where to write the report (HTML, or SVG with --svg)."),
            OptionSpec(name: "svg", value: nil, help: "Write only the arena chart, as a standalone SVG file."),
            OptionSpec(name: "headroom", value: "F", help: "The verdict's limit: flash and RAM at most F of capacity (default 0.8)."),
            OptionSpec(name: "kernels", value: "VARIANT", help: "cmsis-nn (default, TFLM on Arm) or reference."),
            OptionSpec(name: "opt", value: "LEVEL", help: "Firmware optimisation level -Os, -O2 or -O3 (default: the profile's toolchain)."),
            OptionSpec(name: "reserve", value: "SPEC", help: "Override the software reserve outside the arena, e.g. flash=64KB,ram=16KB."),
            OptionSpec(name: "profiles", value: "DIR", help: "Also load device profiles from DIR.", repeatable: true),
        ],
        details: """
        The HTML file needs nothing else: inline CSS and SVG, no scripts, fonts or links. It shows the fit verdict and
        totals, the arena over time (one block per planned buffer from its first to its last operator, as TFLM's memory
        plan; hover for details), per-operator latency coloured by operator type, and flash / RAM against the device's
        capacity. Sizes use 1 KB = 1024 bytes.
        """)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let path = args.positionals[0]
        guard let deviceID = args.value("device") else {
            throw UsageError(message: "report needs --device ID (see 'mcusim devices')")
        }
        guard let out = args.value("out") else {
            throw UsageError(message: "report needs --out FILE (.html, or .svg with --svg)")
        }
        let headroom = try args.double("headroom") ?? 0.8
        guard headroom > 0, headroom <= 1 else { throw UsageError(message: "--headroom must be in (0, 1], got \(headroom)") }
        let settings = try Simulation.Settings.from(args)
        let catalog = try DevicesCommand.loadCatalog(args)
        guard let device = try Simulation.devices([deviceID], catalog: catalog).first else {
            throw UsageError(message: "no device profile '\(deviceID)'")
        }
        let (model, interpreter) = try Simulation.interpreter(for: path, variant: settings.variant)
        let sim = Simulation(modelPath: path, model: model, interpreter: interpreter, device: device, settings: settings)

        let text: String
        if args.flag("svg") {
            text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + ArenaChart(sim: sim, palette: OpPalette(ops: sim.cost.operators.map(\.op.name))).svg(width: 1200, standalone: true)
        } else {
            text = HTMLReport(sim: sim, headroom: headroom).render()
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
        } catch {
            throw FileError(file: out, message: "cannot write the report", code: ExitCode.invalidInput)
        }
        console.print("wrote \(out) (\(args.flag("svg") ? "SVG arena chart" : "HTML report"): \(URL(fileURLWithPath: path).lastPathComponent) on \(device.id), "
                      + String(format: "%.2f ms", sim.cost.milliseconds) + ", \(sim.fits(headroom: headroom) ? "fits" : "does not fit"))")
        return ExitCode.ok
    }
}
