import Foundation
import TestSupport
import XCTest
@testable import Interpreter

/// The Sequence group's kernels (SVDF, UNIDIRECTIONAL_SEQUENCE_LSTM): TFLM goldens
/// from the project fixtures (the converter's LSTMs in fixtures.json, and the
/// hand-written SVDF/LSTM models of sequence_fixtures.json, several invokes in a row
/// so the carried state is checked too), in both variants; operator data and scratch
/// against TFLM's arena records; hand-computed int16 arithmetic; refusals.
final class SequenceKernelTests: XCTestCase {
    static let sequenceOps: Set<String> = ["SVDF", "UNIDIRECTIONAL_SEQUENCE_LSTM"]

    /// A fixture: its model, and the golden inputs/outputs of each invoke in order.
    struct Fixture {
        let name: String
        let entry: [String: Any]
        let invocations: [(inputs: [URL], outputs: [URL])]
        var ops: [String] { (entry["ops"] as? [[String: Any]] ?? []).compactMap { $0["op"] as? String } }
        var type: String { entry["type"] as? String ?? "?" }
        var model: URL { SharedReference.fixturesDirectory.appendingPathComponent(entry["file"] as? String ?? "\(name).tflite") }
    }

    /// Every fixture that uses a Sequence-group operator: fixtures.json (one invoke)
    /// and sequence_fixtures.json (several).
    static func fixtures() throws -> [Fixture] {
        let directory = SharedReference.fixturesDirectory
        var result: [Fixture] = []
        let converter = directory.appendingPathComponent("fixtures.json")
        if FileManager.default.fileExists(atPath: converter.path) {
            let entries = try SharedReference.json(converter)["fixtures"] as? [String: [String: Any]] ?? [:]
            for name in entries.keys.sorted() {
                let entry = entries[name]!
                let f = Fixture(name: name, entry: entry, invocations: [(
                    (0..<((entry["inputs"] as? [Any])?.count ?? 1)).map { GoldenHarness.numbered(directory, name, "input", $0) },
                    (0..<((entry["outputs"] as? [Any])?.count ?? 1)).map { GoldenHarness.numbered(directory, name, "output", $0) })])
                if f.ops.contains(where: sequenceOps.contains) { result.append(f) }
            }
        }
        // Hand-written models (this group's, and make_handmade_fixtures.py's SVDFs), with
        // every invoke listed under "invocations".
        for index in ["sequence_fixtures.json", "handmade_fixtures.json"] {
            let url = directory.appendingPathComponent(index)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            let entries = try SharedReference.json(url)["fixtures"] as? [String: [String: Any]] ?? [:]
            for name in entries.keys.sorted() {
                let entry = entries[name]!
                let invocations = (entry["invocations"] as? [[String: Any]] ?? []).map { record in
                    ((record["inputs"] as? [String] ?? []).map { directory.appendingPathComponent($0) },
                     (record["outputs"] as? [String] ?? []).map { directory.appendingPathComponent($0) })
                }
                let f = Fixture(name: name, entry: entry, invocations: invocations)
                if f.ops.contains(where: sequenceOps.contains) { result.append(f) }
            }
        }
        return result
    }

    static func refusedFixtures() throws -> [(name: String, message: String)] {
        let own = SharedReference.fixturesDirectory.appendingPathComponent("sequence_fixtures.json")
        guard FileManager.default.fileExists(atPath: own.path) else { return [] }
        return (try SharedReference.json(own)["refused"] as? [[String: Any]] ?? []).compactMap {
            guard let name = $0["fixture"] as? String else { return nil }
            return (name, $0["tflm_message"] as? String ?? "")
        }
    }

    /// CMSIS-NN's integer LSTM starts every invoke from a zero state (see the kernel):
    /// only its first invoke can match TFLM's reference goldens.
    static func restartsEveryInvoke(_ f: Fixture, _ variant: KernelVariant) -> Bool {
        variant == .cmsisNN && f.ops.contains("UNIDIRECTIONAL_SEQUENCE_LSTM") && f.type != "float32"
    }

    /// CMSIS-NN's arm_svdf_s8 ignores the state's zero point; the int8-state fixtures
    /// have one (4 and -3), so their goldens (reference kernels) do not apply.
    static func differsFromReference(_ f: Fixture, _ variant: KernelVariant) -> Bool {
        variant == .cmsisNN && ["seq_svdf_state8_int8", "hand_svdf_int8_state8"].contains(f.name)
    }

