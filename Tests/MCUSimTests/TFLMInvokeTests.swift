import Foundation
import TestSupport
import XCTest
@testable import MCUSim

/// mcusim's instruction counts against the instructions TFLM executed in one traced Invoke of its real
/// Cortex-M build (Tests/Fixtures/cortexm/invoke.json, Scripts/tflm-cortexm `invoke`). The models in the
/// repository always run; ../shared's models and zoo when present. TFLM's Makefile builds kernels at -O2,
/// so mcusim runs with --opt -O2: stm32f411re for the Cortex-M4 build, stm32f746zg for the M7.
final class TFLMInvokeTests: XCTestCase {
    private struct Case {
        let file: String
        let url: URL
        let record: [String: Any]
    }

    private static let devices = ["m4/cmsis-nn": "stm32f411re", "m7/cmsis-nn": "stm32f746zg"]

    /// Kernels whose instruction count depends on the data, measured on random data by the kernel
    /// harness and on the model's real data here: SOFTMAX exponentiates only the elements within
    /// diff_min of the row's maximum (a trained classifier's output has few).
    private static let dataDependent: Set<String> = ["arm_softmax_s8", "arm_softmax_s16"]

    /// Operators whose Eval does shape-dependent work outside the kernel: BATCH_MATMUL transposes a
    /// non-adjoint rhs itself before arm_batch_matmul_s8 (1,241 and 1,538 instructions on the two traced
    /// models); the cost model charges the median instance and says the range.
    private static let evalWithLoops: Set<String> = ["BATCH_MATMUL"]

    /// Reference operators whose kernel only copies: their dispatch is checked with their memcpy as the kernel.
    private static let copyOperators: Set<String> = ["RESHAPE", "SQUEEZE", "EXPAND_DIMS"]

    /// Reference kernels whose instruction count depends on the data: float SOFTMAX's expf takes a path by
    /// its argument; LOGISTIC and TANH saturate beyond their input range.
    private static let dataDependentReference: Set<String> = ["SOFTMAX", "LOGISTIC", "TANH"]

    /// The largest |error| of one reference kernel's instructions against TFLM's on the M4: the harness
    /// measures the kernel inlined into its own shim, TFLM inlines it into the Eval, and the two
    /// compilations differ (float DEPTHWISE_CONV_2D -21%: TFLM's Eval spills registers in the inner
    /// loop; float CONCATENATION +32% on a 553-instruction operator: memcpy alignment is approximate).
    private static let referenceTolerance = 0.35

    private func cases() throws -> [Case] {
        let invoke = try SharedReference.json(SharedReference.packageRoot.appendingPathComponent("Tests/Fixtures/cortexm/invoke.json"))
        let models = try XCTUnwrap(invoke["models"] as? [String: [String: Any]])
        let folders: [String: URL] = [
            "fixtures": SharedReference.fixturesDirectory, "examples": SharedReference.examplesDirectory.appendingPathComponent("models"),
            "shared": SharedReference.modelsDirectory, "zoo": SharedReference.zooDirectory,
        ]
        return models.keys.sorted().compactMap { file in
            guard let record = models[file], let group = record["group"] as? String, let folder = folders[group] else { return nil }
            let url = folder.appendingPathComponent(file)
            return FileManager.default.fileExists(atPath: url.path) ? Case(file: file, url: url, record: record) : nil
        }
    }

    private func number(_ any: Any?) -> Double { (any as? NSNumber)?.doubleValue ?? 0 }

