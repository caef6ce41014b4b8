import Foundation

// CONCATENATION, as TFLM's concatenation.cc: a byte copy for float32, int8, int16,
// int32, int64 and bool. TFLM does not requantize: int8 inputs must all carry the
// output's scale and zero point (the converter forces this), int16 zero points must
// be 0, and a fused activation is refused.

/// Shared by the data-movement kernels of this group.
enum DataMovement {
    /// Bytes per element of the types these kernels copy.
    static func elementSize(_ type: TensorType, _ context: PrepareContext) throws -> Int {
        guard let size = type.byteSize else { throw context.unsupported("\(type.name) tensors are not supported") }
        return size
    }

    /// The element count of a sub-range of a shape, checked: a shape with a 0 ahead of
    /// huge dimensions passes the model's element-count check, its sub-ranges need not.
    static func product(_ dims: ArraySlice<Int>, _ context: PrepareContext) throws -> Int {
        guard let p = ShapeMath.product(dims) else { throw context.invalid("dimensions \(Array(dims)) are too large") }
        return p
    }

    /// A byte count `factors` multiply to, checked.
    static func bytes(_ factors: Int..., context: PrepareContext) throws -> Int {
        var p = 1
        for f in factors {
            let (r, overflow) = p.multipliedReportingOverflow(by: f)
            guard !overflow, f >= 0 else { throw context.invalid("a copy of \(factors.map(String.init).joined(separator: " x ")) bytes is too large") }
            p = r
        }
        return p
    }

    /// A constant int32 scalar operand (SPLIT's and SPLIT_V's axis), as TFLM reads it:
    /// the first value.
    static func constantAxis(_ tensor: TensorInfo, _ context: PrepareContext) throws -> Int {
        guard tensor.isConstant else {
            throw context.unsupported("a non-constant axis tensor is not supported (TFLM needs it constant)")
        }
        guard tensor.type == .int32, let values = tensor.constantValues(Int32.self), let first = values.first else {
            throw context.invalid("axis must be a constant INT32 tensor with at least one value")
        }
        return Int(first)
    }
}

final class ConcatenationKernel: Kernel {
    static let registration = OperatorRegistration(.concatenation, resolver: "AddConcatenation", options: ConcatenationOptions.self, builtinData: CStruct("TfLiteConcatenationParams", [.int32, .smallEnum]),
                                                   temporaries: .takenInPrepare, macs: .none) { ConcatenationKernel() }
    /// types.h ConcatenationParams { int32 axis; two pointers; int32 count, zero point; float scale },
    /// and with USE_TFLM_COMPRESSION (the goldens' host build) int scratch_indices[10].
    static let params = CStruct("ConcatenationParams", [.int32, .pointer, .pointer, .int32, .int32, .float32])
    static let opData = PersistentRequest("OpData (CONCATENATION)", phase: .initialization, size: .compressible(
        plain: CStruct("OpData (CONCATENATION)", [.record(params)]),
        compressed: CStruct("OpData (CONCATENATION)", [.record(params)] + Array(repeating: .int32, count: 10))))

    /// Bytes of each input per outer step, and the number of outer steps.
    private var chunkBytes = OwnedBuffer<Int>(count: 0, repeating: 0)
    /// Filled at each eval (no allocation there).
    private var inputPointers = OwnedBuffer<UnsafeRawPointer?>(count: 0, repeating: nil)
    private var inputCount = 0
    private var outerSize = 0


