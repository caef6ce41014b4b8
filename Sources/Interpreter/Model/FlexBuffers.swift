// A bounds-checked FlexBuffers reader, for operators' `custom_options`.
//
// FlexBuffers (the schema-less sibling of FlatBuffers) ends with the root: its value,
// one packed type byte and one byte giving the root's width. A packed type holds the
// value's type (high six bits) and the byte width of what it points at (low two bits:
// 1, 2, 4 or 8 bytes). Scalars sit inline in their parent's slot; everything else is
// an unsigned offset *backwards* from the slot to the data. Vectors and strings carry
// their length just before their data; an untyped vector has one packed type byte per
// element after its elements; a map is an untyped vector of values preceded by the
// offset and width of a sorted vector of keys.
//
// Every width, offset and length is checked against the buffer before it is used, so
// a truncated or hostile blob throws FlexBuffersError (with a path such as
// `custom_options.fft_length`) instead of reading out of bounds. Offsets may point at
// themselves (offset 0), so decoding a whole tree is bounded by a nesting depth and a
// work budget proportional to the buffer's size.

public struct FlexBuffersError: Error, CustomStringConvertible, Sendable, Equatable {
    public let what: String
    /// Where in the value tree, e.g. `custom_options.fft_length` or `custom_options[2]`.
    public let path: String

    public init(_ what: String, at path: String) {
        self.what = what
        self.path = path
    }

    public var description: String { "\(what) (\(path))" }
}

/// The value types of FlexBuffers (flexbuffers.h, `enum Type`).
public enum FlexType: UInt8, Sendable {
    case null = 0, int = 1, uint = 2, float = 3, key = 4, string = 5
    case indirectInt = 6, indirectUInt = 7, indirectFloat = 8
    case map = 9, vector = 10
    case vectorInt = 11, vectorUInt = 12, vectorFloat = 13, vectorKey = 14, vectorStringDeprecated = 15
    case vectorInt2 = 16, vectorUInt2 = 17, vectorFloat2 = 18
    case vectorInt3 = 19, vectorUInt3 = 20, vectorFloat3 = 21
    case vectorInt4 = 22, vectorUInt4 = 23, vectorFloat4 = 24
    case blob = 25, bool = 26, vectorBool = 36

    /// Stored in the parent's slot rather than behind an offset.
    var isInline: Bool { self == .null || self == .int || self == .uint || self == .float || self == .bool }

    /// For typed vectors: the element type and, for fixed-length ones, the length.
    var typedVectorElement: (type: FlexType, fixedCount: Int?)? {
        switch self {
        case .vectorInt: return (.int, nil)
        case .vectorUInt: return (.uint, nil)
        case .vectorFloat: return (.float, nil)
        case .vectorKey: return (.key, nil)
        case .vectorStringDeprecated: return (.string, nil)
        case .vectorBool: return (.bool, nil)
        case .vectorInt2: return (.int, 2)
        case .vectorUInt2: return (.uint, 2)
        case .vectorFloat2: return (.float, 2)
        case .vectorInt3: return (.int, 3)
        case .vectorUInt3: return (.uint, 3)
        case .vectorFloat3: return (.float, 3)
        case .vectorInt4: return (.int, 4)
        case .vectorUInt4: return (.uint, 4)
        case .vectorFloat4: return (.float, 4)
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .null: "null"
        case .int: "int"
        case .uint: "uint"
        case .float: "float"
        case .key: "key"
        case .string: "string"
        case .indirectInt: "indirect int"
        case .indirectUInt: "indirect uint"
        case .indirectFloat: "indirect float"
        case .map: "map"
        case .vector: "vector"
        case .blob: "blob"
        case .bool: "bool"
        default: "typed vector"
        }
    }
}

/// A decoded FlexBuffers value, for display (inspect) and tests.
public indirect enum FlexValue: Sendable, Equatable {
    case null
    case int(Int64)
    case uint(UInt64)
    case float(Double)
    case bool(Bool)
    case string(String)
    case key(String)
    case blob([UInt8])
    case vector([FlexValue])
    /// Keys in the buffer's (sorted) order.
    case map([FlexMapEntry])

    /// A short human-readable rendering: `512`, `true`, `[1, 2]`, `{a: 1}`.
    public var text: String {
        switch self {
        case .null: return "null"
        case let .int(v): return String(v)
        case let .uint(v): return String(v)
        case let .float(v): return String(v)
        case let .bool(v): return String(v)
        case let .string(s), let .key(s): return "\"\(s)\""
        case let .blob(b): return "blob(\(b.count) bytes)"
        case let .vector(items): return "[" + items.map(\.text).joined(separator: ", ") + "]"
        case let .map(entries): return "{" + entries.map { "\($0.key): \($0.value.text)" }.joined(separator: ", ") + "}"
        }
    }
}

