import Foundation

// Small helpers for writing SVG and HTML by hand: escaping, stable number formatting,
// text width estimates (there is no font metrics API without a renderer), axis ticks
// and the operator-type palette shared by every chart.

enum Markup {
    /// Escapes text for XML / HTML attributes and content.
    static func escape(_ s: String) -> String { JUnitReport.escape(s) }

    /// A coordinate with at most two decimals and no trailing zeros, the same on every host.
    static func n(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let r = (v * 100).rounded() / 100
        if r == r.rounded() { return String(Int(r)) }
        var s = String(format: "%.2f", r)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }

    /// Rough rendered width of `text` at `size` px in a sans-serif face: wide enough for
    /// capitals and digits so labels that are placed by it do not collide.
    static func textWidth(_ text: String, size: Double) -> Double {
        var units = 0.0
        for c in text {
            if c.isUppercase || c.isNumber { units += 0.64 } else if c == " " || c == "." || c == "," || c == "i" || c == "l" { units += 0.3 } else { units += 0.55 }
        }
        return units * size
    }

    /// Shortens `text` with an ellipsis to fit `width`, or nil when not even one character fits.
    static func fit(_ text: String, width: Double, size: Double) -> String? {
        if textWidth(text, size: size) <= width { return text }
        var s = text
        while !s.isEmpty, textWidth(s + "…", size: size) > width { s.removeLast() }
        return s.isEmpty ? nil : s + "…"
    }
}

/// Builds an SVG document as text.
struct SVGBuilder {
    var body = ""
    var defs = ""

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil,
                       strokeWidth: Double = 1, rx: Double = 0, opacity: Double? = nil, cssClass: String? = nil,
                       extra: String = "", title: String? = nil) {
        var s = "<rect"
        if let cssClass { s += " class=\"\(cssClass)\"" }
        s += " x=\"\(Markup.n(x))\" y=\"\(Markup.n(y))\" width=\"\(Markup.n(max(width, 0)))\" height=\"\(Markup.n(max(height, 0)))\""
        if rx > 0 { s += " rx=\"\(Markup.n(rx))\"" }
        s += " fill=\"\(fill)\""
        if let stroke { s += " stroke=\"\(stroke)\" stroke-width=\"\(Markup.n(strokeWidth))\"" }
        if let opacity { s += " fill-opacity=\"\(Markup.n(opacity))\"" }
        if !extra.isEmpty { s += " " + extra }
        if let title {
            s += "><title>\(Markup.escape(title))</title></rect>\n"
        } else {
            s += "/>\n"
        }
        body += s
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dash: String? = nil) {
        body += "<line x1=\"\(Markup.n(x1))\" y1=\"\(Markup.n(y1))\" x2=\"\(Markup.n(x2))\" y2=\"\(Markup.n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Markup.n(width))\""
        if let dash { body += " stroke-dasharray=\"\(dash)\"" }
        body += "/>\n"
    }

    enum Anchor: String { case start, middle, end }

    mutating func text(_ content: String, x: Double, y: Double, size: Double = 12, anchor: Anchor = .start,
                       fill: String = "#1f2933", weight: String? = nil, rotate: Double? = nil, baseline: String? = nil,
                       halo: String? = nil) {
        var s = "<text x=\"\(Markup.n(x))\" y=\"\(Markup.n(y))\" font-size=\"\(Markup.n(size))\" fill=\"\(fill)\""
        // A halo in the background colour keeps lines behind the text from cutting through it.
        if let halo { s += " stroke=\"\(halo)\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\"" }
        if anchor != .start { s += " text-anchor=\"\(anchor.rawValue)\"" }
        if let weight { s += " font-weight=\"\(weight)\"" }
        if let baseline { s += " dominant-baseline=\"\(baseline)\"" }
        if let rotate { s += " transform=\"rotate(\(Markup.n(rotate)) \(Markup.n(x)) \(Markup.n(y)))\"" }
        s += ">\(Markup.escape(content))</text>\n"
        body += s
    }

    mutating func path(_ d: String, stroke: String, width: Double = 1, fill: String = "none", dash: String? = nil) {
        body += "<path d=\"\(d)\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"\(Markup.n(width))\""
        if let dash { body += " stroke-dasharray=\"\(dash)\"" }
        body += "/>\n"
    }

    mutating func raw(_ s: String) { body += s }

    /// The document. Inline in HTML the namespace is implied; a standalone file needs it.
    func document(width: Double, height: Double, label: String, standalone: Bool, id: String) -> String {
        var s = "<svg"
        if standalone {
            s += " xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Markup.n(width))\" height=\"\(Markup.n(height))\""
        } else {
            s += " class=\"chart\" width=\"100%\""
        }
        s += " id=\"\(id)\" viewBox=\"0 0 \(Markup.n(width)) \(Markup.n(height))\" role=\"img\" aria-label=\"\(Markup.escape(label))\""
        s += " font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif\">\n"
        s += "<title>\(Markup.escape(label))</title>\n"
        if !defs.isEmpty { s += "<defs>\n\(defs)</defs>\n" }
        if standalone { s += "<rect x=\"0\" y=\"0\" width=\"\(Markup.n(width))\" height=\"\(Markup.n(height))\" fill=\"#ffffff\"/>\n" }
        s += body
        s += "</svg>\n"
        return s
    }
}

