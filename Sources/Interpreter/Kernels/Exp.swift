import Foundation

// EXP, as TFLM's exp.cc: float32 only (TFLM has no quantized EXP), std::exp per element.
// The goldens come from a glibc host, and Swift's expf on Linux is that same libm call.

final class ExpKernel: Kernel {
    static let registration = OperatorRegistration(.exp, resolver: "AddExp", options: ExpOptions.self, builtinData: nil, temporaries: .takenInPrepare,
                                                   macs: .perOutputElement) { ExpKernel() }

    private var count = 0

    func prepare(_ context: PrepareContext) throws {
        context.tempInput(0)
        context.tempOutput(0)
        guard context.inputCount == 1, context.outputCount == 1 else {
            throw context.invalid("\(context.op.name) takes 1 input and 1 output, the model gives \(context.inputCount) and \(context.outputCount)")
        }
        let input = try context.requireInput(0), output = try context.requireOutput(0)
        try context.expectType(input, [.float32], "input")
        guard output.type == input.type else {
            throw context.unsupported("output type \(output.type.name) differs from the input type \(input.type.name)")
        }
        guard output.shape == input.shape else {
            throw context.invalid("output shape \(output.shape) differs from the input shape \(input.shape)")
        }
        count = input.elementCount
        context.runsReference(.float32)
        context.geometry = .elementwise(ElementwiseGeometry(elements: count))
    }

    func eval(_ context: EvalContext) throws {
        let input = context.input(0, as: Float.self), output = context.output(0, as: Float.self)
        var i = 0
        while i < count {
            output[i] = expf(input[i])
            i &+= 1
        }
    }
}
