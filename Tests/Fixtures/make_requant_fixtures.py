#!/usr/bin/env python3
"""Requantization fixtures: int16 elementwise and activation models at scale combinations
that tell rounding orders apart, and int8 models for the other multipliers TFLM derives.

    python Tests/Fixtures/make_requant_fixtures.py              # rewrite the rq_* files in models/
    python Tests/Fixtures/make_requant_fixtures.py --seanet     # also the SEANet-style converter model (TensorFlow)
    python Tests/Fixtures/make_requant_fixtures.py --list       # names only
    python Tests/Fixtures/make_requant_fixtures.py --verify     # re-run TFLM on the stored inputs
    python Tests/Fixtures/make_requant_fixtures.py --study N --mcusim PATH
                        # N fresh random inputs per model through TFLM and `mcusim run`: counts

Why (issue #9): the oracle TFLM (tflite_micro wheel) computes every real multiplier in double
from the float scales; older TFLM sources, which mcusim followed, computed SUB's, LEAKY_RELU's,
RELU's and a few others in float first. The two give Q31 multipliers that differ in the last
bits for almost every scale combination, and outputs that differ by one where the exact value
lies near a rounding tie (24167.46 -> TFLM 24167, float-first 24168). A converter model rarely
hits such an input, so these fixtures are built to: for each model the script

- picks scales (deterministically, seeded by the fixture's name) of the kind asked for (output
  scale above or below the input's, near 1, a broadcast constant with its own scale, ...) for
  which the float-first and double multipliers differ;
- models the kernel's integer arithmetic under both (numpy, below) and searches the inputs
  exhaustively (all 65,536 int16 values per fixed operand value) for the ones whose outputs
  differ, and for near-ties (exact result within 0.002 of x.5);
- puts those inputs, the int16 extremes and random values into invocation 0, and draws
  invocations 1.. uniformly over the type's range;
- records TFLM's outputs for every invocation, its arena numbers, and its minimum arena
  (the smallest multiple of 16 with which AllocateTensors and Invoke succeed, probed in
  forked children).

The numpy model only chooses inputs; the goldens are TFLM's. The models are written with
make_handmade_fixtures.py's FlatBuffers writer; the SEANet-style model (--seanet) is the
TensorFlow converter's, 16x8 quantized (EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8).

Needs numpy and tflite_micro (plus TensorFlow for --seanet). Deterministic: a rerun with the same
package versions writes byte-identical files.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_fixtures as mf  # noqa: E402  (shared helpers; no TensorFlow at module level)
import make_handmade_fixtures as hm  # noqa: E402  (the FlatBuffers writer)

DEFAULT_OUT = os.path.join(HERE, "models")
INDEX_NAME = "requant_fixtures.json"
PREFIX = "rq_"
INVOCATIONS = 8          # invocation 0 designed, the others uniform random
SEANET_INVOCATIONS = 16
F32 = np.float32
I32_MIN, I32_MAX = -(1 << 31), (1 << 31) - 1


# =========================================================================== #
# TFLM's integer arithmetic, vectorized (int64 arrays holding int32 values)
# =========================================================================== #

def quantize_multiplier(real):
    """QuantizeMultiplier: Q31 significand and shift of a double (frexp, round half away)."""
    real = float(real)
    if real == 0 or not math.isfinite(real):
        return 0, 0
    fraction, shift = math.frexp(real)
    q = fraction * (1 << 31)
    q = int(math.floor(abs(q) + 0.5)) * (1 if q >= 0 else -1)
    if abs(q) == 1 << 31:
        q //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    return q, shift


def srdhm(a, b):
    """gemmlowp SaturatingRoundingDoublingHighMul(a, b), b a Python int."""
    a = np.asarray(a, np.int64)
    ab = a * np.int64(b)
    v = ab + np.where(ab >= 0, np.int64(1 << 30), np.int64(1 - (1 << 30)))
    q = np.where(v >= 0, v >> 31, -((-v) >> 31))
    return np.where((a == I32_MIN) & (b == I32_MIN), np.int64(I32_MAX), q)


def rdpot(x, exponent):
    """gemmlowp RoundingDivideByPOT."""
    x = np.asarray(x, np.int64)
    mask = np.int64((1 << exponent) - 1)
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> exponent) + (remainder > threshold)


def mbqm(x, multiplier, shift):
    """MultiplyByQuantizedMultiplier (int32, double rounding; also the SmallerThanOneExp form)."""
    left, right = max(shift, 0), max(-shift, 0)
    return rdpot(srdhm(np.asarray(x, np.int64) * (1 << left), multiplier), right)


def d(x):
    """A float32 scale (or alpha) as the double C++ widens it to."""
    return float(F32(x))


# Each kernel below returns its outputs for the two ways of deriving the multipliers:
# "double" (the oracle TFLM) and "float" (float arithmetic first, then widened: older TFLM
# sources and mcusim before issue #9).

def leaky_relu_params(s_in, s_out, alpha, how):
    if how == "double":
        m_alpha = quantize_multiplier(d(s_in) * d(alpha) / d(s_out))
        m_id = quantize_multiplier(d(s_in) / d(s_out))
    else:
        m_alpha = quantize_multiplier(float(F32(F32(s_in) * F32(alpha)) / F32(s_out)))
        m_id = quantize_multiplier(float(F32(s_in) / F32(s_out)))
    return m_alpha, m_id


def leaky_relu(x, s_in, s_out, alpha, how, lo=-32768, hi=32767):
    (ma, sa), (mi, si) = leaky_relu_params(s_in, s_out, alpha, how)
    v = np.asarray(x, np.int64)
    negative = -mbqm(v, -ma, sa) if ma < 0 else mbqm(v, ma, sa)
    out = np.where(v >= 0, mbqm(v, mi, si), negative)
    return np.clip(out, lo, hi)


def relu(x, s_in, s_out, how, lo, hi):
    real = d(s_in) / d(s_out) if how == "double" else float(F32(s_in) / F32(s_out))
    m, s = quantize_multiplier(real)
    return np.clip(mbqm(np.asarray(x, np.int64), m, s), lo, hi)


def general_params(s1, s2, s3, left_shift, how):
    """ADD/SUB's three multipliers (add_common.cc / sub_common.cc)."""
    if how == "double":
        twice = 2 * max(d(s1), d(s2))
        reals = (d(s1) / twice, d(s2) / twice, twice / ((1 << left_shift) * d(s3)))
    else:
        twice = F32(2) * max(F32(s1), F32(s2))
        reals = (float(F32(s1) / twice), float(F32(s2) / twice),
                 float(twice / (F32(1 << left_shift) * F32(s3))))
    return [quantize_multiplier(r) for r in reals]


def add_sub(x1, x2, s1, s2, s3, sign, how, lo=-32768, hi=32767, left_shift=15):
    (m1, e1), (m2, e2), (mo, eo) = general_params(s1, s2, s3, left_shift, how)
    a = mbqm(np.asarray(x1, np.int64) * (1 << left_shift), m1, e1)
    b = mbqm(np.asarray(x2, np.int64) * (1 << left_shift), m2, e2)
    return np.clip(mbqm(a + sign * b, mo, eo), lo, hi)


# =========================================================================== #
# Choosing scales and inputs
# =========================================================================== #

INT16 = np.arange(-32768, 32768, dtype=np.int64)


def exact_near_tie(real, width=0.002):
    """Elements whose exact result lies within `width` of a rounding tie (x.5)."""
    frac = np.abs(real - np.floor(real) - 0.5)
    return frac < width


def pick_scales(rng, draw, differs, tries=4000):
    """First scales from draw(rng) for which differs(scales) holds."""
    for _ in range(tries):
        scales = draw(rng)
        if differs(scales):
            return scales
    raise RuntimeError("no discriminating scales found")


