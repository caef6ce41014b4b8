// Kernels of the Shape group, registered by TFLite builtin name.
extension KernelRegistry {
    static let shapeKernels: [(String, () -> Kernel)] = []
}
