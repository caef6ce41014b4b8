#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport
import XCTest
@testable import MCUSim

/// Replays `Tests/Regressions/`: every input that once crashed mcusim, hung it or made it
/// allocate without bound (hand-made by `make_regressions.py`, or found by the fuzzers in
/// `Fuzz/`). Each runs in the built `mcusim` executable, in its own process, so a trap fails
/// one case instead of killing the test run, and its peak memory and time can be measured.
/// Every run must exit 0 to 3 (2 and 3 with exactly one `mcusim: error:` line), stay under
/// 512 MB and 60 s, and leave every existing file as it was; the cases in `cases.json` also
/// pin the exit code and the message.
final class RegressionCorpusTests: XCTestCase {
    static let corpus = SharedReference.packageRoot.appendingPathComponent("Tests/Regressions")
    static let memoryLimitBytes = 512 << 20
    static let timeLimitSeconds = 60.0

    struct Run {
        let args: [String]
        let exit: Int32?
        let message: String?
    }

    /// What a file found by a fuzzer is put through, by the folder it is in.
    static func genericRuns(kind: String) -> [[String]] {
        switch kind {
        case "model":
            return [["inspect", "{file}"], ["run", "{file}"], ["run", "{file}", "--kernels", "reference"], ["fit", "{file}"],
                    ["report", "{file}", "--device", "stm32f411re", "--out", "{dir}/report.html"]]
        case "npy": return [["run", "{fixtures}/hand_cast_int8_to_int32.tflite", "--input", "{file}"]]
        case "budget": return [["check", "{file}", "--junit", "{dir}/junit.xml"]]
        case "profile": return [["devices", "--profiles", "{dir}/profiles"]]
        default: return []
        }
    }

    func testEveryRegressionInputIsRefusedOrRunCleanly() throws {
        guard let executable = Self.builtExecutable() else {
            throw XCTSkip("the mcusim executable was not found beside the test bundle")
        }
        let manifest = try SharedReference.json(Self.corpus.appendingPathComponent("cases.json"))
        var pinned: [String: [Run]] = [:]
        for case let entry as [String: Any] in manifest["cases"] as? [Any] ?? [] {
            let file = try XCTUnwrap(entry["file"] as? String)
            pinned[file] = (entry["runs"] as? [[String: Any]] ?? []).map {
                Run(args: $0["args"] as? [String] ?? [], exit: ($0["exit"] as? Int).map(Int32.init), message: $0["message"] as? String)
            }
        }
        var files: [String] = []
        for kind in ["model", "npy", "budget", "profile"] {
            let directory = Self.corpus.appendingPathComponent(kind)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            files += names.sorted().map { "\(kind)/\($0)" }
        }
        XCTAssertEqual(Set(pinned.keys).subtracting(files), [], "cases.json names files that are not in the corpus")
        XCTAssertGreaterThanOrEqual(files.count, 10)

        var runs = 0
        for file in files {
            let kind = String(file.prefix { $0 != "/" })
            let plan = pinned[file] ?? Self.genericRuns(kind: kind).map { Run(args: $0, exit: nil, message: nil) }
            XCTAssertFalse(plan.isEmpty, "\(file): no command replays it")
            for run in plan {
                try check(run, file: file, kind: kind, executable: executable)
                runs += 1
            }
        }
        XCTAssertGreaterThanOrEqual(runs, files.count)
    }

    /// The same inputs through the fuzz targets' own code, in this process (as the fuzzers run
    /// them): under CI's AddressSanitizer build this also catches memory errors a clean exit
    /// code would hide.
    func testEveryRegressionInputThroughItsFuzzTarget() throws {
        let targets: [String: ([UInt8]) -> Void] = [
            "model": FuzzTargets.model, "npy": FuzzTargets.npy, "profile": FuzzTargets.profile, "budget": FuzzTargets.budget,
            "flexbuffers": FuzzTargets.flexBuffers,
        ]
        var count = 0
        for (kind, target) in targets {
            let directory = Self.corpus.appendingPathComponent(kind)
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted() {
                target([UInt8](try Data(contentsOf: directory.appendingPathComponent(name))))
                count += 1
            }
        }
        XCTAssertGreaterThanOrEqual(count, 10)
    }

