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

import ast
import sys
from pathlib import Path

import nbformat
import pytest

HERE = Path(__file__).resolve().parent
OUT = HERE / "submissions" / "lab07"
sys.path.insert(0, str(HERE.parents[1] / "src"))

from dlex.labs import get_lab  # noqa: E402
from dlex.labs.solutions import learner_copy  # noqa: E402

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


def _without_figures(source: str) -> str:
    """The cell's code minus its top-level ``plots.…(…)`` calls (they only draw)."""
    drop = set()
    for node in ast.parse(source).body:
        call = node.value if isinstance(node, ast.Expr) else None
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and \
                isinstance(call.func.value, ast.Name) and call.func.value.id == "plots":
            drop.update(range(node.lineno, node.end_lineno + 1))
    return "\n".join(line for number, line in enumerate(source.splitlines(), 1) if number not in drop)


def _kept(reference) -> list[int]:
    """Indexes of the title and of the cells named in KEEP, found in the reference solution."""
    indexes = [0]
    for needle in KEEP:
        found = [i for i, c in enumerate(reference.cells) if c.cell_type == "code" and needle in c.source]
        assert len(found) == 1, f"expected one cell containing {needle!r}, found {len(found)}"
        indexes.append(found[0])
    return indexes


def _cut_down(solutions: bool):
    lab = get_lab("lab07").notebook()
    reference, chosen = learner_copy(lab, solutions=True), learner_copy(lab, solutions=solutions)
    chosen.cells = [chosen.cells[i] for i in _kept(reference)]
    for cell in chosen.cells[1:]:
        cell.source = _without_figures(cell.source)
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
        print("stale Lab 7 golden submissions (run tests/grading/test_lab07_golden.py):", *stale)
        return 1
    return 0


# --------------------------------------------------------------------------- tests

DEFAULT = ["all_correct", "ex1_rates_swapped", "ex2_not_bidirectional"]


def grade_lab07(names):
    from dlex.grading import sandbox
    from dlex.grading.grader import GradeOptions, grade

    options = GradeOptions(jobs=2, limits=sandbox.Limits(timeout_s=600))
    return {r.id: r for r in grade("lab07", [OUT / f"{name}.ipynb" for name in names], options)}


def assert_marks(report, name):
    marks, words = EXPECTED[name]
    got = {r.id: r.score for r in report.results}
    text = report.feedback_text()
    assert got == pytest.approx(marks), f"{name}: {got}\n{text}\n{report.run.get('log_tail', '')[-2000:]}"
    for word in words:
        assert word.lower() in text.lower(), f"{name}: {word!r} missing from\n{text}"


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
