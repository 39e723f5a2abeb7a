"""The Lab 7 checks on objects built in this process: behaviour, not source text.

Any correct model passes (Sequential or functional, the GRU's defaults written out or
not); typical mistakes fail with a message and a hint. The models train for one epoch on
random word sequences, which is enough to exercise the History and optimizer checks.
"""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import dlex  # noqa: E402,F401 - picks the backend before Keras is used
from dlex.grading.exercises.check import run_check  # noqa: E402
from dlex.grading.exercises.feedback import format_result  # noqa: E402
from dlex.grading.labs.lab07 import _stopped_as_patience_says  # noqa: E402

NUM_WORDS = 500
PARAMS = {
    "NUM_WORDS": NUM_WORDS,
    "MAX_EPOCHS": 1,
    "PATIENCE": 1,
    "TRAIN_LIMIT": 1100,
    "VALIDATION_SIZE": 100,
    "BATCH_SMALL": 256,
    "SEED_EX1": 4321,
    "SEED_EX2": 678,
}


def classifier(recurrent, l2=None, functional=False, optimizer="rmsprop", loss="binary_crossentropy"):
    penalty = keras.regularizers.L2(l2) if l2 else None
    if functional:
        inputs = keras.Input(shape=(None,), dtype="int32")
        h = keras.layers.Embedding(NUM_WORDS, 32, embeddings_regularizer=penalty)(inputs)
        model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(recurrent(h)))
    else:
        model = keras.Sequential(
            [
                keras.Input(shape=(None,), dtype="int32"),
                keras.layers.Embedding(NUM_WORDS, 32, embeddings_regularizer=penalty),
                recurrent,
                keras.layers.Dense(1, activation="sigmoid"),
            ]
        )
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    return model


def trained(model, epochs=1, n_fit=1000):
    rng = np.random.default_rng(0)
    x = rng.integers(1, NUM_WORDS, size=(n_fit + 100, 20)).astype("int32")
    y = rng.integers(0, 2, size=n_fit + 100).astype("float32")
    history = model.fit(
        x[:n_fit], y[:n_fit], batch_size=256, epochs=epochs, validation_data=(x[n_fit:], y[n_fit:]), verbose=0
    )
    return model, history


def ex1(model=None, history=None, **params):
    if model is None:
        model, history = trained(classifier(keras.layers.GRU(32, dropout=0.5, recurrent_dropout=0.1)))
    return {"model_ex1": model, "history_ex1": history, **PARAMS, **params}


def ex2(recurrent=None, l2=0.01):
    recurrent = recurrent or keras.layers.Bidirectional(
        keras.layers.GRU(32, dropout=0.3, recurrent_dropout=0.02)
    )
    model, history = trained(classifier(recurrent, l2=l2))
    return {"model_ex2": model, "history_ex2": history, **PARAMS}


def failed(result):
    return [o for o in result.outcomes if not o.passed]


def test_reference_solutions_pass():
    for exercise, namespace in (("lab07.ex1", ex1()), ("lab07.ex2", ex2())):
        result = run_check(exercise, namespace)
        assert result.passed and result.score == 3, format_result(result)


def test_a_functional_model_with_explicit_defaults_passes():
    gru = keras.layers.GRU(32, dropout=0.5, recurrent_dropout=0.1, activation="tanh", reset_after=True)
    model, history = trained(classifier(gru, functional=True))
    result = run_check("lab07.ex1", ex1(model, history))
    assert result.passed, format_result(result)


@pytest.mark.parametrize(
    "recurrent, words",
    [
        (keras.layers.GRU(32, dropout=0.1, recurrent_dropout=0.5), ["swapped"]),
        (
            keras.layers.GRU(
                32, dropout=0.5, recurrent_dropout=0.1, kernel_regularizer=keras.regularizers.L2(0.01)
            ),
            ["kernel regularizer"],
        ),
        (keras.layers.GRU(16, dropout=0.5, recurrent_dropout=0.1), ["16 units"]),
    ],
)
def test_wrong_gru_settings_fail_one_check(recurrent, words):
    model, history = trained(classifier(recurrent))
    result = run_check("lab07.ex1", ex1(model, history))
    wrong = failed(result)
    assert len(wrong) == 1 and wrong[0].what.startswith("`model_ex1`'s recurrent layer"), format_result(
        result
    )
    text = format_result(result)
    for word in words:
        assert word in text, text


