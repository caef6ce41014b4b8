import Foundation
import TestSupport
import XCTest

/// `Examples/reproduce.sh` prints the seed study's tables; `Examples/seed-study/README.md`
/// holds every printed block verbatim, and the committed charts are what it writes.
///
/// It runs the release binary (24 models through 4,000 samples twice: minutes in a debug
/// build, seconds in a release one), and skips when that binary is missing or older than a
/// source file, saying so: build it with `swift build -c release` (or name a binary with
/// MCUSIM_BINARY) to run it.
final class ReproduceTests: XCTestCase {
    private var root: URL { SharedReference.packageRoot }

    private func releaseBinary() throws -> URL {
        if let given = ProcessInfo.processInfo.environment["MCUSIM_BINARY"] { return URL(fileURLWithPath: given) }
        let binary = root.appendingPathComponent(".build/release/mcusim")
        let manager = FileManager.default
        guard let built = try? manager.attributesOfItem(atPath: binary.path)[.modificationDate] as? Date else {
            throw XCTSkip("no release build at \(binary.path): run 'swift build -c release' to check Examples/reproduce.sh")
        }
        let sources = root.appendingPathComponent("Sources")
        let enumerator = manager.enumerator(at: sources, includingPropertiesForKeys: [.contentModificationDateKey])
        while let file = enumerator?.nextObject() as? URL {
            guard file.pathExtension == "swift" || file.pathExtension == "json",
                  let changed = try file.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate else { continue }
            if changed > built {
                throw XCTSkip("the release build is older than \(file.path): run 'swift build -c release' to check Examples/reproduce.sh")
            }
        }
        return binary
    }

    /// The printed blocks: each from its `$ mcusim` line to the blank line before the next.
    static func blocks(_ output: String) -> [String] {
        var blocks: [String] = []
        for line in output.components(separatedBy: "\n") {
            if line.hasPrefix("$ mcusim") { blocks.append("") }
            guard !blocks.isEmpty else { continue }
            blocks[blocks.count - 1] += line + "\n"
        }
        return blocks.map { $0.trimmingCharacters(in: .newlines) + "\n" }
    }

    func testReadmeHoldsWhatReproducePrints() throws {
        let binary = try releaseBinary()
        let charts = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: charts) }
        let process = Process()
        process.executableURL = root.appendingPathComponent("Examples/reproduce.sh")
        var environment = ProcessInfo.processInfo.environment
        environment["MCUSIM"] = binary.path
        environment["CHARTS"] = charts.path
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, errors)

        let blocks = Self.blocks(printed)
        XCTAssertEqual(blocks.count, 5, printed)
        let readme = try String(contentsOf: root.appendingPathComponent("Examples/seed-study/README.md"), encoding: .utf8)
        for block in blocks {
            XCTAssertTrue(readme.contains("```\n" + block + "```\n"), "README.md lacks, verbatim:\n" + block)
        }
        for chart in ["mnist_cnn.svg", "har_fc.svg"] {
            let written = try Data(contentsOf: charts.appendingPathComponent(chart))
            let committed = try Data(contentsOf: root.appendingPathComponent("Examples/seed-study/charts/\(chart)"))
            XCTAssertEqual(written, committed, "charts/\(chart) is not what reproduce.sh writes")
        }
    }

    func testBlocksSplitAtCommands() {
        XCTAssertEqual(Self.blocks("$ mcusim fit a \\\n    --x\nrow 1\n\n$ mcusim eval b\nrow 2\n\n"),
                       ["$ mcusim fit a \\\n    --x\nrow 1\n", "$ mcusim eval b\nrow 2\n"])
    }
}
