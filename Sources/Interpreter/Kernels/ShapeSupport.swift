import Foundation

// Facts and small helpers shared by the Shape group's kernels (PAD, SQUEEZE,
// EXPAND_DIMS, SHAPE, GATHER, STRIDED_SLICE, TRANSPOSE, RESIZE_*, TRANSPOSE_CONV,
// BATCH_MATMUL).

/// TFLM structs the Shape group's kernels allocate, laid out by CStruct so the
/// 32/64-bit (and short-enum) sizes follow from the fields.
enum ShapeStructs {
    private static func ints(_ n: Int) -> [CType] { Array(repeating: .int32, count: n) }

    /// kernels/internal/types.h PadParams (ResizingCategory is `enum class : uint8_t`),
    /// plus pad.h's int32 output_zero_point: 56 bytes.
    static let opDataPad = CStruct("OpData (PAD)", [.int8] + ints(5) + [.int8] + ints(5) + [.int8, .int32])

    /// types.h StridedSliceParams: three int8 counts with int32[5] arrays, five uint16
    /// masks, bool offset: 84 bytes.
    static let stridedSliceParams = CStruct("StridedSliceParams",
                                            [.int8] + ints(5) + [.int8] + ints(5) + [.int8] + ints(5)
                                                + Array(repeating: .int16, count: 5) + [.bool])

    /// types.h ConvParams: PaddingType (uint8_t), PaddingValues (4 x int16), four int16
    /// strides/dilations, seven int32, two floats: 56 bytes.
    static let convParams = CStruct("ConvParams", [.int8, .record(CStruct("PaddingValues", Array(repeating: .int16, count: 4)))]
                                        + Array(repeating: .int16, count: 4) + ints(7) + [.float32, .float32])

    /// transpose_conv.cc OpData: ConvParams, scratch index, (with USE_TFLM_COMPRESSION:
    /// filter and bias scratch indices), bias-converted index, two int32 pointers.
    static func opDataTransposeConv(compression: Bool) -> CStruct {
        CStruct("OpData (TRANSPOSE_CONV)", [.record(convParams), .int32] + (compression ? ints(2) : []) + [.int32, .pointer, .pointer])
    }

    /// cmsis_nn/transpose_conv.cc OpData: ConvParams, three indices, two pointers.
    static let cmsisOpDataTransposeConv = CStruct("OpData (CMSIS-NN TRANSPOSE_CONV)", [.record(convParams)] + ints(3) + [.pointer, .pointer])

    /// batch_matmul.h OpDataBatchMatmul: three pointers, three bools.
    static let opDataBatchMatmul = CStruct("OpDataBatchMatmul", [.pointer, .pointer, .pointer, .bool, .bool, .bool])

    /// cmsis_nn/batch_matmul.cc OpData: the reference data, cmsis_nn_dims, a buffer index.
    static let cmsisOpDataBatchMatmul = CStruct("OpData (CMSIS-NN BATCH_MATMUL)", [.record(opDataBatchMatmul)] + ints(4) + [.int32])

    /// batch_matmul.h QuantizationOpDataBatchMatmul: seven 4-byte fields.
    static let quantizationOpDataBatchMatmul = CStruct("QuantizationOpDataBatchMatmul", ints(7))
}

enum ShapeMath {
    /// RuntimeShape::ExtendedShape: leading 1s up to `rank` dimensions.
    static func extended(_ shape: [Int], to rank: Int) -> [Int] {
        shape.count >= rank ? shape : Array(repeating: 1, count: rank - shape.count) + shape
    }

    /// The product of `dims`, or nil when it does not fit comfortably in 32 bits (the
    /// kernels index with int in TFLM).
    static func product(_ dims: ArraySlice<Int>) -> Int? {
        var p = 1
        for d in dims {
            guard d >= 0 else { return nil }
            let (r, overflow) = p.multipliedReportingOverflow(by: d)
            guard !overflow, r <= Int(Int32.max) else { return nil }
            p = r
        }
        return p
    }
}
