"""The Lab 5 checks on objects built in this process: the lab's own cells, then mistakes.

The lab's setup, data and helper cells and its exercise cells (Exercises 1–3) run here as
the reference solution, so the checks are tested against the code the lab ships. Each
typical mistake fails with a message and a hint; the reference passes with full marks.
"""

import re

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import dlex  # noqa: E402
from dlex.grading.exercises.check import run_check  # noqa: E402
from dlex.grading.exercises.feedback import format_result  # noqa: E402
from dlex.grading.labs import lab05  # noqa: E402
from dlex.labs import get_lab  # noqa: E402
from dlex.labs.solutions import learner_copy  # noqa: E402

# Lab cells the path exercises build on, found by a line each contains, in lab order.
CELLS = (
    "import json",
    "SEED_DATA = 9911",
    "X = dlex.data.correlated_gaussian",
    "A_E = np.eye(2)",
    "def gradient_norm",
    "path_ex1_fast = run(",
    "path_ex2 = run(",
    "path_ex3 = run(",
)


@pytest.fixture(scope="module")
def lab():
    """The namespace after the lab's helper and exercise cells (reference solution)."""
    import matplotlib

    matplotlib.use("Agg")
    nb = learner_copy(get_lab("lab05").notebook(), solutions=True)
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    namespace = {}
    for needle in CELLS:
        matches = [s for s in sources if needle in s]
        assert len(matches) == 1, f"expected one cell containing {needle!r}"
        exec(compile(matches[0], needle, "exec"), namespace)
    return namespace


def check(exercise_id, namespace, **changes):
    return run_check(exercise_id, dict(namespace, **changes))


def test_the_lab_and_the_checks_agree_on_start_and_covariance(lab):
    assert tuple(lab["START"]) == lab05.START
    assert np.array_equal(lab["SIGMA"], np.array(lab05.SIGMA))
    source = get_lab("lab05").path.read_text()
    assert re.search(r"^SEED_DATA = 9911$", source, re.M) and re.search(r"^N_SAMPLES = 1000$", source, re.M)


@pytest.mark.parametrize("exercise_id", ["lab05.ex1", "lab05.ex2", "lab05.ex3"])
def test_reference_solution_passes(lab, exercise_id):
    result = run_check(exercise_id, lab)
    assert result.passed and result.score == result.points, format_result(result)


def test_exercise_1_mistakes(lab):
    run, optim, A_E, A_M = lab["run"], lab["optim"], lab["A_E"], lab["A_M"]
    swapped = check("lab05.ex1", lab, path_ex1_fast=lab["path_ex1_slow"], path_ex1_slow=lab["path_ex1_fast"])
    assert swapped.score == pytest.approx(1.33) and "swapped" in format_result(swapped)
    endless = run(optim.GradientDescent(learning_rate=0.9, record=True), A_E, 1000)
    text = format_result(check("lab05.ex1", lab, path_ex1_fast=endless))
    assert "grad_tol=GRAD_TOL" in text and "goes on to step 1000" in text
    wrong_loss = run(optim.GradientDescent(learning_rate=0.01, record=True), A_M, 1000, grad_tol=0.01)
    assert "Mahalanobis" in format_result(check("lab05.ex1", lab, path_ex1_slow=wrong_loss))
    short = check("lab05.ex1", lab, path_ex1_slow=lab["path_ex1_slow"][:100])
    assert "not yet below" in format_result(short)
    moved = check("lab05.ex1", lab, path_ex1_fast=lab["path_ex1_fast"] + 1.0)
    assert "starts at" in format_result(moved)
    for bad in ("a string", np.zeros((5, 3)), [[np.nan, 1.0]]):
        result = check("lab05.ex1", lab, path_ex1_fast=bad)
        assert not result.passed and result.score <= 1.0, format_result(result)


def test_exercise_2_mistakes(lab):
    run, optim, A_M = lab["run"], lab["optim"], lab["A_M"]
    sgd = lambda rate=0.005: optim.SGD(learning_rate=rate, record=True)  # noqa: E731
    batch_10 = run(sgd(), A_M, 1000, batch_size=10, seed=lab["SEED_EX2"])
    result = check("lab05.ex2", lab, path_ex2=batch_10)
    assert result.score == pytest.approx(0.8) and "batch_size=1" in format_result(result)
    other_seed = run(sgd(), A_M, 1000, batch_size=1, seed=lab["SEED_SGD"])
    result = check("lab05.ex2", lab, path_ex2=other_seed)
    assert result.score == pytest.approx(1.6) and "seed=SEED_EX2" in format_result(result)
    other_rate = run(sgd(0.01), A_M, 1000, batch_size=1, seed=lab["SEED_EX2"])
    assert not check("lab05.ex2", lab, path_ex2=other_rate).passed
    too_short = check("lab05.ex2", lab, path_ex2=lab["path_ex2"][:500])
    assert "it has 500 rows" in format_result(too_short)


