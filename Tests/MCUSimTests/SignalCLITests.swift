import Foundation
import TestSupport
import XCTest
@testable import Interpreter
@testable import MCUSim

/// The CLI on TFLM's signal-library models: a streamed `run --input` reproduces TFLM's
/// recorded outputs frame by frame; `inspect` shows the custom options; hostile custom
/// options and unknown custom operators end in one error line with exit 2 or 3.
final class SignalCLITests: XCTestCase {
    private var index: URL { SharedReference.fixturesDirectory.appendingPathComponent("signal_fixtures.json") }

    private func entry(_ name: String) throws -> [String: Any] {
        guard FileManager.default.fileExists(atPath: index.path) else { throw XCTSkip("no signal_fixtures.json") }
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: index)) as? [String: Any] ?? [:]
        return try XCTUnwrap((object["fixtures"] as? [String: Any])?[name] as? [String: Any], name)
    }

    /// TFLM's micro_speech front-end model in a checkout beside the repository, if any.
    private func tflmFrontEnd() -> URL? {
        let relative = "tensorflow/lite/micro/examples/micro_speech/models/audio_preprocessor_int8.tflite"
        var roots = [SharedReference.packageRoot.deletingLastPathComponent().appendingPathComponent("ext/tflite-micro"),
                     SharedReference.packageRoot.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("ext/tflite-micro")]
        if let env = ProcessInfo.processInfo.environment["MCUSIM_TFLM_CHECKOUT"] { roots.insert(URL(fileURLWithPath: env), at: 0) }
        return roots.map { $0.appendingPathComponent(relative) }.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// `run --input STREAM --output OUT`: one invoke per frame, outputs stacked, equal to
    /// TFLM's recorded stream byte for byte (fixtures without a reset, all 60 frames).
    func testStreamedRunReproducesTFLMStreams() throws {
        let directory = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["sig_pipeline_frontend_float", "sig_pipeline_resynthesis_int16", "sig_rfft_mixed_radix_int16"] {
            let e = try entry(name)
            XCTAssertEqual((e["reset_before"] as? [Int])?.isEmpty, true, name)
            let inputs = (e["stream_inputs"] as? [String] ?? []).map { SharedReference.fixturesDirectory.appendingPathComponent($0).path }
            let goldens = (e["stream_outputs"] as? [String] ?? []).map { SharedReference.fixturesDirectory.appendingPathComponent($0) }
            let outputs = goldens.indices.map { directory.appendingPathComponent("\(name).\($0).npy") }
            for kernels in ["cmsis-nn", "reference"] {
                let result = runCLI(["run", SharedReference.fixturesDirectory.appendingPathComponent("\(name).tflite").path, "--kernels", kernels]
                                    + inputs.flatMap { ["--input", $0] } + outputs.flatMap { ["--output", $0.path] })
                XCTAssertEqual(result.code, 0, result.err)
                XCTAssertTrue(result.out.contains("streamed 60 input frames"), result.out)
                for (ours, golden) in zip(outputs, goldens) {
                    let a = try Npy.read(contentsOf: ours), b = try Npy.read(contentsOf: golden)
                    XCTAssertEqual(a.shape, b.shape, "\(name) [\(kernels)]")
                    XCTAssertEqual(a.bytes, b.bytes, "\(name) [\(kernels)]: streamed outputs differ from TFLM's")
                }
            }
            let json = runCLI(["run", SharedReference.fixturesDirectory.appendingPathComponent("\(name).tflite").path, "--json"] + inputs.flatMap { ["--input", $0] })
            XCTAssertTrue(json.out.contains("\"invokes\": 60"), name)
        }
    }

    /// TFLM's own front end (when a checkout is at hand): the first 45 recorded frames
    /// (the recording resets the interpreter before frame 45; a streamed run does not).
    func testStreamedRunOfTFLMFrontEnd() throws {
        guard let model = tflmFrontEnd() else { throw XCTSkip("no TFLM checkout with micro_speech's audio_preprocessor_int8.tflite") }
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: index)) as? [String: Any] ?? [:]
        let e = try XCTUnwrap((object["external"] as? [String: Any])?["ext_audio_preprocessor_int8"] as? [String: Any])
        let input = try Npy.read(contentsOf: SharedReference.fixturesDirectory.appendingPathComponent((e["stream_inputs"] as? [String])?.first ?? ""))
        let golden = try Npy.read(contentsOf: SharedReference.fixturesDirectory.appendingPathComponent((e["stream_outputs"] as? [String])?.first ?? ""))
        let frames = 45
        let directory = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let slice = directory.appendingPathComponent("frames.npy")
        try Npy.write(NpyArray(type: input.type, shape: [frames] + input.shape.dropFirst(),
                               bytes: Array(input.bytes.prefix(input.bytes.count / input.shape[0] * frames))), to: slice)
        let out = directory.appendingPathComponent("features.npy")
        let result = runCLI(["run", model.path, "--input", slice.path, "--output", out.path])
        XCTAssertEqual(result.code, 0, result.err)
        let ours = try Npy.read(contentsOf: out)
        XCTAssertEqual(ours.shape, [frames, 40])
        XCTAssertEqual(ours.bytes, Array(golden.bytes.prefix(golden.bytes.count / golden.shape[0] * frames)))
    }

    func testStreamUsageErrors() throws {
        let e = try entry("sig_pipeline_frontend_int8")
        let model = SharedReference.fixturesDirectory.appendingPathComponent("sig_pipeline_frontend_int8.tflite").path
        let stream = SharedReference.fixturesDirectory.appendingPathComponent((e["stream_inputs"] as? [String])?.first ?? "").path
        let repeated = runCLI(["run", model, "--input", stream, "--repeat", "2"])
        XCTAssertEqual(repeated.code, 2)
        XCTAssertTrue(repeated.err.contains("--repeat"), repeated.err)
        // A stream whose frames are not the input's size.
        let directory = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let odd = directory.appendingPathComponent("odd.npy")
        try Npy.write(NpyArray(type: .int16, shape: [3, 479], bytes: [UInt8](repeating: 0, count: 3 * 479 * 2)), to: odd)
        let wrong = runCLI(["run", model, "--input", odd.path])
        XCTAssertEqual(wrong.code, 2)
        XCTAssertEqual(wrong.err.split(separator: "\n").count, 1, wrong.err)
        XCTAssertTrue(wrong.err.contains("stream of frames"), wrong.err)
    }

    func testInspectShowsCustomOptions() throws {
        _ = try entry("sig_rfft_int16")
        let model = SharedReference.fixturesDirectory.appendingPathComponent("sig_rfft_int16.tflite").path
        let text = runCLI(["inspect", model])
        XCTAssertEqual(text.code, 0, text.err)
        XCTAssertTrue(text.out.contains("custom options (FlexBuffers):"), text.out)
        XCTAssertTrue(text.out.contains("CUSTOM:SignalRfft  T: 7 (INT16), fft_length: 128"), text.out)
        XCTAssertTrue(text.out.contains("CUSTOM:SignalRfft") && text.out.contains("supported"), text.out)
        let json = runCLI(["inspect", model, "--json"])
        XCTAssertEqual(json.code, 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        let op = (object?["operators"] as? [[String: Any]])?.first
        XCTAssertEqual((op?["custom_options"] as? [String: Any])?["fft_length"] as? Int, 128)
        XCTAssertEqual((op?["custom_options"] as? [String: Any])?["T"] as? Int, 7)
    }

    /// A model whose custom operator mcusim has no kernel for (SignalWindow renamed):
    /// exit 3, one line naming it, and saying TFLM has none either.
    func testUnknownCustomOperator() throws {
        _ = try entry("sig_window_int16")
        var bytes = [UInt8](try Data(contentsOf: SharedReference.fixturesDirectory.appendingPathComponent("sig_window_int16.tflite")))
        let name = Array("SignalWindow".utf8)
        let at = try XCTUnwrap((0...(bytes.count - name.count)).first { Array(bytes[$0..<($0 + name.count)]) == name })
        bytes[at + name.count - 1] = UInt8(ascii: "X")
        let directory = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("renamed.tflite")
        try Data(bytes).write(to: file)
        let result = runCLI(["run", file.path])
        XCTAssertEqual(result.code, 3)
        XCTAssertEqual(result.err.split(separator: "\n").count, 1, result.err)
        XCTAssertTrue(result.err.contains("mcusim has no kernel for custom operator SignalWindoX; TFLM has none either"), result.err)
        let inspect = runCLI(["inspect", file.path])
        XCTAssertEqual(inspect.code, 0)
        XCTAssertTrue(inspect.out.contains("NOT SUPPORTED: operator 0: mcusim has no kernel for custom operator SignalWindoX"), inspect.out)
    }

    /// --repeat N on one frame and a stream of the same frame N times run the same invokes
    /// (the input tensor's memory is reused inside the model, so --repeat sets it again each time).
    func testRepeatEqualsAStreamOfTheSameFrame() throws {
        let e = try entry("sig_pipeline_streaming_int16")
        let model = SharedReference.fixturesDirectory.appendingPathComponent("sig_pipeline_streaming_int16.tflite").path
        let stream = try Npy.read(contentsOf: SharedReference.fixturesDirectory.appendingPathComponent((e["stream_inputs"] as? [String])?.first ?? ""))
        let frame = Array(stream.bytes.prefix(stream.bytes.count / stream.shape[0]))
        let directory = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let one = directory.appendingPathComponent("one.npy"), many = directory.appendingPathComponent("many.npy")
        try Npy.write(NpyArray(type: .int16, shape: Array(stream.shape.dropFirst()), bytes: frame), to: one)
        try Npy.write(NpyArray(type: .int16, shape: [5] + stream.shape.dropFirst(), bytes: Array([[UInt8]](repeating: frame, count: 5).joined())), to: many)
        let repeated = directory.appendingPathComponent("repeated.npy"), streamed = directory.appendingPathComponent("streamed.npy")
        XCTAssertEqual(runCLI(["run", model, "--input", one.path, "--repeat", "5", "--output", repeated.path]).code, 0)
        XCTAssertEqual(runCLI(["run", model, "--input", many.path, "--output", streamed.path]).code, 0)
        let last = try Npy.read(contentsOf: repeated).bytes
        let all = try Npy.read(contentsOf: streamed).bytes
        XCTAssertEqual(Array(all.suffix(last.count)), last)
        XCTAssertNotEqual(Array(all.prefix(last.count)), last, "the stacker's state must change the output between invokes")
    }

    /// Every truncation and some byte flips of every option blob of a front end (the
    /// fixture, and TFLM's own when a checkout is at hand): `run` ends with exit 0, or
    /// 2 or 3 and one error line; never a crash.
    func testHostileCustomOptionsThroughTheCLI() throws {
        _ = try entry("sig_pipeline_frontend_int8")
        // Every truncation of TFLM's blobs; every fourth of the fixture's (the same options,
        // already covered operator by operator by SignalKernelTests' hostile-options test).
        var models = [(SharedReference.fixturesDirectory.appendingPathComponent("sig_pipeline_frontend_int8.tflite"), 4)]
        if let real = tflmFrontEnd() { models.append((real, 1)) }
        let directory = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("hostile.tflite")
        var rng = SplitMix64(seed: 0x5164)
        var codes: [Int32: Int] = [:]
        for (url, step) in models {
            let original = [UInt8](try Data(contentsOf: url))
            let model = try Model(bytes: original)
            for (index, op) in model.subgraphs[0].operators.enumerated() {
                guard let range = op.customOptions else { continue }
                var variants: [[UInt8]] = []
                for length in stride(from: 0, to: range.count, by: step) {
                    var bytes = original
                    for i in 0..<4 { bytes[range.lowerBound - 4 + i] = UInt8(truncatingIfNeeded: length >> (8 * i)) }
                    variants.append(bytes)
                }
                for _ in 0..<15 {
                    var bytes = original
                    bytes[range.lowerBound + Int(rng.next() % UInt64(range.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
                    variants.append(bytes)
                }
                for (v, bytes) in variants.enumerated() {
                    try Data(bytes).write(to: file)
                    let result = runCLI(["run", file.path, "--kernels", "reference"])
                    codes[result.code, default: 0] += 1
                    let context = "\(url.lastPathComponent) operator \(index) variant \(v)"
                    XCTAssertTrue([0, 2, 3].contains(result.code), "\(context): exit \(result.code): \(result.err)")
                    if result.code != 0 {
                        XCTAssertEqual(result.err.split(separator: "\n").count, 1, "\(context): \(result.err)")
                        XCTAssertTrue(result.err.hasPrefix("mcusim: error: "), "\(context): \(result.err)")
                    }
                }
            }
        }
        XCTAssertGreaterThan(codes[2, default: 0], 0)
        print("hostile custom options through mcusim run: exit codes \(codes)")
    }

    /// The signal kernels have no measured instruction streams: wherever their cycles show,
    /// they are marked as a generic estimate (never a silent 0).
    func testSignalCostsAreMarkedEstimated() throws {
        _ = try entry("sig_pipeline_frontend_int8")
        let model = SharedReference.fixturesDirectory.appendingPathComponent("sig_pipeline_frontend_int8.tflite").path
        let run = runCLI(["run", model, "--device", "stm32f746zg"])
        XCTAssertEqual(run.code, 0, run.err)
        let rfftRow = try XCTUnwrap(run.out.split(separator: "\n").first { $0.contains("CUSTOM:SignalRfft") })
        XCTAssertTrue(rfftRow.contains("~"), String(rfftRow))
        XCTAssertTrue(run.out.contains("guessed share "), run.out)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(runCLI(["run", model, "--device", "stm32f746zg", "--json"]).out.utf8)) as? [String: Any])
        let ops = json["operators"] as? [[String: Any]] ?? []
        XCTAssertFalse(ops.isEmpty)
        for op in ops where (op["op"] as? String)?.hasPrefix("CUSTOM:Signal") == true {
            XCTAssertEqual(op["estimated"] as? Bool, true, "\(op["op"] ?? "")")
            XCTAssertGreaterThan(op["cycles"] as? Int ?? 0, 0, "\(op["op"] ?? "")")
        }
        XCTAssertGreaterThan((json["latency"] as? [String: Any])?["estimated_share"] as? Double ?? 0, 0.5)
        let fit = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(runCLI(["fit", model, "--device", "stm32f746zg", "--json"]).out.utf8)) as? [String: Any])
        let device = try XCTUnwrap((fit["devices"] as? [[String: Any]])?.first)
        XCTAssertGreaterThan(device["estimated_share"] as? Double ?? 0, 0.5)
    }
}

