"""dlex.data returns exactly what Keras's own loaders return, on the real files.

Keras's ``load_data()`` / ``get_word_index()`` first call ``get_file``, which checks
the cached file's hash against the official *file* hash and, on a mismatch, tries
to download the original. The shared copies hold the official arrays in different
zip bytes, so that check would reject them (and this machine is offline). The
tests therefore put a copy in a temporary ``KERAS_HOME/datasets`` and patch only
that fetch step (``keras.src.datasets.{mnist,imdb}.get_file``) to return the
cached path; everything after it is Keras's real code.
"""

import numpy as np
import pytest
from datahelpers import copy_to

from dlex.data import get_imdb_word_index, imdb, integrity, load_imdb, load_mnist, registry


@pytest.fixture(scope="module")
def keras_home(shared, tmp_path_factory):
    home = tmp_path_factory.mktemp("keras_parity_home")
    for name in ("mnist.npz", "imdb.npz", "imdb_word_index.json"):
        copy_to(shared / name, home / "datasets")
    return home


def _patch_get_file(module, folder, mp):
    """Replace ``module.get_file`` with a look-up in ``folder`` (the cache)."""

    def get_file(fname, origin, file_hash=None, **kwargs):
        # Also proves our registry's URLs and official hashes are Keras's.
        spec = next(f for f in registry.FILES.values() if f.filename == fname)
        assert origin == spec.url
        assert file_hash == spec.file_hash
        return str(folder / fname)

    mp.setattr(module, "get_file", get_file)


@pytest.fixture(scope="module")
def keras_datasets(keras_home):
    from keras.src.datasets import imdb as keras_imdb
    from keras.src.datasets import mnist as keras_mnist

    with pytest.MonkeyPatch.context() as mp:
        _patch_get_file(keras_mnist, keras_home / "datasets", mp)
        _patch_get_file(keras_imdb, keras_home / "datasets", mp)
        yield keras_mnist, keras_imdb


def _case_id(kwargs):
    return ",".join(f"{k}={v}" for k, v in kwargs.items()) or "defaults"


def assert_same_imdb(ours, theirs):
    for (ox, oy), (tx, ty) in zip(ours, theirs):
        assert ox.dtype == tx.dtype == object
        assert ox.shape == tx.shape
        assert ox.tolist() == tx.tolist()
        assert oy.dtype == ty.dtype == np.int64
        np.testing.assert_array_equal(oy, ty)
    (x_train, _), _ = ours
    if x_train.ndim == 1:  # (2-D when all reviews kept have one length, as in Keras)
        assert type(x_train[0]) is list and type(x_train[0][0]) is int


def test_mnist_equals_shared_file_and_keras(shared, keras_datasets):
    keras_mnist, _ = keras_datasets
    ours = load_mnist()
    theirs = keras_mnist.load_data()
    with np.load(shared / "mnist.npz") as f:
        raw = [(f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])]
    shapes = [((60000, 28, 28), (60000,)), ((10000, 28, 28), (10000,))]
    for (ox, oy), (kx, ky), (rx, ry), (sx, sy) in zip(ours, theirs, raw, shapes):
        for o, k, r, shape in ((ox, kx, rx, sx), (oy, ky, ry, sy)):
            assert o.dtype == k.dtype == np.uint8
            assert o.shape == k.shape == shape
            assert o.flags.c_contiguous and o.flags.writeable
            np.testing.assert_array_equal(o, k)
            np.testing.assert_array_equal(o, r)
    assert ours[0][1][:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]


def test_word_index_equals_keras(keras_datasets):
    _, keras_imdb = keras_datasets
    ours = get_imdb_word_index()
    assert ours == keras_imdb.get_word_index()
    assert len(ours) == 88584


# Full-size comparisons: each costs a few seconds (mostly Keras's list
# comprehensions), so three combinations run on the real file; many more (and the
# edge cases) run on a small slice of it below.
FULL_CASES = [
    {"num_words": 10000, "skip_top": 20, "maxlen": 400, "seed": 7},
    {"start_char": None, "index_from": 5, "maxlen": 250, "seed": 1, "num_words": 20000},
]


def test_imdb_defaults_equal_keras_and_published_values(keras_datasets):
    _, keras_imdb = keras_datasets
    ours = load_imdb()
    assert_same_imdb(ours, keras_imdb.load_data())
    (x_train, y_train), (x_test, y_test) = ours
    assert x_train[0][:7] == [1, 14, 22, 16, 43, 530, 973]
    assert len(x_train[0]) == 218 and len(x_train[1]) == 189 and len(x_test[0]) == 68
    assert y_train[:10].tolist() == [1, 0, 0, 1, 0, 0, 1, 0, 1, 0]
    assert y_test[:3].tolist() == [0, 1, 1] and y_test[-3:].tolist() == [0, 0, 0]


