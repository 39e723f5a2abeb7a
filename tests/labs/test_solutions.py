"""Solution markers: stripped for learners, kept (without markers) with --solutions."""

import pytest

from dlex.errors import LabError
from dlex.labs import get_lab
from dlex.labs.solutions import BEGIN, END, learner_copy, strip_source

CELL = f"x = 1\nif x:\n    {BEGIN}\n    y = 2\n    {END}\nz = 3"


def test_strip_keeps_indentation_and_surrounding_code():
    stripped = strip_source(CELL)
    assert "y = 2" not in stripped
    assert "x = 1" in stripped and "z = 3" in stripped
    assert "    # YOUR CODE HERE\n    raise NotImplementedError" in stripped
    compile(stripped, "<cell>", "exec")


@pytest.mark.parametrize("source", [f"{BEGIN}\na = 1", f"a = 1\n{END}", f"{BEGIN}\n{BEGIN}\n{END}"])
def test_unbalanced_markers_are_reported(source):
    with pytest.raises(LabError):
        strip_source(source)


def test_lab02_learner_copy_has_no_solution_code():
    nb = get_lab("lab02").notebook()
    student = "\n".join(c.source for c in learner_copy(nb).cells)
    reference = "\n".join(c.source for c in learner_copy(nb, solutions=True).cells)
    assert "ex1_param_count = (784" not in student and "NotImplementedError" in student
    assert "ex1_param_count = (784" in reference
    assert BEGIN not in student and BEGIN not in reference
