import Devices
import Foundation

/// Flash and RAM as stacked bars against the device's capacity, with the headroom line
/// the fit verdict uses.
struct MemoryChart {
    let sim: Simulation
    let verdict: Verdict

    var headroom: Double { verdict.headroom }

    struct Segment {
        let name: String
        let bytes: Int
        let colour: String
    }

    static func flashSegments(_ f: Footprint) -> [Segment] {
        [
            Segment(name: "model weights", bytes: f.flash.modelWeights, colour: "#4e79a7"),
            Segment(name: "model structure", bytes: f.flash.modelStructure, colour: "#a0cbe8"),
            Segment(name: "TFLM runtime", bytes: f.flash.tflmRuntime, colour: "#f28e2b"),
            Segment(name: "kernel code", bytes: f.flash.kernelCode, colour: "#ffbe7d"),
            Segment(name: "application reserve", bytes: f.flash.applicationReserve, colour: "#a0a4a8"),
        ]
    }

    static func ramSegments(_ f: Footprint) -> [Segment] {
        [
            Segment(name: "arena, planned", bytes: f.ram.arenaPlanned, colour: "#59a14f"),
            Segment(name: "arena, persistent", bytes: f.ram.arenaPersistent, colour: "#8cd17d"),
            Segment(name: "arena, AllocateTensors only", bytes: f.ram.arenaTransient, colour: "#b6e3a8"),
            Segment(name: "software reserve", bytes: f.ram.reserve, colour: "#a0a4a8"),
        ]
    }

    func svg(width: Double = 1200) -> String {
        let f = sim.footprint
        var svg = SVGBuilder()
        var y = 24.0
        let rows: [(String, [Segment], Int, Bool, String)] = [
            ("Flash", Self.flashSegments(f), f.flashCapacity, verdict.flashOver, verdict.flashPercent),
            ("RAM", Self.ramSegments(f), f.ramCapacity, verdict.ramOver, verdict.ramPercent),
        ]
        let left = 16.0, right = 16.0
        let barWidth = width - left - right
        for (name, segments, capacity, over, percent) in rows {
            let used = segments.reduce(0) { $0 + $1.bytes }
            let scale = Double(max(used, capacity, 1))
            func x(_ bytes: Double) -> Double { left + bytes / scale * barWidth }
            svg.text(name, x: left, y: y, size: 14, weight: "600")
            let what = name == "RAM" ? "largest arena-usable RAM block" : "on-chip flash"
            svg.text("\(ByteSize.format(used)) of \(ByteSize.format(capacity)) \(what) (\(percent))",
                     x: left + Markup.textWidth(name, size: 14) + 12, y: y, size: 12.5, fill: over ? "#c81e1e" : "#52606d")
            let barY = y + 22, barHeight = 30.0
            svg.rect(x: left, y: barY, width: x(Double(capacity)) - left, height: barHeight, fill: "#eef1f5", stroke: "#cbd2d9", strokeWidth: 1, rx: 3)
            var offset = 0
            for s in segments where s.bytes > 0 {
                let x0 = x(Double(offset)), x1 = x(Double(offset + s.bytes))
                let share = capacity > 0 ? Double(s.bytes) / Double(capacity) * 100 : 0
                svg.rect(x: x0, y: barY, width: max(x1 - x0, 1), height: barHeight, fill: s.colour, stroke: "#ffffff", strokeWidth: 1,
                         cssClass: "segment", title: "\(s.name): \(s.bytes.grouped) B (\(ByteSize.format(s.bytes)), \(String(format: "%.1f%%", share)) of \(name.lowercased()))")
                let label = ByteSize.format(s.bytes)
                if Markup.textWidth(label, size: 11) + 8 <= x1 - x0 {
                    svg.text(label, x: (x0 + x1) / 2, y: barY + barHeight / 2 + 4, size: 11, anchor: .middle, fill: OpPalette.textColour(on: s.colour))
                }
                offset += s.bytes
            }
            // Headroom above the bar; capacity, when exceeded, below it, so the two labels never
            // meet however close the lines are.
            let hx = x(headroom * Double(capacity))
            svg.line(x1: hx, y1: barY - 6, x2: hx, y2: barY + barHeight + 6, stroke: "#1f2933", width: 1.5, dash: "4 3")
            svg.text("\(verdict.headroomText) headroom", x: hx, y: barY - 9, size: 11, anchor: .middle, fill: "#1f2933")
            var legendY = barY + barHeight + 24
            if used > capacity {
                let cx = x(Double(capacity))
                svg.line(x1: cx, y1: barY - 8, x2: cx, y2: barY + barHeight + 8, stroke: "#c81e1e", width: 2)
                let label = "capacity \(ByteSize.format(capacity))"
                // Beside the line, on whichever side has room.
                let fitsRight = cx + 4 + Markup.textWidth(label, size: 11) <= width - right
                svg.text(label, x: fitsRight ? cx + 4 : cx - 4, y: barY + barHeight + 20, size: 11, anchor: fitsRight ? .start : .end,
                         fill: "#c81e1e", weight: "600")
                legendY += 16
            }

            // Legend with exact figures.
            var lx = left, ly = legendY
            for s in segments {
                let label = "\(s.name) \(s.bytes.grouped) B"
                let itemWidth = 18 + Markup.textWidth(label, size: 11.5) + 22
                if lx + itemWidth > width - right { lx = left; ly += 20 }
                svg.rect(x: lx, y: ly - 10, width: 12, height: 12, fill: s.colour, rx: 2)
                svg.text(label, x: lx + 18, y: ly, size: 11.5, fill: "#323f4b")
                lx += itemWidth
            }
            let free = capacity - used
            let freeLabel = free >= 0 ? "free \(free.grouped) B" : "over by \((-free).grouped) B"
            if lx + Markup.textWidth(freeLabel, size: 11.5) + 18 > width - right { lx = left; ly += 20 }
            svg.rect(x: lx, y: ly - 10, width: 12, height: 12, fill: free >= 0 ? "#eef1f5" : "#c81e1e", stroke: "#cbd2d9", strokeWidth: 1, rx: 2)
            svg.text(freeLabel, x: lx + 18, y: ly, size: 11.5, fill: free >= 0 ? "#323f4b" : "#c81e1e")
            y = ly + 44
        }
        return svg.document(width: width, height: y - 24, label: "Flash and RAM against the device's capacity", standalone: false, id: "memory-chart")
    }
}
