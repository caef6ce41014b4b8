#!/usr/bin/env python3
"""Fixtures for TFLM's signal library (the audio front end's custom operators).

    python Tests/Fixtures/make_signal_fixtures.py             # rewrite the sig_* files in models/
    python Tests/Fixtures/make_signal_fixtures.py --out DIR   # somewhere else (e.g. to diff two runs)
    python Tests/Fixtures/make_signal_fixtures.py --list      # names only
    python Tests/Fixtures/make_signal_fixtures.py --verify    # re-run TFLM on the stored streams
    python Tests/Fixtures/make_signal_fixtures.py --tflm-checkout /work/ext/tflite-micro
        # also record goldens for TFLM's own micro_speech audio_preprocessor models
        # (read from the checkout, never copied: only their outputs and sha256 are written)

TFLM's micro_speech front end (`audio_preprocessor_int8.tflite`) is a TFLite model of
custom operators (SignalWindow, SignalRfft, SignalFilterBank, ...) that TFLM's signal
library implements. TFLM builds such models with TensorFlow ops that live in its own
repository (signal/tensorflow_core), which no pip package ships. So this script
writes the models itself: single-operator models for every signal kernel and whole
pipelines (the micro_speech front end with its int8 and float outputs, a streaming
front end with delay, framer and stacker, and an analysis-resynthesis chain with
IRFFT and overlap-add), with make_handmade_fixtures.py's FlatBuffers writer and the
custom options encoded by the `flatbuffers` package's flexbuffers module (which
reproduces the real models' option blobs byte for byte). The constants the
operators take (Hann windows, mel filter bank tables, the PCAN gain table) are
computed here from their textbook definitions with the micro_speech parameters.

Every model then runs in TFLM (the `tflite_micro` wheel, whose Python interpreter
registers the signal kernels) for at least 50 consecutive invokes on "real-looking
audio": a logarithmic sine sweep with an amplitude envelope, a quiet stretch and
white noise, fed frame by frame. Stateful models are also reset part-way (TFLM's
Interpreter.reset()). Stored per fixture, stacked along a new first axis (one row
per invoke):

    NAME.tflite
    NAME.stream.input.npy, NAME.stream.input1.npy ...    inputs of every invoke
    NAME.stream.output.npy, NAME.stream.output1.npy ...  TFLM's outputs of every invoke

and in models/signal_fixtures.json: the operators and their decoded options, the
invokes, where the interpreter was reset, which outputs TFLM leaves unwritten when a
bool "valid" output is false (their contents are then whatever the arena held, so
tests compare them only on valid invokes), the sha256 of every stacked output, the
arena numbers RecordingMicroAllocator prints and the smallest arena with which
AllocateTensors and Invoke succeed (16-byte steps).

Needs numpy, flatbuffers and tflite_micro only. Deterministic: every seed comes from a
fixture's name, so a rerun writes byte-identical files.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys

import numpy as np
from flatbuffers import flexbuffers

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_fixtures as mf  # noqa: E402  (shared helpers; imports no TensorFlow at module level)
from make_handmade_fixtures import (  # noqa: E402  (our own FlatBuffers writer)
    Blob, FlatBufferWriter, Scalar, String, Table, Vector, field)

DEFAULT_OUT = os.path.join(HERE, "models")
INDEX_NAME = "signal_fixtures.json"
PREFIX = "sig_"        # every fixture file this script owns starts with it
EXTERNAL_PREFIX = "ext_"  # goldens of models read from a TFLM checkout
ARENA_BYTES = mf.ARENA_BYTES
SAMPLE_RATE = 16000

# TFLite schema ids used below (schema.fbs).
TENSOR_TYPE = {"float32": 0, "int32": 2, "uint8": 3, "int64": 4, "bool": 6, "int16": 7, "int8": 9,
               "uint64": 12, "uint32": 15}
NUMPY = {"float32": np.float32, "int32": np.int32, "uint8": np.uint8, "int64": np.int64, "bool": np.bool_,
         "int16": np.int16, "int8": np.int8, "uint64": np.uint64, "uint32": np.uint32}
BUILTIN = {"ADD": 0, "CONCATENATION": 2, "MUL": 18, "RESHAPE": 22, "CUSTOM": 32, "DIV": 42,
           "STRIDED_SLICE": 45, "CAST": 53, "MAXIMUM": 55, "MINIMUM": 57}
OPTIONS = {"ConcatenationOptions": 10, "AddOptions": 11, "MulOptions": 21, "DivOptions": 29,
           "StridedSliceOptions": 32}


# =========================================================================== #
# Real-looking audio
# =========================================================================== #

def audio(name, samples):
    """int16 audio: a logarithmic sweep 80 Hz -> 7.5 kHz across the whole length, under an
    envelope that rises, holds, dips to a quiet stretch (noise only) and comes back, plus
    white noise (sigma 200). Seeded from the fixture's name."""
    rng = np.random.default_rng(mf.seed_for(name + "/audio"))
    t = np.arange(samples) / SAMPLE_RATE
    duration = max(samples / SAMPLE_RATE, 1e-3)
    f0, f1 = 80.0, 7500.0
    k = np.log(f1 / f0) / duration
    phase = 2 * np.pi * f0 * (np.exp(k * t) - 1) / k
    x = t / duration
    envelope = np.interp(x, [0, 0.1, 0.45, 0.5, 0.6, 0.65, 1.0], [0.05, 0.7, 0.9, 0.0, 0.0, 0.6, 0.8])
    signal = 26000 * envelope * np.sin(phase) + rng.normal(0, 200, samples)
    return np.clip(np.round(signal), -32768, 32767).astype(np.int16)


def frames(name, count, length, hop, shape=None):
    """`count` frames of `length` samples, `hop` apart, from one stretch of audio."""
    a = audio(name, hop * (count - 1) + length)
    out = np.stack([a[i * hop:i * hop + length] for i in range(count)])
    return out.reshape((count,) + tuple(shape)) if shape is not None else out


# =========================================================================== #
# Operator constants (textbook definitions, micro_speech parameters)
# =========================================================================== #

def hann_q(length, bits, square_root=False):
    """Periodic-offset Hann window (samples at n + 1/2) in Q`bits`."""
    n = np.arange(length) + 0.5
    w = np.sin(np.pi * n / length) if square_root else 0.5 - 0.5 * np.cos(2 * np.pi * n / length)
    return np.round(w * (1 << bits)).astype(np.int16)


def mel(f):
    return np.float32(1127.0) * np.log1p(np.float32(f) / np.float32(700.0), dtype=np.float32)