    // MARK: Goldens, operator by operator with TFLM's variable reset

    /// Every fixture through the kernels alone, the variable tensors reset the way
    /// TFLM's AllocateTensors does (int8 to their zero point, others to 0), every
    /// invoke in order without a reset.
    func testFixturesAreBitExactWithTFLMStateHandling() throws {
        let fixtures = try Self.fixtures()
        guard !fixtures.isEmpty else { throw XCTSkip("no SVDF/LSTM fixtures in Tests/Fixtures/models") }
        var exact: [String] = []
        var covered: Set<String> = []
        for f in fixtures {
            for variant in KernelVariant.allCases where !Self.differsFromReference(f, variant) {
                let run = try KernelRun(model: f.model, variant: variant)
                var allExact = true
                for (k, invocation) in f.invocations.enumerated() {
                    let inputs = try invocation.inputs.map { try Npy.read(contentsOf: $0).bytes }
                    for (i, bytes) in inputs.enumerated() { try run.setInput(i, bytes) }
                    try run.invoke()
                    if k > 0 && Self.restartsEveryInvoke(f, variant) {
                        // Stateless: the same as a fresh interpreter on this input alone.
                        let fresh = try KernelRun(model: f.model, variant: variant)
                        for (i, bytes) in inputs.enumerated() { try fresh.setInput(i, bytes) }
                        try fresh.invoke()
                        XCTAssertEqual(run.output(0), fresh.output(0), "\(f.name) [cmsis-nn] invoke \(k): state carried over")
                        continue
                    }
                    for (i, url) in invocation.outputs.enumerated() {
                        let golden = try Npy.read(contentsOf: url).bytes
                        let ours = run.output(i)
                        let differing = zip(ours, golden).filter { $0 != $1 }.count + abs(ours.count - golden.count)
                        if differing > 0 {
                            allExact = false
                            XCTFail("\(f.name) [\(variant.rawValue)] invoke \(k): output \(i) differs from TFLM in \(differing) of \(golden.count) bytes")
                        }
                    }
                }
                if allExact { exact.append("\(f.name)[\(variant.rawValue)] x\(f.invocations.count)") }
            }
            for op in f.ops where Self.sequenceOps.contains(op) { covered.insert("\(op) \(f.type)") }
        }
        print("Sequence fixtures bit-exact (kernel level): \(exact.count): \(exact.joined(separator: ", "))")
        print("Sequence fixtures covered (op type): \(covered.sorted().joined(separator: "; "))")
    }

    /// The same fixtures through MicroInterpreter, all invokes in order. A model with
    /// an int8 variable tensor whose zero point is not 0 needs the interpreter to
    /// reset it to that zero point as TFLM does; until it does, such a model is
    /// reported and skipped here (the kernel-level test above covers it).
    func testFixturesAreBitExactThroughTheInterpreter() throws {
        let fixtures = try Self.fixtures()
        guard !fixtures.isEmpty else { throw XCTSkip("no SVDF/LSTM fixtures in Tests/Fixtures/models") }
        var exact: [String] = []
        var blocked: [String] = []
        for f in fixtures {
            guard f.ops.allSatisfy(KernelRunner.isRegistered) else {
                blocked.append("\(f.name) (needs \(f.ops.filter { !KernelRunner.isRegistered($0) }.joined(separator: ", ")))")
                continue
            }
            for variant in KernelVariant.allCases where !Self.differsFromReference(f, variant) {
                let interpreter = try MicroInterpreter(model: try Model(contentsOf: f.model), options: InterpreterOptions(variant: variant))
                let unreset = interpreter.tensors.filter { t in
                    t.isVariable && t.type == .int8 && t.scalarZeroPoint != 0
                        && interpreter.tensorBytes(t.index).contains { $0 != UInt8(truncatingIfNeeded: t.scalarZeroPoint) }
                }
                if !unreset.isEmpty && !Self.restartsEveryInvoke(f, variant) {
                    blocked.append("\(f.name)[\(variant.rawValue)] (interpreter does not reset int8 variable tensors "
                                   + "\(unreset.map(\.index)) to their zero point)")
                    continue
                }
                var allExact = true
                for (k, invocation) in f.invocations.enumerated() {
                    for (i, url) in invocation.inputs.enumerated() { try interpreter.setInput(i, bytes: try Npy.read(contentsOf: url).bytes) }
                    try interpreter.invoke()
                    if k > 0 && Self.restartsEveryInvoke(f, variant) { continue }
                    for (i, url) in invocation.outputs.enumerated() where interpreter.outputBytes(i) != (try Npy.read(contentsOf: url).bytes) {
                        allExact = false
                        XCTFail("\(f.name) [\(variant.rawValue)] invoke \(k): output \(i) differs from TFLM")
                    }
                }
                if allExact { exact.append("\(f.name)[\(variant.rawValue)]") }
            }
        }
        print("Sequence fixtures bit-exact (interpreter): \(exact.count): \(exact.joined(separator: ", "))")
        if !blocked.isEmpty { print("Sequence fixtures not run through the interpreter: \(blocked.joined(separator: "; "))") }
    }

