import Interpreter

// From an operator's workload record to the work its kernel does: which measured loops run and
// how many times (trip counts), plus library calls (memcpy/memset) and how the kernel walks its
// weights. Trip formulas mirror the kernels' loop nests (README.md, "Kernel loop structure").

/// One contribution to an operator's instruction count.
struct WorkUnit {
    let name: String
    let group: TermGroup
    let description: String
    let trips: Double
    /// Innermost-loop iteration (evaluated per iteration on the M7; no loop-exit mispredict).
    let isIteration: Bool
    /// Entry/residue correction to another unit (no loop exit of its own).
    let isCorrection: Bool
    let mix: (DeviceProfile.Core, OptimizationLevel) -> InstructionMix
}

/// How a kernel reads its constant (flash) operands: `workingSetBytes` must stay cached for the
/// weights to be fetched from flash only once; otherwise they are streamed `passes` times.
struct WeightWalk {
    var workingSetBytes: Double
    var passes: Double
    /// Bytes per load instruction reading weights (4: word reads in CMSIS-NN and float code,
    /// 1: byte loads in the int8 reference kernels).
    var bytesPerAccess: Double
}

struct KernelWork {
    /// What was costed: the measured function(s), or "generic estimate: ...".
    var label: String
    var isGeneric: Bool
    var units: [WorkUnit]
    var weightWalk: WeightWalk
    /// How many times the input activations are walked (1x1 convolutions re-read them once per
    /// output-channel pair unless they stay cached).
    var activationPasses: Double
}

enum KernelCosts {
    static func work(for w: OperatorWorkload) -> KernelWork {
        if let data = MeasuredKernelData.shared, let measured = data.work(for: w) { return measured }
        let g = Shapes(w)
        switch w.kernelPath {
        case let .cmsisNN(function):
            return cmsisNN(function, w, g)
        case let .reference(_, type):
            return reference(w, g, float: type == .float32)
        }
    }

    /// The CMSIS-NN functions, by the loops they run.
    static func cmsisNN(_ function: CMSISNNFunction, _ w: OperatorWorkload, _ g: Shapes) -> KernelWork {
        switch function {
        case .convolve1x1S8Fast:
            // CONV_2D 1x1 (stride 1, no padding) or FULLY_CONNECTED with rank > 2 run as a 1x1 conv.
            let lhsRows = w.op == .builtin(.fullyConnected) ? g.outputRows : g.batches * g.outH * g.outW
            var units = matMulNtT(KernelInstructionCounts.convolve1x1Fast, pixels: lhsRows, channels: g.outC, columns: g.filterDepth, calls: 1)
            units += [unit(KernelInstructionCounts.convolve1x1Fast, "call", 1)].compactMap { $0 }
            return KernelWork(label: KernelInstructionCounts.convolve1x1Fast.function, isGeneric: false, units: units,
                              weightWalk: WeightWalk(workingSetBytes: 2 * Double(g.filterDepth), passes: ceilHalf(lhsRows), bytesPerAccess: 4),
                              activationPasses: Double(max(1, g.outC / 2)))
        case .convolve1x1S8:
            let rows = g.batches * g.outH
            let k = KernelInstructionCounts.convolve1x1Strided
            var units = matMulNtT(k, pixels: g.outW, channels: g.outC, columns: g.filterDepth, calls: rows)
            units += [unit(k, "row_call", Double(rows)), unit(k, "call", 1)].compactMap { $0 }
            return KernelWork(label: k.function, isGeneric: false, units: units,
                              weightWalk: WeightWalk(workingSetBytes: 2 * Double(g.filterDepth), passes: Double(rows) * ceilHalf(g.outW), bytesPerAccess: 4),
                              activationPasses: Double(max(1, g.outC / 2)))
        case .convolveS8:
            guard w.op == .builtin(.conv2D) else { return generic(w) }
            return convolveIm2col(g)
        case .convolveS16:
            return convolveS16(g)
        case .depthwiseConv3x3S8:
            return depthwise3x3(g)
        case .depthwiseConvS8Opt:
            return depthwiseOpt(g)
        case .depthwiseConvS8:
            return simpleDepthwise(KernelInstructionCounts.depthwiseGeneric, g, bytesPerAccess: 1)
        case .depthwiseConvS16:
            return simpleDepthwise(KernelInstructionCounts.depthwiseS16, g, bytesPerAccess: 1)
        case .fullyConnectedS8, .fullyConnectedPerChannelS8:
            return fullyConnected(g)
        case .fullyConnectedS16:
            return fullyConnectedS16(g)
        case .avgPoolS8:
            return pool(KernelInstructionCounts.avgPool, g, quads: false)
        case .maxPoolS8:
            return pool(KernelInstructionCounts.maxPool, g, quads: true)
        case .avgPoolS16:
            return pool(KernelInstructionCounts.avgPoolS16, g, quads: false)
        case .maxPoolS16:
            return pool(KernelInstructionCounts.maxPoolS16, g, quads: false)
        case .elementwiseAddS8:
            return elementwiseQuads(KernelInstructionCounts.elementwiseAdd, elements: g.outputElements)
        case .elementwiseMulS8, .elementwiseMulS16:
            return elementwiseQuads(KernelInstructionCounts.elementwiseMul, elements: g.outputElements)
        case .elementwiseAddS16:
            let k = KernelInstructionCounts.elementwiseAddS16
            let n = g.outputElements
            let units = [unit(k, "call", 1), unit(k, "pair", Double(n / 2)), unit(k, "pair_entry", n >= 2 ? 1 : 0), unit(k, "odd", Double(n % 2))].compactMap { $0 }
            return KernelWork(label: k.function, isGeneric: false, units: units, weightWalk: noWeights, activationPasses: 1)
        case .softmaxS8, .softmaxS8S16:
            return softmax(KernelInstructionCounts.softmax, g)
        case .softmaxS16:
            return softmax(KernelInstructionCounts.softmaxS16, g)
        case .svdfS8, .svdfStateS16S8, .lstmUnidirectionalS8, .lstmUnidirectionalS16, .batchMatMulS8, .transposeConvS8,
             .transposeS8, .padS8, .maximumS8, .minimumS8:
            // Measured in Resources/kernel-counts.json (MeasuredKernelData); reached only without that file
            // or for shapes its expressions cannot take: a labelled generic estimate.
            return generic(w)
        }
    }

