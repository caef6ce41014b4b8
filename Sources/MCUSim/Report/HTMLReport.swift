import Devices
import Foundation

/// The whole report as one self-contained HTML file: inline CSS and inline SVG only, no
/// scripts, fonts or links to anywhere, and nothing that depends on when or where it was
/// made (no dates, no absolute paths beyond the model path given).
struct HTMLReport {
    let sim: Simulation
    let verdict: Verdict

    var headroom: Double { verdict.headroom }

    var palette: OpPalette { OpPalette(ops: sim.cost.operators.map(\.op.name)) }

    func render() -> String {
        let palette = self.palette
        let f = sim.footprint
        let cost = sim.cost
        let arena = sim.interpreter.arenaUsage
        let modelName = URL(fileURLWithPath: sim.modelPath).lastPathComponent
        let fits = verdict.fits
        let reasons = verdict.reasons
        let macs = sim.interpreter.workloads.reduce(0) { $0 + $1.macs }
        let e = Markup.escape

        var h = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(e("mcusim: \(modelName) on \(sim.device.name)"))</title>
        <style>\(Self.css)</style>
        </head>
        <body>
        <main>
        <header>
        <div>
        <p class="kicker">mcusim \(e(MCUSimCLI.version)) report</p>
        <h1>\(e(modelName)) <span class="on">on</span> \(e(sim.device.name))</h1>
        <p class="sub">\(e(sim.device.mcu)) · \(e(sim.device.core.rawValue)) @ \(sim.device.clockHz / 1_000_000) MHz · kernels \(e(sim.settings.variant.rawValue)) · \(e(sim.optimization.rawValue)) · headroom \(e(verdict.headroomText))</p>
        </div>
        <div class="verdict \(fits ? "ok" : "bad")"><span class="big">\(fits ? "Fits" : "Does not fit")</span><span class="why">\(e(fits ? "flash and RAM within \(verdict.headroomText) of capacity" : reasons.joined(separator: "; ")))</span></div>
        </header>

        """

        // (d) Totals at a glance.
        func card(_ title: String, _ value: String, _ detail: String, fraction: Double? = nil, over: Bool = false) -> String {
            var s = "<div class=\"card\"><div class=\"label\">\(e(title))</div><div class=\"value\">\(e(value))</div>"
            if let fraction {
                s += "<div class=\"meter\"><div class=\"fill\(over ? " over" : "")\" style=\"width:\(Markup.n(min(fraction, 1) * 100))%\"></div>"
                s += "<div class=\"mark\" style=\"left:\(Markup.n(headroom * 100))%\"></div></div>"
            }
            return s + "<div class=\"detail\">\(e(detail))</div></div>\n"
        }
        h += "<section class=\"cards\">\n"
        h += card("Latency", String(format: "%.2f ms", cost.milliseconds),
                  "\(Int(cost.totalCycles.rounded()).grouped) cycles · \(sim.estimatedShareText) guessed"
                  + (cost.energyMicrojoules.map { String(format: " · %@%.0f µJ per inference", sim.energyVerified ? "" : "~", $0) } ?? ""))
        h += card("Flash", ByteSize.format(f.flash.total),
                  "of \(ByteSize.format(f.flashCapacity)) (\(verdict.flashPercent))", fraction: verdict.flashFraction, over: verdict.flashOver)
        h += card("RAM", ByteSize.format(f.ram.total),
                  "of \(ByteSize.format(f.ramCapacity)) (\(verdict.ramPercent))", fraction: verdict.ramFraction, over: verdict.ramOver)
        h += card("Arena to declare", ByteSize.format(f.ram.arena),
                  "planned \(ByteSize.format(f.ram.arenaPlanned)) + persistent \(ByteSize.format(f.ram.arenaPersistent))"
                  + (f.ram.arenaTransient > 0 ? " + \(ByteSize.format(f.ram.arenaTransient)) while AllocateTensors runs" : ""))
        h += "</section>\n"

        let rows: [(String, String)] = [
            ("Model", "\(sim.modelPath) (\(sim.model.bytes.count.grouped) B)"),
            ("Operators", "\(cost.operators.count) operators, \(macs.grouped) MACs"),
            ("Device", "\(sim.device.name) (\(sim.device.id)), \(sim.device.mcu), \(sim.device.core.rawValue) @ \(sim.device.clockHz / 1_000_000) MHz"),
            ("Build", "kernels \(sim.settings.variant.rawValue), \(sim.optimization.rawValue), 32-bit TFLM"),
            ("Latency", String(format: "%.3f ms", cost.milliseconds) + " (\(Int(cost.totalCycles.rounded()).grouped) cycles)"),
            ("Guessed share", "\(sim.estimatedShareText) of the cycles come from generic estimates and assumptions"
                + " (\(cost.operators.filter(\.isEstimated).count) of \(cost.operators.count) operators have no measured kernel loops)"),
            ("Energy", cost.energyMicrojoules.map {
                String(format: "%.1f µJ per inference", $0) + (sim.energyVerified ? "" : " (from a run current not verified against the datasheet)")
            } ?? "n/a (the profile has no run current)"),
            ("Flash", "\(f.flash.total.grouped) B of \(f.flashCapacity.grouped) B, \(f.flashHeadroom.grouped) B free"),
            ("RAM", "\(f.ram.total.grouped) B of \(f.ramCapacity.grouped) B, \(f.ramHeadroom.grouped) B free"),
            ("Arena", ArenaDeclaration(arena).summary + (arena.peakOperator.map { "; fullest at operator \($0)" } ?? "")),
        ]
        h += "<section class=\"panel\"><h2>Summary</h2><table class=\"kv\">\n"
        for (k, v) in rows { h += "<tr><th>\(e(k))</th><td>\(e(v))</td></tr>\n" }
        h += "</table></section>\n"

        // (a) The arena over time.
        h += """
        <section class="panel"><h2>Arena over time</h2>
        <p class="caption">Each block is a buffer the memory planner placed in the arena, from the first to the last operator that uses it
        (hover for the tensor, its shape, size and offset). Blocks take the colour of the operator type that writes them; hatched blocks are
        kernels' scratch buffers. Above the dashed planned head, the persistent section holds what TFLM allocates once for the whole run
        (operator data, quantization parameters, variables). The black line is the highest byte in use while each operator runs; the red outline marks the fullest operator.</p>
        \(ArenaChart(sim: sim, palette: palette).svg(width: 1200, standalone: false))</section>

        """

        // (b) Latency per operator.
        h += """
        <section class="panel"><h2>Latency per operator</h2>
        <p class="caption">Estimated by the Cortex-M cost model for \(e(sim.device.core.rawValue)) at \(sim.device.clockHz / 1_000_000) MHz with \(e(sim.settings.variant.rawValue)) kernels built \(e(sim.optimization.rawValue)); hover a bar for its kernel, MACs and cycles.</p>
        \(LatencyChart(sim: sim, palette: palette).svg(width: 1200))</section>

        """

        // (c) Flash and RAM.
        h += """
        <section class="panel"><h2>Flash and RAM</h2>
        <p class="caption">Flash holds the model, TFLM's runtime, the kernels this model uses and the rest of the firmware (the profile's reserve);
        RAM holds the arena and the firmware's stacks, heap and statics. The dashed line is the \(e(verdict.headroomText)) headroom the verdict uses.</p>
        \(MemoryChart(sim: sim, verdict: verdict).svg(width: 1200))</section>

