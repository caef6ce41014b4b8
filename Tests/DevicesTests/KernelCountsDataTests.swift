import Foundation
import XCTest
@testable import Devices

/// The measured kernel data file and its expression language (KernelCountsData.swift): the evaluator
/// against hand-computed cases, and the whole file against the worked examples the harness's Python
/// evaluator wrote into it (Scripts/measure-kernels).
final class KernelCountsDataTests: XCTestCase {
    private func value(_ text: String, _ env: [String: Int] = [:], file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        try KernelExpression.parse(text).evaluate(env)
    }

    func testArithmeticFloorsAndPrecedence() throws {
        XCTAssertEqual(try value("7/2"), 3)
        XCTAssertEqual(try value("-7/2"), -4)
        XCTAssertEqual(try value("7/-2"), -4)
        XCTAssertEqual(try value("-7%3"), 2)
        XCTAssertEqual(try value("7%-3"), -2)
        XCTAssertEqual(try value("1 + 2*3 - 4/2"), 5)
        XCTAssertEqual(try value("(1 + 2)*3"), 9)
        XCTAssertEqual(try value("-(2 - 5)*-1"), -3)
        XCTAssertEqual(try value("2 < 3 && 3 <= 3 && !(4 == 5) && 4 != 5"), 1)
        XCTAssertEqual(try value("0 || 0 >= 1"), 0)
        XCTAssertEqual(try value("c%16/4", ["c": 47]), 3)
    }

    func testFunctions() throws {
        XCTAssertEqual(try value("min(3, 1, 2) + max(4, 9)"), 10)
        XCTAssertEqual(try value("if(x > 2, 10, 20)", ["x": 3]), 10)
        // Only the chosen branch is evaluated.
        XCTAssertEqual(try value("if(0, 1/0, 5)"), 5)
        XCTAssertEqual(try value("sum(i, 4, i*i)"), 14)
        XCTAssertEqual(try value("sum(i, 0 - 3, 1)"), 0)
        // The index is bound inside the body only and shadows nothing outside.
        XCTAssertEqual(try value("sum(oy, n, oy*s) + oy", ["n": 3, "s": 2, "oy": 100]), 106)
        XCTAssertEqual(try KernelExpression.parse("sum(oy, output_h, oy*stride_h - pad_h < 0)").freeNames,
                       ["output_h", "stride_h", "pad_h"])
    }

    func testErrorsAreThrownNotTrapped() {
        XCTAssertThrowsError(try value("1/0")) { XCTAssertEqual($0 as? KernelExpression.EvaluationError, .divisionByZero) }
        XCTAssertThrowsError(try value("3%0"))
        XCTAssertThrowsError(try value("9223372036854775807 + 1")) { XCTAssertEqual($0 as? KernelExpression.EvaluationError, .overflow) }
        XCTAssertThrowsError(try value("-9223372036854775807 - 2"))
        XCTAssertThrowsError(try value("input_c * 2")) { XCTAssertEqual($0 as? KernelExpression.EvaluationError, .unknownVariable("input_c")) }
        XCTAssertThrowsError(try value("sum(i, 2000000, 1)"))
        // Nested sums share one budget (2^22 iterations): 4096 x 4096 stops instead of running 16 million steps.
        XCTAssertEqual(try value("sum(i, 1024, sum(j, 1024, 1))"), 1 << 20)
        XCTAssertThrowsError(try value("sum(i, 4096, sum(j, 4096, 1))")) {
            guard case .sumTooLong? = $0 as? KernelExpression.EvaluationError else { return XCTFail("\($0)") }
        }
        for bad in ["1 +", "(1", "min()", "sum(3, 2, 1)", "if(1, 2)", "max", "foo(1)", "1 $ 2", "99999999999999999999"] {
            XCTAssertThrowsError(try KernelExpression.parse(bad), bad)
        }
    }

    private func dataFile() throws -> KernelCountsFile {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        directory = directory.deletingLastPathComponent().deletingLastPathComponent()
        let url = directory.appendingPathComponent("Sources/Devices/Resources/kernel-counts.json")
        return try KernelCountsFile.load(from: url)
    }