/// Axis ticks at 1-2-5 steps.
enum Ticks {
    static func step(range: Double, target: Int) -> Double {
        guard range > 0, target > 0 else { return 1 }
        let raw = range / Double(target)
        let magnitude = pow(10, floor(log10(raw)))
        for m in [1.0, 2, 5, 10] where m * magnitude >= raw { return m * magnitude }
        return 10 * magnitude
    }

    /// Tick values from 0 to at least `max`.
    static func values(max: Double, target: Int) -> [Double] {
        let s = step(range: max, target: target)
        let count = Int((max / s).rounded(.up))
        return (0...Swift.max(count, 1)).map { Double($0) * s }
    }

    /// A byte axis: ticks in B, KB or MB (1 KB = 1024 B) at 1-2-5 steps of that unit.
    static func bytes(max: Int, target: Int) -> (values: [Double], label: (Double) -> String) {
        let unit: (Double, String) = max >= 2 << 20 ? (1_048_576, "MB") : max >= 2048 ? (1024, "KB") : (1, "B")
        let ticks = values(max: Double(max) / unit.0, target: target)
        let step = ticks.count > 1 ? ticks[1] : 1
        let decimals = step >= 1 ? 0 : step >= 0.1 ? 1 : 2
        return (ticks.map { $0 * unit.0 }, { String(format: "%.\(decimals)f \(unit.1)", $0 / unit.0) })
    }

    static func milliseconds(max: Double, target: Int) -> (values: [Double], label: (Double) -> String) {
        let ticks = values(max: max, target: target)
        let step = ticks.count > 1 ? ticks[1] : 1
        let decimals = step >= 1 ? 0 : step >= 0.1 ? 1 : step >= 0.01 ? 2 : 3
        return (ticks, { String(format: "%.\(decimals)f ms", $0) })
    }
}

/// Colours for operator types, the same in every chart of a report: fixed ones for the
/// common types, then a list for the rest in name order. Every colour differs from every
/// other (and from the model-input grey) by at least 20 CIELAB units (ΔE*76), so blocks of
/// different types stay apart; ReportTests checks it.
struct OpPalette {
    static let fixed: [String: String] = [
        "CONV_2D": "#4e79a7", "DEPTHWISE_CONV_2D": "#59a14f", "FULLY_CONNECTED": "#f28e2b",
        "MAX_POOL_2D": "#b07aa1", "AVERAGE_POOL_2D": "#9c755f", "SOFTMAX": "#e15759",
        "ADD": "#76b7b2", "MUL": "#edc948", "RESHAPE": "#5b6470",
    ]
    /// Picked greedily, each as far as possible from the fixed colours and the ones before it.
    static let others = ["#6655bb", "#aa2277", "#ee99ff", "#776600", "#00ddaa", "#00ccff", "#0099ff",
                         "#336644", "#994400", "#bbbb77", "#ffaaaa", "#bbbbff", "#ff77aa", "#994455"]
    static let input = "#c5cbd3"

    let colours: [String: String]
    /// Operator types in the order they first appear in the model.
    let types: [String]

    init(ops: [String]) {
        var types: [String] = []
        for op in ops where !types.contains(op) { types.append(op) }
        self.types = types
        var colours: [String: String] = [:]
        var next = 0
        for op in types.sorted() {
            if let c = Self.fixed[op] {
                colours[op] = c
            } else {
                colours[op] = Self.others[next % Self.others.count]
                next += 1
            }
        }
        self.colours = colours
    }

    func colour(_ op: String) -> String { colours[op] ?? "#888888" }

    /// Dark text on light fills, white on dark ones.
    static func textColour(on hex: String) -> String {
        let digits = Array(hex.dropFirst())
        guard digits.count == 6, let v = Int(String(digits), radix: 16) else { return "#111111" }
        let r = Double((v >> 16) & 0xFF), g = Double((v >> 8) & 0xFF), b = Double(v & 0xFF)
        return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? "#111111" : "#ffffff"
    }
}
