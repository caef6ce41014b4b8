import Foundation
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
        try Paths.requireShared()
        let result = runCLI(["inspect", Paths.sharedModels.appendingPathComponent("mlperf_kws_dscnn_int8.tflite").path, "--json"])
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
        try Paths.requireShared()
        // The zoo's 80%-pruned MNIST CNN: kernels pruned to exactly 80% zeros (README).
        let result = runCLI(["inspect", Paths.zoo.appendingPathComponent("mnist_cnn_pruned80_int8.tflite").path, "--json"])
        XCTAssertEqual(result.code, 0, result.err)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        let weights = try XCTUnwrap(json["weights"] as? [[String: Any]])
        let big = weights.filter { ($0["elements"] as? Int ?? 0) >= 1000 }
        XCTAssertFalse(big.isEmpty)
        for w in big {
            XCTAssertEqual(w["zero_fraction"] as? Double ?? 0, 0.8, accuracy: 0.01, "\(w["name"] ?? "")")
        }
    }
}
