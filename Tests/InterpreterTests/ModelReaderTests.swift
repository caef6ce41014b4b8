import Foundation
import TestSupport
import XCTest
@testable import Interpreter

final class ModelReaderTests: XCTestCase {
    /// Every zoo and real model: op sequence, options, I/O shapes, dtypes and
    /// quantization as TFLM's golden.json records them.
    func testModelsMatchGoldenDescriptions() throws {
        try SharedReference.require()
        var checked = 0
        for (name, entry, directory) in try SharedReference.allGoldenModels() {
            let file = entry["file"] as? String ?? "\(name).tflite"
            let model = try Model(contentsOf: directory.appendingPathComponent(file))
            let subgraph = model.subgraphs[0]
            let ops = entry["ops"] as? [[String: Any]] ?? []
            XCTAssertEqual(subgraph.operators.count, ops.count, "\(name): operator count")
            for (i, (op, golden)) in zip(subgraph.operators, ops).enumerated() {
                XCTAssertEqual(model.opName(op), golden["op"] as? String, "\(name) op \(i)")
                XCTAssertEqual(Int(model.operatorCodes[Int(op.opcodeIndex)].version), golden["version"] as? Int, "\(name) op \(i) version")
                for (key, value) in golden["options"] as? [String: Any] ?? [:] {
                    assertOption(op.builtinOptions, camelKey: key, golden: value, context: "\(name) op \(i) \(key)")
                }
            }
            try assertTensors(model, subgraph.inputs, entry["inputs"], "\(name) inputs")
            try assertTensors(model, subgraph.outputs, entry["outputs"], "\(name) outputs")
            if let tensors = entry["tensors"] as? Int {
                XCTAssertEqual(subgraph.tensors.count, tensors, "\(name) tensor count")
            }
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 55)
    }

    private func assertTensors(_ model: Model, _ indices: [Int32], _ golden: Any?, _ context: String) throws {
        let entries = golden as? [[String: Any]] ?? []
        XCTAssertEqual(indices.count, entries.count, context)
        for (index, g) in zip(indices, entries) {
            let tensor = model.subgraphs[0].tensors[Int(index)]
            XCTAssertEqual(tensor.shape.map(Int.init), g["shape"] as? [Int], "\(context) shape")
            XCTAssertEqual(tensor.type?.numpyName, g["dtype"] as? String, "\(context) dtype")
            XCTAssertEqual(tensor.name, g["name"] as? String, "\(context) name")
            if let scales = g["scales"] as? [Double] {
                let q = try XCTUnwrap(tensor.quantization, context)
                // JSON holds float32 scales as decimals; compare in float32, their own precision.
                XCTAssertEqual(Array(q.scale.prefix(scales.count)), scales.map { Float($0) }, "\(context) scales")
                XCTAssertEqual(q.zeroPoint.prefix(scales.count).map(Int.init), g["zero_points"] as? [Int], "\(context) zero points")
                XCTAssertEqual(Int(q.quantizedDimension), g["quantized_dimension"] as? Int, "\(context) quantized dimension")
            }
        }
    }

    private func assertOption(_ options: BuiltinOptions, camelKey: String, golden: Any, context: String) {
        if golden is NSNull { return }
        let snake = camelKey.reduce(into: "") { result, c in
            if c.isUppercase { result += "_" + c.lowercased() } else { result.append(c) }
        }
        // The golden's "stride_w" is written "strideW"; schema names match after snake-casing.
        guard let value = options.fields.first(where: { $0.name == snake })?.value else {
            XCTFail("\(context): option \(snake) missing")
            return
        }
        switch (value, golden) {
        case (.enumeration(let name, let raw), let g as String): XCTAssertEqual(name, g, context); _ = raw
        case (.enumeration(_, let raw), let g as NSNumber): XCTAssertEqual(raw, g.int64Value, context)
        case (.bool(let b), let g as NSNumber): XCTAssertEqual(b, g.boolValue, context)
        case (.int(let v), let g as NSNumber): XCTAssertEqual(v, g.int64Value, context)
        case (.float(let v), let g as NSNumber): XCTAssertEqual(Float(v), g.floatValue, context)
        case (.ints(let v), let g as [Int]): XCTAssertEqual(v.map(Int.init), g, context)
        default: XCTFail("\(context): \(value) vs \(golden)")
        }
    }
}
