// SignalRfft (signal/micro/kernels/rfft.cc, signal/src/rfft_*.cc): a real FFT of every
// innermost row of the input, zero-padded to `fft_length`, into fft_length / 2 + 1
// complex values (interleaved re, im) per row; int16, int32 or float32 by the `T`
// option, through TFLM's kissfft (KissFFT.swift). Init allocates the params struct and
// the kissfft state; Prepare asks for a scratch buffer of fft_length samples, the
// work area each row is copied and padded into.

final class SignalRfftKernel: Kernel {
    static let registration = OperatorRegistration(kind: .custom("SignalRfft"), resolver: "AddRfft", options: nil, builtinData: nil,
                                                   temporaries: .takenInPrepare, macs: SignalWork.rfft) { SignalRfftKernel() }

    private enum Engine {
        case int16(KissRealFFT<KissInt16>)
        case int32(KissRealFFT<KissInt32>)
        case float32(KissRealFFT<KissFloat>)
    }

    private var engine: Engine?
    private var fftLength = 0
    private var inputLength = 0
    private var inputSize = 0
    private var outputLength = 0
    private var elementBytes = 2

    func prepare(_ context: PrepareContext) throws {
        // Prepare's temporary tensors, taken before anything else (signal/micro/kernels).
        context.tempInput(0)
        context.tempOutput(0)
        let options = try SignalOptions(context)
        let type = try options.tensorType(context)
        fftLength = Int(try options.int32(context, index: 1, key: "fft_length"))
        let scalarBytes: Int
        switch type {
        case .int16: scalarBytes = 2
        case .int32: scalarBytes = 4
        case .float32: scalarBytes = 4
        default:
            throw context.unsupported("T = \(type.name): TFLM's SignalRfft has int16, int32 and float32 kernels; its Init returns no state for other types and Prepare then crashes")
        }
        if let refusal = KissFactors.refusal(realLength: fftLength) {
            throw context.unsupported(refusal)
        }
        try SignalLimits.checkState(context, bytes: 8 * fftLength, what: "an FFT of length \(fftLength)")
        // Init: params, then the kissfft state (kiss_fftr_alloc's size).
        context.allocatePersistent(.opData(SignalStructs.rfftParams))
        context.allocatePersistent(PersistentRequest("kiss_fftr state", phase: .initialization, size: .perPointerSize(
            bytes32: KissRealFFT<KissInt16>.stateBytes(realLength: fftLength, scalarBytes: scalarBytes, pointerSize: 4),
            bytes64: KissRealFFT<KissInt16>.stateBytes(realLength: fftLength, scalarBytes: scalarBytes, pointerSize: 8))))

        try context.expectCounts(inputs: 1, outputs: 1)
        let input = try context.requireInput(0)
        let output = try context.requireOutput(0)
        guard input.rank == output.rank else { throw context.invalid("input rank \(input.rank) differs from output rank \(output.rank)") }
        try context.expectType(input, [type], "input")
        try context.expectType(output, [type], "output")
        guard input.rank >= 1 else { throw context.invalid("input must have rank >= 1") }
        inputLength = input.dim(-1)
        inputSize = input.elementCount
        outputLength = output.dim(-1) / 2
        // What TFLM's loop assumes without checking.
        guard inputLength > 0 else { throw context.invalid("the input's rows are empty: TFLM's loop would not advance") }
        guard inputLength <= fftLength else {
            throw context.invalid("input rows of \(inputLength) samples exceed fft_length \(fftLength) (TFLM would pad by a negative length)")
        }
        guard outputLength >= fftLength / 2 + 1 else {
            throw context.invalid("output rows hold \(outputLength) complex values, an FFT of \(fftLength) writes \(fftLength / 2 + 1)")
        }
        let rows = inputSize / inputLength
        guard (rows - 1) * outputLength + fftLength / 2 + 1 <= output.elementCount / 2 || rows == 0 else {
            throw context.invalid("output \(output.shape) cannot hold \(rows) transforms of \(fftLength / 2 + 1) complex values")
        }
        context.requestScratch(bytes: fftLength * scalarBytes)
        elementBytes = scalarBytes
        switch type {
        case .int16: engine = .int16(KissRealFFT(length: fftLength, inverse: false))
        case .int32: engine = .int32(KissRealFFT(length: fftLength, inverse: false))
        default: engine = .float32(KissRealFFT(length: fftLength, inverse: false))
        }
        context.runsReference(type)
        context.geometry = .fft(FFTGeometry(length: fftLength, frames: rows))
    }

    func eval(_ context: EvalContext) throws {
        guard let engine else { return }
        let workArea = context.scratch[0]
        let input = context.inputs[0]!
        let output = context.outputs[0]
        var inputIndex = 0
        var outputIndex = 0
        while inputIndex < inputSize {
            // memcpy the row into the work area, memset the rest to zero.
            workArea.copyMemory(from: input + inputIndex * elementBytes, byteCount: inputLength * elementBytes)
            (workArea + inputLength * elementBytes).initializeMemory(as: UInt8.self, repeating: 0,
                                                                    count: (fftLength - inputLength) * elementBytes)
            let destination = output + 2 * outputIndex * elementBytes
            switch engine {
            case let .int16(fft):
                fft.forward(UnsafePointer(workArea.assumingMemoryBound(to: Int16.self)), destination.assumingMemoryBound(to: Int16.self))
            case let .int32(fft):
                fft.forward(UnsafePointer(workArea.assumingMemoryBound(to: Int32.self)), destination.assumingMemoryBound(to: Int32.self))
            case let .float32(fft):
                fft.forward(UnsafePointer(workArea.assumingMemoryBound(to: Float.self)), destination.assumingMemoryBound(to: Float.self))
            }
            inputIndex += inputLength
            outputIndex += outputLength
        }
    }
}
