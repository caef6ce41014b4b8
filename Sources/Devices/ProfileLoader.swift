// Finds and loads device profiles: the bundled Profiles/ directory first, then user directories.
import Foundation

/// A profile that could not be read, named by file and (where it applies) field.
public enum ProfileError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case invalid(file: String, field: String, reason: String)
    case duplicateID(id: String, first: String, second: String)
    case missingDirectory(path: String, origin: String)
    case unknownProfile(id: String, known: [String])

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): \(reason)"
        case let .invalid(file, field, reason):
            return "\(file): field '\(field)': \(reason)"
        case let .duplicateID(id, first, second):
            return "profile id '\(id)' is defined twice in one directory: \(first) and \(second)"
        case let .missingDirectory(path, origin):
            return "profile directory \(path) (from \(origin)) does not exist or is not a directory"
        case let .unknownProfile(id, known):
            let list = known.isEmpty ? "none are loaded" : "known: " + known.joined(separator: ", ")
            return "no device profile '\(id)' (\(list))"
        }
    }

    /// The file a per-file error refers to, for tests and reports.
    public var file: String? {
        switch self {
        case let .unreadable(file, _), let .invalid(file, _, _): return file
        default: return nil
        }
    }

    public var field: String? {
        if case let .invalid(_, field, _) = self { return field }
        return nil
    }
}

public enum ProfileLoader {
    /// Where a directory on the search list came from; later origins override earlier ones.
    public enum Origin: String, Sendable {
        case bundled
        case environment = "MCUSIM_PROFILES"
        case commandLine = "--profiles"
    }

    public struct SearchDirectory: Sendable, Equatable {
        public var url: URL
        public var origin: Origin
        public init(url: URL, origin: Origin) {
            self.url = url
            self.origin = origin
        }
    }

    public struct LoadedProfile: Sendable {
        public var profile: DeviceProfile
        public var file: URL
        public var origin: Origin
        /// Files this profile replaced, earliest first.
        public var overrides: [URL]
    }

    public struct Catalog: Sendable {
        public private(set) var entries: [String: LoadedProfile] = [:]
        /// Human-readable notes, e.g. which profile overrode which.
        public private(set) var notes: [String] = []

        public var ids: [String] { entries.keys.sorted() }
        public var profiles: [DeviceProfile] { ids.compactMap { entries[$0]?.profile } }

        public func entry(id: String) throws -> LoadedProfile {
            guard let entry = entries[id] else { throw ProfileError.unknownProfile(id: id, known: ids) }
            return entry
        }

        public func profile(id: String) throws -> DeviceProfile { try entry(id: id).profile }

        mutating func add(_ loaded: LoadedProfile) {
            var loaded = loaded
            if let previous = entries[loaded.profile.id] {
                loaded.overrides = previous.overrides + [previous.file]
                notes.append("profile '\(loaded.profile.id)' from \(loaded.file.path) (\(loaded.origin.rawValue)) "
                    + "overrides \(previous.file.path) (\(previous.origin.rawValue))")
            }
            entries[loaded.profile.id] = loaded
        }

        mutating func note(_ text: String) { notes.append(text) }
    }

    public static let environmentVariable = "MCUSIM_PROFILES"

    // MARK: Loading

