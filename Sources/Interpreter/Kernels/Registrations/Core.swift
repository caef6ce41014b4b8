// Kernels of the Core group, registered by TFLite builtin name.
extension KernelRegistry {
    static let coreKernels: [(String, () -> Kernel)] = [
        ("FULLY_CONNECTED", { FullyConnectedKernel() }),
    ]
}
