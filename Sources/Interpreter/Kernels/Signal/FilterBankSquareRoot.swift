// SignalFilterBankSquareRoot (signal/micro/kernels/filter_bank_square_root*.cc,
// signal/src/filter_bank_square_root.cc, square_root_*.cc): the integer square root
// of every uint64 channel (TFLM's Sqrt64, which takes a 32-bit shortcut when the upper
// word is clear), shifted right by the int32 scale_bits input (the FFT auto-scale's
// shift, undone here).

final class SignalFilterBankSquareRootKernel: Kernel {
    static let registration = OperatorRegistration(kind: .custom("SignalFilterBankSquareRoot"), resolver: "AddFilterBankSquareRoot", options: nil, builtinData: nil,
                                                   temporaries: .takenInPrepare, macs: SignalWork.filterBankSquareRoot) { SignalFilterBankSquareRootKernel() }

    private var channels = 0

    func prepare(_ context: PrepareContext) throws {
        // Prepare's temporary tensors, taken before anything else (signal/micro/kernels).
        context.tempInput(0)
        context.tempInput(1)
        context.tempOutput(0)
        try context.expectCounts(inputs: 2, outputs: 1)
        let input = try context.requireInput(0)
        let scaleBits = try context.requireInput(1)
        let output = try context.requireOutput(0)
        try context.expectRank(input, 1, "input")
        try context.expectRank(scaleBits, 0, "scale_bits")
        try context.expectRank(output, 1, "output")
        try context.expectType(input, [.uint64], "input")
        try context.expectType(scaleBits, [.int32], "scale_bits")
        try context.expectType(output, [.uint32], "output")
        channels = input.elementCount
        guard output.elementCount >= channels else {
            throw context.invalid("output has \(output.elementCount) channels, the input \(channels) (TFLM would write past it)")
        }
        context.runsReference(.uint64)
        context.geometry = .rows(RowGeometry(rows: 1, rowSize: channels))
    }

    func eval(_ context: EvalContext) throws {
        let input = context.input(0, as: UInt64.self)
        // A shift outside 0...31 is undefined in C; x86 (where the goldens come from) masks it to 5 bits.
        let shift = UInt32(bitPattern: context.input(1, as: Int32.self).pointee)
        let output = context.output(0, as: UInt32.self)
        for i in 0..<channels {
            output[i] = SignalMath.sqrt64(input[i]) &>> shift
        }
    }
}
