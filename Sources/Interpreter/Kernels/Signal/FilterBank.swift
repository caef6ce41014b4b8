// SignalFilterBank (signal/micro/kernels/filter_bank.cc, signal/src/filter_bank.cc):
// mel-style triangular filters over a uint32 power spectrum. Channel i (of
// num_channels + 1; channel 0 is scratch) starts at spectrum bin
// channel_frequency_starts[i] and weight channel_weight_starts[i] and spans
// channel_widths[i] bins; every bin adds weight * power to its channel and
// unweight * power to the next one (uint64 sums, the int16 weights converted to
// uint64 as C converts them). Init allocates the params struct and a work area of
// num_channels + 1 uint64; eval copies channels 1... to the output.

final class SignalFilterBankKernel: Kernel {
    static let registration = OperatorRegistration(kind: .custom("SignalFilterBank"), resolver: "AddFilterBank", options: nil, builtinData: nil,
                                                   temporaries: .takenInPrepare, macs: SignalWork.filterBank) { SignalFilterBankKernel() }

    private var channels = 0
    private var outputCount = 0
    private var inputCount = 0
    private var weightCount = 0
    /// The config tensors are read at eval; when they are not constant their ranges are checked there.
    private var checkRangesInEval = false
    private var workArea: SignalStateMemory?

    func prepare(_ context: PrepareContext) throws {
        // Prepare's temporary tensors, taken before anything else (signal/micro/kernels).
        context.tempInput(0)
        context.tempInput(1)
        context.tempInput(2)
        context.tempInput(3)
        context.tempInput(4)
        context.tempInput(5)
        context.tempOutput(0)
        let options = try SignalOptions(context)
        channels = Int(try options.int32(context, index: 0, key: "num_channels"))
        guard channels >= 0 else { throw context.invalid("custom options: num_channels \(channels) is negative (custom_options.num_channels)") }
        try SignalLimits.checkState(context, bytes: 8 * (channels + 1), what: "\(channels) filter bank channels")
        context.allocatePersistent(.opData(SignalStructs.filterBankParams))
        context.allocatePersistent(.buffer("filter bank work area", bytes: 8 * (channels + 1), phase: .initialization))

        try context.expectCounts(inputs: 6, outputs: 1)
        let input = try context.requireInput(0)
        try context.expectRank(input, 1, "input")
        try context.expectType(input, [.uint32], "input")
        let names = ["weights", "unweights", "channel_frequency_starts", "channel_weight_starts", "channel_widths"]
        var config: [TensorInfo] = []
        for (i, name) in names.enumerated() {
            let t = try context.requireInput(i + 1)
            try context.expectRank(t, 1, name)
            try context.expectType(t, [.int16], name)
            config.append(t)
        }
        let output = try context.requireOutput(0)
        try context.expectRank(output, 1, "output")
        try context.expectType(output, [.uint64], "output")

        inputCount = input.elementCount
        weightCount = min(config[0].elementCount, config[1].elementCount)
        outputCount = output.elementCount
        for t in config[2...4] where t.elementCount < channels + 1 {
            throw context.invalid("\(t.name) has \(t.elementCount) entries, \(channels) channels need \(channels + 1) (TFLM would read past it)")
        }
        guard outputCount <= channels else {
            throw context.invalid("output has \(outputCount) channels, the work area \(channels) (TFLM would copy past it)")
        }
        if config[2...4].allSatisfy(\.isConstant) {
            let starts = config[2].constantValues(Int16.self) ?? []
            let weightStarts = config[3].constantValues(Int16.self) ?? []
            let widths = config[4].constantValues(Int16.self) ?? []
            var bins = 0
            for i in 0...channels {
                if let problem = Self.rangeProblem(start: Int(starts[i]), weightStart: Int(weightStarts[i]), width: Int(widths[i]),
                                                   inputCount: inputCount, weightCount: weightCount) {
                    throw context.invalid("channel \(i): \(problem)")
                }
                bins += max(Int(widths[i]), 0)
            }
        } else {
            checkRangesInEval = true
        }
        workArea = SignalStateMemory(bytes: 8 * (channels + 1))
        context.runsReference(.uint32)
        context.geometry = .rows(RowGeometry(rows: 1, rowSize: channels))
    }

    static func rangeProblem(start: Int, weightStart: Int, width: Int, inputCount: Int, weightCount: Int) -> String? {
        guard width > 0 else { return nil }
        if start < 0 || start + width > inputCount { return "spectrum bins [\(start), \(start + width)) lie outside the \(inputCount)-bin input" }
        if weightStart < 0 || weightStart + width > weightCount { return "weights [\(weightStart), \(weightStart + width)) lie outside the \(weightCount) weights" }
        return nil
    }

    struct RangeError: Error, CustomStringConvertible {
        let description: String
    }

    func eval(_ context: EvalContext) throws {
        guard let workArea else { return }
        let input = context.input(0, as: UInt32.self)
        let weights = context.input(1, as: Int16.self)
        let unweights = context.input(2, as: Int16.self)
        let starts = context.input(3, as: Int16.self)
        let weightStarts = context.input(4, as: Int16.self)
        let widths = context.input(5, as: Int16.self)
        let accumulators = workArea.typed(UInt64.self)
        var weightSum: UInt64 = 0
        var unweightSum: UInt64 = 0
        for i in 0...channels {
            let start = Int(starts[i])
            let weightStart = Int(weightStarts[i])
            let width = Int(widths[i])
            if checkRangesInEval, Self.rangeProblem(start: start, weightStart: weightStart, width: width,
                                                    inputCount: inputCount, weightCount: weightCount) != nil {
                throw RangeError(description: "SignalFilterBank: channel \(i)'s range lies outside its tensors")
            }
            var j = 0
            while j < width {
                let power = UInt64(input[start + j])
                weightSum &+= UInt64(bitPattern: Int64(weights[weightStart + j])) &* power
                unweightSum &+= UInt64(bitPattern: Int64(unweights[weightStart + j])) &* power
                j += 1
            }
            accumulators[i] = weightSum
            weightSum = unweightSum
            unweightSum = 0
        }
        // An element loop, not update(from:count:): as the last call of this throwing
        // function, the memmove became a tail call that skipped restoring the Swift error
        // register (r12 on x86-64), which the loop above had used, and callers saw a bogus
        // error in release builds (Swift 6.3).
        let output = context.output(0, as: UInt64.self)
        for i in 0..<outputCount { output[i] = accumulators[i + 1] }
    }
}
