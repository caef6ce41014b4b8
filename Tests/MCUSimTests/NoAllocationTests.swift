import Foundation
import TestSupport
import XCTest
@testable import Interpreter
@testable import MCUSim

/// Nothing is allocated on the heap while a model runs. Proof: valgrind counts every
/// malloc of a whole `mcusim run`; 1 invoke and 4 invokes of the same model must show
/// the same number of allocations (everything is allocated before the first invoke),
/// in the debug build `swift test` makes, where the optimizer removes nothing. Run on
/// the bundled examples (every conv, depthwise, pool, FC, reshape and softmax path
/// they use), so it needs no ../shared.
final class NoAllocationTests: XCTestCase {
    private func valgrindPath() -> String? {
        for candidate in ["/usr/bin/valgrind", "/usr/local/bin/valgrind"] where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return nil
    }

    /// The mcusim executable built beside this test bundle.
    private func mcusimExecutable() -> URL? {
        // On Linux the test runner is itself an executable in the build products directory.
        let runner = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = runner.deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("mcusim")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    private func heapAllocations(_ executable: URL, valgrind: String, arguments: [String]) throws -> Int {
        // valgrind cannot run a program built with AddressSanitizer (CI's sanitizer step): every
        // test that counts allocations skips there.
        if Sanitizers.address { throw XCTSkip("an AddressSanitizer build cannot run under valgrind") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: valgrind)
        process.arguments = ["--tool=memcheck", "--leak-check=no", executable.path] + arguments
        let errorPipe = Pipe()
        process.standardError = errorPipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errorPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, text)
        // "total heap usage: 1,234 allocs, 1,200 frees, ..."
        guard let range = text.range(of: #"total heap usage: ([0-9,]+) allocs"#, options: .regularExpression) else {
            throw XCTSkip("valgrind printed no heap summary: \(text.suffix(300))")
        }
        let digits = text[range].components(separatedBy: "usage: ")[1].split(separator: " ")[0].replacingOccurrences(of: ",", with: "")
        return Int(digits) ?? -1
    }

    func testInvokeAllocatesNothing() throws {
        // valgrind cannot run a program built with AddressSanitizer (CI's sanitizer step).
        if Sanitizers.address { throw XCTSkip("an AddressSanitizer build cannot run under valgrind") }
        guard let valgrind = valgrindPath() else { throw XCTSkip("valgrind is not installed; cannot count allocations") }
        guard let executable = mcusimExecutable() else { throw XCTSkip("the mcusim executable was not found beside the test bundle") }
        for model in ["mnist_cnn_int8", "kws_dscnn_int8"] {
            let path = SharedReference.examplesDirectory.appendingPathComponent("models/\(model).tflite").path
            // Both kernel variants run the same eval code; cmsis-nn is the default.
            let once = try heapAllocations(executable, valgrind: valgrind, arguments: ["run", path, "--json", "--repeat", "1"])
            let more = try heapAllocations(executable, valgrind: valgrind, arguments: ["run", path, "--json", "--repeat", "4"])
            XCTAssertGreaterThan(once, 0)
            XCTAssertEqual(more, once, "\(model): 3 extra invokes made \(more - once) heap allocations")
        }
    }

    /// The signal library's kernels: every stateful one (delay, framer, spectral subtraction,
    /// stacker), the int16 and float FFTs and overlap-add (int32 FFTs run the same generic code).
    func testSignalKernelsAllocateNothingInInvoke() throws {
        guard let valgrind = valgrindPath() else { throw XCTSkip("valgrind is not installed; cannot count allocations") }
        guard let executable = mcusimExecutable() else { throw XCTSkip("the mcusim executable was not found beside the test bundle") }
        for model in ["sig_pipeline_streaming_int16", "sig_pipeline_resynthesis_float"] {
            let path = SharedReference.fixturesDirectory.appendingPathComponent("\(model).tflite").path
            guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("\(model) is absent") }
            let once = try heapAllocations(executable, valgrind: valgrind, arguments: ["run", path, "--json", "--repeat", "1"])
            let more = try heapAllocations(executable, valgrind: valgrind, arguments: ["run", path, "--json", "--repeat", "4"])
            XCTAssertGreaterThan(once, 0)
            XCTAssertEqual(more, once, "\(model): 3 extra invokes made \(more - once) heap allocations")
        }
    }
}
