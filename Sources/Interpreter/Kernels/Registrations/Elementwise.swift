// Kernels of the Elementwise group, registered by TFLite builtin name.
extension KernelRegistry {
    static let elementwiseKernels: [(String, () -> Kernel)] = []
}
