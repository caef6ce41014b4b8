// Building blocks of UNIDIRECTIONAL_SEQUENCE_LSTM: TFLM's operator data layouts
// (lstm_shared.h, kernels/internal/types.h, CMSIS-NN's arm_nn_types.h) and the
// int16 arithmetic shared by TFLM's integer LSTM (lstm_eval.cc) and CMSIS-NN's
// (arm_nn_activation_s16, arm_elementwise_mul_s16*). Each function states which
// TFLM routine it follows; callers pass pointers checked in prepare.

import Foundation

// MARK: - Operator data layouts

enum LSTMStructs {
    private static func ints(_ n: Int) -> [CType] { Array(repeating: .int32, count: n) }

    /// kernels/internal/types.h FullyConnectedParams: nine 4-byte fields, two bools,
    /// the uint8 weights format.
    static let fullyConnectedParams = CStruct("FullyConnectedParams", ints(9) + [.bool, .bool, .int8])
    /// kernels/internal/types.h ArithmeticParams: a uint8 category, twelve int32, two
    /// floats, two int64, two int16, broadcast_shape[5].
    static let arithmeticParams = CStruct("ArithmeticParams",
                                          [.int8] + ints(12) + [.float32, .float32, .int64, .int64, .int16, .int16, .array(.int32, count: 5)])
    static let gateParameters = CStruct("GateParameters", [.record(fullyConnectedParams), .record(fullyConnectedParams)])
    static let interGateParameters = CStruct("InterGateParameters", Array(repeating: .record(arithmeticParams), count: 3))
    static let sizeInfo = CStruct("LstmSizeInfo", [.bool] + ints(4))
    static let cellStateInfo = CStruct("CellStateInfo", [.float32, .int16, .int32])
    /// lstm_shared.h OpDataLSTM: 688 bytes on both targets.
    static let opDataLSTM = CStruct("OpDataLSTM", [
        .record(sizeInfo), .record(cellStateInfo), .smallEnum /* cell gate activation */,
        .record(gateParameters), .record(gateParameters), .record(gateParameters), .record(gateParameters),
        .record(interGateParameters), .array(.int32, count: 4) /* buffer_indices */,
    ])
    /// arm_nn_types.h cmsis_nn_lstm_gate: multipliers, shifts, weight and effective
    /// bias pointers, the bias pointer and the activation enum.
    static let cmsisLSTMGate = CStruct("cmsis_nn_lstm_gate", [.int32, .int32, .pointer, .pointer, .int32, .int32, .pointer, .pointer,
                                                              .pointer, .smallEnum])
    /// arm_nn_types.h cmsis_nn_lstm_params: fifteen int32 and four gates.
    static let cmsisLSTMParams = CStruct("cmsis_nn_lstm_params", ints(15) + Array(repeating: .record(cmsisLSTMGate), count: 4))
    /// cmsis_nn/unidirectional_sequence_lstm.cc OpData: the reference data for
    /// fallbacks and the CMSIS-NN parameters.
    static let cmsisOpData = CStruct("OpData (CMSIS-NN UNIDIRECTIONAL_SEQUENCE_LSTM)",
                                     [.record(opDataLSTM), .record(cmsisLSTMParams)])
}

// MARK: - int16 arithmetic

enum LSTMArithmetic {
    /// reference_integer_ops::Logistic on int16 with input_multiplier 0 and left
    /// shift 0, which TFLM turns into a multiplier of 3 (Q3.12 in, Q0.15 out); the
    /// same as arm_nn_activation_s16(…, 0, ARM_SIGMOID). In place.
    @inline(__always)
    static func sigmoid(_ data: UnsafeMutablePointer<Int16>, count: Int) {
        let table = SigmoidTable.values
        for i in 0..<count {
            let input = Int32(data[i]) &* 3
            let magnitude = input.magnitude
            let index = magnitude >> 9
            var result: UInt32
            if index >= 255 {
                result = 0x7FFF << 10
            } else {
                let a = UInt32(table[Int(index)]), b = UInt32(table[Int(index) + 1])
                result = (a << 9) &+ (magnitude & 0x1FF) &* (b &- a)
            }
            result = input >= 0 ? result &+ (1 << 9) : (1 << 25) &- result &+ (1 << 9) &- 1
            data[i] = Int16(truncatingIfNeeded: result >> 10)
        }
    }

