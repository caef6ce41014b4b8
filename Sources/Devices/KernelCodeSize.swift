// Flash bytes of TFLM kernel code per operator registration, measured (facts only; see README.md,
// "Footprint"). Method: TFLM 90b983c2 kernel sources (tensorflow/lite/micro/kernels and
// kernels/cmsis_nn) and CMSIS-NN 99f736a6 compiled with arm-none-eabi-gcc 12.2.1, -mcpu=cortex-m4
// -mfpu=fpv4-sp-d16 -mfloat-abi=hard -mthumb -ffunction-sections -fdata-sections, TFLM's flags
// (-fno-rtti -fno-exceptions -DTF_LITE_STATIC_MEMORY -DNDEBUG -DTF_LITE_STRIP_ERROR_STRINGS); each
// registration linked alone with --gc-sections from tflite::Register_<OP>() (framework symbols left
// unresolved: they belong to the TFLM runtime), .text + .rodata summed per input object.
// `own`: the kernel's TFLM code, the CMSIS-NN functions it reaches and libm; `shared`: kernel
// support (kernel_util, quantization helpers) and libgcc/newlib helpers (soft double arithmetic
// used by the quantization set-up, memcpy/memset), counted once per model (largest over its ops).
// -O2 figures marked `o2Scaled` were not built at -O2 (time): -Os x the median -O2/-Os ratio of
// the measured operators (1.135 CMSIS-NN variant, 1.291 reference).

import Interpreter

enum KernelCodeSize {
    struct Entry {
        let os: Int, o2: Int, sharedOs: Int, sharedO2: Int
        let o2Scaled: Bool
    }