def float32_scale(value):
    return float(F32(value))


def spread(rng, candidates, count):
    """Up to `count` of `candidates`, spread over the sorted list (deterministic)."""
    candidates = np.asarray(candidates)
    if len(candidates) <= count:
        return candidates
    index = np.unique(np.linspace(0, len(candidates) - 1, count).round().astype(int))
    return candidates[index]


def int16_extremes():
    return np.array([-32768, -32767, -16384, -2, -1, 0, 1, 2, 16383, 32766, 32767], np.int64)


def design_unary(rng, size, kernel, real, budget=None):
    """Invocation 0 of a unary int16 kernel: extremes, the inputs where the two multiplier
    derivations disagree, near-ties, then random values. Returns (array, counts)."""
    differing = INT16[kernel("double") != kernel("float")]
    ties = INT16[exact_near_tie(real(INT16))]
    budget = budget or size // 3
    values = [int16_extremes(), spread(rng, differing, budget), spread(rng, ties, budget)]
    head = np.concatenate(values)[:size]
    tail = rng.integers(-32768, 32768, size - len(head))
    return np.concatenate([head, tail]).astype(np.int16), {"differing_inputs": int(len(differing)),
                                                           "near_tie_inputs": int(len(ties))}


def design_binary(rng, fixed, kernel_pair, real_pair, budget):
    """For output elements 0..n-1 whose first (fixed) operand value is fixed[k], choose the
    free operand: a value where the two derivations disagree, else a near-tie, for the first
    `budget` elements; extremes next; random after. Returns (free values, counts)."""
    free = rng.integers(-32768, 32768, len(fixed)).astype(np.int64)
    differing_total, tie_total = 0, 0
    cache = {}
    for k in range(min(budget, len(fixed))):
        a = int(fixed[k])
        if a not in cache:
            diff = INT16[kernel_pair(a, INT16, "double") != kernel_pair(a, INT16, "float")]
            ties = INT16[exact_near_tie(real_pair(a, INT16))]
            cache[a] = (diff, ties)
            differing_total += len(diff)
            tie_total += len(ties)
        diff, ties = cache[a]
        pool = diff if len(diff) and k % 3 != 2 else ties
        if len(pool):
            free[k] = pool[rng.integers(0, len(pool))]
    extremes = int16_extremes()
    end = min(len(fixed), budget + len(extremes))
    free[budget:end] = extremes[:end - budget]
    return free, {"differing_pairs_per_fixed_value": round(differing_total / max(len(cache), 1), 1),
                  "near_tie_pairs_per_fixed_value": round(tie_total / max(len(cache), 1), 1)}


# =========================================================================== #
# Model building (one operator; make_handmade_fixtures's writer)
# =========================================================================== #

def schema():
    from tflite_micro.python.tflite_micro import runtime
    return runtime.schema_fb


def build_model(tensors, op, options_name, options, inputs, outputs, description):
    """A one-subgraph, one-operator model; op codes and option unions from TFLM's schema."""
    fb = schema()
    index = {t.name: i for i, t in enumerate(tensors)}
    buffers = [hm.Table({})]
    tensor_tables = []
    for t in tensors:
        if t.data is not None:
            buffers.append(hm.Table({0: hm.Blob(np.ascontiguousarray(t.data).astype(
                t.data.dtype.newbyteorder("<")).tobytes())}))
            tensor_tables.append(hm.tensor_table(t, len(buffers) - 1))
        else:
            tensor_tables.append(hm.tensor_table(t, 0))
    union = getattr(fb.BuiltinOptions, options_name) if options is not None else 0
    operator = hm.Table({
        1: hm.Vector([index[n] if n is not None else -1 for n in op["inputs"]], "i"),
        2: hm.Vector([index[n] for n in op["outputs"]], "i"),
        3: hm.field("B", union, 0),
        4: options,
    })
    subgraph = hm.Table({
        0: hm.Vector(tensor_tables),
        1: hm.Vector([index[n] for n in inputs], "i"),
        2: hm.Vector([index[n] for n in outputs], "i"),
        3: hm.Vector([operator]),
        4: hm.String("main"),
    })
    code = getattr(fb.BuiltinOperator, op["op"])
    operator_code = hm.Table({
        0: hm.field("b", min(code, 127), 0),                  # deprecated_builtin_code
        2: hm.field("i", op.get("version", 1), 1),
        3: hm.field("i", code, 0),
    })
    model = hm.Table({
        0: hm.field("I", hm.SCHEMA_VERSION, 0),
        1: hm.Vector([operator_code]),
        2: hm.Vector([subgraph]),
        3: hm.String(description),
        4: hm.Vector(buffers),
    })
    return hm.FlatBufferWriter().finish(model, "TFL3")


def activation_options(activation="NONE", pot_scale_int16=None):
    """Add/Sub/Mul/DivOptions: fused_activation_function (slot 0), pot_scale_int16 (slot 1, Add and Sub)."""
    fields = {0: hm.field("b", getattr(schema().ActivationFunctionType, activation), 0)}
    if pot_scale_int16 is not None:
        fields[1] = hm.field("B", 1 if pot_scale_int16 else 0, 1)   # schema default true
    return hm.Table(fields)


T = hm.T


class Built:
    """A fixture's model and invocation inputs (per invocation, one array per subgraph input)."""

    def __init__(self, tensors, op, options_name, options, inputs, outputs, invocations, notes):
        self.tensors, self.op, self.options_name, self.options = tensors, op, options_name, options
        self.inputs, self.outputs, self.invocations, self.notes = inputs, outputs, invocations, notes


def random_like(rng, t):
    info = np.iinfo(hm.NUMPY_DTYPE[t.dtype])
    return rng.integers(int(info.min), int(info.max) + 1, t.shape).astype(hm.NUMPY_DTYPE[t.dtype])


def invocations_with(rng, first, variable_tensors, count=INVOCATIONS):
    return [first] + [[random_like(rng, t) for t in variable_tensors] for _ in range(count - 1)]


# --------------------------------------------------------------------------- #
# int16 unary: LEAKY_RELU, RELU
# --------------------------------------------------------------------------- #

def leaky_relu_fixture(ratio, alpha, shape=(1, 16, 32)):
    """ratio: (lo, hi) range of input_scale / output_scale to draw from."""
    def build(rng):
        def draw(r):
            s_in = float32_scale(10 ** r.uniform(-4.7, -3.3))
            return s_in, float32_scale(s_in / r.uniform(*ratio))

        def kernel_of(scales):
            return lambda how: leaky_relu(INT16, scales[0], scales[1], alpha, how)

        s_in, s_out = pick_scales(rng, draw, lambda s: np.any(kernel_of(s)("double") != kernel_of(s)("float")))
        real = lambda x: np.where(x >= 0, x * d(s_in) / d(s_out), x * d(s_in) * d(alpha) / d(s_out))  # noqa: E731
        first, notes = design_unary(rng, int(np.prod(shape)), kernel_of((s_in, s_out)), real)
        tin, tout = T("input", shape, "int16", s_in, 0), T("output", shape, "int16", s_out, 0)
        options = hm.Table({0: hm.Scalar("f", alpha)})
        notes.update({"input_scale": s_in, "output_scale": s_out, "alpha": alpha})
        return Built([tin, tout], {"op": "LEAKY_RELU", "inputs": ["input"], "outputs": ["output"], "version": 2},
                     "LeakyReluOptions", options, ["input"], ["output"],
                     invocations_with(rng, [first.reshape(shape)], [tin]), notes)
    return build


