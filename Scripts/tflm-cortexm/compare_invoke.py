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
    return o["kernel_instructions"] + o["library_instructions"] + o["outside_instructions"] + o["graph_instructions"]


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
            })
    ok = [r for r in rows if "error" not in r]
    for config in DEVICES:
        sub = [r for r in ok if r["config"] == config]
        if not sub:
            continue
        errors = [(r["predicted"] - r["measured"]) / r["measured"] for r in sub]
        exact_paths = [r for r in sub if not r["path_mismatches"] and r["generic_kernels"] == 0]
        e2 = [(r["predicted"] - r["measured"]) / r["measured"] for r in exact_paths]
        print("%s: %d models; total instructions error median %+.2f%% (|median| %.2f%%), worst %+.2f%%"
              % (config, len(sub), 100 * statistics.median(errors), 100 * statistics.median(map(abs, errors)),
                 100 * max(errors, key=abs)))
        if e2:
            print("  %d models with every kernel measured and TFLM's kernel paths: median %+.2f%%, |median| %.2f%%, worst %+.2f%%"
                  % (len(e2), 100 * statistics.median(e2), 100 * statistics.median(map(abs, e2)), 100 * max(e2, key=abs)))
        mism = [r["model"] for r in sub if r["path_mismatches"]]
        if mism:
            print("  kernel path differs from TFLM's in %d models: %s" % (len(mism), ", ".join(mism[:12])))
    for r in rows:
        if "error" in r:
            print("error:", r["model"], r["config"], r["error"])
    if args.markdown:
        lines = ["| model | group | core | TFLM executed | mcusim | error | kernels not measured |",
                 "| --- | --- | --- | ---: | ---: | ---: | ---: |"]
        for r in ok:
            lines.append("| `%s` | %s | %s | %s | %s | %+.2f%% | %d of %d%s |" % (
                r["model"][:-7], r["group"], r["config"].split("/")[0].upper(), format(r["measured"], ","),
                format(r["predicted"], ","), 100 * (r["predicted"] - r["measured"]) / r["measured"],
                r["generic_kernels"], r["operators"], "; path differs" if r["path_mismatches"] else ""))
        Path(args.markdown).write_text("\n".join(lines) + "\n")
        print("wrote", args.markdown)
    json.dump(rows, open("/tmp/compare_invoke.json", "w"))


if __name__ == "__main__":
    main()