    /// The whole arena, modelled for TFLM's 64-bit host build (reference kernels),
    /// equals TFLM's record: the head holds the kernels' scratch requests, the tail
    /// their operator data and the variable tensors.
    func testArenaMatchesTFLMRecords() throws {
        let fixtures = try Self.fixtures()
        guard !fixtures.isEmpty else { throw XCTSkip("no SVDF/LSTM fixtures in Tests/Fixtures/models") }
        for f in fixtures {
            let tflm = try XCTUnwrap(f.entry["tflm"] as? [String: Any], f.name)
            let interpreter = try MicroInterpreter(model: try Model(contentsOf: f.model),
                                                   options: InterpreterOptions(variant: .reference, pointerSize: 8))
            XCTAssertEqual(interpreter.arenaUsage.plannedBytes, tflm["arena_head_bytes"] as? Int, "\(f.name): head")
            XCTAssertEqual(interpreter.arenaUsage.persistentBytes, tflm["arena_tail_bytes"] as? Int, "\(f.name): tail")
        }
    }

    // MARK: Declared arena use against TFLM's records

    /// Each kernel's persistent requests against TFLM's "Persistent buffer data"
    /// record (64-bit host, requested bytes and count), less the two pointer arrays
    /// TFLM allocates for the interpreter's inputs and outputs; and the scratch
    /// requests by hand.
    func testPersistentRequestsMatchTFLMRecords() throws {
        let fixtures = try Self.fixtures()
        guard !fixtures.isEmpty else { throw XCTSkip("no SVDF/LSTM fixtures in Tests/Fixtures/models") }
        for f in fixtures {
            let tflm = try XCTUnwrap(f.entry["tflm"] as? [String: Any], f.name)
            let record: [Int]
            if let map = tflm["persistent"] as? [String: [Int]] {
                record = try XCTUnwrap(map["Persistent buffer data"], f.name)
            } else {
                let list = tflm["persistent"] as? [[String: Any]] ?? []
                let entry = try XCTUnwrap(list.first { $0["kind"] as? String == "Persistent buffer data" }, f.name)
                record = [entry["used"] as? Int ?? 0, entry["requested"] as? Int ?? 0, entry["count"] as? Int ?? 0]
            }
            let ioPointers = 8 * ((f.entry["inputs"] as? [Any])?.count ?? 0) + 8 * ((f.entry["outputs"] as? [Any])?.count ?? 0)
            let declared = try KernelRun(model: f.model, variant: .reference).declarations.flatMap(\.persistent)
            XCTAssertEqual(declared.reduce(0) { $0 + $1.bytes(on: .x86_64, compression: true) }, record[1] - ioPointers,
                           "\(f.name): persistent bytes (64-bit)")
            XCTAssertEqual(declared.count, record[2] - 2, "\(f.name): persistent allocation count")
        }

        func declarations(_ name: String, _ variant: KernelVariant) throws -> (persistent: [PersistentRequest], scratch: [Int], path: String) {
            let d = try KernelRun(model: SharedReference.fixturesDirectory.appendingPathComponent("\(name).tflite"), variant: variant).declarations[0]
            return (d.persistent, d.scratch, d.path)
        }
        func sizes(_ requests: [PersistentRequest], _ target: CTarget) -> [Int] {
            requests.map { $0.bytes(on: target, compression: target.pointerSize == 8) }
        }
        // SVDF: OpDataSvdf is nine ints; CMSIS-NN's adds a pointer (4 + 36, 8 + 36 + 4 padding).
        // Scratch: batch * filters int32 (+ batch * units int32 for the integer kernel).
        let svdf = try declarations("seq_svdf_int8", .reference)
        XCTAssertEqual(sizes(svdf.persistent, .cortexMGCC), [36])
        XCTAssertEqual(svdf.scratch, [2 * 4 * 4, 2 * 2 * 4])
        XCTAssertEqual(svdf.path, "reference")
        let svdfCMSIS = try declarations("seq_svdf_int8", .cmsisNN)
        XCTAssertEqual(sizes(svdfCMSIS.persistent, .cortexMGCC), [40])
        XCTAssertEqual(sizes(svdfCMSIS.persistent, .x86_64), [48])
        XCTAssertEqual(svdfCMSIS.scratch, [2 * 4 * 4, 2 * 2 * 4], "no kernel sums without MVE")
        XCTAssertEqual(svdfCMSIS.path, "arm_svdf_state_s16_s8")
        XCTAssertEqual(try declarations("seq_svdf_state8_int8", .cmsisNN).path, "arm_svdf_s8")
        let svdfFloat = try declarations("seq_svdf_f32", .cmsisNN)
        XCTAssertEqual(svdfFloat.scratch, [2 * 4 * 4])
        XCTAssertEqual(svdfFloat.path, "reference_float")

        // LSTM: OpDataLSTM is 688 bytes on both targets (no pointers); CMSIS-NN's
        // OpData adds cmsis_nn_lstm_params (60 + 4 x 40 on Cortex-M, 64 + 4 x 64 on
        // x86-64) and, for integer models, eight kernel-sum arrays of `units` int32.
        let lstm = try declarations("seq_lstm_time_major_int8", .reference)
        XCTAssertEqual(sizes(lstm.persistent, .cortexMGCC), [688])
        XCTAssertEqual(lstm.scratch, Array(repeating: 2 * 3 * 2, count: 4), "four int16 buffers of batch x units")
        XCTAssertEqual(lstm.path, "reference")
        let lstmCMSIS = try declarations("seq_lstm_time_major_int8", .cmsisNN)
        XCTAssertEqual(sizes(lstmCMSIS.persistent, .cortexMGCC), [912] + Array(repeating: 3 * 4, count: 8))
        XCTAssertEqual(sizes(lstmCMSIS.persistent, .x86_64), [1008] + Array(repeating: 3 * 4, count: 8))
        XCTAssertEqual(lstmCMSIS.persistent.map(\.phase), [.initialization] + Array(repeating: .preparation, count: 8))
        XCTAssertEqual(lstmCMSIS.scratch, Array(repeating: 2 * 3 * 2, count: 3), "three int16 buffers, one is the cell state")
        XCTAssertEqual(lstmCMSIS.path, "arm_lstm_unidirectional_s8")
        let lstm16 = try declarations("seq_lstm_int16", .cmsisNN)
        XCTAssertEqual(sizes(lstm16.persistent, .cortexMGCC), [912] + Array(repeating: 2 * 8, count: 8), "int64 kernel sums")
        XCTAssertEqual(lstm16.path, "arm_lstm_unidirectional_s16")
        let lstmFloat = try declarations("seq_lstm_batch2_f32", .cmsisNN)
        XCTAssertEqual(sizes(lstmFloat.persistent, .cortexMGCC), [912])
        XCTAssertEqual(lstmFloat.scratch, Array(repeating: 2 * 2 * 4, count: 4))
        XCTAssertEqual(lstmFloat.path, "reference_float")
    }

