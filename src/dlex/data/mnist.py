"""MNIST, exactly as ``keras.datasets.mnist.load_data()`` returns it, plus a stand-in."""

import numpy as np

from dlex.data import standin, store
from dlex.data.errors import DataUnavailableError

MNISTSplits = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def load_mnist() -> MNISTSplits:
    """``(x_train, y_train), (x_test, y_test)``: uint8 arrays of shapes
    (60000, 28, 28), (60000,), (10000, 28, 28), (10000,), pixels 0-255, in the
    official order; the same arrays as ``keras.datasets.mnist.load_data()``.

    The file is found as described in :mod:`dlex.data.store` (``DLEX_DATA_DIR``,
    the Keras cache, then a verified download) and verified on every load.
    Raises :class:`~dlex.errors.DataError` if it is missing and cannot be
    downloaded, or if the copy found is bad.
    """
    arrays = store.load("mnist")
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def load_mnist_or_standin() -> tuple[MNISTSplits, str]:
    """``(splits, source)``: real MNIST (``source == "mnist"``) if it can be had,
    else, with a printed notice, scikit-learn's digits upscaled to MNIST's format
    (``source == "digits"``; see :func:`dlex.data.standin.digits_as_mnist`).

    Only a *missing* MNIST that cannot be downloaded leads to the stand-in; a bad
    mnist.npz still raises :class:`~dlex.data.errors.DataCorruptError`.
    """
    try:
        return load_mnist(), "mnist"
    except DataUnavailableError:
        print(standin.NOTICE, flush=True)
        return standin.digits_as_mnist(), "digits"
