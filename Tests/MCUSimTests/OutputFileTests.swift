import Foundation
import TestSupport
import XCTest
@testable import Interpreter
@testable import MCUSim

/// Files the commands write: never over an input, only after everything is validated,
/// atomically (temporary file + rename), through symbolic links, and only to regular files;
/// a failure leaves nothing behind.
final class OutputFileTests: XCTestCase {
    var model: URL { SharedReference.examplesDirectory.appendingPathComponent("models/mnist_cnn_int8.tflite") }
    var input: URL { SharedReference.examplesDirectory.appendingPathComponent("models/mnist_cnn_int8.input.npy") }

    /// A directory with a copy of the model and its input.
    func workspace() throws -> URL {
        let dir = try SharedReference.temporaryDirectory()
        try FileManager.default.copyItem(at: model, to: dir.appendingPathComponent("m.tflite"))
        try FileManager.default.copyItem(at: input, to: dir.appendingPathComponent("in.npy"))
        return dir
    }

    func contents(_ dir: URL) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() }

    func testNoOutputReplacesAnInput() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = dir.appendingPathComponent("m.tflite").path
        let before = try Data(contentsOf: URL(fileURLWithPath: m))
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("alias.npy").path, withDestinationPath: "m.tflite")
        try FileManager.default.linkItem(atPath: m, toPath: dir.appendingPathComponent("hard.npy").path)
        let budget = dir.appendingPathComponent("budgets.json")
        try Data("{\"entries\": [{\"model\": \"m.tflite\", \"device\": \"nano33ble\"}]}".utf8).write(to: budget)
        let cases: [([String], String)] = [
            (["run", m, "--output", m], "is the model"),
            (["run", m, "--output", dir.appendingPathComponent("./m.tflite").path], "is the model"),
            (["run", m, "--output", dir.appendingPathComponent("alias.npy").path], "is the model"),
            (["run", m, "--output", dir.appendingPathComponent("hard.npy").path], "is the model"),
            (["run", m, "--input", dir.appendingPathComponent("in.npy").path, "--output", dir.appendingPathComponent("in.npy").path], "is an --input file"),
            (["report", m, "--device", "nano33ble", "--out", m], "is the model"),
            (["check", budget.path, "--junit", m], "is the model of entry"),
            (["check", budget.path, "--junit", budget.path], "is the budget file"),
        ]
        for (args, message) in cases {
            let result = runCLI(args)
            XCTAssertEqual(result.code, 2, "\(args): \(result.err)")
            XCTAssertTrue(result.err.contains(message) && result.err.contains("will not write over it"), "\(args): \(result.err)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: m)), before, "the model is untouched")
        XCTAssertEqual(try contents(dir), ["alias.npy", "budgets.json", "hard.npy", "in.npy", "m.tflite"])
    }

    /// Every option is checked before the first file is written: a bad --device, --opt,
    /// --reserve or --profiles leaves no --output and no --dump-tensors directory.
    func testRunValidatesEverythingBeforeWriting() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = dir.appendingPathComponent("m.tflite").path
        let writes = ["--output", dir.appendingPathComponent("out.npy").path, "--dump-tensors", dir.appendingPathComponent("dump/deeper").path]
        for extra in [["--device", "nosuch"], ["--device", "nano33ble", "--opt", "-O9"], ["--device", "nano33ble", "--reserve", "flash=lots"],
                      ["--device", "nano33ble", "--profiles", dir.appendingPathComponent("missing").path], ["--opt", "-O3"]] {
            let result = runCLI(["run", m] + writes + extra)
            XCTAssertEqual(result.code, 2, "\(extra): \(result.err)")
            XCTAssertEqual(try contents(dir), ["in.npy", "m.tflite"], "\(extra) left files behind")
        }
        // And with everything valid, both are written.
        let ok = runCLI(["run", m, "--device", "nano33ble"] + writes)
        XCTAssertEqual(ok.code, 0, ok.err)
        XCTAssertEqual(try contents(dir), ["dump", "in.npy", "m.tflite", "out.npy"])
        XCTAssertEqual(try contents(dir.appendingPathComponent("dump/deeper")).count, 8, "one file per operator output")
    }

    /// A write that fails once the run is under way (a name too long for the temporary file
    /// beside it) removes what was already staged, the dump directory made for it included,
    /// and leaves an existing output as it was.
    func testAFailedWriteLeavesNothingBehind() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = dir.appendingPathComponent("m.tflite").path
        let existing = dir.appendingPathComponent("first.npy")
        try Data("previous".utf8).write(to: existing)
        let long = dir.appendingPathComponent(String(repeating: "x", count: 240) + ".npy").path
        let result = runCLI(["run", m, "--dump-tensors", dir.appendingPathComponent("dump").path, "--output", long])
        XCTAssertEqual(result.code, 2, result.err)
        XCTAssertTrue(result.err.contains("cannot write"), result.err)
        XCTAssertEqual(try contents(dir), ["first.npy", "in.npy", "m.tflite"], "no dump directory, no temporary files")
        XCTAssertEqual(try Data(contentsOf: existing), Data("previous".utf8))
    }

    /// Replacing a file through a symbolic link replaces the link's target and keeps the link
    /// and the file's permissions; no temporary file is left.
    func testWritesFollowSymlinksAndAreAtomic() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = dir.appendingPathComponent("m.tflite").path
        let target = dir.appendingPathComponent("target.npy")
        try Data("old".utf8).write(to: target)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: target.path)
        let link = dir.appendingPathComponent("link.npy")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "target.npy")
        let report = dir.appendingPathComponent("report-link.html")
        try FileManager.default.createSymbolicLink(atPath: report.path, withDestinationPath: "report.html")

        XCTAssertEqual(runCLI(["run", m, "--output", link.path]).code, 0)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link.path), "target.npy", "still a link")
        XCTAssertEqual(try Npy.read(contentsOf: target).shape, [1, 10])
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: target.path)[.posixPermissions] as? NSNumber)?.intValue, 0o640)
        // A dangling link names the file it creates.
        XCTAssertEqual(runCLI(["report", m, "--device", "nano33ble", "--out", report.path]).code, 0)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: report.path), "report.html")
        XCTAssertTrue(try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8).hasPrefix("<!DOCTYPE html>"))
        XCTAssertEqual(try contents(dir), ["in.npy", "link.npy", "m.tflite", "report-link.html", "report.html", "target.npy"])
    }

    /// Devices, directories and FIFOs are refused before anything runs (as root, /dev/full
    /// would otherwise become a regular file).
    func testOnlyRegularFilesAreWritten() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = dir.appendingPathComponent("m.tflite").path
        let fifo = dir.appendingPathComponent("fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        for (destination, message) in [("/dev/null", "is not a regular file"), (dir.path, "is a directory"), (fifo, "is not a regular file"),
                                        (dir.appendingPathComponent("no/such/dir.npy").path, "no such directory")] {
            for args in [["run", m, "--output", destination], ["report", m, "--device", "nano33ble", "--out", destination]] {
                let result = runCLI(args)
                XCTAssertEqual(result.code, 2, "\(args): \(result.err)")
                XCTAssertTrue(result.err.contains(message), "\(args): \(result.err)")
            }
        }
        var s = stat()
        XCTAssertEqual(stat("/dev/null", &s), 0)
        XCTAssertEqual(s.st_mode & S_IFMT, S_IFCHR, "/dev/null is still a device")
    }
}