    static let noWeights = WeightWalk(workingSetBytes: 0, passes: 1, bytesPerAccess: 4)

    // MARK: - Measured kernels

    static func unit(_ k: MeasuredKernel, _ name: String, _ trips: Double) -> WorkUnit? {
        guard let term = k.term(name), trips != 0, trips.isFinite else { return nil }
        let iteration = (term.group == .mac || name.contains("quad")) && !term.isCorrection
        return WorkUnit(name: name, group: term.group, description: "\(k.function): \(name)", trips: trips,
                        isIteration: iteration, isCorrection: term.isCorrection,
                        mix: { core, opt in term.mix(core: core, optimization: opt) })
    }

    private static func b(_ condition: Bool) -> Double { condition ? 1 : 0 }
    private static func ceilHalf(_ n: Int) -> Double { Double((max(0, n) + 1) / 2) }

    /// arm_nn_mat_mult_nt_t_s8 trip counts for `pixels` lhs rows, `channels` rhs rows and
    /// `columns` accumulation depth, repeated `calls` times (one call per output row when strided).
    static func matMulNtT(_ k: MeasuredKernel, pixels p: Int, channels oc: Int, columns c: Int, calls: Int) -> [WorkUnit] {
        let n = Double(max(0, calls))
        let blocks = Double((p / 2) * (oc / 2))
        let oddBlocks = Double((p % 2) * (oc / 2))
        let pairs = Double(oc / 2)
        let oddRhs = Double(oc % 2)
        var trips: [(String, Double)] = [
            ("main16", blocks * Double(c / 16)), ("main16_entry", blocks * b(c >= 16)),
            ("tail4", blocks * Double((c % 16) / 4)), ("tail4_entry", blocks * b(c % 16 >= 4)),
            ("block2x2", blocks), ("contrib_col", pairs * Double(c)), ("rhs_pair", pairs),
            ("oddlhs_main16", oddBlocks * Double(c / 16)), ("oddlhs_main16_entry", oddBlocks * b(c >= 16)),
            ("oddlhs_tail4", oddBlocks * Double((c % 16) / 4)), ("oddlhs_tail4_entry", oddBlocks * b(c % 16 >= 4)),
            ("oddlhs_block", oddBlocks), ("oddrhs_mac", oddRhs * Double(p) * Double(c)), ("oddrhs_out", oddRhs * Double(p)),
            ("oddrhs", oddRhs), ("rhs_pair_lhs_entry", pairs * b(p >= 2)), ("rhs_pair_main_entry", pairs * b(c >= 16)),
            ("rhs_pair_tail_entry", pairs * b(c % 16 >= 4)), ("oddrhs_main_entry", oddRhs * b(c >= 16)),
        ]
        for r in 1...3 {
            trips.append(("tail1_r\(r)", blocks * b(c % 4 == r)))
            trips.append(("oddlhs_tail1_r\(r)", oddBlocks * b(c % 4 == r)))
        }
        return trips.compactMap { unit(k, $0.0, $0.1 * n) }
    }

    static func convolveIm2col(_ g: Shapes) -> KernelWork {
        let k = KernelInstructionCounts.convolveIm2col
        let win = g.convWindows()
        let p = g.outH * g.outW
        let rc = g.filterH * g.filterW * g.filterDepth
        let oc = g.outC
        let nb = Double(g.batches)
        let half = Double(p / 2), odd = Double(p % 2)
        var t: [(String, Double)] = [
            ("tap_copy", win.valid), ("tap_pad_y", win.padY), ("tap_pad_x", win.padX), ("out_row", Double(g.outH)),
            ("pixel_krow", Double(p) * Double(g.filterH)), ("pixel", Double(p)), ("s2s_quad", Double(p) * Double(rc / 4)), ("s2s_entry", Double(p) * b(rc >= 4)),
            ("mm_call", half), ("mm_main4", half * Double(oc / 2) * Double(rc / 4)), ("mm_block", half * Double(oc / 2)),
            ("mm_main_entry", half * Double(oc / 2) * b(rc >= 4)), ("mm_rows_entry", half * b(oc >= 2)),
            ("mm_oddoc_main_entry", half * Double(oc % 2) * b(rc >= 4)), ("mm_oddoc_main4", half * Double(oc % 2) * Double(rc / 4)),
            ("mm_oddoc", half * Double(oc % 2)), ("lo_main4", odd * Double(oc) * Double(rc / 4)), ("lo_main_entry", odd * Double(oc) * b(rc >= 4)),
            ("lo_out", odd * Double(oc)),
        ]
        for r in 1...3 {
            t.append(("s2s_tail_r\(r)", Double(p) * b(rc % 4 == r)))
            t.append(("mm_tail1_r\(r)", half * Double(oc / 2) * b(rc % 4 == r)))
            t.append(("mm_oddoc_tail1_r\(r)", half * Double(oc % 2) * b(rc % 4 == r)))
            t.append(("lo_tail1_r\(r)", odd * Double(oc) * b(rc % 4 == r)))
        }
        var units = t.compactMap { unit(k, $0.0, $0.1 * nb) }
        units += [unit(k, "call", 1)].compactMap { $0 }
        units += LibraryCalls.memcpy(calls: win.valid * nb, bytesEach: g.filterDepth, aligned: g.filterDepth % 4 == 0, what: "im2col copy of one tap (arm_memcpy_s8)")
        units += LibraryCalls.memset(calls: (win.padY + win.padX) * nb, bytesEach: Double(g.filterDepth), what: "im2col fill of one padded tap (arm_memset_s8)")
        return KernelWork(label: k.function + " + newlib memcpy/memset", isGeneric: false, units: units,
                          weightWalk: WeightWalk(workingSetBytes: Double(oc) * Double(rc), passes: nb * Double((p + 1) / 2), bytesPerAccess: 4),
                          activationPasses: 1)
    }

