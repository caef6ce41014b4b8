import Foundation

// SQUEEZE, as TFLM's squeeze.cc: a byte copy. Prepare checks that every dimension
// named in squeeze_dims (all size-1 dimensions when empty) has size 1 and that the
// kept dimensions fit the output; eval copies the input's bytes unchanged.

final class SqueezeKernel: Kernel {
    static let registration = OperatorRegistration(.squeeze, resolver: "AddSqueeze", options: SqueezeOptions.self, builtinData: CStruct("TfLiteSqueezeParams", Array(repeating: .int32, count: 9)),
                                                   temporaries: .takenInPrepare, macs: .none) { SqueezeKernel() }

    private var byteCount = 0

    func prepare(_ context: PrepareContext) throws {
        context.tempInput(0)
        context.tempOutput(0)
        guard context.inputCount == 1, context.outputCount == 1 else {
            throw context.invalid("\(context.op.name) takes 1 input and 1 output, got \(context.inputCount) and \(context.outputCount)")
        }
        let input = try context.requireInput(0)
        let output = try context.requireOutput(0)
        guard input.type != .string, input.type.byteSize != nil else {
            throw context.unsupported("input type \(input.type.name) is not supported")
        }
        let rank = input.rank
        guard rank <= 8 else { throw context.unsupported("\(context.op.name) supports at most 8 dimensions, input has \(rank)") }

        var squeezed = [Bool](repeating: false, count: rank)
        let dims = context.options(SqueezeOptions.self).squeezeDims
        if dims.isEmpty {
            for i in 0..<rank where input.shape[i] == 1 { squeezed[i] = true }
        } else {
            for d in dims {
                let axis = d < 0 ? Int(d) + rank : Int(d)
                guard axis >= 0, axis < rank, input.shape[axis] == 1 else {
                    throw context.invalid("squeeze dimension \(d) is not a size-1 dimension of input shape \(input.shape)")
                }
                squeezed[axis] = true
            }
        }
        // TFLM only checks that each kept dimension fits the output's.
        var outIndex = 0
        for i in 0..<rank where !squeezed[i] {
            guard outIndex < output.rank, output.shape[outIndex] >= input.shape[i] else {
                throw context.invalid("output shape \(output.shape) does not hold input shape \(input.shape) squeezed")
            }
            outIndex += 1
        }
        guard input.byteCount == output.byteCount else {
            throw context.invalid("output holds \(output.byteCount) bytes, input \(input.byteCount)")
        }
        byteCount = input.byteCount
        context.runsReference(input.type)
    }

    func eval(_ context: EvalContext) throws {
        guard byteCount > 0 else { return }
        let source = UnsafeRawPointer(context.input(0, as: UInt8.self))
        let destination = UnsafeMutableRawPointer(context.output(0, as: UInt8.self))
        // Planned tensors may share memory in place; memmove semantics are safe either way.
        if source != UnsafeRawPointer(destination) {
            memmove(destination, source, byteCount)
        }
    }
}
