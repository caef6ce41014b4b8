import Foundation

// BATCH_MATMUL, as TFLM's batch_matmul.cc (reference) and cmsis_nn/batch_matmul.cc:
// float32 and int8 (int16 is not implemented in mcusim), adj_x / adj_y, batch
// dimensions broadcast NumPy-style.
//
// TFLM transposes the right-hand side (unless adj_y) and the left-hand side (if
// adj_x) into persistent buffers at every invoke (a constant RHS only once), then
// runs reference_ops::BatchMatMul: out[a][c] = sum over k, in ascending order, of
// lhs[a][k] * rhs[k][c]; int8 sums (lhs - lhs_zp) * (rhs - rhs_zp) in int32 and
// requantizes with one per-tensor multiplier (no fused activation). The transposes
// only move data, so mcusim indexes the operands in place and sums in the same order;
// the persistent buffers are still declared, as they occupy TFLM's arena.
// CMSIS-NN's arm_batch_matmul_s8 computes the same int8 sums (ranks 2-4 only).

final class BatchMatMulKernel: Kernel {
    static let registration = OperatorRegistration(.batchMatmul, resolver: "AddBatchMatMul", options: BatchMatMulOptions.self, builtinData: CStruct("TfLiteBatchMatMulParams", [.bool, .bool, .bool]),
                                                   temporaries: .takenInPrepare, macs: MACRule { shapes in
        guard let a = shapes.input(0), a.count >= 2 else { return 0 }
        let k = shapes.options.typed(BatchMatMulOptions.self).adjX ? a[a.count - 2] : a[a.count - 1]
        return shapes.outputElements &* k
    }) { BatchMatMulKernel() }

    private var isFloat = true
    private var adjX = false
    private var adjY = false
    private var rows = 0      // A: output rows
    private var cols = 0      // C: output columns
    private var depth = 0     // K: accumulation depth
    // Output batch dims (3, leading 1s) and each operand's matrix stride per batch
    // dim (0 where that operand broadcasts).
    private var batchDims = (1, 1, 1)
    private var lhsBatchStrides = (0, 0, 0)
    private var rhsBatchStrides = (0, 0, 0)
    private var lhsOffset: Int32 = 0
    private var rhsOffset: Int32 = 0
    private var outputOffset: Int32 = 0
    private var outputMultiplier: Int32 = 0
    private var outputShift: Int32 = 0

