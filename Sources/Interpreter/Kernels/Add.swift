// ADD, as TFLM's add.cc / add_common.cc (reference) and cmsis_nn/add.cc, with
// broadcasting (reference_ops::BroadcastBinaryOpSimple semantics, up to 8-D).
//
// Quantized (int8, int16) arithmetic, per element (int8 takes the two scaled inputs from
// tables of all 256 values made in prepare; the requantizations run in the one-rounding
// form of Requantizer.swift):
//   a = (x1 - zp1) << left_shift, b = (x2 - zp2) << left_shift    (20 for int8, 15 for int16)
//   a = MultiplyByQuantizedMultiplierSmallerThanOneExp(a, m1, s1), likewise b
//   out = MultiplyByQuantizedMultiplierSmallerThanOneExp(a + b, m_out, s_out) + zp_out, clamped
// with m1 = scale1 / (2 max(scale1, scale2)), m2 likewise and
// m_out = 2 max(scale1, scale2) / (2^left_shift scale_out), all computed in double
// (GeneralRescaling in ElementwiseBinary.swift, shared with SUB).
// float32: x1 + x2 clamped; int32: x1 + x2 (wrapping).

import Foundation

/// add.h OpDataAdd (CMSIS-NN's add.cc declares the same fields): a bool, twelve int32
/// fields and two floats.
extension TFLMStructs {
    public static let opDataAdd = CStruct("OpDataAdd", [.bool] + Array(repeating: .int32, count: 12) + [.float32, .float32])
}

final class AddKernel: Kernel {
    static let registration = OperatorRegistration(.add, resolver: "AddAdd", options: AddOptions.self, builtinData: CStruct("TfLiteAddParams", [.smallEnum, .bool]),
                                                   temporaries: .takenInPrepare, macs: .perOutputElement) { AddKernel() }

    private enum Path { case float32, int32, int8, int16 }

    private var path = Path.float32
    private var broadcast: BinaryBroadcast?
    private var rescaling = GeneralRescaling()
    private var input1Offset: Int32 = 0, input2Offset: Int32 = 0, outputOffset: Int32 = 0
    private var activationMin: Int32 = 0, activationMax: Int32 = 0
    private var floatMin: Float = 0, floatMax: Float = 0
    /// The three requantizations in one-rounding form (input 1, input 2, output).
    private var requantize = Requantizer(count: 3, repeating: ChannelRequantization())
    /// int8: each input's scaled value for every possible int8 value (index value + 128),
    /// computed in prepare with TFLM's arithmetic, so eval adds two table entries.
    private var scaled1 = OwnedBuffer<Int32>(count: 0, repeating: 0)
    private var scaled2 = OwnedBuffer<Int32>(count: 0, repeating: 0)
    /// int8, runs with both steps 1: the same three requantizations eight lanes wide
    /// (input 1's constants in lanes 0-7, input 2's in 8-15, the output's in 16-23); nil
    /// when the lane form does not apply (a negative multiplier), and the tables serve.
    private var lanes: RequantizationLanes?

