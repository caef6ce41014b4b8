// MUL, as TFLM's mul.cc / mul_common.cc (reference) and cmsis_nn/mul.cc.
//
// int8/int16: (x1 - zp1) * (x2 - zp2) requantized by one multiplier computed in double
// from scale1 * scale2 / scale_out, plus the output zero point, clamped to the fused
// activation's range. int16 requires zero points of 0. int32 wraps and clamps;
// float32 multiplies and clamps. CMSIS-NN runs arm_elementwise_mul_s8/s16 when the
// shapes match (the same arithmetic) and the reference broadcast loop otherwise.

final class MulKernel: Kernel {
    private var type: TensorType = .float32
    private var layout = ElementwiseBinaryLayout()
    private var input1Offset: Int32 = 0
    private var input2Offset: Int32 = 0
    private var outputOffset: Int32 = 0
    private var outputMultiplier: Int32 = 0
    private var outputShift: Int32 = 0
    private var activationMin: Int32 = 0
    private var activationMax: Int32 = 0
    private var floatMin: Float = 0
    private var floatMax: Float = 0

    func prepare(_ context: PrepareContext) throws {
        // MulInit: one OpDataMul (seven int32 fields and two floats, no pointers).
        context.allocatePersistent(PersistentAllocation("OpDataMul", bytes: 36))
        guard context.inputCount == 2, context.outputCount == 1 else {
            throw context.invalid("MUL takes 2 inputs and 1 output, the model gives \(context.inputCount) and \(context.outputCount)")
        }
        let input1 = try context.requireInput(0), input2 = try context.requireInput(1)
        let output = try context.requireOutput(0)
        try context.expectType(input1, [.int8, .int16, .int32, .float32], "input")
        guard input2.type == input1.type else {
            throw context.unsupported("input types differ (\(input1.type.name) and \(input2.type.name))")
        }
        guard output.type == input1.type else {
            throw context.unsupported("output type \(output.type.name) differs from the input type \(input1.type.name)")
        }
        type = input1.type
        layout = try ElementwiseBinaryLayout(context, input1, input2, output)
        let activationCode = context.options.int("fused_activation_function")
        let activation = FusedActivation(rawValue: activationCode) ?? .none

        switch type {
        case .int8, .int16:
            for (tensor, role) in [(input1, "input 1"), (input2, "input 2"), (output, "output")] {
                guard tensor.scalarScale > 0, tensor.scalarScale.isFinite else {
                    throw context.invalid("\(role) of a quantized MUL needs a positive scale")
                }
            }
            // The real multiplier is formed in double from the float scales, as TFLM does.
            let real = Double(input1.scalarScale) * Double(input2.scalarScale) / Double(output.scalarScale)
            (outputMultiplier, outputShift) = QuantizedMath.quantizeMultiplier(real)
            input1Offset = 0 &- input1.scalarZeroPoint
            input2Offset = 0 &- input2.scalarZeroPoint
            outputOffset = output.scalarZeroPoint
            if type == .int16 {
                guard input1.scalarZeroPoint == 0, input2.scalarZeroPoint == 0, output.scalarZeroPoint == 0 else {
                    throw context.unsupported("int16 MUL needs zero points of 0 (TFLM refuses others)")
                }
            }
            let (typeMin, typeMax): (Int32, Int32) = type == .int8 ? (-128, 127) : (-32768, 32767)
            (activationMin, activationMax) = QuantizedMath.activationRange(
                activation, scale: output.scalarScale, zeroPoint: output.scalarZeroPoint, typeMin: typeMin, typeMax: typeMax)
        case .int32:
            (activationMin, activationMax) = Self.int32ActivationRange(activation)
        default:
            (floatMin, floatMax) = QuantizedMath.activationRange(activation)
        }

        if context.variant == .cmsisNN && layout.isFlat && type == .int8 {
            context.kernelPath = "arm_elementwise_mul_s8"
        } else if context.variant == .cmsisNN && layout.isFlat && type == .int16 {
            context.kernelPath = "arm_elementwise_mul_s16"
        } else {
            context.kernelPath = type == .float32 ? "reference_float" : "reference"
        }
        context.parameters["activation"] = activationCode
        context.parameters["broadcast"] = layout.isFlat ? 0 : 1
        context.parameters["elements"] = layout.count
    }

    /// CalculateActivationRange for int32 outputs.
    static func int32ActivationRange(_ activation: FusedActivation) -> (Int32, Int32) {
        switch activation {
        case .relu: return (0, Int32.max)
        case .relu6: return (0, 6)
        case .reluN1To1: return (-1, 1)
        default: return (Int32.min, Int32.max)
        }
    }

