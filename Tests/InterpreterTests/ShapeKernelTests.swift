import Foundation
import TestSupport
import XCTest
@testable import Interpreter

/// The Shape group's kernels (PAD, PADV2, SQUEEZE, EXPAND_DIMS, SHAPE, GATHER,
/// STRIDED_SLICE, TRANSPOSE, RESIZE_NEAREST_NEIGHBOR, RESIZE_BILINEAR,
/// TRANSPOSE_CONV, BATCH_MATMUL): TFLM goldens (zoo and project fixtures) in both
/// variants, persistent declarations against TFLM's arena records, hand-computed
/// cases for the arithmetic and index rules that are easy to get wrong, refusals.
final class ShapeKernelTests: XCTestCase {
    static let shapeOps: Set<String> = ["PAD", "PADV2", "SQUEEZE", "EXPAND_DIMS", "SHAPE", "GATHER", "STRIDED_SLICE",
                                        "TRANSPOSE", "RESIZE_NEAREST_NEIGHBOR", "RESIZE_BILINEAR", "TRANSPOSE_CONV",
                                        "BATCH_MATMUL"]

    // MARK: Goldens

    func testZooModelsAreBitExactInBothVariants() throws {
        try SharedReference.require()
        let zoo = SharedReference.zooDirectory
        for name in ["op_pad", "op_squeeze", "op_strided_slice", "op_transpose_conv"] {
            for variant in KernelVariant.allCases {
                try GoldenHarness.assertBitExact(name, modelDirectory: zoo, goldenDirectory: zoo, variant: variant)
            }
        }
    }

    /// Every project fixture that uses a Shape-group operator and only registered
    /// operators, in both variants; for the one-operator fixtures, the kernel's
    /// persistent requests against TFLM's record too.
    func testProjectFixturesAreBitExactInBothVariants() throws {
        let directory = SharedReference.fixturesDirectory
        let index = directory.appendingPathComponent("fixtures.json")
        guard FileManager.default.fileExists(atPath: index.path) else {
            throw XCTSkip("Tests/Fixtures/models/fixtures.json is absent; no project fixtures to check")
        }
        let fixtures = try SharedReference.json(index)["fixtures"] as? [String: [String: Any]] ?? [:]
        var exact: [String] = []
        var blocked: [String] = []
        var covered: Set<String> = []
        for name in fixtures.keys.sorted() {
            let entry = fixtures[name]!
            let ops = (entry["ops"] as? [[String: Any]] ?? []).compactMap { $0["op"] as? String }
            guard ops.contains(where: Self.shapeOps.contains) else { continue }
            guard ops.allSatisfy(KernelRunner.isRegistered) else {
                blocked.append("\(name) (needs \(ops.filter { !KernelRunner.isRegistered($0) }.joined(separator: ", ")))")
                continue
            }
            for variant in KernelVariant.allCases {
                let outcome = try GoldenHarness.run(name: name, modelDirectory: directory, goldenDirectory: directory, variant: variant)
                for m in outcome.mismatches {
                    XCTFail("\(name) [\(variant.rawValue)]: output \(m.output) differs from TFLM in \(m.differingBytes) of \(m.total) bytes")
                }
                if outcome.bitExact { exact.append("\(name)[\(variant.rawValue)]") }
            }
            for op in ops where Self.shapeOps.contains(op) { covered.insert("\(op) \(entry["type"] as? String ?? "?")") }
            if ops.count == 1, let record = ((entry["tflm"] as? [String: Any])?["persistent"] as? [String: Any])?["Persistent buffer data"] as? [Int],
               record.count == 3 {
                let ioCount = (entry["inputs"] as? [Any] ?? []).count + (entry["outputs"] as? [Any] ?? []).count
                try Self.assertKernelPersistent(name, model: directory.appendingPathComponent("\(name).tflite"),
                                                requested: record[1], count: record[2], ioTensors: ioCount)
            }
        }
        print("Shape fixtures bit-exact: \(exact.count): \(exact.joined(separator: ", "))")
        print("Shape fixtures covered (op type): \(covered.sorted().joined(separator: "; "))")
        if !blocked.isEmpty { print("Shape fixtures waiting for other kernels: \(blocked.joined(separator: "; "))") }
        if exact.isEmpty {
            throw XCTSkip("no project fixture exercises a Shape-group operator yet (fixtures.json lists \(fixtures.count) models)")
        }
    }