        """

        // Every operator's figures, folded away.
        h += "<section class=\"panel\"><details><summary>Operator table</summary>\n<table class=\"ops\"><thead><tr>"
        h += "<th class=\"num\">#</th><th>operator</th><th>kernel</th><th class=\"num\">MACs</th><th class=\"num\">cycles</th><th class=\"num\">ms</th><th class=\"num\">share</th><th class=\"num\">arena in use</th></tr></thead><tbody>\n"
        for (i, op) in cost.operators.enumerated() {
            let ms = cost.milliseconds(op)
            h += "<tr><td class=\"num\">\(i)</td><td><span class=\"swatch\" style=\"background:\(palette.colour(op.op.name))\"></span>\(e(op.op.name))</td>"
            h += "<td class=\"mono\">\(e(op.kernelPath.name))</td><td class=\"num\">\(op.macs.grouped)</td><td class=\"num\">\(Int(op.cycles.rounded()).grouped)</td>"
            h += "<td class=\"num\">\(e(sim.millisecondsText(op)))</td><td class=\"num\">\(String(format: "%.1f%%", cost.milliseconds > 0 ? ms / cost.milliseconds * 100 : 0))</td>"
            h += "<td class=\"num\">\(arena.liveBytes(atOperator: i).grouped) B</td></tr>\n"
        }
        let frameworkMs = cost.frameworkCycles / Double(max(cost.clockHz, 1)) * 1000
        h += "<tr><td class=\"num\"></td><td>(framework)</td><td class=\"mono\">MicroInterpreter::Invoke outside the kernels</td><td class=\"num\"></td>"
        h += "<td class=\"num\">\(Int(cost.frameworkCycles.rounded()).grouped)</td><td class=\"num\">\(String(format: "%.3f", frameworkMs))</td>"
        h += "<td class=\"num\">\(String(format: "%.1f%%", sim.frameworkShare * 100))</td><td class=\"num\"></td></tr>\n"
        h += "</tbody></table>\n<p class=\"caption\">\(e(Simulation.estimatedFootnote))</p></details></section>\n"

        h += """
        <footer>Made by mcusim \(e(MCUSimCLI.version)). Arena figures reproduce TFLM's planner for a 32-bit Cortex-M build; latency, energy and
        flash are estimates from the device profile and the cost model, not measurements.</footer>
        </main>
        </body>
        </html>

