"""Writes the measured data file (Sources/Devices/Resources/kernel-counts.json; schema in README.md)."""

from __future__ import annotations

import json
from fractions import Fraction

from . import expr, isa
from .runner import KernelResult

SCHEMA_VERSION = 1
DECIMALS = 3

CLASS_MEANINGS = {
    "ld": "LDR, LDRB, LDRH, LDRSB, LDRSH (any addressing)",
    "ru": "runs of back-to-back single loads (ld or fld) inside a basic block (Cortex-M4: a run of N loads takes N + 1 cycles)",
    "ldrd": "LDRD",
    "ldm": "LDM, POP",
    "ldmr": "registers loaded by LDM/POP (PC included)",
    "st": "STR, STRB, STRH",
    "strd": "STRD",
    "stm": "STM, PUSH",
    "stmr": "registers stored by STM/PUSH",
    "mac": "MUL, MLA, MLS, SMLAD, SMLAxy, SMLAWx, SMULxy, SMULL, UMULL, SMLAL, UMLAL, SMMUL, SMUAD, ...",
    "simd": "DSP SIMD, extension and saturation: SXTB16, SXTAB16, PKHBT/TB, SSAT, USAT, SXTB, SXTH, UXTB, UXTH, QADD, QSUB, SADD16, SEL, ...",
    "alu": "other data processing: ADD, SUB, MOV, CMP, logic, shifts, CLZ, BFI, UBFX, REV, ...",
    "sh": "data processing with a shifted register operand",
    "it": "IT",
    "br": "branches: B, Bcc, CBZ/CBNZ, BL, BLX, BX, TBB/TBH, and POP/LDR with PC (also counted in ldm/ld)",
    "tk": "branches taken",
    "div": "SDIV, UDIV",
    "fp": "other VFP: VADD, VSUB, VMUL, VNMUL, VABS, VNEG, VMOV, VCVT, VCMP, VMRS, VSEL, VMAXNM, VRINT, ...",
    "fmac": "VMLA, VMLS, VNMLA, VNMLS, VFMA, VFMS, VFNMA, VFNMS",
    "fld": "VLDR, VLDM, VPOP",
    "fst": "VSTR, VSTM, VPUSH",
    "fdiv": "VDIV, VSQRT",
    "m7c": "simulated Cortex-M7 cycles (M7 builds only)",
}

EXPRESSION_GRAMMAR = [
    "Integer expressions over the kernel's variables and derived variables.",
    "Operators by increasing precedence: || ; && ; < <= > >= == != (give 0 or 1) ; + - ; * / % ; unary - and !.",
    "/ is floor division and % the matching modulo (result has the divisor's sign); a zero divisor is an error.",
    "Functions: min(a, b, ...), max(a, b, ...), if(c, a, b) (only the chosen branch is evaluated), "
    "sum(i, n, e) = e summed for i = 0 .. n-1 (0 when n <= 0; i is bound inside e only).",
    "Derived variables are evaluated in their listed order and may use the variables and earlier derived variables.",
]


def fmt(value: Fraction) -> str:
    q = round(value, DECIMALS)
    if q == 0:
        return "0"
    if q.denominator == 1:
        return str(q.numerator)
    s = f"{float(q):.{DECIMALS}f}".rstrip("0").rstrip(".")
    return s


def mix_string(coefficients: dict, j: int, with_m7: bool) -> str:
    parts = []
    for cls in isa.CLASSES:
        v = coefficients[cls][j]
        s = fmt(v)
        if s != "0":
            parts.append(f"{cls}={s}")
    if with_m7 and "m7c" in coefficients:
        s = fmt(coefficients["m7c"][j])
        if s != "0":
            parts.append(f"m7c={s}")
    return " ".join(parts) if parts else "-"


