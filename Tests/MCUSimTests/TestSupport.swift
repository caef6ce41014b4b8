import Foundation
import XCTest
@testable import MCUSim

/// Runs the CLI in-process with captured output.
struct CLIResult {
    let code: Int32
    let out: String
    let err: String
}

func runCLI(_ args: [String]) -> CLIResult {
    let console = Console(capture: true)
    let code = MCUSimCLI.run(args, console: console)
    return CLIResult(code: code, out: console.out, err: console.err)
}

enum Paths {
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    static var shared: URL { packageRoot.deletingLastPathComponent().appendingPathComponent("shared") }
    static var sharedModels: URL { shared.appendingPathComponent("models") }
    static var zoo: URL { shared.appendingPathComponent("reference/zoo") }
    static var modelsGolden: URL { shared.appendingPathComponent("reference/models-golden") }
    static var examples: URL { packageRoot.appendingPathComponent("Examples") }
    static var fixtures: URL { packageRoot.appendingPathComponent("Tests/Fixtures/models") }

    static func requireShared() throws {
        guard FileManager.default.fileExists(atPath: sharedModels.path) else {
            throw XCTSkip("../shared is absent (expected at \(shared.path)); skipping checks against the shared models")
        }
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mcusim-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
