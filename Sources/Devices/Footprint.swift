import Interpreter

// Flash and RAM a model needs on a device: the model (weights and structure), TFLM's runtime,
// the kernel code for the operators it uses, and the board software's reserve; the arena and
// the reserve's RAM. Capacities come from the profile. See README.md ("Footprint").

/// What a deployment of one model brings to a device, as the interpreter prepared it.
public struct FootprintInput: Sendable {
    /// The flatbuffer as linked into flash.
    public var modelBytes: Int
    /// Constant data (weights, biases): each buffer once, however many tensors share it.
    public var weightBytes: Int
    /// The distinct operators, each needing its kernel's code, in first-use order.
    public var operators: [OperatorKind]
    public var variant: KernelVariant
    public var plannedBytes: Int
    public var persistentBytes: Int
    /// The arena the firmware declares (kTensorArenaSize): the smallest with which
    /// AllocateTensors and Invoke succeed, at least planned + persistent.
    public var declareBytes: Int
    /// How the firmware registers the kernels (a deployment choice, like `variant`).
    public var registration: KernelRegistration = .standard
    /// Operators whose every instance has int8 activations and weights only (int32/int64
    /// tensors are biases, shapes or indices): those that may use an int8-only registration.
    public var int8OnlyOperators: Set<OperatorKind> = []

    /// `declareBytes` nil: planned + persistent (no temporary memory in AllocateTensors).
    public init(modelBytes: Int, weightBytes: Int, operators: [OperatorKind], variant: KernelVariant,
                plannedBytes: Int, persistentBytes: Int, declareBytes: Int? = nil) {
        self.modelBytes = modelBytes
        self.weightBytes = weightBytes
        self.operators = operators
        self.variant = variant
        self.plannedBytes = plannedBytes
        self.persistentBytes = persistentBytes
        self.declareBytes = declareBytes ?? plannedBytes + persistentBytes
    }

    public init(interpreter: MicroInterpreter) {
        let model = interpreter.model
        var buffers = Set<UInt32>()
        var weights = 0
        for tensor in model.subgraphs[0].tensors where buffers.insert(tensor.buffer).inserted {
            weights += model.data(ofBuffer: tensor.buffer)?.count ?? 0
        }
        var seen = Set<OperatorKind>()
        let ops = interpreter.workloads.map(\.op).filter { seen.insert($0).inserted }
        self.init(modelBytes: model.bytes.count, weightBytes: weights, operators: ops, variant: interpreter.options.variant,
                  plannedBytes: interpreter.arenaUsage.plannedBytes, persistentBytes: interpreter.arenaUsage.persistentBytes,
                  declareBytes: interpreter.arenaUsage.declareBytes)
        var notInt8 = Set<OperatorKind>()
        for workload in interpreter.workloads where (workload.inputs.compactMap { $0 } + workload.outputs).contains(where: { !Self.int8Only($0.type) }) {
            notInt8.insert(workload.op)
        }
        int8OnlyOperators = Set(ops).subtracting(notInt8)
    }

    /// Whether `registration` registers `op` with its kernel set's int8-only kernel
    /// (`AddConv2D(tflite::Register_CONV_2D_INT8())`): int8-only asked for, every instance of the
    /// operator int8, and the kernel set defines one (as the links recorded).
    public func registersInt8Kernel(_ op: OperatorKind, _ registration: KernelRegistration) -> Bool {
        registration == .int8Only && int8OnlyOperators.contains(op) && TFLMLinkFlash.table(for: variant).linked(op)?.int8 != nil
    }

    /// Types an int8-only kernel accepts beside int8: biases, shapes and indices.
    private static func int8Only(_ type: TensorType) -> Bool {
        switch type {
        case .int8, .int32, .int64, .bool: true
        default: false
        }
    }
}

/// How a firmware registers its kernels with tflite::MicroMutableOpResolver.
public enum KernelRegistration: String, Sendable, CaseIterable {
    /// `AddConv2D()`: the kernel for every type the operator supports, as TFLM's examples do.
    case standard = "default"
    /// `AddConv2D(tflite::Register_CONV_2D_INT8())` for every operator of the model whose kernel
    /// set has an int8-only registration and whose instances are all int8: less code.
    case int8Only = "int8-only"
}

