// Which operators of a model mcusim can run, and why not: each operator is prepared
// on its own through the kernel registry, exactly as the interpreter would, and its
// refusal (type, variant, constraint) recorded instead of stopping at the first.

public struct OperatorSupport: Sendable {
    public let index: Int
    public let op: String
    /// nil when the operator prepares; otherwise why it cannot run.
    public let refusal: String?
    public var isSupported: Bool { refusal == nil }
}

extension MicroInterpreter {
    public static func supportReport(model: Model, variant: KernelVariant = .cmsisNN) -> [OperatorSupport] {
        let subgraph = model.subgraphs[0]
        let tensors: [TensorInfo]
        do {
            tensors = try makeTensorInfos(model: model, subgraph: subgraph)
        } catch {
            return subgraph.operators.enumerated().map { OperatorSupport(index: $0, op: model.opName($1), refusal: "\(error)") }
        }
        return subgraph.operators.enumerated().map { index, op in
            let code = model.operatorCodes[Int(op.opcodeIndex)]
            guard let kernel = KernelRegistry.makeKernel(code.kind) else {
                return OperatorSupport(index: index, op: code.name, refusal: KernelRegistry.missingReason(code.kind))
            }
            let context = PrepareContext(
                operatorIndex: index, op: code.kind, opVersion: Int(code.version), options: op.builtinOptions,
                variant: variant, customOptions: op.customOptions.map { model.bytes[$0] },
                inputs: op.inputs.map(Int.init), outputs: op.outputs.map(Int.init),
                intermediates: op.intermediates.map(Int.init), tensors: tensors)
            do {
                try kernel.prepare(context)
                try context.refuseDynamicOutputs()
                return OperatorSupport(index: index, op: code.name, refusal: nil)
            } catch let e as UnsupportedOperatorError {
                return OperatorSupport(index: index, op: code.name, refusal: e.reason)
            } catch let e as InvalidOperatorError {
                return OperatorSupport(index: index, op: code.name, refusal: "invalid: \(e.reason)")
            } catch {
                return OperatorSupport(index: index, op: code.name, refusal: "\(error)")
            }
        }
    }
}
