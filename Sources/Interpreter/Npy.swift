import Foundation

// NumPy's .npy format, versions 1.0, 2.0 and 3.0: a magic string, a version, a
// header length (2 bytes in v1, 4 in v2/v3), a Python-literal header dict with
// 'descr', 'fortran_order' and 'shape', then the raw little-endian data.

public struct NpyArray: Equatable, Sendable {
    public let type: TensorType
    public let shape: [Int]
    /// Raw element bytes, C order, little-endian.
    public let bytes: [UInt8]

    public init(type: TensorType, shape: [Int], bytes: [UInt8]) {
        self.type = type
        self.shape = shape
        self.bytes = bytes
    }

    public var elementCount: Int { shape.reduce(1, *) }
}

public struct NpyError: Error, CustomStringConvertible, Sendable {
    public let what: String
    public var description: String { what }
}

public enum Npy {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// The numpy descr for a tensor type (`<i1` is written `|i1`, as numpy does).
    public static func descr(for type: TensorType) -> String? {
        switch type {
        case .int8: "|i1"
        case .uint8: "|u1"
        case .bool: "|b1"
        case .int16: "<i2"
        case .uint16: "<u2"
        case .int32: "<i4"
        case .uint32: "<u4"
        case .int64: "<i8"
        case .uint64: "<u8"
        case .float16: "<f2"
        case .float32: "<f4"
        case .float64: "<f8"
        case .complex64: "<c8"
        case .complex128: "<c16"
        default: nil
        }
    }

    static func type(forDescr descr: String) -> TensorType? {
        // '<' little-endian, '|' not applicable, '=' native (little on every host we run on).
        guard let first = descr.first, "<|=".contains(first) else { return nil }
        let code = String(descr.dropFirst())
        return TensorType.allCases.first { t in Npy.descr(for: t).map { String($0.dropFirst()) == code } ?? false }
    }

    public static func read(contentsOf url: URL) throws -> NpyArray {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw NpyError(what: "cannot read \(url.path)") }
        return try decode([UInt8](data))
    }

    public static func decode(_ bytes: [UInt8]) throws -> NpyArray {
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw NpyError(what: "not a .npy file (bad magic)")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw NpyError(what: "truncated .npy header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw NpyError(what: ".npy version \(major) is not supported (1, 2 and 3 are)")
        }
        guard headerLength <= bytes.count - headerStart else { throw NpyError(what: "truncated .npy header") }
        // v3 headers are UTF-8; v1/v2 latin-1, which for these dicts is ASCII.
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard let descr = field("descr", in: header).flatMap(unquote) else { throw NpyError(what: ".npy header has no 'descr'") }
        guard let type = type(forDescr: descr), let size = type.byteSize else {
            throw NpyError(what: ".npy dtype '\(descr)' is not supported")
        }
        let fortranOrder = field("fortran_order", in: header)?.hasPrefix("True") ?? false
        guard let shapeText = field("shape", in: header), let shape = parseShape(shapeText) else {
            throw NpyError(what: ".npy header has no valid 'shape'")
        }
        var count = 1
        for d in shape {
            let (p, o) = count.multipliedReportingOverflow(by: d)
            guard !o else { throw NpyError(what: ".npy shape \(shape) is too large") }
            count = p
        }
        let dataStart = headerStart + headerLength
        let (need, o) = count.multipliedReportingOverflow(by: size)
        guard !o else { throw NpyError(what: ".npy shape \(shape) is too large") }
        guard need <= bytes.count - dataStart else {
            throw NpyError(what: ".npy data is truncated: shape \(shape) needs \(need) bytes, file has \(bytes.count - dataStart)")
        }
        let data = Array(bytes[dataStart..<(dataStart + need)])
        return NpyArray(type: type, shape: shape, bytes: fortranOrder ? cOrder(fortran: data, shape: shape, elementSize: size) : data)
    }

    /// Fortran-order (first index fastest) element bytes rearranged into C order (last index fastest).
    static func cOrder(fortran data: [UInt8], shape: [Int], elementSize: Int) -> [UInt8] {
        guard shape.count > 1, !data.isEmpty else { return data }
        var out = [UInt8](repeating: 0, count: data.count)
        var fortranStrides = [Int](repeating: 1, count: shape.count)
        for d in 1..<shape.count { fortranStrides[d] = fortranStrides[d - 1] * shape[d - 1] }
        var index = [Int](repeating: 0, count: shape.count)
        for c in 0..<(data.count / elementSize) {
            var f = 0
            for d in 0..<shape.count { f += index[d] * fortranStrides[d] }
            for b in 0..<elementSize { out[c * elementSize + b] = data[f * elementSize + b] }
            var d = shape.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return out
    }

    public static func encode(_ array: NpyArray) throws -> [UInt8] {
        guard let descr = descr(for: array.type) else { throw NpyError(what: "type \(array.type.name) has no .npy dtype") }
        let shape = array.shape.count == 1 ? "(\(array.shape[0]),)" : "(" + array.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        // Pad with spaces so that the data starts on a 64-byte boundary, ending in '\n'.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let length = header.utf8.count
        var out = magic
        if length <= 0xFFFF {
            out += [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)]
        } else {
            out += [2, 0, UInt8(length & 0xFF), UInt8((length >> 8) & 0xFF), UInt8((length >> 16) & 0xFF), UInt8(length >> 24)]
        }
        out += Array(header.utf8)
        out += array.bytes
        return out
    }

    public static func write(_ array: NpyArray, to url: URL) throws {
        let bytes = try encode(array)
        do { try Data(bytes).write(to: url) } catch { throw NpyError(what: "cannot write \(url.path)") }
    }

    /// The text after `'key':` up to the next top-level comma.
    private static func field(_ key: String, in header: String) -> String? {
        for quote in ["'", "\""] {
            if let r = header.range(of: "\(quote)\(key)\(quote)") {
                var rest = header[r.upperBound...].drop { $0 == " " }
                guard rest.first == ":" else { continue }
                rest = rest.dropFirst().drop { $0 == " " }
                return String(rest)
            }
        }
        return nil
    }

    private static func unquote(_ text: String) -> String? {
        guard let q = text.first, q == "'" || q == "\"" else { return nil }
        let body = text.dropFirst()
        guard let end = body.firstIndex(of: q) else { return nil }
        return String(body[..<end])
    }

    private static func parseShape(_ text: String) -> [Int]? {
        guard text.first == "(", let end = text.firstIndex(of: ")") else { return nil }
        let inner = text[text.index(after: text.startIndex)..<end]
        var dims: [Int] = []
        for part in inner.split(separator: ",") {
            let t = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
            if t.isEmpty { continue }
            guard let d = Int(t), d >= 0 else { return nil }
            dims.append(d)
        }
        return dims
    }
}
