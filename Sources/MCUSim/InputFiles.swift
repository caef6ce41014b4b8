import Foundation
import Interpreter

// `run --input`: arrays from `.npy` or `.npz` files, checked against the model's inputs
// (dtype, and shape up to a leading batch of 1) and, for a quantized input given floats,
// quantized as TFLM's QUANTIZE kernel would. An array with an extra first axis is a
// stream of frames (e.g. [50, 1, 480] for a [1, 480] input: a second of audio for a
// front end that takes 20 ms per invoke), run one invoke per frame.

/// What the `--input` files give each model input: `frames` inputs' worth, back to back.
struct InputFrames {
    let frames: Int
    /// Per model input, every frame's bytes back to back.
    let inputs: [[UInt8]]

    /// Frame `k` of input `i`, as raw memory for MicroInterpreter.setInput(_:from:).
    func withFrame<R>(_ k: Int, ofInput i: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let size = inputs[i].count / max(frames, 1)
        return try inputs[i].withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[(k * size)..<((k + 1) * size)])) }
    }
}

enum InputFiles {
    /// The bytes for each model input, from the `--input` files in subgraph-input order.
    /// A `.npz` gives one array; or, as the only `--input`, one array per model input (by
    /// the inputs' tensor names when every one is in the archive, else in archive order).
    /// Arrays with one more leading axis than their input stream frames along it; every
    /// input then needs the same number of frames. Notes (a quantization made) go to stderr.
    static func load(_ files: [String], into interpreter: MicroInterpreter, console: Console) throws -> InputFrames {
        let count = interpreter.inputIndices.count
        let tensors = (0..<count).map { interpreter.inputTensor($0) }
        var arrays: [(file: String, array: NpyArray)] = []
        // No input file needs more than every input in float64 plus headers and archive overhead.
        let limit = tensors.reduce(1 << 20) { $0 + $1.elementCount * 8 + 4096 }
        let contents = try files.map { try FileAccess.contents(of: $0, limit: limit, what: "an input for this model") }
        func archive(_ i: Int) throws -> Npz? {
            guard Npz.isArchive(contents[i]) else { return nil }
            do { return try Npz(contents[i]) } catch { throw MCUSimCLI.fileError(error, file: files[i]) }
        }
        if files.count == 1, count > 1, let archive = try archive(0), archive.members.count == count {
            let named = tensors.compactMap { t in archive.members.first { $0.name == t.name } }
            let members = named.count == count ? named : archive.members
            for (tensor, member) in zip(tensors, members) {
                arrays.append(("\(files[0]):\(member.name)", try read(member, of: archive, file: files[0], for: tensor)))
            }
        } else {
            guard files.count == count else {
                throw UsageError(message: "the model has \(count) input(s), got \(files.count) --input file(s)")
            }
            for (i, (file, tensor)) in zip(files, tensors).enumerated() {
                if let archive = try archive(i) {
                    guard archive.members.count == 1, let member = archive.members.first else {
                        let names = archive.members.map(\.name).joined(separator: ", ")
                        throw FileError(file: file, message: "holds \(archive.members.count) arrays (\(names)); give one array per --input, "
                                        + "or this archive alone with one array per model input (\(count))", code: ExitCode.invalidInput)
                    }
                    arrays.append((file, try read(member, of: archive, file: file, for: tensor)))
                } else {
                    do { arrays.append((file, try Npy.decode(contents[i]))) } catch {
                        throw MCUSimCLI.fileError(error, file: file)
                    }
                }
            }
        }
        var frames: (count: Int, file: String)?
        var inputs: [[UInt8]] = []
        for (i, (given, tensor)) in zip(arrays, tensors).enumerated() {
            let count = frameCount(given.array.shape, tensor.shape)
            if let frames, frames.count != count {
                throw FileError(file: given.file, message: "holds \(count) frame(s) of input \(i), \(frames.file) holds \(frames.count): "
                                + "streamed inputs need the same number of frames", code: ExitCode.invalidInput)
            }
            frames = (count, given.file)
            inputs.append(try bytes(given.array, file: given.file, forInput: i, tensor, frames: count, console: console))
        }
        return InputFrames(frames: frames?.count ?? 1, inputs: inputs)
    }

