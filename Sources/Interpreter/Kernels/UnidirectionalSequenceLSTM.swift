// UNIDIRECTIONAL_SEQUENCE_LSTM, as TFLM's unidirectional_sequence_lstm.cc,
// lstm_eval.{h,cc} and lstm_eval_common.cc (reference) and
// cmsis_nn/unidirectional_sequence_lstm.cc (CMSIS-NN's arm_lstm_unidirectional_s8/_s16).
//
// Only the standard LSTM (Keras' layer): 24 inputs, input gate present, no peephole,
// projection or layer normalisation, as TFLM requires. Inputs: [0] input
// [batch, time, features] ([time, batch, features] when time_major), [1-4]
// input-to-{input, forget, cell, output} weights, [5-8] the recurrent weights,
// [12-15] the gate biases, [18] the hidden (output) state and [19] the cell state,
// both variable tensors. Output: every step's hidden state.
//
// Types, as TFLM dispatches them:
// - float32 throughout (float32 weights, biases and cell state);
// - int8 activations, int8 weights, int32 biases, int16 cell state ("8x8->16");
// - int16 activations, int8 weights, int64 biases, int16 cell state ("16x8->16").
//
// Per step (TFLM's LstmStep): the forget, input and cell gates, each
// act(FC(input) + FC(hidden)) with sigmoid (tanh for the cell gate), the gate FCs
// requantized to Q3.12 int16; cell = forget * cell + input * cell_gate, optionally
// clipped; the output gate; hidden = tanh(cell) * output, copied to the output.
// Batch-major input runs each batch's steps in turn on one row; time-major runs
// every batch of a step together.
//
// The reference kernel keeps the state in the variable tensors from one invoke to
// the next (TFLM resets them at AllocateTensors: int8 ones to their zero point).
// CMSIS-NN's integer kernel does not: TFLM hands it a zeroed scratch buffer as the
// cell state and no hidden state, so every invoke starts from zero and the variable
// tensors are never read or written; it also skips the recurrent FC of each
// sequence's first step, adds the recurrent FC to the input FC before clamping to
// int16 (the reference clamps each), adds input * cell_gate to the cell state before
// clamping, clips only when the quantized clip is positive, folds the input offset
// into the biases and ignores weight zero points. On a first invoke with in-range
// values both give the same result.

import Foundation

final class UnidirectionalSequenceLSTMKernel: Kernel {
    static let registration = OperatorRegistration(
        .unidirectionalSequenceLstm, resolver: "AddUnidirectionalSequenceLSTM", options: UnidirectionalSequenceLSTMOptions.self,
        builtinData: CStruct("TfLiteUnidirectionalSequenceLSTMParams", [.smallEnum, .float32, .float32, .bool, .bool, .bool]),
        temporaries: .takenInPrepare, macs: MACRule { shapes in
            // Four gates, each an input matmul (cell x input) and a recurrent one (cell x output),
            // for every time step of every batch.
            guard let input = shapes.input(0), let inputWeights = shapes.input(2), let recurrentWeights = shapes.input(6),
                  inputWeights.count == 2, recurrentWeights.count == 2, let inputDepth = input.last, inputDepth > 0 else { return 0 }
            let steps = OperatorShapes.count(input) / inputDepth
            return 4 &* steps &* inputWeights[0] &* (inputWeights[1] &+ recurrentWeights[1])
        }) { UnidirectionalSequenceLSTMKernel() }

    private enum Path { case float32, int8, int16 }

    /// One gate's FC requantization (reference integer paths).
    private struct Gate {
        var input = Requantization()
        var recurrent = Requantization()
        var inputWeightsOffset: Int32 = 0
        var recurrentWeightsOffset: Int32 = 0
    }

    /// One gate's weights, recurrent weights and bias, as eval sees them.
    private struct GateInputs<Element> {
        let weights: UnsafeMutablePointer<Element>
        let recurrent: UnsafeMutablePointer<Element>
        let bias: UnsafeRawPointer?

        @inline(__always)
        init(_ context: EvalContext, gate g: Int) {
            let (w, r, b) = UnidirectionalSequenceLSTMKernel.gateTensors[g]
            weights = context.input(w, as: Element.self)
            recurrent = context.input(r, as: Element.self)
            bias = context.inputs[b].map { UnsafeRawPointer($0) }
        }
    }

