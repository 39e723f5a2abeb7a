"""Lab 2's five trainings written plainly in Keras 3: the baseline `dlex run lab02` is timed against.

Same data, models, seeds, epochs and batch size as the lab; no notebook, plots or report.
Run: KERAS_BACKEND=jax python benchmarks/plain/lab02_plain.py /path/to/mnist.npz
"""

import sys

import keras
import numpy as np

with np.load(sys.argv[1]) as f:
    x_train, y_train, x_test, y_test = f["x_train"], f["y_train"], f["x_test"], f["y_test"]
x_train = x_train.reshape(-1, 784).astype("float32") / 255
x_test = x_test.reshape(-1, 784).astype("float32") / 255
y_train, y_test = keras.utils.to_categorical(y_train, 10), keras.utils.to_categorical(y_test, 10)
x_fit, y_fit, x_val, y_val = x_train[:-10000], y_train[:-10000], x_train[-10000:], y_train[-10000:]


def dense_net(hidden, l2=None, optimizer="rmsprop"):
    reg = keras.regularizers.L2(l2) if l2 else None
    layers = [keras.Input(shape=(784,))]
    layers += [keras.layers.Dense(n, activation="relu", kernel_regularizer=reg) for n in hidden]
    model = keras.Sequential(layers + [keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
    return model


runs = [
    ("A", 9898, [512], None, 5, False, "rmsprop"),
    ("B", 4678, [512], None, 10, True, "rmsprop"),
    ("C", 2432, [512, 512], None, 20, True, "rmsprop"),
    ("D", 8765, [512, 512], 0.001, 20, True, "rmsprop"),
    ("ex2", 9898, [512], None, 5, False, "sgd"),
]
for name, seed, hidden, l2, epochs, validate, opt in runs:
    keras.utils.set_random_seed(seed)
    optimizer = keras.optimizers.SGD(learning_rate=0.01) if opt == "sgd" else opt
    model = dense_net(hidden, l2, optimizer)
    if validate:
        model.fit(x_fit, y_fit, epochs=epochs, batch_size=128, validation_data=(x_val, y_val), verbose=0)
    else:
        model.fit(x_train, y_train, epochs=epochs, batch_size=128, verbose=0)
    print(name, "test accuracy", round(model.evaluate(x_test, y_test, verbose=0)[1], 4), flush=True)