    /// Which of the group's operators have a TFLM golden at all (zoo or project
    /// fixtures); the others are checked by the hand-computed cases only.
    func testEveryOperatorHasATFLMGolden() throws {
        var covered: Set<String> = []
        let zooIndex = SharedReference.zooDirectory.appendingPathComponent("golden.json")
        if FileManager.default.fileExists(atPath: zooIndex.path) {
            for (_, entry) in try SharedReference.json(zooIndex)["models"] as? [String: [String: Any]] ?? [:] {
                covered.formUnion((entry["ops"] as? [[String: Any]] ?? []).compactMap { $0["op"] as? String })
            }
        }
        let fixtureIndex = SharedReference.fixturesDirectory.appendingPathComponent("fixtures.json")
        if FileManager.default.fileExists(atPath: fixtureIndex.path) {
            for (_, entry) in try SharedReference.json(fixtureIndex)["fixtures"] as? [String: [String: Any]] ?? [:] {
                covered.formUnion((entry["ops"] as? [[String: Any]] ?? []).compactMap { $0["op"] as? String })
            }
        }
        let missing = Self.shapeOps.subtracting(covered).sorted()
        if !missing.isEmpty {
            throw XCTSkip("no TFLM golden (zoo or fixture) uses \(missing.joined(separator: ", ")); "
                          + "only the hand-computed cases check \(missing.count == 1 ? "it" : "them") "
                          + "(the TF 2.21 converter lowers tf.expand_dims and tf.squeeze to RESHAPE)")
        }
    }

    /// TFLM's "Persistent buffer data" record (64-bit host) holds the kernels' requests
    /// plus one pointer array for the subgraph's inputs and one for its outputs.
    static func assertKernelPersistent(_ name: String, model: URL, requested: Int, count: Int, ioTensors: Int,
                                       file: StaticString = #filePath, line: UInt = #line) throws {
        let persistent = try declarations(model: model, variant: .reference).flatMap(\.persistent)
        // TFLM's Python package: x86-64, built with USE_TFLM_COMPRESSION.
        XCTAssertEqual(persistent.reduce(0) { $0 + $1.bytes(on: .x86_64, compression: true) }, requested - 8 * ioTensors,
                       "\(name): kernel persistent bytes (64-bit)", file: file, line: line)
        XCTAssertEqual(persistent.count, count - 2, "\(name): kernel persistent allocation count", file: file, line: line)
    }

    // MARK: Declared arena use against TFLM's records

    /// Each kernel's persistent requests against TFLM's RecordingMicroAllocator record
    /// ("Persistent buffer data": requested bytes and count, 64-bit host).
    func testPersistentRequestsMatchTFLMRecords() throws {
        try SharedReference.require()
        let zoo = SharedReference.zooDirectory
        let golden = try SharedReference.json(zoo.appendingPathComponent("golden.json"))["models"] as? [String: [String: Any]] ?? [:]
        for name in ["op_pad", "op_strided_slice", "op_transpose_conv", "op_squeeze"] {
            let entry = try XCTUnwrap(golden[name], name)
            let breakdown = (entry["tflm"] as? [String: Any])?["arena_breakdown"] as? [[String: Any]] ?? []
            let record = try XCTUnwrap(breakdown.first { $0["what"] as? String == "Persistent buffer data" }, name)
            let io = (entry["inputs"] as? [Any] ?? []).count + (entry["outputs"] as? [Any] ?? []).count
            try Self.assertKernelPersistent(name, model: zoo.appendingPathComponent("\(name).tflite"),
                                            requested: try XCTUnwrap(record["requested"] as? Int),
                                            count: try XCTUnwrap(record["count"] as? Int), ioTensors: io)
        }
        // Hand-computed 32-bit sizes and the scratch requests.
        let pad = try Self.declarations(model: zoo.appendingPathComponent("op_pad.tflite"), variant: .cmsisNN)[0]
        XCTAssertEqual(pad.persistent.sizes32, [56])
        XCTAssertEqual(pad.kernelPath, "arm_pad_s8")
        let slice = try Self.declarations(model: zoo.appendingPathComponent("op_strided_slice.tflite"), variant: .reference)[0]
        XCTAssertEqual(slice.persistent.sizes32, [84])
        // op_transpose_conv: 5x5x8 in, 10x10x4 out, 3x3 weights (4 channels), stride 2.
        let tconv = try Self.declarations(model: zoo.appendingPathComponent("op_transpose_conv.tflite"), variant: .reference)[0]
        XCTAssertEqual(tconv.persistent.sizes32, [72, 16, 16])
        XCTAssertEqual(tconv.scratch, [10 * 10 * 4 * 4], "reference: an int32 accumulator per output element")
        XCTAssertEqual(tconv.kernelPath, "reference")
        let tconvCMSIS = try Self.declarations(model: zoo.appendingPathComponent("op_transpose_conv.tflite"), variant: .cmsisNN)[0]
        XCTAssertEqual(tconvCMSIS.persistent.sizes32, [76, 16, 16])
        XCTAssertEqual(tconvCMSIS.persistent.sizes64, [88, 16, 16])
        // in_ch 8 <= 16: arm_transpose_conv_s8's rolling buffer,
        // ((5 - 1) * 2 + max(3, 2)) * 4 columns x max(3, 2) rows of int32, and an empty reverse buffer.
        XCTAssertEqual(tconvCMSIS.scratch, [(4 * 2 + 3) * 4 * 3 * 4, 0])
        XCTAssertEqual(tconvCMSIS.kernelPath, "arm_transpose_conv_s8")
    }

