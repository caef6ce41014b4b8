// A DEFLATE compressor (RFC 1951), for the figures `inspect` and `fit` give beside the
// flash figure: what a model costs to download over the air or to keep in a compressing
// deployment. TFLM links the flatbuffer as it is, so this is never what the flash holds.
//
// The method is the one zlib documents for its level 9 (its algorithm.txt and the
// comments of deflate.c), written here from that description:
//   - LZ77 over a 32 KiB window; every position is entered in a hash chain keyed by its
//     next 3 bytes, and up to 4096 earlier positions of a chain are tried for the longest
//     match (a quarter of that once the previous match is already 32 bytes long); a match
//     of 258 bytes ends the search;
//   - lazy matching: a match found at one position is emitted only when the next position
//     does not start a longer one, else a literal is emitted and the longer match kept;
//   - a 3-byte match more than 4096 bytes back is dropped: its distance code costs more
//     than the three literals;
//   - blocks of 16,383 symbols, each coded with whichever of dynamic Huffman, fixed Huffman
//     or stored takes the fewest bits.
// Huffman code lengths are the optimal ones under DEFLATE's 15-bit (7 for the code-length
// code) limit, computed by package-merge; zlib uses a heuristic that is at most a few bytes
// worse. The tests check that `Inflate` restores every bundled model byte for byte and that
// the size is within 2% of `gzip -9`'s.

enum Deflate {
    static let windowSize = 1 << 15
    static let minMatch = 3
    static let maxMatch = 258
    /// The farthest a match may reach back (zlib's MAX_DIST: the window less a lookahead).
    static let maxDistance = windowSize - (maxMatch + minMatch + 1)
    static let goodLength = 32
    static let niceLength = 258
    static let maxChain = 4096
    static let tooFar = 4096
    static let hashBits = 15
    static let blockSymbols = 16_383

    /// The DEFLATE stream (no zlib or gzip wrapper) of `input`.
    static func compress(_ input: [UInt8]) -> [UInt8] {
        input.withUnsafeBufferPointer { compress($0) }
    }

