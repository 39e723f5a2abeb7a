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

import nbformat
import pytest

HERE = Path(__file__).resolve().parent
OUT = HERE / "submissions" / "lab06"
sys.path.insert(0, str(HERE.parents[1] / "src"))

from dlex.labs import get_lab  # noqa: E402
from dlex.labs.solutions import learner_copy  # noqa: E402

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


def _kept(reference) -> list[int]:
    """Indexes of the title and of the cells named in KEEP, found in the reference solution."""
    indexes = [0]
    for needle in KEEP:
        found = [i for i, c in enumerate(reference.cells) if c.cell_type == "code" and needle in c.source]
        assert len(found) == 1, f"expected one cell containing {needle!r}, found {len(found)}"
        indexes.append(found[0])
    return indexes


def _cut_down(solutions: bool):
    lab = get_lab("lab06").notebook()
    reference, chosen = learner_copy(lab, solutions=True), learner_copy(lab, solutions=solutions)
    chosen.cells = [chosen.cells[i] for i in _kept(reference)]
    return chosen


def _find(nb, needle):
    for cell in nb.cells:
        if cell.cell_type == "code" and needle in cell.source:
            return cell
    raise KeyError(needle)


def _replace(nb, needle, old, new, count=1):
    cell = _find(nb, needle)
    assert cell.source.count(old) == count, (needle, old)
    cell.source = cell.source.replace(old, new)


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
    check = "--check" in argv
    OUT.mkdir(parents=True, exist_ok=True)
    stale = []
    for name in EXPECTED:
        text = nbformat.writes(build(name)) + "\n"
        path = OUT / f"{name}.ipynb"
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(path.name)
        else:
            path.write_text(text)
    stale += [f"{p.name} (not generated)" for p in OUT.glob("*.ipynb") if p.stem not in EXPECTED]
    if stale:
        print("stale Lab 6 golden submissions (run tests/grading/test_lab06_golden.py):", *stale)
        return 1
    return 0


# --------------------------------------------------------------------------- tests

DEFAULT = ["all_correct", "ex1_same_padding", "ex2_wrong_loss"]


def grade_lab06(names):
    from dlex.grading import sandbox
    from dlex.grading.grader import GradeOptions, grade

    options = GradeOptions(jobs=2, limits=sandbox.Limits(timeout_s=600))
    return {r.id: r for r in grade("lab06", [OUT / f"{name}.ipynb" for name in names], options)}


def assert_marks(report, name):
    marks, words = EXPECTED[name]
    got = {r.id: r.score for r in report.results}
    text = report.feedback_text()
    assert got == pytest.approx(marks), f"{name}: {got}\n{text}\n{report.run.get('log_tail', '')[-2000:]}"
    for word in words:
        assert word.lower() in text.lower(), f"{name}: {word!r} missing from\n{text}"


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
