#!/usr/bin/env python3
"""Build the example models bundled in Examples/models (deterministic).

- mnist_cnn_int8.tflite: the thesis' MNIST CNN (28x28x1: conv 8 3x3 ReLU, max-pool 2,
  conv 16 3x3 ReLU, max-pool 2, dense 32 ReLU, dense 10 softmax), trained briefly on
  scikit-learn's bundled 8x8 digits upscaled to 28x28 (MNIST itself is not downloadable
  here), full-integer int8.
- kws_dscnn_int8.tflite: a keyword-spotting DS-CNN with the MLPerf Tiny KWS reference
  architecture (49x10 MFCC input, conv 64 10x4 stride 2, four depthwise-separable
  blocks, average pool, dense 12 softmax), trained a few steps on synthetic data: its
  weights are not meaningful, its shapes and cost are.

usage: python Examples/make_examples.py   (needs Tests/Fixtures/requirements.txt + scikit-learn==1.9.1)
"""
import os
import pathlib

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_DETERMINISTIC_OPS", "1")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np
import tensorflow as tf
import tf_keras as keras

OUT = pathlib.Path(__file__).resolve().parent / "models"


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
    from sklearn.datasets import load_digits

    seed(1)
    digits = load_digits()
    images = digits.images.astype(np.float32) / 16.0
    # 8x8 -> 20x20 bilinear, centred in 28x28, as MNIST centres digits in a 20x20 box.
    up = tf.image.resize(images[..., None], (20, 20), method="bilinear").numpy()
    x = np.zeros((len(up), 28, 28, 1), np.float32)
    x[:, 4:24, 4:24, :] = up
    y = digits.target
    model = keras.Sequential([
        keras.layers.Input((28, 28, 1)),
        keras.layers.Conv2D(8, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(16, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x[:1500], y[:1500], epochs=6, batch_size=32, verbose=0, shuffle=True)
    acc = model.evaluate(x[1500:], y[1500:], verbose=0)[1]
    print(f"mnist_cnn: held-out accuracy {acc:.3f}")
    tflite = convert_int8(model, x[:200])
    sample = x[1500]
    return tflite, sample, int(y[1500])


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
    return convert_int8(model, x[:64]), x[0], None


def quantize_input(tflite, sample):
    interp = tf.lite.Interpreter(model_content=tflite)
    d = interp.get_input_details()[0]
    scale, zp = d["quantization"]
    return np.clip(np.round(sample / scale) + zp, -128, 127).astype(np.int8)[None]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in [("mnist_cnn_int8", mnist_cnn), ("kws_dscnn_int8", kws_dscnn)]:
        tflite, sample, label = build()
        (OUT / f"{name}.tflite").write_bytes(tflite)
        np.save(OUT / f"{name}.input.npy", quantize_input(tflite, sample))
        print(f"{name}: {len(tflite)} bytes" + (f", sample label {label}" if label is not None else ""))


if __name__ == "__main__":
    main()
