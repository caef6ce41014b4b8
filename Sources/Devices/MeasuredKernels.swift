import Foundation
import Interpreter

// The cost model's reading of the measured kernel data (Resources/kernel-counts.json, loaded and
// validated by KernelCountsData.swift): expressions parsed once, then, per operator, the kernel's
// variables from its workload record, the measured terms with their trip counts, the newlib calls
// and the weight walk, as a KernelWork. KernelCosts asks here first for the paths listed in
// `dataPaths`; the convolutions, depthwise 3x3/opt, fully connected, pools and elementwise kernels
// still read the earlier measurement in KernelInstructionCounts.swift (same method, same commits).

struct MeasuredKernelData: Sendable {
    struct Term: Sendable {
        let name: String
        let group: TermGroup
        let isIteration: Bool
        let isCorrection: Bool
        let trips: KernelExpression
        /// Build ("m4-O2", ...) -> the term's counts, parsed on first use of the build (MixCache).
        let counts: [String: String]
    }

    struct LibraryCall: Sendable {
        let function: String
        let calls: KernelExpression
        let variables: [(String, KernelExpression)]
        let index: (name: String, count: KernelExpression)?
        let description: String
    }

    struct Kernel: Sendable {
        let key: String
        let kernelPath: String
        let functions: [String]
        let when: KernelExpression
        let variables: [String]
        let derived: [(String, KernelExpression)]
        let terms: [Term]
        let weightWalk: (workingSet: KernelExpression, passes: KernelExpression, bytesPerAccess: KernelExpression)?
        let activationPasses: KernelExpression
        let libraryCalls: [LibraryCall]

        /// Variables and derived variables; nil when a variable is missing or an expression fails.
        func environment(_ values: [String: Int]) -> [String: Int]? {
            var env: [String: Int] = [:]
            for name in variables {
                guard let v = values[name] else { return nil }
                env[name] = v
            }
            for (name, e) in derived {
                guard let v = try? e.evaluate(env) else { return nil }
                env[name] = v
            }
            return env
        }
    }

    let kernels: [String: Kernel]
    let byPath: [String: [Kernel]]
    let provenance: KernelCountsFile.Provenance
    let mixCache: MixCache

    /// Parsed instruction mixes per build, made on the build's first use: parsing all six builds'
    /// counts at start-up was most of the data's load time.
    final class MixCache: @unchecked Sendable {
        private let lock = NSLock()
        private var parsed: [String: [String: [InstructionMix]]] = [:]
        private let terms: [String: [Term]]

        init(_ kernels: [String: Kernel]) { terms = kernels.mapValues(\.terms) }

        /// The mixes of `kernel`'s terms, in term order, for `build` (zero for unreadable counts;
        /// the committed file is validated by KernelCountsDataTests).
        func mixes(_ kernel: String, _ build: String) -> [InstructionMix] {
            lock.lock()
            defer { lock.unlock() }
            if parsed[build] == nil {
                parsed[build] = terms.mapValues { $0.map { t in t.counts[build].flatMap(InstructionMix.parse) ?? .zero } }
            }
            return parsed[build]?[kernel] ?? []
        }
    }

    /// The bundled data, or nil when the file is missing or invalid (then the paths it would cost
    /// fall back to generic estimates, labelled).
    static let shared: MeasuredKernelData? = {
        guard let url = KernelCountsFile.defaultURL(), let file = try? KernelCountsFile.load(from: url, validate: false) else { return nil }
        return MeasuredKernelData(file)
    }()

    init?(_ file: KernelCountsFile) {
        var kernels: [String: Kernel] = [:]
        var byPath: [String: [Kernel]] = [:]
        for k in file.kernels {
            guard let kernel = Self.compile(k) else { return nil }
            kernels[k.key] = kernel
            byPath[k.kernelPath, default: []].append(kernel)
        }
        self.kernels = kernels
        self.byPath = byPath
        mixCache = MixCache(kernels)
        provenance = file.provenance
    }

