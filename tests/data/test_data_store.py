"""Look-up order, missing data offline, and failing downloads."""

import time

import numpy as np
import pytest
from datahelpers import copy_to

from dlex.data import DataUnavailableError, load_mnist, status, verify
from dlex.errors import DataError


def test_data_dir_comes_before_keras_cache(shared, cache_dir):
    copy_to(shared / "mnist.npz", cache_dir)
    [record] = status("mnist")
    assert record.source == "DLEX_DATA_DIR" and record.path == shared / "mnist.npz"
    assert record.state == "ok" and record.size == (shared / "mnist.npz").stat().st_size
    # verify() checks every copy, also the one the first hides.
    assert [(r.source, r.state) for r in verify("mnist")] == [
        ("DLEX_DATA_DIR", "ok"),
        ("Keras cache", "ok"),
    ]


def test_keras_cache_is_used_when_data_dir_lacks_the_file(shared, data_dir, cache_dir):
    copy_to(shared / "mnist.npz", cache_dir)
    [record] = status("mnist")
    assert record.source == "Keras cache" and record.path == cache_dir / "mnist.npz"
    (x_train, _), _ = load_mnist()
    assert x_train.shape == (60000, 28, 28)


def test_missing_offline_is_a_clear_error(data_dir, cache_dir):
    with pytest.raises(DataUnavailableError) as info:
        load_mnist()
    error = info.value
    assert isinstance(error, DataError)
    assert "mnist.npz" in error.message and "DLEX_OFFLINE=1" in error.message
    assert str(data_dir) in error.message and str(cache_dir) in error.message
    assert "dlex data fetch mnist" in error.hint
    assert not cache_dir.exists() or not any(cache_dir.iterdir())


def test_missing_status_records(data_dir):
    records = status()
    assert [(r.name, r.state, r.source, r.path, r.size) for r in records] == [
        ("mnist", "missing", None, None, None),
        ("imdb", "missing", None, None, None),
        ("imdb_word_index", "missing", None, None, None),
    ]
    assert verify() == []


def test_download_to_closed_port_fails_fast(data_dir, cache_dir, online, closed_port, monkeypatch):
    monkeypatch.setenv("DLEX_DATA_MIRROR", f"http://127.0.0.1:{closed_port}/mirror")
    start = time.monotonic()
    with pytest.raises(DataUnavailableError) as info:
        load_mnist()
    assert time.monotonic() - start < 5
    message = info.value.message
    assert f"http://127.0.0.1:{closed_port}/mirror/mnist.npz" in message
    assert "refused" in message.lower()
    assert "DLEX_DATA_MIRROR" in info.value.hint
    assert list(cache_dir.iterdir()) == []  # no temp file left behind


def test_mirror_may_be_a_local_folder(shared, data_dir, cache_dir, online, monkeypatch):
    monkeypatch.setenv("DLEX_DATA_MIRROR", str(shared))
    (_, y_train), _ = load_mnist()
    assert (cache_dir / "mnist.npz").is_file()
    with np.load(shared / "mnist.npz") as f:
        np.testing.assert_array_equal(y_train, f["y_train"])
