import Foundation

// SPLIT, as TFLM's split.cc: input 0 is the axis (a constant int32, as TFLM requires),
// input 1 the data, split into NumOutputs equal parts along the axis; a byte copy for
// float32, int8, int16 and int32. Nothing persistent, no scratch.

final class SplitKernel: Kernel {
    static let registration = OperatorRegistration(.split, resolver: "AddSplit", options: SplitOptions.self, builtinData: CStruct("TfLiteSplitParams", [.int32]),
                                                   temporaries: .takenInPrepare, macs: .none) { SplitKernel() }

    private var outputCount = 0
    private var outerSize = 0
    private var chunkBytes = 0

    func prepare(_ context: PrepareContext) throws {
        context.tempInput(0)
        let axisTensor = try context.requireInput(0)
        let input = try context.requireInput(1)
        let rawAxis = try DataMovement.constantAxis(axisTensor, context)
        try context.expectType(input, [.float32, .int8, .int16, .int32], "input")
        let rank = input.rank
        let axis = rawAxis < 0 ? rawAxis + rank : rawAxis
        guard axis >= 0, axis < rank else {
            throw context.invalid("axis \(rawAxis) is out of range for input rank \(rank)")
        }
        let n = context.outputCount
        guard n >= 1, input.shape[axis] % n == 0 else {
            throw context.invalid("input shape \(input.shape) cannot be split in \(n) along axis \(axis)")
        }
        outerSize = try DataMovement.product(input.shape[..<axis], context)
        let part = input.shape[axis] / n
        let copySize = try DataMovement.bytes(part, try DataMovement.product(input.shape[(axis + 1)...], context), context: context)
        for i in 0..<n {
            let output = try context.requireOutput(i)
            guard output.type == input.type else {
                throw context.invalid("output \(i) type \(output.type.name) differs from input type \(input.type.name)")
            }
            // TFLM sizes every part from output 0's shape.
            guard output.rank == rank, output.shape[axis] == part, output.elementCount == outerSize * copySize else {
                throw context.invalid("output \(i) shape \(output.shape) is not a 1/\(n) part of input shape \(input.shape) along axis \(axis)")
            }
        }
        outputCount = n
        chunkBytes = try DataMovement.bytes(copySize, try DataMovement.elementSize(input.type, context), context: context)
        context.runsReference(input.type)
        var geometry = AxisGeometry()
        geometry.axis = axis
        context.geometry = .axis(geometry)
    }

    func eval(_ context: EvalContext) throws {
        var source = UnsafeRawPointer(context.input(1, as: UInt8.self))
        let bytes = chunkBytes
        for k in 0..<outerSize {
            for i in 0..<outputCount {
                (UnsafeMutableRawPointer(context.output(i, as: UInt8.self)) + k * bytes).copyMemory(from: source, byteCount: bytes)
                source += bytes
            }
        }
    }
}
