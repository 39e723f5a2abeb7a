"""Lab 5 through the real CLI in a fresh kernel (quick run): outputs, metrics, checks.

The NumPy parts of the lab do not depend on --quick, so their numbers are checked
tightly: they follow from the seeds and from the theory the lab states (the Hessians'
condition numbers, step counts predicted from the contraction factors). The Keras parts
are checked loosely: quick runs train briefly.
"""

import json
import subprocess
import sys

import nbformat
import pytest


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory, data_dir):
    out = tmp_path_factory.mktemp("lab05") / "quick"
    proc = subprocess.run(
        [sys.executable, "-m", "dlex", "run", "lab05", "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out, json.loads((out / "metrics.json").read_text())


def test_quick_run_writes_notebook_report_and_metrics(quick_run):
    out, metrics = quick_run
    assert metrics["run.ok"] is True and metrics["run.quick"] is True
    assert metrics["params.EPOCHS_EX4"] == 2 and metrics["params.SEED_EX4"] == 5577
    report = (out / "report.html").read_text()
    assert "<img" in report and "steps_to_tol.momentum" in report
    nb = nbformat.read(out / "lab05_optimization.ipynb", as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 15
    assert any("explorer appears when you run this cell in Jupyter" in o.get("text", "") for o in outputs)


def test_exercise_checks_pass_on_the_reference_solution(quick_run):
    _, metrics = quick_run
    assert [metrics[f"checks.lab05.ex{i}"] for i in (1, 2, 3, 4)] == [1, 1, 1, 1]


def test_hessians_and_theory(quick_run):
    _, m = quick_run
    assert m["hessian.euclidean.condition_number"] == pytest.approx(1.0, abs=1e-12)
    assert m["hessian.mahalanobis.condition_number"] == pytest.approx(199.0, rel=1e-9)
    assert m["hessian.mahalanobis.eigenvalue_max"] == pytest.approx(200.0, rel=1e-9)
    assert m["hessian.mahalanobis.eigenvalue_min"] == pytest.approx(2 / 1.99, rel=1e-9)
    assert m["hessian.euclidean.fd_max_abs_error"] < 1e-6
    assert m["hessian.mahalanobis.fd_max_abs_error"] < 1e-6
    assert m["losses.identity_max_abs_error"] < 1e-9 and m["taylor.max_abs_error"] < 1e-9
    assert m["saddle.eigenvalue_min"] == pytest.approx(-2, abs=1e-6)
    assert m["saddle.eigenvalue_max"] == pytest.approx(2, abs=1e-6)
    assert m["saddle.plateau_steps"] > 10
    assert m["deep_linear.max_abs_error"] < 1e-9
    assert m["deep_linear.shrink"] == pytest.approx(0.9**50)


def test_gradient_descent_step_counts_match_their_predictions(quick_run):
    _, m = quick_run
    assert m["gd.euclidean.steps"] == m["gd.euclidean.predicted_steps"] == 29
    assert m["ex1.fast.steps"] == 29  # factor −0.8: as fast as η = 0.1
    assert m["ex1.slow.steps"] == 316  # factor 0.98
    assert m["gd.mahalanobis.lr_0_1_distance_after_6"] > 1e6  # η = 0.1 diverges on L_M


def test_the_race(quick_run):
    _, m = quick_run
    steps = {
        name: m[f"steps_to_tol.{name}"] for name in ("gd", "sgd", "momentum", "nesterov", "rmsprop", "adam")
    }
    assert steps["gd"] == pytest.approx(597, abs=2)
    assert steps["momentum"] < steps["gd"] / 5 and steps["nesterov"] < steps["gd"] / 5
    assert all(isinstance(v, int) and 0 < v <= 1000 for v in steps.values()), steps
    # Where each ends: SGD at its noise floor, RMSprop hovering, the others converged.
    assert m["final_excess.sgd"] > 0.01 > m["final_excess.rmsprop"] > 1e-3
    assert m["final_excess.momentum"] < 1e-12 and m["final_excess.adam"] < 1e-8
    assert m["ex2.floor_ratio"] > 3  # batch 1 is noisier than batch 10
    assert m["rmsprop_decay.final_excess"] < m["final_excess.rmsprop"] / 10


def test_gradients_and_initialisation(quick_run):
    _, m = quick_run
    assert m["grad_norms.sigmoid_glorot.factor_per_layer"] < 0.35  # about σ'(0) = 1/4
    assert m["grad_norms.relu_n01.layer_1"] > 1e8  # exploding
    assert 0.05 < m["grad_norms.relu_he.factor_per_layer"] < 1.5
    assert m["init.identical.weight_spread"] == 0.0 < m["init.glorot.weight_spread"]
    assert 0.1 < m["init.relu_he.last_layer_std"] / m["init.relu_he.layer_1_std"] < 10
    assert m["clipping.clipped.final_w"] == pytest.approx(0.5 ** (1 / 30), abs=1e-6)
    assert m["clipping.unclipped.final_w"] is None  # NaN is recorded as null


def test_keras_parts(quick_run):
    _, m = quick_run
    assert m["schedules.max_abs_diff"] < 1e-6
    for key in ("keras_sgd_m05", "keras_sgd_m0005", "keras_rmsprop"):
        assert m[f"{key}.test_rmse"] < 0.4, key  # x₂ has standard deviation 1
        assert m[f"{key}.epochs"] <= m["params.REG_EPOCHS"]
    assert m["ols.test_rmse"] < 0.2
    assert m["mnist.train_images"] == 6400
    assert m["mnist_adam.test_accuracy"] > 0.5
    assert m["mnist_adam_small_l2.test_accuracy"] > 0.5
    assert m["mnist_adam.kernel2_norm"] < 22  # shrunk below a fresh kernel's norm
