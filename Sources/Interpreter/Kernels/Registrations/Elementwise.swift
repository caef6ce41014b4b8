// Kernels of the Elementwise group, registered by TFLite builtin name.
extension KernelRegistry {
    static let elementwiseKernels: [(String, () -> Kernel)] = [
        ("MUL", { MulKernel() }),
        ("SUB", { SubKernel() }),
        ("DIV", { DivKernel() }),
        ("SQUARED_DIFFERENCE", { SquaredDifferenceKernel() }),
        ("MAXIMUM", { MaximumMinimumKernel(maximum: true) }),
        ("MINIMUM", { MaximumMinimumKernel(maximum: false) }),
        ("PRELU", { PreluKernel() }),
        ("EXP", { ExpKernel() }),
        ("LOG", { ElementwiseUnaryKernel(.log) }),
        ("SQRT", { ElementwiseUnaryKernel(.sqrt) }),
        ("RSQRT", { ElementwiseUnaryKernel(.rsqrt) }),
        ("CAST", { CastKernel() }),
        ("QUANTIZE", { QuantizeKernel() }),
        ("DEQUANTIZE", { DequantizeKernel() }),
    ]
}
