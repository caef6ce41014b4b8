import Devices
import Foundation
import Interpreter

// Every result the commands write with --json, in one place. Pieces several results share
// (the flash and RAM breakdowns) are encoded once, here. Keys keep the order a person reads
// them in (identity first, details after).

extension Footprint {
    /// `flash`: what the firmware's flash holds, by part.
    var flashBreakdownJSON: JSON {
        .obj([
            "model_weights": .int(flash.modelWeights), "model_structure": .int(flash.modelStructure),
            "tflm_runtime": .int(flash.tflmRuntime), "kernel_code": .int(flash.kernelCode),
            "application_reserve": .int(flash.applicationReserve),
            "code_basis": .string(codeBasis.rawValue), "registration": .string(registration.rawValue),
            "int8_only_saves_bytes": int8OnlySavings.map { .int($0) } ?? .null,
        ])
    }

    /// `ram`: the arena's two sections and the software reserve.
    var ramBreakdownJSON: JSON {
        .obj(["arena_planned": .int(ram.arenaPlanned), "arena_persistent": .int(ram.arenaPersistent),
              "arena_transient": .int(ram.arenaTransient), "reserve": .int(ram.reserve)])
    }
}

// MARK: - run

extension RunReport {
    func bufferJSON(_ b: AllocationPlan.PlannedBuffer) -> JSON {
        var pairs: [(String, JSON)] = []
        switch b.id {
        case .tensor(let t): pairs = [("kind", .string("tensor")), ("tensor", .int(t))]
        case .scratch(let op, let i): pairs = [("kind", .string("scratch")), ("operator", .int(op)), ("index", .int(i))]
        }
        pairs += [("offset", .int(b.offset)), ("bytes", .int(b.bytes)),
                  ("first_operator", .int(b.lifetime.first - 1)), ("last_operator", .int(b.lifetime.last - 1))]
        return .object(pairs)
    }

    func json() -> JSON {
        var pairs: [(String, JSON)] = [
            ("model", .string(path)),
            ("kernels", .string(interpreter.options.variant.rawValue)),
            ("invokes", .int(invokes)),
            ("frames", .int(frames)),
            ("arena", .obj([
                "planned_bytes": .int(arena.plannedBytes),
                "persistent_bytes": .int(arena.persistentBytes),
                "total_bytes": .int(arena.totalBytes),
                "working_minimum_bytes": .int(arena.workingMinimumBytes),
                "declare_bytes": .int(arena.declareBytes),
                "pointer_size": .int(interpreter.options.pointerSize),
                "peak_operator": arena.peakOperator.map { .int($0) } ?? .null,
                "live_at_peak": .array(arena.liveAtPeak.map(bufferJSON)),
                "persistent_breakdown": .array((arena.persistent.rows + arena.persistent.unrecorded).map {
                    .obj(["what": .string($0.what), "used": .int($0.used), "requested": .int($0.requested), "count": .int($0.count)])
                }),
                "buffers": .array(arena.plan.buffers.map(bufferJSON)),
            ])),
        ]
        if let sim = simulation {
            let f = sim.footprint
            pairs += [
                ("device", .string(sim.device.id)),
                ("optimization", .string(sim.optimization.rawValue)),
                ("latency", .obj(["cycles": .int(Int(sim.cost.totalCycles.rounded())), "ms": .double(sim.cost.milliseconds),
                                  "instructions": .int(Int(sim.cost.instructions.rounded())),
                                  "framework_cycles": .int(Int(sim.cost.frameworkCycles.rounded())),
                                  "framework_share": .double(sim.frameworkShare),
                                  "estimated_cycles": .int(Int(sim.cost.estimatedCycles.rounded())),
                                  "estimated_share": .double(sim.cost.estimatedShare)])),
                ("flash_bytes", .int(f.flash.total)),
                ("flash_capacity_bytes", .int(f.flashCapacity)),
                ("ram_bytes", .int(f.ram.total)),
                ("ram_capacity_bytes", .int(f.ramCapacity)),
                ("energy_uj", sim.cost.energyMicrojoules.map { .double($0) } ?? .null),
                ("energy_verified", .bool(sim.energyVerified)),
                ("flash", f.flashBreakdownJSON),
                ("ram", f.ramBreakdownJSON),
            ]
        }
        pairs.append(("operators", .array(interpreter.workloads.map { w in
            var op: [(String, JSON)] = [
                ("index", .int(w.index)),
                ("op", .string(w.op.name)),
                ("kernel", .string(w.kernelPath.name)),
                ("outputs", .array(w.outputs.map { .obj(["shape": .array($0.shape.map { .int($0) }), "dtype": .string($0.type.numpyName)]) })),
                ("macs", .int(w.macs)),
                ("scratch_bytes", .int(w.scratchBytes)),
                ("live_arena_bytes", .int(arena.liveBytes(atOperator: w.index))),
            ]
            if let sim = simulation, w.index < sim.cost.operators.count {
                let c = sim.cost.operators[w.index]
                op += [("cycles", .int(Int(c.cycles.rounded()))), ("instructions", .int(Int(c.instructions.rounded()))),
                       ("ms", .double(sim.cost.milliseconds(c))),
                       ("share", .double(sim.share(c))),
                       ("estimated", .bool(c.isEstimated)), ("estimated_share", .double(c.estimatedShare)),
                       ("cost_terms", .array(c.terms.map {
                           .obj(["name": .string($0.name), "cycles": .double($0.cycles), "instructions": .double($0.instructions),
                                 "basis": .string($0.basis.rawValue), "why": .string($0.why)])
                       }))]
            }
            return .object(op)
        })))
        pairs.append(("outputs", .array((0..<interpreter.outputIndices.count).map { i in
            let t = interpreter.outputTensor(i)
            return OutputSummary(type: t.type, bytes: interpreter.outputBytes(i)).json(shape: t.shape)
        })))
        if deploy { pairs.append(("deploy", deploySnippet.json)) }
        return .object(pairs)
    }
}

