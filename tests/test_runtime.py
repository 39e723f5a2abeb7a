"""dlex.record and dlex.seed: JSON-ready values, atomic file, clear errors."""

import json

import numpy as np
import pytest

import dlex
from dlex import runtime


def test_record_converts_numpy_and_writes_the_file(tmp_path, monkeypatch):
    path = tmp_path / "m.json"
    monkeypatch.setenv("DLEX_METRICS_PATH", str(path))
    monkeypatch.setattr(runtime, "METRICS", {})
    assert dlex.record("a.acc", np.float32(0.5)) is None  # no Out[n] line under the cell
    dlex.record("a.n", np.int64(3))
    dlex.record("a.flag", np.bool_(True))
    dlex.record("a.bad", float("nan"))
    assert json.loads(path.read_text()) == {"a.acc": 0.5, "a.n": 3, "a.flag": True, "a.bad": None}


@pytest.mark.parametrize("key, value", [("", 1), (" k", 1), ("k", [1, 2]), ("k", np.zeros(3))])
def test_record_rejects_bad_keys_and_values(key, value, monkeypatch):
    monkeypatch.setattr(runtime, "METRICS", {})
    with pytest.raises((ValueError, TypeError)):
        dlex.record(key, value)


def test_seed_repeats_keras_and_numpy_draws():
    import keras

    dlex.seed(7)
    first = (np.random.rand(3), np.asarray(keras.random.normal((3,), seed=None)))
    dlex.seed(7)
    second = (np.random.rand(3), np.asarray(keras.random.normal((3,), seed=None)))
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


def test_seed_matches_keras_set_random_seed():
    import keras

    keras.utils.set_random_seed(11)
    expected = (np.random.rand(2), np.asarray(keras.random.uniform((4,))))
    dlex.seed(11)
    got = (np.random.rand(2), np.asarray(keras.random.uniform((4,))))
    np.testing.assert_array_equal(expected[0], got[0])
    np.testing.assert_array_equal(expected[1], got[1])


def test_seed_does_not_import_tensorflow_on_other_backends():
    import subprocess
    import sys

    code = (
        "import sys, dlex, keras; dlex.seed(1); print(keras.backend.backend(), 'tensorflow' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "KERAS_BACKEND": "jax"},
        timeout=300,
    )
    assert out.stdout.split() == ["jax", "False"], out.stderr[-2000:]
