// A DEFLATE decoder (RFC 1951) for `.npz` members written by `numpy.savez_compressed`:
// stored, fixed-Huffman and dynamic-Huffman blocks, canonical codes decoded one bit at a
// time (inputs are tensors, kilobytes to a few megabytes, so simplicity beats speed).
// Every read is bounds-checked and the output is capped by the caller, so a small hostile
// file throws instead of trapping or allocating without bound.

struct InflateError: Error, CustomStringConvertible {
    let description: String
}

enum Inflate {
    /// The data `input` decompresses to; throws when it is malformed or would exceed `limit` bytes.
    static func decompress(_ input: ArraySlice<UInt8>, limit: Int) throws -> [UInt8] {
        var state = State(input: input, limit: limit)
        try state.run()
        return state.output
    }

    /// Lengths 257...285: base and extra bits (RFC 1951, 3.2.5).
    private static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    /// Distances 0...29: base and extra bits.
    private static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
                                              2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    /// The order code-length code lengths are sent in a dynamic block header.
    private static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// A canonical Huffman code: how many codes of each length, and the symbols in code order.
    private struct Code {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int] = []

        /// From the code length of each symbol (0: unused). Over-subscribed sets are refused;
        /// incomplete ones are allowed (a single distance code is legal) and fail when an
        /// unassigned code is met.
        init(lengths: [Int]) throws {
            for l in lengths { counts[l] += 1 }
            counts[0] = 0
            var left = 1
            for len in 1...15 {
                left = left * 2 - counts[len]
                guard left >= 0 else { throw InflateError(description: "over-subscribed Huffman code") }
            }
            var offsets = [Int](repeating: 0, count: 16)
            for len in 1..<15 { offsets[len + 1] = offsets[len] + counts[len] }
            symbols = [Int](repeating: 0, count: lengths.count)
            for (symbol, l) in lengths.enumerated() where l != 0 {
                symbols[offsets[l]] = symbol
                offsets[l] += 1
            }
        }
    }

    private struct State {
        let input: ArraySlice<UInt8>
        let limit: Int
        var position: Int
        var bitBuffer = 0
        var bitCount = 0
        var output: [UInt8] = []

        init(input: ArraySlice<UInt8>, limit: Int) {
            self.input = input
            self.limit = limit
            position = input.startIndex
        }

        mutating func bits(_ n: Int) throws -> Int {
            while bitCount < n {
                guard position < input.endIndex else { throw InflateError(description: "compressed data ends early") }
                bitBuffer |= Int(input[position]) << bitCount
                position += 1
                bitCount += 8
            }
            let value = bitBuffer & ((1 << n) - 1)
            bitBuffer >>= n
            bitCount -= n
            return value
        }

        /// One symbol: codes are read most significant bit first, one bit at a time.
        mutating func decode(_ code: Code) throws -> Int {
            var value = 0, first = 0, index = 0
            for len in 1...15 {
                value |= try bits(1)
                let count = code.counts[len]
                if value - first < count { return code.symbols[index + value - first] }
                index += count
                first = (first + count) << 1
                value <<= 1
            }
            throw InflateError(description: "invalid Huffman code")
        }

        mutating func append(_ byte: UInt8) throws {
            guard output.count < limit else { throw InflateError(description: "decompresses to more than \(limit) bytes") }
            output.append(byte)
        }

        mutating func run() throws {
            var last = false
            while !last {
                last = try bits(1) == 1
                switch try bits(2) {
                case 0: try stored()
                case 1: try codes(Self.fixedLiterals, Self.fixedDistances)
                case 2:
                    let (literals, distances) = try dynamicCodes()
                    try codes(literals, distances)
                default: throw InflateError(description: "invalid block type")
                }
            }
        }

        mutating func stored() throws {
            bitBuffer = 0
            bitCount = 0
            guard input.endIndex - position >= 4 else { throw InflateError(description: "compressed data ends early") }
            let length = Int(input[position]) | Int(input[position + 1]) << 8
            let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
            position += 4
            guard length == ~complement & 0xFFFF else { throw InflateError(description: "stored block length check failed") }
            guard input.endIndex - position >= length else { throw InflateError(description: "compressed data ends early") }
            guard output.count + length <= limit else { throw InflateError(description: "decompresses to more than \(limit) bytes") }
            output.append(contentsOf: input[position..<(position + length)])
            position += length
        }

        static let fixedLiterals: Code = {
            var lengths = [Int](repeating: 8, count: 288)
            for i in 144..<256 { lengths[i] = 9 }
            for i in 256..<280 { lengths[i] = 7 }
            // The lengths are fixed by the RFC and form a complete code.
            return try! Code(lengths: lengths)
        }()
        static let fixedDistances: Code = try! Code(lengths: [Int](repeating: 5, count: 30))

        mutating func dynamicCodes() throws -> (Code, Code) {
            let literalCount = try bits(5) + 257
            let distanceCount = try bits(5) + 1
            let lengthCodeCount = try bits(4) + 4
            guard literalCount <= 286, distanceCount <= 30 else { throw InflateError(description: "too many Huffman codes") }
            var lengthLengths = [Int](repeating: 0, count: 19)
            for i in 0..<lengthCodeCount { lengthLengths[Inflate.codeLengthOrder[i]] = try bits(3) }
            let lengthCode = try Code(lengths: lengthLengths)
            var lengths: [Int] = []
            while lengths.count < literalCount + distanceCount {
                let symbol = try decode(lengthCode)
                switch symbol {
                case 0...15: lengths.append(symbol)
                case 16:
                    guard let previous = lengths.last else { throw InflateError(description: "repeat with no previous length") }
                    lengths += [Int](repeating: previous, count: 3 + (try bits(2)))
                case 17: lengths += [Int](repeating: 0, count: 3 + (try bits(3)))
                default: lengths += [Int](repeating: 0, count: 11 + (try bits(7)))
                }
            }
            guard lengths.count == literalCount + distanceCount else { throw InflateError(description: "code lengths overrun") }
            guard lengths[256] != 0 else { throw InflateError(description: "no end-of-block code") }
            return (try Code(lengths: Array(lengths[0..<literalCount])), try Code(lengths: Array(lengths[literalCount...])))
        }

        mutating func codes(_ literals: Code, _ distances: Code) throws {
            while true {
                let symbol = try decode(literals)
                if symbol < 256 {
                    try append(UInt8(symbol))
                } else if symbol == 256 {
                    return
                } else {
                    let l = symbol - 257
                    guard l < 29 else { throw InflateError(description: "invalid length code") }
                    let length = Inflate.lengthBase[l] + (try bits(Inflate.lengthExtra[l]))
                    let d = try decode(distances)
                    guard d < 30 else { throw InflateError(description: "invalid distance code") }
                    let distance = Inflate.distanceBase[d] + (try bits(Inflate.distanceExtra[d]))
                    guard distance <= output.count else { throw InflateError(description: "distance reaches before the start of the data") }
                    guard output.count + length <= limit else { throw InflateError(description: "decompresses to more than \(limit) bytes") }
                    // Byte by byte: a copy may overlap what it writes.
                    for _ in 0..<length { output.append(output[output.count - distance]) }
                }
            }
        }
    }
}

/// CRC-32 (ISO-HDLC, as zip uses), to check a member's data.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
