// FULLY_CONNECTED, as TFLM's fully_connected.cc / fully_connected_common.cc
// (reference) and cmsis_nn/fully_connected.cc.
//
// Shapes follow TFLM: the output's last dimension is the output depth and every
// other output dimension is a batch; the filter's last dimension is the
// accumulation depth (keep_num_dims only changes the stored output shape, which
// the converter writes). Arithmetic follows the reference kernels:
// - float32: sum_d x*w in float, in order, then + bias, then the activation clamp;
// - int8 (per-tensor or per-channel weights): int32 accumulation of
//   w * (x - input_zp) (per-tensor also adds the weights' offset), + bias,
//   MultiplyByQuantizedMultiplier (double rounding), + output_zp, clamp;
// - int16 activations with int8 weights: int64 accumulation with an int64 bias
//   (requantized with the 64-bit MultiplyByQuantizedMultiplier), or int32
//   accumulation when the bias is int32.

import Foundation

/// builtin_op_data.h TfLiteFullyConnectedParams (the goldens' TFLM, 8f6596d, has a
/// quantization-spec pointer and length after the five fields of older trees such as
/// 90b983c, the tree measured on Cortex-M: 16 B 4-aligned vs 5 B 1-aligned with
/// arm-none-eabi-gcc's short enums; PersistentLayout.builtinData picks per tree);
/// fully_connected.h OpDataFullyConnected (nine int32 fields, two pointers, a bool; with
/// USE_TFLM_COMPRESSION two more indices); cmsis_nn/fully_connected.cc's OpData adds two
/// scratch indices, the kernel-sums pointer, batches, accumulation and output depth.
extension TFLMStructs {
    public static let fullyConnectedParams = CStruct("TfLiteFullyConnectedParams",
                                                     [.smallEnum, .smallEnum, .bool, .bool, .smallEnum, .pointer, .int32])
    public static let fullyConnectedParamsWithoutQuantizationSpec = CStruct("TfLiteFullyConnectedParams",
                                                                           [.smallEnum, .smallEnum, .bool, .bool, .smallEnum])
    public static func opDataFullyConnected(compression: Bool) -> CStruct {
        CStruct("OpDataFullyConnected", Array(repeating: .int32, count: 9) + [.pointer, .pointer, .bool]
                    + (compression ? [.int32, .int32] : []))
    }
    public static func cmsisFullyConnectedOpData(compression: Bool) -> CStruct {
        CStruct("OpData (CMSIS-NN fully connected)",
                [.record(opDataFullyConnected(compression: compression)), .int32, .int32, .pointer, .int32, .int32, .int32])
    }
}

final class FullyConnectedKernel: Kernel {
    static let registration = OperatorRegistration(.fullyConnected, resolver: "AddFullyConnected", options: FullyConnectedOptions.self, builtinData: TFLMStructs.fullyConnectedParams,
                                                   temporaries: .takenInPrepare, macs: MACRule { shapes in
        guard let filter = shapes.input(1), filter.count == 2 else { return 0 }
        return shapes.outputElements &* filter[1]
    }) { FullyConnectedKernel() }
    static let referenceOpData = PersistentRequest("OpDataFullyConnected", phase: .initialization, size: .compressible(
        plain: TFLMStructs.opDataFullyConnected(compression: false), compressed: TFLMStructs.opDataFullyConnected(compression: true)))
    static let cmsisOpData = PersistentRequest("OpData (CMSIS-NN fully connected)", phase: .initialization, size: .compressible(
        plain: TFLMStructs.cmsisFullyConnectedOpData(compression: false), compressed: TFLMStructs.cmsisFullyConnectedOpData(compression: true)))

    private enum Path { case float32, int8, int16 }