    /// Prepares every operator of a model with fresh kernels and returns what each declared.
    static func declarations(model url: URL, variant: KernelVariant) throws -> [(persistent: [PersistentRequest], scratch: [Int], kernelPath: String)] {
        let model = try Model(contentsOf: url)
        let interpreter = try MicroInterpreter(model: model, options: InterpreterOptions(variant: variant))
        var result: [([PersistentRequest], [Int], String)] = []
        for (index, op) in model.subgraphs[0].operators.enumerated() {
            let code = model.operatorCodes[Int(op.opcodeIndex)]
            let context = PrepareContext(operatorIndex: index, op: code.kind, opVersion: Int(code.version), options: op.builtinOptions,
                                         variant: variant, customOptions: nil, inputs: op.inputs.map(Int.init),
                                         outputs: op.outputs.map(Int.init), intermediates: [], tensors: interpreter.tensors)
            guard let kernel = (try? KernelRunner.kernel(code.name)) else { continue }
            try kernel.prepare(context)
            result.append((context.persistentRequests, context.scratchRequests, context.kernelPath?.name ?? ""))
        }
        return result
    }
}

// MARK: - A one-operator harness for hand-computed cases

extension Array where Element == PersistentRequest {
    /// Sizes on Cortex-M (arm-none-eabi-gcc, no compression), as TFLM's Makefile builds it.
    var sizes32: [Int] { map { $0.bytes(on: .cortexMGCC, compression: false) } }
    /// Sizes on x86-64 with USE_TFLM_COMPRESSION, as TFLM's Python package (the goldens).
    var sizes64: [Int] { map { $0.bytes(on: .x86_64, compression: true) } }
}

/// A tensor of a synthetic one-operator graph: constant when `constant` is set.
struct ShapeTestTensor {
    var type: TensorType
    var shape: [Int]
    var bytes: [UInt8] = []
    var constant = false
    var scale: [Float] = []
    var zeroPoint: [Int32] = []
    var quantizedDimension = 0

    static func int8(_ shape: [Int], _ values: [Int8], scale: Float = 1, zeroPoint: Int32 = 0, constant: Bool = false) -> Self {
        Self(type: .int8, shape: shape, bytes: values.map { UInt8(bitPattern: $0) }, constant: constant, scale: [scale], zeroPoint: [zeroPoint])
    }

    static func int16(_ shape: [Int], _ values: [Int16], scale: Float = 1, constant: Bool = false) -> Self {
        Self(type: .int16, shape: shape, bytes: raw(values), constant: constant, scale: [scale], zeroPoint: [0])
    }

    static func int32(_ shape: [Int], _ values: [Int32], constant: Bool = true) -> Self {
        Self(type: .int32, shape: shape, bytes: raw(values), constant: constant)
    }

    static func int64(_ shape: [Int], _ values: [Int64], constant: Bool = true) -> Self {
        Self(type: .int64, shape: shape, bytes: raw(values), constant: constant)
    }

    static func float32(_ shape: [Int], _ values: [Float], constant: Bool = false) -> Self {
        Self(type: .float32, shape: shape, bytes: raw(values), constant: constant)
    }

    /// An output (or activation) with no data.
    static func empty(_ type: TensorType, _ shape: [Int], scale: Float = 1, zeroPoint: Int32 = 0) -> Self {
        Self(type: type, shape: shape, scale: type == .float32 || type == .int32 ? [] : [scale],
             zeroPoint: type == .float32 || type == .int32 ? [] : [zeroPoint])
    }

    static func raw<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }
}

struct ShapeTestRun {
    let outputs: [[UInt8]]
    let persistent: [PersistentRequest]
    let scratch: [Int]
    let kernelPath: KernelPath?
    let geometry: OperatorGeometry

    func output<T>(_: T.Type, _ i: Int = 0) -> [T] {
        outputs[i].withUnsafeBytes { Array($0.bindMemory(to: T.self)) }
    }
}

enum ShapeTestHarness {
    /// Prepares and evaluates one kernel on the given tensors (inputs first, then
    /// outputs; an input of nil is an absent optional input).
    static func run(_ op: String, options: [(String, OptionValue)] = [], inputs: [ShapeTestTensor?], outputs: [ShapeTestTensor],
                    variant: KernelVariant = .reference) throws -> ShapeTestRun {
        func operand(_ t: ShapeTestTensor) -> KernelRunner.Operand {
            KernelRunner.Operand(type: t.type, shape: t.shape, bytes: t.bytes, constant: t.constant, scale: t.scale,
                                 zeroPoint: t.zeroPoint, quantizedDimension: t.quantizedDimension)
        }
        let result = try KernelRunner.run(op, options: KernelRunner.options(op, options), variant: variant,
                                          inputs: inputs.map { $0.map(operand) }, outputs: outputs.map(operand))
        return ShapeTestRun(outputs: result.outputs, persistent: result.context.persistentRequests,
                            scratch: result.context.scratchRequests, kernelPath: result.context.kernelPath,
                            geometry: result.context.geometry)
    }

    static func runBoth(_ op: String, options: [(String, OptionValue)] = [], inputs: [ShapeTestTensor?], outputs: [ShapeTestTensor],
                        file: StaticString = #filePath, line: UInt = #line) throws -> ShapeTestRun {
        let reference = try run(op, options: options, inputs: inputs, outputs: outputs, variant: .reference)
        let cmsis = try run(op, options: options, inputs: inputs, outputs: outputs, variant: .cmsisNN)
        XCTAssertEqual(reference.outputs, cmsis.outputs, "\(op): CMSIS-NN and reference outputs differ", file: file, line: line)
        return reference
    }

