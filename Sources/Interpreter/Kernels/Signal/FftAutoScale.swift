// SignalFftAutoScale (signal/micro/kernels/fft_auto_scale_kernel.cc,
// signal/src/fft_auto_scale.cc): scales an int16 frame up by the largest power of two
// that keeps its peak within int16, and outputs the shift (so a later stage can undo it).
// The peak is TFLM's MaxAbs16, whose int16 running maximum turns negative at -32768
// (then every later sample replaces it); the shift is 15 - bit length of the peak
// taken as unsigned, floored at 0.

final class SignalFftAutoScaleKernel: Kernel {
    static let registration = OperatorRegistration(kind: .custom("SignalFftAutoScale"), resolver: "AddFftAutoScale", options: nil, builtinData: nil,
                                                   temporaries: .takenInPrepare, macs: SignalWork.fftAutoScale) { SignalFftAutoScaleKernel() }

    private var size = 0

    func prepare(_ context: PrepareContext) throws {
        // Prepare's temporary tensors, taken before anything else (signal/micro/kernels).
        context.tempInput(0)
        context.tempOutput(0)
        context.tempOutput(1)
        try context.expectCounts(inputs: 1, outputs: 2)
        let input = try context.requireInput(0)
        let output = try context.requireOutput(0)
        let scaleBits = try context.requireOutput(1)
        try context.expectRank(input, 1, "input")
        try context.expectRank(output, 1, "output")
        try context.expectRank(scaleBits, 0, "scale_bits output")
        try context.expectType(input, [.int16], "input")
        try context.expectType(output, [.int16], "output")
        try context.expectType(scaleBits, [.int32], "scale_bits output")
        // TFLM takes the length from the output and reads that many input samples.
        size = output.elementCount
        guard input.elementCount >= size else {
            throw context.invalid("output has \(size) samples, the input only \(input.elementCount) (TFLM reads the output's length from the input)")
        }
        context.runsReference(.int16)
        context.geometry = .rows(RowGeometry(rows: 1, rowSize: size))
    }

    func eval(_ context: EvalContext) throws {
        let input = context.input(0, as: Int16.self)
        let output = context.output(0, as: Int16.self)
        let scaleBitsOut = context.output(1, as: Int32.self)
        var peak: Int16 = 0
        for i in 0..<size {
            let value = input[i]
            if value > peak {
                peak = value
            } else if -Int32(value) > Int32(peak) {
                peak = Int16(truncatingIfNeeded: -Int32(value))
            }
        }
        var scaleBits = 16 - Int32(SignalMath.msb32(UInt32(bitPattern: Int32(peak)))) - 1
        if scaleBits <= 0 { scaleBits = 0 }
        let factor = Int32(1) << scaleBits
        for i in 0..<size {
            output[i] = Int16(truncatingIfNeeded: Int32(input[i]) &* factor)
        }
        scaleBitsOut.pointee = scaleBits
    }
}