extension OutputSummary {
    func json(shape: [Int]) -> JSON {
        .obj([
            "shape": .array(shape.map { .int($0) }),
            "dtype": .string(type.numpyName),
            "argmax": argmax.map { .int($0) } ?? .null,
            "values": values.count <= 32 ? .array(values.map { type == .float32 ? .double($0) : .int(Int($0)) }) : .null,
        ])
    }
}

// MARK: - inspect

extension CompressionFigures.Tensor {
    var jsonPairs: [(String, JSON)] {
        [("dense_bytes", .int(dense)), ("bitmap_bytes", .int(bitmap)), ("csr_bytes", .int(csr)),
         ("csr_rows", .int(rows)), ("csr_row_pointer_width", .int(rowPointerWidth)), ("csr_column_index_width", .int(columnIndexWidth)),
         ("sparse_encoding", .string(encoding.rawValue))]
    }
}

extension CompressionFigures {
    /// Not flash figures: what a compressing deployment or an over-the-air download would need.
    var json: JSON {
        .obj([
            "file_bytes": .int(fileBytes),
            "deflate_bytes": .int(deflateBytes),
            "weights_dense_bytes": .int(denseWeightBytes),
            "weights_sparse_bytes": .int(sparseWeightBytes),
            "weights_bitmap_bytes": .int(bitmapWeightBytes),
            "weights_csr_bytes": .int(csrWeightBytes),
        ])
    }
}

extension ModelSummary {
    func tensorJSON(_ index: Int32) -> JSON {
        guard index >= 0 else { return .null }
        let t = subgraph.tensors[Int(index)]
        var q: JSON = .null
        if let quant = t.quantization, quant.isQuantized {
            q = .obj([
                "scale": .array(quant.scale.map { .double(Double($0)) }),
                "zero_point": .array(quant.zeroPoint.map { .int(Int($0)) }),
                "quantized_dimension": .int(Int(quant.quantizedDimension)),
                "per_channel": .bool(quant.isPerChannel),
            ])
        }
        return .obj([
            "tensor": .int(Int(index)),
            "name": .string(t.name),
            "shape": .array(t.shape.map { .int(Int($0)) }),
            "shape_signature": t.shapeSignature.map { .array($0.map { .int(Int($0)) }) } ?? .null,
            "dtype": .string(t.type?.numpyName ?? t.typeName),
            "constant": .bool(model.data(of: t) != nil),
            "quantization": q,
        ])
    }