    private var path = Path.float32
    private var cmsisInteger = false
    private var batches = 0
    private var steps = 0
    private var inputSize = 0
    private var hidden = 0
    private var timeMajor = false
    private var cellClip: Float = 0
    private var quantizedCellClip: Int16 = 0
    private var inputOffset: Int32 = 0
    private var hiddenOffset: Int32 = 0
    /// Gate order of TFLM's step: forget, input, cell, output.
    private var gates = (Gate(), Gate(), Gate(), Gate())
    private var forgetTimesCell = Requantization()
    private var inputTimesCellGate = Requantization()
    private var hiddenOutput = Requantization()
    private var tanhMultiplier: Int32 = 3
    private var tanhShift: Int32 = 0
    /// CMSIS-NN: the precomputed effective biases, gate-major: for gate g, input
    /// FC at [2g * hidden], recurrent FC at [(2g + 1) * hidden]. int32 for int8
    /// activations, int64 for int16.
    private var effectiveBias32: OwnedBuffer<Int32>?
    private var effectiveBias64: OwnedBuffer<Int64>?

    /// Input tensor indices of each gate's input weights, recurrent weights and bias,
    /// in TFLM's step order (forget, input, cell, output).
    private static let gateTensors: [(weights: Int, recurrent: Int, bias: Int)] = [(2, 6, 13), (1, 5, 12), (3, 7, 14), (4, 8, 15)]


    // MARK: Prepare