    private static func compile(_ k: KernelEntry) -> Kernel? {
        func parse(_ text: String) -> KernelExpression? { try? KernelExpression.parse(text) }
        var terms: [Term] = []
        for t in k.terms {
            guard let group = TermGroup(rawValue: t.group), let trips = parse(t.trips) else { return nil }
            terms.append(Term(name: t.name, group: group, isIteration: t.iteration, isCorrection: t.correction, trips: trips, counts: t.counts))
        }
        var calls: [LibraryCall] = []
        for c in k.libraryCalls {
            guard let count = parse(c.calls) else { return nil }
            var variables: [(String, KernelExpression)] = []
            for (name, text) in c.variables.sorted(by: { $0.key < $1.key }) {
                guard let e = parse(text) else { return nil }
                variables.append((name, e))
            }
            var index: (String, KernelExpression)?
            if let i = c.index {
                guard let n = parse(i.count) else { return nil }
                index = (i.name, n)
            }
            calls.append(LibraryCall(function: c.function, calls: count, variables: variables, index: index, description: c.description))
        }
        var derived: [(String, KernelExpression)] = []
        for d in k.derived {
            guard let e = parse(d.expr) else { return nil }
            derived.append((d.name, e))
        }
        var walk: (KernelExpression, KernelExpression, KernelExpression)?
        if let w = k.weightWalk {
            guard let a = parse(w.workingSetBytes), let b = parse(w.passes), let c = parse(w.bytesPerAccess) else { return nil }
            walk = (a, b, c)
        }
        guard let when = parse(k.when), let passes = parse(k.activationPasses) else { return nil }
        return Kernel(key: k.key, kernelPath: k.kernelPath, functions: k.functions, when: when, variables: k.variables.map(\.name),
                      derived: derived, terms: terms, weightWalk: walk, activationPasses: passes, libraryCalls: calls)
    }

    static func build(_ core: DeviceProfile.Core, _ optimization: OptimizationLevel) -> String {
        let c = core == .cortexM4 ? "m4" : "m7"
        switch optimization {
        case .os: return c + "-Os"
        case .o2: return c + "-O2"
        case .o3: return c + "-O3"
        }
    }

    /// The entry of `path` whose `when` holds for `values` (the kernel's own dispatch inside one function).
    func select(path: String, values: [String: Int]) -> (Kernel, [String: Int])? {
        for k in byPath[path] ?? [] {
            if let env = k.environment(values), let w = try? k.when.evaluate(env), w != 0 { return (k, env) }
        }
        return nil
    }

    /// The measured work of entry `kernel` for `values`; nil when a variable is missing or an
    /// expression cannot be evaluated (absurd shapes), so the caller falls back to an estimate.
    func work(_ kernel: Kernel, env: [String: Int], label: String? = nil) -> KernelWork? {
        var units: [WorkUnit] = []
        for (i, t) in kernel.terms.enumerated() {
            guard let trips = try? t.trips.evaluate(env) else { return nil }
            guard trips != 0 else { continue }
            let cache = mixCache, key = kernel.key
            units.append(WorkUnit(name: t.name, group: t.group, description: "\(kernel.key): \(t.name)", trips: Double(trips),
                                  isIteration: t.isIteration, isCorrection: t.isCorrection,
                                  mix: { core, opt in cache.mixes(key, Self.build(core, opt))[i] }))
        }
        for call in kernel.libraryCalls {
            guard let library = kernels[call.function] else { return nil }
            let indices: [Int]
            var env = env
            if let index = call.index {
                guard let n = try? index.count.evaluate(env), n <= KernelExpression.maximumSumCount else { return nil }
                indices = Array(0..<max(0, n))
            } else {
                indices = [0]
            }
            for i in indices {
                if let index = call.index { env[index.name] = i }
                guard let calls = try? call.calls.evaluate(env) else { return nil }
                guard calls > 0 else { continue }
                var values: [String: Int] = [:]
                for (name, e) in call.variables {
                    guard let v = try? e.evaluate(env) else { return nil }
                    values[name] = v
                }
                guard let libraryEnv = library.environment(values), let perCall = perCallMixes(library, env: libraryEnv) else { return nil }
                let name = call.function.replacingOccurrences(of: "newlib_", with: "")
                units.append(WorkUnit(name: name, group: .im2col, description: "newlib \(name), \(values["bytes"] ?? 0) bytes per call: \(call.description)",
                                      trips: Double(calls), isIteration: false, isCorrection: false,
                                      mix: { core, opt in perCall[Self.build(core, opt)] ?? .zero }))
            }
        }
        var walk = KernelCosts.noWeights
        if let w = kernel.weightWalk {
            guard let a = try? w.workingSet.evaluate(env), let b = try? w.passes.evaluate(env), let c = try? w.bytesPerAccess.evaluate(env) else { return nil }
            walk = WeightWalk(workingSetBytes: Double(a), passes: Double(max(0, b)), bytesPerAccess: Double(max(1, c)))
        }
        guard let passes = try? kernel.activationPasses.evaluate(env) else { return nil }
        let hasLibrary = units.contains { $0.group == .im2col && ($0.name == "memcpy" || $0.name == "memset") }
        let name = label ?? kernel.functions.first ?? kernel.key
        return KernelWork(label: name + (hasLibrary ? " + newlib memcpy/memset" : ""), isGeneric: false, units: units,
                          weightWalk: walk, activationPasses: Double(max(1, passes)))
    }

