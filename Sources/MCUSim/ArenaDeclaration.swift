import Foundation
import Interpreter

/// The arena a firmware declares (issue #9), as `run`, `fit`, `check` and `report` show it.
/// `kTensorArenaSize` must be the working minimum, the smallest 16-byte-aligned arena with
/// which AllocateTensors and Invoke succeed on the modelled 32-bit build: planned +
/// persistent is what stays in use afterwards, and AllocateTensors needs more while it runs
/// (temporary tensors, the scratch-request and planner arrays), so declaring that total fails.
struct ArenaDeclaration {
    let declareBytes: Int
    let plannedBytes: Int
    let persistentBytes: Int

    init(_ arena: ArenaUsage) {
        declareBytes = arena.declareBytes
        plannedBytes = arena.plannedBytes
        persistentBytes = arena.persistentBytes
    }

    var totalBytes: Int { plannedBytes + persistentBytes }
    /// What AllocateTensors needs beyond planned + persistent while it runs (and rounding to 16).
    var transientBytes: Int { max(0, declareBytes - totalBytes) }

    /// "declare 10,608 B (kTensorArenaSize); planned 672 B + persistent 7,588 B = 8,260 B stay in use, ..."
    var summary: String {
        var s = "declare \(declareBytes.grouped) B (kTensorArenaSize); planned \(plannedBytes.grouped) B + persistent "
            + "\(persistentBytes.grouped) B = \(totalBytes.grouped) B stay in use"
        if transientBytes > 0 { s += ", AllocateTensors needs \(transientBytes.grouped) B more while it runs" }
        return s
    }

    /// `arena` in JSON results.
    var json: JSON {
        .obj([
            "declare_bytes": .int(declareBytes), "planned_bytes": .int(plannedBytes), "persistent_bytes": .int(persistentBytes),
            "total_bytes": .int(totalBytes), "transient_bytes": .int(transientBytes),
        ])
    }
}

/// `run --deploy`: the C++ a firmware pastes: the arena to declare and a
/// tflite::MicroMutableOpResolver with exactly the Add calls the model's operators need
/// (each operator's resolver method comes from its registration), in first-use order.
struct DeploySnippet {
    let modelPath: String
    let variant: KernelVariant
    let arena: ArenaDeclaration
    /// MicroMutableOpResolver methods, one per distinct operator.
    let resolverMethods: [String]

    init(modelPath: String, interpreter: MicroInterpreter) {
        self.modelPath = modelPath
        variant = interpreter.options.variant
        arena = ArenaDeclaration(interpreter.arenaUsage)
        var seen = Set<String>()
        resolverMethods = interpreter.workloads.compactMap { KernelRegistry.registration(for: $0.op)?.resolverMethod }
            .filter { seen.insert($0).inserted }
    }

    var cpp: String {
        let model = URL(fileURLWithPath: modelPath).lastPathComponent
        var lines = [
            "// mcusim \(MCUSimCLI.version): \(model) on TFLM, 32-bit Cortex-M build, \(variant.rawValue) kernels.",
            "// AllocateTensors and Invoke need \(arena.declareBytes.grouped) B of 16-byte-aligned arena: planned "
                + "\(arena.plannedBytes.grouped) B + persistent \(arena.persistentBytes.grouped) B = \(arena.totalBytes.grouped) B stay in use"
                + (arena.transientBytes > 0 ? ", and AllocateTensors needs \(arena.transientBytes.grouped) B more while it runs." : "."),
            "#include <cstdint>",
            "",
            "#include \"tensorflow/lite/micro/micro_mutable_op_resolver.h\"",
            "",
            "constexpr int kTensorArenaSize = \(arena.declareBytes);",
            "alignas(16) static uint8_t tensor_arena[kTensorArenaSize];",
            "",
            "// The model's \(resolverMethods.count) operator\(resolverMethods.count == 1 ? "" : "s"). Use:",
            "//   static ModelOpResolver op_resolver;",
            "//   if (RegisterModelOps(op_resolver) != kTfLiteOk) { /* handle the error */ }",
            "//   tflite::MicroInterpreter interpreter(model, op_resolver, tensor_arena, kTensorArenaSize);",
            "using ModelOpResolver = tflite::MicroMutableOpResolver<\(resolverMethods.count)>;",
            "",
            "static TfLiteStatus RegisterModelOps(ModelOpResolver& op_resolver) {",
        ]
        lines += resolverMethods.map { "  TF_LITE_ENSURE_STATUS(op_resolver.\($0)());" }
        lines += ["  return kTfLiteOk;", "}"]
        return lines.joined(separator: "\n") + "\n"
    }

    var json: JSON {
        .obj([
            "arena_size": .int(arena.declareBytes),
            "resolver_methods": .array(resolverMethods.map { .string($0) }),
            "cpp": .string(cpp),
        ])
    }
}