    static func assertRefused<E: Error>(_ expected: E.Type, _ op: String, options: [(String, OptionValue)] = [],
                                        inputs: [ShapeTestTensor?], outputs: [ShapeTestTensor], variant: KernelVariant = .reference,
                                        _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try run(op, options: options, inputs: inputs, outputs: outputs, variant: variant), message,
                             file: file, line: line) { error in
            XCTAssertTrue(error is E, "\(message): expected \(E.self), got \(type(of: error)): \(error)", file: file, line: line)
        }
    }
}

// MARK: - Hand-computed cases

final class ShapeKernelArithmeticTests: XCTestCase {
    typealias H = ShapeTestHarness

    // PAD

    func testInt8PadFillsWithOutputZeroPoint() throws {
        // Paddings (before, after): (1, 0) on dimension 1, (1, 1) on dimension 2.
        let run = try H.runBoth("PAD", inputs: [.int8([1, 1, 2, 1], [5, -7], zeroPoint: -3), .int32([4, 2], [0, 0, 1, 0, 1, 1, 0, 0])],
                                outputs: [.empty(.int8, [1, 2, 4, 1], zeroPoint: -3)])
        XCTAssertEqual(run.output(Int8.self), [-3, -3, -3, -3, -3, 5, -7, -3])
        XCTAssertEqual(run.persistent.sizes64, [56])
    }

    func testPadV2UsesTheConstantValue() throws {
        let run = try H.runBoth("PADV2", inputs: [.float32([2], [1.5, -2]), .int32([1, 2], [1, 2]), .float32([], [2.5], constant: true)],
                                outputs: [.empty(.float32, [5])])
        XCTAssertEqual(run.output(Float.self), [2.5, 1.5, -2, 2.5, 2.5])
        // int16 PAD without a constant pads with 0 (not a zero point).
        let padded = try H.runBoth("PAD", inputs: [.int16([2], [300, -300]), .int32([1, 2], [0, 1])], outputs: [.empty(.int16, [3])])
        XCTAssertEqual(padded.output(Int16.self), [300, -300, 0])
    }

    func testPadRefusals() {
        H.assertRefused(UnsupportedOperatorError.self, "PAD", inputs: [.int8([2], [1, 2]), .int32([1, 2], [0, 1], constant: false)],
                        outputs: [.empty(.int8, [3])], "non-constant paddings")
        H.assertRefused(InvalidOperatorError.self, "PAD", inputs: [.int8([2], [1, 2]), .int32([1, 2], [1, 1])],
                        outputs: [.empty(.int8, [3])], "output shape not matching the paddings")
        H.assertRefused(InvalidOperatorError.self, "PAD", inputs: [.int8([2], [1, 2]), .int32([1, 2], [0, 1])],
                        outputs: [.empty(.int16, [3])], "output type differs from the input's")
        H.assertRefused(UnsupportedOperatorError.self, "PAD", inputs: [.int8([2], [1, 2]), .int32([1, 2], [-1, 2])],
                        outputs: [.empty(.int8, [3])], "negative paddings")
    }

    // SQUEEZE, EXPAND_DIMS, SHAPE

    func testSqueezeExpandDimsAndShape() throws {
        let squeezed = try H.runBoth("SQUEEZE", options: [("squeeze_dims", .ints([-2]))],
                                     inputs: [.int8([2, 1, 3], [1, 2, 3, 4, 5, 6])], outputs: [.empty(.int8, [2, 3])])
        XCTAssertEqual(squeezed.output(Int8.self), [1, 2, 3, 4, 5, 6])
        H.assertRefused(InvalidOperatorError.self, "SQUEEZE", options: [("squeeze_dims", .ints([0]))],
                        inputs: [.int8([2, 1, 3], [1, 2, 3, 4, 5, 6])], outputs: [.empty(.int8, [2, 3])],
                        "squeezing a dimension of size 2")

        let expanded = try H.runBoth("EXPAND_DIMS", inputs: [.float32([2, 2], [1, 2, 3, 4]), .int32([], [-1])],
                                     outputs: [.empty(.float32, [2, 2, 1])])
        XCTAssertEqual(expanded.output(Float.self), [1, 2, 3, 4])
        H.assertRefused(UnsupportedOperatorError.self, "EXPAND_DIMS", inputs: [.float32([2], [1, 2]), .int32([1], [0], constant: false)],
                        outputs: [.empty(.float32, [1, 2])], "non-constant axis")
        H.assertRefused(UnsupportedOperatorError.self, "EXPAND_DIMS", inputs: [.int32([2], [1, 2], constant: false), .int32([1], [0])],
                        outputs: [.empty(.int32, [1, 2])], "int32 data (TFLM: float32, int16, int8)")

        let shape = try H.runBoth("SHAPE", options: [("out_type", .enumeration("INT32", 2))],
                                  inputs: [.int8([3, 1, 7], Array(repeating: 0, count: 21))], outputs: [.empty(.int32, [3])])
        XCTAssertEqual(shape.output(Int32.self), [3, 1, 7])
        H.assertRefused(UnsupportedOperatorError.self, "SHAPE", inputs: [.int8([3, 1, 7], Array(repeating: 0, count: 21))],
                        outputs: [.empty(.int64, [3])], "int64 SHAPE output (TFLM's eval writes int32 only)")
    }

