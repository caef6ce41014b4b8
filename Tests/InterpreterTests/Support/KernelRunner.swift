import Foundation
import XCTest
@testable import Interpreter

/// The one way tests run a single kernel: prepared through the registry on hand-built
/// tensors, as the interpreter prepares it, then evaluated on separately allocated buffers
/// (every input, output and scratch buffer in its own 16-byte-aligned block).
enum KernelRunner {
    /// A tensor with its bytes: a constant one is read in place, an activation is copied
    /// into a fresh buffer before eval.
    struct Operand {
        var type: TensorType
        var shape: [Int]
        var bytes: [UInt8]
        var constant = false
        var scale: [Float] = []
        var zeroPoint: [Int32] = []
        var quantizedDimension = 0

        var elementCount: Int { shape.reduce(1, *) }
        var byteCount: Int { elementCount * (type.byteSize ?? 1) }
    }

    struct Result {
        let context: PrepareContext
        let outputs: [[UInt8]]

        func values<T>(_ i: Int, _: T.Type) -> [T] {
            outputs[i].withUnsafeBytes { Array($0.bindMemory(to: T.self)) }
        }
    }

    /// A prepared kernel with its buffers, ready to be evaluated (more than once).
    final class Prepared {
        let kernel: Kernel
        let context: PrepareContext
        private let tensors: [TensorInfo]
        private let inputs: [Int]
        private let outputs: [Int]
        private var owned: [UnsafeMutableRawBufferPointer] = []
        private var inputPointers: [UnsafeMutableRawPointer?] = []
        private var outputPointers: [UnsafeMutableRawPointer] = []

        init(kernel: Kernel, context: PrepareContext, tensors: [TensorInfo], inputs: [Int], outputs: [Int],
             data: [Int: [UInt8]], fill: UInt8) {
            self.kernel = kernel
            self.context = context
            self.tensors = tensors
            self.inputs = inputs
            self.outputs = outputs
            for t in inputs {
                guard t >= 0 else { inputPointers.append(nil); continue }
                let info = tensors[t]
                if let constant = info.constantData {
                    inputPointers.append(UnsafeMutableRawPointer(mutating: constant))
                } else {
                    let p = buffer(info.byteCount, fill)
                    if let bytes = data[t] {
                        precondition(bytes.count == info.byteCount, "test data for tensor \(t) has the wrong size")
                        bytes.withUnsafeBytes { if let base = $0.baseAddress { p.copyMemory(from: base, byteCount: bytes.count) } }
                    }
                    inputPointers.append(p)
                }
            }
            outputPointers = outputs.map { buffer(tensors[$0].byteCount, fill) }
        }

        deinit { owned.forEach { $0.deallocate() } }