    static func convolveS16(_ g: Shapes) -> KernelWork {
        let k = KernelInstructionCounts.convolveS16
        let win = g.convWindows()
        let p = g.outH * g.outW
        let rc = g.filterH * g.filterW * g.filterDepth
        let oc = g.outC
        let nb = Double(g.batches)
        let half = Double(p / 2), odd = Double(p % 2)
        let blocks = half * Double(oc / 2)
        let t: [(String, Double)] = [
            ("tap_copy", win.valid), ("tap_pad_y", win.padY), ("tap_pad_x", win.padX), ("pixel_krow", Double(p) * Double(g.filterH)),
            ("pixel", Double(p)), ("pair", half), ("block", blocks), ("block_main", blocks * Double(rc / 4)),
            ("block_tail", blocks * Double(rc % 4)), ("block_tail_entry", blocks * b(rc % 4 > 0)), ("block_main_entry", blocks * b(rc >= 4)),
            ("rows_entry", half * b(oc >= 2)), ("oddoc_entry", half * Double(oc % 2) * b(rc >= 4)), ("oddoc", half * Double(oc % 2)),
            ("oddoc_mac", half * Double(oc % 2) * Double(rc)), ("lo_out", odd * Double(oc)), ("lo_mac", odd * Double(oc) * Double(rc)),
            ("out_row", Double(g.outH)),
        ]
        var units = t.compactMap { unit(k, $0.0, $0.1 * nb) }
        units += [unit(k, "call", 1)].compactMap { $0 }
        units += LibraryCalls.memcpy(calls: win.valid * nb, bytesEach: 2 * g.filterDepth, aligned: g.filterDepth % 2 == 0, what: "im2col copy of one int16 tap")
        units += LibraryCalls.memset(calls: (win.padY + win.padX) * nb, bytesEach: Double(2 * g.filterDepth), what: "im2col fill of one padded int16 tap")
        return KernelWork(label: k.function + " + newlib memcpy/memset", isGeneric: false, units: units,
                          weightWalk: WeightWalk(workingSetBytes: Double(oc) * Double(rc), passes: nb * Double((p + 1) / 2), bytesPerAccess: 4),
                          activationPasses: 1)
    }

    static func depthwise3x3(_ g: Shapes) -> KernelWork {
        let k = KernelInstructionCounts.depthwise3x3
        let d = g.depthwiseWindows()
        let p = Double(g.outH * g.outW)
        let q = Double(g.inC / 4), r = Double(g.inC % 4), hasR = b(g.inC % 4 > 0)
        let t: [(String, Double)] = [
            ("pixel", p), ("out_row", Double(g.outH)), ("blk", p * q), ("blk_row", d.rows * q), ("blk_row_left", d.left * q),
            ("blk_row_right", d.right * q), ("lo_ch", p * r), ("lo_row", d.rows * r), ("lo_row_left", d.left * r),
            ("lo_row_right", d.right * r), ("blk_left_entry", d.pixelsLeft * q), ("blk_right_entry", d.pixelsRight * q),
            ("lo_entry", p * hasR), ("lo_row_entry", d.rows * hasR), ("lo_left_entry", d.left * hasR), ("lo_right_entry", d.right * hasR),
            ("blk_entry", p * b(g.inC >= 4)), ("call", 1),
        ]
        return KernelWork(label: k.function, isGeneric: false, units: t.compactMap { unit(k, $0.0, $0.1) },
                          weightWalk: WeightWalk(workingSetBytes: Double(9 * g.inC), passes: p, bytesPerAccess: 4), activationPasses: 1)
    }

    static func depthwiseOpt(_ g: Shapes) -> KernelWork {
        let k = KernelInstructionCounts.depthwiseOpt
        let d = g.depthwiseWindows()
        let p = Double(g.outH * g.outW)
        let c = g.inC
        let q = Double(c / 4), r = Double(c % 4)
        let taps = g.filterH * g.filterW
        var t: [(String, Double)] = [
            ("pixel", p), ("out_row", Double(g.outH)), ("row", d.rows), ("tap_copy", d.validTaps), ("q2q_quad", d.validTaps * q),
            ("tap_padx", d.padXTaps), ("pad_top", d.pixelsPadTop), ("pad_bot", d.pixelsPadBottom), ("blk", p * q),
            ("blk_pair", p * q * Double(taps / 2)), ("blk_oddtap", p * q * Double(taps % 2)), ("lo_ch", p * r), ("lo_mac", p * r * Double(taps)),
            ("blk_entry", p * b(c >= 4)), ("lo_entry", p * b(c % 4 > 0)), ("blk_pair_entry", p * q * b(taps >= 2)),
            ("q2q_entry", d.validTaps * b(c >= 4)), ("call", 1),
        ]
        for rr in 1...3 { t.append(("q2q_r\(rr)", d.validTaps * b(c % 4 == rr))) }
        var units = t.compactMap { unit(k, $0.0, $0.1) }
        units += LibraryCalls.memset(calls: d.padXTaps, bytesEach: Double(2 * c), what: "column buffer fill of one padded tap")
        let rowCalls = d.pixelsPadTop + d.pixelsPadBottom
        if rowCalls > 0 {
            let bytes = d.paddedRows * Double(g.filterW * c * 2)
            units += LibraryCalls.memset(calls: rowCalls, bytesEach: bytes / rowCalls, what: "column buffer fill of padded filter rows")
        }
        return KernelWork(label: k.function + " + newlib memset", isGeneric: false, units: units,
                          weightWalk: WeightWalk(workingSetBytes: Double(taps * c), passes: p, bytesPerAccess: 4), activationPasses: 1)
    }

