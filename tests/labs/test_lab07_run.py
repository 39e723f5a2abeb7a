"""Lab 7 through the real CLI in a fresh kernel (``--quick``): every measured claim, with tolerances.

The NumPy cells run in float32 against Keras in float32 and agree to about 1e-7; the
tolerances (1e-5) allow for other BLAS libraries, not for wrong code. The quick run trains
every model for one epoch on 800 reviews, so its accuracies are only required to be
numbers between 0 and 1. The full run (``-m slow``) checks the accuracy and time targets of
docs/performance.md ("Lab 7").
"""

import json
import subprocess
import sys

import pytest

CLASSIFIERS = ("embedding", "simple_rnn", "gru", "gru_fixed", "lstm", "gru_dropout", "bigru")


def run_lab07(out, *extra, timeout=900):
    proc = subprocess.run(
        [sys.executable, "-m", "dlex", "run", "lab07", *extra, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads((out / "metrics.json").read_text())


@pytest.fixture(scope="module")
def quick(tmp_path_factory, data_dir):
    out = tmp_path_factory.mktemp("lab07") / "quick"
    return out, run_lab07(out, "--quick")


def test_quick_run_writes_notebook_report_and_metrics(quick):
    out, m = quick
    assert (out / "lab07_rnn.ipynb").stat().st_size > 100_000
    report = (out / "report.html").read_text()
    assert report.count("<img") >= 14 and "gru.test_accuracy" in report
    assert m["run.ok"] is True and m["run.quick"] is True and m["params.MAX_EPOCHS"] == 1


def test_runs_on_dlex_default_backend(quick):
    """Lab 7 names no backend of its own: JAX's cost per review does not grow with small
    batches (docs/performance.md, "Lab 7")."""
    _, m = quick
    assert m["run.backend"] == "jax"


def test_numpy_cells_equal_keras_and_bptt_equals_finite_differences(quick):
    _, m = quick
    for key in ("simple_rnn", "lstm", "gru", "gru_reset_before", "bidirectional"):
        assert m[f"parity.{key}_max_diff"] < 1e-5, key
    assert m["bptt.relative_error"] < 1e-6
    assert m["causality.steps_unchanged"] == 4  # the change is at step 5
    assert m["bptt.reach_step1_scale1"] < 1e-3 * m["bptt.reach_step50_scale1"]


def test_data_preparation(quick):
    _, m = quick
    assert m["data.train_reviews"] == 25_000 and m["data.test_reviews"] == 400
    assert m["data.fit_reviews"] == 800 and m["data.validation_reviews"] == 400
    assert m["data.median_length"] == 178 and 0.25 < m["data.padding_share"] < 0.32
    assert m["data.first_review_words"] == 218


def test_every_classifier_trained_one_epoch_and_was_scored(quick):
    _, m = quick
    for name in CLASSIFIERS:
        assert 0.0 <= m[f"{name}.test_accuracy"] <= 1.0, name
        assert m[f"{name}.epochs_run"] == 1 and m[f"{name}.seconds_per_epoch"] > 0, name
        # A first epoch always improves on nothing: the plateau callback leaves the rate alone.
        assert m[f"{name}.final_learning_rate"] == pytest.approx(1e-3), name
    assert m["embedding.params"] == 82_001 and m["simple_rnn.params"] == 322_113
    assert m["gru.params"] == m["gru_fixed.params"] == m["gru_dropout.params"] == 326_369
    assert m["lstm.params"] == 328_353 and m["bigru.params"] == 332_737
    assert m["checks.lab07.ex1"] == 1 and m["checks.lab07.ex2"] == 1


def test_vocabulary_and_best_model_chosen_on_validation(quick):
    _, m = quick
    assert m["data.words_kept"] == 9_996  # word numbers 4 to 9,999
    best = m["summary.best_model"]
    assert m["summary.best_test_accuracy"] == m[f"{best}.test_accuracy"]
    assert m["summary.best_val_accuracy"] >= m["ensemble.val_accuracy"]
    if best == "ensemble":
        assert m["summary.best_val_accuracy"] == m["ensemble.val_accuracy"]


def test_the_penalty_diagnosis_is_measured(quick):
    _, m = quick
    # On the initial weights (the same in quick and full runs) the penalty outweighs the
    # GRU's data gradient by far more than the simple RNN's.
    assert m["diagnosis.gru_embedding_penalty_to_data"] > 10
    assert (
        m["diagnosis.gru_embedding_penalty_to_data"] > 4 * m["diagnosis.simplernn_embedding_penalty_to_data"]
    )
    assert 0.75 < m["gru.penalty_share_start"] < 0.9
    assert m["gru.embedding_norm_end"] < m["gru.embedding_norm_start"]


def test_generation_and_forecast(quick):
    _, m = quick
    assert 3.5 < m["generation.unigram_bits_per_char"] < 4.5
    assert 0 < m["generation.val_bits_per_char"] < 6
    assert isinstance(m["generation.sample_t05"], str) and m["generation.sample_t05"].startswith(
        "this movie "
    )
    assert m["forecast.naive_rmse"] > 0 and m["forecast.rmse"] > 0 and m["forecast.stacked_rmse"] > 0
    assert m["forecast.params"] < m["forecast_stacked.params"]
    assert m["char_gru.epochs_run"] == 1 and m["forecast_stacked.epochs_run"] == 1


@pytest.mark.slow
def test_full_run_meets_its_accuracy_and_time_targets(tmp_path, data_dir):
    m = run_lab07(tmp_path / "full", timeout=1800)
    assert m["run.ok"] is True and m["checks.lab07.ex1"] == 1 and m["checks.lab07.ex2"] == 1
    # The specified GRU learns nothing: its answers hardly depend on the review.
    assert (
        m["gru.prediction_std"] < 0.01 and m["gru.embedding_norm_end"] < 0.05 * m["gru.embedding_norm_start"]
    )
    assert m["summary.best_test_accuracy"] >= 0.88
    assert m["gru_fixed.test_accuracy"] > 0.85 and m["simple_rnn.test_accuracy"] > 0.75
    assert m["embedding.test_accuracy"] > 0.84
    # The course's three models keep their rate; the practitioner's stop on a plateau,
    # after their rate was cut at least once.
    assert all(
        m[f"{name}.final_learning_rate"] == pytest.approx(1e-3) for name in ("embedding", "simple_rnn", "gru")
    )
    assert all(
        m[f"{name}.final_learning_rate"] <= 3e-4 + 1e-9
        for name in ("gru_fixed", "lstm", "gru_dropout", "bigru")
    )
    assert m["forecast.rmse"] < 0.7 * m["forecast.naive_rmse"]
    assert m["generation.val_bits_per_char"] < m["generation.unigram_bits_per_char"] - 1
    assert m["run.seconds"] < 480
