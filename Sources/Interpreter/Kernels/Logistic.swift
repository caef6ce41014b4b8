import Foundation

// LOGISTIC, as TFLM's logistic.cc / logistic_common.cc: float32, int8, int16.
//
// int8 runs gemmlowp's fixed-point logistic (FixedPoint.swift) on a Q4.27 input
// (the input rescaled by a multiplier and left shift computed in prepare), saturating
// outside a radius, and writes 8 fractional bits with the fixed output zero point -128
// (scale 1/256). int16 uses TFLM's 256-entry sigmoid table with linear interpolation.

final class LogisticKernel: Kernel {
    static let registration = OperatorRegistration(.logistic, resolver: "AddLogistic", options: nil, builtinData: nil, temporaries: .takenInPrepare,
                                                   macs: .perOutputElement) { LogisticKernel() }
    static let opData = CStruct("OpDataLogistic", [.int32, .int32, .int32, .int32])

    private var type: TensorType = .float32
    private var count = 0
    // OpDataLogistic.
    private var inputZeroPoint: Int32 = 0
    private var inputRangeRadius: Int32 = 0
    private var inputMultiplier: Int32 = 0
    private var inputLeftShift: Int32 = 0

    func prepare(_ context: PrepareContext) throws {
        context.allocatePersistent(.opData(Self.opData))
        context.tempInput(0)
        context.tempOutput(0)
        let (input, output) = try ElementwiseOperands.unary(context, types: [.float32, .int8, .int16])
        type = input.type
        count = input.elementCount
        context.runsReference(type)
        switch type {
        case .int8:
            guard output.scalarZeroPoint == -128 else {
                throw context.unsupported("int8 LOGISTIC needs an output zero point of -128, got \(output.scalarZeroPoint)")
            }
            let scale = try ElementwiseOperands.scale(input, "input", context)
            inputZeroPoint = input.scalarZeroPoint
            (inputMultiplier, inputLeftShift, inputRangeRadius) = try ActivationInputScaling.q4InputScaling(scale, context)
        case .int16:
            (inputMultiplier, inputLeftShift) = try ActivationInputScaling.int16InputScaling(
                input: input, output: output, potShifts: [0], context)
        default:
            break
        }
    }

    func eval(_ context: EvalContext) throws {
        switch type {
        case .float32:
            let x = context.input(0, as: Float.self), y = context.output(0, as: Float.self)
            // reference_ops::Logistic's cutoffs (the float nearest 16.619047...).
            let upper: Float = 16.619047164916992188, lower: Float = -9
            for i in 0..<count {
                let v = x[i]
                if v > upper {
                    y[i] = 1
                } else if v < lower {
                    y[i] = exp(v)
                } else {
                    y[i] = 1 / (1 + exp(-v))
                }
            }
        case .int8:
            let x = context.input(0, as: Int8.self), y = context.output(0, as: Int8.self)
            let zp = inputZeroPoint, radius = inputRangeRadius, m = inputMultiplier, shift = inputLeftShift
            for i in 0..<count {
                let v = Int32(x[i]) &- zp
                if v <= 0 &- radius {
                    y[i] = Int8.min
                } else if v >= radius {
                    y[i] = Int8.max
                } else {
                    let q4 = QuantizedMath.multiplyByQuantizedMultiplier(v, m, shift)
                    let q0 = FixedPoint.logistic(q4, integerBits: 4)
                    // To 8 fractional bits, then the fixed output zero point -128.
                    let out = FixedPoint.roundingDivideByPOT(q0, 23) &- 128
                    y[i] = Int8(truncatingIfNeeded: min(max(out, -128), 127))
                }
            }
        default:
            let x = context.input(0, as: Int16.self), y = context.output(0, as: Int16.self)
            let lut = SigmoidTable.values
            var m = inputMultiplier, shift = inputLeftShift
            if m == 0 {
                // Power-of-two input scale: only the 3/4 range expansion remains.
                m = 3 << shift
                shift = 0
            }
            let round: Int32 = shift > 0 ? 1 << (shift - 1) : 0
            for i in 0..<count {
                let v = (Int32(x[i]) &* m &+ round) >> shift
                let magnitude = UInt32(bitPattern: v < 0 ? 0 &- v : v)
                let index = magnitude >> 9
                var result: UInt32
                if index >= 255 {
                    result = 0x7FFF << 10
                } else {
                    let a = UInt32(lut[Int(index)]), b = UInt32(lut[Int(index) + 1])
                    // Linear interpolation on the 9 fractional bits.
                    result = (a << 9) &+ (magnitude & 0x1FF) &* (b &- a)
                }
                // sigmoid(-x) = 1 - sigmoid(x), with TFLM's rounding.
                result = v >= 0 ? result &+ (1 << 9) : (1 << 25) &- result &+ (1 << 9) &- 1
                y[i] = Int16(truncatingIfNeeded: result >> 10)
            }
        }
    }
}