    /// Per-output, per-row, per-MAC kernels (arm_depthwise_conv_s8 generic path, arm_depthwise_conv_s16).
    static func simpleDepthwise(_ k: MeasuredKernel, _ g: Shapes, bytesPerAccess: Double) -> KernelWork {
        let d = g.depthwiseWindows()
        let p = Double(g.outH * g.outW)
        let oc = Double(g.outC)
        let nb = Double(g.batches)
        var units = [("pixel", p), ("out_row", Double(g.outH)), ("out", p * oc), ("row", d.rows * oc), ("mac", d.validTaps * oc)]
            .compactMap { unit(k, $0.0, $0.1 * nb) }
        units += [unit(k, "call", 1)].compactMap { $0 }
        return KernelWork(label: k.function, isGeneric: false, units: units,
                          weightWalk: WeightWalk(workingSetBytes: Double(g.filterH * g.filterW * g.outC), passes: p * nb, bytesPerAccess: bytesPerAccess),
                          activationPasses: 1)
    }

    static func fullyConnected(_ g: Shapes) -> KernelWork {
        let k = KernelInstructionCounts.fullyConnected
        let n = g.fcOutputs, kk = g.fcDepth, batches = Double(g.fcBatches)
        let q = kk / 4, r = kk % 4
        let pairs = Double(n / 2), odd = Double(n % 2)
        var t: [(String, Double)] = [
            ("batch", 1), ("rowpair", pairs), ("main4", pairs * Double(q)), ("odd", odd), ("odd_main4", odd * Double(q)),
            ("main_entry", pairs * b(q >= 1)), ("odd_entry", odd * b(q >= 1)), ("main_entry8", pairs * b(q >= 8)),
            ("odd_entry8", odd * b(q >= 8)), ("rowloop_entry", b(n >= 2)),
        ]
        for rr in 1...3 {
            t.append(("tail_r\(rr)", pairs * b(r == rr)))
            t.append(("odd_tail_r\(rr)", odd * b(r == rr)))
        }
        for u in 1...7 {
            t.append(("main_mod8_\(u)", pairs * b(q % 8 == u)))
            t.append(("odd_mod8_\(u)", odd * b(q % 8 == u)))
        }
        var units = t.compactMap { unit(k, $0.0, $0.1 * batches) }
        units += [unit(k, "call", 1)].compactMap { $0 }
        return KernelWork(label: k.function, isGeneric: false, units: units,
                          weightWalk: WeightWalk(workingSetBytes: Double(n * kk), passes: batches, bytesPerAccess: 4), activationPasses: 1)
    }

    static func fullyConnectedS16(_ g: Shapes) -> KernelWork {
        let k = KernelInstructionCounts.fullyConnectedS16
        let n = g.fcOutputs, kk = g.fcDepth, batches = Double(g.fcBatches)
        let pairs = Double(n / 2), odd = Double(n % 2)
        let t: [(String, Double)] = [
            ("batch", 1), ("rowpair", pairs), ("main4", pairs * Double(kk / 4)), ("main_entry", pairs * b(kk >= 4)),
            ("tail", pairs * Double(kk % 4)), ("tail_entry", pairs * b(kk % 4 > 0)), ("odd", odd), ("odd_main4", odd * Double(kk / 4)),
            ("odd_main_entry", odd * b(kk >= 4)), ("odd_tail", odd * Double(kk % 4)), ("odd_tail_entry", odd * b(kk % 4 > 0)),
            ("rows_entry", b(n >= 2)),
        ]
        var units = t.compactMap { unit(k, $0.0, $0.1 * batches) }
        units += [unit(k, "call", 1)].compactMap { $0 }
        return KernelWork(label: k.function, isGeneric: false, units: units,
                          weightWalk: WeightWalk(workingSetBytes: Double(n * kk), passes: batches, bytesPerAccess: 4), activationPasses: 1)
    }

    static func pool(_ k: MeasuredKernel, _ g: Shapes, quads: Bool) -> KernelWork {
        let d = g.depthwiseWindows()
        let p = Double(g.outH * g.outW)
        let c = g.inC
        let nb = Double(g.batches)
        var t: [(String, Double)] = [("pixel", p), ("out_row", Double(g.outH)), ("row", d.rows), ("tap", d.validTaps)]
        if quads {
            t += [("tap_quad", d.validTaps * Double(c / 4)), ("tap_rem", d.validTaps * Double(c % 4)),
                  ("pix_quad", p * Double(c / 4)), ("pix_rem", p * Double(c % 4))]
        } else {
            t += [("tap_ch", d.validTaps * Double(c)), ("pix_ch", p * Double(c))]
        }
        var units = t.compactMap { unit(k, $0.0, $0.1 * nb) }
        units += [unit(k, "call", 1)].compactMap { $0 }
        return KernelWork(label: k.function, isGeneric: false, units: units, weightWalk: noWeights, activationPasses: 1)
    }

    static func elementwiseQuads(_ k: MeasuredKernel, elements n: Int) -> KernelWork {
        var t: [(String, Double)] = [("call", 1), ("quad", Double(n / 4)), ("quad_entry", b(n >= 4))]
        for r in 1...3 { t.append(("r\(r)", b(n % 4 == r))) }
        return KernelWork(label: k.function, isGeneric: false, units: t.compactMap { unit(k, $0.0, $0.1) }, weightWalk: noWeights, activationPasses: 1)
    }

