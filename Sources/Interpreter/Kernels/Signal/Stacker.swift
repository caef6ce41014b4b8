// SignalStacker (signal/micro/kernels/stacker.cc): stacks num_channels-wide frames
// with stacker_left_context frames before and stacker_right_context after into one
// output of num_channels * (left + right + 1), stepping stacker_step frames. The first
// frame is repeated left_context more times to pad the start. Init allocates the
// params struct and the circular buffer; Reset empties it. While fewer frames than
// the window are buffered the bool output is false and the output keeps its previous
// contents, as in TFLM.

final class SignalStackerKernel: Kernel, ResettableKernel {
    static let registration = OperatorRegistration(kind: .custom("SignalStacker"), resolver: "AddStacker", options: nil, builtinData: nil,
                                                   temporaries: .takenInPrepare, macs: SignalWork.stacker) { SignalStackerKernel() }

    private var channels = 0
    private var leftContext = 0
    private var rightContext = 0
    private var step = 0
    private var windowSize = 0
    private var stepSize = 0
    private var hasFirstFrame = false
    private var memory: SignalStateMemory?
    /// Owns the circular buffers; eval reads them through `buffer` (no reference counting).
    private var circular: OwnedBuffer<SignalCircularBuffer>?
    private var buffer: UnsafeMutablePointer<SignalCircularBuffer>?

    func prepare(_ context: PrepareContext) throws {
        // Prepare's temporary tensors, taken before anything else (signal/micro/kernels).
        context.tempInput(0)
        context.tempOutput(0)
        context.tempOutput(1)
        let options = try SignalOptions(context)
        channels = Int(try options.int32(context, index: 0, key: "num_channels"))
        leftContext = Int(try options.int32(context, index: 1, key: "stacker_left_context"))
        rightContext = Int(try options.int32(context, index: 2, key: "stacker_right_context"))
        step = Int(try options.int32(context, index: 3, key: "stacker_step"))
        guard channels >= 0, leftContext >= 0, rightContext >= 0 else {
            throw context.invalid("custom options: num_channels \(channels), stacker_left_context \(leftContext) and stacker_right_context \(rightContext) must not be negative (custom_options)")
        }
        let frames = leftContext + rightContext + 1
        guard step >= 1, step <= frames else {
            throw context.invalid("custom options: stacker_step \(step) is outside 1...\(frames) (TFLM would discard a wrong number of samples) (custom_options.stacker_step)")
        }
        try SignalLimits.checkState(context, bytes: SignalLimits.product(4, channels, frames), what: "stacking \(frames) frames of \(channels) channels")
        windowSize = channels * frames
        stepSize = channels * step
        context.allocatePersistent(.opData(SignalStructs.stackerParams))
        context.allocatePersistent(PersistentRequest("stacker circular buffer", phase: .initialization,
                                                     size: SignalStructs.circularBufferBytes(capacity: windowSize)))

        try context.expectCounts(inputs: 1, outputs: 2)
        let input = try context.requireInput(0)
        let output = try context.requireOutput(0)
        let valid = try context.requireOutput(1)
        try context.expectRank(input, 1, "input")
        try context.expectRank(output, 1, "output")
        try context.expectRank(valid, 0, "output_valid")
        try context.expectType(input, [.int16], "input")
        try context.expectType(output, [.int16], "output")
        try context.expectType(valid, [.bool], "output_valid")
        guard input.elementCount >= channels, output.elementCount >= windowSize else {
            throw context.invalid("num_channels \(channels) exceeds the input (\(input.elementCount)) or the window of \(windowSize) exceeds the output (\(output.elementCount)) (TFLM would read or write past them)")
        }
        let memory = SignalStateMemory(bytes: 4 * windowSize)
        self.memory = memory
        circular = OwnedBuffer([SignalCircularBuffer(storage: memory.typed(Int16.self), capacity: windowSize)])
        buffer = circular?.base
        context.runsReference(.int16)
        context.geometry = .rows(RowGeometry(rows: 1, rowSize: channels))
    }

    func reset() {
        buffer?.pointee.reset()
        hasFirstFrame = false
    }

    func eval(_ context: EvalContext) throws {
        guard let buffer else { return }
        buffer.pointee.write(UnsafePointer(context.input(0, as: Int16.self)), count: channels)
        if !hasFirstFrame {
            buffer.pointee.extend(count: channels, times: leftContext)
            hasFirstFrame = true
        }
        let valid = context.output(1, as: Bool.self)
        if buffer.pointee.available >= windowSize {
            buffer.pointee.get(windowSize, into: context.output(0, as: Int16.self))
            buffer.pointee.discard(stepSize)
            valid.pointee = true
        } else {
            valid.pointee = false
        }
    }
}
