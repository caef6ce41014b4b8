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

    /// The tensor's bytes from `array`: its own when the dtype matches, quantized when floats
    /// are given for a quantized input.
    static func bytes(_ array: NpyArray, file: String, forInput i: Int, _ tensor: TensorInfo, frames: Int = 1,
                      console: Console) throws -> [UInt8] {
        let described = "input \(i) (\(tensor.type.numpyName) \(tensor.shape))"
        let quantizes = [.float32, .float64].contains(array.type) && [.int8, .uint8, .int16].contains(tensor.type) && (tensor.scale.first ?? 0) > 0
        guard array.type == tensor.type || quantizes else {
            throw FileError(file: file, message: "dtype \(array.type.numpyName) does not match \(described)", code: ExitCode.invalidInput)
        }
        guard frames > 1 || shapesMatch(array.shape, tensor.shape) else {
            throw FileError(file: file, message: "shape \(array.shape) does not match \(described), nor is it a stream of frames of it "
                            + "along a first axis", code: ExitCode.invalidInput)
        }
        if array.type == tensor.type { return array.bytes }
        guard tensor.scale.count == 1 else {
            throw FileError(file: file, message: "\(described) is quantized per channel; give \(tensor.type.numpyName) values", code: ExitCode.invalidInput)
        }
        let scale = tensor.scale[0]
        let zeroPoint = tensor.zeroPoint.first ?? 0
        let values = floats(array)
        if let bad = values.firstIndex(where: \.isNaN) {
            throw FileError(file: file, message: "element \(bad) is NaN and cannot be quantized for \(described)", code: ExitCode.invalidInput)
        }
        console.error("mcusim: note: \(file): \(array.type.numpyName) values quantized to \(tensor.type.numpyName) for \(described) "
                      + "with its scale \(scale) and zero point \(zeroPoint), as TFLM's QUANTIZE kernel does")
        return quantize(values, scale: scale, zeroPoint: zeroPoint, to: tensor.type)
    }

    /// The array's values as float32 (float64 rounded to nearest, as a float32 model input holds them).
    static func floats(_ array: NpyArray) -> [Float] {
        array.bytes.withUnsafeBytes { raw in
            array.type == .float64
                ? (0..<raw.count / 8).map { Float(raw.loadUnaligned(fromByteOffset: 8 * $0, as: Double.self)) }
                : (0..<raw.count / 4).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) }
        }
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