    /// The one array in `file`: a `.npy`, or a `.npz` holding one array (inflated no further
    /// than its member can hold: a deflated member at most ~1,032 times its compressed size).
    static func readArray(_ file: String) throws -> NpyArray {
        let bytes = try FileAccess.contents(of: file, limit: arrayFileLimit, what: "an array")
        do {
            guard Npz.isArchive(bytes) else { return try Npy.decode(bytes) }
            let archive = try Npz(bytes)
            guard archive.members.count == 1, let member = archive.members.first else {
                let names = archive.members.map(\.name).joined(separator: ", ")
                throw FileError(file: file, message: "holds \(archive.members.count) arrays (\(names)); give an archive with one array",
                                code: ExitCode.invalidInput)
            }
            let limit = member.method == 0 ? member.compressedSize : member.compressedSize * 1_040 + 4096
            return try Npy.decode(try archive.data(of: member, limit: limit))
        } catch let error as FileError {
            throw error
        } catch {
            throw MCUSimCLI.fileError(error, file: file)
        }
    }

    /// The most mcusim reads of one data set array (`eval --inputs`): 4 GiB.
    static let arrayFileLimit = 1 << 32

    /// 1 when the array is the input (see shapesMatch); its first axis when the rest is.
    static func frameCount(_ array: [Int], _ tensor: [Int]) -> Int {
        guard !shapesMatch(array, tensor), let first = array.first, first > 0, shapesMatch(Array(array.dropFirst()), tensor) else { return 1 }
        return first
    }

    private static func read(_ member: Npz.Member, of archive: Npz, file: String, for tensor: TensorInfo) throws -> NpyArray {
        // Enough for the tensor in float64, plus a generous .npy header: no more is inflated.
        let limit = tensor.elementCount * 8 + (1 << 20)
        do {
            return try Npy.decode(try archive.data(of: member, limit: limit))
        } catch {
            throw MCUSimCLI.fileError(error, file: file)
        }
    }

    /// Shapes agree when equal, or equal once a leading batch of 1 is dropped from either.
    static func shapesMatch(_ array: [Int], _ tensor: [Int]) -> Bool {
        array == tensor || (tensor.first == 1 && array == Array(tensor.dropFirst())) || (array.first == 1 && Array(array.dropFirst()) == tensor)
    }

    /// The tensor's bytes from `array`: its own when the dtype matches, converted or quantized
    /// when floats are given (see `convert`).
    static func bytes(_ array: NpyArray, file: String, forInput i: Int, _ tensor: TensorInfo, frames: Int = 1,
                      console: Console) throws -> [UInt8] {
        let described = "input \(i) (\(tensor.type.numpyName) \(tensor.shape))"
        try checkType(array.type, scale: nil, for: tensor, file: file, described: described)
        guard frames > 1 || shapesMatch(array.shape, tensor.shape) else {
            throw FileError(file: file, message: "shape \(array.shape) does not match \(described), nor is it a stream of frames of it "
                            + "along a first axis", code: ExitCode.invalidInput)
        }
        let converted = try convert(array, scale: nil, for: tensor, file: file, described: described) { "element \($0)" }
        if let note = converted.note { console.error("mcusim: note: \(file): \(note)") }
        return converted.bytes
    }

    /// A model input's bytes made from stored values, and what was done to them.
    struct Conversion {
        let bytes: [UInt8]
        /// Said in a note: how the values were converted; nil when the bytes are the array's own.
        let note: String?
    }

    static func isFloat(_ type: TensorType) -> Bool { [.float16, .float32, .float64].contains(type) }
    static func isNumeric(_ type: TensorType) -> Bool {
        isFloat(type) || [.int8, .uint8, .int16, .uint16, .int32, .uint32, .int64, .uint64].contains(type)
    }

