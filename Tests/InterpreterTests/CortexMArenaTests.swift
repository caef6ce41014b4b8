import Foundation
import TestSupport
import XCTest
@testable import Interpreter

/// mcusim's 32-bit arena against TFLM built for a Cortex-M4 with arm-none-eabi-gcc and run
/// under QEMU (Scripts/tflm-cortexm; the figures are Tests/Fixtures/cortexm/arena.json).
/// The measured tree is TFLM 90b983c (the goldens' 8f6596d was not available to build);
/// PersistentLayout.cortexM follows it (see fullyConnectedQuantizationSpec).
/// Models under ../shared are skipped when it is absent; the project's own fixtures and
/// examples are always checked.
final class CortexMArenaTests: XCTestCase {
    static let core = "m4"

    struct Recorded {
        let name: String
        let url: URL
        let sha256: String
        let runs: [String: [String: Any]]
    }

    static func recorded() throws -> (models: [Recorded], skipped: [String]) {
        let url = SharedReference.packageRoot.appendingPathComponent("Tests/Fixtures/cortexm/arena.json")
        let models = try SharedReference.json(url)["models"] as? [String: [String: Any]] ?? [:]
        var out: [Recorded] = [], skipped: [String] = []
        for name in models.keys.sorted() {
            guard let entry = models[name], let group = entry["group"] as? String,
                  let sha = entry["sha256"] as? String, let runs = entry["runs"] as? [String: [String: Any]] else { continue }
            let directory: URL
            switch group {
            case "shared": directory = SharedReference.modelsDirectory
            case "zoo": directory = SharedReference.zooDirectory
            case "fixtures": directory = SharedReference.fixturesDirectory
            case "examples": directory = SharedReference.packageRoot.appendingPathComponent("Examples/models")
            default: continue
            }
            let file = directory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: file.path) else {
                if group == "shared" || group == "zoo" { skipped.append(name); continue }
                throw NSError(domain: "CortexMArenaTests", code: 1,
                              userInfo: [NSLocalizedDescriptionKey: "\(file.path) is recorded in arena.json but missing"])
            }
            out.append(Recorded(name: name, url: file, sha256: sha, runs: runs))
        }
        return (out, skipped)
    }

    private func usage(_ record: Recorded, _ variant: KernelVariant, layout: PersistentLayout = .cortexM) throws -> ArenaUsage {
        let data = try Data(contentsOf: record.url)
        XCTAssertEqual(SHA256.hex(of: data), record.sha256, "\(record.name): the file differs from the one measured; rerun Scripts/tflm-cortexm")
        let model = try Model(contentsOf: record.url)
        return try MicroInterpreter(model: model, options: InterpreterOptions(variant: variant, layout: layout)).arenaUsage
    }

    /// arena.total_bytes (head + tail) equals TFLM's arena_used_bytes() on the Cortex-M4,
    /// for every recorded model TFLM runs, in both kernel variants; head and tail separately too.
    func testTotalBytesEqualsCortexM4ArenaUsedBytes() throws {
        let (models, skipped) = try Self.recorded()
        var compared = 0
        for record in models {
            for variant in KernelVariant.allCases {
                guard let run = record.runs["\(Self.core)/\(variant.rawValue)"],
                      let expected = run["arena_used_bytes"] as? Int else { continue }
                do {
                    let arena = try usage(record, variant)
                    XCTAssertEqual(arena.totalBytes, expected, "\(record.name) \(variant.rawValue): total_bytes")
                    XCTAssertEqual(arena.plannedBytes, run["head_bytes"] as? Int, "\(record.name) \(variant.rawValue): head")
                    XCTAssertEqual(arena.persistentBytes, run["tail_bytes"] as? Int, "\(record.name) \(variant.rawValue): tail")
                    compared += 1
                } catch {
                    XCTFail("\(record.name) \(variant.rawValue): mcusim rejects a model TFLM runs: \(error)")
                }
            }
        }
        print("Cortex-M4 arena: \(compared) model/variant pairs compared"
              + (skipped.isEmpty ? "" : "; \(skipped.count) models under ../shared absent, skipped"))
        XCTAssertGreaterThan(compared, 0)
    }

    /// working_minimum_bytes against the smallest arena (16-byte steps) with which
    /// AllocateTensors and Invoke succeed on the Cortex-M4, model by model.
    func testWorkingMinimumEqualsCortexM4MinimumArena() throws {
        let (models, _) = try Self.recorded()
        var compared = 0, equal = 0
        var differing: [String] = []
        for record in models {
            for variant in KernelVariant.allCases {
                guard let run = record.runs["\(Self.core)/\(variant.rawValue)"],
                      let expected = run["min_arena_bytes"] as? Int else { continue }
                let key = "\(record.name) \(variant.rawValue)"
                let got = try usage(record, variant).workingMinimumBytes
                compared += 1
                if got == expected { equal += 1; continue }
                differing.append("\(key): mcusim \(got), TFLM \(expected)")
            }
        }
        print("Cortex-M4 minimum arena: \(equal) of \(compared) model/variant pairs equal working_minimum_bytes")
        XCTAssertEqual(differing, [], "working minimum differs from the Cortex-M4 minimum arena")
        XCTAssertGreaterThan(compared, 0)
    }
}
