import Foundation
import Devices
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
/// (each operator's resolver method comes from its registration), in first-use order; with
/// `--registration int8-only`, the int8-only kernel where the model and the kernel set allow it.
struct DeploySnippet {
    struct Call {
        let method: String
        /// `Register_CONV_2D_INT8`, or nil for the default registration.
        let int8Kernel: String?
        var cpp: String { "op_resolver.\(method)(\(int8Kernel.map { "tflite::\($0)()" } ?? ""))" }
    }

    /// Kernel headers that declare an int8-only registration and that micro_mutable_op_resolver.h
    /// does not include (found by Scripts/tflm-cortexm's links, TFLM 90b983c).
    static let int8Headers: [String: String] = ["PAD": "tensorflow/lite/micro/kernels/pad.h",
                                                "TRANSPOSE": "tensorflow/lite/micro/kernels/transpose.h"]

    let modelPath: String
    let variant: KernelVariant
    let registration: KernelRegistration
    let arena: ArenaDeclaration
    /// One per distinct operator.
    let calls: [Call]
    let headers: [String]

    init(modelPath: String, interpreter: MicroInterpreter, registration: KernelRegistration = .standard) {
        self.modelPath = modelPath
        variant = interpreter.options.variant
        self.registration = registration
        arena = ArenaDeclaration(interpreter.arenaUsage)
        let input = FootprintInput(interpreter: interpreter)
        var seen = Set<OperatorKind>()
        calls = interpreter.workloads.map(\.op).filter { seen.insert($0).inserted }.compactMap { op in
            guard let method = KernelRegistry.registration(for: op)?.resolverMethod else { return nil }
            return Call(method: method, int8Kernel: input.registersInt8Kernel(op, registration) ? "Register_\(op.name)_INT8" : nil)
        }
        headers = seen.filter { input.registersInt8Kernel($0, registration) }.compactMap { Self.int8Headers[$0.name] }.sorted()
    }

    var resolverMethods: [String] { calls.map(\.method) }

    var cpp: String {
        let model = URL(fileURLWithPath: modelPath).lastPathComponent
        var lines = [
            "// mcusim \(MCUSimCLI.version): \(model) on TFLM, 32-bit Cortex-M build, \(variant.rawValue) kernels, "
                + "\(registration.rawValue) registration.",
            "// AllocateTensors and Invoke need \(arena.declareBytes.grouped) B of 16-byte-aligned arena: planned "
                + "\(arena.plannedBytes.grouped) B + persistent \(arena.persistentBytes.grouped) B = \(arena.totalBytes.grouped) B stay in use"
                + (arena.transientBytes > 0 ? ", and AllocateTensors needs \(arena.transientBytes.grouped) B more while it runs." : "."),
            "#include <cstdint>",
            "",
            "#include \"tensorflow/lite/micro/micro_mutable_op_resolver.h\"",
        ]
        lines += headers.map { "#include \"\($0)\"" }
        lines += [
            "",
            "constexpr int kTensorArenaSize = \(arena.declareBytes);",
            "alignas(16) static uint8_t tensor_arena[kTensorArenaSize];",
            "",
            "// The model's \(calls.count) operator\(calls.count == 1 ? "" : "s"). Use:",
            "//   static ModelOpResolver op_resolver;",
            "//   if (RegisterModelOps(op_resolver) != kTfLiteOk) { /* handle the error */ }",
            "//   tflite::MicroInterpreter interpreter(model, op_resolver, tensor_arena, kTensorArenaSize);",
            "using ModelOpResolver = tflite::MicroMutableOpResolver<\(calls.count)>;",
            "",
            "static TfLiteStatus RegisterModelOps(ModelOpResolver& op_resolver) {",
        ]
        lines += calls.map { "  TF_LITE_ENSURE_STATUS(\($0.cpp));" }
        lines += ["  return kTfLiteOk;", "}"]
        return lines.joined(separator: "\n") + "\n"
    }

    var json: JSON {
        .obj([
            "arena_size": .int(arena.declareBytes),
            "registration": .string(registration.rawValue),
            "resolver_methods": .array(resolverMethods.map { .string($0) }),
            "int8_kernels": .array(calls.compactMap { $0.int8Kernel.map { .string($0) } }),
            "cpp": .string(cpp),
        ])
    }
}
