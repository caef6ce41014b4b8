// SignalEnergy (signal/micro/kernels/energy.cc, signal/src/energy.cc): the power
// re^2 + im^2 (int32 arithmetic, stored as uint32) of the complex int16 bins in
// [start_index, end_index). Bins outside that range are not written: they keep
// whatever the arena held, as in TFLM.

final class SignalEnergyKernel: Kernel {
    static let registration = OperatorRegistration(kind: .custom("SignalEnergy"), resolver: "AddEnergy", options: nil, builtinData: nil,
                                                   temporaries: .takenInPrepare, macs: SignalWork.energy) { SignalEnergyKernel() }

    private var start = 0
    private var end = 0

    func prepare(_ context: PrepareContext) throws {
        // Prepare's temporary tensors, taken before anything else (signal/micro/kernels).
        context.tempInput(0)
        context.tempOutput(0)
        context.allocatePersistent(PersistentRequest.opData(SignalStructs.energyParams))
        let options = try SignalOptions(context)
        end = Int(try options.int32(context, index: 0, key: "end_index"))
        start = Int(try options.int32(context, index: 1, key: "start_index"))
        try context.expectCounts(inputs: 1, outputs: 1)
        let input = try context.requireInput(0)
        let output = try context.requireOutput(0)
        try context.expectRank(input, 1, "input")
        try context.expectRank(output, 1, "output")
        try context.expectType(input, [.int16], "input")
        try context.expectType(output, [.uint32], "output")
        guard start >= 0 else { throw context.invalid("custom options: start_index \(start) is negative (custom_options.start_index)") }
        if end > start {
            guard 2 * end <= input.elementCount, end <= output.elementCount else {
                throw context.invalid("custom options: bins [\(start), \(end)) exceed the input's \(input.elementCount / 2) complex values or the output's \(output.elementCount) (TFLM would read or write past them) (custom_options.end_index)")
            }
        }
        context.runsReference(.int16)
        context.geometry = .rows(RowGeometry(rows: 1, rowSize: max(end - start, 0)))
    }

    func eval(_ context: EvalContext) throws {
        let input = context.input(0, as: Int16.self)
        let output = context.output(0, as: UInt32.self)
        var i = start
        while i < end {
            let re = Int32(input[2 * i])
            let im = Int32(input[2 * i + 1])
            output[i] = UInt32(bitPattern: re &* re &+ im &* im)
            i += 1
        }
    }
}
