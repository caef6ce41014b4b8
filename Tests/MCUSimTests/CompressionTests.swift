import Foundation
import TestSupport
import XCTest
@testable import Interpreter
@testable import MCUSim

/// Our DEFLATE compressor (`Deflate`): `Inflate` restores its output byte for byte, its size is
/// within 2% of `gzip -9` (sizes measured by Scripts/measure_gzip_sizes.sh), and the sparse
/// encodings of weights count what they should.
final class CompressionTests: XCTestCase {
    func roundTrip(_ data: [UInt8], _ what: String, file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let compressed = Deflate.compress(data)
        let restored = try Inflate.decompress(compressed[...], limit: data.count)
        XCTAssertEqual(restored.count, data.count, what, file: file, line: line)
        XCTAssertTrue(restored == data, "\(what): Inflate gives back other bytes", file: file, line: line)
        return compressed.count
    }

    /// The bundled example models, the 12 MNIST variants and the 70%-pruned HAR INT8 model (the
    /// other HAR files take long in a debug build; `Scripts/measure_gzip_sizes.sh` lists all 26 and
    /// the seed study's README gives our sizes of every one): restored exactly, and within 2% of
    /// gzip -9's stream (its file less 18 bytes).
    func testBundledModelsRoundTripAndMatchGzip() throws {
        let measured = try SharedReference.json(SharedReference.packageRoot.appendingPathComponent("Tests/Fixtures/gzip_sizes.json"))
        let sizes = try XCTUnwrap(measured["gzip_bytes"] as? [String: Int])
        let container = try XCTUnwrap(measured["container_bytes"] as? Int)
        var checked = 0
        for (path, gzipBytes) in sizes.sorted(by: { $0.key < $1.key }) {
            let data = [UInt8](try Data(contentsOf: SharedReference.packageRoot.appendingPathComponent(path)))
            guard path.hasPrefix("Examples/models/") || path.contains("/mnist_cnn_") || path.hasSuffix("har_fc_p70_int8.tflite") else { continue }
            let ours = try roundTrip(data, path)
            let gzipStream = gzipBytes - container
            XCTAssertLessThanOrEqual(abs(Double(ours - gzipStream)) / Double(gzipStream), 0.02, "\(path): ours \(ours) B, gzip -9 \(gzipStream) B")
            checked += 1
        }
        XCTAssertEqual(checked, 15)
    }

