#!/usr/bin/env python3
"""Regenerate mcusim's test fixtures: tiny .tflite models and TFLM golden outputs.

    python Tests/Fixtures/make_fixtures.py                  # all fixtures -> Tests/Fixtures/models
    python Tests/Fixtures/make_fixtures.py --out /tmp/fx    # somewhere else (e.g. to diff two runs)
    python Tests/Fixtures/make_fixtures.py --phase 1        # only the interpreter fixtures
    python Tests/Fixtures/make_fixtures.py --list           # names only
    python Tests/Fixtures/make_fixtures.py --verify         # re-run TFLM on the stored inputs

Each fixture is a Keras model with seeded random weights (non-zero biases),
converted by the TensorFlow Lite converter to int8 (full integer), float32 or
int16x8, and run once by the TensorFlow Lite for Microcontrollers interpreter
(`tflite_micro` wheel: reference kernels, no CMSIS-NN). TFLM is the oracle; the
desktop TFLite/LiteRT interpreter is never used because it rounds differently.

Determinism: every random source is seeded from the fixture's base name, TF op
determinism is on and TF runs on one thread, so a rerun with the same package
versions writes byte-identical files.

The TFLM step runs in a child process of this same script (`--tflm-worker`),
which imports only numpy and tflite_micro: TFLM aborts the process on some bad
models, and keeping it apart from TensorFlow avoids mixing two TFLite runtimes.
"""
import os

# Before TensorFlow loads: Keras 2 (tf_keras), quiet logs, no GPU, deterministic ops.
os.environ["TF_USE_LEGACY_KERAS"] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["TF_DETERMINISTIC_OPS"] = "1"
os.environ["CUDA_VISIBLE_DEVICES"] = ""

import argparse  # noqa: E402
import contextlib  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import zlib  # noqa: E402

import numpy as np  # noqa: E402

ARENA_BYTES = 8 * 1024 * 1024  # a multiple of 16, so tail alignment padding is stable
REPRESENTATIVE_SAMPLES = 64
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "models")

# Default input rule per dtype; a fixture may narrow it with a real-valued range.
DEFAULT_RULES = {
    "int8": "rng.integers(-128, 128)",
    "int16": "rng.integers(-32768, 32768)",
    "float32": "rng.uniform(-1, 1)",
}
RANGE_RULE_TEXT = (
    "float32 -> rng.uniform(lo, hi); quantized (scale s, zero point z) -> "
    "rng.integers(max(qmin, ceil(lo/s + z)), min(qmax, floor(hi/s + z)) + 1)")


def seed_for(name):
    """Stable per-name seed (crc32 is stable across Python runs, unlike hash())."""
    return zlib.crc32(name.encode()) % (2 ** 31)


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


# =========================================================================== #
# TFLM side (child process; numpy + tflite_micro only)
# =========================================================================== #

@contextlib.contextmanager
def captured_stderr_fd():
    """TFLM prints through C stdio on fd 2, which sys.stderr redirection misses."""
    sys.stderr.flush()
    saved = os.dup(2)
    sink = tempfile.TemporaryFile()
    os.dup2(sink.fileno(), 2)
    box = {"text": ""}
    try:
        yield box
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        sink.seek(0)
        box["text"] = sink.read().decode("utf-8", "replace")
        sink.close()


def _enum_names(enum_class):
    return {v: k for k, v in vars(enum_class).items() if not k.startswith("_")}


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [x.item() if hasattr(x, "item") else x for x in value]
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (int, float, bool, str, type(None))):
        return value
    return str(value)


def describe_model(model_bytes):
    """Operators (execution order) and tensors of subgraph 0, from the flatbuffer."""
    from tflite_micro.python.tflite_micro import runtime
    fb = runtime.schema_fb
    op_names = _enum_names(fb.BuiltinOperator)
    type_names = _enum_names(fb.TensorType)
    enum_fields = {"fusedActivationFunction": _enum_names(fb.ActivationFunctionType),
                   "padding": _enum_names(fb.Padding)}
    model = runtime.convert_bytearray_to_object(bytearray(model_bytes))
    graph = model.subgraphs[0]

    tensors = []
    for t in graph.tensors or []:
        q = t.quantization
        buffer = model.buffers[t.buffer] if 0 < t.buffer < len(model.buffers) else None
        data_len = len(buffer.data) if buffer is not None and buffer.data is not None else 0
        tensors.append({
            "name": t.name.decode() if isinstance(t.name, bytes) else str(t.name),
            "shape": [int(d) for d in (t.shape if t.shape is not None else [])],
            "dtype": type_names.get(t.type, str(t.type)).lower(),
            "scales": [] if q is None or q.scale is None else [float(s) for s in q.scale],
            "zero_points": [] if q is None or q.zeroPoint is None else [int(z) for z in q.zeroPoint],
            "constant": data_len > 0,
        })

    ops = []
    for op in graph.operators or []:
        code = runtime.get_builtin_code_from_operator_code(model.operatorCodes[op.opcodeIndex])
        options = {}
        if op.builtinOptions is not None:
            for key, value in vars(op.builtinOptions).items():
                if key in enum_fields:
                    value = enum_fields[key].get(value, value)
                options[key] = _plain(value)
        inputs = [int(i) for i in (op.inputs if op.inputs is not None else [])]
        outputs = [int(i) for i in (op.outputs if op.outputs is not None else [])]
        entry = {"op": op_names.get(code, str(code)),
                 "version": int(model.operatorCodes[op.opcodeIndex].version),
                 "options": options,
                 "input_dtypes": [tensors[i]["dtype"] if i >= 0 else None for i in inputs],
                 "output_dtypes": [tensors[i]["dtype"] for i in outputs]}
        # Weight granularity matters for int8 kernels: per-channel vs per-tensor.
        for i in inputs[1:2]:
            t = tensors[i] if i >= 0 else None
            if t is not None and t["constant"] and t["dtype"] in ("int8", "int4") and t["scales"]:
                entry["weight_scales"] = len(t["scales"])
        ops.append(entry)
    return {"ops": ops, "tensors": tensors,
            "inputs": [int(i) for i in graph.inputs], "outputs": [int(i) for i in graph.outputs]}


def make_input(rng, shape, dtype, scale, zero_point, real_range):
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        lo, hi = real_range if real_range is not None else (-1.0, 1.0)
        return rng.uniform(lo, hi, size=shape).astype(dtype)
    info = np.iinfo(dtype)
    lo_q, hi_q = int(info.min), int(info.max)
    if real_range is not None:
        if not scale:
            raise ValueError("a real_range rule needs a quantized input")
        lo_q = max(lo_q, math.ceil(real_range[0] / scale + zero_point))
        hi_q = min(hi_q, math.floor(real_range[1] / scale + zero_point))
        if lo_q > hi_q:
            raise ValueError(f"real_range {real_range} is empty for scale {scale} zp {zero_point}")
    return rng.integers(lo_q, hi_q + 1, size=shape, dtype=np.int64).astype(dtype)


