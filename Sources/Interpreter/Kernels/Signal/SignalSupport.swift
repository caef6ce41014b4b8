// Shared pieces of TFLM's signal library kernels (signal/micro/kernels, signal/src):
// reading their FlexBuffers options, the C structs their Init/Prepare allocate, the
// integer helpers of signal/src (most significant bit, square roots, logarithm) and
// the int16 circular buffer the stateful kernels keep.
//
// TFLM's signal kernels read options by position: FlexbufferWrapper views the options
// map as the vector of its values (sorted by key) and reads element i's raw bytes as an
// integer. SignalOptions checks that the key at that position is the one the kernel
// means and that an integer sits there, and refuses anything else (exit 2) instead of
// reading garbage as TFLM would.

import Foundation

/// A signal kernel's custom options, parsed once in prepare.
struct SignalOptions {
    let map: FlexMap

    init(_ context: PrepareContext) throws {
        guard let bytes = context.customOptions, !bytes.isEmpty else {
            throw context.invalid("the operator has no custom options; TFLM reads its options from them")
        }
        do {
            map = try FlexBuffer(bytes: bytes).root().asMap()
        } catch let error as FlexBuffersError {
            throw context.invalid("custom options: \(error)")
        }
    }

    /// ElementAsInt32(index), checked (see the file comment).
    func int32(_ context: PrepareContext, index: Int, key: String) throws -> Int32 {
        do { return try map.tflmInt32(index: index, key: key) } catch let error as FlexBuffersError {
            throw context.invalid("custom options: \(error)")
        }
    }

    func bool(_ context: PrepareContext, index: Int, key: String) throws -> Bool {
        do { return try map.tflmBool(index: index, key: key) } catch let error as FlexBuffersError {
            throw context.invalid("custom options: \(error)")
        }
    }

    /// `m["T"].AsInt32()`: the kernels that exist for several types look the type up by key.
    func tensorType(_ context: PrepareContext) throws -> TensorType {
        let code: Int32
        do { code = try map.require("T").asInt32() } catch let error as FlexBuffersError {
            throw context.invalid("custom options: \(error)")
        }
        guard let type = TensorType(rawValue: Int8(truncatingIfNeeded: code)), Int32(type.rawValue) == code else {
            throw context.invalid("custom options: T = \(code) is not a TFLite tensor type (custom_options.T)")
        }
        return type
    }
}

/// Limits that keep a small hostile file from making mcusim allocate without bound.
enum SignalLimits {
    /// Kernel state (circular buffers, FFT tables) beyond this is refused: no
    /// microcontroller arena holds it, and mcusim keeps the state in host memory.
    static let maximumStateBytes = 1 << 24

    /// The product, or Int.max when it overflows (options are 32-bit, so products of several can).
    static func product(_ factors: Int...) -> Int {
        var result = 1
        for f in factors {
            let (p, overflow) = result.multipliedReportingOverflow(by: max(f, 0))
            if overflow { return Int.max }
            result = p
        }
        return result
    }

    static func checkState(_ context: PrepareContext, bytes: Int, what: String) throws {
        guard bytes >= 0, bytes <= maximumStateBytes else {
            throw context.unsupported("\(what) would take \(bytes) bytes of persistent state, more than any microcontroller arena (mcusim's limit is \(maximumStateBytes) bytes)")
        }
    }
}

/// The C structs the signal kernels allocate with AllocatePersistentBuffer.
enum SignalStructs {
    private static let ptr = CType.pointer
    private static func ints(_ n: Int) -> [CType] { Array(repeating: .int32, count: n) }

