"""Lab 7's trainings written plainly in Keras 3: the baseline `dlex run lab07` is timed against.

The same models, seeds, optimizers and batch sizes as the lab, written the way the course
first specified them: every review padded to 250 words, all 25,000 training reviews,
MAX_EPOCHS (20) epochs, no early stopping, no length buckets; the character model and the
forecasters for their full epoch counts. No by-hand parts, plots or report. Prints one
JSON line per training: seconds per epoch (the median over epochs 2 onwards, as the lab
measures them), epochs, total fit seconds and test result.

Run: KERAS_BACKEND=tensorflow python benchmarks/plain/lab07_plain.py $DLEX_DATA_DIR
     ... --only gru,lstm --epochs 3      # some models, a fixed number of epochs
"""

import argparse
import json
import os
import statistics
import time

parser = argparse.ArgumentParser()
parser.add_argument("data_dir", help="folder with imdb.npz and imdb_word_index.json")
parser.add_argument("--only", help="comma-separated model names")
parser.add_argument("--epochs", type=int, help="train every model for exactly this many epochs")
args = parser.parse_args()
os.environ["DLEX_DATA_DIR"] = args.data_dir

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402

from dlex.data import get_imdb_word_index, load_imdb  # noqa: E402


class Timer(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.start)


def report(name, model, timer, result):
    steady = timer.seconds[1:] or timer.seconds
    print(
        json.dumps(
            {
                "model": name,
                "backend": keras.backend.backend(),
                "params": model.count_params(),
                "epochs": len(timer.seconds),
                "seconds_per_epoch": statistics.median(steady),
                "fit_seconds": sum(timer.seconds),
                **result,
            }
        ),
        flush=True,
    )


def wanted(name):
    return args.only is None or name in args.only.split(",")


# --------------------------------------------------------------------------- IMDB classifiers
(x_train, y_train), (x_test, y_test) = load_imdb(num_words=10000)
x_train, x_test = (
    keras.utils.pad_sequences(x_train, maxlen=250),
    keras.utils.pad_sequences(x_test, maxlen=250),
)
l2 = keras.regularizers.L2


def classifier(recurrent, embedding_l2=None, dim=32, flatten=False):
    model = keras.Sequential(
        [
            keras.Input(shape=(250,)),
            layers.Embedding(10000, dim, embeddings_regularizer=l2(embedding_l2) if embedding_l2 else None),
            layers.Flatten() if flatten else recurrent,
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model


CLASSIFIERS = [  # name, seed, batch size, model
    ("embedding", 654, 256, lambda: classifier(None, 0.01, dim=8, flatten=True)),
    ("simple_rnn", 7766, 1024, lambda: classifier(layers.SimpleRNN(32, kernel_regularizer=l2(0.01)), 0.01)),
    ("gru", 4545, 1024, lambda: classifier(layers.GRU(32, kernel_regularizer=l2(0.01)), 0.01)),
    ("gru_fixed", 4545, 32, lambda: classifier(layers.GRU(32, kernel_regularizer=l2(1e-4)), 1e-4)),
    ("lstm", 1997, 32, lambda: classifier(layers.LSTM(32, kernel_regularizer=l2(1e-4)), 1e-4)),
    ("gru_dropout", 4321, 32, lambda: classifier(layers.GRU(32, dropout=0.5, recurrent_dropout=0.1))),
    (
        "bigru",
        678,
        32,
        lambda: classifier(layers.Bidirectional(layers.GRU(32, dropout=0.3, recurrent_dropout=0.02)), 0.01),
    ),
]
for name, seed, batch_size, build in CLASSIFIERS:
    if not wanted(name):
        continue
    keras.utils.set_random_seed(seed)
    model, timer = build(), Timer()
    model.fit(x_train, y_train, epochs=args.epochs or 20, batch_size=batch_size, callbacks=[timer], verbose=0)
    report(
        name, model, timer, {"test_accuracy": model.evaluate(x_test, y_test, batch_size=1000, verbose=0)[1]}
    )

# --------------------------------------------------------------------------- character model
if wanted("char_gru"):
    index_to_word = {rank + 3: word for word, rank in get_imdb_word_index().items()}
    (raw, _), _ = load_imdb(num_words=10000)
    text = "\n".join(" ".join(index_to_word[t] for t in review if t > 2) for review in raw[:300])
    alphabet = sorted(set(text))
    position = {c: i for i, c in enumerate(alphabet)}
    codes = np.array([position[c] for c in text], dtype="int32")
    cut = int(0.9 * len(codes))

    def windows(c, width=64):
        count = (len(c) - 1) // width
        return c[: count * width].reshape(count, width), c[1 : count * width + 1].reshape(count, width)

    keras.utils.set_random_seed(2014)
    model = keras.Sequential(
        [
            keras.Input(shape=(None,), dtype="int32"),
            layers.Embedding(len(alphabet), 16),
            layers.GRU(96, return_sequences=True),
            layers.Dense(len(alphabet), activation="softmax"),
        ]
    )
    model.compile(optimizer=keras.optimizers.RMSprop(0.003), loss="sparse_categorical_crossentropy")
    timer = Timer()
    fitted = model.fit(
        *windows(codes[:cut]),
        batch_size=64,
        epochs=args.epochs or 6,
        validation_data=windows(codes[cut:]),
        callbacks=[timer],
        verbose=0,
    )
    report("char_gru", model, timer, {"val_bits_per_char": min(fitted.history["val_loss"]) / np.log(2)})

# --------------------------------------------------------------------------- forecasters
if wanted("forecast") or wanted("forecast_stacked"):
    rng, hours = np.random.default_rng(24), np.arange(17520)
    weather = np.zeros(17520)
    for t in range(1, 17520):
        weather[t] = 0.995 * weather[t - 1] + rng.normal(0.0, 0.3)
    series = (
        10
        + 5 * np.sin(2 * np.pi * (hours - 9) / 24)
        + 8 * np.sin(2 * np.pi * hours / 8760)
        + weather
        + rng.normal(0.0, 0.5, 17520)
    )
    train_end, val_end = int(0.7 * 17520), int(0.85 * 17520)
    mean, std = series[:train_end].mean(), series[:train_end].std()
    scaled = ((series - mean) / std).astype("float32")

    def forecast_windows(start, stop, window=48, horizon=6):
        last = np.arange(start + window - 1, stop - horizon)
        return np.stack([scaled[t - window + 1 : t + 1] for t in last])[..., None], scaled[last + horizon]

    (fx, fy), (vx, vy), (tx, ty) = (
        forecast_windows(0, train_end),
        forecast_windows(train_end, val_end),
        forecast_windows(val_end, 17520),
    )
    for name, count in (("forecast", 1), ("forecast_stacked", 2)):
        if not wanted(name):
            continue
        keras.utils.set_random_seed(24)
        stack = [layers.GRU(32, return_sequences=True) for _ in range(count - 1)] + [
            layers.GRU(32),
            layers.Dense(1),
        ]
        model = keras.Sequential([keras.Input(shape=(48, 1)), *stack])
        model.compile(optimizer="rmsprop", loss="mse")
        timer = Timer()
        model.fit(
            fx,
            fy,
            batch_size=256,
            epochs=args.epochs or 12,
            validation_data=(vx, vy),
            callbacks=[timer],
            verbose=0,
        )
        error = float(
            np.sqrt(np.mean((model.predict(tx, batch_size=1000, verbose=0).ravel() - ty) ** 2)) * std
        )
        report(name, model, timer, {"rmse": error})
