"""Read ``.npz`` archives without unrestricted pickle.

``numpy.load(path, allow_pickle=True)`` would run any code a tampered file's pickle
asks for. IMDB needs pickle only to rebuild object arrays of lists, so this reader
opens the archive as a zip, parses each member's ``.npy`` header itself, reads
numeric arrays straight into memory, and unpickles object arrays with
:class:`RestrictedUnpickler`, which resolves only the NumPy globals that rebuilding
an array needs.

Every problem (unreadable zip, bad header, short data, failed CRC, refused pickle)
raises :class:`~dlex.data.errors.DataCorruptError` whose message says what is wrong
but not which file: :mod:`dlex.data.integrity` adds the path and the remedy.
"""

import io
import math
import pickle
import zipfile
import zlib

import numpy as np

from dlex.data._gc import gc_paused
from dlex.data.errors import DataCorruptError

# A member larger than this is refused before anything is allocated (the largest
# course array, MNIST's x_train, is 47 MB).
MAX_MEMBER_BYTES = 1 << 30

# The function NumPy's own pickles name as ``numpy._core.multiarray._reconstruct``
# (``numpy.core.multiarray._reconstruct`` in files written by NumPy < 2). Taken from
# an array's __reduce__ so no private module is imported by name.
_RECONSTRUCT = np.empty(0, dtype=object).__reduce__()[0]

ALLOWED_GLOBALS = {
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("numpy._core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy.core.multiarray", "_reconstruct"): _RECONSTRUCT,
}


class RestrictedUnpickler(pickle.Unpickler):
    """Unpickles NumPy object arrays and plain Python data, and nothing else.

    Lists, tuples, dicts, ints, floats and strings need no globals; the only globals
    resolved are those in :data:`ALLOWED_GLOBALS`. Any other (``os.system``,
    ``builtins.eval`` ...) raises :class:`DataCorruptError` before it is imported.
    """

    def find_class(self, module, name):
        try:
            return ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise DataCorruptError(
                f"its pickled data asks for `{module}.{name}`, which a dataset never "
                "needs; it was refused (the file may have been tampered with)",
                "Do not use this file; get a fresh copy.",
            ) from None

    def persistent_load(self, pid):
        raise DataCorruptError(
            "its pickled data uses persistent ids, which a dataset never needs",
            "Do not use this file; get a fresh copy.",
        )


def _read_header(fp):
    """Parse a ``.npy`` header: ``(shape, fortran_order, dtype)``."""
    version = np.lib.format.read_magic(fp)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(fp)
    if version in ((2, 0), (3, 0)):
        # 3.0 differs from 2.0 only in the header's text encoding (utf-8, not
        # latin-1); the layout is the same, and dataset headers are plain ASCII.
        return np.lib.format.read_array_header_2_0(fp)
    raise ValueError(f"unsupported .npy format version {version}")


def _readinto_exact(fp, buffer) -> None:
    view = memoryview(buffer).cast("B")
    filled = 0
    while filled < len(view):
        n = fp.readinto(view[filled:])
        if not n:
            raise DataCorruptError(f"an array's data is cut short ({filled} of {len(view)} bytes)")
        filled += n


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> np.ndarray:
    if info.file_size > MAX_MEMBER_BYTES:
        raise DataCorruptError(f"member {info.filename} claims {info.file_size} bytes")
    with archive.open(info) as fp:
        shape, fortran_order, dtype = _read_header(fp)
        if dtype.hasobject:
            # Read the rest (to EOF, so zipfile checks the CRC) and unpickle it.
            with gc_paused():
                array = RestrictedUnpickler(io.BytesIO(fp.read())).load()
            if not isinstance(array, np.ndarray) or array.dtype != dtype:
                raise DataCorruptError(
                    f"{info.filename} does not unpickle to the {dtype} array its header announces"
                )
            if array.shape != tuple(shape):
                raise DataCorruptError(
                    f"{info.filename} unpickles to shape {array.shape}, its header says {tuple(shape)}"
                )
            return array
        count = math.prod(shape)
        if count * dtype.itemsize > info.file_size:
            raise DataCorruptError(
                f"{info.filename} announces {count * dtype.itemsize} bytes of data "
                f"but the member holds only {info.file_size}"
            )
        flat = np.empty(count, dtype=dtype)
        _readinto_exact(fp, flat.view(np.uint8))
        fp.read()  # drain to EOF: this is where zipfile verifies the CRC-32
    if fortran_order:
        return flat.reshape(shape[::-1]).transpose()
    return flat.reshape(shape)


def read_npz(path, members=None) -> dict[str, np.ndarray]:
    """Read the arrays of an ``.npz`` file (all, or those named in ``members``).

    Numeric arrays come back writable and C-ordered (unless stored Fortran-ordered),
    as ``numpy.load`` returns them; object arrays are rebuilt by
    :class:`RestrictedUnpickler`.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            arrays = {}
            for info in archive.infolist():
                if not info.filename.endswith(".npy"):
                    continue
                key = info.filename[: -len(".npy")]
                if members is not None and key not in members:
                    continue
                arrays[key] = _read_member(archive, info)
            return arrays
    except DataCorruptError:
        raise
    except zipfile.BadZipFile as exc:
        raise DataCorruptError(
            f"it is not a readable .npz (zip) archive, so it is probably truncated or damaged ({exc})"
        ) from exc
    except (EOFError, zlib.error, ValueError, OSError) as exc:
        raise DataCorruptError(
            f"it could not be read as an .npz archive ({type(exc).__name__}: {exc})"
        ) from exc
    except Exception as exc:  # anything a damaged pickle stream can raise
        raise DataCorruptError(f"its data could not be decoded ({type(exc).__name__}: {exc})") from exc
