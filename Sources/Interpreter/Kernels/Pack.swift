import Foundation

// PACK, as TFLM's pack.cc: stacks `values_count` equally shaped inputs along a new
// axis of the output; a byte copy for float32, int8, int16, int32 and int64. TFLM's
// kernel has no init or prepare (nothing persistent, no scratch) and does not look at
// quantization parameters.

final class PackKernel: Kernel {
    static let registration = OperatorRegistration(.pack, resolver: "AddPack", options: PackOptions.self, builtinData: CStruct("TfLitePackParams", [.int32, .int32]),
                                                   temporaries: .none, macs: .none) { PackKernel() }

    /// Filled at each eval (no allocation there).
    private var inputPointers = OwnedBuffer<UnsafeRawPointer?>(count: 0, repeating: nil)
    private var valuesCount = 0
    private var outerSize = 0
    private var chunkBytes = 0


    func prepare(_ context: PrepareContext) throws {
        let output = try context.requireOutput(0)
        try context.expectType(output, [.float32, .int8, .int16, .int32, .int64], "output")
        let options = context.options(PackOptions.self)
        let count = Int(options.valuesCount)
        guard count >= 1, count == context.inputCount else {
            throw context.invalid("values_count \(count) does not match the \(context.inputCount) inputs")
        }
        let rank = output.rank
        var axis = Int(options.axis)
        if axis < 0 { axis += rank }
        guard axis >= 0, axis < rank else {
            throw context.invalid("axis \(options.axis) is out of range for output rank \(rank)")
        }
        guard output.shape[axis] == count else {
            throw context.invalid("output shape \(output.shape) has \(output.shape[axis]) along axis \(axis), expected \(count)")
        }
        outerSize = try DataMovement.product(output.shape[..<axis], context)
        let copySize = try DataMovement.product(output.shape[(axis + 1)...], context)
        for i in 0..<count {
            let input = try context.requireInput(i)
            guard input.type == output.type else {
                throw context.invalid("input \(i) type \(input.type.name) differs from output type \(output.type.name)")
            }
            guard input.elementCount == outerSize * copySize else {
                throw context.invalid("input \(i) shape \(input.shape) does not fit output shape \(output.shape) packed on axis \(axis)")
            }
        }
        valuesCount = count
        chunkBytes = try DataMovement.bytes(copySize, try DataMovement.elementSize(output.type, context), context: context)
        inputPointers = OwnedBuffer(count: count, repeating: nil)
        context.runsReference(output.type)
        var geometry = AxisGeometry()
        geometry.axis = axis
        geometry.inputs = count
        context.geometry = .axis(geometry)
    }

    func eval(_ context: EvalContext) throws {
        for i in 0..<valuesCount { inputPointers[i] = UnsafeRawPointer(context.input(i, as: UInt8.self)) }
        let out = UnsafeMutableRawPointer(context.output(0, as: UInt8.self))
        let bytes = chunkBytes, n = valuesCount
        for i in 0..<n {
            let source = inputPointers[i].unsafelyUnwrapped
            for k in 0..<outerSize {
                (out + (k * n + i) * bytes).copyMemory(from: source + k * bytes, byteCount: bytes)
            }
        }
    }
}
