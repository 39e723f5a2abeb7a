"""Named cells of a lab source: read by a text parse, without jupytext.

A code cell gets a name with jupytext cell metadata on its ``# %%`` line::

    # %% part="model-a"
    # %% tags=["parameters"] part="parameters"

Names are unique within a lab. :meth:`dlex.labs.catalog.Lab.code` and
:meth:`~dlex.labs.catalog.Lab.execute` use them; tests and ``dlex bench`` select cells
by name. :func:`definitions` and :func:`build_part` take the part of a cell's code that
defines or builds, without what it trains.
"""

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

from dlex.errors import LabError

MARKER = "# %%"
_METADATA = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\[[^\]]*\])')


@dataclass(frozen=True)
class Cell:
    """One code cell of a lab source: its name (or None), tags and code."""

    name: str | None
    tags: tuple
    source: str
    line: int  # of its ``# %%`` marker, 1-based


def _metadata(marker: str) -> dict:
    found = {}
    for key, value in _METADATA.findall(marker):
        try:
            found[key] = json.loads(value)
        except json.JSONDecodeError:
            found[key] = value
    return found


def code_cells(path: Path) -> tuple[Cell, ...]:
    """The code cells of a percent-format lab source, in order (markdown cells left out)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith(MARKER)]
    cells, seen = [], set()
    for start, end in zip(starts, starts[1:] + [len(lines)], strict=True):
        marker = lines[start]
        if "[markdown]" in marker:
            continue
        meta = _metadata(marker)
        name = meta.get("part")
        if name is not None and name in seen:
            raise LabError(
                f"{path.name} line {start + 1}: a second cell named {name!r}",
                "give each cell its own part name",
            )
        seen.add(name)
        cells.append(
            Cell(name, tuple(meta.get("tags", ())), "\n".join(lines[start + 1 : end]).strip("\n"), start + 1)
        )
    return tuple(cells)


def _computes(node: ast.AST) -> bool:
    """Whether the expression calls or reads a variable anywhere outside a lambda."""
    if isinstance(node, ast.Lambda):
        return False
    if isinstance(node, ast.Call) or isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        return True
    return any(_computes(child) for child in ast.iter_child_nodes(node))


def definitions(source: str) -> str:
    """A cell's imports, functions, classes and literal bindings (``CHECKPOINT = "x.keras"``,
    a dict of lambdas): what it defines, not what it computes."""
    kept = []
    for node in ast.parse(source).body:
        if (
            isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef))
            or isinstance(node, ast.Assign)
            and not _computes(node.value)
        ):
            kept.append(ast.get_source_segment(source, node, padded=True))
    return "\n".join(kept)


def _trains(node: ast.stmt, namespace: dict, model_type: type) -> bool:
    """Whether the statement calls ``fit`` or hands a model already in ``namespace`` to a function."""
    for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
        if isinstance(call.func, ast.Attribute) and call.func.attr == "fit":
            return True
        arguments = call.args + [k.value for k in call.keywords]
        if any(isinstance(a, ast.Name) and isinstance(namespace.get(a.id), model_type) for a in arguments):
            return True
    return False


def build_part(source: str, namespace: dict, filename: str = "<lab cell>") -> dict:
    """Run a cell's statements into ``namespace`` up to the first that trains a model
    (calls ``fit``, or passes a Keras model to a function); return the namespace."""
    import keras

    tree = ast.parse(source)
    for node in tree.body:
        if _trains(node, namespace, keras.Model):
            break
        exec(compile(ast.Module([node], type_ignores=[]), filename, "exec"), namespace)
    return namespace
