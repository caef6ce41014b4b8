import Foundation
import TestSupport
import XCTest
@testable import Interpreter

/// The FlexBuffers reader (Model/FlexBuffers.swift): hand-computed buffers (each also
/// checked, when written, against the `flatbuffers` package's flexbuffers.Loads), hostile
/// buffers, and every truncation and many byte flips of real option blobs.
final class FlexBuffersTests: XCTestCase {
    private func root(_ bytes: [UInt8]) throws -> FlexReference { try FlexBuffer(bytes: bytes).root() }

    // MARK: Hand-computed buffers

    func testScalars() throws {
        // value, packed type (type << 2 | log2 width), root width
        XCTAssertEqual(try root([0x07, 0x04, 0x01]).asInt64(), 7)                       // INT, 1 byte
        XCTAssertEqual(try root([0xFE, 0xFF, 0x05, 0x02]).asInt64(), -2)                // INT, 2 bytes
        XCTAssertEqual(try root([0x00, 0x00, 0x00, 0x3F, 0x0E, 0x04]).asDouble(), 0.5)  // FLOAT, 4 bytes
        XCTAssertEqual(try root([0x01, 0x68, 0x01]).asBool(), true)                     // BOOL
        XCTAssertEqual(try root([0x2A, 0, 0, 0, 0x04, 0x1A, 0x01]).asInt64(), 42)       // INDIRECT_INT: offset 4 back to a 4-byte int
        XCTAssertEqual(try root([0xFF, 0x08, 0x01]).asUInt64(), 255)                    // UINT 255
        XCTAssertEqual(try root([0xFF, 0x04, 0x01]).asInt64(), -1)                      // the same byte as INT
        XCTAssertEqual(try root([0x07, 0x04, 0x01]).decode(), .int(7))
    }

    func testStringsBlobsAndVectors() throws {
        // "hi": length 2 at byte 0, text at 1, NUL; the root (byte 4) points 3 back.
        XCTAssertEqual(try root([0x02, 0x68, 0x69, 0x00, 0x03, 0x14, 0x01]).asString(), "hi")
        XCTAssertEqual(try root([0x02, 0xAA, 0xBB, 0x02, 0x64, 0x01]).asBlob(), [0xAA, 0xBB])
        // VECTOR_INT [1, 2, 3]: size 3, then the elements.
        XCTAssertEqual(try root([0x03, 0x01, 0x02, 0x03, 0x03, 0x2C, 0x01]).decode(), .vector([.int(1), .int(2), .int(3)]))
        // Untyped VECTOR [5, false]: elements, then a packed type per element.
        XCTAssertEqual(try root([0x02, 0x05, 0x00, 0x04, 0x68, 0x04, 0x28, 0x01]).decode(), .vector([.int(5), .bool(false)]))
        // VECTOR_INT2 [7, -1]: fixed length, no size.
        XCTAssertEqual(try root([0x07, 0xFF, 0x02, 0x40, 0x01]).decode(), .vector([.int(7), .int(-1)]))
    }

    /// {"a": 1, "b": true}, as flexbuffers.Dumps writes it: the keys "a", "b"; the
    /// VECTOR_KEY of their offsets; the map's keys offset, keys width and size; the values;
    /// their types; the root.
    static let mapAB: [UInt8] = [0x61, 0x00, 0x62, 0x00, 0x02, 0x05, 0x04, 0x02, 0x01, 0x02, 0x01, 0x01, 0x04, 0x68, 0x04, 0x24, 0x01]

