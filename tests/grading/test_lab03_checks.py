"""The Lab 3 checks on objects built in this process: behaviour, not source text.

The lab's own exercise cells are executed here twice — as the reference solution and as
the learner's copy with the solutions removed — so the checks are tested against the
code the lab ships: the reference passes, the empty copy fails. Typical mistakes fail
with a message and a hint that do not give the answer away.
"""

import numpy as np
import pytest

pytest.importorskip("keras")

import dlex  # noqa: E402
from dlex.grading.exercises.check import run_check  # noqa: E402
from dlex.grading.exercises.declarations import Challenge  # noqa: E402
from dlex.grading.exercises.feedback import format_result  # noqa: E402
from dlex.grading.labs import lab03  # noqa: E402
from dlex.grading.registry import exercises  # noqa: E402
from dlex.labs import get_lab  # noqa: E402
from dlex.labs.solutions import learner_copy  # noqa: E402
from dlex.scratch import activations  # noqa: E402

# Lab cells the exercises build on, by name (``# %% part=...`` in the lab), in lab order.
PRELUDE = (
    "setup",
    "parameters",
    "xor-data",
    "worked-network",
    "ex1-cases",
    "hand-gradients",
    "initial-xor-params",
)
EXERCISE_CELLS = ("ex1", "ex2a", "ex2b")
QUICK = {"XOR_STEPS": 60}  # the checks replicate training: keep the tests fast


def lab_cells(solutions: bool) -> list[str]:
    nb = learner_copy(get_lab("lab03").notebook(), solutions=solutions)
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    named = {c.metadata.get("part"): c.source for c in nb.cells if c.cell_type == "code"}
    picked = [named[name] for name in PRELUDE + (EXERCISE_CELLS if solutions else ())]
    if not solutions:  # the learner's blank exercise cells: the placeholders raise
        picked += [s for s in sources if "NotImplementedError" in s]
    return picked


def run_cells(solutions: bool) -> tuple[dict, list[str]]:
    """Execute the cells in one namespace, as a kernel would; return it and the errors."""
    import matplotlib

    matplotlib.use("Agg")
    namespace, errors = {"__name__": "__lab03__"}, []
    for source in lab_cells(solutions):
        try:
            exec(compile(source, "<lab03 cell>", "exec"), namespace)
            if "SEED = 3" in source:
                namespace.update(QUICK)
        except NotImplementedError as exc:
            errors.append(str(exc))
    return namespace, errors


@pytest.fixture(scope="module")
def reference():
    namespace, errors = run_cells(solutions=True)
    assert not errors
    return namespace


def failed(result):
    return [o for o in result.outcomes if not o.passed]


def test_reference_solutions_from_the_lab_pass(reference):
    for exercise in ("lab03.ex1", "lab03.ex2"):
        result = run_check(exercise, reference)
        assert result.passed and result.score == result.points, format_result(result)


def test_blank_exercise_cells_fail_every_check():
    namespace, errors = run_cells(solutions=False)
    assert len(errors) == 3  # each blank exercise cell raises NotImplementedError
    for exercise in ("lab03.ex1", "lab03.ex2"):
        result = run_check(exercise, namespace)
        assert result.score == 0 and "does not define" in format_result(result)


# --------------------------------------------------------------------------- exercise 1


def ex1_namespace(reference, forward=None, scale=None):
    namespace = dict(reference)
    if forward is not None:
        namespace["ex1_forward"] = forward
    if forward is not None and scale is None:
        y = np.ravel(forward(lab03.EX1_CASES))
        t = lab03.EX1_CASES[:, 0] - lab03.EX1_CASES[:, 1]
        namespace["ex1_scale"] = float(np.sum(y * t) / np.sum(y * y))
    if scale is not None:
        namespace["ex1_scale"] = scale
    return namespace


W1, W2 = lab03.W1, lab03.W2


def test_ex1_other_correct_solutions_pass(reference):
    # closed form: σ(a) − σ(−a) = tanh(a/2); and a least-squares fit with numpy
    closed = lambda x: np.tanh((x[:, 0] - x[:, 1]) / 2)  # noqa: E731
    y = closed(lab03.EX1_CASES)
    t = lab03.EX1_CASES[:, 0] - lab03.EX1_CASES[:, 1]
    scale = np.linalg.lstsq(y[:, None], t, rcond=None)[0][0]
    result = run_check("lab03.ex1", ex1_namespace(reference, closed, np.float64(scale)))
    assert result.passed, format_result(result)


