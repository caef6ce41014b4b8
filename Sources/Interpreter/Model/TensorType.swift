// The schema's TensorType codes (schema.fbs, `enum TensorType : byte`).
public enum TensorType: Int8, Sendable, CaseIterable {
    case float32 = 0, float16 = 1, int32 = 2, uint8 = 3, int64 = 4, string = 5, bool = 6, int16 = 7
    case complex64 = 8, int8 = 9, float64 = 10, complex128 = 11, uint64 = 12, resource = 13, variant = 14
    case uint32 = 15, uint16 = 16, int4 = 17, bfloat16 = 18

    /// The schema's name, as `inspect` prints it.
    public var name: String {
        switch self {
        case .float32: "FLOAT32"
        case .float16: "FLOAT16"
        case .int32: "INT32"
        case .uint8: "UINT8"
        case .int64: "INT64"
        case .string: "STRING"
        case .bool: "BOOL"
        case .int16: "INT16"
        case .complex64: "COMPLEX64"
        case .int8: "INT8"
        case .float64: "FLOAT64"
        case .complex128: "COMPLEX128"
        case .uint64: "UINT64"
        case .resource: "RESOURCE"
        case .variant: "VARIANT"
        case .uint32: "UINT32"
        case .uint16: "UINT16"
        case .int4: "INT4"
        case .bfloat16: "BFLOAT16"
        }
    }

    /// numpy's dtype name (`int8`, `float32`, ...): what JSON reports and .npy files use.
    public var numpyName: String {
        switch self {
        case .bool: "bool"
        case .complex64: "complex64"
        case .complex128: "complex128"
        case .string: "string"
        case .resource: "resource"
        case .variant: "variant"
        default: name.lowercased()
        }
    }

    /// Bytes per element; nil for types without a fixed size (string, int4's half byte, ...).
    public var byteSize: Int? {
        switch self {
        case .float32, .int32, .uint32: 4
        case .float16, .int16, .uint16, .bfloat16: 2
        case .uint8, .int8, .bool: 1
        case .int64, .uint64, .float64, .complex64: 8
        case .complex128: 16
        case .string, .resource, .variant, .int4: nil
        }
    }
}