    private var path = Path.float32
    private var batches = 0
    private var outputDepth = 0
    private var accumDepth = 0
    private var hasBias = false
    private var inputOffset: Int32 = 0
    private var filterOffset: Int32 = 0
    private var outputOffset: Int32 = 0
    private var activationMin: Int32 = 0
    private var activationMax: Int32 = 0
    private var floatMin: Float = 0
    private var floatMax: Float = 0
    /// int16 path: accumulate in int64 (int64 bias) rather than int32.
    private var accumulate64 = true
    /// Requantization per output channel (a per-tensor multiplier is repeated).
    private var multipliers: OwnedBuffer<Int32>?
    private var shifts: OwnedBuffer<Int32>?
    /// int8 with constant weights: bias + input_offset * (sum of the row's weights),
    /// folded in prepare. Identical in int32 wrapping arithmetic to TFLM's
    /// sum of w * (x + input_offset) + bias, and it leaves a plain dot product.
    private var rowConstants: OwnedBuffer<Int32>?
    /// With rowConstants: the weights widened to int16 rows of paddedDepth (zeros beyond
    /// accumDepth) for Int16GEMM, a tile of input rows widened likewise, their sums, and
    /// the requantization in one-rounding form.
    private var paddedDepth = 0
    private var tileRows = 1
    private var weights16 = OwnedBuffer<Int16>(count: 0, repeating: 0)
    private var inputRows = OwnedBuffer<Int16>(count: 0, repeating: 0)
    private var tileSums = OwnedBuffer<Int32>(count: 0, repeating: 0)
    private var requantizer = Requantizer(count: 0, repeating: ChannelRequantization())


