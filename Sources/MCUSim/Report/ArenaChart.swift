import Foundation
import Interpreter

/// The arena over time, as TFLM's printed memory plan shows it: operator index across,
/// arena offset up, one block per planned buffer (tensor or scratch) from the first to
/// the last operator that uses it. Tensors take the colour of the operator type that
/// produces them, scratch buffers are hatched; the fullest operator is marked. Above the
/// planned head, the persistent section (TFLM's tail: operator data, quantization
/// parameters, variables) is drawn across the whole run, so the plot holds the arena the
/// totals count.
struct ArenaChart {
    let sim: Simulation
    let palette: OpPalette

    struct Block {
        let buffer: AllocationPlan.PlannedBuffer
        let firstOperator: Int
        let lastOperator: Int
        let colour: String
        let isScratch: Bool
        /// The producing operator type, "model input" or "scratch", for the legend.
        let legendName: String
        let label: String
        let title: String
    }

    /// One block per planned buffer, in the plan's order.
    func blocks() -> [Block] {
        let interpreter = sim.interpreter
        let workloads = interpreter.workloads
        let count = workloads.count
        var producer: [Int: Int] = [:]
        for w in workloads {
            for o in w.outputs where producer[o.tensorIndex] == nil { producer[o.tensorIndex] = w.index }
        }
        func opName(_ i: Int) -> String { i >= 0 && i < count ? workloads[i].op.name : "?" }
        return interpreter.arenaUsage.plan.buffers.map { b in
            // Scope s is operator s - 1; scope 0 (before the first operator) belongs to operator 0 here.
            let first = min(max(b.lifetime.first - 1, 0), max(count - 1, 0))
            let last = min(max(b.lifetime.last - 1, first), max(count - 1, 0))
            let span = first == last ? "operator \(first) (\(opName(first)))"
                : "operators \(first)–\(last) (\(opName(first)) → \(opName(last)))"
            let placement = "offset \(b.offset.grouped) to \((b.offset + b.bytes).grouped)"
            switch b.id {
            case .tensor(let t):
                let info = t >= 0 && t < interpreter.tensors.count ? interpreter.tensors[t] : nil
                let colour = producer[t].map { palette.colour(opName($0)) } ?? OpPalette.input
                var title = "tensor \(t)"
                if let info, !info.name.isEmpty { title += " · \(info.name)" }
                if let info {
                    title += "\n\(info.type.numpyName) [\(info.shape.map(String.init).joined(separator: ", "))], \(info.byteCount.grouped) B"
                }
                if producer[t] == nil { title += " (model input)" }
                title += "\n\(b.bytes.grouped) B planned at \(placement)\nlive during \(span)"
                return Block(buffer: b, firstOperator: first, lastOperator: last, colour: colour, isScratch: false,
                             legendName: producer[t].map { opName($0) } ?? "model input", label: "t\(t)", title: title)
            case .scratch(let op, let index):
                let title = "scratch buffer \(index) of operator \(op) (\(opName(op)))\n\(b.bytes.grouped) B planned at \(placement)\nlive during \(span)"
                return Block(buffer: b, firstOperator: first, lastOperator: last, colour: palette.colour(opName(op)), isScratch: true,
                             legendName: "scratch", label: "scratch", title: title)
            }
        }
    }

