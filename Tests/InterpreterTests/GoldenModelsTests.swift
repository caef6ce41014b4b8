import Foundation
import TestSupport
import XCTest
@testable import Interpreter

/// The headline checks: every golden model whose operators mcusim registers runs
/// byte-identical to TFLM in both kernel variants; its planned arena equals TFLM's
/// head; its tail, modelled for TFLM's 64-bit host build, equals TFLM's recorded tail
/// row by row. Models with an unregistered operator are counted and named, not hidden.
final class GoldenModelsTests: XCTestCase {
    struct Case {
        let name: String
        let entry: [String: Any]
        let modelDirectory: URL
        let goldenDirectory: URL
    }

    private func sharedCases() throws -> [Case] {
        try SharedReference.require()
        let zoo = try SharedReference.goldenModels(in: SharedReference.zooDirectory, modelDirectory: SharedReference.zooDirectory)
            .map { Case(name: $0.0, entry: $0.1, modelDirectory: $0.2, goldenDirectory: SharedReference.zooDirectory) }
        let real = try SharedReference.goldenModels(in: SharedReference.modelsGoldenDirectory, modelDirectory: SharedReference.modelsDirectory)
            .map { Case(name: $0.0, entry: $0.1, modelDirectory: $0.2, goldenDirectory: SharedReference.modelsGoldenDirectory) }
        return zoo + real
    }

    /// The project's own fixtures: converter-made (fixtures.json) and hand-built
    /// flatbuffers for what the converter cannot emit (handmade_fixtures.json,
    /// sequence_fixtures.json, requant_fixtures.json), all with TFLM goldens.
    private func fixtureCases() throws -> [Case] {
        var cases: [Case] = []
        for index in ["fixtures.json", "handmade_fixtures.json", "sequence_fixtures.json", "requant_fixtures.json"] {
            let url = SharedReference.fixturesDirectory.appendingPathComponent(index)
            guard FileManager.default.fileExists(atPath: url.path) else {
                XCTAssertNotEqual(index, "fixtures.json", "the main fixture index is missing")
                continue
            }
            let fixtures = try SharedReference.json(url)["fixtures"] as? [String: [String: Any]] ?? [:]
            cases += fixtures.keys.sorted().map {
                Case(name: $0, entry: fixtures[$0]!, modelDirectory: SharedReference.fixturesDirectory, goldenDirectory: SharedReference.fixturesDirectory)
            }
        }
        return cases
    }

    private func unregisteredOps(_ c: Case) throws -> [String] {
        let model = try Model(contentsOf: c.modelDirectory.appendingPathComponent("\(c.name).tflite"))
        return Set(model.subgraphs[0].operators.map(model.opName)).filter { !KernelRunner.isRegistered($0) }.sorted()
    }

    private func checkBitExact(_ cases: [Case], label: String) throws {
        var exact = 0
        var skipped: [String] = []
        var cmsisRefusals: [String] = []
        for c in cases {
            let missing = try unregisteredOps(c)
            guard missing.isEmpty else { skipped.append("\(c.name) (\(missing.joined(separator: ",")))"); continue }
            var ok = true
            let departure = try cmsisDeparture(c)
            for variant in KernelVariant.allCases {
                var invocations = c.entry["invocations"] as? [[String: Any]]
                if variant == .cmsisNN, let departure {
                    cmsisRefusals.append("\(c.name): \(departure.why)")
                    if departure.skip { continue }
                    invocations = invocations.map { Array($0.prefix(1)) }
                }
                let outcome: GoldenHarness.Outcome
                do {
                    outcome = try GoldenHarness.run(name: c.name, modelDirectory: c.modelDirectory, goldenDirectory: c.goldenDirectory,
                                                    variant: variant, invocations: invocations)
                } catch let refusal as UnsupportedOperatorError where variant == .cmsisNN {
                    // The goldens come from TFLM's reference kernels; a few variants exist
                    // there but not in TFLM's CMSIS-NN kernels, which refuse them (so do we).
                    cmsisRefusals.append("\(c.name): \(refusal)")
                    continue
                }
                for m in outcome.mismatches {
                    ok = false
                    XCTFail("\(label) \(c.name) [\(variant.rawValue)]: output \(m.output) differs from TFLM in \(m.differingBytes) of \(m.total) bytes")
                }
            }
            if ok { exact += 1 }
        }
        print("\(label): \(exact) of \(cases.count) models bit-exact with TFLM (both variants where TFLM's CMSIS-NN build runs them); "
              + "not runnable: \(skipped.isEmpty ? "none" : skipped.joined(separator: "; ")); "
              + "CMSIS-NN refusals and departures as in TFLM: \(cmsisRefusals.isEmpty ? "none" : cmsisRefusals.joined(separator: "; "))")
    }

