"""For every lab with exercises: its checks pass on the reference solution and fail on the
learner's copy, run end to end the way ``dlex check LAB NOTEBOOK`` runs a notebook.

Slow (about 2.5 minutes for six labs), so behind ``-m slow``: in the default run each
lab's quick run (tests/labs, tests/runner) asserts ``checks.<lab>.ex* == 1`` on the
reference solution, and its golden submissions (tests/grading/test_*golden.py) grade
a correct and a wrong copy through the real grader.
"""

import nbformat
import pytest
from parameters import TEST_PARAMETERS  # beside this file

from dlex.grading.grader import GradeOptions, grade
from dlex.grading.registry import graded_labs
from dlex.grading.sandbox import Limits
from dlex.labs import get_lab
from dlex.labs.solutions import learner_copy

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=graded_labs())
def both_copies(request, data_dir, tmp_path_factory):
    lab = get_lab(request.param)
    folder = tmp_path_factory.mktemp(lab.name)
    paths = []
    for name, solutions in (("reference", True), ("learner", False)):
        path = folder / f"{name}.ipynb"
        nbformat.write(learner_copy(lab.notebook(), solutions=solutions), path)
        paths.append(path)
    # Smaller than the lab's quick parameters where the tests name some: the point is the checks.
    tiny = TEST_PARAMETERS.get(lab.name, {})
    options = GradeOptions(
        overrides=tiny, jobs=2, isolate=False, limits=Limits(timeout_s=900, memory_mb=None, fsize_mb=None)
    )
    reference, learner = grade(lab.name, paths, options)
    return reference, learner


def test_checks_pass_on_the_reference_solution(both_copies):
    reference, _ = both_copies
    assert reference.status == "graded", reference.feedback_text()
    assert all(r.passed for r in reference.results), reference.feedback_text()
    assert reference.total == reference.max_total


def test_checks_fail_on_the_learners_copy(both_copies):
    _, learner = both_copies
    assert learner.total == 0, learner.feedback_text()
    assert "NotImplementedError" in learner.feedback_text()