public struct FlexMapEntry: Sendable, Equatable {
    public let key: String
    public let value: FlexValue

    public init(key: String, value: FlexValue) {
        self.key = key
        self.value = value
    }
}

/// The bytes of one FlexBuffers blob and the work spent decoding it.
public final class FlexBuffer: @unchecked Sendable {
    public let bytes: [UInt8]
    /// The path of the root, e.g. `custom_options`.
    public let rootPath: String
    private var work = 0
    private let workBudget: Int
    /// Nesting deeper than this is refused (a self-referencing vector would otherwise recurse forever).
    static let maximumDepth = 32

    public init<C: Collection>(bytes: C, rootPath: String = "custom_options") where C.Element == UInt8 {
        self.bytes = Array(bytes)
        self.rootPath = rootPath
        workBudget = 16 * self.bytes.count + 1024
    }

    var count: Int { bytes.count }

    func charge(_ units: Int, _ path: @autoclosure () -> String) throws {
        work += max(units, 1)
        if work > workBudget {
            throw FlexBuffersError("value tree is larger than the \(count)-byte buffer allows", at: path())
        }
    }

    func check(_ position: Int, _ size: Int, _ path: @autoclosure () -> String) throws {
        guard position >= 0, size >= 0, position <= count, size <= count - position else {
            throw FlexBuffersError("byte \(position) + \(size) is outside the \(count)-byte buffer", at: path())
        }
    }

    static func validWidth(_ width: Int) -> Bool { width == 1 || width == 2 || width == 4 || width == 8 }

    func readUInt(_ position: Int, width: Int, _ path: @autoclosure () -> String) throws -> UInt64 {
        guard Self.validWidth(width) else { throw FlexBuffersError("byte width \(width) is not 1, 2, 4 or 8", at: path()) }
        try check(position, width, path())
        var value: UInt64 = 0
        for i in (0..<width).reversed() { value = value << 8 | UInt64(bytes[position + i]) }
        return value
    }

    func readInt(_ position: Int, width: Int, _ path: @autoclosure () -> String) throws -> Int64 {
        let raw = try readUInt(position, width: width, path())
        let shift = UInt64(64 - 8 * width)
        return Int64(bitPattern: raw << shift) >> Int64(shift)
    }

    func readDouble(_ position: Int, width: Int, _ path: @autoclosure () -> String) throws -> Double {
        switch width {
        case 4: return Double(Float(bitPattern: UInt32(try readUInt(position, width: 4, path()))))
        case 8: return Double(bitPattern: try readUInt(position, width: 8, path()))
        default: throw FlexBuffersError("a float of \(width) byte(s) (only 4 and 8 exist)", at: path())
        }
    }

    /// Follows the unsigned offset stored at `position` backwards to its target.
    func indirect(_ position: Int, width: Int, _ path: @autoclosure () -> String) throws -> Int {
        let offset = try readUInt(position, width: width, path())
        guard offset <= UInt64(position) else {
            throw FlexBuffersError("offset \(offset) at byte \(position) points before the buffer", at: path())
        }
        return position - Int(offset)
    }

    /// The root value: the last byte is its width, the one before its packed type.
    public func root() throws -> FlexReference {
        guard count >= 3 else {
            throw FlexBuffersError("\(count) byte(s) are too few for a FlexBuffers root (value, type, width)", at: rootPath)
        }
        let width = Int(bytes[count - 1])
        guard Self.validWidth(width) else {
            throw FlexBuffersError("root byte width \(width) is not 1, 2, 4 or 8", at: rootPath)
        }
        guard count >= 2 + width else {
            throw FlexBuffersError("the root needs \(width + 2) bytes, the buffer has \(count)", at: rootPath)
        }
        return try FlexReference(buffer: self, slot: count - 2 - width, parentWidth: width, packedType: bytes[count - 2], path: rootPath)
    }
}

/// A value in a FlexBuffer: where its slot is and what it is (type checked on creation).
public struct FlexReference {
    let buffer: FlexBuffer
    /// The slot holding the value (inline types) or the offset to it.
    let slot: Int
    let parentWidth: Int
    /// Width of what an offset points at (elements of a vector, a string's length).
    let byteWidth: Int
    public let type: FlexType
    public let path: String

