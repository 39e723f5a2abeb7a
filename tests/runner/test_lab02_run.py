"""Lab 2 through the real CLI in a fresh kernel: outputs, metrics, reproducibility."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEADLINE = [
    "model_a.test_accuracy",
    "model_b.best_val_accuracy",
    "model_c.test_accuracy",
    "model_d.test_accuracy",
]


def dlex_cli(*args, cwd=None, timeout=600):
    return subprocess.run(
        [sys.executable, "-m", "dlex", *args], capture_output=True, text=True, cwd=cwd, timeout=timeout
    )


@pytest.fixture(scope="module")
def two_quick_runs(tmp_path_factory, data_dir):
    """Two independent quick runs of Lab 2, each in its own folder."""
    runs = []
    for name in ("first", "second"):
        out = tmp_path_factory.mktemp("lab02") / name
        proc = dlex_cli("run", "lab02", "--quick", "--out", str(out))
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        runs.append((out, json.loads((out / "metrics.json").read_text())))
    return runs


def test_the_runs_filled_the_jax_compilation_cache(two_quick_runs):
    """The kernel wrote compiled programs to the cache (conftest.py gives the session one
    folder). JAX caches nothing when the cap is set and `filelock` is missing."""
    cache = Path(os.environ["JAX_COMPILATION_CACHE_DIR"])
    # Without the cap's filelock JAX writes none; a quick Lab 2 compiles 19-30 programs slow
    # enough to be cached (19 on a loaded 2-core machine), so ten is a clear margin.
    assert len(list(cache.glob("jit_*-cache"))) >= 10


def test_quick_run_writes_notebook_report_and_metrics(two_quick_runs):
    out, metrics = two_quick_runs[0]
    assert (out / "lab02_keras.ipynb").stat().st_size > 10_000
    report = (out / "report.html").read_text()
    assert "<img" in report and "model_a.test_accuracy" in report
    for key in HEADLINE:
        assert 0.0 <= metrics[key] <= 1.0, key
    # Even 2 epochs on 5,000 images reach well above chance (10 %).
    assert metrics["model_a.test_accuracy"] > 0.85
    assert metrics["model_a.params"] == 407_050 and metrics["model_c.params"] == 669_706
    assert metrics["prep.sparse_vs_onehot_max_diff"] < 1e-6
    assert metrics["save_load.max_abs_diff"] == 0.0
    assert metrics["run.quick"] is True and metrics["run.ok"] is True
    assert metrics["checks.lab02.ex1"] == 1 and metrics["checks.lab02.ex2"] == 1  # the reference solution
    assert metrics["params.EPOCHS_A"] == 2 and metrics["params.SEED_A"] == 9898
    assert metrics["versions.keras"].startswith("3.")
    assert any(key.startswith("seconds.model_a") for key in metrics)


def test_same_seed_gives_identical_numbers(two_quick_runs):
    (_, first), (_, second) = two_quick_runs
    measured = [k for k in first if not k.startswith(("seconds.", "run.")) and "seconds" not in k]
    assert len(measured) > 20
    assert {k: first[k] for k in measured} == {k: second[k] for k in measured}


def test_failing_cell_fails_the_run_and_names_the_cell(tmp_path, data_dir):
    out = tmp_path / "run"
    proc = dlex_cli("run", "lab02", "--quick", "--set", "EPOCHS_A=-1", "--out", str(out))
    assert proc.returncode == 1
    assert "the lab failed" in proc.stderr and "cell" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert json.loads((out / "metrics.json").read_text())["run.ok"] is False


def test_offline_machine_runs_lab02_on_the_embedded_digits(tmp_path, monkeypatch):
    """No DLEX_DATA_DIR, empty Keras cache, downloads forbidden: the stand-in is used."""
    monkeypatch.delenv("DLEX_DATA_DIR", raising=False)
    out = tmp_path / "run"
    proc = dlex_cli("run", "lab02", "--quick", "--out", str(out))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["data.source"] == "digits"
    assert metrics["data.test_images"] == 300
    # 1,497 clean 8x8 digits upscaled: even a quick run classifies most of them.
    assert metrics["model_a.test_accuracy"] > 0.7
    notebook = (out / "lab02_keras.ipynb").read_text()
    assert "scikit-learn" in notebook  # the printed notice says what stands in