    // GATHER

    func testGatherAlongAxisAndBatchDims() throws {
        // [[1,2,3],[4,5,6]] gathered along axis 1 at [2, 0, 2].
        let run = try H.runBoth("GATHER", options: [("axis", .int(1))],
                                inputs: [.int8([2, 3], [1, 2, 3, 4, 5, 6]), .int32([3], [2, 0, 2], constant: false)],
                                outputs: [.empty(.int8, [2, 3])])
        XCTAssertEqual(run.output(Int8.self), [3, 1, 3, 6, 4, 6])
        XCTAssertEqual(run.persistent.sizes64, [4 + 4 * 2], "CreateWritableTensorDimsWithCopy: TfLiteIntArray of rank 2")
        // batch_dims 1: row b takes its own positions.
        let batched = try H.runBoth("GATHER", options: [("axis", .int(1)), ("batch_dims", .int(1))],
                                    inputs: [.float32([2, 3], [1, 2, 3, 4, 5, 6]), .int32([2, 2], [2, 1, 0, 0], constant: false)],
                                    outputs: [.empty(.float32, [2, 2])])
        XCTAssertEqual(batched.output(Float.self), [3, 2, 4, 4])
        XCTAssertThrowsError(try H.run("GATHER", options: [("axis", .int(0))],
                                       inputs: [.int8([2], [1, 2]), .int32([1], [2], constant: false)], outputs: [.empty(.int8, [1])]),
                             "a position past the axis stops with an error instead of reading outside the input")
        H.assertRefused(UnsupportedOperatorError.self, "GATHER", inputs: [.int8([2], [1, 2]), .int64([1], [0])],
                        outputs: [.empty(.int8, [1])], "int64 positions")
    }

    // STRIDED_SLICE

    private func slice(_ input: ShapeTestTensor, _ begin: [Int32], _ end: [Int32], _ strides: [Int32], _ output: ShapeTestTensor,
                       begin beginMask: Int = 0, end endMask: Int = 0, shrink: Int = 0, ellipsis: Int = 0, newAxis: Int = 0,
                       offset: Bool = false) throws -> ShapeTestRun {
        try H.runBoth("STRIDED_SLICE",
                      options: [("begin_mask", .int(Int64(beginMask))), ("end_mask", .int(Int64(endMask))),
                                ("ellipsis_mask", .int(Int64(ellipsis))), ("new_axis_mask", .int(Int64(newAxis))),
                                ("shrink_axis_mask", .int(Int64(shrink))), ("offset", .bool(offset))],
                      inputs: [input, .int32([begin.count], begin), .int32([end.count], end), .int32([strides.count], strides)],
                      outputs: [output])
    }

