import Foundation
import TestSupport
import XCTest
@testable import MCUSim

/// Every output marks what is guessed: in this fixture DEQUANTIZE int16 has no measured loops
/// (a generic estimate: its reference loop is measured for int8 only), RESHAPE's copy is
/// measured, and so are TFLM's dispatch around RESHAPE and its invoke; the dispatch around
/// DEQUANTIZE's reference loop cannot be separated from it and is an assumption.
final class EstimatedShareOutputTests: XCTestCase {
    private var model: String { SharedReference.fixturesDirectory.appendingPathComponent("op_dequantize_int16.tflite").path }
    private let estimatedOperator = 1

    private func object(_ result: CLIResult) throws -> [String: Any] {
        XCTAssertEqual(result.code, 0, result.err)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
    }

    func testRunMarksEstimatedOperatorsAndTheLatencyShare() throws {
        let json = try object(runCLI(["run", model, "--device", "stm32f411re", "--json"]))
        let operators = try XCTUnwrap(json["operators"] as? [[String: Any]])
        XCTAssertEqual(operators.compactMap { $0["estimated"] as? Bool }, (0..<operators.count).map { $0 == estimatedOperator })
        let latency = try XCTUnwrap(json["latency"] as? [String: Any])
        let cycles = try XCTUnwrap(latency["cycles"] as? Int)
        let estimated = try XCTUnwrap(latency["estimated_cycles"] as? Int)
        let share = try XCTUnwrap(latency["estimated_share"] as? Double)
        XCTAssertEqual(share, Double(estimated) / Double(cycles), accuracy: 1e-4)
        // The share is every guessed term and nothing else (the framework's invoke is measured).
        var guessed = 0.0
        for op in operators {
            for term in op["cost_terms"] as? [[String: Any]] ?? [] {
                let basis = try XCTUnwrap(term["basis"] as? String)
                XCTAssertTrue(["measured", "datasheet", "generic-estimate", "assumption"].contains(basis), basis)
                if basis == "generic-estimate" || basis == "assumption" { guessed += term["cycles"] as? Double ?? 0 }
            }
        }
        XCTAssertEqual(guessed, Double(estimated), accuracy: 1.5)
        // All of DEQUANTIZE is guessed (it has no constant operand, so no datasheet term).
        let estimatedOperatorShare = try XCTUnwrap(operators[estimatedOperator]["estimated_share"] as? Double)
        XCTAssertEqual(estimatedOperatorShare, 1, accuracy: 1e-9)

        let text = runCLI(["run", model, "--device", "stm32f411re"]).out
        let row = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix(" \(estimatedOperator)  DEQUANTIZE") || $0.hasPrefix("\(estimatedOperator)  DEQUANTIZE") })
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
        XCTAssertEqual(inspect.compactMap { $0["cost_measured"] as? Bool }, (0..<inspect.count).map { $0 != estimatedOperator })
        XCTAssertTrue(runCLI(["inspect", model]).out.contains("~estimate"))

        let dir = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let html = dir.appendingPathComponent("r.html")
        XCTAssertEqual(runCLI(["report", model, "--device", "stm32f746zg", "--out", html.path]).code, 0)
        let page = try String(contentsOf: html, encoding: .utf8)
        XCTAssertTrue(page.contains("<th>Guessed share</th>"), "summary row")
        XCTAssertTrue(page.contains("1 of 2 operators have no measured kernel loops"))
        XCTAssertTrue(page.contains(">~0.0"), "the DEQUANTIZE row's ms is marked")
    }

    /// On the real models in ../shared/models no kernel is a generic estimate on the F746: every
    /// path they dispatch to is measured; what remains guessed there is the F7's AXI line fills and
    /// flash read width (assumptions).
    func testSharedModelsHaveNoGenericEstimates() throws {
        let directory = SharedReference.modelsDirectory
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.filter { $0.hasSuffix(".tflite") }.sorted() ?? []
        try XCTSkipIf(files.isEmpty, "../shared/models not found")
        var checked = 0
        for file in files {
            let result = runCLI(["run", directory.appendingPathComponent(file).path, "--device", "stm32f746zg", "--json"])
            if result.code == 3 { continue }  // the hybrid float/int8 model TFLM refuses
            let json = try object(result)
            let operators = try XCTUnwrap(json["operators"] as? [[String: Any]])
            var generic = 0.0
            for op in operators {
                XCTAssertEqual(op["estimated"] as? Bool, false, "\(file) operator \(op["index"] ?? "?") \(op["op"] ?? "?")")
                for term in op["cost_terms"] as? [[String: Any]] ?? [] where term["basis"] as? String == "generic-estimate" {
                    generic += term["cycles"] as? Double ?? 0
                }
            }
            XCTAssertEqual(generic, 0, file)
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 10)
    }

    /// On the Cortex-M4 boards the guessed share of every shared model is 0: every kernel's loops are
    /// measured, and TFLM's dispatch is traced for each of their CMSIS-NN and reference operators
    /// (invoke.json).
    func testSharedModelsGuessedShareOnTheCortexM4Boards() throws {
        let directory = SharedReference.modelsDirectory
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.filter { $0.hasSuffix(".tflite") }.sorted() ?? []
        try XCTSkipIf(files.isEmpty, "../shared/models not found")
        var checked = 0
        for device in ["nano33ble", "stm32f411re"] {
            for file in files {
                let result = runCLI(["run", directory.appendingPathComponent(file).path, "--device", device, "--json"])
                if result.code == 3 { continue }  // the hybrid float/int8 model TFLM refuses
                let json = try object(result)
                let latency = try XCTUnwrap(json["latency"] as? [String: Any])
                let share = try XCTUnwrap(latency["estimated_share"] as? Double)
                // Every term measured or from the datasheet, the dispatch around the float models' reference
                // kernels included (traced in TFLM: Tests/Fixtures/cortexm/invoke.json).
                XCTAssertEqual(share, 0, "\(file) on \(device)")
                let operators = try XCTUnwrap(json["operators"] as? [[String: Any]])
                for op in operators {
                    for term in op["cost_terms"] as? [[String: Any]] ?? [] where term["basis"] as? String != "measured" && term["basis"] as? String != "datasheet" {
                        XCTFail("\(file) on \(device): \(op["op"] ?? "?") \(term["name"] ?? "?") is \(term["basis"] ?? "?")")
                    }
                }
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 20)
    }

    /// The 44-model operator zoo on the Nano 33 BLE: nothing guessed either. Its broadcast ADD (int8, [1,1,1,4]
    /// over [1,6,6,4]) runs BroadcastAdd4DSlow's measured loop nest and its TRANSPOSE_CONV (8 input channels)
    /// arm_transpose_conv_wrapper_s8's measured direct path, each with TFLM's dispatch around it traced.
    func testZooGuessedShareOnTheCortexM4() throws {
        let directory = SharedReference.zooDirectory
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.filter { $0.hasSuffix(".tflite") }.sorted() ?? []
        try XCTSkipIf(files.isEmpty, "../shared/reference/zoo not found")
        var checked = 0
        for file in files {
            let result = runCLI(["run", directory.appendingPathComponent(file).path, "--device", "nano33ble", "--json"])
            if result.code == 3 { continue }
            let latency = try XCTUnwrap(try object(result)["latency"] as? [String: Any])
            XCTAssertEqual(try XCTUnwrap(latency["estimated_share"] as? Double), 0, file)
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 40)
    }
}
