import Foundation
import TestSupport
import XCTest
@testable import Interpreter
@testable import MCUSim

/// End to end through the command: `mcusim run MODEL --input ... --output ...` on TFLM's
/// golden inputs writes .npy outputs whose data is byte-identical to TFLM's, for every
/// golden model TFLM runs (../shared) and both kernel variants.
final class RunGoldenTests: XCTestCase {
    func testRunWritesTFLMsOutputs() throws {
        try SharedReference.require()
        let directory = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var identical = 0
        var total = 0
        for (goldenDirectory, modelDirectory) in [(SharedReference.zooDirectory, SharedReference.zooDirectory), (SharedReference.modelsGoldenDirectory, SharedReference.modelsDirectory)] {
            let golden = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: goldenDirectory.appendingPathComponent("golden.json"))) as? [String: Any])
            for (name, value) in (golden["models"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard let entry = value as? [String: Any], let files = entry["golden"] as? [String: Any],
                      let inputs = files["inputs"] as? [String], let outputs = files["outputs"] as? [String] else { continue }
                let model = modelDirectory.appendingPathComponent(entry["file"] as? String ?? "\(name).tflite").path
                for variant in ["reference", "cmsis-nn"] {
                    let ours = outputs.indices.map { directory.appendingPathComponent("\(name).\(variant).\($0).npy").path }
                    var args = ["run", model, "--kernels", variant, "--json"]
                    for file in inputs { args += ["--input", goldenDirectory.appendingPathComponent(file).path] }
                    for file in ours { args += ["--output", file] }
                    let result = runCLI(args)
                    XCTAssertEqual(result.code, 0, "\(name) [\(variant)]: \(result.err)")
                    total += 1
                    var same = true
                    for (file, expected) in zip(ours, outputs) {
                        let a = try Npy.read(contentsOf: URL(fileURLWithPath: file))
                        let b = try Npy.read(contentsOf: goldenDirectory.appendingPathComponent(expected))
                        XCTAssertEqual(a.shape, b.shape, "\(name) [\(variant)] shape")
                        XCTAssertEqual(a.type, b.type, "\(name) [\(variant)] dtype")
                        if a.bytes != b.bytes { same = false; XCTFail("\(name) [\(variant)]: \(expected) differs") }
                    }
                    if same { identical += 1 }
                }
            }
        }
        XCTAssertEqual(total, 108, "54 golden models x 2 variants")
        print("mcusim run --input/--output: \(identical) of \(total) runs byte-identical to TFLM's golden outputs")
    }

    /// TFLM refuses the hybrid KWS model; `run` exits 3 naming operator 0.
    func testRunRefusesHybridModel() throws {
        try SharedReference.require()
        let result = runCLI(["run", SharedReference.modelsDirectory.appendingPathComponent("mlperf_kws_dscnn_float32.tflite").path])
        XCTAssertEqual(result.code, 3)
        XCTAssertTrue(result.err.contains("CONV_2D") && result.err.contains("operator 0"), result.err)
    }
}
