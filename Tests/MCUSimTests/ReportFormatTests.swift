import Foundation
import TestSupport
import XCTest
@testable import MCUSim

/// `report`: the format follows --out, operator colours stay apart, the arena plot holds the
/// persistent section the totals count, and the memory chart's labels do not collide.
final class ReportFormatTests: XCTestCase {
    var mnist: String { SharedReference.examplesDirectory.appendingPathComponent("models/mnist_cnn_int8.tflite").path }

    func testFormatFollowsTheFileName() throws {
        let dir = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, svgFlag, isSVG) in [("a.svg", false, true), ("b.SVG", false, true), ("c.html", false, false), ("d.htm", false, false),
                                       ("e", true, true), ("f.out", false, false), ("g.svg", true, true)] {
            let out = dir.appendingPathComponent(name)
            let result = runCLI(["report", mnist, "--device", "nano33ble", "--out", out.path] + (svgFlag ? ["--svg"] : []))
            XCTAssertEqual(result.code, 0, "\(name): \(result.err)")
            let text = try String(contentsOf: out, encoding: .utf8)
            XCTAssertEqual(text.hasPrefix("<?xml"), isSVG, name)
            XCTAssertEqual(text.hasPrefix("<!DOCTYPE html>"), !isSVG, name)
            XCTAssertTrue(result.out.contains(isSVG ? "(SVG arena chart:" : "(HTML report:"), result.out)
        }
        let contradiction = runCLI(["report", mnist, "--device", "nano33ble", "--out", dir.appendingPathComponent("h.html").path, "--svg"])
        XCTAssertEqual(contradiction.code, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("h.html").path))
    }

    /// Every pair of operator colours (and the model-input grey) differs by at least 20
    /// CIELAB units, so no two operator types share a look in a report.
    func testOperatorColoursAreDistinct() {
        let colours = Array(OpPalette.fixed.values) + OpPalette.others + [OpPalette.input]
        XCTAssertEqual(Set(colours).count, colours.count)
        var closest = (Double.infinity, "", "")
        for (i, a) in colours.enumerated() {
            for b in colours[(i + 1)...] {
                let d = Self.deltaE(a, b)
                if d < closest.0 { closest = (d, a, b) }
            }
        }
        XCTAssertGreaterThanOrEqual(closest.0, 20, "\(closest.1) and \(closest.2) are too close")
        // A model with every fixed type and a dozen others gets distinct colours for all of them.
        let ops = Array(OpPalette.fixed.keys) + (0..<12).map { "OP_\($0)" }
        let palette = OpPalette(ops: ops)
        XCTAssertEqual(Set(ops.map(palette.colour)).count, ops.count)
    }

    func testArenaChartShowsThePersistentSection() throws {
        let (model, interpreter) = try Simulation.interpreter(for: mnist, variant: .cmsisNN)
        let catalog = try ProfileOptions().loadCatalog()
        let sim = Simulation(modelPath: mnist, model: model, interpreter: interpreter, device: try catalog.device("nano33ble"), settings: .init())
        let svg = ArenaChart(sim: sim, palette: OpPalette(ops: sim.cost.operators.map(\.op.name))).svg(width: 1200, standalone: true)
        let arena = interpreter.arenaUsage
        XCTAssertGreaterThan(arena.persistentBytes, 0)
        // One band, titled with its size and place.
        let band = try XCTUnwrap(svg.components(separatedBy: "<rect class=\"persistent\"").dropFirst().first)
        XCTAssertEqual(svg.components(separatedBy: "<rect class=\"persistent\"").count, 2)
        XCTAssertTrue(band.contains("\(arena.persistentBytes.grouped) B at offset \(arena.plannedBytes.grouped) to \(arena.totalBytes.grouped)"), band)
        // Drawn to scale: from the planned head (the dashed line) up by persistent / planned
        // times the head's height above offset 0 (the axis line).
        func attribute(_ name: String, _ text: String) -> Double? {
            guard let r = text.range(of: " \(name)=\"") else { return nil }
            return Double(text[r.upperBound...].prefix { $0 != "\"" })
        }
        let lines = svg.components(separatedBy: "<line").dropFirst()
        let headY = try XCTUnwrap(lines.first { $0.contains("stroke=\"#c81e1e\"") && $0.contains("stroke-dasharray=\"5 4\"") }.flatMap { attribute("y1", $0) })
        let zeroY = try XCTUnwrap(lines.first { $0.contains("stroke=\"#9aa5b1\"") }.flatMap { attribute("y1", $0) })
        let y = try XCTUnwrap(attribute("y", band)), height = try XCTUnwrap(attribute("height", band))
        XCTAssertEqual(y + height, headY, accuracy: 0.02)
        XCTAssertEqual(height / (zeroY - headY), Double(arena.persistentBytes) / Double(arena.plannedBytes), accuracy: 0.002)
        XCTAssertTrue(svg.contains("persistent section (whole run)"), "in the legend")
    }

    /// A model over capacity: the "capacity" label and the headroom label are on opposite
    /// sides of the bar, so they cannot overlap however close their lines are.
    func testCapacityAndHeadroomLabelsDoNotCollide() throws {
        let (model, interpreter) = try Simulation.interpreter(for: mnist, variant: .cmsisNN)
        let catalog = try ProfileOptions().loadCatalog()
        var settings = SimulationOptions()
        settings.reserve = SoftwareReserve(flash: nil, ram: 250 * 1024)
        let sim = Simulation(modelPath: mnist, model: model, interpreter: interpreter, device: try catalog.device("nano33ble"), settings: settings)
        let verdict = sim.verdict(headroom: 0.8)
        XCTAssertGreaterThan(sim.footprint.ram.total, sim.footprint.ramCapacity, "RAM over capacity")
        let svg = MemoryChart(sim: sim, verdict: verdict).svg(width: 1200)
        func boxes(_ label: String) -> [(x0: Double, x1: Double, y0: Double, y1: Double)] {
            svg.components(separatedBy: "<text ").dropFirst().compactMap { element -> (Double, Double, Double, Double)? in
                guard let close = element.firstIndex(of: ">"), element[element.index(after: close)...].hasPrefix(label) else { return nil }
                func number(_ name: String) -> Double { Double(element.components(separatedBy: "\(name)=\"")[1].prefix { $0 != "\"" }) ?? 0 }
                let text = String(element[element.index(after: close)...].prefix { $0 != "<" })
                let width = Markup.textWidth(text, size: number("font-size"))
                let x = number("x"), anchor = element.contains("text-anchor=\"end\"") ? 1.0 : element.contains("text-anchor=\"middle\"") ? 0.5 : 0
                return (x - anchor * width, x - anchor * width + width, number("y") - number("font-size"), number("y"))
            }
        }
        let capacity = boxes("capacity"), headroom = boxes("80% headroom")
        XCTAssertEqual(capacity.count, 1, "RAM only is over capacity")
        XCTAssertEqual(headroom.count, 2)
        for c in capacity {
            for h in headroom {
                let overlap = c.x0 < h.x1 && h.x0 < c.x1 && c.y0 < h.y1 && h.y0 < c.y1
                XCTAssertFalse(overlap, "capacity \(c) and headroom \(h) overlap")
            }
        }
    }

    /// CIE76 colour difference of two sRGB hex colours (D65).
    static func deltaE(_ a: String, _ b: String) -> Double {
        func lab(_ hex: String) -> (Double, Double, Double) {
            let v = Int(hex.dropFirst(), radix: 16) ?? 0
            func linear(_ c: Int) -> Double {
                let s = Double(c) / 255
                return s <= 0.04045 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
            }
            let r = linear(v >> 16 & 0xFF), g = linear(v >> 8 & 0xFF), bl = linear(v & 0xFF)
            let x = (0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047
            let y = 0.2126 * r + 0.7152 * g + 0.0722 * bl
            let z = (0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883
            func f(_ t: Double) -> Double { t > 0.008856 ? cbrt(t) : 7.787 * t + 16.0 / 116 }
            return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))
        }
        let p = lab(a), q = lab(b)
        return ((p.0 - q.0) * (p.0 - q.0) + (p.1 - q.1) * (p.1 - q.1) + (p.2 - q.2) * (p.2 - q.2)).squareRoot()
    }
}
