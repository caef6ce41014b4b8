// Work counts of the signal kernels from shapes alone (what `inspect` and the workload
// records show as MACs): the multiplications each kernel does per invoke. The cost
// model has no measured loops for these kernels yet and costs them with a labelled
// generic estimate that scales with this count (or the output size, when larger).
enum SignalWork {
    static let window = MACRule.perInputElement
    static let fftAutoScale = MACRule.perInputElement
    /// Rows of fft_length / 2 + 1 complex outputs.
    static let rfft = MACRule { shapes in
        guard let last = shapes.outputs.first?.last, last >= 4 else { return 0 }
        return shapes.outputElements / last &* fftMultiplies(realLength: last - 2)
    }
    static let irfft = MACRule { shapes in
        guard let last = shapes.input(0)?.last, last >= 4 else { return 0 }
        return OperatorShapes.count(shapes.input(0)) / last &* fftMultiplies(realLength: last - 2)
    }
    /// re * re + im * im per complex bin.
    static let energy = MACRule.perInputElement
    /// A weight and an unweight per spectrum bin (every bin at most once).
    static let filterBank = MACRule { 2 &* OperatorShapes.count($0.input(0)) }
    /// Three 32x32 or 64-bit products per channel.
    static let spectralSubtraction = MACRule { 3 &* OperatorShapes.count($0.input(0)) }
    static let pcan = spectralSubtraction
    static let filterBankLog = spectralSubtraction
    static let overlapAdd = MACRule.perInputElement
    /// Bit-serial square roots and copies: no multiplications.
    static let filterBankSquareRoot = MACRule.none
    static let delay = MACRule.none
    static let framer = MACRule.none
    static let stacker = MACRule.none

    /// Real multiplications of kissfft's real FFT of `length` (4 per complex product):
    /// every stage of radix p has n/p butterflies with p - 1 twiddle products each, plus
    /// radix 3's rotation (2 real products) and radix 5's 16 real products by its
    /// constants; then the split step's n/2 products. 0 for lengths TFLM cannot run (odd,
    /// other radices) and for absurd ones (a hostile shape must not cost a long factoring).
    static func fftMultiplies(realLength length: Int) -> Int {
        guard length >= 4, length % 2 == 0, length <= 1 << 24 else { return 0 }
        let n = length / 2
        var complexProducts = n / 2
        var span = n
        for stage in KissFactors.factor(n) {
            let groups = n / span
            let butterflies = groups * stage.m
            switch stage.radix {
            case 2: complexProducts += butterflies
            case 3: complexProducts += butterflies * 2 + butterflies / 2
            case 4: complexProducts += butterflies * 3
            case 5: complexProducts += butterflies * 8
            default: return 0
            }
            span = stage.m
        }
        return 4 * complexProducts
    }
}