_ALLOCATION_LINE = re.compile(
    r"'([^']+)' used (\d+) bytes with alignment overhead \(requested (\d+) bytes for (\d+) ")


def parse_allocations(text):
    """RecordingMicroAllocator::PrintAllocations output -> numbers."""
    def grab(label):
        m = re.search(rf"Arena allocation {label} (\d+) bytes", text)
        return int(m.group(1)) if m else None
    persistent = [{"kind": m.group(1), "used": int(m.group(2)), "requested": int(m.group(3)),
                   "count": int(m.group(4))} for m in _ALLOCATION_LINE.finditer(text)]
    return {"arena_used_bytes": grab("total"), "arena_head_bytes": grab("head"),
            "arena_tail_bytes": grab("tail"), "persistent": persistent}


def _one_line(text):
    return " | ".join(line.strip() for line in text.splitlines() if line.strip())


def tflm_worker(args):
    """Run one model through TFLM; write inputs/outputs as .npy; print JSON."""
    from tflite_micro.python.tflite_micro import runtime
    with open(args.model, "rb") as f:
        model_bytes = f.read()
    result = {"model": describe_model(model_bytes)}
    rules = json.loads(args.rules)
    with captured_stderr_fd() as log:
        try:
            interpreter = runtime.Interpreter.from_bytes(
                model_bytes, arena_size=ARENA_BYTES,
                intrepreter_config=runtime.InterpreterConfig.kAllocationRecording)
            error = None
        except Exception as e:  # noqa: BLE001 - TFLM raises RuntimeError with its message
            error = str(e)
    if error is not None:
        result["refused"] = (error + " | TFLM log: " + _one_line(log["text"])).strip()
        print(json.dumps(result))
        return

    graph_inputs = result["model"]["inputs"]
    rng = np.random.default_rng(args.seed)
    arrays = []
    for i, tensor_index in enumerate(graph_inputs):
        details = interpreter.get_input_details(i)
        qp = details["quantization_parameters"]
        scales, zps = list(qp["scales"]), list(qp["zero_points"])
        rule = rules[i] if i < len(rules) else None
        arrays.append(make_input(rng, tuple(int(d) for d in details["shape"]), details["dtype"],
                                 float(scales[0]) if scales else 0.0,
                                 int(zps[0]) if zps else 0, rule))
    for i, a in enumerate(arrays):
        interpreter.set_input(a, i)
    with captured_stderr_fd() as log:
        try:
            interpreter.invoke()
            error = None
        except Exception as e:  # noqa: BLE001
            error = str(e)
    if error is not None:
        result["refused"] = (error + " | TFLM log: " + _one_line(log["text"])).strip()
        print(json.dumps(result))
        return
    outputs = [np.asarray(interpreter.get_output(i))
               for i in range(len(result["model"]["outputs"]))]
    with captured_stderr_fd() as log:
        interpreter.print_allocations()
    result["arena"] = parse_allocations(log["text"])

    result["input_files"], result["output_files"], result["output_sha256"] = [], [], []
    for i, a in enumerate(arrays):
        name = f"{args.prefix}.input{i if i else ''}.npy"
        np.save(name, a)
        result["input_files"].append(os.path.basename(name))
    for i, a in enumerate(outputs):
        name = f"{args.prefix}.output{i if i else ''}.npy"
        np.save(name, np.ascontiguousarray(a))
        result["output_files"].append(os.path.basename(name))
        result["output_sha256"].append(sha256_hex(np.ascontiguousarray(a).tobytes()))
    print(json.dumps(result))


def verify(folder):
    """Re-run every fixture on its stored input; outputs and arena numbers must match."""
    from tflite_micro.python.tflite_micro import runtime
    with open(os.path.join(folder, "fixtures.json")) as f:
        document = json.load(f)
    failures = 0
    for name, fx in document["fixtures"].items():
        with open(os.path.join(folder, fx["file"]), "rb") as f:
            model_bytes = f.read()
        interpreter = runtime.Interpreter.from_bytes(
            model_bytes, arena_size=document["arena"]["arena_bytes"],
            intrepreter_config=runtime.InterpreterConfig.kAllocationRecording)
        for i in range(len(fx["inputs"])):
            interpreter.set_input(np.load(os.path.join(folder, f"{name}.input{i if i else ''}.npy")), i)
        interpreter.invoke()
        problems = []
        for i, expected in enumerate(fx["outputs"]):
            out = np.ascontiguousarray(interpreter.get_output(i))
            stored = np.load(os.path.join(folder, f"{name}.output{i if i else ''}.npy"))
            if sha256_hex(out.tobytes()) != expected["sha256"] or not np.array_equal(out, stored) \
                    or out.dtype != stored.dtype:
                problems.append(f"output {i} differs")
        with captured_stderr_fd() as log:
            interpreter.print_allocations()
        arena = parse_allocations(log["text"])
        for key in ("arena_used_bytes", "arena_head_bytes", "arena_tail_bytes"):
            if arena[key] != fx["tflm"][key]:
                problems.append(f"{key} {arena[key]} != {fx['tflm'][key]}")
        failures += bool(problems)
        print(f"{name:46s} {'ok' if not problems else 'FAIL ' + '; '.join(problems)}", flush=True)
    print(f"{len(document['fixtures']) - failures} passed, {failures} failed")
    return failures == 0


# =========================================================================== #
# Keras / converter side
# =========================================================================== #