    func prepare(_ context: PrepareContext) throws {
        let cmsis = context.variant == .cmsisNN
        // OpDataBatchMatmul (16 / 32 bytes); CMSIS-NN wraps it with cmsis_nn_dims and a
        // buffer index (36 / 56).
        context.allocatePersistent(.opData(cmsis ? ShapeStructs.cmsisOpDataBatchMatmul : ShapeStructs.opDataBatchMatmul))
        context.tempInput(0)
        context.tempInput(1)
        context.tempOutput(0)
        guard context.inputCount == 2, context.outputCount == 1 else {
            throw context.invalid("\(context.op.name) takes 2 inputs and 1 output, got \(context.inputCount) and \(context.outputCount)")
        }
        let lhs = try context.requireInput(0)
        let rhs = try context.requireInput(1)
        let output = try context.requireOutput(0)
        try context.expectType(lhs, [.float32, .int8], "LHS")
        guard rhs.type == lhs.type else {
            throw context.unsupported("Hybrid input (\(lhs.type.name) LHS, \(rhs.type.name) RHS) is not supported")
        }
        guard output.type == lhs.type else {
            throw context.unsupported("output type \(output.type.name) differs from the inputs' \(lhs.type.name)")
        }
        isFloat = lhs.type == .float32
        let maxRank = cmsis ? 4 : 5
        guard (2...maxRank).contains(lhs.rank), (2...maxRank).contains(rhs.rank) else {
            throw context.unsupported("operand ranks \(lhs.rank) and \(rhs.rank) are outside 2...\(maxRank)\(cmsis ? " (CMSIS-NN)" : "")")
        }
        let options = context.options(BatchMatMulOptions.self)
        adjX = options.adjX
        adjY = options.adjY

        let quantization = PersistentRequest(ShapeStructs.quantizationOpDataBatchMatmul.name, phase: .preparation,
                                             size: .structure(ShapeStructs.quantizationOpDataBatchMatmul))
        if !isFloat && !cmsis { context.allocatePersistent(quantization) }
        // The transposed copies: a TfLiteEvalTensor, its dims, its data.
        func transposedCopy(_ t: TensorInfo, _ name: String) {
            context.allocatePersistent(PersistentRequest("\(name) TfLiteEvalTensor", phase: .preparation,
                                                         size: .structure(TFLMStructs.tfLiteEvalTensor)))
            context.allocatePersistent(.buffer("\(name) dims", bytes: TFLMStructs.tfLiteIntArrayBytes(count: t.rank)))
            context.allocatePersistent(.buffer("\(name) data", bytes: t.byteCount))
        }
        if adjX { transposedCopy(lhs, "transposed LHS") }
        if !adjY { transposedCopy(rhs, "transposed RHS") }

        let rank = max(lhs.rank, rhs.rank)
        let l = ShapeMath.extended(lhs.shape, to: rank)
        let r = ShapeMath.extended(rhs.shape, to: rank)
        var outShape: [Int] = []
        for i in 0..<(rank - 2) {
            if l[i] != r[i] && l[i] != 1 && r[i] != 1 {
                throw context.invalid("batch dimension \(i) does not broadcast: \(l[i]) vs \(r[i])")
            }
            outShape.append(l[i] == 1 ? r[i] : l[i])
        }
        let lhsDepth = adjX ? l[rank - 2] : l[rank - 1]
        let rhsDepth = adjY ? r[rank - 1] : r[rank - 2]
        guard lhsDepth == rhsDepth else {
            throw context.invalid("accumulation dimensions differ: LHS \(lhsDepth), RHS \(rhsDepth)")
        }
        rows = adjX ? l[rank - 1] : l[rank - 2]
        cols = adjY ? r[rank - 2] : r[rank - 1]
        depth = lhsDepth
        outShape += [rows, cols]
        // TFLM rewrites the output dims (persistent copy sized by the stored rank) and
        // only requires the element count to be unchanged.
        guard rank <= output.rank else {
            throw context.invalid("output rank \(output.rank) is below the operands' \(rank)")
        }
        context.allocatePersistent(.buffer("output dims", bytes: TFLMStructs.tfLiteIntArrayBytes(count: output.rank)))
        guard let count = ShapeMath.product(outShape[...]), count == output.elementCount else {
            throw context.invalid("output shape \(output.shape) does not hold the product's shape \(outShape)")
        }
        if !isFloat && cmsis { context.allocatePersistent(quantization) }

        // Batch strides in elements, over up to 3 batch dims (rank 5).
        let b = Array(repeating: 1, count: 5 - rank) + outShape.dropLast(2)
        let lb = Array(repeating: 1, count: 5 - rank) + l.dropLast(2)
        let rb = Array(repeating: 1, count: 5 - rank) + r.dropLast(2)
        func strides(_ dims: [Int], _ matrix: Int) -> (Int, Int, Int) {
            // Wrapping products: they only overflow for an operand with no elements, whose loops never run.
            let s2 = matrix, s1 = s2 &* dims[2], s0 = s1 &* dims[1]
            return (dims[0] == 1 ? 0 : s0, dims[1] == 1 ? 0 : s1, dims[2] == 1 ? 0 : s2)
        }
        batchDims = (b[0], b[1], b[2])
        lhsBatchStrides = strides(lb, rows &* depth)
        rhsBatchStrides = strides(rb, depth &* cols)

        if isFloat {
            context.runsReference(.float32)
        } else {
            guard let ls = lhs.scale.first, let rs = rhs.scale.first, let os = output.scale.first, os > 0, os.isFinite else {
                throw context.invalid("int8 operands and output need quantization scales")
            }
            // GetQuantizedConvolutionMultipler: the scales' product in double.
            let product = Double(ls) * Double(rs)
            guard product >= 0 else { throw context.invalid("negative input scale product") }
            (outputMultiplier, outputShift) = QuantizedMath.quantizeMultiplier(product / Double(os))
            lhsOffset = -lhs.scalarZeroPoint
            rhsOffset = -rhs.scalarZeroPoint
            outputOffset = output.scalarZeroPoint
            if cmsis {
                context.runs(.batchMatMulS8)
            } else {
                context.runsReference(.int8)
            }
        }
        var geometry = MatrixGeometry()
        (geometry.rows, geometry.depth, geometry.columns) = (rows, depth, cols)
        geometry.products = b.reduce(1) { $0 &* $1 }
        (geometry.transposeLHS, geometry.transposeRHS) = (adjX, adjY)
        geometry.transposedRHSElements = adjY ? 0 : rhs.elementCount
        geometry.transposedLHSElements = adjX ? lhs.elementCount : 0
        context.geometry = .matrix(geometry)
    }