    func svg(width: Double = 1200, standalone: Bool) -> String {
        let interpreter = sim.interpreter
        let arena = interpreter.arenaUsage
        let count = interpreter.workloads.count
        let blocks = self.blocks()
        let head = max(arena.totalBytes, 1)

        let left = 78.0, right = 28.0
        let top = standalone ? 96.0 : 40.0
        let plotHeight = 380.0
        let plotWidth = width - left - right
        let columnWidth = plotWidth / Double(max(count, 1))
        let ticks = Ticks.bytes(max: head, target: 6)
        let yTop = max(ticks.values.last ?? Double(head), 1)
        func x(_ op: Int) -> Double { left + Double(op) * columnWidth }
        func y(_ offset: Double) -> Double { top + plotHeight - offset / yTop * plotHeight }

        var svg = SVGBuilder()
        // Hatches for scratch buffers, one per operator colour used.
        var hatchIDs: [String: String] = [:]
        for block in blocks where block.isScratch && hatchIDs[block.colour] == nil {
            let id = "arena-hatch-\(hatchIDs.count)"
            hatchIDs[block.colour] = id
            svg.defs += "<pattern id=\"\(id)\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate(45)\">"
                + "<rect width=\"6\" height=\"6\" fill=\"#ffffff\"/><rect width=\"3\" height=\"6\" fill=\"\(block.colour)\"/></pattern>\n"
        }
        let persistentFill = "url(#arena-persistent)"
        svg.defs += "<pattern id=\"arena-persistent\" patternUnits=\"userSpaceOnUse\" width=\"8\" height=\"8\" patternTransform=\"rotate(-45)\">"
            + "<rect width=\"8\" height=\"8\" fill=\"#eef1f5\"/><rect width=\"2\" height=\"8\" fill=\"#9aa5b1\"/></pattern>\n"

        if standalone {
            svg.text("Arena over time", x: left, y: 28, size: 18, weight: "600")
            let model = URL(fileURLWithPath: sim.modelPath).lastPathComponent
            svg.text("\(model) · \(sim.device.name) · kernels \(sim.settings.variant.rawValue) · planned \(arena.plannedBytes.grouped) B + persistent \(arena.persistentBytes.grouped) B",
                     x: left, y: 50, size: 12.5, fill: "#52606d")
        }

        // Grid and y axis.
        for v in ticks.values {
            let yy = y(v)
            svg.line(x1: left, y1: yy, x2: left + plotWidth, y2: yy, stroke: v == 0 ? "#9aa5b1" : "#e4e7eb")
            svg.text(ticks.label(v), x: left - 8, y: yy + 4, size: 11, anchor: .end, fill: "#52606d")
        }
        svg.text("arena offset", x: 18, y: top + plotHeight / 2, size: 12, anchor: .middle, fill: "#52606d", rotate: -90)

        // The fullest operator, behind the blocks.
        if let peak = arena.peakOperator, peak < count {
            svg.rect(x: x(peak), y: top, width: columnWidth, height: plotHeight, fill: "#fde8e8", cssClass: "peak-band")
        }

        if blocks.isEmpty {
            svg.text("no planned buffers", x: left + plotWidth / 2, y: top + plotHeight / 2, size: 14, anchor: .middle, fill: "#7b8794")
        }
        var labels = SVGBuilder()
        for block in blocks {
            let b = block.buffer
            let x0 = x(block.firstOperator) + 1
            let w = Double(block.lastOperator - block.firstOperator + 1) * columnWidth - 2
            let y1 = y(Double(b.offset))
            let y0 = y(Double(b.offset + b.bytes))
            let h = max(y1 - y0, 1.5)
            let fill = block.isScratch ? "url(#\(hatchIDs[block.colour] ?? ""))" : block.colour
            svg.rect(x: x0, y: y1 - h, width: max(w, 1), height: h, fill: fill, stroke: "#ffffff", strokeWidth: 0.75, rx: 1.5,
                     cssClass: "buffer", title: block.title)
            // Labels only where they fit inside the block.
            let size = 10.5
            let text = block.isScratch ? "scratch" : block.label + " · " + ByteSize.format(b.bytes)
            let candidates = [text, block.label]
            if h >= size + 4, let label = candidates.first(where: { Markup.textWidth($0, size: size) + 8 <= w }) {
                let textFill = block.isScratch ? "#111111" : OpPalette.textColour(on: block.colour)
                labels.text(label, x: x0 + w / 2, y: y1 - h / 2 + size * 0.36, size: size, anchor: .middle, fill: textFill,
                            halo: block.isScratch ? "#ffffff" : block.colour)
            }
        }

        // What is in use at each operator: the highest end of a live buffer.
        if count > 0 {
            var d = ""
            for i in 0..<count {
                let yy = y(Double(arena.liveBytes(atOperator: i)))
                d += i == 0 ? "M\(Markup.n(x(0))) \(Markup.n(yy))" : " V\(Markup.n(yy))"
                d += " H\(Markup.n(x(i + 1)))"
            }
            svg.path(d, stroke: "#1f2933", width: 1.5)
        }

        // The persistent section, from the planned head to the arena's end, for the whole run.
        let tailTop = y(Double(arena.totalBytes))
        let headY = y(Double(arena.plannedBytes))
        if arena.persistentBytes > 0 {
            let rows = (arena.persistent.rows + arena.persistent.unrecorded).filter { $0.used > 0 }
            let title = "persistent section (TFLM's tail, allocated once and kept for the whole run)\n"
                + "\(arena.persistentBytes.grouped) B at offset \(arena.plannedBytes.grouped) to \(arena.totalBytes.grouped)\n"
                + rows.map { "\($0.what): \($0.used.grouped) B" + ($0.count > 1 ? " (x\($0.count))" : "") }.joined(separator: "\n")
            svg.rect(x: left, y: tailTop, width: plotWidth, height: max(headY - tailTop, 1), fill: persistentFill, stroke: "#9aa5b1",
                     strokeWidth: 0.75, cssClass: "persistent", title: title)
            let label = "persistent section · \(ByteSize.format(arena.persistentBytes))"
            if headY - tailTop >= 16 {
                svg.text(label, x: left + 8, y: (tailTop + headY) / 2 + 4, size: 11.5, fill: "#323f4b", weight: "600", halo: "#eef1f5")
            }
        }

        svg.line(x1: left, y1: headY, x2: left + plotWidth, y2: headY, stroke: "#c81e1e", width: 1, dash: "5 4")
        let headLabel = "planned head \(ByteSize.format(arena.plannedBytes)) (\(arena.plannedBytes.grouped) B)"
        svg.text(headLabel, x: left + plotWidth - 4, y: headY - 6, size: 11, anchor: .end, fill: "#c81e1e", halo: "#ffffff")

        if let peak = arena.peakOperator, peak < count {
            // Outline the fullest column over the blocks, up to what is in use there.
            let peakTop = y(Double(arena.liveBytes(atOperator: peak)))
            svg.rect(x: x(peak), y: peakTop, width: columnWidth, height: top + plotHeight - peakTop, fill: "none",
                     stroke: "#c81e1e", strokeWidth: 2, cssClass: "peak")
        }
        // Block labels over the outline, so it never cuts through them.
        svg.raw(labels.body)
        if let peak = arena.peakOperator, peak < count {
            let cx = x(peak) + columnWidth / 2
            let label = "peak at operator \(peak) (\(interpreter.workloads[peak].op)): \(ByteSize.format(arena.liveBytes(atOperator: peak))) in use"
            let labelWidth = Markup.textWidth(label, size: 11.5)
            // Keep the label inside the plot and clear of the head label on the right.
            let lx = min(max(cx - labelWidth / 2, left), left + plotWidth - labelWidth)
            svg.path("M\(Markup.n(cx - 5)) \(Markup.n(top - 9)) L\(Markup.n(cx + 5)) \(Markup.n(top - 9)) L\(Markup.n(cx)) \(Markup.n(top - 2)) Z",
                     stroke: "none", fill: "#c81e1e")
            svg.text(label, x: lx, y: top - 14, size: 11.5, fill: "#c81e1e", weight: "600")
        }

        // Operator strip: each column's operator type, then index ticks.
        let stripY = top + plotHeight + 4
        for (i, w) in interpreter.workloads.enumerated() {
            svg.rect(x: x(i) + 0.5, y: stripY, width: max(columnWidth - 1, 0.5), height: 8, fill: palette.colour(w.op.name), cssClass: "op",
                     title: "operator \(i): \(w.op.name) (\(w.kernelPath.name))")
        }
        let labelStep = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000]
            .first { Double($0) * columnWidth >= Markup.textWidth(String(max(count - 1, 0)), size: 11) + 10 } ?? 10000
        var i = 0
        while i < count {
            let cx = x(i) + columnWidth / 2
            svg.line(x1: cx, y1: stripY + 8, x2: cx, y2: stripY + 12, stroke: "#9aa5b1")
            svg.text(String(i), x: cx, y: stripY + 25, size: 11, anchor: .middle, fill: "#52606d")
            i += labelStep
        }
        svg.text("operator index", x: left + plotWidth / 2, y: stripY + 44, size: 12, anchor: .middle, fill: "#52606d")