    func prepare(_ context: PrepareContext) throws {
        context.allocatePersistent(.opData(TFLMStructs.opDataAdd))
        context.tempInput(0)
        context.tempInput(1)
        context.tempOutput(0)

        let input1 = try context.requireInput(0)
        let input2 = try context.requireInput(1)
        let output = try context.requireOutput(0)
        guard input1.type == output.type, input2.type == output.type else {
            throw context.unsupported("inputs \(input1.type.name), \(input2.type.name) and output \(output.type.name) must have one type (TFLM: hybrid models are not supported)")
        }
        switch output.type {
        case .float32: path = .float32
        case .int32: path = .int32
        case .int8: path = .int8
        case .int16: path = .int16
        default: throw context.unsupported("\(output.type.name) is not supported (float32, int32, int8, int16)")
        }

        guard let plan = BinaryBroadcast(input1.shape, input2.shape, output: output.shape) else {
            if let expected = Broadcast.shape(input1.shape, input2.shape), expected.count > Broadcast.maxRank {
                throw context.unsupported("broadcast over \(expected.count) dimensions (TFLM handles up to \(Broadcast.maxRank))")
            }
            throw context.invalid("input shapes \(input1.shape) and \(input2.shape) do not broadcast to the output shape \(output.shape)")
        }
        // The output must be exactly the broadcast shape, not merely accept both inputs.
        guard let expected = Broadcast.shape(input1.shape, input2.shape),
              Broadcast.extended(expected, toRank: max(expected.count, output.rank)) == Broadcast.extended(output.shape, toRank: max(expected.count, output.rank)) else {
            throw context.invalid("output shape \(output.shape) is not the broadcast of \(input1.shape) and \(input2.shape)")
        }
        broadcast = plan

        let activation = context.options(AddOptions.self).fusedActivationFunction
        context.geometry = .elementwise(ElementwiseGeometry(elements: output.elementCount, broadcast: !plan.isElementwise,
                                                            activation: activation))

        switch path {
        case .float32:
            (floatMin, floatMax) = QuantizedMath.activationRange(activation)
            context.runsReference(.float32)
            return
        case .int32:
            guard input1.scale.isEmpty, input2.scale.isEmpty else {
                throw context.unsupported("int32 ADD supports only unquantized tensors")
            }
            context.runsReference(.int32)
            return
        case .int8, .int16:
            break
        }

        guard !input1.scale.isEmpty, !input2.scale.isEmpty, !output.scale.isEmpty else {
            throw context.invalid("quantized ADD needs scales on both inputs and the output")
        }
        if path == .int16 && context.variant == .cmsisNN {
            guard input1.scalarZeroPoint == 0, input2.scalarZeroPoint == 0, output.scalarZeroPoint == 0 else {
                throw context.unsupported("int16 ADD needs zero points of 0 in TFLM's CMSIS-NN kernel")
            }
        }
        input1Offset = 0 &- input1.scalarZeroPoint
        input2Offset = 0 &- input2.scalarZeroPoint
        outputOffset = output.scalarZeroPoint
        rescaling = try GeneralRescaling(context, type: output.type, scale1: input1.scalarScale, scale2: input2.scalarScale,
                                         outputScale: output.scalarScale)
        let (typeMin, typeMax): (Int32, Int32) = path == .int8 ? (-128, 127) : (-32768, 32767)
        (activationMin, activationMax) = try QuantizedMath.activationRange(
            activation, scale: output.scalarScale, zeroPoint: output.scalarZeroPoint, typeMin: typeMin, typeMax: typeMax, in: context)
        // GeneralRescaling refuses shifts above 0 (TFLM's CHECK), so the one-rounding form
        // (shift <= 0: a right shift only) computes MultiplyByQuantizedMultiplierSmallerThanOneExp.
        let r = rescaling
        requantize = Requantizer(multipliers: [r.input1.multiplier, r.input2.multiplier, r.output.multiplier],
                                 shifts: [r.input1.shift, r.input2.shift, r.output.shift])
        if path == .int8 {
            scaled1 = OwnedBuffer<Int32>(count: 256, repeating: 0)
            scaled2 = OwnedBuffer<Int32>(count: 256, repeating: 0)
            for v in -128...127 {
                scaled1[v + 128] = QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOneExp(
                    (input1Offset &+ Int32(v)) &* (Int32(1) << r.leftShift), r.input1.multiplier, r.input1.shift)
                scaled2[v + 128] = QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOneExp(
                    (input2Offset &+ Int32(v)) &* (Int32(1) << r.leftShift), r.input2.multiplier, r.input2.shift)
            }
            lanes = r.leftShift >= 0 && r.leftShift < 31 ? RequantizationLanes(
                multipliers: [r.input1.multiplier, r.input2.multiplier, r.output.multiplier].flatMap { Array(repeating: $0, count: 8) },
                shifts: [r.input1.shift, r.input2.shift, r.output.shift].flatMap { Array(repeating: $0, count: 8) }) : nil
        }

        if context.variant == .cmsisNN && plan.isElementwise {
            context.runs(path == .int8 ? .elementwiseAddS8 : .elementwiseAddS16)
        } else {
            // Broadcasts run TFLM's reference loop in both builds.
            context.runsReference(output.type)
        }
    }

    func eval(_ context: EvalContext) throws {
        switch path {
        case .float32:
            evalFloat(context.input(0, as: Float.self), context.input(1, as: Float.self), context.output(0, as: Float.self))
        case .int32:
            evalInt32(context.input(0, as: Int32.self), context.input(1, as: Int32.self), context.output(0, as: Int32.self))
        case .int8:
            evalInt8(context.input(0, as: Int8.self), context.input(1, as: Int8.self), context.output(0, as: Int8.self))
        case .int16:
            evalInt16(context.input(0, as: Int16.self), context.input(1, as: Int16.self), context.output(0, as: Int16.self))
        }
    }