    /// One call of a library function: its terms summed, per build (M7 simulated cycles summed apart,
    /// so a term without instructions does not drop them).
    private func perCallMixes(_ library: Kernel, env: [String: Int]) -> [String: InstructionMix]? {
        var result: [String: InstructionMix] = [:]
        var trips: [Int] = []
        for t in library.terms {
            guard let n = try? t.trips.evaluate(env) else { return nil }
            trips.append(n)
        }
        let builds = Set(library.terms.flatMap { $0.counts.keys })
        for build in builds {
            var mix = InstructionMix.zero
            var m7: Double = 0
            let mixes = mixCache.mixes(library.key, build)
            for (m, n) in zip(mixes, trips) where n != 0 {
                mix += m * Double(n)
                m7 += (m.m7Cycles ?? 0) * Double(n)
            }
            mix.m7Cycles = build.hasPrefix("m7") ? m7 : nil
            result[build] = mix
        }
        return result
    }
}

// MARK: - Variables from the workload record

extension MeasuredKernelData {
    /// The kernel paths costed from the data, by CMSIS-NN function.
    static let cmsisNNPaths: Set<CMSISNNFunction> = [
        .depthwiseConvS8, .softmaxS8, .softmaxS8S16, .softmaxS16, .svdfS8, .svdfStateS16S8, .lstmUnidirectionalS8,
        .lstmUnidirectionalS16, .batchMatMulS8, .transposeS8, .padS8, .maximumS8, .minimumS8, .transposeConvS8,
    ]

    /// The CMSIS-NN function TFLM's Eval calls for `w`, whose kernel the interpreter names `function`: the same,
    /// except for TRANSPOSE_CONV, whose Eval calls arm_transpose_conv_wrapper_s8 (the path arm_transpose_conv_s8)
    /// on both its paths, also where the wrapper goes on to arm_convolve_s8. The measured data and the traced
    /// dispatch are keyed by it.
    static func calledFunction(_ function: CMSISNNFunction, _ w: OperatorWorkload) -> CMSISNNFunction {
        w.op == .builtin(.transposeConv) ? .transposeConvS8 : function
    }

