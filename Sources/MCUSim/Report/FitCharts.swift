import Devices
import Foundation

/// `fit --svg`: the study's two pictures as one standalone SVG: accuracy against the
/// kernels' zero fraction, one line per weight type (when a data set was given), and the
/// latency of every model on every device as grouped bars. Every figure comes from the same
/// results the tables print; the drawing depends on nothing else, so it is the same on any host.
struct FitCharts {
    let results: [FitResult]
    let dataset: Dataset?

    static let width = 860.0
    static let deviceColours = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#9c755f", "#edc948"]
    static let seriesColours = ["float32": "#4e79a7", "int8": "#e15759", "int16": "#59a14f", "uint8": "#f28e2b", "float16": "#76b7b2"]

    var names: [String] { FitMatrix(results: results, dataset: dataset, headroom: results.first?.headroom ?? 0.8).names }

    func svg() -> String {
        var svg = SVGBuilder()
        var y = 0.0
        svg.text("mcusim fit: \(results.count) model\(results.count == 1 ? "" : "s")", x: 20, y: 28, size: 16, weight: "600")
        y = 44
        if dataset != nil, results.allSatisfy({ $0.evaluation != nil }) {
            y = accuracyPanel(&svg, top: y)
        }
        y = latencyPanel(&svg, top: y)
        return svg.document(width: Self.width, height: y + 16, label: "accuracy against kernel zero fraction and latency per device", standalone: true, id: "fit")
    }

    /// The weight type of a model's kernels (the first weight tensor of rank 2 or more).
    func weightType(_ r: FitResult) -> String { r.weights.first { $0.shape.count >= 2 }?.type ?? "none" }

    private func accuracyPanel(_ svg: inout SVGBuilder, top: Double) -> Double {
        let left = 80.0, plotWidth = 560.0, plotHeight = 260.0
        let plotTop = top + 36
        svg.text("Accuracy against the kernels' zero fraction" + (dataset.map { " (\($0.count.grouped) samples of \($0.inputsFile))" } ?? ""),
                 x: 20, y: top + 16, size: 14, weight: "600")
        let points = zip(names, results).map { name, r in (name: name, x: r.kernelSparsity, y: r.evaluation?.metrics.accuracy ?? 0, series: weightType(r)) }
        let xMax = max(0.1, ((points.map(\.x).max() ?? 0) * 10).rounded(.up) / 10)
        let lowest = points.map(\.y).min() ?? 0, highest = points.map(\.y).max() ?? 1
        // 1-2-5 steps of percentage points around the values.
        let step = Ticks.step(range: max(highest - lowest, 0.002), target: 5)
        let yMin = max(0, (lowest / step).rounded(.down) * step - step)
        let yMax = min(1, (highest / step).rounded(.up) * step + step)
        func px(_ x: Double) -> Double { left + x / xMax * plotWidth }
        func py(_ v: Double) -> Double { plotTop + plotHeight - (v - yMin) / max(yMax - yMin, 1e-9) * plotHeight }

        var tick = yMin
        while tick <= yMax + step / 2 {
            svg.line(x1: left, y1: py(tick), x2: left + plotWidth, y2: py(tick), stroke: "#e4e7eb")
            svg.text(String(format: step < 0.001 ? "%.2f%%" : "%.1f%%", tick * 100), x: left - 8, y: py(tick) + 4, size: 11, anchor: .end, fill: "#52606d")
            tick += step
        }
        let xStep = Ticks.step(range: xMax, target: 7)
        var xt = 0.0
        while xt <= xMax + xStep / 2 {
            svg.line(x1: px(xt), y1: plotTop, x2: px(xt), y2: plotTop + plotHeight, stroke: "#f0f2f4")
            svg.text(String(format: "%.0f%%", xt * 100), x: px(xt), y: plotTop + plotHeight + 16, size: 11, anchor: .middle, fill: "#52606d")
            xt += xStep
        }
        svg.line(x1: left, y1: plotTop + plotHeight, x2: left + plotWidth, y2: plotTop + plotHeight, stroke: "#9aa5b1")
        svg.line(x1: left, y1: plotTop, x2: left, y2: plotTop + plotHeight, stroke: "#9aa5b1")
        svg.text("zero fraction of the kernels (as stored in the file)", x: left + plotWidth / 2, y: plotTop + plotHeight + 34, size: 12, anchor: .middle)
        svg.text("top-1 accuracy", x: 22, y: plotTop + plotHeight / 2, size: 12, anchor: .middle, rotate: -90)

        var series: [String] = []
        for p in points where !series.contains(p.series) { series.append(p.series) }
        for (i, s) in series.enumerated() {
            let colour = Self.seriesColours[s] ?? Self.deviceColours[(i + 4) % Self.deviceColours.count]
            let members = points.filter { $0.series == s }.sorted { ($0.x, $0.name) < ($1.x, $1.name) }
            let d = members.enumerated().map { j, p in (j == 0 ? "M" : "L") + "\(Markup.n(px(p.x))) \(Markup.n(py(p.y)))" }.joined(separator: " ")
            svg.path(d, stroke: colour, width: 2)
            for p in members {
                svg.raw("<circle cx=\"\(Markup.n(px(p.x)))\" cy=\"\(Markup.n(py(p.y)))\" r=\"4\" fill=\"\(colour)\"><title>\(Markup.escape("\(p.name): \(EvalResult.percent(p.y)) at \(String(format: "%.1f%%", p.x * 100)) zeros"))</title></circle>\n")
            }
            // Legend, right of the plot.
            let ly = plotTop + 10 + Double(i) * 20
            svg.line(x1: left + plotWidth + 20, y1: ly, x2: left + plotWidth + 44, y2: ly, stroke: colour, width: 2)
            svg.raw("<circle cx=\"\(Markup.n(left + plotWidth + 32))\" cy=\"\(Markup.n(ly))\" r=\"4\" fill=\"\(colour)\"/>\n")
            svg.text("\(s) weights", x: left + plotWidth + 52, y: ly + 4, size: 12)
        }
        return plotTop + plotHeight + 56
    }

