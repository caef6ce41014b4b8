// Shared by the binary elementwise kernels (SUB, MUL, DIV, SQUARED_DIFFERENCE,
// MAXIMUM/MINIMUM, PRELU): the operand checks their TFLM Prepare functions make, the
// positive-scale check of their quantized paths, and the broadcast walk.

/// The two inputs and the output of a binary elementwise operator, checked once: two
/// inputs and one output, input 1 of an accepted type, input 2 (unless `secondType`
/// says otherwise) and the output of input 1's type, and shapes that broadcast to the
/// output's stored shape.
struct BinaryOperands {
    let input1: TensorInfo
    let input2: TensorInfo
    let output: TensorInfo
    let layout: ElementwiseBinaryLayout

    var type: TensorType { input1.type }

    /// - Parameters:
    ///   - secondType: the type input 2 must have; nil: input 1's.
    ///   - secondRole: how messages name input 2 (PRELU's alpha).
    /// `opData`: the operator data the kernel's Init allocates (nil: none). With
    /// `temporaries`, Prepare takes input 1, input 2 and the output as temporary tensors,
    /// as every such TFLM kernel's CalculateOpData does.
    init(_ context: PrepareContext, opData: CStruct?, temporaries: Bool = true, types: Set<TensorType>,
         secondType: TensorType? = nil, secondRole: String = "input 2", maxRank: Int = ElementwiseBinaryLayout.maxRank) throws {
        if let opData { context.allocatePersistent(.opData(opData)) }
        if temporaries {
            context.tempInput(0)
            context.tempInput(1)
            context.tempOutput(0)
        }
        guard context.inputCount == 2, context.outputCount == 1 else {
            throw context.invalid("\(context.op.name) takes 2 inputs and 1 output, the model gives \(context.inputCount) and \(context.outputCount)")
        }
        input1 = try context.requireInput(0)
        input2 = try context.requireInput(1)
        output = try context.requireOutput(0)
        try context.expectType(input1, types, "input")
        if let secondType {
            guard input2.type == secondType else {
                throw context.unsupported("\(secondRole) type \(input2.type.name) is not supported with \(input1.type.name) input (needs \(secondType.name))")
            }
        } else {
            guard input2.type == input1.type else {
                throw context.unsupported("input types differ (\(input1.type.name) and \(input2.type.name))")
            }
        }
        // TFLM reads the output as the inputs' type; a model that disagrees would have
        // its output buffer sized for another type.
        guard output.type == input1.type else {
            throw context.unsupported("output type \(output.type.name) differs from the input type \(input1.type.name)")
        }
        layout = try ElementwiseBinaryLayout(context, input1, input2, output, maxRank: maxRank)
    }

    /// The quantized paths divide by every scale: each must be a positive finite number.
    func requirePositiveScales(_ context: PrepareContext, secondRole: String = "input 2") throws {
        for (tensor, role) in [(input1, "input 1"), (input2, secondRole), (output, "output")] {
            guard tensor.scalarScale > 0, tensor.scalarScale.isFinite else {
                throw context.invalid("\(role) of a quantized \(context.op.name) needs a positive scale")
            }
        }
    }

    /// The workload's geometry.
    func geometry(activation: FusedActivation = .none) -> OperatorGeometry {
        .elementwise(ElementwiseGeometry(elements: layout.count, broadcast: !layout.isFlat, activation: activation))
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

/// TFLM's general quantized rescaling for ADD and SUB (add_common.cc, sub_common.cc): both
/// inputs are offset and shifted left (20 bits for int8, 15 for int16), each is brought to
/// twice the larger input scale, and their sum or difference to the output scale. The three
/// multipliers come from QuantizeMultiplierSmallerThanOneExp, which aborts unless each real
/// multiplier lies in (0, 1) and its shift is not positive; mcusim refuses those models.
///
/// The real multipliers are computed in double from the float scales, for ADD and SUB alike,
/// as the oracle TFLM (tflite-micro 0.dev20261023182759) does. Older TFLM sources computed
/// SUB's in float and then widened them, which for some scales gives another multiplier and
/// outputs off by one (int16 SUB with a broadcast constant, unequal scales).
struct GeneralRescaling {
    let leftShift: Int32
    let input1: (multiplier: Int32, shift: Int32)
    let input2: (multiplier: Int32, shift: Int32)
    let output: (multiplier: Int32, shift: Int32)

    /// A kernel's state before prepare.
    init() {
        leftShift = 20
        input1 = (0, 0)
        input2 = (0, 0)
        output = (0, 0)
    }

    init(_ context: PrepareContext, type: TensorType, scale1: Float, scale2: Float, outputScale: Float) throws {
        leftShift = type == .int16 ? 15 : 20
        let twiceMaxInputScale = 2 * Double(max(scale1, scale2))
        let reals = [Double(scale1) / twiceMaxInputScale, Double(scale2) / twiceMaxInputScale,
                     twiceMaxInputScale / (Double(Int32(1) << leftShift) * Double(outputScale))]
        var quantized: [(Int32, Int32)] = []
        for (real, role) in zip(reals, ["input 1", "input 2", "output"]) {
            let scales = "scales \(scale1), \(scale2) -> \(outputScale)"
            guard real > 0, real < 1 else {
                throw context.unsupported("the \(role) rescaling multiplier \(real) is outside (0, 1) (\(scales)); TFLM aborts on it")
            }
            let (multiplier, shift) = QuantizedMath.quantizeMultiplierSmallerThanOne(real)
            guard shift <= 0 else {
                throw context.unsupported("the \(role) rescaling multiplier \(real) rounds to 1 (\(scales)); TFLM aborts on it")
            }
            quantized.append((multiplier, shift))
        }
        input1 = quantized[0]
        input2 = quantized[1]
        output = quantized[2]
    }

    /// One element: the rescaled sum (`subtract` false) or difference of two offset inputs,
    /// before the output offset and the clamp.
    @inline(__always)
    func combine(_ x1: Int32, _ x2: Int32, subtract: Bool) -> Int32 {
        let scaled1 = QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOneExp(x1 &* (Int32(1) << leftShift), input1.multiplier, input1.shift)
        let scaled2 = QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOneExp(x2 &* (Int32(1) << leftShift), input2.multiplier, input2.shift)
        return QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOneExp(subtract ? scaled1 &- scaled2 : scaled1 &+ scaled2,
                                                                             output.multiplier, output.shift)
    }
}
