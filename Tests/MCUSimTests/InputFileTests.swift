import Foundation
import TestSupport
import XCTest
@testable import Interpreter
@testable import MCUSim

/// `run --input`: .npz archives (stored and deflated, as numpy writes them), Fortran-order
/// .npy, floats quantized for quantized inputs as TFLM's QUANTIZE kernel does, and shapes
/// compared up to a leading batch of 1.
final class InputFileTests: XCTestCase {
    var inputs: URL { SharedReference.packageRoot.appendingPathComponent("Tests/Fixtures/inputs") }
    var mnist: String { SharedReference.examplesDirectory.appendingPathComponent("models/mnist_cnn_int8.tflite").path }
    var mnistInput: String { SharedReference.examplesDirectory.appendingPathComponent("models/mnist_cnn_int8.input.npy").path }
    var addModel: String { SharedReference.fixturesDirectory.appendingPathComponent("add_broadcast_channels_f32.tflite").path }

    func npy(_ path: String) throws -> NpyArray { try Npy.read(contentsOf: URL(fileURLWithPath: path)) }

    /// Runs `args` with `--output` to a temporary file and returns the output array and the result.
    func runOutput(_ args: [String]) throws -> (NpyArray?, CLIResult) {
        let dir = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.npy").path
        let result = runCLI(args + ["--output", out])
        return (result.code == 0 ? try npy(out) : nil, result)
    }

    // MARK: Quantizing floats

    /// TFLM's own QUANTIZE kernel (float32 in, int8 / int16 out) on the fixtures' inputs: the
    /// golden outputs are what TFLM computed, so quantizing the same floats with the output
    /// tensor's scale and zero point must give the same bytes.
    func testQuantizeEqualsTFLMsQuantizeKernel() throws {
        for name in ["op_quantize_int8", "op_quantize_int16"] {
            let model = try Model(contentsOf: SharedReference.fixturesDirectory.appendingPathComponent("\(name).tflite"))
            let interpreter = try MicroInterpreter(model: model, options: InterpreterOptions(variant: .reference))
            let out = interpreter.outputTensor(0)
            let input = try npy(SharedReference.fixturesDirectory.appendingPathComponent("\(name).input.npy").path)
            let golden = try npy(SharedReference.fixturesDirectory.appendingPathComponent("\(name).output.npy").path)
            XCTAssertEqual(input.type, .float32)
            let ours = InputFiles.quantize(InputFiles.floats(input), scale: out.scale[0], zeroPoint: out.zeroPoint[0], to: out.type)
            XCTAssertEqual(ours, golden.bytes, name)
        }
    }

    /// Hand-computed: scale 0.5 makes every quotient exact, so ties are real ties.
    func testQuantizeRoundsHalfAwayFromZeroAndClamps() {
        let values: [Float] = [1.25, -1.25, 0.75, -0.75, 0.2, 100, -100, .infinity, -.infinity]
        // 1.25 / 0.5 = 2.5 -> 3 (+5 = 8); -2.5 -> -3 (2); 1.5 -> 2 (7); -1.5 -> -2 (3); 0.4 -> 0 (5);
        // 200 + 5 clamps to 127; -200 + 5 to -128; infinities saturate before the clamp.
        let int8 = InputFiles.quantize(values, scale: 0.5, zeroPoint: 5, to: .int8).map { Int8(bitPattern: $0) }
        XCTAssertEqual(int8, [8, 2, 7, 3, 5, 127, -128, 127, -128])
        let uint8 = InputFiles.quantize([1.25, -1.25, 300], scale: 0.5, zeroPoint: 128, to: .uint8)
        XCTAssertEqual(uint8, [131, 125, 255])
        let int16 = InputFiles.quantize([1.25, -40000], scale: 0.5, zeroPoint: -3, to: .int16)
        XCTAssertEqual(int16, [0x00, 0x00, 0x00, 0x80], "3 - 3 = 0; -80003 clamps to -32768 (0x8000 little-endian)")
    }

