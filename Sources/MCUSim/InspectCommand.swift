import Devices
import Foundation
import Interpreter

/// `mcusim inspect MODEL`: the model at a glance, from the file alone.
enum InspectCommand: ParsableCommand {
    static let name = "inspect"
    static let summary = "Show a model's operators, shapes, quantization, MACs, weights, sparsity and what mcusim can run."

    struct Options: ParsableOptions {
        var model = ""
        var variant: KernelVariant = .cmsisNN
        var output = OutputOptions()

        static let declarations: [Declaration<Options>] = [
            .positional("MODEL.tflite", .text("MODEL.tflite"), help: "The model to inspect.", \.model),
            .kernels(\.variant),
        ] + .group(\.output)
    }

    static func run(_ options: Options, console: Console) throws -> Int32 {
        let model = try MCUSimCLI.loadModel(options.model)
        options.output.emit(ModelSummary(path: options.model, model: model, variant: options.variant), console: console)
        return ExitCode.ok
    }
}

/// Everything `inspect` reports, computed from the model (and the kernel registry).
struct ModelSummary: CommandOutput {
    struct WeightTensor {
        let index: Int
        let name: String
        let type: String
        let elements: Int
        let zeros: Int
    }

    let path: String
    let model: Model
    let support: [OperatorSupport]
    let macs: [Int]
    let weightBytes: [Int]
    let weights: [WeightTensor]
    /// Per operator, whether the cost model has measured loops for the kernel path TFLM would
    /// dispatch to (`.measured`) or a generic estimate; nil when the model cannot be prepared.
    let costBasis: [CostBasis?]

    init(path: String, model: Model, variant: KernelVariant) {
        self.path = path
        self.model = model
        let subgraph = model.subgraphs[0]
        support = MicroInterpreter.supportReport(model: model, variant: variant)
        // The kernel path is only known once the interpreter prepares the model.
        if support.allSatisfy(\.isSupported), let interpreter = try? MicroInterpreter(model: model, options: InterpreterOptions(variant: variant, allocatesArena: false)) {
            let byIndex = Dictionary(interpreter.workloads.map { ($0.index, CostModel.kernelBasis($0, variant: variant)) }, uniquingKeysWith: { a, _ in a })
            costBasis = subgraph.operators.indices.map { byIndex[$0] }
        } else {
            costBasis = subgraph.operators.map { _ in nil }
        }
        macs = subgraph.operators.map { op in
            KernelRegistry.macs(model.kind(of: op), OperatorShapes(
                inputs: op.inputs.map { $0 >= 0 ? subgraph.tensors[Int($0)].shape.map(Int.init) : nil },
                outputs: op.outputs.map { subgraph.tensors[Int($0)].shape.map(Int.init) },
                options: op.builtinOptions))
        }
        weightBytes = subgraph.operators.map { op in
            op.inputs.filter { $0 >= 0 }.reduce(0) { sum, t in
                let tensor = subgraph.tensors[Int(t)]
                return sum + (model.data(of: tensor) != nil ? (tensor.byteCount ?? 0) : 0)
            }
        }
        // Weight tensors: constant data of a numeric type used as an operator input.
        // "Zero" means the stored value equals the zero point (0.0 for floats): what
        // magnitude pruning leaves behind.
        var seen = Set<Int>()
        var weights: [WeightTensor] = []
        for op in subgraph.operators {
            for t in op.inputs where t >= 0 && !seen.contains(Int(t)) {
                let tensor = subgraph.tensors[Int(t)]
                guard let data = model.data(of: tensor), let type = tensor.type,
                      [.int8, .uint8, .int16, .float32, .float16].contains(type),
                      let count = tensor.elementCount, count >= 2 else { continue }
                seen.insert(Int(t))
                let zp = tensor.quantization?.zeroPoint.first ?? 0
                weights.append(WeightTensor(index: Int(t), name: tensor.name, type: type.numpyName,
                                            elements: count, zeros: Self.countZeros(data, type: type, count: count, zeroPoint: zp)))
            }
        }
        self.weights = weights.sorted { $0.index < $1.index }
    }