    /// The multiplier and right shift reference_integer_ops::Tanh ends up using for an
    /// int16 input whose scale is 2^power (lstm_eval.cc's Tanh: a left shift of
    /// power + 12 folded into the 3/4 range factor). arm_nn_activation_s16 with
    /// left_shift = power + 12 computes the same two numbers.
    static func tanhScaling(scalePower: Int32) -> (multiplier: Int32, rightShift: Int32) {
        let leftShift = 15 &+ scalePower &- 3
        return leftShift < 0 ? (3, 0 &- leftShift) : (3 << leftShift, 0)
    }

    /// reference_integer_ops::Tanh on int16 (= arm_nn_activation_s16 with ARM_TANH).
    /// `output` may be `input`.
    @inline(__always)
    static func tanh(_ input: UnsafePointer<Int16>, _ output: UnsafeMutablePointer<Int16>, count: Int,
                     multiplier: Int32, rightShift: Int32) {
        let table = SigmoidTable.values
        let round: Int32 = rightShift > 0 ? 1 << (rightShift - 1) : 0
        for i in 0..<count {
            let x = (Int32(input[i]) &* multiplier &+ round) >> rightShift
            let magnitude = x.magnitude
            let index = magnitude >> 8
            var result: Int32
            if index >= 255 {
                result = 0xFFFF << 8
            } else {
                let a = UInt32(table[Int(index)]), b = UInt32(table[Int(index) + 1])
                result = Int32(bitPattern: (a << 8) &+ (magnitude & 0xFF) &* (b &- a))
            }
            result = x >= 0 ? result &- (1 << 23) &+ (1 << 7) : (0 &- result) &+ (1 << 23) &+ (1 << 7) &- 1
            output[i] = Int16(truncatingIfNeeded: result >> 8)
        }
    }

    /// reference_integer_ops::MulElementwise with zero input offsets:
    /// clamp(MultiplyByQuantizedMultiplier(a * b) + offset). `output` may alias an input.
    @inline(__always)
    static func multiply<Output: FixedWidthInteger>(_ a: UnsafePointer<Int16>, _ b: UnsafePointer<Int16>,
                                                     _ output: UnsafeMutablePointer<Output>, count: Int,
                                                     _ scaling: Requantization) {
        for i in 0..<count {
            let product = Int32(a[i]) &* Int32(b[i])
            let value = QuantizedMath.multiplyByQuantizedMultiplier(product, scaling.multiplier, scaling.shift) &+ scaling.offset
            output[i] = Output(truncatingIfNeeded: min(max(value, scaling.min), scaling.max))
        }
    }

    /// CMSIS-NN's arm_nn_requantize_s64 (64-bit accumulator, 16-bit reduced multiplier,
    /// the last bit rounded after narrowing to 32 bits).
    @inline(__always)
    static func requantizeS64(_ value: Int64, reducedMultiplier: Int64, shift: Int32) -> Int32 {
        let product = value &* reducedMultiplier
        let narrowed = Int32(truncatingIfNeeded: product >> Int64(14 &- shift))
        return (narrowed &+ 1) >> 1
    }

    /// REDUCE_MULTIPLIER in arm_nnsupportfunctions.h (and TFLM's 64-bit
    /// MultiplyByQuantizedMultiplier): the Q31 multiplier rounded to Q15.
    static func reducedMultiplier(_ multiplier: Int32) -> Int64 {
        multiplier < 0x7FFF_0000 ? Int64((multiplier &+ (1 << 15)) >> 16) : 0x7FFF
    }
}

/// A requantization step: multiplier, shift (positive = left), output offset and clamp.
struct Requantization {
    var multiplier: Int32 = 0
    var shift: Int32 = 0
    var offset: Int32 = 0
    var min: Int32 = Int32(Int16.min)
    var max: Int32 = Int32(Int16.max)

    /// QuantizeMultiplier of `real`, clamped to [min, max] after adding `offset`.
    init(real: Double, offset: Int32 = 0, min: Int32 = Int32(Int16.min), max: Int32 = Int32(Int16.max)) {
        (multiplier, shift) = QuantizedMath.quantizeMultiplier(real)
        self.offset = offset
        self.min = min
        self.max = max
    }

    init() {}
}