    static func optionsJSON(_ options: BuiltinOptions) -> JSON {
        .object(options.fields.map { field in
            let v: JSON
            switch field.value {
            case .bool(let b): v = .bool(b)
            case .int(let i): v = .int(Int(i))
            case .float(let f): v = .double(f)
            case .enumeration(let name, _): v = .string(name)
            case .ints(let a): v = .array(a.map { .int(Int($0)) })
            case .string(let s): v = .string(s)
            }
            return (field.name, v)
        })
    }

    func json() -> JSON {
        let sub = subgraph
        let ops: [JSON] = sub.operators.enumerated().map { i, op in
            .obj([
                "index": .int(i),
                "op": .string(model.opName(op)),
                "version": .int(Int(model.operatorCodes[Int(op.opcodeIndex)].version)),
                "options": Self.optionsJSON(op.builtinOptions),
                "custom_options": customOptionsJSON(op),
                "inputs": .array(op.inputs.map(tensorJSON)),
                "outputs": .array(op.outputs.map(tensorJSON)),
                "macs": .int(macs[i]),
                "weight_bytes": .int(weightBytes[i]),
                "supported": .bool(support[i].isSupported),
                "refusal": support[i].refusal.map { .string($0) } ?? .null,
                "cost_measured": costBasis[i].map { .bool($0 == .measured) } ?? .null,
            ])
        }
        return .obj([
            "model": .string(path),
            "bytes": .int(model.bytes.count),
            "schema_version": .int(Int(model.version)),
            "description": model.description.map { .string($0) } ?? .null,
            "subgraphs": .int(model.subgraphs.count),
            "inputs": .array(sub.inputs.map(tensorJSON)),
            "outputs": .array(sub.outputs.map(tensorJSON)),
            "operators": .array(ops),
            "totals": .obj([
                "operators": .int(sub.operators.count),
                "tensors": .int(sub.tensors.count),
                "parameters": .int(parameters),
                "weight_bytes": .int(totalWeightBytes),
                "macs": .int(totalMACs),
            ]),
            "weights": .array(weights.map { w in
                var pairs: [(String, JSON)] = [
                    ("tensor", .int(w.index)), ("name", .string(w.name)), ("dtype", .string(w.type)),
                    ("elements", .int(w.elements)), ("zeros", .int(w.zeros)),
                    ("zero_fraction", .double(Double(w.zeros) / Double(max(w.elements, 1)))),
                ]
                if let c = compression.tensor(w.index) { pairs += c.jsonPairs }
                return .object(pairs)
            }),
            "compression": compression.json,
            "support": .array(supportByOp.map { s in
                .obj(["op": .string(s.op), "count": .int(s.count), "supported": .bool(s.refusal == nil),
                      "refusal": s.refusal.map { .string($0) } ?? .null])
            }),
            "metadata": .array(model.metadata.map { .string($0.name) }),
            "signatures": .array(model.signatureDefs.map { .string($0.key) }),
        ])
    }
}

// MARK: - fit

extension FitResult {
    func json() -> JSON { json(baseline: nil) }

    /// With `baseline` (the first model of several), the accuracy difference from it.
    func json(baseline: FitResult?) -> JSON {
        var pairs: [(String, JSON)] = [
            ("model", .string(path)),
            ("kernels", .string(variant.rawValue)),
            ("headroom", .double(headroom)),
            ("devices", .array(rows.map { deviceJSON($0.simulation, $0.verdict) })),
            ("macs", .int(macs)),
            ("arena_bytes", .int(arenaBytes)),
            ("kernel_zero_fraction", .double(kernelSparsity)),
            ("compression", compression.json),
            ("skipped_profiles", .array(skipped.map { $0.json })),
        ]
        if let e = evaluation {
            pairs += [("samples", .int(e.metrics.samples)), ("correct", .int(e.metrics.correct)), ("accuracy", .double(e.metrics.accuracy))]
            if let base = baseline?.evaluation { pairs.append(("accuracy_delta", .double(e.metrics.accuracy - base.metrics.accuracy))) }
            pairs.append(("input_conversion", e.conversion.map { .string($0) } ?? .null))
        }
        return .object(pairs)
    }