    /// Decodes and validates one profile file. Errors name the file and the field.
    public static func load(file: URL) throws -> DeviceProfile {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw ProfileError.unreadable(file: file.path, reason: "cannot read: \(error.localizedDescription)")
        }
        return try decode(data, file: file.path)
    }

    /// Decodes and validates profile JSON; `file` names the source in errors.
    public static func decode(_ data: Data, file: String) throws -> DeviceProfile {
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ProfileError.unreadable(file: file, reason: "not valid JSON: \(error.localizedDescription)")
        }
        // JSONDecoder ignores unknown keys; a misspelt optional key would silently vanish.
        if let issue = SchemaKeys.firstUnknownKey(in: json) {
            throw ProfileError.invalid(file: file, field: issue.field, reason: issue.message)
        }
        let profile: DeviceProfile
        do {
            profile = try JSONDecoder().decode(DeviceProfile.self, from: data)
        } catch let error as DecodingError {
            let (field, reason) = describe(error)
            throw ProfileError.invalid(file: file, field: field, reason: reason)
        } catch {
            throw ProfileError.unreadable(file: file, reason: "\(error)")
        }
        do {
            try profile.validate()
        } catch let issue as ProfileIssue {
            throw ProfileError.invalid(file: file, field: issue.field, reason: issue.message)
        }
        return profile
    }

    /// Loads every `*.json` in the directories, in order; a later directory's profile replaces an
    /// earlier one with the same id, and the catalog's notes say so.
    public static func load(directories: [SearchDirectory], fileManager: FileManager = .default) throws -> Catalog {
        var catalog = Catalog()
        for directory in directories {
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: directory.url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                if directory.origin == .bundled {
                    catalog.note("bundled profile directory \(directory.url.path) is missing")
                    continue
                }
                throw ProfileError.missingDirectory(path: directory.url.path, origin: directory.origin.rawValue)
            }
            let names: [String]
            do {
                names = try fileManager.contentsOfDirectory(atPath: directory.url.path)
            } catch {
                throw ProfileError.unreadable(file: directory.url.path, reason: "cannot list directory: \(error.localizedDescription)")
            }
            var seenHere: [String: URL] = [:]
            for name in names.sorted() where name.lowercased().hasSuffix(".json") {
                let file = directory.url.appendingPathComponent(name)
                let profile = try load(file: file)
                if let first = seenHere[profile.id] {
                    throw ProfileError.duplicateID(id: profile.id, first: first.path, second: file.path)
                }
                seenHere[profile.id] = file
                catalog.add(LoadedProfile(profile: profile, file: file, origin: directory.origin, overrides: []))
            }
        }
        return catalog
    }

    /// Bundled profiles, then `MCUSIM_PROFILES` (colon-separated), then `--profiles` directories,
    /// so the most specific request wins.
    public static func searchDirectories(
        commandLineDirectories: [String] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        bundledDirectory: URL? = bundledProfilesDirectory()
    ) -> [SearchDirectory] {
        var result: [SearchDirectory] = []
        if let bundledDirectory { result.append(SearchDirectory(url: bundledDirectory, origin: .bundled)) }
        if let value = environment[environmentVariable] {
            for part in value.split(separator: ":", omittingEmptySubsequences: true) {
                result.append(SearchDirectory(url: URL(fileURLWithPath: String(part)), origin: .environment))
            }
        }
        for path in commandLineDirectories where !path.isEmpty {
            result.append(SearchDirectory(url: URL(fileURLWithPath: path), origin: .commandLine))
        }
        return result
    }

    /// Convenience: the whole search list, loaded.
    public static func loadAll(
        commandLineDirectories: [String] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Catalog {
        var catalog = try load(directories: searchDirectories(commandLineDirectories: commandLineDirectories, environment: environment))
        if bundledProfilesDirectory() == nil {
            catalog.note("no bundled Profiles/ directory was found next to the executable or in the source tree")
        }
        return catalog
    }

    // MARK: Finding the bundled directory

    /// Recorded where this file is compiled, so a build run from the source tree finds Profiles/.
    private static let thisSourceFile = #filePath

    /// `<exe dir>/Profiles`, `<exe dir>/../share/mcusim/Profiles`, then the package root found by
    /// walking up from this source file.
    public static func bundledProfilesDirectory(
        executableURL: URL? = currentExecutableURL(),
        sourceFile: String? = nil,
        fileManager: FileManager = .default
    ) -> URL? {
        let sourceFile = sourceFile ?? thisSourceFile
        var candidates: [URL] = []
        if let executableURL {
            let directory = executableURL.resolvingSymlinksInPath().deletingLastPathComponent()
            candidates.append(directory.appendingPathComponent("Profiles"))
            candidates.append(directory.deletingLastPathComponent()
                .appendingPathComponent("share").appendingPathComponent("mcusim").appendingPathComponent("Profiles"))
        }
        if let root = packageRoot(startingAt: URL(fileURLWithPath: sourceFile), fileManager: fileManager) {
            candidates.append(root.appendingPathComponent("Profiles"))
        }
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            if fileManager.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue {
                return candidate.standardizedFileURL
            }
        }
        return nil
    }

    /// The nearest ancestor directory holding Package.swift.
    public static func packageRoot(startingAt file: URL, fileManager: FileManager = .default) -> URL? {
        var directory = file.deletingLastPathComponent().standardizedFileURL
        while true {
            if fileManager.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) { return directory }
            let parent = directory.deletingLastPathComponent().standardizedFileURL
            if parent.path == directory.path { return nil }
            directory = parent
        }
    }

    public static func currentExecutableURL() -> URL? {
        if let url = Bundle.main.executableURL { return url }
        guard let first = CommandLine.arguments.first, !first.isEmpty else { return nil }
        return URL(fileURLWithPath: first)
    }

    // MARK: Error text

    static func describe(_ error: DecodingError) -> (field: String, reason: String) {
        switch error {
        case let .keyNotFound(key, context):
            return (path(context.codingPath + [key]), "required field is missing")
        case let .typeMismatch(type, context):
            return (path(context.codingPath), "expected \(typeName(type)); \(context.debugDescription)")
        case let .valueNotFound(type, context):
            return (path(context.codingPath), "expected \(typeName(type)), found null")
        case let .dataCorrupted(context):
            return (path(context.codingPath), context.debugDescription)
        @unknown default:
            return ("(unknown)", "\(error)")
        }
    }

    static func path(_ keys: [CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text.isEmpty ? "(root)" : text
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is UInt64.Type: return "an integer"
        case is Double.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        default: return "\(type)"
        }
    }
}

