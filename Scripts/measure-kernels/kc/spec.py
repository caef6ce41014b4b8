"""Kernel specs: the one description of every measured kernel path's loop structure.

A spec names the C functions measured, the kernel's variables (named after the kernel's own C
parameters), derived variables, and one term per measured unit of work with its trip-count
expression (kc/expr.py). The harness evaluates the expressions on every measured shape to get
the regressors of the decomposition, and writes the same expressions into the data file for the
cost model to evaluate (README.md, "JSON schema").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from . import expr

GROUPS = ("mac", "requant", "im2col", "overhead")
_CORRECTION = re.compile(r"(entry|_r[1-3]$|mod8)")


@dataclass
class Term:
    name: str
    group: str
    trips: str
    description: str
    correction: bool | None = None   # default: from the name (entry, _r1.._r3, mod8), as mcusim's MeasuredTerm did

    def __post_init__(self):
        if self.group not in GROUPS:
            raise ValueError(f"term {self.name}: unknown group {self.group}")
        if self.correction is None:
            self.correction = bool(_CORRECTION.search(self.name))

    @property
    def iteration(self) -> bool:
        """Innermost-loop iteration (the cost model charges no loop-exit mispredict per trip)."""
        return (self.group == "mac" or "quad" in self.name) and not self.correction


@dataclass
class LibraryCall:
    """Calls into a separately measured library function (newlib memcpy/memset) made by the kernel."""
    function: str          # a library spec's path, e.g. "newlib_memcpy"
    calls: str             # expression: number of calls
    variables: dict        # the library spec's variables -> expressions over this kernel's variables
    description: str
    index: tuple | None = None   # (name, count): evaluate `calls` and `variables` for name = 0 .. count-1 and add up


@dataclass
class Kernel:
    path: str                       # the kernel path (mcusim's kernelPath, or "reference:<OP>:<type>")
    functions: list[str]            # C functions measured
    shim: str                       # kc_setup_<shim> / kc_run_<shim>
    variables: dict[str, str]       # name -> meaning (and where TFLM has it)
    terms: list[Term]
    shapes: Callable[[], list[dict]]
    shim_params: Callable[[dict], list[int]] | None = None   # variables -> kc_params (default: variable order)
    derived: list[tuple[str, str]] = field(default_factory=list)
    weight_walk: dict | None = None           # working_set_bytes, passes, bytes_per_access (expressions)
    activation_passes: str = "1"
    library_calls: list[LibraryCall] = field(default_factory=list)
    description: str = ""
    swift: str | None = None                  # the MeasuredKernel in KernelInstructionCounts.swift it replaces
    operator: str | None = None               # TFLM operator(s) this path serves
    count_shim: bool = False                  # count kc_run_<shim>'s own instructions (reference kernels inline into it)
    count_library: bool = False               # count memcpy/memset (only for measuring them)
    fixed: dict = field(default_factory=dict) # shim-only settings (not variables), documented in the data
    notes: str = ""
    when: str = "1"                           # expression: this entry applies to the kernel path when non-zero

    @property
    def kernel_path(self) -> str:
        """mcusim's kernelPath (the spec path without its ":variant" suffix)."""
        return self.path.split(":")[0]

    def environment(self, values: dict) -> dict:
        missing = set(self.variables) - set(values)
        if missing:
            raise ValueError(f"{self.path}: shape lacks {sorted(missing)}")
        return expr.environment({k: values[k] for k in self.variables}, self.derived)

    def trips(self, values: dict) -> list[int]:
        env = self.environment(values)
        return [expr.evaluate(t.trips, env) for t in self.terms]

    def params(self, values: dict) -> list[int]:
        if self.shim_params is not None:
            return [int(v) for v in self.shim_params(values)]
        return [int(values[k]) for k in self.variables]

    def check(self) -> None:
        names = set(self.variables)
        for name, text in self.derived:
            unknown = expr.free_names(text) - names
            if unknown:
                raise ValueError(f"{self.path}: derived {name} uses unknown {sorted(unknown)}")
            if name in names:
                raise ValueError(f"{self.path}: derived {name} redefines a name")
            names.add(name)
        seen = set()
        for t in self.terms:
            if t.name in seen:
                raise ValueError(f"{self.path}: duplicate term {t.name}")
            seen.add(t.name)
            unknown = expr.free_names(t.trips) - names
            if unknown:
                raise ValueError(f"{self.path}: term {t.name} uses unknown {sorted(unknown)}")
        texts = []
        if self.weight_walk:
            texts += list(self.weight_walk.values())
        texts.append(self.activation_passes)
        texts.append(self.when)
        for text in texts:
            unknown = expr.free_names(text) - names
            if unknown:
                raise ValueError(f"{self.path}: expression {text!r} uses unknown {sorted(unknown)}")
        texts = []
        for c in self.library_calls:
            inner = names | ({c.index[0]} if c.index else set())
            if c.index:
                texts.append(c.index[1])
            for text in [c.calls, *c.variables.values()]:
                unknown = expr.free_names(text) - inner
                if unknown:
                    raise ValueError(f"{self.path}: library call expression {text!r} uses unknown {sorted(unknown)}")
        for text in texts:
            unknown = expr.free_names(text) - names
            if unknown:
                raise ValueError(f"{self.path}: expression {text!r} uses unknown {sorted(unknown)}")
