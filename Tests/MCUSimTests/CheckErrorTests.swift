import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TestSupport
import XCTest
@testable import MCUSim

/// `check` with an entry that cannot be simulated: the entry is reported as an error (text,
/// JSON, a JUnit <error>), the other entries still run, and the exit code is the highest
/// that applies: 3 unsupported > 2 invalid > 1 over budget > 0.
final class CheckErrorTests: XCTestCase {
    var mnist: String { SharedReference.examplesDirectory.appendingPathComponent("models/mnist_cnn_int8.tflite").path }
    var unsupported: String { SharedReference.fixturesDirectory.appendingPathComponent("op_exp_int8.tflite").path }

    func check(_ entries: [[String: Any]], extra: [String] = []) throws -> (CLIResult, URL) {
        let dir = try SharedReference.temporaryDirectory()
        let budget = dir.appendingPathComponent("budgets.json")
        try JSONSerialization.data(withJSONObject: ["entries": entries]).write(to: budget)
        return (runCLI(["check", budget.path] + extra.map { $0.replacingOccurrences(of: "DIR", with: dir.path) }), dir)
    }

    func testAnUnsupportedEntryIsAnErrorAndTheOthersRun() throws {
        let entries: [[String: Any]] = [
            ["name": "mnist", "model": mnist, "device": "nano33ble", "limits": ["latency_ms": "1s"]],
            ["name": "exp", "model": unsupported, "device": "nano33ble"],
            ["name": "mnist-f411", "model": mnist, "device": "stm32f411re"],
        ]
        let (result, dir) = try check(entries, extra: ["--junit", "DIR/junit.xml"])
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertEqual(result.code, 3, result.out + result.err)
        XCTAssertEqual(result.err.split(separator: "\n").count, 1, result.err)
        XCTAssertTrue(result.err.hasPrefix("mcusim: error: \(unsupported): unsupported: EXP") && result.err.contains("(budget entry \"exp\")"), result.err)
        let lines = result.out.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].hasPrefix("PASS mnist: latency "), result.out)
        XCTAssertTrue(lines[1].hasPrefix("ERROR exp: \(unsupported): unsupported: EXP"), result.out)
        XCTAssertTrue(lines[2].hasPrefix("PASS mnist-f411: no limits"), result.out)
        XCTAssertEqual(lines.last, "3 entries: 2 passed, 0 failed, 1 error")

        // JUnit: the entry is a suite with one errored case, and the counts say so (the entry
        // without limits has no test cases).
        let xml = try String(contentsOf: dir.appendingPathComponent("junit.xml"), encoding: .utf8)
        XCTAssertTrue(xml.contains("<testsuites name=\"mcusim check \(dir.path)/budgets.json\" tests=\"2\" failures=\"0\" errors=\"1\""), xml)
        XCTAssertTrue(xml.contains("<testsuite name=\"exp\" id=\"1\" tests=\"1\" failures=\"0\" errors=\"1\""), xml)
        XCTAssertTrue(xml.contains("<testcase name=\"simulation\" classname=\"exp\" time=\"0\">"), xml)
        XCTAssertTrue(xml.contains("<error message=\"\(unsupported): unsupported: EXP"), xml)
        XCTAssertTrue(xml.contains("type=\"unsupported\">"), xml)
        let parser = XMLParser(data: Data(xml.utf8))
        XCTAssertTrue(parser.parse(), "well-formed")

        // JSON: the errored entry carries its error and no figures; the summary counts it.
        let (json, jsonDir) = try check(entries, extra: ["--json"])
        defer { try? FileManager.default.removeItem(at: jsonDir) }
        XCTAssertEqual(json.code, 3)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        let summary = try XCTUnwrap(object["summary"] as? [String: Any])
        XCTAssertEqual(summary["errors"] as? Int, 1)
        XCTAssertEqual(summary["passed"] as? Int, 2)
        XCTAssertEqual(object["ok"] as? Bool, false)
        let exp = try XCTUnwrap((object["entries"] as? [[String: Any]])?[1])
        XCTAssertEqual(exp["name"] as? String, "exp")
        XCTAssertNil(exp["totals"])
        let error = try XCTUnwrap(exp["error"] as? [String: Any])
        XCTAssertEqual(error["exit_code"] as? Int, 3)
        XCTAssertTrue((error["message"] as? String ?? "").contains("unsupported: EXP"))
    }

    func testExitCodePrecedence() throws {
        let failing: [String: Any] = ["name": "slow", "model": mnist, "device": "nano33ble", "limits": ["latency_ms": "1ms"]]
        let badOperator: [String: Any] = ["name": "bad-op", "model": mnist, "device": "nano33ble",
                                          "limits": ["operators": [["index": 99, "latency_ms": 1]]]]
        let exp: [String: Any] = ["name": "exp", "model": unsupported, "device": "nano33ble"]
        for (entries, code) in [([failing], Int32(1)), ([failing, badOperator], 2), ([badOperator, exp, failing], 3), ([exp, badOperator], 3)] {
            let (result, dir) = try check(entries)
            defer { try? FileManager.default.removeItem(at: dir) }
            XCTAssertEqual(result.code, code, "\(entries.map { $0["name"] ?? "" }): \(result.out) \(result.err)")
            XCTAssertTrue(result.out.split(separator: "\n").last?.hasPrefix("\(entries.count) entr") ?? false, "every entry reported:\n\(result.out)")
        }
    }

    /// The models run side by side on the workers (one interpreter each), and nothing in the
    /// output depends on how many: the reports, the errors and their order are the same.
    func testWorkersDoNotChangeTheReport() throws {
        let fixtures = SharedReference.fixturesDirectory
        let entries: [[String: Any]] = [
            ["name": "mnist", "model": mnist, "device": "nano33ble", "limits": ["latency_ms": "1ms"]],
            ["name": "exp", "model": unsupported, "device": "nano33ble"],
            ["name": "conv", "model": fixtures.appendingPathComponent("conv_2d_1x1_relu_int8.tflite").path, "device": "stm32f746zg",
             "limits": ["arena_bytes": "1MB"]],
            ["name": "mnist-f411", "model": mnist, "device": "stm32f411re", "limits": ["flash_bytes": "80%"]],
            ["name": "bad-op", "model": mnist, "device": "nano33ble", "limits": ["operators": [["index": 99, "latency_ms": 1]]]],
        ]
        var outputs: [String] = []
        for jobs in [1, 3] {
            for format in [[], ["--json"]] {
                let (result, dir) = try check(entries, extra: ["--jobs", "\(jobs)"] + format)
                defer { try? FileManager.default.removeItem(at: dir) }
                XCTAssertEqual(result.code, 3, result.err)
                // The budget file's directory differs between runs.
                outputs.append((result.out + result.err).replacingOccurrences(of: dir.path, with: "DIR"))
            }
        }
        XCTAssertEqual(outputs[0], outputs[2])
        XCTAssertEqual(outputs[1], outputs[3])
        let errors = outputs[0].split(separator: "\n").filter { $0.hasPrefix("mcusim: error:") }
        XCTAssertEqual(errors.count, 2, outputs[0])
        XCTAssertTrue(errors[0].contains("(budget entry \"exp\")"), outputs[0])
    }
}
