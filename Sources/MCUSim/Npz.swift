import Interpreter

// NumPy's `.npz`: a zip archive of `.npy` files, one per array (`numpy.savez` stores them,
// `numpy.savez_compressed` deflates them). Read from the central directory (numpy writes
// members with zip64 local headers, so the local header is used only to find the data);
// ZIP64 end records are understood; every offset and size is checked against the file.

struct NpzError: Error, CustomStringConvertible {
    let description: String
}

struct Npz {
    struct Member {
        /// The array's name: the member's file name without `.npy` (`arr_0` for `savez(a)`).
        let name: String
        let method: UInt16
        let crc: UInt32
        let compressedSize: Int
        let size: Int
        let localHeaderOffset: Int
    }

    let bytes: [UInt8]
    /// In archive order, which is the order numpy wrote the arrays.
    let members: [Member]

    static func isArchive(_ bytes: [UInt8]) -> Bool { bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) }

    init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
        func fail(_ what: String) -> NpzError { NpzError(description: ".npz: \(what)") }
        func u16(_ at: Int) throws -> Int {
            guard at >= 0, at + 2 <= bytes.count else { throw fail("truncated archive") }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8
        }
        func u32(_ at: Int) throws -> Int {
            let low = try u16(at), high = try u16(at + 2)
            return low | high << 16
        }
        func u64(_ at: Int) throws -> Int {
            let low = try u32(at), high = try u32(at + 4)
            guard high < 1 << 30 else { throw fail("size out of range") }
            return low | high << 32
        }

        // The end of central directory record: within the last 64 KiB + 22 bytes (its comment).
        var end = -1
        var i = bytes.count - 22
        while i >= max(0, bytes.count - 22 - 0xFFFF) {
            if bytes[i] == 0x50, bytes[i + 1] == 0x4B, bytes[i + 2] == 0x05, bytes[i + 3] == 0x06 { end = i; break }
            i -= 1
        }
        guard end >= 0 else { throw fail("not a zip archive (no end of central directory)") }
        var count = try u16(end + 10)
        var directorySize = try u32(end + 12)
        var directoryOffset = try u32(end + 16)
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // ZIP64: a locator just before the record points at the ZIP64 end record.
            guard end >= 20, try u32(end - 20) == 0x0706_4B50 else { throw fail("ZIP64 locator missing") }
            let record = try u64(end - 12)
            guard try u32(record) == 0x0606_4B50 else { throw fail("ZIP64 end record missing") }
            count = try u64(record + 32)
            directorySize = try u64(record + 40)
            directoryOffset = try u64(record + 48)
        }
        guard directoryOffset <= bytes.count, directorySize <= bytes.count - directoryOffset else {
            throw fail("central directory out of bounds")
        }
        guard count <= directorySize / 46 else { throw fail("more entries than the central directory holds") }

        var members: [Member] = []
        var at = directoryOffset
        for _ in 0..<count {
            guard try u32(at) == 0x0201_4B50 else { throw fail("bad central directory entry") }
            let flags = try u16(at + 8)
            let method = try u16(at + 10)
            let crc = try u32(at + 16)
            var compressed = try u32(at + 20)
            var size = try u32(at + 24)
            let nameLength = try u16(at + 28)
            let extraLength = try u16(at + 30)
            let commentLength = try u16(at + 32)
            var offset = try u32(at + 42)
            guard at + 46 + nameLength + extraLength <= bytes.count else { throw fail("truncated central directory") }
            guard flags & 1 == 0 else { throw fail("encrypted members are not supported") }
            let name = String(decoding: bytes[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
            // ZIP64 extra field: the 64-bit values of whichever fields hold 0xFFFFFFFF, in this order.
            var extra = at + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = try u16(extra), length = try u16(extra + 2)
                if id == 1 {
                    var field = extra + 4
                    if size == 0xFFFF_FFFF { size = try u64(field); field += 8 }
                    if compressed == 0xFFFF_FFFF { compressed = try u64(field); field += 8 }
                    if offset == 0xFFFF_FFFF { offset = try u64(field) }
                }
                extra += 4 + length
            }
            let arrayName = name.hasSuffix(".npy") ? String(name.dropLast(4)) : name
            members.append(Member(name: arrayName, method: UInt16(method), crc: UInt32(crc), compressedSize: compressed,
                                  size: size, localHeaderOffset: offset))
            at += 46 + nameLength + extraLength + commentLength
        }
        self.members = members
    }

    /// The member's `.npy` bytes, inflated when deflated and checked against its CRC-32;
    /// `limit` caps what it may decompress to.
    func data(of member: Member, limit: Int) throws -> [UInt8] {
        func fail(_ what: String) -> NpzError { NpzError(description: ".npz member '\(member.name)': \(what)") }
        let header = member.localHeaderOffset
        guard header >= 0, header <= bytes.count - 30,
              bytes[header] == 0x50, bytes[header + 1] == 0x4B, bytes[header + 2] == 0x03, bytes[header + 3] == 0x04 else {
            throw fail("bad local header")
        }
        let start = header + 30 + (Int(bytes[header + 26]) | Int(bytes[header + 27]) << 8)
            + (Int(bytes[header + 28]) | Int(bytes[header + 29]) << 8)
        guard start <= bytes.count, member.compressedSize <= bytes.count - start else { throw fail("data runs past the end of the archive") }
        let stored = bytes[start..<(start + member.compressedSize)]
        guard member.size <= limit else {
            throw fail("holds \(member.size) bytes, more than the \(limit) an input of this model can need")
        }
        let data: [UInt8]
        switch member.method {
        case 0: data = Array(stored)
        case 8:
            do { data = try Inflate.decompress(stored, limit: member.size) } catch let e as InflateError { throw fail("deflate: \(e.description)") }
        default:
            throw fail("compression method \(member.method) is not supported (numpy.savez stores, savez_compressed deflates)")
        }
        guard data.count == member.size else { throw fail("holds \(data.count) bytes, the directory says \(member.size)") }
        guard CRC32.checksum(data) == member.crc else { throw fail("CRC-32 mismatch: the archive is damaged") }
        return data
    }
}
