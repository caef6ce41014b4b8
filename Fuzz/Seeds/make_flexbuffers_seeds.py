#!/usr/bin/env python3
"""Writes Fuzz/Seeds/flexbuffers/: the custom options (FlexBuffers) of every operator in the
project's own signal fixtures (Tests/Fixtures/models/sig_*.tflite, made by
Tests/Fixtures/make_signal_fixtures.py), one file per distinct blob. Reads the .tflite with a
minimal FlatBuffers walk (Model.subgraphs[].operators[].custom_options), no packages needed.

    python3 Fuzz/Seeds/make_flexbuffers_seeds.py
"""
import hashlib
import pathlib
import struct

root = pathlib.Path(__file__).resolve().parents[2]
out = root / "Fuzz" / "Seeds" / "flexbuffers"


def u32(b, at):
    return struct.unpack_from("<I", b, at)[0]


def field(b, table, index):
    """Absolute position of a table's field `index`, or None when absent."""
    vtable = table - struct.unpack_from("<i", b, table)[0]
    vsize = struct.unpack_from("<H", b, vtable)[0]
    slot = 4 + 2 * index
    if slot >= vsize:
        return None
    offset = struct.unpack_from("<H", b, vtable + slot)[0]
    return table + offset if offset else None


def vector(b, at):
    """(start, count) of the vector a field at `at` refers to."""
    start = at + u32(b, at)
    return start + 4, u32(b, start)


def tables(b, at):
    start, count = vector(b, at)
    return [start + 4 * i + u32(b, start + 4 * i) for i in range(count)]


def custom_options(path):
    b = path.read_bytes()
    model = u32(b, 0)
    subgraphs = field(b, model, 2)
    for subgraph in tables(b, subgraphs) if subgraphs else []:
        operators = field(b, subgraph, 3)
        for op in tables(b, operators) if operators else []:
            options = field(b, op, 5)
            if options:
                start, count = vector(b, options)
                yield b[start:start + count]


out.mkdir(parents=True, exist_ok=True)
seen = set()
for model in sorted((root / "Tests" / "Fixtures" / "models").glob("sig_*.tflite")):
    for blob in custom_options(model):
        digest = hashlib.sha1(blob).hexdigest()[:16]
        if digest not in seen:
            seen.add(digest)
            (out / digest).write_bytes(blob)
print(f"{len(seen)} distinct custom-options blobs in {out.relative_to(root)}")