    func prepare(_ context: PrepareContext) throws {
        let cmsis = context.variant == .cmsisNN
        // Init: the operator data (OpDataLSTM; CMSIS-NN adds cmsis_nn_lstm_params).
        context.allocatePersistent(.opData(cmsis ? LSTMStructs.cmsisOpData : LSTMStructs.opDataLSTM))
        // LstmTensors takes all 24 inputs (absent ones give nothing), then the output.
        for i in 0..<24 { context.tempInput(i) }
        context.tempOutput(0)

        guard context.outputCount == 1 else { throw context.invalid("the LSTM has 1 output, got \(context.outputCount)") }
        guard context.inputCount == 24 else { throw context.invalid("the LSTM takes 24 inputs, got \(context.inputCount)") }
        // LstmTensors::ValidateTensorStatus.
        let input = try context.requireInput(0)
        guard let hiddenState = context.input(18) else { throw context.invalid("the hidden state (input 18) is missing") }
        guard hiddenState.isVariable else { throw context.invalid("the hidden state (input 18) must be a variable tensor") }
        guard hiddenState.type == input.type else {
            throw context.unsupported("hidden state type \(hiddenState.type.name) differs from input type \(input.type.name)")
        }
        guard let cellState = context.input(19) else { throw context.invalid("the cell state (input 19) is missing") }
        guard cellState.isVariable else { throw context.invalid("the cell state (input 19) must be a variable tensor") }
        let output = try context.requireOutput(0)
        guard output.type == input.type else {
            throw context.unsupported("output type \(output.type.name) differs from input type \(input.type.name)")
        }
        if context.input(1) == nil || context.input(5) == nil || context.input(12) == nil {
            throw context.unsupported("CIFG (no input gate) is not supported: TFLM's LSTM needs the input gate's weights and bias")
        }
        var weights: [TensorInfo] = []
        for i in 1...8 {
            guard let w = context.input(i) else { throw context.invalid("weights input \(i) is missing") }
            weights.append(w)
        }
        let weightType = weights[1].type  // input-to-forget, as TFLM compares against it
        for (k, w) in weights.enumerated() where w.type != weightType {
            throw context.unsupported("weights input \(k + 1) is \(w.type.name), input 2 is \(weightType.name): TFLM needs one weight type")
        }
        var biases: [TensorInfo] = []
        for i in 12...15 {
            guard let b = context.input(i) else { throw context.invalid("bias input \(i) is missing") }
            biases.append(b)
        }
        let biasType = biases[1].type
        for (k, b) in biases.enumerated() where b.type != biasType {
            throw context.unsupported("bias input \(k + 12) is \(b.type.name), input 13 is \(biasType.name): TFLM needs one bias type")
        }
        if (9...11).contains(where: { context.input($0) != nil }) {
            throw context.unsupported("peephole connections (inputs 9-11) are not supported by TFLM's LSTM")
        }
        if (16...17).contains(where: { context.input($0) != nil }) {
            throw context.unsupported("projection (inputs 16-17) is not supported by TFLM's LSTM")
        }
        if (20...23).contains(where: { context.input($0) != nil }) {
            throw context.unsupported("layer normalisation (inputs 20-23) is not supported by TFLM's LSTM")
        }
        if cmsis {
            for (k, w) in weights.enumerated() where !w.isConstant {
                throw context.unsupported("weights input \(k + 1) is not constant: TFLM's CMSIS-NN LSTM needs constant weights")
            }
            for (k, b) in biases.enumerated() where !b.isConstant {
                throw context.unsupported("bias input \(k + 12) is not constant: TFLM's CMSIS-NN LSTM needs constant biases")
            }
        }

        // Sizes (CreateLstmSizeInfo, ValidateTensorSize).
        let options = context.options(UnidirectionalSequenceLSTMOptions.self)
        timeMajor = options.timeMajor
        guard input.rank == 3 else { throw context.invalid("input must be 3-D, got \(input.shape)") }
        guard hiddenState.rank >= 2 else {
            throw context.invalid("hidden state must be [batch, units]: TFLM reads its second dimension, got \(hiddenState.shape)")
        }
        batches = timeMajor ? input.shape[1] : input.shape[0]
        steps = timeMajor ? input.shape[0] : input.shape[1]
        inputSize = input.shape[2]
        hidden = hiddenState.shape[1]
        // TFLM would loop over nothing; an empty tensor here has no data to point at.
        guard batches > 0, steps > 0, inputSize > 0, hidden > 0 else {
            throw context.invalid("LSTM with an empty dimension (batch \(batches), steps \(steps), features \(inputSize), units \(hidden))")
        }
        for (k, w) in weights.enumerated() {
            let columns = k < 4 ? inputSize : hidden
            guard w.shape == [hidden, columns] else {
                throw context.invalid("weights input \(k + 1) is \(w.shape), expected [\(hidden), \(columns)]")
            }
        }
        for (k, b) in biases.enumerated() where b.shape != [hidden] {
            throw context.invalid("bias input \(k + 12) is \(b.shape), expected [\(hidden)]")
        }
        let (stateCount, overflow) = batches.multipliedReportingOverflow(by: hidden)
        guard !overflow, hiddenState.elementCount == stateCount, cellState.elementCount == stateCount else {
            throw context.invalid("hidden state \(hiddenState.shape) and cell state \(cellState.shape) must hold \(batches) x \(hidden) values")
        }
        guard output.rank == 3, output.shape[0] == input.shape[0], output.shape[1] == input.shape[1], output.shape[2] == hidden else {
            throw context.invalid("output \(output.shape) must be [\(input.shape[0]), \(input.shape[1]), \(hidden)]")
        }

        // The cell gate's activation: TFLM's gate asserts on anything but sigmoid or
        // tanh, and the schema can only say tanh.
        let activation = options.fusedActivationFunction
        guard activation == .tanh else {
            let name = activation.name ?? "\(activation.rawValue)"
            throw context.unsupported("cell activation \(name) is not supported: TFLM's LSTM computes the cell gate with tanh only")
        }
        cellClip = options.cellClip
        guard cellClip.isFinite else { throw context.invalid("cell_clip \(cellClip) is not finite") }

        var geometry = SequenceGeometry()
        (geometry.batches, geometry.timeSteps, geometry.inputSize, geometry.units) = (batches, steps, inputSize, hidden)
        (geometry.timeMajor, geometry.activation) = (timeMajor, activation)
        context.geometry = .sequence(geometry)

        switch input.type {
        case .float32:
            guard weightType == .float32 else {
                throw context.unsupported("float32 input with \(weightType.name) weights (hybrid LSTM) is not supported by TFLM's LSTM")
            }
            try context.expectType(biases[1], [.float32], "bias")
            guard cellState.type == .float32 else {
                throw context.unsupported("float32 LSTM with a \(cellState.type.name) cell state is not supported (TFLM: float32)")
            }
            path = .float32
        case .int8, .int16:
            path = input.type == .int8 ? .int8 : .int16
            guard weightType == .int8 else {
                throw context.unsupported("\(input.type.name) LSTM with \(weightType.name) weights is not supported (TFLM: int8 weights)")
            }
            try context.expectType(biases[1], [path == .int8 ? .int32 : .int64], "bias")
            guard cellState.type == .int16 else {
                throw context.unsupported("cell state type \(cellState.type.name) is not supported: TFLM's quantized LSTM needs an int16 cell state")
            }
            try prepareInteger(context, input: input, weights: weights, hiddenState: hiddenState, cellState: cellState)
        default:
            throw context.unsupported("input type \(input.type.name) is not supported (TFLM: float32, int8, int16)")
        }

        cmsisInteger = cmsis && path != .float32
        if cmsisInteger {
            try prepareCMSISBiases(context, weights: weights, biases: biases)
        }
        // Scratch: TFLM's four gate buffers; CMSIS-NN's integer kernel takes three
        // (two gate buffers and the cell state).
        let bufferBytes = stateCount * (path == .float32 ? 4 : 2)
        for _ in 0..<(cmsisInteger ? 3 : 4) { context.requestScratch(bytes: bufferBytes) }
        if cmsisInteger {
            context.runs(path == .int8 ? .lstmUnidirectionalS8 : .lstmUnidirectionalS16)
        } else {
            context.runsReference(input.type)
        }
    }

