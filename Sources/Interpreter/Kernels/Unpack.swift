import Foundation

// UNPACK, as TFLM's unpack.cc: splits the input along `axis` into `num` outputs that
// drop that dimension; a byte copy for float32, int8, int16 and int32. No init or
// prepare in TFLM: nothing persistent, no scratch.

final class UnpackKernel: Kernel {
    static let registration = OperatorRegistration(.unpack, resolver: "AddUnpack", options: UnpackOptions.self, builtinData: CStruct("TfLiteUnpackParams", [.int32, .int32]),
                                                   temporaries: .none, macs: .none) { UnpackKernel() }

    private var outputCount = 0
    private var outerSize = 0
    private var chunkBytes = 0

    func prepare(_ context: PrepareContext) throws {
        let input = try context.requireInput(0)
        try context.expectType(input, [.float32, .int8, .int16, .int32], "input")
        let options = context.options(UnpackOptions.self)
        let num = Int(options.num)
        guard num >= 1, num == context.outputCount else {
            throw context.invalid("num \(num) does not match the \(context.outputCount) outputs")
        }
        let rank = input.rank
        var axis = Int(options.axis)
        if axis < 0 { axis += rank }
        guard axis >= 0, axis < rank else {
            throw context.invalid("axis \(options.axis) is out of range for input rank \(rank)")
        }
        guard input.shape[axis] == num else {
            throw context.invalid("input shape \(input.shape) has \(input.shape[axis]) along axis \(axis), expected \(num)")
        }
        outerSize = try DataMovement.product(input.shape[..<axis], context)
        let copySize = try DataMovement.product(input.shape[(axis + 1)...], context)
        for i in 0..<num {
            let output = try context.requireOutput(i)
            guard output.type == input.type else {
                throw context.invalid("output \(i) type \(output.type.name) differs from input type \(input.type.name)")
            }
            guard output.elementCount == outerSize * copySize else {
                throw context.invalid("output \(i) shape \(output.shape) does not fit input shape \(input.shape) unpacked on axis \(axis)")
            }
        }
        outputCount = num
        chunkBytes = try DataMovement.bytes(copySize, try DataMovement.elementSize(input.type, context), context: context)
        context.runsReference(input.type)
        var geometry = AxisGeometry()
        geometry.axis = axis
        context.geometry = .axis(geometry)
    }

    func eval(_ context: EvalContext) throws {
        let source = UnsafeRawPointer(context.input(0, as: UInt8.self))
        let bytes = chunkBytes, n = outputCount
        for i in 0..<n {
            let out = UnsafeMutableRawPointer(context.output(i, as: UInt8.self))
            for k in 0..<outerSize {
                (out + k * bytes).copyMemory(from: source + (k * n + i) * bytes, byteCount: bytes)
            }
        }
    }
}
