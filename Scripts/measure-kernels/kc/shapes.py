"""Deterministic shape design helpers (no dependence on Python's or numpy's random streams)."""

from __future__ import annotations

import itertools


class Rng:
    """xorshift64*: the same sequence on every machine and Python version."""

    def __init__(self, seed: int):
        self.state = (seed * 0x9E3779B97F4A7C15 + 0x1234567) & 0xFFFFFFFFFFFFFFFF or 1

    def next(self) -> int:
        x = self.state
        x ^= (x >> 12)
        x ^= (x << 25) & 0xFFFFFFFFFFFFFFFF
        x ^= (x >> 27)
        self.state = x
        return (x * 0x2545F4914F6CDD1D) & 0xFFFFFFFFFFFFFFFF

    def below(self, n: int) -> int:
        return (self.next() >> 11) % n

    def choice(self, seq):
        return seq[self.below(len(seq))]


def seed_of(text: str) -> int:
    h = 1469598103934665603
    for ch in text.encode():
        h = ((h ^ ch) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def sample(grid: dict, count: int, seed: str, base: list[dict] | None = None, keep=None) -> list[dict]:
    """`base` shapes plus `count` distinct random picks from the product of `grid`'s value lists
    (filtered by `keep`), in a deterministic order."""
    rng = Rng(seed_of(seed))
    out, seen = [], set()

    def add(s):
        key = tuple(sorted(s.items()))
        if key not in seen and (keep is None or keep(s)):
            seen.add(key)
            out.append(dict(s))
            return True
        return False

    for s in base or []:
        add(s)
    names = list(grid)
    attempts = 0
    target = len(out) + count
    while len(out) < target and attempts < 200 * count + 1000:
        attempts += 1
        add({k: rng.choice(grid[k]) for k in names})
    return out


def product(grid: dict, keep=None) -> list[dict]:
    names = list(grid)
    out = []
    for values in itertools.product(*(grid[k] for k in names)):
        s = dict(zip(names, values))
        if keep is None or keep(s):
            out.append(s)
    return out


def conv_output(size: int, filt: int, stride: int, pad: int, dilation: int = 1) -> int:
    effective = (filt - 1) * dilation + 1
    return (size + 2 * pad - effective) // stride + 1


def same_padding(size: int, filt: int, stride: int, dilation: int = 1) -> tuple[int, int]:
    """TFLM's SAME padding: (output size, leading pad)."""
    out = (size + stride - 1) // stride
    effective = (filt - 1) * dilation + 1
    total = max(0, (out - 1) * stride + effective - size)
    return out, total // 2
