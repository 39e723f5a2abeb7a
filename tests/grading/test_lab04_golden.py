"""Lab 4 golden submissions through the real grader: the right marks and a clear message.

    .venv/bin/python tests/grading/test_lab04_golden.py          # rewrite the notebooks
    .venv/bin/python tests/grading/test_lab04_golden.py --check  # exit 1 if any is stale

Each submission (tests/grading/submissions/lab04/*.ipynb) is the lab's reference solution
cut down to the cells the exercises need (setup, parameters, the noisy-line data, the
network helpers, the two exercise cells), then changed in one typical way, and named by
that change. Lab 4's exercises train small regression networks on generated data (no
data files); three submissions are graded in the default suite, all with ``-m slow``.
"""

import sys
from pathlib import Path

import nbformat
import pytest

HERE = Path(__file__).resolve().parent
OUT = HERE / "submissions" / "lab04"
sys.path.insert(0, str(HERE.parents[1] / "src"))

from dlex.grading.spec import Outcome, score_of  # noqa: E402
from dlex.labs import get_lab  # noqa: E402
from dlex.labs.solutions import learner_copy  # noqa: E402

# The cells kept, each found by a line it contains, in lab order.
KEEP = ("import itertools", "DATA_SEED = ", "def prepare(seed)", "def regression_net(",
        "model_l2_20 = regression_net", "EX2_CHECKPOINT = ")
EX1, EX2 = "model_l2_20 = regression_net", "EX2_CHECKPOINT = "


def _marks(ex1_failed: int, ex2_failed: int) -> dict:
    """Scores with that many failed outcomes (Exercise 1 has 10 equal outcomes, Exercise 2 has 8)."""
    def score(points, total, failed):
        return score_of(points, [Outcome("", i >= failed) for i in range(total)])
    return {"lab04.ex1": score(2, 10, ex1_failed), "lab04.ex2": score(3, 8, ex2_failed)}


EXPECTED = {   # name: (marks, words the feedback must contain, any case)
    "all_correct": (_marks(0, 0), []),
    # model_l2_200 built with the 20 copied from the line above: its penalty check fails
    "ex1_same_penalty_twice": (_marks(1, 0), ["20·Σw²", "200·Σw²"]),
    # the penalty also on the output layer: both models' penalty checks fail
    "ex1_penalty_on_both_layers": (_marks(2, 0), ["hidden layer only"]),
    # the model keeps the last epoch's weights: it is not the best epoch's, and the
    # checkpoint (which holds the best) predicts differently
    "ex2_no_restore_best_weights": (_marks(0, 2), ["restore_best_weights=True"]),
    "ex2_patience_1": (_marks(0, 1), ["patience=4"]),
    # batches of 1: 20 steps per epoch, and as many updates
    "ex2_batch_size_1": (_marks(0, 2), ["batch_size=10"]),
    "ex2_no_checkpoint": (_marks(0, 1), ["ModelCheckpoint"]),
    "unanswered": ({"lab04.ex1": 0, "lab04.ex2": 0}, ["NotImplementedError"]),
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
    lab = get_lab("lab04").notebook()
    reference, chosen = learner_copy(lab, solutions=True), learner_copy(lab, solutions=solutions)
    chosen.cells = [chosen.cells[i] for i in _kept(reference)]
    return chosen


def _find(nb, needle):
    for cell in nb.cells:
        if cell.cell_type == "code" and needle in cell.source:
            return cell
    raise KeyError(needle)


def _replace(nb, needle, old, new):
    cell = _find(nb, needle)
    assert old in cell.source, (needle, old)
    cell.source = cell.source.replace(old, new)


def build(name):
    nb = _cut_down(solutions=name != "unanswered")
    if name == "ex1_same_penalty_twice":
        _replace(nb, EX1, "keras.regularizers.L2(200.0)", "keras.regularizers.L2(20.0)")
    elif name == "ex1_penalty_on_both_layers":   # written out in Keras, the penalty on every layer
        cell = _find(nb, EX1)
        cell.source = """def penalised_net(strength):
    dlex.seed(SEED_NN)
    model = keras.Sequential([
        keras.Input(shape=(9,)),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.L2(strength)),
        keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L2(strength)),
    ])
    model.compile(optimizer="rmsprop", loss="mse")
    return model


model_l2_20 = penalised_net(20.0)
history_l2_20 = model_l2_20.fit(data.F_train, data.y_train, epochs=EPOCHS, batch_size=1,
                                validation_data=(data.F_val, data.y_val), verbose=0)
model_l2_200 = penalised_net(200.0)
history_l2_200 = model_l2_200.fit(data.F_train, data.y_train, epochs=EPOCHS, batch_size=1,
                                  validation_data=(data.F_val, data.y_val), verbose=0)"""
    elif name == "ex2_no_restore_best_weights":
        _replace(nb, EX2, "patience=4, restore_best_weights=True", "patience=4")
    elif name == "ex2_patience_1":
        _replace(nb, EX2, "patience=4, restore_best_weights=True", "patience=1, restore_best_weights=True")
    elif name == "ex2_batch_size_1":
        _replace(nb, EX2, "epochs=EPOCHS_EX2, batch_size=10", "epochs=EPOCHS_EX2, batch_size=1")
    elif name == "ex2_no_checkpoint":
        _replace(nb, EX2, ",\n    keras.callbacks.ModelCheckpoint(EX2_CHECKPOINT, monitor=\"val_loss\", "
                 "save_best_only=True)])", "])")
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
        print("stale Lab 4 golden submissions (run tests/grading/test_lab04_golden.py):", *stale)
        return 1
    return 0


# --------------------------------------------------------------------------- tests

DEFAULT = ["all_correct", "ex2_no_restore_best_weights", "unanswered"]


def grade_lab04(names):
    from dlex.grading import sandbox
    from dlex.grading.grader import GradeOptions, grade

    options = GradeOptions(jobs=2, limits=sandbox.Limits(timeout_s=300))
    return {r.id: r for r in grade("lab04", [OUT / f"{name}.ipynb" for name in names], options)}


def assert_marks(report, name):
    marks, words = EXPECTED[name]
    got = {r.id: r.score for r in report.results}
    text = report.feedback_text()
    assert got == pytest.approx(marks), f"{name}: {got}\n{text}\n{report.run.get('log_tail', '')[-2000:]}"
    for word in words:
        assert word.lower() in text.lower(), f"{name}: {word!r} missing from\n{text}"


@pytest.fixture(scope="module")
def graded():
    return grade_lab04(DEFAULT)


def test_golden_submissions_are_up_to_date():
    assert main(["--check"]) == 0, "run: .venv/bin/python tests/grading/test_lab04_golden.py"
    for path in OUT.glob("*.ipynb"):
        assert path.stat().st_size < 40_000, f"{path.name} is too big for a fixture"


@pytest.mark.parametrize("name", DEFAULT)
def test_submission_gets_the_right_marks(graded, name):
    assert_marks(graded[name], name)


@pytest.mark.slow
def test_every_other_submission_gets_the_right_marks():
    others = [name for name in EXPECTED if name not in DEFAULT]
    reports = grade_lab04(others)
    for name in others:
        assert_marks(reports[name], name)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
