// CAST, as TFLM's cast.cc: a static_cast per element.
//
// Inputs int8, int16, int32, uint32, float32, bool; outputs int8, int16, int32, uint32,
// float32. Integer narrowing wraps; integer to float rounds to nearest. Float to integer
// truncates toward zero. Out of range (undefined in C++) we follow what an optimised
// x86-64 build, like the one behind the goldens, computes: cvttss2si gives 0x80000000
// for NaN and out-of-range values, narrower types keep its low bits, and uint32 converts
// x - 2^31 and flips the top bit when x >= 2^31.

final class CastKernel: Kernel {
    static let registration = OperatorRegistration(.cast, resolver: "AddCast", options: CastOptions.self, builtinData: CStruct("TfLiteCastParams", [.smallEnum, .smallEnum]),
                                                   temporaries: .takenInPrepare, macs: .none) { CastKernel() }

    private var inputType: TensorType = .float32
    private var outputType: TensorType = .float32
    private var count = 0

    private static let inputTypes: Set<TensorType> = [.int8, .int16, .int32, .uint32, .float32, .bool]
    private static let outputTypes: Set<TensorType> = [.int8, .int16, .int32, .uint32, .float32]

    func prepare(_ context: PrepareContext) throws {
        context.tempInput(0)
        context.tempOutput(0)
        guard context.inputCount == 1, context.outputCount == 1 else {
            throw context.invalid("\(context.op.name) takes 1 input and 1 output, the model gives \(context.inputCount) and \(context.outputCount)")
        }
        let input = try context.requireInput(0), output = try context.requireOutput(0)
        try context.expectType(input, Self.inputTypes, "input")
        try context.expectType(output, Self.outputTypes, "output")
        guard output.elementCount == input.elementCount else {
            throw context.invalid("output shape \(output.shape) does not hold the \(input.elementCount) elements of input shaped \(input.shape)")
        }
        inputType = input.type
        outputType = output.type
        count = input.elementCount
        context.runsReference(input.type)
        context.geometry = .elementwise(ElementwiseGeometry(elements: count))
    }

    func eval(_ context: EvalContext) throws {
        switch inputType {
        case .int8: castInteger(context, Int8.self)
        case .int16: castInteger(context, Int16.self)
        case .int32: castInteger(context, Int32.self)
        case .uint32: castInteger(context, UInt32.self)
        // A bool is one byte; C++ widens its stored value.
        case .bool: castInteger(context, UInt8.self)
        default: castFloat(context)
        }
    }

    private func castInteger<From: FixedWidthInteger>(_ context: EvalContext, _: From.Type) {
        let input = context.input(0, as: From.self)
        switch outputType {
        case .int8: convert(input, context.output(0, as: Int8.self)) { Int8(truncatingIfNeeded: $0) }
        case .int16: convert(input, context.output(0, as: Int16.self)) { Int16(truncatingIfNeeded: $0) }
        case .int32: convert(input, context.output(0, as: Int32.self)) { Int32(truncatingIfNeeded: $0) }
        case .uint32: convert(input, context.output(0, as: UInt32.self)) { UInt32(truncatingIfNeeded: $0) }
        default: convert(input, context.output(0, as: Float.self)) { Float($0) }
        }
    }

    private func castFloat(_ context: EvalContext) {
        let input = context.input(0, as: Float.self)
        switch outputType {
        case .int8: convert(input, context.output(0, as: Int8.self)) { Int8(truncatingIfNeeded: castTruncate32($0)) }
        case .int16: convert(input, context.output(0, as: Int16.self)) { Int16(truncatingIfNeeded: castTruncate32($0)) }
        case .int32: convert(input, context.output(0, as: Int32.self)) { castTruncate32($0) }
        case .uint32: convert(input, context.output(0, as: UInt32.self)) { castTruncateUnsigned($0) }
        default: convert(input, context.output(0, as: Float.self)) { $0 }
        }
    }

    @inline(__always)
    private func convert<From, To>(_ input: UnsafeMutablePointer<From>, _ output: UnsafeMutablePointer<To>, _ body: (From) -> To) {
        var i = 0
        while i < count {
            output[i] = body(input[i])
            i &+= 1
        }
    }
}

/// cvttss2si to 32 bits: truncation, 0x80000000 for NaN and out-of-range values.
@inline(__always)
private func castTruncate32(_ x: Float) -> Int32 {
    guard x.isFinite, x >= -2_147_483_648, x < 2_147_483_648 else { return Int32.min }
    return Int32(x)
}

/// float → uint32 as GCC -O2 emits it for x86-64.
@inline(__always)
private func castTruncateUnsigned(_ x: Float) -> UInt32 {
    if x >= 2_147_483_648 {
        return UInt32(bitPattern: castTruncate32(x - 2_147_483_648)) ^ 0x8000_0000
    }
    return UInt32(bitPattern: castTruncate32(x))
}
