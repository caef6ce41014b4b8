// Kernels of the Activation group, registered by TFLite builtin name.
extension KernelRegistry {
    static let activationKernels: [(String, () -> Kernel)] = [
        ("RELU", { ReluKernel() }),
        ("RELU6", { Relu6Kernel() }),
        ("LOGISTIC", { LogisticKernel() }),
        ("TANH", { TanhKernel() }),
        ("LEAKY_RELU", { LeakyReluKernel() }),
        ("HARD_SWISH", { HardSwishKernel() }),
        ("MEAN", { ReduceKernel(.mean) }),
        ("SUM", { ReduceKernel(.sum) }),
        ("CONCATENATION", { ConcatenationKernel() }),
        ("PACK", { PackKernel() }),
        ("UNPACK", { UnpackKernel() }),
        ("SPLIT", { SplitKernel() }),
        ("SPLIT_V", { SplitVKernel() }),
    ]
}