    /// Refuses an array of `type` for `tensor`, with a one-line reason: the types must agree, or
    /// floats (any numbers when `scale` is given) must go to a float32 or quantized input.
    static func checkType(_ type: TensorType, scale: ValueScale?, for tensor: TensorInfo, file: String, described: String,
                          offersScale: Bool = false) throws {
        if scale == nil, type == tensor.type { return }
        let quantized = [.int8, .uint8, .int16].contains(tensor.type) && tensor.scalarScale > 0
        let floats = scale != nil ? isNumeric(type) : isFloat(type)
        if floats, tensor.type == .float32 || quantized { return }
        var message = "dtype \(type.numpyName) does not match \(described)"
        if scale != nil, !(tensor.type == .float32 || quantized) {
            message += "; --scale makes float32 values, which only a float32 or quantized input takes"
        } else if offersScale, scale == nil, isNumeric(type), tensor.type == .float32 || quantized {
            message += "; to use \(type.numpyName) values as numbers to scale (e.g. pixels), give --scale (such as --scale 1/255)"
        }
        throw FileError(file: file, message: message, code: ExitCode.invalidInput)
    }

    /// The bytes `tensor` takes for the values of `array` (checked by `checkType`): the array's own
    /// when the types agree and no scale is given; else the values as float32 (see `floats`), as
    /// they are for a float32 input, or quantized as TFLM's QUANTIZE kernel does for a quantized
    /// one. `position` names an element index in errors ("element 3", "sample 2, element 3").
    static func convert(_ array: NpyArray, scale: ValueScale?, for tensor: TensorInfo, file: String, described: String,
                        position: (Int) -> String) throws -> Conversion {
        if scale == nil, array.type == tensor.type { return Conversion(bytes: array.bytes, note: nil) }
        let values = floats(array, scale: scale)
        let source = "\(array.type.numpyName) values" + (scale.map { " \($0.phrase) in float32" } ?? "")
        if tensor.type == .float32 {
            var bytes = [UInt8](repeating: 0, count: values.count * 4)
            bytes.withUnsafeMutableBytes { raw in
                for (i, v) in values.enumerated() { raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
            }
            let how = scale != nil ? "" : array.type == .float64 ? " converted to float32 (rounded to nearest)" : " converted to float32 (exactly)"
            return Conversion(bytes: bytes, note: array.type == .float32 && scale == nil ? nil : "\(source)\(how) for \(described)")
        }
        guard tensor.scale.count == 1 else {
            throw FileError(file: file, message: "\(described) is quantized per channel; give \(tensor.type.numpyName) values", code: ExitCode.invalidInput)
        }
        let scaleValue = tensor.scale[0]
        let zeroPoint = tensor.zeroPoint.first ?? 0
        if let bad = values.firstIndex(where: \.isNaN) {
            throw FileError(file: file, message: "\(position(bad)) is NaN and cannot be quantized for \(described)", code: ExitCode.invalidInput)
        }
        return Conversion(bytes: quantize(values, scale: scaleValue, zeroPoint: zeroPoint, to: tensor.type),
                          note: "\(source)\(scale == nil ? "" : ",") quantized to \(tensor.type.numpyName) for \(described) "
                              + "with its scale \(scaleValue) and zero point \(zeroPoint), as TFLM's QUANTIZE kernel does")
    }

    /// The array's values as float32: float16 widened (exactly), float64 rounded to nearest, as a
    /// float32 model input holds them; integers converted (exactly up to 2^24). With `scale`, each
    /// float32 value is then multiplied or divided by it in float32, as numpy's
    /// `x.astype(np.float32) / 255` does.
    static func floats(_ array: NpyArray, scale: ValueScale? = nil) -> [Float] {
        let count = array.elementCount
        var values = [Float](repeating: 0, count: count)
        array.bytes.withUnsafeBytes { raw in
            values.withUnsafeMutableBufferPointer { out in
                func fill<T>(_: T.Type, _ convert: (T) -> Float) {
                    let size = MemoryLayout<T>.size
                    guard raw.count >= count * size else { return }
                    for i in 0..<count { out[i] = convert(raw.loadUnaligned(fromByteOffset: size * i, as: T.self)) }
                }
                switch array.type {
                case .float32: fill(UInt32.self) { Float(bitPattern: UInt32(littleEndian: $0)) }
                case .float64: fill(UInt64.self) { Float(Double(bitPattern: UInt64(littleEndian: $0))) }
                case .float16: fill(UInt16.self) { halfToFloat(UInt16(littleEndian: $0)) }
                case .int8: fill(Int8.self) { Float($0) }
                case .uint8: fill(UInt8.self) { Float($0) }
                case .int16: fill(Int16.self) { Float(Int16(littleEndian: $0)) }
                case .uint16: fill(UInt16.self) { Float(UInt16(littleEndian: $0)) }
                case .int32: fill(Int32.self) { Float(Int32(littleEndian: $0)) }
                case .uint32: fill(UInt32.self) { Float(UInt32(littleEndian: $0)) }
                case .int64: fill(Int64.self) { Float(Int64(littleEndian: $0)) }
                case .uint64: fill(UInt64.self) { Float(UInt64(littleEndian: $0)) }
                default: break
                }
                if let scale {
                    for i in 0..<count { out[i] = scale.apply(out[i]) }
                }
            }
        }
        return values
    }

    /// An IEEE 754 half-precision value as float32 (exact: every half is a float).
    static func halfToFloat(_ bits: UInt16) -> Float {
        let sign: UInt32 = UInt32(bits >> 15) << 31
        let exponent = Int(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13) }
        if exponent == 0 {
            // Zero or subnormal: mantissa × 2^-24.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign != 0 ? -magnitude : magnitude
        }
        return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | mantissa << 13)
    }

    /// TFLM's reference AffineQuantize: round(value / scale) in float32, half away from zero,
    /// plus the zero point, clamped to the type. The float-to-int32 conversion saturates, as
    /// Cortex-M's VCVT does (C leaves out-of-range conversions undefined). NaN is refused earlier.
    static func quantize(_ values: [Float], scale: Float, zeroPoint: Int32, to type: TensorType) -> [UInt8] {
        let (low, high): (Int64, Int64) = type == .int16 ? (-32768, 32767) : type == .uint8 ? (0, 255) : (-128, 127)
        var out: [UInt8] = []
        out.reserveCapacity(values.count * (type == .int16 ? 2 : 1))
        for v in values {
            let rounded = (v / scale).rounded(.toNearestOrAwayFromZero)
            let asInt32 = rounded >= 2_147_483_647 ? Int64(Int32.max) : rounded <= -2_147_483_648 ? Int64(Int32.min) : Int64(rounded)
            let q = min(max(asInt32 + Int64(zeroPoint), low), high)
            if type == .int16 {
                let bits = UInt16(bitPattern: Int16(q))
                out += [UInt8(bits & 0xFF), UInt8(bits >> 8)]
            } else {
                out.append(UInt8(truncatingIfNeeded: q))
            }
        }
        return out
    }
}

