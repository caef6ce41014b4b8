import Foundation

// A view of a TFLite model (schema.fbs, file identifier "TFL3") on its own bytes.
//
// Everything structural is decoded and validated once, up front, so later stages
// (interpreter, kernels, reports) work on plain Swift values and never touch an
// unchecked offset. Weights are not copied: a `Buffer` is a byte range into
// `Model.bytes`, which the interpreter reads in place, as a microcontroller reads
// weights from flash.

public final class Model: @unchecked Sendable {
    /// The whole file. Buffers are ranges into it.
    public let bytes: [UInt8]
    public let version: UInt32
    public let description: String?
    public let operatorCodes: [OperatorCode]
    public let subgraphs: [Subgraph]
    public let buffers: [Buffer]
    public let metadata: [Metadata]
    public let signatureDefs: [SignatureDef]
    /// The file as the device's flash holds it: one 16-byte-aligned copy made at load,
    /// with stable addresses, from which kernels read weights in place.
    public let flash: UnsafeRawBufferPointer

    public convenience init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ModelError("cannot read file", at: url.path)
        }
        try self.init(bytes: [UInt8](data))
    }

    public init(bytes: [UInt8]) throws {
        let fb = FlatBuffer(bytes: bytes)
        let root = try fb.root(identifier: "TFL3", path: "model")
        self.bytes = bytes
        version = try root.scalar(0, default: UInt32(0))
        description = try root.string(3, "description")

        operatorCodes = try (root.tables(1, "operator_codes") ?? []).map(OperatorCode.init)
        buffers = try (root.tables(4, "buffers") ?? []).map { try Buffer(table: $0, fileSize: bytes.count) }
        metadata = try (root.tables(6, "metadata") ?? []).map(Metadata.init)
        signatureDefs = try (root.tables(7, "signature_defs") ?? []).map(SignatureDef.init)
        let subgraphTables = try root.tables(2, "subgraphs") ?? []
        guard !subgraphTables.isEmpty else {
            throw ModelError("model has no subgraphs", at: "model.subgraphs")
        }
        subgraphs = try subgraphTables.map { try Subgraph(table: $0) }
        let image = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        image.copyBytes(from: bytes)
        flash = UnsafeRawBufferPointer(image)
        try validateReferences()
    }

    deinit {
        flash.deallocate()
    }

    /// Address of a buffer's data in the flash image, or nil when the buffer is empty.
    public func flashAddress(ofBuffer index: UInt32) -> UnsafeRawPointer? {
        guard Int(index) < buffers.count, let range = buffers[Int(index)].range, !range.isEmpty,
              let base = flash.baseAddress else { return nil }
        return base + range.lowerBound
    }

    /// Cross-references (tensor, buffer, opcode indices) checked once so that every
    /// later lookup is in range.
    private func validateReferences() throws {
        for (s, subgraph) in subgraphs.enumerated() {
            let tensorCount = subgraph.tensors.count
            func checkTensorList(_ list: [Int32], _ what: String, optional: Bool) throws {
                for (i, t) in list.enumerated() {
                    if optional && t == -1 { continue }
                    guard t >= 0, Int(t) < tensorCount else {
                        throw ModelError("tensor index \(t) is out of range (subgraph has \(tensorCount) tensors)",
                                         at: "subgraphs[\(s)].\(what)[\(i)]")
                    }
                }
            }
            try checkTensorList(subgraph.inputs, "inputs", optional: false)
            try checkTensorList(subgraph.outputs, "outputs", optional: false)
            for (t, tensor) in subgraph.tensors.enumerated() {
                guard Int(tensor.buffer) < max(buffers.count, 1) else {
                    throw ModelError("buffer index \(tensor.buffer) is out of range (model has \(buffers.count) buffers)",
                                     at: "subgraphs[\(s)].tensors[\(t)].buffer")
                }
            }
            for (o, op) in subgraph.operators.enumerated() {
                guard Int(op.opcodeIndex) < operatorCodes.count else {
                    throw ModelError("opcode index \(op.opcodeIndex) is out of range (model has \(operatorCodes.count) operator codes)",
                                     at: "subgraphs[\(s)].operators[\(o)].opcode_index")
                }
                try checkTensorList(op.inputs, "operators[\(o)].inputs", optional: true)
                try checkTensorList(op.outputs, "operators[\(o)].outputs", optional: false)
                try checkTensorList(op.intermediates, "operators[\(o)].intermediates", optional: true)
            }
        }
        for (m, entry) in metadata.enumerated() {
            guard Int(entry.buffer) < buffers.count else {
                throw ModelError("buffer index \(entry.buffer) is out of range", at: "metadata[\(m)].buffer")
            }
        }
    }

    /// The bytes of a buffer, or nil when the buffer is empty (an activation tensor).
    public func data(ofBuffer index: UInt32) -> ArraySlice<UInt8>? {
        guard Int(index) < buffers.count, let range = buffers[Int(index)].range, !range.isEmpty else { return nil }
        return bytes[range]
    }

    /// The bytes of the constant data of `tensor`, or nil for a tensor without data.
    public func data(of tensor: Tensor) -> ArraySlice<UInt8>? { data(ofBuffer: tensor.buffer) }

    /// The operator name of `op` as TFLite spells it: `CONV_2D`, or `CUSTOM:<name>`.
    public func opName(_ op: Operator) -> String { operatorCodes[Int(op.opcodeIndex)].name }

    /// Which operator `op` is.
    public func kind(of op: Operator) -> OperatorKind { operatorCodes[Int(op.opcodeIndex)].kind }
}

