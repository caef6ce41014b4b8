#!/usr/bin/env python3
"""Fixtures for the Sequence kernels (SVDF, UNIDIRECTIONAL_SEQUENCE_LSTM) that the
TFLite converter cannot emit: models written directly with the TFLite flatbuffer
schema, run by the TFLM interpreter (`tflite_micro` wheel, reference kernels).

    /work/.venv-fixtures/bin/python Tests/Fixtures/make_sequence_fixtures.py
    /work/.venv-fixtures/bin/python Tests/Fixtures/make_sequence_fixtures.py --out /tmp/seq

Why by hand: no TensorFlow op lowers to SVDF in the TF 2.21 converter, and the
converter's LSTM is always batch 1, batch-major, int8 or float32. These models
cover what it cannot: SVDF (float32, int8 with int16 state, int8 with int8 state,
no bias), LSTM with 2 batches, time-major input, cell clipping and int16
activations, plus LSTM variants TFLM refuses (CIFG, peephole, projection, layer
norm), kept with TFLM's message and no golden.

Each model runs in TFLM several times in a row on fresh inputs, without a reset,
so the goldens also pin down the state the kernels carry from one invoke to the
next (SVDF's activation memory, LSTM's hidden and cell state). The first invoke
uses the usual names (NAME.input.npy, NAME.output.npy), later ones
NAME.invoke<k>.input.npy / NAME.invoke<k>.output.npy.

Writes NAME.* files into Tests/Fixtures/models/ and an index,
models/sequence_fixtures.json, whose entries have the shape of fixtures.json's
(file, ops, inputs, outputs, tflm arena numbers) plus "invocations".
Only numpy, flatbuffers and tflite_micro are imported; everything is seeded from
the fixture's name, so reruns give identical files.
"""
import argparse
import json
import os
import re
import subprocess
import sys

import flatbuffers
import numpy as np
from tflite_micro.python.tflite_micro import runtime
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as fb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# Shared helpers (make_fixtures imports no TensorFlow at module level).
from make_fixtures import _one_line as one_line, captured_stderr_fd, parse_allocations, seed_for, sha256_hex  # noqa: E402

ARENA_BYTES = 8 * 1024 * 1024
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "models")
INDEX_NAME = "sequence_fixtures.json"

TYPE_CODES = {"float32": fb.TensorType.FLOAT32, "int8": fb.TensorType.INT8, "int16": fb.TensorType.INT16,
              "int32": fb.TensorType.INT32, "int64": fb.TensorType.INT64}
NUMPY_TYPES = {"float32": np.float32, "int8": np.int8, "int16": np.int16, "int32": np.int32, "int64": np.int64}
ACTIVATIONS = {"NONE": fb.ActivationFunctionType.NONE, "RELU": fb.ActivationFunctionType.RELU,
               "TANH": fb.ActivationFunctionType.TANH, "SIGMOID": None}


# --------------------------------------------------------------------------- #
# Flatbuffer writing
# --------------------------------------------------------------------------- #

class AlignedBufferT(fb.BufferT):
    """A buffer whose bytes start on a 16-byte boundary, as the converter writes them
    (kernels read int16/int32/float weights in place)."""

    def Pack(self, builder):
        vector = None
        if self.data is not None:
            raw = bytes(self.data)
            builder.StartVector(1, len(raw), 16)
            builder.head = builder.head - len(raw)
            builder.Bytes[builder.head:builder.head + len(raw)] = raw
            vector = builder.EndVector()
        fb.BufferStart(builder)
        if vector is not None:
            fb.BufferAddData(builder, vector)
        return fb.BufferEnd(builder)


