#!/usr/bin/env python3
"""Build the example models bundled in Examples/models (deterministic).

- mnist_cnn_int8.tflite: the thesis' MNIST CNN (28x28x1: conv 8 3x3 ReLU, max-pool 2,
  conv 16 3x3 ReLU, max-pool 2, dense 32 ReLU, dense 10 softmax), trained on 4,000 real
  MNIST digits, full-integer int8. It is the seed study's model: copied from
  Examples/seed-study/models/mnist_cnn_int8.tflite, which Examples/seed-study/make_models.py
  builds (run that first); the input is a held-out "1" from the study's test set, quantized
  as TFLM's Quantize kernel does.
- kws_dscnn_int8.tflite: a keyword-spotting DS-CNN with the MLPerf Tiny KWS reference
  architecture (49x10 MFCC input, conv 64 10x4 stride 2, four depthwise-separable
  blocks, average pool, dense 12 softmax), trained a few steps on synthetic data: its
  weights are not meaningful, its shapes and cost are.

usage: python Examples/make_examples.py   (needs Examples/seed-study/requirements.txt)
"""
import os
import pathlib
import sys

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_DETERMINISTIC_OPS", "1")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np
import tensorflow as tf
import tf_keras as keras

OUT = pathlib.Path(__file__).resolve().parent / "models"
SEED_STUDY = pathlib.Path(__file__).resolve().parent / "seed-study"
sys.path.insert(0, str(SEED_STUDY))
import data as seed_study_data  # noqa: E402


def seed(n):
    np.random.seed(n)
    tf.random.set_seed(n)
    keras.utils.set_random_seed(n)


def convert_int8(model, representative):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([x[None].astype(np.float32)] for x in representative)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    return converter.convert()


def mnist_cnn():
    tflite = (SEED_STUDY / "models" / "mnist_cnn_int8.tflite").read_bytes()
    images = np.load(SEED_STUDY / "data" / "mnist_test_x.npy")
    labels = np.load(SEED_STUDY / "data" / "mnist_test_y.npy")
    index = int(np.flatnonzero(labels == 1)[0])
    return tflite, quantize_input(tflite, seed_study_data.mnist_float(images[index])), 1


def kws_dscnn():
    seed(2)
    model = keras.Sequential([keras.layers.Input((49, 10, 1)),
                              keras.layers.Conv2D(64, (10, 4), strides=2, padding="same", use_bias=False),
                              keras.layers.BatchNormalization(), keras.layers.ReLU()])
    for _ in range(4):
        model.add(keras.layers.DepthwiseConv2D(3, padding="same", use_bias=False))
        model.add(keras.layers.BatchNormalization())
        model.add(keras.layers.ReLU())
        model.add(keras.layers.Conv2D(64, 1, use_bias=False))
        model.add(keras.layers.BatchNormalization())
        model.add(keras.layers.ReLU())
    model.add(keras.layers.AveragePooling2D((25, 5)))
    model.add(keras.layers.Flatten())
    model.add(keras.layers.Dense(12, activation="softmax"))
    rng = np.random.default_rng(2)
    x = rng.normal(0, 1, (256, 49, 10, 1)).astype(np.float32)
    y = rng.integers(0, 12, 256)
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=2, batch_size=32, verbose=0)
    tflite = convert_int8(model, x[:64])
    return tflite, quantize_input(tflite, x[0]), None


def quantize_input(tflite, sample):
    interp = tf.lite.Interpreter(model_content=tflite)
    scale, zero_point = interp.get_input_details()[0]["quantization"]
    return seed_study_data.quantize_input(sample, scale, zero_point)[None]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in [("mnist_cnn_int8", mnist_cnn), ("kws_dscnn_int8", kws_dscnn)]:
        tflite, sample, label = build()
        (OUT / f"{name}.tflite").write_bytes(tflite)
        np.save(OUT / f"{name}.input.npy", sample)
        print(f"{name}: {len(tflite)} bytes" + (f", sample label {label}" if label is not None else ""))


if __name__ == "__main__":
    main()
