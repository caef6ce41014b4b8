// Kernels of the Activation group, registered by TFLite builtin name.
extension KernelRegistry {
    static let activationKernels: [(String, () -> Kernel)] = []
}
