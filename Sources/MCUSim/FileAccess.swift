#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

// Reading the files a user names (models, budgets, baselines, --input arrays): what the
// path is when it is not a readable regular file (a symlink loop, a FIFO, a directory),
// and a size cap checked before anything is read, so a hostile or mistaken path gets a
// one-line answer instead of a hang, a misleading "no such file" or gigabytes of memory.

enum FileAccess {
    /// Caps on what one file may hold: generous for real inputs, small enough that parsing
    /// the largest allowed file stays far below 512 MB of memory.
    enum Limit {
        /// A budget file: a few hundred bytes per entry.
        static let budget = 1 << 20
        /// A `check --json` baseline: per-operator figures for every entry (some 150 bytes an
        /// operator: 4 MB holds over 25,000).
        static let baseline = 4 << 20
        /// A model: larger than any microcontroller's flash.
        static let model = 256 << 20
    }

    /// Why `path` cannot be read as a regular file, or nil when it can be opened.
    static func problem(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return describe(errno: errno, path: path) }
        if let kind = nonRegularKind(info.st_mode) { return kind }
        guard access(path, R_OK) == 0 else { return describe(errno: errno, path: path) }
        return nil
    }

    /// The whole file at `path`, refused (exit 2, naming `what`) when it is not a readable
    /// regular file or holds more than `limit` bytes.
    static func contents(of path: String, limit: Int, what: String) throws -> [UInt8] {
        func fail(_ message: String) -> FileError { FileError(file: path, message: message, code: ExitCode.invalidInput) }
        // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw fail(describe(errno: errno, path: path)) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw fail(describe(errno: errno, path: path)) }
        if let kind = nonRegularKind(info.st_mode) { throw fail(kind) }
        let size = Int(info.st_size)
        guard size <= limit else {
            throw fail("the file has \(size) bytes, more than the \(limit) bytes mcusim reads from \(what)")
        }
        // Read to the end rather than trusting st_size: the file may grow meanwhile.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail(describe(errno: errno, path: path))
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
            guard bytes.count <= limit else { throw fail("the file has more than the \(limit) bytes mcusim reads from \(what)") }
        }
    }

    private static func nonRegularKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "is a directory, not a file"
        case S_IFIFO: return "is a named pipe (FIFO), not a regular file"
        case S_IFSOCK: return "is a socket, not a regular file"
        case S_IFCHR: return "is a character device, not a regular file"
        case S_IFBLK: return "is a block device, not a regular file"
        default: return "is not a regular file"
        }
    }

    private static func describe(errno code: Int32, path: String) -> String {
        switch code {
        case ENOENT:
            var info = stat()
            // lstat succeeds where stat does not: the path is a symbolic link to nothing.
            if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK { return "a symbolic link to a file that does not exist" }
            return "no such file"
        case ELOOP: return "a loop of symbolic links (too many levels to resolve)"
        case EACCES, EPERM: return "permission denied"
        case ENOTDIR: return "no such file (a part of the path is not a directory)"
        case ENAMETOOLONG: return "the path is too long"
        case EISDIR: return "is a directory, not a file"
        default: return "cannot read the file (\(String(cString: strerror(code))))"
        }
    }
}
