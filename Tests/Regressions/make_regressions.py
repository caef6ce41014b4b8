#!/usr/bin/env python3
"""Hand-made hostile and edge-case inputs: the regression corpus and the fuzzers' edge seeds.

    python Tests/Regressions/make_regressions.py          # rewrite the hand-made files
    python Tests/Regressions/make_regressions.py --list   # names only

Writes
  Tests/Regressions/<kind>/<name>   inputs that once crashed mcusim or made it allocate or
                                    work without bound (issue #13); cases.json says what each
                                    must now do. RegressionCorpusTests replays them.
  Fuzz/Seeds/model/<name>.tflite    edge models that seed the model fuzzer (zero-sized
                                    dimensions, rank 0 and 1, maximal shapes).

Files the fuzzers find are added by hand to Tests/Regressions/<kind>/ (minimised, named
crash-<sha1>); they need no entry in cases.json: the generic checks (exit 0-3, one error
line, bounded memory and time, no file changed) apply to every file there.

Models are written with the small FlatBuffers writer of make_handmade_fixtures.py (needs
numpy only). Deterministic: a rerun writes byte-identical files.
"""
import argparse
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Fixtures"))
import make_handmade_fixtures as hm  # noqa: E402
from make_handmade_fixtures import Table, Vector, Scalar, T, field  # noqa: E402

# The few schema numbers used here beyond make_handmade_fixtures' own (schema.fbs).
hm.BUILTIN.update({"ADD": 0, "CONCATENATION": 2, "MAX_POOL_2D": 17, "RESHAPE": 22})
hm.OPTIONS.update({"Pool2DOptions": 5, "ConcatenationOptions": 10, "AddOptions": 11, "ReshapeOptions": 17})
hm.TENSOR_TYPE.update({"type42": 42})
RELU6 = 3
VALID = 1


def add(shape_a, shape_b, shape_out, dtype="float32", activation=0, same_input=False, **q):
    a = T("a", shape_a, dtype, **q)
    b = T("b", shape_b, dtype, **q)
    out = T("out", shape_out, dtype, **q)
    options = Table({0: field("b", activation, 0)})
    if same_input:
        return ([a, out], hm.op_of("ADD", ["a", "a"], ["out"]), "AddOptions", options, ["a"], ["out"])
    return ([a, b, out], hm.op_of("ADD", ["a", "b"], ["out"]), "AddOptions", options, ["a", "b"], ["out"])


def concatenation(shape_a, shape_b, shape_out, axis, dtype="float32"):
    a, b, out = T("a", shape_a, dtype), T("b", shape_b, dtype), T("out", shape_out, dtype)
    options = Table({0: field("i", axis, 0)})
    return ([a, b, out], hm.op_of("CONCATENATION", ["a", "b"], ["out"]), "ConcatenationOptions", options,
            ["a", "b"], ["out"])


def max_pool(in_shape, out_shape, filter_hw, activation, scale, zero_point=0):
    x = T("x", in_shape, "int8", scale=scale, zero_point=zero_point)
    y = T("y", out_shape, "int8", scale=scale, zero_point=zero_point)
    options = Table({0: field("b", VALID, 0), 1: field("i", filter_hw[1], 0), 2: field("i", filter_hw[0], 0),
                     3: field("i", filter_hw[1], 0), 4: field("i", filter_hw[0], 0), 5: field("b", activation, 0)})
    return ([x, y], hm.op_of("MAX_POOL_2D", ["x"], ["y"]), "Pool2DOptions", options, ["x"], ["y"])


def model(spec, description):
    tensors, op, options_name, options, inputs, outputs = spec
    return hm.build_model(tensors, op, options_name, options, inputs, outputs, description)


def npy(header, data=b""):
    """A .npy v1.0 file with `header` (a Python dict literal) padded as numpy pads it."""
    text = header + " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode() + data


def budget(limits):
    return (json.dumps({"entries": [{"model": "missing.tflite", "device": "stm32f411re", "limits": limits}]},
                       indent=2) + "\n").encode()