    func testDataFileLoadsWithProvenance() throws {
        let file = try dataFile()
        XCTAssertEqual(file.builds, ["m4-Os", "m4-O2", "m4-O3", "m7-Os", "m7-O2", "m7-O3"])
        XCTAssertEqual(file.validationProblems(), [])
        for source in ["cmsis_nn", "tflm"] {
            let commit = try XCTUnwrap(file.provenance.sources[source]?.commit)
            XCTAssertEqual(commit.count, 40, source)
        }
        XCTAssertTrue(file.provenance.compiler.contains("arm-none-eabi-gcc"))
        XCTAssertGreaterThan(file.kernels.count, 40)
        // Cortex-M7 builds carry simulated cycles for every term that issues instructions; M4 builds none.
        for k in file.kernels {
            for t in k.terms {
                for b in file.builds {
                    let mix = try XCTUnwrap(t.mix(build: b), "\(k.key) \(t.name) \(b)")
                    if b.hasPrefix("m4") { XCTAssertNil(mix.m7Cycles, "\(k.key) \(t.name) \(b)") }
                }
            }
        }
        // One hand-checked fact per family: the 16-column loop of arm_nn_mat_mult_nt_t_s8 does 32 SMLAD.
        let fast = try XCTUnwrap(file.kernel("arm_convolve_1x1_s8_fast"))
        let main16 = try XCTUnwrap(fast.terms.first { $0.name == "main16" })
        XCTAssertEqual(main16.mix(build: "m4-O2")?.mac, 32)
        XCTAssertEqual(main16.mix(build: "m4-O2")?.simd, 32)
    }

    /// Every kernel's worked examples: derived variables, trip counts, weight walk, activation passes,
    /// selection and library calls evaluated here equal what the harness's Python evaluator wrote.
    func testWorkedExamplesMatchThePythonEvaluator() throws {
        let file = try dataFile()
        var checked = 0
        for k in file.kernels {
            XCTAssertFalse(k.examples.isEmpty, k.key)
            for example in k.examples {
                let env = try k.environment(example.variables)
                for (name, expected) in example.derived { XCTAssertEqual(env[name], expected, "\(k.key) derived \(name)") }
                let trips = try k.trips(env)
                for (t, value) in zip(k.terms, trips) { XCTAssertEqual(value, example.trips[t.name], "\(k.key) \(t.name)") }
                XCTAssertEqual(try KernelExpression.parse(k.activationPasses).evaluate(env), example.activationPasses, k.key)
                XCTAssertEqual(try KernelExpression.parse(k.when).evaluate(env), example.when, k.key)
                if let w = k.weightWalk, let expected = example.weightWalk {
                    XCTAssertEqual(try KernelExpression.parse(w.workingSetBytes).evaluate(env), expected["working_set_bytes"], k.key)
                    XCTAssertEqual(try KernelExpression.parse(w.passes).evaluate(env), expected["passes"], k.key)
                    XCTAssertEqual(try KernelExpression.parse(w.bytesPerAccess).evaluate(env), expected["bytes_per_access"], k.key)
                }
                var calls: [(String, Int, [String: Int], Int?)] = []
                for c in k.libraryCalls {
                    var indices: [Int?] = [nil]
                    if let index = c.index {
                        let count = try KernelExpression.parse(index.count).evaluate(env)
                        indices = (0..<max(0, count)).map { Optional($0) }
                    }
                    for i in indices {
                        var e = env
                        if let i, let index = c.index { e[index.name] = i }
                        let n = try KernelExpression.parse(c.calls).evaluate(e)
                        if n == 0 { continue }
                        var vars: [String: Int] = [:]
                        for (name, text) in c.variables { vars[name] = try KernelExpression.parse(text).evaluate(e) }
                        calls.append((c.function, n, vars, i))
                    }
                }
                let expected = example.libraryCalls ?? []
                XCTAssertEqual(calls.count, expected.count, k.key)
                for (got, want) in zip(calls, expected) {
                    XCTAssertEqual(got.0, want.function, k.key)
                    XCTAssertEqual(got.1, want.calls, k.key)
                    XCTAssertEqual(got.2, want.variables, k.key)
                    XCTAssertEqual(got.3, want.index, k.key)
                }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 100)
    }
}
