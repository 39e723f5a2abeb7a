"""The Lab 2 checks on objects built in this process: behaviour, not source text.

Any correct solution passes (Sequential or functional, activations as arguments or as
layers, a loss string or object); typical mistakes fail with a message and a hint, and
the feedback never gives the expected parameter count away.
"""

import os

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import dlex  # noqa: E402
from dlex.grading.exercises.check import run_check  # noqa: E402
from dlex.grading.exercises.declarations import Challenge  # noqa: E402
from dlex.grading.exercises.feedback import format_result  # noqa: E402
from dlex.grading.registry import exercises  # noqa: E402

RIGHT_COUNT = 235_146


def sequential(units, activations=("relu", "relu", "softmax")):
    layers = [keras.Input(shape=(784,))]
    layers += [keras.layers.Dense(u, activation=a) for u, a in zip(units, activations)]
    return keras.Sequential(layers)


def ex1_namespace(model=None, count=RIGHT_COUNT, optimizer="rmsprop", loss="categorical_crossentropy"):
    model = model if model is not None else sequential((256, 128, 10))
    if optimizer is not None:
        model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    return {"model_ex1": model, "ex1_param_count": count}


def failed(result):
    return [o for o in result.outcomes if not o.passed]


def test_reference_solution_passes():
    result = run_check("lab02.ex1", ex1_namespace())
    assert result.passed and result.score == 2, format_result(result)


def test_other_correct_solutions_pass():
    inputs = keras.Input(shape=(784,))
    hidden = keras.layers.ReLU()(keras.layers.Dense(256)(inputs))
    hidden = keras.layers.Activation("relu")(keras.layers.Dense(128)(hidden))
    outputs = keras.layers.Dense(10, activation=keras.activations.softmax)(hidden)
    namespace = ex1_namespace(
        keras.Model(inputs, outputs),
        count=np.int64(RIGHT_COUNT),
        optimizer=keras.optimizers.RMSprop(learning_rate=0.01),
        loss=keras.losses.CategoricalCrossentropy(),
    )
    result = run_check("lab02.ex1", namespace)
    assert result.passed, format_result(result)


@pytest.mark.parametrize(
    "change, words",
    [
        (dict(model=sequential((512, 128, 10))), ["layer 1 has 512 units"]),
        (dict(count=RIGHT_COUNT - 394), ["bias"]),
        (dict(count=407_050), ["Model A"]),
        (dict(count="two hundred thousand"), ["not a whole number"]),
        (dict(model=sequential((256, 128, 10), ("relu", "tanh", "softmax"))), ["layer 2 uses tanh"]),
        (dict(model=sequential((256, 128, 10), ("relu", "relu", "linear"))), ["softmax"]),
        (dict(optimizer="adam"), ["Adam"]),
        (dict(loss="binary_crossentropy"), ["binary cross-entropy"]),
        (dict(loss="mse"), ["mean squared error"]),
        (dict(optimizer=None), ["not compiled"]),
        (dict(model="a string", optimizer=None), ["not a Keras model"]),
    ],
)
def test_typical_mistakes_fail_with_a_reason(change, words):
    result = run_check("lab02.ex1", ex1_namespace(**change))
    assert not result.passed and result.score < 2
    text = format_result(result)
    for word in words:
        assert word in text, text
    assert f"{RIGHT_COUNT:,}" not in text and str(RIGHT_COUNT) not in text


def test_missing_names_are_named():
    result = run_check("lab02.ex1", {"model_ex1": sequential((256, 128, 10))})
    assert result.score == 0 and "ex1_param_count" in format_result(result)


def test_custom_layers_are_not_rebuilt_but_reported():
    model = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            keras.layers.Dense(256),
            keras.layers.Lambda(lambda x: keras.ops.relu(x)),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    result = run_check("lab02.ex1", ex1_namespace(model))
    assert not result.passed
    assert "Lambda" in format_result(result)


@pytest.fixture(scope="module")
def trained_ex2(data_dir):
    ((x_train, y_train), _), _ = dlex.data.load_mnist_or_standin()
    x = x_train[:640].reshape(640, -1).astype("float32") / 255
    y = keras.utils.to_categorical(y_train[:640], 10)
    dlex.seed(9898)
    model = sequential((512, 10), ("relu", "softmax"))
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.01),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(x, y, epochs=2, batch_size=128, verbose=0)
    return {
        "model_ex2": model,
        "history_ex2": history,
        "EPOCHS_EX2": 2,
        "BATCH_SIZE": 128,
        "TRAIN_LIMIT": 640,
    }


