// SVDF, as TFLM's svdf.cc / svdf_common.cc (reference) and cmsis_nn/svdf.cc.
//
// Inputs: [0] input [batch, input_size], [1] weights_feature [filters, input_size],
// [2] weights_time [filters, memory], [3] bias [units] (TFLM crashes without it, see
// prepare), [4] activation state [batch, filters * memory], a variable tensor the
// operator updates in place; output [batch, units], units = filters / rank.
//
// Every invoke shifts the whole state buffer left by one element, writes the feature
// dot products into each filter's newest (last) memory slot, takes each filter's dot
// product of weights_time with its memory, adds the bias and sums `rank` filters per
// unit.
// - float32: float sums in TFLM's order, then the fused activation.
// - int8 (TFLM's full-integer SVDF): feature products requantized into the state's
//   type (int16, or int8), time products and sums in int32, requantized to int8. The
//   fused activation is ignored, as TFLM does. The reference kernel adds and subtracts
//   the state's zero point and clamps the new state to its type; CMSIS-NN's
//   arm_svdf_state_s16_s8 / arm_svdf_s8 use neither zero point and clamp the new state
//   to the int16 range before storing it (an int8 state is truncated). The two agree
//   whenever the state's zero point is 0 and (int8 state) the values fit.

import Foundation

final class SVDFKernel: Kernel {
    static let registration = OperatorRegistration(.svdf, resolver: "AddSvdf", options: SVDFOptions.self, builtinData: CStruct("TfLiteSVDFParams", [.int32, .smallEnum, .bool]),
                                                   temporaries: .takenInPrepare, macs: MACRule { shapes in
        // Feature matmul (filters x input) then the time filter (filters x memory), per batch.
        guard let input = shapes.input(0), let feature = shapes.input(1), let time = shapes.input(2),
              input.count == 2, feature.count == 2, time.count == 2 else { return 0 }
        return input[0] &* feature[0] &* (feature[1] &+ time[1])
    }) { SVDFKernel() }

    private enum Path { case float32, int16State, int8State }

    private var path = Path.float32
    private var batches = 0
    private var inputSize = 0
    private var filters = 0
    private var units = 0
    private var rank = 1
    private var memory = 1
    private var activation = FusedActivation.none
    private var featureMultiplier: Int32 = 0
    private var featureShift: Int32 = 0
    private var outputMultiplier: Int32 = 0
    private var outputShift: Int32 = 0
    private var inputZeroPoint: Int32 = 0
    private var outputZeroPoint: Int32 = 0
    /// Added to a new state value and subtracted from the state in the time products.
    private var stateZeroPoint: Int32 = 0
    /// The clamp applied to a new state value before the zero point is added.
    private var stateMin: Int32 = 0
    private var stateMax: Int32 = 0