class Spec:
    """One model architecture, converted once per requested type.

    base     -- fixture name without the type suffix
    phase    -- 1: interpreter fixtures, 2: operator coverage
    covers   -- what the fixture is for (goes into fixtures.json)
    shapes   -- input shapes without the batch dimension (batch is 1)
    build    -- function(list of Keras inputs, Seeds) -> Keras output(s)
    types    -- subset of ("int8", "f32", "int16")
    ranges   -- representative-data range per input (real values)
    input_ranges -- real range per input for the golden input, or None for the dtype default
    expect   -- op that must appear; a fixture whose model lacks it goes to not_emitted
    expect_types -- (input dtype, output dtype) of the expected op per fixture type;
                    default: the fixture's activation type for both
    check    -- optional extra predicate(model description) -> None or a reason string
    io       -- per type, override of (inference_input_type, inference_output_type)
    per_tensor_dense -- use the converter's per-tensor FULLY_CONNECTED weight switch
    names    -- per type, a fixture name other than base + "_" + type
    rep_shapes -- representative-data shapes where `shapes` has unknown (None) dimensions
    not_attempted -- reason why no model is built at all (recorded under not_emitted)
    """

    def __init__(self, base, phase, covers, shapes, build, types=("int8", "f32"), ranges=None,
                 input_ranges=None, expect=None, expect_types=None, check=None, io=None,
                 per_tensor_dense=False, names=None, rep_shapes=None,
                 not_attempted=None):
        self.base, self.phase, self.covers = base, phase, covers
        self.shapes, self.build, self.types = shapes, build, types
        self.ranges = ranges or [(-1.0, 1.0)] * len(shapes)
        self.input_ranges = input_ranges or [None] * len(shapes)
        self.expect, self.expect_types, self.check = expect, expect_types or {}, check
        self.io = io or {}
        self.per_tensor_dense = per_tensor_dense
        self.names = names or {}
        self.rep_shapes = rep_shapes or shapes
        self.not_attempted = not_attempted

    def name(self, kind):
        return self.names.get(kind, f"{self.base}_{kind}")


TYPE_DTYPE = {"int8": "int8", "f32": "float32", "int16": "int16"}
TYPE_LEGEND = {"int8": "int8 full-integer: Optimize.DEFAULT, representative dataset, "
                        "TFLITE_BUILTINS_INT8, int8 input/output unless the fixture says otherwise",
               "float32": "float32, no quantization",
               "int16x8": "int16 activations, int8 weights: "
                          "EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8, int16 "
                          "input/output unless the fixture says otherwise"}
# Options that are always the schema default in these models and say nothing.
QUIET_OPTIONS = ("quantizedBiasType", "asymmetricQuantizeInputs")


class Seeds:
    """Seeded Keras initializers: each call gets its own seed, derived from the model's."""

    def __init__(self, tf, seed):
        self.tf, self.seed, self.count = tf, seed, 0

    def _next(self):
        self.count += 1
        return (self.seed * 7919 + self.count) % (2 ** 31)

    def kernel(self):
        return self.tf.keras.initializers.GlorotUniform(seed=self._next())

    def bias(self):
        # Non-zero so the bias path of every kernel is exercised.
        return self.tf.keras.initializers.RandomUniform(-0.3, 0.3, seed=self._next())

    def uniform(self, lo, hi):
        return self.tf.keras.initializers.RandomUniform(lo, hi, seed=self._next())


