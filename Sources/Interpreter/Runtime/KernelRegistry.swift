// The operators mcusim can run. Each kernel's file declares its operator's registration
// (factory, op resolver method, builtin data, temporaries, MAC rule); this list is the op resolver: the one
// line to add for a new operator. `inspect`'s support column, the interpreter's
// refusals and the registry test all read it.

/// What mcusim knows about one operator outside its kernel's code, declared once in the
/// kernel's file.
public struct OperatorRegistration: Sendable {
    /// Whether the kernel's Prepare takes temporary tensors (TFLM's
    /// AllocateTemp{Input,Output}Tensor); the kernel declares each one through
    /// PrepareContext.tempInput/tempOutput where it takes it.
    public enum Temporaries: Sendable, Equatable {
        case takenInPrepare
        /// TFLM's kernel has no Prepare, or one that takes no temporary tensor.
        case none
    }

    public let op: OperatorKind
    /// The tflite::MicroMutableOpResolver method that registers TFLM's kernel for this
    /// operator (micro_mutable_op_resolver.h: AddConv2D, AddSvdf, ...), for the C++ a
    /// firmware pastes (`mcusim run --deploy`).
    public let resolverMethod: String
    /// The builtin-options table TFLM's parse function reads (nil: none).
    public let options: (any BuiltinOptionsTable.Type)?
    /// What TFLM's flatbuffer parse function allocates as the operator's builtin data
    /// (ParseConv2D's TfLiteConvParams, ...); nil when it allocates nothing.
    public let builtinData: CStruct?
    public let temporaries: Temporaries
    public let macs: MACRule
    let make: @Sendable () -> Kernel

    public init(_ op: BuiltinOperator, resolver: String, options: (any BuiltinOptionsTable.Type)?, builtinData: CStruct?,
                temporaries: Temporaries, macs: MACRule, make: @escaping @Sendable () -> Kernel) {
        self.init(kind: .builtin(op), resolver: resolver, options: options, builtinData: builtinData, temporaries: temporaries,
                  macs: macs, make: make)
    }

    public init(kind: OperatorKind, resolver: String, options: (any BuiltinOptionsTable.Type)?, builtinData: CStruct?,
                temporaries: Temporaries, macs: MACRule, make: @escaping @Sendable () -> Kernel) {
        self.op = kind
        self.resolverMethod = resolver
        self.options = options
        self.builtinData = builtinData
        self.temporaries = temporaries
        self.macs = macs
        self.make = make
    }
}

/// An operator's tensor shapes and options, as the MAC rules read them (from the model
/// alone, so `inspect` can count MACs without preparing).
public struct OperatorShapes: Sendable {
    public let inputs: [[Int]?]
    public let outputs: [[Int]]
    public let options: BuiltinOptions

    public init(inputs: [[Int]?], outputs: [[Int]], options: BuiltinOptions) {
        self.inputs = inputs
        self.outputs = outputs
        self.options = options
    }

    /// Shape of input `i`, nil when absent.
    public func input(_ i: Int) -> [Int]? { i >= 0 && i < inputs.count ? inputs[i] : nil }

    /// Elements of a shape (wrapping products: a hostile shape gives a meaningless count,
    /// never a trap; the interpreter refuses such models before it counts).
    public static func count(_ shape: [Int]?) -> Int { (shape ?? []).reduce(1) { $0 &* $1 } }

    public var outputElements: Int { Self.count(outputs.first) }
}

/// How many multiply-accumulates (or elementwise operations) an operator does.
public struct MACRule: Sendable {
    let count: @Sendable (OperatorShapes) -> Int

    public init(_ count: @escaping @Sendable (OperatorShapes) -> Int) { self.count = count }

    /// No arithmetic worth counting: data movement, shapes, casts.
    public static let none = MACRule { _ in 0 }
    /// One operation per output element.
    public static let perOutputElement = MACRule { $0.outputElements }
    /// One operation per element of input 0.
    public static let perInputElement = MACRule { OperatorShapes.count($0.input(0)) }

    public func callAsFunction(_ shapes: OperatorShapes) -> Int { count(shapes) }
}

