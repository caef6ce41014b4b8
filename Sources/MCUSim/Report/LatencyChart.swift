import Devices
import Foundation

/// Per-operator latency as horizontal bars, one row per operator (so labels never
/// overlap however many operators there are), coloured by operator type, with each
/// type's share of the total in the legend.
struct LatencyChart {
    let sim: Simulation
    let palette: OpPalette

    func svg(width: Double = 1200) -> String {
        let cost = sim.cost
        let ops = cost.operators
        let total = max(cost.milliseconds, 0)
        let rowHeight = ops.count <= 40 ? 22.0 : max(13.0, 880.0 / Double(ops.count))
        let fontSize = min(12.0, rowHeight - 4)
        let indexWidth = Markup.textWidth(String(max(ops.count - 1, 0)), size: fontSize)
        let nameWidth = ops.map { Markup.textWidth($0.op.name, size: fontSize) }.max() ?? 60
        let left = 16 + indexWidth + 10 + nameWidth + 14
        let valueWidth = Markup.textWidth("000.000 ms  100.0%", size: 11) + 12
        let plotWidth = max(width - left - valueWidth - 16, 100)
        let top = 34.0
        let maxMs = ops.map { cost.milliseconds($0) }.max() ?? 0
        let ticks = Ticks.milliseconds(max: max(maxMs, 1e-6), target: 6)
        let xMax = max(ticks.values.last ?? maxMs, 1e-9)
        func x(_ ms: Double) -> Double { left + ms / xMax * plotWidth }
        let plotHeight = rowHeight * Double(max(ops.count, 1))

        var svg = SVGBuilder()
        // Zebra rows first so the grid shows through them.
        for i in stride(from: 1, to: ops.count, by: 2) {
            svg.rect(x: 8, y: top + Double(i) * rowHeight, width: width - 16, height: rowHeight, fill: "#f5f7fa")
        }
        // Axis on top with a grid through the rows.
        for v in ticks.values {
            let xx = x(v)
            svg.line(x1: xx, y1: top - 4, x2: xx, y2: top + plotHeight, stroke: v == 0 ? "#9aa5b1" : "#e4e7eb")
            svg.text(ticks.label(v), x: xx, y: top - 10, size: 11, anchor: .middle, fill: "#52606d")
        }
        svg.text("#", x: 16 + indexWidth, y: top - 10, size: 11, anchor: .end, fill: "#7b8794")
        svg.text("operator", x: 16 + indexWidth + 10, y: top - 10, size: 11, fill: "#7b8794")

        for (i, op) in ops.enumerated() {
            let ms = cost.milliseconds(op)
            let rowY = top + Double(i) * rowHeight
            let baseline = rowY + rowHeight / 2 + fontSize * 0.36
            svg.text(String(i), x: 16 + indexWidth, y: baseline, size: fontSize, anchor: .end, fill: "#7b8794")
            svg.text(op.op.name, x: 16 + indexWidth + 10, y: baseline, size: fontSize, fill: "#323f4b")
            let share = total > 0 ? ms / total * 100 : 0
            let title = "operator \(i): \(op.op.name)\nkernel \(op.kernelPath.name)\n\(op.macs.grouped) MACs · \(Int(op.cycles.rounded()).grouped) cycles\n"
                + String(format: "%.3f ms (%.1f%% of the inference)", ms, share)
            svg.rect(x: left, y: rowY + 3, width: max(x(ms) - left, 1), height: rowHeight - 6, fill: palette.colour(op.op.name), rx: 2,
                     cssClass: "latency-bar", title: title)
            svg.text(String(format: "%.3f ms  %.1f%%", ms, share), x: x(ms) + 6, y: baseline, size: min(11, fontSize), fill: "#323f4b")
        }
        let axisY = top + plotHeight + 20
        let framework = cost.frameworkCycles / Double(max(cost.clockHz, 1)) * 1000
        svg.text(String(format: "latency per operator at %d MHz (total %.3f ms, including %.3f ms of interpreter overhead outside the kernels)",
                        sim.device.clockHz / 1_000_000, total, framework),
                 x: left, y: axisY, size: 12, fill: "#52606d")

        // Legend: each type's colour and share of the total.
        var shares: [(String, Double)] = palette.types.map { type in
            (type, ops.filter { $0.op.name == type }.reduce(0) { $0 + cost.milliseconds($1) })
        }
        shares.sort { a, b in a.1 != b.1 ? a.1 > b.1 : a.0 < b.0 }
        // The interpreter's own loop last, so the legend's shares add up to the whole inference.
        let frameworkLabel = "interpreter outside the kernels"
        shares.append((frameworkLabel, framework))
        var lx = left, ly = axisY + 26
        for (type, ms) in shares {
            let label = type + String(format: " %.1f%%", total > 0 ? ms / total * 100 : 0)
            let itemWidth = 18 + Markup.textWidth(label, size: 11.5) + 20
            if lx + itemWidth > width - 16 { lx = left; ly += 20 }
            svg.rect(x: lx, y: ly - 10, width: 12, height: 12, fill: type == frameworkLabel ? "#ffffff" : palette.colour(type),
                     stroke: type == frameworkLabel ? "#9aa5b1" : nil, rx: 2)
            svg.text(label, x: lx + 18, y: ly, size: 11.5, fill: "#323f4b")
            lx += itemWidth
        }
        return svg.document(width: width, height: ly + 14, label: "Latency per operator (\(ops.count) operators)", standalone: false, id: "latency-chart")
    }
}