    private func check(_ run: Run, file: String, kind: String, executable: URL) throws {
        let directory = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = Self.corpus.appendingPathComponent(file).path
        if kind == "profile" {
            // A profile is read from a directory of profiles.
            let profiles = directory.appendingPathComponent("profiles")
            try FileManager.default.createDirectory(at: profiles, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: path, toPath: profiles.appendingPathComponent("fuzzed.json").path)
        }
        let args = run.args.map {
            $0.replacingOccurrences(of: "{file}", with: path)
                .replacingOccurrences(of: "{fixtures}", with: SharedReference.fixturesDirectory.path)
                .replacingOccurrences(of: "{dir}", with: directory.path)
        }
        let label = "\(file): mcusim \(run.args.joined(separator: " "))"
        // Every file the run is given, the whole corpus and the run's own directory must stay as they were.
        let watched = [Self.corpus, directory] + args.filter { FileManager.default.fileExists(atPath: $0) }.map(URL.init(fileURLWithPath:))
        let before = try Self.snapshot(watched)
        let result = try ChildProcess.run(executable.path, args, in: directory, timeLimit: Self.timeLimitSeconds)

        XCTAssertFalse(result.timedOut, "\(label): still running after \(Self.timeLimitSeconds) s")
        XCTAssertNil(result.signal, "\(label): killed by signal \(result.signal ?? 0): \(result.stderr.suffix(2000))")
        // wait4's peak includes the test process's own: posix_spawn's child shares its memory
        // until exec, and Linux keeps that memory's peak in the child's maxrss. The ASan test
        // process passes 512 MB by itself (the children alone stay under 100 MB), so the bound
        // is checked by the ordinary build's pass only.
        if !Sanitizers.address {
            XCTAssertLessThan(result.maxResidentBytes, Self.memoryLimitBytes, "\(label): peak memory \(result.maxResidentBytes >> 20) MB")
        }
        if let expected = run.exit {
            XCTAssertEqual(result.exitCode, expected, "\(label): \(result.stderr)")
        } else {
            XCTAssertTrue((0...3).contains(result.exitCode ?? -1), "\(label): exit \(result.exitCode ?? -1): \(result.stderr)")
        }
        if let code = result.exitCode, code == 2 || code == 3 {
            let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
            XCTAssertEqual(lines.count, 1, "\(label): expected one error line, got \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix("mcusim: error: "), "\(label): \(result.stderr)")
        }
        if let message = run.message {
            XCTAssertTrue(result.stderr.contains(message), "\(label): expected \"\(message)\" in \(result.stderr)")
        }
        let after = try Self.snapshot(watched)
        for (name, state) in before where after[name] != state {
            XCTFail("\(label): changed or removed \(name)")
        }
        if result.exitCode == 2 || result.exitCode == 3 {
            XCTAssertEqual(Set(after.keys).subtracting(before.keys), [], "\(label): a refused run left files behind")
        }
    }

    /// Size, modification time and a checksum of every file at or under `roots`.
    static func snapshot(_ roots: [URL]) throws -> [String: String] {
        var state: [String: String] = [:]
        for root in roots {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else { continue }
            var urls = [root]
            if isDirectory.boolValue {
                urls = (FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.allObjects ?? []).compactMap { $0 as? URL }
            }
            for url in urls {
                let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
                guard attributes[.type] as? FileAttributeType == .typeRegular else { continue }
                let data = try Data(contentsOf: url)
                var hash: UInt64 = 0xCBF2_9CE4_8422_2325
                for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
                let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                state[url.path] = "\(data.count) \(modified) \(hash)"
            }
        }
        return state
    }

    /// The mcusim executable built beside this test bundle.
    static func builtExecutable() -> URL? {
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("mcusim")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }
}

/// A child process with its exit status, output and peak memory (wait4's rusage: Foundation's
/// Process gives no memory figure).
struct ChildProcess {
    var exitCode: Int32?
    var signal: Int32?
    var stdout = ""
    var stderr = ""
    var maxResidentBytes = 0
    var timedOut = false

    static func run(_ executable: String, _ arguments: [String], in directory: URL, timeLimit: Double) throws -> ChildProcess {
        let outPath = directory.appendingPathComponent(".stdout").path
        let errPath = directory.appendingPathComponent(".stderr").path
        defer {
            unlink(outPath)
            unlink(errPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // No backtracer: a crash should end the child at once, not spend seconds symbolicating.
        let environment = ProcessInfo.processInfo.environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { $1 }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw NSError(domain: "posix_spawn", code: Int(spawned)) }

        var result = ChildProcess()
        var status: Int32 = 0
        var usage = rusage()
        let deadline = Date().addingTimeInterval(timeLimit)
        while true {
            let waited = wait4(pid, &status, WNOHANG, &usage)
            if waited == pid { break }
            if waited < 0 && errno != EINTR { throw NSError(domain: "wait4", code: Int(errno)) }
            if Date() > deadline && !result.timedOut {
                result.timedOut = true
                kill(pid, SIGKILL)
            }
            usleep(10_000)
        }
        // WIFEXITED / WTERMSIG, spelled out: the C macros are not imported.
        if status & 0x7F == 0 {
            result.exitCode = (status >> 8) & 0xFF
        } else {
            result.signal = status & 0x7F
        }
        result.maxResidentBytes = Int(usage.ru_maxrss) * 1024
        result.stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        result.stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return result
    }
}
