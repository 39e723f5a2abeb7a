"""The Lab 4 checks on objects built in this process: behaviour, not source text.

The lab's own cells (setup, parameters, data, network helpers, exercise cells) run here
as the reference solution and as the learner's copy; the reference passes, the blank
copy fails, and typical mistakes fail with a message and a hint. Epochs are cut down:
the checks read the epoch counts from the run's parameters.
"""

import numpy as np
import pytest

import dlex  # noqa: I001 - before Keras: dlex picks the backend

keras = pytest.importorskip("keras")

from dlex.grading.exercises.check import run_check  # noqa: E402
from dlex.grading.exercises.declarations import Challenge  # noqa: E402
from dlex.grading.exercises.feedback import format_result  # noqa: E402
from dlex.grading.labs import lab04  # noqa: E402
from dlex.grading.registry import exercises  # noqa: E402
from dlex.labs import get_lab  # noqa: E402
from dlex.labs.solutions import learner_copy  # noqa: E402

PRELUDE = ("setup", "parameters", "data", "regression-net")
EXERCISE_CELLS = ("ex1", "ex2")
QUICK = {"EPOCHS": 3}  # Exercise 2 keeps its 120 epochs: early stopping must act


def lab_cells(solutions: bool) -> list[str]:
    nb = learner_copy(get_lab("lab04").notebook(), solutions=solutions)
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    named = {c.metadata.get("part"): c.source for c in nb.cells if c.cell_type == "code"}
    picked = [named[name] for name in PRELUDE + (EXERCISE_CELLS if solutions else ())]
    if not solutions:  # the learner's blank exercise cells: the placeholders raise
        picked += [s for s in sources if "NotImplementedError" in s and s not in picked]
    return picked


def run_cells(solutions: bool, folder) -> tuple[dict, list[str]]:
    """Execute the cells in one namespace, as a kernel would; return it and the errors."""
    import matplotlib

    matplotlib.use("Agg")
    namespace, errors = {"__name__": "__lab04__"}, []
    for source in lab_cells(solutions):
        if "EX2_CHECKPOINT = " in source:
            source = source.replace('"ex2_best.keras"', repr(str(folder / "ex2_best.keras")))
        try:
            exec(compile(source, "<lab04 cell>", "exec"), namespace)
            if "DATA_SEED = " in source:
                namespace.update(QUICK)
        except NotImplementedError as exc:
            errors.append(str(exc))
    return namespace, errors


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    namespace, errors = run_cells(True, tmp_path_factory.mktemp("lab04"))
    assert not errors
    return namespace


def failed(result):
    return [o for o in result.outcomes if not o.passed]


def texts(result):
    return format_result(result)


def test_reference_solutions_from_the_lab_pass(reference):
    for exercise in ("lab04.ex1", "lab04.ex2"):
        result = run_check(exercise, reference)
        assert result.passed and result.score == result.points, format_result(result)


def test_blank_exercise_cells_fail_every_check(tmp_path):
    namespace, errors = run_cells(False, tmp_path)
    assert len(errors) == 2
    for exercise in ("lab04.ex1", "lab04.ex2"):
        result = run_check(exercise, namespace)
        assert result.score == 0 and "does not define" in format_result(result)


# --------------------------------------------------------------------------- exercise 1


def ex1_with(reference, model, history, which="model_l2_20"):
    namespace = dict(reference)
    namespace[which], namespace[which.replace("model", "history")] = model, history
    return namespace


def fit(reference, model, epochs=None, validation=True, batch_size=1):
    data = reference["data"]
    extra = dict(validation_data=(data.F_val, data.y_val)) if validation else {}
    return model.fit(
        data.F_train,
        data.y_train,
        epochs=epochs or reference["EPOCHS"],
        batch_size=batch_size,
        verbose=0,
        **extra,
    )


def plain_net(layers, loss="mse", optimizer="rmsprop"):
    dlex.seed(1)
    model = keras.Sequential([keras.Input(shape=(9,)), *layers])
    model.compile(optimizer=optimizer, loss=loss)
    return model


def test_ex1_written_out_in_keras_passes(reference):
    model = plain_net(
        [
            keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.L1L2(l2=20.0)),
            keras.layers.Dense(1),
        ]
    )
    history = fit(reference, model)
    result = run_check("lab04.ex1", ex1_with(reference, model, history))
    assert result.passed, format_result(result)