    func deviceJSON(_ s: Simulation, _ verdict: Verdict) -> JSON {
        let f = s.footprint
        return .obj([
            "device": .string(s.device.id),
            "name": .string(s.device.name),
            "core": .string(s.device.core.rawValue),
            "clock_hz": .int(s.device.clockHz),
            "optimization": .string(s.optimization.rawValue),
            "fits": .bool(verdict.fits),
            "reasons": .array(verdict.reasons.map { .string($0) }),
            "flash_bytes": .int(f.flash.total),
            "flash_capacity_bytes": .int(f.flashCapacity),
            "ram_bytes": .int(f.ram.total),
            "ram_capacity_bytes": .int(f.ramCapacity),
            "arena_bytes": .int(f.ram.arena),
            "arena": ArenaDeclaration(s.interpreter.arenaUsage).json,
            "latency_ms": .double(s.cost.milliseconds),
            "cycles": .int(Int(s.cost.totalCycles.rounded())),
            "estimated_share": .double(s.cost.estimatedShare),
            "energy_uj": s.cost.energyMicrojoules.map { .double($0) } ?? .null,
            "energy_verified": .bool(s.energyVerified),
            "flash": f.flashBreakdownJSON,
            "ram": f.ramBreakdownJSON,
        ])
    }
}

// MARK: - eval

extension ClassificationMetrics {
    /// `samples`, `correct`, `accuracy`, `per_class[]`, `confusion` (rows: label, columns: prediction).
    var jsonPairs: [(String, JSON)] {
        [
            ("samples", .int(samples)),
            ("correct", .int(correct)),
            ("accuracy", .double(accuracy)),
            ("per_class", .array(perClass.enumerated().map { c, row in
                .obj(["class": .int(c), "samples": .int(row.samples), "correct": .int(row.correct),
                      "recall": row.recall.map { .double($0) } ?? .null])
            })),
            ("confusion", .array(confusion.map { .array($0.map { .int($0) }) })),
        ]
    }
}

extension EvalResult {
    func modelJSON(_ m: EvaluatedModel) -> [(String, JSON)] {
        [("model", .string(m.run.path)), ("classes", .int(m.run.classes)),
         ("input_conversion", m.conversion.map { .string($0) } ?? .null)]
            + m.metrics.jsonPairs
            + [("reference_predictions", m.reference.map { r in
                .obj(["file": .string(r.file), "same": .int(m.agreeingWithReference ?? 0), "samples": .int(m.run.samples)]) } ?? .null),
               ("inferences_per_second", .double(m.run.inferencesPerSecond)), ("jobs", .int(m.run.jobs))]
    }

    func json() -> JSON {
        let r = reference
        var pairs: [(String, JSON)] = [("inputs", .string(dataset.inputsFile)), ("labels", .string(dataset.labelsFile)),
                                       ("kernels", .string(variant.rawValue))]
        pairs += modelJSON(r)
        pairs.append(("compare", .array(models.dropFirst().map { other in
            let c = OutputComparison(reference: r.run, other: other.run)
            return .object(modelJSON(other) + [
                ("accuracy_delta", .double(other.metrics.accuracy - r.metrics.accuracy)),
                ("agreement", .double(c.agreement)),
                ("agreeing", .int(c.agreeing)),
                ("mean_absolute_error", .double(c.meanAbsoluteError)),
                ("rmse", .double(c.rootMeanSquareError)),
                ("cosine_similarity", c.cosineSimilarity.map { .double($0) } ?? .null),
            ])
        })))
        return .object(pairs)
    }
}

extension FitMatrix {
    func json() -> JSON {
        var pairs: [(String, JSON)] = [("kernels", .string(results[0].variant.rawValue)), ("headroom", .double(headroom))]
        if let dataset { pairs += [("inputs", .string(dataset.inputsFile)), ("labels", .string(dataset.labelsFile)), ("samples", .int(dataset.count))] }
        pairs.append(("models", .array(results.map { $0.json(baseline: results[0]) })))
        return .object(pairs)
    }
}

// MARK: - devices