    init(buffer: FlexBuffer, slot: Int, parentWidth: Int, packedType: UInt8, path: String) throws {
        guard let type = FlexType(rawValue: packedType >> 2) else {
            throw FlexBuffersError("unknown value type \(packedType >> 2)", at: path)
        }
        try self.init(buffer: buffer, slot: slot, parentWidth: parentWidth, byteWidth: 1 << Int(packedType & 3), type: type, path: path)
    }

    init(buffer: FlexBuffer, slot: Int, parentWidth: Int, byteWidth: Int, type: FlexType, path: String) throws {
        try buffer.charge(1, path)
        try buffer.check(slot, parentWidth, path)
        self.buffer = buffer
        self.slot = slot
        self.parentWidth = parentWidth
        self.byteWidth = byteWidth
        self.type = type
        self.path = path
    }

    private func mismatch(_ wanted: String) -> FlexBuffersError {
        FlexBuffersError("expected \(wanted), found \(type.name)", at: path)
    }

    private func target() throws -> Int { try buffer.indirect(slot, width: parentWidth, path) }

    /// A signed integer: int, uint (when it fits), their indirect forms, or a bool.
    public func asInt64() throws -> Int64 {
        switch type {
        case .int: return try buffer.readInt(slot, width: parentWidth, path)
        case .indirectInt: return try buffer.readInt(try target(), width: byteWidth, path)
        case .uint, .indirectUInt, .bool:
            let v = try asUInt64()
            guard v <= UInt64(Int64.max) else { throw FlexBuffersError("unsigned value \(v) does not fit a signed 64-bit integer", at: path) }
            return Int64(v)
        default: throw mismatch("an integer")
        }
    }

    public func asUInt64() throws -> UInt64 {
        switch type {
        case .uint, .bool: return try buffer.readUInt(slot, width: parentWidth, path)
        case .indirectUInt: return try buffer.readUInt(try target(), width: byteWidth, path)
        case .int, .indirectInt:
            let v = try asInt64()
            guard v >= 0 else { throw FlexBuffersError("negative value \(v) where an unsigned integer is expected", at: path) }
            return UInt64(v)
        default: throw mismatch("an unsigned integer")
        }
    }

    /// An integer that must fit in Int32 (the options TFLM's kernels read are int32_t).
    public func asInt32() throws -> Int32 {
        let v = try asInt64()
        guard let narrow = Int32(exactly: v) else { throw FlexBuffersError("\(v) does not fit a 32-bit integer", at: path) }
        return narrow
    }

    public func asDouble() throws -> Double {
        switch type {
        case .float: return try buffer.readDouble(slot, width: parentWidth, path)
        case .indirectFloat: return try buffer.readDouble(try target(), width: byteWidth, path)
        default: throw mismatch("a float")
        }
    }

    /// A bool, or an integer read as nonzero (as flexbuffers' AsBool does).
    public func asBool() throws -> Bool {
        switch type {
        case .bool, .uint, .indirectUInt: return try asUInt64() != 0
        case .int, .indirectInt: return try asInt64() != 0
        default: throw mismatch("a bool")
        }
    }

    /// A string's (or key's) text. Invalid UTF-8 is repaired: names are for display.
    public func asString() throws -> String {
        switch type {
        case .string:
            let start = try target()
            let length = try buffer.readUInt(start - byteWidth, width: byteWidth, path)
            guard length <= UInt64(buffer.count - start) else {
                throw FlexBuffersError("string of \(length) bytes runs past the buffer", at: path)
            }
            try buffer.charge(Int(length) / 16, path)
            return String(decoding: buffer.bytes[start..<(start + Int(length))], as: UTF8.self)
        case .key:
            return try FlexReference.key(buffer: buffer, at: try target(), path)
        default: throw mismatch("a string")
        }
    }

    /// A key: a NUL-terminated string with no length.
    static func key(buffer: FlexBuffer, at start: Int, _ path: String) throws -> String {
        try buffer.check(start, 0, path)
        var end = start
        while end < buffer.count, buffer.bytes[end] != 0 { end += 1 }
        guard end < buffer.count else { throw FlexBuffersError("key at byte \(start) has no terminating NUL", at: path) }
        try buffer.charge((end - start) / 16, path)
        return String(decoding: buffer.bytes[start..<end], as: UTF8.self)
    }