    /// PrepareGateParametersInteger and CreateLstmCellStateInfo.
    private func prepareInteger(_ context: PrepareContext, input: TensorInfo, weights: [TensorInfo],
                                hiddenState: TensorInfo, cellState: TensorInfo) throws {
        for (k, w) in weights.enumerated() where w.scale.count > 1 {
            // CalculateOpDataFullyConnected computes per-channel multipliers into
            // arrays the LSTM never reads, and leaves the per-tensor ones unset.
            throw context.unsupported("per-channel weights (input \(k + 1)) are not supported by TFLM's LSTM")
        }
        // The gate FCs produce Q3.12 (scale 2^-12, zero point 0), full int16 range.
        let gateScale = Double(Float(0.000244140625))
        func fc(input: TensorInfo, weights: TensorInfo) throws -> Requantization {
            // GetQuantizedConvolutionMultipler: the scale product in double.
            let product = Double(input.scalarScale) * Double(weights.scalarScale)
            guard product >= 0 else { throw context.invalid("negative input * weights scale") }
            return Requantization(real: product / gateScale)
        }
        func gate(_ g: Int) throws -> Gate {
            let (w, r, _) = Self.gateTensors[g]
            let inputWeights = weights[w - 1], recurrentWeights = weights[r - 1]
            return Gate(input: try fc(input: input, weights: inputWeights), recurrent: try fc(input: hiddenState, weights: recurrentWeights),
                        inputWeightsOffset: 0 &- inputWeights.scalarZeroPoint, recurrentWeightsOffset: 0 &- recurrentWeights.scalarZeroPoint)
        }
        gates = (try gate(0), try gate(1), try gate(2), try gate(3))
        inputOffset = 0 &- input.scalarZeroPoint
        hiddenOffset = 0 &- hiddenState.scalarZeroPoint

        // Inter-gate products: gate outputs are Q0.15 (2^-15).
        let cellScale = cellState.scalarScale
        guard cellScale > 0, cellScale.isFinite else { throw context.invalid("cell state scale \(cellScale) must be positive") }
        let gateOutputScale = Double(Float(0.000030517578125))
        forgetTimesCell = Requantization(real: gateOutputScale * Double(cellScale) / Double(cellScale))
        inputTimesCellGate = Requantization(real: gateOutputScale * gateOutputScale / Double(cellScale))
        let hiddenRange: (Int32, Int32) = path == .int8 ? (-128, 127) : (-32768, 32767)
        hiddenOutput = Requantization(real: gateOutputScale * gateOutputScale / Double(hiddenState.scalarScale),
                                      offset: hiddenState.scalarZeroPoint, min: hiddenRange.0, max: hiddenRange.1)

        // CheckedLog2: log in float, rounded half away from zero (not checked to be exact).
        let log2 = (log(cellScale) * (Float(1) / log(Float(2)))).rounded(.toNearestOrAwayFromZero)
        let power = Int32(log2)
        // Keep tanh's shifts meaningful (C would shift by 32 or more).
        guard power >= -43, power <= 16 else {
            throw context.unsupported("cell state scale \(cellScale) (2^\(power)) is outside what TFLM's int16 tanh can shift")
        }
        (tanhMultiplier, tanhShift) = LSTMArithmetic.tanhScaling(scalePower: power)
        // The clip in the cell state's units, saturated to int16 (in double, truncated).
        let clip = min(max(Double(cellClip) / Double(cellScale), -32768), 32767)
        quantizedCellClip = Int16(clip)
        if case var .sequence(geometry) = context.geometry {
            geometry.cellScalePower = Int(power)
            context.geometry = .sequence(geometry)
        }
    }

    /// CMSIS_NN_PortOpData: eight persistent arrays (one per gate FC) of
    /// bias + input_offset * (sum of the row's weights), as arm_vector_sum_s8(_s64).
    private func prepareCMSISBiases(_ context: PrepareContext, weights: [TensorInfo], biases: [TensorInfo]) throws {
        let wide = path == .int16
        for g in 0..<8 {
            context.allocatePersistent(.buffer(g < 4 ? "input kernel sums" : "hidden kernel sums", bytes: hidden * (wide ? 8 : 4)))
        }
        let count = 8 * hidden
        let sums32 = wide ? nil : OwnedBuffer<Int32>(count: count, repeating: 0)
        let sums64 = wide ? OwnedBuffer<Int64>(count: count, repeating: 0) : nil
        effectiveBias32 = sums32
        effectiveBias64 = sums64
        for g in 0..<4 {
            let (w, r, b) = Self.gateTensors[g]
            for (slot, tensor, offset, bias) in [(2 * g, weights[w - 1], inputOffset, Optional(biases[b - 12])),
                                                 (2 * g + 1, weights[r - 1], hiddenOffset, nil)] {
                guard let data = tensor.constantData?.assumingMemoryBound(to: Int8.self) else {
                    throw context.unsupported("weights are not constant: TFLM's CMSIS-NN LSTM needs constant weights")
                }
                let columns = tensor.shape[1]
                let biasData = bias?.constantData
                for o in 0..<hidden {
                    var rowSum: Int64 = 0
                    for c in 0..<columns { rowSum &+= Int64(data[o * columns + c]) }
                    if wide {
                        let start = biasData.map { $0.loadUnaligned(fromByteOffset: o * 8, as: Int64.self) } ?? 0
                        sums64?[slot * hidden + o] = start &+ rowSum &* Int64(offset)
                    } else {
                        let start = biasData.map { $0.loadUnaligned(fromByteOffset: o * 4, as: Int32.self) } ?? 0
                        // arm_vector_sum_s8 sums the row in int32.
                        sums32?[slot * hidden + o] = start &+ Int32(truncatingIfNeeded: rowSum) &* offset
                    }
                }
            }
        }
    }