    func prepare(_ context: PrepareContext) throws {
        let cmsis = context.variant == .cmsisNN
        // Init: the operator data. OpDataSvdf is nine ints; CMSIS-NN's adds the
        // kernel_sums pointer (KERNELS_OPTIMIZED_FOR_SPEED, TFLM's default).
        if cmsis {
            context.allocatePersistent(.opData(CStruct("CmsisNnOpDataSvdf", Array(repeating: .int32, count: 9) + [.pointer])))
        } else {
            context.allocatePersistent(.opData(CStruct("OpDataSvdf", Array(repeating: .int32, count: 9))))
        }

        for i in 0..<5 { context.tempInput(i) }
        context.tempOutput(0)
        let input = try context.requireInput(0)
        let weightsFeature = try context.requireInput(1)
        let weightsTime = try context.requireInput(2)
        let state = try context.requireInput(4)
        let options = context.options(SVDFOptions.self)
        rank = Int(options.rank)
        guard rank > 0 else { throw context.invalid("rank must be positive, got \(rank)") }
        guard context.inputCount == 5 else { throw context.invalid("\(context.op.name) takes 5 inputs, got \(context.inputCount)") }
        // svdf_common.cc dereferences the optional bias (TODO(#1751) there): TFLM
        // crashes on a model without one, in both types.
        guard let bias = context.input(3) else {
            throw context.unsupported("\(context.op.name) without a bias tensor: TFLM dereferences the optional bias and crashes (TODO #1751 in svdf_common.cc)")
        }

        guard input.type == .float32 || input.type == .int8 else {
            throw context.unsupported("input type \(input.type.name) is not supported (TFLM: float32 or int8)")
        }
        guard input.rank == 2 else { throw context.invalid("input must be 2-D [batch, input_size], got \(input.shape)") }
        batches = input.shape[0]
        inputSize = input.shape[1]
        guard weightsFeature.rank == 2 else { throw context.invalid("weights_feature must be 2-D, got \(weightsFeature.shape)") }
        filters = weightsFeature.shape[0]
        guard filters % rank == 0 else { throw context.invalid("\(filters) filters are not a multiple of rank \(rank)") }
        units = filters / rank
        guard weightsTime.rank == 2 else { throw context.invalid("weights_time must be 2-D, got \(weightsTime.shape)") }
        memory = weightsTime.shape[1]

        guard context.outputCount == 1 else { throw context.invalid("\(context.op.name) has 1 output, got \(context.outputCount)") }
        let output = try context.requireOutput(0)
        guard output.shape == [batches, units] else {
            throw context.invalid("output shape \(output.shape) must be [\(batches), \(units)]")
        }
        guard weightsFeature.shape[1] == inputSize else {
            throw context.invalid("weights_feature \(weightsFeature.shape) does not match input size \(inputSize)")
        }
        guard weightsTime.shape[0] == filters else {
            throw context.invalid("weights_time \(weightsTime.shape) does not have \(filters) rows")
        }
        guard bias.rank >= 1, bias.shape[0] == units, bias.elementCount == units else {
            throw context.invalid("bias \(bias.shape) must hold \(units) values")
        }
        let (stateLength, overflow) = memory.multipliedReportingOverflow(by: filters)
        guard !overflow, state.shape == [batches, stateLength] else {
            throw context.invalid("activation state \(state.shape) must be [\(batches), \(memory) * \(filters)]")
        }
        guard state.isVariable else { throw context.invalid("the activation state (input 4) must be a variable tensor") }
        // An empty state would make TFLM's left shift run off the buffer.
        guard memory > 0, batches > 0, filters > 0, inputSize > 0 else {
            throw context.invalid("\(context.op.name) with an empty dimension (batch \(batches), input \(inputSize), filters \(filters), memory \(memory))")
        }

        var geometry = SequenceGeometry()
        (geometry.batches, geometry.inputSize, geometry.filters, geometry.units) = (batches, inputSize, filters, units)
        (geometry.rank, geometry.memorySize, geometry.activation) = (rank, memory, options.fusedActivationFunction)
        context.geometry = .sequence(geometry)

        if input.type == .float32 {
            for (t, role) in [(weightsFeature, "weights_feature"), (weightsTime, "weights_time"), (state, "activation state"),
                              (bias, "bias"), (output, "output")] {
                try context.expectType(t, [.float32], role)
            }
            path = .float32
            activation = options.fusedActivationFunction
            context.requestScratch(bytes: batches * filters * 4)
            context.runsReference(.float32)
            return
        }

        try context.expectType(weightsFeature, [.int8], "weights_feature")
        try context.expectType(weightsTime, [.int16, .int8], "weights_time")
        try context.expectType(state, [.int16, .int8], "activation state")
        // TFLM accepts each of the two as int8 or int16 but reads the state as the
        // weights_time type: a mixed pair would run past the state buffer.
        guard state.type == weightsTime.type else {
            throw context.unsupported("activation state type \(state.type.name) differs from weights_time type \(weightsTime.type.name)")
        }
        try context.expectType(bias, [.int32], "bias")
        try context.expectType(output, [.int8], "output")
        path = weightsTime.type == .int16 ? .int16State : .int8State

        // The scales are combined in double, as the oracle TFLM's svdf_common.cc does (older
        // sources combined them in float, then widened).
        let inputScale = Double(input.scalarScale), featureScale = Double(weightsFeature.scalarScale)
        let stateScale = Double(state.scalarScale), timeScale = Double(weightsTime.scalarScale), outputScale = Double(output.scalarScale)
        let effectiveScale1 = inputScale * featureScale / stateScale
        let effectiveScale2 = stateScale * timeScale / outputScale
        guard abs(Double(bias.scalarScale) - stateScale * timeScale) < 1e-5 else {
            throw context.invalid("bias scale \(bias.scalarScale) must equal activation state scale * weights_time scale \(stateScale * timeScale)")
        }
        (featureMultiplier, featureShift) = QuantizedMath.quantizeMultiplier(effectiveScale1)
        (outputMultiplier, outputShift) = QuantizedMath.quantizeMultiplier(effectiveScale2)
        inputZeroPoint = input.scalarZeroPoint
        outputZeroPoint = output.scalarZeroPoint
        if cmsis {
            stateZeroPoint = 0
            (stateMin, stateMax) = (Int32(Int16.min), Int32(Int16.max))
        } else {
            stateZeroPoint = state.scalarZeroPoint
            (stateMin, stateMax) = path == .int16State ? (Int32(Int16.min), Int32(Int16.max)) : (Int32(Int8.min), Int32(Int8.max))
        }
        context.requestScratch(bytes: batches * filters * 4)
        context.requestScratch(bytes: batches * units * 4)
        // arm_svdf_s8_get_buffer_size is 0 without MVE: no kernel sums are allocated.
        if cmsis {
            context.runs(path == .int16State ? .svdfStateS16S8 : .svdfS8)
        } else {
            context.runsReference(.int8)
        }
    }

    func eval(_ context: EvalContext) throws {
        switch path {
        case .float32: evalFloat(context)
        case .int16State: evalInteger(context, state: Int16.self)
        case .int8State: evalInteger(context, state: Int8.self)
        }
    }

