// Kernels of the Conv group, registered by TFLite builtin name.
extension KernelRegistry {
    static let convKernels: [(String, () -> Kernel)] = []
}
