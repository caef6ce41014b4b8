import Foundation
import XCTest
@testable import Interpreter

/// The Core group's kernels (FULLY_CONNECTED, AVERAGE_POOL_2D, MAX_POOL_2D, ADD,
/// RESHAPE, SOFTMAX) against TFLM's golden outputs, plus hand-computed cases for
/// the arithmetic that is easy to get wrong.
final class CoreKernelTests: XCTestCase {
    static let coreOps: Set<String> = ["FULLY_CONNECTED", "AVERAGE_POOL_2D", "MAX_POOL_2D", "ADD", "RESHAPE", "SOFTMAX"]

    /// Golden models (zoo and real models) whose operators are all registered and
    /// include at least one Core operator.
    private func runnableGoldenModels() throws -> [(name: String, directory: URL, golden: URL)] {
        var result: [(String, URL, URL)] = []
        for (goldenDirectory, modelDirectory) in [(SharedReference.zooDirectory, SharedReference.zooDirectory),
                                                  (SharedReference.modelsGoldenDirectory, SharedReference.modelsDirectory)] {
            for (name, entry, directory) in try SharedReference.goldenModels(in: goldenDirectory, modelDirectory: modelDirectory) {
                let ops = (entry["ops"] as? [[String: Any]] ?? []).compactMap { $0["op"] as? String }
                guard (entry["tflm"] as? [String: Any])?["status"] as? String == "ok",
                      !ops.isEmpty, ops.allSatisfy(KernelRegistry.isRegistered),
                      ops.contains(where: Self.coreOps.contains) else { continue }
                result.append((name, directory, goldenDirectory))
            }
        }
        return result
    }

    func testGoldenModelsAreBitExactInBothVariants() throws {
        try SharedReference.require()
        let models = try runnableGoldenModels()
        var exact: [String] = []
        for (name, directory, golden) in models {
            for variant in KernelVariant.allCases {
                let outcome = try GoldenHarness.run(name: name, modelDirectory: directory, goldenDirectory: golden, variant: variant)
                for m in outcome.mismatches {
                    XCTFail("\(name) [\(variant.rawValue)]: output \(m.output) differs from TFLM in \(m.differingBytes) of \(m.total) bytes")
                }
                if outcome.bitExact { exact.append("\(name)[\(variant.rawValue)]") }
            }
        }
        print("Core golden models bit-exact: \(exact.count) of \(models.count * 2): \(exact.joined(separator: ", "))")
        // The models that need only Core operators must always be among them.
        for required in ["op_fc_relu", "op_fc_none_per_tensor", "tflm_hello_world_int8", "mlperf_ad_autoencoder_int8",
                         "mlperf_ad_autoencoder_fp32"] {
            XCTAssertTrue(models.contains { $0.name == required }, "\(required) should run with the Core kernels")
        }
    }
}