public enum KernelRegistry {
    /// Every registration, grouped as the README's operator table.
    public static let all: [OperatorRegistration] = [
        // Convolution
        Conv2DKernel.registration, DepthwiseConv2DKernel.registration, TransposeConvKernel.registration,
        // Core
        FullyConnectedKernel.registration, PoolingKernel.averageRegistration, PoolingKernel.maxRegistration,
        AddKernel.registration, ReshapeKernel.registration, SoftmaxKernel.registration,
        // Elementwise
        MulKernel.registration, SubKernel.registration, DivKernel.registration, SquaredDifferenceKernel.registration,
        MaximumMinimumKernel.maximumRegistration, MaximumMinimumKernel.minimumRegistration, PreluKernel.registration,
        ExpKernel.registration, ElementwiseUnaryKernel.logRegistration, ElementwiseUnaryKernel.sqrtRegistration,
        ElementwiseUnaryKernel.rsqrtRegistration, CastKernel.registration, QuantizeKernel.registration,
        DequantizeKernel.registration,
        // Activations, reductions, data movement
        ReluKernel.registration, Relu6Kernel.registration, LogisticKernel.registration, TanhKernel.registration,
        LeakyReluKernel.registration, HardSwishKernel.registration, ReduceKernel.meanRegistration,
        ReduceKernel.sumRegistration, ConcatenationKernel.registration, PackKernel.registration,
        UnpackKernel.registration, SplitKernel.registration, SplitVKernel.registration,
        // Shape
        PadKernel.padRegistration, PadKernel.padV2Registration, SqueezeKernel.registration, ExpandDimsKernel.registration,
        ShapeKernel.registration, GatherKernel.registration, StridedSliceKernel.registration, TransposeKernel.registration,
        ResizeNearestNeighborKernel.registration, ResizeBilinearKernel.registration, BatchMatMulKernel.registration,
        // Sequence
        SVDFKernel.registration, UnidirectionalSequenceLSTMKernel.registration,
        // TFLM's signal library (custom operators)
        SignalWindowKernel.registration, SignalFftAutoScaleKernel.registration, SignalRfftKernel.registration,
        SignalIrfftKernel.registration, SignalEnergyKernel.registration, SignalFilterBankKernel.registration,
        SignalFilterBankSquareRootKernel.registration, SignalFilterBankSpectralSubtractionKernel.registration,
        SignalPCANKernel.registration, SignalFilterBankLogKernel.registration, SignalDelayKernel.registration,
        SignalFramerKernel.registration, SignalStackerKernel.registration, SignalOverlapAddKernel.registration,
    ]

    private static let byOperator: [OperatorKind: OperatorRegistration] =
        Dictionary(all.map { ($0.op, $0) }, uniquingKeysWith: { first, _ in first })

    public static func registration(for op: OperatorKind) -> OperatorRegistration? { byOperator[op] }

    public static func makeKernel(_ op: OperatorKind) -> Kernel? { byOperator[op]?.make() }

    public static var supportedOps: [OperatorKind] { all.map(\.op).sorted { $0.name < $1.name } }

    public static func isRegistered(_ op: OperatorKind) -> Bool { byOperator[op] != nil }

    /// MACs of an operator from its shapes and options; 0 for an operator mcusim cannot run.
    public static func macs(_ op: OperatorKind, _ shapes: OperatorShapes) -> Int {
        byOperator[op]?.macs(shapes) ?? 0
    }

    /// The operator's options table with the named fields set (schema names), as a model
    /// would carry it; nil when the operator has no table or a name is not one of its fields.
    public static func options(for op: OperatorKind, fields: [(name: String, value: OptionValue)]) -> BuiltinOptions? {
        guard let type = registration(for: op)?.options else { return fields.isEmpty ? BuiltinOptions.none : nil }
        return BuiltinOptions(fieldsOf: type, fields)
    }

    /// The custom operators TFLM ships kernels for: what its Python interpreter
    /// (python_ops_resolver.cc) registers and a firmware can add with
    /// MicroMutableOpResolver (micro_mutable_op_resolver.h), at the goldens' TFLM.
    public static let tflmCustomOperators: Set<String> = [
        "CIRCULAR_BUFFER", "TFLM_DECODE", "TFLite_Detection_PostProcess",
        "SignalDelay", "SignalEnergy", "SignalFftAutoScale", "SignalFilterBank", "SignalFilterBankLog",
        "SignalFilterBankSpectralSubtraction", "SignalFilterBankSquareRoot", "SignalFramer", "SignalIrfft",
        "SignalOverlapAdd", "SignalPCAN", "SignalRfft", "SignalStacker", "SignalWindow",
    ]

    /// Why an operator without an mcusim kernel cannot run: mcusim's gap, and whether
    /// TFLM itself could run it.
    static func missingReason(_ op: OperatorKind) -> String {
        switch op {
        case let .custom(code) where tflmCustomOperators.contains(code):
            "mcusim has no kernel for custom operator \(code) (TFLM has one: its Python interpreter registers it, a firmware adds it to MicroMutableOpResolver)"
        case let .custom(code):
            "mcusim has no kernel for custom operator \(code); TFLM has none either (neither its Python interpreter nor MicroMutableOpResolver registers it: a firmware must bring its own with AddCustom)"
        case .builtin, .unknownBuiltin: "mcusim has no kernel for this operator"
        }
    }
}
