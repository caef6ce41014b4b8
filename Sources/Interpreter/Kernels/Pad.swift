import Foundation

// PAD and PADV2, as TFLM's pad.cc / pad_common.cc (one kernel serves both).
//
// The pad value: PADV2's third input when present; otherwise 0 for float32, int16 and
// int32, and for int8 the OUTPUT's zero point (real 0). Data is moved, never
// requantized (TFLM requires PADV2's constant to share the output's scale and zero
// point). The reference loop walks the output in order over a 5-D extended shape;
// CMSIS-NN's arm_pad_s8 (int8 only) produces the same bytes for up to 4 dimensions.

final class PadKernel: Kernel {
    static let padRegistration = OperatorRegistration(.pad, resolver: "AddPad", options: PadOptions.self, builtinData: nil, temporaries: .takenInPrepare,
                                                      macs: .none) { PadKernel() }
    static let padV2Registration = OperatorRegistration(.padv2, resolver: "AddPadV2", options: PadV2Options.self, builtinData: nil, temporaries: .takenInPrepare,
                                                        macs: .none) { PadKernel() }

    private var elementSize = 1
    private var hasConstantValue = false
    /// The int8 default pad byte (the output zero point).
    private var zeroPointByte: UInt8 = 0
    // Output dims and left/right paddings, extended to 5 dimensions.
    private var outDims = (0, 0, 0, 0, 0)
    private var left = (0, 0, 0, 0, 0)
    private var right = (0, 0, 0, 0, 0)

    func prepare(_ context: PrepareContext) throws {
        context.allocatePersistent(.opData(ShapeStructs.opDataPad))
        for i in 0..<3 { context.tempInput(i) }
        context.tempOutput(0)
        guard context.inputCount == 2 || context.inputCount == 3 else {
            throw context.invalid("\(context.op.name) takes 2 or 3 inputs, got \(context.inputCount)")
        }
        guard context.outputCount == 1 else { throw context.invalid("\(context.op.name) has 1 output, got \(context.outputCount)") }
        let input = try context.requireInput(0)
        let paddings = try context.requireInput(1)
        let output = try context.requireOutput(0)
        let constant = context.inputCount == 3 ? context.input(2) : nil

        guard input.type == output.type else {
            throw context.invalid("output type \(output.type.name) differs from input type \(input.type.name)")
        }
        try context.expectType(input, [.float32, .int8, .int16, .int32], "input")
        elementSize = input.type.byteSize ?? 1
        guard input.rank <= 5 else {
            throw context.unsupported("\(context.op.name) supports at most 5 dimensions, input has \(input.rank)")
        }
        guard output.rank == input.rank else {
            throw context.invalid("output rank \(output.rank) differs from input rank \(input.rank)")
        }
        if let constant {
            guard constant.type == input.type else {
                throw context.invalid("constant value type \(constant.type.name) differs from input type \(input.type.name)")
            }
            guard constant.elementCount == 1 else {
                throw context.invalid("constant value must be a scalar, has \(constant.elementCount) elements")
            }
        }
        hasConstantValue = constant != nil

        guard paddings.elementCount == output.rank * 2 else {
            throw context.invalid("paddings has \(paddings.elementCount) values, the output's rank \(output.rank) needs \(output.rank * 2)")
        }
        guard paddings.isConstant else {
            throw context.unsupported("non-constant paddings tensor is not supported (TFLM requires it in the model)")
        }
        guard paddings.type == .int32, let pads = paddings.constantValues(Int32.self) else {
            throw context.unsupported("paddings of type \(paddings.type.name) are not supported (TFLM reads int32)")
        }
        for i in 0..<output.rank {
            let (l, r) = (Int(pads[2 * i]), Int(pads[2 * i + 1]))
            guard l >= 0, r >= 0 else {
                throw context.unsupported("negative paddings (\(l), \(r)) on dimension \(i) are not supported")
            }
            guard output.shape[i] == input.shape[i] + l + r else {
                throw context.invalid("output dimension \(i) is \(output.shape[i]), input \(input.shape[i]) padded by \(l)+\(r) gives \(input.shape[i] + l + r)")
            }
        }

        if input.type == .int8 {
            if let constant {
                guard constant.scalarZeroPoint == output.scalarZeroPoint,
                      Double(constant.scalarScale) == Double(output.scalarScale) else {
                    throw context.invalid("\(context.op.name)'s constant must share the output's quantization (zero point \(constant.scalarZeroPoint) vs \(output.scalarZeroPoint), scale \(constant.scalarScale) vs \(output.scalarScale))")
                }
            } else {
                let zp = output.scalarZeroPoint
                guard zp >= Int32(Int8.min), zp <= Int32(Int8.max) else {
                    throw context.invalid("output zero point \(zp) is outside int8")
                }
                zeroPointByte = UInt8(truncatingIfNeeded: zp)
            }
        }

        // Runtime loops are fixed at 5 dimensions: leading dims of 1, paddings of 0.
        let ext = 5 - input.rank
        func tuple(_ v: [Int]) -> (Int, Int, Int, Int, Int) { (v[0], v[1], v[2], v[3], v[4]) }
        outDims = tuple(ShapeMath.extended(output.shape, to: 5))
        left = tuple(Array(repeating: 0, count: ext) + (0..<input.rank).map { Int(pads[2 * $0]) })
        right = tuple(Array(repeating: 0, count: ext) + (0..<input.rank).map { Int(pads[2 * $0 + 1]) })

        if context.variant == .cmsisNN && input.type == .int8 {
            // arm_pad_s8 sees only the last 4 dimensions.
            if input.rank == 5 && (input.shape[0] != 1 || left.0 != 0 || right.0 != 0) {
                throw context.unsupported("CMSIS-NN arm_pad_s8 handles 4 dimensions; this 5-D pad uses the first dimension")
            }
            context.runs(.padS8)
        } else {
            context.runsReference(input.type)
        }
        context.geometry = .pad(PadGeometry(top: left.2, left: left.3, bottom: right.2, right: right.3))
    }

