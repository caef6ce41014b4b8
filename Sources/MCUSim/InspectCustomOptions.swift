import Interpreter

/// `inspect`'s view of custom operators' options (FlexBuffers maps such as TFLM's
/// signal operators' {"fft_length": 512, "T": 7}), decoded by the bounds-checked reader.
extension ModelSummary {
    /// Per operator with custom options: its decoded value, or why the bytes do not decode.
    func customOptions(_ op: Operator) -> Result<FlexValue, FlexBuffersError>? {
        op.customOptions.map { FlexBuffer.decode(model.bytes[$0]) }
    }

    /// "custom options:" lines under the operator table; empty when no operator has any.
    func customOptionsText() -> String {
        var lines: [String] = []
        for (i, op) in subgraph.operators.enumerated() {
            guard let options = customOptions(op) else { continue }
            let name = model.opName(op)
            switch options {
            case let .success(value): lines.append("  \(i)  \(name)  \(Self.describe(value))")
            case let .failure(error): lines.append("  \(i)  \(name)  cannot be decoded: \(error)")
            }
        }
        return lines.isEmpty ? "" : "custom options (FlexBuffers):\n" + lines.joined(separator: "\n") + "\n\n"
    }

    /// A map's entries as `key: value`, with TFLM's tensor type option `T` named.
    static func describe(_ value: FlexValue) -> String {
        guard case let .map(entries) = value else { return value.text }
        if entries.isEmpty { return "{}" }
        return entries.map { entry -> String in
            if entry.key == "T", case let .int(code) = entry.value, let type = TensorType(rawValue: Int8(truncatingIfNeeded: code)),
               Int64(type.rawValue) == code {
                return "T: \(code) (\(type.name))"
            }
            return "\(entry.key): \(entry.value.text)"
        }.joined(separator: ", ")
    }

    func customOptionsJSON(_ op: Operator) -> JSON {
        switch customOptions(op) {
        case nil: return .null
        case let .success(value)?: return Self.json(value)
        case let .failure(error)?: return .obj(["error": .string(error.description)])
        }
    }

    static func json(_ value: FlexValue) -> JSON {
        switch value {
        case .null: return .null
        case let .int(v): return .int(Int(v))
        case let .uint(v): return v <= UInt64(Int.max) ? .int(Int(v)) : .string(String(v))
        case let .float(v): return .double(v)
        case let .bool(v): return .bool(v)
        case let .string(s), let .key(s): return .string(s)
        case let .blob(b): return .obj(["blob_bytes": .int(b.count)])
        case let .vector(items): return .array(items.map(json))
        case let .map(entries): return .object(entries.map { ($0.key, json($0.value)) })
        }
    }
}