def quality_entry(q: dict) -> dict:
    miss, run, total = q["instructions"]
    out = {}
    if miss == 0:
        out["instructions"] = "exact"
    else:
        out["instructions"] = {"largest_miss": fmt(miss), "run": run, "run_instructions": total,
                               "relative": fmt(Fraction(miss) / max(total, 1))}
    if "m7c" in q:
        rel, run, cycles = q["m7c"]
        out["m7c"] = {"largest_relative_miss": fmt(rel), "run": run, "run_cycles": cycles}
    return out


def worked_examples(result: KernelResult, count: int = 3) -> list[dict]:
    k = result.kernel
    shapes = result.shapes
    picks = sorted({0, len(shapes) // 2, len(shapes) - 1})[:count]
    out = []
    for i in picks:
        values = {v: shapes[i][v] for v in k.variables}
        env = k.environment(values)
        ex = {
            "variables": values,
            "derived": {name: env[name] for name, _ in k.derived},
            "trips": {t.name: expr.evaluate(t.trips, env) for t in k.terms},
            "activation_passes": expr.evaluate(k.activation_passes, env),
            "when": expr.evaluate(k.when, env),
        }
        if k.weight_walk:
            ex["weight_walk"] = {key: expr.evaluate(text, env) for key, text in k.weight_walk.items()}
        if k.library_calls:
            ex["library_calls"] = library_call_examples(k, env)
        out.append(ex)
    return out


def library_call_examples(k, env: dict) -> list[dict]:
    """Evaluated library calls: one entry per (call, index value) with a non-zero call count."""
    out = []
    for c in k.library_calls:
        indices = [None]
        if c.index:
            indices = list(range(max(0, expr.evaluate(c.index[1], env))))
        for i in indices:
            e = dict(env)
            if c.index:
                e[c.index[0]] = i
            calls = expr.evaluate(c.calls, e)
            if calls == 0:
                continue
            item = {"function": c.function, "calls": calls,
                    "variables": {n: expr.evaluate(t, e) for n, t in c.variables.items()}}
            if c.index:
                item["index"] = i
            out.append(item)
    return out


def kernel_entry(result: KernelResult, builds: list[str]) -> dict:
    k = result.kernel
    terms = []
    for j, t in enumerate(k.terms):
        counts = {}
        for b in builds:
            br = result.builds[b]
            counts[b] = mix_string(br.coefficients, j, with_m7=b.startswith("m7"))
        terms.append({"name": t.name, "group": t.group, "correction": t.correction, "iteration": t.iteration,
                      "trips": t.trips, "description": t.description, "counts": counts})
    entry = {
        "key": k.path,
        "kernel_path": k.kernel_path,
        "when": k.when,
        "operator": k.operator,
        "functions": k.functions,
        "description": k.description,
        "replaces": k.swift,
        "variables": [{"name": n, "meaning": m} for n, m in k.variables.items()],
        "derived": [{"name": n, "expr": e} for n, e in k.derived],
        "terms": terms,
        "weight_walk": k.weight_walk,
        "activation_passes": k.activation_passes,
        "library_calls": [dict({"function": c.function, "calls": c.calls, "variables": c.variables,
                                "description": c.description},
                               **({"index": {"name": c.index[0], "count": c.index[1]}} if c.index else {}))
                          for c in k.library_calls],
        "fixed": k.fixed,
        "notes": k.notes,
        "quality": {b: quality_entry(result.builds[b].quality) for b in builds},
        "shapes_measured": len(result.shapes),
        "examples": worked_examples(result),
    }
    return entry


def write(path, provenance: dict, results: list[KernelResult], builds: list[str]) -> None:
    doc = {
        "schema": SCHEMA_VERSION,
        "provenance": provenance,
        "builds": builds,
        "classes": CLASS_MEANINGS,
        "expression_language": EXPRESSION_GRAMMAR,
        "kernels": [kernel_entry(r, builds) for r in sorted(results, key=lambda r: r.kernel.path)],
    }
    text = dumps(doc) + "\n"
    with open(path, "w") as f:
        f.write(text)


def dumps(value) -> str:
    """Compact JSON (no whitespace), keys in insertion order: the file ships with the tool, so it is kept small."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"))
