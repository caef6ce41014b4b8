import Foundation
import XCTest

/// The one place tests locate `../shared` (the reference material beside the repository) and the
/// project's own fixtures. Tests that need `../shared` skip with a message when it is absent.
public enum SharedReference {
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    public static var sharedDirectory: URL { packageRoot.deletingLastPathComponent().appendingPathComponent("shared") }
    public static var modelsDirectory: URL { sharedDirectory.appendingPathComponent("models") }
    public static var zooDirectory: URL { sharedDirectory.appendingPathComponent("reference/zoo") }
    public static var modelsGoldenDirectory: URL { sharedDirectory.appendingPathComponent("reference/models-golden") }
    public static var fixturesDirectory: URL { packageRoot.appendingPathComponent("Tests/Fixtures/models") }
    public static var examplesDirectory: URL { packageRoot.appendingPathComponent("Examples") }

    /// Skips the calling test when ../shared is absent.
    public static func require() throws {
        guard FileManager.default.fileExists(atPath: zooDirectory.appendingPathComponent("golden.json").path) else {
            throw XCTSkip("../shared/reference is absent (expected at \(sharedDirectory.path)); skipping checks against TFLM goldens")
        }
    }

    public static func json(_ url: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw NSError(domain: "SharedReference", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(url.path) is not a JSON object"])
        }
        return object
    }

    /// (model name, golden entry, directory holding the .tflite) for every model in a golden.json.
    public static func goldenModels(in goldenDirectory: URL, modelDirectory: URL) throws -> [(String, [String: Any], URL)] {
        let golden = try json(goldenDirectory.appendingPathComponent("golden.json"))
        let models = golden["models"] as? [String: [String: Any]] ?? [:]
        return models.keys.sorted().map { ($0, models[$0]!, modelDirectory) }
    }

    public static func allGoldenModels() throws -> [(String, [String: Any], URL)] {
        try goldenModels(in: zooDirectory, modelDirectory: zooDirectory)
            + goldenModels(in: modelsGoldenDirectory, modelDirectory: modelsDirectory)
    }

    /// A new empty directory under the system's temporary directory.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mcusim-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