    // MARK: Refusals

    /// Models TFLM refuses (or crashes on) are refused as unsupported, in both variants.
    func testTFLMRefusedModelsAreRefused() throws {
        let refused = try Self.refusedFixtures()
        guard !refused.isEmpty else { throw XCTSkip("sequence_fixtures.json lists no refused models") }
        let expected = ["seq_svdf_nobias_f32": "bias", "seq_lstm_cifg_f32": "CIFG", "seq_lstm_peephole_f32": "peephole",
                        "seq_lstm_projection_f32": "projection", "seq_lstm_layer_norm_f32": "layer normalisation"]
        XCTAssertEqual(Set(refused.map(\.name)), Set(expected.keys))
        for (name, _) in refused {
            let model = try Model(contentsOf: SharedReference.fixturesDirectory.appendingPathComponent("\(name).tflite"))
            for variant in KernelVariant.allCases {
                XCTAssertThrowsError(try MicroInterpreter(model: model, options: InterpreterOptions(variant: variant)), name) { error in
                    guard let e = error as? UnsupportedOperatorError else { return XCTFail("\(name): \(error) is not an UnsupportedOperatorError") }
                    XCTAssertTrue(e.reason.contains(expected[name] ?? "?"), "\(name): \(e.reason)")
                }
            }
        }
        // make_handmade_fixtures.py's SVDF whose bias scale is not state scale x
        // weights_time scale: TFLM's Prepare check fails; a malformed model here.
        let badBias = SharedReference.fixturesDirectory.appendingPathComponent("hand_svdf_bias_scale_int8.tflite")
        if FileManager.default.fileExists(atPath: badBias.path) {
            let model = try Model(contentsOf: badBias)
            for variant in KernelVariant.allCases {
                XCTAssertThrowsError(try MicroInterpreter(model: model, options: InterpreterOptions(variant: variant))) { error in
                    XCTAssertTrue((error as? InvalidOperatorError)?.reason.contains("bias scale") == true, "\(error)")
                }
            }
        }
    }

