// MAXIMUM and MINIMUM, as TFLM's maximum_minimum.cc and cmsis_nn/maximum_minimum.cc.
//
// Raw values are compared with no requantization (TFLM assumes equal scales), so every
// type is a plain elementwise max/min with broadcasting. TFLM has no init or prepare for
// these: nothing is allocated. With CMSIS-NN, int8 runs arm_maximum_s8/arm_minimum_s8,
// which take shapes as four dimensions.

final class MaximumMinimumKernel: Kernel {
    private let isMaximum: Bool
    private var type: TensorType = .float32
    private var layout = ElementwiseBinaryLayout()

    init(maximum: Bool) {
        isMaximum = maximum
    }

    func prepare(_ context: PrepareContext) throws {
        guard context.inputCount == 2, context.outputCount == 1 else {
            throw context.invalid("\(context.op) takes 2 inputs and 1 output, the model gives \(context.inputCount) and \(context.outputCount)")
        }
        let input1 = try context.requireInput(0), input2 = try context.requireInput(1)
        let output = try context.requireOutput(0)
        try context.expectType(output, [.float32, .int8, .int16, .int32, .int64], "output")
        // TFLM reads both inputs as the output's type.
        guard input1.type == output.type, input2.type == output.type else {
            throw context.unsupported("input types \(input1.type.name), \(input2.type.name) differ from the output type \(output.type.name)")
        }
        type = output.type
        let cmsisInt8 = context.variant == .cmsisNN && type == .int8
        // CMSIS-NN extends every shape to exactly four dimensions.
        layout = try ElementwiseBinaryLayout(context, input1, input2, output, maxRank: cmsisInt8 ? 4 : ElementwiseBinaryLayout.maxRank)
        if cmsisInt8 {
            context.kernelPath = isMaximum ? "arm_maximum_s8" : "arm_minimum_s8"
        } else {
            context.kernelPath = type == .float32 ? "reference_float" : "reference"
        }
        context.parameters["broadcast"] = layout.isFlat ? 0 : 1
        context.parameters["elements"] = layout.count
    }

    func eval(_ context: EvalContext) throws {
        switch type {
        case .int8: run(context, Int8.self)
        case .int16: run(context, Int16.self)
        case .int32: run(context, Int32.self)
        case .int64: run(context, Int64.self)
        default: run(context, Float.self)
        }
    }

    private func run<T: Comparable>(_ context: EvalContext, _: T.Type) {
        let a = context.input(0, as: T.self), b = context.input(1, as: T.self), out = context.output(0, as: T.self)
        // TFLM's MaximumOp / MinimumOp: the first operand unless the second wins strictly
        // (which fixes what a NaN compares to).
        if isMaximum {
            layout.forEach(a, b, out) { x, y in x > y ? x : y }
        } else {
            layout.forEach(a, b, out) { x, y in x < y ? x : y }
        }
    }
}
