"""``dlex run all``: the combined summary names every lab, its status and headline numbers."""

import json
import subprocess
import sys

from dlex.runner.course import headline, write_summary
from dlex.runner.execute import RunResult


def _result(tmp_path, lab, ok, metrics):
    folder = tmp_path / lab
    folder.mkdir()
    report = folder / "report.html"
    report.write_text("<html></html>")
    metrics = {"run.lab": lab, "run.seconds": 12.5, "params.SEED": 1, **metrics}
    return RunResult(
        folder,
        metrics,
        folder / "x.ipynb",
        report,
        folder / "metrics.json",
        None if ok else "cell 7 failed with ValueError: bad\nmore",
    )


def test_summary_lists_each_lab_with_status_and_headline(tmp_path):
    results = [
        _result(tmp_path, "lab02", True, {"model_a.test_accuracy": 0.98, "model_a.seed": 9898}),
        _result(tmp_path, "lab03", False, {"xor.trained_success_rate": 0.5}),
    ]
    index = write_summary(results, tmp_path, quick=True)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["course"] == {"ok": False, "seconds": 25.0, "quick": True}
    assert summary["lab02"]["model_a.test_accuracy"] == 0.98 and summary["lab02"]["ok"]
    assert "model_a.seed" not in summary["lab02"]  # seeds are not headline numbers
    assert summary["lab03"]["error"].startswith("cell 7 failed")
    page = index.read_text()
    assert "lab02/report.html" in page and "FAILED: cell 7 failed with ValueError: bad" in page


def test_headline_skips_parameters_versions_and_timings():
    metrics = {
        "params.EPOCHS": 3,
        "versions.keras": "3",
        "seconds.model": 1.0,
        "run.ok": True,
        "cnn.test_accuracy": 0.99,
    }
    assert headline(metrics) == {"cnn.test_accuracy": 0.99}


def test_headline_puts_the_numbers_the_lab_header_names_first():
    metrics = {
        "run.lab": "lab06",
        "cnn.best_val_accuracy": 0.98,
        "cnn_same.test_accuracy": 0.99,
        "cnn.test_accuracy": 0.991,
        "cnn.seconds_per_epoch": 9.1,
        "summary.best_model": "cnn_practitioner",
        "cnn_practitioner.test_accuracy": 0.993,
    }
    # Lab 6's header names cnn.test_accuracy, cnn_practitioner.test_accuracy, summary.best_model
    # and cnn.seconds_per_epoch, in that order, whatever order the run recorded them in.
    assert list(headline(metrics, limit=3)) == [
        "cnn.test_accuracy",
        "cnn_practitioner.test_accuracy",
        "summary.best_model",
    ]
    assert list(headline({**metrics, "run.lab": "lab99"}, limit=1)) == ["cnn.best_val_accuracy"]


def test_run_all_rejects_set():
    proc = subprocess.run(
        [sys.executable, "-m", "dlex", "run", "all", "--set", "EPOCHS=1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1 and "--set applies to one lab" in proc.stderr
