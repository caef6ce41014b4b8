#!/usr/bin/env python3
"""Compares the regenerated counts (kernel-counts.json) with the literals in
Sources/Devices/KernelInstructionCounts.swift, for the kernels that replace one of them.

    compare_with_swift.py [--json FILE] [--swift FILE] [--build m4-O2] [--terms] [--top N]

For each kernel: per build, the largest per-term difference in issued instructions and in M7 cycles,
and, weighing the terms as the earlier model did, the difference on the measured shapes' totals
(the sum over terms of trips x count, old literals versus new counts). With --terms, every term.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from kc import expr  # noqa: E402

ROOT = HERE.parent.parent
ISSUED = ["ld", "ldrd", "ldm", "st", "strd", "stm", "mac", "simd", "alu", "sh", "it", "br", "div", "fp", "fmac",
          "fld", "fst", "fdiv"]


def parse_mix(text: str) -> dict[str, float]:
    text = text.strip()
    out: dict[str, float] = {}
    if text in ("", "-"):
        return out
    for field in text.split():
        k, v = field.split("=")
        out[k] = out.get(k, 0.0) + float(v)
    return out


def instructions(m: dict) -> float:
    return sum(m.get(k, 0.0) for k in ISSUED)


def parse_swift(path: Path) -> dict[str, dict[str, list[dict]]]:
    kernels: dict[str, dict[str, list[dict]]] = {}
    current = None
    term = None
    for line in path.read_text().splitlines():
        m = re.search(r"static let (\w+) = MeasuredKernel\(", line)
        if m:
            current = m.group(1)
            kernels[current] = {}
            continue
        m = re.search(r'MeasuredTerm\("([^"]+)"', line)
        if m and current:
            term = m.group(1)
            kernels[current][term] = []
            continue
        m = re.match(r'\s*"([^"]*)", // (m[47]-O[s23])', line)
        if m and current and term:
            kernels[current][term].append(parse_mix(m.group(1)))
    return kernels


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", type=Path, default=ROOT / "Sources/Devices/Resources/kernel-counts.json")
    ap.add_argument("--swift", type=Path, default=ROOT / "Sources/Devices/KernelInstructionCounts.swift")
    ap.add_argument("--build", help="only this build")
    ap.add_argument("--terms", action="store_true", help="list every term")
    ap.add_argument("--top", type=int, default=0, help="list the N largest term differences over all kernels")
    args = ap.parse_args()

    data = json.loads(args.json.read_text())
    old = parse_swift(args.swift)
    builds = data["builds"]
    order = ["m4-Os", "m4-O2", "m4-O3", "m7-Os", "m7-O2", "m7-O3"]
    selected = [args.build] if args.build else builds
    rows = []
    print("kernel (Swift name)                      build   terms  new-only  old-only  largest term diff (instr)        "
          "total on measured shapes: old -> new instr (diff)   M7 cycles old -> new")
    for k in data["kernels"]:
        name = k.get("replaces")
        if not name or name not in old:
            continue
        old_terms = old[name]
        new_terms = {t["name"]: t for t in k["terms"]}
        # The committed file keeps only the worked examples' shapes (the full list is not shipped).
        shapes = [dict(ex["variables"]) for ex in k["examples"]]
        derived = [(d["name"], d["expr"]) for d in k["derived"]]
        envs = [expr.environment(s, derived) for s in shapes]
        trips = {t: [expr.evaluate(new_terms[t]["trips"], e) for e in envs] for t in new_terms}
        for b in selected:
            i = order.index(b)
            worst = (0.0, "")
            old_total = new_total = 0.0
            old_cyc = new_cyc = 0.0
            for t, nt in new_terms.items():
                new = parse_mix(nt["counts"][b])
                o = old_terms[t][i] if t in old_terms and i < len(old_terms[t]) else {}
                d = instructions(new) - instructions(o)
                if t in old_terms and abs(d) > abs(worst[0]):
                    worst = (d, t)
                n_trips = sum(trips[t])
                new_total += instructions(new) * n_trips
                new_cyc += new.get("m7c", 0.0) * n_trips
                if t in old_terms:
                    old_total += instructions(o) * n_trips
                    old_cyc += o.get("m7c", 0.0) * n_trips
                if t in old_terms and (args.terms or args.top):
                    rows.append((abs(d), k["key"], b, t, instructions(o), instructions(new), o.get("m7c"), new.get("m7c")))
            only_new = sorted(set(new_terms) - set(old_terms))
            only_old = sorted(set(old_terms) - set(new_terms))
            rel = (new_total - old_total) / old_total * 100 if old_total else 0.0
            cyc = f"{old_cyc:9.0f} -> {new_cyc:9.0f} ({(new_cyc - old_cyc) / old_cyc * 100:+5.1f}%)" if old_cyc else ""
            print(f"{k['key'][:26]:26s} ({name[:12]:12s}) {b:6s} {len(new_terms):5d} {len(only_new):8d} {len(only_old):9d}  "
                  f"{worst[0]:+8.1f} {worst[1][:22]:22s}  {old_total:11.0f} -> {new_total:11.0f} ({rel:+5.1f}%)   {cyc}")
            if only_old and b == selected[0]:
                print(f"    terms no longer measured: {', '.join(only_old)}")
            if only_new and b == selected[0]:
                print(f"    new terms: {', '.join(only_new)}")
    if args.terms or args.top:
        rows.sort(key=lambda r: (-r[0], r[1], r[2], r[3]))
        shown = rows if args.terms and not args.top else rows[: args.top]
        print("\nterm differences (issued instructions per trip; M7 cycles):")
        for d, path, b, t, o, n, oc, nc in shown:
            print(f"  {path:32s} {b:6s} {t:24s} old {o:8.2f} new {n:8.2f}  m7c {oc if oc is not None else '-'} -> {nc if nc is not None else '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