    /// The MNIST example's int8 input dequantized to float32 (numpy.savez_compressed) and to
    /// float64 (numpy.savez, stored): quantized back, the run gives the int8 input's outputs.
    func testFloatArchivesForAQuantizedInputRunLikeTheInt8Input() throws {
        let (expected, reference) = try runOutput(["run", mnist, "--input", mnistInput])
        XCTAssertEqual(reference.code, 0, reference.err)
        XCTAssertEqual(reference.err, "")
        for file in ["mnist_float32_deflated.npz", "mnist_float64_stored.npz"] {
            let path = inputs.appendingPathComponent(file).path
            let (output, result) = try runOutput(["run", mnist, "--input", path, "--json"])
            XCTAssertEqual(result.code, 0, "\(file): \(result.err)")
            XCTAssertEqual(output?.bytes, expected?.bytes, file)
            XCTAssertTrue(result.err.hasPrefix("mcusim: note: \(path): float") && result.err.contains("quantized to int8")
                          && result.err.contains("zero point -128"), result.err)
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(result.out.utf8)), "stdout stays JSON")
        }
    }

    // MARK: Archives and Fortran order

    /// numpy.savez_compressed(path, a, b) for a two-input model: one archive for both inputs,
    /// in archive order; the output is TFLM's golden output.
    func testOneArchiveForEveryInputGivesTFLMsOutput() throws {
        let golden = try npy(SharedReference.fixturesDirectory.appendingPathComponent("add_broadcast_channels_f32.output.npy").path)
        let (output, result) = try runOutput(["run", addModel, "--input", inputs.appendingPathComponent("add_broadcast_inputs_deflated.npz").path])
        XCTAssertEqual(result.code, 0, result.err)
        XCTAssertEqual(output?.bytes, golden.bytes)
    }

    func testFortranOrderNpyGivesTFLMsOutput() throws {
        let golden = try npy(SharedReference.fixturesDirectory.appendingPathComponent("add_broadcast_channels_f32.output.npy").path)
        let fortran = inputs.appendingPathComponent("add_broadcast_input_fortran.npy").path
        // The file holds the first input in Fortran order, and reads back in C order.
        XCTAssertEqual(try npy(fortran), try npy(SharedReference.fixturesDirectory.appendingPathComponent("add_broadcast_channels_f32.input.npy").path))
        let (output, result) = try runOutput(["run", addModel, "--input", fortran,
                                              "--input", SharedReference.fixturesDirectory.appendingPathComponent("add_broadcast_channels_f32.input1.npy").path])
        XCTAssertEqual(result.code, 0, result.err)
        XCTAssertEqual(output?.bytes, golden.bytes)
    }

    /// A stored archive written here, its members named after the model's input tensors and
    /// in the opposite order: matched by name.
    func testArchiveMembersAreMatchedByTensorName() throws {
        let dir = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try Data(contentsOf: SharedReference.fixturesDirectory.appendingPathComponent("add_broadcast_channels_f32.input.npy"))
        let second = try Data(contentsOf: SharedReference.fixturesDirectory.appendingPathComponent("add_broadcast_channels_f32.input1.npy"))
        let archive = dir.appendingPathComponent("named.npz")
        try Self.storedZip([("serving_default_in1:0.npy", [UInt8](second)), ("serving_default_in0:0.npy", [UInt8](first))]).write(to: archive)
        let golden = try npy(SharedReference.fixturesDirectory.appendingPathComponent("add_broadcast_channels_f32.output.npy").path)
        let (output, result) = try runOutput(["run", addModel, "--input", archive.path])
        XCTAssertEqual(result.code, 0, result.err)
        XCTAssertEqual(output?.bytes, golden.bytes)

        // Two arrays for one --input of a one-input model: refused, naming them.
        let two = dir.appendingPathComponent("two.npz")
        try Self.storedZip([("a.npy", [UInt8](first)), ("b.npy", [UInt8](first))]).write(to: two)
        let refused = runCLI(["run", mnist, "--input", two.path])
        XCTAssertEqual(refused.code, 2)
        XCTAssertTrue(refused.err.contains("holds 2 arrays (a, b)"), refused.err)
    }

    /// Truncated and damaged archives: one clean error line (exit 2), never a trap; a member
    /// that claims more than any input of the model can need is refused before inflating.
    func testDamagedArchivesAreRefusedCleanly() throws {
        let dir = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = [UInt8](try Data(contentsOf: inputs.appendingPathComponent("mnist_float32_deflated.npz")))
        let file = dir.appendingPathComponent("damaged.npz")
        var rng = SplitMix64(seed: 13)
        var outcomes: [Int32: Int] = [:]
        for trial in 0..<160 {
            var bytes = original
            if trial < 40 {
                bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count))))
            } else {
                for _ in 0..<(1 + Int(rng.next() % 3)) { bytes[Int(rng.next() % UInt64(bytes.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1) }
            }
            try Data(bytes).write(to: file)
            let result = runCLI(["run", mnist, "--input", file.path])
            outcomes[result.code, default: 0] += 1
            XCTAssertTrue(result.code == 0 || result.code == 2, "trial \(trial): exit \(result.code) \(result.err)")
            if result.code == 2 {
                XCTAssertTrue(result.err.hasPrefix("mcusim: error: "), result.err)
                XCTAssertEqual(result.err.split(separator: "\n").filter { $0.hasPrefix("mcusim: error") }.count, 1, result.err)
            }
        }
        XCTAssertGreaterThan(outcomes[2, default: 0], 100, "most damage is caught (CRC-32, sizes, codes): \(outcomes)")

        // A member claiming 1 GiB (the directory's size field doctored).
        var big = [UInt8](try Self.storedZip([("x.npy", [UInt8](try Data(contentsOf: URL(fileURLWithPath: mnistInput))))]))
        let directory = big.indices.first { big[$0] == 0x50 && big[$0 + 1] == 0x4B && big[$0 + 2] == 0x01 && big[$0 + 3] == 0x02 }!
        for (i, b) in [UInt8(0), 0, 0, 0x40].enumerated() { big[directory + 24 + i] = b }
        try Data(big).write(to: file)
        let result = runCLI(["run", mnist, "--input", file.path])
        XCTAssertEqual(result.code, 2)
        XCTAssertTrue(result.err.contains("holds 1073741824 bytes, more than"), result.err)
    }

    /// A stored deflate block built by hand (RFC 1951, 3.2.4) and a fixed-Huffman block from zlib.
    func testInflateStoredAndFixedBlocks() throws {
        // BFINAL=1, BTYPE=00, then LEN=3, NLEN=~3, "abc".
        XCTAssertEqual(try Inflate.decompress([0x01, 0x03, 0x00, 0xFC, 0xFF, 0x61, 0x62, 0x63][...], limit: 10), Array("abc".utf8))
        // "aaaaa" as zlib deflates it (raw, level 9): a fixed-Huffman block with two literals and a copy of distance 1.
        XCTAssertEqual(try Inflate.decompress([0x4B, 0x4C, 0x04, 0x02, 0x00][...], limit: 10), Array("aaaaa".utf8))
        XCTAssertThrowsError(try Inflate.decompress([0x4B, 0x4C, 0x04, 0x02, 0x00][...], limit: 4), "over the limit")
        XCTAssertThrowsError(try Inflate.decompress([0x01, 0x03, 0x00, 0xFC, 0xFE, 0x61][...], limit: 10), "NLEN does not match")
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926, "the CRC-32 check value")
    }

    // MARK: Shapes

    func testShapesAreComparedUpToALeadingBatchOfOne() throws {
        XCTAssertTrue(InputFiles.shapesMatch([1, 28, 28, 1], [1, 28, 28, 1]))
        XCTAssertTrue(InputFiles.shapesMatch([28, 28, 1], [1, 28, 28, 1]), "batch absent")
        XCTAssertTrue(InputFiles.shapesMatch([1, 10], [10]), "batch present")
        XCTAssertFalse(InputFiles.shapesMatch([784], [1, 28, 28, 1]), "same count, other shape")
        XCTAssertFalse(InputFiles.shapesMatch([2, 5], [1, 10]))
        XCTAssertFalse(InputFiles.shapesMatch([1, 1, 28, 28, 1], [28, 28, 1]), "only one batch dimension")

        let dir = try SharedReference.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try npy(mnistInput)
        for (shape, accepted) in [([28, 28, 1], true), ([1, 784], false), ([784], false), ([28, 28], false)] {
            let file = dir.appendingPathComponent("in.npy")
            try Data(try Npy.encode(NpyArray(type: input.type, shape: shape, bytes: input.bytes))).write(to: file)
            let result = runCLI(["run", mnist, "--input", file.path])
            XCTAssertEqual(result.code, accepted ? 0 : 2, "\(shape): \(result.err)")
            if !accepted { XCTAssertTrue(result.err.contains("shape \(shape) does not match input 0 (int8 [1, 28, 28, 1])"), result.err) }
        }
    }

    // MARK: Helpers

    /// A zip archive of stored members, as `numpy.savez` writes (minus its zip64 extras).
    static func storedZip(_ members: [(String, [UInt8])]) -> Data {
        var out: [UInt8] = [], directory: [UInt8] = []
        func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { u16(v & 0xFFFF) + u16(v >> 16 & 0xFFFF) }
        for (name, data) in members {
            let crc = Int(CRC32.checksum(data)), offset = out.count, nameBytes = Array(name.utf8)
            out += u32(0x0403_4B50) + u16(20) + u16(0) + u16(0) + u16(0) + u16(0x21) + u32(crc) + u32(data.count) + u32(data.count)
                + u16(nameBytes.count) + u16(0) + nameBytes + data
            directory += u32(0x0201_4B50) + u16(20) + u16(20) + u16(0) + u16(0) + u16(0) + u16(0x21) + u32(crc) + u32(data.count)
                + u32(data.count) + u16(nameBytes.count) + u16(0) + u16(0) + u16(0) + u16(0) + u32(0) + u32(offset) + nameBytes
        }
        let start = out.count
        out += directory + u32(0x0605_4B50) + u16(0) + u16(0) + u16(members.count) + u16(members.count) + u32(directory.count) + u32(start) + u16(0)
        return Data(out)
    }
}
