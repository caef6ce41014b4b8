import Foundation

// LOG, SQRT and RSQRT, as TFLM's elementwise.cc.
//
// LOG and SQRT are float32 only (std::log, std::sqrt; glibc's logf is what the host
// goldens used). RSQRT takes float32 (1 / sqrt) and int8, whose fixed-point path
// computes 1/sqrt(x - zp) with gemmlowp's Newton-Raphson inverse square root and
// rescales by 1 / (sqrt(scale_in) * scale_out); TFLM's prepare refuses int16 RSQRT.
// An int8 input below the zero point makes TFLM's invoke fail, and so does ours.

final class ElementwiseUnaryKernel: Kernel {
    enum Function { case log, sqrt, rsqrt }

    static let logRegistration = registration(.log, .log, resolver: "AddLog")
    static let sqrtRegistration = registration(.sqrt, .sqrt, resolver: "AddSqrt")
    static let rsqrtRegistration = registration(.rsqrt, .rsqrt, resolver: "AddRsqrt")

    private static func registration(_ op: BuiltinOperator, _ function: Function, resolver: String) -> OperatorRegistration {
        OperatorRegistration(op, resolver: resolver, options: nil, builtinData: nil, temporaries: .takenInPrepare, macs: .perOutputElement) {
            ElementwiseUnaryKernel(function)
        }
    }

    /// elementwise.cc: OpDataAbsRsqrt { int32 multiplier; int shift; int input_offset;
    /// int output_offset; bool needs_rescale; TfLiteQuantizationType; TfLiteType }.
    /// TfLiteQuantizationType has a fixed `int` underlying type in C++ (common.h), so it is
    /// 4 bytes even with short enums: 28 B on Cortex-M, as measured (Tests/Fixtures/cortexm).
    static let absRsqrtOpData = CStruct("OpDataAbsRsqrt", [.int32, .int32, .int32, .int32, .bool, .int32, .smallEnum])

    private let function: Function
    private var type: TensorType = .float32
    private var count = 0
    private var operatorIndex = 0
    private var inputZeroPoint: Int32 = 0, outputZeroPoint: Int32 = 0
    private var multiplier: Int32 = 0, shift: Int32 = 0

    init(_ function: Function) {
        self.function = function
    }

    func prepare(_ context: PrepareContext) throws {
        operatorIndex = context.operatorIndex
        if function == .rsqrt {
            // ElementWiseAbsRsqrtInit, whatever the type.
            context.allocatePersistent(.opData(Self.absRsqrtOpData))
        }
        context.tempInput(0)
        context.tempOutput(0)
        guard context.inputCount == 1, context.outputCount == 1 else {
            throw context.invalid("\(context.op) takes 1 input and 1 output, the model gives \(context.inputCount) and \(context.outputCount)")
        }
        let input = try context.requireInput(0), output = try context.requireOutput(0)
        try context.expectType(input, function == .rsqrt ? [.float32, .int8] : [.float32], "input")
        guard output.type == input.type else {
            throw context.unsupported("output type \(output.type.name) differs from the input type \(input.type.name)")
        }
        // TFLM loops over the input's elements and writes as many outputs.
        guard output.elementCount == input.elementCount else {
            throw context.invalid("output shape \(output.shape) does not hold the \(input.elementCount) elements of input shaped \(input.shape)")
        }
        type = input.type
        count = input.elementCount

        if type == .int8 {
            guard input.scalarScale > 0, input.scalarScale.isFinite, output.scalarScale > 0, output.scalarScale.isFinite else {
                throw context.invalid("int8 RSQRT needs quantized input and output (positive scales)")
            }
            inputZeroPoint = input.scalarZeroPoint
            outputZeroPoint = output.scalarZeroPoint
            // 1 / (sqrt(input scale) * output scale), all in double, as the oracle TFLM computes it.
            let real = 1.0 / (Double(input.scalarScale).squareRoot() * Double(output.scalarScale))
            (multiplier, shift) = QuantizedMath.quantizeMultiplier(real)
        }
        context.runsReference(type)
        context.geometry = .elementwise(ElementwiseGeometry(elements: count))
    }

