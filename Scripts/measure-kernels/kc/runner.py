"""Measures one kernel spec on every build: runs its shapes, counts, decomposes."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from . import isa
from .decompose import Solver, rank_check, weights_for, Collinear
from .emulator import Image, RunError
from .shapes import seed_of
from .spec import Kernel


@dataclass
class BuildResult:
    build: str
    counts: list[np.ndarray]          # per shape, per class
    cycles: list[int | None]          # per shape (M7 only)
    coefficients: dict = field(default_factory=dict)   # class -> [Fraction per term]; "m7c" too
    quality: dict = field(default_factory=dict)
    blocks: list[dict] = field(default_factory=list)   # per shape: block start -> executions


@dataclass
class KernelResult:
    kernel: Kernel
    shapes: list[dict]
    trips: list[list[int]]
    builds: dict[str, BuildResult]


def run_shape(image: Image, kernel: Kernel, shape: dict, index: int):
    params = kernel.params(shape)
    image.write_i32("kc_params", params)
    status = image.call(f"kc_setup_{kernel.shim}")
    if status != 0:
        raise RunError(f"{kernel.path}: setup failed for shape {index} {shape} (arena or parameters)")
    rng = np.random.RandomState(seed_of(f"{kernel.path}#{index}") % (2 ** 32))
    image.fill_buffers(rng)
    if image.has(f"kc_prepare_{kernel.shim}"):
        image.call(f"kc_prepare_{kernel.shim}")
    image.call(f"kc_run_{kernel.shim}", trace=True)
    image.check_canaries(f"{kernel.path} shape {index} {shape}")
    result = image.read_i32("kc_result")[0]
    if result != 0:
        raise RunError(f"{kernel.path}: kernel returned {result} for shape {index} {shape}")
    exclude = []
    if not kernel.count_shim:
        start, size = image.symbols[f"kc_run_{kernel.shim}"]
        exclude.append((start, start + size))
    return image.measure(exclude, count_library=kernel.count_library)


def measure_kernel(kernel: Kernel, images: dict[str, Image], log) -> KernelResult:
    kernel.check()
    shapes = kernel.shapes()
    for s in shapes:
        for name in kernel.variables:
            if type(s.get(name)) is not int:
                raise ValueError(f"{kernel.path}: variable {name} of shape {s} is not an integer")
    trips = [kernel.trips(s) for s in shapes]
    names = [t.name for t in kernel.terms]
    rank_check(trips, names)
    builds = {}
    for build, image in images.items():
        counts, cycles, blocks = [], [], []
        for i, s in enumerate(shapes):
            m = run_shape(image, kernel, s, i)
            counts.append(m.counts)
            cycles.append(m.cycles_m7)
            blocks.append(m.block_counts)
        builds[build] = BuildResult(build=build, counts=counts, cycles=cycles, blocks=blocks)
    result = KernelResult(kernel=kernel, shapes=shapes, trips=trips, builds=builds)
    decompose(result)
    return result


def decompose(result: KernelResult) -> None:
    rows = result.trips
    issued = [isa.CLASS_INDEX[c] for c in isa.ISSUED]
    for b in result.builds.values():
        totals = [int(sum(int(c[i]) for i in issued)) for c in b.counts]
        solver = Solver(rows, weights_for(totals))
        worst = (Fraction(0), 0, 0)  # instructions miss, run, total
        coeffs = {}
        residual_total = [Fraction(0)] * len(rows)
        for ci, cls in enumerate(isa.CLASSES):
            y = [int(c[ci]) for c in b.counts]
            x = solver.solve(y)
            coeffs[cls] = x
            if ci in issued:
                res = solver.residuals(x, y)
                residual_total = [a + r for a, r in zip(residual_total, res)]
        for k, r in enumerate(residual_total):
            if abs(r) > worst[0]:
                worst = (abs(r), k, totals[k])
        quality = {"instructions": worst}
        if b.cycles[0] is not None:
            y = [int(c) for c in b.cycles]
            x = solver.solve(y)
            coeffs["m7c"] = x
            res = solver.residuals(x, y)
            rel = max(((abs(r) / y[k], k) for k, r in enumerate(res)), default=(Fraction(0), 0))
            quality["m7c"] = (rel[0], rel[1], y[rel[1]])
        b.coefficients = coeffs
        b.quality = quality


def unexplained_blocks(result: KernelResult, build: str, elf_path=None, limit: int = 12) -> list[str]:
    """Diagnostics: basic blocks whose execution counts are not a linear function of the trip counts."""
    b = result.builds[build]
    x = np.array(result.trips, dtype=float)
    addresses = sorted({a for d in b.blocks for a in d})
    lines = []
    for a in addresses:
        y = np.array([d.get(a, 0) for d in b.blocks], dtype=float)
        coef, *_ = np.linalg.lstsq(x, y, rcond=None)
        miss = np.abs(x @ coef - y)
        if miss.max() > 1e-6:
            k = int(miss.argmax())
            lines.append((miss.max(), a, k, y[k]))
    lines.sort(reverse=True)
    out = []
    for miss, a, k, y in lines[:limit]:
        where = ""
        if elf_path is not None:
            r = subprocess.run(["arm-none-eabi-addr2line", "-f", "-i", "-e", str(elf_path), hex(a)],
                               capture_output=True, text=True)
            where = " ".join(r.stdout.split())
        out.append(f"  block {a:#x}: miss {miss:.1f} (run {k}, executed {y:.0f}, shape {result.shapes[k]}) {where}")
    return out
