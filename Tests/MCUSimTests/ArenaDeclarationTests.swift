import Foundation
import TestSupport
import XCTest
@testable import Interpreter
@testable import MCUSim

/// Issue #9: the arena `fit`, `check`, `report` and `run` tell a user to declare
/// (`arena.declare_bytes`) is the smallest `kTensorArenaSize` with which AllocateTensors and
/// Invoke succeed on the modelled 32-bit build: `run --arena-size N` runs at it and fails 16
/// bytes below, for every model in ../shared, the zoo and the project's fixtures.
final class ArenaDeclarationTests: XCTestCase {
    /// Every model with a golden: ../shared's zoo and real models (when present) and the
    /// project's fixtures (all indexes), plus the examples.
    private func models() throws -> [URL] {
        var urls: [URL] = []
        if (try? SharedReference.require()) != nil {
            urls += try SharedReference.allGoldenModels().map { $0.2.appendingPathComponent("\($0.0).tflite") }
        }
        let fixtures = SharedReference.fixturesDirectory
        for index in ["fixtures.json", "handmade_fixtures.json", "sequence_fixtures.json", "requant_fixtures.json", "signal_fixtures.json"] {
            let url = fixtures.appendingPathComponent(index)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            let entries = try SharedReference.json(url)["fixtures"] as? [String: [String: Any]] ?? [:]
            urls += entries.values.compactMap { $0["file"] as? String }.sorted().map { fixtures.appendingPathComponent($0) }
        }
        let examples = SharedReference.examplesDirectory.appendingPathComponent("models")
        urls += try FileManager.default.contentsOfDirectory(at: examples, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "tflite" }.sorted { $0.path < $1.path }
        return urls
    }

