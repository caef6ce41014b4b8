"""Exact (rational) weighted least squares of measured counts onto trip counts.

Runs are weighted by about 1 / (instructions of the run), so small shapes (where the entry and
per-call terms show) count as much as large ones; when the counts are an exact linear function of
the trip counts, the weights do not matter and the solution reproduces every run. Arithmetic is
in fractions, so the result does not depend on the machine or a BLAS library.
"""

from __future__ import annotations

from fractions import Fraction


class Collinear(ValueError):
    pass


def rank_check(rows: list[list[int]], names: list[str]) -> None:
    """Raises Collinear naming every term whose regressor is a combination of earlier ones."""
    n = len(names)
    # Work on columns: each term's vector over runs, reduced against the earlier independent ones.
    cols = [[Fraction(r[j]) for r in rows] for j in range(n)]
    reduced: list[tuple[int, list[Fraction]]] = []
    problems = []
    for j in range(n):
        v = cols[j][:]
        for piv, b in reduced:
            if v[piv] != 0:
                f = v[piv] / b[piv]
                v = [x - f * y for x, y in zip(v, b)]
        piv = next((i for i, x in enumerate(v) if x != 0), None)
        if piv is None:
            combo = "never runs in the measured shapes" if all(x == 0 for x in cols[j]) else \
                "is a linear combination of earlier terms on the measured shapes"
            problems.append(f"term {names[j]} {combo}")
            continue
        reduced.append((piv, v))
    if problems:
        raise Collinear("; ".join(problems))


class Solver:
    """Factorises X^T W X once; solves for any number of measured vectors."""

    def __init__(self, rows: list[list[int]], weights: list[int]):
        self.rows = rows
        self.weights = weights
        n = len(rows[0]) if rows else 0
        self.n = n
        a = [[0] * n for _ in range(n)]
        for r, w in zip(rows, weights):
            nz = [(j, x) for j, x in enumerate(r) if x != 0]
            for j, x in nz:
                wx = w * x
                row = a[j]
                for k, y in nz:
                    row[k] += wx * y
        # Gauss-Jordan inverse in fractions.
        m = [[Fraction(v) for v in row] + [Fraction(int(i == j)) for j in range(n)] for i, row in enumerate(a)]
        for c in range(n):
            p = next((i for i in range(c, n) if m[i][c] != 0), None)
            if p is None:
                raise Collinear("singular normal equations")
            m[c], m[p] = m[p], m[c]
            inv = 1 / m[c][c]
            m[c] = [x * inv for x in m[c]]
            for i in range(n):
                if i != c and m[i][c] != 0:
                    f = m[i][c]
                    m[i] = [x - f * y for x, y in zip(m[i], m[c])]
        self.inverse = [row[n:] for row in m]

    def solve(self, y: list[int]) -> list[Fraction]:
        n = self.n
        b = [0] * n
        for r, w, v in zip(self.rows, self.weights, y):
            if v == 0:
                continue
            wv = w * v
            for j, x in enumerate(r):
                if x:
                    b[j] += x * wv
        return [sum((self.inverse[i][j] * b[j] for j in range(n) if b[j]), Fraction(0)) for i in range(n)]

    def residuals(self, coeffs: list[Fraction], y: list[int]) -> list[Fraction]:
        return [v - sum((c * x for c, x in zip(coeffs, r) if x), Fraction(0)) for r, v in zip(self.rows, y)]


def weights_for(totals: list[int]) -> list[int]:
    """Integer weights about proportional to 1 / total (deterministic)."""
    top = max(max(totals), 1)
    return [max(1, -(-top // max(t, 1))) for t in totals]
