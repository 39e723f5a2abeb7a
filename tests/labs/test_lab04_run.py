"""Lab 4 through the real CLI (`dlex run lab04 --quick`): outputs, and the measured claims.

Tolerances: numbers computed in float64 NumPy/scikit-learn from fixed seeds (the noisy
line, least squares, ridge, lasso, the bias–variance simulation) are checked to 1e-3;
numbers from Keras training depend on the backend's floating-point order, so they are
checked by what the lab's prose claims about them (an order, a range), not to digits.
"""

import json
import subprocess
import sys

import pytest

REQUIRED = [
    "linear.test_rmse",
    "poly9.test_rmse",
    "ridge.test_rmse",
    "lasso.test_rmse",
    "lasso.zero_coefficients",
    "nn.test_rmse",
    "nn_l2.test_rmse",
    "nn_l1.test_rmse",
    "nn_early_stopping.test_rmse",
    "nn_dropout.test_rmse",
    "nn_batchnorm.test_rmse",
    "nn_l2_20.test_rmse",
    "nn_l2_200.test_rmse",
    "ex2.test_rmse",
    "augmentation.test_accuracy",
    "no_augmentation.test_accuracy",
    "bias_variance.degree_9.variance",
    "bias_variance.max_abs_z",
]


def dlex_cli(*args, timeout=900):
    return subprocess.run(
        [sys.executable, "-m", "dlex", *args], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory, data_dir):
    out = tmp_path_factory.mktemp("lab04") / "quick"
    proc = dlex_cli("run", "lab04", "--quick", "--out", str(out))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out, json.loads((out / "metrics.json").read_text())


def test_quick_run_writes_notebook_report_and_every_metric(quick_run):
    out, metrics = quick_run
    assert (out / "lab04_regularization.ipynb").stat().st_size > 50_000
    assert "<img" in (out / "report.html").read_text()
    assert (out / "nn_early_stopping_best.keras").exists() and (out / "ex2_best.keras").exists()
    missing = [key for key in REQUIRED if key not in metrics]
    assert not missing, missing
    assert metrics["run.ok"] is True and metrics["run.quick"] is True
    assert metrics["params.DATA_SEED"] == 2024 and metrics["params.SEED_EX2"] == 242244
    assert metrics["checks.lab04.ex1"] == 1 and metrics["checks.lab04.ex2"] == 1


def test_classical_models_from_fixed_seeds(quick_run):
    _, m = quick_run
    # float64 least squares and scikit-learn on DATA_SEED = 2024
    assert m["linear.test_rmse"] == pytest.approx(2.209, abs=1e-3)
    assert m["poly9.test_rmse"] == pytest.approx(4.561, abs=1e-3)
    assert m["ridge.test_rmse"] == pytest.approx(2.718, abs=1e-3)
    assert m["lasso.test_rmse"] == pytest.approx(3.542, abs=1e-3)
    assert m["lasso.zero_coefficients"] == 8
    # the prose: the polynomial fits the training points better and the test points worse
    assert (
        m["poly9.train_rmse"] < m["linear.train_rmse"] and m["poly9.test_rmse"] > 1.5 * m["linear.test_rmse"]
    )
    assert m["poly9.seeds_better_on_test"] == 0 and m["poly9.seeds_checked"] == 10
    assert m["ridge.weight_norm"] < 1e-4 * m["poly9.weight_norm"]


def test_bias_variance_decomposition_adds_up(quick_run):
    _, m = quick_run
    assert m["bias_variance.max_abs_z"] < 3.5  # sum vs measured: within Monte-Carlo error
    assert m["bias_variance.best_degree"] == 1
    assert m["bias_variance.degree_0.bias2"] > 5  # the mean cannot follow the line
    variances = [m[f"bias_variance.degree_{d}.variance"] for d in range(1, 10)]
    assert variances == sorted(variances) and variances[-1] > 10 * variances[0]
    for d in range(1, 10):  # the model family contains the truth
        assert m[f"bias_variance.degree_{d}.bias2"] < 0.1 * m[f"bias_variance.degree_{d}.variance"]
    assert m["bias_variance.ridge_100.bias2"] > m["bias_variance.ridge_100.variance"]


def test_networks_and_their_regularizers(quick_run):
    _, m = quick_run
    assert m["nn.params"] == 1409
    # steps_per_execution changes nothing that is computed
    assert m["speed.spe_identical_history"] is True and m["speed.spe_max_weight_difference"] == 0
    # the unregularized network stays near the noise level (σ = 2) on 20 test points
    assert 1.5 < m["nn.test_rmse"] < 3.0
    # a stronger L2 penalty: smaller weights, a flatter fit
    assert m["nn_l2.kernel_norm"] < 0.5 * m["nn.kernel_norm"]
    assert m["nn_l2_20.slope"] > m["nn_l2_200.slope"] and m["nn_l2_200.slope"] < 0.5
    assert m["nn_l2.penalty"] > 0
    # L1: nearly all hidden weights tiny
    assert m["nn_l1.share_below_0.01"] > 0.9 > m["nn.share_below_0.01"]
    # early stopping: the checkpoint is the restored model; same steps as the plain run
    assert m["nn_early_stopping.checkpoint_difference"] == 0
    assert m["nn_early_stopping.same_steps_as_nn"] is True
    assert 1 <= m["nn_early_stopping.best_epoch"] <= m["nn_early_stopping.epochs_run"]
    # dropout: the average of random sub-networks agrees with the full network
    assert m["dropout.keras_dropped_share"] == pytest.approx(0.5, abs=0.02)
    assert m["nn_dropout.subnetwork_average_max_z"] < 4.5
    # batch normalisation: Keras and dlex.scratch agree; momentum 0.9 catches up, 0.99 lags
    assert m["batchnorm.keras_vs_scratch_max_diff"] < 1e-5
    assert abs(m["nn_batchnorm.moving_std_ratio"] - 1) < abs(
        m["nn_batchnorm_default_momentum.moving_std_ratio"] - 1
    )
    assert m["nn_batchnorm.test_rmse"] < m["nn_batchnorm_default_momentum.test_rmse"]


def test_early_stopping_matches_ridge_with_alpha_one_over_two_eta_t(quick_run):
    _, m = quick_run
    # The lab's ridge convention, Σ(y − ŷ)² + α‖w‖²: α ≈ 1/(2ηt), not 1/(ηt).
    assert abs(m["early_stopping_ridge.predicted_alpha"] - 250) < 1e-9  # 1/(2 · 1e-4 · 20)
    assert abs(m["early_stopping_ridge.closest_alpha"] / 250 - 1) < 0.2


def test_augmentation_runs_and_is_deterministic(quick_run):
    _, m = quick_run
    assert m["augmentation.deterministic"] is True
    # quick: one seed, a few epochs on 1,000 images — both well above chance (10 %)
    assert m["augmentation.test_accuracy"] > 0.75 and m["no_augmentation.test_accuracy"] > 0.75
