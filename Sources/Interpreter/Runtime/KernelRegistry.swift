// The kernels mcusim can run, by TFLite builtin name. `inspect`'s support column and
// the interpreter's refusals both read this table, never a hand-kept list.
public enum KernelRegistry {
    // Each kernel group registers itself in its own file under Kernels/Registrations.
    static let factories: [String: () -> Kernel] = {
        var table: [String: () -> Kernel] = [:]
        for group in [convKernels, coreKernels, elementwiseKernels, activationKernels, shapeKernels, sequenceKernels] {
            for (name, make) in group { table[name] = make }
        }
        return table
    }()

    public static func makeKernel(op: String) -> Kernel? { factories[op]?() }

    public static var supportedOps: [String] { factories.keys.sorted() }

    public static func isRegistered(_ op: String) -> Bool { factories[op] != nil }

    static func missingReason(op: String) -> String {
        op.hasPrefix("CUSTOM:") ? "custom operator has no kernel in mcusim (nor in TFLM's builtin resolver)"
            : "no kernel for this operator in mcusim"
    }
}
