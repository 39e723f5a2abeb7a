"""The Keras models the labs train, as ``dlex bench`` times them.

Each spec's lab variant (``lab_build``, a :class:`LabModel`) is built by running the
lab's own named cells, so the benchmarked model *is* the lab's model; ``lab_data`` feeds
it the lab's batches (Lab 7's ``LengthBuckets``, from the lab's cell), ``fit_epochs`` is
the epochs per timed ``fit`` and ``lab_backend`` the backend the lab runs on instead of
the default. The "plain" variant (``build``) is written out here on purpose: the same
architecture compiled with Keras's defaults and fitted on the same data, the baseline
the lab is compared with (a test checks that both have the lab's parameter count).

Only training is timed: the labs' validation passes, early stopping and checkpoints
are left out on both sides.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np

from dlex.bench.lab_models import LabModel, from_padded
from dlex.bench.lab_models import build as _build
from dlex.bench.lab_models import code as _code
from dlex.bench.lab_models import define as _define


@dataclass(frozen=True)
class ModelSpec:
    """One lab model: how to build it, the data of one epoch, how the lab fits it."""

    name: str
    build: Callable
    data: Callable  # () -> (x, y): one epoch's arrays
    batch_size: int
    lab_backend: str | None = None
    dense_layers: tuple = ()  # (inputs, units) per Dense layer, for the GEMM floor
    lab_build: Callable | None = None  # the lab's model, built by its own cells (a LabModel)
    lab_data: Callable | None = None  # (x, y, batch_size) -> the dataset the lab fits instead
    # Epochs per timed fit call (times are per epoch): a lab that fits 20 points many
    # epochs at a time would otherwise be timed setting up fit rather than training.
    fit_epochs: int = 1

    def epoch_flops(self, samples: int) -> float | None:
        """Floating-point operations of one training epoch of a pure dense network.

        Forward: 2·m·n per sample and layer; backward: 2·m·n for the weight gradient
        and, except in the first layer, 2·m·n for the input gradient.
        """
        if not self.dense_layers:
            return None
        per_sample = sum((4 if i == 0 else 6) * m * n for i, (m, n) in enumerate(self.dense_layers))
        return float(per_sample) * samples


def _shape(hidden, inputs=784, outputs=10):
    sizes = [inputs, *hidden, outputs]
    return tuple(zip(sizes[:-1], sizes[1:]))


def _regularizer(kind=None, *values):
    """A fresh Keras regularizer, e.g. ``("L2", 0.01)``; None for a zero or missing penalty."""
    import keras

    return getattr(keras.regularizers, kind)(*values) if kind and any(values) else None


def _l2(value):
    return _regularizer("L2", value)


# --------------------------------------------------------------------------- data


@cache
def _mnist():
    """MNIST training images scaled to [0, 1] with a channel axis, and their labels."""
    from dlex.data import load_mnist_or_standin

    ((x, y), _), _ = load_mnist_or_standin()
    return x[..., None].astype("float32") / 255, y


def _mnist_flat():
    import keras

    x, y = _mnist()
    return x.reshape(len(x), -1), keras.utils.to_categorical(y, 10)


def _mnist_images_fit():
    """Lab 6's training images: the last 10,000 are its validation set."""
    import keras

    x, y = _mnist()
    return x[:-10000], keras.utils.to_categorical(y[:-10000], 10)


def _mnist_digits_small():
    """Lab 4's augmentation experiment: the first 1,000 images, integer labels."""
    x, y = _mnist()
    return x[:1000], y[:1000]


def _line_features():
    """Lab 4's 20 training points (DATA_SEED 2024) as its 9 standardised powers of x."""
    from dlex.data import noisy_line

    rng = np.random.default_rng(2024)
    x, y = noisy_line(rng)
    train = np.sort(rng.permutation(len(x))[:20])
    powers = x[train, None] ** np.arange(1, 10)
    return (powers - powers.mean(axis=0)) / powers.std(axis=0), y[train]


def _gaussian_pairs():
    """Lab 5's regression: x₂ from x₁, on the 810 points its validation split trains on."""
    from dlex.data import correlated_gaussian

    points = correlated_gaussian(n=1000, seed=9911)[:810]
    return points[:, :1], points[:, 1:]


@cache
def _imdb_padded():
    """Lab 7's 20,000 training reviews (the last 5,000 validate), padded in front to 250."""
    import keras

    from dlex.data import load_imdb

    (x, y), _ = load_imdb(num_words=10000)
    return keras.utils.pad_sequences(x[:-5000], maxlen=250), y[:-5000]


# --------------------------------------------------------------------------- models


def _sequential(layers, loss, optimizer="rmsprop", metrics=("accuracy",)):
    import keras

    model = keras.Sequential(layers)
    model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
    return model