        private func buffer(_ bytes: Int, _ fill: UInt8) -> UnsafeMutableRawPointer {
            let b = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes, 16), alignment: 16)
            b.initializeMemory(as: UInt8.self, repeating: fill)
            owned.append(b)
            return b.baseAddress!
        }

        /// Evaluates once (fresh scratch) and returns every output's bytes.
        func invoke() throws -> Result {
            let scratch = context.scratchRequests.map { UnsafeMutableRawBufferPointer.allocate(byteCount: max($0, 16), alignment: 16) }
            defer { scratch.forEach { $0.deallocate() } }
            try kernel.eval(EvalContext(inputs: inputPointers, outputs: outputPointers, scratch: scratch.map { $0.baseAddress! }))
            return Result(context: context, outputs: zip(outputs, outputPointers).map { t, p in
                [UInt8](UnsafeRawBufferPointer(start: p, count: tensors[t].byteCount))
            })
        }
    }

    static func kind(_ op: String) -> OperatorKind {
        guard let kind = OperatorKind(name: op) else { preconditionFailure("\(op) is not an operator name") }
        return kind
    }

    /// `op`'s builtin options table with the named fields set (schema names), as a model
    /// would carry it.
    static func options(_ op: String, _ fields: [(String, OptionValue)]) -> BuiltinOptions {
        guard let options = KernelRegistry.options(for: kind(op), fields: fields.map { (name: $0.0, value: $0.1) }) else {
            preconditionFailure("\(op)'s options have no field among \(fields.map(\.0))")
        }
        return options
    }

    static func context(_ op: String, options: BuiltinOptions = .none, variant: KernelVariant = .reference,
                        tensors: [TensorInfo], inputs: [Int], outputs: [Int], operatorIndex: Int = 0, opVersion: Int = 1) -> PrepareContext {
        PrepareContext(operatorIndex: operatorIndex, op: kind(op), opVersion: opVersion, options: options, variant: variant,
                       customOptions: nil, inputs: inputs, outputs: outputs, intermediates: [], tensors: tensors)
    }

    static func isRegistered(_ op: String) -> Bool { OperatorKind(name: op).map(KernelRegistry.isRegistered) ?? false }

    /// A new kernel for `op` from the registry (a skip when mcusim has none).
    static func kernel(_ op: String) throws -> Kernel {
        guard let kernel = KernelRegistry.makeKernel(kind(op)) else { throw XCTSkip("\(op) is not registered") }
        return kernel
    }

    /// Prepares `kernel` (a new one for `op` when nil). `data` gives the bytes of
    /// non-constant inputs (buffers start filled with `fill`).
    static func prepare(_ op: String, kernel: Kernel? = nil, options: BuiltinOptions = .none, variant: KernelVariant = .reference,
                        tensors: [TensorInfo], inputs: [Int], outputs: [Int], data: [Int: [UInt8]] = [:], fill: UInt8 = 0xA5,
                        operatorIndex: Int = 0, opVersion: Int = 1) throws -> Prepared {
        let kernel = try kernel ?? Self.kernel(op)
        let context = self.context(op, options: options, variant: variant, tensors: tensors, inputs: inputs, outputs: outputs,
                                   operatorIndex: operatorIndex, opVersion: opVersion)
        try kernel.prepare(context)
        return Prepared(kernel: kernel, context: context, tensors: tensors, inputs: inputs, outputs: outputs, data: data, fill: fill)
    }

    /// Prepares and evaluates once.
    static func run(_ op: String, kernel: Kernel? = nil, options: BuiltinOptions = .none, variant: KernelVariant = .reference,
                    tensors: [TensorInfo], inputs: [Int], outputs: [Int], data: [Int: [UInt8]] = [:], fill: UInt8 = 0xA5,
                    operatorIndex: Int = 0, opVersion: Int = 1) throws -> Result {
        try prepare(op, kernel: kernel, options: options, variant: variant, tensors: tensors, inputs: inputs, outputs: outputs,
                    data: data, fill: fill, operatorIndex: operatorIndex, opVersion: opVersion).invoke()
    }

    /// Tensors and input data for operands given with their bytes (nil: an absent
    /// optional input): inputs first, then outputs. Constant operands are copied into
    /// `Constants`, which must outlive the run, as weights in flash do.
    final class Constants {
        fileprivate var blocks: [UnsafeMutableRawBufferPointer] = []
        deinit { blocks.forEach { $0.deallocate() } }
    }

    static func graph(inputs: [Operand?], outputs: [Operand], constants: Constants, fill: UInt8 = 0xA5)
        -> (tensors: [TensorInfo], inputs: [Int], outputs: [Int], data: [Int: [UInt8]]) {
        let present = inputs.compactMap { $0 } + outputs
        var tensors: [TensorInfo] = []
        var data: [Int: [UInt8]] = [:]
        let inputCount = present.count - outputs.count
        for (i, o) in present.enumerated() {
            var constantData: UnsafeRawPointer?
            if o.constant {
                let b = UnsafeMutableRawBufferPointer.allocate(byteCount: max(o.bytes.count, 16), alignment: 16)
                b.initializeMemory(as: UInt8.self, repeating: 0)
                o.bytes.withUnsafeBytes { if let base = $0.baseAddress { b.baseAddress!.copyMemory(from: base, byteCount: $0.count) } }
                constants.blocks.append(b)
                constantData = UnsafeRawPointer(b.baseAddress!)
            } else if i < inputCount {
                // Short test data leaves the rest of the buffer at `fill`.
                let padding = [UInt8](repeating: fill, count: max(0, o.byteCount - o.bytes.count))
                data[i] = Array((o.bytes + padding).prefix(o.byteCount))
            }
            tensors.append(TensorInfo(index: i, name: "t\(i)", type: o.type, shape: o.shape, elementCount: o.elementCount,
                                      byteCount: o.byteCount, isConstant: o.constant, isVariable: false, scale: o.scale,
                                      zeroPoint: o.zeroPoint, quantizedDimension: o.quantizedDimension, constantData: constantData))
        }
        var inputIndices: [Int] = []
        var next = 0
        for t in inputs {
            if t == nil { inputIndices.append(-1) } else { inputIndices.append(next); next += 1 }
        }
        return (tensors, inputIndices, Array(next..<present.count), data)
    }

    /// Runs `op` once on operands given with their bytes.
    static func run(_ op: String, options: BuiltinOptions = .none, variant: KernelVariant = .reference,
                    inputs: [Operand?], outputs: [Operand], fill: UInt8 = 0xA5) throws -> Result {
        let constants = Constants()
        let g = graph(inputs: inputs, outputs: outputs, constants: constants, fill: fill)
        return try withExtendedLifetime(constants) {
            try run(op, options: options, variant: variant, tensors: g.tensors, inputs: g.inputs, outputs: g.outputs,
                    data: g.data, fill: fill)
        }
    }
}

extension PrepareContext {
    /// The geometry the kernel recorded, by kind (nil when it recorded another kind).
    var convolution: ConvolutionGeometry? {
        if case let .convolution(g) = geometry { return g }
        return nil
    }

    var matrix: MatrixGeometry? {
        if case let .matrix(g) = geometry { return g }
        return nil
    }
}
