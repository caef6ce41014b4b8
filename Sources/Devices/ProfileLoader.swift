// Finds and loads device profiles: the bundled Profiles/ directory first, then user directories.
import Foundation

/// A profile that could not be read, named by file and (where it applies) field.
public enum ProfileError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case invalid(file: String, field: String, reason: String)
    /// A well-formed profile asking for something mcusim has no model or data for (a core, an -O level).
    case unsupported(file: String, field: String, reason: String)
    case duplicateID(id: String, first: String, second: String)
    case missingDirectory(path: String, origin: String)
    case unknownProfile(id: String, known: [String])

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): \(reason)"
        case let .invalid(file, field, reason), let .unsupported(file, field, reason):
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
        case let .unreadable(file, _), let .invalid(file, _, _), let .unsupported(file, _, _): return file
        case let .duplicateID(_, _, second): return second
        default: return nil
        }
    }

    public var field: String? {
        switch self {
        case let .invalid(_, field, _), let .unsupported(_, field, _): return field
        default: return nil
        }
    }

    /// True for a profile mcusim cannot simulate (exit 3), false for one that is broken (exit 2).
    public var isUnsupported: Bool {
        if case .unsupported = self { return true }
        return false
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

    /// A profile file that did not load. It stays out of the catalog's profiles, so commands that
    /// do not use it run; a command that selects its id gets its error.
    public struct InvalidProfile: Sendable {
        /// The id the file declares when it can be read that far, else the file name without ".json".
        public var id: String
        public var file: URL
        public var origin: Origin
        public var error: ProfileError
    }

    public struct Catalog: Sendable {
        public private(set) var entries: [String: LoadedProfile] = [:]
        /// Ids whose most recent definition did not load, with the reason.
        public private(set) var invalidByID: [String: InvalidProfile] = [:]
        /// Human-readable notes, e.g. which profile overrode which.
        public private(set) var notes: [String] = []

        public var ids: [String] { entries.keys.sorted() }
        public var profiles: [DeviceProfile] { ids.compactMap { entries[$0]?.profile } }
        /// Every file that did not load, by id.
        public var invalid: [InvalidProfile] { invalidByID.keys.sorted().compactMap { invalidByID[$0] } }

        /// The loaded profile with this id; the file's own error when its definition was invalid.
        public func entry(id: String) throws -> LoadedProfile {
            if let invalid = invalidByID[id] { throw invalid.error }
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
            } else if let previous = invalidByID[loaded.profile.id] {
                notes.append("profile '\(loaded.profile.id)' from \(loaded.file.path) (\(loaded.origin.rawValue)) "
                    + "replaces the invalid \(previous.file.path)")
            }
            invalidByID[loaded.profile.id] = nil
            entries[loaded.profile.id] = loaded
        }

        /// An invalid file replaces an earlier valid profile of the same id: the user meant to
        /// override it, so selecting the id must fail rather than quietly use the older one.
        mutating func add(invalid: InvalidProfile) {
            if let previous = entries.removeValue(forKey: invalid.id) {
                notes.append("invalid profile \(invalid.file.path) (\(invalid.origin.rawValue)) hides '\(invalid.id)' from \(previous.file.path)")
            }
            invalidByID[invalid.id] = invalid
        }

        mutating func note(_ text: String) { notes.append(text) }
    }

    public static let environmentVariable = "MCUSIM_PROFILES"
    /// Profiles are a few kilobytes (the bundled ones about 15 KB); anything beyond this is refused
    /// unread, so a huge file cannot take the memory and time of parsing it.
    public static let maxFileBytes = 1 << 20

    // MARK: Loading

    /// Decodes and validates one profile file. Errors name the file and the field.
    public static func load(file: URL) throws -> DeviceProfile {
        try decode(read(file), file: file.path)
    }

    /// The file's bytes, refused above `maxFileBytes` before they are read.
    static func read(_ file: URL) throws -> Data {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: file)
        } catch {
            throw ProfileError.unreadable(file: file.path, reason: "cannot read: \(error.localizedDescription)")
        }
        defer { try? handle.close() }
        do {
            let data = try handle.read(upToCount: maxFileBytes + 1) ?? Data()
            if data.count > maxFileBytes { throw tooLarge(file.path) }
            return data
        } catch let error as ProfileError {
            throw error
        } catch {
            throw ProfileError.unreadable(file: file.path, reason: "cannot read: \(error.localizedDescription)")
        }
    }

    static func tooLarge(_ file: String) -> ProfileError {
        .unreadable(file: file, reason: "larger than \(maxFileBytes) bytes (1 MiB), the most a profile may be; is it a profile?")
    }

    /// Decodes and validates profile JSON; `file` names the source in errors.
    public static func decode(_ data: Data, file: String) throws -> DeviceProfile {
        if data.count > maxFileBytes { throw tooLarge(file) }
        let json: JSONValue
        do {
            json = try StrictJSONReader.parse(data)
        } catch let error as JSONSyntaxError {
            // A duplicate key is a field problem; other syntax errors are the file's.
            if error.message.hasPrefix("duplicate key") {
                throw ProfileError.invalid(file: file, field: error.path, reason: "\(error.message) (line \(error.line), column \(error.column))")
            }
            throw ProfileError.unreadable(file: file, reason: error.description)
        }
        // JSONDecoder ignores unknown keys (a misspelt optional key would silently vanish),
        // reports a number too large for its field at the root, and names enum values only
        // in its own words: the schema walk answers those first, by field.
        if let issue = SchemaCheck.firstIssue(in: json) {
            if issue.unsupported { throw ProfileError.unsupported(file: file, field: issue.field, reason: issue.message) }
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
    /// earlier one with the same id, and the catalog's notes say so. A file that does not load
    /// (or shares its id with another file of its directory) is recorded as invalid under its
    /// id and does not stop the others; only a missing user directory is an error.
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
            var loaded: [String: [LoadedProfile]] = [:]
            var order: [String] = []
            var invalidHere: [String: InvalidProfile] = [:]
            for name in names.sorted() where name.lowercased().hasSuffix(".json") {
                let file = directory.url.appendingPathComponent(name)
                do {
                    let profile = try load(file: file)
                    if loaded[profile.id] == nil { order.append(profile.id) }
                    loaded[profile.id, default: []].append(LoadedProfile(profile: profile, file: file, origin: directory.origin, overrides: []))
                } catch let error as ProfileError {
                    let id = declaredID(file) ?? file.deletingPathExtension().lastPathComponent
                    if invalidHere[id] == nil {
                        invalidHere[id] = InvalidProfile(id: id, file: file, origin: directory.origin, error: error)
                    }
                }
            }
            for invalid in invalidHere.values.sorted(by: { $0.id < $1.id }) { catalog.add(invalid: invalid) }
            for id in order where invalidHere[id] == nil {
                guard let definitions = loaded[id] else { continue }
                if definitions.count > 1 {
                    // Two files of one directory define the same id: neither wins.
                    catalog.add(invalid: InvalidProfile(id: id, file: definitions[1].file, origin: directory.origin,
                                                        error: .duplicateID(id: id, first: definitions[0].file.path, second: definitions[1].file.path)))
                } else {
                    catalog.add(definitions[0])
                }
            }
        }
        return catalog
    }

    /// The `id` a profile file declares, when the file is small, parses as JSON (duplicate keys
    /// tolerated here: the id only names the broken file) and has one.
    static func declaredID(_ file: URL) -> String? {
        guard let data = try? read(file),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let id = object["id"] as? String, !id.isEmpty, id.count <= 64 else { return nil }
        return id
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

/// What the schema walk checks before the decoder runs: unknown keys, numbers no field can
/// hold, and enumerated values (cores and -O levels mcusim has no data for are "unsupported").
private enum SchemaCheck {
    struct Issue {
        var field: String
        var message: String
        var unsupported = false
    }

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
    /// Larger than any physical quantity a profile holds (sizes are at most 2^32, clocks 2e9),
    /// smaller than where Int and Double stop being exact.
    static let largestNumber = 1e15

    static func firstIssue(in json: JSONValue) -> Issue? {
        guard case .object = json else { return Issue(field: "(root)", message: "a profile must be a JSON object") }
        if let issue = numberOutOfRange(json, path: "") { return issue }
        if let issue = check(json, allowed: top, path: "") { return issue }
        if let flash = json["flash"] {
            if let issue = check(flash, allowed: Self.flash, path: "flash") { return issue }
            if let accelerator = flash["accelerator"] {
                if let issue = check(accelerator, allowed: Self.accelerator, path: "flash.accelerator") { return issue }
                if let issue = oneOf(accelerator["kind"], DeviceProfile.Accelerator.Kind.allCases.map(\.rawValue), "flash.accelerator.kind") { return issue }
            }
        }
        if case .array(let regions)? = json["ram_regions"] {
            for (index, region) in regions.enumerated() {
                if let issue = check(region, allowed: Self.region, path: "ram_regions[\(index)]") { return issue }
                if let issue = oneOf(region["kind"], DeviceProfile.RAMRegion.Kind.allCases.map(\.rawValue), "ram_regions[\(index)].kind") { return issue }
            }
        }
        if let l1 = json["l1_cache"], let issue = check(l1, allowed: l1Cache, path: "l1_cache") { return issue }
        if let power = json["power"], let issue = check(power, allowed: Self.power, path: "power") { return issue }
        if let tools = json["toolchain"] {
            if let issue = check(tools, allowed: toolchain, path: "toolchain") { return issue }
            if case .string(let opt)? = tools["opt"], OptimizationLevel(rawValue: opt) == nil {
                let levels = OptimizationLevel.allCases.map(\.rawValue).joined(separator: ", ")
                if opt.hasPrefix("-O") {
                    return Issue(field: "toolchain.opt", message: "no measured kernel data for \(opt); supported levels: \(levels)", unsupported: true)
                }
                return Issue(field: "toolchain.opt", message: "expected one of \(levels), got \"\(opt.prefix(40))\"")
            }
        }
        if case .string(let core)? = json["core"], DeviceProfile.Core(rawValue: core) == nil {
            let cores = DeviceProfile.Core.allCases.map(\.rawValue).joined(separator: ", ")
            return Issue(field: "core", message: "unsupported core \"\(core.prefix(40))\"; mcusim models \(cores)", unsupported: true)
        }
        if let reserve = json["reserve"] {
            if let issue = check(reserve, allowed: Self.reserve, path: "reserve") { return issue }
            if case .array(let items)? = reserve["items"] {
                for (index, item) in items.enumerated() {
                    if let issue = check(item, allowed: reserveItem, path: "reserve.items[\(index)]") { return issue }
                }
            }
        }
        if case .object(let sources)? = json["sources"] {
            for (key, citation) in sources {
                if let issue = check(citation, allowed: Self.citation, path: "sources.\(key)") { return issue }
            }
        }
        return nil
    }

    private static func check(_ value: JSONValue, allowed: Set<String>, path: String) -> Issue? {
        guard case .object(let pairs) = value else { return nil }   // the decoder names the wrong type
        for (key, _) in pairs where !allowed.contains(key) {
            let field = path.isEmpty ? key : "\(path).\(key)"
            return Issue(field: field, message: "unknown field (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
        return nil
    }

    private static func oneOf(_ value: JSONValue?, _ allowed: [String], _ field: String) -> Issue? {
        guard case .string(let text)? = value, !allowed.contains(text) else { return nil }
        return Issue(field: field, message: "expected one of \(allowed.joined(separator: ", ")), got \"\(text.prefix(40))\"")
    }

    /// The first number, anywhere, that no field of the schema could hold.
    private static func numberOutOfRange(_ value: JSONValue, path: String) -> Issue? {
        switch value {
        case .number(let x, _) where abs(x) > largestNumber:
            return Issue(field: path.isEmpty ? "(root)" : path, message: "the number \(x) is out of range for any profile field")
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let issue = numberOutOfRange(item, path: "\(path)[\(index)]") { return issue }
            }
        case .object(let pairs):
            for (key, item) in pairs {
                if let issue = numberOutOfRange(item, path: path.isEmpty ? key : "\(path).\(key)") { return issue }
            }
        default: break
        }
        return nil
    }
}