    func testDispatchAndKernelInstructionsAgainstTFLM() throws {
        let all = try cases()
        XCTAssertGreaterThanOrEqual(all.filter { ["fixtures", "examples"].contains($0.record["group"] as? String) }.count, 100,
                                    "the repository's own models are in invoke.json")
        var kernelErrors: [Double] = [], referenceErrors: [Double] = []
        var dispatchChecked = 0, referenceDispatchChecked = 0
        for c in all {
            for (config, device) in Self.devices {
                guard let run = (c.record["runs"] as? [String: Any])?[config] as? [String: Any],
                      let traced = run["operators"] as? [[String: Any]] else { continue }
                let result = runCLI(["run", c.url.path, "--device", device, "--opt", "-O2", "--json"])
                XCTAssertEqual(result.code, 0, "\(c.file): \(result.err)")
                guard result.code == 0,
                      let json = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any],
                      let operators = json["operators"] as? [[String: Any]] else { continue }
                XCTAssertEqual(operators.count, traced.count, c.file)
                for (op, t) in zip(operators, traced) {
                    let kernel = op["kernel"] as? String ?? "?"
                    let calls = t["kernel_calls"] as? [String] ?? []
                    let context = "\(c.file) \(config) operator \(op["index"] ?? "?") \(op["op"] ?? "?")"
                    let terms = op["cost_terms"] as? [[String: Any]] ?? []
                    let dispatch = try XCTUnwrap(terms.first { $0["name"] as? String == "TFLM operator dispatch" }, context)
                    let tracedDispatch = number(t["outside_instructions"]) + number(t["library_instructions"]) + number(t["graph_instructions"])
                    if let function = calls.first {
                        // TFLM called the kernel function mcusim reports, and its dispatch is the measured one.
                        XCTAssertEqual(kernel, function, context)
                        XCTAssertEqual(dispatch["basis"] as? String, "measured", context)
                        // Each key's entry is its median instance; the others lie within its recorded range, which
                        // is narrow (the Eval's code outside the kernel does not depend on the shapes).
                        if !Self.evalWithLoops.contains(op["op"] as? String ?? "") {
                            XCTAssertEqual(number(dispatch["instructions"]), tracedDispatch, accuracy: max(16, 0.05 * tracedDispatch), context)
                        }
                        dispatchChecked += 1
                        guard op["estimated"] as? Bool == false, !Self.dataDependent.contains(function) else { continue }
                        let predicted = number(op["instructions"]) - number(dispatch["instructions"])
                        let measured = number(t["kernel_instructions"])
                        let error = (predicted - measured) / measured
                        kernelErrors.append(abs(error))
                        XCTAssertLessThan(abs(error), 0.15, "\(context) \(function): mcusim \(Int(predicted)), TFLM \(Int(measured))")
                    } else if let reference = (t["reference_calls"] as? [String])?.first, dispatch["basis"] as? String == "measured",
                              !Self.copyOperators.contains(op["op"] as? String ?? "") {
                        // A reference kernel the trace found (inlined or called): the dispatch around it is the
                        // measured one, and mcusim's measured loops against what TFLM executed inside it.
                        XCTAssertTrue(kernel.hasPrefix("reference"), "\(context): \(kernel) for \(reference)")
                        XCTAssertEqual(number(dispatch["instructions"]), tracedDispatch, accuracy: max(16, 0.05 * tracedDispatch), context)
                        referenceDispatchChecked += 1
                        // The kernel itself on the M4 only: TFLM's cortex-m7+fp build has a double-precision FPU
                        // where the STM32F746 (and the kernel data) has a single-precision one, which changes the
                        // kernels that compute in double (DEQUANTIZE's scale, float SOFTMAX).
                        guard config == "m4/cmsis-nn", !Self.dataDependentReference.contains(op["op"] as? String ?? "") else { continue }
                        let predicted = number(op["instructions"]) - number(dispatch["instructions"])
                        let measured = number(t["reference_instructions"])
                        let error = (predicted - measured) / measured
                        referenceErrors.append(abs(error))
                        XCTAssertLessThan(abs(error), Self.referenceTolerance, "\(context) \(reference): mcusim \(Int(predicted)), TFLM \(Int(measured))")
                    }
                }
            }
        }
        XCTAssertGreaterThan(dispatchChecked, 200)
        let sorted = kernelErrors.sorted()
        let median = sorted.isEmpty ? 1 : sorted[sorted.count / 2]
        XCTAssertLessThan(median, 0.01, "median |error| of the CMSIS-NN kernels' instructions")
        if all.contains(where: { $0.record["group"] as? String == "zoo" }) {
            XCTAssertGreaterThan(referenceDispatchChecked, 50)
        }
        let referenceSorted = referenceErrors.sorted()
        if !referenceSorted.isEmpty {
            XCTAssertLessThan(referenceSorted[referenceSorted.count / 2], 0.05, "median |error| of the reference kernels' instructions")
        }
    }
}
