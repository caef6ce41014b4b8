import Foundation
import TestSupport
import XCTest
@testable import MCUSim

/// Paths that are not readable regular files, and files over the size caps: each gets a
/// one-line error that says what the path is (issue #13: a symlink loop was reported as
/// "no such file", a FIFO as a permission problem, a 50 MB budget took 2 GB of memory).
final class FileAccessTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try SharedReference.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func assertRefused(_ args: [String], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        let result = runCLI(args)
        XCTAssertEqual(result.code, 2, result.err, file: file, line: line)
        XCTAssertTrue(result.err.hasPrefix("mcusim: error: ") && result.err.contains(message), "\(args): \(result.err)", file: file, line: line)
        XCTAssertEqual(result.err.split(separator: "\n").count, 1, result.err, file: file, line: line)
    }

    private func makeSymlinkLoop() throws -> String {
        try FileManager.default.createSymbolicLink(atPath: path("loop-a"), withDestinationPath: path("loop-b"))
        try FileManager.default.createSymbolicLink(atPath: path("loop-b"), withDestinationPath: path("loop-a"))
        return path("loop-a")
    }

    func testModelPathsSayWhatTheyAre() throws {
        let loop = try makeSymlinkLoop()
        XCTAssertEqual(mkfifo(path("fifo"), 0o600), 0)
        try FileManager.default.createSymbolicLink(atPath: path("dangling"), withDestinationPath: path("nowhere"))
        for command in ["inspect", "run", "fit"] {
            assertRefused([command, loop], "a loop of symbolic links")
            assertRefused([command, path("fifo")], "is a named pipe (FIFO), not a regular file")
            assertRefused([command, path("dangling")], "a symbolic link to a file that does not exist")
            assertRefused([command, directory.path], "is a directory, not a file")
            assertRefused([command, path("absent.tflite")], "no such file")
        }
    }

    func testBudgetAndBaselinePathsSayWhatTheyAre() throws {
        let loop = try makeSymlinkLoop()
        XCTAssertEqual(mkfifo(path("fifo"), 0o600), 0)
        assertRefused(["check", loop], "a loop of symbolic links")
        assertRefused(["check", path("fifo")], "is a named pipe (FIFO)")
        let budget = path("budget.json")
        try Data(#"{"entries": [{"model": "loop-a", "device": "stm32f411re"}]}"#.utf8).write(to: URL(fileURLWithPath: budget))
        assertRefused(["check", budget], "entries[0].model: model file \"loop-a\": a loop of symbolic links")
        let fine = path("fine.json")
        let model = SharedReference.fixturesDirectory.appendingPathComponent("hand_cast_int8_to_int32.tflite").path
        try Data(#"{"entries": [{"model": "\#(model)", "device": "stm32f411re"}]}"#.utf8).write(to: URL(fileURLWithPath: fine))
        assertRefused(["check", fine, "--baseline", path("fifo")], "is a named pipe (FIFO)")
    }

    /// A budget over 1 MB or a baseline over 4 MB is refused before it is parsed: memory
    /// stays bounded whatever the file holds.
    func testOversizedBudgetsAndBaselinesAreRefusedBeforeParsing() throws {
        let budget = path("huge-budget.json")
        let padding = String(repeating: " ", count: 2 << 20)
        try Data(("{\"entries\": [" + padding + "]}").utf8).write(to: URL(fileURLWithPath: budget))
        assertRefused(["check", budget], "more than the 1048576 bytes mcusim reads from a budget file")

        let model = SharedReference.fixturesDirectory.appendingPathComponent("hand_cast_int8_to_int32.tflite").path
        let fine = path("fine.json")
        try Data(#"{"entries": [{"model": "\#(model)", "device": "stm32f411re"}]}"#.utf8).write(to: URL(fileURLWithPath: fine))
        let baseline = path("huge-baseline.json")
        let items = String(repeating: "1,", count: 5 << 19)
        try Data(("{\"entries\": [" + items + "1]}").utf8).write(to: URL(fileURLWithPath: baseline))
        assertRefused(["check", fine, "--baseline", baseline], "more than the 4194304 bytes mcusim reads from a baseline")
    }

    /// An --input file larger than any input of the model can need is refused unread.
    func testOversizedInputIsRefusedUnread() throws {
        let model = SharedReference.fixturesDirectory.appendingPathComponent("hand_cast_int8_to_int32.tflite").path
        let input = path("huge.npy")
        try Data(count: 3 << 20).write(to: URL(fileURLWithPath: input))
        assertRefused(["run", model, "--input", input], "mcusim reads from an input for this model")
    }
}