        """
        return h
    }

    static let css = """

    :root { color-scheme: light; }
    * { box-sizing: border-box; }
    body { margin: 0; background: #f3f5f8; color: #1f2933;
      font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
    main { max-width: 1280px; margin: 0 auto; padding: 28px 24px 40px; }
    header { display: flex; justify-content: space-between; align-items: flex-start; gap: 24px; margin-bottom: 20px; }
    .kicker { margin: 0; text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: #7b8794; font-weight: 600; }
    h1 { margin: 4px 0 6px; font-size: 26px; font-weight: 650; word-break: break-word; }
    h1 .on { color: #7b8794; font-weight: 400; }
    h2 { margin: 0 0 6px; font-size: 18px; font-weight: 620; }
    .sub { margin: 0; color: #52606d; }
    .verdict { min-width: 220px; padding: 12px 18px; border-radius: 10px; text-align: right; border: 1px solid; }
    .verdict .big { display: block; font-size: 24px; font-weight: 700; }
    .verdict .why { display: block; font-size: 13px; }
    .verdict.ok { background: #e3f9e5; border-color: #91d8a0; color: #0e5c2a; }
    .verdict.bad { background: #fde8e8; border-color: #f5a3a3; color: #8a1c1c; }
    .cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 14px; margin-bottom: 16px; }
    .card { background: #fff; border: 1px solid #e4e7eb; border-radius: 10px; padding: 14px 16px; }
    .card .label { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: #7b8794; font-weight: 600; }
    .card .value { font-size: 26px; font-weight: 650; margin: 2px 0 4px; font-variant-numeric: tabular-nums; }
    .card .detail { font-size: 13px; color: #52606d; }
    .meter { position: relative; height: 8px; background: #eef1f5; border-radius: 4px; margin: 6px 0 8px; }
    .meter .fill { height: 100%; border-radius: 4px; background: #3f9142; }
    .meter .fill.over { background: #c81e1e; }
    .meter .mark { position: absolute; top: -3px; width: 2px; height: 14px; background: #1f2933; }
    .panel { background: #fff; border: 1px solid #e4e7eb; border-radius: 10px; padding: 18px 20px; margin-bottom: 16px; }
    .caption { margin: 0 0 12px; color: #52606d; font-size: 13px; max-width: 980px; }
    svg.chart { display: block; height: auto; }
    svg .buffer:hover, svg .latency-bar:hover, svg .segment:hover { stroke: #1f2933; stroke-width: 1.5; }
    table { border-collapse: collapse; }
    table.kv th { text-align: left; font-weight: 600; color: #52606d; padding: 3px 24px 3px 0; vertical-align: top; white-space: nowrap; }
    table.kv td { padding: 3px 0; font-variant-numeric: tabular-nums; }
    details summary { cursor: pointer; font-size: 18px; font-weight: 620; }
    table.ops { width: 100%; margin-top: 12px; font-size: 13px; }
    table.ops th, table.ops td { padding: 4px 10px; border-bottom: 1px solid #eef1f5; text-align: left; }
    table.ops th { color: #52606d; font-weight: 600; }
    table.ops .num { text-align: right; font-variant-numeric: tabular-nums; }
    table.ops .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
    .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
    footer { color: #7b8794; font-size: 12px; margin-top: 8px; }
    @media (max-width: 900px) { .cards { grid-template-columns: repeat(2, 1fr); } header { flex-direction: column; } .verdict { text-align: left; } }

    """
}