public struct OperatorCode: Sendable {
    /// The effective builtin code: the larger of `deprecated_builtin_code` and
    /// `builtin_code`, as TFLite's GetBuiltinCode does (old files only fill the first,
    /// new files fill both, codes past 127 only fit in the second).
    public let builtinCode: Int32
    public let deprecatedBuiltinCode: Int8
    public let customCode: String?
    public let version: Int32

    init(table: FBTable) throws {
        deprecatedBuiltinCode = try table.scalar(0, default: Int8(0))
        customCode = try table.string(1, "custom_code")
        version = try table.scalar(2, default: Int32(1))
        let code = try table.scalar(3, default: Int32(0))
        builtinCode = max(code, Int32(deprecatedBuiltinCode))
    }

    public var isCustom: Bool { builtinCode == BuiltinOperator.custom.rawValue }

    /// Which operator this code names.
    public var kind: OperatorKind {
        if isCustom { return .custom(customCode ?? "") }
        return BuiltinOperator(rawValue: builtinCode).map(OperatorKind.builtin) ?? .unknownBuiltin(builtinCode)
    }

    public var name: String { kind.name }
}

/// An operator as a model names it: a builtin of the schema, a custom operator by its
/// custom code, or a builtin code newer than the schema this build knows.
public enum OperatorKind: Hashable, Sendable, CustomStringConvertible {
    case builtin(BuiltinOperator)
    case custom(String)
    case unknownBuiltin(Int32)

    /// As TFLite spells it: `CONV_2D`, `CUSTOM:<name>`, or `UNKNOWN_BUILTIN_<code>`.
    public var name: String {
        switch self {
        case let .builtin(op): op.name
        case let .custom(code): "CUSTOM:\(code)"
        case let .unknownBuiltin(code): "UNKNOWN_BUILTIN_\(code)"
        }
    }

    public var description: String { name }

    /// The kind `name` spells (a builtin name, `CUSTOM:<code>` or `UNKNOWN_BUILTIN_<code>`), or nil.
    public init?(name: String) {
        if name.hasPrefix("CUSTOM:") {
            self = .custom(String(name.dropFirst("CUSTOM:".count)))
        } else if let op = BuiltinOperator(name: name) {
            self = .builtin(op)
        } else if name.hasPrefix("UNKNOWN_BUILTIN_"), let code = Int32(name.dropFirst("UNKNOWN_BUILTIN_".count)) {
            self = .unknownBuiltin(code)
        } else {
            return nil
        }
    }