public struct Footprint: Sendable {
    public struct Flash: Sendable {
        /// Constant buffers (weights, biases) of the model.
        public let modelWeights: Int
        /// The rest of the flatbuffer: operators, tensors, quantization, metadata.
        public let modelStructure: Int
        /// TFLM interpreter, allocator and planner without kernels: from the Cortex-M4 link with no
        /// operator (`codeBasis` .link), else the profile's reserve item "tflm-framework".
        public let tflmRuntime: Int
        /// Kernel code for the distinct operators used, with the library code they pull in.
        public let kernelCode: Int
        /// The rest of the board's software (profile reserve minus the TFLM runtime).
        public let applicationReserve: Int
        public var total: Int { modelWeights + modelStructure + tflmRuntime + kernelCode + applicationReserve }
    }

    public struct RAM: Sendable {
        /// Planned (non-persistent) arena bytes: activations and scratch.
        public let arenaPlanned: Int
        /// Persistent arena bytes: operator data, quantization parameters, variables.
        public let arenaPersistent: Int
        /// What AllocateTensors needs beyond planned + persistent while it runs (temporary
        /// tensors, the scratch-request and planner arrays) and the rounding to 16 bytes:
        /// the arena to declare is planned + persistent + this.
        public let arenaTransient: Int
        /// The board software's RAM: stacks, heap, statics (profile reserve or the override).
        public let reserve: Int
        /// The arena to declare (kTensorArenaSize).
        public var arena: Int { arenaPlanned + arenaPersistent + arenaTransient }
        public var total: Int { arena + reserve }
    }

    public struct KernelCodeItem: Sendable {
        public let op: OperatorKind
        /// With `codeBasis` .link: the code only this operator pulls in (code it shares with
        /// the model's other operators is in `kernelSupportBytes`).
        public let bytes: Int
        /// False when the operator was not measured and a median stands in for it.
        public let measured: Bool
        /// Registered with its kernel set's int8-only registration.
        public let int8Only: Bool
    }

    /// Where the runtime's and the kernels' flash comes from.
    public enum CodeBasis: String, Sendable {
        /// The union of sections of real Cortex-M4 links (TFLM release build, kernels -O2):
        /// within 310 B of every measured model's own link. Used at -O2 and -O3.
        case link = "tflm-link"
        /// Each operator's registration linked alone, its shared support counted once (the
        /// largest), and the profile's runtime figure: used at -Os, which the links did not build.
        case perOperator = "per-operator"
    }

    public let flash: Flash
    public let ram: RAM
    /// On-chip flash (`flash.bytes`).
    public let flashCapacity: Int
    /// The largest contiguous arena-usable RAM block (a TFLM arena is one buffer, and the
    /// profiles' default linker scripts put stacks and statics in the same block).
    public let ramCapacity: Int
    public let kernelCodeItems: [KernelCodeItem]
    /// Kernel-support code shared by the operators (kernel_util, quantization helpers, libgcc soft
    /// double arithmetic used in Prepare), counted once: the largest among the model's operators.
    public let kernelSupportBytes: Int
    public let variant: KernelVariant
    public let optimization: OptimizationLevel
    public let codeBasis: CodeBasis
    public let registration: KernelRegistration
    /// What the int8-only registration saves (or would save) against the default one, in
    /// flash bytes: nil when no operator of the model may use one, or without link data.
    public let int8OnlySavings: Int?

    public var flashFits: Bool { flash.total <= flashCapacity }
    public var ramFits: Bool { ram.total <= ramCapacity }
    public var flashHeadroom: Int { flashCapacity - flash.total }
    public var ramHeadroom: Int { ramCapacity - ram.total }

