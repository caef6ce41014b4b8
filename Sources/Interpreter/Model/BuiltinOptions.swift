// An operator's builtin options: the typed table generated from schema.fbs
// (Generated/BuiltinOptionsTables.swift, by Scripts/gen_schema.py). Kernels read their
// own table's typed fields; `inspect` lists every field by its schema name.

public enum OptionValue: Sendable, Equatable {
    case bool(Bool)
    case int(Int64)
    case float(Double)
    /// An enum field: its value's schema name (e.g. `SAME`, `RELU6`) and raw code.
    case enumeration(String, Int64)
    case ints([Int32])
    case string(String)

    /// A numeric, bool or enum value as an integer.
    var integer: Int64? {
        switch self {
        case let .int(v): v
        case let .bool(b): b ? 1 : 0
        case let .enumeration(_, raw): raw
        case let .float(f): f.isFinite && abs(f) < 1e18 && f == f.rounded() ? Int64(f) : nil
        default: nil
        }
    }

    /// A numeric value as a double.
    var real: Double? {
        switch self {
        case let .float(f): f
        case let .int(v): Double(v)
        default: nil
        }
    }
}

/// A builtin-options table of the schema, decoded into typed fields.
public protocol BuiltinOptionsTable: Sendable {
    /// The table's code in the schema's BuiltinOptions union.
    static var typeCode: UInt8 { get }
    static var schemaName: String { get }
    /// Every field at its schema default: what TFLM's parse functions leave when the
    /// operator carries no table of this type.
    init()
    /// Fields in schema order, by schema name (absent strings left out).
    var fields: [(name: String, value: OptionValue)] { get }
    /// The table with the named fields set, the others at their defaults; nil for an
    /// unknown name or a value of the wrong kind.
    init?(fields: [(name: String, value: OptionValue)])
}

public struct BuiltinOptions: Sendable {
    public let typeCode: UInt8
    /// The decoded table; nil when the operator has none, or its type is newer than our schema.
    public let table: (any BuiltinOptionsTable)?

    public static let none = BuiltinOptions(typeCode: 0, decoded: nil)

    init(typeCode: UInt8, decoded table: (any BuiltinOptionsTable)?) {
        self.typeCode = typeCode
        self.table = table
    }

    /// An operator's options as a typed table (tests and hand-built models).
    public init<T: BuiltinOptionsTable>(_ table: T) {
        self.init(typeCode: T.typeCode, decoded: table)
    }

    init(typeCode: UInt8, table: FBTable?) throws {
        guard typeCode != 0 else {
            self = .none
            return
        }
        self.init(typeCode: typeCode, decoded: try BuiltinOptionsTables.decode(typeCode: typeCode, table: table))
    }

    /// A table of `type` with the named fields set; nil for an unknown name.
    public init?(fieldsOf type: any BuiltinOptionsTable.Type, _ fields: [(name: String, value: OptionValue)]) {
        guard let table = type.init(fields: fields) else { return nil }
        self.init(typeCode: type.typeCode, decoded: table)
    }

    /// The options table's schema name, e.g. `Conv2DOptions`; nil when the operator has none.
    public var typeName: String? {
        if let table { return type(of: table).schemaName }
        return typeCode == 0 ? nil : "BuiltinOptions\(typeCode)"
    }

    /// Fields in schema order, by schema name.
    public var fields: [(name: String, value: OptionValue)] { table?.fields ?? [] }

    /// The operator's table of type `T`, or `T`'s defaults when it carries another one or
    /// none (TFLM's `builtin_options_as_X()` returns null and the parse function keeps
    /// its defaults).
    public func typed<T: BuiltinOptionsTable>(_: T.Type) -> T {
        (table as? T) ?? T()
    }

    /// Whether the operator carries a table of type `T`.
    public func has<T: BuiltinOptionsTable>(_: T.Type) -> Bool { table is T }
}
