import Foundation
import XCTest
@testable import Interpreter

/// Runs a model on its golden inputs and compares the outputs byte for byte with
/// TFLM's golden outputs (`NAME.input.npy`, `NAME.input1.npy`, ... → `NAME.output.npy`, ...).
enum GoldenHarness {
    struct Outcome {
        let interpreter: MicroInterpreter
        /// Indices of outputs that differ, with the count of differing bytes.
        let mismatches: [(output: Int, differingBytes: Int, total: Int)]
        var bitExact: Bool { mismatches.isEmpty }
    }

    static func numbered(_ directory: URL, _ name: String, _ kind: String, _ i: Int) -> URL {
        directory.appendingPathComponent(i == 0 ? "\(name).\(kind).npy" : "\(name).\(kind)\(i).npy")
    }

    /// One invoke on NAME.input*.npy against NAME.output*.npy; or, for stateful models
    /// (variables such as SVDF's state), every invocation listed in `invocations`
    /// (each an object with "inputs" and "outputs" file lists) on one interpreter, in order.
    static func run(name: String, modelDirectory: URL, goldenDirectory: URL,
                    variant: KernelVariant = .reference, invocations: [[String: Any]]? = nil) throws -> Outcome {
        let model = try Model(contentsOf: modelDirectory.appendingPathComponent("\(name).tflite"))
        let interpreter = try MicroInterpreter(model: model, options: InterpreterOptions(variant: variant))
        let steps: [(inputs: [URL], outputs: [URL])]
        if let invocations, !invocations.isEmpty {
            steps = invocations.map { step in
                ((step["inputs"] as? [String] ?? []).map { goldenDirectory.appendingPathComponent($0) },
                 (step["outputs"] as? [String] ?? []).map { goldenDirectory.appendingPathComponent($0) })
            }
        } else {
            steps = [((0..<interpreter.inputIndices.count).map { numbered(goldenDirectory, name, "input", $0) },
                      (0..<interpreter.outputIndices.count).map { numbered(goldenDirectory, name, "output", $0) })]
        }
        var mismatches: [(Int, Int, Int)] = []
        for (k, step) in steps.enumerated() {
            for (i, url) in step.inputs.enumerated() {
                try interpreter.setInput(i, bytes: try Npy.read(contentsOf: url).bytes)
            }
            try interpreter.invoke()
            for (i, url) in step.outputs.enumerated() {
                let golden = try Npy.read(contentsOf: url)
                let ours = interpreter.outputBytes(i)
                let differing = zip(ours, golden.bytes).filter { $0 != $1 }.count + abs(ours.count - golden.bytes.count)
                // Outputs of later invocations are numbered after the first's.
                if differing > 0 { mismatches.append((k * step.outputs.count + i, differing, golden.bytes.count)) }
            }
        }
        return Outcome(interpreter: interpreter, mismatches: mismatches)
    }

    /// Asserts bit-exactness for one golden model and returns the interpreter for further checks.
    @discardableResult
    static func assertBitExact(_ name: String, modelDirectory: URL, goldenDirectory: URL,
                               variant: KernelVariant = .reference,
                               file: StaticString = #filePath, line: UInt = #line) throws -> MicroInterpreter {
        let outcome = try run(name: name, modelDirectory: modelDirectory, goldenDirectory: goldenDirectory, variant: variant)
        for m in outcome.mismatches {
            XCTFail("\(name) [\(variant.rawValue)]: output \(m.output) differs from TFLM in \(m.differingBytes) of \(m.total) bytes", file: file, line: line)
        }
        return outcome.interpreter
    }

    /// The intermediate tensors TFLM dumped (`NAME.intermediates.npz` keys `t<index>_<name>`),
    /// for finding the first operator that diverges. Reads the zip's stored (uncompressed) members.
    static func intermediates(_ url: URL) throws -> [Int: NpyArray] {
        let bytes = [UInt8](try Data(contentsOf: url))
        var result: [Int: NpyArray] = [:]
        var p = 0
        func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        while p + 30 <= bytes.count, u32(p) == 0x0403_4b50 {
            let method = u16(p + 8)
            var compressed = u32(p + 18)
            let nameLength = u16(p + 26), extraLength = u16(p + 28)
            let name = String(decoding: bytes[(p + 30)..<(p + 30 + nameLength)], as: UTF8.self)
            // zip64: sizes in the extra field.
            if compressed == 0xFFFF_FFFF {
                var e = p + 30 + nameLength
                let end = e + extraLength
                while e + 4 <= end {
                    if u16(e) == 1 { compressed = u32(e + 12) | u32(e + 16) << 32; break }
                    e += 4 + u16(e + 2)
                }
            }
            let start = p + 30 + nameLength + extraLength
            if method == 0, name.hasPrefix("t"), let index = Int(name.dropFirst().prefix { $0.isNumber }) {
                result[index] = try Npy.decode(Array(bytes[start..<(start + compressed)]))
            }
            p = start + compressed
        }
        return result
    }
}
