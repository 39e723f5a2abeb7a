"""Lab 5 golden submissions through the real grader: the right marks and a clear message.

    .venv/bin/python tests/grading/test_lab05_golden.py          # rewrite the notebooks
    .venv/bin/python tests/grading/test_lab05_golden.py --check  # exit 1 if any is stale

Each submission (tests/grading/submissions/lab05/*.ipynb) is the lab's reference solution
cut down to the cells the exercises need (no figures, no other experiments), then changed
in one typical way, and named by that change. They are graded with the lab's
TEST_PARAMETERS (a few MNIST images, one epoch). Two run in the default suite, all with
``-m slow``. The sandbox attacks are lab-independent and live with Lab 2's (test_golden.py).
"""

import ast
import sys
from pathlib import Path

import nbformat
import pytest

HERE = Path(__file__).resolve().parent
OUT = HERE / "submissions" / "lab05"
sys.path.insert(0, str(HERE.parents[1] / "src"))

from dlex.labs import get_lab  # noqa: E402
from dlex.labs.solutions import learner_copy  # noqa: E402

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
    lab = get_lab("lab05").notebook()
    reference, chosen = learner_copy(lab, solutions=True), learner_copy(lab, solutions=solutions)
    chosen.cells = [chosen.cells[i] for i in _kept(reference)]
    for cell in chosen.cells[1:]:
        cell.source = _without_figures(cell.source)
    return chosen


def _replace(nb, needle, old, new):
    for cell in nb.cells:
        if cell.cell_type == "code" and needle in cell.source:
            assert old in cell.source, (needle, old)
            cell.source = cell.source.replace(old, new)
            return
    raise KeyError(needle)


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
        print("stale Lab 5 golden submissions (run tests/grading/test_lab05_golden.py):", *stale)
        return 1
    return 0


# --------------------------------------------------------------------------- tests

DEFAULT = ["all_correct", "ex2_batch_10"]


def grade_lab05(names):
    from dlex.grading import sandbox
    from dlex.grading.grader import GradeOptions, grade
    from dlex.grading.labs import lab05

    options = GradeOptions(overrides=lab05.TEST_PARAMETERS, jobs=2,
                           limits=sandbox.Limits(timeout_s=400))
    return {r.id: r for r in grade("lab05", [OUT / f"{name}.ipynb" for name in names], options)}


def assert_marks(report, name):
    marks, words = EXPECTED[name]
    got = {r.id: r.score for r in report.results}
    text = report.feedback_text()
    assert got == pytest.approx(marks), f"{name}: {got}\n{text}\n{report.run.get('log_tail', '')[-2000:]}"
    for word in words:
        assert word.lower() in text.lower(), f"{name}: {word!r} missing from\n{text}"


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
