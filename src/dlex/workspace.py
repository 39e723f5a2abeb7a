"""The learner's work folder: notebooks written once and never overwritten."""

import os
from pathlib import Path

import nbformat

from dlex.labs.catalog import Lab
from dlex.labs.solutions import learner_copy

DEFAULT_DIR = Path("dlex-work")


def notebook_name(lab: Lab, solutions: bool) -> str:
    return f"{lab.path.stem}{'-solutions' if solutions else ''}.ipynb"


def write_learner_copy(lab: Lab, folder: Path = DEFAULT_DIR, solutions: bool = False) -> tuple[Path, bool]:
    """Write the lab notebook into ``folder`` unless a copy exists; (path, created)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / notebook_name(lab, solutions)
    if path.exists():
        return path, False
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    nbformat.write(learner_copy(lab.notebook(), solutions=solutions), tmp)
    try:
        os.link(tmp, path)  # fails if the file appeared meanwhile: never overwrite
        created = True
    except FileExistsError:
        created = False
    finally:
        tmp.unlink(missing_ok=True)
    return path, created
