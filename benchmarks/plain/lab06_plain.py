"""Lab 6's four trainings written plainly in Keras 3: the baseline `dlex run lab06` is timed against.

Same data, models, seeds, callbacks, epochs and batch size as the lab; no notebook, no
by-hand parts, plots or report. Prints one JSON line per training.
Run: KERAS_BACKEND=tensorflow python benchmarks/plain/lab06_plain.py /path/to/mnist.npz
     ... --only cnn --epochs 2      # just the CNN, a fixed number of epochs (backend probe)
     ... --channels-first            # images as (channels, rows, columns), PyTorch's native layout
"""

import argparse
import json
import os
import tempfile
import time

import keras
import numpy as np
from keras import layers

parser = argparse.ArgumentParser()
parser.add_argument("mnist")
parser.add_argument("--only", choices=["cnn"], help="train only the CNN")
parser.add_argument(
    "--epochs", type=int, help="train the CNN for exactly this many epochs, no early stopping"
)
parser.add_argument("--channels-first", action="store_true")
args = parser.parse_args()
if args.channels_first:
    keras.config.set_image_data_format("channels_first")

with np.load(args.mnist) as f:
    x_train, y_train, x_test, y_test = f["x_train"], f["y_train"], f["x_test"], f["y_test"]
channels_first = keras.config.image_data_format() == "channels_first"
x_train = x_train[:, None] if channels_first else x_train[..., None]
x_test = x_test[:, None] if channels_first else x_test[..., None]
x_train, x_test = x_train.astype("float32") / 255, x_test.astype("float32") / 255
y_train, y_test = keras.utils.to_categorical(y_train, 10), keras.utils.to_categorical(y_test, 10)
x_fit, y_fit, x_val, y_val = x_train[:-10000], y_train[:-10000], x_train[-10000:], y_train[-10000:]
folder = tempfile.mkdtemp()


def cnn(padding):
    return keras.Sequential(
        [
            keras.Input(x_train.shape[1:]),
            layers.Conv2D(32, (3, 3), activation="relu", padding=padding),
            layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu", padding=padding),
            layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu", padding=padding),
            layers.Flatten(),
            layers.Dense(64, activation="relu", kernel_regularizer=keras.regularizers.L2(0.01)),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ]
    )


def report(name, model, epochs, seconds, accuracy):
    print(
        json.dumps(
            {
                "model": name,
                "backend": keras.backend.backend(),
                "params": model.count_params(),
                "epochs": epochs,
                "seconds_per_epoch": seconds / epochs,
                "test_accuracy": accuracy,
            }
        ),
        flush=True,
    )


for name, seed, padding, most in [("cnn", 2356, "valid", 40), ("cnn_same", 88776, "same", 6)][
    : 1 if args.only else 2
]:
    keras.utils.set_random_seed(seed)
    model = cnn(padding)
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    path = os.path.join(folder, f"{name}.keras")
    callbacks = (
        []
        if args.epochs
        else [
            keras.callbacks.EarlyStopping(monitor="val_loss", patience=1),
            keras.callbacks.ModelCheckpoint(path, monitor="val_loss", save_best_only=True),
        ]
    )
    start = time.perf_counter()
    history = model.fit(
        x_fit,
        y_fit,
        epochs=args.epochs or most,
        batch_size=128,
        validation_data=(x_val, y_val),
        callbacks=callbacks,
        verbose=0,
    )
    seconds = time.perf_counter() - start
    best = model if args.epochs else keras.models.load_model(path)
    report(name, model, len(history.history["loss"]), seconds, best.evaluate(x_test, y_test, verbose=0)[1])

if not args.only:
    flat_train, flat_test = x_train.reshape(len(x_train), -1), x_test.reshape(len(x_test), -1)
    dense_a = [layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")]
    dense_5 = [
        layers.Dense(512, activation="relu"),
        layers.Dropout(0.5),
        layers.Dense(512, activation="relu", kernel_regularizer=keras.regularizers.L2(10.0)),
        layers.Dense(10, activation="softmax"),
    ]
    decay = keras.optimizers.schedules.InverseTimeDecay(0.001, decay_steps=1, decay_rate=0.005)
    for name, seed, stack, optimizer, epochs in [
        ("dense_lab02_a", 9898, dense_a, "rmsprop", 5),
        ("dense_lab05_ex4", 5577, dense_5, keras.optimizers.Adam(decay), 3),
    ]:
        keras.utils.set_random_seed(seed)
        model = keras.Sequential([keras.Input((784,))] + stack)
        model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
        start = time.perf_counter()
        model.fit(flat_train, y_train, epochs=epochs, batch_size=128, verbose=0)
        report(
            name, model, epochs, time.perf_counter() - start, model.evaluate(flat_test, y_test, verbose=0)[1]
        )