    /// window.cc TFLMSignalWindowParams: shift, input_size.
    static let windowParams = CStruct("TFLMSignalWindowParams", ints(2))
    /// energy.cc TFLMSignalEnergyParams: end_index, start_index.
    static let energyParams = CStruct("TFLMSignalEnergyParams", ints(2))
    /// filter_bank_log.cc TFLMSignalLogParams: input_correction_bits, output_scale.
    static let logParams = CStruct("TFLMSignalLogParams", ints(2))
    /// pcan.cc TfLitePcanParams: snr_shift.
    static let pcanParams = CStruct("TfLitePcanParams", ints(1))
    /// rfft.cc TfLiteAudioFrontendRfftParams<T>: four int32, the type, the work area
    /// pointer, the scratch index and the state pointer.
    static let rfftParams = CStruct("TfLiteAudioFrontendRfftParams", ints(4) + [.smallEnum, ptr, .int32, ptr])
    /// irfft.cc TfLiteAudioFrontendIrfftParams: four int32, the type, the state pointer.
    static let irfftParams = CStruct("TfLiteAudioFrontendIrfftParams", ints(4) + [.smallEnum, ptr])
    /// filter_bank.h FilterbankConfig: num_channels, five array pointers, output_scale, input_correction_bits.
    static let filterbankConfig = CStruct("FilterbankConfig", [.int32] + Array(repeating: ptr, count: 5) + ints(2))
    /// filter_bank.cc TFLMSignalFilterBankParams: the config and the work area pointer.
    static let filterBankParams = CStruct("TFLMSignalFilterBankParams", [.record(filterbankConfig), ptr])
    /// filter_bank_spectral_subtraction.h SpectralSubtractionConfig: num_channels, seven uint32, clamping.
    static let spectralSubtractionConfig = CStruct("SpectralSubtractionConfig", ints(8) + [.bool])
    /// TFLMSignalSpectralSubtractionParams: the config, the noise estimate pointer and its size (size_t).
    static let spectralSubtractionParams = CStruct("TFLMSignalSpectralSubtractionParams", [.record(spectralSubtractionConfig), ptr, ptr])
    /// delay.cc TFLMSignalFrontendDelayParams: frame_size, delay_length, outer_dims, two pointer arrays.
    static let delayParams = CStruct("TFLMSignalFrontendDelayParams", ints(3) + [ptr, ptr])
    /// framer.cc TFLMSignalFramerParams: four int32, prefill, two pointer arrays.
    static let framerParams = CStruct("TFLMSignalFramerParams", ints(4) + [.bool, ptr, ptr])
    /// stacker.cc TFLMSignalStackerParams: four int32, two size_t, a bool, the state and buffer pointers.
    static let stackerParams = CStruct("TFLMSignalStackerParams", ints(4) + [ptr, ptr, .bool, ptr, ptr])
    /// overlap_add.cc TFLMSignalOverlapAddParams<T>: four int32, the type, the state pointer array.
    static let overlapAddParams = CStruct("TFLMSignalOverlapAddParams", ints(4) + [.smallEnum, ptr])
    /// circular_buffer.h CircularBuffer: capacity, read, write (size_t), empty, buffer_size, buffer pointer.
    static let circularBuffer = CStruct("CircularBuffer", [ptr, ptr, ptr, .int32, .int32, ptr])
    /// irfft_float.cc IrfftFloatState: fft_length and the kissfft config pointer.
    static let irfftFloatState = CStruct("IrfftFloatState", [.int32, ptr])

    /// CircularBufferGetNeededMemory: the struct and room for twice the capacity.
    static func circularBufferBytes(capacity: Int) -> PersistentRequest.Size {
        .perPointerSize(bytes32: circularBuffer.size(on: .cortexMGCC) + 4 * capacity,
                        bytes64: circularBuffer.size(on: .x86_64) + 4 * capacity)
    }

    static func pointerArray(_ what: String, count: Int) -> PersistentRequest {
        PersistentRequest(what, phase: .preparation, size: .perPointerSize(bytes32: 4 * count, bytes64: 8 * count))
    }
}

// MARK: - signal/src integer helpers

enum SignalMath {
    /// MostSignificantBit32 as the GCC/Clang build computes it: the bit length, and 32 for 0.
    @inline(__always)
    static func msb32(_ x: UInt32) -> UInt32 { x == 0 ? 32 : UInt32(32 - x.leadingZeroBitCount) }

    /// MostSignificantBit64: the bit length, and 64 for 0.
    @inline(__always)
    static func msb64(_ x: UInt64) -> UInt32 { x == 0 ? 64 : UInt32(64 - x.leadingZeroBitCount) }

    /// Sqrt32: bit-by-bit integer square root, rounded up when the remainder exceeds the root.
    static func sqrt32(_ value: UInt32) -> UInt16 {
        if value == 0 { return 0 }
        var num = value
        var res: UInt32 = 0
        let maxBitNumber = (32 - Int(msb32(num))) | 1
        var bit: UInt32 = 1 << UInt32(31 - maxBitNumber)
        var iterations = (31 - maxBitNumber) / 2 + 1
        while iterations > 0 {
            iterations -= 1
            if num >= res &+ bit {
                num &-= res &+ bit
                res = (res >> 1) &+ bit
            } else {
                res >>= 1
            }
            bit >>= 2
        }
        if num > res && res != 0xFFFF { res &+= 1 }
        return UInt16(truncatingIfNeeded: res)
    }