    /// Variants TFLM cannot run, made by altering a fixture's tensors or options.
    func testHandMadeRefusals() throws {
        let directory = SharedReference.fixturesDirectory
        let lstm = directory.appendingPathComponent("seq_lstm_batch2_int8.tflite")
        let svdf = directory.appendingPathComponent("seq_svdf_int8.tflite")
        guard FileManager.default.fileExists(atPath: lstm.path), FileManager.default.fileExists(atPath: svdf.path) else {
            throw XCTSkip("sequence fixtures are absent")
        }
        func expectRefusal(_ url: URL, _ contains: String, variant: KernelVariant = .reference, unsupported: Bool = true,
                           options: [String: OptionValue] = [:], alter: (inout [TensorInfo]) -> Void = { _ in },
                           line: UInt = #line) {
            XCTAssertThrowsError(try KernelRun(model: url, variant: variant, options: options, alter: alter), line: line) { error in
                if unsupported {
                    guard let e = error as? UnsupportedOperatorError else { return XCTFail("\(error) is not unsupported", line: line) }
                    XCTAssertTrue(e.reason.lowercased().contains(contains.lowercased()), e.reason, line: line)
                } else {
                    guard let e = error as? InvalidOperatorError else { return XCTFail("\(error) is not invalid", line: line) }
                    XCTAssertTrue(e.reason.lowercased().contains(contains.lowercased()), e.reason, line: line)
                }
            }
        }
        // The LSTM's operator inputs: 0 input, 1-8 weights, 12-15 biases, 18 hidden, 19 cell.
        let lstmModel = try Model(contentsOf: lstm)
        let lstmInputs = lstmModel.subgraphs[0].operators[0].inputs.map(Int.init)
        expectRefusal(lstm, "per-channel") { t in
            t[lstmInputs[2]] = t[lstmInputs[2]].with(scale: [0.01, 0.01])
        }
        expectRefusal(lstm, "cell state type float32") { t in
            t[lstmInputs[19]] = t[lstmInputs[19]].with(type: .float32)
        }
        expectRefusal(lstm, "int64") { t in  // int8 activations need int32 biases
            for i in 12...15 { t[lstmInputs[i]] = t[lstmInputs[i]].with(type: .int64) }
        }
        expectRefusal(lstm, "cell activation RELU", options: ["fused_activation_function": .enumeration("RELU", 1)])
        expectRefusal(lstm, "variable", unsupported: false) { t in
            t[lstmInputs[19]] = t[lstmInputs[19]].with(variable: false)
        }
        // Non-constant weights: the reference kernel takes them, CMSIS-NN's does not.
        let nonConstant: (inout [TensorInfo]) -> Void = { t in t[lstmInputs[3]] = t[lstmInputs[3]].with(constant: false) }
        XCTAssertNoThrow(try KernelRun(model: lstm, variant: .reference, alter: nonConstant))
        expectRefusal(lstm, "constant", variant: .cmsisNN, alter: nonConstant)
        // A float LSTM with int8 weights (hybrid).
        let floatLSTM = directory.appendingPathComponent("seq_lstm_batch2_f32.tflite")
        let floatInputs = try Model(contentsOf: floatLSTM).subgraphs[0].operators[0].inputs.map(Int.init)
        expectRefusal(floatLSTM, "hybrid") { t in
            for i in 1...8 { t[floatInputs[i]] = t[floatInputs[i]].with(type: .int8) }
        }

        let svdfInputs = try Model(contentsOf: svdf).subgraphs[0].operators[0].inputs.map(Int.init)
        expectRefusal(svdf, "input type int16") { t in t[svdfInputs[0]] = t[svdfInputs[0]].with(type: .int16) }
        expectRefusal(svdf, "differs from weights_time") { t in t[svdfInputs[4]] = t[svdfInputs[4]].with(type: .int8) }
        expectRefusal(svdf, "bias scale", unsupported: false) { t in t[svdfInputs[3]] = t[svdfInputs[3]].with(scale: [0.5]) }
        expectRefusal(svdf, "rank", unsupported: false, options: ["rank": .int(0)])
        expectRefusal(svdf, "multiple of rank", unsupported: false, options: ["rank": .int(3)])
        expectRefusal(svdf, "variable", unsupported: false) { t in t[svdfInputs[4]] = t[svdfInputs[4]].with(variable: false) }
    }

