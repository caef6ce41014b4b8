import Foundation

// TRANSPOSE, as TFLM's transpose.cc / transpose_common.cc: float32, int8 and int16,
// 1 to 5 dimensions, constant int32 permutation. Data moves unchanged.
//
// CMSIS-NN's int8 kernel (arm_transpose_s8) handles at most 4 dimensions (TFLM's
// eval fails beyond), and for 2 dimensions it always swaps rows and columns whatever
// the permutation says; mcusim refuses the 2-D identity permutation there rather than
// reproduce that.

final class TransposeKernel: Kernel {
    static let registration = OperatorRegistration(.transpose, resolver: "AddTranspose", options: TransposeOptions.self, builtinData: nil, temporaries: .takenInPrepare,
                                                   macs: .none) { TransposeKernel() }

    private var elementSize = 1
    private var count = 0
    // Output dims and, for each output axis, the input's element stride, extended to
    // 5 dimensions with leading 1s (stride 0).
    private var outDims = (1, 1, 1, 1, 1)
    private var inStrides = (0, 0, 0, 0, 0)

    func prepare(_ context: PrepareContext) throws {
        context.tempInput(0)
        context.tempInput(1)
        context.tempOutput(0)
        guard context.inputCount == 2, context.outputCount == 1 else {
            throw context.invalid("\(context.op.name) takes 2 inputs and 1 output, got \(context.inputCount) and \(context.outputCount)")
        }
        let input = try context.requireInput(0)
        let perm = try context.requireInput(1)
        let output = try context.requireOutput(0)
        let rank = input.rank
        guard rank <= 5 else { throw context.unsupported("\(context.op.name) supports 1-D to 5-D inputs, input has \(rank) dimensions") }
        guard rank >= 1 else { throw context.unsupported("\(context.op.name) of a scalar is not supported") }
        guard output.type == input.type else {
            throw context.invalid("output type \(output.type.name) differs from input type \(input.type.name)")
        }
        try context.expectType(input, [.float32, .int8, .int16], "input")
        guard perm.isConstant else {
            throw context.unsupported("non-constant perm tensor is not supported (TFLM requires it in the model)")
        }
        guard perm.rank == 1, perm.shape[0] == rank else {
            throw context.invalid("perm has shape \(perm.shape), expected [\(rank)]")
        }
        guard perm.type == .int32, let p = perm.constantValues(Int32.self)?.map(Int.init), p.count == rank else {
            throw context.unsupported("perm of type \(perm.type.name) is not supported (TFLM reads int32)")
        }
        guard p.allSatisfy({ $0 >= 0 && $0 < rank }) else {
            throw context.invalid("Transpose op permutations array is out of bounds: \(p)")
        }
        guard Set(p).count == rank else { throw context.invalid("perm \(p) repeats an axis") }
        let permuted = p.map { input.shape[$0] }
        guard output.shape == permuted else {
            throw context.invalid("output shape \(output.shape) differs from the permuted input shape \(permuted)")
        }

        if context.variant == .cmsisNN && input.type == .int8 {
            guard rank <= 4 else {
                throw context.unsupported("CMSIS-NN arm_transpose_s8 handles at most 4 dimensions, input has \(rank)")
            }
            if rank == 2 && p == [0, 1] {
                throw context.unsupported("CMSIS-NN arm_transpose_s8 transposes every 2-D input, even with the identity permutation")
            }
            context.runs(.transposeS8)
        } else {
            context.runsReference(input.type)
        }

        elementSize = input.type.byteSize ?? 1
        count = input.elementCount
        var inputStride = [Int](repeating: 1, count: rank)
        for i in stride(from: rank - 2, through: 0, by: -1) { inputStride[i] = inputStride[i + 1] * input.shape[i + 1] }
        let lead = 5 - rank
        let dims = Array(repeating: 1, count: lead) + output.shape
        let strides = Array(repeating: 0, count: lead) + p.map { inputStride[$0] }
        outDims = (dims[0], dims[1], dims[2], dims[3], dims[4])
        inStrides = (strides[0], strides[1], strides[2], strides[3], strides[4])
    }

    func eval(_ context: EvalContext) throws {
        guard count > 0 else { return }
        switch elementSize {
        case 1: transpose(context.input(0, as: UInt8.self), context.output(0, as: UInt8.self))
        case 2: transpose(context.input(0, as: UInt16.self), context.output(0, as: UInt16.self))
        default: transpose(context.input(0, as: UInt32.self), context.output(0, as: UInt32.self))
        }
    }

    @inline(__always)
    private func transpose<T>(_ input: UnsafeMutablePointer<T>, _ output: UnsafeMutablePointer<T>) {
        let (n0, n1, n2, n3, n4) = outDims
        let (s0, s1, s2, s3, s4) = inStrides
        var out = 0
        for a in 0..<n0 {
            let ia = a &* s0
            for b in 0..<n1 {
                let ib = ia &+ b &* s1
                for c in 0..<n2 {
                    let ic = ib &+ c &* s2
                    for d in 0..<n3 {
                        var index = ic &+ d &* s3
                        for _ in 0..<n4 {
                            output[out] = input[index]
                            out &+= 1
                            index &+= s4
                        }
                    }
                }
            }
        }
    }
}
