#!/usr/bin/env python3
"""Prints the decomposition-quality table of kernel-counts.json as Markdown (for README.md).

    quality_table.py [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def cell(q: dict) -> str:
    i = q["instructions"]
    if i == "exact":
        text = "exact"
    else:
        rel = float(i["relative"]) * 100
        text = f"{float(i['largest_miss']):.0f} ({rel:.2g}%)"
    m = q.get("m7c")
    if m:
        text += f" / {float(m['largest_relative_miss']) * 100:.0f}%"
    return text


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", type=Path, default=ROOT / "Sources/Devices/Resources/kernel-counts.json")
    args = ap.parse_args()
    data = json.loads(args.json.read_text())
    builds = data["builds"]
    print("Largest miss of the instruction decomposition over all measured shapes, in instructions (and relative to "
          "that run); for M7 builds also the largest relative miss of the cycle decomposition.\n")
    print("| kernel key | shapes | terms | " + " | ".join(builds) + " |")
    print("| --- | ---: | ---: | " + " | ".join("---" for _ in builds) + " |")
    for k in data["kernels"]:
        row = [f"`{k['key']}`", str(k["shapes_measured"]), str(len(k["terms"]))]
        row += [cell(k["quality"][b]) for b in builds]
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