    func eval(_ context: EvalContext) throws {
        switch type {
        case .int8: evalQuantized(context, Int8.self)
        case .int16: evalQuantized(context, Int16.self)
        case .int32:
            let lo = activationMin, hi = activationMax
            layout.forEach(context.input(0, as: Int32.self), context.input(1, as: Int32.self),
                           context.output(0, as: Int32.self)) { x, y in
                let product = x &* y
                let low = product < lo ? lo : product
                return hi < low ? hi : low
            }
        default:
            let lo = floatMin, hi = floatMax
            layout.forEach(context.input(0, as: Float.self), context.input(1, as: Float.self),
                           context.output(0, as: Float.self)) { x, y in
                // std::min(std::max(x, lo), hi), NaN passing through as in C++.
                let product = x * y
                let low = product < lo ? lo : product
                return hi < low ? hi : low
            }
        }
    }

    private func evalQuantized<T: FixedWidthInteger & SignedInteger>(_ context: EvalContext, _: T.Type) {
        let offset1 = input1Offset, offset2 = input2Offset, outOffset = outputOffset
        let multiplier = outputMultiplier, shift = outputShift
        let lo = activationMin, hi = activationMax
        layout.forEach(context.input(0, as: T.self), context.input(1, as: T.self), context.output(0, as: T.self)) { x, y in
            let product = (offset1 &+ Int32(truncatingIfNeeded: x)) &* (offset2 &+ Int32(truncatingIfNeeded: y))
            let value = outOffset &+ QuantizedMath.multiplyByQuantizedMultiplier(product, multiplier, shift)
            return T(truncatingIfNeeded: min(max(value, lo), hi))
        }
    }
}

/// How a binary elementwise operator walks its two operands: the Core group's
/// BinaryBroadcast (TFLM's broadcasting: shapes align on the right, a dimension of 1
/// repeats), checked against the output's stored shape with messages for the model's
/// author, and driven over typed pointers. Shared by the Elementwise group's binary
/// kernels (MUL, SUB, DIV, SQUARED_DIFFERENCE, MAXIMUM/MINIMUM, PRELU). Built in
/// prepare, so eval walks raw pointers with offsets known to stay in bounds. For
/// operators whose elements are independent the visiting order changes no result.
struct ElementwiseBinaryLayout {
    /// TFLM's RuntimeShape holds at most six dimensions.
    static let maxRank = 6

    private let broadcast: BinaryBroadcast?
    /// The operands have the same shape (TFLM's non-broadcast path): one flat loop.
    let isFlat: Bool
    /// Output elements.
    let count: Int

    /// No elements: what a kernel holds before prepare.
    init() {
        broadcast = nil
        isFlat = true
        count = 0
    }

    /// Checks that `input1` and `input2` broadcast to `output`'s stored shape.
    init(_ context: PrepareContext, _ input1: TensorInfo, _ input2: TensorInfo, _ output: TensorInfo,
         maxRank: Int = ElementwiseBinaryLayout.maxRank) throws {
        let rank = max(input1.rank, input2.rank, output.rank)
        guard rank <= maxRank else {
            throw context.unsupported("\(rank)-D tensors are not supported (this kernel takes at most \(maxRank) dimensions)")
        }
        for tensor in [input1, input2, output] where tensor.shape.contains(where: { $0 < 0 }) {
            throw context.invalid("tensor \(tensor.index) has a negative dimension in shape \(tensor.shape)")
        }
        let shape1 = Broadcast.extended(input1.shape, toRank: rank) ?? input1.shape
        let shape2 = Broadcast.extended(input2.shape, toRank: rank) ?? input2.shape
        let shapeOut = Broadcast.extended(output.shape, toRank: rank) ?? output.shape
        let walk: BinaryBroadcast?
        if shape1 == shape2 {
            // TFLM's flat path only needs the output to hold as many elements.
            guard output.elementCount == input1.elementCount else {
                throw context.invalid("output shape \(output.shape) does not hold the \(input1.elementCount) elements of inputs shaped \(input1.shape)")
            }
            walk = BinaryBroadcast(shape1, shape2, output: shape1, maxRank: maxRank)
        } else {
            guard Broadcast.shape(shape1, shape2) == shapeOut else {
                throw context.invalid("input shapes \(input1.shape) and \(input2.shape) do not broadcast to the output shape \(output.shape)")
            }
            walk = BinaryBroadcast(shape1, shape2, output: shapeOut, maxRank: maxRank)
        }
        guard let walk else {
            throw context.invalid("input shapes \(input1.shape) and \(input2.shape) do not broadcast to the output shape \(output.shape)")
        }
        broadcast = walk
        isFlat = shape1 == shape2
        count = walk.elementCount
    }

    /// Writes `op(a, b)` for every output element, in output order.
    @inline(__always)
    func forEach<A, B, O>(_ input1: UnsafePointer<A>, _ input2: UnsafePointer<B>, _ output: UnsafeMutablePointer<O>,
                          _ op: (A, B) -> O) {
        guard let broadcast else { return }
        if isFlat {
            var i = 0
            while i < count {
                output[i] = op(input1[i], input2[i])
                i &+= 1
            }
            return
        }
        broadcast.forEachRun { a, aStep, b, bStep, out, length in
            var ia = a, ib = b, io = out
            let end = out &+ length
            while io < end {
                output[io] = op(input1[ia], input2[ib])
                ia &+= aStep
                ib &+= bStep
                io &+= 1
            }
        }
    }
}