    private func evalInt8(_ a: UnsafeMutablePointer<Int8>, _ b: UnsafeMutablePointer<Int8>, _ output: UnsafeMutablePointer<Int8>) {
        guard let broadcast else { return }
        let table1 = UnsafePointer(scaled1.base), table2 = UnsafePointer(scaled2.base)
        let stage = QuantizedOutputStage(outputOffset: outputOffset, activationMin: activationMin, activationMax: activationMax)
        let outputRequantization = UnsafePointer(requantize.base + 2)
        let lanes = self.lanes?.view
        let offset1 = SIMD8<Int32>(repeating: input1Offset), offset2 = SIMD8<Int32>(repeating: input2Offset)
        let leftShift = SIMD8<Int32>(repeating: rescaling.leftShift)
        let outOffset = SIMD8<Int32>(repeating: outputOffset)
        let low = SIMD8<Int32>(repeating: activationMin), high = SIMD8<Int32>(repeating: activationMax)
        @inline(__always) func load(_ p: UnsafeMutablePointer<Int8>) -> SIMD8<Int32> {
            SIMDLanes.widen(SIMDLanes.widen(UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Int8>.self)))
        }
        broadcast.forEachRun { aStart, aStep, bStart, bStep, outStart, count in
            var i = aStart, j = bStart, k = 0
            let out = output + outStart
            if let lanes, aStep == 1, bStep == 1 {
                // TFLM's AddElementwise: each input's (value + offset) << left_shift scaled by its
                // multiplier, the sum scaled by the output's, as the tables hold it.
                while k &+ 8 <= count {
                    let scaledA = lanes.apply8((load(a + i) &+ offset1) &<< leftShift, channel: 0)
                    let scaledB = lanes.apply8((load(b + j) &+ offset2) &<< leftShift, channel: 8)
                    var v = lanes.apply8(scaledA &+ scaledB, channel: 16) &+ outOffset
                    v = pointwiseMin(pointwiseMax(v, low), high)
                    UnsafeMutableRawPointer(out + k).storeBytes(of: SIMDLanes.truncate(v), as: SIMD8<Int8>.self)
                    i &+= 8; j &+= 8; k &+= 8
                }
            }
            while k < count {
                let sum = table1[Int(a[i]) &+ 128] &+ table2[Int(b[j]) &+ 128]
                out[k] = stage.value(sum, outputRequantization)
                i &+= aStep
                j &+= bStep
                k &+= 1
            }
        }
    }

    private func evalInt16(_ a: UnsafeMutablePointer<Int16>, _ b: UnsafeMutablePointer<Int16>, _ output: UnsafeMutablePointer<Int16>) {
        guard let broadcast else { return }
        let o1 = input1Offset, o2 = input2Offset
        let scale = Int32(1) << rescaling.leftShift
        let r = UnsafePointer(requantize.base)
        let stage = QuantizedOutputStage(outputOffset: outputOffset, activationMin: activationMin, activationMax: activationMax)
        broadcast.forEachRun { aStart, aStep, bStart, bStep, outStart, count in
            var i = aStart, j = bStart
            let out = output + outStart
            for k in 0..<count {
                let scaled1 = r[0].apply((o1 &+ Int32(a[i])) &* scale)
                let scaled2 = r[1].apply((o2 &+ Int32(b[j])) &* scale)
                out[k] = stage.value(scaled1 &+ scaled2, r + 2)
                i &+= aStep
                j &+= bStep
            }
        }
    }

    private func evalFloat(_ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        guard let broadcast else { return }
        let lo = floatMin, hi = floatMax
        broadcast.forEachRun { aStart, aStep, bStart, bStep, outStart, count in
            var i = aStart, j = bStart
            let out = output + outStart
            for k in 0..<count {
                // ActivationFunctionWithMinMax: min(max(x, lo), hi) with std::max/min's comparisons.
                let sum = a[i] + b[j]
                let low = sum < lo ? lo : sum
                out[k] = hi < low ? hi : low
                i += aStep
                j += bStep
            }
        }
    }

    private func evalInt32(_ a: UnsafeMutablePointer<Int32>, _ b: UnsafeMutablePointer<Int32>, _ output: UnsafeMutablePointer<Int32>) {
        guard let broadcast else { return }
        broadcast.forEachRun { aStart, aStep, bStart, bStep, outStart, count in
            var i = aStart, j = bStart
            let out = output + outStart
            for k in 0..<count {
                out[k] = a[i] &+ b[j]
                i += aStep
                j += bStep
            }
        }
    }
}
