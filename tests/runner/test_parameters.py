"""Parameters cell: literal values only; overrides must name existing parameters."""

import nbformat
import pytest

from dlex.errors import LabError
from dlex.runner.parameters import INJECTED_TAG, inject, parse_assignment, read_parameters


def _nb(source):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# t"),
        nbformat.v4.new_code_cell(source, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("print(EPOCHS)"),
    ]
    return nb


def test_inject_places_overrides_right_after_the_parameters_cell():
    nb = _nb("EPOCHS = 5\nSEED = 1")
    values = inject(nb, {"EPOCHS": 1}, "quick")
    assert values == {"EPOCHS": 1, "SEED": 1}
    assert nb.cells[2].metadata["tags"] == [INJECTED_TAG]
    assert "EPOCHS = 1" in nb.cells[2].source


def test_unknown_override_names_the_valid_parameters():
    with pytest.raises(LabError) as info:
        inject(_nb("EPOCHS = 5"), {"EPOCH": 1}, "quick")
    assert "EPOCH" in info.value.message and "EPOCHS" in info.value.hint


def test_parameters_cell_rejects_code():
    with pytest.raises(LabError):
        read_parameters("EPOCHS = compute()\n")


def test_missing_parameters_cell_is_reported():
    nb = _nb("EPOCHS = 5")
    nb.cells[1].metadata = {}
    with pytest.raises(LabError):
        inject(nb, {}, "quick")


@pytest.mark.parametrize(
    "text, expected",
    [("EPOCHS=3", ("EPOCHS", 3)), ("LR = 0.5", ("LR", 0.5)), ("NAME=adam", ("NAME", "adam"))],
)
def test_parse_assignment(text, expected):
    assert parse_assignment(text) == expected


@pytest.mark.parametrize("text", ["EPOCHS", "=3", "3X=1"])
def test_parse_assignment_rejects_malformed(text):
    with pytest.raises(LabError):
        parse_assignment(text)
