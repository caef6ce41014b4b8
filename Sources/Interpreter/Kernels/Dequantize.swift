// DEQUANTIZE, as TFLM's dequantize.cc / dequantize_common.cc (no CMSIS-NN kernel).
//
// int8, int16 or uint8 → float32: (float)(scale * (x - zero_point)), the product in
// double with the scale widened from the tensor's float.

final class DequantizeKernel: Kernel {
    static let registration = OperatorRegistration(.dequantize, resolver: "AddDequantize", options: DequantizeOptions.self, builtinData: nil, temporaries: .takenInPrepare,
                                                   macs: .perOutputElement) { DequantizeKernel() }
    /// dequantize.h: DequantizeOpData { DequantizationParams { double, int32 }; int32; int; int32 }.
    static let opData = CStruct("DequantizeOpData",
                                [.record(CStruct("DequantizationParams", [.float64, .int32])), .int32, .int32, .int32])

    private var inputType: TensorType = .int8
    private var count = 0
    private var scale: Double = 0
    private var zeroPoint: Int32 = 0

    func prepare(_ context: PrepareContext) throws {
        context.allocatePersistent(.opData(Self.opData))
        context.tempInput(0)
        context.tempOutput(0)
        guard context.inputCount == 1, context.outputCount == 1 else {
            throw context.invalid("\(context.op.name) takes 1 input and 1 output, the model gives \(context.inputCount) and \(context.outputCount)")
        }
        let input = try context.requireInput(0), output = try context.requireOutput(0)
        try context.expectType(input, [.int8, .int16, .uint8], "input")
        try context.expectType(output, [.float32], "output")
        guard output.elementCount == input.elementCount else {
            throw context.invalid("output shape \(output.shape) does not hold the \(input.elementCount) elements of input shaped \(input.shape)")
        }
        inputType = input.type
        count = input.elementCount
        scale = Double(input.scalarScale)
        zeroPoint = input.scalarZeroPoint
        context.runsReference(input.type)
        context.geometry = .elementwise(ElementwiseGeometry(elements: count))
    }

    func eval(_ context: EvalContext) throws {
        switch inputType {
        case .int16: run(context, Int16.self)
        case .uint8: run(context, UInt8.self)
        default: run(context, Int8.self)
        }
    }

    private func run<From: FixedWidthInteger>(_ context: EvalContext, _: From.Type) {
        let input = context.input(0, as: From.self), output = context.output(0, as: Float.self)
        let scale = self.scale, zeroPoint = self.zeroPoint
        var i = 0
        while i < count {
            output[i] = Float(scale * Double(Int32(truncatingIfNeeded: input[i]) &- zeroPoint))
            i &+= 1
        }
    }
}
