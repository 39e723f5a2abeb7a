"""Lab 6 through the real CLI in a fresh kernel (``--quick``): every measured claim, with tolerances.

The by-hand parts are NumPy in float64 against Keras in float32, so they agree to about
1e-6; the tolerances below allow for that and for other BLAS libraries, not for wrong
code. The quick run trains on 2,400 images for 2 epochs, so its accuracies are only
required to be far above chance (10 %). The full run (``-m slow``) checks the speed and
accuracy targets of docs/performance.md.
"""

import importlib.util
import json
import subprocess
import sys

import pytest

QUICK_FIT_IMAGES = 2400  # TRAIN_LIMIT 3000 minus VALIDATION_SIZE 600 (the lab's quick overrides)


def run_lab06(out, *extra, timeout=900):
    proc = subprocess.run(
        [sys.executable, "-m", "dlex", "run", "lab06", *extra, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads((out / "metrics.json").read_text())


@pytest.fixture(scope="module")
def quick(tmp_path_factory, data_dir):
    out = tmp_path_factory.mktemp("lab06") / "quick"
    return out, run_lab06(out, "--quick")


def test_quick_run_writes_notebook_report_and_metrics(quick):
    out, m = quick
    assert (out / "lab06_cnn.ipynb").stat().st_size > 100_000
    report = (out / "report.html").read_text()
    assert report.count("<img") >= 12 and "cnn.test_accuracy" in report
    assert m["run.ok"] is True and m["run.quick"] is True and m["params.EPOCHS"] == 2
    assert (out / "cnn_best.keras").exists() and (out / "cnn_same_best.keras").exists()


def test_runs_on_the_labs_preferred_backend_when_installed(quick):
    _, m = quick
    expected = "tensorflow" if importlib.util.find_spec("tensorflow") else "jax"
    assert m["run.backend"] == expected
    assert m["versions.keras"].startswith("3.")


def test_one_dimensional_convolution_and_shapes(quick):
    _, m = quick
    assert m["conv1d.n"] == 80 and m["conv1d.valid_length"] == 78  # n − k + 1
    assert m["conv1d.max_abs_diff_vs_keras"] < 1e-5  # Keras in float32
    assert m["conv1d.flip_matches_numpy"] is True
    assert m["conv1d.symmetric_kernel_flip_diff"] == 0.0
    assert m["shapes.combinations_checked"] == 192 and m["shapes.mismatches"] == 0


def test_detection_pooling_and_two_dimensional_convolution(quick):
    _, m = quick
    assert m["detect.shift_equivariant"] is True
    assert m["detect.pool_unchanged_by_one_shift"] == 8  # half of 16 starts
    assert m["detect.max_abs_diff_vs_keras"] < 1e-6
    assert m["conv2d.max_abs_diff_vs_keras"] < 1e-4
    assert m["feature_maps.max_abs_diff_by_hand"] < 1e-4
    assert m["sharing.conv_params"] == 320 and m["sharing.dense_params"] == 784 * 21632 + 21632


def test_networks_sizes_and_exercise_checks(quick):
    _, m = quick
    assert m["cnn.params"] == 93_322
    assert m["cnn_same.params"] == 257_162 and m["cnn_same.flatten_size"] == 3136
    assert m["dense_lab02_a.params"] == 407_050 and m["dense_lab05_ex4.params"] == 669_706
    assert m["checks.lab06.ex1"] == 1 and m["checks.lab06.ex2"] == 1


def test_weight_reuse_and_best_network_chosen_on_validation(quick):
    _, m = quick
    # Each convolution weight is used once per output position; dense weights once.
    assert [m[f"reuse.conv{i}"] for i in (1, 2, 3)] == [26 * 26, 11 * 11, 3 * 3]
    assert m["reuse.dense1"] == m["reuse.dense2"] == 1
    assert m["cnn_practitioner.patience"] == 3 and m["cnn_practitioner.epochs_run"] <= 2
    best = m["summary.best_model"]
    assert best in ("cnn", "cnn_same", "cnn_practitioner")
    assert m["summary.best_test_accuracy"] == m[f"{best}.test_accuracy"]
    assert m["summary.best_val_accuracy"] >= max(
        m["cnn.best_val_accuracy"], m["cnn_practitioner.best_val_accuracy"]
    )


def test_quick_training_is_far_above_chance(quick):
    _, m = quick
    assert 1 <= m["cnn.epochs_run"] <= 2 and 1 <= m["cnn.best_epoch"] <= m["cnn.epochs_run"]
    assert m["cnn.test_accuracy"] > 0.5 and m["cnn_same.test_accuracy"] > 0.3
    assert m["dense_lab02_a.test_accuracy"] > 0.5
    for key in ("cnn", "cnn_same", "dense_lab02_a", "dense_lab05_ex4"):
        assert m[f"{key}.seconds_per_epoch"] > 0


@pytest.mark.slow
def test_full_run_meets_its_accuracy_and_time_targets(tmp_path, data_dir):
    m = run_lab06(tmp_path / "full", timeout=1800)
    assert m["run.ok"] is True and m["checks.lab06.ex1"] == 1 and m["checks.lab06.ex2"] == 1
    # Exercise 2 as specified (patience 1) stops at the first epoch without improvement;
    # the practitioner's patience 3 trains on and reaches the accuracy target.
    assert m["cnn.epochs_run"] < 40 and m["cnn.epochs_run"] == m["cnn.best_epoch"] + 1
    assert m["cnn_practitioner.epochs_run"] == m["cnn_practitioner.best_epoch"] + 3
    assert m["cnn_practitioner.test_accuracy"] >= 0.991
    assert m["summary.best_model"] == "cnn_practitioner"
    assert m["run.seconds"] < 720  # 543 s measured on a loaded 2-core machine (docs/performance.md)


@pytest.mark.slow
def test_same_seed_gives_identical_numbers(quick, tmp_path):
    _, first = quick
    second = run_lab06(tmp_path / "again", "--quick")
    measured = [k for k in first if not k.startswith(("seconds.", "run.")) and "seconds" not in k]
    assert len(measured) > 40
    assert {k: first[k] for k in measured} == {k: second[k] for k in measured}