def convert(tf, model, kind, representative, io=None, per_tensor_dense=False):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if kind != "f32":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]

        def samples():
            for sample in representative:
                yield [np.asarray(a, dtype=np.float32) for a in sample]
        converter.representative_dataset = samples
        if kind == "int8":
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
            in_type, out_type = tf.int8, tf.int8
        else:
            converter.target_spec.supported_ops = [
                tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
            in_type, out_type = tf.int16, tf.int16
        if io is not None:
            names = {"float32": tf.float32, "int8": tf.int8, "int16": tf.int16}
            in_type, out_type = names[io[0]], names[io[1]]
        converter.inference_input_type = in_type
        converter.inference_output_type = out_type
        if per_tensor_dense:
            converter._experimental_disable_per_channel_quantization_for_dense_layers = True
    return converter.convert()


def build_keras(tf, spec):
    # Fresh Keras state, so auto-generated layer names (which end up as tensor names in the
    # .tflite) do not depend on which models were built earlier in this run.
    tf.keras.backend.clear_session()
    seed = seed_for(spec.base)
    tf.keras.utils.set_random_seed(seed)
    L = tf.keras.layers
    inputs = [L.Input(shape=s, batch_size=1, name=f"in{i}") for i, s in enumerate(spec.shapes)]
    outputs = spec.build(inputs, Seeds(tf, seed))
    # A one-letter model name: it prefixes every fused tensor name in the .tflite.
    model = tf.keras.Model(inputs if len(inputs) > 1 else inputs[0], outputs, name="m")
    rng = np.random.default_rng(seed)
    representative = [[rng.uniform(lo, hi, size=(1,) + tuple(s)).astype(np.float32)
                       for s, (lo, hi) in zip(spec.rep_shapes, spec.ranges)]
                      for _ in range(REPRESENTATIVE_SAMPLES)]
    return model, representative


def not_emitted_reason(spec, kind, model):
    if spec.expect is None:
        return None
    found = [o for o in model["ops"] if o["op"] == spec.expect]
    emitted = ", ".join(f"{o['op']}({'/'.join(d or '-' for d in o['input_dtypes'][:1])}->"
                        f"{'/'.join(o['output_dtypes'][:1])})" for o in model["ops"])
    if not found:
        return f"converter emitted [{emitted or 'no ops'}] instead of {spec.expect}"
    # Some ops lead with a non-activation operand (TRANSPOSE_CONV's output shape), so any
    # input of the wanted type counts.
    want_in, want_out = spec.expect_types.get(kind, (TYPE_DTYPE[kind], TYPE_DTYPE[kind]))
    if not any((want_in is None or want_in in o["input_dtypes"]) and
               (want_out is None or o["output_dtypes"][0] == want_out) for o in found):
        return (f"converter emitted {spec.expect} only as [{emitted}], not {want_in}->{want_out}")
    if spec.check is not None:
        return spec.check(model)
    return None


def io_entry(tensor, extra):
    d = {"shape": tensor["shape"], "dtype": tensor["dtype"]}
    if tensor["scales"]:
        d["scale"] = tensor["scales"][0]
        d["zero_point"] = tensor["zero_points"][0]
    d.update(extra)
    return d


def run_tflm(model_path, prefix, seed, rules):
    cmd = [sys.executable, os.path.abspath(__file__), "--tflm-worker", "--model", model_path,
           "--prefix", prefix, "--seed", str(seed), "--rules", json.dumps(rules)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = _one_line(proc.stderr)[-600:]
        return {"refused": f"TFLM process exited with status {proc.returncode}: {tail}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ops_summary(model):
    out = []
    for o in model["ops"]:
        e = {"op": o["op"], "version": o["version"]}
        options = {k: v for k, v in o["options"].items()
                   if v is not None and not (k in QUIET_OPTIONS and not v)}
        if options:
            e["options"] = options
        if "weight_scales" in o:
            e["weight_scales"] = o["weight_scales"]
        e["dtypes"] = f"{','.join(d or '-' for d in o['input_dtypes'])}->{','.join(o['output_dtypes'])}"
        out.append(e)
    return out


def generate(specs, out_dir, log):
    import tensorflow as tf
    tf.get_logger().setLevel("ERROR")
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.experimental.enable_op_determinism()

    fixtures, not_emitted, refused = {}, [], []
    for spec in specs:
        if spec.not_attempted is not None:
            for kind in spec.types:
                not_emitted.append({"fixture": spec.name(kind), "phase": spec.phase,
                                    "reason": "not attempted: " + spec.not_attempted})
                log(f"{spec.name(kind):46s} NOT ATTEMPTED")
            continue
        model, representative = build_keras(tf, spec)
        for kind in spec.types:
            name = spec.name(kind)
            io = spec.io.get(kind)
            try:
                tfl = convert(tf, model, kind, representative, io, spec.per_tensor_dense)
            except Exception as e:  # noqa: BLE001 - the converter's refusal is the finding
                msg = _one_line(str(e))
                short = re.findall(r"error: ([^|]+)", msg)
                reason = "converter failed: " + ("; ".join(dict.fromkeys(s.strip() for s in short))
                                                 if short else msg[:400])
                not_emitted.append({"fixture": name, "phase": spec.phase, "reason": reason})
                log(f"{name:46s} NOT EMITTED  {reason[:110]}")
                continue
            path = os.path.join(out_dir, name + ".tflite")
            with open(path, "wb") as f:
                f.write(tfl)
            seed = seed_for(name)
            rules = [list(r) if r is not None else None for r in spec.input_ranges]
            result = run_tflm(path, os.path.join(out_dir, name), seed, rules)
            described = result.get("model")
            if described is not None:
                reason = not_emitted_reason(spec, kind, described)
                if reason is not None:
                    not_emitted.append({"fixture": name, "phase": spec.phase, "reason": reason})
                    for f_ in [path] + [os.path.join(out_dir, x) for x in
                                        result.get("input_files", []) + result.get("output_files", [])]:
                        os.remove(f_)
                    log(f"{name:46s} NOT EMITTED  {reason[:110]}")
                    continue
            if "refused" in result:
                refused.append({"fixture": name, "phase": spec.phase, "file": name + ".tflite",
                                "ops": [o["op"] for o in described["ops"]] if described else None,
                                "tflm_message": result["refused"]})
                log(f"{name:46s} REFUSED by TFLM  {result['refused'][:100]}")
                continue
            tensors = described["tensors"]
            input_rule = [("default" if r is None else [float(r[0]), float(r[1])])
                          for r in (spec.input_ranges + [None] * len(described["inputs"]))
                          [:len(described["inputs"])]]
            arena = result["arena"]
            fixtures[name] = {
                "phase": spec.phase,
                "type": TYPE_DTYPE[kind] if kind != "int16" else "int16x8",
                "file": name + ".tflite",
                "bytes": len(tfl),
                "covers": spec.covers,
                "ops": ops_summary(described),
                "inputs": [io_entry(tensors[t], {}) for t in described["inputs"]],
                "input_rule": input_rule,
                "input_seed": seed,
                "outputs": [io_entry(tensors[t], {"sha256": result["output_sha256"][i]})
                            for i, t in enumerate(described["outputs"])],
                "tflm": {"arena_used_bytes": arena["arena_used_bytes"],
                         "arena_head_bytes": arena["arena_head_bytes"],
                         "arena_tail_bytes": arena["arena_tail_bytes"],
                         "persistent": {a["kind"]: [a["used"], a["requested"], a["count"]]
                                        for a in arena["persistent"]}},
            }
            log(f"{name:46s} ok  {len(tfl):6d} B  arena {arena['arena_used_bytes']:6d} "
                f"(head {arena['arena_head_bytes']})  ops {' '.join(o['op'] for o in described['ops'])}")
    return fixtures, not_emitted, refused


def versions():
    from importlib.metadata import version
    return {p: version(p) for p in ("tensorflow", "tf-keras", "tflite-micro", "numpy")}


# --------------------------------------------------------------------------- #
# compact JSON: one line per small list/dict, so fixtures.json stays readable and small
# --------------------------------------------------------------------------- #

def dump_json(obj, depth=0):
    """Top levels expand one key per line; inside a fixture each field stays on one line,
    except lists of several records (ops, inputs, outputs), which get one line per record."""
    pad, inner = " " * depth, " " * (depth + 1)
    flat = json.dumps(obj, separators=(", ", ": "))
    if not isinstance(obj, (dict, list)) or not obj or len(flat) + depth <= 100:
        return flat
    if depth >= 3 and not (isinstance(obj, list) and len(obj) > 1 and depth == 3):
        return flat
    if isinstance(obj, dict):
        items = [f"{inner}{json.dumps(k)}: {dump_json(v, depth + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    items = [inner + dump_json(v, depth + 1) for v in obj]
    return "[\n" + ",\n".join(items) + "\n" + pad + "]"


# =========================================================================== #
# Fixture specifications
# =========================================================================== #

def specs_phase1(tf):
    L = tf.keras.layers
    relu6 = tf.nn.relu6
    S = []

    def conv(base, covers, shape, filters, k, pad, stride, act, dilation=1):
        S.append(Spec(base, 1, covers, [shape], lambda x, w: L.Conv2D(
            filters, k, strides=stride, padding=pad, dilation_rate=dilation, activation=act,
            kernel_initializer=w.kernel(), bias_initializer=w.bias())(x[0]), expect="CONV_2D"))

    conv("conv_2d_1x1_relu", "CONV_2D 1x1, fused RELU", (5, 5, 8), 6, 1, "valid", 1, "relu")
    conv("conv_2d_3x3_same_s1_relu6", "CONV_2D 3x3 SAME stride 1, fused RELU6",
         (6, 6, 3), 4, 3, "same", 1, relu6)
    conv("conv_2d_3x3_valid_s2_none", "CONV_2D 3x3 VALID stride 2, no activation",
         (7, 7, 3), 4, 3, "valid", 2, None)
    conv("conv_2d_3x3_dil2_valid_relu", "CONV_2D 3x3 dilation 2 VALID, fused RELU",
         (8, 8, 2), 4, 3, "valid", 1, "relu", dilation=2)

    def dw(base, covers, shape, mult, pad, stride, act):
        S.append(Spec(base, 1, covers, [shape], lambda x, w: L.DepthwiseConv2D(
            3, strides=stride, padding=pad, depth_multiplier=mult, activation=act,
            depthwise_initializer=w.kernel(), bias_initializer=w.bias())(x[0]),
            expect="DEPTHWISE_CONV_2D"))

    dw("depthwise_conv_2d_m1_3x3_same_relu6", "DEPTHWISE_CONV_2D multiplier 1, 3x3 SAME, RELU6",
       (6, 6, 4), 1, "same", 1, relu6)
    dw("depthwise_conv_2d_m2_3x3_valid_s2", "DEPTHWISE_CONV_2D multiplier 2, 3x3 VALID stride 2",
       (7, 7, 3), 2, "valid", 2, None)
    dw("depthwise_conv_2d_3x3_same_c16_relu", "DEPTHWISE_CONV_2D 3x3 SAME, 16 channels, RELU",
       (4, 4, 16), 1, "same", 1, "relu")

    def dense(units, act):
        return lambda x, w: L.Dense(units, activation=act, kernel_initializer=w.kernel(),
                                    bias_initializer=w.bias())(x[0])

    S.append(Spec("fully_connected_relu", 1,
                  "FULLY_CONNECTED 24->10, fused RELU, per-channel int8 weights (converter default)",
                  [(24,)], dense(10, "relu"), expect="FULLY_CONNECTED"))
    S.append(Spec("fully_connected_per_tensor", 1,
                  "FULLY_CONNECTED 24->8 with per-tensor int8 weights "
                  "(_experimental_disable_per_channel_quantization_for_dense_layers)",
                  [(24,)], dense(8, None), types=("int8",), expect="FULLY_CONNECTED",
                  per_tensor_dense=True,
                  check=lambda m: None if any(o.get("weight_scales") == 1 for o in m["ops"])
                  else "weights are not per-tensor"))

    def keep_dims(m):
        fc = [o for o in m["ops"] if o["op"] == "FULLY_CONNECTED"]
        return None if fc and fc[0]["options"].get("keepNumDims") else "keep_num_dims not set"
    S.append(Spec("fully_connected_3d_keep_dims", 1,
                  "FULLY_CONNECTED on a [1,3,12] input with keep_num_dims (Dense on a 3-D tensor)",
                  [(3, 12)], dense(5, None), expect="FULLY_CONNECTED", check=keep_dims))

    def pool(base, covers, shape, cls, k, stride, pad, expect):
        S.append(Spec(base, 1, covers, [shape],
                      lambda x, w: cls(k, strides=stride, padding=pad)(x[0]), expect=expect))

    pool("average_pool_2d_2x2_valid_s2", "AVERAGE_POOL_2D 2x2 VALID stride 2", (6, 6, 3),
         L.AveragePooling2D, 2, 2, "valid", "AVERAGE_POOL_2D")
    pool("average_pool_2d_3x3_same_s2", "AVERAGE_POOL_2D 3x3 SAME stride 2 (edge windows count "
         "only valid cells)", (7, 7, 3), L.AveragePooling2D, 3, 2, "same", "AVERAGE_POOL_2D")
    pool("max_pool_2d_2x2_valid_s2", "MAX_POOL_2D 2x2 VALID stride 2", (6, 6, 3),
         L.MaxPooling2D, 2, 2, "valid", "MAX_POOL_2D")
    pool("max_pool_2d_3x3_same_s1", "MAX_POOL_2D 3x3 SAME stride 1", (5, 5, 3),
         L.MaxPooling2D, 3, 1, "same", "MAX_POOL_2D")

    S.append(Spec("add_same_shape", 1, "ADD of two [1,4,4,3] inputs (different ranges, so "
                  "different scales)", [(4, 4, 3), (4, 4, 3)],
                  lambda x, w: L.Add()([x[0], x[1]]), ranges=[(-1, 1), (-3, 2)], expect="ADD"))
    S.append(Spec("add_broadcast_channels", 1, "ADD broadcasting [1,1,1,3] over [1,4,4,3]",
                  [(4, 4, 3), (1, 1, 3)], lambda x, w: tf.add(x[0], x[1]),
                  ranges=[(-1, 1), (-2, 2)], expect="ADD"))
    S.append(Spec("add_broadcast_rows", 1, "ADD broadcasting [1,4,1,1] over [1,4,4,3]",
                  [(4, 4, 3), (4, 1, 1)], lambda x, w: tf.add(x[0], x[1]),
                  ranges=[(-1, 1), (-0.5, 1.5)], expect="ADD"))

    def fused_relu(m):
        add = [o for o in m["ops"] if o["op"] == "ADD"]
        return None if add and add[0]["options"].get("fusedActivationFunction") == "RELU" \
            else "RELU was not fused into ADD"
    S.append(Spec("add_relu", 1, "ADD with fused RELU", [(4, 4, 3), (4, 4, 3)],
                  lambda x, w: tf.nn.relu(x[0] + x[1]), expect="ADD", check=fused_relu))
    S.append(Spec("reshape", 1, "RESHAPE [1,4,4,2] -> [1,8,4]", [(4, 4, 2)],
                  lambda x, w: L.Reshape((8, 4))(x[0]), expect="RESHAPE"))
    S.append(Spec("softmax_2d", 1, "SOFTMAX over a [1,10] tensor", [(10,)],
                  lambda x, w: L.Softmax()(x[0]), ranges=[(-4, 4)], input_ranges=[(-4, 4)],
                  expect="SOFTMAX"))
    S.append(Spec("softmax_3d", 1, "SOFTMAX over the last axis of a [1,3,8] tensor", [(3, 8)],
                  lambda x, w: L.Softmax(axis=-1)(x[0]), ranges=[(-4, 4)], input_ranges=[(-4, 4)],
                  expect="SOFTMAX"))

    def mnist_mini(x, w):
        y = L.Conv2D(4, 3, activation="relu", kernel_initializer=w.kernel(),
                     bias_initializer=w.bias())(x[0])
        y = L.MaxPooling2D(2)(y)
        y = L.DepthwiseConv2D(3, padding="same", activation="relu",
                              depthwise_initializer=w.kernel(), bias_initializer=w.bias())(y)
        y = L.AveragePooling2D(2)(y)
        y = L.Flatten()(y)
        y = L.Dense(10, kernel_initializer=w.kernel(), bias_initializer=w.bias())(y)
        return L.Softmax()(y)
    S.append(Spec("net_mnist_mini", 1, "mini MNIST-style CNN, 12x12x1: CONV_2D 3x3 RELU, "
                  "MAX_POOL_2D, DEPTHWISE_CONV_2D SAME RELU, AVERAGE_POOL_2D, RESHAPE, "
                  "FULLY_CONNECTED, SOFTMAX", [(12, 12, 1)], mnist_mini, ranges=[(0, 1)],
                  input_ranges=[(0, 1)], expect="SOFTMAX"))

    def har_mini(x, w):
        y = x[0]
        for units in (32, 16):
            y = L.Dense(units, activation="relu", kernel_initializer=w.kernel(),
                        bias_initializer=w.bias())(y)
        y = L.Dense(6, kernel_initializer=w.kernel(), bias_initializer=w.bias())(y)
        return L.Softmax()(y)
    S.append(Spec("net_har_mini", 1, "mini HAR-style MLP 64->32->16->6: FULLY_CONNECTED RELU x2, "
                  "FULLY_CONNECTED, SOFTMAX", [(64,)], har_mini, expect="SOFTMAX"))

    def relu_n1_to_1(m):
        conv_ = [o for o in m["ops"] if o["op"] == "CONV_2D"]
        if conv_ and conv_[0]["options"].get("fusedActivationFunction") == "RELU_N1_TO_1":
            return None
        if any(o["op"] == "RELU_N1_TO_1" for o in m["ops"]):
            return None
        return "clip_by_value(-1, 1) did not become RELU_N1_TO_1"
    S.append(Spec("conv_2d_relu_n1_to_1_input_zp", 1,
                  "CONV_2D 3x3 SAME + clip_by_value(-1, 1) (RELU_N1_TO_1); input calibrated on "
                  "[0, 1] so the int8 input zero point is -128",
                  [(5, 5, 2)], lambda x, w: tf.clip_by_value(L.Conv2D(
                      4, 3, padding="same", kernel_initializer=w.kernel(),
                      bias_initializer=w.bias())(x[0]), -1.0, 1.0),
                  ranges=[(0, 1)], input_ranges=[(0, 1)], expect="CONV_2D", check=relu_n1_to_1))
    return S


def specs_phase2(tf):
    L = tf.keras.layers
    S = []
    small = (2, 3, 4)      # elementwise ops: 24 values
    image = (3, 3, 2)      # spatial ops

    def op(name, covers, shapes, build, types=("int8", "f32"), expect=None, **kw):
        S.append(Spec("op_" + name, 2, covers, shapes, build, types=types,
                      expect=expect or name.upper(), **kw))

    def unary(name, covers, fn, types=("int8", "f32"), shape=small, rng=(-1.0, 1.0),
              inputs_in_range=True, **kw):
        op(name, covers, [shape], lambda x, w: fn(x[0]), types=types, ranges=[rng],
           input_ranges=[rng] if inputs_in_range else None, **kw)

    def binary(name, covers, fn, types=("int8", "f32"), ranges=((-1.0, 1.0), (-2.0, 1.5)),
               input_ranges=None, **kw):
        op(name, covers, [small, small], lambda x, w: fn(x[0], x[1]), types=types,
           ranges=list(ranges), input_ranges=input_ranges, **kw)

    # --- int16x8 versions of the phase-1 kernels
    op("conv_2d", "CONV_2D 3x3 SAME, fused RELU, int16 activations (int64 bias)", [(4, 4, 2)],
       lambda x, w: L.Conv2D(3, 3, padding="same", activation="relu", kernel_initializer=w.kernel(),
                             bias_initializer=w.bias())(x[0]), types=("int16",))
    op("depthwise_conv_2d", "DEPTHWISE_CONV_2D 3x3 SAME multiplier 1, int16 activations",
       [(4, 4, 3)], lambda x, w: L.DepthwiseConv2D(
           3, padding="same", depthwise_initializer=w.kernel(), bias_initializer=w.bias())(x[0]),
       types=("int16",))
    op("fully_connected", "FULLY_CONNECTED 12->6, int16 activations", [(12,)],
       lambda x, w: L.Dense(6, kernel_initializer=w.kernel(), bias_initializer=w.bias())(x[0]),
       types=("int16",))
    binary("add", "ADD of two [1,2,3,4] tensors, int16 activations",
           lambda a, b: L.Add()([a, b]), types=("int16",))
    unary("softmax", "SOFTMAX over [1,8], int16 activations", lambda x: L.Softmax()(x),
          types=("int16",), shape=(8,), rng=(-4.0, 4.0))

    # --- QUANTIZE / DEQUANTIZE: a RESHAPE gives the converter an op to quantize around.
    reshape = lambda x, w: L.Reshape((6, 4))(x[0])  # noqa: E731
    op("quantize", "QUANTIZE float32 -> int8 (model input stays float32), then RESHAPE",
       [small], reshape, types=("int8",), io={"int8": ("float32", "int8")},
       expect_types={"int8": ("float32", "int8")}, names={"int8": "op_quantize_int8"})
    op("quantize", "QUANTIZE float32 -> int16 (model input stays float32), then RESHAPE",
       [small], reshape, types=("int16",), io={"int16": ("float32", "int16")},
       expect_types={"int16": ("float32", "int16")}, names={"int16": "op_quantize_int16"})
    op("quantize_requant", "QUANTIZE int8 -> int8 (requantize): LOGISTIC and TANH have fixed "
       "output scales, so the converter requantizes both before CONCATENATION", [small],
       lambda x, w: tf.concat([tf.sigmoid(x[0]), tf.tanh(x[0])], axis=-1), types=("int8",),
       ranges=[(-3.0, 3.0)], expect="QUANTIZE")
    op("quantize_int8_to_int16", "QUANTIZE int8 -> int16", [small], reshape, types=("int16",),
       io={"int16": ("int8", "int16")}, expect="QUANTIZE",
       expect_types={"int16": ("int8", "int16")}, names={"int16": "op_quantize_int8_to_int16"})
    op("quantize_int16_to_int8", "QUANTIZE int16 -> int8", [small], reshape, types=("int16",),
       io={"int16": ("int16", "int8")}, expect="QUANTIZE",
       expect_types={"int16": ("int16", "int8")}, names={"int16": "op_quantize_int16_to_int8"})
    op("dequantize", "RESHAPE then DEQUANTIZE int8 -> float32 (model output float32)",
       [small], reshape, types=("int8",), io={"int8": ("int8", "float32")},
       expect_types={"int8": ("int8", "float32")}, names={"int8": "op_dequantize_int8"})
    op("dequantize", "RESHAPE then DEQUANTIZE int16 -> float32 (model output float32)",
       [small], reshape, types=("int16",), io={"int16": ("int16", "float32")},
       expect_types={"int16": ("int16", "float32")}, names={"int16": "op_dequantize_int16"})

    # --- activations
    unary("hard_swish", "HARD_SWISH (pattern x * relu6(x + 3) / 6)",
          lambda x: x * tf.nn.relu6(x + 3.0) * (1.0 / 6.0), rng=(-5.0, 5.0))
    unary("leaky_relu", "LEAKY_RELU alpha 0.2", lambda x: L.LeakyReLU(alpha=0.2)(x),
          types=("int8", "f32", "int16"), rng=(-2.0, 2.0))
    unary("logistic", "LOGISTIC", tf.sigmoid, types=("int8", "f32", "int16"), rng=(-6.0, 6.0))
    unary("tanh", "TANH", tf.tanh, types=("int8", "f32", "int16"), rng=(-3.0, 3.0))
    unary("relu", "standalone RELU", lambda x: L.ReLU()(x), rng=(-2.0, 2.0))
    unary("relu6", "standalone RELU6 (TFLM int8 clamps in the input's domain)", tf.nn.relu6,
          rng=(-3.0, 9.0))
    op("prelu", "PRELU with per-channel alpha in [-0.4, 0.6] (shared over H and W)",
       [(3, 3, 4)], lambda x, w: L.PReLU(alpha_initializer=w.uniform(-0.4, 0.6),
                                         shared_axes=[1, 2])(x[0]))

    # --- reductions
    unary("mean", "MEAN over axes [1, 2], keep_dims", lambda x: tf.reduce_mean(
        x, axis=[1, 2], keepdims=True), shape=(3, 3, 4), rng=(-2.0, 1.0))
    unary("sum", "SUM over the last axis", lambda x: tf.reduce_sum(x, axis=-1))

    # --- binary arithmetic
    binary("mul", "MUL of two [1,2,3,4] tensors", tf.multiply, types=("int8", "f32", "int16"))
    binary("sub", "SUB of two [1,2,3,4] tensors", tf.subtract, types=("int8", "f32", "int16"))
    binary("maximum", "MAXIMUM of two [1,2,3,4] tensors", tf.maximum)
    binary("minimum", "MINIMUM of two [1,2,3,4] tensors", tf.minimum)
    binary("squared_difference", "SQUARED_DIFFERENCE of two [1,2,3,4] tensors",
           tf.math.squared_difference)
    binary("div", "DIV; the divisor input is drawn from [0.5, 2]", tf.divide,
           ranges=((-1.0, 1.0), (0.5, 2.0)), input_ranges=[None, (0.5, 2.0)])

    # --- elementwise math (positive inputs where the function needs them)
    unary("exp", "EXP on [-2, 1]", tf.exp, rng=(-2.0, 1.0))
    unary("log", "LOG on positive inputs [0.05, 4]", tf.math.log, rng=(0.05, 4.0))
    unary("sqrt", "SQRT on non-negative inputs [0, 4]", tf.sqrt, rng=(0.0, 4.0))
    unary("rsqrt", "RSQRT on positive inputs [0.05, 4]", tf.math.rsqrt, rng=(0.05, 4.0))

    # --- padding, slicing, shape manipulation
    unary("pad", "PAD (zeros) top 1, right 2 on [1,3,3,2]",
          lambda x: L.ZeroPadding2D(((1, 0), (0, 2)))(x), types=("int8", "f32", "int16"),
          shape=image, inputs_in_range=False)
    unary("padv2", "PADV2 with constant 0.5", lambda x: tf.pad(
        x, [[0, 0], [1, 1], [0, 1], [0, 0]], constant_values=0.5), shape=image,
          inputs_in_range=False)
    unary("strided_slice", "STRIDED_SLICE x[:, 1:4:2, ::2, :] of [1,4,5,2]",
          lambda x: x[:, 1:4:2, ::2, :], types=("int8", "f32", "int16"), shape=(4, 5, 2),
          inputs_in_range=False)
    unary("squeeze", "SQUEEZE axis 1 of [1,1,3,4]", lambda x: tf.squeeze(x, axis=1),
          shape=(1, 3, 4), inputs_in_range=False)
    unary("expand_dims", "EXPAND_DIMS axis 2 of [1,3,4]", lambda x: tf.expand_dims(x, 2),
          shape=(3, 4), inputs_in_range=False)
    unary("transpose", "TRANSPOSE perm [0, 2, 1, 3] of [1,2,3,4]",
          lambda x: tf.transpose(x, [0, 2, 1, 3]), inputs_in_range=False)
    unary("gather", "GATHER constant indices [2, 0, 1, 1] on axis 1 of [1,3,4]",
          lambda x: tf.gather(x, [2, 0, 1, 1], axis=1), shape=(3, 4), inputs_in_range=False)
    op("shape", "SHAPE of an input declared [1, None, 4] (TFLM sees [1, 1, 4]); int32 output",
       [(None, 4)], lambda x, w: tf.shape(x[0]), rep_shapes=[(1, 4)],
       expect_types={"int8": ("int8", "int32"), "f32": ("float32", "int32")})
    unary("cast", "CAST to int32 (truncates toward zero) of inputs in [-10, 10]",
          lambda x: tf.cast(x, tf.int32), rng=(-10.0, 10.0),
          expect_types={"int8": ("int8", "int32"), "f32": ("float32", "int32")})
    op("concatenation", "CONCATENATION of [1,2,3,2] and [1,2,3,3] on the last axis",
       [(2, 3, 2), (2, 3, 3)], lambda x, w: L.Concatenate(axis=-1)([x[0], x[1]]),
       ranges=[(-1.0, 1.0), (-2.0, 2.0)])
    op("pack", "PACK two [1,3,4] tensors on axis 1", [(3, 4), (3, 4)],
       lambda x, w: tf.stack([x[0], x[1]], axis=1))
    unary("unpack", "UNPACK [1,3,4] on axis 1 into three outputs",
          lambda x: tf.unstack(x, axis=1), shape=(3, 4), inputs_in_range=False)
    unary("split", "SPLIT [1,3,4] into two on the last axis",
          lambda x: tf.split(x, 2, axis=-1), shape=(3, 4), inputs_in_range=False)
    unary("split_v", "SPLIT_V [1,3,4] into sizes [1, 3] on the last axis",
          lambda x: tf.split(x, [1, 3], axis=-1), shape=(3, 4), inputs_in_range=False)

    # --- resizing
    unary("resize_nearest_neighbor", "RESIZE_NEAREST_NEIGHBOR x2 (UpSampling2D nearest)",
          lambda x: L.UpSampling2D(2, interpolation="nearest")(x), shape=(2, 3, 2),
          inputs_in_range=False)
    unary("resize_bilinear", "RESIZE_BILINEAR [3,3] -> [5,5] (tf.image.resize, half-pixel "
          "centres)", lambda x: tf.image.resize(x, (5, 5), method="bilinear"), shape=image,
          inputs_in_range=False)

    # --- weighted ops
    op("transpose_conv", "TRANSPOSE_CONV 3x3 stride 2 SAME, 2 filters, with bias", [image],
       lambda x, w: L.Conv2DTranspose(2, 3, strides=2, padding="same",
                                      kernel_initializer=w.kernel(),
                                      bias_initializer=w.bias())(x[0]),
       types=("int8", "f32", "int16"))
    op("batch_matmul", "BATCH_MATMUL [1,3,4] x [1,4,5], both operands are inputs",
       [(3, 4), (4, 5)], lambda x, w: tf.matmul(x[0], x[1]))
    op("unidirectional_sequence_lstm", "UNIDIRECTIONAL_SEQUENCE_LSTM: Keras LSTM, 3 steps, "
       "4 features, 4 units, all steps returned", [(3, 4)],
       lambda x, w: L.LSTM(4, return_sequences=True, kernel_initializer=w.kernel(),
                           recurrent_initializer=w.kernel(), bias_initializer=w.bias())(x[0]))
    S.append(Spec("op_svdf", 2, "SVDF", [], None, expect="SVDF", not_attempted=(
        "we know of no TensorFlow/Keras op that the TF 2.21 MLIR converter lowers to SVDF; the "
        "legacy TOCO path fuses SVDF only from a TF1 GraphDef whose node names follow an "
        "'SVDF_weights_feature' / 'SVDF_weights_time' cluster pattern, which Keras does not "
        "produce, and a hand-built flatbuffer would not be converter output")))
    return S


def all_specs(tf):
    return specs_phase1(tf) + specs_phase2(tf)


# =========================================================================== #
# main
# =========================================================================== #

README_BEGIN, README_END = "<!-- fixture table: begin -->", "<!-- fixture table: end -->"


def update_readme(document):
    """Keep README.md's fixture table in step with fixtures.json (between the markers)."""
    path = os.path.join(HERE, "README.md")
    if not os.path.exists(path):
        return
    with open(path) as f:
        text = f.read()
    if README_BEGIN not in text or README_END not in text:
        return
    lines = ["| fixture | phase | ops (execution order) | covers |", "|---|---|---|---|"]
    for name, fx in document["fixtures"].items():
        ops = " ".join(o["op"] for o in fx["ops"])
        lines.append(f"| `{name}` | {fx['phase']} | {ops} | {fx['covers']} |")
    if document["not_emitted"]:
        lines += ["", "Not emitted (no fixture written):", ""]
        lines += [f"- `{e['fixture']}`: {e['reason']}" for e in document["not_emitted"]]
    if document["refused"]:
        lines += ["", "Refused by TFLM (model kept, no golden):", ""]
        lines += [f"- `{e['fixture']}`: {e['tflm_message']}" for e in document["refused"]]
    head, rest = text.split(README_BEGIN, 1)
    tail = rest.split(README_END, 1)[1]
    with open(path, "w") as f:
        f.write(head + README_BEGIN + "\n" + "\n".join(lines) + "\n" + README_END + tail)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: Tests/Fixtures/models)")
    p.add_argument("--phase", type=int, choices=(1, 2), help="only this phase")
    p.add_argument("--list", action="store_true", help="print fixture names and exit")
    p.add_argument("--verify", action="store_true",
                   help="re-run TFLM on the stored inputs and compare (needs no TensorFlow)")
    p.add_argument("--tflm-worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--model", help=argparse.SUPPRESS)
    p.add_argument("--prefix", help=argparse.SUPPRESS)
    p.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    p.add_argument("--rules", default="[]", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.tflm_worker:
        tflm_worker(args)
        return
    if args.verify:
        sys.exit(0 if verify(args.out) else 1)

    import tensorflow as tf
    specs = [s for s in all_specs(tf) if args.phase is None or s.phase == args.phase]
    if args.list:
        for s in specs:
            print("\n".join(s.name(k) for k in s.types))
        return

    # A full run starts from an empty folder so no stale fixture survives a rename; a
    # --phase run replaces only that phase's entries and files.
    os.makedirs(args.out, exist_ok=True)
    json_path = os.path.join(args.out, "fixtures.json")
    kept = {"fixtures": {}, "not_emitted": [], "refused": []}
    if args.phase is not None and os.path.exists(json_path):
        with open(json_path) as f:
            old = json.load(f)
        kept["fixtures"] = {k: v for k, v in old["fixtures"].items() if v["phase"] != args.phase}
        kept["not_emitted"] = [e for e in old["not_emitted"] if e["phase"] != args.phase]
        kept["refused"] = [e for e in old["refused"] if e["phase"] != args.phase]
    keep_prefixes = tuple(n + "." for n in kept["fixtures"]) + tuple(
        e["fixture"] + "." for e in kept["refused"])
    for entry in os.listdir(args.out):
        if (entry.endswith((".tflite", ".npy")) and not entry.startswith(keep_prefixes)) \
                or (entry == "fixtures.json" and args.phase is None):
            os.remove(os.path.join(args.out, entry))
    fixtures, not_emitted, refused = generate(specs, args.out, lambda s: print(s, flush=True))
    order = {s.name(k): i for i, s in enumerate(all_specs(tf)) for k in s.types}
    fixtures = dict(sorted({**kept["fixtures"], **fixtures}.items(),
                           key=lambda kv: order.get(kv[0], len(order))))
    not_emitted = sorted(kept["not_emitted"] + not_emitted,
                         key=lambda e: order.get(e["fixture"], len(order)))
    refused = sorted(kept["refused"] + refused, key=lambda e: order.get(e["fixture"], len(order)))
    document = {
        "about": "mcusim test fixtures: tiny Keras models converted by the TFLite converter; "
                 "outputs are TFLM's (tflite_micro wheel, reference kernels, x86-64 host). "
                 "Regenerate with make_fixtures.py; see README.md.",
        "versions": versions(),
        "types": TYPE_LEGEND,
        "files": "NAME.tflite; inputs NAME.input.npy, NAME.input1.npy ...; outputs "
                 "NAME.output.npy, NAME.output1.npy ... (index order of the subgraph)",
        "input_rule": {"generator": "numpy.random.default_rng(input_seed), one array per "
                                    "model input in subgraph-input order; a fixture's input_rule "
                                    "has one entry per input: \"default\" or [lo, hi]",
                       "default": DEFAULT_RULES, "[lo, hi]": RANGE_RULE_TEXT},
        "arena": {"arena_bytes": ARENA_BYTES,
                  "note": "RecordingMicroAllocator numbers on a 64-bit host: used = head + tail; "
                          "head = non-persistent section (planned activations + scratch); "
                          "tail = persistent section; 'persistent' maps each kind to [used, "
                          "requested, count]. Pointer-sized structs make the tail larger than on "
                          "32-bit Cortex-M."},
        "fixtures": fixtures,
        "not_emitted": not_emitted,
        "refused": refused,
    }
    with open(os.path.join(args.out, "fixtures.json"), "w") as f:
        f.write(dump_json(document) + "\n")
    if os.path.abspath(args.out) == os.path.abspath(DEFAULT_OUT):
        update_readme(document)
    total = sum(os.path.getsize(os.path.join(args.out, e)) for e in os.listdir(args.out))
    print(f"{len(fixtures)} fixtures, {len(not_emitted)} not emitted, {len(refused)} refused; "
          f"{total} bytes in {args.out}")


if __name__ == "__main__":
    main()