    // MARK: Hand-computed arithmetic

    /// TFLM's int16 sigmoid (Q3.12 in, Q0.15 out) at 0, +1, -1 and the top of the
    /// range, worked by hand from TFLM's sigmoid_table_uint16 (entries 0, 24, 191 and
    /// 192 are 32768, 47911, 65513 and 65514).
    func testInt16SigmoidHandValues() {
        var data: [Int16] = [0, 4096, -4096, 32767]
        data.withUnsafeMutableBufferPointer { LSTMArithmetic.sigmoid($0.baseAddress!, count: 4) }
        // 0: (32768 << 9 + 512) >> 10 = 16384, one half.
        // +1: x * 3 = 12288, index 24, no fraction: (47911 << 9 + 512) >> 10 = 23956.
        // -1: ((1 << 25) - (47911 << 9) + 511) >> 10 = 8812.
        // 32767 * 3 = 98301: index 191, fraction 98301 & 511 = 509:
        //   (65513 << 9 + 509 * (65514 - 65513) + 512) >> 10 = 32757.
        XCTAssertEqual(data, [16384, 23956, 8812, 32757])
    }

    /// TFLM's int16 tanh: 0 maps to 0 exactly, and the cell state's scale sets the
    /// multiplier and shift (2^-11: left shift 1, so multiplier 6; 2^-16: right shift 4).
    func testInt16TanhHandValues() {
        XCTAssertEqual(LSTMArithmetic.tanhScaling(scalePower: -11).multiplier, 6)
        XCTAssertEqual(LSTMArithmetic.tanhScaling(scalePower: -11).rightShift, 0)
        XCTAssertEqual(LSTMArithmetic.tanhScaling(scalePower: -16).multiplier, 3)
        XCTAssertEqual(LSTMArithmetic.tanhScaling(scalePower: -16).rightShift, 4)
        var data: [Int16] = [0, 4096, -4096, -32768]
        var out = [Int16](repeating: 0, count: 4)
        data.withUnsafeMutableBufferPointer { d in
            out.withUnsafeMutableBufferPointer { LSTMArithmetic.tanh(d.baseAddress!, $0.baseAddress!, count: 4, multiplier: 3, rightShift: 0) }
        }
        // 0: (32768 << 8) - 2^23 + 128 = 128, >> 8 = 0.
        // +1 (Q3.12): 12288 >> 8 = 48, table entry 57724: (57724 << 8 - 2^23 + 128) >> 8
        //   = 24956 (tanh(1) = 0.76159 = 24956.2 / 32768).
        // -1: (-(57724 << 8) + 2^23 + 127) >> 8 = floor(-24955.504) = -24956.
        // -8 (saturated): (-(0xFFFF << 8) + 2^23 + 127) >> 8 = floor(-32766.5) = -32767.
        XCTAssertEqual(out, [0, 24956, -24956, -32767])
    }

