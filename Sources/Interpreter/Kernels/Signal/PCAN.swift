// SignalPCAN (signal/micro/kernels/pcan.cc, signal/src/pcan_argc_fixed.cc): per-channel
// energy normalisation. Each channel's gain comes from its noise estimate through
// TFLM's WideDynamicFunction (a piecewise quadratic read from the int16 gain table,
// four entries per power of two, so the table needs 125 entries); the gain (the
// int16 result, sign-extended to uint32) times the channel, shifted right by
// snr_shift, goes through PcanShrink (x^2/4 below 2, x - 1 above, from 12 to 6
// fractional bits).

final class SignalPCANKernel: Kernel {
    static let registration = OperatorRegistration(kind: .custom("SignalPCAN"), resolver: "AddPCAN", options: nil, builtinData: nil,
                                                   temporaries: .takenInPrepare, macs: SignalWork.pcan) { SignalPCANKernel() }

    private var channels = 0
    private var snrShift: UInt64 = 0
    /// The gain table entries WideDynamicFunction can index (x up to 2^32).
    static let gainTableEntries = 125

    func prepare(_ context: PrepareContext) throws {
        // Prepare's temporary tensors, taken before anything else (signal/micro/kernels).
        context.tempInput(0)
        context.tempInput(1)
        context.tempInput(2)
        context.tempOutput(0)
        context.allocatePersistent(PersistentRequest.opData(SignalStructs.pcanParams))
        let options = try SignalOptions(context)
        let shift = try options.int32(context, index: 0, key: "snr_shift")
        guard (0...63).contains(shift) else {
            throw context.invalid("custom options: snr_shift \(shift) is outside 0...63, undefined for TFLM's uint64 shift (custom_options.snr_shift)")
        }
        snrShift = UInt64(shift)
        try context.expectCounts(inputs: 3, outputs: 1)
        let input = try context.requireInput(0)
        let noise = try context.requireInput(1)
        let gainTable = try context.requireInput(2)
        let output = try context.requireOutput(0)
        try context.expectRank(input, 1, "input")
        try context.expectRank(noise, 1, "noise_estimate")
        try context.expectRank(gainTable, 1, "gain_lut")
        try context.expectRank(output, 1, "output")
        try context.expectType(input, [.uint32], "input")
        try context.expectType(noise, [.uint32], "noise_estimate")
        try context.expectType(gainTable, [.int16], "gain_lut")
        try context.expectType(output, [.uint32], "output")
        channels = input.elementCount
        guard gainTable.elementCount >= Self.gainTableEntries else {
            throw context.invalid("gain_lut has \(gainTable.elementCount) entries; TFLM indexes up to \(Self.gainTableEntries) for noise estimates up to 2^32")
        }
        guard noise.elementCount >= channels else {
            throw context.invalid("\(channels) channels exceed the noise_estimate's \(noise.elementCount) (TFLM would read past it)")
        }
        // TFLM copies the output's byte length from the input, then works on the input's channel count.
        guard output.elementCount == channels else {
            throw context.invalid("output has \(output.elementCount) channels, the input \(channels) (TFLM would copy or write past one of them)")
        }
        context.runsReference(.uint32)
        context.geometry = .rows(RowGeometry(rows: 1, rowSize: channels))
    }

    /// WideDynamicFunction(x, lut).
    @inline(__always)
    static func gain(_ x: UInt32, _ lut: UnsafePointer<Int16>) -> Int16 {
        if x <= 2 { return lut[Int(x)] }
        let interval = Int32(SignalMath.msb32(x))
        let base = lut + Int(4 * interval - 6)
        let fracBits = interval < 11 ? x << UInt32(11 - interval) : x >> UInt32(interval - 11)
        let frac = Int32(Int16(truncatingIfNeeded: fracBits & 0x3FF))
        var result = (Int32(base[2]) &* frac) >> 5
        result = result &+ Int32(bitPattern: UInt32(bitPattern: Int32(base[1])) << 5)
        result = result &* frac
        result = (result &+ (1 << 14)) >> 15
        result = result &+ Int32(base[0])
        return Int16(truncatingIfNeeded: result)
    }

    /// PcanShrink(x).
    @inline(__always)
    static func shrink(_ x: UInt32) -> UInt32 {
        if x < 2 << 12 { return (x &* x) >> (2 + 2 * 12 - 6) }
        return (x >> (12 - 6)) &- (1 << 6)
    }

    func eval(_ context: EvalContext) throws {
        let input = context.input(0, as: UInt32.self)
        let noise = context.input(1, as: UInt32.self)
        let lut = UnsafePointer(context.input(2, as: Int16.self))
        let output = context.output(0, as: UInt32.self)
        for i in 0..<channels {
            // TFLM copies the input to the output first and works in place.
            let gain = UInt32(bitPattern: Int32(Self.gain(noise[i], lut)))
            let snr = UInt32(truncatingIfNeeded: (UInt64(input[i]) &* UInt64(gain)) >> snrShift)
            output[i] = Self.shrink(snr)
        }
    }
}