        // Legend: producer types present, model inputs, scratch, the in-use line.
        var items: [(String, String, Bool)] = []
        var seen = Set<String>()
        for block in blocks where !block.isScratch {
            if seen.insert(block.legendName).inserted { items.append((block.legendName, block.colour, false)) }
        }
        items.sort { a, b in (a.0 == "model input" ? 0 : 1, a.0) < (b.0 == "model input" ? 0 : 1, b.0) }
        if let scratch = blocks.first(where: { $0.isScratch }) {
            items.append(("scratch", "url(#\(hatchIDs[scratch.colour] ?? ""))", true))
        }
        var lx = left, ly = stripY + 66
        for (name, fill, _) in items {
            let label = name == "scratch" ? "scratch buffer" : name == "model input" ? "model input" : "output of \(name)"
            let itemWidth = 18 + Markup.textWidth(label, size: 11.5) + 18
            if lx + itemWidth > left + plotWidth { lx = left; ly += 20 }
            svg.rect(x: lx, y: ly - 10, width: 12, height: 12, fill: fill, stroke: "#9aa5b1", strokeWidth: 0.5, rx: 2)
            svg.text(label, x: lx + 18, y: ly, size: 11.5, fill: "#323f4b")
            lx += itemWidth
        }
        if arena.persistentBytes > 0 {
            let label = "persistent section (whole run)"
            let itemWidth = 18 + Markup.textWidth(label, size: 11.5) + 18
            if lx + itemWidth > left + plotWidth { lx = left; ly += 20 }
            svg.rect(x: lx, y: ly - 10, width: 12, height: 12, fill: persistentFill, stroke: "#9aa5b1", strokeWidth: 0.5, rx: 2)
            svg.text(label, x: lx + 18, y: ly, size: 11.5, fill: "#323f4b")
            lx += itemWidth
        }
        let extra = [("in use per operator", "#1f2933", ""), ("planned head", "#c81e1e", "5 4")]
        for (label, colour, dash) in extra {
            let itemWidth = 30 + Markup.textWidth(label, size: 11.5) + 18
            if lx + itemWidth > left + plotWidth { lx = left; ly += 20 }
            svg.line(x1: lx, y1: ly - 4, x2: lx + 22, y2: ly - 4, stroke: colour, width: 1.5, dash: dash.isEmpty ? nil : dash)
            svg.text(label, x: lx + 28, y: ly, size: 11.5, fill: "#323f4b")
            lx += itemWidth
        }
        let height = ly + 16
        let model = URL(fileURLWithPath: sim.modelPath).lastPathComponent
        return svg.document(width: width, height: height, label: "Arena over time for \(model) (\(count) operators, \(blocks.count) planned buffers)",
                            standalone: standalone, id: "arena-chart")
    }
}