    private func evalFloat(_ context: EvalContext) {
        let x = context.input(0, as: Float.self)
        let weightsFeature = context.input(1, as: Float.self)
        let weightsTime = context.input(2, as: Float.self)
        let bias = context.input(3, as: Float.self)
        let state = context.input(4, as: Float.self)
        let y = context.output(0, as: Float.self)
        let scratch = context.scratch[0].assumingMemoryBound(to: Float.self)
        let batches = self.batches, inputSize = self.inputSize, filters = self.filters
        let units = self.units, rank = self.rank, memory = self.memory

        shiftLeft(state, count: batches * filters * memory)
        // Feature dot products into each filter's newest memory slot.
        for b in 0..<batches {
            let xb = x + b * inputSize
            for f in 0..<filters {
                let w = weightsFeature + f * inputSize
                var dot: Float = 0
                for k in 0..<inputSize { dot += w[k] * xb[k] }
                state[(b * filters + f) * memory + memory - 1] = dot
            }
        }
        // Time products.
        for b in 0..<batches {
            for f in 0..<filters {
                let w = weightsTime + f * memory
                let s = state + (b * filters + f) * memory
                var sum: Float = 0
                for j in 0..<memory { sum += w[j] * s[j] }
                scratch[b * filters + f] = sum
            }
        }
        // Bias, then the rank reduction added onto it, then the activation.
        for b in 0..<batches {
            for u in 0..<units {
                var value = bias[u]
                for r in 0..<rank { value += scratch[b * filters + u * rank + r] }
                y[b * units + u] = Self.activate(value, activation)
            }
        }
    }

    private func evalInteger<State: FixedWidthInteger & SignedInteger>(_ context: EvalContext, state _: State.Type) {
        let x = context.input(0, as: Int8.self)
        let weightsFeature = context.input(1, as: Int8.self)
        let weightsTime = context.input(2, as: State.self)
        let bias = context.input(3, as: Int32.self)
        let state = context.input(4, as: State.self)
        let y = context.output(0, as: Int8.self)
        let scratch = context.scratch[0].assumingMemoryBound(to: Int32.self)
        let sums = context.scratch[1].assumingMemoryBound(to: Int32.self)
        let batches = self.batches, inputSize = self.inputSize, filters = self.filters
        let units = self.units, rank = self.rank, memory = self.memory
        let inputZeroPoint = self.inputZeroPoint, stateZeroPoint = self.stateZeroPoint

        shiftLeft(state, count: batches * filters * memory)
        for b in 0..<batches {
            let xb = x + b * inputSize
            for f in 0..<filters {
                let w = weightsFeature + f * inputSize
                var dot: Int32 = 0
                for k in 0..<inputSize { dot = dot &+ Int32(w[k]) &* (Int32(xb[k]) &- inputZeroPoint) }
                dot = QuantizedMath.multiplyByQuantizedMultiplier(dot, featureMultiplier, featureShift)
                dot = min(max(dot, stateMin), stateMax)
                state[(b * filters + f) * memory + memory - 1] = State(truncatingIfNeeded: stateZeroPoint &+ dot)
            }
        }
        for b in 0..<batches {
            for f in 0..<filters {
                let w = weightsTime + f * memory
                let s = state + (b * filters + f) * memory
                var sum: Int32 = 0
                for j in 0..<memory { sum = sum &+ Int32(w[j]) &* (Int32(s[j]) &- stateZeroPoint) }
                scratch[b * filters + f] = sum
            }
        }
        for b in 0..<batches {
            for u in 0..<units {
                var value = bias[u]
                for r in 0..<rank { value = value &+ scratch[b * filters + u * rank + r] }
                sums[b * units + u] = value
                let scaled = QuantizedMath.multiplyByQuantizedMultiplier(value, outputMultiplier, outputShift) &+ outputZeroPoint
                y[b * units + u] = Int8(min(max(scaled, -128), 127))
            }
        }
    }

    /// Moves every element of the state one place towards the start (the first is lost).
    @inline(__always)
    private func shiftLeft<T>(_ state: UnsafeMutablePointer<T>, count: Int) {
        // Overlapping regions: copyMemory moves like memmove.
        if count > 1 { UnsafeMutableRawPointer(state).copyMemory(from: state + 1, byteCount: (count - 1) * MemoryLayout<T>.stride) }
    }

    /// TFLM's ActivationValFloat (std::max/std::min: a NaN input gives the bound).
    @inline(__always)
    static func activate(_ a: Float, _ activation: FusedActivation) -> Float {
        @inline(__always) func maximum(_ x: Float, _ y: Float) -> Float { x < y ? y : x }
        @inline(__always) func minimum(_ x: Float, _ y: Float) -> Float { y < x ? y : x }
        switch activation {
        case .none: return a
        case .relu: return maximum(0, a)
        case .reluN1To1: return maximum(-1, minimum(a, 1))
        case .relu6: return maximum(0, minimum(a, 6))
        case .tanh: return tanh(a)
        case .signBit: return a.sign == .minus ? 1 : 0
        default: return a
        }
    }
}
