// RESHAPE, as TFLM's reshape.cc / reshape_common.cc: the output's shape is the one
// stored in the model (the optional shape operand and new_shape option are not
// read), the element counts must agree, and eval copies the bytes unless the
// planner gave input and output the same buffer. TFLM allocates nothing for it
// (no init; a persistent copy of the dims only for a -1 dimension, which mcusim's
// model reader rejects). There is no CMSIS-NN variant.

import Foundation

final class ReshapeKernel: Kernel {
    static let registration = OperatorRegistration(.reshape, resolver: "AddReshape", options: ReshapeOptions.self, builtinData: CStruct("TfLiteReshapeParams", Array(repeating: .int32, count: 9)),
                                                   temporaries: .takenInPrepare, macs: .none) { ReshapeKernel() }

    private var byteCount = 0

    func prepare(_ context: PrepareContext) throws {
        context.tempInput(0)
        context.tempOutput(0)
        guard context.inputCount == 1 || context.inputCount == 2 else {
            throw context.invalid("\(context.op.name) takes 1 or 2 inputs, got \(context.inputCount)")
        }
        guard context.outputCount == 1 else { throw context.invalid("\(context.op.name) takes 1 output, got \(context.outputCount)") }
        let input = try context.requireInput(0)
        let output = try context.requireOutput(0)
        guard input.type == output.type else {
            throw context.invalid("input type \(input.type.name) differs from output type \(output.type.name)")
        }
        guard input.type.byteSize != nil else {
            throw context.unsupported("\(input.type.name) tensors are not supported")
        }
        guard input.elementCount == output.elementCount else {
            throw context.invalid("input \(input.shape) has \(input.elementCount) elements, output \(output.shape) has \(output.elementCount)")
        }
        byteCount = input.byteCount
        context.runsReference(input.type)
    }

    func eval(_ context: EvalContext) throws {
        guard byteCount > 0, let source = context.inputs[0] else { return }
        let destination = context.outputs[0]
        if source != destination {
            // memmove: safe even if a planner ever overlapped the two buffers.
            memmove(destination, source, byteCount)
        }
    }
}