    /// Sqrt64: Sqrt32 when the upper word is clear (TFLM's shortcut), else the 64-bit loop.
    static func sqrt64(_ value: UInt64) -> UInt32 {
        if value >> 32 == 0 { return UInt32(sqrt32(UInt32(truncatingIfNeeded: value))) }
        var num = value
        var res: UInt64 = 0
        let maxBitNumber = (64 - Int(msb64(num))) | 1
        var bit: UInt64 = 1 << UInt64(63 - maxBitNumber)
        var iterations = (63 - maxBitNumber) / 2 + 1
        while iterations > 0 {
            iterations -= 1
            if num >= res &+ bit {
                num &-= res &+ bit
                res = (res >> 1) &+ bit
            } else {
                res >>= 1
            }
            bit >>= 2
        }
        if num > res && res != 0xFFFF_FFFF { res &+= 1 }
        return UInt32(truncatingIfNeeded: res)
    }

    /// log.cc's table: 128 segments of the fractional part of log2, scaled by 2^16, plus a guard.
    static let logTable: [UInt16] = [
        0, 224, 442, 654, 861, 1063, 1259, 1450, 1636, 1817, 1992, 2163,
        2329, 2490, 2646, 2797, 2944, 3087, 3224, 3358, 3487, 3611, 3732, 3848,
        3960, 4068, 4172, 4272, 4368, 4460, 4549, 4633, 4714, 4791, 4864, 4934,
        5001, 5063, 5123, 5178, 5231, 5280, 5326, 5368, 5408, 5444, 5477, 5507,
        5533, 5557, 5578, 5595, 5610, 5622, 5631, 5637, 5640, 5641, 5638, 5633,
        5626, 5615, 5602, 5586, 5568, 5547, 5524, 5498, 5470, 5439, 5406, 5370,
        5332, 5291, 5249, 5203, 5156, 5106, 5054, 5000, 4944, 4885, 4825, 4762,
        4697, 4630, 4561, 4490, 4416, 4341, 4264, 4184, 4103, 4020, 3935, 3848,
        3759, 3668, 3575, 3481, 3384, 3286, 3186, 3084, 2981, 2875, 2768, 2659,
        2549, 2437, 2323, 2207, 2090, 1971, 1851, 1729, 1605, 1480, 1353, 1224,
        1094, 963, 830, 695, 559, 421, 282, 142, 0, 0,
    ]

    /// Log32(x, out_scale) for x > 1: ln(x) * out_scale in fixed point (log2 by the
    /// table, times ln 2 as 45426 / 2^16, each step rounded as TFLM rounds it).
    static func log32(_ x: UInt32, outScale: UInt32, table: UnsafePointer<UInt16>) -> UInt32 {
        let integer = msb32(x) &- 1
        // Log2FractionPart32: the bits below the leading one, as 16 fractional bits.
        var frac = Int32(truncatingIfNeeded: Int64(x) - (Int64(1) << Int64(integer)))
        if integer < 16 {
            frac <<= Int32(16 - integer)
        } else {
            frac >>= Int32(integer - 16)
        }
        let baseSegment = Int(UInt32(bitPattern: frac) >> 9)
        let c0 = Int32(table[baseSegment])
        let c1 = Int32(table[baseSegment + 1])
        let segmentBase = Int32(512 * baseSegment)
        let relative = ((c1 &- c0) &* (frac &- segmentBase)) >> 16
        let fraction = UInt32(bitPattern: frac &+ c0 &+ relative)
        let log2 = (integer << 16) &+ fraction
        let round: UInt32 = 32768
        let loge = UInt32(truncatingIfNeeded: (UInt64(45426) &* UInt64(log2) &+ UInt64(round)) >> 16)
        return (outScale &* loge &+ round) >> 16
    }
}

// MARK: - The circular buffer (signal/src/circular_buffer.cc)

/// TFLM's int16 circular buffer on memory the kernel owns: `capacity` elements,
/// stored twice (a mirror after the first copy) so a read of up to `capacity`
/// elements never wraps in the middle of an element run. Reads and writes behave
/// exactly as TFLM's, including its unchecked cases, which prepare rules out.
struct SignalCircularBuffer {
    let storage: UnsafeMutablePointer<Int16>
    let capacity: Int
    var read = 0
    var write = 0
    var empty = true