    /// CMSIS-NN's 64-bit requantization with a reduced multiplier: 1000 * 0.75
    /// (multiplier 2^30 * 1.5, shift 0, reduced to 24576) = 750; -1001 * 0.75 rounds
    /// half up: -750.75 -> -751; the reduction of a multiplier at the top of the range.
    func testRequantizeS64() {
        let m = Int32(1 << 30) + Int32(1 << 29)
        let reduced = LSTMArithmetic.reducedMultiplier(m)
        XCTAssertEqual(reduced, 24576)
        XCTAssertEqual(LSTMArithmetic.requantizeS64(1000, reducedMultiplier: reduced, shift: 0), 750)
        XCTAssertEqual(LSTMArithmetic.requantizeS64(-1001, reducedMultiplier: reduced, shift: 0), -751)
        XCTAssertEqual(LSTMArithmetic.reducedMultiplier(Int32.max), 0x7FFF)
    }

    /// The TFLM struct layouts the kernels declare.
    func testOperatorDataLayouts() {
        XCTAssertEqual(LSTMStructs.fullyConnectedParams.size(on: .cortexMGCC), 40)
        XCTAssertEqual(LSTMStructs.arithmeticParams.size(on: .cortexMGCC), 104)
        XCTAssertEqual(LSTMStructs.arithmeticParams.size(on: .x86_64), 104)
        XCTAssertEqual(LSTMStructs.opDataLSTM.size(on: .cortexMGCC), 688)
        XCTAssertEqual(LSTMStructs.opDataLSTM.size(on: .x86_64), 688)
        XCTAssertEqual(LSTMStructs.cmsisLSTMGate.size(on: .cortexMGCC), 40)
        XCTAssertEqual(LSTMStructs.cmsisLSTMGate.size(on: .x86_64), 64)
        XCTAssertEqual(LSTMStructs.cmsisOpData.size(on: .cortexMGCC), 912)
        XCTAssertEqual(LSTMStructs.cmsisOpData.size(on: .x86_64), 1008)
    }

    /// SVDF with an int8 state under CMSIS-NN: the new state value is the requantized
    /// feature product clamped to int16 and truncated, with no zero point, where the
    /// reference adds the zero point (4 here) after clamping to int8; the memory
    /// before it keeps TFLM's reset value (the zero point's byte) in both.
    func testSVDFInt8StateZeroPointUnderCMSISNN() throws {
        let url = SharedReference.fixturesDirectory.appendingPathComponent("seq_svdf_state8_int8.tflite")
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("sequence fixtures are absent") }
        let input = try Npy.read(contentsOf: SharedReference.fixturesDirectory.appendingPathComponent("seq_svdf_state8_int8.input.npy")).bytes
        var states: [KernelVariant: [Int8]] = [:]
        for variant in KernelVariant.allCases {
            let run = try KernelRun(model: url, variant: variant)
            try run.setInput(0, input)
            try run.invoke()
            let stateIndex = run.model.subgraphs[0].operators[0].inputs[4]
            states[variant] = run.tensorBytes(Int(stateIndex)).map { Int8(bitPattern: $0) }
        }
        let reference = try XCTUnwrap(states[.reference]), cmsis = try XCTUnwrap(states[.cmsisNN])
        // Memory 2: slot 0 of each filter is the shifted reset value, slot 1 is new.
        for filter in 0..<3 {
            XCTAssertEqual(reference[2 * filter], 4)
            XCTAssertEqual(cmsis[2 * filter], 4)
            let r = Int(reference[2 * filter + 1])
            if r > -128 + 4 && r < 127 {
                XCTAssertEqual(Int(cmsis[2 * filter + 1]), r - 4, "filter \(filter)")
            }
        }
    }
}

// MARK: - A kernel-level runner with TFLM's variable handling

/// Runs a model's operators directly (prepare, then eval on private buffers),
/// resetting variable tensors as TFLM's MicroInterpreter::AllocateTensors does:
/// int8 ones to their first zero point, all others to zero.
final class KernelRun {
    let model: Model
    let tensors: [TensorInfo]
    private(set) var declarations: [(persistent: [PersistentRequest], scratch: [Int], path: String)] = []
    private var kernels: [Kernel] = []
    private var contexts: [EvalContext] = []
    private var storage: [Int: UnsafeMutableRawPointer] = [:]
    private var scratch: [UnsafeMutableRawPointer] = []

