"""Lab 7 golden submissions through the real grader: the right marks and a clear message.

    .venv/bin/python tests/grading/test_lab07_golden.py          # rewrite the notebooks
    .venv/bin/python tests/grading/test_lab07_golden.py --check  # exit 1 if any is stale

Each submission (tests/grading/submissions/lab07/*.ipynb) is the lab's reference solution
cut down to the cells the exercises need (setup, parameters, the IMDB data, the training
helpers, the two exercises and their checks; figures removed), then changed in one typical
way, and named by that change. The grader runs them with the lab's quick parameters (800
training reviews, one epoch). Three are graded in the default suite, all with ``-m slow``.
The sandbox attacks are lab-independent and live with Lab 2's (test_golden.py).
"""

import sys
from pathlib import Path

import pytest

import goldenkit

HERE = Path(__file__).resolve().parent
OUT = HERE / "submissions" / "lab07"


# The cells kept, each found by a line it contains, in lab order.
KEEP = ("import re", "NUM_WORDS = 10000", "dlex.data.load_imdb(", "x_train_padded = keras.utils.pad_sequences",
        "fit_reviews, fit_labels =", "class LengthBuckets", "def recurrent_classifier",
        "model_ex1 = recurrent_classifier", 'dlex.check("lab07.ex1")',
        "model_ex2 = recurrent_classifier", 'dlex.check("lab07.ex2")')

FULL = {"lab07.ex1": 3, "lab07.ex2": 3}
EXPECTED = {   # name: (marks, words the feedback must contain, any case)
    "all_correct": (FULL, []),
    # ex1: the two dropout rates swapped: 7 of 8 checks
    "ex1_rates_swapped": ({"lab07.ex1": 2.62, "lab07.ex2": 3}, ["swapped"]),
    # ex1: the course's L2(0.01) left on the GRU's kernel: 7 of 8 checks
    "ex1_penalty_on_the_gru": ({"lab07.ex1": 2.62, "lab07.ex2": 3}, ["kernel regularizer"]),
    # ex1: the model rebuilt after training: the History is another model's, the model untrained: 6 of 8
    "ex1_rebuilt_after_training": ({"lab07.ex1": 2.25, "lab07.ex2": 3}, ["another model", "never been trained"]),
    # ex2: no penalty on the embedding: 7 of 8 checks
    "ex2_no_penalty": ({"lab07.ex1": 3, "lab07.ex2": 2.62}, ["L2(0.01)"]),
    # ex2: the GRU not wrapped in Bidirectional: layer order and the bidirectional check fail: 6 of 8
    "ex2_not_bidirectional": ({"lab07.ex1": 3, "lab07.ex2": 2.25}, ["Bidirectional"]),
    "unanswered": ({"lab07.ex1": 0, "lab07.ex2": 0}, ["NotImplementedError"]),
}


def _cut_down(solutions: bool):
    return goldenkit.cut_down("lab07", KEEP, solutions, figures=False)


_find = goldenkit.find


def _replace(nb, needle, old, new, count=1):
    goldenkit.replace(nb, needle, old, new, count)


def build(name):
    nb = _cut_down(solutions=name != "unanswered")
    ex1, ex2 = "model_ex1 = recurrent_classifier", "model_ex2 = recurrent_classifier"
    if name == "ex1_rates_swapped":
        _replace(nb, ex1, "dropout=0.5, recurrent_dropout=0.1", "dropout=0.1, recurrent_dropout=0.5")
    elif name == "ex1_penalty_on_the_gru":
        _replace(nb, ex1, "recurrent_dropout=0.1)", "recurrent_dropout=0.1,\n"
                 "                                                    kernel_regularizer=keras.regularizers.L2(0.01))")
    elif name == "ex1_rebuilt_after_training":
        _find(nb, ex1).source += (
            "\nmodel_ex1 = recurrent_classifier(keras.layers.GRU(32, dropout=0.5, recurrent_dropout=0.1), l2=0)")
    elif name == "ex2_no_penalty":
        _replace(nb, ex2, "recurrent_dropout=0.02)), l2=0.01)", "recurrent_dropout=0.02)), l2=0)")
    elif name == "ex2_not_bidirectional":
        _replace(nb, ex2, "keras.layers.Bidirectional(keras.layers.GRU(32, dropout=0.3, recurrent_dropout=0.02))",
                 "keras.layers.GRU(32, dropout=0.3, recurrent_dropout=0.02)")
    elif name not in ("all_correct", "unanswered"):
        raise KeyError(name)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"{name[:40]}-{index}"
        if cell.cell_type == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return nb


def main(argv) -> int:
    return goldenkit.write_or_check(OUT, EXPECTED, build, argv, "Lab 7", "tests/grading/test_lab07_golden.py")


# --------------------------------------------------------------------------- tests

DEFAULT = ["all_correct", "ex1_rates_swapped", "ex2_not_bidirectional"]


def grade_lab07(names):
    return goldenkit.grade_named("lab07", OUT, names, timeout_s=600)


def assert_marks(report, name):
    goldenkit.assert_marks(report, EXPECTED, name)


@pytest.fixture(scope="module")
def graded(data_dir):
    return grade_lab07(DEFAULT)


def test_golden_submissions_are_up_to_date():
    assert main(["--check"]) == 0, "run: .venv/bin/python tests/grading/test_lab07_golden.py"
    for path in OUT.glob("*.ipynb"):
        assert path.stat().st_size < 40_000, f"{path.name} is too big for a fixture"


@pytest.mark.parametrize("name", DEFAULT)
def test_submission_gets_the_right_marks(graded, name):
    assert_marks(graded[name], name)


@pytest.mark.slow
def test_every_other_submission_gets_the_right_marks(data_dir):
    others = [name for name in EXPECTED if name not in DEFAULT]
    reports = grade_lab07(others)
    for name in others:
        assert_marks(reports[name], name)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
