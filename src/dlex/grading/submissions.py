"""Submitted notebooks: finding them, naming them, reading them safely, setting their parameters."""

import re
from pathlib import Path

import nbformat

from dlex.errors import DlexError, LabError

MAX_SUBMISSION_BYTES = 32 * 2**20


def submission_files(paths) -> list[Path]:
    """The notebooks named, folders expanded to their ``*.ipynb`` (sorted); errors for the rest."""
    found = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.glob("*.ipynb") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise DlexError(f"no such submission: {path}", "name notebooks or folders of notebooks")
    if not found:
        raise DlexError("no submissions found", "name .ipynb files or folders holding them")
    return found


def submission_ids(paths: list[Path]) -> list[str]:
    ids, seen = [], {}
    for path in paths:
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", path.stem).strip("._-") or "submission"
        count = seen.get(base, 0) + 1
        seen[base] = count
        ids.append(base if count == 1 else f"{base}-{count}")
    return ids


def read_submission(path: Path):
    """The notebook in ``path`` (``.ipynb``, or a jupytext ``.py``), outputs dropped."""
    size = path.stat().st_size
    if size > MAX_SUBMISSION_BYTES:
        raise ValueError(f"the file is {size:,} bytes; the limit is {MAX_SUBMISSION_BYTES:,}")
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".py":
        import jupytext

        nb = jupytext.reads(text, fmt="py:percent")
    else:
        nb = nbformat.reads(text, as_version=4)
    if not isinstance(nb.get("cells"), list):
        raise ValueError("it has no cells")
    for cell in nb.cells:
        if not isinstance(cell, dict) or not isinstance(cell.get("source", ""), str):
            raise ValueError("a cell is malformed")
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def apply_parameters(nb, lab, options) -> tuple[dict, list[str]]:
    """Inject the quick parameters (and overrides); ``(forced values, notes)``."""
    from dlex.runner import parameters

    chosen = dict(lab.quick) if options.quick else {}
    chosen.update(options.overrides or {})
    if not chosen:
        return {}, []
    try:
        index = parameters.parameters_cell_index(nb)
        known = parameters.read_parameters(nb.cells[index].source)
    except LabError as exc:
        return {}, [
            f"the lab's parameters were not applied ({exc.message}); the notebook ran with its own settings"
        ]
    usable = {k: v for k, v in chosen.items() if k in known}
    notes = []
    if set(chosen) - set(usable):
        notes.append(
            "parameters missing from your parameters cell were not set: "
            + ", ".join(sorted(set(chosen) - set(usable)))
        )
    label = "dlex grade (quick parameters)" if options.quick else "dlex grade --set"
    parameters.inject(nb, usable, label)
    return usable, notes
