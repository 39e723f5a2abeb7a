"""Lab 6 golden submissions through the real grader: the right marks and a clear message.

    .venv/bin/python tests/grading/test_lab06_golden.py          # rewrite the notebooks
    .venv/bin/python tests/grading/test_lab06_golden.py --check  # exit 1 if any is stale

Each submission (tests/grading/submissions/lab06/*.ipynb) is the lab's reference solution
cut down to the cells the exercises need (setup, parameters, data, the two exercises and
their checks), then changed in one typical way, and named by that change. The grader
runs them with the lab's quick parameters (3,000 training images, 2 epochs). Three are
graded in the default suite, all with ``-m slow``. The sandbox attacks are
lab-independent and live with Lab 2's (test_golden.py).
"""

import sys
from pathlib import Path

import pytest

import goldenkit

HERE = Path(__file__).resolve().parent
OUT = HERE / "submissions" / "lab06"


# The cells kept, each found by a line it contains, in lab order.
KEEP = ("import time", "SEED_CNN = 2356", "load_mnist_or_standin()", "model_cnn = keras.Sequential",
        'dlex.check("lab06.ex1")', "validation_size = min(", "model_cnn.compile(", 'dlex.check("lab06.ex2")')

FULL = {"lab06.ex1": 2, "lab06.ex2": 3}
EXPECTED = {   # name: (marks, words the feedback must contain, any case)
    "all_correct": (FULL, []),
    # ex1: only the order of the layers is wrong: 6 of 7 checks
    "ex1_no_dropout": ({"lab06.ex1": 1.71, "lab06.ex2": 3}, ["Dropout(0.5) layer is missing"]),
    # ex1: the convolutions' padding and hence the parameter count are wrong: 5 of 7 checks;
    # the network still trains, so Exercise 2 passes
    "ex1_same_padding": ({"lab06.ex1": 1.43, "lab06.ex2": 3}, ["padding='same'", "257,162"]),
    # ex2: the loss is wrong: 5 of 6 checks
    "ex2_wrong_loss": ({"lab06.ex1": 2, "lab06.ex2": 2.5}, ["mean squared error"]),
    # ex2: no ModelCheckpoint, so no file either: 4 of 6 checks
    "ex2_no_checkpoint": ({"lab06.ex1": 2, "lab06.ex2": 2}, ["no ModelCheckpoint", "no file"]),
    # ex2: trained on all training images instead of x_fit: 5 of 6 checks
    "ex2_trained_on_all_images": ({"lab06.ex1": 2, "lab06.ex2": 2.5}, ["x_fit"]),
    "unanswered": ({"lab06.ex1": 0, "lab06.ex2": 0}, ["NotImplementedError"]),
}


def _cut_down(solutions: bool):
    return goldenkit.cut_down("lab06", KEEP, solutions, figures=True)


_find = goldenkit.find


def _replace(nb, needle, old, new, count=1):
    goldenkit.replace(nb, needle, old, new, count)


def build(name):
    nb = _cut_down(solutions=name != "unanswered")
    ex1, ex2 = "model_cnn = keras.Sequential", "model_cnn.compile("
    if name == "ex1_no_dropout":
        _replace(nb, ex1, "    keras.layers.Dropout(0.5),\n", "")
    elif name == "ex1_same_padding":
        _replace(nb, ex1, 'activation="relu"),', 'activation="relu", padding="same"),', count=3)
    elif name == "ex2_wrong_loss":
        _replace(nb, ex2, 'loss="categorical_crossentropy"', 'loss="mse"')
    elif name == "ex2_no_checkpoint":
        _replace(nb, ex2, '    keras.callbacks.ModelCheckpoint(CHECKPOINT, monitor="val_loss", save_best_only=True),\n',
                 "")
    elif name == "ex2_trained_on_all_images":
        _replace(nb, ex2, "model_cnn.fit(x_fit, y_fit,", "model_cnn.fit(x_train_img, y_train_hot,")
    elif name not in ("all_correct", "unanswered"):
        raise KeyError(name)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"{name[:40]}-{index}"
        if cell.cell_type == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return nb


def main(argv) -> int:
    return goldenkit.write_or_check(OUT, EXPECTED, build, argv, "Lab 6", "tests/grading/test_lab06_golden.py")


# --------------------------------------------------------------------------- tests

DEFAULT = ["all_correct", "ex1_same_padding", "ex2_wrong_loss"]


def grade_lab06(names):
    return goldenkit.grade_named("lab06", OUT, names, timeout_s=600)


def assert_marks(report, name):
    goldenkit.assert_marks(report, EXPECTED, name)


@pytest.fixture(scope="module")
def graded(data_dir):
    return grade_lab06(DEFAULT)


def test_golden_submissions_are_up_to_date():
    assert main(["--check"]) == 0, "run: .venv/bin/python tests/grading/test_lab06_golden.py"
    for path in OUT.glob("*.ipynb"):
        assert path.stat().st_size < 40_000, f"{path.name} is too big for a fixture"


@pytest.mark.parametrize("name", DEFAULT)
def test_submission_gets_the_right_marks(graded, name):
    assert_marks(graded[name], name)


@pytest.mark.slow
def test_every_other_submission_gets_the_right_marks(data_dir):
    others = [name for name in EXPECTED if name not in DEFAULT]
    reports = grade_lab06(others)
    for name in others:
        assert_marks(reports[name], name)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