    /// The measured work for `w`, when its path is one the data costs and the data has it.
    func work(for w: OperatorWorkload) -> KernelWork? {
        switch w.kernelPath {
        case let .cmsisNN(function):
            // Grouped convolution (groups > 1) runs arm_convolve_s8's grouped loop, measured as its own entry.
            var grouped = false
            if function == .convolveS8, case let .convolution(c) = w.geometry { grouped = c.groups > 1 }
            // TRANSPOSE_CONV's reverse path is measured as an entry of the wrapper's path (its `when` picks it).
            let called = Self.calledFunction(function, w)
            guard Self.cmsisNNPaths.contains(called) || grouped else { return nil }
            var path = called.rawValue
            // BATCH_MATMUL int16 runs arm_batch_matmul_s16 (the interpreter's path names the s8 function).
            if function == .batchMatMulS8, w.outputs.first?.type == .int16 { path = "arm_batch_matmul_s16" }
            guard let values = Self.variables(w), let (kernel, env) = select(path: path, values: values) else { return nil }
            return work(kernel, env: env)
        case .reference:
            guard let key = Self.referenceKey(w), let kernel = kernels[key], let values = Self.variables(w),
                  let env = kernel.environment(values) else { return nil }
            return work(kernel, env: env, label: "TFLM reference \(w.op.name) (\(key.split(separator: ":").last.map(String.init) ?? ""))")
        }
    }

    /// The data's entry for a reference path: the operator and the type its loop was measured for.
    static func referenceKey(_ w: OperatorWorkload) -> String? {
        guard case let .reference(op, outputType) = w.kernelPath, let builtin = op.builtin else { return nil }
        let inputType = w.inputs.first.flatMap { $0 }?.type ?? outputType
        func typed(_ name: String, _ t: TensorType, _ measured: [TensorType]) -> String? {
            measured.contains(t) ? "reference:\(name):\(t == .float32 ? "float32" : t == .int16 ? "int16" : "int8")" : nil
        }
        switch builtin {
        case .softmax: return typed("SOFTMAX", outputType, [.float32, .int8])
        case .quantize: return inputType == .float32 ? "reference:QUANTIZE:float32" : inputType == .int8 ? "reference:QUANTIZE:int8" : nil
        case .dequantize: return inputType == .int8 ? "reference:DEQUANTIZE:int8" : nil
        case .logistic: return typed("LOGISTIC", outputType, [.int8])
        case .tanh: return typed("TANH", outputType, [.int8])
        case .hardSwish: return typed("HARD_SWISH", outputType, [.int8])
        case .mul: return typed("MUL", outputType, [.float32, .int8])
        // Equal shapes are costed from KernelInstructionCounts (nil here); a broadcast runs BroadcastAdd4DSlow's
        // fused loop nest, measured up to 4 dimensions.
        case .add:
            guard KernelCosts.isBroadcast(w), let key = typed("ADD", outputType, [.float32, .int8, .int16]), broadcastRanks(w) != nil else { return nil }
            return key + ":broadcast"
        // The reference scatter (TFLM's reference build, int8 and float32 in both, int16 in the CMSIS-NN build too).
        case .transposeConv: return typed("TRANSPOSE_CONV", outputType, [.float32, .int8, .int16])
        // Equal shapes only: a broadcast SUB runs BroadcastQuantSubSlow / BroadcastSubSlow, not measured.
        case .sub: return KernelCosts.isBroadcast(w) ? nil : typed("SUB", outputType, [.float32, .int8])
        case .relu: return typed("RELU", outputType, [.int8])
        case .relu6: return typed("RELU6", outputType, [.int8])
        case .leakyRelu: return typed("LEAKY_RELU", outputType, [.float32, .int8])
        // The copy loop is per chunk whatever the element type; the chunk's bytes go to memcpy.
        case .concatenation: return "reference:CONCATENATION:int8"
        // The same loop for every element size (the stores' width does not change the instruction classes).
        case .pad, .padv2: return "reference:PAD:float32"
        case .transpose: return w.inputs.first.flatMap { $0 }?.shape.count == 4 ? "reference:TRANSPOSE:float32" : nil
        case .resizeNearestNeighbor: return outputType == .int8 ? "reference:RESIZE_NEAREST_NEIGHBOR:int8" : nil
        // Measured for int8 over axes 1 and 2 of a 4-D input (global average pooling).
        case .mean:
            guard inputType == .int8, case let .axis(a) = w.geometry, a.reducedAxes == [1, 2],
                  w.inputs.first.flatMap({ $0 })?.shape.count == 4 else { return nil }
            return "reference:MEAN:int8"
        // Measured for int8 (a row's memcpy is its bytes) and positive strides over a 4-D input.
        case .stridedSlice:
            guard outputType == .int8, case let .slice(g) = w.geometry, g.strides.count == 5, g.strides.allSatisfy({ $0 > 0 }),
                  g.inputShape.first == 1 else { return nil }
            return "reference:STRIDED_SLICE:int8"
        default: return nil
        }
    }