extension InputFiles {
    /// Deterministic inputs from `seed`, the same on every host (`run` without --input, `bench`).
    static func fillRandom(_ interpreter: MicroInterpreter, seed: Int) throws {
        for (i, bytes) in randomInputs(interpreter, seed: seed).enumerated() { try interpreter.setInput(i, bytes: bytes) }
    }

    /// The bytes fillRandom sets, per input.
    static func randomInputs(_ interpreter: MicroInterpreter, seed: Int) -> [[UInt8]] {
        var rng = SplitMix64(seed: UInt64(bitPattern: Int64(seed)))
        return (0..<interpreter.inputIndices.count).map { i in
            let t = interpreter.inputTensor(i)
            return randomBytes(type: t.type, count: t.elementCount, rng: &rng)
        }
    }

    static func randomBytes(type: TensorType, count: Int, rng: inout SplitMix64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count * (type.byteSize ?? 1))
        func append<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        for _ in 0..<count {
            let r = rng.next()
            switch type {
            case .int8, .uint8, .bool: out.append(type == .bool ? UInt8(r & 1) : UInt8(truncatingIfNeeded: r))
            case .int16: append(Int16(truncatingIfNeeded: r))
            case .int32: append(Int32(Int64(r % 201) - 100))
            case .int64: append(Int64(r % 201) - 100)
            case .float32: append(Float(Double(r >> 11) / Double(1 << 53) * 2 - 1).bitPattern)
            default: out.append(contentsOf: [UInt8](repeating: 0, count: type.byteSize ?? 1))
            }
        }
        return out
    }
}

/// A small, well-known generator (Steele, Lea, Flood 2014) so random inputs are the
/// same on every host.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

