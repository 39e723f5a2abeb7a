"""Lab 5 golden submissions through the real grader: the right marks and a clear message.

    .venv/bin/python tests/grading/test_lab05_golden.py          # rewrite the notebooks
    .venv/bin/python tests/grading/test_lab05_golden.py --check  # exit 1 if any is stale

Each submission (tests/grading/submissions/lab05/*.ipynb) is the lab's reference solution
cut down to the cells the exercises need (no figures, no other experiments), then changed
in one typical way, and named by that change. They are graded with the lab's
TEST_PARAMETERS (a few MNIST images, one epoch). Two run in the default suite, all with
``-m slow``. The sandbox attacks are lab-independent and live with Lab 2's (test_golden.py).
"""

import sys
from pathlib import Path

import pytest

import goldenkit

HERE = Path(__file__).resolve().parent
OUT = HERE / "submissions" / "lab05"


# The cells kept, each found by a line it contains, in lab order.
KEEP = ("import json", "SEED_DATA = 9911", "X = dlex.data.correlated_gaussian", "A_E = np.eye(2)",
        "def gradient_norm", "path_ex1_fast = run(", "path_ex2 = run(", "path_ex3 = run(",
        "data_source = dlex.data.load_mnist_or_standin()", "model_ex4 = keras.Sequential(")

FULL = {"lab05.ex1": 2, "lab05.ex2": 2, "lab05.ex3": 2, "lab05.ex4": 3}
EXPECTED = {   # name: (marks, words the feedback must contain, any case)
    "all_correct": (FULL, []),
    # ex1: both step checks fail, shapes and stopping rules pass: 4 of 6
    "ex1_rates_swapped": (dict(FULL, **{"lab05.ex1": 1.33}), ["swapped"]),
    # ex1: η = 0.9 runs all 1,000 steps: only its stopping rule fails, 5 of 6
    "ex1_no_stopping_rule": (dict(FULL, **{"lab05.ex1": 1.67}), ["grad_tol=GRAD_TOL"]),
    # ex2: the shape passes (1), one point per step (1) and the seed (0.5) fail: 1 of 2.5
    "ex2_batch_10": (dict(FULL, **{"lab05.ex2": 0.8}), ["batch_size=1"]),
    # ex2: single points, wrong order: 2 of 2.5
    "ex2_wrong_seed": (dict(FULL, **{"lab05.ex2": 1.6}), ["seed=SEED_EX2"]),
    # ex3: the default β₂: the shape passes, the steps fail
    "ex3_default_beta_2": (dict(FULL, **{"lab05.ex3": 1}), ["default β₂ = 0.999"]),
    # ex4: λ = 0.001: 8 of 9
    "ex4_small_l2": (dict(FULL, **{"lab05.ex4": 2.67}), ["its factor is 0.001"]),
    # ex4: Keras 2's habit, a constant rate: 8 of 9
    "ex4_constant_learning_rate": (dict(FULL, **{"lab05.ex4": 2.67}), ["no decay argument"]),
    "unanswered": ({key: 0 for key in FULL}, ["NotImplementedError"]),
}


def _cut_down(solutions: bool):
    return goldenkit.cut_down("lab05", KEEP, solutions, figures=False)


_find = goldenkit.find


def _replace(nb, needle, old, new, count=None):
    goldenkit.replace(nb, needle, old, new, count)


def build(name):
    nb = _cut_down(solutions=name != "unanswered")
    if name == "ex1_rates_swapped":
        _replace(nb, "path_ex1_fast = run(", "learning_rate=0.9", "learning_rate=TEMP")
        _replace(nb, "path_ex1_fast = run(", "learning_rate=0.01", "learning_rate=0.9")
        _replace(nb, "path_ex1_fast = run(", "learning_rate=TEMP", "learning_rate=0.01")
    elif name == "ex1_no_stopping_rule":
        _replace(nb, "path_ex1_fast = run(", "A_E, EX1_MAX_STEPS,\n                    grad_tol=GRAD_TOL)\n"
                 "path_ex1_slow", "A_E, EX1_MAX_STEPS)\npath_ex1_slow")
    elif name == "ex2_batch_10":
        _replace(nb, "path_ex2 = run(", "batch_size=1", "batch_size=10")
    elif name == "ex2_wrong_seed":
        _replace(nb, "path_ex2 = run(", "seed=SEED_EX2", "seed=SEED_SGD")
    elif name == "ex3_default_beta_2":
        _replace(nb, "path_ex3 = run(", ", beta_2=0.99", "")
    elif name == "ex4_small_l2":
        _replace(nb, "model_ex4 = keras.Sequential(", "L2(10.0)", "L2(0.001)")
    elif name == "ex4_constant_learning_rate":
        _replace(nb, "model_ex4 = keras.Sequential(", "Adam(learning_rate=schedule_ex4)",
                 "Adam(learning_rate=0.001)")
    elif name not in ("all_correct", "unanswered"):
        raise KeyError(name)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"{name[:40]}-{index}"
        if cell.cell_type == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return nb


def main(argv) -> int:
    return goldenkit.write_or_check(OUT, EXPECTED, build, argv, "Lab 5", "tests/grading/test_lab05_golden.py")


# --------------------------------------------------------------------------- tests

DEFAULT = ["all_correct", "ex2_batch_10"]


def grade_lab05(names):
    from dlex.grading.labs import lab05

    return goldenkit.grade_named("lab05", OUT, names, timeout_s=400, overrides=lab05.TEST_PARAMETERS)


def assert_marks(report, name):
    goldenkit.assert_marks(report, EXPECTED, name)


@pytest.fixture(scope="module")
def graded(data_dir):
    return grade_lab05(DEFAULT)


def test_golden_submissions_are_up_to_date():
    assert main(["--check"]) == 0, "run: .venv/bin/python tests/grading/test_lab05_golden.py"
    for path in OUT.glob("*.ipynb"):
        assert path.stat().st_size < 40_000, f"{path.name} is too big for a fixture"


@pytest.mark.parametrize("name", DEFAULT)
def test_submission_gets_the_right_marks(graded, name):
    assert_marks(graded[name], name)


@pytest.mark.slow
def test_every_other_submission_gets_the_right_marks(data_dir):
    others = [name for name in EXPECTED if name not in DEFAULT]
    reports = grade_lab05(others)
    for name in others:
        assert_marks(reports[name], name)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