    func eval(_ context: EvalContext) throws {
        let constant = hasConstantValue ? context.optionalInput(2, as: UInt8.self) : nil
        switch elementSize {
        case 1:
            let value = constant?.pointee ?? zeroPointByte
            pad(context.input(0, as: UInt8.self), context.output(0, as: UInt8.self), value)
        case 2:
            let value = constant.map { UnsafeRawPointer($0).loadUnaligned(as: UInt16.self) } ?? 0
            pad(context.input(0, as: UInt16.self), context.output(0, as: UInt16.self), value)
        default:
            // float32 and int32 move as 32-bit words; float's default 0.0f is all-zero bits.
            let value = constant.map { UnsafeRawPointer($0).loadUnaligned(as: UInt32.self) } ?? 0
            pad(context.input(0, as: UInt32.self), context.output(0, as: UInt32.self), value)
        }
    }

    @inline(__always)
    private func pad<T>(_ input: UnsafeMutablePointer<T>, _ output: UnsafeMutablePointer<T>, _ value: T) {
        let (n0, n1, n2, n3, n4) = outDims
        let (l0, l1, l2, l3, l4) = left
        let (r0, r1, r2, r3, r4) = right
        var inIndex = 0
        var outIndex = 0
        for a in 0..<n0 {
            let padA = a < l0 || a >= n0 - r0
            for b in 0..<n1 {
                let padB = padA || b < l1 || b >= n1 - r1
                for c in 0..<n2 {
                    let padC = padB || c < l2 || c >= n2 - r2
                    for d in 0..<n3 {
                        let padD = padC || d < l3 || d >= n3 - r3
                        for e in 0..<n4 {
                            if padD || e < l4 || e >= n4 - r4 {
                                output[outIndex] = value
                            } else {
                                output[outIndex] = input[inIndex]
                                inIndex &+= 1
                            }
                            outIndex &+= 1
                        }
                    }
                }
            }
        }
    }
}