def test_exercise_3_mistakes(lab):
    run, optim, A_M = lab["run"], lab["optim"], lab["A_M"]
    default = run(optim.Adam(learning_rate=0.1, record=True), A_M, 1000)
    result = check("lab05.ex3", lab, path_ex3=default)
    assert result.score == 1 and "default β₂ = 0.999" in format_result(result)
    slow = run(optim.Adam(learning_rate=0.01, beta_2=0.99, record=True), A_M, 1000)
    assert "LR_ADAM" in format_result(check("lab05.ex3", lab, path_ex3=slow))
    batches = run(optim.Adam(learning_rate=0.1, beta_2=0.99, record=True), A_M, 1000, batch_size=10, seed=1)
    assert not check("lab05.ex3", lab, path_ex3=batches).passed


def test_the_checks_follow_the_runs_parameters(lab):
    """With other STEPS the reference path has the wrong length; with its own it passes."""
    run, optim, A_M = lab["run"], lab["optim"], lab["A_M"]
    path = run(optim.Adam(learning_rate=0.1, beta_2=0.99, record=True), A_M, 50)
    assert check("lab05.ex3", lab, path_ex3=path, STEPS=50).passed
    assert "51 rows" in format_result(check("lab05.ex3", lab, STEPS=50))


# --------------------------------------------------------------------------- exercise 4


def ex4_model(l2=10.0, dropout=0.5):
    return keras.Sequential(
        [
            keras.Input(shape=(784,)),
            keras.layers.Dense(512, activation="relu"),
            keras.layers.Dropout(dropout),
            keras.layers.Dense(512, activation="relu", kernel_regularizer=keras.regularizers.L2(l2)),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


def schedule(**changes):
    settings = dict(initial_learning_rate=0.001, decay_steps=1, decay_rate=0.005)
    settings.update(changes)
    return keras.optimizers.schedules.InverseTimeDecay(**settings)


@pytest.fixture(scope="module")
def trained_ex4(data_dir):
    ((x_train, y_train), _), _ = dlex.data.load_mnist_or_standin()
    x = x_train[:256].reshape(256, -1).astype("float32") / 255
    y = keras.utils.to_categorical(y_train[:256], 10)
    dlex.seed(5577)
    model = ex4_model()
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=schedule()),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(x, y, epochs=1, batch_size=128, verbose=0)
    return {
        "model_ex4": model,
        "history_ex4": history,
        "EPOCHS_EX4": 1,
        "BATCH_SIZE_EX4": 128,
        "TRAIN_LIMIT": 256,
        "SEED_EX4": 5577,
    }


def test_exercise_4_reference_passes(trained_ex4):
    result = run_check("lab05.ex4", trained_ex4)
    assert result.passed and result.score == 3, format_result(result)


MISTAKES = {  # name: (model, optimizer, words the feedback must contain)
    "small_l2": (lambda: ex4_model(l2=0.001), None, ["its factor is 0.001"]),
    "other_dropout": (lambda: ex4_model(dropout=0.2), None, ["dropout rate is 0.2"]),
    "constant_rate": (ex4_model, lambda: keras.optimizers.Adam(learning_rate=0.001), ["no decay argument"]),
    "faster_decay": (
        ex4_model,
        lambda: keras.optimizers.Adam(learning_rate=schedule(decay_rate=0.05)),
        ["decay_rate=0.05"],
    ),
    "rmsprop": (ex4_model, keras.optimizers.RMSprop, ["RMSprop"]),
}


@pytest.mark.parametrize("name", MISTAKES)
def test_exercise_4_mistakes(trained_ex4, name):
    build, make_optimizer, words = MISTAKES[name]
    model = build()
    optimizer = make_optimizer() if make_optimizer else keras.optimizers.Adam(learning_rate=schedule())
    model.compile(optimizer=optimizer, loss="categorical_crossentropy")
    result = run_check("lab05.ex4", dict(trained_ex4, model_ex4=model))
    assert not result.passed, format_result(result)
    text = format_result(result)
    for word in words:
        assert word in text, text


def test_exercise_4_training_mistakes(trained_ex4):
    text = format_result(run_check("lab05.ex4", dict(trained_ex4, EPOCHS_EX4=3)))
    assert "holds 1 epoch" in text
    text = format_result(run_check("lab05.ex4", dict(trained_ex4, history_ex4={})))
    assert "not the History" in text