    public func asBlob() throws -> [UInt8] {
        guard type == .blob else { throw mismatch("a blob") }
        let start = try target()
        let length = try buffer.readUInt(start - byteWidth, width: byteWidth, path)
        guard length <= UInt64(buffer.count - start) else {
            throw FlexBuffersError("blob of \(length) bytes runs past the buffer", at: path)
        }
        try buffer.charge(Int(length) / 16, path)
        return Array(buffer.bytes[start..<(start + Int(length))])
    }

    /// A vector, typed vector or fixed-length typed vector (a map's values too).
    public func asVector() throws -> FlexVector {
        let start: Int
        switch type {
        case .vector, .map:
            start = try target()
            return try FlexVector(buffer: buffer, start: start, width: byteWidth, elementType: nil, fixedCount: nil, path: path)
        default:
            guard let element = type.typedVectorElement else { throw mismatch("a vector") }
            start = try target()
            return try FlexVector(buffer: buffer, start: start, width: byteWidth, elementType: element.type,
                                  fixedCount: element.fixedCount, path: path)
        }
    }

    public func asMap() throws -> FlexMap {
        guard type == .map else { throw mismatch("a map") }
        return try FlexMap(values: try asVector())
    }

    /// The whole value tree (for display), within the buffer's depth and work limits.
    public func decode(depth: Int = 0) throws -> FlexValue {
        guard depth <= FlexBuffer.maximumDepth else {
            throw FlexBuffersError("values nest deeper than \(FlexBuffer.maximumDepth) levels", at: path)
        }
        switch type {
        case .null: return .null
        case .int, .indirectInt: return .int(try asInt64())
        case .uint, .indirectUInt: return .uint(try asUInt64())
        case .float, .indirectFloat: return .float(try asDouble())
        case .bool: return .bool(try asBool())
        case .string: return .string(try asString())
        case .key: return .key(try asString())
        case .blob: return .blob(try asBlob())
        case .map:
            let map = try asMap()
            return .map(try (0..<map.count).map { FlexMapEntry(key: try map.key(at: $0), value: try map.value(at: $0).decode(depth: depth + 1)) })
        default:
            let vector = try asVector()
            return .vector(try (0..<vector.count).map { try vector[$0].decode(depth: depth + 1) })
        }
    }
}

/// A vector's elements (untyped: each with its own packed type byte after the elements).
public struct FlexVector {
    let buffer: FlexBuffer
    let start: Int
    let width: Int
    /// nil for an untyped vector.
    let elementType: FlexType?
    public let count: Int
    let path: String

    init(buffer: FlexBuffer, start: Int, width: Int, elementType: FlexType?, fixedCount: Int?, path: String) throws {
        guard FlexBuffer.validWidth(width) else { throw FlexBuffersError("element width \(width) is not 1, 2, 4 or 8", at: path) }
        let count: Int
        if let fixedCount {
            count = fixedCount
        } else {
            let size = try buffer.readUInt(start - width, width: width, path)
            guard size <= UInt64(buffer.count) else { throw FlexBuffersError("vector of \(size) elements in a \(buffer.count)-byte buffer", at: path) }
            count = Int(size)
        }
        // Elements, then (untyped) one type byte each.
        let bytes = count * width + (elementType == nil ? count : 0)
        try buffer.check(start, bytes, path)
        try buffer.charge(count, path)
        self.buffer = buffer
        self.start = start
        self.width = width
        self.elementType = elementType
        self.count = count
        self.path = path
    }

    public subscript(_ i: Int) -> FlexReference {
        get throws { try element(i, path: "\(path)[\(i)]") }
    }

    func element(_ i: Int, path: String) throws -> FlexReference {
        guard i >= 0, i < count else { throw FlexBuffersError("index \(i) is outside a vector of \(count)", at: path) }
        let slot = start + i * width
        if let elementType {
            // Typed vectors: keys and (deprecated) strings are offsets to byte data.
            let childWidth = elementType == .key || elementType == .string ? 1 : width
            return try FlexReference(buffer: buffer, slot: slot, parentWidth: width, byteWidth: childWidth, type: elementType, path: path)
        }
        return try FlexReference(buffer: buffer, slot: slot, parentWidth: width, packedType: buffer.bytes[start + count * width + i], path: path)
    }
}

/// A map: a sorted vector of keys beside the vector of values.
public struct FlexMap {
    let values: FlexVector
    let keys: FlexVector

