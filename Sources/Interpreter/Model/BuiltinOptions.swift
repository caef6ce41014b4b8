// An operator's builtin options, decoded generically from the schema table that
// Scripts/gen_options_schema.py extracts from schema.fbs: every option of every op
// is available by its schema name, with the schema's default when absent.

public enum OptionValue: Sendable, Equatable {
    case bool(Bool)
    case int(Int64)
    case float(Double)
    /// An enum field: its value's schema name (e.g. `SAME`, `RELU6`) and raw code.
    case enumeration(String, Int64)
    case ints([Int32])
    case string(String)
}

public struct BuiltinOptions: Sendable {
    /// The options table's schema name, e.g. `Conv2DOptions`; nil when the operator has none.
    public let typeName: String?
    public let typeCode: UInt8
    /// Fields in schema order, defaults filled in for absent scalars.
    public let fields: [(name: String, value: OptionValue)]

    public static let none = BuiltinOptions(typeName: nil, typeCode: 0, fields: [])

    init(typeName: String?, typeCode: UInt8, fields: [(name: String, value: OptionValue)]) {
        self.typeName = typeName
        self.typeCode = typeCode
        self.fields = fields
    }

    init(typeCode: UInt8, table: FBTable?) throws {
        guard typeCode != 0 else {
            self = .none
            return
        }
        let tables = BuiltinOptionsSchema.tables
        guard Int(typeCode) < tables.count, let schema = tables[Int(typeCode)] else {
            // An options type newer than our schema: keep the code, decode nothing.
            self.init(typeName: "BuiltinOptions\(typeCode)", typeCode: typeCode, fields: [])
            return
        }
        var fields: [(name: String, value: OptionValue)] = []
        for field in schema.fields {
            if let value = try field.read(from: table) {
                fields.append((field.name, value))
            }
        }
        self.init(typeName: schema.name, typeCode: typeCode, fields: fields)
    }

    public subscript(_ name: String) -> OptionValue? {
        fields.first { $0.name == name }?.value
    }

    /// Integer value of a numeric, bool or enum field; `default` when absent.
    public func int(_ name: String, default value: Int = 0) -> Int {
        switch self[name] {
        case .int(let v)?: return Int(truncatingIfNeeded: v)
        case .bool(let b)?: return b ? 1 : 0
        case .enumeration(_, let raw)?: return Int(truncatingIfNeeded: raw)
        case .float(let f)?: return f.isFinite && abs(f) < 1e15 ? Int(f) : value
        default: return value
        }
    }

    public func bool(_ name: String) -> Bool { int(name) != 0 }

    public func float(_ name: String, default value: Float = 0) -> Float {
        switch self[name] {
        case .float(let f)?: return Float(f)
        case .int(let v)?: return Float(v)
        default: return value
        }
    }

    public func ints(_ name: String) -> [Int32] {
        if case .ints(let v)? = self[name] { return v }
        return []
    }

    /// The enum value's schema name (`SAME`, `RELU`), or nil.
    public func enumName(_ name: String) -> String? {
        if case .enumeration(let n, _)? = self[name] { return n }
        return nil
    }
}

/// Schema facts for one options table.
struct OptionsTableSchema: Sendable {
    let name: String
    let fields: [OptionFieldSchema]
}

enum OptionScalar: Sendable {
    case bool, int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64
}

enum OptionKind: Sendable {
    case bool, int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64
    case enumeration(String, OptionScalar)
    case int32Vector
    case string
    /// Nested tables, unions and non-int vectors: not decoded (no kernel needs them).
    case unsupported
}

struct OptionFieldSchema: Sendable {
    let name: String
    let slot: Int
    let kind: OptionKind
    let defaultValue: Double

    init(name: String, slot: Int, kind: OptionKind, defaultValue: Double) {
        self.name = name
        self.slot = slot
        self.kind = kind
        self.defaultValue = defaultValue
    }

    func read(from table: FBTable?) throws -> OptionValue? {
        let d = Int64(defaultValue)
        func integer<T: FixedWidthInteger>(_: T.Type) throws -> Int64 {
            guard let table else { return d }
            return Int64(truncatingIfNeeded: try table.scalar(slot, default: T(truncatingIfNeeded: d)))
        }
        func scalar(_ s: OptionScalar) throws -> Int64 {
            switch s {
            case .bool, .uint8: return try integer(UInt8.self)
            case .int8: return try integer(Int8.self)
            case .int16: return try integer(Int16.self)
            case .uint16: return try integer(UInt16.self)
            case .int32: return try integer(Int32.self)
            case .uint32: return try integer(UInt32.self)
            case .int64: return try integer(Int64.self)
            case .uint64: return try integer(UInt64.self)
            case .float32, .float64: return d
            }
        }
        switch kind {
        case .bool: return .bool(try integer(UInt8.self) != 0)
        case .int8: return .int(try integer(Int8.self))
        case .uint8: return .int(try integer(UInt8.self))
        case .int16: return .int(try integer(Int16.self))
        case .uint16: return .int(try integer(UInt16.self))
        case .int32: return .int(try integer(Int32.self))
        case .uint32: return .int(try integer(UInt32.self))
        case .int64: return .int(try integer(Int64.self))
        case .uint64: return .int(try integer(UInt64.self))
        case .float32:
            guard let table else { return .float(defaultValue) }
            return .float(Double(try table.float(slot, default: Float(defaultValue))))
        case .float64:
            guard let table else { return .float(defaultValue) }
            return .float(try table.double(slot, default: defaultValue))
        case .enumeration(let enumName, let base):
            let raw = try scalar(base)
            let name = BuiltinOptionsSchema.enums[enumName]?[raw] ?? "\(enumName)(\(raw))"
            return .enumeration(name, raw)
        case .int32Vector:
            guard let table else { return .ints([]) }
            return .ints(try table.int32s(slot, name) ?? [])
        case .string:
            guard let table else { return nil }
            return try table.string(slot, name).map { .string($0) }
        case .unsupported:
            return nil
        }
    }
}

enum BuiltinOptionsSchema {}