    /// Registration from tensorflow/lite/micro/kernels/cmsis_nn (the reference kernel file where no CMSIS-NN one exists).
    static let cmsisNN: [BuiltinOperator: Entry] = [
        .add: Entry(os: 7392, o2: 10804, sharedOs: 5886, sharedO2: 6100, o2Scaled: false),
        .averagePool2D: Entry(os: 2658, o2: 3020, sharedOs: 2480, sharedO2: 2720, o2Scaled: false),
        .batchMatmul: Entry(os: 6894, o2: 7827, sharedOs: 6068, sharedO2: 6068, o2Scaled: true),
        .cast: Entry(os: 1298, o2: 1474, sharedOs: 426, sharedO2: 426, o2Scaled: true),
        .concatenation: Entry(os: 2108, o2: 2393, sharedOs: 426, sharedO2: 426, o2Scaled: true),
        .conv2D: Entry(os: 23724, o2: 26204, sharedOs: 1468, sharedO2: 7576, o2Scaled: false),
        .depthwiseConv2D: Entry(os: 14292, o2: 16100, sharedOs: 1498, sharedO2: 7608, o2Scaled: false),
        .dequantize: Entry(os: 484, o2: 580, sharedOs: 2534, sharedO2: 2108, o2Scaled: false),
        .div: Entry(os: 4572, o2: 5191, sharedOs: 6002, sharedO2: 6002, o2Scaled: true),
        .exp: Entry(os: 934, o2: 1060, sharedOs: 438, sharedO2: 438, o2Scaled: true),
        .expandDims: Entry(os: 398, o2: 452, sharedOs: 448, sharedO2: 448, o2Scaled: true),
        .fullyConnected: Entry(os: 10136, o2: 15984, sharedOs: 5912, sharedO2: 6356, o2Scaled: false),
        .gather: Entry(os: 1040, o2: 1181, sharedOs: 712, sharedO2: 712, o2Scaled: true),
        .hardSwish: Entry(os: 1070, o2: 1215, sharedOs: 5718, sharedO2: 5718, o2Scaled: true),
        .leakyRelu: Entry(os: 1028, o2: 1167, sharedOs: 5830, sharedO2: 5830, o2Scaled: true),
        .log: Entry(os: 855, o2: 971, sharedOs: 122, sharedO2: 122, o2Scaled: true),
        .logistic: Entry(os: 4169, o2: 4693, sharedOs: 3056, sharedO2: 2644, o2Scaled: false),
        .maximum: Entry(os: 4392, o2: 4986, sharedOs: 3278, sharedO2: 3278, o2Scaled: true),
        .maxPool2D: Entry(os: 2924, o2: 3248, sharedOs: 2450, sharedO2: 2688, o2Scaled: false),
        .mean: Entry(os: 3180, o2: 3610, sharedOs: 6884, sharedO2: 6884, o2Scaled: true),
        .minimum: Entry(os: 4394, o2: 4989, sharedOs: 3278, sharedO2: 3278, o2Scaled: true),
        .mul: Entry(os: 6280, o2: 8928, sharedOs: 6090, sharedO2: 6348, o2Scaled: false),
        .pack: Entry(os: 862, o2: 979, sharedOs: 84, sharedO2: 84, o2Scaled: true),
        .pad: Entry(os: 2630, o2: 3784, sharedOs: 3376, sharedO2: 3260, o2Scaled: false),
        .padv2: Entry(os: 2642, o2: 3784, sharedOs: 3376, sharedO2: 3260, o2Scaled: false),
        .prelu: Entry(os: 2820, o2: 3202, sharedOs: 5830, sharedO2: 5830, o2Scaled: true),
        .quantize: Entry(os: 1852, o2: 1940, sharedOs: 6016, sharedO2: 5628, o2Scaled: false),
        .relu: Entry(os: 1068, o2: 1213, sharedOs: 5860, sharedO2: 5860, o2Scaled: true),
        .relu6: Entry(os: 724, o2: 822, sharedOs: 1394, sharedO2: 1394, o2Scaled: true),
        .reshape: Entry(os: 342, o2: 388, sharedOs: 738, sharedO2: 352, o2Scaled: false),
        .resizeBilinear: Entry(os: 2132, o2: 2421, sharedOs: 3182, sharedO2: 3182, o2Scaled: true),
        .resizeNearestNeighbor: Entry(os: 1420, o2: 1612, sharedOs: 3182, sharedO2: 3182, o2Scaled: true),
        .rsqrt: Entry(os: 1720, o2: 1953, sharedOs: 5526, sharedO2: 5526, o2Scaled: true),
        .shape: Entry(os: 128, o2: 145, sharedOs: 84, sharedO2: 84, o2Scaled: true),
        .softmax: Entry(os: 6562, o2: 7116, sharedOs: 6318, sharedO2: 6172, o2Scaled: false),
        .split: Entry(os: 894, o2: 1015, sharedOs: 84, sharedO2: 84, o2Scaled: true),
        .splitV: Entry(os: 998, o2: 1133, sharedOs: 84, sharedO2: 84, o2Scaled: true),
        .sqrt: Entry(os: 314, o2: 356, sharedOs: 122, sharedO2: 122, o2Scaled: true),
        .squaredDifference: Entry(os: 4408, o2: 5005, sharedOs: 5902, sharedO2: 5902, o2Scaled: true),
        .squeeze: Entry(os: 366, o2: 416, sharedOs: 3148, sharedO2: 3148, o2Scaled: true),
        .stridedSlice: Entry(os: 4110, o2: 4666, sharedOs: 3376, sharedO2: 3376, o2Scaled: true),
        .sub: Entry(os: 5316, o2: 6036, sharedOs: 6050, sharedO2: 6050, o2Scaled: true),
        .sum: Entry(os: 2778, o2: 3154, sharedOs: 6542, sharedO2: 6542, o2Scaled: true),
        .svdf: Entry(os: 7896, o2: 8965, sharedOs: 5808, sharedO2: 5808, o2Scaled: true),
        .tanh: Entry(os: 4343, o2: 4931, sharedOs: 3056, sharedO2: 3056, o2Scaled: true),
        .transpose: Entry(os: 1474, o2: 1674, sharedOs: 590, sharedO2: 590, o2Scaled: true),
        .transposeConv: Entry(os: 9468, o2: 10749, sharedOs: 1584, sharedO2: 1584, o2Scaled: true),
        .unidirectionalSequenceLstm: Entry(os: 13945, o2: 15832, sharedOs: 6046, sharedO2: 6046, o2Scaled: true),
        .unpack: Entry(os: 710, o2: 806, sharedOs: 84, sharedO2: 84, o2Scaled: true),
    ]