    static func compress(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var encoder = BlockEncoder(capacity: input.count / 2 + 64)
        let n = input.count
        guard n > 0, let base = input.baseAddress else {
            encoder.finish(input, start: 0, end: 0, final: true)
            return encoder.writer.bytes
        }
        let hashSize = 1 << hashBits
        let head = UnsafeMutablePointer<Int32>.allocate(capacity: hashSize)
        head.initialize(repeating: -1, count: hashSize)
        let prev = UnsafeMutablePointer<Int32>.allocate(capacity: windowSize)
        prev.initialize(repeating: -1, count: windowSize)
        defer {
            head.deallocate()
            prev.deallocate()
        }
        let windowMask = windowSize - 1

        /// Enters position `p` in its hash chain; the chain's previous head, or -1.
        @inline(__always) func insert(_ p: Int) -> Int {
            let h = (Int(base[p]) << 10 ^ Int(base[p + 1]) << 5 ^ Int(base[p + 2])) & (hashSize - 1)
            let old = head[h]
            prev[p & windowMask] = old
            head[h] = Int32(p)
            return Int(old)
        }

        /// How many bytes from `a` and `b` (a < b) agree, up to `limit`.
        @inline(__always) func common(_ a: Int, _ b: Int, _ limit: Int) -> Int {
            var length = 0
            let raw = UnsafeRawPointer(base)
            while length + 8 <= limit {
                let x = raw.loadUnaligned(fromByteOffset: a + length, as: UInt64.self)
                    ^ raw.loadUnaligned(fromByteOffset: b + length, as: UInt64.self)
                if x != 0 { return length + UInt64(littleEndian: x).trailingZeroBitCount / 8 }
                length += 8
            }
            while length < limit, base[a + length] == base[b + length] { length += 1 }
            return length
        }

        /// The longest match for `position` along the chain from `candidate` that beats `previous`.
        func longestMatch(_ position: Int, _ candidate: Int, previous: Int) -> (length: Int, start: Int) {
            let lookahead = min(maxMatch, n - position)
            var best = max(previous, minMatch - 1)
            var bestStart = 0
            guard best < lookahead else { return (best, bestStart) }
            let nice = min(niceLength, lookahead)
            var chain = previous >= goodLength ? maxChain >> 2 : maxChain
            let limit = position > maxDistance ? position - maxDistance : -1
            var current = candidate
            let raw = UnsafeRawPointer(base)
            @inline(__always) func pair(_ at: Int) -> UInt16 { raw.loadUnaligned(fromByteOffset: at, as: UInt16.self) }
            // The two bytes that would make a match the best so far, and the first two, before a full compare.
            var scanEnd = pair(position + best - 1)
            let scanStart = pair(position)
            while current > limit, chain > 0 {
                if pair(current + best - 1) == scanEnd, pair(current) == scanStart {
                    let length = common(current, position, lookahead)
                    if length > best {
                        best = length
                        bestStart = current
                        if length >= nice { break }
                        scanEnd = pair(position + best - 1)
                    }
                }
                current = Int(prev[current & windowMask])
                chain -= 1
            }
            return (best, bestStart)
        }

        var blockStart = 0
        var position = 0
        var matchLength = minMatch - 1
        var matchStart = 0
        var matchAvailable = false
        while position < n {
            let candidate = position + minMatch <= n ? insert(position) : -1
            let previousLength = matchLength
            let previousStart = matchStart
            matchLength = minMatch - 1
            if candidate >= 0, previousLength < maxMatch, position - candidate <= maxDistance {
                let found = longestMatch(position, candidate, previous: previousLength)
                if found.length > previousLength {
                    matchLength = found.length
                    matchStart = found.start
                    if matchLength == minMatch, position - matchStart > tooFar { matchLength = minMatch - 1 }
                }
            }
            if previousLength >= minMatch, matchLength <= previousLength {
                // The match found one position back is at least as long: take it.
                encoder.match(length: previousLength, distance: position - 1 - previousStart)
                let end = position - 1 + previousLength
                var p = position + 1
                while p < end {
                    if p + minMatch <= n { _ = insert(p) }
                    p += 1
                }
                position = end
                matchAvailable = false
                matchLength = minMatch - 1
            } else if matchAvailable {
                encoder.literal(base[position - 1])
                position += 1
            } else {
                matchAvailable = true
                position += 1
                continue
            }
            if encoder.symbolCount >= blockSymbols {
                // The pending literal (when a match is available) belongs to the next block.
                let end = matchAvailable ? position - 1 : position
                encoder.finish(input, start: blockStart, end: end, final: false)
                blockStart = end
            }
        }
        if matchAvailable { encoder.literal(base[n - 1]) }
        encoder.finish(input, start: blockStart, end: n, final: true)
        return encoder.writer.bytes
    }
}

// MARK: - Blocks

extension Deflate {
    /// Lengths 3...258 as (code 257...285, extra bits, extra value), RFC 1951 3.2.5.
    static let lengthCodes: [(code: UInt16, extraBits: UInt8, extra: UInt16)] = (0...255).map { ll in
        if ll == 255 { return (285, 0, 0) }
        if ll < 8 { return (UInt16(257 + ll), 0, 0) }
        let b = Int.bitWidth - ll.leadingZeroBitCount - 1
        let code = 257 + 4 * (b - 1) + ((ll >> (b - 2)) & 3)
        let base = ((4 + ((ll >> (b - 2)) & 3)) << (b - 2))
        return (UInt16(code), UInt8(b - 2), UInt16(ll - base))
    }

    /// Distance code, extra bits and extra value of distance `d` (1...32768).
    @inline(__always) static func distanceCode(_ d: Int) -> (code: Int, extraBits: Int, extra: Int) {
        let dd = d - 1
        if dd < 4 { return (dd, 0, 0) }
        let b = Int.bitWidth - dd.leadingZeroBitCount - 1
        let high = (dd >> (b - 1)) & 1
        return (2 * b + high, b - 1, dd - ((2 + high) << (b - 1)))
    }