extension DeviceList {
    func json() -> JSON {
        .obj([
            "devices": .array(entries.map { entry in
                let p = entry.profile
                return .obj([
                    "id": .string(p.id), "name": .string(p.name), "mcu": .string(p.mcu), "core": .string(p.core.rawValue),
                    "clock_hz": .int(p.clockHz), "flash_bytes": .int(p.flash.bytes),
                    "ram_bytes": .int(p.totalRAMBytes), "arena_ram_bytes": .int(p.largestContiguousArenaBytes),
                    "flash_wait_states": .int(p.flash.waitStates),
                    "toolchain": .string("\(p.toolchain.compiler) \(p.toolchain.opt.rawValue)"),
                    "run_current_ma": p.power.runCurrentMilliamps.map { .double($0) } ?? .null,
                    "supply_v": .double(p.power.supplyVolts),
                    "reserve_flash_bytes": .int(p.reserve.flashBytes), "reserve_ram_bytes": .int(p.reserve.ramBytes),
                    "source": .string(entry.origin.rawValue), "file": .string(entry.file.path),
                ])
            }),
            "invalid": .array(catalog.invalid.map { $0.json }),
            "notes": .array(catalog.notes.map { .string($0) }),
        ])
    }
}

extension ProfileLoader.InvalidProfile {
    /// A profile file that did not load: `devices` lists it, `fit` says it skipped it.
    var json: JSON {
        .obj([
            "id": .string(id), "file": .string(file.path), "source": .string(origin.rawValue),
            "error": .string(error.fileError.message), "exit_code": .int(Int(error.fileError.code)),
        ])
    }
}

// MARK: - bench

extension BenchResult {
    func json() -> JSON {
        .obj([
            "scalar_mac_reference_ns": .double(nsPerMAC),
            "models": .array(rows.map { r in
                var pairs: [(String, JSON)] = [
                    ("model", .string(r.model)), ("macs", .int(r.macs)),
                    ("inferences_per_second", .double(r.inferencesPerSecond)),
                    ("mac_ratio", r.macRatio.map { .double($0) } ?? .null),
                    ("tflm_inferences_per_second", r.tflmInferencesPerSecond.map { .double($0) } ?? .null),
                    ("tflm_ratio", r.tflmInferencesPerSecond.map { .double(r.inferencesPerSecond / $0) } ?? .null),
                ]
                if let operators = r.operators {
                    let total = operators.reduce(0) { $0 + $1.microseconds }
                    pairs.append(("operators", .array(operators.map { o in
                        .obj(["index": .int(o.index), "op": .string(o.op), "work": .string(o.detail),
                              "microseconds": .double(o.microseconds),
                              "share": .double(total > 0 ? o.microseconds / total : 0),
                              "macs": .int(o.macs),
                              "gmac_per_second": o.gmacPerSecond.map { .double($0) } ?? .null])
                    })))
                }
                return .object(pairs)
            }),
        ])
    }
}

// MARK: - check

extension CheckReport {
    func checkJSON(_ c: Check) -> JSON {
        var pairs: [(String, JSON)] = []
        if let i = c.operatorIndex { pairs += [("index", .int(i)), ("op", .string(c.op ?? ""))] }
        pairs += [("metric", .string(c.label)), ("unit", .string(c.unit.rawValue)), ("measured", value(c.measured, c.unit))]
        switch c.kind {
        case .limit: pairs.append(("limit", value(c.reference, c.unit)))
        case .baseline:
            pairs += [("before", value(c.reference, c.unit)), ("tolerance", .double(c.tolerance ?? 0))]
            pairs.append(("change_pct", c.percentChange.map { .double(($0 * 100).rounded() / 100) } ?? .null))
        }
        pairs.append(("ok", .bool(c.ok)))
        return .object(pairs)
    }

    func value(_ v: Double, _ unit: MetricUnit) -> JSON { unit == .bytes ? .int(Int(v)) : .double(v) }

