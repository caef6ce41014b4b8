import Foundation
import TestSupport
import XCTest
@testable import Interpreter

/// TFLM's signal library kernels (Kernels/Signal): the fixtures of
/// make_signal_fixtures.py (single operators and whole front ends, 60 invokes each
/// of sine-sweep-plus-noise audio, resets part-way) and, when a TFLM checkout is
/// at hand, TFLM's own micro_speech audio_preprocessor models; outputs bit-exact with
/// TFLM on every invoke in both kernel variants, arena equal to TFLM's records.
final class SignalKernelTests: XCTestCase {
    /// One recorded stream: a model, its input streams and TFLM's output streams.
    struct Stream {
        let name: String
        let model: URL
        let entry: [String: Any]
        var invokes: Int { entry["invokes"] as? Int ?? 0 }
        var resetBefore: Set<Int> { Set(entry["reset_before"] as? [Int] ?? []) }
        /// Output index -> the bool output that says whether it was written.
        var gated: [Int: Int] {
            var result: [Int: Int] = [:]
            for (k, v) in entry["gated_outputs"] as? [String: Int] ?? [:] { if let i = Int(k) { result[i] = v } }
            return result
        }
        var ops: [String] { (entry["ops"] as? [[String: Any]] ?? []).compactMap { $0["op"] as? String } }
        var tflm: [String: Any] { entry["tflm"] as? [String: Any] ?? [:] }
        func files(_ key: String) -> [URL] {
            (entry[key] as? [String] ?? []).map { SignalKernelTests.directory.appendingPathComponent($0) }
        }
    }

    static var directory: URL { SharedReference.fixturesDirectory }
    static var index: URL { directory.appendingPathComponent("signal_fixtures.json") }

    static func fixtures() throws -> [Stream] {
        guard FileManager.default.fileExists(atPath: index.path) else { return [] }
        let entries = try SharedReference.json(index)["fixtures"] as? [String: [String: Any]] ?? [:]
        return entries.keys.sorted().map { name in
            Stream(name: name, model: directory.appendingPathComponent(entries[name]?["file"] as? String ?? ""), entry: entries[name]!)
        }
    }

