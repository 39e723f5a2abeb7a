"""Time the course's three kinds of workload on the installed Keras backends.

    for b in jax tensorflow torch; do
        KERAS_BACKEND=$b python benchmarks/backends.py $DLEX_DATA_DIR/mnist.npz
    done

Prints the best of two runs (after a warm-up fit) of: one epoch of the Lab 2 MLP on
60,000 images, one epoch of the Lab 6 CNN on 10,000 images, and 600 steps at batch size 1
(Lab 4's small regression network). These figures chose the default backend.
"""

import sys
import time

import keras
import numpy as np
from keras import layers

with np.load(sys.argv[1]) as data:
    x = data["x_train"].reshape(-1, 784).astype("float32") / 255
    y = keras.utils.to_categorical(data["y_train"], 10)


def timed_fit(model, inputs, targets, epochs, batch_size):
    model.fit(inputs[:256], targets[:256], epochs=1, batch_size=batch_size, verbose=0)  # compile
    start = time.perf_counter()
    model.fit(inputs, targets, epochs=epochs, batch_size=batch_size, verbose=0)
    return time.perf_counter() - start


def mlp():
    model = keras.Sequential(
        [keras.Input((784,)), layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")]
    )
    model.compile("rmsprop", "categorical_crossentropy", metrics=["accuracy"])
    return timed_fit(model, x, y, 1, 128)


def cnn():
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile("rmsprop", "categorical_crossentropy", metrics=["accuracy"])
    return timed_fit(model, x[:10000].reshape(-1, 28, 28, 1), y[:10000], 1, 128)


def batch_of_one():
    rng = np.random.default_rng(0)
    inputs, targets = rng.random((20, 9), dtype="float32"), rng.random((20, 1), dtype="float32")
    model = keras.Sequential([keras.Input((9,)), layers.Dense(128, activation="relu"), layers.Dense(1)])
    model.compile("rmsprop", "mse")
    return timed_fit(model, inputs, targets, 30, 1)


for name, workload in [("mlp_epoch_60k", mlp), ("cnn_epoch_10k", cnn), ("batch1_600_steps", batch_of_one)]:
    print(f"{keras.backend.backend():11} {name:17} {min(workload() for _ in range(2)):.2f} s", flush=True)