    static func softmax(_ k: MeasuredKernel, _ g: Shapes) -> KernelWork {
        let rowSize = Double(g.rowSize)
        let rows = Double(g.rows)
        let units = [("call", 1.0), ("row", rows), ("elem", rows * rowSize)].compactMap { unit(k, $0.0, $0.1) }
        return KernelWork(label: k.function, isGeneric: false, units: units, weightWalk: noWeights, activationPasses: 1)
    }

    // MARK: - TFLM reference kernels

    static func reference(_ w: OperatorWorkload, _ g: Shapes, float: Bool) -> KernelWork {
        let wordOrByte: Double = float ? 4 : 1
        switch w.op.builtin {
        case .conv2D?:
            let k = float ? KernelInstructionCounts.referenceConvFloat : KernelInstructionCounts.referenceConv
            let win = g.convWindows()
            let p = Double(g.outH * g.outW), oc = Double(g.outC), nb = Double(g.batches)
            let taps = Double(g.filterH * g.filterW)
            var units = [("out_row", Double(g.outH)), ("pixel", p), ("out", p * oc), ("krow", p * oc * Double(g.filterH)),
                         ("tap", p * oc * taps), ("vtap", win.valid * oc), ("mac", win.valid * oc * Double(g.filterDepth))]
                .compactMap { unit(k, $0.0, $0.1 * nb) }
            units += [unit(k, "call", 1)].compactMap { $0 }
            return KernelWork(label: k.function, isGeneric: false, units: units,
                              weightWalk: WeightWalk(workingSetBytes: Double(g.outC) * taps * Double(g.filterDepth), passes: p * nb, bytesPerAccess: wordOrByte),
                              activationPasses: 1)
        case .depthwiseConv2D?:
            let k = float ? KernelInstructionCounts.referenceDepthwiseFloat : KernelInstructionCounts.referenceDepthwise
            let d = g.depthwiseWindows()
            let p = Double(g.outH * g.outW), oc = Double(g.outC), nb = Double(g.batches)
            let taps = Double(g.filterH * g.filterW)
            var units = [("out_row", Double(g.outH)), ("pixel", p), ("out", p * oc), ("krow", p * oc * Double(g.filterH)),
                         ("tap", p * taps * oc), ("mac", d.validTaps * oc)]
                .compactMap { unit(k, $0.0, $0.1 * nb) }
            units += [unit(k, "call", 1)].compactMap { $0 }
            return KernelWork(label: k.function, isGeneric: false, units: units,
                              weightWalk: WeightWalk(workingSetBytes: taps * oc, passes: p * nb, bytesPerAccess: wordOrByte), activationPasses: 1)
        case .fullyConnected?:
            let k = float ? KernelInstructionCounts.referenceFullyConnectedFloat : KernelInstructionCounts.referenceFullyConnected
            let n = Double(g.fcOutputs), kk = Double(g.fcDepth), batches = Double(g.fcBatches)
            let units = [("call", 1.0), ("batch", batches), ("out", batches * n), ("mac", batches * n * kk)].compactMap { unit(k, $0.0, $0.1) }
            return KernelWork(label: k.function, isGeneric: false, units: units,
                              weightWalk: WeightWalk(workingSetBytes: n * kk, passes: batches, bytesPerAccess: wordOrByte), activationPasses: 1)
        case .averagePool2D?, .maxPool2D?:
            let average = w.op == .builtin(.averagePool2D)
            let k = float ? (average ? KernelInstructionCounts.referenceAvgPoolFloat : KernelInstructionCounts.referenceMaxPoolFloat)
                          : (average ? KernelInstructionCounts.referenceAvgPool : KernelInstructionCounts.referenceMaxPool)
            let d = g.depthwiseWindows()
            let p = Double(g.outH * g.outW), c = Double(g.inC), nb = Double(g.batches)
            var units = [("out_row", Double(g.outH)), ("pixel", p), ("out", p * c), ("row", d.rows * c), ("tap", d.validTaps * c)]
                .compactMap { unit(k, $0.0, $0.1 * nb) }
            units += [unit(k, "call", 1)].compactMap { $0 }
            return KernelWork(label: k.function, isGeneric: false, units: units, weightWalk: noWeights, activationPasses: 1)
        case .add?, .sub?:
            let k = float ? KernelInstructionCounts.referenceAddFloat : KernelInstructionCounts.referenceAdd
            let units = [("call", 1.0), ("elem", Double(g.outputElements))].compactMap { unit(k, $0.0, $0.1) }
            let isAdd = w.op == .builtin(.add)
            let broadcast = Self.isBroadcast(w)
            let note = broadcast ? " (broadcast: the element loop stands in for TFLM's broadcast loop)" : isAdd ? "" : " (used for SUB: same loop shape)"
            return KernelWork(label: k.function + note, isGeneric: !isAdd || broadcast,
                              units: units, weightWalk: noWeights, activationPasses: 1)
        default:
            return generic(w)
        }
    }

    // MARK: - Generic estimates

