import Foundation

/// Where a command writes. The real binary writes to stdout/stderr; tests capture.
final class Console {
    private(set) var out = ""
    private(set) var err = ""
    let capture: Bool
    /// Progress lines are for people at a terminal only.
    let stderrIsTerminal: Bool
    let useColor: Bool

    init(capture: Bool) {
        self.capture = capture
        stderrIsTerminal = !capture && isatty(2) == 1
        useColor = !capture && isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
    }

    func print(_ text: String = "") {
        if capture { out += text + "\n" } else { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
    }

    func write(_ text: String) {
        if capture { out += text } else { FileHandle.standardOutput.write(Data(text.utf8)) }
    }

    func error(_ text: String) {
        if capture { err += text + "\n" } else { FileHandle.standardError.write(Data((text + "\n").utf8)) }
    }

    /// A transient progress line on a terminal; nothing when stderr is not a terminal.
    func progress(_ text: String, quiet: Bool) {
        guard stderrIsTerminal, !quiet else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
    }

    func endProgress(quiet: Bool) {
        guard stderrIsTerminal, !quiet else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    func bold(_ s: String) -> String { useColor ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
    func red(_ s: String) -> String { useColor ? "\u{1B}[31m\(s)\u{1B}[0m" : s }
    func green(_ s: String) -> String { useColor ? "\u{1B}[32m\(s)\u{1B}[0m" : s }
}

/// A plain-text table with right-aligned numeric columns.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []
    /// Columns to align right (numbers).
    var rightAligned: Set<Int> = []

    func render() -> String {
        let widths = headers.indices.map { c in ([headers[c]] + rows.map { c < $0.count ? $0[c] : "" }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: max(widths[c] - cell.count, 0))
                return rightAligned.contains(c) ? pad + cell : cell + pad
            }.joined(separator: "  ").trailingSpacesTrimmed
        }
        var lines = [line(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += rows.map(line)
        return lines.joined(separator: "\n")
    }
}

extension Int {
    /// 12,345 style grouping for tables.
    var grouped: String {
        let s = String(abs(self))
        var out = ""
        for (i, c) in s.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (self < 0 ? "-" : "") + String(out.reversed())
    }
}

extension String {
    var trailingSpacesTrimmed: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