@pytest.mark.parametrize(
    "forward, words",
    [
        (lambda x: activations.relu(x @ W1) @ W2, ["ReLU network"]),
        (lambda x: np.tanh(x @ W1) @ W2, ["tanh"]),
        (lambda x: activations.sigmoid(x @ W1) @ np.ones(2), ["[1, −1]"]),
        (lambda x: activations.sigmoid(x @ W1 @ W2), ["hidden layer"]),
        (lambda x: (activations.sigmoid(x @ W1) @ W2)[:, None], [".ravel()"]),
        (lambda x: "not numbers", ["not an array of numbers"]),
        (lambda x: x.reshape(3), ["fails on"]),
    ],
)
def test_ex1_typical_forward_mistakes(reference, forward, words):
    result = run_check("lab03.ex1", ex1_namespace(reference, forward=forward, scale=2.5))
    text = format_result(result)
    assert not result.passed, text
    for word in words:
        assert word in text, text


@pytest.mark.parametrize(
    "scale, words",
    [
        (2.0, ["small differences"]),
        (1.0, ["leaves the output weights"]),
        (1 / np.tanh(0.5), ["±1 exact"]),
        (2 / np.tanh(1.0), ["±2 exact"]),
        ("2.5", ["not a number"]),
        (float("nan"), ["not a number"]),
        (3.0, ["derivative"]),
    ],
)
def test_ex1_typical_scale_mistakes(reference, scale, words):
    result = run_check("lab03.ex1", ex1_namespace(reference, scale=scale))
    text = format_result(result)
    assert [o.what for o in failed(result)] == [lab03.check_ex1_scale({}).what], text
    for word in words:
        assert word in text, text
    assert f"{lab03.best_scale():.4f}" not in text and f"{lab03.best_scale():.3f}" not in text


def test_ex1_reciprocal_and_average_of_ratios_are_recognised(reference):
    y = lab03.ex1_expected(lab03.EX1_CASES)
    t = lab03.EX1_CASES[:, 0] - lab03.EX1_CASES[:, 1]
    upside_down = run_check("lab03.ex1", ex1_namespace(reference, scale=float(np.sum(y * y) / np.sum(y * t))))
    assert "reciprocal" in format_result(upside_down)
    ratios = run_check("lab03.ex1", ex1_namespace(reference, scale=float(np.mean(t[t != 0] / y[t != 0]))))
    assert "average of the ratios" in format_result(ratios)


# --------------------------------------------------------------------------- exercise 2


def ex2_namespace(reference, **changes):
    namespace = dict(reference)
    namespace.update(changes)
    return namespace


def train_with(reference, update=None, steps=None, start=None):
    """A train_xor variant; ``update(p, g, rate)`` replaces W ← W − α∇J."""

    def train_xor(seed, units=2):
        params = start(seed) if start else reference["initial_xor_params"](seed, units)
        for _ in range(reference["XOR_STEPS"] if steps is None else steps):
            _, grads = reference["hand_gradients"](params, reference["xor_x"], reference["xor_y"])
            rate = reference["XOR_LEARNING_RATE"]
            params = [update(p, g, rate) if update else p - rate * g for p, g in zip(params, grads)]
        return params

    return train_xor


def test_ex2_training_with_dlex_scratch_optimizers_passes(reference):
    from dlex.scratch import network, optim

    def train_xor(seed, units=2):
        model = network.MLP(
            [2, units, 1], np.random.default_rng(seed), activation="relu", output_activation="linear"
        )
        optimizer = optim.GradientDescent(reference["XOR_LEARNING_RATE"])
        for _ in range(reference["XOR_STEPS"]):
            optimizer.step(model.params, model.loss_and_grads(reference["xor_x"], reference["xor_y"])[1])
        return model.params

    result = run_check("lab03.ex2", ex2_namespace(reference, train_xor=train_xor))
    assert result.passed, format_result(result)