def _dense(hidden, l2=None, optimizer="rmsprop", dropout=0.0):
    """784 → Dense(n, relu) per ``hidden`` → Dense(10, softmax): Labs 2, 5 and 6.

    ``l2``: one penalty for every hidden kernel, or a tuple of one per layer; ``dropout``:
    a Dropout layer after the first; ``optimizer``: a name, or a function making one.
    """
    penalties = l2 if isinstance(l2, tuple) else (l2,) * len(hidden)

    def build():
        import keras

        layers = [keras.Input(shape=(784,))]
        for i, (n, penalty) in enumerate(zip(hidden, penalties)):
            layers.append(keras.layers.Dense(n, activation="relu", kernel_regularizer=_l2(penalty)))
            layers += [keras.layers.Dropout(dropout)] if i == 0 and dropout else []
        opt = optimizer() if callable(optimizer) else optimizer
        return _sequential(
            layers + [keras.layers.Dense(10, activation="softmax")], "categorical_crossentropy", opt
        )

    return build


def _optimizer(kind, **settings):
    """A function making ``keras.optimizers.<kind>(**settings)``: a fresh one per model."""

    def make():
        import keras

        return getattr(keras.optimizers, kind)(**settings)

    return make


def _adam_inverse_time():
    """Lab 5's Exercise 4 optimizer: Adam(1e-3) with Keras 2's decay=0.005."""
    import keras

    return keras.optimizers.Adam(
        keras.optimizers.schedules.InverseTimeDecay(0.001, decay_steps=1, decay_rate=0.005)
    )


def _regression_net(regularizer=(), dropout=0.0, batchnorm=False):
    """Lab 4's ``regression_net``: 9 features → Dense(128, relu) → Dense(1), RMSprop, MSE."""

    def build():
        import keras

        layers = [keras.Input(shape=(9,))]
        if batchnorm:
            layers += [
                keras.layers.Dense(128),
                keras.layers.BatchNormalization(momentum=0.9),
                keras.layers.Activation("relu"),
            ]
        else:
            penalty = _regularizer(*regularizer)
            layers.append(keras.layers.Dense(128, activation="relu", kernel_regularizer=penalty))
        if dropout:
            layers.append(keras.layers.Dropout(dropout))
        return _sequential(layers + [keras.layers.Dense(1)], "mse", metrics=())

    return build


def _digit_classifier():
    """Lab 4's augmentation classifier (augmented copies are made outside the model)."""
    import keras

    layers = [
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ]
    return _sequential(layers, "sparse_categorical_crossentropy", metrics=())


def _gaussian_regression(optimizer):
    """Lab 5's Keras regression: 1 → Dense(128) → Dropout(0.5) → Dense(128) → Dense(1), L2(0.01)."""

    def build():
        import keras

        layers = [
            keras.Input(shape=(1,)),
            keras.layers.Dense(128, activation="relu", kernel_regularizer=_l2(0.01)),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(128, activation="relu", kernel_regularizer=_l2(0.01)),
            keras.layers.Dense(1),
        ]
        return _sequential(layers, "mse", optimizer(), metrics=())

    return build


def _cnn(padding):
    """Lab 6's CNN: three 3 × 3 convolutions (two max-pooled), Dense(64, L2 0.01), Dropout, softmax."""

    def build():
        import keras
        from keras import layers

        stack = [keras.Input(shape=(28, 28, 1))]
        for filters, pooled in ((32, True), (64, True), (64, False)):
            stack.append(layers.Conv2D(filters, (3, 3), activation="relu", padding=padding))
            stack += [layers.MaxPooling2D((2, 2))] if pooled else []
        stack += [
            layers.Flatten(),
            layers.Dense(64, activation="relu", kernel_regularizer=_l2(0.01)),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ]
        return _sequential(stack, "categorical_crossentropy")

    return build


def _recurrent(kind, l2=None, bidirectional=False, **settings):
    """A function making Lab 7's recurrent layer of 32 units, L2 on its input kernel."""

    def make():
        import keras

        layer = getattr(keras.layers, kind)(32, kernel_regularizer=_l2(l2), **settings)
        return keras.layers.Bidirectional(layer) if bidirectional else layer

    return make


def _imdb_classifier(recurrent=None, l2=0.01, dim=32):
    """Lab 7: Embedding(10000, dim) → ``recurrent()`` (or Flatten) → Dense(1, sigmoid).

    Plain Keras takes the arrays padded to 250 (the lab's recurrent models take any length).
    """

    def build():
        import keras

        first = keras.Input(shape=(250,))
        middle = recurrent() if recurrent else keras.layers.Flatten()
        layers = [
            first,
            keras.layers.Embedding(10000, dim, embeddings_regularizer=_l2(l2)),
            middle,
            keras.layers.Dense(1, activation="sigmoid"),
        ]
        return _sequential(layers, "binary_crossentropy")

    return build


