import Foundation
import TestSupport
import XCTest
@testable import MCUSim

/// Hostile and damaged models: every outcome is a clean exit code with a one-line
/// message, never a trap (a trap would kill this test process) or a hang.
final class RobustnessTests: XCTestCase {
    private func assertClean(_ result: CLIResult, allowSuccess: Bool, _ context: String) {
        switch result.code {
        case 0:
            XCTAssertTrue(allowSuccess, "\(context): a damaged model was accepted")
        case 2, 3:
            let lines = result.err.split(separator: "\n", omittingEmptySubsequences: true)
            XCTAssertEqual(lines.count, 1, "\(context): expected one error line, got \(result.err)")
            XCTAssertTrue(result.err.hasPrefix("mcusim: error: "), "\(context): \(result.err)")
        default:
            XCTFail("\(context): exit code \(result.code): \(result.err)")
        }
    }

    /// Every prefix of a real model (and a sample of prefixes of a larger one).
    func testEveryTruncationIsRejectedCleanly() throws {
        try SharedReference.require()
        let directory = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("truncated.tflite")
        for (name, step) in [("tflm_hello_world_int8", 1), ("tflm_micro_speech_quantized", 37)] {
            let bytes = try Data(contentsOf: SharedReference.modelsDirectory.appendingPathComponent("\(name).tflite"))
            var length = 0
            while length < bytes.count {
                try bytes.prefix(length).write(to: file)
                assertClean(runCLI(["inspect", file.path]), allowSuccess: false, "\(name) truncated to \(length) bytes")
                length += step
            }
        }
    }

    /// Random byte flips: the result is either a model that still reads (exit 0) or a
    /// clean refusal. Deterministic seed, so a failure reproduces.
    func testRandomByteFlipsNeverCrash() throws {
        try SharedReference.require()
        let directory = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("flipped.tflite")
        var rng = SplitMix64(seed: 2026)
        var outcomes: [Int32: Int] = [:]
        for name in ["tflm_hello_world_int8", "tflm_micro_speech_quantized", "mlperf_kws_dscnn_int8", "mlperf_ad_autoencoder_int8"] {
            let original = [UInt8](try Data(contentsOf: SharedReference.modelsDirectory.appendingPathComponent("\(name).tflite")))
            for trial in 0..<150 {
                var bytes = original
                // Flip 1 to 4 bytes, biased to the structural head of the file half the time.
                let flips = Int(rng.next() % 4) + 1
                for _ in 0..<flips {
                    let limit = rng.next() % 2 == 0 ? min(bytes.count, 4096) : bytes.count
                    let at = Int(rng.next() % UInt64(limit))
                    bytes[at] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
                }
                try Data(bytes).write(to: file)
                let result = runCLI(["inspect", file.path])
                outcomes[result.code, default: 0] += 1
                assertClean(result, allowSuccess: true, "\(name) flip trial \(trial)")
                if trial % 5 == 0 {
                    assertClean(runCLI(["run", file.path, "--kernels", "reference"]), allowSuccess: true, "\(name) run, flip trial \(trial)")
                }
            }
        }
        XCTAssertGreaterThan(outcomes[2, default: 0], 0, "some flips must break the structure: \(outcomes)")
    }

    func testHandMadeHostileFiles() throws {
        let directory = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cases: [(String, [UInt8])] = [
            ("empty", []),
            ("not a flatbuffer", Array("hello, this is not a model".utf8)),
            ("root offset past end", [0xFF, 0xFF, 0xFF, 0x7F] + Array("TFL3".utf8) + [0, 0, 0, 0]),
            ("vtable offset past end", [8, 0, 0, 0] + Array("TFL3".utf8) + [0x00, 0x00, 0x00, 0x80]),
            ("self-referencing table", [8, 0, 0, 0] + Array("TFL3".utf8) + [0, 0, 0, 0] + [4, 0, 4, 0]),
        ]
        for (label, bytes) in cases {
            let file = directory.appendingPathComponent("\(label.replacingOccurrences(of: " ", with: "_")).tflite")
            try Data(bytes).write(to: file)
            let result = runCLI(["inspect", file.path])
            XCTAssertEqual(result.code, 2, "\(label): \(result.err)")
            XCTAssertTrue(result.err.hasPrefix("mcusim: error: \(file.path): "), "\(label): \(result.err)")
        }
        let missing = runCLI(["inspect", directory.appendingPathComponent("nope.tflite").path])
        XCTAssertEqual(missing.code, 2)
        XCTAssertTrue(missing.err.contains("no such file"), missing.err)
    }
}
