// Kernels of the Conv group, registered by TFLite builtin name.
extension KernelRegistry {
    static let convKernels: [(String, () -> Kernel)] = [
        ("CONV_2D", { Conv2DKernel() }),
        ("DEPTHWISE_CONV_2D", { DepthwiseConv2DKernel() }),
    ]
}