@pytest.mark.parametrize(
    "weights, words",
    [
        (
            [
                np.array([[1.0, 1.0], [1.0, 1.0]]),
                np.array([0.0, -1.0]),
                np.array([1.0, -2.0]),
                np.array([0.0]),
            ],
            ["W2.reshape(-1, 1)"],
        ),
        (
            [
                np.array([[1.0, 1.0], [1.0, 1.0]]),
                np.array([0.0, -1.0]),
                np.array([[1.0], [-1.0]]),
                np.array([0.0]),
            ],
            ["(1,1) gives 1 instead of 0"],
        ),
        (
            [
                np.array([[1.0, 1.0], [1.0, 1.0]]),
                np.array([0.0, -1.0]),
                np.array([[0.98], [-1.97]]),
                np.array([0.01]),
            ],
            ["close but not exact"],
        ),
        ("weights", ["not a list"]),
    ],
)
def test_ex2_part_a_mistakes(reference, weights, words):
    result = run_check("lab03.ex2", ex2_namespace(reference, xor_weights=weights))
    text = format_result(result)
    assert 0 < result.score < result.points, text
    for word in words:
        assert word in text, text


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # gradient ascent overflows, as it should
@pytest.mark.parametrize(
    "change, words",
    [
        (dict(update=lambda p, g, rate: p + rate * g), ["W ← W − α∇J"]),
        (dict(steps=0), ["starting weights"]),
        (dict(steps=QUICK["XOR_STEPS"] - 1), ["one step fewer"]),
        (dict(update=lambda p, g, rate: p - rate * g if p.ndim == 2 else p), ["biases"]),
        (dict(update=lambda p, g, rate: p - 0.5 * rate * g), ["differ from the recipe"]),
    ],
)
def test_ex2_part_b_mistakes(reference, change, words):
    result = run_check("lab03.ex2", ex2_namespace(reference, train_xor=train_with(reference, **change)))
    text = format_result(result)
    assert 0 < result.score < result.points, text
    for word in words:
        assert word in text, text


def test_ex2_part_b_returning_fixed_weights_or_ignoring_units_fails(reference):
    fixed = run_check(
        "lab03.ex2", ex2_namespace(reference, train_xor=lambda seed, units=2: reference["xor_weights"])
    )
    assert "same weights" in format_result(fixed)
    no_units = run_check(
        "lab03.ex2", ex2_namespace(reference, train_xor=lambda seed: train_with(reference)(seed))
    )
    assert [o.what for o in failed(no_units)] == [
        "`train_xor(seed, units=3)` trains a network of 3 hidden units by the same recipe"
    ]
    assert "units=2" in format_result(no_units)


def test_ex2_part_a_alone_earns_part_marks(reference):
    namespace = ex2_namespace(reference)
    del namespace["train_xor"]
    result = run_check("lab03.ex2", namespace)
    assert 0 < result.score < result.points
    assert "does not define `train_xor`" in format_result(result)


def test_challenge_seeds_differ_between_checks():
    a, b = Challenge.fresh(), Challenge.fresh()
    assert lab03.xor_seeds(a) != lab03.xor_seeds(b)
    assert lab03.xor_seeds(a) == lab03.xor_seeds(Challenge(a.seed))
    assert not np.array_equal(lab03.ex1_inputs(a), lab03.ex1_inputs(b))


def test_every_exercise_and_question_is_declared_completely():
    from dlex.grading.questions import answerkey
    from dlex.grading.questions.kinds import Choice, Numeric, check_answer

    assert [e.id for e in exercises("lab03")] == ["lab03.ex1", "lab03.ex2"]
    questions = lab03.QUESTIONS
    assert 6 <= len(questions) <= 10 and len({q.id for q in questions}) == len(questions)
    key = answerkey.load_key("lab03")
    for q in questions:
        if isinstance(q, (Choice, Numeric)):
            assert q.id in key, q.id
    assert check_answer(questions[3], "0.511").correct is True
    assert check_answer(questions[3], "0.6").correct is False
    assert check_answer(questions[7], 0.4).correct is True
    metrics = {
        "xor.trained_success_rate": 0.22,
        "depth_vs_width.largest.shallow_median_mse": 0.09,
        "depth_vs_width.largest.deep_median_mse": 0.04,
    }
    assert check_answer(questions[8], "22%", metrics).correct is True
    assert check_answer(questions[9], 2, metrics).correct is True


def test_dlex_check_records_the_outcome(reference, monkeypatch, capsys):
    monkeypatch.delenv("DLEX_GRADING", raising=False)
    result = dlex.check("lab03.ex1", reference)
    assert result.passed and "2/2 points (passed)" in capsys.readouterr().out
    assert dlex.runtime.METRICS["checks.lab03.ex1"] == 1


def test_chosen_seeds_always_expose_a_step_too_few_and_frozen_biases():
    """Across 150 challenges, the two seeds the check picks tell the recipe apart from the
    two mistakes that a dead ReLU unit or settled training would hide (the default suite
    once failed on such a draw)."""
    steps, rate = QUICK["XOR_STEPS"], 0.1
    for challenge_seed in range(150):
        for seed in lab03.xor_seeds(Challenge(challenge_seed), steps, rate):
            for units in (2, 3):
                right = lab03.reference_training(seed, units, steps, rate)
                assert not lab03._same(right, lab03.reference_training(seed, units, steps - 1, rate)), seed
                start = lab03._starting_params(seed, units)
                assert not np.allclose(right[0], start[0]) and not np.allclose(right[1], start[1]), seed
