"""The lab's parameters cell: read it, and inject overrides after it (``--quick``, ``--set``).

The parameters cell is the code cell tagged ``parameters``; it may hold only literal
assignments (``EPOCHS = 5``), so its values can be read without running any code.
"""

import ast

import nbformat

from dlex.errors import LabError

INJECTED_TAG = "injected-parameters"


def parameters_cell_index(nb) -> int:
    """Index of the cell tagged ``parameters``; a LabError if there is none."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            return i
    raise LabError(
        "the lab has no code cell tagged 'parameters'",
        "tag the cell holding epochs, subset sizes and seeds with 'parameters'",
    )


def read_parameters(source: str) -> dict:
    """The literal values assigned in a parameters cell, by name."""
    values = {}
    for node in ast.parse(source).body:
        if not (
            isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        ):
            raise LabError(f"parameters cell line {node.lineno}: only `NAME = literal` is allowed")
        try:
            values[node.targets[0].id] = ast.literal_eval(node.value)
        except ValueError:
            raise LabError(
                f"parameters cell line {node.lineno}: the value of {node.targets[0].id} is not a literal",
                "write numbers, strings, lists or dicts only",
            ) from None
    return values


def parse_assignment(text: str) -> tuple[str, object]:
    """``NAME=VALUE`` from the command line, VALUE a Python literal (bare words are strings)."""
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise LabError(f"--set expects NAME=VALUE, got {text!r}", "for example: --set EPOCHS_A=3")
    try:
        value = ast.literal_eval(raw.strip())
    except (ValueError, SyntaxError):
        value = raw.strip()
    return name, value


def inject(nb, overrides: dict, label: str) -> dict:
    """Insert a cell assigning ``overrides`` after the parameters cell; return all values."""
    index = parameters_cell_index(nb)
    values = read_parameters(nb.cells[index].source)
    unknown = sorted(set(overrides) - set(values))
    if unknown:
        raise LabError(
            f"unknown lab parameter(s): {', '.join(unknown)}",
            f"parameters of this lab: {', '.join(sorted(values))}",
        )
    if overrides:
        lines = [f"# {label}"] + [f"{k} = {v!r}" for k, v in overrides.items()]
        cell = nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": [INJECTED_TAG]})
        nb.cells.insert(index + 1, cell)
        values.update(overrides)
    return values