def test_an_lstm_or_an_extra_dropout_layer_is_named():
    lstm, history = trained(classifier(keras.layers.LSTM(32, dropout=0.5, recurrent_dropout=0.1)))
    text = format_result(run_check("lab07.ex1", ex1(lstm, history)))
    assert "asks for a GRU" in text
    model = keras.Sequential(
        [
            keras.Input(shape=(None,), dtype="int32"),
            keras.layers.Embedding(NUM_WORDS, 32),
            keras.layers.Dropout(0.5),
            keras.layers.GRU(32, recurrent_dropout=0.1),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    model, history = trained(model)
    assert "inside the recurrent layer" in format_result(run_check("lab07.ex1", ex1(model, history)))


def test_compile_and_training_mistakes_are_caught():
    model, history = trained(classifier(keras.layers.GRU(32, dropout=0.5, recurrent_dropout=0.1), loss="mse"))
    assert "mean squared error" in format_result(run_check("lab07.ex1", ex1(model, history)))
    model, history = trained(
        classifier(keras.layers.GRU(32, dropout=0.5, recurrent_dropout=0.1), optimizer="adam")
    )
    assert "Adam" in format_result(run_check("lab07.ex1", ex1(model, history)))
    untrained = classifier(keras.layers.GRU(32, dropout=0.5, recurrent_dropout=0.1))
    _, other_history = trained(classifier(keras.layers.GRU(32, dropout=0.5, recurrent_dropout=0.1)))
    result = run_check("lab07.ex1", ex1(untrained, other_history))
    text = format_result(result)
    assert len(failed(result)) == 2 and "another model" in text and "never been trained" in text
    model, history = trained(classifier(keras.layers.GRU(32, dropout=0.5, recurrent_dropout=0.1)))
    assert "batches" in format_result(run_check("lab07.ex1", ex1(model, history, TRAIN_LIMIT=3000)))


def test_bidirectional_mistakes_fail_with_a_reason():
    text = format_result(run_check("lab07.ex2", ex2(l2=None)))
    assert "no penalty" in text and "L2(0.01)" in text
    result = run_check("lab07.ex2", ex2(keras.layers.GRU(32, dropout=0.3, recurrent_dropout=0.02)))
    assert len(failed(result)) == 2 and "wrap the GRU" in format_result(result)
    summed = keras.layers.Bidirectional(
        keras.layers.GRU(32, dropout=0.3, recurrent_dropout=0.02), merge_mode="sum"
    )
    result = run_check("lab07.ex2", ex2(summed))
    assert "merge_mode='sum'" in format_result(result)


def test_missing_objects_and_wrong_types():
    result = run_check("lab07.ex1", {"model_ex1": "a GRU", "history_ex1": None, **PARAMS})
    assert result.score == 0 and "not a Keras model" in format_result(result)
    result = run_check("lab07.ex2", PARAMS)
    assert result.score == 0 and "does not define" in format_result(result)


@pytest.mark.parametrize(
    "accuracy, patience, epochs, expected",
    [
        ([0.5, 0.6, 0.7], 3, 3, True),  # ran out of epochs
        ([0.7, 0.6, 0.6, 0.6], 3, 20, True),  # stopped after 3 epochs without a better value
        ([0.7, 0.6, 0.6, 0.6, 0.8], 3, 20, False),  # went on past the stopping point
        ([0.7, 0.6], 3, 20, False),  # stopped too early
    ],
)
def test_early_stopping_rule(accuracy, patience, epochs, expected):
    assert _stopped_as_patience_says(accuracy, patience, epochs) is expected


def keras_stops_after(accuracy, patience, min_delta):
    """The epoch after which Keras's own EarlyStopping ends training on these values (or None)."""
    import keras

    stopper = keras.callbacks.EarlyStopping(
        monitor="val_accuracy", mode="max", patience=patience, min_delta=min_delta
    )
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    stopper.set_model(model)
    model.stop_training = False
    stopper.on_train_begin()
    for epoch, value in enumerate(accuracy):
        stopper.on_epoch_end(epoch, {"val_accuracy": value})
        if model.stop_training:
            return epoch + 1
    return None


@pytest.mark.parametrize(
    "accuracy",
    [
        [0.80, 0.81, 0.8105, 0.8110],  # gains below min_delta are not progress
        [0.80, 0.8015, 0.8025, 0.8030, 0.8031],  # measured against the last real gain
        [0.80, 0.81, 0.83, 0.8319, 0.85, 0.8501, 0.8502],
    ],
)
def test_early_stopping_rule_with_min_delta_matches_keras(accuracy):
    """The check's rule with min_delta stops where Keras does, and not one epoch earlier."""
    stopped = keras_stops_after(accuracy, patience=2, min_delta=0.002)
    assert stopped is not None
    assert _stopped_as_patience_says(accuracy[:stopped], 2, 20, min_delta=0.002)
    assert not _stopped_as_patience_says(accuracy[: stopped + 1] + [0.99], 2, 20, min_delta=0.002)
    # without min_delta the same history looks cut short: the parameter matters
    assert not _stopped_as_patience_says(accuracy[:stopped], 2, 20)
