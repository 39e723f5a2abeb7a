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
"""

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from dlex.errors import LabError

if TYPE_CHECKING:  # nbformat pulls in jsonschema's format checkers: 2 s to import, in every kernel
    import nbformat

LAB_DIR = Path(__file__).parent
_REQUIRED = {"lab": int, "title": str, "description": str,
             "minutes_full": (int, float), "minutes_quick": (int, float)}
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

    def notebook(self) -> "nbformat.NotebookNode":
        """The lab as a fresh (unexecuted) notebook."""
        import jupytext  # slow to import; only needed when a notebook is built

        return jupytext.read(self.path)


def _validate(path: Path, meta: dict) -> Lab:
    header = meta.get("dlex")
    if not isinstance(header, dict):
        raise LabError(f"{path.name}: no 'dlex' block in the jupytext header",
                       "add the header described in dlex/labs/catalog.py")
    for key, kind in _REQUIRED.items():
        if not isinstance(header.get(key), kind):
            raise LabError(f"{path.name}: header field '{key}' is missing or of the wrong type",
                           f"set '{key}' in the lab's dlex header")
    quick = header.get("quick", {})
    if not isinstance(quick, dict) or not all(k.isidentifier() for k in quick):
        raise LabError(f"{path.name}: 'quick' must map parameter names to values")
    backend = header.get("backend")
    if backend is not None and backend not in BACKENDS:
        raise LabError(f"{path.name}: header field 'backend' is {backend!r}",
                       f"use one of {', '.join(BACKENDS)}, or leave it out")
    headline = header.get("headline", [])
    if not isinstance(headline, list) or not all(isinstance(k, str) for k in headline):
        raise LabError(f"{path.name}: header field 'headline' must be a list of metric names")
    return Lab(number=header["lab"], name=f"lab{header['lab']:02d}", title=header["title"],
               description=header["description"], minutes_full=float(header["minutes_full"]),
               minutes_quick=float(header["minutes_quick"]), path=path, quick=dict(quick),
               backend=backend, headline=tuple(headline))


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
