import Devices
import Foundation
import Interpreter

/// `mcusim report MODEL --device ID --out FILE.html`: a self-contained page (or one SVG)
/// a person can look at: the arena over time, latency per operator, flash and RAM.
enum ReportCommand: ParsableCommand {
    static let name = "report"
    static let summary = "Write a self-contained HTML report (or the arena chart as SVG): arena over time, latency per operator, flash and RAM."
    static let details = """
        The format follows --out: FILE.html (or .htm) is the report, FILE.svg the arena chart alone; --svg asks for the
        chart whatever the name, and is refused with a .html name.
        The HTML file needs nothing else: inline CSS and SVG, no scripts, fonts or links. It shows the fit verdict and
        totals, the arena over time (one block per planned buffer from its first to its last operator, as TFLM's memory
        plan, and the persistent section above it; hover for details), per-operator latency coloured by operator type,
        and flash / RAM against the device's capacity. Sizes use 1 KB = 1024 bytes.
        """

    enum Format {
        case html, svg
    }

    struct Options: ParsableOptions {
        var model = ""
        var device: String?
        var out: String?
        var svg = false
        var headroom = 0.8
        var simulation = SimulationOptions()
        var profiles = ProfileOptions()

        static let declarations: [Declaration<Options>] = [
            .positional("MODEL.tflite", .text("MODEL.tflite"), help: "The model to report on.", \.model),
            .required("device", .text("ID"), help: "The device profile to report on (see 'mcusim devices').", missing: "see 'mcusim devices'", \.device),
            .required("out", .text("FILE"), help: "Where to write: FILE.html for the report, FILE.svg for the arena chart.",
                      missing: ".html for the report, .svg for the arena chart", \.out),
            .flag("svg", help: "Write only the arena chart, as a standalone SVG file (implied by an .svg name).", \.svg),
            .headroom(\.headroom),
        ] + .group(\.simulation) + .group(\.profiles)

        func validate() throws { _ = try format() }

        /// From --out's extension; --svg must agree with it.
        func format() throws -> Format {
            let ext = URL(fileURLWithPath: out ?? "").pathExtension.lowercased()
            switch ext {
            case "svg": return .svg
            case "html", "htm":
                if svg { throw UsageError(message: "--svg writes an SVG file, but --out \(out ?? "") names an HTML file; use a .svg name") }
                return .html
            default: return svg ? .svg : .html
            }
        }
    }

    static func run(_ options: Options, console: Console) throws -> Int32 {
        let path = options.model
        let device = try options.profiles.loadCatalog().device(options.device ?? "")
        var plan = OutputPlan()
        plan.input(path, "the model")
        let destination = try plan.output(options.out ?? "", option: "--out")
        let (model, interpreter) = try Simulation.interpreter(for: path, variant: options.simulation.variant)
        let sim = Simulation(modelPath: path, model: model, interpreter: interpreter, device: device, settings: options.simulation)
        let verdict = sim.verdict(headroom: options.headroom)

        let format = try options.format()
        let text: String
        switch format {
        case .svg:
            text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + ArenaChart(sim: sim, palette: OpPalette(ops: sim.cost.operators.map(\.op.name))).svg(width: 1200, standalone: true)
        case .html:
            text = HTMLReport(sim: sim, verdict: verdict).render()
        }
        let staged = StagedFiles()
        try staged.stage(Array(text.utf8), at: destination)
        try staged.commit()
        console.print("wrote \(destination.path) (\(format == .svg ? "SVG arena chart" : "HTML report"): \(URL(fileURLWithPath: path).lastPathComponent) on \(device.id), "
                      + String(format: "%.2f ms", sim.cost.milliseconds) + ", \(verdict.fits ? "fits" : "does not fit"))")
        return ExitCode.ok
    }
}
