import Foundation

// EXPAND_DIMS, as TFLM's expand_dims.cc: the axis must be a constant int32 scalar (or
// one-element vector); the output's stored shape must be the input's with a 1
// inserted at the axis; eval copies elements (float32, int16, int8 only).

final class ExpandDimsKernel: Kernel {
    static let registration = OperatorRegistration(.expandDims, resolver: "AddExpandDims", options: ExpandDimsOptions.self, builtinData: nil, temporaries: .takenInPrepare,
                                                   macs: .none) { ExpandDimsKernel() }

    private var byteCount = 0

    func prepare(_ context: PrepareContext) throws {
        context.tempInput(0)
        context.tempInput(1)
        context.tempOutput(0)
        guard context.inputCount == 2, context.outputCount == 1 else {
            throw context.invalid("\(context.op.name) takes 2 inputs and 1 output, got \(context.inputCount) and \(context.outputCount)")
        }
        let input = try context.requireInput(0)
        let axisTensor = try context.requireInput(1)
        let output = try context.requireOutput(0)
        guard output.type == input.type else {
            throw context.invalid("output type \(output.type.name) differs from input type \(input.type.name)")
        }
        try context.expectType(input, [.float32, .int16, .int8], "input")
        guard axisTensor.isConstant else {
            throw context.unsupported("non-constant axis tensor is not supported (TFLM requires it in the model)")
        }
        guard axisTensor.rank <= 1 else {
            throw context.invalid("axis must have one element, has shape \(axisTensor.shape)")
        }
        guard axisTensor.type == .int32 else {
            throw context.unsupported("axis of type \(axisTensor.type.name) is not supported (TFLM reads int32)")
        }
        guard let axisValue = axisTensor.constantValues(Int32.self)?.first else {
            throw context.invalid("axis tensor holds no value")
        }
        var axis = Int(axisValue)
        if axis < 0 { axis += input.rank + 1 }
        guard axis >= 0, axis <= input.rank else {
            throw context.invalid("axis \(axisValue) is out of range for input rank \(input.rank)")
        }
        var expected = input.shape
        expected.insert(1, at: axis)
        guard output.shape == expected else {
            throw context.invalid("output shape \(output.shape) is not input shape \(input.shape) with a 1 inserted at \(axis)")
        }
        byteCount = input.byteCount
        context.runsReference(input.type)
    }

    func eval(_ context: EvalContext) throws {
        guard byteCount > 0 else { return }
        let source = UnsafeRawPointer(context.input(0, as: UInt8.self))
        let destination = UnsafeMutableRawPointer(context.output(0, as: UInt8.self))
        if source != UnsafeRawPointer(destination) {
            memmove(destination, source, byteCount)
        }
    }
}