class Graph:
    """One subgraph with one operator."""

    def __init__(self):
        self.tensors = []
        self.buffers = [AlignedBufferT()]  # buffer 0: the empty buffer

    def tensor(self, name, shape, dtype, data=None, scale=None, zero_point=0, variable=False):
        t = fb.TensorT()
        t.name = name.encode()
        t.shape = np.array(shape, dtype=np.int32)
        t.type = TYPE_CODES[dtype]
        t.isVariable = variable
        if data is not None:
            b = AlignedBufferT()
            b.data = np.ascontiguousarray(np.asarray(data, dtype=NUMPY_TYPES[dtype]).reshape(shape)).tobytes()
            self.buffers.append(b)
            t.buffer = len(self.buffers) - 1
        else:
            t.buffer = 0
        if scale is not None:
            q = fb.QuantizationParametersT()
            q.scale = np.array([scale], dtype=np.float32)
            q.zeroPoint = np.array([zero_point], dtype=np.int64)
            q.quantizedDimension = 0
            t.quantization = q
        self.tensors.append(t)
        return len(self.tensors) - 1

    def model(self, op, version, options_type, options, inputs, outputs, graph_inputs, graph_outputs):
        code = fb.OperatorCodeT()
        code.builtinCode = op
        code.deprecatedBuiltinCode = op
        code.version = version
        operator = fb.OperatorT()
        operator.opcodeIndex = 0
        operator.inputs = np.array(inputs, dtype=np.int32)
        operator.outputs = np.array(outputs, dtype=np.int32)
        operator.builtinOptionsType = options_type
        operator.builtinOptions = options
        sub = fb.SubGraphT()
        sub.tensors = self.tensors
        sub.inputs = np.array(graph_inputs, dtype=np.int32)
        sub.outputs = np.array(graph_outputs, dtype=np.int32)
        sub.operators = [operator]
        sub.name = b"main"
        m = fb.ModelT()
        m.version = 3
        m.description = b"mcusim make_sequence_fixtures.py"
        m.operatorCodes = [code]
        m.subgraphs = [sub]
        m.buffers = self.buffers
        builder = flatbuffers.Builder(4096)
        builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
        return bytes(builder.Output())


# --------------------------------------------------------------------------- #
# SVDF
# --------------------------------------------------------------------------- #

def svdf_model(name, kind, batch, input_size, rank, units, memory, activation, with_bias=True):
    """kind: 'f32', 'int8' (int16 weights_time and state, TFLM's full-integer SVDF) or
    'int8_state8' (int8 weights_time and state)."""
    rng = np.random.default_rng(seed_for(name))
    filters = rank * units
    g = Graph()
    if kind == "f32":
        x = g.tensor("input", [batch, input_size], "float32")
        wf = g.tensor("weights_feature", [filters, input_size], "float32",
                      rng.uniform(-0.8, 0.8, (filters, input_size)))
        wt = g.tensor("weights_time", [filters, memory], "float32", rng.uniform(-0.8, 0.8, (filters, memory)))
        b = g.tensor("bias", [units], "float32", rng.uniform(-0.3, 0.3, units)) if with_bias else -1
        s = g.tensor("activation_state", [batch, filters * memory], "float32", variable=True)
        y = g.tensor("output", [batch, units], "float32")
        version = 1
    else:
        state_type = "int16" if kind == "int8" else "int8"
        x_scale, x_zp = 1 / 64, 3
        wf_scale = 0.02
        if state_type == "int16":
            wt_scale, s_scale, s_zp = 1 / 4096, 1 / 1024, 0
            wt_data = rng.integers(-4000, 4001, (filters, memory))
        else:
            wt_scale, s_scale, s_zp = 1 / 128, 1 / 32, 4
            wt_data = rng.integers(-127, 128, (filters, memory))
        y_scale, y_zp = 0.03, -5
        x = g.tensor("input", [batch, input_size], "int8", scale=x_scale, zero_point=x_zp)
        wf = g.tensor("weights_feature", [filters, input_size], "int8",
                      rng.integers(-127, 128, (filters, input_size)), scale=wf_scale)
        wt = g.tensor("weights_time", [filters, memory], state_type, wt_data, scale=wt_scale)
        bias_scale = float(np.float32(s_scale) * np.float32(wt_scale))
        b = g.tensor("bias", [units], "int32", rng.integers(-3000, 3001, units), scale=bias_scale) \
            if with_bias else -1
        s = g.tensor("activation_state", [batch, filters * memory], state_type, scale=s_scale,
                     zero_point=s_zp, variable=True)
        y = g.tensor("output", [batch, units], "int8", scale=y_scale, zero_point=y_zp)
        version = 3
    options = fb.SVDFOptionsT()
    options.rank = rank
    options.fusedActivationFunction = ACTIVATIONS[activation]
    return g.model(fb.BuiltinOperator.SVDF, version, fb.BuiltinOptions.SVDFOptions, options,
                   [x, wf, wt, b, s], [y], [x], [y])


