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

    static let maximumRegistration = OperatorRegistration(.maximum, resolver: "AddMaximum", options: MaximumMinimumOptions.self, builtinData: nil, temporaries: .none,
                                                          macs: .perOutputElement) { MaximumMinimumKernel(maximum: true) }
    static let minimumRegistration = OperatorRegistration(.minimum, resolver: "AddMinimum", options: MaximumMinimumOptions.self, builtinData: nil, temporaries: .none,
                                                          macs: .perOutputElement) { MaximumMinimumKernel(maximum: false) }

    init(maximum: Bool) {
        isMaximum = maximum
    }

    func prepare(_ context: PrepareContext) throws {
        // CMSIS-NN extends every shape to exactly four dimensions.
        let cmsisInt8 = context.variant == .cmsisNN && context.input(0)?.type == .int8
        let operands = try BinaryOperands(context, opData: nil, temporaries: false, types: [.float32, .int8, .int16, .int32, .int64],
                                          maxRank: cmsisInt8 ? 4 : ElementwiseBinaryLayout.maxRank)
        type = operands.type
        layout = operands.layout
        if cmsisInt8 {
            context.runs(isMaximum ? .maximumS8 : .minimumS8)
        } else {
            context.runsReference(type)
        }
        context.geometry = operands.geometry()
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
