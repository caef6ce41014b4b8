import Foundation
import XCTest

/// Locates `../shared` (the reference material beside the repository) and the
/// project's own fixtures. Tests that need `../shared` skip with a message when it is absent.
enum SharedReference {
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    static var sharedDirectory: URL { packageRoot.deletingLastPathComponent().appendingPathComponent("shared") }
    static var modelsDirectory: URL { sharedDirectory.appendingPathComponent("models") }
    static var zooDirectory: URL { sharedDirectory.appendingPathComponent("reference/zoo") }
    static var modelsGoldenDirectory: URL { sharedDirectory.appendingPathComponent("reference/models-golden") }
    static var fixturesDirectory: URL { packageRoot.appendingPathComponent("Tests/Fixtures/models") }

    /// Skips the calling test when ../shared is absent.
    static func require() throws {
        guard FileManager.default.fileExists(atPath: zooDirectory.appendingPathComponent("golden.json").path) else {
            throw XCTSkip("../shared/reference is absent (expected at \(sharedDirectory.path)); skipping checks against TFLM goldens")
        }
    }

    static func json(_ url: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw NSError(domain: "SharedReference", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(url.path) is not a JSON object"])
        }
        return object
    }

    /// (model name, golden entry, directory holding the .tflite) for every model in a golden.json.
    static func goldenModels(in goldenDirectory: URL, modelDirectory: URL) throws -> [(String, [String: Any], URL)] {
        let golden = try json(goldenDirectory.appendingPathComponent("golden.json"))
        let models = golden["models"] as? [String: [String: Any]] ?? [:]
        return models.keys.sorted().map { ($0, models[$0]!, modelDirectory) }
    }

    static func allGoldenModels() throws -> [(String, [String: Any], URL)] {
        try goldenModels(in: zooDirectory, modelDirectory: zooDirectory)
            + goldenModels(in: modelsGoldenDirectory, modelDirectory: modelsDirectory)
    }
}
