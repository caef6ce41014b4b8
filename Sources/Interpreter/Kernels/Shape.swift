import Foundation

// SHAPE, as TFLM's shape.cc: writes the input's dimensions. TFLM's eval handles an
// int32 output only (out_type int64 fails there), so int64 is refused in prepare.

final class ShapeKernel: Kernel {
    static let registration = OperatorRegistration(.shape, resolver: "AddShape", options: ShapeOptions.self, builtinData: CStruct("TfLiteShapeParams", [.smallEnum]),
                                                   temporaries: .none, macs: .none) { ShapeKernel() }

    private var dims = OwnedBuffer<Int32>([])

    func prepare(_ context: PrepareContext) throws {
        guard context.inputCount == 1, context.outputCount == 1 else {
            throw context.invalid("\(context.op.name) takes 1 input and 1 output, got \(context.inputCount) and \(context.outputCount)")
        }
        let input = try context.requireInput(0)
        let output = try context.requireOutput(0)
        guard output.type == .int32 else {
            throw context.unsupported("output type \(output.type.name) is not supported (TFLM's SHAPE writes int32 only)")
        }
        guard output.elementCount == input.rank else {
            throw context.invalid("output has \(output.elementCount) elements, input rank is \(input.rank)")
        }
        guard input.shape.allSatisfy({ $0 <= Int(Int32.max) }) else {
            throw context.invalid("input shape \(input.shape) does not fit int32")
        }
        dims = OwnedBuffer(input.shape.map { Int32($0) })
        context.runsReference(output.type)
    }

    func eval(_ context: EvalContext) throws {
        let output = context.output(0, as: Int32.self)
        let source = dims.base
        for i in 0..<dims.count { output[i] = source[i] }
    }
}
