import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Devices
import TestSupport
import XCTest
@testable import MCUSim

final class CheckTests: XCTestCase {
    var budgets: URL { SharedReference.examplesDirectory.appendingPathComponent("ci/budgets.json") }
    var models: URL { SharedReference.examplesDirectory.appendingPathComponent("models") }

    /// Examples/ci/budgets.json as a JSON object, with model paths made absolute so a copy
    /// can live in a temporary directory.
    func bundledBudget() throws -> [String: Any] {
        var json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: budgets)) as? [String: Any])
        var entries = try XCTUnwrap(json["entries"] as? [[String: Any]])
        for i in entries.indices {
            let model = try XCTUnwrap(entries[i]["model"] as? String)
            entries[i]["model"] = SharedReference.examplesDirectory.appendingPathComponent("ci").appendingPathComponent(model).standardizedFileURL.path
        }
        json["entries"] = entries
        return json
    }

    func write(_ json: Any, to directory: URL, name: String = "budgets.json") throws -> String {
        let url = directory.appendingPathComponent(name)
        try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted]).write(to: url)
        return url.path
    }

    func write(text: String, to directory: URL) throws -> String {
        let url = directory.appendingPathComponent("budgets.json")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    // MARK: The bundled budgets

    func testBundledBudgetsPass() {
        let result = runCLI(["check", budgets.path])
        XCTAssertEqual(result.code, 0, result.out + result.err)
        for name in ["mnist@nano33ble", "mnist@stm32f411re", "mnist@stm32f746zg", "kws@nano33ble", "kws@stm32f411re", "kws@stm32f746zg"] {
            XCTAssertTrue(result.out.contains("PASS \(name): "), "a short line for \(name):\n\(result.out)")
        }
        XCTAssertTrue(result.out.contains("6 entries: 6 passed, 0 failed"), result.out)
        XCTAssertEqual(result.err, "", "no progress when stderr is not a terminal")
    }

    func testTightenedLimitFailsNamingTheMetric() throws {
        let dir = try SharedReference.temporaryDirectory()
        var json = try bundledBudget()
        var entries = try XCTUnwrap(json["entries"] as? [[String: Any]])
        let index = try XCTUnwrap(entries.firstIndex { $0["name"] as? String == "kws@stm32f411re" })
        var limits = try XCTUnwrap(entries[index]["limits"] as? [String: Any])
        limits["latency_ms"] = "1ms"
        // 10% of the STM32F411RE's 128 KB SRAM: 13,107.2 -> 13,107 bytes.
        limits["ram_bytes"] = "10%"
        entries[index]["limits"] = limits
        json["entries"] = entries
        let result = runCLI(["check", try write(json, to: dir)])
        XCTAssertEqual(result.code, 1, result.out + result.err)
        let failures = result.out.split(separator: "\n").filter { $0.hasPrefix("FAIL") }
        XCTAssertEqual(failures.count, 2, result.out)
        XCTAssertTrue(failures.contains { $0.hasPrefix("FAIL kws@stm32f411re latency_ms: ") && $0.contains("> limit 1.00 ms (+") }, result.out)
        XCTAssertTrue(failures.contains { $0.hasPrefix("FAIL kws@stm32f411re ram_bytes: ") && $0.contains("> limit 13,107 B (10% of 131,072 B)") },
                      result.out)
        XCTAssertTrue(result.out.contains("PASS kws@nano33ble: "), "the other entries still pass:\n\(result.out)")
        XCTAssertTrue(result.out.contains("6 entries: 5 passed, 1 failed (2 violations)"), result.out)
    }

    func testViolationLineShowsExcessInUnitsAndPercent() {
        // A 40 ms limit and 42.31 ms measured: +2.31 ms, +5.8% (2.31 / 40 = 5.775%).
        let check = Check(kind: .limit, testcase: "latency_ms", label: "latency_ms", unit: .ms, measured: 42.31, reference: 40,
                          tolerance: nil, limitNote: nil, operatorIndex: nil, op: nil)
        XCTAssertEqual(check.text, "latency_ms: 42.31 ms > limit 40.00 ms (+2.31 ms, +5.8%)")
        // Close figures get the decimals that tell them apart.
        let close = Check(kind: .limit, testcase: "latency_ms", label: "latency_ms", unit: .ms, measured: 40.004, reference: 40,
                          tolerance: nil, limitNote: nil, operatorIndex: nil, op: nil)
        XCTAssertEqual(close.text, "latency_ms: 40.004 ms > limit 40.000 ms (+0.004 ms, +0.0%)")
        let bytes = Check(kind: .limit, testcase: "ram_bytes", label: "ram_bytes", unit: .bytes, measured: 101_376, reference: 98_304,
                          tolerance: nil, limitNote: nil, operatorIndex: nil, op: nil)
        XCTAssertEqual(bytes.text, "ram_bytes: 101,376 B > limit 98,304 B (+3,072 B, +3.1%)")
    }

    // MARK: Malformed budgets

    func testMalformedFieldIsNamedByItsPath() throws {
        let dir = try SharedReference.temporaryDirectory()
        let model = models.appendingPathComponent("kws_dscnn_int8.tflite").path
        let text = """
        {"entries": [
          {"model": "\(model)", "device": "stm32f411re", "limits": {"latency_ms": 50}},
          {"model": "\(model)", "device": "nano33ble", "limits": {"latency_ms": true}}
        ]}
        """
        let path = try write(text: text, to: dir)
        let result = runCLI(["check", path])
        XCTAssertEqual(result.code, 2)
        XCTAssertEqual(result.err, "mcusim: error: \(path): entries[1].limits.latency_ms: expected a number or a duration like \"20ms\", got true\n")
        XCTAssertEqual(result.out, "")
    }

    func testOtherBudgetErrors() throws {
        let dir = try SharedReference.temporaryDirectory()
        let model = models.appendingPathComponent("mnist_cnn_int8.tflite").path
        let cases: [(String, Int32, String)] = [
            ("{\"entries\": [{\"model\": \"\(model)\", \"device\": \"stm32f411re\", \"limits\": {\"latency\": 3}}]}", 2,
             "entries[0].limits.latency: unknown key; did you mean \"latency_ms\"?"),
            ("{\"entries\": [{\"model\": \"\(model)\", \"device\": \"stm32f411re\", \"limits\": {\"ram_bytes\": \"lots\"}}]}", 2,
             "entries[0].limits.ram_bytes: expected a number of bytes, a size like \"96KB\""),
            ("{\"entries\": [{\"model\": \"missing.tflite\", \"device\": \"stm32f411re\"}]}", 2,
             "entries[0].model: no such model file \"missing.tflite\""),
            ("{\"entries\": [{\"model\": \"\(model)\", \"device\": \"stm32f41\"}]}", 2,
             "entries[0].device: no device profile \"stm32f41\"; did you mean \"stm32f411re\"?"),
            ("{\"entries\": [{\"model\": \"\(model)\", \"device\": \"nano33ble\", \"limits\": {\"operators\": [{\"index\": 8, \"latency_ms\": 1}]}}]}", 2,
             "entries[0].limits.operators[0].index: operator 8 does not exist (the model has 8 operators, 0-7)"),
            ("{\"entries\": [{\"model\": \"\(model)\", \"device\": \"nano33ble\", \"limits\": {\"operators\": [{\"index\": 1, \"op\": \"CONV_2D\", \"latency_ms\": 1}]}}]}", 2,
             "entries[0].limits.operators[0]: operator 1 is MAX_POOL_2D, not CONV_2D"),
            ("{\"entries\": [{\"model\": \"\(model)\", \"device\": \"nano33ble\", \"opt\": \"-O9\"}]}", 2,
             "entries[0].opt: expected \"-Os\", \"-O2\" or \"-O3\", got \"-O9\""),
            ("{\"entries\": [{\"model\": \"\(model)\", \"device\": \"nano33ble\"}, {\"model\": \"\(model)\", \"device\": \"nano33ble\"}]}", 2,
             "entries[1]: duplicate entry name \"mnist_cnn_int8@nano33ble\" (also entries[0])"),
            ("{\"entries\": [{\"model\": \"\(model)\",\n \"device\": \"nano33ble\",, }]}", 2,
             "invalid JSON at line 2, column 24: expected a quoted key"),
            ("{\"entries\": []}", 2, "entries: no entries"),
            ("[]", 2, "expected an object, got an array"),
            // TFLM refuses EXP on int8 in Prepare, and so does mcusim: unsupported, exit 3.
            ("{\"entries\": [{\"model\": \"\(SharedReference.fixturesDirectory.appendingPathComponent("op_exp_int8.tflite").path)\", \"device\": \"nano33ble\"}]}", 3,
             "op_exp_int8.tflite: unsupported: EXP"),
        ]
        for (text, code, message) in cases {
            let result = runCLI(["check", try write(text: text, to: dir)])
            XCTAssertEqual(result.code, code, text + "\n" + result.err)
            XCTAssertTrue(result.err.hasPrefix("mcusim: error: "), result.err)
            XCTAssertTrue(result.err.contains(message), "expected '\(message)' in: \(result.err)")
            XCTAssertEqual(result.err.split(separator: "\n").count, 1, "one line: \(result.err)")
        }
    }

    func testUnits() throws {
        func ms(_ value: JSONValue) throws -> Double { try BudgetUnits.milliseconds(JSONField(value: value, path: "x")) }
        XCTAssertEqual(try ms(.number(20, isInteger: true)), 20)
        XCTAssertEqual(try ms(.string("20ms")), 20)
        XCTAssertEqual(try ms(.string("1.5s")), 1500)
        XCTAssertEqual(try ms(.string("500us")), 0.5)
        XCTAssertEqual(try ms(.string("250 µs")), 0.25)
        XCTAssertThrowsError(try ms(.string("20")))
        XCTAssertThrowsError(try ms(.bool(true)))
        func size(_ value: JSONValue) throws -> Budget.SizeLimit { try BudgetUnits.size(JSONField(value: value, path: "x")) }
        XCTAssertEqual(try size(.string("96KB")), .bytes(98_304))
        XCTAssertEqual(try size(.string("1.5MB")), .bytes(1_572_864))
        XCTAssertEqual(try size(.number(65_536, isInteger: true)), .bytes(65_536))
        XCTAssertEqual(try size(.string("80%")).resolve(capacity: 131_072), 104_857)
        XCTAssertThrowsError(try size(.string("-1KB")))
        XCTAssertEqual(try BudgetUnits.fraction(JSONField(value: .string("5%"), path: "x")), 0.05, accuracy: 1e-12)
    }

    func testDefaultsMergeAndNullRemovesALimit() throws {
        let text = """
        {"defaults": {"device": "nano33ble", "opt": "-O3", "tolerance": "10%", "limits": {"latency_ms": "1s", "ram_bytes": "64KB"}},
         "entries": [{"model": "m.tflite", "limits": {"ram_bytes": null, "flash_bytes": "80%"}}]}
        """
        let budget = try Budget(file: "b.json", root: JSONReader.parse(Data(text.utf8)), directory: URL(fileURLWithPath: "/budgets"))
        let entry = try XCTUnwrap(budget.entries.first)
        XCTAssertEqual(entry.device, "nano33ble")
        XCTAssertEqual(entry.optimization, .o3)
        XCTAssertEqual(entry.tolerance, 0.1, accuracy: 1e-12)
        XCTAssertEqual(entry.limits.latencyMs, 1000)
        XCTAssertNil(entry.limits.ram)
        XCTAssertEqual(entry.limits.flash, .fractionOfCapacity(0.8))
        XCTAssertEqual(entry.modelURL.path, "/budgets/m.tflite")
        XCTAssertEqual(entry.name, "m@nano33ble/-O3")
    }

    // MARK: JUnit

    final class JUnitCollector: NSObject, XMLParserDelegate {
        var suites: [String] = []
        var testcases: [(classname: String, name: String)] = []
        var failures: [String] = []
        var properties: [String: String] = [:]
        var current: String?

        func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            switch element {
            case "testsuite": suites.append(attributes["name"] ?? "")
            case "testcase":
                testcases.append((attributes["classname"] ?? "", attributes["name"] ?? ""))
                current = "\(attributes["classname"] ?? "") \(attributes["name"] ?? "")"
            case "failure": failures.append(attributes["message"] ?? "")
            case "property":
                if let current { properties["\(current).\(attributes["name"] ?? "")"] = attributes["value"] }
            default: break
            }
        }
    }

    func parseJUnit(_ path: String) throws -> JUnitCollector {
        let parser = try XCTUnwrap(XMLParser(contentsOf: URL(fileURLWithPath: path)))
        let collector = JUnitCollector()
        parser.delegate = collector
        XCTAssertTrue(parser.parse(), "well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")
        return collector
    }

    func testJUnitHasOneTestcasePerEntryAndMetric() throws {
        let dir = try SharedReference.temporaryDirectory()
        let junit = dir.appendingPathComponent("junit.xml").path
        let result = runCLI(["check", budgets.path, "--junit", junit])
        XCTAssertEqual(result.code, 0, result.out + result.err)
        let xml = try parseJUnit(junit)
        XCTAssertEqual(xml.suites, ["mnist@nano33ble", "mnist@stm32f411re", "mnist@stm32f746zg", "kws@nano33ble", "kws@stm32f411re", "kws@stm32f746zg"])
        // Four limits per entry (24), plus per-operator limits: mnist has CONV_2D at 0 and 2 (2);
        // the KWS DS-CNN has operator 0 and its four depthwise convolutions at 1, 3, 5, 7 (5).
        XCTAssertEqual(xml.testcases.count, 31)
        XCTAssertTrue(xml.failures.isEmpty)
        let kws = xml.testcases.filter { $0.classname == "kws@stm32f411re" }.map(\.name)
        XCTAssertEqual(kws, ["latency_ms", "ram_bytes", "flash_bytes", "arena_bytes", "operator 0 CONV_2D latency_ms",
                             "operator 1 DEPTHWISE_CONV_2D latency_ms", "operator 3 DEPTHWISE_CONV_2D latency_ms",
                             "operator 5 DEPTHWISE_CONV_2D latency_ms", "operator 7 DEPTHWISE_CONV_2D latency_ms"])
        XCTAssertEqual(xml.testcases.filter { $0.classname == "mnist@stm32f411re" }.map(\.name).suffix(2),
                       ["operator 0 CONV_2D latency_ms", "operator 2 CONV_2D latency_ms"])
        XCTAssertEqual(xml.properties["kws@nano33ble ram_bytes.limit"], "86016", "84KB = 84 x 1024")
        XCTAssertEqual(xml.properties["kws@nano33ble ram_bytes.unit"], "B")
    }

    func testJUnitFailuresAreEscapedAndCounted() throws {
        let dir = try SharedReference.temporaryDirectory()
        var json = try bundledBudget()
        var entries = try XCTUnwrap(json["entries"] as? [[String: Any]])
        entries = [entries[0]]
        // Characters XML must escape, in the name that ends up in attributes and text.
        entries[0]["name"] = "mnist <\"&'> nano"
        entries[0]["limits"] = ["latency_ms": "1ms", "arena_bytes": "1KB"]
        json["entries"] = entries
        let junit = dir.appendingPathComponent("junit.xml").path
        let result = runCLI(["check", try write(json, to: dir), "--junit", junit])
        XCTAssertEqual(result.code, 1)
        let xml = try parseJUnit(junit)
        XCTAssertEqual(xml.suites, ["mnist <\"&'> nano"])
        XCTAssertEqual(xml.testcases.map(\.name), ["latency_ms", "arena_bytes"])
        XCTAssertEqual(xml.failures.count, 2)
        XCTAssertTrue(xml.failures[0].hasPrefix("latency_ms: ") && xml.failures[0].contains("> limit 1.00 ms"), xml.failures[0])
        XCTAssertTrue(xml.failures[1].hasPrefix("arena_bytes: ") && xml.failures[1].contains("> limit 1,024 B"), xml.failures[1])
    }

    // MARK: JSON and baseline

    func testJSONIsCompleteAndDeterministic() throws {
        let first = runCLI(["check", budgets.path, "--json"])
        let second = runCLI(["check", budgets.path, "--json"])
        XCTAssertEqual(first.code, 0, first.err)
        XCTAssertEqual(first.out, second.out)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(first.out.utf8)) as? [String: Any])
        let entries = try XCTUnwrap(json["entries"] as? [[String: Any]])
        XCTAssertEqual(entries.count, 6)
        let kws = try XCTUnwrap(entries.first { $0["name"] as? String == "kws@stm32f411re" })
        XCTAssertEqual(kws["model"] as? String, "../models/kws_dscnn_int8.tflite", "the path as written, not where the checkout is")
        let metrics = try XCTUnwrap(kws["metrics"] as? [[String: Any]])
        XCTAssertEqual(metrics.map { $0["metric"] as? String }, ["latency_ms", "ram_bytes", "flash_bytes", "arena_bytes"])
        XCTAssertEqual(metrics[1]["limit"] as? Int, 36 * 1024)
        let operators = try XCTUnwrap(kws["operators"] as? [[String: Any]])
        XCTAssertEqual(operators.count, 13)
        XCTAssertEqual(operators.map { $0["op"] as? String }.first, "CONV_2D")
        // CONV_2D 0: 25x5x64 outputs, 10x4x1 filter.
        XCTAssertEqual(operators[0]["macs"] as? Int, 25 * 5 * 64 * 10 * 4)
        // Only the budget path as given on the command line may name this checkout.
        let entriesText = String(decoding: try JSONSerialization.data(withJSONObject: entries, options: [.withoutEscapingSlashes]), as: UTF8.self)
        XCTAssertFalse(entriesText.contains(SharedReference.packageRoot.path), "no host paths in the entries")
    }

    func testBaselineAgainstItselfPassesAndAgainstLowerFiguresFails() throws {
        let dir = try SharedReference.temporaryDirectory()
        let run = runCLI(["check", budgets.path, "--json"])
        XCTAssertEqual(run.code, 0, run.err)
        let baseline = dir.appendingPathComponent("baseline.json")
        try Data(run.out.utf8).write(to: baseline)

        let same = runCLI(["check", budgets.path, "--baseline", baseline.path])
        XCTAssertEqual(same.code, 0, same.out + same.err)
        XCTAssertTrue(same.out.contains("PASS kws@stm32f411re: ") && same.out.contains("within 5% of the baseline"), same.out)

        // A baseline whose first three KWS operators were 20% faster and whose total was 10% lower:
        // now they are 1 / 0.8 = +25.0% slower and the total 1 / 0.9 = +11.1%, beyond 5%.
        var json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        var entries = try XCTUnwrap(json["entries"] as? [[String: Any]])
        let index = try XCTUnwrap(entries.firstIndex { $0["name"] as? String == "kws@stm32f411re" })
        var totals = try XCTUnwrap(entries[index]["totals"] as? [String: Any])
        totals["latency_ms"] = try XCTUnwrap(totals["latency_ms"] as? Double) * 0.9
        entries[index]["totals"] = totals
        var operators = try XCTUnwrap(entries[index]["operators"] as? [[String: Any]])
        for i in 0..<3 { operators[i]["latency_ms"] = try XCTUnwrap(operators[i]["latency_ms"] as? Double) * 0.8 }
        entries[index]["operators"] = operators
        json["entries"] = entries
        let doctored = dir.appendingPathComponent("doctored.json")
        try JSONSerialization.data(withJSONObject: json).write(to: doctored)

        let junit = dir.appendingPathComponent("junit.xml").path
        let result = runCLI(["check", budgets.path, "--baseline", doctored.path, "--junit", junit])
        XCTAssertEqual(result.code, 1, result.out + result.err)
        let failures = result.out.split(separator: "\n").filter { $0.hasPrefix("FAIL") }.map(String.init)
        XCTAssertEqual(failures.count, 4, result.out)
        XCTAssertTrue(failures[0].hasPrefix("FAIL kws@stm32f411re latency_ms vs baseline: ") && failures[0].contains("+11.1%; tolerance 5%"), failures[0])
        for (i, op) in [(0, "CONV_2D"), (1, "DEPTHWISE_CONV_2D"), (2, "CONV_2D")] {
            XCTAssertTrue(failures.contains { $0.hasPrefix("FAIL kws@stm32f411re operator \(i) \(op) latency_ms vs baseline: ") && $0.contains(" → ")
                    && $0.contains("+25.0%") }, "operator \(i) listed:\n\(result.out)")
        }
        XCTAssertTrue(result.out.contains("PASS kws@nano33ble: "), result.out)
        let xml = try parseJUnit(junit)
        XCTAssertEqual(xml.testcases.filter { $0.classname == "kws@stm32f411re" }.map(\.name).suffix(5),
                       ["baseline latency_ms", "baseline ram_bytes", "baseline flash_bytes", "baseline arena_bytes", "baseline operators"])
        XCTAssertEqual(xml.failures.count, 2)
        XCTAssertTrue(xml.failures.contains { $0.hasPrefix("3 figures of 3 operators regressed") }, "\(xml.failures)")
    }

    func testMalformedBaselineNamesThePath() throws {
        let dir = try SharedReference.temporaryDirectory()
        let baseline = dir.appendingPathComponent("baseline.json")
        try Data("{\"entries\": [{\"name\": \"kws@nano33ble\", \"totals\": {\"latency_ms\": \"fast\"}}]}".utf8).write(to: baseline)
        let result = runCLI(["check", budgets.path, "--baseline", baseline.path])
        XCTAssertEqual(result.code, 2)
        XCTAssertEqual(result.err, "mcusim: error: \(baseline.path): entries[0].totals.latency_ms: expected a number, got \"fast\"\n")
    }
}