    func prepare(_ context: PrepareContext) throws {
        let cmsis = context.variant == .cmsisNN
        // Init: the operator data.
        context.allocatePersistent(cmsis ? Self.cmsisOpData : Self.referenceOpData)
        for i in 0..<3 { context.tempInput(i) }
        context.tempOutput(0)
        let input = try context.requireInput(0)
        let filter = try context.requireInput(1)
        let bias = context.input(2)
        let output = try context.requireOutput(0)
        let options = context.options(FullyConnectedOptions.self)
        let activation = options.fusedActivationFunction

        guard input.type == output.type else {
            throw context.unsupported("input type \(input.type.name) differs from output type \(output.type.name)")
        }
        switch (input.type, filter.type) {
        case (.float32, .float32): path = .float32
        case (.int8, .int8): path = .int8
        case (.int16, .int8): path = .int16
        case (.int8, .int4):
            throw context.unsupported("int4 weights are not supported")
        default:
            throw context.unsupported("\(input.type.name) input with \(filter.type.name) weights is not supported (TFLM: float32/float32, int8/int8, int16/int8; hybrid models are not supported)")
        }

        // Shapes.
        guard filter.rank >= 2 else { throw context.invalid("weights must have at least 2 dimensions, got \(filter.shape)") }
        guard output.rank >= 1 else { throw context.invalid("output must have at least 1 dimension") }
        outputDepth = output.shape[output.rank - 1]
        var batchProduct = 1
        for d in output.shape.dropLast() {
            let (p, o) = batchProduct.multipliedReportingOverflow(by: d)
            guard !o else { throw context.invalid("output shape \(output.shape) is too large") }
            batchProduct = p
        }
        batches = batchProduct
        accumDepth = filter.shape[filter.rank - 1]
        guard outputDepth <= filter.shape[filter.rank - 2] else {
            throw context.invalid("output depth \(outputDepth) exceeds the weights' \(filter.shape[filter.rank - 2]) rows")
        }
        let (needed, overflow) = batches.multipliedReportingOverflow(by: accumDepth)
        guard !overflow, input.elementCount >= needed else {
            throw context.invalid("input \(input.shape) holds fewer than \(batches) batches of \(accumDepth) values")
        }
        if let bias {
            let expected: Set<TensorType> = path == .float32 ? [.float32] : path == .int8 ? [.int32] : [.int32, .int64]
            try context.expectType(bias, expected, "bias")
            guard bias.elementCount >= outputDepth else {
                throw context.invalid("bias has \(bias.elementCount) values for \(outputDepth) outputs")
            }
        }
        hasBias = bias != nil

        var geometry = MatrixGeometry()
        (geometry.rows, geometry.depth, geometry.columns) = (batches, accumDepth, outputDepth)
        geometry.keepNumDims = options.keepNumDims
        geometry.activation = activation
        context.geometry = .matrix(geometry)

        if path == .float32 {
            (floatMin, floatMax) = QuantizedMath.activationRange(activation)
            context.runsReference(.float32)
            return
        }

        // Quantized: multipliers, offsets, clamp range (CalculateOpDataFullyConnected).
        guard !input.scale.isEmpty, !output.scale.isEmpty, !filter.scale.isEmpty else {
            throw context.invalid("quantized fully connected needs scales on input, weights and output")
        }
        let perChannel = filter.scale.count > 1
        let channelCount = perChannel ? filter.scale.count : 1
        if perChannel {
            guard filter.quantizedDimension >= 0, filter.quantizedDimension < filter.rank,
                  filter.shape[filter.quantizedDimension] == filter.scale.count else {
                throw context.invalid("per-channel weights have \(filter.scale.count) scales for dimension \(filter.quantizedDimension) of \(filter.shape)")
            }
            guard filter.scale.count >= outputDepth else {
                throw context.invalid("per-channel weights have \(filter.scale.count) scales for \(outputDepth) outputs")
            }
            if cmsis && path == .int16 {
                // cmsis_nn/fully_connected.cc: per-channel only for int8.
                throw context.unsupported("per-channel int16 fully connected is not supported by TFLM's CMSIS-NN kernel")
            }
            // Two AllocatePersistentBuffer calls of num_channels int32s.
            context.allocatePersistent(.int32Array("per_channel_output_multiplier", count: channelCount))
            context.allocatePersistent(.int32Array("per_channel_output_shift", count: channelCount))
        }

        let inputScale = input.scalarScale, outputScale = output.scalarScale
        let count = max(outputDepth, 1)
        let m = OwnedBuffer<Int32>(count: count, repeating: 0)
        let s = OwnedBuffer<Int32>(count: count, repeating: 0)
        multipliers = m
        shifts = s
        if perChannel {
            for c in 0..<outputDepth {
                // Per channel: double(input_scale) * double(filter_scale) / double(output_scale).
                let real = Double(inputScale) * Double(filter.scale[c]) / Double(outputScale)
                (m[c], s[c]) = QuantizedMath.quantizeMultiplier(real)
            }
            filterOffset = 0
        } else {
            // GetQuantizedConvolutionMultipler: the product of the two scales in double,
            // and the bias scale must agree with it within 2% of the output scale.
            let filterScale = filter.scalarScale
            if let bias, let biasScale = bias.scale.first {
                let productScale = Double(inputScale) * Double(filterScale)
                guard abs(productScale - Double(biasScale)) / Double(outputScale) <= 0.02 else {
                    throw context.invalid("bias scale \(biasScale) does not match input scale * weights scale \(productScale)")
                }
            }
            let real = Double(inputScale) * Double(filterScale) / Double(outputScale)
            guard real >= 0 else { throw context.invalid("negative input * weights scale") }
            let (multiplier, shift) = QuantizedMath.quantizeMultiplier(real)
            for c in 0..<outputDepth {
                m[c] = multiplier
                s[c] = shift
            }
            filterOffset = 0 &- filter.scalarZeroPoint
        }
        inputOffset = 0 &- input.scalarZeroPoint
        outputOffset = output.scalarZeroPoint
        let (typeMin, typeMax): (Int32, Int32) = path == .int8 ? (-128, 127) : (-32768, 32767)
        (activationMin, activationMax) = try QuantizedMath.activationRange(
            activation, scale: output.scalarScale, zeroPoint: output.scalarZeroPoint, typeMin: typeMin, typeMax: typeMax, in: context)

        if path == .int16 {
            if let bias {
                accumulate64 = bias.type == .int64
            } else {
                // No bias: the converter's quantized_bias_type decides (INT32 = 2).
                accumulate64 = options.quantizedBiasType != .int32
            }
            if cmsis {
                // arm_fully_connected_s16: zero points must be 0, the bias is read as
                // int64 and the accumulation is always 64-bit.
                guard input.scalarZeroPoint == 0, output.scalarZeroPoint == 0 else {
                    throw context.unsupported("int16 fully connected needs zero points of 0 in TFLM's CMSIS-NN kernel")
                }
                if let bias, bias.type != .int64 {
                    throw context.unsupported("int16 fully connected with an int32 bias is not supported by TFLM's CMSIS-NN kernel")
                }
                accumulate64 = true
                // arm_fully_connected_s16_get_buffer_size is 0: no scratch.
                context.runs(.fullyConnectedS16)
            } else {
                context.runsReference(.int16)
            }
            return
        }

        // int8.
        if cmsis {
            if output.rank > 2 && accumDepth % 4 == 0 {
                // Run as a 1x1 convolution; per-tensor quantization fakes per-channel
                // arrays in a scratch buffer (output_depth multipliers and shifts).
                if !perChannel {
                    context.requestScratch(bytes: outputDepth * 4 * 2)
                }
                // arm_convolve_1x1_s8_fast_get_buffer_size is 0 on a DSP (non-MVE) core
                // built with GCC, TFLM's default Arm toolchain: no further scratch.
                context.runs(.convolve1x1S8Fast)
            } else {
                // arm_fully_connected_s8_get_buffer_size is 0 without MVE, so neither a
                // scratch buffer nor the kernel_sums persistent buffer is requested.
                context.runs(perChannel ? .fullyConnectedPerChannelS8 : .fullyConnectedS8)
            }
        } else {
            context.runsReference(.int8)
        }

        rowConstants = nil
        if filterOffset == 0, let weights = filter.constantData, bias == nil || bias?.constantData != nil {
            let rows = OwnedBuffer<Int32>(count: count, repeating: 0)
            let w = weights.assumingMemoryBound(to: Int8.self)
            let b = bias?.constantData
            for o in 0..<outputDepth {
                var sum: Int32 = 0
                let row = w + o * accumDepth
                for d in 0..<accumDepth { sum &+= Int32(row[d]) }
                var constant = sum &* inputOffset
                // Constant data in the model need not be 4-byte aligned.
                if let b { constant &+= b.loadUnaligned(fromByteOffset: o * 4, as: Int32.self) }
                rows[o] = constant
            }
            rowConstants = rows
            paddedDepth = (accumDepth + 7) / 8 * 8
            tileRows = max(1, min(batches, 16))
            weights16 = OwnedBuffer<Int16>(count: outputDepth * paddedDepth, repeating: 0)
            for o in 0..<outputDepth {
                for d in 0..<accumDepth { weights16[o * paddedDepth + d] = Int16(w[o * accumDepth + d]) }
            }
            inputRows = OwnedBuffer<Int16>(count: tileRows * paddedDepth, repeating: 0)
            tileSums = OwnedBuffer<Int32>(count: tileRows * outputDepth, repeating: 0)
            requantizer = Requantizer(multipliers: (0..<outputDepth).map { m[$0] }, shifts: (0..<outputDepth).map { s[$0] })
        }
    }

