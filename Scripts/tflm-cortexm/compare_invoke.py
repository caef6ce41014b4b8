#!/usr/bin/env python3
"""mcusim's instruction counts next to the instructions TFLM executed (Tests/Fixtures/cortexm/invoke.json).

For every model `tflm_cortexm.py invoke` traced, runs `mcusim run MODEL --device D --opt -O2 --json` (TFLM's
Makefile builds kernels and CMSIS-NN at -O2; D is stm32f411re for the Cortex-M4 build, stm32f746zg for the M7) and
compares, per operator, mcusim's instructions (kernel loops, library calls, dispatch) with the traced ones (kernel,
library, the rest of the Eval, the graph loop's step), and per model the totals. Prints a summary and, with
--markdown FILE, writes the per-model table the validation page includes.

    python3 Scripts/tflm-cortexm/compare_invoke.py --mcusim .build/release/mcusim [--markdown docs/validation/instructions.md]
"""
import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import tflm_cortexm as tc  # noqa: E402

DEVICES = {"m4/cmsis-nn": "stm32f411re", "m7/cmsis-nn": "stm32f746zg"}


def measured_total(o):
    return (o["kernel_instructions"] + o.get("reference_instructions", 0) + o["library_instructions"] +
            o["outside_instructions"] + o["graph_instructions"])


def dispatch_instructions(m):
    return next((t.get("instructions", 0) for t in m.get("cost_terms", []) if t["name"] == "TFLM operator dispatch"), 0)


def dispatch_measured(m):
    return any(t["name"] == "TFLM operator dispatch" and t["basis"] == "measured" for t in m.get("cost_terms", []))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mcusim", required=True, help="the mcusim executable (a release build)")
    ap.add_argument("--markdown", help="write the per-model table here")
    args = ap.parse_args()
    data = json.loads((tc.FIXTURE_DIR / "invoke.json").read_text())
    paths = {p.name: (g, p) for g, p in tc.model_files()}
    rows = []
    for name, rec in sorted(data["models"].items()):
        if name not in paths:
            continue
        group, path = paths[name]
        for config, device in DEVICES.items():
            run = rec.get("runs", {}).get(config)
            if not run or "operators" not in run:
                continue
            r = subprocess.run([args.mcusim, "run", str(path), "--device", device, "--opt", "-O2", "--json"],
                               capture_output=True, text=True)
            if r.returncode != 0:
                rows.append({"model": name, "group": group, "config": config, "error": r.stderr.strip()[:120]})
                continue
            sim = json.loads(r.stdout)
            ops = sim["operators"]
            mismatched = [i for i, (o, m) in enumerate(zip(run["operators"], ops))
                          if (o["kernel_calls"][0] if o["kernel_calls"] else "reference") != m["kernel"].replace("reference_float", "reference")]
            guessed = sum(1 for m in ops if m.get("estimated"))
            rows.append({
                "model": name, "group": group, "config": config,
                "measured": run["total_instructions"], "predicted": sim["latency"]["instructions"],
                "operators": len(ops), "path_mismatches": mismatched, "generic_kernels": guessed,
                "per_op": [(measured_total(o), m["instructions"], m["op"], m["kernel"], m.get("estimated", False))
                           for o, m in zip(run["operators"], ops)],
                # Reference kernels the trace separated from their Eval: mcusim's loops against TFLM's kernel alone.
                "reference_kernels": [(o["reference_instructions"], m["instructions"] - dispatch_instructions(m), m["op"])
                                      for o, m in zip(run["operators"], ops)
                                      if o.get("reference_calls") and not o["kernel_calls"] and not m.get("estimated")
                                      and dispatch_measured(m) and o["reference_instructions"] > 0],
            })
    ok = [r for r in rows if "error" not in r]
    summary = []
    for config in DEVICES:
        sub = [r for r in ok if r["config"] == config]
        if not sub:
            continue
        measured = [r for r in sub if not r["path_mismatches"] and r["generic_kernels"] == 0]
        ops = [(p - m) / m for r in sub for m, p, _, k, est in r["per_op"] if not est and m > 0]
        cmsis = [(p - m) / m for r in sub for m, p, _, k, est in r["per_op"] if not est and m > 0 and k.startswith("arm_")]
        reference = [(p - m) / m for r in sub for m, p, _, k, est in r["per_op"] if not est and m > 0 and not k.startswith("arm_")]
        generic = [(p - m) / m for r in sub for m, p, _, k, est in r["per_op"] if est and m > 0]
        reference_kernels = [(p - m) / m for r in sub for m, p, _ in r["reference_kernels"]]
        for what, errors in [("models, every kernel measured: total instructions", [(r["predicted"] - r["measured"]) / r["measured"] for r in measured]),
                             ("operators, CMSIS-NN kernel measured", cmsis), ("operators, reference kernel measured", reference),
                             ("reference kernels alone (dispatch measured)", reference_kernels),
                             ("operators, all measured kernels", ops), ("operators, generic estimate (~)", generic)]:
            if not errors:
                continue
            absolute = sorted(abs(e) for e in errors)
            line = (config.split("/")[0].upper(), what, len(errors), 100 * statistics.median(errors), 100 * statistics.median(absolute),
                    100 * sum(a <= 0.05 for a in absolute) / len(absolute), 100 * max(errors, key=abs))
            summary.append(line)
            print("%s %-52s n=%4d median %+7.2f%%  |median| %6.2f%%  within 5%%: %5.1f%%  worst %+8.1f%%" % line)
        mism = [r["model"] for r in sub if r["path_mismatches"]]
        if mism:
            print("  kernel path differs from TFLM's in %d models: %s" % (len(mism), ", ".join(mism[:12])))
    for r in rows:
        if "error" in r:
            print("error:", r["model"], r["config"], r["error"])
    if args.markdown:
        lines = ["| core | what | n | median error | median \\|error\\| | within 5% | worst |", "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
        lines += ["| %s | %s | %d | %+.2f%% | %.2f%% | %.0f%% | %+.1f%% |" % line for line in summary]
        lines += ["", "| model | core | TFLM executed | mcusim | error | operators with a generic estimate |",
                  "| --- | --- | ---: | ---: | ---: | ---: |"]
        for r in ok:
            if r["group"] not in ("shared", "examples"):
                continue
            lines.append("| `%s` | %s | %s | %s | %+.2f%% | %d of %d%s |" % (
                r["model"][:-7], r["config"].split("/")[0].upper(), format(r["measured"], ","),
                format(r["predicted"], ","), 100 * (r["predicted"] - r["measured"]) / r["measured"],
                r["generic_kernels"], r["operators"], "; path differs" if r["path_mismatches"] else ""))
        Path(args.markdown).write_text("\n".join(lines) + "\n")
        print("wrote", args.markdown)


if __name__ == "__main__":
    main()
