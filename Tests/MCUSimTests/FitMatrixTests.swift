import Foundation
import TestSupport
import XCTest
@testable import MCUSim

/// `mcusim fit A.tflite B.tflite ...`: one matrix, `{"models": [...]}`, each entry what `fit`
/// of that model alone gives; with --inputs/--labels, eval's accuracy per model.
final class FitMatrixTests: XCTestCase {
    private var study: URL { SharedReference.examplesDirectory.appendingPathComponent("seed-study") }
    private var fixtures: URL { SharedReference.packageRoot.appendingPathComponent("Tests/Fixtures/seed-study") }

    private func object(_ result: CLIResult, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        XCTAssertLessThanOrEqual(result.code, 1, result.err, file: file, line: line)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any], file: file, line: line)
    }

    /// The matrix's device entries equal the single-model fit's, model by model (the worker
    /// pool and the shared table change nothing); a single model keeps today's JSON.
    private func assertMatrixEqualsSingleFits(_ models: [String], extra: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws
        -> [[String: Any]]
    {
        let matrix = try object(runCLI(["fit"] + models + extra + ["--json"]), file: file, line: line)
        let entries = try XCTUnwrap(matrix["models"] as? [[String: Any]], file: file, line: line)
        XCTAssertEqual(entries.map { $0["model"] as? String }, models, file: file, line: line)
        for (path, entry) in zip(models, entries) {
            let single = try object(runCLI(["fit", path] + extra + ["--json"]), file: file, line: line)
            XCTAssertNil(single["models"], "one model keeps the single-model JSON", file: file, line: line)
            XCTAssertEqual(single["model"] as? String, path, file: file, line: line)
            let devices = try XCTUnwrap(entry["devices"] as? [[String: Any]], file: file, line: line)
            XCTAssertEqual(devices.count, (single["devices"] as? [[String: Any]])?.count, file: file, line: line)
            XCTAssertEqual(devices as NSArray, single["devices"] as? NSArray, path, file: file, line: line)
            let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, file: file, line: line)
            XCTAssertEqual((entry["compression"] as? [String: Any])?["file_bytes"] as? Int, size, "the flatbuffer's own size", file: file, line: line)
        }
        return entries
    }

    func testSeveralModelsGiveOneMatrixOfTheSingleFits() throws {
        let models = ["mnist_cnn_fp32", "mnist_cnn_int8", "mnist_cnn_p50_int8"].map { study.appendingPathComponent("models/\($0).tflite").path }
        let entries = try assertMatrixEqualsSingleFits(models)
        // INT8 quarters the weights: the flash figure falls with the file on every device.
        let fp32 = try XCTUnwrap(entries[0]["devices"] as? [[String: Any]]), int8 = try XCTUnwrap(entries[1]["devices"] as? [[String: Any]])
        for (a, b) in zip(fp32, int8) { XCTAssertGreaterThan(a["flash_bytes"] as? Int ?? 0, b["flash_bytes"] as? Int ?? 0) }
        // Unstructured pruning changes neither flash nor latency on TFLM (the flatbuffer stores the zeros).
        let pruned = try XCTUnwrap(entries[2]["devices"] as? [[String: Any]])
        for (a, b) in zip(int8, pruned) {
            XCTAssertEqual(a["latency_ms"] as? Double, b["latency_ms"] as? Double)
            XCTAssertEqual(abs((a["flash_bytes"] as? Int ?? 0) - (b["flash_bytes"] as? Int ?? 0)), 40, "the p50 file is 40 bytes longer (20,248 vs 20,208)")
        }

        let text = runCLI(["fit"] + models)
        XCTAssertEqual(text.code, 0, text.err)
        for heading in ["flash used", "RAM used", "latency ms (guessed share)", "energy µJ per inference", "verdict: fits when"] {
            XCTAssertTrue(text.out.contains(heading), heading)
        }
    }

    /// The accuracy column is eval's count: the manifest's TFLM figures on the 64-sample subset.
    func testAccuracyColumnIsEvalsOnTheSameData() throws {
        let manifest = try SharedReference.json(fixtures.appendingPathComponent("manifest.json"))
        let network = try XCTUnwrap(manifest["har_fc"] as? [String: Any])
        let expected = try XCTUnwrap(network["models"] as? [[String: Any]]).prefix(3)
        let models = expected.map { SharedReference.packageRoot.appendingPathComponent($0["model"] as? String ?? "").path }
        let json = try object(runCLI(["fit"] + models + ["--inputs", fixtures.appendingPathComponent("har_fc_x.npy").path,
                                                         "--labels", fixtures.appendingPathComponent("har_fc_y.npy").path,
                                                         "--quiet", "--json"]))
        XCTAssertEqual(json["samples"] as? Int, 64)
        let entries = try XCTUnwrap(json["models"] as? [[String: Any]])
        XCTAssertEqual(entries.map { $0["correct"] as? Int }, expected.map { $0["correct"] as? Int })
        let first = try XCTUnwrap(entries[0]["accuracy"] as? Double)
        for entry in entries {
            XCTAssertEqual(entry["accuracy_delta"] as? Double ?? .nan, (entry["accuracy"] as? Double ?? .nan) - first, accuracy: 1e-12)
        }
    }

    /// Issue #14's check: TFLM's micro_speech front end and its model side by side per board
    /// (the front end from a TFLM checkout when one is at hand, the model from ../shared).
    func testAudioFrontEndAndKeywordModelSideBySide() throws {
        let relative = "tensorflow/lite/micro/examples/micro_speech/models/audio_preprocessor_int8.tflite"
        var roots = [SharedReference.packageRoot.deletingLastPathComponent().appendingPathComponent("ext/tflite-micro"),
                     SharedReference.packageRoot.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("ext/tflite-micro")]
        if let env = ProcessInfo.processInfo.environment["MCUSIM_TFLM_CHECKOUT"] { roots.insert(URL(fileURLWithPath: env), at: 0) }
        guard let frontEnd = roots.map({ $0.appendingPathComponent(relative) }).first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw XCTSkip("no TFLM checkout with micro_speech's audio_preprocessor_int8.tflite (set MCUSIM_TFLM_CHECKOUT)")
        }
        let keywords = SharedReference.modelsDirectory.appendingPathComponent("tflm_micro_speech_quantized.tflite")
        guard FileManager.default.fileExists(atPath: keywords.path) else { throw XCTSkip("../shared/models is absent") }
        let entries = try assertMatrixEqualsSingleFits([frontEnd.path, keywords.path])
        for entry in entries {
            let devices = try XCTUnwrap(entry["devices"] as? [[String: Any]])
            XCTAssertFalse(devices.isEmpty)
            for d in devices { XCTAssertGreaterThan(d["latency_ms"] as? Double ?? 0, 0) }
        }
        let text = runCLI(["fit", frontEnd.path, keywords.path])
        XCTAssertEqual(text.code, 0, text.err)
        XCTAssertTrue(text.out.contains("audio_preprocessor_int8 ") && text.out.contains("tflm_micro_speech_quantized "), text.out)
    }
}