    func eval(_ context: EvalContext) throws {
        switch path {
        case .float32: evalFloat(context)
        case .int8: evalInt8(context)
        case .int16: evalInt16(context)
        }
    }

    private func evalFloat(_ context: EvalContext) {
        let input = context.input(0, as: Float.self)
        let filter = context.input(1, as: Float.self)
        let bias: UnsafeMutablePointer<Float>? = hasBias ? context.optionalInput(2, as: Float.self) : nil
        let output = context.output(0, as: Float.self)
        let depth = accumDepth, outDepth = outputDepth, lo = floatMin, hi = floatMax
        @inline(__always) func finish(_ total: Float, _ o: Int, _ b: Int) {
            let value = total + (bias?[o] ?? 0)
            let clampedLow = value < lo ? lo : value
            output[o + outDepth * b] = hi < clampedLow ? hi : clampedLow
        }
        for b in 0..<batches {
            let x = input + b * depth
            // Each output's sum runs over d in order, as TFLM's reference loop (no fused
            // multiply-add); four outputs are summed side by side only so their
            // independent additions overlap in the pipeline.
            var o = 0
            while o + 4 <= outDepth {
                let w0 = filter + o * depth, w1 = w0 + depth, w2 = w1 + depth, w3 = w2 + depth
                var t0: Float = 0, t1: Float = 0, t2: Float = 0, t3: Float = 0
                for d in 0..<depth {
                    let v = x[d]
                    t0 += v * w0[d]
                    t1 += v * w1[d]
                    t2 += v * w2[d]
                    t3 += v * w3[d]
                }
                finish(t0, o, b)
                finish(t1, o + 1, b)
                finish(t2, o + 2, b)
                finish(t3, o + 3, b)
                o += 4
            }
            while o < outDepth {
                let w = filter + o * depth
                var total: Float = 0
                for d in 0..<depth { total += x[d] * w[d] }
                finish(total, o, b)
                o += 1
            }
        }
    }

    /// Constant weights without an offset: sum_d w * x by Int16GEMM, plus the row constants.
    private func evalInt8Packed(_ context: EvalContext, rowConstants: UnsafePointer<Int32>) {
        let input = UnsafePointer(context.input(0, as: Int8.self))
        let output = context.output(0, as: Int8.self)
        let rows = inputRows.base, sums = tileSums.base
        let depth = accumDepth, kp = paddedDepth, outDepth = outputDepth
        let stage = QuantizedOutputStage(outputOffset: outputOffset, activationMin: activationMin, activationMax: activationMax)
        var first = 0
        while first < batches {
            let count = min(tileRows, batches - first)
            for r in 0..<count {
                let x = input + (first + r) * depth, row = rows + r * kp
                var d = 0
                while d < depth { row[d] = Int16(x[d]); d &+= 1 }
            }
            Int16GEMM.multiply(rows: rows, rowCount: count, weights: weights16.base, columns: outDepth, depth: kp,
                               into: sums, sumStride: outDepth)
            for r in 0..<count {
                stage.store(sums + r * outDepth, count: outDepth, bias: rowConstants, requantize: requantizer.view,
                            into: output + (first + r) * outDepth)
            }
            first += count
        }
    }