    func testStridedSliceIndexRules() throws {
        let six = ShapeTestTensor.int8([6], [1, 2, 3, 4, 5, 6])
        // Negative begin, negative stride: indices 5, 3, 1 (stop 0 is exclusive).
        XCTAssertEqual(try slice(six, [-1], [0], [-2], .empty(.int8, [3])).output(Int8.self), [6, 4, 2])
        // begin_mask with a negative stride starts at the last element; end_mask runs to the front.
        XCTAssertEqual(try slice(six, [0], [0], [-1], .empty(.int8, [6]), begin: 1, end: 1).output(Int8.self), [6, 5, 4, 3, 2, 1])
        // Out-of-range indices clamp.
        XCTAssertEqual(try slice(six, [-100], [100], [4], .empty(.int8, [2])).output(Int8.self), [1, 5])
        // shrink_axis_mask drops axis 0: row 1 of a 2x3.
        let grid = ShapeTestTensor.int8([2, 3], [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(try slice(grid, [1, 0], [0, 3], [1, 1], .empty(.int8, [3]), shrink: 1).output(Int8.self), [4, 5, 6])
        // The cost model's record of the loop: 5-D, masks applied, as TFLM's eval resolves them.
        XCTAssertEqual(try slice(six, [0], [0], [-1], .empty(.int8, [6]), begin: 1, end: 1).geometry,
                       .slice(SliceGeometry(inputShape: [1, 1, 1, 1, 6], starts: [0, 0, 0, 0, 5], stops: [1, 1, 1, 1, -1], strides: [1, 1, 1, 1, -1])))
        XCTAssertEqual(try slice(grid, [1, 0], [0, 3], [1, 1], .empty(.int8, [3]), shrink: 1).geometry,
                       .slice(SliceGeometry(inputShape: [1, 1, 1, 2, 3], starts: [0, 0, 0, 1, 0], stops: [1, 1, 1, 2, 3], strides: [1, 1, 1, 1, 1])))
        // `offset` is ignored by TFLM: end 2 stays absolute (TensorFlow would read end = begin + 2 = 3).
        XCTAssertEqual(try slice(six, [1], [2], [1], .empty(.int8, [1]), offset: true).output(Int8.self), [2])
        // int16 and the 84-byte StridedSliceParams.
        let run = try slice(.int16([4], [10, -20, 30, -40]), [1], [4], [2], .empty(.int16, [2]))
        XCTAssertEqual(run.output(Int16.self), [-20, -40])
        XCTAssertEqual(run.persistent.sizes32, [84])
        H.assertRefused(UnsupportedOperatorError.self, "STRIDED_SLICE",
                        inputs: [.int8([1, 1, 1, 1, 2], [1, 2]), .int32([5], [0, 0, 0, 0, 0]), .int32([5], [1, 1, 1, 1, 2]),
                                 .int32([5], [1, 1, 1, 1, 1])], outputs: [.empty(.int8, [1, 1, 1, 1, 2])],
                        "5-D input (TFLM's limit is 4)")
        H.assertRefused(InvalidOperatorError.self, "STRIDED_SLICE",
                        inputs: [six, .int32([1], [0]), .int32([1], [6]), .int32([1], [1])], outputs: [.empty(.int8, [5])],
                        "output shape that is not the slice's")
    }

    // TRANSPOSE

    func testTransposePermutesAndCMSISLimits() throws {
        // [2,3] -> [3,2].
        let t2 = try H.runBoth("TRANSPOSE", inputs: [.int8([2, 3], [1, 2, 3, 4, 5, 6]), .int32([2], [1, 0])],
                               outputs: [.empty(.int8, [3, 2])])
        XCTAssertEqual(t2.output(Int8.self), [1, 4, 2, 5, 3, 6])
        // [2,2,2] with perm [2,0,1]: out[i][j][k] = in[j][k][i].
        let t3 = try H.runBoth("TRANSPOSE", inputs: [.float32([2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]), .int32([3], [2, 0, 1])],
                               outputs: [.empty(.float32, [2, 2, 2])])
        XCTAssertEqual(t3.output(Float.self), [0, 2, 4, 6, 1, 3, 5, 7])
        XCTAssertEqual(try H.run("TRANSPOSE", inputs: [.int8([2, 3], [1, 2, 3, 4, 5, 6]), .int32([2], [1, 0])],
                                 outputs: [.empty(.int8, [3, 2])], variant: .cmsisNN).kernelPath?.name, "arm_transpose_s8")
        H.assertRefused(UnsupportedOperatorError.self, "TRANSPOSE",
                        inputs: [.int8([1, 1, 1, 1, 2], [1, 2]), .int32([5], [0, 1, 2, 4, 3])], outputs: [.empty(.int8, [1, 1, 1, 2, 1])],
                        variant: .cmsisNN, "5-D int8 with CMSIS-NN")
        H.assertRefused(UnsupportedOperatorError.self, "TRANSPOSE", inputs: [.int8([2, 2], [1, 2, 3, 4]), .int32([2], [0, 1])],
                        outputs: [.empty(.int8, [2, 2])], variant: .cmsisNN, "2-D identity with CMSIS-NN (arm_transpose_s8 ignores perm)")
        H.assertRefused(InvalidOperatorError.self, "TRANSPOSE", inputs: [.int8([2, 2], [1, 2, 3, 4]), .int32([2], [0, 0])],
                        outputs: [.empty(.int8, [2, 2])], "repeated axis")
    }

    // RESIZE_NEAREST_NEIGHBOR

    func testResizeNearestNeighborCoordinateModes() throws {
        let input = ShapeTestTensor.int16([1, 1, 3, 1], [10, 20, 30])
        func resize(_ align: Bool, _ half: Bool) throws -> [Int16] {
            try H.runBoth("RESIZE_NEAREST_NEIGHBOR", options: [("align_corners", .bool(align)), ("half_pixel_centers", .bool(half))],
                          inputs: [input, .int32([2], [1, 5])], outputs: [.empty(.int16, [1, 1, 5, 1])]).output(Int16.self)
        }
        // scale 3/5: floor(x * 0.6) = 0, 0, 1, 1, 2.
        XCTAssertEqual(try resize(false, false), [10, 10, 20, 20, 30])
        // floor((x + 0.5) * 0.6) = 0, 0, 1, 2, 2.
        XCTAssertEqual(try resize(false, true), [10, 10, 20, 30, 30])
        // align_corners: scale 2/4, round half away from zero: 0, 1, 1, 2, 2.
        XCTAssertEqual(try resize(true, false), [10, 20, 20, 30, 30])
    }

    // RESIZE_BILINEAR

    func testResizeBilinearInt8FixedPointRounding() throws {
        let input = ShapeTestTensor.int8([1, 1, 2, 1], [0, -1])
        func resize(_ half: Bool) throws -> [Int8] {
            try H.runBoth("RESIZE_BILINEAR", options: [("align_corners", .bool(false)), ("half_pixel_centers", .bool(half))],
                          inputs: [input, .int32([2], [1, 4])], outputs: [.empty(.int8, [1, 1, 4, 1])]).output(Int8.self)
        }
        // scale_10 = (2048 + 2) / 4 = 512. x = 1: weights 512/512, sum -0.5 * 2^20 rounds
        // away from zero to -1 (a single-rounding build would give 0); x = 2, 3 clamp to pixel 1.
        XCTAssertEqual(try resize(false), [0, -1, -1, -1])
        // half_pixel_centers: positions -256, 256, 768, 1280 (x1 clamps to 1):
        // sums 0, -0.25, -0.75, -1.0 (x 2^20) -> 0, 0, -1, -1.
        XCTAssertEqual(try resize(true), [0, 0, -1, -1])
    }

    func testResizeBilinearFloatAndRefusals() throws {
        let run = try H.runBoth("RESIZE_BILINEAR", inputs: [.float32([1, 1, 2, 1], [0, 1]), .int32([2], [1, 4])],
                                outputs: [.empty(.float32, [1, 1, 4, 1])])
        XCTAssertEqual(run.output(Float.self), [0, 0.5, 1, 1])
        H.assertRefused(InvalidOperatorError.self, "RESIZE_BILINEAR",
                        options: [("align_corners", .bool(true)), ("half_pixel_centers", .bool(true))],
                        inputs: [.int8([1, 1, 2, 1], [0, 1]), .int32([2], [1, 4])], outputs: [.empty(.int8, [1, 1, 4, 1])],
                        "half_pixel_centers with align_corners")
        H.assertRefused(UnsupportedOperatorError.self, "RESIZE_BILINEAR", inputs: [.int16([1, 1, 2, 1], [0, 1]), .int32([2], [1, 4])],
                        outputs: [.empty(.int16, [1, 1, 4, 1])], "int16 (TFLM: float32 and int8)")
    }

    // TRANSPOSE_CONV

    private func transposeConv(_ weights: [Int8], activation: Int64, variant: KernelVariant) throws -> ShapeTestRun {
        // One input pixel (3, zero point 1 -> 2) scattered through a 2x2 window with
        // stride 2, VALID: each output is 2 * w + bias. Scales 0.5 * 0.5 / 0.25 = 1.
        try H.run("TRANSPOSE_CONV",
                  options: [("padding", .enumeration("VALID", 1)), ("stride_w", .int(2)), ("stride_h", .int(2)),
                            ("fused_activation_function", .enumeration("RELU", activation))],
                  inputs: [.int32([4], [1, 2, 2, 1]), .int8([1, 2, 2, 1], weights, scale: 0.5, constant: true),
                           .int8([1, 1, 1, 1], [3], scale: 0.5, zeroPoint: 1), .int32([1], [10])],
                  outputs: [.empty(.int8, [1, 2, 2, 1], scale: 0.25, zeroPoint: 0)], variant: variant)
    }

    func testTransposeConvInt8AndTheCMSISActivationQuirk() throws {
        let plain = try transposeConv([1, 2, 3, 4], activation: 0, variant: .reference)
        XCTAssertEqual(plain.output(Int8.self), [12, 14, 16, 18])
        XCTAssertEqual(plain.scratch, [4 * 4])
        // RELU: reference clamps at the output zero point; CMSIS-NN's prepare ignores
        // the fused activation, so negative results survive.
        let reluReference = try transposeConv([-8, -6, 3, 4], activation: 1, variant: .reference)
        XCTAssertEqual(reluReference.output(Int8.self), [0, 0, 16, 18])
        let reluCMSIS = try transposeConv([-8, -6, 3, 4], activation: 1, variant: .cmsisNN)
        XCTAssertEqual(reluCMSIS.output(Int8.self), [-6, -2, 16, 18])
    }

    func testTransposeConv16x8WithInt16Bias() throws {
        // 16x8: no input or output zero points; an int16 bias is widened to int64 in a scratch buffer.
        let run = try H.runBoth("TRANSPOSE_CONV",
                                options: [("padding", .enumeration("VALID", 1)), ("stride_w", .int(1)), ("stride_h", .int(1))],
                                inputs: [.int32([4], [1, 2, 1, 1]), .int8([1, 2, 1, 1], [3, -2], scale: 0.5, constant: true),
                                         .int16([1, 1, 1, 1], [1000], scale: 0.5), ShapeTestTensor(type: .int16, shape: [1], bytes: ShapeTestTensor.raw([Int16(-7)]), constant: true)],
                                outputs: [.empty(.int16, [1, 2, 1, 1], scale: 0.25)])
        XCTAssertEqual(run.output(Int16.self), [2993, -2007])
        XCTAssertEqual(run.scratch, [2 * 8, 1 * 8], "int64 accumulators, then the widened bias")
    }

    func testTransposeConvFloatSamePadding() throws {
        // 2x2 input, 3x3 ones, stride 2, SAME -> 4x4; total padding (2-1)*2+3-4 = 1, pad 0.
        // out[y][x] sums input[iy][ix] where y = 2 iy + fy, x = 2 ix + fx.
        let run = try H.runBoth("TRANSPOSE_CONV",
                                options: [("padding", .enumeration("SAME", 0)), ("stride_w", .int(2)), ("stride_h", .int(2)),
                                          ("fused_activation_function", .enumeration("RELU6", 3))],
                                inputs: [.int32([4], [1, 4, 4, 1]), .float32([1, 3, 3, 1], Array(repeating: 1, count: 9), constant: true),
                                         .float32([1, 2, 2, 1], [1, 2, 3, 4]), nil],
                                outputs: [.empty(.float32, [1, 4, 4, 1])])
        XCTAssertEqual(run.output(Float.self), [1, 1, 3, 2,
                                                1, 1, 3, 2,
                                                4, 4, 6, 6, // relu6 clamps 10 to 6
                                                3, 3, 6, 4])
        H.assertRefused(UnsupportedOperatorError.self, "TRANSPOSE_CONV",
                        inputs: [.int32([4], [1, 4, 4, 1]), .int8([1, 3, 3, 1], Array(repeating: 1, count: 9), constant: true),
                                 .float32([1, 2, 2, 1], [1, 2, 3, 4])], outputs: [.empty(.float32, [1, 4, 4, 1])],
                        "hybrid float input with int8 weights")
    }

    // BATCH_MATMUL

    func testBatchMatMulBroadcastAndAdjoints() throws {
        // LHS [1, 2, 3] (zero point 1), RHS [2, 3, 2]: out[b] = (L - 1) x R[b]; scales give multiplier 1.
        let lhs: [Int8] = [2, 3, 4, 1, 0, 2]            // minus zero point: [1 2 3; 0 -1 1]
        let rhs: [Int8] = [1, 0, 0, 1, 1, 1,            // [1 0; 0 1; 1 1]
                           2, -1, 0, 3, -2, 1]          // [2 -1; 0 3; -2 1]
        let expected: [Int8] = [4, 5, 1, 0,             // [1 2 3]x = [4 5], [0 -1 1]x = [1 0]
                                -4, 8, -2, -2]          // [-4 8], [-2 -2]
        func run(_ adjX: Bool, _ adjY: Bool, _ l: ShapeTestTensor, _ r: ShapeTestTensor) throws -> ShapeTestRun {
            try H.runBoth("BATCH_MATMUL", options: [("adj_x", .bool(adjX)), ("adj_y", .bool(adjY))], inputs: [l, r],
                          outputs: [.empty(.int8, [2, 2, 2], scale: 0.5)])
        }
        let plain = try run(false, false, .int8([1, 2, 3], lhs, scale: 0.5, zeroPoint: 1), .int8([2, 3, 2], rhs, scale: 1, constant: true))
        XCTAssertEqual(plain.output(Int8.self), expected)
        // Reference persistent: OpData, quantization, then the transposed RHS copy and the output dims.
        XCTAssertEqual(plain.persistent.sizes64, [32, 28, 24, 4 + 4 * 3, 12, 4 + 4 * 3])
        XCTAssertEqual(plain.persistent.sizes32, [16, 28, 12, 4 + 4 * 3, 12, 4 + 4 * 3])
        // The same product from stored-transposed operands.
        let lhsT: [Int8] = [2, 1, 3, 0, 4, 2]
        let rhsT: [Int8] = [1, 0, 1, 0, 1, 1, 2, 0, -2, -1, 3, 1]
        let adjoint = try run(true, true, .int8([1, 3, 2], lhsT, scale: 0.5, zeroPoint: 1), .int8([2, 2, 3], rhsT, scale: 1))
        XCTAssertEqual(adjoint.output(Int8.self), expected)
        XCTAssertEqual(adjoint.persistent.count, 6, "OpData, quantization, transposed LHS (3 allocations), output dims")
        let cmsis = try H.run("BATCH_MATMUL", inputs: [.int8([1, 2, 3], lhs, scale: 0.5, zeroPoint: 1), .int8([2, 3, 2], rhs)],
                              outputs: [.empty(.int8, [2, 2, 2], scale: 0.5)], variant: .cmsisNN)
        XCTAssertEqual(cmsis.kernelPath?.name, "arm_batch_matmul_s8")
        XCTAssertEqual(cmsis.persistent.sizes32, [36, 12, 4 + 4 * 3, 12, 4 + 4 * 3, 28])
        XCTAssertEqual(cmsis.scratch, [], "arm_fully_connected_s8_get_buffer_size is 0 without MVE")
        H.assertRefused(UnsupportedOperatorError.self, "BATCH_MATMUL", inputs: [.int16([2, 2], [1, 2, 3, 4]), .int16([2, 2], [1, 2, 3, 4])],
                        outputs: [.empty(.int16, [2, 2])], "int16 (not implemented in mcusim)")
    }

    func testBatchMatMulFloat() throws {
        let run = try H.runBoth("BATCH_MATMUL", inputs: [.float32([2, 2], [1, 2, 3, 4]), .float32([2, 1], [0.5, -1])],
                                outputs: [.empty(.float32, [2, 1])])
        XCTAssertEqual(run.output(Float.self), [-1.5, -2.5])
    }
}
