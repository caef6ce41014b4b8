// SignalDelay (signal/micro/kernels/delay.cc): delays every innermost row of int16
// samples by `delay_length` samples across invokes. Each row has a circular buffer of
// frame_size + delay_length samples that starts with delay_length zeros; an invoke
// writes the row in, reads frame_size samples out and discards them. Init allocates
// the params struct; Prepare two pointer arrays (one entry per row) and each row's
// circular buffer; Reset empties them and writes the zeros again.

final class SignalDelayKernel: Kernel, ResettableKernel {
    static let registration = OperatorRegistration(kind: .custom("SignalDelay"), resolver: "AddDelay", options: nil, builtinData: nil,
                                                   temporaries: .takenInPrepare, macs: SignalWork.delay) { SignalDelayKernel() }

    private var frameSize = 0
    private var delayLength = 0
    private var rows = 0
    private var memory: SignalStateMemory?
    /// Owns the circular buffers; eval reads them through `buffers` (no reference counting).
    private var circular: OwnedBuffer<SignalCircularBuffer>?
    private var buffers: UnsafeMutablePointer<SignalCircularBuffer>?

    func prepare(_ context: PrepareContext) throws {
        // Prepare's temporary tensors, taken before anything else (signal/micro/kernels).
        context.tempInput(0)
        context.tempOutput(0)
        context.allocatePersistent(PersistentRequest.opData(SignalStructs.delayParams))
        let options = try SignalOptions(context)
        delayLength = Int(try options.int32(context, index: 0, key: "delay_length"))
        try context.expectCounts(inputs: 1, outputs: 1)
        let input = try context.requireInput(0)
        let output = try context.requireOutput(0)
        try context.expectType(input, [.int16], "input")
        try context.expectType(output, [.int16], "output")
        guard delayLength >= 0 else { throw context.invalid("custom options: delay_length \(delayLength) is negative (custom_options.delay_length)") }
        frameSize = input.dim(-1)
        guard input.rank >= 1, frameSize > 0 else { throw context.invalid("input \(input.shape) has no samples per row (TFLM divides by the row length)") }
        rows = input.elementCount / frameSize
        guard output.elementCount >= input.elementCount else {
            throw context.invalid("output holds \(output.elementCount) samples, the input \(input.elementCount) (TFLM would write past it)")
        }
        let capacity = frameSize + delayLength
        try SignalLimits.checkState(context, bytes: SignalLimits.product(rows, 4, capacity), what: "a delay of \(delayLength) samples on \(rows) row(s)")
        context.allocatePersistent(SignalStructs.pointerArray("state buffer pointers", count: rows))
        context.allocatePersistent(SignalStructs.pointerArray("circular buffer pointers", count: rows))
        for _ in 0..<rows {
            context.allocatePersistent(PersistentRequest("delay circular buffer", phase: .preparation,
                                                         size: SignalStructs.circularBufferBytes(capacity: capacity)))
        }
        let memory = SignalStateMemory(bytes: rows * 4 * capacity)
        self.memory = memory
        circular = OwnedBuffer((0..<rows).map { r in
            SignalCircularBuffer(storage: memory.typed(Int16.self) + r * 2 * capacity, capacity: capacity)
        })
        buffers = circular?.base
        reset()
        context.runsReference(.int16)
        context.geometry = .rows(RowGeometry(rows: rows, rowSize: frameSize))
    }

    func reset() {
        guard let buffers else { return }
        for r in 0..<rows {
            buffers[r].reset()
            buffers[r].write(nil, count: delayLength)
        }
    }

    func eval(_ context: EvalContext) throws {
        guard let buffers else { return }
        let input = context.input(0, as: Int16.self)
        let output = context.output(0, as: Int16.self)
        for r in 0..<rows {
            let sample = r * frameSize
            buffers[r].write(UnsafePointer(input + sample), count: frameSize)
            buffers[r].get(frameSize, into: output + sample)
            buffers[r].discard(frameSize)
        }
    }
}