    private func evalInt8(_ context: EvalContext) {
        if let rowConstants { return evalInt8Packed(context, rowConstants: rowConstants.base) }
        let input = context.input(0, as: Int8.self)
        let filter = context.input(1, as: Int8.self)
        let bias: UnsafeMutablePointer<Int32>? = hasBias ? context.optionalInput(2, as: Int32.self) : nil
        let output = context.output(0, as: Int8.self)
        guard let multipliers = multipliers?.base, let shifts = shifts?.base else { return }
        let depth = accumDepth, outDepth = outputDepth
        let inOffset = inputOffset, wOffset = filterOffset, outOffset = outputOffset
        let lo = activationMin, hi = activationMax
        for b in 0..<batches {
            let x = input + b * depth
            for o in 0..<outDepth {
                let w = filter + o * depth
                var acc: Int32
                if let rowConstants = rowConstants?.base {
                    acc = Self.dot(x, w, depth) &+ rowConstants[o]
                } else {
                    acc = 0
                    for d in 0..<depth {
                        acc &+= (Int32(w[d]) &+ wOffset) &* (Int32(x[d]) &+ inOffset)
                    }
                    if let bias { acc &+= bias[o] }
                }
                var v = QuantizedMath.multiplyByQuantizedMultiplier(acc, multipliers[o], shifts[o]) &+ outOffset
                v = v < lo ? lo : (v > hi ? hi : v)
                output[o + outDepth * b] = Int8(truncatingIfNeeded: v)
            }
        }
    }

    /// Sum of x[i] * w[i] in wrapping int32.
    @inline(__always)
    private static func dot(_ x: UnsafeMutablePointer<Int8>, _ w: UnsafeMutablePointer<Int8>, _ n: Int) -> Int32 {
        var acc: Int32 = 0
        var d = 0
        while d < n {
            acc &+= Int32(Int16(x[d]) &* Int16(w[d]))
            d += 1
        }
        return acc
    }

    private func evalInt16(_ context: EvalContext) {
        let input = context.input(0, as: Int16.self)
        let filter = context.input(1, as: Int8.self)
        let output = context.output(0, as: Int16.self)
        guard let multipliers = multipliers?.base, let shifts = shifts?.base else { return }
        let depth = accumDepth, outDepth = outputDepth
        let inOffset = inputOffset, wOffset = filterOffset, outOffset = outputOffset
        let lo = activationMin, hi = activationMax
        if accumulate64 {
            let bias: UnsafeMutablePointer<Int64>? = hasBias ? context.optionalInput(2, as: Int64.self) : nil
            for b in 0..<batches {
                let x = input + b * depth
                for o in 0..<outDepth {
                    let w = filter + o * depth
                    var acc: Int64 = 0
                    for d in 0..<depth {
                        // The product is an int32 in TFLM, widened when added.
                        acc &+= Int64((Int32(w[d]) &+ wOffset) &* (Int32(x[d]) &+ inOffset))
                    }
                    if let bias { acc &+= bias[o] }
                    var v = QuantizedMath.multiplyByQuantizedMultiplier(acc, multipliers[o], shifts[o]) &+ outOffset
                    v = v < lo ? lo : (v > hi ? hi : v)
                    output[o + outDepth * b] = Int16(truncatingIfNeeded: v)
                }
            }
        } else {
            let bias: UnsafeMutablePointer<Int32>? = hasBias ? context.optionalInput(2, as: Int32.self) : nil
            for b in 0..<batches {
                let x = input + b * depth
                for o in 0..<outDepth {
                    let w = filter + o * depth
                    var acc: Int32 = 0
                    for d in 0..<depth {
                        acc &+= (Int32(w[d]) &+ wOffset) &* (Int32(x[d]) &+ inOffset)
                    }
                    if let bias { acc &+= bias[o] }
                    var v = QuantizedMath.multiplyByQuantizedMultiplier(acc, multipliers[o], shifts[o]) &+ outOffset
                    v = v < lo ? lo : (v > hi ? hi : v)
                    output[o + outDepth * b] = Int16(truncatingIfNeeded: v)
                }
            }
        }
    }
}