    func eval(_ context: EvalContext) throws {
        if type == .int8 {
            try evalRsqrtInt8(context)
            return
        }
        let input = context.input(0, as: Float.self), output = context.output(0, as: Float.self)
        var i = 0
        switch function {
        case .log:
            while i < count {
                output[i] = logf(input[i])
                i &+= 1
            }
        case .sqrt:
            while i < count {
                output[i] = input[i].squareRoot()
                i &+= 1
            }
        case .rsqrt:
            while i < count {
                output[i] = 1 / input[i].squareRoot()
                i &+= 1
            }
        }
    }

    private func evalRsqrtInt8(_ context: EvalContext) throws {
        let input = context.input(0, as: Int8.self), output = context.output(0, as: Int8.self)
        let zeroPoint = inputZeroPoint, outZeroPoint = outputZeroPoint
        let outMultiplier = multiplier, outShift = shift
        // Keeps the intermediate 1/sqrt an integer before the final rescale.
        let integerShift: Int32 = 20
        var i = 0
        while i < count {
            let x = Int32(input[i])
            guard x >= zeroPoint else {
                throw InvalidOperatorError(operatorIndex: operatorIndex, op: BuiltinOperator.rsqrt.name,
                                           reason: "input element \(i) is below the zero point: RSQRT is defined for non-negative values only (TFLM's invoke fails too)")
            }
            let value = x &- zeroPoint
            if value == 0 {
                // TFLM maps 0 to the largest output.
                output[i] = Int8.max
            } else {
                let (inverseSqrt, inverseShift) = rsqrtInverseSqrtMultiplier(value)
                let data = QuantizedMath.multiplyByQuantizedMultiplier(Int32(1), inverseSqrt, inverseShift &+ integerShift)
                let result = QuantizedMath.multiplyByQuantizedMultiplier(data, outMultiplier, outShift &- integerShift) &+ outZeroPoint
                output[i] = Int8(truncatingIfNeeded: min(max(result, -128), 127))
            }
            i &+= 1
        }
    }
}

/// GetInvSqrtQuantizedMultiplierExp(input, kReverseShift = -1): 1/sqrt(input) as a
/// Q0.31 multiplier and a left shift, by five Newton-Raphson steps in Q3.28.
private func rsqrtInverseSqrtMultiplier(_ value: Int32) -> (Int32, Int32) {
    if value <= 1 { return (Int32.max, 0) }
    var input = value
    var shift: Int32 = 11
    while input >= 1 << 29 {
        input /= 4
        shift += 1
    }
    let maxLeftShiftBits = UInt32(bitPattern: input).leadingZeroBitCount - 1
    let leftShiftBitPairs = maxLeftShiftBits / 2 - 1
    shift -= Int32(leftShiftBitPairs)
    input <<= 2 * leftShiftBitPairs
    // input is now in [2^27, 2^29): as Q3.28, input / 2 lies in [0.25, 1).
    let q3Input = input >> 1
    let halfInput = FixedPoint.saturatingRoundingMultiplyByPOT(q3Input, -1)
    let halfThree: Int32 = (1 << 28) + (1 << 27)  // 1.5 in Q3.28
    var x: Int32 = FixedPoint.one(integerBits: 3)
    for _ in 0..<5 {
        let xCubed = FixedPoint.rescale(FixedPoint.mul(FixedPoint.mul(x, x), x), from: 9, to: 3)
        x = FixedPoint.rescale(FixedPoint.mul(halfThree, x) &- FixedPoint.mul(halfInput, xCubed), from: 6, to: 3)
    }
    let halfSqrt2: Int32 = 1_518_500_250  // sqrt(2)/2 in Q0.31
    var inverseSqrt = FixedPoint.mul(x, halfSqrt2)
    if shift < 0 {
        inverseSqrt = inverseSqrt << -shift
        shift = 0
    }
    return (inverseSqrt, -shift)
}
