import Foundation
import TestSupport
import XCTest
@testable import MCUSim

/// Profiles the commands cannot use, made by the test in a temporary `--profiles` folder:
/// each fails the command that selects it with a one-line error naming the file and field
/// (exit 3 for a core or -O level without data, 2 for a broken file), never a trap, and
/// leaves the commands that do not select it alone.
final class ProfileErrorTests: XCTestCase {
    private var model: String { SharedReference.examplesDirectory.appendingPathComponent("models/mnist_cnn_int8.tflite").path }

    private func f411Text() throws -> String {
        try String(contentsOf: SharedReference.packageRoot.appendingPathComponent("Profiles/stm32f411re.json"), encoding: .utf8)
    }

    /// A folder holding the F411 profile with `id` and one substitution applied, as `<id>.json`.
    private func folder(_ profiles: [(id: String, old: String, new: String)]) throws -> URL {
        let directory = try SharedReference.temporaryDirectory()
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        for p in profiles {
            let base = try f411Text()
            XCTAssertTrue(base.contains(p.old), p.old)
            let text = base.replacingOccurrences(of: "\"id\": \"stm32f411re\"", with: "\"id\": \"\(p.id)\"")
                .replacingOccurrences(of: p.old, with: p.new)
            try Data(text.utf8).write(to: directory.appendingPathComponent("\(p.id).json"))
        }
        return directory
    }

    private func assertOneLineError(_ result: CLIResult, code: Int32, file: URL, contains text: String,
                                    line: UInt = #line) {
        XCTAssertEqual(result.code, code, result.err, line: line)
        XCTAssertTrue(result.err.hasPrefix("mcusim: error: \(file.path): "), result.err, line: line)
        XCTAssertTrue(result.err.contains(text), result.err, line: line)
        XCTAssertEqual(result.err.filter { $0 == "\n" }.count, 1, "one line: \(result.err)", line: line)
    }

    func testUnsupportedCoresFailWithTheSupportedOnesNamed() throws {
        let dir = try folder([("m0", "\"core\": \"cortex-m4\"", "\"core\": \"cortex-m0plus\""),
                              ("m33", "\"core\": \"cortex-m4\"", "\"core\": \"cortex-m33\"")])
        for (id, core) in [("m0", "cortex-m0plus"), ("m33", "cortex-m33")] {
            let result = runCLI(["fit", model, "--device", id, "--profiles", dir.path])
            assertOneLineError(result, code: 3, file: dir.appendingPathComponent("\(id).json"),
                               contains: "field 'core': unsupported core \"\(core)\"; mcusim models cortex-m4, cortex-m7")
        }
    }

    func testProfileAskingForO0IsRefusedNotCostedAsO2() throws {
        let dir = try folder([("o0", "\"opt\": \"-O2\"", "\"opt\": \"-O0\""), ("og", "\"opt\": \"-O2\"", "\"opt\": \"-Og\"")])
        for id in ["o0", "og"] {
            let result = runCLI(["run", model, "--device", id, "--profiles", dir.path])
            assertOneLineError(result, code: 3, file: dir.appendingPathComponent("\(id).json"),
                               contains: "field 'toolchain.opt': no measured kernel data for")
            XCTAssertTrue(result.err.hasSuffix("supported levels: -Os, -O2, -O3\n"), result.err)
        }
    }