# --------------------------------------------------------------------------- #
# UNIDIRECTIONAL_SEQUENCE_LSTM
# --------------------------------------------------------------------------- #

def lstm_model(name, kind, batch, steps, input_size, hidden, time_major=False, cell_clip=0.0,
               variant="standard"):
    """kind: 'f32', 'int8' (8x8->16, int32 bias) or 'int16' (16x8->16, int64 bias).
    variant: 'standard', or a shape TFLM refuses: 'cifg', 'peephole', 'projection',
    'layer_norm'."""
    rng = np.random.default_rng(seed_for(name))
    g = Graph()
    in_shape = [steps, batch, input_size] if time_major else [batch, steps, input_size]
    out_shape = [steps, batch, hidden] if time_major else [batch, steps, hidden]
    gates = ["input", "forget", "cell", "output"]
    inputs = [-1] * 24
    if kind == "f32":
        x = g.tensor("input", in_shape, "float32")
        for i, gate in enumerate(gates):
            inputs[1 + i] = g.tensor(f"input_to_{gate}_w", [hidden, input_size], "float32",
                                     rng.uniform(-0.7, 0.7, (hidden, input_size)))
        for i, gate in enumerate(gates):
            inputs[5 + i] = g.tensor(f"recurrent_to_{gate}_w", [hidden, hidden], "float32",
                                     rng.uniform(-0.7, 0.7, (hidden, hidden)))
        for i, gate in enumerate(gates):
            inputs[12 + i] = g.tensor(f"{gate}_gate_bias", [hidden], "float32",
                                      rng.uniform(-0.5, 0.5, hidden) + (1.0 if gate == "forget" else 0.0))
        h = g.tensor("output_state", [batch, hidden], "float32", variable=True)
        c = g.tensor("cell_state", [batch, hidden], "float32", variable=True)
        y = g.tensor("output", out_shape, "float32")
        extra_type, extra_scale = "float32", None
    else:
        act = "int8" if kind == "int8" else "int16"
        bias_type = "int32" if kind == "int8" else "int64"
        if act == "int8":
            x_scale, x_zp, h_scale, h_zp = 1 / 128, -3, 1 / 128, 5
        else:
            x_scale, x_zp, h_scale, h_zp = 1 / 16384, 0, 1 / 32768, 0
        x = g.tensor("input", in_shape, act, scale=x_scale, zero_point=x_zp)
        for i, gate in enumerate(gates):
            w_scale = float(rng.uniform(0.008, 0.012))
            inputs[1 + i] = g.tensor(f"input_to_{gate}_w", [hidden, input_size], "int8",
                                     rng.integers(-127, 128, (hidden, input_size)), scale=w_scale)
            # The bias is in the input FC's accumulator scale (TFLM does not check it).
            bias_scale = float(np.float32(x_scale) * np.float32(w_scale))
            bias_real = rng.uniform(-0.5, 0.5, hidden) + (1.0 if gate == "forget" else 0.0)
            inputs[12 + i] = g.tensor(f"{gate}_gate_bias", [hidden], bias_type,
                                      np.round(bias_real / bias_scale), scale=bias_scale)
        for i, gate in enumerate(gates):
            inputs[5 + i] = g.tensor(f"recurrent_to_{gate}_w", [hidden, hidden], "int8",
                                     rng.integers(-127, 128, (hidden, hidden)),
                                     scale=float(rng.uniform(0.008, 0.012)))
        h = g.tensor("output_state", [batch, hidden], act, scale=h_scale, zero_point=h_zp, variable=True)
        c = g.tensor("cell_state", [batch, hidden], "int16", scale=2.0 ** -11, variable=True)
        y = g.tensor("output", out_shape, act, scale=h_scale, zero_point=h_zp)
        extra_type, extra_scale = "int16", 1 / 4096
    inputs[0], inputs[18], inputs[19] = x, h, c
    if variant == "cifg":
        inputs[1] = inputs[5] = inputs[12] = -1
    elif variant == "peephole":
        for i in (9, 10, 11):
            inputs[i] = g.tensor(f"peephole_{i}", [hidden], extra_type, np.ones(hidden) * 0.1
                                 if extra_scale is None else np.ones(hidden) * 100, scale=extra_scale)
    elif variant == "projection":
        inputs[16] = g.tensor("projection_w", [hidden, hidden], "float32" if kind == "f32" else "int8",
                              np.ones((hidden, hidden)), scale=None if kind == "f32" else 0.01)
    elif variant == "layer_norm":
        for i in (20, 21, 22, 23):
            inputs[i] = g.tensor(f"layer_norm_{i}", [hidden], extra_type,
                                 np.ones(hidden) * (1.0 if extra_scale is None else 4096), scale=extra_scale)
    options = fb.UnidirectionalSequenceLSTMOptionsT()
    options.fusedActivationFunction = fb.ActivationFunctionType.TANH
    options.cellClip = cell_clip
    options.projClip = 0.0
    options.timeMajor = time_major
    return g.model(fb.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM, 1,
                   fb.BuiltinOptions.UnidirectionalSequenceLSTMOptions, options, inputs, [y], [x], [y])


