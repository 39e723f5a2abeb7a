"""Lab 3 golden submissions through the real grader: the right marks and a clear message.

    .venv/bin/python tests/grading/test_lab03_golden.py          # rewrite the notebooks
    .venv/bin/python tests/grading/test_lab03_golden.py --check  # exit 1 if any is stale

Each submission (tests/grading/submissions/lab03/*.ipynb) is the lab's reference solution
cut down to the cells the exercises need (no figures, no long experiments), then changed
in one typical way, and named by that change. Lab 3 needs no data files and trains only
tiny networks; three submissions are graded in the default suite, all with ``-m slow``.
The sandbox attacks are lab-independent and live with Lab 2's (test_golden.py).
"""

import ast
import sys
from pathlib import Path

import nbformat
import pytest

HERE = Path(__file__).resolve().parent
OUT = HERE / "submissions" / "lab03"
sys.path.insert(0, str(HERE.parents[1] / "src"))

from dlex.labs import get_lab  # noqa: E402
from dlex.labs.solutions import learner_copy  # noqa: E402

# The cells kept, each found by a line it contains, in lab order.
KEEP = ("import time", "SEED = 3", "xor_x = np.array", "W1_WORKED =", "ex1_cases = np.array",
        "def ex1_forward", "dlex.record(\"ex1.scale\"", "def hand_gradients",
        "xor_weights =", "xor_numpy = forward_two_layer", "def initial_xor_params",
        "def train_xor", "def xor_outcomes")

FULL = {"lab03.ex1": 2, "lab03.ex2": 3}
EXPECTED = {   # name: (marks, words the feedback must contain, any case)
    "all_correct": (FULL, []),
    # ex1: right shape, wrong values, and the scale fitted to the wrong outputs is 1: 1 of 3 checks
    "ex1_relu_instead_of_sigmoid": ({"lab03.ex1": 0.67, "lab03.ex2": 3}, ["ReLU network"]),
    # ex1: the network is right, the factor is the first-order one: 2 of 3 checks
    "ex1_scale_for_small_differences": ({"lab03.ex1": 1.33, "lab03.ex2": 3}, ["small differences"]),
    # ex2: part a passes (2), part b returns weights but climbs the loss: shapes and seeds pass,
    # descent, recipe and units=3 fail: 4 of 7 checks
    "ex2_gradient_ascent": ({"lab03.ex1": 2, "lab03.ex2": 1.71}, ["W ← W − α∇J"]),
    # ex2: weights copied from a training run: shape passes, exact fails; part b passes: 6 of 7
    "ex2_weights_from_training": ({"lab03.ex1": 2, "lab03.ex2": 2.57}, ["close but not exact"]),
    # ex2: train_xor without `units`: the lab's next cell fails, only the units=3 check fails: 6 of 7
    "ex2_no_units_argument": ({"lab03.ex1": 2, "lab03.ex2": 2.57}, ["units=2"]),
    "unanswered": ({"lab03.ex1": 0, "lab03.ex2": 0}, ["NotImplementedError"]),
}

TRAINED_WEIGHTS = """xor_weights = [np.array([[1.02, 0.97], [1.01, 0.99]]), np.array([-0.01, -0.98]),
               np.array([[0.99], [-2.02]]), np.array([0.01])]"""


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
    lab = get_lab("lab03").notebook()
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


def _replace(nb, needle, old, new):
    cell = _find(nb, needle)
    assert old in cell.source, (needle, old)
    cell.source = cell.source.replace(old, new)


def build(name):
    nb = _cut_down(solutions=name != "unanswered")
    if name == "ex1_relu_instead_of_sigmoid":
        _replace(nb, "def ex1_forward", "activations.sigmoid(", "activations.relu(")
    elif name == "ex1_scale_for_small_differences":
        _replace(nb, "def ex1_forward", "ex1_scale = float(np.sum(ex1_outputs * ex1_targets) / "
                 "np.sum(ex1_outputs ** 2))", "ex1_scale = 2.0   # the slope at x1 = x2 is 1/2")
    elif name == "ex2_gradient_ascent":
        _replace(nb, "def train_xor", "p - XOR_LEARNING_RATE * g", "p + XOR_LEARNING_RATE * g")
    elif name == "ex2_weights_from_training":
        cell = _find(nb, "xor_weights =")
        cell.source = TRAINED_WEIGHTS
    elif name == "ex2_no_units_argument":
        _replace(nb, "def train_xor", "def train_xor(seed, units=2):", "def train_xor(seed):")
        _replace(nb, "def train_xor", "initial_xor_params(seed, units)", "initial_xor_params(seed)")
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
        print("stale Lab 3 golden submissions (run tests/grading/test_lab03_golden.py):", *stale)
        return 1
    return 0


# --------------------------------------------------------------------------- tests

DEFAULT = ["all_correct", "ex2_gradient_ascent", "unanswered"]


def grade_lab03(names):
    from dlex.grading import sandbox
    from dlex.grading.grader import GradeOptions, grade

    options = GradeOptions(jobs=2, limits=sandbox.Limits(timeout_s=300))
    return {r.id: r for r in grade("lab03", [OUT / f"{name}.ipynb" for name in names], options)}


def assert_marks(report, name):
    marks, words = EXPECTED[name]
    got = {r.id: r.score for r in report.results}
    text = report.feedback_text()
    assert got == pytest.approx(marks), f"{name}: {got}\n{text}\n{report.run.get('log_tail', '')[-2000:]}"
    for word in words:
        assert word.lower() in text.lower(), f"{name}: {word!r} missing from\n{text}"


@pytest.fixture(scope="module")
def graded():
    return grade_lab03(DEFAULT)


def test_golden_submissions_are_up_to_date():
    assert main(["--check"]) == 0, "run: .venv/bin/python tests/grading/test_lab03_golden.py"
    for path in OUT.glob("*.ipynb"):
        assert path.stat().st_size < 40_000, f"{path.name} is too big for a fixture"


@pytest.mark.parametrize("name", DEFAULT)
def test_submission_gets_the_right_marks(graded, name):
    assert_marks(graded[name], name)


@pytest.mark.slow
def test_every_other_submission_gets_the_right_marks():
    others = [name for name in EXPECTED if name not in DEFAULT]
    reports = grade_lab03(others)
    for name in others:
        assert_marks(reports[name], name)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