    private func latencyPanel(_ svg: inout SVGBuilder, top: Double) -> Double {
        let devices = results.first?.rows.map { $0.simulation.device } ?? []
        let left = 170.0, plotWidth = 560.0, bar = 12.0, gap = 10.0
        svg.text("Latency per inference on each device (cost model)", x: 20, y: top + 16, size: 14, weight: "600")
        // Legend.
        var lx = 20.0
        for (i, d) in devices.enumerated() {
            let label = "\(d.id) (\(d.core.rawValue) @ \(d.clockHz / 1_000_000) MHz)"
            svg.rect(x: lx, y: top + 28, width: 12, height: 12, fill: Self.deviceColours[i % Self.deviceColours.count])
            svg.text(label, x: lx + 18, y: top + 38, size: 12)
            lx += 18 + Markup.textWidth(label, size: 12) + 24
        }
        let plotTop = top + 56
        let maxMs = results.flatMap { $0.rows.map { $0.simulation.cost.milliseconds } }.max() ?? 1
        let ticks = Ticks.milliseconds(max: maxMs, target: 6)
        let axisMax = ticks.values.last ?? maxMs
        let groupHeight = Double(devices.count) * bar + gap
        let plotHeight = Double(results.count) * groupHeight
        func px(_ ms: Double) -> Double { left + ms / max(axisMax, 1e-9) * plotWidth }
        for t in ticks.values {
            svg.line(x1: px(t), y1: plotTop, x2: px(t), y2: plotTop + plotHeight, stroke: "#e4e7eb")
            svg.text(ticks.label(t), x: px(t), y: plotTop + plotHeight + 16, size: 11, anchor: .middle, fill: "#52606d")
        }
        for (m, (name, r)) in zip(names, results).enumerated() {
            let groupTop = plotTop + Double(m) * groupHeight
            svg.text(name, x: left - 8, y: groupTop + Double(devices.count) * bar / 2 + 4, size: 12, anchor: .end)
            for (i, row) in r.rows.enumerated() {
                let ms = row.simulation.cost.milliseconds
                let y = groupTop + Double(i) * bar
                svg.rect(x: left, y: y, width: px(ms) - left, height: bar - 2, fill: Self.deviceColours[i % Self.deviceColours.count],
                         title: "\(name) on \(row.simulation.device.id): \(String(format: "%.2f", ms)) ms")
                svg.text(String(format: "%.2f", ms), x: px(ms) + 4, y: y + bar - 3, size: 10, fill: "#3e4c59")
            }
        }
        svg.line(x1: left, y1: plotTop, x2: left, y2: plotTop + plotHeight, stroke: "#9aa5b1")
        return plotTop + plotHeight + 28
    }
}