# --------------------------------------------------------------------------- #
# The fixtures
# --------------------------------------------------------------------------- #

def specs():
    """(name, covers, model bytes, number of invokes)."""
    s = []

    def svdf(name, covers, invokes=3, **kw):
        s.append((name, "SVDF: " + covers, svdf_model(name, **kw), invokes))

    def lstm(name, covers, invokes=2, **kw):
        s.append((name, "UNIDIRECTIONAL_SEQUENCE_LSTM: " + covers, lstm_model(name, **kw), invokes))

    svdf("seq_svdf_f32", "float32, batch 2, input 3, rank 2, 2 units, memory 3, bias, fused RELU",
         kind="f32", batch=2, input_size=3, rank=2, units=2, memory=3, activation="RELU")
    svdf("seq_svdf_nobias_f32", "float32, batch 1, input 4, rank 1, 3 units, memory 4, no bias, no activation",
         kind="f32", batch=1, input_size=4, rank=1, units=3, memory=4, activation="NONE", with_bias=False)
    svdf("seq_svdf_int8",
         "int8 input/weights_feature, int16 weights_time and state, int32 bias, batch 2, rank 2, 2 units, "
         "memory 3; fused RELU, which TFLM's integer SVDF ignores",
         kind="int8", batch=2, input_size=3, rank=2, units=2, memory=3, activation="RELU")
    svdf("seq_svdf_state8_int8",
         "int8 input/weights_feature, int8 weights_time and state (state zero point 4, so TFLM's reset to "
         "the zero point matters), batch 1, rank 1, 3 units, memory 2",
         kind="int8_state8", batch=1, input_size=4, rank=1, units=3, memory=2, activation="NONE")

    lstm("seq_lstm_batch2_f32", "float32, batch-major, 2 batches, 3 steps, 3 features, 2 units, no cell clip",
         kind="f32", batch=2, steps=3, input_size=3, hidden=2)
    lstm("seq_lstm_time_major_f32", "float32, time-major, 3 steps x 2 batches, 3 features, 2 units, cell clip 0.4",
         kind="f32", batch=2, steps=3, input_size=3, hidden=2, time_major=True, cell_clip=0.4)
    lstm("seq_lstm_batch2_int8", "int8 (8x8->16), batch-major, 2 batches, 3 steps, 3 features, 2 units, "
         "hidden zero point 5, no cell clip", kind="int8", batch=2, steps=3, input_size=3, hidden=2)
    lstm("seq_lstm_time_major_int8", "int8 (8x8->16), time-major, 3 steps x 2 batches, 3 features, 3 units, "
         "cell clip 0.25 (512 in the cell state's 2^-11 scale)",
         kind="int8", batch=2, steps=3, input_size=3, hidden=3, time_major=True, cell_clip=0.25)
    lstm("seq_lstm_int16", "int16 activations (16x8->16, int64 bias), batch-major, 1 batch, 3 steps, "
         "3 features, 2 units", kind="int16", batch=1, steps=3, input_size=3, hidden=2)
    for variant in ("cifg", "peephole", "projection", "layer_norm"):
        lstm(f"seq_lstm_{variant}_f32", f"{variant.replace('_', ' ')} variant (TFLM refuses it)",
             kind="f32", batch=1, steps=2, input_size=3, hidden=2, variant=variant)
    return s


# --------------------------------------------------------------------------- #
# TFLM
# --------------------------------------------------------------------------- #

