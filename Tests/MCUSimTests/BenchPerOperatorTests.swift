import Foundation
import TestSupport
import XCTest
@testable import MCUSim

/// `bench --per-operator`: the shape of its table and JSON (one entry per operator of the
/// model, in order, with the interpreter's MACs; shares that add up; GMAC/s exactly where
/// there are MACs). Timings themselves are never asserted.
final class BenchPerOperatorTests: XCTestCase {
    var mnist: String { SharedReference.examplesDirectory.appendingPathComponent("models/mnist_cnn_int8.tflite").path }

    func json(_ result: CLIResult) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any], result.err)
    }

    func testPerOperatorJSONListsEveryOperatorWithShareAndThroughput() throws {
        let inspect = try json(runCLI(["inspect", mnist, "--json"]))
        let expected = try XCTUnwrap(inspect["operators"] as? [[String: Any]])
        XCTAssertGreaterThan(expected.count, 3)

        let result = runCLI(["bench", mnist, "--seconds", "0.05", "--per-operator", "--json"])
        XCTAssertEqual(result.code, 0, result.err)
        let models = try XCTUnwrap(try json(result)["models"] as? [[String: Any]])
        XCTAssertEqual(models.count, 1)
        let operators = try XCTUnwrap(models[0]["operators"] as? [[String: Any]], "--per-operator adds `operators`")
        XCTAssertEqual(operators.count, expected.count)
        var shares = 0.0, macs = 0
        for (i, (o, e)) in zip(operators, expected).enumerated() {
            XCTAssertEqual(o["index"] as? Int, i)
            XCTAssertEqual(o["op"] as? String, e["op"] as? String, "operator \(i)")
            XCTAssertEqual(o["macs"] as? Int, e["macs"] as? Int, "operator \(i)")
            let microseconds = try XCTUnwrap(o["microseconds"] as? Double)
            XCTAssertGreaterThanOrEqual(microseconds, 0)
            let share = try XCTUnwrap(o["share"] as? Double)
            XCTAssertTrue((0...1).contains(share), "operator \(i): share \(share)")
            shares += share
            let work = try XCTUnwrap(o["work"] as? String)
            XCTAssertFalse(work.isEmpty, "operator \(i)")
            let opMACs = try XCTUnwrap(o["macs"] as? Int)
            macs += opMACs
            // GMAC/s = MACs / µs / 1000 where an operator multiplies, null elsewhere.
            if opMACs > 0, microseconds > 0 {
                let gmac = try XCTUnwrap(o["gmac_per_second"] as? Double, "operator \(i)")
                XCTAssertEqual(gmac, Double(opMACs) / microseconds / 1000, accuracy: 1e-9 * max(gmac, 1))
            } else {
                XCTAssertTrue(o["gmac_per_second"] is NSNull, "operator \(i) without MACs has no GMAC/s")
            }
            if o["op"] as? String == "CONV_2D" {
                // e.g. "3x3/1 28x28x1>32": filter, stride, input, output channels.
                XCTAssertNotNil(work.range(of: #"^\d+x\d+/\d+(x\d+)? \d+x\d+x\d+>\d+$"#, options: .regularExpression), work)
            }
        }
        XCTAssertEqual(shares, 1, accuracy: 1e-9)
        XCTAssertEqual(macs, models[0]["macs"] as? Int)

        // Without the flag there is no per-operator part.
        let plain = try json(runCLI(["bench", mnist, "--seconds", "0.01", "--json"]))
        let plainModels = try XCTUnwrap(plain["models"] as? [[String: Any]])
        XCTAssertNil(plainModels[0]["operators"])
    }

    func testPerOperatorTableHasARowPerOperatorAndATotal() throws {
        let inspect = try json(runCLI(["inspect", mnist, "--json"]))
        let ops = try XCTUnwrap(inspect["operators"] as? [[String: Any]]).compactMap { $0["op"] as? String }

        let result = runCLI(["bench", mnist, "--seconds", "0.05", "--per-operator"])
        XCTAssertEqual(result.code, 0, result.err)
        let lines = result.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let title = try XCTUnwrap(lines.firstIndex(of: "mnist_cnn_int8.tflite: host time per operator"), result.out)
        let header = lines[title + 1].split(separator: " ").map(String.init)
        XCTAssertEqual(header, ["#", "op", "work", "µs", "share", "MACs", "GMAC/s"])
        // The rows after the header (and any rule line) up to the total.
        let body = lines[(title + 2)...].prefix { !$0.isEmpty }.filter { !$0.allSatisfy { "-+| ".contains($0) } }
        XCTAssertEqual(body.count, ops.count + 1, result.out)
        for (i, op) in ops.enumerated() {
            let cells = body[i].split(separator: " ").map(String.init)
            XCTAssertEqual(cells.first, String(i))
            XCTAssertEqual(cells.dropFirst().first, op)
            XCTAssertTrue(cells.contains { $0.hasSuffix("%") }, body[i])
        }
        let total = body[ops.count].split(separator: " ").map(String.init)
        XCTAssertEqual(total.first, "total")
        XCTAssertEqual(total.last, "100%")
    }
}