def test_ex2_reference_passes(trained_ex2):
    result = run_check("lab02.ex2", trained_ex2)
    assert result.passed, format_result(result)


def test_ex2_mistakes(trained_ex2):
    wrong_epochs = dict(trained_ex2, EPOCHS_EX2=3)
    assert "holds 2 epoch" in format_result(run_check("lab02.ex2", wrong_epochs))
    other_data = dict(trained_ex2, TRAIN_LIMIT=1280)
    assert "x_fit" in format_result(run_check("lab02.ex2", other_data))
    fresh = sequential((512, 10), ("relu", "softmax"))
    fresh.compile(optimizer="sgd", loss="categorical_crossentropy")
    text = format_result(run_check("lab02.ex2", dict(trained_ex2, model_ex2=fresh)))
    assert "never been trained" in text and "another model" in text
    assert "not the History" in format_result(run_check("lab02.ex2", dict(trained_ex2, history_ex2={})))


def test_dlex_check_prints_and_records(capsys, monkeypatch):
    monkeypatch.delenv("DLEX_METRICS_PATH", raising=False)
    monkeypatch.delenv("DLEX_GRADING", raising=False)
    namespace = ex1_namespace()
    result = dlex.check("lab02.ex1", namespace)
    assert result.passed
    assert "2/2 points (passed)" in capsys.readouterr().out
    assert dlex.runtime.METRICS["checks.lab02.ex1"] == 1
    from dlex.grading import progress

    assert progress.load()["labs"]["lab02"]["exercises"]["lab02.ex1"]["passed"] is True


def test_dlex_check_defers_to_the_grader_when_grading(capsys, monkeypatch):
    monkeypatch.setenv("DLEX_GRADING", "1")
    assert dlex.check("lab02.ex1", {}) is None
    assert "checked by the grader" in capsys.readouterr().out


def test_unknown_exercise_is_a_clear_error():
    with pytest.raises(dlex.DlexError, match="lab02.ex1"):
        dlex.check("lab02.ex9", {})


def test_challenge_inputs_differ_between_checks():
    from dlex.grading.labs.lab02 import challenge_inputs

    a, b = Challenge.fresh(), Challenge.fresh()
    assert not np.array_equal(challenge_inputs(a, "ex1"), challenge_inputs(b, "ex1"))
    assert np.array_equal(challenge_inputs(a, "ex1"), challenge_inputs(Challenge(a.seed), "ex1"))


def test_every_exercise_is_declared_completely():
    for exercise in exercises("lab02"):
        assert exercise.points > 0 and exercise.names and callable(exercise.probe)
        assert exercise.id.startswith("lab02.ex")
    assert os.environ.get("DLEX_HOME")  # the isolated home from tests/conftest.py


@pytest.mark.parametrize(
    "forge",
    [
        lambda c: c["config"]["layers"][1]["config"].update(units=10**8),
        lambda c: c["config"]["layers"][0]["config"].update(batch_shape=[None, 50_000]),
        lambda c: c["config"]["layers"][0]["config"].update(batch_shape=[None, 10**9]),
        lambda c: c["config"]["layers"].append(c["config"]["layers"][1]),
        lambda c: c["config"]["layers"][1].update(class_name="Lambda"),
    ],
)
def test_forged_configs_are_refused_before_anything_is_built(forge):
    import json

    from dlex.grading.exercises import keras_evidence, rebuild

    x = np.random.default_rng(0).uniform(size=(4, 784)).astype("float32")
    found = keras_evidence.model_evidence(sequential((8, 3), ("relu", "softmax")), x)
    assert rebuild.rebuild(found.values, found.arrays).count_params() == 784 * 8 + 8 + 8 * 3 + 3
    config = json.loads(found.values["config_json"])
    forge(config)
    with pytest.raises(rebuild.RebuildError):
        rebuild.rebuild(dict(found.values, config_json=json.dumps(config)), found.arrays)