    private func object(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func testDeclaredArenaRunsAndSixteenBytesLessFails() throws {
        var tested = 0, aboveTotal = 0, largestExcess = (bytes: 0, name: "")
        var refused: [String] = []
        for url in try models() {
            for kernels in ["cmsis-nn", "reference"] {
                let fit = runCLI(["fit", url.path, "--device", "stm32f411re", "--kernels", kernels, "--json"])
                guard fit.code != 3, fit.code != 2 else {
                    // An operator or type TFLM refuses too (with this kernel variant).
                    refused.append("\(url.lastPathComponent) [\(kernels)]")
                    continue
                }
                let devices = try XCTUnwrap(try object(fit.out)["devices"] as? [[String: Any]])
                let device = try XCTUnwrap(devices.first)
                let arena = try XCTUnwrap(device["arena"] as? [String: Any])
                let declare = try XCTUnwrap(arena["declare_bytes"] as? Int)
                let planned = try XCTUnwrap(arena["planned_bytes"] as? Int), persistent = try XCTUnwrap(arena["persistent_bytes"] as? Int)
                let name = "\(url.lastPathComponent) [\(kernels)]"
                XCTAssertEqual(declare % 16, 0, name)
                XCTAssertGreaterThanOrEqual(declare, planned + persistent, name)
                if declare > planned + persistent {
                    aboveTotal += 1
                    if declare - planned - persistent > largestExcess.bytes { largestExcess = (declare - planned - persistent, name) }
                }
                XCTAssertEqual(device["arena_bytes"] as? Int, declare, "\(name): fit's arena is the one to declare")
                let ram = try XCTUnwrap(device["ram"] as? [String: Any])
                XCTAssertEqual(device["ram_bytes"] as? Int, declare + (ram["reserve"] as? Int ?? -1), "\(name): RAM counts the declared arena")

                let fits = runCLI(["run", url.path, "--kernels", kernels, "--arena-size", String(declare)])
                XCTAssertEqual(fits.code, 0, "\(name): run --arena-size \(declare): \(fits.err)")
                let short = runCLI(["run", url.path, "--kernels", kernels, "--arena-size", String(declare - 16)])
                XCTAssertEqual(short.code, 1, "\(name): run --arena-size \(declare - 16) must fail")
                XCTAssertTrue(short.err.contains("arena too small: the model needs \(declare) bytes"), "\(name): \(short.err)")
                tested += 1
            }
        }
        print("arena to declare: run succeeds at N and fails at N - 16 for \(tested) model/kernel pairs; "
              + "N > planned + persistent in \(aboveTotal), by up to \(largestExcess.bytes) B (\(largestExcess.name)); "
              + "refused as TFLM refuses them: \(refused.count) (\(refused.joined(separator: ", ")))")
        XCTAssertGreaterThan(tested, 300)
    }

    /// A model whose AllocateTensors needs more than it keeps: every command reports the
    /// larger figure as the arena, and the RAM verdict counts it.
    func testEveryCommandReportsTheArenaToDeclare() throws {
        let model = SharedReference.examplesDirectory.appendingPathComponent("models/kws_dscnn_int8.tflite").path
        let usage = try MicroInterpreter(model: try Model(contentsOf: URL(fileURLWithPath: model))).arenaUsage
        XCTAssertGreaterThan(usage.declareBytes, usage.totalBytes, "the example needs temporary memory in AllocateTensors")

        let run = try object(runCLI(["run", model, "--json"]).out)
        XCTAssertEqual((run["arena"] as? [String: Any])?["declare_bytes"] as? Int, usage.declareBytes)
        let runText = runCLI(["run", model]).out
        XCTAssertTrue(runText.contains("declare \(usage.declareBytes.grouped) B (kTensorArenaSize)"), runText)

        let fitText = runCLI(["fit", model, "--device", "nano33ble"]).out
        XCTAssertTrue(fitText.contains("arena (32-bit build): declare \(usage.declareBytes.grouped) B"), fitText)

        let dir = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let budget = dir.appendingPathComponent("b.json")
        try Data("""
            {"entries": [{"model": "\(model)", "device": "nano33ble", "limits": {"arena_bytes": \(usage.declareBytes - 16)}}]}
            """.utf8).write(to: budget)
        let check = runCLI(["check", budget.path, "--json"])
        XCTAssertEqual(check.code, 1, "the limit is 16 bytes below the arena to declare")
        let entry = try XCTUnwrap((try object(check.out)["entries"] as? [[String: Any]])?.first)
        XCTAssertEqual((entry["arena"] as? [String: Any])?["declare_bytes"] as? Int, usage.declareBytes)
        XCTAssertEqual((entry["totals"] as? [String: Any])?["arena_bytes"] as? Int, usage.declareBytes)

        let report = dir.appendingPathComponent("r.html")
        XCTAssertEqual(runCLI(["report", model, "--device", "nano33ble", "--out", report.path]).code, 0)
        let html = try String(contentsOf: report, encoding: .utf8)
        XCTAssertTrue(html.contains("Arena to declare"), "report card")
        XCTAssertTrue(html.contains("declare \(usage.declareBytes.grouped) B (kTensorArenaSize)"), "report table")
    }

    /// `run --deploy`: the C++ to paste, and nothing else on stdout.
    func testDeploySnippet() throws {
        let model = SharedReference.fixturesDirectory.appendingPathComponent("net_mnist_mini_int8.tflite").path
        let usage = try MicroInterpreter(model: try Model(contentsOf: URL(fileURLWithPath: model))).arenaUsage
        let result = runCLI(["run", model, "--deploy"])
        XCTAssertEqual(result.code, 0, result.err)
        let lines = result.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertTrue(result.out.hasPrefix("// mcusim "), result.out)
        XCTAssertTrue(lines.contains("constexpr int kTensorArenaSize = \(usage.declareBytes);"), result.out)
        XCTAssertTrue(lines.contains("alignas(16) static uint8_t tensor_arena[kTensorArenaSize];"), result.out)
        XCTAssertTrue(lines.contains("using ModelOpResolver = tflite::MicroMutableOpResolver<7>;"), result.out)
        let calls = lines.filter { $0.hasPrefix("  TF_LITE_ENSURE_STATUS(op_resolver.") }
        XCTAssertEqual(calls, ["AddConv2D", "AddMaxPool2D", "AddDepthwiseConv2D", "AddAveragePool2D", "AddReshape",
                               "AddFullyConnected", "AddSoftmax"].map { "  TF_LITE_ENSURE_STATUS(op_resolver.\($0)());" })

        let json = try object(runCLI(["run", model, "--deploy", "--json"]).out)
        let deploy = try XCTUnwrap(json["deploy"] as? [String: Any])
        XCTAssertEqual(deploy["arena_size"] as? Int, usage.declareBytes)
        XCTAssertEqual((deploy["resolver_methods"] as? [String])?.count, 7)
        XCTAssertEqual(deploy["cpp"] as? String, result.out)
    }

    /// The C++ lines of a snippet: its kTensorArenaSize, its resolver's template count and its Add calls.
    private func parseSnippet(_ cpp: String) -> (arena: Int?, count: Int?, calls: [String]) {
        var arena: Int?, count: Int?, calls: [String] = []
        for line in cpp.split(separator: "\n").map(String.init) {
            if line.hasPrefix("constexpr int kTensorArenaSize = "), line.hasSuffix(";") {
                arena = Int(line.dropFirst("constexpr int kTensorArenaSize = ".count).dropLast())
            } else if line.hasPrefix("using ModelOpResolver = tflite::MicroMutableOpResolver<"), line.hasSuffix(">;") {
                count = Int(line.dropFirst("using ModelOpResolver = tflite::MicroMutableOpResolver<".count).dropLast(2))
            } else if line.hasPrefix("  TF_LITE_ENSURE_STATUS(op_resolver."), line.hasSuffix("());") {
                calls.append(String(line.dropFirst("  TF_LITE_ENSURE_STATUS(op_resolver.".count).dropLast(4)))
            }
        }
        return (arena, count, calls)
    }

    /// A signal front end: the custom operators' methods are TFLM's (micro_mutable_op_resolver.h
    /// registers "SignalWindow" through AddWindow, "SignalPCAN" through AddPCAN, ...).
    func testDeploySnippetOfASignalFrontEnd() throws {
        let model = SharedReference.fixturesDirectory.appendingPathComponent("sig_pipeline_frontend_int8.tflite").path
        let result = runCLI(["run", model, "--deploy", "--json"])
        XCTAssertEqual(result.code, 0, result.err)
        let json = try object(result.out)
        let cpp = try XCTUnwrap((json["deploy"] as? [String: Any])?["cpp"] as? String)
        let snippet = parseSnippet(cpp)
        XCTAssertEqual(snippet.calls, ["AddWindow", "AddReshape", "AddFftAutoScale", "AddRfft", "AddEnergy", "AddCast", "AddStridedSlice",
                                       "AddConcatenation", "AddFilterBank", "AddFilterBankSquareRoot", "AddFilterBankSpectralSubtraction",
                                       "AddPCAN", "AddFilterBankLog", "AddMul", "AddAdd", "AddDiv", "AddMinimum", "AddMaximum"])
        XCTAssertEqual(snippet.count, 18)
        XCTAssertEqual(snippet.arena, (json["arena"] as? [String: Any])?["declare_bytes"] as? Int)
    }

    /// Every fixture and example, both kernel variants: the snippet declares the arena `run`
    /// reports as declare_bytes, and its resolver holds one Add call per distinct operator of
    /// the model (as `inspect` lists them, in first-use order) and is sized for exactly those.
    func testDeploySnippetOfEveryFixture() throws {
        let fixtures = try FileManager.default.contentsOfDirectory(at: SharedReference.fixturesDirectory, includingPropertiesForKeys: nil)
        let examples = try FileManager.default.contentsOfDirectory(at: SharedReference.examplesDirectory.appendingPathComponent("models"),
                                                                   includingPropertiesForKeys: nil)
        var checked = 0
        for url in (fixtures + examples).filter({ $0.pathExtension == "tflite" }).sorted(by: { $0.path < $1.path }) {
            let inspect = try object(runCLI(["inspect", url.path, "--json"]).out)
            var seen = Set<String>()
            let ops = (inspect["operators"] as? [[String: Any]] ?? []).compactMap { $0["op"] as? String }.filter { seen.insert($0).inserted }
            for kernels in ["cmsis-nn", "reference"] {
                let result = runCLI(["run", url.path, "--kernels", kernels, "--deploy", "--json"])
                guard result.code == 0 else { continue }   // refused, as TFLM refuses it
                let json = try object(result.out)
                let name = "\(url.lastPathComponent) [\(kernels)]"
                let deploy = try XCTUnwrap(json["deploy"] as? [String: Any], name)
                let snippet = parseSnippet(try XCTUnwrap(deploy["cpp"] as? String, name))
                let declare = (json["arena"] as? [String: Any])?["declare_bytes"] as? Int
                XCTAssertEqual(snippet.arena, declare, name)
                XCTAssertEqual(deploy["arena_size"] as? Int, declare, name)
                XCTAssertEqual(snippet.count, ops.count, name)
                XCTAssertEqual(snippet.calls, ops.map { OperatorKind(name: $0).flatMap { KernelRegistry.registration(for: $0)?.resolverMethod } ?? "?" },
                               name)
                XCTAssertEqual(deploy["resolver_methods"] as? [String], snippet.calls, name)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 400)
    }

    /// `--registration int8-only`: the snippet registers the int8-only kernels (TFLM's
    /// Register_<OP>_INT8) the flash figures count, and includes the kernel headers the
    /// resolver's header lacks (pad.h, transpose.h).
    func testDeploySnippetWithInt8OnlyRegistration() throws {
        let kws = SharedReference.examplesDirectory.appendingPathComponent("models/kws_dscnn_int8.tflite").path
        let result = runCLI(["run", kws, "--deploy", "--registration", "int8-only", "--json"])
        XCTAssertEqual(result.code, 0, result.err)
        let deploy = try XCTUnwrap(try object(result.out)["deploy"] as? [String: Any])
        XCTAssertEqual(deploy["registration"] as? String, "int8-only")
        let cpp = try XCTUnwrap(deploy["cpp"] as? String)
        let calls = cpp.split(separator: "\n").filter { $0.hasPrefix("  TF_LITE_ENSURE_STATUS(") }
        XCTAssertEqual(calls, ["AddConv2D(tflite::Register_CONV_2D_INT8())", "AddDepthwiseConv2D(tflite::Register_DEPTHWISE_CONV_2D_INT8())",
                               "AddAveragePool2D(tflite::Register_AVERAGE_POOL_2D_INT8())", "AddReshape()",
                               "AddFullyConnected(tflite::Register_FULLY_CONNECTED_INT8())", "AddSoftmax(tflite::Register_SOFTMAX_INT8())"]
                        .map { "  TF_LITE_ENSURE_STATUS(op_resolver.\($0));" })
        XCTAssertEqual(parseSnippet(cpp).calls, ["AddReshape"], "RESHAPE has no int8-only kernel: its default registration")

        // The default registration of the same model: plain Add calls.
        let standard = runCLI(["run", kws, "--deploy"]).out
        XCTAssertEqual(parseSnippet(standard).calls, ["AddConv2D", "AddDepthwiseConv2D", "AddAveragePool2D", "AddReshape",
                                                      "AddFullyConnected", "AddSoftmax"])

        let pad = runCLI(["run", SharedReference.fixturesDirectory.appendingPathComponent("op_pad_int8.tflite").path,
                          "--deploy", "--registration", "int8-only"]).out
        XCTAssertTrue(pad.contains("#include \"tensorflow/lite/micro/kernels/pad.h\"\n"), pad)
        XCTAssertTrue(pad.contains("  TF_LITE_ENSURE_STATUS(op_resolver.AddPad(tflite::Register_PAD_INT8()));\n"), pad)
        // A float model has nothing to register int8-only.
        let float = runCLI(["run", SharedReference.fixturesDirectory.appendingPathComponent("op_pad_f32.tflite").path,
                            "--deploy", "--registration", "int8-only"]).out
        XCTAssertFalse(float.contains("_INT8"), float)
    }
}
