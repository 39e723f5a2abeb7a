"""What the golden-submission tests of Labs 3–7 share: cutting a lab down to the cells its
exercises need, changing one thing, writing or checking the notebooks, grading them in
real sandboxes and comparing the marks. Each ``test_labNN_golden.py`` keeps only what is
its own: the cells kept, the changes, and the expected marks and feedback words."""

import ast
import sys
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
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and \
                isinstance(call.func.value, ast.Name) and call.func.value.id == "plots":
            drop.update(range(node.lineno, node.end_lineno + 1))
    return "\n".join(line for number, line in enumerate(source.splitlines(), 1) if number not in drop)


def kept(reference, keep) -> list[int]:
    """Indexes of the title and of the cells named in ``keep``, found in the reference solution."""
    indexes = [0]
    for needle in keep:
        found = [i for i, c in enumerate(reference.cells) if c.cell_type == "code" and needle in c.source]
        assert len(found) == 1, f"expected one cell containing {needle!r}, found {len(found)}"
        indexes.append(found[0])
    return indexes


def cut_down(lab_name: str, keep, solutions: bool, figures: bool = True):
    """The lab's cells named in ``keep``, with or without solutions, optionally without figures."""
    lab = get_lab(lab_name).notebook()
    reference, chosen = learner_copy(lab, solutions=True), learner_copy(lab, solutions=solutions)
    chosen.cells = [chosen.cells[i] for i in kept(reference, keep)]
    if not figures:
        for cell in chosen.cells[1:]:
            cell.source = without_figures(cell.source)
    return chosen


def find(nb, needle):
    for cell in nb.cells:
        if cell.cell_type == "code" and needle in cell.source:
            return cell
    raise KeyError(needle)


def replace(nb, needle, old, new, count=None):
    """Replace ``old`` in the first code cell containing ``needle`` (``count`` times, if given)."""
    cell = find(nb, needle)
    if count is None:
        assert old in cell.source, (needle, old)
    else:
        assert cell.source.count(old) == count, (needle, old)
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
