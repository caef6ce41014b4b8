import Foundation
import TestSupport
import XCTest
@testable import MCUSim

final class CLITests: XCTestCase {
    func testHelpOnEveryCommand() {
        let top = runCLI(["--help"])
        XCTAssertEqual(top.code, 0)
        for command in MCUSimCLI.commands {
            XCTAssertTrue(top.out.contains(command.spec.name), "overview lists \(command.spec.name)")
            let help = runCLI([command.spec.name, "--help"])
            XCTAssertEqual(help.code, 0, command.spec.name)
            XCTAssertTrue(help.out.contains("USAGE: mcusim \(command.spec.name)"), help.out)
        }
    }

    func testUnknownFlagIsRejectedWithSuggestion() {
        let result = runCLI(["inspect", "model.tflite", "--jsn"])
        XCTAssertEqual(result.code, 2)
        XCTAssertTrue(result.err.contains("did you mean '--json'"), result.err)
        let command = runCLI(["inspekt", "x"])
        XCTAssertEqual(command.code, 2)
        XCTAssertTrue(command.err.contains("did you mean 'inspect'"), command.err)
    }

    func testFlagValueForms() throws {
        let spec = RunCommand.spec
        let a = try ParsedArguments.parse(["m.tflite", "--arena-size", "96KB", "--input=a.npy", "--input", "b.npy"], spec: spec)
        XCTAssertEqual(try a.bytes("arena-size"), 98_304)
        XCTAssertEqual(a.all("input"), ["a.npy", "b.npy"])
        XCTAssertThrowsError(try ParsedArguments.parse(["m.tflite", "--json=yes"], spec: spec))
        XCTAssertThrowsError(try ParsedArguments.parse(["m.tflite", "--arena-size"], spec: spec))
        XCTAssertEqual(ByteSize.parse("1.5MB"), 1_572_864)
        XCTAssertEqual(ByteSize.parse("20"), 20)
        XCTAssertNil(ByteSize.parse("lots"))
    }

    func testInspectJSONOnSharedModel() throws {
        try SharedReference.require()
        let result = runCLI(["inspect", SharedReference.modelsDirectory.appendingPathComponent("mlperf_kws_dscnn_int8.tflite").path, "--json"])
        XCTAssertEqual(result.code, 0, result.err)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        let ops = try XCTUnwrap(json["operators"] as? [[String: Any]])
        XCTAssertEqual(ops.count, 13)
        XCTAssertEqual(ops[0]["op"] as? String, "CONV_2D")
        // CONV_2D 0: output 1x25x5x64, filter 10x4x1 -> 8000 * 64 * 40 MACs.
        XCTAssertEqual(ops[0]["macs"] as? Int, 25 * 5 * 64 * 10 * 4)
        // Weights 64*10*4*1 int8 + bias 64 int32.
        XCTAssertEqual(ops[0]["weight_bytes"] as? Int, 2560 + 256)
        let totals = try XCTUnwrap(json["totals"] as? [String: Any])
        // The models README: 22,606 constant elements.
        XCTAssertEqual(totals["parameters"] as? Int, 22_606)
        XCTAssertEqual(totals["tensors"] as? Int, 35)
    }

    func testInspectReportsPrunedSparsity() throws {
        try SharedReference.require()
        // The zoo's 80%-pruned MNIST CNN: kernels pruned to exactly 80% zeros (README).
        let result = runCLI(["inspect", SharedReference.zooDirectory.appendingPathComponent("mnist_cnn_pruned80_int8.tflite").path, "--json"])
        XCTAssertEqual(result.code, 0, result.err)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        let weights = try XCTUnwrap(json["weights"] as? [[String: Any]])
        let big = weights.filter { ($0["elements"] as? Int ?? 0) >= 1000 }
        XCTAssertFalse(big.isEmpty)
        for w in big {
            XCTAssertEqual(w["zero_fraction"] as? Double ?? 0, 0.8, accuracy: 0.01, "\(w["name"] ?? "")")
        }
    }

    /// A user profile in a directory of its own: `devices` and `fit` list it, no rebuild.
    func testUserProfileIsListedByFit() throws {
        let directory = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var profile = try XCTUnwrap(try JSONSerialization.jsonObject(
            with: Data(contentsOf: SharedReference.packageRoot.appendingPathComponent("Profiles/stm32f411re.json"))) as? [String: Any])
        profile["id"] = "my-f411-board"
        profile["name"] = "My F411 board"
        try JSONSerialization.data(withJSONObject: profile).write(to: directory.appendingPathComponent("mine.json"))
        let model = SharedReference.examplesDirectory.appendingPathComponent("models/mnist_cnn_int8.tflite").path

        let devices = runCLI(["devices", "--profiles", directory.path, "--json"])
        XCTAssertEqual(devices.code, 0, devices.err)
        XCTAssertTrue(devices.out.contains("\"my-f411-board\""), devices.out)

        let fit = runCLI(["fit", model, "--profiles", directory.path, "--json"])
        XCTAssertEqual(fit.code, 0, fit.err)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(fit.out.utf8)) as? [String: Any])
        let ids = (json["devices"] as? [[String: Any]] ?? []).compactMap { $0["device"] as? String }
        XCTAssertEqual(Set(ids), ["nano33ble", "stm32f411re", "stm32f746zg", "my-f411-board"])
        // Same hardware as the bundled F411, so the same figures.
        let rows = Dictionary(uniqueKeysWithValues: (json["devices"] as? [[String: Any]] ?? []).map { ($0["device"] as? String ?? "", $0) })
        XCTAssertEqual(rows["my-f411-board"]?["latency_ms"] as? Double, rows["stm32f411re"]?["latency_ms"] as? Double)
        XCTAssertEqual(rows["my-f411-board"]?["flash_capacity_bytes"] as? Int, 524_288)
        XCTAssertEqual(rows["my-f411-board"]?["ram_capacity_bytes"] as? Int, 131_072)
    }

    /// fit's exit code: 1 when the model fits none of the devices asked for.
    func testFitExitCodes() throws {
        let model = SharedReference.examplesDirectory.appendingPathComponent("models/kws_dscnn_int8.tflite").path
        XCTAssertEqual(runCLI(["fit", model, "--device", "stm32f411re"]).code, 0)
        // A reserve that leaves no room: nothing fits.
        let none = runCLI(["fit", model, "--device", "stm32f411re", "--reserve", "ram=127KB", "--json"])
        XCTAssertEqual(none.code, 1, none.err)
        XCTAssertTrue(none.out.contains("\"fits\": false"), none.out)
        let unknown = runCLI(["fit", model, "--device", "stm32f411"])
        XCTAssertEqual(unknown.code, 2)
        XCTAssertTrue(unknown.err.contains("did you mean 'stm32f411re'"), unknown.err)
    }
}