    func testMaps() throws {
        let map = try root(Self.mapAB).asMap()
        XCTAssertEqual(map.count, 2)
        XCTAssertEqual(try map.key(at: 0), "a")
        XCTAssertEqual(try map.value(forKey: "a")?.asInt64(), 1)
        XCTAssertEqual(try map.value(forKey: "b")?.asBool(), true)
        XCTAssertNil(try map.value(forKey: "c"))
        XCTAssertEqual(try map.tflmInt64(index: 0, key: "a"), 1)
        XCTAssertEqual(try map.tflmBool(index: 1, key: "b"), true)
        XCTAssertEqual(try root(Self.mapAB).decode(), .map([FlexMapEntry(key: "a", value: .int(1)), FlexMapEntry(key: "b", value: .bool(true))]))
        // TFLM reads by position: the wrong key there, or a position past the end, is refused with the path.
        XCTAssertThrowsError(try map.tflmInt64(index: 0, key: "b")) { error in
            XCTAssertEqual((error as? FlexBuffersError)?.path, "custom_options.b")
            XCTAssertTrue("\(error)".contains("'a' there"), "\(error)")
        }
        XCTAssertThrowsError(try map.tflmInt64(index: 2, key: "c"))
        XCTAssertThrowsError(try map.require("c")) { XCTAssertEqual(($0 as? FlexBuffersError)?.path, "custom_options.c") }
        // A float where TFLM reads an integer.
        let floatMap = FlexTestBuilder.map([("a", .float(1.5))], width: 4)
        XCTAssertThrowsError(try root(floatMap).asMap().tflmInt64(index: 0, key: "a")) { XCTAssertTrue("\($0)".contains("float"), "\($0)") }
    }

    /// TFLM's FlexbufferWrapper reads an element's raw bytes as a signed integer of the
    /// map's width: an unsigned 200 in a 1-byte map reads as -56, which is what the kernel gets.
    func testTFLMReadsRawSignedSlots() throws {
        let map = try root(FlexTestBuilder.map([("x", .uint(200))], width: 1)).asMap()
        XCTAssertEqual(try map.tflmInt64(index: 0, key: "x"), -56)
        XCTAssertEqual(try map.value(forKey: "x")?.asUInt64(), 200)
    }

    func testTestBuilderMatchesFlexbuffersDumps() {
        XCTAssertEqual(FlexTestBuilder.map([("b", .bool(true)), ("a", .int(1))], width: 1), Self.mapAB)
    }

    // MARK: Hostile buffers

    func testHostileBuffersAreRefused() {
        let cases: [(String, [UInt8])] = [
            ("empty", []),
            ("one byte", [0x01]),
            ("root width 3", [0x00, 0x00, 0x00, 0x04, 0x03]),
            ("root width past the start", [0x04, 0x08]),
            ("unknown type", [0x00, 0xFC, 0x01]),
            ("offset before the buffer", [0x10, 0x14, 0x01]),
            ("string longer than the buffer", [0xFF, 0x68, 0x69, 0x00, 0x03, 0x14, 0x01]),
            ("vector of 255 elements", [0xFF, 0x01, 0x02, 0x03, 0x03, 0x2C, 0x01]),
            ("float of 1 byte", [0x00, 0x0C, 0x01]),
            ("key without NUL", [0x61, 0x62, 0x02, 0x10, 0x01]),
            ("map keys width 3", [0x61, 0x00, 0x62, 0x00, 0x02, 0x05, 0x04, 0x02, 0x03, 0x02, 0x01, 0x01, 0x04, 0x68, 0x04, 0x24, 0x01]),
            ("map keys and values disagree", [0x61, 0x00, 0x62, 0x00, 0x03, 0x05, 0x04, 0x02, 0x01, 0x02, 0x01, 0x01, 0x04, 0x68, 0x04, 0x24, 0x01]),
            // An untyped vector whose one element is an offset 0 to itself: nesting without end.
            ("self-referencing vector", [0x01, 0x00, 0x28, 0x02, 0x28, 0x01]),
        ]
        for (label, bytes) in cases {
            XCTAssertThrowsError(try FlexBuffer(bytes: bytes).root().decode(), label) { error in
                XCTAssertTrue(error is FlexBuffersError, "\(label): \(error)")
                XCTAssertTrue((error as? FlexBuffersError)?.path.hasPrefix("custom_options") == true, "\(label): \(error)")
            }
        }
    }