    func testOneBadProfileAmongGoodOnes() throws {
        let dir = try folder([("good", "\"run_current_ma\": 22.5", "\"run_current_ma\": 22.5"),
                              ("bad", "\"wait_states\": 3", "\"wait_states\": 99")])
        let bad = dir.appendingPathComponent("bad.json")

        // devices lists it as invalid, with its error, and lists the rest.
        let devices = runCLI(["devices", "--profiles", dir.path])
        XCTAssertEqual(devices.code, 0, devices.err)
        XCTAssertTrue(devices.out.contains("good "), devices.out)
        XCTAssertTrue(devices.out.contains("  bad (--profiles): \(bad.path): field 'flash.wait_states': 99 is outside the physical range 0...15"),
                      devices.out)
        let listed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(runCLI(["devices", "--profiles", dir.path, "--json"]).out.utf8)) as? [String: Any])
        let invalid = try XCTUnwrap(listed["invalid"] as? [[String: Any]])
        XCTAssertEqual(invalid.map { $0["id"] as? String }, ["bad"])
        XCTAssertEqual(invalid.first?["exit_code"] as? Int, 2)

        // A command that does not select it runs; fit over every device skips it and says so.
        XCTAssertEqual(runCLI(["fit", model, "--device", "good", "--profiles", dir.path]).code, 0)
        let all = runCLI(["fit", model, "--profiles", dir.path, "--json"])
        XCTAssertEqual(all.code, 0, all.err)
        XCTAssertTrue(all.err.contains("mcusim: note: skipped invalid profile 'bad': \(bad.path): field 'flash.wait_states'"), all.err)
        let fit = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(all.out.utf8)) as? [String: Any])
        XCTAssertEqual(Set((fit["devices"] as? [[String: Any]] ?? []).compactMap { $0["device"] as? String }),
                       ["good", "nano33ble", "stm32f411re", "stm32f746zg"])
        XCTAssertEqual((fit["skipped_profiles"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, ["bad"])

        // A command that selects it fails with that error.
        assertOneLineError(runCLI(["fit", model, "--device", "bad", "--profiles", dir.path]), code: 2, file: bad,
                           contains: "field 'flash.wait_states': 99 is outside the physical range 0...15")
    }

    /// A cache size near Int.max used to pass validation and trap in the cost model: now every
    /// command that costs the profile stops at load with the field.
    func testHugeCacheSizeFailsEveryCommandCleanly() throws {
        let dir = try folder([("huge", "\"dcache_bytes\": 128", "\"dcache_bytes\": 9223372036854775000"),
                              ("large", "\"dcache_bytes\": 128", "\"dcache_bytes\": 1099511627776")])
        let out = dir.appendingPathComponent("report.html").path
        for id in ["huge", "large"] {
            let file = dir.appendingPathComponent("\(id).json")
            let budget = dir.appendingPathComponent("budget-\(id).json")
            try Data("{\"entries\": [{\"model\": \"\(model)\", \"device\": \"\(id)\"}]}".utf8).write(to: budget)
            for args in [["fit", model, "--device", id], ["run", model, "--device", id],
                         ["report", model, "--device", id, "--out", out], ["check", budget.path]] {
                assertOneLineError(runCLI(args + ["--profiles", dir.path]), code: 2, file: file,
                                   contains: "field 'flash.accelerator.dcache_bytes': ")
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "no report written")
    }

    func testOversizedProfileIsRefusedWithAClearMessage() throws {
        let dir = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("big.json")
        // 2 MiB of a valid profile's text padded with spaces (the limit is 1 MiB).
        try Data((try f411Text() + String(repeating: " ", count: 2 << 20)).utf8).write(to: file)
        // Unread, its id is unknown: the file's name stands for it.
        assertOneLineError(runCLI(["fit", model, "--device", "big", "--profiles", dir.path]), code: 2, file: file,
                           contains: "larger than 1048576 bytes (1 MiB), the most a profile may be")
    }

    func testDuplicateKeyInAProfileIsRefusedWithItsPath() throws {
        let dir = try folder([("dup", "\"wait_states\": 3,", "\"wait_states\": 3,\n    \"wait_states\": 0,")])
        assertOneLineError(runCLI(["fit", model, "--device", "dup", "--profiles", dir.path]), code: 2,
                           file: dir.appendingPathComponent("dup.json"), contains: "field 'flash.wait_states': duplicate key \"wait_states\" (line ")
    }
}