    static func countZeros(_ data: ArraySlice<UInt8>, type: TensorType, count: Int, zeroPoint: Int64) -> Int {
        var zeros = 0
        data.withUnsafeBytes { raw in
            switch type {
            case .int8:
                for i in 0..<min(count, raw.count) where Int64(raw.load(fromByteOffset: i, as: Int8.self)) == zeroPoint { zeros += 1 }
            case .uint8:
                for i in 0..<min(count, raw.count) where Int64(raw[i]) == zeroPoint { zeros += 1 }
            case .int16:
                for i in 0..<min(count, raw.count / 2) where Int64(raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)) == zeroPoint { zeros += 1 }
            case .float32:
                for i in 0..<min(count, raw.count / 4) where raw.loadUnaligned(fromByteOffset: 4 * i, as: Float.self) == 0 { zeros += 1 }
            case .float16:
                // +0 and -0 in IEEE half precision.
                for i in 0..<min(count, raw.count / 2) where raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self) & 0x7FFF == 0 { zeros += 1 }
            default: break
            }
        }
        return zeros
    }

    var subgraph: Subgraph { model.subgraphs[0] }
    var totalMACs: Int { macs.reduce(0, +) }
    /// Elements of every constant tensor (weights, biases, shape operands): the parameter count.
    var parameters: Int {
        subgraph.tensors.filter { model.data(of: $0) != nil }.reduce(0) { $0 + ($1.elementCount ?? 0) }
    }
    var totalWeightBytes: Int {
        subgraph.tensors.filter { model.data(of: $0) != nil }.reduce(0) { $0 + ($1.byteCount ?? 0) }
    }

    /// Per distinct op: supported, or the first refusal.
    var supportByOp: [(op: String, count: Int, refusal: String?)] {
        var order: [String] = []
        var info: [String: (Int, String?)] = [:]
        for s in support {
            if info[s.op] == nil { order.append(s.op); info[s.op] = (0, nil) }
            let (n, r) = info[s.op]!
            info[s.op] = (n + 1, r ?? s.refusal.map { "operator \(s.index): \($0)" })
        }
        return order.map { ($0, info[$0]!.0, info[$0]!.1) }
    }

    static func costLabel(_ basis: CostBasis?) -> String {
        switch basis {
        case nil: return "-"
        case .genericEstimate?: return "~estimate"
        case let basis?: return basis.rawValue
        }
    }

    static func quantizationLabel(_ q: Quantization?) -> String {
        guard let q, q.isQuantized else { return "-" }
        if q.isPerChannel { return "per-channel(\(q.scale.count), axis \(q.quantizedDimension))" }
        return String(format: "s=%.6g zp=%d", q.scale[0], q.zeroPoint.first ?? 0)
    }

    func tensorLabel(_ index: Int32) -> String {
        guard index >= 0 else { return "-" }
        let t = subgraph.tensors[Int(index)]
        return "\(t.type?.numpyName ?? t.typeName)\(t.shape.map(Int.init))" + (model.data(of: t) != nil ? "*" : "")
    }

    func text(console: Console) -> String {
        var out = ""
        let sub = subgraph
        out += "\(path): \(model.bytes.count.grouped) bytes, schema v\(model.version)"
        if let d = model.description { out += ", \"\(d)\"" }
        out += "\n\(model.subgraphs.count) subgraph(s); main subgraph \(sub.name.map { "'\($0)'" } ?? "(unnamed)"): "
        out += "\(sub.operators.count) operators, \(sub.tensors.count) tensors\n"
        for (label, list) in [("inputs ", sub.inputs), ("outputs", sub.outputs)] {
            for t in list {
                let tensor = sub.tensors[Int(t)]
                out += "  \(label) \(tensorLabel(t)) \(Self.quantizationLabel(tensor.quantization)) '\(tensor.name)'\n"
            }
        }
        out += "\n"
        var table = TextTable(headers: ["#", "op", "inputs (* = constant)", "outputs", "weights quant", "MACs", "weight B", "cost"],
                              rightAligned: [0, 5, 6])
        for (i, op) in sub.operators.enumerated() {
            let name = model.opName(op)
            let activation = op.builtinOptions.fields.first { $0.name == "fused_activation_function" }?.value
            let act: String
            if case let .enumeration(name, code)? = activation, code != 0 { act = "+\(name)" } else { act = "" }
            let weightQuant = op.inputs.count > 1 && op.inputs[1] >= 0 && model.data(of: sub.tensors[Int(op.inputs[1])]) != nil
                ? (sub.tensors[Int(op.inputs[1])].quantization.map { q -> String in
                    q.isPerChannel ? "per-channel" : (q.isQuantized ? "per-tensor" : "-") } ?? "-")
                : "-"
            table.rows.append([String(i), name + act, op.inputs.map(tensorLabel).joined(separator: " "),
                               op.outputs.map(tensorLabel).joined(separator: " "), weightQuant,
                               macs[i].grouped, weightBytes[i].grouped, Self.costLabel(costBasis[i])])
        }
        out += table.render() + "\n"
        out += "cost: measured = the kernel's loops were measured; ~estimate = costed with another kernel's loop (a generic estimate); "
            + "- = the model does not prepare, so the kernel path is unknown\n\n"
        out += customOptionsText()
        out += "totals: \(parameters.grouped) parameters, \(totalWeightBytes.grouped) bytes of constant data, "
        out += "\(totalMACs.grouped) MACs, \(sub.tensors.count) tensors\n\n"
        if !weights.isEmpty {
            var w = TextTable(headers: ["tensor", "name", "dtype", "elements", "zeros"], rightAligned: [0, 3, 4])
            for t in weights {
                // Converter names run to hundreds of characters; the end says the most.
                let name = t.name.count > 48 ? "…" + t.name.suffix(47) : t.name
                w.rows.append([String(t.index), name, t.type, t.elements.grouped,
                               String(format: "%.1f%%", 100 * Double(t.zeros) / Double(max(t.elements, 1)))])
            }
            out += "weights (zeros = values equal to the zero point):\n" + w.render() + "\n\n"
        }
        out += "support (kernel registry, \(support.isEmpty ? "-" : "prepared per operator")):\n"
        // Wide enough for the longest name (custom operators run long), never truncated.
        let width = max(26, supportByOp.map(\.op.count).max() ?? 0)
        for s in supportByOp {
            out += "  \(s.op.padding(toLength: width, withPad: " ", startingAt: 0)) x\(s.count)  "
            out += s.refusal.map { "NOT SUPPORTED: \($0)" } ?? "supported"
            out += "\n"
        }
        return out
    }
}
