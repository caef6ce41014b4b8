import Foundation

// SPLIT_V, as TFLM's split_v.cc: input 0 is the data, input 1 the split sizes (not
// read: the output shapes say it), input 2 the axis (a constant int32, as TFLM
// requires). A byte copy for float32, int8, int16 and int32; nothing persistent, no
// scratch.

final class SplitVKernel: Kernel {
    static let registration = OperatorRegistration(.splitV, resolver: "AddSplitV", options: SplitVOptions.self, builtinData: CStruct("TfLiteSplitVParams", [.int32]),
                                                   temporaries: .takenInPrepare, macs: .none) { SplitVKernel() }

    private var chunkBytes = OwnedBuffer<Int>(count: 0, repeating: 0)
    private var outputCount = 0
    private var outerSize = 0


    func prepare(_ context: PrepareContext) throws {
        context.tempInput(2)
        guard context.inputCount == 3 else {
            throw context.invalid("\(context.op.name) takes 3 inputs, got \(context.inputCount)")
        }
        let input = try context.requireInput(0)
        let rawAxis = try DataMovement.constantAxis(try context.requireInput(2), context)
        try context.expectType(input, [.float32, .int8, .int16, .int32], "input")
        let rank = input.rank
        let axis = rawAxis < 0 ? rawAxis + rank : rawAxis
        guard axis >= 0, axis < rank else {
            throw context.invalid("axis \(rawAxis) is out of range for input rank \(rank)")
        }
        let n = context.outputCount
        guard n >= 1 else { throw context.invalid("\(context.op.name) needs at least one output") }
        outerSize = try DataMovement.product(input.shape[..<axis], context)
        let inner = try DataMovement.product(input.shape[(axis + 1)...], context)
        let elementSize = try DataMovement.elementSize(input.type, context)
        var parts: [Int] = []
        for i in 0..<n {
            let output = try context.requireOutput(i)
            guard output.type == input.type else {
                throw context.invalid("output \(i) type \(output.type.name) differs from input type \(input.type.name)")
            }
            guard output.rank == rank, output.elementCount == (try DataMovement.bytes(outerSize, output.shape[axis], inner, context: context)) else {
                throw context.invalid("output \(i) shape \(output.shape) does not fit input shape \(input.shape) split along axis \(axis)")
            }
            parts.append(output.shape[axis])
        }
        guard parts.reduce(0, +) == input.shape[axis] else {
            throw context.invalid("outputs add up to \(parts.reduce(0, +)) along axis \(axis), input has \(input.shape[axis])")
        }
        outputCount = n
        chunkBytes = OwnedBuffer(count: n, repeating: 0)
        for (i, part) in parts.enumerated() { chunkBytes[i] = try DataMovement.bytes(part, inner, elementSize, context: context) }
        context.runsReference(input.type)
        var geometry = AxisGeometry()
        geometry.axis = axis
        context.geometry = .axis(geometry)
    }

    func eval(_ context: EvalContext) throws {
        var source = UnsafeRawPointer(context.input(0, as: UInt8.self))
        for k in 0..<outerSize {
            for i in 0..<outputCount {
                let bytes = chunkBytes[i]
                (UnsafeMutableRawPointer(context.output(i, as: UInt8.self)) + k * bytes).copyMemory(from: source, byteCount: bytes)
                source += bytes
            }
        }
    }
}