def arena_numbers(text):
    """make_fixtures' allocation parsing, with the persistent rows keyed by kind as the index stores them."""
    numbers = parse_allocations(text)
    numbers["persistent"] = {row["kind"]: [row["used"], row["requested"], row["count"]] for row in numbers["persistent"]}
    return numbers


def describe(model_bytes):
    m = fb.ModelT.InitFromPackedBuf(bytearray(model_bytes), 0)
    g = m.subgraphs[0]
    names = {v: k.lower() for k, v in vars(fb.TensorType).items() if not k.startswith("_")}
    ops = {v: k for k, v in vars(fb.BuiltinOperator).items() if not k.startswith("_")}
    act = {v: k for k, v in vars(fb.ActivationFunctionType).items() if not k.startswith("_")}
    op = g.operators[0]
    options = {k: (act.get(v, v) if k == "fusedActivationFunction" else
                   (bool(v) if isinstance(v, bool) else (float(v) if isinstance(v, float) else v)))
               for k, v in vars(op.builtinOptions).items()}

    def tdesc(i):
        t = g.tensors[i]
        d = {"shape": [int(v) for v in t.shape], "dtype": names[t.type]}
        if t.quantization is not None and t.quantization.scale is not None:
            d["scale"] = float(t.quantization.scale[0])
            d["zero_point"] = int(t.quantization.zeroPoint[0])
        return d
    dtypes = ",".join(names[g.tensors[i].type] if i >= 0 else "-" for i in op.inputs) + "->" + \
        ",".join(names[g.tensors[i].type] for i in op.outputs)
    return {"ops": [{"op": ops[m.operatorCodes[op.opcodeIndex].builtinCode],
                     "version": int(m.operatorCodes[op.opcodeIndex].version),
                     "options": options, "dtypes": dtypes}],
            "inputs": [tdesc(int(i)) for i in g.inputs], "outputs": [tdesc(int(i)) for i in g.outputs]}


def make_input(rng, desc):
    if desc["dtype"] == "float32":
        return rng.uniform(-1, 1, size=desc["shape"]).astype(np.float32)
    info = np.iinfo(NUMPY_TYPES[desc["dtype"]])
    return rng.integers(int(info.min), int(info.max) + 1, size=desc["shape"], dtype=np.int64) \
        .astype(NUMPY_TYPES[desc["dtype"]])


def run(name, covers, model_bytes, invokes, out):
    info = describe(model_bytes)
    entry = {"phase": "sequence", "type": info["outputs"][0]["dtype"], "file": name + ".tflite",
             "bytes": len(model_bytes), "covers": covers, "ops": info["ops"]}
    with open(os.path.join(out, name + ".tflite"), "wb") as f:
        f.write(model_bytes)
    with captured_stderr_fd() as log:
        try:
            interpreter = runtime.Interpreter.from_bytes(
                model_bytes, arena_size=ARENA_BYTES,
                intrepreter_config=runtime.InterpreterConfig.kAllocationRecording)
            error = None
        except Exception as e:  # noqa: BLE001 - TFLM raises RuntimeError with its message
            error = str(e)
    if error is not None:
        return None, {"fixture": name, "phase": "sequence", "file": name + ".tflite", "covers": covers,
                      "tflm_message": (error + " | TFLM log: " + one_line(log["text"])).strip()}
    # Progress marks for the parent, in case TFLM kills the process.
    print("mark: tensors allocated", file=sys.stderr, flush=True)
    input_seed = seed_for(name + ".inputs")
    rng = np.random.default_rng(input_seed)
    invocations = []
    for k in range(invokes):
        arrays = [make_input(rng, d) for d in info["inputs"]]
        for i, a in enumerate(arrays):
            interpreter.set_input(a, i)
        print(f"mark: invoke {k} starts", file=sys.stderr, flush=True)
        interpreter.invoke()
        outputs = [np.ascontiguousarray(interpreter.get_output(i)) for i in range(len(info["outputs"]))]
        prefix = name if k == 0 else f"{name}.invoke{k}"
        record = {"inputs": [], "outputs": [], "sha256": []}
        for i, a in enumerate(arrays):
            file = f"{prefix}.input{i if i else ''}.npy"
            np.save(os.path.join(out, file), a)
            record["inputs"].append(file)
        for i, a in enumerate(outputs):
            file = f"{prefix}.output{i if i else ''}.npy"
            np.save(os.path.join(out, file), a)
            record["outputs"].append(file)
            record["sha256"].append(sha256_hex(a.tobytes()))
        invocations.append(record)
    with captured_stderr_fd() as log:
        interpreter.print_allocations()
    entry["inputs"] = info["inputs"]
    entry["input_rule"] = ["default"] * len(info["inputs"])
    entry["input_seed"] = input_seed
    entry["outputs"] = [dict(d, sha256=invocations[0]["sha256"][i]) for i, d in enumerate(info["outputs"])]
    entry["tflm"] = arena_numbers(log["text"])
    entry["invocations"] = invocations
    return entry, None