    /// Output, input 1 and input 2 shapes of a two-input elementwise operator, when all have at most 4
    /// dimensions (the broadcast loop was measured up to 4).
    static func broadcastRanks(_ w: OperatorWorkload) -> [[Int]]? {
        guard w.inputs.count >= 2, let a = w.inputs[0]?.shape, let b = w.inputs[1]?.shape, let o = w.outputs.first?.shape,
              [a, b, o].allSatisfy({ $0.count <= 4 }) else { return nil }
        return [o, a, b]
    }

    /// The data's variables for `w` (a superset: each entry takes the names it declares).
    static func variables(_ w: OperatorWorkload) -> [String: Int]? {
        let input = w.inputs.first.flatMap { $0 }?.shape ?? []
        let output = w.outputs.first?.shape ?? []
        let limit = 1 << 20
        func clamp(_ v: Int) -> Int { min(max(v, 0), limit) }
        func elements(_ s: [Int]) -> Int { s.reduce(1) { min($0 &* max(0, $1), 1 << 40) } }
        /// Shape as 4-D, leading ones added (TFLM's RuntimeShape extension).
        func four(_ s: [Int]) -> [Int] { Array(repeating: 1, count: max(0, 4 - s.count)) + s.suffix(4).map(clamp) }
        var v: [String: Int] = [:]
        switch w.geometry {
        case let .sequence(s):
            v["time_steps"] = clamp(s.timeSteps); v["batch_size"] = clamp(s.batches); v["input_size"] = clamp(s.inputSize)
            v["hidden_size"] = clamp(s.units); v["time_major"] = s.timeMajor ? 1 : 0
            v["input_batches"] = clamp(s.batches); v["input_height"] = clamp(s.inputSize); v["feature_batches"] = clamp(s.filters)
            v["time_batches"] = clamp(s.memorySize); v["rank"] = max(1, clamp(s.rank))
        case let .matrix(m):
            v["output_n"] = clamp(m.products); v["output_h"] = 1; v["lhs_rows"] = clamp(m.rows)
            v["rhs_rows"] = clamp(m.columns); v["rhs_cols"] = clamp(m.depth)
        case let .rows(r):
            v["num_rows"] = clamp(r.rows); v["row_size"] = clamp(r.rowSize)
            // Elements that skip the exponential depend on the data; 0 is the upper bound (the data's note).
            v["row_skipped"] = 0
        case let .convolution(c):
            (v["input_n"], v["input_h"], v["input_w"], v["input_c"]) = (clamp(c.batches), clamp(c.inputHeight), clamp(c.inputWidth), clamp(c.inputDepth))
            (v["filter_h"], v["filter_w"], v["filter_c"]) = (clamp(c.filterHeight), clamp(c.filterWidth), clamp(c.filterDepth))
            (v["output_h"], v["output_w"], v["output_c"]) = (clamp(c.outputHeight), clamp(c.outputWidth), clamp(c.outputDepth))
            (v["stride_h"], v["stride_w"], v["pad_h"], v["pad_w"]) = (max(1, clamp(c.strideHeight)), max(1, clamp(c.strideWidth)), clamp(c.paddingHeight), clamp(c.paddingWidth))
            (v["dilation_h"], v["dilation_w"], v["ch_mult"]) = (max(1, clamp(c.dilationHeight)), max(1, clamp(c.dilationWidth)), max(1, clamp(c.depthMultiplier)))
            // TRANSPOSE_CONV's optional bias (input 3) decides how its rolling buffer is reset.
            if w.op == .builtin(.transposeConv) { v["has_bias"] = w.inputs.count > 3 && w.inputs[3] != nil ? 1 : 0 }
        case let .pad(p):
            let i = four(input), o = four(output)
            (v["input_n"], v["input_h"], v["input_w"], v["input_c"]) = (i[0], i[1], i[2], i[3])
            (v["pre_h"], v["post_h"], v["pre_w"], v["post_w"]) = (clamp(p.top), clamp(p.bottom), clamp(p.left), clamp(p.right))
            // PadGeometry carries the middle axes; the outer ones' padding is all put after (its split does not change the counts much).
            (v["pre_n"], v["post_n"], v["pre_c"], v["post_c"]) = (0, clamp(o[0] - i[0]), 0, clamp(o[3] - i[3]))
        case .axis where w.op.builtin == .mean:
            let i = four(input)
            (v["input_n"], v["input_h"], v["input_w"], v["input_c"]) = (i[0], i[1], i[2], i[3])
            v["keep_dims"] = output.count == input.count ? 1 : 0
        case let .axis(a):
            let axis = min(max(0, a.axis), max(0, output.count - 1))
            let outer = elements(Array(output.prefix(axis)))
            let inputs = max(1, clamp(a.inputs))
            let bytes = w.outputs.first?.bytes ?? 0
            (v["outer"], v["inputs"]) = (clamp(outer), inputs)
            // Average bytes per chunk (the data measured equal inputs).
            v["copy_size"] = clamp(bytes / max(1, outer * inputs))
        case let .elementwise(e):
            let n = clamp(e.elements)
            (v["flat_size"], v["block_size"], v["scalar"]) = (n, n, e.broadcast ? 1 : 0)
            if e.broadcast, let shapes = broadcastRanks(w) {
                // BroadcastAdd4DSlow's variables: the three ranks and the shapes as 4 dimensions, leading ones added.
                (v["rank_out"], v["rank1"], v["rank2"]) = (shapes[0].count, shapes[1].count, shapes[2].count)
                for (name, s) in zip(["out", "in1", "in2"], shapes) {
                    for (i, d) in four(s).enumerated() { v["\(name)_\(i)"] = d }
                }
            }
        case let .slice(g):
            // The data measured 4-D inputs (TFLM extends them to 5 with a leading 1): axes 1-4 are n, h, w, c.
            guard g.inputShape.count == 5, g.starts.count == 5, g.stops.count == 5, g.strides.count == 5 else { break }
            for (k, name) in ["n", "h", "w", "c"].enumerated() {
                v["input_\(name)"] = clamp(g.inputShape[k + 1])
                (v["start_\(name)"], v["stop_\(name)"], v["stride_\(name)"]) = (clamp(g.starts[k + 1]), clamp(g.stops[k + 1]), clamp(g.strides[k + 1]))
            }
        case .none, .fft:
            break
        }
        if v["flat_size"] == nil {
            let n = clamp(elements(output))
            (v["flat_size"], v["block_size"]) = (n, n)
            if v["scalar"] == nil {
                let sizes = w.inputs.compactMap { $0 }.map { elements($0.shape) }
                v["scalar"] = sizes.count >= 2 && sizes.contains(1) && n > 1 ? 1 : 0
            }
        }
        if let op = w.op.builtin, op == .transpose || op == .resizeNearestNeighbor {
            let i = input.map(clamp)
            v["num_dims"] = i.count
            // Missing trailing dimensions are 1 (the data's convention for transpose).
            let padded = i + Array(repeating: 1, count: max(0, 4 - i.count))
            (v["input_n"], v["input_h"], v["input_w"], v["input_c"]) = (padded[0], padded[1], padded[2], padded[3])
            if op == .resizeNearestNeighbor {
                let o = four(output)
                (v["output_h"], v["output_w"]) = (o[1], o[2])
            } else {
                // The permutation is a constant input the workload does not carry; only whether the last
                // axis stays last changes the counts: taken as kept when its size is unchanged.
                let last = max(0, i.count - 1)
                let kept = !input.isEmpty && input.last == output.last
                for k in 0..<4 { v["perm\(k)"] = k == last ? (kept ? last : 0) : k }
            }
        }
        return v
    }
}