    /// `reserveOverride` replaces the profile's whole reserve, flash and/or RAM. The application's
    /// flash is the reserve minus the profile's `tflm-framework` item (the CLI adds that item to
    /// `--reserve flash=`); the runtime's own figure comes from the links at -O2/-O3, from that item at -Os.
    public static func estimate(_ input: FootprintInput, optimization: OptimizationLevel, device: DeviceProfile,
                                reserveOverride: (flash: Int?, ram: Int?)?) -> Footprint {
        let variant = input.variant
        let weights = max(0, min(input.weightBytes, input.modelBytes))
        let structure = max(0, input.modelBytes - weights)
        let framework = device.tflmRuntimeFlashBytes
        let reserveFlash = reserveOverride?.flash.map { max(0, $0) } ?? device.reserve.flashBytes
        var runtime = min(framework, reserveFlash)
        let application = max(0, reserveFlash - runtime)
        let reserveRAM = reserveOverride?.ram.map { max(0, $0) } ?? device.reserve.ramBytes

        let ops = input.operators.reduce(into: [OperatorKind]()) { if !$0.contains($1) { $0.append($1) } }.sorted { $0.name < $1.name }
        var items: [KernelCodeItem] = []
        var support = 0
        var kernelCode = 0
        var savings: Int?
        let basis: CodeBasis = optimization == .os ? .perOperator : .link
        switch basis {
        case .perOperator:
            for op in ops {
                let size = KernelCodeSize.bytes(op: op, variant: variant, optimization: optimization, core: device.core)
                items.append(KernelCodeItem(op: op, bytes: size.bytes, measured: size.measured, int8Only: false))
            }
            support = items.isEmpty ? 0 : KernelCodeSize.supportBytes(variant: variant, optimization: optimization,
                                                                     core: device.core, ops: items.map(\.op))
            kernelCode = items.reduce(support) { $0 + $1.bytes }
        case .link:
            let link = TFLMLinkFlash.table(for: variant)
            runtime = link.runtimeBytes
            func chosen(_ registration: KernelRegistration) -> [(OperatorKind, TFLMLinkFlash.Registration, Bool)] {
                ops.compactMap { op in
                    guard let linked = link.linked(op) else { return nil }
                    if input.registersInt8Kernel(op, registration), let int8 = linked.int8 { return (op, int8, true) }
                    return (op, linked.standard, false)
                }
            }
            let registered = chosen(input.registration)
            let linkedCode = link.flashBytes(registered.map(\.1)) - runtime
            // Each operator's own part: the sections no other operator of the model (nor the runtime) needs.
            var users = [Int](repeating: 0, count: link.sectionBytes.count)
            for (_, registration, _) in registered { for i in registration.sections { users[i] += 1 } }
            for i in link.runtimeSections { users[i] += 1 }
            for (op, registration, int8) in registered {
                let own = registration.sections.reduce(registration.registrationBytes) { $0 + (users[$1] == 1 ? link.sectionBytes[$1] : 0) }
                items.append(KernelCodeItem(op: op, bytes: own, measured: true, int8Only: int8))
            }
            support = max(0, linkedCode - items.reduce(0) { $0 + $1.bytes })
            // Operators the links did not cover: their own code measured alone (or a median).
            for op in ops where link.linked(op) == nil {
                let size = KernelCodeSize.bytes(op: op, variant: variant, optimization: optimization, core: device.core)
                items.append(KernelCodeItem(op: op, bytes: size.bytes, measured: false, int8Only: false))
            }
            items.sort { $0.op.name < $1.op.name }
            kernelCode = items.reduce(support) { $0 + $1.bytes }
            let standard = link.flashBytes(chosen(.standard).map(\.1))
            let int8 = chosen(.int8Only)
            if int8.contains(where: \.2) { savings = standard - link.flashBytes(int8.map(\.1)) }
        }

        return Footprint(
            flash: Flash(modelWeights: weights, modelStructure: structure, tflmRuntime: runtime,
                         kernelCode: kernelCode, applicationReserve: application),
            ram: RAM(arenaPlanned: max(0, input.plannedBytes), arenaPersistent: max(0, input.persistentBytes),
                     arenaTransient: max(0, input.declareBytes - max(0, input.plannedBytes) - max(0, input.persistentBytes)),
                     reserve: reserveRAM),
            flashCapacity: device.flash.bytes, ramCapacity: device.largestContiguousArenaBytes,
            kernelCodeItems: items, kernelSupportBytes: support, variant: variant, optimization: optimization,
            codeBasis: basis, registration: input.registration, int8OnlySavings: savings)
    }
}
