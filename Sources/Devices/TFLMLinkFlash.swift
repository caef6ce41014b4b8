import Interpreter

// TFLM's code in flash as real links measured it: Scripts/tflm-cortexm linked TFLM for a
// Cortex-M4 (release build: core -Os, kernels and CMSIS-NN -O2, --gc-sections, newlib-nano) once
// with no operator, once per operator registration, and recorded every input section each link
// pulls in (Tests/Fixtures/cortexm/flash.json; the table is generated from it into
// Generated/TFLMLinkSections.swift). The flash of any operator set is then the union of the
// runtime's and the operators' sections, so code shared by several operators (CMSIS-NN's
// matrix kernels, kernel_util, libgcc's soft double) counts once and the runtime's
// operator-dependent parts come with the operator that pulls them in. Against every model's own
// link the union is at most 310 B (0.70%) high (Scripts/tflm-cortexm/README.md): the harness's
// main inlines the resolver's AddBuiltin when there is one operator and calls it otherwise.

/// The section table of one kernel set's links.
struct TFLMLinkFlash: Sendable {
    struct Registration: Sendable {
        /// Sections the registration adds to the runtime link (indices into `sectionBytes`).
        let sections: [Int]
        /// What the registration call adds to the application's main.
        let registrationBytes: Int
    }

    struct Operator: Sendable {
        /// `AddXxx()`, as TFLM's examples register.
        let standard: Registration
        /// `AddXxx(Register_XXX_INT8())`, where the kernel set defines an int8-only registration.
        let int8: Registration?
    }

    /// Flash bytes (text + data) per input section; 0 for bss and the test application's own.
    let sectionBytes: [Int]
    let runtimeSections: [Int]
    /// The application's own code in the runtime link (our main).
    let runtimeApplicationBytes: Int
    /// Alignment fill between sections in the runtime link.
    let fillBytes: Int
    /// text + data of an application that links no TFLM at all (start-up code, vectors).
    let emptyApplicationBytes: Int
    /// Toolchain-library members another member makes unnecessary: the linker loads only one
    /// object for a symbol (libgcc's double division also defines the multiplication).
    let subsumed: [(member: [Int], by: [Int])]
    /// By TFLite builtin name.
    let operators: [String: Operator]

    static func table(for variant: KernelVariant) -> TFLMLinkFlash {
        variant == .cmsisNN ? cortexM4CMSISNN : cortexM4Reference
    }

    func linked(_ op: OperatorKind) -> Operator? {
        guard op.builtin != nil else { return nil }
        return operators[op.name]
    }

    /// text + data of a firmware registering `registrations`, less the empty application's: TFLM's
    /// runtime, the kernels and the library code they need, and the registration calls.
    func flashBytes(_ registrations: [Registration]) -> Int {
        var inUnion = [Bool](repeating: false, count: sectionBytes.count)
        for i in runtimeSections { inUnion[i] = true }
        var application = runtimeApplicationBytes
        for registration in registrations {
            for i in registration.sections { inUnion[i] = true }
            application += registration.registrationBytes
        }
        for (member, by) in subsumed where by.contains(where: { inUnion[$0] }) {
            for i in member { inUnion[i] = false }
        }
        var total = 0
        for (i, bytes) in sectionBytes.enumerated() where inUnion[i] { total += bytes }
        return total + application + fillBytes - emptyApplicationBytes
    }

    /// The runtime alone: a firmware that registers no operator.
    var runtimeBytes: Int { flashBytes([]) }
}