    /// Where a TFLM checkout may be: $MCUSIM_TFLM_CHECKOUT, or ext/tflite-micro beside
    /// the repository or one level up.
    static func tflmCheckout() -> URL? {
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment["MCUSIM_TFLM_CHECKOUT"] { candidates.append(URL(fileURLWithPath: env)) }
        let parent = SharedReference.packageRoot.deletingLastPathComponent()
        candidates += [parent.appendingPathComponent("ext/tflite-micro"),
                       parent.deletingLastPathComponent().appendingPathComponent("ext/tflite-micro")]
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("signal/micro/kernels").path) }
    }

    /// TFLM's micro_speech audio_preprocessor models, when a checkout holds the very
    /// files the goldens were recorded from (same sha256).
    static func externalModels() throws -> (streams: [Stream], skipped: String?) {
        guard FileManager.default.fileExists(atPath: index.path) else { return ([], "no signal_fixtures.json") }
        let entries = try SharedReference.json(index)["external"] as? [String: [String: Any]] ?? [:]
        guard !entries.isEmpty else { return ([], "signal_fixtures.json records no external goldens") }
        guard let checkout = tflmCheckout() else {
            return ([], "no TFLM checkout (set MCUSIM_TFLM_CHECKOUT, or check one out at ext/tflite-micro beside the repository)")
        }
        var streams: [Stream] = []
        for name in entries.keys.sorted() {
            let entry = entries[name]!
            let model = checkout.appendingPathComponent(entry["model"] as? String ?? "")
            guard let data = try? Data(contentsOf: model) else { return ([], "\(model.path) is absent") }
            guard sha256(data) == entry["model_sha256"] as? String else {
                return ([], "\(model.path) differs from the file the goldens were recorded from")
            }
            streams.append(Stream(name: name, model: model, entry: entry))
        }
        return (streams, nil)
    }

    /// Runs every invoke of a stream and returns the mismatches (invoke, output, bytes).
    static func replay(_ stream: Stream, variant: KernelVariant, pointerSize: Int = 4) throws -> (interpreter: MicroInterpreter, mismatches: [String]) {
        let interpreter = try MicroInterpreter(model: try Model(contentsOf: stream.model),
                                               options: InterpreterOptions(variant: variant, pointerSize: pointerSize))
        let inputs = try stream.files("stream_inputs").map { try Npy.read(contentsOf: $0) }
        let outputs = try stream.files("stream_outputs").map { try Npy.read(contentsOf: $0) }
        let count = stream.invokes
        XCTAssertGreaterThan(count, 0, stream.name)
        func row(_ a: NpyArray, _ k: Int) -> ArraySlice<UInt8> {
            let size = a.bytes.count / count
            return a.bytes[(k * size)..<((k + 1) * size)]
        }
        var mismatches: [String] = []
        for k in 0..<count {
            if stream.resetBefore.contains(k) { interpreter.reset() }
            for (i, input) in inputs.enumerated() { try interpreter.setInput(i, bytes: Array(row(input, k))) }
            try interpreter.invoke()
            for (i, golden) in outputs.enumerated() {
                // An output TFLM does not write while its valid flag is false holds arena leftovers.
                if let validIndex = stream.gated[i], row(outputs[validIndex], k).first == 0 { continue }
                let ours = interpreter.outputBytes(i)
                let expected = row(golden, k)
                let differing = zip(ours, expected).filter { $0 != $1 }.count + abs(ours.count - expected.count)
                if differing > 0 { mismatches.append("invoke \(k) output \(i): \(differing) of \(expected.count) bytes differ") }
            }
        }
        return (interpreter, mismatches)
    }

    static func sha256(_ data: Data) -> String { SHA256.hex(of: data) }

    // MARK: Bit-exactness

    func testFixturesAreBitExactWithTFLMOnEveryInvoke() throws {
        let fixtures = try Self.fixtures()
        guard !fixtures.isEmpty else { throw XCTSkip("no signal_fixtures.json in Tests/Fixtures/models") }
        var exact: [String] = []
        var covered = Set<String>()
        for f in fixtures {
            XCTAssertGreaterThanOrEqual(f.invokes, 50, "\(f.name): fewer than 50 invokes")
            for variant in KernelVariant.allCases {
                let (_, mismatches) = try Self.replay(f, variant: variant)
                for m in mismatches.prefix(5) { XCTFail("\(f.name) [\(variant.rawValue)] \(m)") }
                if mismatches.isEmpty { exact.append("\(f.name)[\(variant.rawValue)] x\(f.invokes)") }
            }
            covered.formUnion(f.ops.filter { $0.hasPrefix("CUSTOM:Signal") })
        }
        // Every signal kernel mcusim registers is covered by a fixture.
        let registered = Set(KernelRegistry.supportedOps.map(\.name).filter { $0.hasPrefix("CUSTOM:Signal") })
        XCTAssertEqual(registered.subtracting(covered), [], "signal kernels without a fixture")
        XCTAssertEqual(registered.count, 14)
        print("signal fixtures bit-exact with TFLM on every invoke: \(exact.count): \(exact.joined(separator: ", "))")
    }

    func testTFLMAudioPreprocessorModelsAreBitExact() throws {
        let (streams, skipped) = try Self.externalModels()
        if let skipped { throw XCTSkip(skipped) }
        for s in streams {
            XCTAssertGreaterThanOrEqual(s.invokes, 50)
            for variant in KernelVariant.allCases {
                let (_, mismatches) = try Self.replay(s, variant: variant)
                for m in mismatches.prefix(5) { XCTFail("\(s.name) [\(variant.rawValue)] \(m)") }
            }
        }
    }

    // MARK: Arena

    /// Head, tail (every recorded kind: used, requested, count) and the working
    /// minimum on TFLM's 64-bit host build, against the recording allocator.
    private func assertArenaMatches(_ s: Stream, file: StaticString = #filePath, line: UInt = #line) throws {
        let interpreter = try MicroInterpreter(model: try Model(contentsOf: s.model),
                                               options: InterpreterOptions(variant: .reference, pointerSize: 8))
        let usage = interpreter.arenaUsage
        let tflm = s.tflm
        XCTAssertEqual(usage.plannedBytes, tflm["arena_head_bytes"] as? Int, "\(s.name): head", file: file, line: line)
        XCTAssertEqual(usage.persistentBytes, tflm["arena_tail_bytes"] as? Int, "\(s.name): tail", file: file, line: line)
        let recorded = tflm["persistent"] as? [String: [Int]] ?? [:]
        for row in usage.persistent.rows {
            XCTAssertEqual([row.used, row.requested, row.count], recorded[row.what], "\(s.name): \(row.what)", file: file, line: line)
        }
        XCTAssertEqual(Set(usage.persistent.rows.map(\.what)), Set(recorded.keys), "\(s.name): recorded kinds", file: file, line: line)
        XCTAssertEqual(usage.workingMinimumBytes, tflm["min_arena_bytes"] as? Int,
                       "\(s.name): working minimum (limit \(usage.workingMinimum.limit))", file: file, line: line)
    }

    func testArenaEqualsTFLMRecords() throws {
        let fixtures = try Self.fixtures()
        guard !fixtures.isEmpty else { throw XCTSkip("no signal_fixtures.json in Tests/Fixtures/models") }
        for f in fixtures { try assertArenaMatches(f) }
    }

    func testTFLMAudioPreprocessorArenaEqualsTFLMRecords() throws {
        let (streams, skipped) = try Self.externalModels()
        if let skipped { throw XCTSkip(skipped) }
        for s in streams { try assertArenaMatches(s) }
    }


    // MARK: Hostile options

    /// The model with operator `op`'s custom options replaced by `blob`: in place when it
    /// is no longer (the vector's length field shrinks), else as a new vector appended to
    /// the file, with the operator's uoffset to the old one redirected to it.
    static func replacingOptions(_ bytes: [UInt8], op: Int, with blob: [UInt8]) throws -> [UInt8] {
        let model = try Model(bytes: bytes)
        let range = try XCTUnwrap(model.subgraphs[0].operators[op].customOptions)
        func u32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        var out = bytes
        let vector = range.lowerBound - 4
        if blob.count <= range.count {
            out.replaceSubrange(vector..<(vector + 4), with: u32(blob.count))
            out.replaceSubrange(range.lowerBound..<(range.lowerBound + blob.count), with: blob)
            return out
        }
        let field = try XCTUnwrap(stride(from: 0, to: vector, by: 4).first { q in
            Int(bytes[q]) | Int(bytes[q + 1]) << 8 | Int(bytes[q + 2]) << 16 | Int(bytes[q + 3]) << 24 == vector - q
        }, "no uoffset points at the options vector")
        while out.count % 4 != 0 { out.append(0) }
        out.replaceSubrange(field..<(field + 4), with: u32(out.count - field))
        out += u32(blob.count) + blob
        return out
    }

    /// Truncations and byte flips of every signal operator's options (in its single-operator
    /// fixture, and in TFLM's audio_preprocessor_int8 when a checkout is at hand): preparing
    /// either succeeds, and then invoking on the recorded input does not trap, or it fails
    /// with an invalid-model or unsupported error that names the operator.
    func testHostileOptionsGiveCleanErrors() throws {
        var targets: [(URL, Stream?)] = []
        var seen = Set<String>()
        for f in try Self.fixtures() where f.ops.count == 1 && seen.insert(f.ops[0]).inserted { targets.append((f.model, f)) }
        targets += try Self.externalModels().streams.filter { $0.name.hasSuffix("int8") }.map { ($0.model, $0) }
        XCTAssertGreaterThanOrEqual(targets.count, 14)
        var rng = SplitMix(seed: 1414)
        var outcomes: [String: Int] = [:]
        for (url, stream) in targets {
            let original = [UInt8](try Data(contentsOf: url))
            let model = try Model(bytes: original)
            let firstFrame = try stream.map { s in try s.files("stream_inputs").map { a -> [UInt8] in
                let array = try Npy.read(contentsOf: a)
                return Array(array.bytes.prefix(array.bytes.count / max(s.invokes, 1)))
            } } ?? []
            for (index, op) in model.subgraphs[0].operators.enumerated() {
                guard let range = op.customOptions else { continue }
                let blob = Array(original[range])
                var variants: [[UInt8]] = (0..<blob.count).map { Array(blob.prefix($0)) }
                for _ in 0..<30 {
                    var b = blob
                    for _ in 0..<(1 + Int(rng.next() % 2)) where !b.isEmpty {
                        b[Int(rng.next() % UInt64(b.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
                    }
                    variants.append(b)
                }
                for variant in variants {
                    let bytes = try Self.replacingOptions(original, op: index, with: variant)
                    do {
                        let interpreter = try MicroInterpreter(model: try Model(bytes: bytes), options: InterpreterOptions(variant: .reference))
                        for (i, frame) in firstFrame.enumerated() { try interpreter.setInput(i, bytes: frame) }
                        try? interpreter.invoke()
                        outcomes["prepared", default: 0] += 1
                    } catch let e as InvalidOperatorError {
                        XCTAssertEqual(e.operatorIndex, index, "\(url.lastPathComponent): \(e)")
                        outcomes["invalid", default: 0] += 1
                    } catch let e as UnsupportedOperatorError {
                        XCTAssertEqual(e.operatorIndex, index, "\(url.lastPathComponent): \(e)")
                        outcomes["unsupported", default: 0] += 1
                    } catch {
                        XCTFail("\(url.lastPathComponent) operator \(index): unexpected \(type(of: error)): \(error)")
                    }
                }
            }
        }
        XCTAssertGreaterThan(outcomes["invalid", default: 0], 0)
        print("hostile signal options: \(outcomes)")
    }

    /// Random byte flips anywhere in signal models (shapes, types, tensor indices, options):
    /// reading, preparing and invoking end in a thrown error or a run, never a trap.
    func testRandomByteFlipsOfSignalModels() throws {
        let fixtures = try Self.fixtures().filter { ["sig_pipeline_streaming_int16", "sig_pipeline_resynthesis_float"].contains($0.name) }
        guard fixtures.count == 2 else { throw XCTSkip("signal pipeline fixtures are absent") }
        var rng = SplitMix(seed: 2614)
        var outcomes: [String: Int] = [:]
        for f in fixtures {
            let original = [UInt8](try Data(contentsOf: f.model))
            for _ in 0..<250 {
                var bytes = original
                for _ in 0..<(1 + Int(rng.next() % 3)) {
                    let limit = rng.next() % 2 == 0 ? min(bytes.count, 2048) : bytes.count
                    bytes[Int(rng.next() % UInt64(limit))] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
                }
                do {
                    let interpreter = try MicroInterpreter(model: try Model(bytes: bytes), options: InterpreterOptions(variant: .reference))
                    for i in 0..<interpreter.inputIndices.count {
                        try interpreter.setInput(i, bytes: [UInt8](repeating: 3, count: interpreter.inputTensor(i).byteCount))
                    }
                    try interpreter.invoke()
                    outcomes["ran", default: 0] += 1
                } catch {
                    outcomes[String(describing: type(of: error)), default: 0] += 1
                }
            }
        }
        print("byte flips of signal pipelines: \(outcomes)")
        XCTAssertGreaterThan(outcomes.filter { $0.key != "ran" }.values.reduce(0, +), 0)
    }

    // MARK: Refusals

    private func refusal(_ fixture: String, op: Int = 0, options: [(String, FlexTestBuilder.Value)], width: Int = 1) throws -> Error? {
        let url = Self.directory.appendingPathComponent("\(fixture).tflite")
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("\(fixture) is absent") }
        let bytes = try Self.replacingOptions([UInt8](try Data(contentsOf: url)), op: op, with: FlexTestBuilder.map(options, width: width))
        do {
            _ = try MicroInterpreter(model: try Model(bytes: bytes))
            return nil
        } catch {
            return error
        }
    }

    /// What TFLM cannot run is refused as unsupported, saying why; options TFLM would
    /// misread are refused as invalid, with the option's path.
    func testRefusalsSayWhoCannotRunWhat() throws {
        // TFLM's kissfft allocates nothing, so a radix-7 stage (fft_length 28: 14 = 2 x 7) crashes TFLM.
        let radix7 = try refusal("sig_rfft_int16", options: [("T", .int(7)), ("fft_length", .int(28))])
        XCTAssertTrue((radix7 as? UnsupportedOperatorError)?.reason.contains("radix-7") == true, "\(String(describing: radix7))")
        let odd = try refusal("sig_irfft_int16", options: [("T", .int(7)), ("fft_length", .int(127))])
        XCTAssertTrue((odd as? UnsupportedOperatorError)?.reason.contains("odd") == true, "\(String(describing: odd))")
        let int8FFT = try refusal("sig_rfft_int16", options: [("T", .int(9)), ("fft_length", .int(64))])
        XCTAssertTrue((int8FFT as? UnsupportedOperatorError)?.reason.contains("INT8") == true, "\(String(describing: int8FFT))")
        // Options by position: a key TFLM does not expect at index 0.
        let misplaced = try refusal("sig_window_int16", options: [("scale", .int(12))])
        XCTAssertTrue("\(String(describing: misplaced))".contains("custom_options.shift"), "\(String(describing: misplaced))")
        XCTAssertTrue(misplaced is InvalidOperatorError)
        // A float where TFLM reads its int32.
        let float = try refusal("sig_window_int16", options: [("shift", .float(12))], width: 4)
        XCTAssertTrue(float is InvalidOperatorError && "\(float!)".contains("float"), "\(String(describing: float))")
        // Shifts C leaves undefined, and reads past a tensor TFLM would not check.
        XCTAssertTrue(try refusal("sig_window_int16", options: [("shift", .int(40))]) is InvalidOperatorError)
        XCTAssertTrue(try refusal("sig_energy_int16", options: [("end_index", .int(90)), ("start_index", .int(0))]) is InvalidOperatorError)
        XCTAssertTrue(try refusal("sig_stacker", options: [("num_channels", .int(12)), ("stacker_left_context", .int(2)),
                                                         ("stacker_right_context", .int(1)), ("stacker_step", .int(0))]) is InvalidOperatorError)
        // A huge delay from a few bytes is refused before anything is allocated.
        let huge = try refusal("sig_delay_int16", options: [("delay_length", .int(1 << 30))], width: 4)
        XCTAssertTrue((huge as? UnsupportedOperatorError)?.reason.contains("persistent state") == true, "\(String(describing: huge))")
        // Still valid: a same-length change TFLM accepts.
        XCTAssertNil(try refusal("sig_window_int16", options: [("shift", .int(11))]))
    }

    /// A custom operator mcusim has no kernel for: the refusal says mcusim lacks it and,
    /// separately, whether TFLM has one.
    func testMissingCustomOperatorWording() {
        XCTAssertEqual(KernelRegistry.missingReason(.custom("MyOp")),
                       "mcusim has no kernel for custom operator MyOp; TFLM has none either (neither its Python interpreter nor MicroMutableOpResolver registers it: a firmware must bring its own with AddCustom)")
        XCTAssertTrue(KernelRegistry.missingReason(.custom("TFLite_Detection_PostProcess")).contains("TFLM has one"))
        XCTAssertEqual(KernelRegistry.missingReason(.builtin(.hashtableLookup)), "mcusim has no kernel for this operator")
        for name in KernelRegistry.tflmCustomOperators where name.hasPrefix("Signal") {
            XCTAssertTrue(KernelRegistry.isRegistered(.custom(name)), name)
        }
    }


    // MARK: Declared allocations, 32-bit and 64-bit

    /// Each operator's persistent requests (phase, bytes on Cortex-M, bytes on x86-64) and scratch.
    static func declarations(_ fixture: String, variant: KernelVariant = .reference) throws -> [(op: String, persistent: [(PersistentRequest.Phase, Int, Int)], scratch: [Int])] {
        let model = try Model(contentsOf: directory.appendingPathComponent("\(fixture).tflite"))
        let subgraph = model.subgraphs[0]
        let tensors = try MicroInterpreter.makeTensorInfos(model: model, subgraph: subgraph)
        return try subgraph.operators.enumerated().map { index, op in
            let code = model.operatorCodes[Int(op.opcodeIndex)]
            let context = PrepareContext(operatorIndex: index, op: code.kind, opVersion: Int(code.version), options: op.builtinOptions,
                                         variant: variant, customOptions: op.customOptions.map { model.bytes[$0] },
                                         inputs: op.inputs.map(Int.init), outputs: op.outputs.map(Int.init),
                                         intermediates: op.intermediates.map(Int.init), tensors: tensors)
            try XCTUnwrap(KernelRegistry.makeKernel(code.kind)).prepare(context)
            return (code.name, context.persistentRequests.map { ($0.phase, $0.bytes(on: .cortexMGCC), $0.bytes(on: .x86_64)) },
                    context.scratchRequests)
        }
    }

    /// The structs of TFLM's Init and Prepare, laid out by hand for arm-none-eabi-gcc
    /// (4-byte pointers and size_t, 1-byte TfLiteType) and x86-64 (8-byte pointers, 4-byte
    /// enums); the 64-bit sums are also what testArenaEqualsTFLMRecords checks against TFLM.
    func testPersistentDeclarationsOn32And64Bit() throws {
        guard FileManager.default.fileExists(atPath: Self.index.path) else { throw XCTSkip("no signal fixtures") }
        func only(_ fixture: String) throws -> (persistent: [(PersistentRequest.Phase, Int, Int)], scratch: [Int]) {
            let d = try Self.declarations(fixture)
            XCTAssertEqual(d.count, 1)
            return (d[0].persistent, d[0].scratch)
        }
        func sizes(_ d: [(PersistentRequest.Phase, Int, Int)]) -> [[Int]] { d.map { [$0.1, $0.2] } }
        func phases(_ d: [(PersistentRequest.Phase, Int, Int)]) -> [PersistentRequest.Phase] { d.map(\.0) }
        // Two int32: window (shift, input_size), energy, log; PCAN one int.
        XCTAssertEqual(sizes(try only("sig_window_int16").persistent), [[8, 8]])
        XCTAssertEqual(sizes(try only("sig_energy_int16").persistent), [[8, 8]])
        XCTAssertEqual(sizes(try only("sig_filter_bank_log").persistent), [[8, 8]])
        XCTAssertEqual(sizes(try only("sig_pcan").persistent), [[4, 4]])
        XCTAssertEqual(sizes(try only("sig_fft_auto_scale_int16").persistent), [])
        XCTAssertEqual(sizes(try only("sig_filter_bank_square_root").persistent), [])
        // RFFT params: 4 int32, TfLiteType (1 / 4 bytes), pointer, int, pointer = 32 / 48; then
        // kiss_fftr's state for fft_length 128, int16: 3 pointers + (4 + 4 + 256 + 4 = 268, + 63 x 4)
        // + 96 x 4 = 916 / 928; scratch: 128 int16.
        let rfft = try only("sig_rfft_int16")
        XCTAssertEqual(sizes(rfft.persistent), [[32, 48], [916, 928]])
        XCTAssertEqual(phases(rfft.persistent), [.initialization, .initialization])
        XCTAssertEqual(rfft.scratch, [256])
        // int32, fft_length 64: kiss_fft_state 272 + 31 x 8, + 48 x 8.
        XCTAssertEqual(sizes(try only("sig_rfft_int32").persistent), [[32, 48], [12 + 520 + 384, 24 + 520 + 384]])
        XCTAssertEqual(try only("sig_rfft_int32").scratch, [256])
        // IRFFT params (4 int32, type, pointer) 24 / 32; float adds IrfftFloatState (int32 + pointer) 8 / 16.
        // fft_length 160, float: 272 + 79 x 8 + 120 x 8.
        XCTAssertEqual(sizes(try only("sig_irfft_float").persistent), [[24, 32], [8 + 12 + 904 + 960, 16 + 24 + 904 + 960]])
        XCTAssertEqual(try only("sig_irfft_float").scratch, [])
        // Filter bank: FilterbankConfig (int32, 5 pointers, 2 int32) + pointer = 36 / 64; 17 uint64 of work area.
        XCTAssertEqual(sizes(try only("sig_filter_bank").persistent), [[36, 64], [136, 136]])
        // Spectral subtraction: config (8 x 4 + bool = 36) + pointer + size_t = 44 / 56; 16 uint32 noise estimates.
        XCTAssertEqual(sizes(try only("sig_spectral_subtraction").persistent), [[44, 56], [64, 64]])
        // Delay: 3 int32 + 2 pointers = 20 / 32 (Init); then per row of two: a pointer in each of two
        // arrays, and a CircularBuffer (3 size_t, 2 int32, pointer = 24 / 40) + 2 x (40 + 25) int16.
        let delay = try only("sig_delay_int16")
        XCTAssertEqual(sizes(delay.persistent), [[20, 32], [8, 16], [8, 16], [24 + 260, 40 + 260], [24 + 260, 40 + 260]])
        XCTAssertEqual(phases(delay.persistent), [.initialization] + Array(repeating: .preparation, count: 4))
        // Framer: 4 int32, bool, 2 pointers = 28 / 40; one row; capacity 240 rounded to steps of 80 = 240.
        XCTAssertEqual(sizes(try only("sig_framer_prefill_int16").persistent), [[28, 40], [4, 8], [4, 8], [24 + 960, 40 + 960]])
        // Capacity 200 rounded up to steps of 32: 224.
        XCTAssertEqual(sizes(try only("sig_framer_int16").persistent), [[28, 40], [4, 8], [4, 8], [24 + 896, 40 + 896]])
        // Stacker: 4 int32, 2 size_t, bool, 2 pointers = 36 / 56, and (Init too) its buffer of 12 x 4 = 48 int16.
        let stacker = try only("sig_stacker")
        XCTAssertEqual(sizes(stacker.persistent), [[36, 56], [24 + 192, 40 + 192]])
        XCTAssertEqual(phases(stacker.persistent), [.initialization, .initialization])
        // Overlap-add: 4 int32, type, pointer = 24 / 32; a pointer per row, then 64 int16 per row.
        XCTAssertEqual(sizes(try only("sig_overlap_add_int16").persistent), [[24, 32], [8, 16], [128, 128], [128, 128]])
        XCTAssertEqual(sizes(try only("sig_overlap_add_float").persistent), [[24, 32], [4, 8], [192, 192]])
        // TFLM's Arm build runs the same signal kernels: CMSIS-NN declares the same.
        for f in try Self.fixtures() where f.ops.count == 1 {
            let reference = try Self.declarations(f.name, variant: .reference)
            let cmsis = try Self.declarations(f.name, variant: .cmsisNN)
            XCTAssertEqual(reference.map { sizes($0.persistent) }, cmsis.map { sizes($0.persistent) }, f.name)
            XCTAssertEqual(reference.map(\.scratch), cmsis.map(\.scratch), f.name)
        }
    }

    /// The 32-bit Cortex-M arena of TFLM's front end, replayed with the same structs.
    func testFrontendArenaOnCortexM() throws {
        guard FileManager.default.fileExists(atPath: Self.index.path) else { throw XCTSkip("no signal fixtures") }
        let interpreter = try MicroInterpreter(model: try Model(contentsOf: Self.directory.appendingPathComponent("sig_pipeline_frontend_int8.tflite")))
        let usage = interpreter.arenaUsage
        let tflm = try XCTUnwrap(try Self.fixtures().first { $0.name == "sig_pipeline_frontend_int8" }?.tflm)
        // The head does not depend on the pointer size.
        XCTAssertEqual(usage.plannedBytes, tflm["arena_head_bytes"] as? Int)
        XCTAssertLessThan(usage.persistentBytes, tflm["arena_tail_bytes"] as? Int ?? 0)
        // Signal operators' persistent buffers on Cortex-M: window 8, RFFT 32 + 2836 (fft 512:
        // 12 + 268 + 255 x 4 + 384 x 4), energy 8, filter bank 36 + 41 x 8, spectral
        // subtraction 44 + 40 x 4, PCAN 4, log 8.
        let signal = try Self.declarations("sig_pipeline_frontend_int8").filter { $0.op.hasPrefix("CUSTOM:") }
        let declared: [Int] = signal.flatMap { $0.persistent.map(\.1) }
        let expected: [Int] = [8, 32, 2836, 8, 36, 328, 44, 160, 4, 8]
        XCTAssertEqual(declared, expected)
    }
}