def relu_fixture(dtype, ratio, shape=(1, 16, 16)):
    def build(rng):
        lo, hi = (-32768, 32767) if dtype == "int16" else (-128, 127)
        domain = INT16 if dtype == "int16" else np.arange(-128, 128, dtype=np.int64)
        zp = 0 if dtype == "int16" else int(rng.integers(-20, 20))

        def draw(r):
            s_in = float32_scale(10 ** r.uniform(-4.5, -1.5))
            return s_in, float32_scale(s_in / r.uniform(*ratio))

        def out(scales, how):
            # ReluQuantized: zp_out + MBQM(x - zp_in), clamped to [max(qmin, zp_out), qmax].
            return np.clip(relu(domain - zp, scales[0], scales[1], how, -1 << 40, 1 << 40) + zp, max(lo, zp), hi)

        def differs(s):
            return np.any(out(s, "double") != out(s, "float"))

        # 256 int8 inputs meet a tie for about one scale pair in 50,000: search longer.
        s_in, s_out = pick_scales(rng, draw, differs, tries=4000 if dtype == "int16" else 1_000_000)
        differing = domain[out((s_in, s_out), "double") != out((s_in, s_out), "float")]
        size = int(np.prod(shape))
        if dtype == "int16":
            head = np.concatenate([int16_extremes(), spread(rng, differing, size // 2)])
            first = np.concatenate([head, rng.integers(lo, hi + 1, size - len(head))])
        else:
            first = np.resize(np.arange(-128, 128), size)       # every int8 value
        dt = hm.NUMPY_DTYPE[dtype]
        tin, tout = T("input", shape, dtype, s_in, zp), T("output", shape, dtype, s_out, zp)
        notes = {"input_scale": s_in, "output_scale": s_out, "differing_inputs": int(len(differing))}
        return Built([tin, tout], {"op": "RELU", "inputs": ["input"], "outputs": ["output"],
                                   "version": 3 if dtype == "int16" else 2},
                     None, None, ["input"], ["output"],
                     invocations_with(rng, [first.astype(dt).reshape(shape)], [tin]), notes)
    return build


# --------------------------------------------------------------------------- #
# int16 binary: SUB, ADD (general path), MUL, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM
# --------------------------------------------------------------------------- #

def add_sub_fixture(op, shape1, shape2, out_shape, scale_rule, constant=None, activation="NONE",
                    pot_scale_int16=False, scales=None, search=True):
    """constant: None (both inputs variable) or 1/2 (that input is a model constant).
    scale_rule(rng) -> (s1, s2, s3). SUB's kernel differs between derivations; ADD's did not
    (mcusim computed ADD in double before), so ADD's designed inputs are near-ties."""
    sign = -1 if op == "SUB" else 1

    def build(rng):
        def kernel(scales_, how):
            return lambda a, b: add_sub(a, b, *scales_, sign, how)

        def differs(s):
            if op == "ADD" or not search:
                return True
            a = rng.integers(-32768, 32768, 24)
            return any(np.any(kernel(s, "double")(int(x), INT16) != kernel(s, "float")(int(x), INT16)) for x in a)

        s1, s2, s3 = scales if scales is not None else pick_scales(rng, scale_rule, differs)
        lo, hi = -32768, 32767
        if activation == "RELU":
            lo = 0
        size1, size2, size_out = (int(np.prod(s)) for s in (shape1, shape2, out_shape))
        # The operand shaped like the output is the free one; the other is fixed per element.
        free_index = 0 if list(shape1) == list(out_shape) and constant != 1 else 1
        fixed_shape = shape2 if free_index == 0 else shape1
        fixed_values = (np.asarray(constant_data) if constant is not None else
                        rng.integers(-32768, 32768, int(np.prod(fixed_shape))))
        fixed_full = np.broadcast_to(fixed_values.reshape(fixed_shape), out_shape).reshape(-1).astype(np.int64)

        if free_index == 0:
            pair = lambda a, b, how: kernel((s1, s2, s3), how)(b, a)  # noqa: E731  (a = input 2, b = input 1)
            real = lambda a, b: (b * d(s1) + sign * a * d(s2)) / d(s3)  # noqa: E731
        else:
            pair = lambda a, b, how: kernel((s1, s2, s3), how)(a, b)  # noqa: E731
            real = lambda a, b: (a * d(s1) + sign * b * d(s2)) / d(s3)  # noqa: E731
        free, notes = design_binary(rng, fixed_full, pair, real, budget=size_out // 2)
        notes.update({"scales": [s1, s2, s3]})
        t1 = T("input1", shape1, "int16", s1, 0,
               data=constant_data.reshape(shape1).astype(np.int16) if constant == 1 else None)
        t2 = T("input2", shape2, "int16", s2, 0,
               data=constant_data.reshape(shape2).astype(np.int16) if constant == 2 else None)
        tout = T("output", out_shape, "int16", s3, 0)
        variable = [t for t, c in ((t1, 1), (t2, 2)) if constant != c]
        first = []
        for t, c in ((t1, 1), (t2, 2)):
            if constant == c:
                continue
            if (c - 1) == free_index:
                first.append(free.reshape(out_shape).astype(np.int16))
            else:
                first.append(fixed_values.reshape(t.shape).astype(np.int16))
        options = activation_options(activation, pot_scale_int16)
        return Built([t1, t2, tout], {"op": op, "inputs": ["input1", "input2"], "outputs": ["output"],
                                      "version": 3 if op == "SUB" else 4},
                     f"{op.capitalize()}Options", options, [t.name for t in variable], ["output"],
                     invocations_with(rng, first, variable), notes)

    constant_data = None
    if constant is not None:
        const_shape = shape1 if constant == 1 else shape2
        constant_rng = np.random.default_rng(mf.seed_for(f"{op}{const_shape}"))
        constant_data = np.concatenate([np.array([-32768, 32767, 0, -1]),
                                        constant_rng.integers(-32768, 32768, max(0, int(np.prod(const_shape)) - 4))]
                                       )[:int(np.prod(const_shape))].astype(np.int64)
    return build


def plain_binary_fixture(op, shape1, shape2, out_shape, scales, options_name=None, options=None,
                         constant=None, version=1):
    """Coverage: MUL, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM with unequal scales, broadcasts
    and extremes (their multipliers were already derived in double)."""
    def build(rng):
        s1, s2, s3 = scales
        const = None
        if constant is not None:
            cshape = shape1 if constant == 1 else shape2
            const = np.concatenate([np.array([-32768, 32767, 0, -1]),
                                    rng.integers(-32768, 32768, max(0, int(np.prod(cshape)) - 4))]
                                   )[:int(np.prod(cshape))].reshape(cshape).astype(np.int16)
        t1 = T("input1", shape1, "int16", s1, 0, data=const if constant == 1 else None)
        t2 = T("input2", shape2, "int16", s2, 0, data=const if constant == 2 else None)
        tout = T("output", out_shape, "int16", s3, 0)
        variable = [t for t, c in ((t1, 1), (t2, 2)) if constant != c]
        first = []
        for t in variable:
            a = random_like(rng, t).reshape(-1)
            a[:len(int16_extremes())] = int16_extremes()[:a.size]
            a[len(int16_extremes()):2 * len(int16_extremes())] = int16_extremes()[::-1][:max(0, a.size - 11)]
            first.append(a.reshape(t.shape))
        return Built([t1, t2, tout], {"op": op, "inputs": ["input1", "input2"], "outputs": ["output"],
                                      "version": version},
                     options_name, options, [t.name for t in variable], ["output"],
                     invocations_with(rng, first, variable), {"scales": [s1, s2, s3]})
    return build


# --------------------------------------------------------------------------- #
# int16 LOGISTIC / TANH with a general input scale; QUANTIZE int16 -> int16
# --------------------------------------------------------------------------- #

def unary_fixture(op, dtype_in, dtype_out, s_in, s_out, shape=(1, 16, 32), version=1, options_name=None,
                  zp_in=0, zp_out=0):
    def build(rng):
        tin = T("input", shape, dtype_in, s_in, zp_in)
        tout = T("output", shape, dtype_out, s_out, zp_out)
        a = random_like(rng, tin).reshape(-1)
        a[:len(int16_extremes())] = np.clip(int16_extremes(), np.iinfo(a.dtype).min, np.iinfo(a.dtype).max)
        options = hm.Table({}) if options_name else None
        return Built([tin, tout], {"op": op, "inputs": ["input"], "outputs": ["output"], "version": version},
                     options_name, options, ["input"], ["output"],
                     invocations_with(rng, [a.reshape(shape)], [tin]), {"input_scale": s_in, "output_scale": s_out})
    return build


# --------------------------------------------------------------------------- #
# int8 models for the other multipliers the oracle derives in double
# --------------------------------------------------------------------------- #

def every_int8(shape):
    return np.resize(np.arange(-128, 128), int(np.prod(shape))).reshape(shape).astype(np.int8)


def downscale_q15(m):
    return 32767 if m >= I32_MAX - (1 << 15) else (m + (1 << 15)) >> 16


def hard_swish_fixture():
    def build(rng):
        def params(scales, how):
            s_in, s_out = scales
            hires = F32(F32(1.0 / 128) * F32(s_in))
            reluish = F32(3.0 / 32768)
            if how == "double":
                reals = (float(hires) / d(s_out), float(hires) / float(reluish))
            else:
                reals = (float(F32(hires / F32(s_out))), float(F32(hires / reluish)))
            return [downscale_q15(quantize_multiplier(r)[0]) for r in reals] + [quantize_multiplier(r)[1] for r in reals]

        def draw(r):
            s_in = float32_scale(10 ** r.uniform(-2.5, -1.2))
            return s_in, float32_scale(s_in * r.uniform(0.3, 0.9))

        s_in, s_out = pick_scales(rng, draw, lambda s: params(s, "double") != params(s, "float"), tries=200000)
        shape = (1, 16, 16)
        tin, tout = T("input", shape, "int8", s_in, int(rng.integers(-10, 10))), T("output", shape, "int8", s_out, -5)
        return Built([tin, tout], {"op": "HARD_SWISH", "inputs": ["input"], "outputs": ["output"]},
                     "HardSwishOptions", hm.Table({}), ["input"], ["output"],
                     invocations_with(rng, [every_int8(shape)], [tin], count=2),
                     {"input_scale": s_in, "output_scale": s_out,
                      "q15_multipliers_double": params((s_in, s_out), "double")[:2],
                      "q15_multipliers_float_first": params((s_in, s_out), "float")[:2]})
    return build


def div_fixture():
    def build(rng):
        def differs(s):
            s1, s2, s3 = s
            new = quantize_multiplier(d(s1) / (d(s2) * d(s3)))
            old = quantize_multiplier(float(F32(s1) / (F32(s2) * F32(s3))))
            return new != old

        s1, s2, s3 = pick_scales(rng, lambda r: tuple(float32_scale(10 ** r.uniform(-2.3, -1.3)) for _ in range(3)), differs)
        shape = (1, 32, 32)
        t1, t2 = T("input1", shape, "int8", s1, 3), T("input2", shape, "int8", s2, -2)
        tout = T("output", shape, "int8", s3, 1)
        # Divisors away from the zero point (TFLM refuses a zero divisor at Invoke).
        def operands(r):
            a = r.integers(-128, 128, shape).astype(np.int8)
            b = r.integers(-128, 128, shape)
            b = np.where(np.abs(b + 2) < 3, b + 40, b).astype(np.int8)
            return [a, b]
        invocations = [operands(rng) for _ in range(INVOCATIONS)]
        return Built([t1, t2, tout], {"op": "DIV", "inputs": ["input1", "input2"], "outputs": ["output"]},
                     "DivOptions", activation_options(), ["input1", "input2"], ["output"], invocations,
                     {"scales": [s1, s2, s3]})
    return build


def rsqrt_fixture():
    def build(rng):
        def differs(s):
            new = quantize_multiplier(1.0 / (math.sqrt(d(s[0])) * d(s[1])))
            old = quantize_multiplier(1.0 / float(F32(np.sqrt(F32(s[0])) * F32(s[1]))))
            return new != old

        s_in, s_out = pick_scales(rng, lambda r: (float32_scale(10 ** r.uniform(-2, -1)), float32_scale(10 ** r.uniform(-1.5, -0.5))), differs)
        shape = (1, 16, 16)
        tin, tout = T("input", shape, "int8", s_in, -128), T("output", shape, "int8", s_out, -100)
        first = np.resize(np.arange(-127, 128), int(np.prod(shape))).reshape(shape).astype(np.int8)
        return Built([tin, tout], {"op": "RSQRT", "inputs": ["input"], "outputs": ["output"], "version": 2},
                     None, None, ["input"], ["output"], [[first], [first[:, ::-1].copy()]],
                     {"input_scale": s_in, "output_scale": s_out})
    return build


def product_multipliers(s_in, s_w, s_out):
    """GetQuantizedConvolutionMultipler's multiplier: the scale product in double (oracle) or float."""
    return (quantize_multiplier(d(s_in) * d(s_w) / d(s_out)),
            quantize_multiplier(float(F32(F32(s_in) * F32(s_w))) / d(s_out)))


def differing_accumulators(scales, lo, hi, zp_out):
    """Accumulators in [lo, hi] whose int8 output differs between the two product multipliers."""
    (m_new, e_new), (m_old, e_old) = product_multipliers(*scales)
    acc = np.arange(lo, hi + 1, dtype=np.int64)
    new = np.clip(mbqm(acc, m_new, e_new) + zp_out, -128, 127)
    old = np.clip(mbqm(acc, m_old, e_old) + zp_out, -128, 127)
    return acc[new != old]


def fully_connected_fixture():
    """Per-tensor weights; each output row's bias is chosen so that row 0 of invocation 0 has an
    accumulator on which the two product multipliers round differently (about one scale draw
    in 20 has such accumulators, usually a pair +-a)."""
    def build(rng):
        zp_in, zp_out = -7, 4
        window = (-60000, 60000)

        def differs(s):
            return product_multipliers(*s)[0] != product_multipliers(*s)[1] and \
                len(differing_accumulators(s, *window, zp_out)) > 0

        s_in, s_w, s_out = pick_scales(rng, lambda r: (float32_scale(10 ** r.uniform(-2.2, -1.5)),
                                                       float32_scale(10 ** r.uniform(-2.5, -2)),
                                                       float32_scale(10 ** r.uniform(-1.6, -1))), differs)
        n_in, n_out = 24, 12
        w = rng.integers(-127, 128, (n_out, n_in)).astype(np.int8)
        x = rng.integers(-128, 128, (4, n_in)).astype(np.int8)
        found = differing_accumulators((s_in, s_w, s_out), *window, zp_out)
        targets = np.resize(found, n_out)
        partial = (x[0].astype(np.int64) - zp_in) @ w.T.astype(np.int64)
        b = (targets - partial).astype(np.int32)
        b_scale = float32_scale(d(s_in) * d(s_w))
        tensors = [T("input", [4, n_in], "int8", s_in, zp_in), T("weights", [n_out, n_in], "int8", s_w, 0, data=w),
                   T("bias", [n_out], "int32", b_scale, 0, data=b), T("output", [4, n_out], "int8", s_out, zp_out)]
        options = hm.Table({0: hm.field("b", 0, 0)})
        return Built(tensors, {"op": "FULLY_CONNECTED", "inputs": ["input", "weights", "bias"], "outputs": ["output"],
                               "version": 4},
                     "FullyConnectedOptions", options, ["input"], ["output"],
                     invocations_with(rng, [x], [tensors[0]]),
                     {"input_scale": s_in, "weights_scale": s_w, "output_scale": s_out,
                      "differing_inputs": int(len(found)), "designed_elements": n_out})
    return build


def batch_matmul_fixture():
    """Invocation 0's first lhs row of each batch is (127, 1, 0, ...), so its accumulator with rhs
    column c is 127 r0 + r1: the rhs entries are chosen to land on accumulators where the two
    product multipliers round differently."""
    def build(rng):
        zp_out = -3
        window = (-127 * 127 - 63, 127 * 127 + 63)
        s_l, s_r, s_out = pick_scales(rng, lambda r: (float32_scale(10 ** r.uniform(-2.2, -1.5)),
                                                      float32_scale(10 ** r.uniform(-2.2, -1.5)),
                                                      float32_scale(10 ** r.uniform(-2.0, -1.2))),
                                      lambda s: len(differing_accumulators(s, *window, zp_out)) > 0)
        targets = differing_accumulators((s_l, s_r, s_out), *window, zp_out)
        lhs = rng.integers(-128, 128, (2, 3, 8)).astype(np.int64)
        rhs = rng.integers(-128, 128, (2, 8, 5)).astype(np.int64)
        lhs[:, 0, :] = 0
        lhs[:, 0, 0], lhs[:, 0, 1] = 127, 1
        for k, target in enumerate(np.resize(targets, 10)):
            b, c = divmod(k, 5)
            r0 = int(np.clip(np.round(target / 127), -128, 127))
            rhs[b, 0, c], rhs[b, 1, c] = r0, int(target) - 127 * r0
        tensors = [T("lhs", [2, 3, 8], "int8", s_l, 0), T("rhs", [2, 8, 5], "int8", s_r, 0),
                   T("output", [2, 3, 5], "int8", s_out, zp_out)]
        return Built(tensors, {"op": "BATCH_MATMUL", "inputs": ["lhs", "rhs"], "outputs": ["output"]},
                     "BatchMatMulOptions", hm.Table({}), ["lhs", "rhs"], ["output"],
                     invocations_with(rng, [lhs.astype(np.int8), rhs.astype(np.int8)], tensors[:2]),
                     {"scales": [s_l, s_r, s_out], "differing_inputs": int(len(targets)), "designed_elements": 10})
    return build


def svdf_fixture():
    """Full-integer SVDF (int16 state): input x feature / state and state x time / output,
    each a product and a quotient the oracle takes in double."""
    def build(rng):
        def differs(s):
            s_in, s_f, s_state, s_t, s_out = s
            new = (quantize_multiplier(d(s_in) * d(s_f) / d(s_state)), quantize_multiplier(d(s_state) * d(s_t) / d(s_out)))
            old = (quantize_multiplier(float(F32(F32(s_in) * F32(s_f)) / F32(s_state))),
                   quantize_multiplier(float(F32(F32(s_state) * F32(s_t)) / F32(s_out))))
            return new[0] != old[0] and new[1] != old[1]

        s_in, s_f, s_state, s_t, s_out = pick_scales(rng, lambda r: (
            float32_scale(10 ** r.uniform(-2, -1.5)), float32_scale(10 ** r.uniform(-2.6, -2.2)),
            float32_scale(10 ** r.uniform(-4, -3.7)), float32_scale(10 ** r.uniform(-4, -3.7)),
            float32_scale(10 ** r.uniform(-2, -1.5))), differs)
        batch, input_size, units, rank, memory = 2, 5, 3, 2, 4
        filters = units * rank
        wf = rng.integers(-127, 128, (filters, input_size)).astype(np.int8)
        wt = rng.integers(-4095, 4096, (filters, memory)).astype(np.int16)
        b_scale = float32_scale(d(s_state) * d(s_t))
        b = rng.integers(-int(0.3 / b_scale), int(0.3 / b_scale) + 1, (units,)).astype(np.int32)
        tensors = [T("input", [batch, input_size], "int8", s_in, -2),
                   T("weights_feature", wf.shape, "int8", s_f, 0, data=wf),
                   T("weights_time", wt.shape, "int16", s_t, 0, data=wt),
                   T("bias", b.shape, "int32", b_scale, 0, data=b),
                   T("activation_state", [batch, memory * filters], "int16", s_state, 0, variable=True),
                   T("output", [batch, units], "int8", s_out, 3)]
        names = [t.name for t in tensors]
        options = hm.svdf_options(rank, "NONE")
        return Built(tensors, {"op": "SVDF", "inputs": names[:5], "outputs": ["output"], "version": 4},
                     "SVDFOptions", options, ["input"], ["output"],
                     invocations_with(rng, [random_like(rng, tensors[0])], [tensors[0]]),
                     {"scales": [s_in, s_f, s_state, s_t, s_out], "stateful": True})
    return build


# =========================================================================== #
# The fixture list
# =========================================================================== #

def scale_draw(r1, r2, r3):
    """Log-uniform float32 scales in decades [r1], [r2], [r3]."""
    return lambda rng: tuple(float32_scale(10 ** rng.uniform(*r)) for r in (r1, r2, r3))


def fixtures():
    F = []

    def add(name, covers, build):
        assert name.startswith(PREFIX)
        F.append((name, covers, build))

    # --- int16 LEAKY_RELU: the first finding.
    add("rq_leaky_relu_up_int16", "int16 LEAKY_RELU alpha 0.2, input/output scale 1.5-3 (left shift), extremes saturate",
        leaky_relu_fixture((1.5, 3.0), 0.2))
    add("rq_leaky_relu_down_int16", "int16 LEAKY_RELU alpha 0.3, input/output scale 0.2-0.7",
        leaky_relu_fixture((0.2, 0.7), 0.3))
    add("rq_leaky_relu_near_one_int16", "int16 LEAKY_RELU alpha 0.25, input/output scale 0.97-1.03 (near 1)",
        leaky_relu_fixture((0.97, 1.03), 0.25))
    add("rq_leaky_relu_negative_alpha_int16", "int16 LEAKY_RELU alpha -0.2 (negative multiplier), scale ratio 0.6-0.9",
        leaky_relu_fixture((0.6, 0.9), -0.2))
    add("rq_leaky_relu_alpha_above_one_int16", "int16 LEAKY_RELU alpha 1.7, scale ratio 0.4-0.6",
        leaky_relu_fixture((0.4, 0.6), 1.7))
    # --- int16 SUB: the second finding; the SEANet case is a constant bias broadcast over channels.
    add("rq_sub_bias_int16", "int16 SUB [1,1,32,16] - constant [16] (SEANet's bias), bias scale below the input's",
        add_sub_fixture("SUB", (1, 1, 32, 16), (16,), (1, 1, 32, 16), scale_draw((-4.2, -3.8), (-4.8, -4.4), (-4.2, -3.8)), constant=2))
    add("rq_sub_bias_larger_scale_int16", "int16 SUB [1,1,32,16] - constant [16] whose scale is above the input's",
        add_sub_fixture("SUB", (1, 1, 32, 16), (16,), (1, 1, 32, 16), scale_draw((-4.8, -4.4), (-4.2, -3.8), (-4.4, -4.0)), constant=2))
    add("rq_sub_constant_first_int16", "int16 SUB constant [16] - [1,1,32,16] (the broadcast operand first)",
        add_sub_fixture("SUB", (16,), (1, 1, 32, 16), (1, 1, 32, 16), scale_draw((-4.5, -4.1), (-4.3, -3.9), (-4.0, -3.6)), constant=1))
    add("rq_sub_same_shape_int16", "int16 SUB of two [1,4,8,16] inputs, unequal scales, output scale below both",
        add_sub_fixture("SUB", (1, 4, 8, 16), (1, 4, 8, 16), (1, 4, 8, 16), scale_draw((-3.9, -3.6), (-4.4, -4.1), (-4.6, -4.4))))
    add("rq_sub_broadcast_rows_int16", "int16 SUB [1,4,1,16] - [1,4,8,16] (rows broadcast), unequal scales",
        add_sub_fixture("SUB", (1, 4, 1, 16), (1, 4, 8, 16), (1, 4, 8, 16), scale_draw((-4.0, -3.7), (-4.5, -4.2), (-4.1, -3.8))))
    add("rq_sub_relu_int16", "int16 SUB with fused RELU, unequal scales, extremes",
        add_sub_fixture("SUB", (1, 8, 64), (1, 8, 64), (1, 8, 64), scale_draw((-4.3, -4.0), (-4.0, -3.7), (-4.3, -4.0)), activation="RELU"))
    # --- int16 ADD (mcusim derived ADD's multipliers in double already): coverage at near-ties.
    add("rq_add_bias_int16", "int16 ADD [1,1,32,16] + constant [16], unequal scales, near-tie inputs",
        add_sub_fixture("ADD", (1, 1, 32, 16), (16,), (1, 1, 32, 16), scale_draw((-4.2, -3.8), (-4.8, -4.4), (-4.2, -3.8)), constant=2))
    add("rq_add_same_shape_int16", "int16 ADD of two [1,4,8,16] inputs, unequal scales, output scale above both",
        add_sub_fixture("ADD", (1, 4, 8, 16), (1, 4, 8, 16), (1, 4, 8, 16), scale_draw((-4.6, -4.3), (-4.1, -3.8), (-3.7, -3.4))))
    add("rq_add_pot_scale_int16", "int16 ADD with pot_scale_int16 true and power-of-two scales 2^-12 + 2^-13 -> 2^-11: "
        "TFLM has no POT path and takes the general one",
        add_sub_fixture("ADD", (1, 8, 64), (1, 8, 64), (1, 8, 64), None, pot_scale_int16=True,
                        scales=(2.0 ** -12, 2.0 ** -13, 2.0 ** -11)))
    # --- int16 MUL, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM: unequal scales, broadcasts, extremes.
    add("rq_mul_bias_int16", "int16 MUL [1,4,8,16] x constant [16], unequal scales, extremes",
        plain_binary_fixture("MUL", (1, 4, 8, 16), (16,), (1, 4, 8, 16), (1.1e-4, 3.7e-5, 2.3e-4), "MulOptions",
                             activation_options(), constant=2, version=5))
    add("rq_mul_same_shape_int16", "int16 MUL of two [1,8,64] inputs, output scale below the product",
        plain_binary_fixture("MUL", (1, 8, 64), (1, 8, 64), (1, 8, 64), (2.9e-4, 1.3e-4, 1.1e-3), "MulOptions",
                             activation_options(), version=5))
    add("rq_squared_difference_int16", "int16 SQUARED_DIFFERENCE [1,4,8,16] and [16] (broadcast), unequal scales",
        plain_binary_fixture("SQUARED_DIFFERENCE", (1, 4, 8, 16), (16,), (1, 4, 8, 16), (1.3e-4, 2.1e-4, 4.1e-4),
                             "SquaredDifferenceOptions", hm.Table({}), version=2))
    add("rq_maximum_int16", "int16 MAXIMUM [1,4,8,16] and [1,1,8,16] (broadcast), extremes",
        plain_binary_fixture("MAXIMUM", (1, 4, 8, 16), (1, 1, 8, 16), (1, 4, 8, 16), (1e-4, 1e-4, 1e-4),
                             "MaximumMinimumOptions", hm.Table({}), version=4))
    add("rq_minimum_int16", "int16 MINIMUM [1,4,8,16] and [1,1,8,16] (broadcast), extremes",
        plain_binary_fixture("MINIMUM", (1, 4, 8, 16), (1, 1, 8, 16), (1, 4, 8, 16), (1e-4, 1e-4, 1e-4),
                             "MaximumMinimumOptions", hm.Table({}), version=4))
    # --- int16 activations with a general (not power-of-two) input scale, and requantize.
    add("rq_relu_int16", "int16 RELU with input/output scale 0.4-0.8",
        relu_fixture("int16", (0.4, 0.8)))
    add("rq_relu_up_int16", "int16 RELU with input/output scale 1.3-2.5 (left shift), extremes saturate",
        relu_fixture("int16", (1.3, 2.5)))
    add("rq_logistic_int16", "int16 LOGISTIC with input scale 3.1e-4 (not a power of two), output 2^-15",
        unary_fixture("LOGISTIC", "int16", "int16", 3.1e-4, 2.0 ** -15, version=3))
    add("rq_tanh_int16", "int16 TANH with input scale 1.9e-4 (not a power of two), output 2^-15",
        unary_fixture("TANH", "int16", "int16", 1.9e-4, 2.0 ** -15, version=3))
    add("rq_quantize_int16", "QUANTIZE int16 -> int16 (requantize), scale ratio 1.37",
        unary_fixture("QUANTIZE", "int16", "int16", 1.37e-4, 1.0e-4, version=3, options_name="QuantizeOptions"))
    # --- int8: the other multipliers the oracle derives in double.
    add("rq_relu_int8", "int8 RELU, every int8 input, input/output scale 0.4-0.8, zero point != 0",
        relu_fixture("int8", (0.4, 0.8)))
    add("rq_hard_swish_int8", "int8 HARD_SWISH, every int8 input, scales whose Q15 multipliers differ between "
        "float-first and double derivation", hard_swish_fixture())
    add("rq_div_int8", "int8 DIV with scales whose multiplier differs between float-first and double derivation",
        div_fixture())
    add("rq_rsqrt_int8", "int8 RSQRT, every positive input, scales whose multiplier differs between derivations",
        rsqrt_fixture())
    add("rq_fully_connected_per_tensor_int8", "int8 FULLY_CONNECTED with per-tensor weights, input x weights scale "
        "product differs in float and double", fully_connected_fixture())
    add("rq_batch_matmul_int8", "int8 BATCH_MATMUL, lhs x rhs scale product differs in float and double",
        batch_matmul_fixture())
    add("rq_svdf_int8", "full-integer SVDF (int16 state), both effective scales differ between float-first and "
        "double derivation; stateful over 8 invocations", svdf_fixture())
    return F


# =========================================================================== #
# TFLM side (child process; numpy + tflite_micro only)
# =========================================================================== #

def probe(model_bytes, inputs, size):
    """True if TFLM's AllocateTensors and Invoke succeed in an arena of `size` bytes; in a
    forked child, since the wrapper can crash on arenas smaller than its allocator."""
    from tflite_micro.python.tflite_micro import runtime
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.dup2(devnull, 1)
            interpreter = runtime.Interpreter.from_bytes(model_bytes, arena_size=size)
            for i, a in enumerate(inputs):
                interpreter.set_input(a, i)
            interpreter.invoke()
            code = 0
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def min_arena(model_bytes, inputs, used):
    hi = (used + 15) // 16 * 16
    while not probe(model_bytes, inputs, hi):
        hi *= 2
    lo = 0
    while hi - lo > 16:
        mid = (lo + hi) // 2 // 16 * 16
        if mid <= lo:
            break
        if probe(model_bytes, inputs, mid):
            hi = mid
        else:
            lo = mid
    return hi


def tflm_worker(args):
    """Run one model on the given invocation inputs; write outputs; print JSON."""
    from tflite_micro.python.tflite_micro import runtime
    with open(args.model, "rb") as f:
        model_bytes = f.read()
    plan = json.loads(args.plan)
    result = {"model": mf.describe_model(model_bytes)}
    try:
        with mf.captured_stderr_fd() as log:
            interpreter = runtime.Interpreter.from_bytes(
                model_bytes, arena_size=mf.ARENA_BYTES,
                intrepreter_config=runtime.InterpreterConfig.kAllocationRecording)
    except Exception as e:  # noqa: BLE001
        result["refused"] = str(e) + " | TFLM log: " + mf._one_line(log["text"])
        print(json.dumps(result))
        return
    records = []
    first_inputs = None
    for k, step in enumerate(plan):
        arrays = [np.load(os.path.join(args.dir, f)) for f in step["inputs"]]
        if k == 0:
            first_inputs = arrays
        for i, a in enumerate(arrays):
            interpreter.set_input(a, i)
        with mf.captured_stderr_fd() as log:
            try:
                interpreter.invoke()
                error = None
            except Exception as e:  # noqa: BLE001
                error = str(e)
        if error is not None:
            result["refused"] = error + " | TFLM log: " + mf._one_line(log["text"])
            print(json.dumps(result))
            return
        digests = []
        for i, name in enumerate(step["outputs"]):
            out = np.ascontiguousarray(interpreter.get_output(i))
            np.save(os.path.join(args.dir, name), out)
            digests.append(mf.sha256_hex(out.tobytes()))
        records.append({"inputs": step["inputs"], "outputs": step["outputs"], "sha256": digests})
        if k == 0:
            with mf.captured_stderr_fd() as log:
                interpreter.print_allocations()
            result["arena"] = mf.parse_allocations(log["text"])
    result["invocations"] = records
    result["min_arena_bytes"] = min_arena(model_bytes, first_inputs, result["arena"]["arena_used_bytes"])
    print(json.dumps(result))


def run_tflm(model_path, directory, plan):
    cmd = [sys.executable, os.path.abspath(__file__), "--tflm-worker", "--model", model_path,
           "--dir", directory, "--plan", json.dumps(plan)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"refused": f"TFLM process exited with status {proc.returncode}: {mf._one_line(proc.stderr)[-600:]}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# =========================================================================== #
# main
# =========================================================================== #

def stem(name, k):
    return name if k == 0 else f"{name}.invoke{k}"


def numbered(stem_, kind, i):
    return f"{stem_}.{kind}{i if i else ''}.npy"


def record(out_dir, name, covers, model_bytes, invocations, notes, log, stateful=False):
    """Writes the model and inputs, runs TFLM, returns the fixture's index entry (or None)."""
    path = os.path.join(out_dir, name + ".tflite")
    with open(path, "wb") as f:
        f.write(model_bytes)
    described = mf.describe_model(model_bytes)
    n_out = len(described["outputs"])
    plan = []
    for k, arrays in enumerate(invocations):
        s = stem(name, k)
        inputs = []
        for i, a in enumerate(arrays):
            inputs.append(numbered(s, "input", i))
            np.save(os.path.join(out_dir, inputs[-1]), a)
        plan.append({"inputs": inputs, "outputs": [numbered(s, "output", i) for i in range(n_out)]})
    result = run_tflm(path, out_dir, plan)
    if "refused" in result:
        log(f"{name:44s} REFUSED {result['refused'][:120]}")
        return None
    tensors = result["model"]["tensors"]
    arena = result["arena"]
    entry = {
        "type": "int16" if "int16" in name else "int8",
        "file": name + ".tflite",
        "bytes": len(model_bytes),
        "covers": covers,
        "ops": mf.ops_summary(result["model"]),
        "inputs": [mf.io_entry(tensors[t], {}) for t in result["model"]["inputs"]],
        "outputs": [mf.io_entry(tensors[t], {}) for t in result["model"]["outputs"]],
        "design": notes,
        "stateful": stateful,
        "invocations": result["invocations"],
        "tflm": {"arena_used_bytes": arena["arena_used_bytes"], "arena_head_bytes": arena["arena_head_bytes"],
                 "arena_tail_bytes": arena["arena_tail_bytes"], "min_arena_bytes": result["min_arena_bytes"],
                 "persistent": {a["kind"]: [a["used"], a["requested"], a["count"]] for a in arena["persistent"]}},
    }
    log(f"{name:44s} ok  {len(model_bytes):5d} B  {len(invocations)} invocations  min arena "
        f"{result['min_arena_bytes']}  {json.dumps(notes)[:110]}")
    return entry


def generate(out_dir, log):
    entries = {}
    for name, covers, build in fixtures():
        rng = np.random.default_rng(mf.seed_for(name))
        built = build(rng)
        model_bytes = build_model(built.tensors, built.op, built.options_name, built.options, built.inputs,
                                  built.outputs, "mcusim requantization fixture " + name)
        entry = record(out_dir, name, covers, model_bytes, built.invocations, built.notes, log,
                       stateful=bool(built.notes.get("stateful")))
        if entry is None:
            raise SystemExit(f"{name}: TFLM refused the model")
        entries[name] = entry
    return entries


# --------------------------------------------------------------------------- #
# SEANet-style converter model (TensorFlow)
# --------------------------------------------------------------------------- #

SEANET_NAME = "rq_seanet_int16"
SEANET_COVERS = ("SEANet-style streaming audio block, converter 16x8 (int16 activations, int8 weights): conv1d as "
                 "CONV_2D (1xk, dilation 3, stride 2), LEAKY_RELU alpha 0.2/0.3/0.25, SUB of a broadcast constant "
                 "bias, residual ADD; every layer has its own activation scale")


def seanet_model_bytes(seed=20269):
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ["TF_DETERMINISTIC_OPS"] = "1"
    import tensorflow as tf
    tf.get_logger().setLevel("ERROR")
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.keras.backend.clear_session()
    tf.keras.utils.set_random_seed(seed)
    L = tf.keras.layers
    steps, channels = 64, 8
    rng = np.random.default_rng(seed)
    bias1 = rng.uniform(-0.5, 0.5, 16).astype(np.float32)
    bias2 = rng.uniform(-1.0, 1.0, 16).astype(np.float32)
    x_in = L.Input(shape=(1, steps, channels), batch_size=1, name="audio")
    x = L.Conv2D(16, (1, 7), padding="same")(x_in)
    x = L.LeakyReLU(0.2)(x)
    x = L.Lambda(lambda t: t - bias1)(x)
    y = L.Conv2D(16, (1, 3), padding="same", dilation_rate=(1, 3))(x)
    y = L.LeakyReLU(0.3)(y)
    y = L.Conv2D(16, (1, 1))(y)
    x = L.Add()([x, y])
    x = L.LeakyReLU(0.25)(x)
    x = L.Lambda(lambda t: t - bias2)(x)
    x = L.Conv2D(8, (1, 4), strides=(1, 2), padding="same")(x)
    x = L.LeakyReLU(0.2)(x)
    model = tf.keras.Model(x_in, x, name="m")

    def representative():
        for _ in range(64):
            yield [rng.uniform(-1, 1, (1, 1, steps, channels)).astype(np.float32)]
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
    converter.inference_input_type = tf.int16
    converter.inference_output_type = tf.int16
    return converter.convert()


def generate_seanet(out_dir, log):
    model_bytes = seanet_model_bytes()
    rng = np.random.default_rng(mf.seed_for(SEANET_NAME))
    shape = (1, 1, 64, 8)
    invocations = [[rng.integers(-32768, 32768, shape).astype(np.int16)] for _ in range(SEANET_INVOCATIONS)]
    entry = record(out_dir, SEANET_NAME, SEANET_COVERS, model_bytes, invocations,
                   {"inputs": "uniform over int16", "converter": "tensorflow " + tf_version()}, log)
    if entry is None:
        raise SystemExit("TFLM refused the SEANet-style model")
    return entry


def tf_version():
    from importlib.metadata import version
    return version("tensorflow")


# --------------------------------------------------------------------------- #
# --study: fresh random inputs through TFLM and mcusim
# --------------------------------------------------------------------------- #

def study(folder, count, mcusim, only=None):
    """Per model: `count` fresh uniform random inputs (seeds 1..count), TFLM's outputs against
    `mcusim run --kernels reference`; prints and returns {name: (bit-exact runs, runs)}."""
    from tflite_micro.python.tflite_micro import runtime
    with open(os.path.join(folder, INDEX_NAME)) as f:
        document = json.load(f)
    totals = {}
    for name, fx in document["fixtures"].items():
        if only and only not in name:
            continue
        if fx.get("stateful"):
            continue
        model_path = os.path.join(folder, fx["file"])
        with open(model_path, "rb") as f:
            model_bytes = f.read()
        exact = 0
        with tempfile.TemporaryDirectory() as tmp:
            for seed in range(1, count + 1):
                rng = np.random.default_rng(1_000_000 + seed)
                interpreter = runtime.Interpreter.from_bytes(model_bytes, arena_size=mf.ARENA_BYTES)
                arrays, files = [], []
                for i, spec in enumerate(fx["inputs"]):
                    info = np.iinfo(spec["dtype"])
                    a = rng.integers(int(info.min), int(info.max) + 1, spec["shape"]).astype(spec["dtype"])
                    op = fx["ops"][0]["op"]
                    if op == "DIV" and i == 1:   # TFLM refuses a zero divisor
                        a = np.where(np.abs(a.astype(int) - spec["zero_point"]) < 3, 40, a).astype(spec["dtype"])
                    if op == "RSQRT":            # and a non-positive RSQRT input
                        a = np.maximum(a, spec["zero_point"] + 1).astype(spec["dtype"])
                    arrays.append(a)
                    files.append(os.path.join(tmp, f"in{i}.npy"))
                    np.save(files[-1], a)
                    interpreter.set_input(a, i)
                interpreter.invoke()
                outs = [os.path.join(tmp, f"out{i}.npy") for i in range(len(fx["outputs"]))]
                cmd = [mcusim, "run", model_path, "--kernels", "reference"]
                for file in files:
                    cmd += ["--input", file]
                for file in outs:
                    cmd += ["--output", file]
                subprocess.run(cmd, check=True, capture_output=True)
                same = all(np.array_equal(np.load(o), np.asarray(interpreter.get_output(i))) for i, o in enumerate(outs))
                exact += same
        totals[name] = (exact, count)
        print(f"{name:44s} {exact}/{count} bit-exact", flush=True)
    runs = sum(v[1] for v in totals.values())
    print(f"{sum(v[0] for v in totals.values())} of {runs} runs bit-exact over {len(totals)} models")
    return totals


# --------------------------------------------------------------------------- #

def verify(folder):
    from tflite_micro.python.tflite_micro import runtime
    with open(os.path.join(folder, INDEX_NAME)) as f:
        document = json.load(f)
    failures = 0
    for name, fx in document["fixtures"].items():
        with open(os.path.join(folder, fx["file"]), "rb") as f:
            interpreter = runtime.Interpreter.from_bytes(f.read(), arena_size=mf.ARENA_BYTES)
        problems = []
        for k, step in enumerate(fx["invocations"]):
            for i, file in enumerate(step["inputs"]):
                interpreter.set_input(np.load(os.path.join(folder, file)), i)
            interpreter.invoke()
            for i, (file, digest) in enumerate(zip(step["outputs"], step["sha256"])):
                out = np.ascontiguousarray(interpreter.get_output(i))
                if mf.sha256_hex(out.tobytes()) != digest or not np.array_equal(out, np.load(os.path.join(folder, file))):
                    problems.append(f"invocation {k} output {i} differs")
        failures += bool(problems)
        print(f"{name:44s} {'ok' if not problems else 'FAIL ' + '; '.join(problems)}", flush=True)
    print(f"{len(document['fixtures']) - failures} passed, {failures} failed")
    return failures == 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: Tests/Fixtures/models)")
    p.add_argument("--seanet", action="store_true", help="also build the SEANet-style model (needs TensorFlow)")
    p.add_argument("--list", action="store_true", help="print fixture names and exit")
    p.add_argument("--verify", action="store_true", help="re-run TFLM on the stored inputs and compare")
    p.add_argument("--study", type=int, metavar="N", help="N fresh random inputs per model: TFLM vs mcusim")
    p.add_argument("--mcusim", default="mcusim", help="the mcusim executable for --study")
    p.add_argument("--only", help="with --study: models whose name contains this")
    p.add_argument("--tflm-worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--model", help=argparse.SUPPRESS)
    p.add_argument("--dir", help=argparse.SUPPRESS)
    p.add_argument("--plan", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.tflm_worker:
        tflm_worker(args)
        return
    if args.list:
        print("\n".join([f[0] for f in fixtures()] + [SEANET_NAME]))
        return
    if args.verify:
        sys.exit(0 if verify(args.out) else 1)
    if args.study:
        study(args.out, args.study, args.mcusim, args.only)
        return

    os.makedirs(args.out, exist_ok=True)
    index_path = os.path.join(args.out, INDEX_NAME)
    previous = {}
    if os.path.exists(index_path):
        with open(index_path) as f:
            previous = json.load(f).get("fixtures", {})
    keep_seanet = not args.seanet and SEANET_NAME in previous
    for entry in os.listdir(args.out):
        if entry.startswith(PREFIX) and entry.endswith((".tflite", ".npy")):
            if keep_seanet and entry.startswith(SEANET_NAME):
                continue
            os.remove(os.path.join(args.out, entry))
    log = lambda s: print(s, flush=True)  # noqa: E731
    entries = generate(args.out, log)
    if args.seanet:
        entries[SEANET_NAME] = generate_seanet(args.out, log)
    elif keep_seanet:
        entries[SEANET_NAME] = previous[SEANET_NAME]
    from importlib.metadata import version
    document = {
        "about": "mcusim requantization fixtures (make_requant_fixtures.py): int16 elementwise and activation "
                 "models at scale combinations where deriving the multipliers in float first and in double "
                 "give different outputs, int8 models for the other multipliers TFLM derives in double, and a "
                 "SEANet-style 16x8 converter model. Outputs are TFLM's (tflite_micro wheel, reference kernels, "
                 "x86-64 host) for every listed invocation, in order, on one interpreter (SVDF keeps its state).",
        "versions": {"tflite-micro": version("tflite-micro"), "numpy": version("numpy")},
        "files": "NAME.tflite; invocation 0 NAME.input.npy -> NAME.output.npy, invocation k NAME.invoke<k>.input.npy "
                 "-> NAME.invoke<k>.output.npy (further inputs/outputs numbered input1, output1, ...)",
        "design": "per fixture: the scales drawn (seeded by the name) and how many inputs the float-first and the "
                  "double derivation of the multipliers disagree on (numpy model of the kernel); invocation 0 holds "
                  "those inputs, near-ties and the type's extremes, later invocations are uniform random",
        "arena": {"arena_bytes": mf.ARENA_BYTES,
                  "note": "RecordingMicroAllocator numbers on a 64-bit host (used = head + tail); min_arena_bytes is "
                          "the smallest multiple of 16 with which AllocateTensors and Invoke succeed"},
        "fixtures": entries,
    }
    with open(index_path, "w") as f:
        f.write(mf.dump_json(document) + "\n")
    print(f"{len(entries)} fixtures")


if __name__ == "__main__":
    main()