    /// Edge cases: nothing, one byte, long runs (distance 1, 258-byte matches), data that does
    /// not compress (stored blocks, more than 65,535 bytes), many blocks, matches at the window's reach.
    func testEdgeCasesRoundTrip() throws {
        var rng = SplitMix64(seed: 7)
        XCTAssertEqual(try roundTrip([], "empty"), 2, "one final fixed block with only the end code")
        XCTAssertLessThanOrEqual(try roundTrip([42], "one byte"), 3)
        XCTAssertLessThan(try roundTrip([UInt8](repeating: 0, count: 100_000), "zeros"), 200)
        let random = (0..<150_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        // Stored: 10 blocks of 16,383 literals at most, each with 5 bytes of header, plus a byte of padding.
        XCTAssertLessThanOrEqual(try roundTrip(random, "random"), 150_000 + 10 * 5 + 1)
        // A stored block longer than 65,535 bytes is split.
        var encoder = Deflate.BlockEncoder(capacity: 0)
        random.withUnsafeBufferPointer { encoder.writeStored($0, start: 0, end: 70_000, final: true) }
        XCTAssertEqual(encoder.writer.bytes.count, 70_000 + 2 * 5)
        XCTAssertTrue(try Inflate.decompress(encoder.writer.bytes[...], limit: 70_000) == Array(random.prefix(70_000)))
        let text = Array(String(repeating: "the quick brown fox jumps over the lazy dog; ", count: 2000).utf8)
        XCTAssertLessThan(try roundTrip(text, "text"), 1000)
        // A 4 KB random block repeated 32,400 bytes later: matches near the farthest distance.
        let block = Array(random.prefix(4096))
        let far = block + Array(random[10_000..<(10_000 + 28_304)]) + block
        XCTAssertLessThan(try roundTrip(far, "far repeat"), far.count - 3000)
        // Short random words from a small alphabet: many matches of 3-5 bytes, several blocks.
        let words = (0..<60_000).map { _ in UInt8(97 + rng.next() % 4) }
        _ = try roundTrip(words, "small alphabet")
    }

    /// Package-merge: lengths within the limit and a complete code (Kraft sum exactly 1) even
    /// where plain Huffman would go 29 deep (Fibonacci frequencies).
    func testHuffmanLengthsAreLimitedAndComplete() {
        var fibonacci = [1, 1]
        while fibonacci.count < 30 { fibonacci.append(fibonacci[fibonacci.count - 1] + fibonacci[fibonacci.count - 2]) }
        for limit in [7, 15] {
            let frequencies = Array(fibonacci.prefix(limit == 7 ? 19 : 30))
            let lengths = Huffman.lengths(frequencies, limit: limit)
            XCTAssertLessThanOrEqual(lengths.max() ?? 0, limit)
            XCTAssertEqual(lengths.reduce(0.0) { $0 + pow(2, -Double($1)) }, 1, accuracy: 1e-12)
        }
        // A code that needs no limit is plain Huffman: 1, 1, 2, 4 -> lengths 3, 3, 2, 1.
        XCTAssertEqual(Huffman.lengths([1, 1, 2, 4], limit: 15), [3, 3, 2, 1])
        XCTAssertEqual(Huffman.lengths([0, 5, 0], limit: 15), [0, 1, 0], "a lone symbol gets one bit")
    }

    /// Bitmap and CSR byte counts by hand.
    func testSparseEncodingsByHand() {
        // 10 × 100 int8, 700 zeros: bitmap 125 + 300 values; CSR 11 row pointers of 2 B (300 > 255),
        // 300 column indices of 1 B (≤ 99), 300 values.
        let t = CompressionFigures.Tensor(index: 0, elements: 1000, zeros: 700, elementBytes: 1, rows: 10, columns: 100)
        XCTAssertEqual(t.dense, 1000)
        XCTAssertEqual(t.bitmap, 425)
        XCTAssertEqual(t.csr, 22 + 300 + 300)
        XCTAssertEqual(t.encoding, .bitmap)
        // float32 at 99% zeros: CSR (1 B pointers, 2 B indices) beats the bitmap.
        let sparse = CompressionFigures.Tensor(index: 1, elements: 40_000, zeros: 39_800, elementBytes: 4, rows: 40, columns: 1000)
        XCTAssertEqual(sparse.bitmap, 5000 + 800)
        XCTAssertEqual(sparse.csr, 41 * 1 + 200 * 2 + 200 * 4)
        XCTAssertEqual(sparse.encoding, .csr)
        // Nothing pruned: dense.
        XCTAssertEqual(CompressionFigures.Tensor(index: 2, elements: 64, zeros: 0, elementBytes: 1, rows: 8, columns: 8).encoding, .dense)
    }

    /// inspect on the 50%-pruned MNIST INT8 model: the weight tensors' zeros as models.json
    /// counts them per layer, their encodings, and the labelled compression lines.
    func testInspectShowsCompressionBesideTheFile() throws {
        let path = SharedReference.examplesDirectory.appendingPathComponent("seed-study/models/mnist_cnn_p50_int8.tflite").path
        let result = runCLI(["inspect", path, "--json"])
        XCTAssertEqual(result.code, 0, result.err)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        let compression = try XCTUnwrap(json["compression"] as? [String: Any])
        XCTAssertEqual(compression["file_bytes"] as? Int, 20_248)
        XCTAssertEqual(compression["deflate_bytes"] as? Int, Deflate.compress([UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))).count)
        let weights = try XCTUnwrap(json["weights"] as? [[String: Any]])
        // models.json: the kernels have 36 of 72, 576 of 1,152, 6,400 of 12,800 and 160 of 320 zeros.
        let byElements = Dictionary(uniqueKeysWithValues: weights.map { ($0["elements"] as? Int ?? 0, $0) })
        for (elements, zeros) in [(72, 36), (1152, 576), (12_800, 6400), (320, 160)] {
            let w = try XCTUnwrap(byElements[elements])
            XCTAssertEqual(w["zeros"] as? Int, zeros)
            XCTAssertEqual(w["bitmap_bytes"] as? Int, (elements + 7) / 8 + (elements - zeros))
            XCTAssertEqual(w["sparse_encoding"] as? String, "bitmap")
        }
        XCTAssertEqual(compression["weights_sparse_bytes"] as? Int, 9 + 36 + 144 + 576 + 1600 + 6400 + 40 + 160)
        let text = runCLI(["inspect", path]).out
        XCTAssertTrue(text.contains("not what TFLM flashes (it links the 20,248 B flatbuffer as is, pruned zeros included)"), text)
    }
}
