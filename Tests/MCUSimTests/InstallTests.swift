import Foundation
import TestSupport
import XCTest
@testable import MCUSim

/// `make install-files` puts the binary in PREFIX/bin and the profiles in
/// PREFIX/share/mcusim/Profiles, where the installed binary finds them.
final class InstallTests: XCTestCase {
    /// The mcusim executable built beside this test bundle.
    func builtExecutable() -> URL? {
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("mcusim")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    func testInstalledBinaryFindsItsProfiles() throws {
        guard let make = Program.find("make") else { throw XCTSkip("make is not installed") }
        guard let binary = builtExecutable() else { throw XCTSkip("the mcusim executable was not found beside the test bundle") }
        let prefix = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: prefix) }
        let (status, output) = try run(make, ["-s", "install-files", "PREFIX=\(prefix.path)", "BIN=\(binary.path)"], in: SharedReference.packageRoot)
        XCTAssertEqual(status, 0, output)
        let installed = prefix.appendingPathComponent("bin/mcusim").path
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: installed))
        let profiles = try FileManager.default.contentsOfDirectory(atPath: prefix.appendingPathComponent("share/mcusim/Profiles").path).sorted()
        XCTAssertEqual(profiles, ["README.md", "nano33ble.json", "stm32f411re.json", "stm32f746zg.json"])
        // The measured kernel data the cost model reads (without it, costs fall back to generic estimates).
        XCTAssertTrue(FileManager.default.fileExists(atPath: prefix.appendingPathComponent("share/mcusim/kernel-counts.json").path))

        // Run from elsewhere: the bundled profiles are the installed ones.
        let (code, json) = try run(installed, ["devices", "--json"], in: FileManager.default.temporaryDirectory)
        XCTAssertEqual(code, 0, json)
        let devices = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["devices"] as? [[String: Any]])
        XCTAssertEqual(devices.count, 3)
        for device in devices {
            XCTAssertEqual(device["source"] as? String, "bundled")
            XCTAssertTrue((device["file"] as? String ?? "").hasPrefix(prefix.appendingPathComponent("share/mcusim/Profiles").standardizedFileURL.path),
                          "\(device["file"] ?? "")")
        }
        let (removed, text) = try run(make, ["-s", "uninstall", "PREFIX=\(prefix.path)"], in: SharedReference.packageRoot)
        XCTAssertEqual(removed, 0, text)
        XCTAssertFalse(FileManager.default.fileExists(atPath: installed))
        XCTAssertFalse(FileManager.default.fileExists(atPath: prefix.appendingPathComponent("share/mcusim").path))
    }
}