    public var builtin: BuiltinOperator? {
        if case let .builtin(op) = self { return op }
        return nil
    }
}

public struct Subgraph: Sendable {
    public let name: String?
    public let tensors: [Tensor]
    public let inputs: [Int32]
    public let outputs: [Int32]
    public let operators: [Operator]

    init(table: FBTable) throws {
        tensors = try (table.tables(0, "tensors") ?? []).map(Tensor.init)
        inputs = try table.int32s(1, "inputs") ?? []
        outputs = try table.int32s(2, "outputs") ?? []
        operators = try (table.tables(3, "operators") ?? []).map(Operator.init)
        name = try table.string(4, "name")
    }
}

public struct Tensor: Sendable {
    public let shape: [Int32]
    /// `shape_signature`, with -1 for dynamic dimensions, when the file has one.
    public let shapeSignature: [Int32]?
    /// The schema's TensorType code; `type` maps it to a known type.
    public let typeCode: Int8
    public let buffer: UInt32
    public let name: String
    public let quantization: Quantization?
    public let isVariable: Bool
    public let sparsity: Sparsity?

    init(table: FBTable) throws {
        shape = try table.int32s(0, "shape") ?? []
        typeCode = try table.scalar(1, default: Int8(0))
        buffer = try table.scalar(2, default: UInt32(0))
        name = try table.string(3, "name") ?? ""
        quantization = try table.table(4, "quantization").map(Quantization.init)
        isVariable = try table.bool(5, default: false)
        sparsity = try table.table(6, "sparsity").map(Sparsity.init)
        shapeSignature = try table.int32s(7, "shape_signature")
        for (i, d) in shape.enumerated() where d < 0 {
            throw ModelError("dimension \(d) is negative", at: "\(table.path).shape[\(i)]")
        }
    }

    public var type: TensorType? { TensorType(rawValue: typeCode) }

    public var typeName: String { type?.name ?? "TYPE_\(typeCode)" }

    /// Element count, or nil when it overflows (a hostile shape).
    public var elementCount: Int? {
        var n = 1
        for d in shape {
            let (product, overflow) = n.multipliedReportingOverflow(by: Int(d))
            if overflow { return nil }
            n = product
        }
        return n
    }

    /// Bytes of this tensor's data, or nil when unknown or overflowing.
    public var byteCount: Int? {
        guard let n = elementCount, let type else { return nil }
        if type == .int4 { return (n + 1) / 2 }
        guard let size = type.byteSize else { return nil }
        let (bytes, overflow) = n.multipliedReportingOverflow(by: size)
        return overflow ? nil : bytes
    }
}

public struct Quantization: Sendable {
    public let min: [Float]
    public let max: [Float]
    public let scale: [Float]
    public let zeroPoint: [Int64]
    public let quantizedDimension: Int32
    /// Non-affine details (custom or blockwise quantization), by union type code.
    public let detailsType: UInt8

    init(table: FBTable) throws {
        min = try table.floats(0, "min") ?? []
        max = try table.floats(1, "max") ?? []
        scale = try table.floats(2, "scale") ?? []
        zeroPoint = try table.int64s(3, "zero_point") ?? []
        detailsType = try table.scalar(4, default: UInt8(0))
        quantizedDimension = try table.scalar(6, default: Int32(0))
    }

    /// Has affine parameters at all (scale present).
    public var isQuantized: Bool { !scale.isEmpty }
    public var isPerChannel: Bool { scale.count > 1 }
}

public struct Sparsity: Sendable {
    public let traversalOrder: [Int32]
    public let blockMap: [Int32]
    public let dimensionCount: Int

