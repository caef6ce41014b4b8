// SignalOverlapAdd (signal/micro/kernels/overlap_add.cc, signal/src/overlap_add.cc):
// the inverse of the framer. For every row of n_frames frames of frame_size samples,
// each frame is added into a frame_size state buffer (int16: saturated; float: plain
// sums), the first frame_step samples go out, and the buffer shifts left by
// frame_step with zeros behind. Init allocates the params struct; Prepare a pointer
// array and one state buffer per row, zeroed in Prepare and Reset.

final class SignalOverlapAddKernel: Kernel, ResettableKernel {
    static let registration = OperatorRegistration(kind: .custom("SignalOverlapAdd"), resolver: "AddOverlapAdd", options: nil, builtinData: nil,
                                                   temporaries: .takenInPrepare, macs: SignalWork.overlapAdd) { SignalOverlapAddKernel() }

    private var isFloat = false
    private var frameSize = 0
    private var frameStep = 0
    private var frames = 0
    private var rows = 0
    private var memory: SignalStateMemory?

    func prepare(_ context: PrepareContext) throws {
        // Prepare's temporary tensors, taken before anything else (signal/micro/kernels).
        context.tempInput(0)
        context.tempOutput(0)
        let options = try SignalOptions(context)
        let type = try options.tensorType(context)
        guard type == .int16 || type == .float32 else {
            throw context.unsupported("T = \(type.name): TFLM's SignalOverlapAdd has int16 and float32 kernels; its Init returns no state for other types and Prepare then crashes")
        }
        isFloat = type == .float32
        frameStep = Int(try options.int32(context, index: 1, key: "frame_step"))
        context.allocatePersistent(.opData(SignalStructs.overlapAddParams))

        try context.expectCounts(inputs: 1, outputs: 1)
        let input = try context.requireInput(0)
        let output = try context.requireOutput(0)
        guard input.rank == output.rank + 1 else { throw context.invalid("input rank \(input.rank) is not output rank \(output.rank) + 1") }
        try context.expectType(input, [type], "input")
        try context.expectType(output, [type], "output")
        guard input.rank >= 2 else { throw context.invalid("input must have rank >= 2 [..., frames, frame_size], has shape \(input.shape)") }
        frameSize = input.dim(-1)
        frames = input.dim(-2)
        guard frameSize > 0, frames > 0 else { throw context.invalid("input \(input.shape) has no frames (TFLM divides by their size)") }
        rows = input.elementCount / (frameSize * frames)
        guard frameStep >= 0, frameStep <= frameSize else {
            throw context.invalid("custom options: frame_step \(frameStep) is outside 0...\(frameSize) (TFLM would shift its state by a negative length) (custom_options.frame_step)")
        }
        guard output.elementCount >= rows * frames * frameStep else {
            throw context.invalid("output holds \(output.elementCount) samples, \(rows * frames) frames write \(rows * frames * frameStep) (TFLM would write past it)")
        }
        let elementBytes = isFloat ? 4 : 2
        try SignalLimits.checkState(context, bytes: rows * frameSize * elementBytes, what: "overlap-add state of \(rows) row(s)")
        context.allocatePersistent(SignalStructs.pointerArray("state buffer pointers", count: rows))
        for _ in 0..<rows {
            context.allocatePersistent(.buffer("overlap-add state", bytes: frameSize * elementBytes))
        }
        memory = SignalStateMemory(bytes: rows * frameSize * elementBytes)
        reset()
        context.runsReference(type)
        context.geometry = .rows(RowGeometry(rows: rows * frames, rowSize: frameSize))
    }

    func reset() {
        guard let memory else { return }
        memory.zero()
    }

    func eval(_ context: EvalContext) throws {
        guard let memory else { return }
        if isFloat {
            run(context.input(0, as: Float.self), context.output(0, as: Float.self), memory.typed(Float.self)) { $0 + $1 }
        } else {
            run(context.input(0, as: Int16.self), context.output(0, as: Int16.self), memory.typed(Int16.self)) {
                Int16(clamping: Int32($0) + Int32($1))
            }
        }
    }

    @inline(__always)
    private func run<T>(_ input: UnsafeMutablePointer<T>, _ output: UnsafeMutablePointer<T>, _ state: UnsafeMutablePointer<T>,
                        _ add: (T, T) -> T) {
        for r in 0..<rows {
            let buffer = state + r * frameSize
            for frame in 0..<frames {
                let index = r * frames + frame
                let samples = input + index * frameSize
                for i in 0..<frameSize { buffer[i] = add(buffer[i], samples[i]) }
                (output + index * frameStep).update(from: buffer, count: frameStep)
                buffer.update(from: buffer + frameStep, count: frameSize - frameStep)
                UnsafeMutableRawPointer(buffer + frameSize - frameStep).initializeMemory(
                    as: UInt8.self, repeating: 0, count: frameStep * MemoryLayout<T>.stride)
            }
        }
    }
}
