"""The ``runs/`` folder: how runs are named, and finding a lab's latest one.

``dlex run labNN`` writes ``runs/labNN-<time>/``; ``dlex run all`` writes
``runs/all-<time>/labNN/`` for each lab (with the course's ``summary.json`` and
``index.html`` beside them). Each lab's folder holds its ``metrics.json``.
"""

import json
from datetime import datetime
from pathlib import Path

from dlex.errors import DlexError

RUNS_DIR = Path("runs")
METRICS_NAME = "metrics.json"
COURSE = "all"


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def new_run_dir(lab: str, runs_dir: Path = RUNS_DIR) -> Path:
    """``runs/<lab>-<time>``: where ``dlex run <lab>`` writes by default."""
    return Path(runs_dir) / f"{lab}-{_stamp()}"


def new_course_dir(runs_dir: Path = RUNS_DIR) -> Path:
    """``runs/all-<time>``: where ``dlex run all`` writes by default (one folder per lab inside)."""
    return Path(runs_dir) / f"{COURSE}-{_stamp()}"


def latest_run(lab: str, runs_dir: Path = RUNS_DIR) -> Path | None:
    """The ``metrics.json`` of ``lab`` written last, by ``dlex run <lab>`` or ``dlex run all``."""
    runs_dir = Path(runs_dir)
    found = [
        p
        for pattern in (f"{lab}-*/{METRICS_NAME}", f"{COURSE}-*/{lab}/{METRICS_NAME}")
        for p in runs_dir.glob(pattern)
        if p.is_file()
    ]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def load_metrics(path: Path) -> dict:
    """The numbers of one run; a DlexError saying what is wrong with the file otherwise."""
    try:
        data = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise DlexError(
            f"no metrics file at {path}",
            "pass the metrics.json of a run, e.g. runs/lab02-<time>/metrics.json",
        ) from None
    except (OSError, ValueError) as exc:
        raise DlexError(f"{path} is not a readable metrics.json ({exc})") from None
    if not isinstance(data, dict):
        raise DlexError(f"{path} is not a metrics.json (expected an object of numbers)")
    return data
