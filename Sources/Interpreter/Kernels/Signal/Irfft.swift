// SignalIrfft (signal/micro/kernels/irfft.cc, signal/src/irfft_*.cc): the inverse real
// FFT of every innermost row of fft_length / 2 + 1 complex values into fft_length
// samples, through TFLM's kissfft (KissFFT.swift). kissfft's inverse is unscaled; the
// fixed-point flavours divide by the radix at every stage, and the float kernel
// divides every sample by fft_length afterwards. Init allocates the params struct and
// the state (for float, an IrfftFloatState in front of the kissfft state).

final class SignalIrfftKernel: Kernel {
    static let registration = OperatorRegistration(kind: .custom("SignalIrfft"), resolver: "AddIrfft", options: nil, builtinData: nil,
                                                   temporaries: .takenInPrepare, macs: SignalWork.irfft) { SignalIrfftKernel() }

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
        case .int32, .float32: scalarBytes = 4
        default:
            throw context.unsupported("T = \(type.name): TFLM's SignalIrfft has int16, int32 and float32 kernels; its Init returns no state for other types and Prepare then crashes")
        }
        if let refusal = KissFactors.refusal(realLength: fftLength) {
            throw context.unsupported(refusal)
        }
        try SignalLimits.checkState(context, bytes: 8 * fftLength, what: "an inverse FFT of length \(fftLength)")
        context.allocatePersistent(.opData(SignalStructs.irfftParams))
        func state(_ pointerSize: Int) -> Int {
            let kiss = KissRealFFT<KissInt16>.stateBytes(realLength: fftLength, scalarBytes: scalarBytes, pointerSize: pointerSize)
            let target: CTarget = pointerSize == 8 ? .x86_64 : .cortexMGCC
            return type == .float32 ? SignalStructs.irfftFloatState.size(on: target) + kiss : kiss
        }
        context.allocatePersistent(PersistentRequest("kiss_fftr state", phase: .initialization,
                                                     size: .perPointerSize(bytes32: state(4), bytes64: state(8))))

        try context.expectCounts(inputs: 1, outputs: 1)
        let input = try context.requireInput(0)
        let output = try context.requireOutput(0)
        guard input.rank == output.rank else { throw context.invalid("input rank \(input.rank) differs from output rank \(output.rank)") }
        try context.expectType(input, [type], "input")
        try context.expectType(output, [type], "output")
        guard input.rank >= 1 else { throw context.invalid("input must have rank >= 1") }
        inputLength = input.dim(-1) / 2
        inputSize = input.elementCount / 2
        outputLength = output.dim(-1)
        guard inputLength > 0 else { throw context.invalid("the input's rows hold no complex value: TFLM's loop would not advance") }
        guard inputLength >= fftLength / 2 + 1 else {
            throw context.invalid("input rows hold \(inputLength) complex values, an inverse FFT of \(fftLength) reads \(fftLength / 2 + 1)")
        }
        let rows = (inputSize + inputLength - 1) / inputLength
        guard rows == 0 || (rows - 1) * inputLength + fftLength / 2 + 1 <= input.elementCount / 2 else {
            throw context.invalid("input \(input.shape) does not hold \(rows) rows of \(fftLength / 2 + 1) complex values (TFLM would read past it)")
        }
        guard rows == 0 || (rows - 1) * outputLength + fftLength <= output.elementCount else {
            throw context.invalid("output \(output.shape) cannot hold \(rows) transforms of \(fftLength) samples")
        }
        elementBytes = scalarBytes
        switch type {
        case .int16: engine = .int16(KissRealFFT(length: fftLength, inverse: true))
        case .int32: engine = .int32(KissRealFFT(length: fftLength, inverse: true))
        default: engine = .float32(KissRealFFT(length: fftLength, inverse: true))
        }
        context.runsReference(type)
        context.geometry = .fft(FFTGeometry(length: fftLength, frames: rows))
    }

    func eval(_ context: EvalContext) throws {
        guard let engine else { return }
        let input = context.inputs[0]!
        let output = context.outputs[0]
        var inputIndex = 0
        var outputIndex = 0
        while inputIndex < inputSize {
            let source = input + 2 * inputIndex * elementBytes
            let destination = output + outputIndex * elementBytes
            switch engine {
            case let .int16(fft):
                fft.inverse(UnsafePointer(source.assumingMemoryBound(to: Int16.self)), destination.assumingMemoryBound(to: Int16.self))
            case let .int32(fft):
                fft.inverse(UnsafePointer(source.assumingMemoryBound(to: Int32.self)), destination.assumingMemoryBound(to: Int32.self))
            case let .float32(fft):
                let samples = destination.assumingMemoryBound(to: Float.self)
                fft.inverse(UnsafePointer(source.assumingMemoryBound(to: Float.self)), samples)
                let scale = Float(fftLength)
                for i in 0..<fftLength { samples[i] /= scale }
            }
            inputIndex += inputLength
            outputIndex += outputLength
        }
    }
}