    // MARK: Eval

    func eval(_ context: EvalContext) throws {
        switch path {
        case .float32: evalFloat(context)
        case .int8: cmsisInteger ? evalCMSIS(context, activation: Int8.self) : evalReference(context, activation: Int8.self)
        case .int16: cmsisInteger ? evalCMSIS(context, activation: Int16.self) : evalReference(context, activation: Int16.self)
        }
    }

    /// The positions of every step: (input, output, state) element offsets and the rows
    /// a step computes, in TFLM's order (LstmStepManager).
    @inline(__always)
    private func forEachStep(_ body: (_ input: Int, _ output: Int, _ state: Int, _ rows: Int) -> Void) {
        if timeMajor {
            for t in 0..<steps { body(t * batches * inputSize, t * batches * hidden, 0, batches) }
        } else {
            for b in 0..<batches {
                for t in 0..<steps { body((b * steps + t) * inputSize, (b * steps + t) * hidden, b * hidden, 1) }
            }
        }
    }

    // MARK: float32

    private func evalFloat(_ context: EvalContext) {
        let x = context.input(0, as: Float.self)
        let hiddenState = context.input(18, as: Float.self)
        let cellState = context.input(19, as: Float.self)
        let y = context.output(0, as: Float.self)
        let buffer0 = context.scratch[0].assumingMemoryBound(to: Float.self)
        let buffer1 = context.scratch[1].assumingMemoryBound(to: Float.self)
        let buffer2 = context.scratch[2].assumingMemoryBound(to: Float.self)
        let buffer3 = context.scratch[3].assumingMemoryBound(to: Float.self)
        let hidden = self.hidden, inputSize = self.inputSize, cellClip = self.cellClip
        let forget = GateInputs<Float>(context, gate: 0), inputGate = GateInputs<Float>(context, gate: 1)
        let cellGate = GateInputs<Float>(context, gate: 2), outputGate = GateInputs<Float>(context, gate: 3)

        forEachStep { inputAt, outputAt, stateAt, rows in
            let xs = x + inputAt, h = hiddenState + stateAt, c = cellState + stateAt
            let n = rows * hidden
            func gate(_ inputs: GateInputs<Float>, _ out: UnsafeMutablePointer<Float>, tanhActivation: Bool) {
                Self.floatFC(xs, rows: rows, depth: inputSize, weights: inputs.weights,
                             bias: inputs.bias?.assumingMemoryBound(to: Float.self), outputs: hidden, out)
                Self.floatFC(h, rows: rows, depth: hidden, weights: inputs.recurrent, bias: nil, outputs: hidden, buffer3)
                for i in 0..<n { out[i] = out[i] + buffer3[i] }
                if tanhActivation {
                    for i in 0..<n { out[i] = tanh(out[i]) }
                } else {
                    for i in 0..<n { out[i] = Self.floatSigmoid(out[i]) }
                }
            }
            gate(forget, buffer0, tanhActivation: false)
            gate(inputGate, buffer1, tanhActivation: false)
            gate(cellGate, buffer2, tanhActivation: true)
            // Cell: forget * cell, input * cell gate, their sum, the clip.
            for i in 0..<n { c[i] = Self.clampFloat(buffer0[i] * c[i]) }
            for i in 0..<n { buffer1[i] = Self.clampFloat(buffer1[i] * buffer2[i]) }
            for i in 0..<n { c[i] = c[i] + buffer1[i] }
            if cellClip > 0 {
                for i in 0..<n {
                    let upper = c[i] < cellClip ? c[i] : cellClip
                    c[i] = upper < -cellClip ? -cellClip : upper
                }
            }
            gate(outputGate, buffer1, tanhActivation: false)
            for i in 0..<n { buffer0[i] = tanh(c[i]) }
            for i in 0..<n { h[i] = Self.clampFloat(buffer0[i] * buffer1[i]) }
            UnsafeMutableRawPointer(y + outputAt).copyMemory(from: h, byteCount: n * MemoryLayout<Float>.stride)
        }
    }