    /// Registration from tensorflow/lite/micro/kernels (the reference kernel file where no CMSIS-NN one exists).
    static let reference: [BuiltinOperator: Entry] = [
        .add: Entry(os: 5226, o2: 8888, sharedOs: 6050, sharedO2: 6264, o2Scaled: false),
        .averagePool2D: Entry(os: 2170, o2: 2424, sharedOs: 2450, sharedO2: 2380, o2Scaled: false),
        .batchMatmul: Entry(os: 4534, o2: 5853, sharedOs: 6280, sharedO2: 6280, o2Scaled: true),
        .cast: Entry(os: 1298, o2: 1676, sharedOs: 426, sharedO2: 426, o2Scaled: true),
        .concatenation: Entry(os: 2108, o2: 2721, sharedOs: 426, sharedO2: 426, o2Scaled: true),
        .conv2D: Entry(os: 3688, o2: 5544, sharedOs: 1570, sharedO2: 7648, o2Scaled: false),
        .depthwiseConv2D: Entry(os: 3104, o2: 4516, sharedOs: 1570, sharedO2: 7648, o2Scaled: false),
        .dequantize: Entry(os: 484, o2: 580, sharedOs: 2534, sharedO2: 2108, o2Scaled: false),
        .div: Entry(os: 4572, o2: 5902, sharedOs: 6002, sharedO2: 6002, o2Scaled: true),
        .exp: Entry(os: 934, o2: 1206, sharedOs: 438, sharedO2: 438, o2Scaled: true),
        .expandDims: Entry(os: 398, o2: 514, sharedOs: 448, sharedO2: 448, o2Scaled: true),
        .fullyConnected: Entry(os: 3348, o2: 4308, sharedOs: 5984, sharedO2: 6396, o2Scaled: false),
        .gather: Entry(os: 1040, o2: 1342, sharedOs: 712, sharedO2: 712, o2Scaled: true),
        .hardSwish: Entry(os: 1070, o2: 1381, sharedOs: 5718, sharedO2: 5718, o2Scaled: true),
        .leakyRelu: Entry(os: 1028, o2: 1327, sharedOs: 5830, sharedO2: 5830, o2Scaled: true),
        .log: Entry(os: 855, o2: 1104, sharedOs: 122, sharedO2: 122, o2Scaled: true),
        .logistic: Entry(os: 4169, o2: 4693, sharedOs: 3056, sharedO2: 2644, o2Scaled: false),
        .maximum: Entry(os: 4278, o2: 5522, sharedOs: 3278, sharedO2: 3278, o2Scaled: true),
        .maxPool2D: Entry(os: 2254, o2: 2548, sharedOs: 2450, sharedO2: 2380, o2Scaled: false),
        .mean: Entry(os: 3180, o2: 4105, sharedOs: 6884, sharedO2: 6884, o2Scaled: true),
        .minimum: Entry(os: 4280, o2: 5525, sharedOs: 3278, sharedO2: 3278, o2Scaled: true),
        .mul: Entry(os: 4890, o2: 7152, sharedOs: 6090, sharedO2: 6348, o2Scaled: false),
        .pack: Entry(os: 862, o2: 1113, sharedOs: 84, sharedO2: 84, o2Scaled: true),
        .pad: Entry(os: 2276, o2: 3968, sharedOs: 3212, sharedO2: 3096, o2Scaled: false),
        .padv2: Entry(os: 2288, o2: 3968, sharedOs: 3212, sharedO2: 3096, o2Scaled: false),
        .prelu: Entry(os: 2820, o2: 3640, sharedOs: 5830, sharedO2: 5830, o2Scaled: true),
        .quantize: Entry(os: 1852, o2: 1940, sharedOs: 6016, sharedO2: 5628, o2Scaled: false),
        .relu: Entry(os: 1068, o2: 1379, sharedOs: 5860, sharedO2: 5860, o2Scaled: true),
        .relu6: Entry(os: 724, o2: 935, sharedOs: 1394, sharedO2: 1394, o2Scaled: true),
        .reshape: Entry(os: 342, o2: 388, sharedOs: 738, sharedO2: 352, o2Scaled: false),
        .resizeBilinear: Entry(os: 2132, o2: 2752, sharedOs: 3182, sharedO2: 3182, o2Scaled: true),
        .resizeNearestNeighbor: Entry(os: 1420, o2: 1833, sharedOs: 3182, sharedO2: 3182, o2Scaled: true),
        .rsqrt: Entry(os: 1720, o2: 2220, sharedOs: 5526, sharedO2: 5526, o2Scaled: true),
        .shape: Entry(os: 128, o2: 165, sharedOs: 84, sharedO2: 84, o2Scaled: true),
        .softmax: Entry(os: 4692, o2: 6076, sharedOs: 6400, sharedO2: 5960, o2Scaled: false),
        .split: Entry(os: 894, o2: 1154, sharedOs: 84, sharedO2: 84, o2Scaled: true),
        .splitV: Entry(os: 998, o2: 1288, sharedOs: 84, sharedO2: 84, o2Scaled: true),
        .sqrt: Entry(os: 314, o2: 405, sharedOs: 122, sharedO2: 122, o2Scaled: true),
        .squaredDifference: Entry(os: 4408, o2: 5690, sharedOs: 5902, sharedO2: 5902, o2Scaled: true),
        .squeeze: Entry(os: 366, o2: 472, sharedOs: 3148, sharedO2: 3148, o2Scaled: true),
        .stridedSlice: Entry(os: 4110, o2: 5305, sharedOs: 3376, sharedO2: 3376, o2Scaled: true),
        .sub: Entry(os: 5316, o2: 6862, sharedOs: 6050, sharedO2: 6050, o2Scaled: true),
        .sum: Entry(os: 2778, o2: 3586, sharedOs: 6542, sharedO2: 6542, o2Scaled: true),
        .svdf: Entry(os: 4932, o2: 6366, sharedOs: 5920, sharedO2: 5920, o2Scaled: true),
        .tanh: Entry(os: 4343, o2: 5606, sharedOs: 3056, sharedO2: 3056, o2Scaled: true),
        .transpose: Entry(os: 1020, o2: 1317, sharedOs: 426, sharedO2: 426, o2Scaled: true),
        .transposeConv: Entry(os: 3304, o2: 4265, sharedOs: 1696, sharedO2: 1696, o2Scaled: true),
        .unidirectionalSequenceLstm: Entry(os: 9845, o2: 12708, sharedOs: 6258, sharedO2: 6258, o2Scaled: true),
        .unpack: Entry(os: 710, o2: 917, sharedOs: 84, sharedO2: 84, o2Scaled: true),
    ]

