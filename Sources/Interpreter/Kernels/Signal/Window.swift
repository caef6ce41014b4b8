// SignalWindow (signal/micro/kernels/window.cc, signal/src/window.cc): multiplies each
// run of `weights.count` int16 samples by the int16 window, shifts the int32 product
// right by the `shift` option and saturates it to int16.

final class SignalWindowKernel: Kernel {
    static let registration = OperatorRegistration(kind: .custom("SignalWindow"), resolver: "AddWindow", options: nil, builtinData: nil,
                                                   temporaries: .takenInPrepare, macs: SignalWork.window) { SignalWindowKernel() }

    private var inputSize = 0
    private var weightSize = 0
    private var shift: Int32 = 0

    func prepare(_ context: PrepareContext) throws {
        // Prepare's temporary tensors, taken before anything else (signal/micro/kernels).
        context.tempInput(0)
        context.tempInput(1)
        context.tempOutput(0)
        // Init: the params struct, then the options.
        context.allocatePersistent(PersistentRequest.opData(SignalStructs.windowParams))
        let options = try SignalOptions(context)
        shift = try options.int32(context, index: 0, key: "shift")
        try context.expectCounts(inputs: 2, outputs: 1)
        let input = try context.requireInput(0)
        let weights = try context.requireInput(1)
        let output = try context.requireOutput(0)
        guard input.rank >= 1 else { throw context.invalid("input must have rank >= 1, has shape \(input.shape)") }
        try context.expectRank(weights, 1, "weights")
        guard input.rank == output.rank else { throw context.invalid("input rank \(input.rank) differs from output rank \(output.rank)") }
        try context.expectType(input, [.int16], "input")
        try context.expectType(weights, [.int16], "weights")
        try context.expectType(output, [.int16], "output")
        inputSize = input.elementCount
        weightSize = weights.elementCount
        // TFLM walks the input in steps of the window length without checking.
        guard weightSize > 0 || inputSize == 0 else { throw context.invalid("the window is empty: TFLM's loop would not advance") }
        guard weightSize == 0 || inputSize % weightSize == 0 else {
            throw context.invalid("input of \(inputSize) samples is not a whole number of \(weightSize)-sample windows (TFLM would read past it)")
        }
        guard output.elementCount >= inputSize else {
            throw context.invalid("output holds \(output.elementCount) samples, the input \(inputSize) (TFLM would write past it)")
        }
        guard (0...31).contains(shift) else {
            throw context.invalid("custom options: shift \(shift) is outside 0...31, undefined for TFLM's int32 shift (custom_options.shift)")
        }
        context.runsReference(.int16)
        context.geometry = .rows(RowGeometry(rows: weightSize > 0 ? inputSize / weightSize : 0, rowSize: weightSize))
    }

    func eval(_ context: EvalContext) throws {
        let input = context.input(0, as: Int16.self)
        let weights = context.input(1, as: Int16.self)
        let output = context.output(0, as: Int16.self)
        let shift = self.shift
        var start = 0
        while start < inputSize {
            for i in 0..<weightSize {
                let raw = (Int32(input[start + i]) &* Int32(weights[i])) >> shift
                output[start + i] = Int16(clamping: raw)
            }
            start += weightSize
        }
    }
}