    /// Where TFLM's CMSIS-NN build itself departs from the reference kernels that made
    /// the goldens (read from cmsis_nn/unidirectional_sequence_lstm.cc and svdf.cc):
    /// its integer LSTM starts every invoke from a zero state, so only the first of a
    /// sequence of invokes can match; its int8-state SVDF ignores the state's zero point.
    private func cmsisDeparture(_ c: Case) throws -> (skip: Bool, why: String)? {
        let model = try Model(contentsOf: c.modelDirectory.appendingPathComponent("\(c.name).tflite"))
        let subgraph = model.subgraphs[0]
        for op in subgraph.operators {
            let input = subgraph.tensors[Int(op.inputs[0])]
            switch model.opName(op) {
            case "UNIDIRECTIONAL_SEQUENCE_LSTM" where input.type != .float32:
                return (false, "CMSIS-NN integer LSTM keeps no state between invokes: first invoke compared")
            case "SVDF" where op.inputs.count > 4 && op.inputs[4] >= 0 && subgraph.tensors[Int(op.inputs[4])].type == .int8:
                return (true, "CMSIS-NN int8-state SVDF ignores the state's zero point: not compared")
            default: continue
            }
        }
        return nil
    }

    func testSharedGoldenModelsAreBitExact() throws {
        let cases = try sharedCases().filter { ($0.entry["tflm"] as? [String: Any])?["status"] as? String != "refused" }
        try checkBitExact(cases, label: "../shared goldens")
    }

    func testProjectFixturesAreBitExact() throws {
        try checkBitExact(try fixtureCases(), label: "project fixtures")
    }

    /// Planned bytes with the reference kernels equal TFLM's head; the 64-bit tail
    /// replay equals TFLM's recorded tail and breakdown.
    private func checkArena(_ cases: [Case], label: String) throws {
        var headMatches = 0
        var tailMatches = 0
        var checked = 0
        for c in cases {
            guard try unregisteredOps(c).isEmpty, let tflm = c.entry["tflm"] as? [String: Any],
                  let head = tflm["arena_head_bytes"] as? Int, let tail = tflm["arena_tail_bytes"] as? Int else { continue }
            checked += 1
            let model = try Model(contentsOf: c.modelDirectory.appendingPathComponent("\(c.name).tflite"))
            let host = try MicroInterpreter(model: model, options: InterpreterOptions(variant: .reference, pointerSize: 8))
            XCTAssertEqual(host.arenaUsage.plannedBytes, head, "\(label) \(c.name): planned (head) bytes")
            XCTAssertEqual(host.arenaUsage.persistentBytes, tail, "\(label) \(c.name): tail bytes on the 64-bit host build")
            if host.arenaUsage.plannedBytes == head { headMatches += 1 }
            if host.arenaUsage.persistentBytes == tail { tailMatches += 1 }
            // Breakdown rows: golden.json has a list; fixtures.json a map of [used, requested, count].
            var golden: [String: (Int, Int, Int)] = [:]
            if let rows = tflm["arena_breakdown"] as? [[String: Any]] {
                for r in rows { golden[r["what"] as? String ?? ""] = (r["used"] as? Int ?? -1, r["requested"] as? Int ?? -1, r["count"] as? Int ?? -1) }
            } else if let rows = tflm["persistent"] as? [String: [Int]] {
                for (k, v) in rows where v.count == 3 { golden[k] = (v[0], v[1], v[2]) }
            }
            for row in host.arenaUsage.persistent.rows {
                guard let g = golden[row.what] else { XCTFail("\(label) \(c.name): TFLM has no '\(row.what)' row"); continue }
                XCTAssertEqual(row.count, g.2, "\(label) \(c.name): '\(row.what)' count")
                XCTAssertEqual(row.requested, g.1, "\(label) \(c.name): '\(row.what)' requested")
                XCTAssertEqual(row.used, g.0, "\(label) \(c.name): '\(row.what)' used")
            }
            XCTAssertEqual(Set(host.arenaUsage.persistent.rows.map(\.what)), Set(golden.keys), "\(label) \(c.name): breakdown kinds")
        }
        print("\(label): planned bytes equal TFLM's head for \(headMatches) of \(checked); 64-bit tail equal for \(tailMatches) of \(checked)")
    }

    func testSharedArenaMatchesTFLM() throws {
        try checkArena(try sharedCases(), label: "../shared goldens")
    }

    func testProjectFixtureArenaMatchesTFLM() throws {
        try checkArena(try fixtureCases(), label: "project fixtures")
    }

    /// TFLM refuses the hybrid KWS model in CONV_2D Prepare; so must mcusim.
    func testHybridModelIsRefused() throws {
        try SharedReference.require()
        let model = try Model(contentsOf: SharedReference.modelsDirectory.appendingPathComponent("mlperf_kws_dscnn_float32.tflite"))
        XCTAssertThrowsError(try MicroInterpreter(model: model)) { error in
            guard let e = error as? UnsupportedOperatorError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.op, "CONV_2D")
            XCTAssertEqual(e.operatorIndex, 0)
        }
    }
}