    /// Every prefix and 300 random byte flips of each option blob (the signal fixtures',
    /// and TFLM's audio_preprocessor models' when a checkout is at hand) decode or throw a
    /// FlexBuffersError; nothing traps. A trap would end this test process.
    func testTruncationsAndByteFlipsOfRealOptionBlobs() throws {
        let blobs = try Self.optionBlobs()
        XCTAssertGreaterThan(blobs.count, 20)
        var outcomes = (decoded: 0, refused: 0)
        var rng = SplitMix(seed: 14)
        func attempt(_ bytes: [UInt8]) {
            switch FlexBuffer.decode(bytes) {
            case .success: outcomes.decoded += 1
            case .failure: outcomes.refused += 1
            }
        }
        for (_, blob) in blobs {
            for length in 0..<blob.count { attempt(Array(blob.prefix(length))) }
            for _ in 0..<300 {
                var bytes = blob
                for _ in 0..<(1 + Int(rng.next() % 3)) {
                    bytes[Int(rng.next() % UInt64(bytes.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
                }
                attempt(bytes)
            }
        }
        XCTAssertGreaterThan(outcomes.refused, 0)
        XCTAssertGreaterThan(outcomes.decoded, 0)
        print("FlexBuffers fuzz over \(blobs.count) option blobs: \(outcomes.decoded) decoded, \(outcomes.refused) refused")
    }

    /// (where, bytes) of every custom options blob in the signal fixtures and, when present,
    /// TFLM's audio_preprocessor models.
    static func optionBlobs() throws -> [(String, [UInt8])] {
        var urls = try SignalKernelTests.fixtures().map(\.model)
        urls += try SignalKernelTests.externalModels().streams.map(\.model)
        var seen = Set<[UInt8]>()
        var result: [(String, [UInt8])] = []
        for url in urls {
            let model = try Model(contentsOf: url)
            for (i, op) in model.subgraphs[0].operators.enumerated() {
                guard let range = op.customOptions else { continue }
                let bytes = Array(model.bytes[range])
                if seen.insert(bytes).inserted { result.append(("\(url.lastPathComponent) operator \(i)", bytes)) }
            }
        }
        return result
    }
}

/// SplitMix64, for deterministic fuzzing.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A FlexBuffers map writer for tests: keys sorted, every value inline at one width,
/// laid out as flexbuffers' builder does for such maps (keys, key vector, map, root).
enum FlexTestBuilder {
    enum Value {
        case int(Int64), uint(UInt64), bool(Bool), float(Double)
    }

    static func map(_ entries: [(String, Value)], width: Int) -> [UInt8] {
        let sorted = entries.sorted { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
        var out: [UInt8] = []
        func pad() { while out.count % width != 0 { out.append(0) } }
        func put(_ v: UInt64) { for i in 0..<width { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
        var keyPositions: [Int] = []
        for (key, _) in sorted {
            keyPositions.append(out.count)
            out += Array(key.utf8) + [0]
        }
        pad()
        put(UInt64(sorted.count))
        let keysStart = out.count
        for p in keyPositions { put(UInt64(out.count - p)) }
        // keys offset, keys width, size, then the values.
        put(UInt64(out.count - keysStart))
        put(UInt64(width))
        put(UInt64(sorted.count))
        let valuesStart = out.count
        var types: [UInt8] = []
        let log2 = UInt8(width.trailingZeroBitCount)
        for (_, value) in sorted {
            switch value {
            case let .int(v): put(UInt64(bitPattern: v)); types.append(1 << 2 | 0)
            case let .uint(v): put(v); types.append(2 << 2 | 0)
            case let .bool(b): put(b ? 1 : 0); types.append(26 << 2 | 0)
            case let .float(f): put(width == 4 ? UInt64(Float(f).bitPattern) : f.bitPattern); types.append(3 << 2 | log2)
            }
        }
        out += types
        put(UInt64(out.count - valuesStart))
        out += [9 << 2 | log2, UInt8(width)]
        return out
    }

    /// Fuzzer findings (Tests/Regressions/flexbuffers): a map whose keys' byte width is a huge
    /// stored value trapped converting it to Int; every one is now a FlexBuffersError.
    func testFuzzedKeyWidthsAreRefused() throws {
        let directory = SharedReference.packageRoot.appendingPathComponent("Tests/Regressions/flexbuffers")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        XCTAssertGreaterThanOrEqual(names.count, 8)
        for name in names {
            let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
            XCTAssertThrowsError(try FlexBuffer(bytes: bytes).root().asMap(), name) { error in
                XCTAssertTrue("\(error)".contains("keys byte width"), "\(name): \(error)")
            }
        }
    }
}