    func eval(_ context: EvalContext) throws {
        if isFloat {
            multiply(context.input(0, as: Float.self), context.input(1, as: Float.self), context.output(0, as: Float.self))
        } else {
            multiply(context.input(0, as: Int8.self), context.input(1, as: Int8.self), context.output(0, as: Int8.self))
        }
    }

    /// Element steps along a row (a) and along depth (k) of the LHS, and along depth
    /// (k) and a column (c) of the RHS, for the stored layouts.
    private var steps: (lhsRow: Int, lhsK: Int, rhsK: Int, rhsCol: Int) {
        (adjX ? 1 : depth, adjX ? rows : 1, adjY ? 1 : cols, adjY ? depth : 1)
    }

    private func multiply(_ lhs: UnsafeMutablePointer<Float>, _ rhs: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        let (lhsRow, lhsK, rhsK, rhsCol) = steps
        let (n0, n1, n2) = batchDims
        let (l0, l1, l2) = lhsBatchStrides
        let (r0, r1, r2) = rhsBatchStrides
        let (rows, cols, depth) = (self.rows, self.cols, self.depth)
        var out = output
        for i0 in 0..<n0 {
            for i1 in 0..<n1 {
                for i2 in 0..<n2 {
                    let lm = lhs + (i0 &* l0 &+ i1 &* l1 &+ i2 &* l2)
                    let rm = rhs + (i0 &* r0 &+ i1 &* r1 &+ i2 &* r2)
                    for a in 0..<rows {
                        let lr = lm + a &* lhsRow
                        for c in 0..<cols {
                            let rc = rm + c &* rhsCol
                            var total: Float = 0
                            for k in 0..<depth {
                                total += lr[k &* lhsK] * rc[k &* rhsK]
                            }
                            out[c] = total
                        }
                        out += cols
                    }
                }
            }
        }
    }

    private func multiply(_ lhs: UnsafeMutablePointer<Int8>, _ rhs: UnsafeMutablePointer<Int8>, _ output: UnsafeMutablePointer<Int8>) {
        let (lhsRow, lhsK, rhsK, rhsCol) = steps
        let (n0, n1, n2) = batchDims
        let (l0, l1, l2) = lhsBatchStrides
        let (r0, r1, r2) = rhsBatchStrides
        let (rows, cols, depth) = (self.rows, self.cols, self.depth)
        let (lhsOffset, rhsOffset, outputOffset) = (self.lhsOffset, self.rhsOffset, self.outputOffset)
        let (multiplier, shift) = (outputMultiplier, outputShift)
        var out = output
        for i0 in 0..<n0 {
            for i1 in 0..<n1 {
                for i2 in 0..<n2 {
                    let lm = lhs + (i0 &* l0 &+ i1 &* l1 &+ i2 &* l2)
                    let rm = rhs + (i0 &* r0 &+ i1 &* r1 &+ i2 &* r2)
                    for a in 0..<rows {
                        let lr = lm + a &* lhsRow
                        for c in 0..<cols {
                            let rc = rm + c &* rhsCol
                            var total: Int32 = 0
                            for k in 0..<depth {
                                total &+= (Int32(rc[k &* rhsK]) &+ rhsOffset) &* (Int32(lr[k &* lhsK]) &+ lhsOffset)
                            }
                            var v = QuantizedMath.multiplyByQuantizedMultiplier(total, multiplier, shift)
                            v &+= outputOffset
                            v = max(v, -128)
                            v = min(v, 127)
                            out[c] = Int8(truncatingIfNeeded: v)
                        }
                        out += cols
                    }
                }
            }
        }
    }
}