# (path under Tests/Regressions, bytes, the case's expectations for cases.json)
def regressions():
    big = (1 << 28) - 16  # float32 elements: just under 1 GiB a tensor, two tensors in the arena
    return [
        ("model/zero_dim_concat.tflite",
         model(concatenation([1, 0], [1, 3], [1, 3], axis=1), "CONCATENATION of [1, 0] and [1, 3]"),
         [{"args": ["run", "{file}"], "exit": 0},
          {"args": ["run", "{file}", "--kernels", "reference"], "exit": 0}]),
        ("model/legacy_scalar_add.tflite",
         model(add([0], [0], [0]), "ADD on shape [0], which TFLM takes for a legacy scalar"),
         [{"args": ["run", "{file}"], "exit": 0}]),
        ("model/arena_2gb.tflite",
         model(add([1, big], [1, big], [1, big], same_input=True), "ADD of a [1, 2^28-16] float32 with itself"),
         [{"args": ["run", "{file}"], "exit": 2, "message": "more than the limit of 67108864 bytes"},
          {"args": ["fit", "{file}"], "exit": 1},
          {"args": ["report", "{file}", "--device", "stm32f411re", "--out", "{dir}/report.html"], "exit": 0},
          {"args": ["run", "{file}", "--max-arena", "1KB"], "exit": 2, "message": "more than the limit of 1024 bytes"},
          {"args": ["inspect", "{file}"], "exit": 0}]),
        ("model/concat_shape_overflow.tflite",
         model(concatenation([0, 65536, 65536, 65536, 65536], [0, 65536, 65536, 65536, 65536],
                             [0, 65536, 65536, 65536, 65536], axis=0),
               "CONCATENATION whose inner dimensions multiply past Int.max behind a leading 0"),
         [{"args": ["run", "{file}"], "exit": 2, "message": "too large"}]),
        ("model/activation_range_overflow.tflite",
         model(add([1, 4], [1, 4], [1, 4], dtype="int8", activation=RELU6, scale=1e-37),
               "int8 ADD with RELU6 on scale 1e-37: 6 / scale does not fit int32; TFLM's Prepare fails"),
         [{"args": ["run", "{file}"], "exit": 2, "message": "activation bound 6.0 does not fit"},
          {"args": ["inspect", "{file}"], "exit": 0}]),
        ("model/activation_range_overflow_pool.tflite",
         model(max_pool([1, 2, 2, 1], [1, 1, 1, 1], (2, 2), RELU6, scale=1e-37),
               "MAX_POOL_2D with RELU6 on scale 1e-37: TFLM ignores the failure, its clamp is undefined"),
         [{"args": ["run", "{file}"], "exit": 3, "message": "leaves its clamp undefined"}]),
        ("model/zero_dim_output.tflite",
         model(add([1, 4], [0, 4], [0, 4], same_input=False), "ADD whose output has a zero-sized dimension"),
         [{"args": ["run", "{file}"], "exit": 3, "message": "dynamic tensor"},
          {"args": ["inspect", "{file}"], "exit": 0}]),
        ("model/unknown_tensor_type.tflite",
         model(add([1, 4], [1, 4], [1, 4], dtype="type42"), "ADD on tensors of type code 42"),
         [{"args": ["run", "{file}"], "exit": 3, "message": "unknown tensor type 42"}]),
        ("npy/shape_2e62.npy",
         npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904,), }"),
         [{"args": ["run", "{fixtures}/hand_cast_int8_to_int32.tflite", "--input", "{file}"], "exit": 2,
           "message": ".npy shape [4611686018427387904] is too large"}]),
        ("budget/latency_1e308s.json",
         budget({"latency_ms": "1e308s"}),
         [{"args": ["check", "{file}"], "exit": 2, "message": "a duration must be at most"}]),
        ("budget/latency_1e308.json",
         budget({"latency_ms": 1e308}),
         [{"args": ["check", "{file}"], "exit": 2, "message": "a duration must be at most"}]),
        ("budget/arena_2gb_check.json",
         (json.dumps({"entries": [{"model": "../model/arena_2gb.tflite", "device": "stm32f411re",
                                   "limits": {"arena_bytes": "96KB"}}]}, indent=2) + "\n").encode(),
         [{"args": ["check", "{file}", "--junit", "{dir}/junit.xml"], "exit": 1}]),
        ("budget/duplicate_escaped_key.json",
         b'{"entries": [{"model": "m.tflite", "device": "stm32f411re",\n'
         b'  "limits": {"latency_ms": 5, "latency\\u005fms": 1000}}]}\n',
         [{"args": ["check", "{file}"], "exit": 2, "message": "duplicate key \"latency_ms\""}]),
    ]


def seeds():
    """Edge models for the model fuzzer's corpus: valid shapes at the extremes."""
    return [
        ("zero_dim_add", model(add([0, 4], [0, 4], [0, 4]), "seed: zero-sized dimension")),
        ("zero_dim_int8_add", model(add([2, 0, 3], [2, 0, 3], [2, 0, 3], dtype="int8", scale=0.5, zero_point=1),
                                    "seed: int8, zero-sized middle dimension")),
        ("rank0_add", model(add([], [], []), "seed: rank-0 operands")),
        ("rank1_add", model(add([1], [1], [1]), "seed: rank-1 operands")),
        ("broadcast_add", model(add([1, 1, 3], [2, 1], [1, 2, 3]), "seed: broadcasting ranks")),
        ("max_shape_add", model(add([1, 2147483647], [1, 1], [1, 2147483647], dtype="int8", scale=0.5),
                                "seed: 2^31-1 int8 elements")),
        ("zero_dim_concat", model(concatenation([1, 0], [1, 3], [1, 3], axis=1), "seed: an empty concatenation input")),
        ("pool_relu6", model(max_pool([1, 4, 4, 2], [1, 2, 2, 2], (2, 2), RELU6, scale=0.02), "seed: pooling, RELU6")),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    cases = regressions()
    if args.list:
        for path, _, _ in cases:
            print(path)
        for name, _ in seeds():
            print(f"Fuzz/Seeds/model/{name}.tflite")
        return
    manifest = []
    for path, data, runs in cases:
        target = os.path.join(HERE, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)
        manifest.append({"file": path, "runs": runs})
    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump({"comment": "written by make_regressions.py; {file}: the case's file, {fixtures}: Tests/Fixtures/models, {dir}: a new empty directory",
                   "cases": manifest}, f, indent=1)
        f.write("\n")
    seed_dir = os.path.join(ROOT, "Fuzz", "Seeds", "model")
    os.makedirs(seed_dir, exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(seed_dir, name + ".tflite"), "wb") as f:
            f.write(data)
    print(f"{len(cases)} regression inputs, {len(seeds())} seed models")


if __name__ == "__main__":
    main()
