// SignalFramer (signal/micro/kernels/framer.cc): cuts every innermost row of int16
// samples into frames of frame_size samples, frame_step apart, carrying the overlap
// to the next invoke. Each row feeds a circular buffer of frame_size rounded up to a
// multiple of frame_step; every step of input written in yields a frame once enough
// samples are there. With `prefill` the buffer starts with frame_size - frame_step
// zeros, so every frame is valid from the first invoke; otherwise the bool output
// says whether all frames of this invoke were (frames that were not keep the
// output's previous contents, as in TFLM). Init allocates the params struct; Prepare
// two pointer arrays and each row's circular buffer; Prepare and Reset refill them.

final class SignalFramerKernel: Kernel, ResettableKernel {
    static let registration = OperatorRegistration(kind: .custom("SignalFramer"), resolver: "AddFramer", options: nil, builtinData: nil,
                                                   temporaries: .takenInPrepare, macs: SignalWork.framer) { SignalFramerKernel() }

    private var frameSize = 0
    private var frameStep = 0
    private var prefill = false
    private var rows = 0
    private var framesPerRow = 0
    private var memory: SignalStateMemory?
    /// Owns the circular buffers; eval reads them through `buffers` (no reference counting).
    private var circular: OwnedBuffer<SignalCircularBuffer>?
    private var buffers: UnsafeMutablePointer<SignalCircularBuffer>?

    func prepare(_ context: PrepareContext) throws {
        // Prepare's temporary tensors, taken before anything else (signal/micro/kernels).
        context.tempInput(0)
        context.tempOutput(0)
        context.tempOutput(1)
        context.allocatePersistent(PersistentRequest.opData(SignalStructs.framerParams))
        let options = try SignalOptions(context)
        frameSize = Int(try options.int32(context, index: 0, key: "frame_size"))
        frameStep = Int(try options.int32(context, index: 1, key: "frame_step"))
        prefill = try options.bool(context, index: 2, key: "prefill")
        try context.expectCounts(inputs: 1, outputs: 2)
        let input = try context.requireInput(0)
        let output = try context.requireOutput(0)
        let valid = try context.requireOutput(1)
        guard input.rank + 1 == output.rank else { throw context.invalid("output rank \(output.rank) is not input rank \(input.rank) + 1") }
        try context.expectRank(valid, 0, "output_valid")
        try context.expectType(input, [.int16], "input")
        try context.expectType(output, [.int16], "output")
        try context.expectType(valid, [.bool], "output_valid")
        guard frameStep > 0 else { throw context.invalid("custom options: frame_step \(frameStep) is not positive (TFLM divides by it) (custom_options.frame_step)") }
        guard frameSize > 0 else { throw context.invalid("custom options: frame_size \(frameSize) is not positive (custom_options.frame_size)") }
        guard !prefill || frameStep <= frameSize else {
            throw context.invalid("custom options: prefill with frame_step \(frameStep) > frame_size \(frameSize): TFLM would write a negative number of zeros (custom_options.prefill)")
        }
        guard input.rank >= 1 else { throw context.invalid("input must have rank >= 1, has shape \(input.shape)") }
        let innermost = input.dim(-1)
        guard innermost >= frameStep, innermost % frameStep == 0 else {
            throw context.invalid("input rows of \(innermost) samples are not a positive multiple of frame_step \(frameStep) (TFLM's Prepare fails)")
        }
        rows = input.elementCount / innermost
        framesPerRow = innermost / frameStep
        guard output.elementCount >= SignalLimits.product(rows, framesPerRow, frameSize) else {
            throw context.invalid("output \(output.shape) cannot hold \(rows * framesPerRow) frames of \(frameSize) samples (TFLM would write past it)")
        }
        let capacity = (frameSize + frameStep - 1) / frameStep * frameStep
        try SignalLimits.checkState(context, bytes: rows * 4 * capacity, what: "framing \(rows) row(s) into \(frameSize)-sample frames")
        context.allocatePersistent(SignalStructs.pointerArray("state buffer pointers", count: rows))
        context.allocatePersistent(SignalStructs.pointerArray("circular buffer pointers", count: rows))
        for _ in 0..<rows {
            context.allocatePersistent(PersistentRequest("framer circular buffer", phase: .preparation,
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
        context.geometry = .rows(RowGeometry(rows: rows * framesPerRow, rowSize: frameSize))
    }

    func reset() {
        guard let buffers else { return }
        for r in 0..<rows {
            buffers[r].reset()
            if prefill { buffers[r].write(nil, count: frameSize - frameStep) }
        }
    }

    func eval(_ context: EvalContext) throws {
        guard let buffers else { return }
        let input = context.input(0, as: Int16.self)
        let output = context.output(0, as: Int16.self)
        var valid = true
        for r in 0..<rows {
            for frame in 0..<framesPerRow {
                let index = r * framesPerRow + frame
                buffers[r].write(UnsafePointer(input + index * frameStep), count: frameStep)
                if buffers[r].available >= frameSize {
                    buffers[r].get(frameSize, into: output + index * frameSize)
                    buffers[r].discard(frameStep)
                } else {
                    valid = false
                }
            }
        }
        context.output(1, as: Bool.self).pointee = valid
    }
}