    /// One block's LZ77 symbols and the bits they become.
    struct BlockEncoder {
        var writer: BitWriter
        /// A literal byte (0...255), or 256 + (match length − 3).
        var symbols: [UInt16] = []
        /// 0 for a literal, else the match distance.
        var distances: [UInt16] = []
        var symbolCount: Int { symbols.count }

        init(capacity: Int) {
            writer = BitWriter(capacity: capacity)
            symbols.reserveCapacity(Deflate.blockSymbols + 1)
            distances.reserveCapacity(Deflate.blockSymbols + 1)
        }

        mutating func literal(_ byte: UInt8) {
            symbols.append(UInt16(byte))
            distances.append(0)
        }

        mutating func match(length: Int, distance: Int) {
            symbols.append(UInt16(256 + length - Deflate.minMatch))
            distances.append(UInt16(truncatingIfNeeded: distance))   // 32768 wraps to 0x8000, still nonzero
        }

        /// Writes the pending symbols, which stand for `input[start..<end]`, as one block.
        mutating func finish(_ input: UnsafeBufferPointer<UInt8>, start: Int, end: Int, final: Bool) {
            var literalFrequencies = [Int](repeating: 0, count: 286)
            var distanceFrequencies = [Int](repeating: 0, count: 30)
            var extraBits = 0
            for (symbol, distance) in zip(symbols, distances) {
                if distance == 0 {
                    literalFrequencies[Int(symbol)] += 1
                } else {
                    let l = Deflate.lengthCodes[Int(symbol) - 256]
                    literalFrequencies[Int(l.code)] += 1
                    let d = Deflate.distanceCode(Int(distance))
                    distanceFrequencies[d.code] += 1
                    extraBits += Int(l.extraBits) + d.extraBits
                }
            }
            literalFrequencies[256] = 1

            let literalLengths = Huffman.lengths(literalFrequencies, limit: 15)
            let distanceLengths = Huffman.lengths(distanceFrequencies, limit: 15)
            let header = DynamicHeader(literalLengths: literalLengths, distanceLengths: distanceLengths)
            func dataBits(_ lit: [Int], _ dist: [Int]) -> Int {
                var bits = extraBits
                for i in 0..<286 { bits += literalFrequencies[i] * lit[i] }
                for i in 0..<30 { bits += distanceFrequencies[i] * dist[i] }
                return bits
            }
            let dynamicBits = 3 + header.bits + dataBits(literalLengths, distanceLengths)
            let fixedBits = 3 + dataBits(Huffman.fixedLiteralLengths, Huffman.fixedDistanceLengths)
            let storedBits = Self.storedBits(bytes: end - start, bitPosition: writer.pendingBits)

            if storedBits < min(dynamicBits, fixedBits) {
                writeStored(input, start: start, end: end, final: final)
            } else if fixedBits <= dynamicBits {
                writer.write(final ? 1 : 0, 1)
                writer.write(1, 2)
                writeSymbols(literal: Huffman.fixedLiteralCodes, distance: Huffman.fixedDistanceCodes)
            } else {
                writer.write(final ? 1 : 0, 1)
                writer.write(2, 2)
                header.write(to: &writer)
                writeSymbols(literal: Huffman.codes(literalLengths), distance: Huffman.codes(distanceLengths))
            }
            if final { writer.flush() }
            symbols.removeAll(keepingCapacity: true)
            distances.removeAll(keepingCapacity: true)
        }

        /// Stored blocks hold at most 65,535 bytes each: a 3-bit header, padding to a byte, LEN and NLEN.
        static func storedBits(bytes: Int, bitPosition: Int) -> Int {
            let chunks = max(1, (bytes + 65_534) / 65_535)
            let firstPad = (8 - (bitPosition + 3) % 8) % 8
            return chunks * (3 + 32) + firstPad + (chunks - 1) * 5 + 8 * bytes
        }