    init(values: FlexVector) throws {
        let buffer = values.buffer
        let width = values.width
        let path = values.path
        // Before the values' length: the keys vector's offset, then its element width.
        let keysSlot = values.start - 3 * width
        let keysStart = try buffer.indirect(keysSlot, width: width, "\(path) keys")
        // Any stored value may be there: anything but a byte width is refused before it becomes an Int.
        let rawKeysWidth = try buffer.readUInt(values.start - 2 * width, width: width, "\(path) keys")
        guard rawKeysWidth <= 8, FlexBuffer.validWidth(Int(rawKeysWidth)) else {
            throw FlexBuffersError("keys byte width \(rawKeysWidth) is not 1, 2, 4 or 8", at: "\(path) keys")
        }
        let keysWidth = Int(rawKeysWidth)
        keys = try FlexVector(buffer: buffer, start: keysStart, width: keysWidth, elementType: .key, fixedCount: nil, path: "\(path) keys")
        guard keys.count == values.count else {
            throw FlexBuffersError("map has \(keys.count) keys for \(values.count) values", at: path)
        }
        self.values = values
    }

    public var count: Int { values.count }

    public func key(at i: Int) throws -> String {
        try keys.element(i, path: "\(values.path) key \(i)").asString()
    }

    public func value(at i: Int) throws -> FlexReference {
        try values.element(i, path: "\(values.path).\(try key(at: i))")
    }

    /// The value under `key`, by binary search over the sorted keys (as flexbuffers'
    /// Map::operator[] does); nil when absent.
    public func value(forKey key: String) throws -> FlexReference? {
        let wanted = Array(key.utf8)
        var low = 0
        var high = count - 1
        while low <= high {
            let mid = (low + high) / 2
            let found = Array(try self.key(at: mid).utf8)
            if found == wanted { return try values.element(mid, path: "\(values.path).\(key)") }
            if found.lexicographicallyPrecedes(wanted) { low = mid + 1 } else { high = mid - 1 }
        }
        return nil
    }

    public func require(_ key: String) throws -> FlexReference {
        guard let value = try value(forKey: key) else {
            throw FlexBuffersError("missing option", at: "\(values.path).\(key)")
        }
        return value
    }

    /// The raw integer in value slot `index`, read the way TFLM's FlexbufferWrapper reads
    /// it (ElementAsInt64: the slot's bytes as a signed integer of the values' width),
    /// after checking that TFLM's index names `key` and holds an inline integer or bool.
    /// TFLM's signal kernels read their options by position in the sorted keys.
    public func tflmInt64(index: Int, key: String) throws -> Int64 {
        let path = "\(values.path).\(key)"
        guard index < count else {
            throw FlexBuffersError("missing option: TFLM reads it as element \(index) of \(count)", at: path)
        }
        let found = try self.key(at: index)
        guard found == key else {
            throw FlexBuffersError("TFLM reads element \(index) as '\(key)', but the options have '\(found)' there", at: path)
        }
        let value = try values.element(index, path: path)
        guard value.type == .int || value.type == .uint || value.type == .bool else {
            throw FlexBuffersError("expected an integer or bool stored inline, found \(value.type.name)", at: path)
        }
        return try values.buffer.readInt(value.slot, width: values.width, path)
    }

    /// `tflmInt64` narrowed to int32 as TFLM's ElementAsInt32 does; a value outside
    /// int32 is refused rather than truncated.
    public func tflmInt32(index: Int, key: String) throws -> Int32 {
        let v = try tflmInt64(index: index, key: key)
        guard let narrow = Int32(exactly: v) else {
            throw FlexBuffersError("\(v) does not fit the 32-bit integer TFLM reads", at: "\(values.path).\(key)")
        }
        return narrow
    }

    /// ElementAsBool: any nonzero slot is true.
    public func tflmBool(index: Int, key: String) throws -> Bool {
        try tflmInt64(index: index, key: key) != 0
    }
}

extension FlexBuffer {
    /// The whole value tree of a blob (an operator's custom options), or why it does not decode.
    public static func decode<C: Collection>(_ bytes: C, rootPath: String = "custom_options") -> Result<FlexValue, FlexBuffersError>
    where C.Element == UInt8 {
        do {
            return .success(try FlexBuffer(bytes: bytes, rootPath: rootPath).root().decode())
        } catch let error as FlexBuffersError {
            return .failure(error)
        } catch {
            return .failure(FlexBuffersError("\(error)", at: rootPath))
        }
    }
}
