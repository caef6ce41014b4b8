import XCTest
@testable import Interpreter

/// The kernels' fast paths (int16 GEMM convolutions, padded-image depthwise loops,
/// float GEMM, table-driven ADD, one-rounding requantization) against plain scalar
/// transcriptions of TFLM's reference kernels written here (reference_integer_ops::
/// ConvPerChannel, DepthwiseConvPerChannel and FullyConnected, reference_ops::Conv,
/// DepthwiseConv and FullyConnected for float, add.cc's quantized Add), byte for byte, on
/// a few hundred seeded random shapes each: strides, dilations, padding, groups, depth
/// multipliers, per-tensor and per-channel scales, extreme zero points and multipliers,
/// weights of -128, non-finite float weights. Not timed.
final class KernelEquivalenceTests: XCTestCase {
    static let casesPerKernel = 300

    // MARK: Random data

    /// SplitMix64: a fixed sequence per seed on every platform.
    struct Random: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
        mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
        mutating func int8s(_ n: Int) -> [Int8] { (0..<n).map { _ in Int8.random(in: .min ... .max, using: &self) } }
        /// A positive scale spread over several orders of magnitude.
        mutating func scale() -> Float { Float(pow(2.0, Double.random(in: -12 ... 2, using: &self))) }
        /// A zero point: usually anywhere in int8, sometimes at its ends.
        mutating func zeroPoint() -> Int32 {
            chance(0.2) ? (chance(0.5) ? -128 : 127) : Int32(int(-128...127))
        }
        mutating func floats(_ n: Int, _ range: ClosedRange<Float> = -2 ... 2) -> [Float] {
            (0..<n).map { _ in Float.random(in: range, using: &self) }
        }
        mutating func activation() -> FusedActivation {
            [.none, .relu, .relu6, .reluN1To1][int(0...3)]
        }
    }

    static func bytes<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { [UInt8]($0) } }

    static func operand<T>(_ type: TensorType, _ shape: [Int], _ values: [T], constant: Bool = false, scale: [Float] = [],
                           zeroPoint: [Int32] = [], quantizedDimension: Int = 0) -> KernelRunner.Operand {
        KernelRunner.Operand(type: type, shape: shape, bytes: bytes(values), constant: constant, scale: scale,
                             zeroPoint: zeroPoint, quantizedDimension: quantizedDimension)
    }

    // MARK: Convolution shapes (TFLM's padding arithmetic, written out again)

    struct ConvShape: CustomStringConvertible {
        var batches = 1, height = 1, width = 1, inputDepth = 1
        var filterHeight = 1, filterWidth = 1, outputDepth = 1
        var strideH = 1, strideW = 1, dilationH = 1, dilationW = 1
        var same = false
        var groups = 1
        var depthMultiplier = 1
        var outHeight = 0, outWidth = 0, padH = 0, padW = 0

        var description: String {
            "\(batches)x\(height)x\(width)x\(inputDepth) filter \(filterHeight)x\(filterWidth)>\(outputDepth) stride \(strideH),\(strideW) "
                + "dilation \(dilationH),\(dilationW) \(same ? "SAME" : "VALID") groups \(groups) multiplier \(depthMultiplier)"
        }

        /// Output size and leading padding; false when the output would be empty.
        mutating func resolve() -> Bool {
            func size(_ input: Int, _ filter: Int, _ stride: Int, _ dilation: Int) -> (Int, Int) {
                let effective = (filter - 1) * dilation + 1
                let out = same ? (input + stride - 1) / stride : (input + stride - effective) / stride
                return (out, max((out - 1) * stride + effective - input, 0) / 2)
            }
            (outHeight, padH) = size(height, filterHeight, strideH, dilationH)
            (outWidth, padW) = size(width, filterWidth, strideW, dilationW)
            return outHeight > 0 && outWidth > 0
        }

        static func random(_ r: inout Random, depthwise: Bool) -> ConvShape {
            while true {
                var s = ConvShape()
                s.batches = r.chance(0.2) ? 2 : 1
                s.height = r.int(1...9)
                s.width = r.int(1...9)
                s.filterHeight = r.int(1...4)
                s.filterWidth = r.int(1...4)
                if r.chance(0.15) { (s.filterHeight, s.filterWidth) = (1, 1) }
                s.strideH = r.int(1...3)
                s.strideW = r.chance(0.7) ? s.strideH : r.int(1...3)
                s.dilationH = r.chance(0.75) ? 1 : r.int(2...3)
                s.dilationW = r.chance(0.75) ? 1 : r.int(2...3)
                s.same = r.chance(0.5)
                if depthwise {
                    s.inputDepth = r.chance(0.5) ? r.int(1...20) : 8 * r.int(1...3)
                    s.depthMultiplier = r.chance(0.75) ? 1 : r.int(2...3)
                    s.outputDepth = s.inputDepth * s.depthMultiplier
                } else {
                    s.groups = r.chance(0.15) ? r.int(2...3) : 1
                    // Depths of 8k reach the pointwise (1x1, stride 1) gather.
                    s.inputDepth = s.groups == 1 && r.chance(0.3) ? 8 * r.int(1...3) : s.groups * r.int(1...12)
                    if s.filterHeight == 1 && s.filterWidth == 1 && r.chance(0.5) { (s.strideH, s.strideW) = (1, 1) }
                    s.outputDepth = s.groups * r.int(1...(s.groups > 1 ? 6 : 17))
                }
                if s.resolve() { return s }
            }
        }

        func convOptions(activation: FusedActivation, depthwise: Bool) -> BuiltinOptions {
            var fields: [(String, OptionValue)] = [
                ("padding", .enumeration(same ? "SAME" : "VALID", same ? 0 : 1)),
                ("stride_w", .int(Int64(strideW))), ("stride_h", .int(Int64(strideH))),
                ("fused_activation_function", .enumeration(activation.name ?? "", Int64(activation.rawValue))),
                ("dilation_w_factor", .int(Int64(dilationW))), ("dilation_h_factor", .int(Int64(dilationH))),
            ]
            if depthwise { fields.append(("depth_multiplier", .int(Int64(depthMultiplier)))) }
            return KernelRunner.options(depthwise ? "DEPTHWISE_CONV_2D" : "CONV_2D", fields)
        }

        /// Calls body(b, oy, ox, iy, ix, fy, fx) for each tap inside the input, in TFLM's
        /// order for one output position: filter row, then column.
        func forEachTap(_ b: Int, _ oy: Int, _ ox: Int, _ body: (Int, Int, Int, Int) -> Void) {
            for fy in 0..<filterHeight {
                for fx in 0..<filterWidth {
                    let iy = oy * strideH - padH + fy * dilationH, ix = ox * strideW - padW + fx * dilationW
                    if iy >= 0 && iy < height && ix >= 0 && ix < width { body(iy, ix, fy, fx) }
                }
            }
        }
    }

    /// TFLM's per-channel quantization of a convolution: (multiplier, shift) per channel.
    static func multipliers(inputScale: Float, filterScales: [Float], outputScale: Float, channels: Int) -> [(Int32, Int32)] {
        (0..<channels).map { c in
            let f = filterScales.count > 1 ? filterScales[c] : filterScales[0]
            return QuantizedMath.quantizeMultiplier(Double(inputScale) * Double(f) / Double(outputScale))
        }
    }

    /// CalculateActivationRangeQuantized for int8, written out again (the scales here keep
    /// every bound in range, so TFLM's Prepare accepts them all).
    static func int8Range(_ activation: FusedActivation, scale: Float, zeroPoint: Int32) -> (min: Int32, max: Int32) {
        func quantize(_ f: Float) -> Int32 { zeroPoint &+ Int32((f / scale).rounded(.toNearestOrAwayFromZero)) }
        switch activation {
        case .relu: return (max(-128, quantize(0)), 127)
        case .relu6: return (max(-128, quantize(0)), min(127, quantize(6)))
        case .reluN1To1: return (max(-128, quantize(-1)), min(127, quantize(1)))
        default: return (-128, 127)
        }
    }

    static func requantize(_ acc: Int32, _ q: (Int32, Int32), _ outputZeroPoint: Int32, _ range: (min: Int32, max: Int32)) -> Int8 {
        let v = QuantizedMath.multiplyByQuantizedMultiplier(acc, q.0, q.1) &+ outputZeroPoint
        return Int8(truncatingIfNeeded: min(max(v, range.min), range.max))
    }

    // MARK: Requantizer

    /// The one-rounding requantization equals TFLM's two-step MultiplyByQuantizedMultiplier
    /// for every shift, extreme accumulators and multipliers (including the saturating
    /// INT32_MIN x INT32_MIN and negative multipliers of hostile models).
    func testOneRoundingRequantizationEqualsTFLMsTwoSteps() {
        var r = Random(seed: 1)
        let specialX: [Int32] = [.min, .min + 1, -1 << 30, -(1 << 30) - 1, -1, 0, 1, 1 << 30, .max - 1, .max]
        let specialM: [Int32] = [.min, -(1 << 30), 0, 1, 1 << 30, (1 << 30) + 1, .max]
        var checked = 0
        for shift in Int32(-31)...31 {
            var multipliers = specialM
            for _ in 0..<20 { multipliers.append(Int32.random(in: (1 << 30) ... .max, using: &r)) }
            for m in multipliers {
                let q = ChannelRequantization(multiplier: m, shift: shift)
                var xs = specialX
                for _ in 0..<200 { xs.append(Int32.random(in: .min ... .max, using: &r)) }
                for _ in 0..<100 { xs.append(Int32.random(in: -70_000 ... 70_000, using: &r)) }
                for x in xs {
                    let expected = QuantizedMath.multiplyByQuantizedMultiplier(x, m, shift)
                    if q.apply(x) != expected {
                        return XCTFail("x \(x) m \(m) shift \(shift): \(q.apply(x)) != TFLM's \(expected)")
                    }
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 500_000)
    }

    /// The 8-lane requantization (conv, depthwise and FULLY_CONNECTED int8 outputs) equals
    /// TFLM's two-step MultiplyByQuantizedMultiplier for every shift it accepts, extreme
    /// accumulators and multipliers, with each lane's channel different; a negative
    /// multiplier (a hostile model's) keeps the whole operator on the scalar form.
    func testLaneRequantizationEqualsTFLMsTwoSteps() throws {
        var r = Random(seed: 3)
        let specialX: [Int32] = [.min, .min + 1, -1 << 30, -(1 << 30) - 1, -2, -1, 0, 1, 2, 1 << 30, .max - 1, .max]
        let specialM: [Int32] = [0, 1, 1 << 30, (1 << 30) + 1, .max - 1, .max]
        var checked = 0
        for round in 0..<400 {
            // Eight channels: shifts across TFLM's range, the same shift in every lane for some rounds.
            let sharedShift = round % 3 == 0 ? Int32(r.int(-31...31)) : nil
            let shifts = (0..<8).map { _ in sharedShift ?? Int32(r.int(-31...31)) }
            let multipliers = (0..<8).map { _ in r.chance(0.2) ? specialM[r.int(0...(specialM.count - 1))] : Int32.random(in: (1 << 30) ... .max, using: &r) }
            // The view holds plain pointers: the object must outlive it.
            let owner = try XCTUnwrap(RequantizationLanes(multipliers: multipliers, shifts: shifts))
            defer { withExtendedLifetime(owner) {} }
            let lanes = owner.view
            for _ in 0..<40 {
                let x = SIMD8<Int32>((0..<8).map { _ -> Int32 in
                    switch r.int(0...2) {
                    case 0: return specialX[r.int(0...(specialX.count - 1))]
                    case 1: return Int32.random(in: .min ... .max, using: &r)
                    default: return Int32(r.int(-70_000...70_000))
                    }
                })
                let got = lanes.apply8(x, channel: 0)
                for i in 0..<8 {
                    let expected = QuantizedMath.multiplyByQuantizedMultiplier(x[i], multipliers[i], shifts[i])
                    if got[i] != expected {
                        return XCTFail("x \(x[i]) m \(multipliers[i]) shift \(shifts[i]): \(got[i]) != TFLM's \(expected)")
                    }
                    checked += 1
                }
            }
        }
        // Every shift with every special accumulator, channel offsets included.
        for shift in Int32(-31)...31 {
            let multipliers = (0..<16).map { i in i < specialM.count ? specialM[i] : Int32.random(in: (1 << 30) ... .max, using: &r) }
            let owner = try XCTUnwrap(RequantizationLanes(multipliers: multipliers, shifts: Array(repeating: shift, count: 16)))
            defer { withExtendedLifetime(owner) {} }
            let lanes = owner.view
            for x in specialX {
                for offset in [0, 8] {
                    let got = lanes.apply8(SIMD8(repeating: x), channel: offset)
                    for i in 0..<8 {
                        XCTAssertEqual(got[i], QuantizedMath.multiplyByQuantizedMultiplier(x, multipliers[offset + i], shift), "x \(x) shift \(shift)")
                        checked += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(checked, 100_000)
        XCTAssertNil(RequantizationLanes(multipliers: [1 << 30, -(1 << 30)], shifts: [0, 0]))
        XCTAssertNil(RequantizationLanes(multipliers: [1 << 30], shifts: [-32]))
        XCTAssertNil(Requantizer(multipliers: [.min], shifts: [0]).lanes)
    }

    /// The panel GEMM under int8 CONV_2D equals the plain sums of products for every block
    /// shape it has (four rows and two panels, one panel, single rows; partial panels),
    /// with extreme int16 values whose pair sums wrap as C's int32 does.
    func testPanelGEMMEqualsPlainSums() {
        var r = Random(seed: 11)
        for _ in 0..<Self.casesPerKernel {
            let rows = r.int(1...11), columns = r.int(1...40), depth = 2 * r.int(1...40)
            let extreme = r.chance(0.2)
            func value() -> Int16 { extreme ? (r.chance(0.5) ? .min : .max) : Int16(r.int(-255...255)) }
            let x = (0..<(rows * depth)).map { _ in value() }
            let w = (0..<(columns * depth)).map { _ in extreme ? value() : Int16(r.int(-128...127)) }
            let stride = (columns + 7) / 8 * 8 + r.int(0...3) * 8
            var panels = [Int16](repeating: 0, count: Int16GEMM.panelElements(columns: columns, depth: depth))
            var sums = [Int32](repeating: -1, count: rows * stride)
            w.withUnsafeBufferPointer { wp in
                panels.withUnsafeMutableBufferPointer { pp in
                    Int16GEMM.packPanels(weights: wp.baseAddress!, columns: columns, depth: depth, into: pp.baseAddress!)
                }
            }
            x.withUnsafeBufferPointer { xp in
                panels.withUnsafeBufferPointer { pp in
                    sums.withUnsafeMutableBufferPointer { sp in
                        Int16GEMM.multiplyPanels(rows: xp.baseAddress!, rowCount: rows, panels: pp.baseAddress!, columns: columns,
                                                 depth: depth, into: sp.baseAddress!, sumStride: stride)
                    }
                }
            }
            for i in 0..<rows {
                for n in 0..<((columns + 7) / 8 * 8) {
                    var expected: Int32 = 0
                    if n < columns {
                        for k in 0..<depth { expected &+= Int32(x[i * depth + k]) &* Int32(w[n * depth + k]) }
                    }
                    if sums[i * stride + n] != expected {
                        return XCTFail("rows \(rows) columns \(columns) depth \(depth): sum[\(i)][\(n)] \(sums[i * stride + n]) != \(expected)")
                    }
                }
            }
        }
    }

    // MARK: CONV_2D int8

    func testConv2DInt8MatchesReference() throws {
        var r = Random(seed: 2)
        for n in 0..<Self.casesPerKernel {
            let s = ConvShape.random(&r, depthwise: false)
            let filterDepth = s.inputDepth / s.groups
            let perGroup = s.outputDepth / s.groups
            let perChannel = r.chance(0.6)
            // A zero point outside int8 only in a hostile model: its own (scalar) path.
            let inputZeroPoint: Int32 = r.chance(0.05) ? Int32(r.int(-300...300)) : r.zeroPoint()
            let outputZeroPoint = r.zeroPoint()
            let inputScale = r.scale(), outputScale = r.scale()
            let filterScales = (0..<(perChannel ? s.outputDepth : 1)).map { _ in r.scale() }
            let activation = r.activation()
            let input = r.int8s(s.batches * s.height * s.width * s.inputDepth)
            let filter = r.int8s(s.outputDepth * s.filterHeight * s.filterWidth * filterDepth)
            let hasBias = r.chance(0.8)
            let bias = (0..<s.outputDepth).map { _ in Int32(r.int(r.chance(0.1) ? -(1 << 30) ... (1 << 30) : -50_000 ... 50_000)) }

            // Reference: ConvPerChannel.
            let q = Self.multipliers(inputScale: inputScale, filterScales: filterScales, outputScale: outputScale, channels: s.outputDepth)
            let range = Self.int8Range(activation, scale: outputScale, zeroPoint: outputZeroPoint)
            var expected: [Int8] = []
            for b in 0..<s.batches {
                for oy in 0..<s.outHeight {
                    for ox in 0..<s.outWidth {
                        for oc in 0..<s.outputDepth {
                            let group = oc / perGroup
                            var acc: Int32 = 0
                            s.forEachTap(b, oy, ox) { iy, ix, fy, fx in
                                for ic in 0..<filterDepth {
                                    let x = Int32(input[((b * s.height + iy) * s.width + ix) * s.inputDepth + group * filterDepth + ic])
                                    let w = Int32(filter[((oc * s.filterHeight + fy) * s.filterWidth + fx) * filterDepth + ic])
                                    acc &+= w &* (x &- inputZeroPoint)
                                }
                            }
                            if hasBias { acc &+= bias[oc] }
                            expected.append(Self.requantize(acc, q[oc], outputZeroPoint, range))
                        }
                    }
                }
            }

            let result = try KernelRunner.run(
                "CONV_2D", options: s.convOptions(activation: activation, depthwise: false), variant: r.chance(0.5) ? .cmsisNN : .reference,
                inputs: [
                    Self.operand(.int8, [s.batches, s.height, s.width, s.inputDepth], input, scale: [inputScale], zeroPoint: [inputZeroPoint]),
                    Self.operand(.int8, [s.outputDepth, s.filterHeight, s.filterWidth, filterDepth], filter, constant: true,
                                 scale: filterScales, zeroPoint: [Int32](repeating: 0, count: filterScales.count)),
                    hasBias ? Self.operand(.int32, [s.outputDepth], bias, constant: true) : nil,
                ],
                outputs: [Self.operand(.int8, [s.batches, s.outHeight, s.outWidth, s.outputDepth], [Int8](repeating: 0, count: expected.count),
                                       scale: [outputScale], zeroPoint: [outputZeroPoint])])
            XCTAssertEqual(result.values(0, Int8.self), expected, "case \(n): \(s) input zp \(inputZeroPoint) per-channel \(perChannel)")
            if result.values(0, Int8.self) != expected { return }
        }
    }

    // MARK: DEPTHWISE_CONV_2D int8

    func testDepthwiseConv2DInt8MatchesReference() throws {
        var r = Random(seed: 3)
        for n in 0..<Self.casesPerKernel {
            let s = ConvShape.random(&r, depthwise: true)
            let perChannel = r.chance(0.6)
            let inputZeroPoint: Int32 = r.chance(0.05) ? Int32(r.int(-300...300)) : r.zeroPoint()
            let outputZeroPoint = r.zeroPoint()
            let inputScale = r.scale(), outputScale = r.scale()
            let filterScales = (0..<(perChannel ? s.outputDepth : 1)).map { _ in r.scale() }
            let activation = r.activation()
            let input = r.int8s(s.batches * s.height * s.width * s.inputDepth)
            let filter = r.int8s(s.filterHeight * s.filterWidth * s.outputDepth)
            let hasBias = r.chance(0.8)
            let bias = (0..<s.outputDepth).map { _ in Int32(r.int(-50_000...50_000)) }

            // Reference: DepthwiseConvPerChannel.
            let q = Self.multipliers(inputScale: inputScale, filterScales: filterScales, outputScale: outputScale, channels: s.outputDepth)
            let range = Self.int8Range(activation, scale: outputScale, zeroPoint: outputZeroPoint)
            var expected: [Int8] = []
            for b in 0..<s.batches {
                for oy in 0..<s.outHeight {
                    for ox in 0..<s.outWidth {
                        for oc in 0..<s.outputDepth {
                            let ic = oc / s.depthMultiplier
                            var acc: Int32 = 0
                            s.forEachTap(b, oy, ox) { iy, ix, fy, fx in
                                let x = Int32(input[((b * s.height + iy) * s.width + ix) * s.inputDepth + ic])
                                let w = Int32(filter[(fy * s.filterWidth + fx) * s.outputDepth + oc])
                                acc &+= w &* (x &- inputZeroPoint)
                            }
                            if hasBias { acc &+= bias[oc] }
                            expected.append(Self.requantize(acc, q[oc], outputZeroPoint, range))
                        }
                    }
                }
            }

            let result = try KernelRunner.run(
                "DEPTHWISE_CONV_2D", options: s.convOptions(activation: activation, depthwise: true),
                variant: r.chance(0.5) ? .cmsisNN : .reference,
                inputs: [
                    Self.operand(.int8, [s.batches, s.height, s.width, s.inputDepth], input, scale: [inputScale], zeroPoint: [inputZeroPoint]),
                    Self.operand(.int8, [1, s.filterHeight, s.filterWidth, s.outputDepth], filter, constant: true,
                                 scale: filterScales, zeroPoint: [Int32](repeating: 0, count: filterScales.count), quantizedDimension: 3),
                    hasBias ? Self.operand(.int32, [s.outputDepth], bias, constant: true) : nil,
                ],
                outputs: [Self.operand(.int8, [s.batches, s.outHeight, s.outWidth, s.outputDepth], [Int8](repeating: 0, count: expected.count),
                                       scale: [outputScale], zeroPoint: [outputZeroPoint])])
            XCTAssertEqual(result.values(0, Int8.self), expected, "case \(n): \(s) input zp \(inputZeroPoint) per-channel \(perChannel)")
            if result.values(0, Int8.self) != expected { return }
        }
    }

    // MARK: Float convolutions

    /// Float weights, sometimes with a NaN or an infinity (the loops that skip padding
    /// taps must then run), and the float activation clamp.
    static func floatWeights(_ r: inout Random, _ n: Int) -> [Float] {
        var w = r.floats(n)
        if r.chance(0.08), n > 0 { w[r.int(0...(n - 1))] = r.chance(0.5) ? .nan : -.infinity }
        return w
    }

    static func clamp(_ x: Float, _ activation: FusedActivation) -> Float {
        let (lo, hi) = QuantizedMath.activationRange(activation)
        let a = x < lo ? lo : x
        return hi < a ? hi : a
    }

    static func assertSameBits(_ actual: [Float], _ expected: [Float], _ message: String) -> Bool {
        let same = actual.count == expected.count && zip(actual, expected).allSatisfy { $0.bitPattern == $1.bitPattern }
        XCTAssertTrue(same, message + ": first difference at \(zip(actual, expected).enumerated().first { $0.1.0.bitPattern != $0.1.1.bitPattern }.map { "\($0.0): \($0.1.0) != \($0.1.1)" } ?? "count")")
        return same
    }

    func testConv2DFloatMatchesReference() throws {
        var r = Random(seed: 4)
        for n in 0..<Self.casesPerKernel {
            let s = ConvShape.random(&r, depthwise: false)
            let filterDepth = s.inputDepth / s.groups, perGroup = s.outputDepth / s.groups
            let activation = r.activation()
            let input = r.floats(s.batches * s.height * s.width * s.inputDepth)
            let filter = Self.floatWeights(&r, s.outputDepth * s.filterHeight * s.filterWidth * filterDepth)
            let hasBias = r.chance(0.8)
            let bias = r.floats(s.outputDepth)

            // Reference: reference_ops::Conv, padding taps skipped.
            var expected: [Float] = []
            for b in 0..<s.batches {
                for oy in 0..<s.outHeight {
                    for ox in 0..<s.outWidth {
                        for oc in 0..<s.outputDepth {
                            let group = oc / perGroup
                            var total: Float = 0
                            s.forEachTap(b, oy, ox) { iy, ix, fy, fx in
                                for ic in 0..<filterDepth {
                                    let x = input[((b * s.height + iy) * s.width + ix) * s.inputDepth + group * filterDepth + ic]
                                    let w = filter[((oc * s.filterHeight + fy) * s.filterWidth + fx) * filterDepth + ic]
                                    total += x * w
                                }
                            }
                            expected.append(Self.clamp(total + (hasBias ? bias[oc] : 0), activation))
                        }
                    }
                }
            }
            let result = try KernelRunner.run(
                "CONV_2D", options: s.convOptions(activation: activation, depthwise: false), variant: r.chance(0.5) ? .cmsisNN : .reference,
                inputs: [
                    Self.operand(.float32, [s.batches, s.height, s.width, s.inputDepth], input),
                    Self.operand(.float32, [s.outputDepth, s.filterHeight, s.filterWidth, filterDepth], filter, constant: true),
                    hasBias ? Self.operand(.float32, [s.outputDepth], bias, constant: true) : nil,
                ],
                outputs: [Self.operand(.float32, [s.batches, s.outHeight, s.outWidth, s.outputDepth], [Float](repeating: 0, count: expected.count))])
            if !Self.assertSameBits(result.values(0, Float.self), expected, "case \(n): \(s)") { return }
        }
    }

    func testDepthwiseConv2DFloatMatchesReference() throws {
        var r = Random(seed: 5)
        for n in 0..<Self.casesPerKernel {
            let s = ConvShape.random(&r, depthwise: true)
            let activation = r.activation()
            let input = r.floats(s.batches * s.height * s.width * s.inputDepth)
            let filter = Self.floatWeights(&r, s.filterHeight * s.filterWidth * s.outputDepth)
            let hasBias = r.chance(0.8)
            let bias = r.floats(s.outputDepth)

            // Reference: reference_ops::DepthwiseConv.
            var expected: [Float] = []
            for b in 0..<s.batches {
                for oy in 0..<s.outHeight {
                    for ox in 0..<s.outWidth {
                        for oc in 0..<s.outputDepth {
                            var total: Float = 0
                            s.forEachTap(b, oy, ox) { iy, ix, fy, fx in
                                total += input[((b * s.height + iy) * s.width + ix) * s.inputDepth + oc / s.depthMultiplier]
                                    * filter[(fy * s.filterWidth + fx) * s.outputDepth + oc]
                            }
                            expected.append(Self.clamp(total + (hasBias ? bias[oc] : 0), activation))
                        }
                    }
                }
            }
            let result = try KernelRunner.run(
                "DEPTHWISE_CONV_2D", options: s.convOptions(activation: activation, depthwise: true), variant: .reference,
                inputs: [
                    Self.operand(.float32, [s.batches, s.height, s.width, s.inputDepth], input),
                    Self.operand(.float32, [1, s.filterHeight, s.filterWidth, s.outputDepth], filter, constant: true),
                    hasBias ? Self.operand(.float32, [s.outputDepth], bias, constant: true) : nil,
                ],
                outputs: [Self.operand(.float32, [s.batches, s.outHeight, s.outWidth, s.outputDepth], [Float](repeating: 0, count: expected.count))])
            if !Self.assertSameBits(result.values(0, Float.self), expected, "case \(n): \(s)") { return }
        }
    }

    // MARK: FULLY_CONNECTED int8

    func testFullyConnectedInt8MatchesReference() throws {
        var r = Random(seed: 6)
        for n in 0..<Self.casesPerKernel {
            let batches = r.chance(0.6) ? 1 : r.int(2...20)
            let depth = r.int(1...70), units = r.int(1...24)
            let perChannel = r.chance(0.5)
            // Per-tensor weights may carry a zero point (TFLM's filter offset): the loop without the GEMM.
            let filterZeroPoint: Int32 = !perChannel && r.chance(0.2) ? Int32(r.int(-20...20)) : 0
            let inputZeroPoint = r.zeroPoint(), outputZeroPoint = r.zeroPoint()
            let inputScale = r.scale(), outputScale = r.scale()
            let filterScales = (0..<(perChannel ? units : 1)).map { _ in r.scale() }
            let activation = r.activation()
            let input = r.int8s(batches * depth)
            let filter = r.int8s(units * depth)
            let hasBias = r.chance(0.8)
            let bias = (0..<units).map { _ in Int32(r.int(-100_000...100_000)) }

            // Reference: FullyConnected / FullyConnectedPerChannel. Per-tensor: the scale
            // product in float, as GetQuantizedConvolutionMultipler.
            let q: [(Int32, Int32)] = (0..<units).map { c in
                perChannel ? QuantizedMath.quantizeMultiplier(Double(inputScale) * Double(filterScales[c]) / Double(outputScale))
                    : QuantizedMath.quantizeMultiplier(Double(inputScale * filterScales[0]) / Double(outputScale))
            }
            let range = Self.int8Range(activation, scale: outputScale, zeroPoint: outputZeroPoint)
            var expected: [Int8] = []
            for b in 0..<batches {
                for o in 0..<units {
                    var acc: Int32 = 0
                    for d in 0..<depth {
                        acc &+= (Int32(filter[o * depth + d]) &- filterZeroPoint) &* (Int32(input[b * depth + d]) &- inputZeroPoint)
                    }
                    if hasBias { acc &+= bias[o] }
                    expected.append(Self.requantize(acc, q[o], outputZeroPoint, range))
                }
            }
            let options = KernelRunner.options("FULLY_CONNECTED", [
                ("fused_activation_function", .enumeration(activation.name ?? "", Int64(activation.rawValue)))])
            let result = try KernelRunner.run(
                "FULLY_CONNECTED", options: options, variant: r.chance(0.5) ? .cmsisNN : .reference,
                inputs: [
                    Self.operand(.int8, [batches, depth], input, scale: [inputScale], zeroPoint: [inputZeroPoint]),
                    Self.operand(.int8, [units, depth], filter, constant: true, scale: filterScales,
                                 zeroPoint: [Int32](repeating: filterZeroPoint, count: filterScales.count)),
                    hasBias ? Self.operand(.int32, [units], bias, constant: true, scale: [inputScale * filterScales[0]], zeroPoint: [0]) : nil,
                ],
                outputs: [Self.operand(.int8, [batches, units], [Int8](repeating: 0, count: expected.count),
                                       scale: [outputScale], zeroPoint: [outputZeroPoint])])
            XCTAssertEqual(result.values(0, Int8.self), expected, "case \(n): \(batches)x\(depth)>\(units) per-channel \(perChannel)")
            if result.values(0, Int8.self) != expected { return }
        }
    }

    // MARK: ADD int8

    func testAddInt8MatchesReference() throws {
        var r = Random(seed: 7)
        for n in 0..<Self.casesPerKernel {
            // Same shapes (the flat loop), or one operand broadcast along some dimensions.
            let shape = [r.int(1...2), r.int(1...6), r.int(1...6), r.int(1...17)]
            var shape2 = shape
            if r.chance(0.3) { for i in 0..<4 where r.chance(0.5) { shape2[i] = 1 } }
            let swap = r.chance(0.5)
            let (shapeA, shapeB) = swap ? (shape2, shape) : (shape, shape2)
            let a = r.int8s(shapeA.reduce(1, *)), b = r.int8s(shapeB.reduce(1, *))
            let scaleA = r.scale(), scaleB = r.scale(), outputScale = r.scale()
            let zpA = r.zeroPoint(), zpB = r.zeroPoint(), zpOut = r.zeroPoint()
            let activation = r.activation()

            // Reference: add.cc's quantized Add (left shift 20), every multiplier in double.
            let twiceMax = 2 * Double(max(scaleA, scaleB))
            let reals = [Double(scaleA) / twiceMax, Double(scaleB) / twiceMax, twiceMax / (Double(1 << 20) * Double(outputScale))]
            if !reals.allSatisfy({ $0 > 0 && $0 < 1 }) { continue }  // TFLM refuses these
            let (m1, s1) = QuantizedMath.quantizeMultiplierSmallerThanOne(reals[0])
            let (m2, s2) = QuantizedMath.quantizeMultiplierSmallerThanOne(reals[1])
            let (mOut, sOut) = QuantizedMath.quantizeMultiplierSmallerThanOne(reals[2])
            let range = Self.int8Range(activation, scale: outputScale, zeroPoint: zpOut)
            func index(_ shape: [Int], _ i: [Int]) -> Int {
                var k = 0
                for d in 0..<4 { k = k * shape[d] + (shape[d] == 1 ? 0 : i[d]) }
                return k
            }
            var expected: [Int8] = []
            for i0 in 0..<shape[0] { for i1 in 0..<shape[1] { for i2 in 0..<shape[2] { for i3 in 0..<shape[3] {
                let i = [i0, i1, i2, i3]
                let x1 = (Int32(a[index(shapeA, i)]) &- zpA) &* (1 << 20), x2 = (Int32(b[index(shapeB, i)]) &- zpB) &* (1 << 20)
                let sum = QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOneExp(x1, m1, s1)
                    &+ QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOneExp(x2, m2, s2)
                let v = QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOneExp(sum, mOut, sOut) &+ zpOut
                expected.append(Int8(truncatingIfNeeded: min(max(v, range.min), range.max)))
            }}}}
            let options = KernelRunner.options("ADD", [
                ("fused_activation_function", .enumeration(activation.name ?? "", Int64(activation.rawValue)))])
            let result = try KernelRunner.run(
                "ADD", options: options, variant: r.chance(0.5) ? .cmsisNN : .reference,
                inputs: [Self.operand(.int8, shapeA, a, scale: [scaleA], zeroPoint: [zpA]),
                         Self.operand(.int8, shapeB, b, scale: [scaleB], zeroPoint: [zpB])],
                outputs: [Self.operand(.int8, shape, [Int8](repeating: 0, count: expected.count), scale: [outputScale], zeroPoint: [zpOut])])
            XCTAssertEqual(result.values(0, Int8.self), expected, "case \(n): \(shapeA) + \(shapeB)")
            if result.values(0, Int8.self) != expected { return }
        }
    }
}
