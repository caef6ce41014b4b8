import Foundation

// GATHER, as TFLM's gather.cc: float32 or int8 data, int32 positions, with axis and
// batch_dims. Each position selects an inner block of `inner` elements that is copied
// unchanged. TFLM rewrites the output's dims in a persistent TfLiteIntArray
// (CreateWritableTensorDimsWithCopy); the computed shape must equal the stored one.
//
// TFLM only DCHECKs that positions are in range (a release build reads outside the
// input); mcusim stops with an error naming the bad position instead.

final class GatherKernel: Kernel {
    static let registration = OperatorRegistration(.gather, resolver: "AddGather", options: GatherOptions.self, builtinData: CStruct("TfLiteGatherParams", [.int32, .int32]),
                                                   temporaries: .takenInPrepare, macs: .none) { GatherKernel() }

    private var operatorIndex = 0
    private var elementSize = 1
    private var batchSize = 1
    private var outerSize = 1
    private var coordSize = 1
    private var innerSize = 1
    private var axisSize = 0

    func prepare(_ context: PrepareContext) throws {
        operatorIndex = context.operatorIndex
        context.tempInput(0)
        context.tempInput(1)
        context.tempOutput(0)
        guard context.inputCount == 2, context.outputCount == 1 else {
            throw context.invalid("\(context.op.name) takes 2 inputs and 1 output, got \(context.inputCount) and \(context.outputCount)")
        }
        let input = try context.requireInput(0)
        let coords = try context.requireInput(1)
        let output = try context.requireOutput(0)
        guard coords.type == .int32 else {
            throw context.unsupported("positions of type \(coords.type.name) are not supported (TFLM: int32 only)")
        }
        try context.expectType(input, [.float32, .int8], "input")
        guard output.type == input.type else {
            throw context.invalid("output type \(output.type.name) differs from input type \(input.type.name)")
        }
        elementSize = input.type.byteSize ?? 1

        let options = context.options(GatherOptions.self)
        var axis = Int(options.axis)
        if axis < 0 { axis += input.rank }
        guard axis >= 0, axis < input.rank else {
            throw context.invalid("axis \(options.axis) is out of range for input rank \(input.rank)")
        }
        var batchDims = Int(options.batchDims)
        if batchDims < 0 { batchDims += coords.rank }
        guard batchDims <= axis, batchDims >= 0, batchDims < input.rank, batchDims <= coords.rank else {
            throw context.invalid("batch_dims \(options.batchDims) is invalid for axis \(axis), input rank \(input.rank), positions rank \(coords.rank)")
        }
        for i in 0..<batchDims where input.shape[i] != coords.shape[i] {
            throw context.invalid("batch dimension \(i) differs: input \(input.shape[i]), positions \(coords.shape[i])")
        }

        let expected = Array(input.shape[..<axis]) + Array(coords.shape[batchDims...]) + Array(input.shape[(axis + 1)...])
        guard output.shape == expected else {
            throw context.invalid("output shape \(output.shape) differs from the gathered shape \(expected)")
        }
        // The dims copy is sized by the stored output rank.
        context.allocatePersistent(.buffer("output dims", bytes: TFLMStructs.tfLiteIntArrayBytes(count: output.rank)))

        guard let batch = ShapeMath.product(input.shape[..<batchDims]),
              let outer = ShapeMath.product(input.shape[batchDims..<axis]),
              let inner = ShapeMath.product(input.shape[(axis + 1)...]),
              let coord = ShapeMath.product(coords.shape[batchDims...]) else {
            throw context.invalid("shapes are too large")
        }
        batchSize = batch
        outerSize = outer
        innerSize = inner
        coordSize = coord
        axisSize = input.shape[axis]
        context.runsReference(input.type)
        var geometry = AxisGeometry()
        geometry.axis = axis
        geometry.batchDims = batchDims
        context.geometry = .axis(geometry)
    }

    func eval(_ context: EvalContext) throws {
        let input = UnsafeRawPointer(context.input(0, as: UInt8.self))
        let coords = context.input(1, as: Int32.self)
        let output = UnsafeMutableRawPointer(context.output(0, as: UInt8.self))
        let blockBytes = innerSize &* elementSize
        for batch in 0..<batchSize {
            for outer in 0..<outerSize {
                for coord in 0..<coordSize {
                    let position = Int(coords[batch &* coordSize &+ coord])
                    guard position >= 0, position < axisSize else {
                        throw InvalidOperatorError(operatorIndex: operatorIndex, op: BuiltinOperator.gather.name,
                                                   reason: "position \(position) is outside [0, \(axisSize))")
                    }
                    let outBlock = ((batch &* outerSize &+ outer) &* coordSize &+ coord) &* blockBytes
                    let inBlock = ((batch &* outerSize &+ outer) &* axisSize &+ position) &* blockBytes
                    (output + outBlock).copyMemory(from: input + inBlock, byteCount: blockBytes)
                }
            }
        }
    }
}
