// SignalFilterBankSpectralSubtraction (signal/micro/kernels/
// filter_bank_spectral_subtraction.cc, signal/src/filter_bank_spectral_subtraction.cc):
// per channel, a first-order low-pass noise estimate (smoothing on even channels,
// alternate_smoothing on odd ones, in 1/2^spectral_subtraction_bits, on the signal
// scaled up by smoothing_bits), subtracted from the signal with a floor of
// min_signal_remaining of it. The noise estimates are the kernel's state: Init
// allocates them (num_channels uint32), Prepare and Reset zero them, and every invoke
// also copies them to the second output.

final class SignalFilterBankSpectralSubtractionKernel: Kernel, ResettableKernel {
    static let registration = OperatorRegistration(kind: .custom("SignalFilterBankSpectralSubtraction"), resolver: "AddFilterBankSpectralSubtraction", options: nil, builtinData: nil,
                                                   temporaries: .takenInPrepare, macs: SignalWork.spectralSubtraction) { SignalFilterBankSpectralSubtractionKernel() }

    private var channels = 0
    private var noiseOutputCount = 0
    private var smoothing: UInt32 = 0
    private var oneMinusSmoothing: UInt32 = 0
    private var alternateSmoothing: UInt32 = 0
    private var alternateOneMinusSmoothing: UInt32 = 0
    private var minSignalRemaining: UInt32 = 0
    private var smoothingBits: UInt32 = 0
    private var subtractionBits: UInt64 = 0
    private var clamping = false
    private var noise: SignalStateMemory?

    func prepare(_ context: PrepareContext) throws {
        // Prepare's temporary tensors, taken before anything else (signal/micro/kernels).
        context.tempInput(0)
        context.tempOutput(0)
        context.tempOutput(1)
        let options = try SignalOptions(context)
        func u32(_ index: Int, _ key: String) throws -> UInt32 { UInt32(bitPattern: try options.int32(context, index: index, key: key)) }
        alternateOneMinusSmoothing = try u32(0, "alternate_one_minus_smoothing")
        alternateSmoothing = try u32(1, "alternate_smoothing")
        clamping = try options.bool(context, index: 2, key: "clamping")
        minSignalRemaining = try u32(3, "min_signal_remaining")
        channels = Int(try options.int32(context, index: 4, key: "num_channels"))
        oneMinusSmoothing = try u32(5, "one_minus_smoothing")
        smoothing = try u32(6, "smoothing")
        smoothingBits = try u32(7, "smoothing_bits")
        let bits = try u32(8, "spectral_subtraction_bits")
        guard channels >= 0 else { throw context.invalid("custom options: num_channels \(channels) is negative (custom_options.num_channels)") }
        guard smoothingBits < 32 else {
            throw context.invalid("custom options: smoothing_bits \(smoothingBits) is outside 0...31, undefined for TFLM's uint32 shift (custom_options.smoothing_bits)")
        }
        guard bits < 64 else {
            throw context.invalid("custom options: spectral_subtraction_bits \(bits) is outside 0...63, undefined for TFLM's uint64 shift (custom_options.spectral_subtraction_bits)")
        }
        subtractionBits = UInt64(bits)
        try SignalLimits.checkState(context, bytes: 4 * channels, what: "\(channels) noise estimates")
        context.allocatePersistent(.opData(SignalStructs.spectralSubtractionParams))
        context.allocatePersistent(.buffer("noise estimates", bytes: 4 * channels, phase: .initialization))

        try context.expectCounts(inputs: 1, outputs: 2)
        let input = try context.requireInput(0)
        let output = try context.requireOutput(0)
        let noiseOutput = try context.requireOutput(1)
        try context.expectRank(input, 1, "input")
        try context.expectRank(output, 1, "output")
        try context.expectRank(noiseOutput, 1, "noise_estimate output")
        try context.expectType(input, [.uint32], "input")
        try context.expectType(output, [.uint32], "output")
        try context.expectType(noiseOutput, [.uint32], "noise_estimate output")
        guard input.elementCount >= channels, output.elementCount >= channels else {
            throw context.invalid("num_channels \(channels) exceeds the input (\(input.elementCount)) or output (\(output.elementCount)) (TFLM would read or write past them)")
        }
        noiseOutputCount = noiseOutput.elementCount
        guard noiseOutputCount <= channels else {
            throw context.invalid("noise_estimate output has \(noiseOutputCount) channels, the state \(channels) (TFLM would copy past it)")
        }
        noise = SignalStateMemory(bytes: 4 * channels)
        reset()
        context.runsReference(.uint32)
        context.geometry = .rows(RowGeometry(rows: 1, rowSize: channels))
    }

    func reset() {
        guard let noise else { return }
        noise.typed(UInt32.self).update(repeating: 0, count: channels)
    }

    func eval(_ context: EvalContext) throws {
        guard let noise else { return }
        let input = context.input(0, as: UInt32.self)
        let output = context.output(0, as: UInt32.self)
        let estimate = noise.typed(UInt32.self)
        for i in 0..<channels {
            let even = i & 1 == 0
            let s = even ? smoothing : alternateSmoothing
            let oneMinusS = even ? oneMinusSmoothing : alternateOneMinusSmoothing
            let signalScaledUp = input[i] << smoothingBits
            estimate[i] = UInt32(truncatingIfNeeded: (UInt64(signalScaledUp) &* UInt64(s) &+ UInt64(estimate[i]) &* UInt64(oneMinusS)) >> subtractionBits)
            var estimateScaledUp = estimate[i]
            if estimateScaledUp > signalScaledUp {
                estimateScaledUp = signalScaledUp
                if clamping { estimate[i] = estimateScaledUp }
            }
            let floor = UInt32(truncatingIfNeeded: (UInt64(input[i]) &* UInt64(minSignalRemaining)) >> subtractionBits)
            let subtracted = (signalScaledUp &- estimateScaledUp) >> smoothingBits
            output[i] = subtracted > floor ? subtracted : floor
        }
        // An element loop rather than a trailing memmove (see SignalFilterBankKernel.eval).
        let noiseOutput = context.output(1, as: UInt32.self)
        for i in 0..<noiseOutputCount { noiseOutput[i] = estimate[i] }
    }
}
