import Foundation
import TestSupport
import XCTest
@testable import MCUSim

/// `mcusim inspect --json` on every .tflite in ../shared/models and the zoo reports the
/// op sequence, options, tensor shapes, dtypes and quantization TFLM's golden.json records.
final class InspectGoldenTests: XCTestCase {
    func testInspectJSONMatchesGoldenForEveryModel() throws {
        try SharedReference.require()
        var checked = 0
        for (goldenDirectory, modelDirectory) in [(SharedReference.zooDirectory, SharedReference.zooDirectory), (SharedReference.modelsGoldenDirectory, SharedReference.modelsDirectory)] {
            let golden = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: goldenDirectory.appendingPathComponent("golden.json"))) as? [String: Any])
            let models = golden["models"] as? [String: [String: Any]] ?? [:]
            for name in models.keys.sorted() {
                let entry = models[name]!
                let path = modelDirectory.appendingPathComponent(entry["file"] as? String ?? "\(name).tflite").path
                let result = runCLI(["inspect", path, "--json"])
                XCTAssertEqual(result.code, 0, "\(name): \(result.err)")
                let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any], name)
                let ops = json["operators"] as? [[String: Any]] ?? []
                let goldenOps = entry["ops"] as? [[String: Any]] ?? []
                XCTAssertEqual(ops.map { $0["op"] as? String ?? "" }, goldenOps.map { $0["op"] as? String ?? "" }, "\(name): op sequence")
                for (i, (op, g)) in zip(ops, goldenOps).enumerated() {
                    XCTAssertEqual(op["version"] as? Int, g["version"] as? Int, "\(name) op \(i) version")
                    let options = op["options"] as? [String: Any] ?? [:]
                    for (camel, value) in g["options"] as? [String: Any] ?? [:] where !(value is NSNull) {
                        let snake = camel.reduce(into: "") { $0 += $1.isUppercase ? "_" + $1.lowercased() : String($1) }
                        let ours = try XCTUnwrap(options[snake], "\(name) op \(i): option \(snake) missing")
                        // Enums print by name in both; numbers compare as numbers (float32 precision).
                        if let s = value as? String { XCTAssertEqual(ours as? String, s, "\(name) op \(i) \(snake)") }
                        else if let n = value as? NSNumber, let o = ours as? NSNumber {
                            XCTAssertEqual(o.floatValue, n.floatValue, "\(name) op \(i) \(snake)")
                        } else if let a = value as? [Int] { XCTAssertEqual(ours as? [Int], a, "\(name) op \(i) \(snake)") }
                    }
                }
                for (key, goldenKey) in [("inputs", "inputs"), ("outputs", "outputs")] {
                    let ours = json[key] as? [[String: Any]] ?? []
                    let theirs = entry[goldenKey] as? [[String: Any]] ?? []
                    XCTAssertEqual(ours.count, theirs.count, "\(name) \(key)")
                    for (o, g) in zip(ours, theirs) {
                        XCTAssertEqual(o["shape"] as? [Int], g["shape"] as? [Int], "\(name) \(key) shape")
                        XCTAssertEqual(o["dtype"] as? String, g["dtype"] as? String, "\(name) \(key) dtype")
                        if let scales = g["scales"] as? [Double] {
                            let q = try XCTUnwrap(o["quantization"] as? [String: Any], "\(name) \(key) quantization")
                            let ourScales = (q["scale"] as? [Double] ?? []).prefix(scales.count).map { Float($0) }
                            XCTAssertEqual(ourScales, scales.map { Float($0) }, "\(name) \(key) scales")
                            XCTAssertEqual(Array((q["zero_point"] as? [Int] ?? []).prefix(scales.count)), g["zero_points"] as? [Int], "\(name) \(key) zero points")
                            XCTAssertEqual(q["quantized_dimension"] as? Int, g["quantized_dimension"] as? Int, "\(name) \(key) axis")
                        }
                    }
                }
                checked += 1
            }
        }
        XCTAssertEqual(checked, 55, "44 zoo models and 11 real models")
    }
}
