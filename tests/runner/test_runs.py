"""The runs/ layout: runs are named one way, and a lab's latest run is found wherever it was made."""

import json
import os
import time

import pytest

from dlex.errors import DlexError
from dlex.runner import runs


def _run(folder, lab_metrics: dict, age_s: float = 0.0):
    folder.mkdir(parents=True)
    path = folder / runs.METRICS_NAME
    path.write_text(json.dumps(lab_metrics))
    stamp = time.time() - age_s
    os.utime(path, (stamp, stamp))
    return path


def test_new_folders_are_named_by_lab_or_course(tmp_path):
    assert runs.new_run_dir("lab02", tmp_path).name.startswith("lab02-")
    assert runs.new_course_dir(tmp_path).name.startswith("all-")


def test_latest_run_sees_runs_of_the_whole_course(tmp_path):
    alone = _run(tmp_path / "lab02-20261201-100000", {"run.ok": True}, age_s=60)
    course = _run(tmp_path / "all-20261201-110000" / "lab02", {"run.ok": True})
    _run(tmp_path / "all-20261201-110000" / "lab03", {"run.ok": True})
    assert runs.latest_run("lab02", tmp_path) == course
    os.utime(alone, None)  # now the single-lab run is the newer one
    assert runs.latest_run("lab02", tmp_path) == alone
    assert runs.latest_run("lab04", tmp_path) is None


def test_a_bad_metrics_file_says_what_is_wrong(tmp_path):
    path = _run(tmp_path / "lab02-x", {})
    path.write_text("[1, 2]")
    with pytest.raises(DlexError, match="not a metrics.json"):
        runs.load_metrics(path)
    with pytest.raises(DlexError, match="no metrics file"):
        runs.load_metrics(tmp_path / "nothing.json")
