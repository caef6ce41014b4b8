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

    public init(modelBytes: Int, weightBytes: Int, operators: [OperatorKind], variant: KernelVariant,
                plannedBytes: Int, persistentBytes: Int) {
        self.modelBytes = modelBytes
        self.weightBytes = weightBytes
        self.operators = operators
        self.variant = variant
        self.plannedBytes = plannedBytes
        self.persistentBytes = persistentBytes
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
                  plannedBytes: interpreter.arenaUsage.plannedBytes, persistentBytes: interpreter.arenaUsage.persistentBytes)
    }
}

public struct Footprint: Sendable {
    public struct Flash: Sendable {
        /// Constant buffers (weights, biases) of the model.
        public let modelWeights: Int
        /// The rest of the flatbuffer: operators, tensors, quantization, metadata.
        public let modelStructure: Int
        /// TFLM interpreter, allocator and planner without kernels (profile reserve item "tflm-framework").
        public let tflmRuntime: Int
        /// Kernel code for the distinct operators used (KernelCodeSize).
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
        /// The board software's RAM: stacks, heap, statics (profile reserve or the override).
        public let reserve: Int
        public var arena: Int { arenaPlanned + arenaPersistent }
        public var total: Int { arenaPlanned + arenaPersistent + reserve }
    }

    public struct KernelCodeItem: Sendable {
        public let op: OperatorKind
        public let bytes: Int
        /// False when the operator was not measured and a median stands in for it.
        public let measured: Bool
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

    public var flashFits: Bool { flash.total <= flashCapacity }
    public var ramFits: Bool { ram.total <= ramCapacity }
    public var flashHeadroom: Int { flashCapacity - flash.total }
    public var ramHeadroom: Int { ramCapacity - ram.total }

    /// `reserveOverride` replaces the profile's whole reserve: flash (TFLM runtime included; the
    /// application part is what remains after the runtime) and/or RAM.
    public static func estimate(_ input: FootprintInput, optimization: OptimizationLevel, device: DeviceProfile,
                                reserveOverride: (flash: Int?, ram: Int?)?) -> Footprint {
        let variant = input.variant
        let weights = max(0, min(input.weightBytes, input.modelBytes))
        let structure = max(0, input.modelBytes - weights)
        let framework = device.tflmRuntimeFlashBytes
        let reserveFlash = reserveOverride?.flash.map { max(0, $0) } ?? device.reserve.flashBytes
        let runtime = min(framework, reserveFlash)
        let application = max(0, reserveFlash - runtime)
        let reserveRAM = reserveOverride?.ram.map { max(0, $0) } ?? device.reserve.ramBytes

        var items: [KernelCodeItem] = []
        var seen = Set<OperatorKind>()
        for op in input.operators.sorted(by: { $0.name < $1.name }) where seen.insert(op).inserted {
            let size = KernelCodeSize.bytes(op: op, variant: variant, optimization: optimization, core: device.core)
            items.append(KernelCodeItem(op: op, bytes: size.bytes, measured: size.measured))
        }
        let support = items.isEmpty ? 0 : KernelCodeSize.supportBytes(variant: variant, optimization: optimization,
                                                                      core: device.core, ops: items.map(\.op))
        let kernelCode = items.reduce(support) { $0 + $1.bytes }

        return Footprint(
            flash: Flash(modelWeights: weights, modelStructure: structure, tflmRuntime: runtime,
                         kernelCode: kernelCode, applicationReserve: application),
            ram: RAM(arenaPlanned: max(0, input.plannedBytes), arenaPersistent: max(0, input.persistentBytes), reserve: reserveRAM),
            flashCapacity: device.flash.bytes, ramCapacity: device.largestContiguousArenaBytes,
            kernelCodeItems: items, kernelSupportBytes: support, variant: variant, optimization: optimization)
    }
}
