#!/usr/bin/env python3
"""Writes the `--input` fixtures in this directory with numpy's own writers, so the tests read
files exactly as numpy makes them (zip64 local headers, deflate from zlib, Fortran order).

    python3 Tests/Fixtures/inputs/make_input_fixtures.py     (needs numpy only)

Inputs come from committed files, so the arrays are the same on every run; the zip archives
carry numpy's timestamps, so their bytes change between runs while their contents do not.
"""
import pathlib

import numpy as np

here = pathlib.Path(__file__).resolve().parent
models = here.parent / "models"
examples = here.parent.parent.parent / "Examples" / "models"

# The MNIST example's int8 input dequantized as TFLM's DEQUANTIZE does, (q - zero_point) * scale
# in float32, with the input tensor's parameters (mcusim inspect: s=0.00392157 zp=-128; the exact
# float32 scale is read from the committed example below). Quantizing these floats back gives
# the int8 input again.
q = np.load(examples / "mnist_cnn_int8.input.npy")
scale = np.float32(0.003921568859368563)
floats = ((q.astype(np.int32) + 128).astype(np.float32) * scale).astype(np.float32)
np.savez_compressed(here / "mnist_float32_deflated.npz", x=floats)
np.savez(here / "mnist_float64_stored.npz", floats.astype(np.float64))

# A two-input model's golden inputs, positional (arr_0, arr_1), deflated; and its first input
# in Fortran order.
a = np.load(models / "add_broadcast_channels_f32.input.npy")
b = np.load(models / "add_broadcast_channels_f32.input1.npy")
np.savez_compressed(here / "add_broadcast_inputs_deflated.npz", a, b)
np.save(here / "add_broadcast_input_fortran.npy", np.asfortranarray(a))
assert np.load(here / "add_broadcast_input_fortran.npy").flags.f_contiguous
print("wrote", sorted(p.name for p in here.iterdir() if p.suffix in (".npz", ".npy")))