    func entryJSON(_ r: EntryResult) -> JSON {
        let sim = r.sim, f = sim.footprint, arena = sim.interpreter.arenaUsage
        let totals = EntryResult.totals(sim)
        let limitChecks = r.checks.filter { $0.kind == .limit }
        let metrics: [JSON] = EntryResult.totalMetrics.map { m in
            let c = limitChecks.first { $0.label == m.name && $0.operatorIndex == nil }
            return .obj([
                "metric": .string(m.name), "unit": .string(m.unit.rawValue),
                "measured": value(totals[m.name] ?? 0, m.unit),
                "limit": c.map { value($0.reference, m.unit) } ?? .null,
                "ok": .bool(c?.ok ?? true),
            ])
        }
        var baseline: JSON = .null
        if baselineFile != nil {
            let b = r.checks.filter { $0.kind == .baseline }
            baseline = .obj([
                "compared": .bool(r.baselineCompared),
                "totals": .array(b.filter { $0.operatorIndex == nil }.map(checkJSON)),
                "operators_compared": .bool(r.operatorsCompared),
                "operators_moved": .array(b.filter { $0.operatorIndex != nil }.map(checkJSON)),
            ])
        }
        return .obj([
            "name": .string(r.entry.name),
            "model": .string(r.entry.model),
            "device": .string(sim.device.id),
            "kernels": .string(r.entry.variant.rawValue),
            "opt": .string(sim.optimization.rawValue),
            "tolerance": .double(r.entry.tolerance),
            "ok": .bool(r.ok),
            "metrics": .array(metrics),
            "operator_limits": .array(limitChecks.filter { $0.operatorIndex != nil }.map(checkJSON)),
            "baseline": baseline,
            "notes": .array(r.notes.map { .string($0) }),
            "arena": ArenaDeclaration(arena).json,
            "totals": .obj([
                "cycles": .double(sim.cost.totalCycles),
                "latency_ms": .double(sim.cost.milliseconds),
                "ram_bytes": .int(f.ram.total),
                "flash_bytes": .int(f.flash.total),
                "arena_bytes": .int(f.ram.arena),
                "ram_capacity_bytes": .int(f.ramCapacity),
                "flash_capacity_bytes": .int(f.flashCapacity),
                "energy_uj": sim.cost.energyMicrojoules.map { .double($0) } ?? .null,
                "estimated_share": .double(sim.cost.estimatedShare),
            ]),
            "flash": f.flashBreakdownJSON,
            "ram": f.ramBreakdownJSON,
            "operators": .array(sim.cost.operators.enumerated().map { i, op in
                .obj([
                    "index": .int(i), "op": .string(op.op.name), "kernel": .string(op.kernelPath.name), "macs": .int(op.macs),
                    "cycles": .double(op.cycles), "latency_ms": .double(sim.cost.milliseconds(op)),
                    "estimated": .bool(op.isEstimated), "estimated_share": .double(op.estimatedShare),
                    "live_arena_bytes": .int(arena.liveBytes(atOperator: i)),
                    "weight_bytes": .int(CheckCommand.weightBytes(sim, i)),
                ])
            }),
        ])
    }

    /// An entry that could not be simulated: its settings and the error, no figures.
    func errorJSON(_ entry: Budget.Entry, _ error: FileError) -> JSON {
        .obj([
            "name": .string(entry.name),
            "model": .string(entry.model),
            "device": .string(entry.device),
            "kernels": .string(entry.variant.rawValue),
            "opt": entry.optimization.map { .string($0.rawValue) } ?? .null,
            "tolerance": .double(entry.tolerance),
            "ok": .bool(false),
            "error": .obj(["message": .string("\(error.file): \(error.message)"), "exit_code": .int(Int(error.code))]),
        ])
    }

    func json() -> JSON {
        let failed = results.filter { !$0.ok }.count
        return .obj([
            "tool": .string("mcusim"),
            "version": .string(MCUSimCLI.version),
            "budgets": .string(budgetFile),
            "baseline": baselineFile.map { .string($0) } ?? .null,
            "ok": .bool(ok),
            "summary": .obj([
                "entries": .int(outcomes.count), "passed": .int(results.count - failed), "failed": .int(failed),
                "errors": .int(errors.count), "violations": .int(results.reduce(0) { $0 + $1.violations.count }),
            ]),
            "entries": .array(outcomes.map { outcome in
                switch outcome {
                case .checked(let r): return entryJSON(r)
                case .failed(let entry, let error): return errorJSON(entry, error)
                }
            }),
        ])
    }
}