/// The input-scaling arithmetic TFLM's LOGISTIC and TANH prepare functions share.
enum ActivationInputScaling {
    /// int8 LOGISTIC/TANH: the multiplier and left shift that bring an input difference
    /// (x - zero point) to Q4.27, and the radius beyond which the output saturates
    /// (CalculateInputRadius with 4 integer bits, floored in double).
    static func q4InputScaling(_ inputScale: Float, _ context: PrepareContext) throws
        -> (multiplier: Int32, leftShift: Int32, radius: Int32) {
        let real = Double(inputScale) * Double(1 << 27)
        let (fraction, exponent) = frexp(real)
        // CalculateInputRadius shifts by the exponent: TFLM is undefined outside this.
        guard exponent >= 0, exponent <= 62 else {
            throw context.unsupported("input scale \(inputScale) is outside the range TFLM's fixed-point activation handles")
        }
        let fixed = (fraction * Double(Int64(1) << 31)).rounded(.toNearestOrAwayFromZero)
        let multiplier = Int32(min(fixed, Double(Int32.max)))
        let radius = (15.0 * Double(1 << 27) / Double(Int64(1) << exponent)).rounded(.down)
        return (multiplier, Int32(exponent), Int32(radius))
    }

    /// TFLM's CheckedLog2: log2 in float via natural logs, rounded; exact when within 1e-3.
    static func checkedLog2(_ x: Float) -> (log2: Int, exact: Bool) {
        let value = log(x) * (Float(1) / log(Float(2)))
        let rounded = value.rounded(.toNearestOrAwayFromZero)
        guard rounded.isFinite, abs(rounded) < 1e9 else { return (0, false) }
        return (Int(rounded), abs(value - rounded) < 1e-3)
    }

    /// int16 LOGISTIC/TANH: zero points 0, output scale 2^-15; the input multiplier
    /// (0 for a power-of-two input scale handled by shift alone, when the shift is one
    /// of `potShifts`) and left shift for the table lookup.
    static func int16InputScaling(input: TensorInfo, output: TensorInfo, potShifts: Set<Int>,
                                  _ context: PrepareContext) throws -> (multiplier: Int32, leftShift: Int32) {
        guard input.scalarZeroPoint == 0, output.scalarZeroPoint == 0 else {
            throw context.unsupported("int16 \(context.op) needs zero points of 0 (input \(input.scalarZeroPoint), output \(output.scalarZeroPoint))")
        }
        let inputScale = try ElementwiseOperands.scale(input, "input", context)
        let outputScale = try ElementwiseOperands.scale(output, "output", context)
        let inLog2 = checkedLog2(inputScale)
        var multiplier: Int32 = 0
        var leftShift = 12 + inLog2.log2
        if !(inLog2.exact && potShifts.contains(leftShift)) {
            var m = Double(inputScale) * 4096.0 * 3.0
            leftShift = 0
            while m <= 32767.0 / 2.0 && leftShift <= 30 {
                leftShift += 1
                m *= 2
            }
            multiplier = Int32(min(m, Double(Int32.max)))
        }
        let outLog2 = checkedLog2(outputScale)
        guard outLog2.exact, outLog2.log2 == -15 else {
            throw context.unsupported("int16 \(context.op) needs an output scale of 2^-15, got \(outputScale)")
        }
        return (multiplier, Int32(leftShift))
    }
}

/// TFLM's sigmoid table for the int16 LOGISTIC and TANH kernels (common.h's
/// sigmoid_table_uint16): 65536 * sigmoid(i / 24) for i = 0 ... 255, saturated at
/// 65535, as TFLM tabulates it. The entries are not reproducible by rounding that
/// formula (about 40 differ by one), so bit-exactness needs TFLM's values themselves.
enum SigmoidTable {
    static let values: UnsafePointer<UInt16> = {
        let table: [UInt16] = [
        32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149,
        40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369,
        47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169,
        53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
        57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370,
        60565, 60753, 60935, 61110, 61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302,
        62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536,
        63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
        64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786,
        64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079,
        65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
        65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
        65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
        65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474,
        65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498,
        65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
        65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522,
        65523, 65523, 65524, 65524, 65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528,
        65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531,
        65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
        65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
        65534, 65534, 65534, 65535,
        ]
        let storage = UnsafeMutablePointer<UInt16>.allocate(capacity: table.count)
        storage.initialize(from: table, count: table.count)
        return UnsafePointer(storage)
    }()
}
