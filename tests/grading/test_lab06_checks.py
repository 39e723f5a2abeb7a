"""The Lab 6 checks on objects built in this process: behaviour, not source text.

Any correct network passes (activations as arguments or as layers); typical mistakes fail
with a message and a hint. Exercise 2's checks run on a tiny training (random images),
which is enough to exercise the callbacks, the History and the checkpoint file.
"""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import dlex  # noqa: E402,F401 - picks the backend before Keras is used
from dlex.grading.exercises.check import run_check  # noqa: E402
from dlex.grading.exercises.feedback import format_result  # noqa: E402
from dlex.grading.labs.lab06 import _stopped_as_patience_says  # noqa: E402


def cnn(padding="valid", dropout=0.5, activation="relu", l2=0.01, relu_layers=False, last="softmax"):
    act = None if relu_layers else activation
    layers = [keras.Input(shape=(28, 28, 1))]
    for i, filters in enumerate((32, 64, 64)):
        layers.append(keras.layers.Conv2D(filters, (3, 3), activation=act, padding=padding))
        if relu_layers:
            layers.append(keras.layers.ReLU())
        if i < 2:
            layers.append(keras.layers.MaxPooling2D((2, 2)))
    layers += [
        keras.layers.Flatten(),
        keras.layers.Dense(
            64, activation=activation, kernel_regularizer=keras.regularizers.L2(l2) if l2 else None
        ),
    ]
    if dropout:
        layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(10, activation=last))
    return keras.Sequential(layers)


def failed(result):
    return [o for o in result.outcomes if not o.passed]


def test_reference_network_passes():
    result = run_check("lab06.ex1", {"model_cnn": cnn()})
    assert result.passed and result.score == 2, format_result(result)


def test_activations_as_layers_pass():
    result = run_check("lab06.ex1", {"model_cnn": cnn(relu_layers=True)})
    assert result.passed, format_result(result)


@pytest.mark.parametrize(
    "change, words, failures",
    [
        (dict(dropout=0), ["Dropout(0.5) layer is missing"], 1),
        (dict(dropout=0.2), ["Dropout rate is 0.2"], 1),
        (dict(padding="same"), ["padding='same'", "257,162"], 2),
        (dict(l2=0), ["no L2 penalty"], 1),
        (dict(activation="sigmoid"), ["sigmoid"], 3),
        (dict(last="linear"), ["linear"], 2),
    ],
)
def test_typical_mistakes_fail_with_a_reason(change, words, failures):
    result = run_check("lab06.ex1", {"model_cnn": cnn(**change)})
    text = format_result(result)
    assert not result.passed and len(failed(result)) == failures, text
    for word in words:
        assert word in text, text


def test_not_a_model_is_named():
    result = run_check("lab06.ex1", {"model_cnn": "a string"})
    assert not result.passed and "not a Keras model" in format_result(result)


def test_the_early_stopping_rule():
    assert _stopped_as_patience_says([1.0, 0.9, 0.95], patience=1, epochs=40)
    assert not _stopped_as_patience_says([1.0, 0.9, 0.95, 0.8], patience=1, epochs=40)
    assert _stopped_as_patience_says([1.0, 0.9, 0.95, 0.8, 0.85, 0.86], patience=2, epochs=40)
    assert _stopped_as_patience_says([1.0, 0.9], patience=1, epochs=2)  # ran every epoch
    assert not _stopped_as_patience_says([1.0, 0.9, 0.8], patience=1, epochs=40)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A tiny, real Exercise 2: 96 random images, batches of 32, up to 3 epochs."""
    folder = tmp_path_factory.mktemp("lab06_ex2")
    rng = np.random.default_rng(0)
    x = rng.random((120, 28, 28, 1), dtype="float32")
    y = keras.utils.to_categorical(rng.integers(0, 10, 120), 10)

    def namespace(loss="categorical_crossentropy", checkpoint=True, on=None):
        dlex.seed(1)
        model = cnn()
        model.compile(optimizer="rmsprop", loss=loss, metrics=["accuracy"])
        path = str(folder / f"best-{loss}-{checkpoint}-{on is None}.keras")
        callbacks = [keras.callbacks.EarlyStopping(monitor="val_loss", patience=1)]
        if checkpoint:
            callbacks.append(keras.callbacks.ModelCheckpoint(path, monitor="val_loss", save_best_only=True))
        x_train, y_train = on if on is not None else (x[:96], y[:96])
        history = model.fit(
            x_train,
            y_train,
            epochs=3,
            batch_size=32,
            validation_data=(x[96:], y[96:]),
            callbacks=callbacks,
            verbose=0,
        )
        return {
            "model_cnn": model,
            "history_cnn": history,
            "callbacks_cnn": callbacks,
            "CHECKPOINT": path,
            "x_fit": x[:96],
            "EPOCHS": 3,
            "BATCH_SIZE": 32,
            "PATIENCE": 1,
        }

    return namespace


def test_reference_training_passes(trained):
    result = run_check("lab06.ex2", trained())
    assert result.passed and result.score == 3, format_result(result)


@pytest.mark.parametrize(
    "change, words",
    [
        (dict(loss="mse"), ["mean squared error"]),
        (dict(checkpoint=False), ["no ModelCheckpoint", "no file"]),
    ],
)
def test_training_mistakes_fail_with_a_reason(trained, change, words):
    result = run_check("lab06.ex2", trained(**change))
    text = format_result(result)
    assert not result.passed, text
    for word in words:
        assert word in text, text


def test_training_on_other_images_is_noticed(trained):
    namespace = trained()
    namespace["x_fit"] = namespace["x_fit"][:64]  # the run trained on 96 images, not these 64
    result = run_check("lab06.ex2", namespace)
    assert not result.passed and "x_fit" in format_result(result)
