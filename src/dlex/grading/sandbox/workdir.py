"""Before a run: the submission's folder, its throw-away user, and what its Python must see."""

import os
import secrets
import sys
from pathlib import Path

UID_BASE = 1_500_000_000


def python_paths(data_dir: str | None = None) -> list[str]:
    """Folders the sandboxed Python must be able to read: interpreter, stdlib, packages, data."""
    import dlex

    paths = {
        sys.prefix,
        sys.base_prefix,
        os.path.dirname(os.path.realpath(sys.executable)),
        str(Path(dlex.__file__).resolve().parents[1]),
    }
    paths.update(p for p in sys.path if p and os.path.isdir(p))
    if data_dir:
        paths.add(data_dir)
    return sorted(os.path.realpath(p) for p in paths)


def new_uid() -> int:
    return UID_BASE + secrets.randbelow(400_000_000)


def prepare_workdir(workdir: Path, uid: int | None) -> None:
    """Hand the submission's folder to its throw-away user (root mode)."""
    if uid is None:
        return
    for root, _dirs, files in os.walk(workdir):
        os.chown(root, uid, uid)
        for name in files:
            os.chown(os.path.join(root, name), uid, uid)