SLOW = pytest.mark.slow  # each case trains a network: a few run by default, all with -m slow


@pytest.mark.parametrize(
    "mistake, words",
    [
        ("l1_instead_of_l2", ["20·Σw²"]),
        ("both_layers", ["hidden layer only"]),
        pytest.param("no_penalty", ["no penalty"], marks=SLOW),
        ("no_validation", ["validation"]),
        pytest.param("too_few_epochs", ["epochs"], marks=SLOW),
        pytest.param("mae_loss", ["mean absolute error"], marks=SLOW),
        pytest.param("adam", ["Adam"], marks=SLOW),
        ("rebuilt_after_training", ["another model"]),
        pytest.param("wider_hidden_layer", ["256"], marks=SLOW),
        pytest.param("tanh_hidden_layer", ["tanh"], marks=SLOW),
    ],
)
def test_ex1_typical_mistakes(reference, mistake, words):
    L2, Dense = keras.regularizers.L2, keras.layers.Dense
    hidden = dict(activation="relu", kernel_regularizer=L2(20.0))
    layers, loss, optimizer, fit_args = [Dense(128, **hidden), Dense(1)], "mse", "rmsprop", {}
    if mistake == "l1_instead_of_l2":
        layers = [Dense(128, activation="relu", kernel_regularizer=keras.regularizers.L1(20.0)), Dense(1)]
    elif mistake == "both_layers":
        layers = [Dense(128, **hidden), Dense(1, kernel_regularizer=L2(20.0))]
    elif mistake == "no_penalty":
        layers = [Dense(128, activation="relu"), Dense(1)]
    elif mistake == "no_validation":
        fit_args = dict(validation=False)
    elif mistake == "too_few_epochs":
        fit_args = dict(epochs=reference["EPOCHS"] - 1)
    elif mistake == "mae_loss":
        loss = "mae"
    elif mistake == "adam":
        optimizer = "adam"
    elif mistake == "wider_hidden_layer":
        layers = [Dense(256, **hidden), Dense(1)]
    elif mistake == "tanh_hidden_layer":
        layers = [Dense(128, activation="tanh", kernel_regularizer=L2(20.0)), Dense(1)]
    model = plain_net(layers, loss, optimizer)
    history = fit(reference, model, **fit_args)
    if mistake == "rebuilt_after_training":
        model = plain_net(layers, loss, optimizer)
    result = run_check("lab04.ex1", ex1_with(reference, model, history))
    text = texts(result)
    assert not result.passed and 0 < result.score < result.points, text
    for word in words:
        assert word in text, text


def test_ex1_penalty_mistake_does_not_fail_the_other_checks(reference):
    model = plain_net(
        [
            keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.L2(2.0)),
            keras.layers.Dense(1),
        ]
    )
    result = run_check("lab04.ex1", ex1_with(reference, model, fit(reference, model)))
    assert [o.what for o in failed(result)] == [
        "`model_l2_20` adds 20·Σw² of its hidden layer's weights to its loss"
    ]
    assert "2·Σw²" in texts(result)


# --------------------------------------------------------------------------- exercise 2


def ex2_model(
    reference,
    tmp_path,
    patience=4,
    restore=True,
    checkpoint=True,
    batch_size=10,
    dropout=0.5,
    penalty=(50.0, 50.0),
    monitor="val_loss",
):
    """Exercise 2 written out in Keras, with one setting changed; returns a namespace."""
    dlex.seed(reference["SEED_EX2"])
    layers = [
        keras.Input(shape=(9,)),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.L1L2(*penalty)),
    ]
    if dropout:
        layers.append(keras.layers.Dropout(dropout))
    model = keras.Sequential(layers + [keras.layers.Dense(1)])
    model.compile(optimizer="rmsprop", loss="mse")
    path = str(tmp_path / "best.keras")
    callbacks = [
        keras.callbacks.EarlyStopping(monitor=monitor, patience=patience, restore_best_weights=restore)
    ]
    if checkpoint:
        callbacks.append(keras.callbacks.ModelCheckpoint(path, monitor=monitor, save_best_only=True))
    data = reference["data"]
    history = model.fit(
        data.F_train,
        data.y_train,
        epochs=reference["EPOCHS_EX2"],
        batch_size=batch_size,
        validation_data=(data.F_val, data.y_val),
        callbacks=callbacks,
        verbose=0,
    )
    namespace = dict(reference)
    namespace.update(model_ex2=model, history_ex2=history, EX2_CHECKPOINT=path)
    return namespace