    init(model url: URL, variant: KernelVariant, options: [String: OptionValue] = [:],
         alter: (inout [TensorInfo]) -> Void = { _ in }) throws {
        model = try Model(contentsOf: url)
        let subgraph = model.subgraphs[0]
        var infos = try MicroInterpreter.makeTensorInfos(model: model, subgraph: subgraph)
        alter(&infos)
        tensors = infos
        for t in infos where !t.isConstant {
            let p = UnsafeMutableRawPointer.allocate(byteCount: max(t.byteCount, 1), alignment: 16)
            let fill: UInt8 = t.isVariable && t.type == .int8 ? UInt8(truncatingIfNeeded: t.scalarZeroPoint) : 0
            p.initializeMemory(as: UInt8.self, repeating: fill, count: max(t.byteCount, 1))
            storage[t.index] = p
        }
        for (index, op) in subgraph.operators.enumerated() {
            let code = model.operatorCodes[Int(op.opcodeIndex)]
            var opOptions = op.builtinOptions
            if !options.isEmpty {
                var fields = opOptions.fields
                for (name, value) in options {
                    if let i = fields.firstIndex(where: { $0.name == name }) { fields[i].value = value } else { fields.append((name, value)) }
                }
                guard let table = opOptions.table, let changed = BuiltinOptions(fieldsOf: type(of: table), fields) else {
                    preconditionFailure("\(code.name)'s options have no field among \(options.keys.sorted())")
                }
                opOptions = changed
            }
            let context = PrepareContext(operatorIndex: index, op: code.kind, opVersion: Int(code.version), options: opOptions,
                                         variant: variant, customOptions: nil, inputs: op.inputs.map(Int.init),
                                         outputs: op.outputs.map(Int.init), intermediates: op.intermediates.map(Int.init), tensors: infos)
            guard let kernel = (try? KernelRunner.kernel(code.name)) else {
                throw UnsupportedOperatorError(operatorIndex: index, op: code.name, reason: "not registered")
            }
            try kernel.prepare(context)
            declarations.append((context.persistentRequests, context.scratchRequests, context.kernelPath?.name ?? ""))
            let buffers = context.scratchRequests.map { bytes -> UnsafeMutableRawPointer in
                let p = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 1), alignment: 16)
                p.initializeMemory(as: UInt8.self, repeating: 0xA5, count: max(bytes, 1))  // not zero: nothing may rely on it
                return p
            }
            scratch += buffers
            let inputs = op.inputs.map { i -> UnsafeMutableRawPointer? in
                guard i >= 0 else { return nil }
                let t = infos[Int(i)]
                return t.isConstant ? t.constantData.map { UnsafeMutableRawPointer(mutating: $0) } : storage[t.index]
            }
            let outputs = op.outputs.map { storage[Int($0)]! }
            kernels.append(kernel)
            contexts.append(EvalContext(inputs: inputs, outputs: outputs, scratch: buffers))
        }
    }

    deinit {
        storage.values.forEach { $0.deallocate() }
        scratch.forEach { $0.deallocate() }
    }

    func setInput(_ i: Int, _ bytes: [UInt8]) throws {
        let t = tensors[Int(model.subgraphs[0].inputs[i])]
        guard bytes.count == t.byteCount, let p = storage[t.index] else { throw NpyError(what: "input \(i) size") }
        bytes.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
    }

    func invoke() throws {
        for (kernel, context) in zip(kernels, contexts) { try kernel.eval(context) }
    }

    func tensorBytes(_ index: Int) -> [UInt8] {
        guard let p = storage[index] else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: p, count: tensors[index].byteCount))
    }

    func output(_ i: Int) -> [UInt8] { tensorBytes(Int(model.subgraphs[0].outputs[i])) }
}

extension TensorInfo {
    /// A copy with some facts changed (to build models TFLM refuses).
    func with(type: TensorType? = nil, scale: [Float]? = nil, variable: Bool? = nil, constant: Bool? = nil) -> TensorInfo {
        let newType = type ?? self.type
        let size = newType.byteSize ?? 1
        return TensorInfo(index: index, name: name, type: newType, shape: shape, elementCount: elementCount,
                          byteCount: elementCount * size, isConstant: constant ?? isConstant, isVariable: variable ?? isVariable,
                          scale: scale ?? self.scale, zeroPoint: scale.map { Array(repeating: 0, count: $0.count) } ?? zeroPoint,
                          quantizedDimension: quantizedDimension, constantData: (constant ?? isConstant) ? constantData : nil)
    }
}
