import Devices
import Foundation
import Interpreter

/// What each fuzz target (`Fuzz/`, libFuzzer) does with one input, in the library so that
/// `RegressionCorpusTests` replays the corpus through exactly the same code. A thrown error
/// is a correct refusal; a trap, a sanitizer report, a hang or a large allocation is a bug.
public enum FuzzTargets {
    /// The host arena a fuzzed model may allocate: small, so each execution stays fast and
    /// a model needing more is refused as `run --max-arena` refuses it.
    public static let modelArenaLimit = 1 << 20

    /// The bundled profiles, loaded once, for the cost model and the footprint.
    private static let devices: [DeviceProfile] = (try? ProfileLoader.loadAll(environment: [:]))?.profiles ?? []

    /// Model bytes -> parse -> prepare -> plan -> invoke once on zeroed inputs, with both kernel
    /// sets; then what `inspect`, `fit` and `report` compute from the plan.
    public static func model(_ bytes: [UInt8]) {
        guard let model = try? Model(bytes: bytes) else { return }
        for variant in KernelVariant.allCases {
            _ = MicroInterpreter.supportReport(model: model, variant: variant)
            if let planned = try? MicroInterpreter(model: model, options: InterpreterOptions(variant: variant, allocatesArena: false)) {
                for device in devices.prefix(1) {
                    let cost = CostModel.estimate(workloads: planned.workloads, device: device, options: CostOptions(variant: variant))
                    var input = FootprintInput(interpreter: planned)
                    input.variant = variant
                    _ = Footprint.estimate(input, optimization: cost.optimization, device: device, reserveOverride: nil)
                }
            }
            guard let interpreter = try? MicroInterpreter(model: model, options: InterpreterOptions(variant: variant, hostArenaLimit: modelArenaLimit))
            else { continue }
            try? interpreter.invoke()
        }
    }

    /// A `.npy` file as `run --input` reads it.
    public static func npy(_ bytes: [UInt8]) {
        guard let array = try? Npy.decode(bytes) else { return }
        _ = array.elementCount
        _ = try? Npy.encode(array)
    }

    /// A device profile as `--profiles` loads it.
    public static func profile(_ bytes: [UInt8]) {
        _ = try? ProfileLoader.decode(Data(bytes), file: "fuzz.json")
    }

    /// A budget file as `check` reads it (parsed and validated; no model is opened), and the
    /// same bytes as a `--baseline`.
    public static func budget(_ bytes: [UInt8]) {
        guard let root = try? JSONReader.parse(bytes) else { return }
        _ = try? Budget(file: "fuzz.json", root: root, directory: URL(fileURLWithPath: "/nonexistent"))
        _ = try? Baseline(root: JSONField(value: root, path: ""))
    }

    /// An operator's custom options as the signal kernels and `inspect` read them: the whole
    /// value tree, then the root as a map read by position and by key, as the kernels do.
    public static func flexBuffers(_ bytes: [UInt8]) {
        _ = FlexBuffer.decode(bytes)
        guard let map = try? FlexBuffer(bytes: bytes).root().asMap() else { return }
        for i in 0..<min(map.count, 64) {
            guard let key = try? map.key(at: i) else { continue }
            _ = try? map.tflmInt32(index: i, key: key)
            _ = try? map.tflmBool(index: i, key: key)
            _ = try? map.value(forKey: key)?.decode()
        }
    }
}
