"""The learner's progress: exercises passed, questions answered, last runs — one JSON file.

The file is ``progress.json`` in :func:`dlex.paths.user_data_dir`. Every update takes an
exclusive ``fcntl.flock`` on ``progress.json.lock``, reads the file, changes it, writes a
temporary file in the same folder, flushes it to disk and ``os.replace``-s it over the
old one. A crash leaves either the old or the new file, never half of one; two processes
updating at once wait for each other, so neither loses the other's change. Readers need
no lock: ``os.replace`` is atomic.

Layout::

    {"format": 1, "labs": {"lab02": {
        "exercises": {"lab02.ex1": {"passed": true, "score": 2, "points": 2, "at": "...", "via": "notebook"}},
        "questions": {"lab02.q3": {"correct": true, "at": "..."}},
        "last_run": {"at": "...", "ok": true, "path": ".../metrics.json", "quick": true}}}}
"""

import fcntl
import json
import os
import tempfile
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from dlex.paths import user_data_dir

FILE_NAME = "progress.json"


def path() -> Path:
    return user_data_dir() / FILE_NAME


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _empty() -> dict:
    return {"format": 1, "labs": {}}


def load() -> dict:
    """The progress so far (empty if none or damaged; the next update sets a damaged file aside)."""
    target = path()
    try:
        data = json.loads(target.read_text())
        if isinstance(data, dict) and isinstance(data.get("labs"), dict):
            return data
    except FileNotFoundError:
        return _empty()
    except (OSError, ValueError):
        pass
    return _empty()


@contextmanager
def _locked():
    folder = user_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{FILE_NAME}.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write(data: dict) -> None:
    target = path()
    fd, tmp = tempfile.mkstemp(prefix=f".{FILE_NAME}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump(data, handle, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _set_aside_if_damaged() -> None:
    target = path()
    try:
        json.loads(target.read_text())
    except FileNotFoundError:
        return
    except (OSError, ValueError):
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        os.replace(target, target.with_name(f"{FILE_NAME}.damaged-{stamp}"))


def update(change) -> dict:
    """Apply ``change(data)`` under the lock and save atomically; returns the new data."""
    with _locked():
        _set_aside_if_damaged()
        data = load()
        change(data)
        _write(data)
        return data


def _lab(data: dict, lab: str) -> dict:
    entry = data["labs"].setdefault(lab, {})
    entry.setdefault("exercises", {})
    entry.setdefault("questions", {})
    return entry


def record_exercise(
    exercise_id: str, passed: bool, score: float, points: float, via: str = "notebook"
) -> None:
    lab = exercise_id.split(".")[0]

    def change(data):
        _lab(data, lab)["exercises"][exercise_id] = {
            "passed": bool(passed),
            "score": float(score),
            "points": float(points),
            "at": _now(),
            "via": via,
        }

    update(change)


def record_answers(verdicts: list) -> None:
    """Store each checked answer (verdicts whose ``correct`` is None are skipped)."""
    checked = [v for v in verdicts if v.correct is not None]
    if not checked:
        return

    def change(data):
        for verdict in checked:
            lab = verdict.question_id.split(".")[0]
            _lab(data, lab)["questions"][verdict.question_id] = {
                "correct": bool(verdict.correct),
                "at": _now(),
            }

    update(change)


def record_run(lab: str, metrics_path: Path, ok: bool, quick: bool | None = None) -> None:
    """Remember the latest run of ``lab`` (``dlex run`` may call this after writing metrics)."""

    def change(data):
        _lab(data, lab)["last_run"] = {
            "at": _now(),
            "ok": bool(ok),
            "quick": quick,
            "path": str(Path(metrics_path).resolve()),
        }

    update(change)