    /// Median of the measured operators' own code (used for an operator not in the table).
    static func median(_ table: [BuiltinOperator: Entry], _ optimization: OptimizationLevel) -> Int {
        let sizes = table.values.map { optimization == .os ? $0.os : $0.o2 }.sorted()
        return sizes.isEmpty ? 0 : sizes[sizes.count / 2]
    }

    /// Own code of one operator's registration. -O3 uses the -O2 figures (not measured; -O3 code is
    /// larger). The Cortex-M7 uses the Cortex-M4 figures (CMSIS-NN sizes differ by a few percent).
    static func bytes(op: OperatorKind, variant: KernelVariant, optimization: OptimizationLevel,
                      core: DeviceProfile.Core) -> (bytes: Int, measured: Bool) {
        let table = variant == .cmsisNN ? cmsisNN : reference
        guard let builtin = op.builtin, let e = table[builtin] else { return (median(table, optimization), false) }
        return (optimization == .os ? e.os : e.o2, true)
    }

    /// Kernel support shared by the operators: the largest `shared` among `ops` (all measured
    /// operators when `ops` is empty).
    static func supportBytes(variant: KernelVariant, optimization: OptimizationLevel, core: DeviceProfile.Core,
                             ops: [OperatorKind] = []) -> Int {
        let table = variant == .cmsisNN ? cmsisNN : reference
        let entries = ops.isEmpty ? Array(table.values) : ops.compactMap { $0.builtin.flatMap { table[$0] } }
        let chosen = entries.isEmpty ? Array(table.values) : entries
        return chosen.map { optimization == .os ? $0.sharedOs : $0.sharedO2 }.max() ?? 0
    }
}
