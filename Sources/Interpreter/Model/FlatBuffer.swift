// A bounds-checked FlatBuffers reader.
//
// Every offset and length is checked against the file before it is used, so a
// truncated or hostile file throws `ModelError` instead of trapping or reading
// out of bounds. FlatBuffers' uoffsets only point forward, and this reader never
// recurses through a generic object graph, so cyclic offsets cannot loop; a work
// budget proportional to the file size bounds the decoding of shared vectors that
// many tables point at.

/// A model file that cannot be read: what went wrong and where (a byte offset or a
/// schema path like `subgraphs[0].tensors[3].shape`).
public struct ModelError: Error, CustomStringConvertible, Sendable {
    public let what: String
    public let whereInFile: String

    public init(_ what: String, at whereInFile: String) {
        self.what = what
        self.whereInFile = whereInFile
    }

    public var description: String { "\(what) (\(whereInFile))" }
}

/// The raw bytes of a flatbuffer with checked little-endian loads.
final class FlatBuffer: @unchecked Sendable {
    let bytes: [UInt8]
    /// Elements and tables decoded so far; see `charge`.
    private var work = 0
    private let workBudget: Int

    init(bytes: [UInt8]) {
        self.bytes = bytes
        // Generous: a legitimate model decodes each byte a handful of times at most.
        self.workBudget = 64 * bytes.count + 1 << 20
    }

    var count: Int { bytes.count }

    /// Counts decoding work so that shared vectors referenced by many tables cannot
    /// make a small file take unbounded time.
    func charge(_ units: Int, at path: @autoclosure () -> String) throws {
        work += max(units, 1)
        if work > workBudget {
            throw ModelError("model structure is larger than its file size allows", at: path())
        }
    }

    func check(_ position: Int, _ size: Int, _ path: @autoclosure () -> String) throws {
        guard position >= 0, size >= 0, position <= count, size <= count - position else {
            throw ModelError("offset \(position) + \(size) bytes is outside the file of \(count) bytes", at: path())
        }
    }