# --------------------------------------------------------------------------- specs per lab


def _lab02():
    return [
        ModelSpec(
            f"lab02.model_{name}",
            _dense(hidden, l2=l2),
            _mnist_flat,
            128,
            dense_layers=_shape(hidden),
            lab_build=LabModel("lab02", f"model_{name}", (_build(f"model-{name}"),)),
        )
        for name, hidden, l2 in (("a", [512], None), ("c", [512, 512], None), ("d", [512, 512], 0.001))
    ]


def _lab04():
    """Lab 4's networks: batch size 1 (10 with batch normalisation), 30 epochs per fit,
    compiled by the lab with ``steps_per_execution=20``; and its digit classifier."""

    def regression(name, *steps, model, batch_size=1, **plain):
        return ModelSpec(
            f"lab04.{name}",
            _regression_net(**plain),
            _line_features,
            batch_size,
            dense_layers=_shape([128], inputs=9, outputs=1),
            fit_epochs=30,
            lab_build=LabModel("lab04", model, (_define("regression-net"), *steps)),
        )

    built = "model = regression_net({})"
    return [
        regression("nn", _code(built.format("")), model="model"),
        regression("nn_l2", _build("nn-l2"), model="model_l2", regularizer=("L2", 2.0)),
        regression("nn_l1", _build("nn-l1"), model="model_l1", regularizer=("L1", 10.0)),
        regression("nn_dropout", _build("nn-dropout"), model="model_dropout", dropout=0.5),
        regression(
            "nn_batchnorm",
            _code(built.format("batchnorm=True, bn_momentum=0.9")),
            model="model",
            batch_size=10,
            batchnorm=True,
        ),
        regression(
            "ex2",
            _build("ex2"),
            model="model_ex2",
            batch_size=10,
            regularizer=("L1L2", 50.0, 50.0),
            dropout=0.5,
        ),
        ModelSpec(
            "lab04.digits",
            _digit_classifier,
            _mnist_digits_small,
            32,
            dense_layers=_shape([256]),
            lab_build=LabModel(
                "lab04", "model", (_define("digit-classifier"), _code("model = digit_classifier(SEED_AUG)"))
            ),
        ),
    ]


def _lab05():
    """Lab 5's optimizer comparison (810 points, batches of 30) and its MNIST networks.

    The lab builds the comparison's models in loops; the specs call its functions as
    those loops do."""
    regression = "model = regression_model()\nmodel.compile(optimizer=fits[{!r}][1](), loss='mse')"
    comparison = [
        ModelSpec(
            f"lab05.{name}",
            _gaussian_regression(make),
            _gaussian_pairs,
            30,
            dense_layers=_shape([128, 128], inputs=1, outputs=1),
            lab_build=LabModel(
                "lab05", "model", (_define("keras-regression"), _code(regression.format(name)))
            ),
        )
        for name, make in (
            ("keras_sgd_m05", _optimizer("SGD", learning_rate=0.01, momentum=0.5)),
            ("keras_sgd_m0005", _optimizer("SGD", learning_rate=0.01, momentum=0.005)),
            ("keras_rmsprop", _optimizer("RMSprop", learning_rate=0.01)),
        )
    ]
    compared = (
        "model = {}\nmodel.compile(optimizer={}, loss='categorical_crossentropy', metrics=['accuracy'])"
    )
    adam = "keras.optimizers.Adam(keras.optimizers.schedules.InverseTimeDecay(0.001, 1, 0.005))"
    lab = {
        "mnist_adam": LabModel("lab05", "model_ex4", (_build("ex4"),)),
        "mnist_adam_small_l2": LabModel(
            "lab05",
            "model",
            (_define("mnist-comparison"), _code(compared.format("mnist_model(0.001)", adam))),
        ),
        "mnist_rmsprop_lab02_d": LabModel(
            "lab05",
            "model",
            (
                _define("mnist-comparison"),
                _code(
                    compared.format("mnist_model(0.001, 0.001, dropout=False)", "keras.optimizers.RMSprop()")
                ),
            ),
        ),
    }
    mnist = [
        ModelSpec(
            f"lab05.{name}",
            _dense([512, 512], l2, opt, dropout),
            _mnist_flat,
            128,
            dense_layers=_shape([512, 512]),
            lab_build=lab[name],
        )
        for name, l2, opt, dropout in (
            ("mnist_adam", (None, 10.0), _adam_inverse_time, 0.5),
            ("mnist_adam_small_l2", (None, 0.001), _adam_inverse_time, 0.5),
            ("mnist_rmsprop_lab02_d", 0.001, "rmsprop", 0.0),
        )
    ]
    return comparison + mnist


