"""Find the lab sources, read and validate their headers, resolve lab names.

A lab header (inside the jupytext YAML block at the top of the file)::

    dlex:
      lab: 2
      title: Getting started with Keras
      description: One sentence on what the learner does.
      minutes_full: 2.0      # estimated wall time of `dlex run` on a 2-core CPU
      minutes_quick: 0.5     # estimated wall time of `dlex run --quick`
      quick: {EPOCHS_A: 1}   # overrides applied after the parameters cell
      backend: tensorflow    # optional: the Keras backend `dlex run` prefers for this lab
                             # (when installed and KERAS_BACKEND is not set by the user)
      headline: [model_a.test_accuracy]   # optional: the metrics `dlex run all` shows

Its code cells may be named (``# %% part="model-a"``, see :mod:`dlex.labs.parts`);
:meth:`Lab.code` and :meth:`Lab.execute` take them by name.
"""

import ast
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from dlex.errors import LabError
from dlex.labs.parts import code_cells

if TYPE_CHECKING:  # nbformat pulls in jsonschema's format checkers: 2 s to import, in every kernel
    import nbformat

LAB_DIR = Path(__file__).parent
_REQUIRED = {
    "lab": int,
    "title": str,
    "description": str,
    "minutes_full": (int, float),
    "minutes_quick": (int, float),
}
BACKENDS = ("jax", "tensorflow", "torch")


@dataclass(frozen=True)
class Lab:
    """One lab: its number, name, header fields and source path."""

    number: int
    name: str
    title: str
    description: str
    minutes_full: float
    minutes_quick: float
    path: Path
    quick: dict = field(default_factory=dict)
    backend: str | None = None
    headline: tuple = ()

    def parts(self) -> tuple[str, ...]:
        """The names of the lab's named cells, in lab order."""
        return tuple(cell.name for cell in code_cells(self.path) if cell.name)

    def _cells(self, names) -> list:
        cells = [cell for cell in code_cells(self.path) if cell.name]
        unknown = [name for name in names if name not in {cell.name for cell in cells}]
        if unknown:
            raise LabError(
                f"{self.name} has no cell named {', '.join(map(repr, unknown))}",
                f"named cells of {self.name}: {', '.join(cell.name for cell in cells)}",
            )
        return [cell for cell in cells if cell.name in names]

    def code(self, *names: str) -> str:
        """The source of the named cells, in lab order, joined by blank lines."""
        return "\n\n".join(cell.source for cell in self._cells(names))

    def execute(self, *names: str, overrides: dict | None = None, namespace: dict | None = None) -> dict:
        """Run the parameters cell, ``overrides`` after it (as ``dlex run --set`` does),
        and the named cells, in lab order, into ``namespace``; return the namespace.

        The cells run as the lab source holds them, reference solutions included.
        """
        namespace = {"__name__": f"__{self.name}__"} if namespace is None else namespace
        chosen = set(self._cells(names))
        parameters = [cell for cell in code_cells(self.path) if "parameters" in cell.tags]
        if len(parameters) != 1:
            raise LabError(
                f"{self.name}: {len(parameters)} code cells tagged 'parameters'", "tag exactly one"
            )
        known = _assigned(parameters[0].source)
        unknown = sorted(set(overrides or {}) - known)
        if unknown:
            raise LabError(
                f"unknown lab parameter(s): {', '.join(unknown)}",
                f"parameters of this lab: {', '.join(sorted(known))}",
            )
        for cell in code_cells(self.path):
            if cell in chosen or cell == parameters[0]:
                label = cell.name or "parameters"
                exec(compile(cell.source, f"<{self.name}:{label}>", "exec"), namespace)
                if cell == parameters[0]:
                    namespace.update(overrides or {})
        return namespace

    def notebook(self) -> "nbformat.NotebookNode":
        """The lab as a fresh (unexecuted) notebook."""
        import jupytext  # slow to import; only needed when a notebook is built

        return jupytext.read(self.path)


def _assigned(source: str) -> set[str]:
    """The names a cell assigns at its top level."""
    return {
        target.id
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _validate(path: Path, meta: dict) -> Lab:
    header = meta.get("dlex")
    if not isinstance(header, dict):
        raise LabError(
            f"{path.name}: no 'dlex' block in the jupytext header",
            "add the header described in dlex/labs/catalog.py",
        )
    for key, kind in _REQUIRED.items():
        if not isinstance(header.get(key), kind):
            raise LabError(
                f"{path.name}: header field '{key}' is missing or of the wrong type",
                f"set '{key}' in the lab's dlex header",
            )
    quick = header.get("quick", {})
    if not isinstance(quick, dict) or not all(k.isidentifier() for k in quick):
        raise LabError(f"{path.name}: 'quick' must map parameter names to values")
    backend = header.get("backend")
    if backend is not None and backend not in BACKENDS:
        raise LabError(
            f"{path.name}: header field 'backend' is {backend!r}",
            f"use one of {', '.join(BACKENDS)}, or leave it out",
        )
    headline = header.get("headline", [])
    if not isinstance(headline, list) or not all(isinstance(k, str) for k in headline):
        raise LabError(f"{path.name}: header field 'headline' must be a list of metric names")
    return Lab(
        number=header["lab"],
        name=f"lab{header['lab']:02d}",
        title=header["title"],
        description=header["description"],
        minutes_full=float(header["minutes_full"]),
        minutes_quick=float(header["minutes_quick"]),
        path=path,
        quick=dict(quick),
        backend=backend,
        headline=tuple(headline),
    )


def read_header(path: Path) -> dict:
    """The notebook metadata in the jupytext YAML header (``# ---`` … ``# ---``).

    Read directly, without jupytext, so listing labs stays fast.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].strip() != "# ---":
        raise LabError(f"{path.name}: no jupytext header ('# ---' on the first line)")
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "# ---")
    except StopIteration:
        raise LabError(f"{path.name}: the jupytext header is never closed with '# ---'") from None
    text = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in lines[1:end])
    try:
        header = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise LabError(f"{path.name}: the header is not valid YAML: {exc}") from None
    return header.get("jupyter", {}) if isinstance(header, dict) else {}


@cache
def all_labs() -> tuple[Lab, ...]:
    """Every lab shipped with the package, in course order."""
    labs = []
    for path in sorted(LAB_DIR.glob("lab[0-9][0-9]_*.py")):
        labs.append(_validate(path, read_header(path)))
    return tuple(labs)


def get_lab(name: str) -> Lab:
    """Resolve ``lab02``, ``lab2``, ``02`` or ``2`` to a lab; clear error otherwise."""
    match = re.fullmatch(r"(?:lab)?0*(\d+)", str(name).strip().lower())
    labs = all_labs()
    if match:
        for lab in labs:
            if lab.number == int(match.group(1)):
                return lab
    known = ", ".join(lab.name for lab in labs)
    raise LabError(f"unknown lab {name!r}", f"choose one of: {known} (see `dlex list`)")