    func load<T: FixedWidthInteger>(_: T.Type, at position: Int, _ path: @autoclosure () -> String) throws -> T {
        try check(position, MemoryLayout<T>.size, path())
        return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: T.self)) }
    }

    func loadFloat(at position: Int, _ path: @autoclosure () -> String) throws -> Float {
        Float(bitPattern: try load(UInt32.self, at: position, path()))
    }

    func loadDouble(at position: Int, _ path: @autoclosure () -> String) throws -> Double {
        Double(bitPattern: try load(UInt64.self, at: position, path()))
    }

    /// Follows a uoffset stored at `position` to the absolute position it names.
    func follow(_ position: Int, _ path: @autoclosure () -> String) throws -> Int {
        let offset = Int(try load(UInt32.self, at: position, path()))
        let target = position + offset
        try check(target, 0, path())
        return target
    }

    /// The root table, after checking the optional 4-byte file identifier.
    func root(identifier: String?, path: String) throws -> FBTable {
        guard count >= 8 else {
            throw ModelError("file is \(count) bytes, too short for a flatbuffer", at: "offset 0")
        }
        if let identifier {
            let found = bytes[4..<8]
            if Array(identifier.utf8) != Array(found) {
                let shown = String(decoding: found.map { (0x20...0x7e).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
                throw ModelError("not a TFLite flatbuffer: file identifier is \"\(shown)\", expected \"\(identifier)\"", at: "offset 4")
            }
        }
        return try FBTable(buffer: self, position: try follow(0, path), path: path)
    }
}

/// A table: its position and its vtable, both validated.
struct FBTable {
    let buffer: FlatBuffer
    let position: Int
    private let vtable: Int
    private let vtableSize: Int
    private let tableSize: Int
    let path: String

    init(buffer: FlatBuffer, position: Int, path: String) throws {
        try buffer.charge(1, at: path)
        self.buffer = buffer
        self.position = position
        self.path = path
        let soffset = Int(try buffer.load(Int32.self, at: position, path))
        let vtable = position - soffset
        try buffer.check(vtable, 4, "\(path) vtable")
        let vtableSize = Int(try buffer.load(UInt16.self, at: vtable, path))
        let tableSize = Int(try buffer.load(UInt16.self, at: vtable + 2, path))
        guard vtableSize >= 4, vtableSize % 2 == 0 else {
            throw ModelError("vtable size \(vtableSize) is invalid", at: "\(path) vtable at offset \(vtable)")
        }
        try buffer.check(vtable, vtableSize, "\(path) vtable")
        guard tableSize >= 4 else {
            throw ModelError("table size \(tableSize) is invalid", at: "\(path) at offset \(position)")
        }
        try buffer.check(position, tableSize, path)
        self.vtable = vtable
        self.vtableSize = vtableSize
        self.tableSize = tableSize
    }

    /// Absolute position of field `slot` when present, checked to hold `size` bytes
    /// inside the table.
    func fieldPosition(_ slot: Int, size: Int) throws -> Int? {
        let entry = 4 + 2 * slot
        guard entry + 2 <= vtableSize else { return nil }
        let offset = Int(try buffer.load(UInt16.self, at: vtable + entry, path))
        guard offset != 0 else { return nil }
        guard offset >= 4, offset + size <= tableSize else {
            throw ModelError("field \(slot) at table offset \(offset) lies outside its table of \(tableSize) bytes", at: path)
        }
        return position + offset
    }

    func has(_ slot: Int) throws -> Bool { try fieldPosition(slot, size: 0) != nil }

    func scalar<T: FixedWidthInteger>(_ slot: Int, default value: T) throws -> T {
        guard let at = try fieldPosition(slot, size: MemoryLayout<T>.size) else { return value }
        return try buffer.load(T.self, at: at, path)
    }

    func float(_ slot: Int, default value: Float) throws -> Float {
        guard let at = try fieldPosition(slot, size: 4) else { return value }
        return try buffer.loadFloat(at: at, path)
    }

    func double(_ slot: Int, default value: Double) throws -> Double {
        guard let at = try fieldPosition(slot, size: 8) else { return value }
        return try buffer.loadDouble(at: at, path)
    }

    func bool(_ slot: Int, default value: Bool) throws -> Bool {
        try scalar(slot, default: UInt8(value ? 1 : 0)) != 0
    }

    func table(_ slot: Int, _ name: String) throws -> FBTable? {
        guard let at = try fieldPosition(slot, size: 4) else { return nil }
        return try FBTable(buffer: buffer, position: try buffer.follow(at, "\(path).\(name)"), path: "\(path).\(name)")
    }

    func vector(_ slot: Int, _ name: String, elementSize: Int) throws -> FBVector? {
        guard let at = try fieldPosition(slot, size: 4) else { return nil }
        return try FBVector(buffer: buffer, position: try buffer.follow(at, "\(path).\(name)"),
                            elementSize: elementSize, path: "\(path).\(name)")
    }

    func string(_ slot: Int, _ name: String) throws -> String? {
        guard let vector = try vector(slot, name, elementSize: 1) else { return nil }
        return vector.asString()
    }

    // Convenience readers for the common vector shapes.
    func int32s(_ slot: Int, _ name: String) throws -> [Int32]? {
        guard let v = try vector(slot, name, elementSize: 4) else { return nil }
        return try v.map { try v.scalar(Int32.self, at: $0) }
    }

    func floats(_ slot: Int, _ name: String) throws -> [Float]? {
        guard let v = try vector(slot, name, elementSize: 4) else { return nil }
        return try v.map { try v.float(at: $0) }
    }

    func int64s(_ slot: Int, _ name: String) throws -> [Int64]? {
        guard let v = try vector(slot, name, elementSize: 8) else { return nil }
        return try v.map { try v.scalar(Int64.self, at: $0) }
    }

    func tables(_ slot: Int, _ name: String) throws -> [FBTable]? {
        guard let v = try vector(slot, name, elementSize: 4) else { return nil }
        return try v.map { try v.table(at: $0) }
    }
}

/// A vector: element count and start, validated against the file.
struct FBVector {
    let buffer: FlatBuffer
    /// Position of element 0.
    let start: Int
    let count: Int
    let elementSize: Int
    let path: String

    init(buffer: FlatBuffer, position: Int, elementSize: Int, path: String) throws {
        let count = Int(try buffer.load(UInt32.self, at: position, path))
        let start = position + 4
        guard count <= (buffer.count - min(start, buffer.count)) / max(elementSize, 1) else {
            throw ModelError("vector of \(count) elements of \(elementSize) bytes runs past the end of the file", at: "\(path) at offset \(position)")
        }
        try buffer.charge(count, at: path)
        self.buffer = buffer
        self.start = start
        self.count = count
        self.elementSize = elementSize
        self.path = path
    }

    var byteRange: Range<Int> { start..<(start + count * elementSize) }

    func map<T>(_ transform: (Int) throws -> T) rethrows -> [T] {
        var result: [T] = []
        result.reserveCapacity(count)
        for i in 0..<count { result.append(try transform(i)) }
        return result
    }

    func scalar<T: FixedWidthInteger>(_: T.Type, at index: Int) throws -> T {
        try buffer.load(T.self, at: start + index * elementSize, "\(path)[\(index)]")
    }

    func float(at index: Int) throws -> Float {
        try buffer.loadFloat(at: start + index * elementSize, "\(path)[\(index)]")
    }

    func table(at index: Int) throws -> FBTable {
        let element = "\(path)[\(index)]"
        return try FBTable(buffer: buffer, position: try buffer.follow(start + index * 4, element), path: element)
    }

    func string(at index: Int) throws -> String {
        let element = "\(path)[\(index)]"
        let v = try FBVector(buffer: buffer, position: try buffer.follow(start + index * 4, element), elementSize: 1, path: element)
        return v.asString()
    }

    /// UTF-8 decoding repairs invalid sequences instead of failing: names are for display.
    func asString() -> String {
        String(decoding: buffer.bytes[byteRange], as: UTF8.self)
    }
}
