"""Files are accepted by official file hash or by content hash, and damaged or
altered copies are rejected with a message naming the file and the remedy."""

import json

import numpy as np
import pytest
from datahelpers import byte_flipped, copy_to, resaved, truncated

from dlex.data import (
    DataCorruptError,
    get_imdb_word_index,
    integrity,
    load_imdb,
    load_mnist,
    registry,
    verify,
)


def test_shared_files_are_accepted_by_content_hash(shared):
    results = verify()
    assert [(r.name, r.state, r.source) for r in results] == [
        ("mnist", "ok", "DLEX_DATA_DIR"),
        ("imdb", "ok", "DLEX_DATA_DIR"),
        ("imdb_word_index", "ok", "DLEX_DATA_DIR"),
    ]
    # The .npz copies are not Keras's bytes: only the content hash can accept them.
    for spec in (registry.MNIST, registry.IMDB):
        assert integrity.file_digest(shared / spec.filename, "sha256") != spec.file_hash
    # The word index is byte-identical to Keras's (the md5 Keras checks).
    md5 = integrity.file_digest(shared / "imdb_word_index.json", "md5")
    assert md5 == registry.IMDB_WORD_INDEX.file_hash


def _assert_rejected(load, path, *words):
    with pytest.raises(DataCorruptError) as info:
        load()
    message = info.value.message
    assert str(path) in message
    assert "Expected the official" in message
    for word in words:
        assert word in message
    # The remedy for a bad file in DLEX_DATA_DIR: replace it or point elsewhere.
    assert "DLEX_DATA_DIR" in info.value.hint and str(path) in info.value.hint
    return info.value


def test_truncated_mnist_is_rejected(shared, data_dir):
    path = truncated(shared / "mnist.npz", data_dir / "mnist.npz")
    _assert_rejected(load_mnist, path, "zip")


def test_empty_file_is_rejected(data_dir):
    path = data_dir / "mnist.npz"
    path.write_bytes(b"")
    _assert_rejected(load_mnist, path)


def test_truncated_imdb_is_rejected(shared, data_dir):
    path = truncated(shared / "imdb.npz", data_dir / "imdb.npz", fraction=0.99)
    _assert_rejected(load_imdb, path)


def test_one_byte_changed_inside_an_array_is_rejected(shared, data_dir):
    path = byte_flipped(shared / "mnist.npz", data_dir / "mnist.npz", "x_train.npy")
    _assert_rejected(load_mnist, path)


def test_one_pixel_changed_in_a_valid_npz_is_rejected(shared, data_dir):
    def change(arrays):
        arrays["x_train"][123, 14, 14] ^= 1

    path = resaved(shared / "mnist.npz", data_dir / "mnist.npz", change)
    _assert_rejected(load_mnist, path, "x_train content sha256")


def test_one_label_changed_in_a_valid_compressed_npz_is_rejected(shared, data_dir):
    def change(arrays):
        arrays["y_test"][9] = (arrays["y_test"][9] + 1) % 10

    path = resaved(shared / "mnist.npz", data_dir / "mnist.npz", change, compressed=True)
    with np.load(path) as f:  # a perfectly valid file; only the content differs
        assert f["y_test"].shape == (10000,)
    error = _assert_rejected(load_mnist, path, "y_test content sha256")
    assert "x_train" not in error.message


def test_imdb_token_and_label_changed_are_rejected(shared, data_dir):
    def change(arrays):
        arrays["x_test"][10][3] += 1  # the lists are fresh from np.load
        arrays["y_train"][0] = 1 - arrays["y_train"][0]

    path = resaved(shared / "imdb.npz", data_dir / "imdb.npz", change)
    error = _assert_rejected(load_imdb, path, "x_test:tokens", "y_train content sha256")
    assert "x_train" not in error.message


def test_mnist_with_wrong_dtype_is_rejected(shared, data_dir):
    def change(arrays):
        arrays["y_train"] = arrays["y_train"].astype(np.int64)

    path = resaved(shared / "mnist.npz", data_dir / "mnist.npz", change)
    _assert_rejected(load_mnist, path, "y_train should be uint8")


def test_word_index_pretty_printed_copy_is_accepted(shared, data_dir):
    words = json.loads((shared / "imdb_word_index.json").read_text())
    (data_dir / "imdb_word_index.json").write_text(json.dumps(words, indent=2))
    assert get_imdb_word_index() == words


def test_word_index_with_one_rank_changed_is_rejected(shared, data_dir):
    words = json.loads((shared / "imdb_word_index.json").read_text())
    words["fawn"] += 1
    path = data_dir / "imdb_word_index.json"
    path.write_text(json.dumps(words, separators=(", ", ": ")))
    _assert_rejected(get_imdb_word_index, path, "json content sha256")


def test_word_index_that_is_not_json_is_rejected(data_dir):
    path = data_dir / "imdb_word_index.json"
    path.write_text('{"fawn": 34701, "tsuk')
    _assert_rejected(get_imdb_word_index, path, "not valid JSON")


def test_bad_file_in_data_dir_is_reported_not_skipped(shared, data_dir, cache_dir):
    """A good copy in the Keras cache must not hide a bad one in DLEX_DATA_DIR."""
    copy_to(shared / "mnist.npz", cache_dir)
    path = truncated(shared / "mnist.npz", data_dir / "mnist.npz")
    _assert_rejected(load_mnist, path)


def test_bad_file_in_keras_cache_says_delete_and_fetch(shared, cache_dir, monkeypatch):
    monkeypatch.delenv("DLEX_DATA_DIR")
    path = truncated(shared / "mnist.npz", cache_dir / "mnist.npz")
    with pytest.raises(DataCorruptError) as info:
        load_mnist()
    assert str(path) in info.value.message
    assert f"Delete {path}" in info.value.hint and "dlex data fetch mnist" in info.value.hint
    assert path.exists()  # reported, never silently replaced or deleted
