import Foundation

// RESIZE_NEAREST_NEIGHBOR, as TFLM's resize_nearest_neighbor.cc with the shared
// reference_ops kernel: 4-D float32, int8 or int16 data, a constant int32 size of 2
// values. Each output pixel copies the depth vector of one input pixel; the source
// row and column come from GetNearestNeighbor's float arithmetic, which prepare
// evaluates once per output row and column (the same float operations, in the same
// order, as TFLM evaluates in its loops).

final class ResizeNearestNeighborKernel: Kernel {
    static let registration = OperatorRegistration(.resizeNearestNeighbor, resolver: "AddResizeNearestNeighbor", options: ResizeNearestNeighborOptions.self, builtinData: CStruct("TfLiteResizeNearestNeighborParams", [.bool, .bool]),
                                                   temporaries: .takenInPrepare, macs: .none) { ResizeNearestNeighborKernel() }

    private var elementSize = 1
    private var batches = 0
    private var inputHeight = 0
    private var inputWidth = 0
    private var depth = 0
    private var rowSource = OwnedBuffer<Int>([])
    private var columnSource = OwnedBuffer<Int>([])

    func prepare(_ context: PrepareContext) throws {
        context.tempInput(0)
        context.tempInput(1)
        context.tempOutput(0)
        guard context.inputCount == 2, context.outputCount == 1 else {
            throw context.invalid("\(context.op.name) takes 2 inputs and 1 output, got \(context.inputCount) and \(context.outputCount)")
        }
        let input = try context.requireInput(0)
        let size = try context.requireInput(1)
        let output = try context.requireOutput(0)
        guard input.rank == 4 else { throw context.invalid("input must be 4-D, has shape \(input.shape)") }
        guard size.rank == 1, size.type == .int32, size.shape[0] == 2 else {
            throw context.invalid("size must be an int32 vector of 2 values, is \(size.type.name) \(size.shape)")
        }
        guard size.isConstant, let hw = size.constantValues(Int32.self), hw.count == 2 else {
            throw context.unsupported("non-constant size tensor is not supported (TFLM requires it in the model)")
        }
        guard output.type == input.type else {
            throw context.invalid("output type \(output.type.name) differs from input type \(input.type.name)")
        }
        try context.expectType(output, [.float32, .int8, .int16], "output")
        let (outHeight, outWidth) = (Int(hw[0]), Int(hw[1]))
        guard outHeight >= 0, outWidth >= 0 else { throw context.invalid("size [\(outHeight), \(outWidth)] is negative") }
        guard output.rank == 4, output.shape == [input.shape[0], outHeight, outWidth, input.shape[3]] else {
            throw context.invalid("output shape \(output.shape) differs from [\(input.shape[0]), \(outHeight), \(outWidth), \(input.shape[3])]")
        }
        let options = context.options(ResizeNearestNeighborOptions.self)
        let alignCorners = options.alignCorners
        let halfPixel = options.halfPixelCenters
        batches = input.shape[0]
        inputHeight = input.shape[1]
        inputWidth = input.shape[2]
        depth = input.shape[3]
        elementSize = input.type.byteSize ?? 1

        // The per-row and per-column tables are sized by the output; nothing is read
        // for an empty output.
        guard outHeight < 1 << 20, outWidth < 1 << 20 else {
            throw context.unsupported("output size \(outHeight)x\(outWidth) is beyond mcusim's limit of 2^20 per dimension")
        }
        let empty = output.elementCount == 0
        let rows = empty ? [] : (0..<outHeight).map { Self.nearest($0, inputHeight, outHeight, alignCorners, halfPixel) }
        let columns = empty ? [] : (0..<outWidth).map { Self.nearest($0, inputWidth, outWidth, alignCorners, halfPixel) }
        guard output.elementCount == 0 || (rows.allSatisfy { $0 >= 0 && $0 < inputHeight } && columns.allSatisfy { $0 >= 0 && $0 < inputWidth }) else {
            throw context.invalid("an output pixel maps outside the \(inputHeight)x\(inputWidth) input")
        }
        rowSource = OwnedBuffer(rows)
        columnSource = OwnedBuffer(columns)
        context.runsReference(input.type)
    }

    /// GetNearestNeighbor, in float as TFLM computes it.
    static func nearest(_ value: Int, _ inputSize: Int, _ outputSize: Int, _ alignCorners: Bool, _ halfPixel: Bool) -> Int {
        let scale: Float = (alignCorners && outputSize > 1)
            ? Float(Int32(truncatingIfNeeded: inputSize - 1)) / Float(Int32(truncatingIfNeeded: outputSize - 1))
            : Float(Int32(truncatingIfNeeded: inputSize)) / Float(Int32(truncatingIfNeeded: outputSize))
        let offset: Float = halfPixel ? 0.5 : 0
        let scaled = (Float(Int32(truncatingIfNeeded: value)) + offset) * scale
        let rounded = alignCorners ? scaled.rounded(.toNearestOrAwayFromZero) : scaled.rounded(.down)
        // Out-of-range floats cannot come from valid sizes; map them outside the input.
        guard rounded.isFinite, abs(rounded) < 2_147_483_648 else { return -1 }
        var result = min(Int(rounded), inputSize - 1)
        if halfPixel { result = max(0, result) }
        return result
    }

    func eval(_ context: EvalContext) throws {
        switch elementSize {
        case 1: resize(context.input(0, as: UInt8.self), context.output(0, as: UInt8.self))
        case 2: resize(context.input(0, as: UInt16.self), context.output(0, as: UInt16.self))
        default: resize(context.input(0, as: UInt32.self), context.output(0, as: UInt32.self))
        }
    }

    @inline(__always)
    private func resize<T>(_ input: UnsafeMutablePointer<T>, _ output: UnsafeMutablePointer<T>) {
        let rows = rowSource.base, rowCount = rowSource.count
        let columns = columnSource.base, columnCount = columnSource.count
        let depth = self.depth
        let rowStride = inputWidth &* depth
        let batchStride = inputHeight &* rowStride
        var out = output
        for b in 0..<batches {
            let batchBase = input + b &* batchStride
            for y in 0..<rowCount {
                let rowBase = batchBase + rows[y] &* rowStride
                for x in 0..<columnCount {
                    out.update(from: rowBase + columns[x] &* depth, count: depth)
                    out += depth
                }
            }
        }
    }
}
