"""IMDB's object arrays are read without unrestricted pickle."""

import builtins
import io
import os
import pickle

import numpy as np
import pytest
from datahelpers import malicious_npz

from dlex.data import DataCorruptError, load_imdb, npz


def test_malicious_pickle_is_refused_and_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    path = malicious_npz(tmp_path / "evil.npz", os.system, f"touch {marker}")
    with pytest.raises(DataCorruptError) as info:
        npz.read_npz(path)
    assert "system" in info.value.message and "refused" in info.value.message
    assert not marker.exists()
    # The same file would run the command under np.load(allow_pickle=True).
    with np.load(path, allow_pickle=True) as f:
        f["x_train"]
    assert marker.exists()


def test_eval_gadget_is_refused(tmp_path):
    path = malicious_npz(tmp_path / "evil.npz", builtins.eval, "1 + 1")
    with pytest.raises(DataCorruptError, match="builtins.eval"):
        npz.read_npz(path)


def test_malicious_imdb_in_data_dir_is_reported_with_its_path(data_dir):
    path = malicious_npz(data_dir / "imdb.npz", os.system, "echo should-not-run")
    with pytest.raises(DataCorruptError) as info:
        load_imdb()
    assert str(path) in info.value.message and "refused" in info.value.message


def test_object_arrays_of_lists_still_load(tmp_path):
    ragged = np.empty(3, dtype=object)
    ragged[:] = [[1, 2, 3], [], [4]]
    labels = np.array([1, 0, 1], dtype=np.int64)
    image = np.arange(12, dtype=np.uint8).reshape(3, 4)
    np.savez_compressed(tmp_path / "ok.npz", x=ragged, y=labels, img=image)
    arrays = npz.read_npz(tmp_path / "ok.npz")
    assert arrays["x"].dtype == object and arrays["x"].tolist() == [[1, 2, 3], [], [4]]
    np.testing.assert_array_equal(arrays["y"], labels)
    assert arrays["img"].shape == (3, 4) and arrays["img"].flags.writeable


def test_restricted_unpickler_allows_only_numpy_reconstruction():
    array = np.empty(2, dtype=object)
    array[:] = [[1], [2, 3]]
    data = pickle.dumps(array, protocol=4)
    assert npz.RestrictedUnpickler(io.BytesIO(data)).load().tolist() == [[1], [2, 3]]
    with pytest.raises(DataCorruptError):
        npz.RestrictedUnpickler(io.BytesIO(pickle.dumps(os.getcwd))).load()
