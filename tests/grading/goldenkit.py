"""What the golden-submission tests of Labs 3–7 share: cutting a lab down to the cells its
exercises need (by the cells' names, ``part`` in their metadata), changing one thing,
writing or checking the notebooks, grading them in real sandboxes and comparing the marks:
:class:`Golden` and its :meth:`Golden.tests`. Each ``test_labNN_golden.py`` keeps only what
is its own: the cells kept, the changes, and the expected marks and feedback words."""

import ast
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))

from dlex.labs import get_lab  # noqa: E402
from dlex.labs.solutions import learner_copy  # noqa: E402


def without_figures(source: str) -> str:
    """The cell's code minus its top-level ``plots.…(…)`` calls (they only draw)."""
    drop = set()
    for node in ast.parse(source).body:
        call = node.value if isinstance(node, ast.Expr) else None
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == "plots"
        ):
            drop.update(range(node.lineno, node.end_lineno + 1))
    return "\n".join(line for number, line in enumerate(source.splitlines(), 1) if number not in drop)


def part(cell) -> str | None:
    """The cell's name in its lab (``# %% part="..."``), or None."""
    return cell.metadata.get("part")


def cut_down(lab_name: str, keep, solutions: bool, figures: bool = True):
    """The lab's title and its cells named in ``keep``, with or without solutions and figures."""
    chosen = learner_copy(get_lab(lab_name).notebook(), solutions=solutions)
    cells = [cell for cell in chosen.cells if part(cell) in keep]
    missing = set(keep) - set(map(part, cells))
    assert not missing, f"{lab_name} has no cell named {', '.join(sorted(missing))}"
    chosen.cells = [chosen.cells[0]] + cells
    if not figures:
        for cell in chosen.cells[1:]:
            cell.source = without_figures(cell.source)
    return chosen


def find(nb, name):
    """The cell named ``name``."""
    for cell in nb.cells:
        if part(cell) == name:
            return cell
    raise KeyError(name)


def replace(nb, name, old, new, count=None):
    """Replace ``old`` in the cell named ``name`` (found ``count`` times, if given)."""
    cell = find(nb, name)
    if count is None:
        assert old in cell.source, (name, old)
    else:
        assert cell.source.count(old) == count, (name, old)
    cell.source = cell.source.replace(old, new)


def write_or_check(out: Path, expected: dict, build, argv, label: str, script: str) -> int:
    """Write every submission named in ``expected`` (or, with --check, report stale ones)."""
    check = "--check" in argv
    out.mkdir(parents=True, exist_ok=True)
    stale = []
    for name in expected:
        text = nbformat.writes(build(name)) + "\n"
        path = out / f"{name}.ipynb"
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(path.name)
        else:
            path.write_text(text)
    stale += [f"{p.name} (not generated)" for p in out.glob("*.ipynb") if p.stem not in expected]
    if stale:
        print(f"stale {label} golden submissions (run {script}):", *stale)
        return 1
    return 0


def grade_named(lab_name: str, out: Path, names, timeout_s: float, overrides=None) -> dict:
    """Grade the named submissions with the real grader, two at a time, each in a sandbox."""
    from dlex.grading import sandbox
    from dlex.grading.grader import GradeOptions, grade

    options = GradeOptions(overrides=overrides or {}, jobs=2, limits=sandbox.Limits(timeout_s=timeout_s))
    return {r.id: r for r in grade(lab_name, [out / f"{name}.ipynb" for name in names], options)}


def assert_marks(report, expected: dict, name: str):
    marks, words = expected[name]
    got = {r.id: r.score for r in report.results}
    text = report.feedback_text()
    assert got == pytest.approx(marks), f"{name}: {got}\n{text}\n{report.run.get('log_tail', '')[-2000:]}"
    for word in words:
        assert word.lower() in text.lower(), f"{name}: {word!r} missing from\n{text}"


@dataclass(frozen=True)
class Golden:
    """One lab's golden submissions: how to make them, and the marks each must get.

    ``change(name, nb)`` makes submission ``name`` from the cut-down reference (a KeyError
    for a name it does not know); ``all_correct`` and ``unanswered`` need no change.
    ``default`` are graded in the default suite, the others with ``-m slow``.
    """

    lab: str
    keep: tuple
    expected: dict
    change: Callable
    default: list
    timeout_s: float
    figures: bool = True
    needs_data: bool = False
    overrides: Callable = dict  # () -> the lab parameters set when grading
    script: str = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "script", f"tests/grading/test_{self.lab}_golden.py")

    @property
    def out(self) -> Path:
        return HERE / "submissions" / self.lab

    def build(self, name):
        nb = cut_down(self.lab, self.keep, solutions=name != "unanswered", figures=self.figures)
        if name not in ("all_correct", "unanswered"):
            self.change(name, nb)
        for index, cell in enumerate(nb.cells):
            cell["id"] = f"{name[:40]}-{index}"
            if cell.cell_type == "code":
                cell["outputs"], cell["execution_count"] = [], None
        return nb

    def main(self, argv) -> int:
        """Write the notebooks; with ``--check``, exit 1 if any is stale."""
        label = f"Lab {int(self.lab[3:])}"
        return write_or_check(self.out, self.expected, self.build, argv, label, self.script)

    def grade(self, names) -> dict:
        return grade_named(self.lab, self.out, names, self.timeout_s, self.overrides())

    def tests(self) -> dict:
        """The lab's golden tests, to put in its test module's namespace."""
        golden = self

        def _data(request):
            if golden.needs_data:
                request.getfixturevalue("data_dir")

        @pytest.fixture(scope="module")
        def graded(request):
            _data(request)
            return golden.grade(golden.default)

        def test_golden_submissions_are_up_to_date():
            assert golden.main(["--check"]) == 0, f"run: .venv/bin/python {golden.script}"
            for path in golden.out.glob("*.ipynb"):
                assert path.stat().st_size < 40_000, f"{path.name} is too big for a fixture"

        @pytest.mark.parametrize("name", golden.default)
        def test_submission_gets_the_right_marks(graded, name):
            assert_marks(graded[name], golden.expected, name)

        @pytest.mark.slow
        def test_every_other_submission_gets_the_right_marks(request):
            _data(request)
            others = [name for name in golden.expected if name not in golden.default]
            reports = golden.grade(others)
            for name in others:
                assert_marks(reports[name], golden.expected, name)

        tests = (
            test_golden_submissions_are_up_to_date,
            test_submission_gets_the_right_marks,
            test_every_other_submission_gets_the_right_marks,
        )
        return {"graded": graded, **{test.__name__: test for test in tests}}