def mel_filter_bank(spectrum_size, channels, low_hz, high_hz, alignment=1, block=1, bits=12):
    """Triangular mel filters in the layout TFLM's SignalFilterBank reads: channel i of
    channels + 1 (0 is scratch) starts at spectrum bin frequency_starts[i] and weight
    weight_starts[i] and spans widths[i] bins (padded to `block`, starts aligned down to
    `alignment` bytes of int16); each bin's weight goes to its channel, 1 - weight to the
    next. Returns (start_bin, end_bin, weights, unweights, frequency_starts, weight_starts,
    widths)."""
    hz_per_bin = (SAMPLE_RATE / 2) / (spectrum_size - 1)
    mel_low, mel_high = mel(low_hz), mel(high_hz)
    centers = mel_low + (mel_high - mel_low) / np.float32(channels + 1) * np.arange(1, channels + 2, dtype=np.float32)
    index_alignment = max(1, alignment // 2)
    start_bin = int(round(1 + low_hz / hz_per_bin))
    layout, bins, weight_cursor, has_zero_block = [], [], 0, False
    first = start_bin
    for c in range(channels + 1):
        last = first
        while mel(last * hz_per_bin) <= centers[c]:
            last += 1
        width = last - first
        bins.append((first, width))
        if width == 0:
            # An empty channel reads one block of zero weights kept at the front.
            layout.append([0, 0, block])
            if not has_zero_block:
                has_zero_block = True
                for entry in layout[:-1]:
                    entry[1] += block
                weight_cursor += block
        else:
            aligned = first // index_alignment * index_alignment
            padded = ((first - aligned + width - 1) // block + 1) * block
            layout.append([aligned, weight_cursor, padded])
            weight_cursor += padded
        first = last
    weights = np.zeros(weight_cursor, np.int16)
    unweights = np.zeros(weight_cursor, np.int16)
    end_bin = 0
    for c, ((first, width), (aligned, weight_start, _)) in enumerate(zip(bins, layout)):
        left = mel_low if c == 0 else centers[c - 1]
        for j in range(width):
            w = np.float32(centers[c] - mel((first + j) * hz_per_bin)) / np.float32(centers[c] - left)
            at = weight_start + (first - aligned) + j
            weights[at] = int(w * (1 << bits))
            unweights[at] = int((1 - w) * (1 << bits))
        end_bin = max(end_bin, first + width)
    table = np.array(layout, np.int16)
    return start_bin, end_bin, weights, unweights, table[:, 0].copy(), table[:, 1].copy(), table[:, 2].copy()


def pcan_gain_table(strength, offset, input_bits, gain_bits):
    """The 125-entry table TFLM's WideDynamicFunction reads: gain(x) = 2^gain_bits *
    (x / 2^input_bits + offset)^-strength, as x = 0, 1, then per power of two 2^(i-1) a
    quadratic through x0 = 2^(i-1), 1.5 x0 and 2 x0 (y0, 4(y1 - y0) - (y2 - y0), the
    rest, 0)."""
    def gain(x):
        value = np.float32(1 << gain_bits) * np.power(np.float32(x) / np.float32(1 << input_bits) + np.float32(offset),
                                                      np.float32(-strength), dtype=np.float32)
        return 32767 if value > 32767 else int(np.float32(value) + np.float32(0.5))
    table = np.zeros(4 * 32 - 3, np.int64)
    table[0], table[1] = gain(0), gain(1)
    for interval in range(2, 33):
        x0 = 1 << (interval - 1)
        x1 = x0 + (x0 >> 1)
        x2 = x0 + (x0 - 1) if interval == 32 else 2 * x0
        y0, y1, y2 = gain(x0), gain(x1), gain(x2)
        a1 = 4 * (y1 - y0) - (y2 - y0)
        base = 4 * interval - 6
        for i, v in enumerate([y0, a1, (y2 - y0) - a1, 0]):
            if base + i < len(table):
                table[base + i] = v
    return table.astype(np.int16)


def spectral_subtraction_options(channels, even=0.025, odd=0.06, smoothing_bits=10, min_remaining=0.05,
                                 clamping=False, bits=14):
    def q(v):
        return int(v * (1 << bits))
    return {"num_channels": channels, "smoothing": q(even), "one_minus_smoothing": (1 << bits) - q(even),
            "alternate_smoothing": q(odd), "alternate_one_minus_smoothing": (1 << bits) - q(odd),
            "smoothing_bits": smoothing_bits, "min_signal_remaining": q(min_remaining), "clamping": clamping,
            "spectral_subtraction_bits": bits}


# =========================================================================== #
# Models: a graph of tensors and operators, written with our FlatBuffers writer
# =========================================================================== #

class Graph:
    def __init__(self):
        self.tensors = []   # (name, shape, dtype, data)
        self.operators = []  # (opcode key, inputs, outputs, options)
        self.codes = []      # opcode keys in first-use order

    def tensor(self, name, shape, dtype, data=None):
        if data is not None:
            data = np.asarray(data).astype(NUMPY[dtype]).reshape(shape)
        self.tensors.append((name, list(shape), dtype, data))
        return len(self.tensors) - 1

    def const(self, name, values, dtype):
        values = np.asarray(values)
        return self.tensor(name, list(values.shape), dtype, values)

    def op(self, name, inputs, outputs, custom=None, builtin_options=None):
        """`name`: a builtin (RESHAPE) or a custom operator (SignalRfft); `custom`: its
        options dict; `builtin_options`: (options table name, Table)."""
        key = name if name in BUILTIN else "CUSTOM:" + name
        if key not in self.codes:
            self.codes.append(key)
        self.operators.append((key, list(inputs), list(outputs), custom, builtin_options))

    def build(self, inputs, outputs, description):
        buffers = [Table({})]
        tensor_tables = []
        for name, shape, dtype, data in self.tensors:
            buffer = 0
            if data is not None:
                buffers.append(Table({0: Blob(np.ascontiguousarray(data).astype(data.dtype.newbyteorder("<")).tobytes())}))
                buffer = len(buffers) - 1
            tensor_tables.append(Table({0: Vector(shape, "i"), 1: field("b", TENSOR_TYPE[dtype], 0),
                                        2: field("I", buffer, 0), 3: String(name)}))
        operators = []
        for key, ins, outs, custom, builtin_options in self.operators:
            fields = {0: field("I", self.codes.index(key), 0), 1: Vector(ins, "i"), 2: Vector(outs, "i")}
            if builtin_options is not None:
                fields[3] = Scalar("B", OPTIONS[builtin_options[0]])
                fields[4] = builtin_options[1]
            if custom is not None:
                fields[5] = Blob(flexbuffers.Dumps(custom), align=4)  # custom_options (FLEXBUFFERS, the default format)
            operators.append(Table(fields))
        codes = []
        for key in self.codes:
            if key.startswith("CUSTOM:"):
                codes.append(Table({0: Scalar("b", BUILTIN["CUSTOM"]), 1: String(key[7:]), 3: Scalar("i", BUILTIN["CUSTOM"])}))
            else:
                codes.append(Table({0: field("b", BUILTIN[key], 0), 3: field("i", BUILTIN[key], 0)}))
        subgraph = Table({0: Vector(tensor_tables), 1: Vector(inputs, "i"), 2: Vector(outputs, "i"),
                          3: Vector(operators), 4: String("main")})
        model = Table({0: Scalar("I", 3), 1: Vector(codes), 2: Vector([subgraph]), 3: String(description),
                       4: Vector(buffers)})
        return FlatBufferWriter().finish(model, "TFL3")


def activation_none(name):
    return (name, Table({}))


# =========================================================================== #
# Fixture specifications
# =========================================================================== #

class Fixture:
    """build() -> (model bytes, [input stream arrays], gated {output: valid output}).
    reset_before: invoke indices before which the interpreter is reset."""

    def __init__(self, name, covers, build, reset_before=()):
        assert name.startswith(PREFIX)
        self.name, self.covers, self.build, self.reset_before = name, covers, build, list(reset_before)


INVOKES = 60


def single(name, op, options, in_specs, out_specs, streams, consts=(), gated=None):
    """One custom operator. in_specs/out_specs: (name, shape, dtype); consts are
    (name, array, dtype) inputs after the streamed ones, in operator order."""
    def build():
        g = Graph()
        ins = [g.tensor(n, s, d) for n, s, d in in_specs]
        const_ids = [g.const(n, a, d) for n, a, d in consts]
        outs = [g.tensor(n, s, d) for n, s, d in out_specs]
        g.op(op, ins + const_ids, outs, custom=options)
        model = g.build(ins, outs, f"mcusim signal fixture {name}")
        return model, streams(), gated or {}
    return build


def fixtures():
    F = []
    # --- stateless single operators ---------------------------------------------------
    F.append(Fixture("sig_window_int16", "SignalWindow: two rows of 96 samples, Hann window in Q12, shift 12",
                     single("sig_window_int16", "SignalWindow", {"shift": 12},
                            [("audio", [2, 96], "int16")], [("windowed", [2, 96], "int16")],
                            lambda: frames("sig_window_int16", INVOKES, 192, 160, (2, 96)),
                            consts=[("hann_window", hann_q(96, 12), "int16")])))
    F.append(Fixture("sig_window_shift8_int16", "SignalWindow: square-root Hann in Q14, shift 8, so loud samples saturate",
                     single("sig_window_shift8_int16", "SignalWindow", {"shift": 8},
                            [("audio", [64], "int16")], [("windowed", [64], "int16")],
                            lambda: frames("sig_window_shift8_int16", INVOKES, 64, 64),
                            consts=[("sqrt_hann_window", hann_q(64, 14, square_root=True), "int16")])))

    def auto_scale_stream():
        x = frames("sig_fft_auto_scale_int16", INVOKES, 128, 96).astype(np.int32) // 4
        x[7, 3] = -32768    # MaxAbs16's int16 maximum wraps on -32768
        x[9, :] = 0         # silence
        x[11, 5] = -32768
        x[11, 6] = 100
        return x.astype(np.int16)
    F.append(Fixture("sig_fft_auto_scale_int16", "SignalFftAutoScale on 128 samples of quiet audio, with a silent frame and "
                     "-32768 samples (TFLM's MaxAbs16 wraps its int16 maximum there)",
                     single("sig_fft_auto_scale_int16", "SignalFftAutoScale", {},
                            [("audio", [128], "int16")], [("scaled", [128], "int16"), ("scale_bits", [], "int32")],
                            auto_scale_stream)))

    def rfft(name, covers, dtype, fft, shape, hop, scale=1.0):
        def stream():
            x = frames(name, INVOKES, int(np.prod(shape)), hop, shape)
            if dtype == "float32":
                return (x.astype(np.float32) / np.float32(32768)).astype(np.float32)
            if dtype == "int32":
                return x.astype(np.int32) * np.int32(scale)
            return x
        out_shape = list(shape[:-1]) + [fft + 2]
        F.append(Fixture(name, covers, single(name, "SignalRfft", {"T": TENSOR_TYPE[dtype], "fft_length": fft},
                                              [("frame", list(shape), dtype)], [("spectrum", out_shape, dtype)], stream)))
    rfft("sig_rfft_int16", "SignalRfft int16, 100 samples zero-padded to fft_length 128 (radix 4, 4, 4)", "int16", 128, [100], 128)
    rfft("sig_rfft_mixed_radix_int16", "SignalRfft int16, two rows of 120 samples, fft_length 120 (radix 4, 3, 5)",
         "int16", 120, [2, 120], 200)
    rfft("sig_rfft_int32", "SignalRfft int32 (Q31 kissfft), 64 samples scaled to 2^31, fft_length 64 (radix 4, 4, 2)",
         "int32", 64, [64], 64, scale=65536)
    rfft("sig_rfft_float", "SignalRfft float32, two rows of 80 samples, fft_length 80 (radix 4, 2, 5)", "float32", 80, [2, 80], 120)

    def irfft(name, covers, dtype, fft, rows):
        def stream():
            x = frames(name, INVOKES, rows * fft, fft * rows).reshape(INVOKES, rows, fft).astype(np.float64)
            spectrum = np.fft.rfft(x * np.hanning(fft), axis=-1)
            pairs = np.stack([spectrum.real, spectrum.imag], axis=-1).reshape(INVOKES, rows, fft + 2)
            if dtype == "float32":
                return (pairs / 32768 / fft).astype(np.float32)
            limit = 32767 if dtype == "int16" else 2 ** 31 - 1
            peak = np.abs(pairs).max() or 1
            return np.round(pairs / peak * limit * 0.9).astype(NUMPY[dtype])
        F.append(Fixture(name, covers, single(name, "SignalIrfft", {"T": TENSOR_TYPE[dtype], "fft_length": fft},
                                              [("spectrum", [rows, fft + 2], dtype)], [("frame", [rows, fft], dtype)], stream)))
    irfft("sig_irfft_int16", "SignalIrfft int16, fft_length 128, spectra of windowed audio", "int16", 128, 1)
    irfft("sig_irfft_int32", "SignalIrfft int32 (Q31 kissfft), two rows, fft_length 96 (radix 4, 4, 3)", "int32", 96, 2)
    irfft("sig_irfft_float", "SignalIrfft float32 (scaled by 1/fft_length), fft_length 160 (radix 4, 4, 5)", "float32", 160, 1)

    def spectra(name, bins, count=INVOKES):
        """Power spectra of windowed audio frames (uint32, as SignalEnergy outputs them)."""
        fft = 2 * (bins - 1)
        x = frames(name, count, fft, fft // 2).astype(np.float64) * np.hanning(fft)
        power = np.abs(np.fft.rfft(x, axis=-1)) ** 2 / fft
        return np.minimum(power, 2 ** 31).astype(np.uint32)

    def complex_stream():
        x = frames("sig_energy_int16", INVOKES, 128, 96).astype(np.float64) * np.hanning(128)
        s = np.fft.rfft(x, axis=-1) / 64
        return np.clip(np.round(np.stack([s.real, s.imag], axis=-1).reshape(INVOKES, 130)), -32768, 32767).astype(np.int16)
    F.append(Fixture("sig_energy_int16", "SignalEnergy over all 65 bins of an int16 spectrum (re^2 + im^2 as uint32)",
                     single("sig_energy_int16", "SignalEnergy", {"start_index": 0, "end_index": 65},
                            [("spectrum", [130], "int16")], [("energy", [65], "uint32")], complex_stream)))

    bank16 = mel_filter_bank(65, 16, 125.0, 3800.0, alignment=4, block=4)
    F.append(Fixture("sig_filter_bank", "SignalFilterBank: 16 mel channels over 65 bins (alignment 4, blocks of 4), uint64 sums",
                     single("sig_filter_bank", "SignalFilterBank", {"num_channels": 16},
                            [("energy", [65], "uint32")], [("channels", [16], "uint64")],
                            lambda: spectra("sig_filter_bank", 65),
                            consts=[("weights", bank16[2], "int16"), ("unweights", bank16[3], "int16"),
                                    ("channel_frequency_starts", bank16[4], "int16"),
                                    ("channel_weight_starts", bank16[5], "int16"), ("channel_widths", bank16[6], "int16")])))

    def sqrt_streams():
        rng = np.random.default_rng(mf.seed_for("sig_filter_bank_square_root"))
        e = spectra("sig_filter_bank_square_root", 33).astype(np.uint64)[:, :24]
        x = e * rng.integers(1, 1 << 20, size=e.shape).astype(np.uint64)  # past 2^32, where Sqrt64 leaves its shortcut
        x[:, 0] = np.uint64(2 ** 64 - 1)
        x[:, 1] = np.uint64(2 ** 32 - 1)
        x[:, 2] = 0
        bits = (np.arange(INVOKES) % 8).astype(np.int32).reshape(INVOKES)
        return [x, bits]
    F.append(Fixture("sig_filter_bank_square_root", "SignalFilterBankSquareRoot: 24 uint64 channels (up to 2^64 - 1 and "
                     "around 2^32) shifted by a scale_bits input of 0...7",
                     single("sig_filter_bank_square_root", "SignalFilterBankSquareRoot", {},
                            [("channels", [24], "uint64"), ("scale_bits", [], "int32")], [("roots", [24], "uint32")],
                            sqrt_streams)))

    def channel_stream(name, channels=16):
        x = spectra(name, 2 * channels + 1)[:, 1:channels + 1].astype(np.float64)
        return np.minimum(np.sqrt(x) * 8, 2 ** 32 - 1).astype(np.uint32)
    for name, clamping, reset in [("sig_spectral_subtraction", False, 40), ("sig_spectral_subtraction_clamping", True, 25)]:
        F.append(Fixture(name, f"SignalFilterBankSpectralSubtraction: 16 channels, even/odd smoothing 0.025/0.06, "
                         f"clamping {str(clamping).lower()}; the noise estimates carry over invokes; reset before invoke {reset}",
                         single(name, "SignalFilterBankSpectralSubtraction", spectral_subtraction_options(16, clamping=clamping),
                                [("channels", [16], "uint32")], [("cleaned", [16], "uint32"), ("noise_estimate", [16], "uint32")],
                                lambda name=name: channel_stream(name)),
                         reset_before=[reset]))

    def pcan_streams():
        s = channel_stream("sig_pcan").astype(np.uint64)
        rng = np.random.default_rng(mf.seed_for("sig_pcan"))
        noise = (s * rng.uniform(0.05, 0.9, size=s.shape)).astype(np.uint32)
        noise[3, :4] = [0, 1, 2, 3]  # the table's direct entries
        noise[4, :2] = [2 ** 32 - 1, 2 ** 31]
        return [s.astype(np.uint32), noise]
    F.append(Fixture("sig_pcan", "SignalPCAN: 16 channels, snr_shift 6, gain table for strength 0.95, offset 80, "
                     "gain bits 21 (noise estimates from 0 to 2^32 - 1)",
                     single("sig_pcan", "SignalPCAN", {"snr_shift": 6},
                            [("channels", [16], "uint32"), ("noise_estimate", [16], "uint32")], [("normalized", [16], "uint32")],
                            pcan_streams, consts=[("gain_lut", pcan_gain_table(0.95, 80.0, 10 - 3, 21), "int16")])))

    def log_stream():
        x = channel_stream("sig_filter_bank_log").astype(np.uint64) * 37
        x[:, 0] = 0
        x[:, 1] = 1
        x[5, 2] = 2 ** 32 - 1
        return np.minimum(x, 2 ** 32 - 1).astype(np.uint32)
    F.append(Fixture("sig_filter_bank_log", "SignalFilterBankLog: 16 channels, input_correction_bits 3, output_scale 64 "
                     "(0, 1 and 2^32 - 1 included; values past int16 saturate)",
                     single("sig_filter_bank_log", "SignalFilterBankLog", {"input_correction_bits": 3, "output_scale": 64},
                            [("channels", [16], "uint32")], [("log", [16], "int16")], log_stream)))

    # --- stateful single operators -----------------------------------------------------
    F.append(Fixture("sig_delay_int16", "SignalDelay: two rows of 40 samples delayed by 25 samples across invokes; reset before invoke 30",
                     single("sig_delay_int16", "SignalDelay", {"delay_length": 25},
                            [("audio", [2, 40], "int16")], [("delayed", [2, 40], "int16")],
                            lambda: frames("sig_delay_int16", INVOKES, 80, 80, (2, 40))),
                     reset_before=[30]))
    F.append(Fixture("sig_framer_prefill_int16", "SignalFramer: 160 new samples per invoke into 240-sample frames every 80 "
                     "samples, prefilled with zeros (always valid); reset before invoke 33",
                     single("sig_framer_prefill_int16", "SignalFramer", {"frame_size": 240, "frame_step": 80, "prefill": True},
                            [("audio", [1, 160], "int16")], [("frames", [1, 2, 240], "int16"), ("valid", [], "bool")],
                            lambda: frames("sig_framer_prefill_int16", INVOKES, 160, 160, (1, 160)), gated={0: 1}),
                     reset_before=[33]))
    F.append(Fixture("sig_framer_int16", "SignalFramer: 96 new samples per invoke into 200-sample frames every 32 samples "
                     "(capacity 224), no prefill, so the first invokes are not valid; reset before invoke 41",
                     single("sig_framer_int16", "SignalFramer", {"frame_size": 200, "frame_step": 32, "prefill": False},
                            [("audio", [96], "int16")], [("frames", [3, 200], "int16"), ("valid", [], "bool")],
                            lambda: frames("sig_framer_int16", INVOKES, 96, 96), gated={0: 1}),
                     reset_before=[41]))

    def stacker_stream(name):
        return np.minimum(channel_stream(name, 12), 32767).astype(np.int16)
    for name, left, right, step, reset in [("sig_stacker", 2, 1, 1, 31), ("sig_stacker_step2", 1, 2, 2, 27)]:
        F.append(Fixture(name, f"SignalStacker: 12 channels, left context {left}, right context {right}, step {step} "
                         f"(first frame repeated {left} times; not valid until the right context arrives); reset before invoke {reset}",
                         single(name, "SignalStacker", {"num_channels": 12, "stacker_left_context": left,
                                                        "stacker_right_context": right, "stacker_step": step},
                                [("features", [12], "int16")], [("stacked", [12 * (left + right + 1)], "int16"), ("valid", [], "bool")],
                                lambda name=name: stacker_stream(name), gated={0: 1}),
                         reset_before=[reset]))

    def overlap_stream(name, dtype, shape):
        x = frames(name, INVOKES, int(np.prod(shape)), int(np.prod(shape)), shape)
        if dtype == "float32":
            return (x.astype(np.float32) / np.float32(32768)).astype(np.float32)
        return (x.astype(np.int32) * 3 // 4).astype(np.int16)
    F.append(Fixture("sig_overlap_add_int16", "SignalOverlapAdd int16: two rows of 3 frames of 64 samples, step 32 "
                     "(saturating sums carried across invokes); reset before invoke 29",
                     single("sig_overlap_add_int16", "SignalOverlapAdd", {"T": TENSOR_TYPE["int16"], "frame_step": 32},
                            [("frames", [2, 3, 64], "int16")], [("audio", [2, 96], "int16")],
                            lambda: overlap_stream("sig_overlap_add_int16", "int16", (2, 3, 64))),
                     reset_before=[29]))
    F.append(Fixture("sig_overlap_add_float", "SignalOverlapAdd float32: 2 frames of 48 samples, step 16; reset before invoke 35",
                     single("sig_overlap_add_float", "SignalOverlapAdd", {"T": TENSOR_TYPE["float32"], "frame_step": 16},
                            [("frames", [1, 2, 48], "float32")], [("audio", [1, 32], "float32")],
                            lambda: overlap_stream("sig_overlap_add_float", "float32", (1, 2, 48))),
                     reset_before=[35]))

    # --- pipelines ---------------------------------------------------------------------
    F.append(Fixture("sig_pipeline_frontend_int8", "micro_speech's audio front end with int8 features, as TFLM's "
                     "audio_preprocessor_int8.tflite: 30 ms windows every 20 ms, Hann Q12, FFT 512, energy over "
                     "the filter bank's bins, 40 mel channels 125-7500 Hz, square root, spectral subtraction, PCAN, "
                     "log, then CAST/MUL/ADD/DIV/ADD/MINIMUM/MAXIMUM/CAST to int8",
                     lambda: frontend("sig_pipeline_frontend_int8", float_output=False), reset_before=[45]))
    F.append(Fixture("sig_pipeline_frontend_float", "the same front end with float features, as "
                     "audio_preprocessor_float.tflite (CAST to float32, MUL by 1/25.6)",
                     lambda: frontend("sig_pipeline_frontend_float", float_output=True)))
    F.append(Fixture("sig_pipeline_streaming_int16", "a streaming front end on 10 ms of new audio per invoke: SignalDelay "
                     "(24 samples), SignalFramer (480 every 160, prefill), window, RESHAPE, auto-scale, RFFT 512, energy "
                     "over all bins, 40-channel filter bank, square root, spectral subtraction with clamping, PCAN, log, "
                     "SignalStacker (left 2, right 1): every stateful kernel in one model; reset before invoke 50",
                     streaming_frontend, reset_before=[50]))
    F.append(Fixture("sig_pipeline_resynthesis_int16", "analysis and resynthesis: SignalFramer (320 every 160, prefill), "
                     "square-root Hann, RFFT 320 (radix 4, 4, 2, 5), IRFFT 320, square-root Hann, RESHAPE, "
                     "SignalOverlapAdd (step 160), int16",
                     lambda: resynthesis("sig_pipeline_resynthesis_int16", float_path=False)))
    F.append(Fixture("sig_pipeline_resynthesis_float", "the same resynthesis in float32 after the window (CAST), RFFT and "
                     "IRFFT float, SignalOverlapAdd float; reset before invoke 20",
                     lambda: resynthesis("sig_pipeline_resynthesis_float", float_path=True), reset_before=[20]))
    return F


# micro_speech's FeatureParams.
FRONTEND = dict(window=480, stride=320, fft=512, channels=40, low=125.0, high=7500.0, window_bits=12,
                filter_bits=12, alignment=4, block=4, post_scaling_bits=6, pcan_strength=0.95, pcan_offset=80.0,
                pcan_gain_bits=21, pcan_smoothing_bits=10)


def frontend_features(g, audio_in, f, prefix="", energy_range=None, clamping=False):
    """Window .. log: the micro_speech front end's signal operators. Returns the int16
    feature tensor (and the energy bins used)."""
    bank = mel_filter_bank(f["fft"] // 2 + 1, f["channels"], f["low"], f["high"], f["alignment"], f["block"], f["filter_bits"])
    start, end = bank[0], bank[1]
    n = f["window"]
    windowed = g.tensor(prefix + "signal_window", [1, n], "int16")
    g.op("SignalWindow", [audio_in, g.const(prefix + "hann_window", hann_q(n, f["window_bits"]), "int16")], [windowed],
         custom={"shift": f["window_bits"]})
    flat = g.tensor(prefix + "reshape", [n], "int16")
    g.op("RESHAPE", [windowed, g.const(prefix + "reshape_shape", np.array([n], np.int32), "int32")], [flat])
    scaled = g.tensor(prefix + "signal_fft_auto_scale", [n], "int16")
    shift = g.tensor(prefix + "signal_fft_auto_scale_bits", [], "int32")
    g.op("SignalFftAutoScale", [flat], [scaled, shift], custom={})
    spectrum = g.tensor(prefix + "signal_rfft", [f["fft"] + 2], "int16")
    g.op("SignalRfft", [scaled], [spectrum], custom={"T": TENSOR_TYPE["int16"], "fft_length": f["fft"]})
    bins = f["fft"] // 2 + 1
    lo, hi = energy_range if energy_range is not None else (start, end)
    energy = g.tensor(prefix + "signal_energy", [bins], "uint32")
    g.op("SignalEnergy", [spectrum], [energy], custom={"end_index": hi, "start_index": lo})
    if energy_range is None:
        # The energy op leaves bins outside [start, end) unwritten: micro_speech zeroes them with
        # CAST, STRIDED_SLICE, CONCATENATION and CAST back.
        as_int = g.tensor(prefix + "energy_int32", [bins], "int32")
        g.op("CAST", [energy], [as_int])
        sliced = g.tensor(prefix + "energy_slice", [end - start], "int32")
        g.op("STRIDED_SLICE", [as_int, g.const(prefix + "slice_begin", np.array([start], np.int32), "int32"),
                               g.const(prefix + "slice_end", np.array([end], np.int32), "int32"),
                               g.const(prefix + "slice_strides", np.array([1], np.int32), "int32")], [sliced],
             builtin_options=("StridedSliceOptions", Table({})))
        joined = g.tensor(prefix + "energy_concat", [bins], "int32")
        g.op("CONCATENATION", [g.const(prefix + "zeros_head", np.zeros(start, np.int32), "int32"), sliced,
                               g.const(prefix + "zeros_tail", np.zeros(bins - end, np.int32), "int32")], [joined],
             builtin_options=("ConcatenationOptions", Table({})))
        energy = g.tensor(prefix + "energy_uint32", [bins], "uint32")
        g.op("CAST", [joined], [energy])
    channels = f["channels"]
    bank_out = g.tensor(prefix + "signal_filter_bank", [channels], "uint64")
    g.op("SignalFilterBank", [energy] + [g.const(prefix + name, values, "int16") for name, values in
                                         zip(["fb_weights", "fb_unweights", "fb_frequency_starts", "fb_weight_starts",
                                              "fb_widths"], bank[2:])],
         [bank_out], custom={"num_channels": channels})
    roots = g.tensor(prefix + "signal_filter_bank_square_root", [channels], "uint32")
    g.op("SignalFilterBankSquareRoot", [bank_out, shift], [roots], custom={})
    cleaned = g.tensor(prefix + "signal_spectral_subtraction", [channels], "uint32")
    noise = g.tensor(prefix + "signal_noise_estimate", [channels], "uint32")
    g.op("SignalFilterBankSpectralSubtraction", [roots], [cleaned, noise],
         custom=spectral_subtraction_options(channels, clamping=clamping))
    correction = int(np.log2(f["fft"])) - f["filter_bits"] // 2
    snr_shift = 6
    normalized = g.tensor(prefix + "signal_pcan", [channels], "uint32")
    g.op("SignalPCAN", [cleaned, noise, g.const(prefix + "pcan_gain_lut", pcan_gain_table(
        f["pcan_strength"], f["pcan_offset"], f["pcan_smoothing_bits"] - correction, f["pcan_gain_bits"]), "int16")],
         [normalized], custom={"snr_shift": snr_shift})
    log = g.tensor(prefix + "signal_filter_bank_log", [channels], "int16")
    g.op("SignalFilterBankLog", [normalized], [log],
         custom={"input_correction_bits": correction, "output_scale": 1 << f["post_scaling_bits"]})
    return log


def frontend(name, float_output):
    f = FRONTEND
    g = Graph()
    audio_in = g.tensor("audio_frame", [1, f["window"]], "int16")
    log = frontend_features(g, audio_in, f)
    channels = f["channels"]
    if float_output:
        as_float = g.tensor("features_float", [channels], "float32")
        g.op("CAST", [log], [as_float])
        out = g.tensor("features", [channels], "float32")
        g.op("MUL", [as_float, g.const("legacy_scale", np.array(1 / 25.6, np.float32), "float32")], [out],
             builtin_options=activation_none("MulOptions"))
    else:
        # ((feature * 256) + 666 / 2) / 666 - 128, clipped to int8 (TruncateDiv lowers to DIV).
        def step(op, previous, constant, label, options):
            t = g.tensor(label, [channels], "int32")
            g.op(op, [previous, g.const(label + "_operand", np.array(constant, np.int32), "int32")], [t],
                 builtin_options=None if options is None else activation_none(options))
            return t
        x = g.tensor("features_int32", [channels], "int32")
        g.op("CAST", [log], [x])
        x = step("MUL", x, 256, "scaled", "MulOptions")
        x = step("ADD", x, 666 // 2, "rounded", "AddOptions")
        x = step("DIV", x, 666, "divided", "DivOptions")
        x = step("ADD", x, -128, "offset", "AddOptions")
        x = step("MINIMUM", x, 127, "clip_high", None)
        x = step("MAXIMUM", x, -128, "clip_low", None)
        out = g.tensor("features", [channels], "int8")
        g.op("CAST", [x], [out])
    model = g.build([audio_in], [out], f"mcusim signal fixture {name}")
    return model, frontend_stream(), {}


def frontend_stream():
    """60 windows of 480 samples every 320 (about 1.2 s): shared by both front-end
    fixtures and the goldens of TFLM's own audio_preprocessor models."""
    return frames("sig_pipeline_frontend", INVOKES, FRONTEND["window"], FRONTEND["stride"], (1, FRONTEND["window"]))


def streaming_frontend():
    f = dict(FRONTEND)
    g = Graph()
    hop = 160
    audio_in = g.tensor("audio", [hop], "int16")
    delayed = g.tensor("delayed", [hop], "int16")
    g.op("SignalDelay", [audio_in], [delayed], custom={"delay_length": 24})
    framed = g.tensor("framed", [1, f["window"]], "int16")
    framed_valid = g.tensor("framed_valid", [], "bool")
    g.op("SignalFramer", [delayed], [framed, framed_valid], custom={"frame_size": f["window"], "frame_step": hop, "prefill": True})
    log = frontend_features(g, framed, f, energy_range=(0, f["fft"] // 2 + 1), clamping=True)
    stacked = g.tensor("stacked", [4 * f["channels"]], "int16")
    valid = g.tensor("stacked_valid", [], "bool")
    g.op("SignalStacker", [log], [stacked, valid], custom={"num_channels": f["channels"], "stacker_left_context": 2,
                                                        "stacker_right_context": 1, "stacker_step": 1})
    model = g.build([audio_in], [stacked, valid], "mcusim signal fixture sig_pipeline_streaming_int16")
    return model, frames("sig_pipeline_streaming_int16", INVOKES, hop, hop), {0: 1}


def resynthesis(name, float_path):
    g = Graph()
    hop, size = 160, 320
    audio_in = g.tensor("audio", [hop], "int16")
    framed = g.tensor("framed", [1, size], "int16")
    valid = g.tensor("framed_valid", [], "bool")
    g.op("SignalFramer", [audio_in], [framed, valid], custom={"frame_size": size, "frame_step": hop, "prefill": True})
    window = hann_q(size, 14, square_root=True)
    windowed = g.tensor("windowed", [1, size], "int16")
    g.op("SignalWindow", [framed, g.const("analysis_window", window, "int16")], [windowed], custom={"shift": 14})
    dtype = "float32" if float_path else "int16"
    frame = windowed
    if float_path:
        frame = g.tensor("windowed_float", [1, size], "float32")
        g.op("CAST", [windowed], [frame])
    spectrum = g.tensor("spectrum", [1, size + 2], dtype)
    g.op("SignalRfft", [frame], [spectrum], custom={"T": TENSOR_TYPE[dtype], "fft_length": size})
    restored = g.tensor("restored", [1, size], dtype)
    g.op("SignalIrfft", [spectrum], [restored], custom={"T": TENSOR_TYPE[dtype], "fft_length": size})
    if not float_path:
        synthesis = g.tensor("synthesis", [1, size], "int16")
        g.op("SignalWindow", [restored, g.const("synthesis_window", window, "int16")], [synthesis], custom={"shift": 7})
        restored = synthesis
    frames3 = g.tensor("frames", [1, 1, size], dtype)
    g.op("RESHAPE", [restored, g.const("frames_shape", np.array([1, 1, size], np.int32), "int32")], [frames3])
    out = g.tensor("output", [1, hop], dtype)
    g.op("SignalOverlapAdd", [frames3], [out], custom={"T": TENSOR_TYPE[dtype], "frame_step": hop})
    model = g.build([audio_in], [out], f"mcusim signal fixture {name}")
    return model, frames(name, INVOKES, hop, hop), {}


# =========================================================================== #
# TFLM side (child processes; numpy + tflite_micro only)
# =========================================================================== #

def describe(model_bytes):
    """Operators (CUSTOM:<name> for custom ones, with decoded options) and interface tensors."""
    from tflite_micro.python.tflite_micro import runtime
    fb = runtime.schema_fb
    names = mf._enum_names(fb.BuiltinOperator)
    types = mf._enum_names(fb.TensorType)
    model = runtime.convert_bytearray_to_object(bytearray(model_bytes))
    graph = model.subgraphs[0]

    def tensor(i):
        t = graph.tensors[i]
        return {"shape": [int(d) for d in (t.shape if t.shape is not None else [])], "dtype": types[t.type].lower()}
    ops = []
    for op in graph.operators:
        code = model.operatorCodes[op.opcodeIndex]
        builtin = runtime.get_builtin_code_from_operator_code(code)
        entry = {"op": "CUSTOM:" + code.customCode.decode() if builtin == fb.BuiltinOperator.CUSTOM else names[builtin]}
        if op.customOptions is not None:
            entry["custom_options"] = flexbuffers.Loads(bytes(op.customOptions))
        entry["dtypes"] = ",".join(tensor(int(i))["dtype"] for i in op.inputs) + "->" + \
            ",".join(tensor(int(i))["dtype"] for i in op.outputs)
        ops.append(entry)
    return {"ops": ops, "inputs": [tensor(int(i)) for i in graph.inputs], "outputs": [tensor(int(i)) for i in graph.outputs]}


def new_interpreter(model_bytes, arena=ARENA_BYTES):
    from tflite_micro.python.tflite_micro import runtime
    return runtime.Interpreter.from_bytes(model_bytes, arena_size=arena,
                                          intrepreter_config=runtime.InterpreterConfig.kAllocationRecording)


def run_stream(model_bytes, streams, reset_before):
    """Invoke once per row of the input streams; returns stacked outputs and the arena record."""
    from tflite_micro.python.tflite_micro import runtime
    n_out = len(runtime.convert_bytearray_to_object(bytearray(model_bytes)).subgraphs[0].outputs)
    it = new_interpreter(model_bytes)
    count = len(streams[0])
    outputs, arena = None, None
    for k in range(count):
        if k in reset_before:
            it.reset()
        for i, s in enumerate(streams):
            it.set_input(np.array(s[k]), i)
        it.invoke()
        got = [np.ascontiguousarray(it.get_output(i)).copy() for i in range(n_out)]
        outputs = [[] for _ in got] if outputs is None else outputs
        for i, a in enumerate(got):
            outputs[i].append(a)
        if k == 0:
            with mf.captured_stderr_fd() as log:
                it.print_allocations()
            arena = mf.parse_allocations(log["text"])
    # get_output gives a scalar tensor as one element; keep the tensor's own shape per row.
    shapes = [describe(model_bytes)["outputs"][i]["shape"] for i in range(n_out)]
    return [np.stack(o).reshape([count] + shapes[i]) for i, o in enumerate(outputs)], arena


def mask_unwritten(outputs, gated):
    """Rows of a gated output on invokes where its valid output is false hold arena
    leftovers that differ from run to run: store them as zeros."""
    for output, valid in gated.items():
        flags = outputs[int(valid)].reshape(len(outputs[int(valid)]), -1)[:, 0].astype(bool)
        outputs[int(output)][~flags] = 0
    return outputs


def arena_works(model_bytes, streams, size):
    """AllocateTensors and one invoke succeed with `size` bytes (in a forked child: the
    wrapper crashes on arenas too small for the allocator itself)."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
            it = new_interpreter(model_bytes, size)
            for i, s in enumerate(streams):
                it.set_input(np.array(s[0]), i)
            it.invoke()
            code = 0
        except BaseException:  # noqa: BLE001
            code = 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.WEXITSTATUS(status) == 0 if os.WIFEXITED(status) else False


def minimum_arena(model_bytes, streams, hint):
    hi = (hint + 15) // 16 * 16
    while not arena_works(model_bytes, streams, hi):
        hi *= 2
    lo = 0
    while hi - lo > 16:
        mid = (lo + hi) // 2 // 16 * 16
        if mid <= lo:
            break
        if arena_works(model_bytes, streams, mid):
            hi = mid
        else:
            lo = mid
    return hi


def worker(args):
    """Child process: run one model over its streams; write the stacked outputs; print JSON."""
    with open(args.model, "rb") as f:
        model_bytes = f.read()
    streams = [np.load(p) for p in json.loads(args.streams)]
    reset_before = json.loads(args.reset)
    gated = json.loads(args.gated)
    with mf.captured_stderr_fd() as log:
        try:
            outputs, arena = run_stream(model_bytes, streams, reset_before)
            outputs = mask_unwritten(outputs, gated)
            error = None
        except Exception as e:  # noqa: BLE001 - TFLM raises RuntimeError with its message
            error = str(e)
    if error is not None:
        print(json.dumps({"refused": error + " | TFLM log: " + mf._one_line(log["text"])}))
        return
    files, digests = [], []
    for i, o in enumerate(outputs):
        path = f"{args.prefix}.stream.output{i if i else ''}.npy"
        np.save(path, o)
        files.append(os.path.basename(path))
        digests.append(mf.sha256_hex(o.tobytes()))
    result = {"outputs": files, "sha256": digests, "arena": arena,
              "min_arena_bytes": minimum_arena(model_bytes, streams, arena["arena_used_bytes"])}
    print(json.dumps(result))


def run_tflm(model_path, prefix, stream_paths, reset_before, gated=None):
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--worker", "--model", model_path,
                           "--prefix", prefix, "--streams", json.dumps(stream_paths),
                           "--reset", json.dumps(reset_before), "--gated", json.dumps(gated or {})],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        return {"refused": f"TFLM process exited with status {proc.returncode}: {mf._one_line(proc.stderr)[-600:]}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# =========================================================================== #
# main
# =========================================================================== #

def arena_entry(result):
    arena = result["arena"]
    return {"arena_used_bytes": arena["arena_used_bytes"], "arena_head_bytes": arena["arena_head_bytes"],
            "arena_tail_bytes": arena["arena_tail_bytes"],
            "persistent": {a["kind"]: [a["used"], a["requested"], a["count"]] for a in arena["persistent"]},
            "min_arena_bytes": result["min_arena_bytes"]}


def generate(out_dir, log, only=None):
    entries, problems, written = {}, [], {}
    for fx in fixtures():
        if only and fx.name not in only:
            continue
        model, streams, gated = fx.build()
        streams = streams if isinstance(streams, list) else [streams]
        path = os.path.join(out_dir, fx.name + ".tflite")
        with open(path, "wb") as f:
            f.write(model)
        stream_files = []
        for i, s in enumerate(streams):
            # Fixtures fed the same audio share one file (the two front ends).
            digest = mf.sha256_hex(s.tobytes()) + str(s.dtype) + str(s.shape)
            if digest not in written:
                written[digest] = f"{fx.name}.stream.input{i if i else ''}.npy"
                np.save(os.path.join(out_dir, written[digest]), s)
            stream_files.append(written[digest])
        result = run_tflm(path, os.path.join(out_dir, fx.name), [os.path.join(out_dir, s) for s in stream_files],
                          fx.reset_before, gated)
        if "refused" in result:
            problems.append(f"{fx.name}: TFLM refused: {result['refused'][:300]}")
            log(f"{fx.name:36s} REFUSED {result['refused'][:120]}")
            continue
        described = describe(model)
        entries[fx.name] = {
            "file": fx.name + ".tflite", "bytes": len(model), "covers": fx.covers, "ops": described["ops"],
            "inputs": described["inputs"], "outputs": described["outputs"],
            "invokes": len(streams[0]), "reset_before": fx.reset_before,
            "gated_outputs": {str(k): v for k, v in gated.items()},
            "stream_inputs": stream_files, "stream_outputs": result["outputs"], "sha256": result["sha256"],
            "tflm": arena_entry(result),
        }
        log(f"{fx.name:36s} ok {len(model):6d} B  arena {result['arena']['arena_used_bytes']:6d} "
            f"(head {result['arena']['arena_head_bytes']}, min {result['min_arena_bytes']})  {len(streams[0])} invokes")
    return entries, problems


def external(checkout, out_dir, log):
    """Goldens of TFLM's own micro_speech front-end models over the front-end stream."""
    folder = os.path.join(checkout, "tensorflow/lite/micro/examples/micro_speech/models")
    stream = "sig_pipeline_frontend_int8.stream.input.npy"
    entries = {}
    for kind in ("int8", "float"):
        relative = f"tensorflow/lite/micro/examples/micro_speech/models/audio_preprocessor_{kind}.tflite"
        with open(os.path.join(checkout, relative), "rb") as f:
            model = f.read()
        name = f"{EXTERNAL_PREFIX}audio_preprocessor_{kind}"
        model_path = os.path.join(folder, f"audio_preprocessor_{kind}.tflite")
        result = run_tflm(model_path, os.path.join(out_dir, name), [os.path.join(out_dir, stream)], [45])
        if "refused" in result:
            raise SystemExit(f"{name}: TFLM refused: {result['refused']}")
        entries[name] = {"model": relative, "model_sha256": hashlib.sha256(model).hexdigest(), "bytes": len(model),
                         "ops": describe(model)["ops"], "invokes": int(np.load(os.path.join(out_dir, stream)).shape[0]),
                         "reset_before": [45], "gated_outputs": {}, "stream_inputs": [stream],
                         "stream_outputs": result["outputs"], "sha256": result["sha256"], "tflm": arena_entry(result)}
        log(f"{name:36s} ok  arena {result['arena']['arena_used_bytes']} (min {result['min_arena_bytes']})")
    return entries


def verify(folder):
    with open(os.path.join(folder, INDEX_NAME)) as f:
        document = json.load(f)
    failures = 0
    for group in ("fixtures", "external"):
        for name, fx in document.get(group, {}).items():
            model_path = os.path.join(folder, fx["file"]) if "file" in fx else None
            if model_path is None:
                checkout = os.environ.get("MCUSIM_TFLM_CHECKOUT", "")
                model_path = os.path.join(checkout, fx["model"])
                if not checkout or not os.path.exists(model_path):
                    print(f"{name:36s} skipped (set MCUSIM_TFLM_CHECKOUT to a TFLM checkout)")
                    continue
            with open(model_path, "rb") as f:
                model_bytes = f.read()
            streams = [np.load(os.path.join(folder, s)) for s in fx["stream_inputs"]]
            outputs, arena = run_stream(model_bytes, streams, fx["reset_before"])
            outputs = mask_unwritten(outputs, fx["gated_outputs"])
            problems = [f"output {i} differs" for i, (o, digest) in enumerate(zip(outputs, fx["sha256"]))
                        if mf.sha256_hex(o.tobytes()) != digest]
            problems += [f"{k} {arena[k]} != {fx['tflm'][k]}" for k in ("arena_used_bytes", "arena_head_bytes", "arena_tail_bytes")
                         if arena[k] != fx["tflm"][k]]
            failures += bool(problems)
            print(f"{name:36s} {'ok' if not problems else 'FAIL ' + '; '.join(problems)}", flush=True)
    print("all ok" if failures == 0 else f"{failures} failed")
    return failures == 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=DEFAULT_OUT)
    p.add_argument("--list", action="store_true")
    p.add_argument("--verify", action="store_true")
    p.add_argument("--only", action="append", help="regenerate only this fixture (repeatable; keeps the others' entries)")
    p.add_argument("--tflm-checkout", help="a TFLM checkout: also record goldens for its micro_speech audio_preprocessor models")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--model", help=argparse.SUPPRESS)
    p.add_argument("--prefix", help=argparse.SUPPRESS)
    p.add_argument("--streams", help=argparse.SUPPRESS)
    p.add_argument("--reset", default="[]", help=argparse.SUPPRESS)
    p.add_argument("--gated", default="{}", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        worker(args)
        return
    if args.list:
        print("\n".join(fx.name for fx in fixtures()))
        return
    if args.verify:
        sys.exit(0 if verify(args.out) else 1)

    os.makedirs(args.out, exist_ok=True)
    index_path = os.path.join(args.out, INDEX_NAME)
    previous = {}
    if os.path.exists(index_path):
        with open(index_path) as f:
            previous = json.load(f)
    owned = tuple(f"{n}." for n in args.only) if args.only else (PREFIX,)
    for entry in os.listdir(args.out):
        if entry.startswith(owned) and entry.endswith((".tflite", ".npy")):
            os.remove(os.path.join(args.out, entry))
    entries, problems = generate(args.out, lambda s: print(s, flush=True), only=args.only)
    if args.only:
        entries = {**previous.get("fixtures", {}), **entries}
        entries = {fx.name: entries[fx.name] for fx in fixtures() if fx.name in entries}
    ext = previous.get("external", {})
    if args.tflm_checkout:
        for entry in os.listdir(args.out):
            if entry.startswith(EXTERNAL_PREFIX) and entry.endswith(".npy"):
                os.remove(os.path.join(args.out, entry))
        ext = external(args.tflm_checkout, args.out, lambda s: print(s, flush=True))
    from importlib.metadata import version
    document = {
        "about": "mcusim signal-library fixtures: models of TFLM's signal custom operators written by "
                 "make_signal_fixtures.py (FlatBuffers writer of make_handmade_fixtures.py, options encoded with "
                 "flatbuffers.flexbuffers), run in TFLM (tflite_micro wheel, whose Python interpreter registers the "
                 "signal kernels; x86-64 host) over streams of sine-sweep-plus-noise audio, one invoke per row.",
        "versions": {p_: version(p_) for p_ in ("tflite-micro", "numpy", "flatbuffers")},
        "files": "NAME.tflite; NAME.stream.input<i>.npy: input i of every invoke, stacked along a new first axis; "
                 "NAME.stream.output<i>.npy: TFLM's output i of every invoke, stacked likewise (<i> empty for 0)",
        "semantics": {"reset_before": "the interpreter is reset (TFLM's Interpreter.reset(): kernels' reset "
                                      "functions and variable tensors) before these invokes",
                      "gated_outputs": "{output: valid output}: TFLM does not write the output on invokes where the "
                                       "bool valid output is false (it holds arena leftovers, which differ from run "
                                       "to run); those rows are stored as zeros: compare it only where valid is true"},
        "arena": {"arena_bytes": ARENA_BYTES,
                  "note": "RecordingMicroAllocator numbers after the first invoke on a 64-bit host; 'persistent' maps "
                          "each kind to [used, requested, count]; min_arena_bytes is the smallest arena (16-byte steps) "
                          "with which AllocateTensors and one invoke succeed."},
        "fixtures": entries,
        "external": ext,
    }
    if ext:
        document["external_note"] = ("goldens of models read from a TFLM checkout (not stored here): the model's path "
                                     "in the checkout and its sha256; inputs are the front-end fixture's stream")
    with open(index_path, "w") as f:
        f.write(mf.dump_json(document) + "\n")
    print(f"{len(entries)} fixtures" + (f", {len(ext)} external goldens" if ext else ""))
    if problems:
        print("UNEXPECTED:\n  " + "\n  ".join(problems))
        sys.exit(1)


if __name__ == "__main__":
    main()
