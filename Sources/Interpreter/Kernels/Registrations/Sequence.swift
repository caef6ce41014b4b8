// Kernels of the Sequence group, registered by TFLite builtin name.
extension KernelRegistry {
    static let sequenceKernels: [(String, () -> Kernel)] = [
        ("SVDF", { SVDFKernel() }),
        ("UNIDIRECTIONAL_SEQUENCE_LSTM", { UnidirectionalSequenceLSTMKernel() }),
    ]
}