    func prepare(_ context: PrepareContext) throws {
        context.allocatePersistent(Self.opData)
        context.tempInput(0)
        context.tempOutput(0)
        for i in 0..<context.inputCount { context.tempInput(i) }
        let output = try context.requireOutput(0)
        guard context.inputCount >= 1 else { throw context.invalid("\(context.op.name) needs at least one input") }
        let first = try context.requireInput(0)
        let options = context.options(ConcatenationOptions.self)
        let activation = options.fusedActivationFunction
        guard activation == .none else {
            throw context.unsupported("a fused activation (\(activation.name ?? String(activation.rawValue))) is not supported")
        }
        try context.expectType(first, [.float32, .int8, .int16, .int32, .int64, .bool], "input")
        guard output.type == first.type else {
            throw context.invalid("output type \(output.type.name) differs from input type \(first.type.name)")
        }
        guard context.inputCount <= 10 else {
            throw context.unsupported("\(context.inputCount) inputs; TFLM supports at most 10")
        }
        let rank = output.rank
        var axis = Int(options.axis)
        if axis < 0 { axis += rank }
        guard axis >= 0, axis < rank else {
            throw context.invalid("axis \(options.axis) is out of range for output rank \(rank)")
        }
        var inputs: [TensorInfo] = []
        for i in 0..<context.inputCount {
            let input = try context.requireInput(i)
            guard input.type == first.type else {
                throw context.invalid("input \(i) type \(input.type.name) differs from input 0's \(first.type.name)")
            }
            guard input.rank <= 6 else {
                throw context.unsupported("input \(i) has \(input.rank) dimensions; TFLM supports at most 6")
            }
            if input.type == .int8 {
                guard input.scalarScale == output.scalarScale, input.scalarZeroPoint == output.scalarZeroPoint else {
                    throw context.unsupported("int8 input \(i) (scale \(input.scalarScale), zero point \(input.scalarZeroPoint)) must match the output's (scale \(output.scalarScale), zero point \(output.scalarZeroPoint)): TFLM does not requantize")
                }
            } else if input.type == .int16, input.scalarZeroPoint != 0 {
                throw context.unsupported("int16 input \(i) needs a zero point of 0, got \(input.scalarZeroPoint)")
            }
            inputs.append(input)
        }
        if first.type == .int16, output.scalarZeroPoint != 0 {
            throw context.unsupported("int16 output needs a zero point of 0, got \(output.scalarZeroPoint)")
        }
        // The reference implementation's shape checks (debug-only in TFLM, required here).
        var concatenated = 0
        for (i, input) in inputs.enumerated() {
            guard input.rank == rank,
                  (0..<rank).allSatisfy({ $0 == axis || input.shape[$0] == output.shape[$0] }) else {
                throw context.invalid("input \(i) shape \(input.shape) does not fit output shape \(output.shape) on axis \(axis)")
            }
            concatenated += input.shape[axis]
        }
        guard concatenated == output.shape[axis] else {
            throw context.invalid("inputs add up to \(concatenated) along axis \(axis), output has \(output.shape[axis])")
        }

        let elementSize = try DataMovement.elementSize(output.type, context)
        let inner = try DataMovement.product(output.shape[(axis + 1)...], context)
        outerSize = try DataMovement.product(output.shape[..<axis], context)
        inputCount = inputs.count
        chunkBytes = OwnedBuffer(count: inputCount, repeating: 0)
        inputPointers = OwnedBuffer(count: inputCount, repeating: nil)
        for (i, input) in inputs.enumerated() { chunkBytes[i] = try DataMovement.bytes(input.shape[axis], inner, elementSize, context: context) }
        context.runsReference(first.type)
        var geometry = AxisGeometry()
        geometry.axis = axis
        geometry.inputs = inputCount
        context.geometry = .axis(geometry)
    }

    func eval(_ context: EvalContext) throws {
        for i in 0..<inputCount { inputPointers[i] = UnsafeRawPointer(context.input(i, as: UInt8.self)) }
        var out = UnsafeMutableRawPointer(context.output(0, as: UInt8.self))
        for k in 0..<outerSize {
            for i in 0..<inputCount {
                let bytes = chunkBytes[i]
                out.copyMemory(from: inputPointers[i].unsafelyUnwrapped + k * bytes, byteCount: bytes)
                out += bytes
            }
        }
    }
}
