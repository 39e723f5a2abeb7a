"""Downloads from a loopback mirror: verified, atomic, and nothing kept if bad."""

import numpy as np
import pytest
from datahelpers import resaved, truncated

from dlex.data import (
    DataCorruptError,
    DataUnavailableError,
    fetch,
    get_imdb_word_index,
    integrity,
    load_mnist,
    registry,
    status,
)


def test_fetch_downloads_verifies_and_is_then_used(shared, data_dir, cache_dir, serve):
    serve(shared)
    [record] = fetch("mnist")
    assert record.downloaded and record.state == "ok"
    assert record.path == cache_dir / "mnist.npz" and record.source == "Keras cache"
    assert (cache_dir / "mnist.npz").read_bytes() == (shared / "mnist.npz").read_bytes()
    assert sorted(p.name for p in cache_dir.iterdir()) == ["mnist.npz"]  # no .part left
    [st] = status("mnist")
    assert (st.source, st.state) == ("Keras cache", "ok")
    (x_train, _), (_, y_test) = load_mnist()
    with np.load(shared / "mnist.npz") as f:
        np.testing.assert_array_equal(x_train, f["x_train"])
        np.testing.assert_array_equal(y_test, f["y_test"])
    # A second fetch finds it and downloads nothing.
    [again] = fetch("mnist")
    assert not again.downloaded and again.state == "ok"


def test_fetch_word_index_matches_official_md5(shared, data_dir, cache_dir, serve):
    serve(shared)
    fetch("imdb_word_index")
    path = cache_dir / "imdb_word_index.json"
    assert integrity.file_digest(path, "md5") == registry.IMDB_WORD_INDEX.file_hash
    assert len(get_imdb_word_index()) == 88584


def test_load_downloads_when_missing(shared, data_dir, cache_dir, serve):
    serve(shared)
    assert len(get_imdb_word_index()) == 88584
    assert (cache_dir / "imdb_word_index.json").is_file()


def test_corrupted_download_is_rejected_and_nothing_kept(shared, data_dir, cache_dir, serve, tmp_path):
    bad = tmp_path / "bad_mirror"
    truncated(shared / "mnist.npz", bad / "mnist.npz", fraction=0.8)
    url = serve(bad)
    with pytest.raises(DataCorruptError) as info:
        fetch("mnist")
    assert f"{url}mnist.npz" in info.value.message
    assert "Nothing was saved" in info.value.hint
    assert list(cache_dir.iterdir()) == []


def test_altered_download_is_rejected_by_content_hash(shared, data_dir, cache_dir, serve, tmp_path):
    def change(arrays):
        arrays["y_train"][0] = 3

    bad = tmp_path / "bad_mirror"
    resaved(shared / "mnist.npz", bad / "mnist.npz", change)
    serve(bad)
    with pytest.raises(DataCorruptError, match="y_train content sha256"):
        load_mnist()
    assert list(cache_dir.iterdir()) == []


def test_fetch_replaces_a_bad_cached_copy(shared, data_dir, cache_dir, serve):
    truncated(shared / "imdb_word_index.json", cache_dir / "imdb_word_index.json")
    serve(shared)
    [record] = fetch("imdb_word_index")
    assert record.downloaded
    new = (cache_dir / "imdb_word_index.json").read_bytes()
    assert new == (shared / "imdb_word_index.json").read_bytes()


def test_fetch_refuses_to_work_around_a_bad_data_dir_file(shared, data_dir, cache_dir, serve):
    bad = truncated(shared / "imdb_word_index.json", data_dir / "imdb_word_index.json")
    serve(shared)
    with pytest.raises(DataCorruptError) as info:
        fetch("imdb_word_index")
    assert str(bad) in info.value.message and "DLEX_DATA_DIR" in info.value.hint
    assert not cache_dir.exists() or list(cache_dir.iterdir()) == []


def test_missing_on_mirror_is_unavailable(data_dir, cache_dir, serve, tmp_path):
    empty = tmp_path / "empty_mirror"
    empty.mkdir()
    serve(empty)
    with pytest.raises(DataUnavailableError, match="HTTP 404"):
        fetch("imdb_word_index")
    assert list(cache_dir.iterdir()) == []


def test_present_file_needs_no_network(shared):
    # Offline (the default here) with everything in DLEX_DATA_DIR: fetch is a no-op.
    records = fetch()
    assert [(r.name, r.source, r.downloaded) for r in records] == [
        ("mnist", "DLEX_DATA_DIR", False),
        ("imdb", "DLEX_DATA_DIR", False),
        ("imdb_word_index", "DLEX_DATA_DIR", False),
    ]