def test_ex2_written_out_in_keras_passes(reference, tmp_path):
    result = run_check("lab04.ex2", ex2_model(reference, tmp_path))
    assert result.passed, format_result(result)


@pytest.mark.parametrize(
    "change, words, failures",
    [
        (dict(restore=False), ["restore_best_weights=True"], 2),
        (dict(patience=1), ["patience=4"], 1),
        (dict(checkpoint=False), ["ModelCheckpoint", "no file"], 1),
        pytest.param(dict(batch_size=1), ["batch_size=10"], 2, marks=SLOW),
        (dict(dropout=0.0), ["Dropout(0.5)"], 1),
        pytest.param(dict(dropout=0.2), ["rate is 0.2"], 1, marks=SLOW),
        pytest.param(dict(penalty=(50.0, 0.0)), ["50·Σ|w| + 50·Σw²"], 1, marks=SLOW),
        pytest.param(dict(monitor="loss"), ["best epoch"], 1, marks=SLOW),
    ],
)
def test_ex2_typical_mistakes(reference, tmp_path, change, words, failures):
    result = run_check("lab04.ex2", ex2_model(reference, tmp_path, **change))
    text = texts(result)
    assert len(failed(result)) >= failures and 0 < result.score < result.points, text
    for word in words:
        assert word in text, text


def test_ex2_checkpoint_of_another_model_is_recognised(reference, tmp_path):
    namespace = ex2_model(reference, tmp_path)
    other = keras.Sequential(
        [
            keras.Input(shape=(9,)),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(1),
        ]
    )
    other.save(namespace["EX2_CHECKPOINT"])
    result = run_check("lab04.ex2", namespace)
    assert [o.what for o in failed(result)] == [
        "the checkpoint file holds the best model (the same predictions as `model_ex2`)"
    ]


def test_lab_validation_set_matches_the_labs_prepare(reference):
    data = reference["prepare"](reference["DATA_SEED"])
    F_val, y_val = lab04.lab_validation_set(reference["DATA_SEED"])
    assert np.allclose(F_val, data.F_val, rtol=0, atol=1e-9) and np.array_equal(y_val, data.y_val)


def test_challenge_inputs_differ_between_checks():
    a, b = Challenge.fresh(), Challenge.fresh()
    assert not np.array_equal(lab04.challenge_inputs(a, "ex2"), lab04.challenge_inputs(b, "ex2"))
    assert np.array_equal(lab04.challenge_inputs(a, "ex2"), lab04.challenge_inputs(Challenge(a.seed), "ex2"))


# --------------------------------------------------------------------------- questions


def test_every_exercise_and_question_is_declared_completely():
    from dlex.grading.questions import answerkey
    from dlex.grading.questions.kinds import Choice, Numeric, check_answer

    assert [e.id for e in exercises("lab04")] == ["lab04.ex1", "lab04.ex2"]
    questions = {q.id: q for q in lab04.QUESTIONS}
    assert 6 <= len(questions) <= 10 and len(questions) == len(lab04.QUESTIONS)
    key = answerkey.load_key("lab04")
    for q in questions.values():
        if isinstance(q, (Choice, Numeric)):
            assert q.id in key, q.id
    assert check_answer(questions["lab04.q1"], 3).correct is True
    assert check_answer(questions["lab04.q1"], 1).correct is False
    assert check_answer(questions["lab04.q3"], "3.75").correct is True
    assert check_answer(questions["lab04.q3"], "3.0").correct is False  # forgot the scaling
    assert check_answer(questions["lab04.q4"], "4,096").correct is True
    assert check_answer(questions["lab04.q7"], 3).correct is True
    metrics = {
        "lasso.zero_coefficients": 8,
        "nn_early_stopping.best_epoch": 29,
        "augmentation.test_accuracy": 0.92,
        "no_augmentation.test_accuracy": 0.89,
    }
    assert check_answer(questions["lab04.q8"], 8, metrics).correct is True
    assert check_answer(questions["lab04.q9"], 30, metrics).correct is False
    assert check_answer(questions["lab04.q10"], 1, metrics).correct is True