    /// Kernels without measured loops: a per-MAC cost for MAC-type operators and a per-element
    /// cost otherwise, borrowed from the closest measured loop and labelled as such.
    static func generic(_ w: OperatorWorkload) -> KernelWork {
        let g = Shapes(w)
        let float = w.kernelPath == .reference(w.op, .float32) || (w.outputs.first?.type == .float32)
        let cmsis = w.kernelPath.isCMSISNN
        let elements = Double(max(g.outputElements, 0))
        var units: [WorkUnit] = []
        var label: String
        let copies = copyOperators
        let matrixOps: Set<BuiltinOperator> = [.transposeConv, .batchMatmul, .svdf, .unidirectionalSequenceLstm, .conv2D,
                                               .depthwiseConv2D, .fullyConnected]
        if let op = w.op.builtin, copies.contains(op) {
            // TFLM's Eval copies the data only when input and output buffers differ (memcpy): both
            // are known from the plan, and newlib's memcpy is measured, so nothing here is guessed.
            let bytes = w.outputs.first?.bytes ?? 0
            let input = w.inputs.first.flatMap { $0 }
            let shared = input?.location == .arena && input?.arenaOffset != nil && input?.arenaOffset == w.outputs.first?.arenaOffset
            units = shared ? [] : LibraryCalls.memcpy(calls: 1, bytesEach: bytes, aligned: true, what: "tensor copy (memcpy)", group: .mac)
            label = shared ? "\(w.op.name): input and output share the buffer, no copy" : "\(w.op.name): newlib memcpy of the output bytes"
            return KernelWork(label: label, isGeneric: false, units: units, weightWalk: noWeights, activationPasses: 1)
        }
        if w.macs > 0, let op = w.op.builtin, matrixOps.contains(op) {
            if cmsis {
                let k = KernelInstructionCounts.convolve1x1Fast
                units = [genericUnit("per MAC (1/64 of the arm_nn_mat_mult_nt_t_s8 16-column loop)", .mac, k, "main16", Double(w.macs) / 64),
                         genericUnit("per output (1/4 of a 2x2 requantization block)", .requant, k, "block2x2", elements / 4)].compactMap { $0 }
                label = "generic estimate: \(w.kernelPath.name) costed per MAC with the arm_nn_mat_mult_nt_t_s8 loop"
            } else {
                let k = float ? KernelInstructionCounts.referenceConvFloat : KernelInstructionCounts.referenceConv
                units = [genericUnit("per MAC (reference conv MAC)", .mac, k, "mac", Double(w.macs)),
                         genericUnit("per output (reference conv output)", .requant, k, "out", elements)].compactMap { $0 }
                label = "generic estimate: \(w.kernelPath.name) costed per MAC with the reference convolution loop"
            }
        } else {
            let k = float ? KernelInstructionCounts.referenceAddFloat : KernelInstructionCounts.referenceAdd
            let work = max(elements, Double(w.macs))
            units = [genericUnit("per element (reference ADD element)", .mac, k, "elem", work),
                     genericUnit("call", .overhead, k, "call", 1)].compactMap { $0 }
            label = "generic estimate: \(w.op.name) (\(w.kernelPath.name)) costed per element with the reference ADD element loop"
        }
        if let reason = estimateReason(w) { label += " (\(reason))" }
        return KernelWork(label: label, isGeneric: true, units: units,
                          weightWalk: WeightWalk(workingSetBytes: Double(w.weightBytes), passes: 1, bytesPerAccess: float || cmsis ? 4 : 1),
                          activationPasses: 1)
    }

    /// Why a kernel path has no measured loops, for the paths that are estimated on purpose; nil for a
    /// path the measured data should cover (RegistryCoverageTests fails when such a path is estimated).
    static func estimateReason(_ w: OperatorWorkload) -> String? {
        guard case let .reference(op, _) = w.kernelPath else { return nil }
        if case .custom = op { return "TFLM's signal library is not in the measured data" }
        guard let builtin = op.builtin else { return "not a builtin operator" }
        if builtin == .stridedSlice, MeasuredKernelData.referenceKey(w) == nil {
            return "STRIDED_SLICE's loop is measured for int8 with positive strides only"
        }
        if builtin == .sub, isBroadcast(w) {
            return "the broadcast loop of reference SUB is not measured"
        }
        if builtin == .add, isBroadcast(w), MeasuredKernelData.referenceKey(w) == nil {
            return "ADD's broadcast loop is measured with up to 4 dimensions only"
        }
        if Self.unmeasuredReference.contains(builtin) { return "no measured reference loop for \(op.name) yet" }
        if Self.referenceFromData.contains(builtin), MeasuredKernelData.referenceKey(w) == nil {
            return "\(op.name)'s reference loop is measured for other types, ranks or axes only"
        }
        return nil
    }

    static let copyOperators: Set<BuiltinOperator> = [.reshape, .squeeze, .expandDims]

    /// An elementwise operator whose inputs differ in shape (TFLM runs a broadcast loop).
    static func isBroadcast(_ w: OperatorWorkload) -> Bool {
        if case let .elementwise(e) = w.geometry { return e.broadcast }
        return false
    }

    /// Reference kernels costed from Resources/kernel-counts.json (MeasuredKernelData.referenceKey).
    static let referenceFromData: Set<BuiltinOperator> = [
        .softmax, .quantize, .dequantize, .logistic, .tanh, .hardSwish, .mul, .concatenation, .pad, .padv2, .transpose,
        .resizeNearestNeighbor, .sub, .relu, .relu6, .leakyRelu, .stridedSlice, .mean, .transposeConv,
    ]

    /// Reference kernels not measured yet (the measured data's reference entries are listed in
    /// Scripts/measure-kernels/kernels/tflm_reference.py).
    static let unmeasuredReference: Set<BuiltinOperator> = [
        .div, .squaredDifference, .maximum, .minimum, .prelu, .exp, .log, .sqrt, .rsqrt, .cast, .sum, .pack,
        .unpack, .split, .splitV, .shape, .gather, .resizeBilinear, .batchMatmul, .svdf, .unidirectionalSequenceLstm,
    ]

    private static func genericUnit(_ what: String, _ group: TermGroup, _ k: MeasuredKernel, _ name: String, _ trips: Double) -> WorkUnit? {
        guard let term = k.term(name), trips > 0, trips.isFinite else { return nil }
        return WorkUnit(name: "generic estimate: " + what, group: group, description: "borrowed from \(k.function): \(name)",
                        trips: trips, isIteration: group == .mac, isCorrection: false,
                        mix: { core, opt in term.mix(core: core, optimization: opt) })
    }
}

// MARK: - newlib memcpy / memset