        mutating func writeStored(_ input: UnsafeBufferPointer<UInt8>, start: Int, end: Int, final: Bool) {
            var at = start
            repeat {
                let length = min(65_535, end - at)
                let last = at + length == end
                writer.write(final && last ? 1 : 0, 1)
                writer.write(0, 2)
                writer.alignToByte()
                writer.write(length, 16)
                writer.write(~length & 0xFFFF, 16)
                writer.append(UnsafeBufferPointer(rebasing: input[at..<(at + length)]))
                at += length
            } while at < end
        }

        mutating func writeSymbols(literal: [(code: Int, length: Int)], distance: [(code: Int, length: Int)]) {
            for (symbol, distanceValue) in zip(symbols, distances) {
                if distanceValue == 0 {
                    let c = literal[Int(symbol)]
                    writer.write(c.code, c.length)
                } else {
                    let l = Deflate.lengthCodes[Int(symbol) - 256]
                    let c = literal[Int(l.code)]
                    writer.write(c.code, c.length)
                    writer.write(Int(l.extra), Int(l.extraBits))
                    let d = Deflate.distanceCode(Int(distanceValue))
                    let dc = distance[d.code]
                    writer.write(dc.code, dc.length)
                    writer.write(d.extra, d.extraBits)
                }
            }
            let end = literal[256]
            writer.write(end.code, end.length)
        }
    }

    /// A dynamic block's header: HLIT, HDIST, HCLEN, the code-length code and the run-length
    /// coded code lengths of both codes, as one sequence (RFC 1951 3.2.7).
    struct DynamicHeader {
        let literalCount: Int
        let distanceCount: Int
        /// (symbol 0...18, extra value) pairs.
        let runs: [(symbol: Int, extra: Int)]
        let codeLengthLengths: [Int]
        let codeLengthCount: Int
        let bits: Int

        static let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        static let extraBits = [16: 2, 17: 3, 18: 7]

        init(literalLengths: [Int], distanceLengths: [Int]) {
            literalCount = max(257, (literalLengths.lastIndex { $0 != 0 } ?? 0) + 1)
            distanceCount = max(1, (distanceLengths.lastIndex { $0 != 0 } ?? 0) + 1)
            let sequence = Array(literalLengths[0..<literalCount]) + Array(distanceLengths[0..<distanceCount])
            var runs: [(Int, Int)] = []
            var i = 0
            while i < sequence.count {
                let value = sequence[i]
                var run = 1
                while i + run < sequence.count, sequence[i + run] == value { run += 1 }
                i += run
                if value == 0 {
                    while run >= 11 { let r = min(run, 138); runs.append((18, r - 11)); run -= r }
                    if run >= 3 { runs.append((17, run - 3)); run = 0 }
                    while run > 0 { runs.append((0, 0)); run -= 1 }
                } else {
                    runs.append((value, 0))
                    run -= 1
                    while run >= 3 { let r = min(run, 6); runs.append((16, r - 3)); run -= r }
                    while run > 0 { runs.append((value, 0)); run -= 1 }
                }
            }
            self.runs = runs
            var frequencies = [Int](repeating: 0, count: 19)
            for r in runs { frequencies[r.0] += 1 }
            let codeLengths = Huffman.lengths(frequencies, limit: 7)
            codeLengthLengths = codeLengths
            let count = max(4, (Self.order.lastIndex { codeLengths[$0] != 0 } ?? 0) + 1)
            codeLengthCount = count
            var bits = 5 + 5 + 4 + 3 * count
            for r in runs { bits += codeLengths[r.0] + (Self.extraBits[r.0] ?? 0) }
            self.bits = bits
        }

        func write(to writer: inout BitWriter) {
            writer.write(literalCount - 257, 5)
            writer.write(distanceCount - 1, 5)
            writer.write(codeLengthCount - 4, 4)
            for i in 0..<codeLengthCount { writer.write(codeLengthLengths[Self.order[i]], 3) }
            let codes = Huffman.codes(codeLengthLengths)
            for r in runs {
                writer.write(codes[r.symbol].code, codes[r.symbol].length)
                if let extra = Self.extraBits[r.symbol] { writer.write(r.extra, extra) }
            }
        }
    }