def _lab06():
    """Lab 6 on TensorFlow: its two CNNs (50,000 images; 10,000 validate) and, for
    comparison, Lab 2's Model A and Lab 5's Exercise 4 network (all 60,000), which the lab runs
    50 steps per call (Model A also compiled with XLA)."""
    lab = {
        "cnn": LabModel("lab06", "model_cnn", (_build("ex1"), _define("validation-split"), _build("ex2"))),
        "cnn_same": LabModel(
            "lab06",
            "model_same",
            (_define("cnn-same"), _code("model_same = build_cnn('same')"), _build("cnn-same-train")),
        ),
        "dense_lab02_a": LabModel(
            "lab06", "model", (_define("dense-models"), _code("model = dense_model_a()"))
        ),
        "dense_lab05_ex4": LabModel(
            "lab06", "model", (_define("dense-models"), _code("model = dense_model_lab5()"))
        ),
    }
    cnns = [
        ModelSpec(
            f"lab06.{name}",
            _cnn(padding),
            _mnist_images_fit,
            128,
            lab_backend="tensorflow",
            lab_build=lab[name],
        )
        for name, padding in (("cnn", "valid"), ("cnn_same", "same"))
    ]
    ex4 = ([512, 512], (None, 10.0), _adam_inverse_time, 0.5)
    dense = [
        ModelSpec(
            "lab06.dense_lab02_a",
            _dense([512]),
            _mnist_flat,
            128,
            lab_backend="tensorflow",
            dense_layers=_shape([512]),
            lab_build=lab["dense_lab02_a"],
        ),
        ModelSpec(
            "lab06.dense_lab05_ex4",
            _dense(*ex4),
            _mnist_flat,
            128,
            lab_backend="tensorflow",
            dense_layers=_shape([512, 512]),
            lab_build=lab["dense_lab05_ex4"],
        ),
    ]
    return cnns + dense


def _lab07():
    """Lab 7's review classifiers (on dlex's default backend, JAX). The lab feeds the
    recurrent ones length buckets (``lab_data``) through a model taking any length;
    its practitioner's models and exercises use batches of 32."""
    small, batch = 0.0001, 32  # the lab's L2_SMALL and BATCH_SMALL
    recurrent = [  # name, batch size, recurrent layer, L2 on the embedding, the lab's cells
        ("simple_rnn", 1024, _recurrent("SimpleRNN", l2=0.01), 0.01, ("simple-rnn",)),
        ("gru", 1024, _recurrent("GRU", l2=0.01), 0.01, ("gru",)),
        ("gru_fixed", batch, _recurrent("GRU", l2=small), small, ("gru", "gru-fixed")),
        ("lstm", batch, _recurrent("LSTM", l2=small), small, ("lstm",)),
        ("gru_dropout", batch, _recurrent("GRU", dropout=0.5, recurrent_dropout=0.1), None, ("ex1",)),
        (
            "bigru",
            batch,
            _recurrent("GRU", bidirectional=True, dropout=0.3, recurrent_dropout=0.02),
            0.01,
            ("ex2",),
        ),
    ]
    variable = {"gru_dropout": "model_ex1", "bigru": "model_ex2"}
    embedding = ModelSpec(
        "lab07.embedding",
        _imdb_classifier(l2=0.01, dim=8),
        _imdb_padded,
        256,
        lab_build=LabModel("lab07", "model_embedding", (_build("embedding"),)),
    )
    return [embedding] + [
        ModelSpec(
            f"lab07.{name}",
            _imdb_classifier(make, l2),
            _imdb_padded,
            batch_size,
            lab_build=LabModel(
                "lab07",
                variable.get(name, f"model_{name}"),
                (_define("recurrent-classifier"), *map(_build, cells)),
            ),
            lab_data=from_padded,
        )
        for name, batch_size, make, l2, cells in recurrent
    ]


SPECS = {spec.name: spec for spec in _lab02() + _lab04() + _lab05() + _lab06() + _lab07()}


def resolve(names: list[str] | None) -> list[ModelSpec]:
    """Specs by name or by lab prefix (``lab02``); all when ``names`` is empty."""
    from dlex.errors import DlexError

    if not names:
        return list(SPECS.values())
    chosen = []
    for name in names:
        found = [s for s in SPECS.values() if s.name == name or s.name.startswith(f"{name}.")]
        if not found:
            raise DlexError(f"unknown model {name!r}", f"choose from: {', '.join(SPECS)}")
        chosen += [s for s in found if s not in chosen]
    return chosen