@pytest.mark.parametrize("kwargs", FULL_CASES, ids=_case_id)
def test_imdb_equals_keras(keras_datasets, kwargs):
    _, keras_imdb = keras_datasets
    assert_same_imdb(load_imdb(**kwargs), keras_imdb.load_data(**kwargs))


# ---- many argument combinations on a small slice of the real file -------------

SLICE_CASES = [
    {},
    {"num_words": 100},
    {"num_words": 500, "skip_top": 30, "oov_char": None},
    {"start_char": None, "index_from": 0},
    {"start_char": None, "index_from": 0, "oov_char": None, "num_words": 50},
    {"maxlen": 120, "seed": 5},
    {"start_char": 0, "index_from": 10, "skip_top": 2},
    {"num_words": 0, "skip_top": 5, "oov_char": 7, "seed": 0},
    {"maxlen": 60, "num_words": 300, "oov_char": None, "start_char": None, "index_from": 1},
]


def _slice_npz(src, dest, keep):
    with np.load(src, allow_pickle=True) as f:
        arrays = {k: f[k][keep] for k in f.files}
    np.savez(dest, **arrays)
    return dest


@pytest.fixture(scope="module")
def imdb_slice(shared, tmp_path_factory):
    """100 positive + 100 negative reviews of each split, as an imdb.npz."""
    folder = tmp_path_factory.mktemp("imdb_slice")
    keep = np.r_[0:100, 12500:12600]
    return _slice_npz(shared / "imdb.npz", folder / "imdb.npz", keep)


def _compare_on(path, keras_imdb, kwargs):
    """Our processing vs Keras's loader on an (unofficial) file at ``path``."""
    # integrity._read parses without the content check (the slice is not official).
    payload = integrity._read(registry.IMDB, path)
    try:
        theirs = keras_imdb.load_data(**kwargs)
    except ValueError as exc:
        with pytest.raises(ValueError) as ours:
            imdb.process(payload, **kwargs)
        assert type(ours.value) is type(exc)
        return
    assert_same_imdb(imdb.process(payload, **kwargs), theirs)


@pytest.mark.parametrize("kwargs", SLICE_CASES, ids=_case_id)
def test_imdb_processing_equals_keras_on_slice(imdb_slice, kwargs):
    from keras.src.datasets import imdb as keras_imdb

    with pytest.MonkeyPatch.context() as mp:
        _patch_get_file(keras_imdb, imdb_slice.parent, mp)
        _compare_on(imdb_slice, keras_imdb, kwargs)


def _tiny_npz(folder, reviews):
    x = np.empty(len(reviews), dtype=object)
    x[:] = reviews
    labels = np.arange(len(reviews), dtype=np.int64) % 2
    folder.mkdir()
    np.savez(folder / "imdb.npz", x_train=x, y_train=labels, x_test=x, y_test=1 - labels)
    return folder / "imdb.npz"


@pytest.mark.parametrize(
    "reviews,kwargs",
    [
        # Equal-length survivors: Keras's np.array(..., dtype=object) is then 2-D.
        ([[5, 6], [7, 8], [1, 2, 3]], {"maxlen": 4}),
        ([[5, 6], [7, 8], [1, 2, 3]], {"maxlen": 3, "start_char": None, "index_from": 0}),
        ([[5, 6], [7, 8], [1, 2, 3]], {"maxlen": 1}),  # nothing kept: ValueError
        ([[5, 6], [], [1, 2, 3]], {}),
        ([[5, 6], [], [1, 2, 3]], {"start_char": None}),  # empty review: max() fails
        ([[5, 6], [], [1, 2, 3]], {"start_char": None, "num_words": 9, "oov_char": None}),
    ],
)
def test_imdb_edge_cases_equal_keras(tmp_path, reviews, kwargs):
    from keras.src.datasets import imdb as keras_imdb

    path = _tiny_npz(tmp_path / "tiny", reviews)
    with pytest.MonkeyPatch.context() as mp:
        _patch_get_file(keras_imdb, path.parent, mp)
        _compare_on(path, keras_imdb, kwargs)


def test_equal_length_survivors_give_2d_object_array(tmp_path):
    path = _tiny_npz(tmp_path / "tiny", [[5, 6], [7, 8], [1, 2, 3]])
    (x_train, _), _ = imdb.process(integrity._read(registry.IMDB, path), maxlen=4)
    assert x_train.shape == (2, 3) and x_train.dtype == object