    /// Bits written least significant first, as DEFLATE packs them.
    struct BitWriter {
        var bytes: [UInt8] = []
        var buffer: UInt64 = 0
        var count = 0

        init(capacity: Int) { bytes.reserveCapacity(capacity) }

        /// Bits written into the current, unfinished byte.
        var pendingBits: Int { count }

        @inline(__always) mutating func write(_ value: Int, _ bits: Int) {
            buffer |= UInt64(truncatingIfNeeded: value) << UInt64(count)
            count += bits
            while count >= 8 {
                bytes.append(UInt8(truncatingIfNeeded: buffer))
                buffer >>= 8
                count -= 8
            }
        }

        mutating func alignToByte() {
            if count > 0 { write(0, 8 - count) }
        }

        mutating func append(_ raw: UnsafeBufferPointer<UInt8>) {
            bytes.append(contentsOf: raw)
        }

        mutating func flush() { alignToByte() }
    }
}

// MARK: - Huffman codes

enum Huffman {
    /// Optimal code lengths of at most `limit` bits for `frequencies` (0 for unused symbols),
    /// by package-merge (Larmore and Hirschberg). A lone used symbol gets length 1.
    static func lengths(_ frequencies: [Int], limit: Int) -> [Int] {
        var lengths = [Int](repeating: 0, count: frequencies.count)
        let used = frequencies.indices.filter { frequencies[$0] > 0 }.sorted { (frequencies[$0], $0) < (frequencies[$1], $1) }
        if used.count <= 1 {
            if let only = used.first { lengths[only] = 1 }
            return lengths
        }
        // Nodes: leaves first (index = position in `used`), then packages of two nodes.
        var weight = used.map { frequencies[$0] }
        var left = [Int](repeating: -1, count: used.count)
        var right = [Int](repeating: -1, count: used.count)
        let leaves = Array(0..<used.count)
        var list = leaves
        for _ in 1..<limit {
            var packages: [Int] = []
            var i = 0
            while i + 1 < list.count {
                weight.append(weight[list[i]] + weight[list[i + 1]])
                left.append(list[i])
                right.append(list[i + 1])
                packages.append(weight.count - 1)
                i += 2
            }
            // Merge by weight; a leaf goes before a package of equal weight.
            var merged: [Int] = []
            merged.reserveCapacity(leaves.count + packages.count)
            var a = 0, b = 0
            while a < leaves.count || b < packages.count {
                if b == packages.count || (a < leaves.count && weight[leaves[a]] <= weight[packages[b]]) {
                    merged.append(leaves[a]); a += 1
                } else {
                    merged.append(packages[b]); b += 1
                }
            }
            list = merged
        }
        // Each leaf's length = how often it occurs within the first 2n − 2 items.
        var stack: [Int] = []
        for item in list.prefix(2 * used.count - 2) {
            stack.append(item)
            while let node = stack.popLast() {
                if left[node] < 0 { lengths[used[node]] += 1 } else { stack.append(left[node]); stack.append(right[node]) }
            }
        }
        return lengths
    }

    /// Canonical codes for `lengths` (RFC 1951 3.2.2), bit-reversed for an LSB-first writer.
    static func codes(_ lengths: [Int]) -> [(code: Int, length: Int)] {
        var counts = [Int](repeating: 0, count: 16)
        for l in lengths where l > 0 { counts[l] += 1 }
        var next = [Int](repeating: 0, count: 16)
        var code = 0
        for bits in 1..<16 {
            code = (code + counts[bits - 1]) << 1
            next[bits] = code
        }
        return lengths.map { l in
            guard l > 0 else { return (0, 0) }
            let c = next[l]
            next[l] += 1
            var reversed = 0
            for i in 0..<l where c & (1 << i) != 0 { reversed |= 1 << (l - 1 - i) }
            return (reversed, l)
        }
    }

    static let fixedLiteralLengths: [Int] = (0..<286).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 }
    static let fixedDistanceLengths = [Int](repeating: 5, count: 30)
    static let fixedLiteralCodes = codes((0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 })
    static let fixedDistanceCodes = codes([Int](repeating: 5, count: 30))
}