    /// reference_ops::FullyConnected, no activation: sum in order from 0, then + bias
    /// (+ 0 without one), clamped to the float range.
    @inline(__always)
    private static func floatFC(_ x: UnsafeMutablePointer<Float>, rows: Int, depth: Int, weights: UnsafeMutablePointer<Float>,
                                bias: UnsafePointer<Float>?, outputs: Int, _ out: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let xr = x + r * depth
            for o in 0..<outputs {
                let w = weights + o * depth
                var total: Float = 0
                for d in 0..<depth { total += xr[d] * w[d] }
                let b: Float = bias.map { $0[o] } ?? 0
                out[r * outputs + o] = clampFloat(total + b)
            }
        }
    }

    /// ActivationFunctionWithMinMax over the whole float range: infinities become
    /// the largest finite values, NaN passes.
    @inline(__always)
    private static func clampFloat(_ v: Float) -> Float {
        let lower: Float = -.greatestFiniteMagnitude, upper: Float = .greatestFiniteMagnitude
        let m = v < lower ? lower : v
        return upper < m ? upper : m
    }

    /// reference_ops::Logistic (float), with its cut-offs.
    @inline(__always)
    private static func floatSigmoid(_ v: Float) -> Float {
        if v > 16.619047164916992188 { return 1 }
        if v < -9 { return exp(v) }
        return 1 / (1 + exp(-v))
    }

    // MARK: Integer, reference

    private func evalReference<Activation: FixedWidthInteger & SignedInteger>(_ context: EvalContext, activation _: Activation.Type) {
        let x = context.input(0, as: Activation.self)
        let hiddenState = context.input(18, as: Activation.self)
        let cellState = context.input(19, as: Int16.self)
        let y = context.output(0, as: Activation.self)
        let buffer0 = context.scratch[0].assumingMemoryBound(to: Int16.self)
        let buffer1 = context.scratch[1].assumingMemoryBound(to: Int16.self)
        let buffer2 = context.scratch[2].assumingMemoryBound(to: Int16.self)
        let buffer3 = context.scratch[3].assumingMemoryBound(to: Int16.self)
        let hidden = self.hidden, inputSize = self.inputSize
        let inputOffset = self.inputOffset, hiddenOffset = self.hiddenOffset
        let clip = cellClip > 0, quantizedClip = quantizedCellClip
        let forgetTimesCell = self.forgetTimesCell, inputTimesCellGate = self.inputTimesCellGate, hiddenOutput = self.hiddenOutput
        let tanhMultiplier = self.tanhMultiplier, tanhShift = self.tanhShift
        let inputs = (GateInputs<Int8>(context, gate: 0), GateInputs<Int8>(context, gate: 1),
                      GateInputs<Int8>(context, gate: 2), GateInputs<Int8>(context, gate: 3))
        let gates = self.gates

        forEachStep { inputAt, outputAt, stateAt, rows in
            let xs = x + inputAt, h = hiddenState + stateAt, c = cellState + stateAt
            let n = rows * hidden
            func gate(_ p: GateInputs<Int8>, _ q: Gate, _ out: UnsafeMutablePointer<Int16>, tanhActivation: Bool) {
                Self.integerFC(xs, rows: rows, depth: inputSize, inputOffset: inputOffset, weights: p.weights,
                               weightsOffset: q.inputWeightsOffset, bias: p.bias, outputs: hidden, q.input, out)
                Self.integerFC(h, rows: rows, depth: hidden, inputOffset: hiddenOffset, weights: p.recurrent,
                               weightsOffset: q.recurrentWeightsOffset, bias: nil, outputs: hidden, q.recurrent, buffer3)
                for i in 0..<n { out[i] = Self.saturatingAdd(out[i], buffer3[i]) }
                if tanhActivation {
                    // The cell gate's tanh reads Q3.12: power -12, so multiplier 3, no shift.
                    LSTMArithmetic.tanh(out, out, count: n, multiplier: 3, rightShift: 0)
                } else {
                    LSTMArithmetic.sigmoid(out, count: n)
                }
            }
            gate(inputs.0, gates.0, buffer0, tanhActivation: false)
            gate(inputs.1, gates.1, buffer1, tanhActivation: false)
            gate(inputs.2, gates.2, buffer2, tanhActivation: true)
            LSTMArithmetic.multiply(buffer0, c, c, count: n, forgetTimesCell)
            LSTMArithmetic.multiply(buffer1, buffer2, buffer1, count: n, inputTimesCellGate)
            for i in 0..<n { c[i] = Self.saturatingAdd(c[i], buffer1[i]) }
            if clip {
                for i in 0..<n { c[i] = max(min(quantizedClip, c[i]), 0 &- quantizedClip) }
            }
            gate(inputs.3, gates.3, buffer1, tanhActivation: false)
            LSTMArithmetic.tanh(c, buffer0, count: n, multiplier: tanhMultiplier, rightShift: tanhShift)
            LSTMArithmetic.multiply(buffer0, buffer1, h, count: n, hiddenOutput)
            UnsafeMutableRawPointer(y + outputAt).copyMemory(from: h, byteCount: n * MemoryLayout<Activation>.stride)
        }
    }

    /// reference_integer_ops::FullyConnected into int16: sum of
    /// (w + weights_offset) * (x + input_offset), + bias, requantized, clamped. int8
    /// activations accumulate in int32 (int32 bias), int16 ones in int64 (int64 bias).
    @inline(__always)
    private static func integerFC<Activation: FixedWidthInteger & SignedInteger>(
        _ x: UnsafeMutablePointer<Activation>, rows: Int, depth: Int, inputOffset: Int32,
        weights: UnsafeMutablePointer<Int8>, weightsOffset: Int32, bias: UnsafeRawPointer?, outputs: Int,
        _ q: Requantization, _ out: UnsafeMutablePointer<Int16>
    ) {
        for r in 0..<rows {
            let xr = x + r * depth
            for o in 0..<outputs {
                let w = weights + o * depth
                let scaled: Int32
                if Activation.bitWidth == 8 {
                    var acc: Int32 = 0
                    for d in 0..<depth { acc &+= (Int32(w[d]) &+ weightsOffset) &* (Int32(truncatingIfNeeded: xr[d]) &+ inputOffset) }
                    if let bias { acc &+= bias.loadUnaligned(fromByteOffset: o * 4, as: Int32.self) }
                    scaled = QuantizedMath.multiplyByQuantizedMultiplier(acc, q.multiplier, q.shift)
                } else {
                    var acc: Int64 = 0
                    for d in 0..<depth {
                        acc &+= Int64((Int32(w[d]) &+ weightsOffset) &* (Int32(truncatingIfNeeded: xr[d]) &+ inputOffset))
                    }
                    if let bias { acc &+= bias.loadUnaligned(fromByteOffset: o * 8, as: Int64.self) }
                    scaled = QuantizedMath.multiplyByQuantizedMultiplier(acc, q.multiplier, q.shift)
                }
                out[r * outputs + o] = Int16(truncatingIfNeeded: min(max(scaled &+ q.offset, q.min), q.max))
            }
        }
    }

    @inline(__always)
    private static func saturatingAdd(_ a: Int16, _ b: Int16) -> Int16 {
        Int16(min(max(Int32(a) + Int32(b), Int32(Int16.min)), Int32(Int16.max)))
    }

    // MARK: Integer, CMSIS-NN

    private func evalCMSIS<Activation: FixedWidthInteger & SignedInteger>(_ context: EvalContext, activation _: Activation.Type) {
        let x = context.input(0, as: Activation.self)
        let y = context.output(0, as: Activation.self)
        let temp1 = context.scratch[0].assumingMemoryBound(to: Int16.self)
        let temp2 = context.scratch[1].assumingMemoryBound(to: Int16.self)
        let cellBuffer = context.scratch[2].assumingMemoryBound(to: Int16.self)
        let hidden = self.hidden, inputSize = self.inputSize
        let forgetTimesCell = self.forgetTimesCell, inputTimesCellGate = self.inputTimesCellGate, hiddenOutput = self.hiddenOutput
        let tanhMultiplier = self.tanhMultiplier, tanhShift = self.tanhShift
        // arm_elementwise_mul_acc_s16 clips only to a positive bound.
        let cellMin: Int32 = quantizedCellClip > 0 ? -Int32(quantizedCellClip) : Int32(Int16.min)
        let cellMax: Int32 = quantizedCellClip > 0 ? Int32(quantizedCellClip) : Int32(Int16.max)
        let inputs = (GateInputs<Int8>(context, gate: 0), GateInputs<Int8>(context, gate: 1),
                      GateInputs<Int8>(context, gate: 2), GateInputs<Int8>(context, gate: 3))
        let gates = self.gates
        let sums32 = effectiveBias32?.base, sums64 = effectiveBias64?.base

        func gate(_ g: Int, _ p: GateInputs<Int8>, _ q: Gate, rows: Int, _ data: UnsafeMutablePointer<Activation>,
                  _ hiddenIn: UnsafeMutablePointer<Activation>?, _ out: UnsafeMutablePointer<Int16>) {
            out.update(repeating: 0, count: rows * hidden)
            Self.accumulateFC(data, rows: rows, depth: inputSize, weights: p.weights, sums32: sums32.map { $0 + 2 * g * hidden },
                              sums64: sums64.map { $0 + 2 * g * hidden }, outputs: hidden, q.input, out)
            if let hiddenIn {
                Self.accumulateFC(hiddenIn, rows: rows, depth: hidden, weights: p.recurrent, sums32: sums32.map { $0 + (2 * g + 1) * hidden },
                                  sums64: sums64.map { $0 + (2 * g + 1) * hidden }, outputs: hidden, q.recurrent, out)
            }
            if g == 2 {
                LSTMArithmetic.tanh(out, out, count: rows * hidden, multiplier: 3, rightShift: 0)
            } else {
                LSTMArithmetic.sigmoid(out, count: rows * hidden)
            }
        }
        // arm_nn_lstm_step_s8 / _s16.
        func step(rows: Int, _ data: UnsafeMutablePointer<Activation>, _ hiddenIn: UnsafeMutablePointer<Activation>?,
                  _ hiddenOut: UnsafeMutablePointer<Activation>, _ cell: UnsafeMutablePointer<Int16>) {
            let n = rows * hidden
            gate(0, inputs.0, gates.0, rows: rows, data, hiddenIn, temp1)
            LSTMArithmetic.multiply(temp1, cell, cell, count: n, forgetTimesCell)
            gate(1, inputs.1, gates.1, rows: rows, data, hiddenIn, temp1)
            gate(2, inputs.2, gates.2, rows: rows, data, hiddenIn, temp2)
            for i in 0..<n {
                let product = Int32(temp1[i]) &* Int32(temp2[i])
                let value = QuantizedMath.multiplyByQuantizedMultiplier(product, inputTimesCellGate.multiplier, inputTimesCellGate.shift) &+ Int32(cell[i])
                cell[i] = Int16(truncatingIfNeeded: min(max(value, cellMin), cellMax))
            }
            gate(3, inputs.3, gates.3, rows: rows, data, hiddenIn, temp1)
            LSTMArithmetic.tanh(cell, temp2, count: n, multiplier: tanhMultiplier, rightShift: tanhShift)
            LSTMArithmetic.multiply(temp1, temp2, hiddenOut, count: n, hiddenOutput)
        }

        // No hidden state is handed over: the cell state starts at zero every invoke.
        cellBuffer.update(repeating: 0, count: batches * hidden)
        if timeMajor {
            var hiddenIn: UnsafeMutablePointer<Activation>? = nil
            for t in 0..<steps {
                let out = y + t * batches * hidden
                step(rows: batches, x + t * batches * inputSize, hiddenIn, out, cellBuffer)
                hiddenIn = out
            }
        } else {
            for b in 0..<batches {
                var hiddenIn: UnsafeMutablePointer<Activation>? = nil
                for t in 0..<steps {
                    let out = y + (b * steps + t) * hidden
                    step(rows: 1, x + (b * steps + t) * inputSize, hiddenIn, out, cellBuffer + b * hidden)
                    hiddenIn = out
                }
            }
        }
    }

    /// arm_nn_vec_mat_mul_result_acc_s8_s16 / _s16: effective bias + sum of x * w,
    /// requantized, added to what `out` holds, clamped to int16. The int16 version
    /// (DSP build) sums the first multiple-of-4 columns, up to MAX_COL_COUNT (512), in
    /// int32 as SMLAD does, the rest in int64.
    @inline(__always)
    private static func accumulateFC<Activation: FixedWidthInteger & SignedInteger>(
        _ x: UnsafeMutablePointer<Activation>, rows: Int, depth: Int, weights: UnsafeMutablePointer<Int8>,
        sums32: UnsafeMutablePointer<Int32>?, sums64: UnsafeMutablePointer<Int64>?, outputs: Int,
        _ q: Requantization, _ out: UnsafeMutablePointer<Int16>
    ) {
        let reduced = LSTMArithmetic.reducedMultiplier(q.multiplier)
        let fast = (min(depth, 512) / 4) * 4
        for r in 0..<rows {
            let xr = x + r * depth
            for o in 0..<outputs {
                let w = weights + o * depth
                let scaled: Int32
                if let sums32 {
                    var acc = sums32[o]
                    for d in 0..<depth { acc &+= Int32(truncatingIfNeeded: xr[d]) &* Int32(w[d]) }
                    scaled = QuantizedMath.multiplyByQuantizedMultiplier(acc, q.multiplier, q.shift)
                } else {
                    var partial: Int32 = 0
                    for d in 0..<fast { partial &+= Int32(truncatingIfNeeded: xr[d]) &* Int32(w[d]) }
                    var acc = Int64(partial)
                    for d in fast..<depth { acc &+= Int64(xr[d]) &* Int64(w[d]) }
                    acc &+= sums64?[o] ?? 0
                    scaled = LSTMArithmetic.requantizeS64(acc, reducedMultiplier: reduced, shift: q.shift)
                }
                let index = r * outputs + o
                out[index] = Int16(truncatingIfNeeded: min(max(scaled &+ Int32(out[index]), Int32(Int16.min)), Int32(Int16.max)))
            }
        }
    }
}