    init(table: FBTable) throws {
        traversalOrder = try table.int32s(0, "traversal_order") ?? []
        blockMap = try table.int32s(1, "block_map") ?? []
        dimensionCount = try table.vector(2, "dim_metadata", elementSize: 4)?.count ?? 0
    }
}

public struct Operator: Sendable {
    public let opcodeIndex: UInt32
    /// Tensor indices; -1 marks an optional input that is absent.
    public let inputs: [Int32]
    public let outputs: [Int32]
    public let intermediates: [Int32]
    public let builtinOptions: BuiltinOptions
    /// Byte range of `custom_options` in the model file.
    public let customOptions: Range<Int>?
    public let mutatingVariableInputs: [Bool]

    init(table: FBTable) throws {
        opcodeIndex = try table.scalar(0, default: UInt32(0))
        inputs = try table.int32s(1, "inputs") ?? []
        outputs = try table.int32s(2, "outputs") ?? []
        let optionsType = try table.scalar(3, default: UInt8(0))
        builtinOptions = try BuiltinOptions(typeCode: optionsType, table: table.table(4, "builtin_options"))
        if let custom = try table.vector(5, "custom_options", elementSize: 1) {
            customOptions = custom.byteRange
        } else {
            let offset = try table.scalar(9, default: UInt64(0))
            let size = try table.scalar(10, default: UInt64(0))
            if offset > 1 {
                guard offset <= UInt64(table.buffer.count), size <= UInt64(table.buffer.count) - offset else {
                    throw ModelError("large custom options (offset \(offset), size \(size)) lie outside the file", at: table.path)
                }
                customOptions = Int(offset)..<Int(offset + size)
            } else {
                customOptions = nil
            }
        }
        if let v = try table.vector(7, "mutating_variable_inputs", elementSize: 1) {
            mutatingVariableInputs = try v.map { try v.scalar(UInt8.self, at: $0) != 0 }
        } else {
            mutatingVariableInputs = []
        }
        intermediates = try table.int32s(8, "intermediates") ?? []
    }
}

public struct Buffer: Sendable {
    /// Byte range of the data in the model file: either the flatbuffer's own `data`
    /// vector, or the `offset`/`size` form that large models use for data stored
    /// after the flatbuffer. nil when the buffer has no data.
    public let range: Range<Int>?

    init(table: FBTable, fileSize: Int) throws {
        if let data = try table.vector(0, "data", elementSize: 1), data.count > 0 {
            range = data.byteRange
            return
        }
        let offset = try table.scalar(1, default: UInt64(0))
        let size = try table.scalar(2, default: UInt64(0))
        // The schema says the offset form is valid only when offset > 1.
        if offset > 1 {
            guard offset <= UInt64(fileSize), size <= UInt64(fileSize) - offset else {
                throw ModelError("buffer data (offset \(offset), size \(size)) lies outside the file of \(fileSize) bytes", at: table.path)
            }
            range = Int(offset)..<Int(offset + size)
        } else {
            range = nil
        }
    }
}

public struct Metadata: Sendable {
    public let name: String
    public let buffer: UInt32

    init(table: FBTable) throws {
        name = try table.string(0, "name") ?? ""
        buffer = try table.scalar(1, default: UInt32(0))
    }
}

public struct SignatureDef: Sendable {
    public struct TensorMap: Sendable {
        public let name: String
        public let tensorIndex: UInt32
    }

    public let key: String
    public let subgraphIndex: UInt32
    public let inputs: [TensorMap]
    public let outputs: [TensorMap]

    init(table: FBTable) throws {
        func maps(_ slot: Int, _ name: String) throws -> [TensorMap] {
            try (table.tables(slot, name) ?? []).map {
                TensorMap(name: try $0.string(0, "name") ?? "", tensorIndex: try $0.scalar(1, default: UInt32(0)))
            }
        }
        inputs = try maps(0, "inputs")
        outputs = try maps(1, "outputs")
        key = try table.string(2, "signature_key") ?? ""
        subgraphIndex = try table.scalar(4, default: UInt32(0))
    }
}