/// newlib's memcpy/memset for armv7e-m (memcpy-armv7m.S and memset.S in libc.a; the nano
/// variant links the same objects in the Debian 3.3.0 package): their instruction mixes were
/// measured in the same emulator, per call, per 64/16/4-byte block and per tail byte, with M7
/// cycles (m7c) from the same trace simulation. The library is prebuilt, so the mix does not
/// depend on the application's -O level. The misaligned byte loop has no simulated M7 figure.
enum LibraryCalls {
    private static let copyCall = InstructionMix.parse("alu=8 br=6 tk=4 m7c=22.6") ?? .zero
    private static let copy64 = InstructionMix.parse("ld=16 ru=16 st=16 alu=1 br=1 tk=1 m7c=50.1") ?? .zero
    private static let copy16 = InstructionMix.parse("ld=4 ru=4 st=4 alu=1 br=1 tk=1 m7c=13") ?? .zero
    private static let copy4 = InstructionMix.parse("ld=1 ru=1 st=1 alu=1 br=1 tk=1 m7c=4.1") ?? .zero
    private static let copyTail = InstructionMix.parse("ld=1 ru=1 st=1 alu=1 it=1 br=1 m7c=4") ?? .zero
    /// Misaligned source or destination: the byte loop (LDRB, STRB, SUBS, BCS per byte).
    private static let copyByte = InstructionMix.parse("ld=1 ru=1 st=1 alu=1 br=1 tk=1") ?? .zero
    private static let setCall = InstructionMix.parse("ldm=1 ldmr=3 stm=1 stmr=3 simd=1 alu=12 sh=3 br=6 tk=4 m7c=27.1") ?? .zero
    private static let set16 = InstructionMix.parse("st=4 alu=2 br=1 tk=1 m7c=5.5") ?? .zero
    private static let set4 = InstructionMix.parse("st=1 alu=1 br=1 tk=1 m7c=4") ?? .zero
    private static let setByte = InstructionMix.parse("st=1 alu=1 br=1 tk=1 m7c=2") ?? .zero

    static func memcpy(calls: Double, bytesEach n: Int, aligned: Bool, what: String, group: TermGroup = .im2col) -> [WorkUnit] {
        guard calls > 0, n >= 0 else { return [] }
        var mix = copyCall
        if aligned {
            mix += copy64 * Double(n / 64) + copy16 * Double((n % 64) / 16) + copy4 * Double((n % 16) / 4)
            if n % 4 > 0 { mix += copyTail }
        } else {
            mix += copyByte * Double(n)
        }
        let m = mix
        return [WorkUnit(name: "memcpy", group: group, description: "newlib memcpy, \(n) bytes\(aligned ? "" : " misaligned") per call: \(what)",
                         trips: calls, isIteration: false, isCorrection: false, mix: { _, _ in m })]
    }

    static func memset(calls: Double, bytesEach: Double, what: String) -> [WorkUnit] {
        guard calls > 0, bytesEach >= 0, bytesEach.isFinite else { return [] }
        let n = Int(bytesEach.rounded())
        let m = setCall + set16 * Double(n / 16) + set4 * Double((n % 16) / 4) + setByte * Double(n % 4)
        return [WorkUnit(name: "memset", group: .im2col, description: "newlib memset, \(n) bytes per call: \(what)",
                         trips: calls, isIteration: false, isCorrection: false, mix: { _, _ in m })]
    }
}

// MARK: - Shapes and window geometry

/// Operator geometry read from the workload's parameters, falling back to tensor shapes.
struct Shapes {
    var batches = 1
    var inH = 1, inW = 1, inC = 1
    var outH = 1, outW = 1, outC = 1
    var filterH = 1, filterW = 1, filterDepth = 1
    var strideH = 1, strideW = 1, padH = 0, padW = 0, dilationH = 1, dilationW = 1
    var outputElements = 0
    var outputRows = 1
    var lastDimension = 1
    var fcOutputs = 1, fcDepth = 1, fcBatches = 1

    var rows = 1, rowSize = 1

    init(_ w: OperatorWorkload) {
        let input = w.inputs.first.flatMap { $0 }?.shape ?? []
        let output = w.outputs.first?.shape ?? []
        let filter = w.inputs.count > 1 ? (w.inputs[1]?.shape ?? []) : []
        // Dimensions are clamped to 2^20 so that products of up to three stay far from overflow.
        let limit = 1 << 20
        func dim(_ s: [Int], _ i: Int, _ fallback: Int) -> Int { i < s.count ? min(max(0, s[i]), limit) : fallback }
        func clamp(_ v: Int?, _ fallback: Int, lower: Int = 1) -> Int { min(max(v ?? fallback, lower), limit) }
        // What the kernel reported, by kind of work.
        var conv: ConvolutionGeometry?
        var matrix: MatrixGeometry?
        var batchCount: Int?
        var rowGeometry: RowGeometry?
        switch w.geometry {
        case let .convolution(c): conv = c; batchCount = c.batches
        case let .matrix(m): matrix = m; batchCount = m.rows
        case let .sequence(s): batchCount = s.batches
        case let .rows(r): rowGeometry = r
        case .none, .elementwise, .pad, .axis, .fft, .slice: break
        }
        let in4 = input.count == 4, out4 = output.count == 4
        batches = clamp(batchCount, in4 ? dim(input, 0, 1) : 1)
        inH = clamp(conv?.inputHeight, in4 ? dim(input, 1, 1) : 1)
        inW = clamp(conv?.inputWidth, in4 ? dim(input, 2, 1) : 1)
        inC = clamp(conv?.inputDepth ?? matrix?.depth, input.last ?? 1)
        outH = clamp(conv?.outputHeight, out4 ? dim(output, 1, 1) : 1, lower: 0)
        outW = clamp(conv?.outputWidth, out4 ? dim(output, 2, 1) : 1, lower: 0)
        outC = clamp(conv?.outputDepth ?? matrix?.columns, output.last ?? 1)
        filterH = clamp(conv?.filterHeight, 1)
        filterW = clamp(conv?.filterWidth, 1)
        // CONV_2D filter [OC, KH, KW, IC/groups]; otherwise the input depth.
        filterDepth = w.op == .builtin(.conv2D) && filter.count == 4 ? clamp(filter[3], 1) : inC
        strideH = clamp(conv?.strideHeight, 1)
        strideW = clamp(conv?.strideWidth, 1)
        padH = clamp(conv?.paddingHeight, 0, lower: 0)
        padW = clamp(conv?.paddingWidth, 0, lower: 0)
        dilationH = clamp(conv?.dilationHeight, 1)
        dilationW = clamp(conv?.dilationWidth, 1)
        // Element count, saturating at 2^40 rather than overflowing on absurd shapes.
        outputElements = output.reduce(1) { acc, d in
            let (product, overflow) = acc.multipliedReportingOverflow(by: max(0, d))
            return overflow || product > 1 << 40 ? 1 << 40 : product
        }
        lastDimension = clamp(output.last, 1)
        outputRows = clamp(outputElements / lastDimension, 1)
        fcOutputs = clamp(matrix?.columns, lastDimension)
        fcDepth = clamp(matrix?.depth, filter.last ?? 1)
        fcBatches = clamp(outputElements / max(1, fcOutputs), 1)
        rowSize = clamp(rowGeometry?.rowSize, lastDimension)
        rows = clamp(rowGeometry?.rows, outputElements / rowSize)
    }

