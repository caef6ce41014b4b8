// Kernels of the Shape group, registered by TFLite builtin name.
extension KernelRegistry {
    static let shapeKernels: [(String, () -> Kernel)] = [
        ("PAD", { PadKernel() }),
        ("PADV2", { PadKernel() }),
        ("SQUEEZE", { SqueezeKernel() }),
        ("EXPAND_DIMS", { ExpandDimsKernel() }),
        ("SHAPE", { ShapeKernel() }),
        ("GATHER", { GatherKernel() }),
        ("STRIDED_SLICE", { StridedSliceKernel() }),
        ("TRANSPOSE", { TransposeKernel() }),
        ("RESIZE_NEAREST_NEIGHBOR", { ResizeNearestNeighborKernel() }),
        ("RESIZE_BILINEAR", { ResizeBilinearKernel() }),
        ("TRANSPOSE_CONV", { TransposeConvKernel() }),
        ("BATCH_MATMUL", { BatchMatMulKernel() }),
    ]
}
