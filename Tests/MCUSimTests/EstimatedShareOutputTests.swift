import Foundation
import TestSupport
import XCTest
@testable import MCUSim

/// Every output marks what is guessed: the MNIST example's RESHAPE has no measured loops
/// (a generic estimate), its other kernels do; TFLM's dispatch and invoke are assumptions.
final class EstimatedShareOutputTests: XCTestCase {
    private var model: String { SharedReference.examplesDirectory.appendingPathComponent("models/mnist_cnn_int8.tflite").path }
    private let reshape = 4

    private func object(_ result: CLIResult) throws -> [String: Any] {
        XCTAssertEqual(result.code, 0, result.err)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
    }

    func testRunMarksEstimatedOperatorsAndTheLatencyShare() throws {
        let json = try object(runCLI(["run", model, "--device", "stm32f411re", "--json"]))
        let operators = try XCTUnwrap(json["operators"] as? [[String: Any]])
        XCTAssertEqual(operators.compactMap { $0["estimated"] as? Bool }, (0..<operators.count).map { $0 == reshape })
        let latency = try XCTUnwrap(json["latency"] as? [String: Any])
        let cycles = try XCTUnwrap(latency["cycles"] as? Int)
        let estimated = try XCTUnwrap(latency["estimated_cycles"] as? Int)
        let share = try XCTUnwrap(latency["estimated_share"] as? Double)
        XCTAssertEqual(share, Double(estimated) / Double(cycles), accuracy: 1e-4)
        // The share is the framework plus every guessed term, and nothing else.
        var guessed = Double(latency["framework_cycles"] as? Int ?? 0)
        for op in operators {
            for term in op["cost_terms"] as? [[String: Any]] ?? [] {
                let basis = try XCTUnwrap(term["basis"] as? String)
                XCTAssertTrue(["measured", "datasheet", "generic-estimate", "assumption"].contains(basis), basis)
                if basis == "generic-estimate" || basis == "assumption" { guessed += term["cycles"] as? Double ?? 0 }
            }
        }
        XCTAssertEqual(guessed, Double(estimated), accuracy: 1.5)
        // All of RESHAPE is guessed but the flash wait states of its constant 8-byte shape operand.
        let reshapeShare = try XCTUnwrap(operators[reshape]["estimated_share"] as? Double)
        XCTAssertTrue(reshapeShare > 0.99 && reshapeShare < 1, "\(reshapeShare)")

        let text = runCLI(["run", model, "--device", "stm32f411re"]).out
        let row = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix(" \(reshape)  RESHAPE") || $0.hasPrefix("\(reshape)  RESHAPE") })
        XCTAssertTrue(row.contains(" ~0.0"), String(row))
        XCTAssertTrue(text.contains("guessed share "), text)
    }

    func testFitInspectAndReportShowTheGuessedPart() throws {
        let fit = runCLI(["fit", model])
        XCTAssertTrue(fit.out.contains(" guessed "), fit.out)
        let devices = try XCTUnwrap(try object(runCLI(["fit", model, "--json"]))["devices"] as? [[String: Any]])
        for device in devices {
            let share = try XCTUnwrap(device["estimated_share"] as? Double)
            XCTAssertGreaterThan(share, 0)
            XCTAssertLessThan(share, 1)
        }

        let inspect = try XCTUnwrap(try object(runCLI(["inspect", model, "--json"]))["operators"] as? [[String: Any]])
        XCTAssertEqual(inspect.compactMap { $0["cost_measured"] as? Bool }, (0..<inspect.count).map { $0 != reshape })
        XCTAssertTrue(runCLI(["inspect", model]).out.contains("~estimate"))

        let dir = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let html = dir.appendingPathComponent("r.html")
        XCTAssertEqual(runCLI(["report", model, "--device", "stm32f746zg", "--out", html.path]).code, 0)
        let page = try String(contentsOf: html, encoding: .utf8)
        XCTAssertTrue(page.contains("<th>Guessed share</th>"), "summary row")
        XCTAssertTrue(page.contains("1 of 8 operators have no measured kernel loops"))
        XCTAssertTrue(page.contains(">~0.0"), "the RESHAPE row's ms is marked")
    }
}
