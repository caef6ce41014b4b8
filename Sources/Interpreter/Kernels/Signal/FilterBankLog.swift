// SignalFilterBankLog (signal/micro/kernels/filter_bank_log.cc,
// signal/src/filter_bank_log.cc, log.cc): per channel, the input shifted left by
// input_correction_bits, then ln(x) * output_scale in TFLM's fixed point (Log32)
// capped at 32767; 0 for x <= 1.

final class SignalFilterBankLogKernel: Kernel {
    static let registration = OperatorRegistration(kind: .custom("SignalFilterBankLog"), resolver: "AddFilterBankLog", options: nil, builtinData: nil,
                                                   temporaries: .takenInPrepare, macs: SignalWork.filterBankLog) { SignalFilterBankLogKernel() }

    private var channels = 0
    private var correctionBits: UInt32 = 0
    private var outputScale: UInt32 = 0
    private var table: UnsafePointer<UInt16>?

    func prepare(_ context: PrepareContext) throws {
        // Prepare's temporary tensors, taken before anything else (signal/micro/kernels).
        context.tempInput(0)
        context.tempOutput(0)
        context.allocatePersistent(PersistentRequest.opData(SignalStructs.logParams))
        let options = try SignalOptions(context)
        let correction = try options.int32(context, index: 0, key: "input_correction_bits")
        outputScale = UInt32(bitPattern: try options.int32(context, index: 1, key: "output_scale"))
        guard (0...31).contains(correction) else {
            throw context.invalid("custom options: input_correction_bits \(correction) is outside 0...31, undefined for TFLM's uint32 shift (custom_options.input_correction_bits)")
        }
        correctionBits = UInt32(correction)
        try context.expectCounts(inputs: 1, outputs: 1)
        let input = try context.requireInput(0)
        let output = try context.requireOutput(0)
        try context.expectRank(input, 1, "input")
        try context.expectRank(output, 1, "output")
        try context.expectType(input, [.uint32], "input")
        try context.expectType(output, [.int16], "output")
        channels = input.elementCount
        guard output.elementCount >= channels else {
            throw context.invalid("output has \(output.elementCount) channels, the input \(channels) (TFLM would write past it)")
        }
        table = SignalLogTable.pointer
        context.runsReference(.uint32)
        context.geometry = .rows(RowGeometry(rows: 1, rowSize: channels))
    }

    func eval(_ context: EvalContext) throws {
        guard let table else { return }
        let input = context.input(0, as: UInt32.self)
        let output = context.output(0, as: Int16.self)
        for i in 0..<channels {
            let scaled = input[i] << correctionBits
            if scaled > 1 {
                let value = SignalMath.log32(scaled, outScale: outputScale, table: table)
                output[i] = Int16(truncatingIfNeeded: min(value, 32767))
            } else {
                output[i] = 0
            }
        }
    }
}

/// log.cc's table in memory that lives for the whole process (kernels take the
/// pointer in prepare, so eval touches no Swift array).
enum SignalLogTable {
    static let pointer: UnsafePointer<UInt16> = {
        let table = UnsafeMutablePointer<UInt16>.allocate(capacity: SignalMath.logTable.count)
        table.initialize(from: SignalMath.logTable, count: SignalMath.logTable.count)
        return UnsafePointer(table)
    }()
}