    /// Valid filter taps per output position along one axis: TFLM's window clipping (taps k in
    /// [0, filter) with 0 <= origin + dilation * k < inSize), in closed form.
    private static func validTaps(outSize: Int, stride: Int, pad: Int, filter: Int, dilation: Int, inSize: Int) -> [Int] {
        let d = Double(max(1, dilation)), f = Double(max(0, filter)), size = Double(max(0, inSize))
        return (0..<max(0, outSize)).map { o in
            let origin = Double(o) * Double(stride) - Double(pad)
            let first = max(0, (-origin / d).rounded(.up))
            let last = min(f - 1, ((size - 1 - origin) / d).rounded(.down))
            return last >= first ? Int(last - first + 1) : 0
        }
    }

    struct ConvWindows { var valid: Double; var padY: Double; var padX: Double }

    /// Taps inside the input, taps in padded rows, and taps in padded columns of valid rows, over
    /// all output pixels (arm_convolve_s8's im2col tests the row first, then the column).
    func convWindows() -> ConvWindows {
        let ys = Shapes.validTaps(outSize: outH, stride: strideH, pad: padH, filter: filterH, dilation: dilationH, inSize: inH)
        let xs = Shapes.validTaps(outSize: outW, stride: strideW, pad: padW, filter: filterW, dilation: dilationW, inSize: inW)
        let sumY = Double(ys.reduce(0, +)), sumX = Double(xs.reduce(0, +))
        let padRowsTaps = Double(ys.reduce(0) { $0 + (filterH - $1) }) * Double(outW * filterW)
        let padColsTaps = sumY * Double(xs.reduce(0) { $0 + (filterW - $1) })
        return ConvWindows(valid: sumY * sumX, padY: padRowsTaps, padX: padColsTaps)
    }

    struct DepthwiseWindows {
        var rows = 0.0, left = 0.0, right = 0.0, validTaps = 0.0, padXTaps = 0.0
        var pixelsPadTop = 0.0, pixelsPadBottom = 0.0, paddedRows = 0.0
        var pixelsLeft = 0.0, pixelsRight = 0.0, pixelsAllRows = 0.0
    }

    /// Window rows and taps inside the input as the depthwise and pooling kernels clip them
    /// (row range first, then columns); left/right count rows whose first/last column of a 3x3
    /// window is inside (arm_depthwise_conv_3x3_s8's tests).
    func depthwiseWindows() -> DepthwiseWindows {
        var d = DepthwiseWindows()
        var rowCounts: [Int] = []
        var topPad = 0, bottomPad = 0, allRows = 0, paddedRowSum = 0
        for oy in 0..<max(0, outH) {
            let inY = oy * strideH - padH
            let start = max(0, -inY), end = min(filterH, inH - inY)
            let rows = max(0, end - start)
            rowCounts.append(rows)
            if start != 0 { topPad += 1; paddedRowSum += start }
            if filterH - end != 0 { bottomPad += 1; paddedRowSum += max(0, filterH - end) }
            if rows == 3 { allRows += 1 }
        }
        var colCounts: [Int] = []
        var leftInside = 0, rightInside = 0
        for ox in 0..<max(0, outW) {
            let inX = ox * strideW - padW
            let start = max(0, -inX), end = min(filterW, inW - inX)
            colCounts.append(max(0, end - start))
            if inX >= 0 { leftInside += 1 }
            if inW - inX >= 3 { rightInside += 1 }
        }
        let sumRows = Double(rowCounts.reduce(0, +))
        let sumCols = Double(colCounts.reduce(0, +))
        d.rows = sumRows * Double(outW)
        d.left = sumRows * Double(leftInside)
        d.right = sumRows * Double(rightInside)
        d.validTaps = sumRows * sumCols
        d.padXTaps = sumRows * Double(colCounts.reduce(0) { $0 + (filterW - $1) })
        d.pixelsPadTop = Double(topPad * outW)
        d.pixelsPadBottom = Double(bottomPad * outW)
        d.paddedRows = Double(paddedRowSum * outW)
        d.pixelsLeft = Double(outH * leftInside)
        d.pixelsRight = Double(outH * rightInside)
        d.pixelsAllRows = Double(allRows * outW)
        return d
    }
}