/// The keys each JSON object of the schema may carry.
private enum SchemaKeys {
    static let top: Set<String> = ["schema_version", "id", "name", "board", "mcu", "core", "fpu", "clock_hz", "flash",
                                   "ram_regions", "l1_cache", "power", "toolchain", "reserve", "sources", "comment"]
    static let flash: Set<String> = ["bytes", "wait_states", "access_bits", "interface", "accelerator"]
    static let accelerator: Set<String> = ["kind", "prefetch", "icache_bytes", "dcache_bytes", "line_bytes"]
    static let region: Set<String> = ["name", "bytes", "kind", "wait_states", "usable_for_arena", "address"]
    static let l1Cache: Set<String> = ["icache_bytes", "dcache_bytes", "line_bytes"]
    static let power: Set<String> = ["run_current_ma", "supply_v", "condition"]
    static let toolchain: Set<String> = ["compiler", "opt", "flags"]
    static let reserve: Set<String> = ["flash_bytes", "ram_bytes", "items"]
    static let reserveItem: Set<String> = ["name", "flash_bytes", "ram_bytes", "reason", "assumption"]
    static let citation: Set<String> = ["doc", "rev", "where", "note", "assumption", "verified", "checked"]

    static func firstUnknownKey(in json: Any) -> ProfileIssue? {
        guard let top = json as? [String: Any] else {
            return ProfileIssue(field: "(root)", message: "a profile must be a JSON object")
        }
        if let issue = check(top, allowed: Self.top, path: "") { return issue }
        if let flash = top["flash"] as? [String: Any] {
            if let issue = check(flash, allowed: Self.flash, path: "flash") { return issue }
            if let accelerator = flash["accelerator"] as? [String: Any],
               let issue = check(accelerator, allowed: Self.accelerator, path: "flash.accelerator") { return issue }
        }
        if let regions = top["ram_regions"] as? [Any] {
            for (index, region) in regions.enumerated() {
                if let region = region as? [String: Any],
                   let issue = check(region, allowed: Self.region, path: "ram_regions[\(index)]") { return issue }
            }
        }
        if let l1 = top["l1_cache"] as? [String: Any], let issue = check(l1, allowed: l1Cache, path: "l1_cache") { return issue }
        if let power = top["power"] as? [String: Any], let issue = check(power, allowed: Self.power, path: "power") { return issue }
        if let tools = top["toolchain"] as? [String: Any], let issue = check(tools, allowed: toolchain, path: "toolchain") { return issue }
        if let reserve = top["reserve"] as? [String: Any] {
            if let issue = check(reserve, allowed: Self.reserve, path: "reserve") { return issue }
            if let items = reserve["items"] as? [Any] {
                for (index, item) in items.enumerated() {
                    if let item = item as? [String: Any],
                       let issue = check(item, allowed: reserveItem, path: "reserve.items[\(index)]") { return issue }
                }
            }
        }
        if let sources = top["sources"] as? [String: Any] {
            for key in sources.keys.sorted() {
                if let citation = sources[key] as? [String: Any],
                   let issue = check(citation, allowed: Self.citation, path: "sources.\(key)") { return issue }
            }
        }
        return nil
    }

    private static func check(_ object: [String: Any], allowed: Set<String>, path: String) -> ProfileIssue? {
        for key in object.keys.sorted() where !allowed.contains(key) {
            let field = path.isEmpty ? key : "\(path).\(key)"
            return ProfileIssue(field: field, message: "unknown field (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
        return nil
    }
}
