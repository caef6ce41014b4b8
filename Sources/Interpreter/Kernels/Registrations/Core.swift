// Kernels of the Core group, registered by TFLite builtin name.
extension KernelRegistry {
    static let coreKernels: [(String, () -> Kernel)] = [
        ("FULLY_CONNECTED", { FullyConnectedKernel() }),
        ("AVERAGE_POOL_2D", { PoolingKernel(kind: .average) }),
        ("MAX_POOL_2D", { PoolingKernel(kind: .max) }),
        ("ADD", { AddKernel() }),
        ("RESHAPE", { ReshapeKernel() }),
        ("SOFTMAX", { SoftmaxKernel() }),
    ]
}