    init(storage: UnsafeMutablePointer<Int16>, capacity: Int) {
        self.storage = storage
        self.capacity = capacity
        reset()
    }

    /// CircularBufferReset: empty, and the storage zeroed.
    mutating func reset() {
        read = 0
        write = 0
        empty = true
        storage.update(repeating: 0, count: 2 * capacity)
    }

    var available: Int {
        // TFLM computes the difference of two size_t in an int32.
        let diff = Int32(truncatingIfNeeded: write &- read)
        if diff > 0 { return Int(diff) }
        if diff < 0 { return capacity + Int(diff) }
        return empty ? 0 : capacity
    }

    /// CircularBufferWrite, or CircularBufferWriteZeros when `values` is nil.
    mutating func write(_ values: UnsafePointer<Int16>?, count n: Int) {
        guard n > 0 else { return }
        let end = write + n
        func put(_ destination: Int, _ sourceOffset: Int, _ count: Int) {
            if let values {
                (storage + destination).update(from: values + sourceOffset, count: count)
            } else {
                (storage + destination).update(repeating: 0, count: count)
            }
        }
        put(write, 0, n)
        if end < capacity {
            put(capacity + write, 0, n)
            write += n
        } else {
            let first = capacity - write
            put(capacity + write, 0, first)
            let second = end - capacity
            if second > 0 { put(0, first, second) }
            write = second
        }
        empty = false
    }

    /// CircularBufferExtend: appends the last `count` elements `times` more times.
    mutating func extend(count: Int, times: Int) {
        guard times > 0, count > 0 else { return }
        let start = count > write ? write + capacity - count : write - count
        if start + count <= capacity {
            for _ in 0..<times { write(UnsafePointer(storage + start), count: count) }
        } else {
            let first = capacity - start
            for _ in 0..<times {
                write(UnsafePointer(storage + start), count: first)
                write(UnsafePointer(storage), count: count - first)
            }
        }
    }

    /// CircularBufferGet: copies `n` elements from the read position, without consuming them.
    func get(_ n: Int, into values: UnsafeMutablePointer<Int16>) {
        if read + n <= capacity {
            values.update(from: storage + read, count: n)
        } else {
            let first = capacity - read
            values.update(from: storage + read, count: first)
            (values + first).update(from: storage, count: n - first)
        }
    }

    /// CircularBufferDiscard.
    mutating func discard(_ n: Int) {
        read += n
        if read >= capacity { read -= capacity }
        if read == write { empty = true }
    }
}

/// Memory a kernel owns for its state, freed with the kernel (prepare allocates it;
/// eval never does).
final class SignalStateMemory {
    /// 16-byte units, so the memory is aligned for any element type the kernels use.
    private let storage: OwnedBuffer<SIMD4<UInt32>>
    let byteCount: Int

    /// `bytes` zeroed bytes.
    init(bytes: Int) {
        storage = OwnedBuffer(count: (max(bytes, 1) + 15) / 16, repeating: .zero)
        byteCount = storage.count * 16
    }

    func zero() {
        UnsafeMutableRawPointer(storage.base).initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
    }

    func typed<T>(_: T.Type) -> UnsafeMutablePointer<T> {
        UnsafeMutableRawPointer(storage.base).bindMemory(to: T.self, capacity: byteCount / MemoryLayout<T>.stride)
    }
}

extension PrepareContext {
    /// TFLM's signal kernels check ranks with TF_LITE_ENSURE_EQ (Prepare fails: TFLM refuses the model).
    func expectRank(_ tensor: TensorInfo, _ rank: Int, _ role: String) throws {
        guard tensor.rank == rank else {
            throw invalid("\(role) must have rank \(rank), has shape \(tensor.shape)")
        }
    }

    func expectCounts(inputs: Int, outputs: Int) throws {
        guard inputCount == inputs, outputCount == outputs else {
            throw invalid("\(op) takes \(inputs) input(s) and \(outputs) output(s), got \(inputCount) and \(outputCount)")
        }
    }

    /// The operator's name without the CUSTOM: prefix, for messages.
    var customName: String {
        if case let .custom(name) = op { return name }
        return op.name
    }
}
