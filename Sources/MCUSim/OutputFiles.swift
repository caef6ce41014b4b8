import Foundation

// Files a command writes (`run --output` and `--dump-tensors`, `report --out`, `check
// --junit`). Every destination is checked before anything runs: it must not be one of
// the command's inputs, a symbolic link is followed to its target, and anything that is
// not a regular file (a directory, a device node such as /dev/full, a FIFO) is refused.
// Each file is written to a temporary file beside its destination, flushed to disk and
// renamed over it only when the whole command has succeeded, so a reader sees the old
// file or the new one, never a partial one, and a failure leaves nothing behind.

/// Where a file's identity is compared: the same device and inode is the same file,
/// whatever the path (hard links, symbolic links, `./`).
private struct FileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64

    init?(path: String) {
        var s = stat()
        guard stat(path, &s) == 0 else { return nil }
        device = UInt64(s.st_dev)
        inode = UInt64(s.st_ino)
    }
}

/// One checked destination: the path as the user gave it (for messages) and the regular
/// file it names once symbolic links are followed.
struct OutputDestination {
    let path: String
    let target: URL
}

/// The inputs a command reads and the outputs it will write, checked against each other.
struct OutputPlan {
    private var inputs: [(what: String, path: String, identity: FileIdentity)] = []
    private(set) var destinations: [OutputDestination] = []

    init() {}

    /// `path` is read by the command; `what` names it in errors ("the model").
    mutating func input(_ path: String, _ what: String) {
        if let identity = FileIdentity(path: path) { inputs.append((what, path, identity)) }
    }

    /// Checks `path` as a destination for `option` (`--output`) and remembers it.
    @discardableResult
    mutating func output(_ path: String, option: String) throws -> OutputDestination {
        let target = try Self.resolve(path, option: option)
        if let identity = FileIdentity(path: target.path), let input = inputs.first(where: { $0.identity == identity }) {
            let alias = input.path == path ? "" : " (\(input.path))"
            throw FileError(file: path, message: "is \(input.what)\(alias), an input of this command; \(option) will not write over it",
                            code: ExitCode.invalidInput)
        }
        if let earlier = destinations.first(where: { $0.target.path == target.path }) {
            throw FileError(file: path, message: "written twice by this command (also as \(earlier.path))", code: ExitCode.invalidInput)
        }
        let destination = OutputDestination(path: path, target: target)
        destinations.append(destination)
        return destination
    }

    /// The regular file `path` names: symbolic links followed (a dangling one names the file
    /// it would create), the directory resolved so equal files compare equal.
    static func resolve(_ path: String, option: String) throws -> URL {
        func fail(_ message: String) -> FileError { FileError(file: path, message: message, code: ExitCode.invalidInput) }
        guard !path.isEmpty else { throw UsageError(message: "\(option) expects a file name, got an empty value") }
        var url = URL(fileURLWithPath: path).standardizedFileURL
        var hops = 0
        while true {
            var s = stat()
            guard lstat(url.path, &s) == 0 else { break }
            if (s.st_mode & S_IFMT) == S_IFLNK {
                hops += 1
                guard hops <= 40, let link = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path) else {
                    throw fail("cannot follow the symbolic link (\(option))")
                }
                url = (link.hasPrefix("/") ? URL(fileURLWithPath: link) : url.deletingLastPathComponent().appendingPathComponent(link))
                    .standardizedFileURL
                continue
            }
            guard (s.st_mode & S_IFMT) == S_IFREG else {
                let kind = (s.st_mode & S_IFMT) == S_IFDIR ? "a directory" : "not a regular file"
                throw fail("is \(kind); \(option) writes regular files only")
            }
            break
        }
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw fail("no such directory \(directory.path) (\(option))")
        }
        return directory.resolvingSymlinksInPath().appendingPathComponent(url.lastPathComponent)
    }
}

/// Files written to temporary files beside their destinations, renamed into place by
/// `commit()`, removed (with any directory made for them) by `discard()`.
final class StagedFiles {
    private var staged: [(temporary: String, destination: OutputDestination)] = []
    private var createdDirectories: [URL] = []
    private var committed = false

    deinit { if !committed { discard() } }

    /// Makes `directory` (and its missing parents), to be removed again on discard.
    func makeDirectory(_ directory: String, option: String) throws {
        var missing: [URL] = []
        var url = URL(fileURLWithPath: directory).standardizedFileURL
        var isDirectory: ObjCBool = false
        while !FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            missing.append(url)
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { break }
            url = parent
        }
        if missing.isEmpty, !isDirectory.boolValue {
            throw FileError(file: directory, message: "is not a directory (\(option))", code: ExitCode.invalidInput)
        }
        for dir in missing.reversed() {
            guard mkdir(dir.path, 0o777) == 0 || errno == EEXIST else {
                throw FileError(file: directory, message: "cannot create the directory: \(String(cString: strerror(errno))) (\(option))",
                                code: ExitCode.invalidInput)
            }
            createdDirectories.append(dir)
        }
    }

    /// Writes `bytes` to a temporary file beside `destination`, flushed to disk.
    func stage(_ bytes: [UInt8], at destination: OutputDestination) throws {
        let target = destination.target
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).mcusim-\(getpid())-\(staged.count).tmp").path
        func fail(_ what: String) -> FileError {
            FileError(file: destination.path, message: "cannot write: \(what): \(String(cString: strerror(errno)))", code: ExitCode.invalidInput)
        }
        // A file that is replaced keeps its permissions.
        var existing = stat()
        let mode: mode_t = stat(target.path, &existing) == 0 ? existing.st_mode & 0o7777 : 0o666
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw fail("cannot create a temporary file beside it") }
        staged.append((temporary, destination))
        var failure: FileError?
        if mode != 0o666, fchmod(fd, mode) != 0 { failure = fail("cannot set permissions") }
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while failure == nil, offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = fail("write failed")
                } else {
                    offset += n
                }
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = fail("cannot flush to disk") }
        if close(fd) != 0, failure == nil { failure = fail("close failed") }
        if let failure { throw failure }
    }

    /// Renames every staged file over its destination.
    func commit() throws {
        for (temporary, destination) in staged {
            guard rename(temporary, destination.target.path) == 0 else {
                throw FileError(file: destination.path, message: "cannot replace it: \(String(cString: strerror(errno)))", code: ExitCode.invalidInput)
            }
        }
        committed = true
        staged = []
        createdDirectories = []
    }

    /// Removes every temporary file and every directory made for them.
    func discard() {
        for (temporary, _) in staged { unlink(temporary) }
        staged = []
        for directory in createdDirectories.reversed() { rmdir(directory.path) }
        createdDirectories = []
    }
}
