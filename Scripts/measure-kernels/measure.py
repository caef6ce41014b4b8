#!/usr/bin/env python3
"""Regenerates Sources/Devices/Resources/kernel-counts.json from CMSIS-NN and TFLM checkouts.

    measure.py --cmsis-nn DIR --tflm DIR --gemmlowp DIR --ruy DIR [--work DIR] [--jobs 2]
               [--only PATH,...] [--output FILE] [--diagnose BUILD]

See README.md for how to fetch the sources and what the output contains.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from kc import build, emulator, output, runner  # noqa: E402
from kernels import all_kernels  # noqa: E402

REPO_ROOT = HERE.parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "Sources/Devices/Resources/kernel-counts.json"
HARNESS_VERSION = "1"
REPOSITORIES = {
    "cmsis_nn": "https://github.com/ARM-software/CMSIS-NN",
    "tflm": "https://github.com/tensorflow/tflite-micro",
    "gemmlowp": "https://github.com/google/gemmlowp",
    "ruy": "https://github.com/google/ruy",
}


def commit_of(path: Path, given: str | None, name: str) -> str:
    try:
        r = subprocess.run(["git", "-C", str(path), "rev-parse", "HEAD"], capture_output=True, text=True)
        found = r.stdout.strip() if r.returncode == 0 and (path / ".git").exists() else None
    except OSError:
        found = None
    if given and found and not found.startswith(given) and not given.startswith(found):
        sys.exit(f"measure.py: error: {path}: checkout is at {found}, not {given}")
    commit = found or given
    if not commit:
        sys.exit(f"measure.py: error: {path}: not a git checkout; give --{name.replace('_', '-')}-commit")
    return commit


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cmsis-nn", type=Path, required=True)
    ap.add_argument("--tflm", type=Path, required=True)
    ap.add_argument("--gemmlowp", type=Path, required=True)
    ap.add_argument("--ruy", type=Path, required=True)
    for name in REPOSITORIES:
        ap.add_argument(f"--{name.replace('_', '-')}-commit")
    ap.add_argument("--work", type=Path, default=Path("/tmp/measure-kernels"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", help="comma-separated kernel paths (diagnostics; the output then holds only those)")
    ap.add_argument("--builds", default=",".join(build.BUILDS))
    ap.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    ap.add_argument("--diagnose", metavar="BUILD", help="print basic blocks the terms do not explain, for BUILD")
    args = ap.parse_args()

    started = time.time()
    log = lambda text: print(f"[{time.time() - started:7.1f}s] {text}", file=sys.stderr, flush=True)
    commits = {
        "cmsis_nn": commit_of(args.cmsis_nn, args.cmsis_nn_commit, "cmsis_nn"),
        "tflm": commit_of(args.tflm, args.tflm_commit, "tflm"),
        "gemmlowp": commit_of(args.gemmlowp, args.gemmlowp_commit, "gemmlowp"),
        "ruy": commit_of(args.ruy, args.ruy_commit, "ruy"),
    }
    builds = args.builds.split(",")
    kernels = all_kernels()
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - {k.path for k in kernels}
        if unknown:
            sys.exit(f"measure.py: error: unknown kernel paths {sorted(unknown)}")
        kernels = [k for k in kernels if k.path in wanted]
    for k in kernels:
        k.check()

    sources = build.Sources(args.cmsis_nn, args.tflm, args.gemmlowp, args.ruy)
    images = build.build_images(sources, args.work, args.jobs, log, builds)
    simulator = emulator.Simulator(build.compile_host_simulator(args.work))
    loaded = {b: emulator.Image(images[b], b.split("-")[0], simulator) for b in builds}
    log("images built and loaded")

    results = []
    for k in kernels:
        t0 = time.time()
        r = runner.measure_kernel(k, loaded, log)
        results.append(r)
        worst = max(float(r.builds[b].quality["instructions"][0]) for b in builds)
        log(f"{k.path}: {len(r.shapes)} shapes, {len(k.terms)} terms, "
            f"{'exact' if worst == 0 else f'largest miss {worst:.1f} instructions'} ({time.time() - t0:.1f}s)")
        if args.diagnose and args.diagnose in r.builds and worst > 0:
            for line in runner.unexplained_blocks(r, args.diagnose, images[args.diagnose]):
                print(line, file=sys.stderr)

    provenance = {
        "harness": f"Scripts/measure-kernels version {HARNESS_VERSION}",
        "sources": {name: {"repository": REPOSITORIES[name], "commit": commits[name]} for name in REPOSITORIES},
        "compiler": build.tool_version(),
        "newlib": build.newlib_version(),
        "flags": {
            "all": build.COMMON_FLAGS,
            "c": build.C_FLAGS,
            "c++": build.CXX_FLAGS,
            "cores": {c: ["-mthumb", *f, "-mfloat-abi=hard"] for c, f in build.CORES.items()},
            "levels": [f"-{lv}" for lv in build.LEVELS],
        },
        "emulator": f"unicorn {metadata.version('unicorn')}",
        "disassembler": f"capstone {metadata.version('capstone')}",
        "m7_model": "in-order dual issue after LLVM ARMScheduleM7.td, 1-bit branch predictor, 4-cycle mispredict "
                    "(Scripts/measure-kernels/kc/m7sim.c)",
        "excluded_from_kernel_counts": list(emulator.EXCLUDED_FUNCTIONS),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    output.write(args.output, provenance, results, builds)
    log(f"wrote {args.output} ({len(results)} kernel paths)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
