import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TestSupport
import XCTest
@testable import MCUSim

final class ReportTests: XCTestCase {
    var models: URL { SharedReference.examplesDirectory.appendingPathComponent("models") }

    func report(_ model: String, device: String, svg: Bool = false) throws -> String {
        let dir = try SharedReference.temporaryDirectory()
        let out = dir.appendingPathComponent(svg ? "arena.svg" : "report.html")
        let result = runCLI(["report", models.appendingPathComponent(model).path, "--device", device, "--out", out.path] + (svg ? ["--svg"] : []))
        XCTAssertEqual(result.code, 0, result.err)
        XCTAssertTrue(result.out.hasPrefix("wrote \(out.path)"), result.out)
        return try String(contentsOf: out, encoding: .utf8)
    }

    func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    /// Planned buffers of the MNIST example, by hand from its graph (Examples/models/README.md):
    /// the input and the eight operators' outputs are planned tensors (9), and CMSIS-NN's
    /// arm_convolve_s8 asks for an im2col scratch buffer for each of the two 3x3 convolutions (2).
    let mnistPlannedBuffers = 11

    func testHTMLHasEverySectionAndOneBlockPerPlannedBuffer() throws {
        let html = try report("mnist_cnn_int8.tflite", device: "stm32f411re")
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        for id in ["arena-chart", "latency-chart", "memory-chart"] {
            XCTAssertTrue(html.contains("<svg class=\"chart\" width=\"100%\" id=\"\(id)\""), id)
        }
        XCTAssertEqual(count("<svg", in: html), 3)
        XCTAssertEqual(count("<rect class=\"buffer\"", in: html), mnistPlannedBuffers)
        // One latency bar per operator: 8 operators.
        XCTAssertEqual(count("<rect class=\"latency-bar\"", in: html), 8)
        // Flash: weights, structure, runtime, kernels, application; RAM: planned, persistent, the 12 B more
        // AllocateTensors needs while it runs (declare 8,704 B, Cortex-M4 measured), reserve.
        XCTAssertEqual(count("<rect class=\"segment\"", in: html), 9)
        for text in ["Arena over time", "Latency per operator", "Flash and RAM", "Fits", "kernels cmsis-nn", "-O2", "mnist_cnn_int8.tflite",
                     "peak at operator", "80% headroom"] {
            XCTAssertTrue(html.contains(text), text)
        }
    }

    func testHTMLIsSelfContained() throws {
        let html = try report("kws_dscnn_int8.tflite", device: "nano33ble")
        XCTAssertFalse(html.lowercased().contains("http"), "no URLs")
        XCTAssertFalse(html.contains("src="), "nothing loaded")
        XCTAssertFalse(html.lowercased().contains("<script"), "no scripts")
        XCTAssertFalse(html.contains("@import") || html.contains("@font-face"), "no fetched fonts or styles")
        var rest = Substring(html)
        while let range = rest.range(of: "href=") {
            rest = rest[range.upperBound...]
            XCTAssertTrue(rest.hasPrefix("\"#"), "href to anything but a fragment: \(rest.prefix(40))")
        }
        var urls = Substring(html)
        while let range = urls.range(of: "url(") {
            urls = urls[range.upperBound...]
            XCTAssertTrue(urls.hasPrefix("#"), "url() to anything but a fragment: \(urls.prefix(40))")
        }
    }

    final class SVGCollector: NSObject, XMLParserDelegate {
        var root: String?
        var namespace: String?
        var buffers = 0
        var titles = 0

        func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if root == nil { root = element; namespace = attributes["xmlns"] }
            if element == "rect", attributes["class"] == "buffer" { buffers += 1 }
            if element == "title" { titles += 1 }
        }
    }

    func testStandaloneSVGIsWellFormed() throws {
        let svg = try report("kws_dscnn_int8.tflite", device: "stm32f746zg", svg: true)
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = SVGCollector()
        parser.delegate = collector
        XCTAssertTrue(parser.parse(), "well-formed: \(parser.parserError.map { "\($0)" } ?? "")")
        XCTAssertEqual(collector.root, "svg")
        XCTAssertEqual(collector.namespace, "http://www.w3.org/2000/svg")
        // The KWS DS-CNN: input + 13 operator outputs planned (14); CMSIS-NN scratch for
        // arm_convolve_s8 (operator 0) and arm_avgpool_s8 (operator 9): 16 buffers.
        XCTAssertEqual(collector.buffers, 16)
        XCTAssertGreaterThan(collector.titles, collector.buffers, "every block has a hover title, and so has the chart")
        XCTAssertFalse(svg.contains("<html"))
    }

    func testBlocksSpanTheirOperatorsAndOffsets() throws {
        // MNIST on any device: the input tensor (28x28x1 int8 = 784 B) is read by operator 0
        // only, so its block is one column wide; the planner puts it above operator 0's
        // output (26x26x8 = 5,408 B) and the im2col scratch.
        let (model, interpreter) = try Simulation.interpreter(for: models.appendingPathComponent("mnist_cnn_int8.tflite").path, variant: .cmsisNN)
        let catalog = try DevicesCommand.loadCatalog(try ParsedArguments.parse([], spec: DevicesCommand.spec))
        let device = try XCTUnwrap(try Simulation.devices(["stm32f411re"], catalog: catalog).first)
        let sim = Simulation(modelPath: "mnist_cnn_int8.tflite", model: model, interpreter: interpreter, device: device, settings: .init())
        let blocks = ArenaChart(sim: sim, palette: OpPalette(ops: sim.cost.operators.map(\.op.name))).blocks()
        XCTAssertEqual(blocks.count, mnistPlannedBuffers)
        let input = try XCTUnwrap(blocks.first { $0.legendName == "model input" })
        XCTAssertEqual(input.buffer.bytes, 784)
        XCTAssertEqual([input.firstOperator, input.lastOperator], [0, 0])
        let conv0 = try XCTUnwrap(blocks.first { $0.legendName == "CONV_2D" && $0.firstOperator == 0 })
        XCTAssertEqual(conv0.buffer.bytes, 5408)
        XCTAssertEqual(conv0.lastOperator, 1, "read by the max-pool at operator 1")
        XCTAssertEqual(blocks.filter(\.isScratch).count, 2)
    }

    func testReportNeedsDeviceAndOut() {
        let model = models.appendingPathComponent("mnist_cnn_int8.tflite").path
        XCTAssertEqual(runCLI(["report", model, "--out", "/tmp/x.html"]).code, 2)
        XCTAssertEqual(runCLI(["report", model, "--device", "nano33ble"]).code, 2)
        let unknown = runCLI(["report", model, "--device", "nano33", "--out", "/tmp/x.html"])
        XCTAssertEqual(unknown.code, 2)
        XCTAssertTrue(unknown.err.contains("did you mean 'nano33ble'"), unknown.err)
    }

    func testEscapesMarkup() {
        XCTAssertEqual(Markup.escape("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;")
        XCTAssertEqual(Markup.escape("x\u{1}y"), "x\u{FFFD}y")
        XCTAssertEqual(Markup.n(12.345), "12.35")
        XCTAssertEqual(Markup.n(3), "3")
    }
}