def run_isolated(name, covers, model_bytes, invokes, out):
    """Runs `run` in a child process: TFLM crashes outright on some models (a null
    optional tensor it dereferences), and that is a refusal worth recording too."""
    with open(os.path.join(out, name + ".tflite"), "wb") as f:
        f.write(model_bytes)
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--worker", name, "--covers", covers,
                           "--invokes", str(invokes), "--out", out], capture_output=True, text=True)
    if proc.returncode != 0:
        how = f"signal {-proc.returncode}" if proc.returncode < 0 else f"status {proc.returncode}"
        marks = re.findall(r"mark: (.*)", proc.stderr)
        where = f"after '{marks[-1]}'" if marks else "while allocating tensors"
        return None, {"fixture": name, "phase": "sequence", "file": name + ".tflite", "covers": covers,
                      "tflm_message": f"TFLM process died with {how} {where}"}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return result["entry"], result["refusal"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--covers", help=argparse.SUPPRESS)
    parser.add_argument("--invokes", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        with open(os.path.join(args.out, args.worker + ".tflite"), "rb") as f:
            model_bytes = f.read()
        entry, refusal = run(args.worker, args.covers, model_bytes, args.invokes, args.out)
        print(json.dumps({"entry": entry, "refusal": refusal}))
        return
    os.makedirs(args.out, exist_ok=True)
    fixtures, refused = {}, []
    for name, covers, model_bytes, invokes in specs():
        # Remove this fixture's old files (and only those).
        for entry in os.listdir(args.out):
            if entry.startswith(name + "."):
                os.remove(os.path.join(args.out, entry))
        entry, refusal = run_isolated(name, covers, model_bytes, invokes, args.out)
        if entry is not None:
            fixtures[name] = entry
            print(f"{name:34s} ok       {entry['outputs'][0]['sha256'][:16]}")
        else:
            refused.append(refusal)
            print(f"{name:34s} REFUSED  {refusal['tflm_message'][:100]}")
    document = {
        "about": "mcusim Sequence-kernel fixtures (SVDF, UNIDIRECTIONAL_SEQUENCE_LSTM): models written with the "
                 "TFLite flatbuffer schema by make_sequence_fixtures.py, because the converter cannot emit them; "
                 "outputs are TFLM's (tflite_micro wheel, reference kernels, x86-64 host), over several invokes "
                 "without a reset.",
        "versions": {"tflite_micro": getattr(runtime, "__version__", None) or _wheel_version(),
                     "numpy": np.__version__, "flatbuffers": flatbuffers.__version__},
        "files": "NAME.tflite; first invoke NAME.input.npy -> NAME.output.npy; invoke k (k >= 1) "
                 "NAME.invoke<k>.input.npy -> NAME.invoke<k>.output.npy (no reset in between)",
        "input_rule": "numpy.random.default_rng(input_seed): one array per model input per invoke; int8 "
                      "rng.integers(-128, 128), int16 rng.integers(-32768, 32768), float32 rng.uniform(-1, 1)",
        "arena": {"arena_bytes": ARENA_BYTES,
                  "note": "RecordingMicroAllocator numbers on a 64-bit host, read after the last invoke; "
                          "'persistent' maps each kind to [used, requested, count]."},
        "fixtures": fixtures,
        "refused": refused,
    }
    with open(os.path.join(args.out, INDEX_NAME), "w") as f:
        json.dump(document, f, indent=1)
        f.write("\n")
    print(f"{len(fixtures)} fixtures, {len(refused)} refused by TFLM")


def _wheel_version():
    try:
        from importlib.metadata import version
        return version("tflite-micro")
    except Exception:  # noqa: BLE001
        return None


if __name__ == "__main__":
    main()
