"""Course datasets: MNIST and IMDB exactly as Keras returns them, verified.

    from dlex.data import load_mnist, load_imdb
    (x_train, y_train), (x_test, y_test) = load_mnist()
    (x_train, y_train), (x_test, y_test) = load_imdb(num_words=10000)

Files are looked for in ``$DLEX_DATA_DIR``, then the Keras cache
(``$KERAS_HOME/datasets``, default ``~/.keras/datasets``), then downloaded into the
Keras cache (from ``$DLEX_DATA_MIRROR`` if set; never if ``DLEX_OFFLINE=1``).
Every file is verified before use: by the official file hash Keras checks, or by
hashes of its content, so a copy with the official arrays but other zip bytes is
accepted. A bad file raises :class:`DataCorruptError` naming it; a missing file
that cannot be downloaded raises :class:`DataUnavailableError`.

``dlex data status | fetch | verify`` wrap :func:`status`, :func:`fetch` and
:func:`verify`.
"""

from dlex.data.errors import DataCorruptError, DataUnavailableError
from dlex.data.imdb import get_imdb_word_index, load_imdb
from dlex.data.mnist import load_mnist, load_mnist_or_standin
from dlex.data.registry import FILES, DatasetFile, names
from dlex.data.store import FileStatus, fetch, status, verify
from dlex.data.synthetic import correlated_gaussian, noisy_line, step_series

__all__ = [
    "FILES",
    "DataCorruptError",
    "DataUnavailableError",
    "DatasetFile",
    "FileStatus",
    "correlated_gaussian",
    "fetch",
    "get_imdb_word_index",
    "load_imdb",
    "load_mnist",
    "load_mnist_or_standin",
    "names",
    "noisy_line",
    "status",
    "step_series",
    "verify",
]
