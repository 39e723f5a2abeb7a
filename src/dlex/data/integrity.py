"""Decide whether a file on disk is a good copy of a registry entry, and read it.

:func:`read_verified` is the only way the loaders read a dataset file: it accepts
the file if its bytes hash to the official value Keras checks, or else if its
content hashes (see :mod:`dlex.data.registry`) match. Anything else raises
:class:`~dlex.data.errors.DataCorruptError` naming the file, what was expected and
what to do. Verifying content costs about as much as reading the file (well under a
second for IMDB), so results are not cached: every load re-checks.
"""

import hashlib
import itertools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dlex.data import npz
from dlex.data.errors import DataCorruptError
from dlex.data.registry import DatasetFile

_MNIST_LAYOUT = {
    "x_train": (60000, 28, 28),
    "y_train": (60000,),
    "x_test": (10000, 28, 28),
    "y_test": (10000,),
}
_IMDB_KEYS = ("x_train", "y_train", "x_test", "y_test")


@dataclass
class Sequences:
    """A ragged object array flattened: all tokens (int32) and each sequence's length."""

    tokens: np.ndarray
    lengths: np.ndarray


def file_digest(path: Path, algorithm: str) -> str:
    """Hex digest of a file's bytes (``sha256`` or ``md5``)."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _sha256(data) -> str:
    return hashlib.sha256(data).hexdigest()


def _flatten(array: np.ndarray, key: str) -> Sequences:
    if array.dtype != object or array.ndim != 1:
        raise DataCorruptError(
            f"{key} should be a 1-D object array of lists, got {array.dtype} with shape {array.shape}"
        )
    lengths = np.fromiter((len(x) for x in array), dtype="<i4", count=len(array))
    total = int(lengths.sum(dtype=np.int64))
    tokens = np.fromiter(itertools.chain.from_iterable(array), dtype="<i4", count=total)
    return Sequences(tokens, lengths)


def _read(spec: DatasetFile, path: Path):
    """The file's payload in the form the loaders use (no hash checks)."""
    if spec.kind == "word_index":
        text = Path(path).read_bytes().decode("utf-8")
        payload = json.loads(text)
        if not isinstance(payload, dict):
            raise DataCorruptError("it is JSON but not an object mapping words to ranks")
        return payload
    arrays = npz.read_npz(path)
    wanted = _MNIST_LAYOUT if spec.kind == "mnist" else _IMDB_KEYS
    missing = [k for k in wanted if k not in arrays]
    if missing:
        raise DataCorruptError(f"it has no {', '.join(missing)} array(s)")
    if spec.kind == "mnist":
        for key, shape in _MNIST_LAYOUT.items():
            if arrays[key].dtype != np.uint8 or arrays[key].shape != shape:
                raise DataCorruptError(
                    f"{key} should be uint8 with shape {shape}, got "
                    f"{arrays[key].dtype} with shape {arrays[key].shape}"
                )
        return {k: arrays[k] for k in _MNIST_LAYOUT}
    payload = {}
    for key in _IMDB_KEYS:
        if key.startswith("x_"):
            payload[key] = _flatten(arrays[key], key)
        else:
            labels = arrays[key]
            if labels.dtype != np.int64 or labels.ndim != 1:
                raise DataCorruptError(
                    f"{key} should be 1-D int64, got {labels.dtype} with shape {labels.shape}"
                )
            payload[key] = labels
    return payload


def content_digests(spec: DatasetFile, payload) -> dict[str, str]:
    """The content hashes of a payload, keyed like ``spec.content_hashes``."""
    if spec.kind == "word_index":
        canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        return {"json": _sha256(canonical.encode("ascii"))}
    if spec.kind == "mnist":
        return {k: _sha256(np.ascontiguousarray(a).data) for k, a in payload.items()}
    digests = {}
    for key, value in payload.items():
        if isinstance(value, Sequences):
            digests[f"{key}:tokens"] = _sha256(value.tokens.astype("<i4", copy=False).data)
            digests[f"{key}:lengths"] = _sha256(value.lengths.astype("<i4", copy=False).data)
        else:
            digests[key] = _sha256(np.ascontiguousarray(value.astype("<i8", copy=False)).data)
    return digests


def _expected(spec: DatasetFile) -> str:
    return (
        f"Expected the official {spec.filename} ({spec.hash_algorithm} "
        f"{spec.file_hash[:12]}…) or a copy whose content equals it"
    )


def _bad(spec: DatasetFile, path: Path, reason: str, hint: str | None, label: str | None):
    return DataCorruptError(
        f"{label or path} is not a good copy of {spec.title} ({spec.filename}): {reason}. {_expected(spec)}.",
        hint or f"Delete {path} and run `dlex data fetch {spec.name}`.",
    )


def read_verified(
    spec: DatasetFile,
    path,
    *,
    hint: str | None = None,
    load: bool = True,
    label: str | None = None,
):
    """Verify ``path`` as ``spec`` and return its payload (``None`` if ``load=False``
    and the file hash alone proves it official).

    Payloads: MNIST, a dict of the four uint8 arrays; IMDB, a dict with
    :class:`Sequences` for ``x_*`` and int64 arrays for ``y_*``; the word index, the
    decoded dict. Raises :class:`DataCorruptError` (with ``hint`` as the remedy) if
    the file is unreadable, truncated or its content differs from the official one;
    its message names the file as ``label`` (default: the path).
    """
    path = Path(path)
    try:
        official = file_digest(path, spec.hash_algorithm) == spec.file_hash
    except OSError as exc:
        raise _bad(spec, path, f"it cannot be read ({exc.strerror or exc})", hint, label) from exc
    if official and not load:
        return None
    try:
        payload = _read(spec, path)
    except DataCorruptError as exc:
        raise _bad(spec, path, exc.message, hint, label) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(spec, path, f"it is not valid JSON ({exc})", hint, label) from exc
    except (TypeError, ValueError, OverflowError) as exc:
        raise _bad(spec, path, f"its arrays are malformed ({exc})", hint, label) from exc
    if official:
        return payload
    got = content_digests(spec, payload)
    wrong = [k for k, want in spec.content_hashes.items() if got.get(k) != want]
    if wrong:
        details = "; ".join(
            f"{k} content sha256 {got.get(k, 'missing')[:12]}… ≠ official {spec.content_hashes[k][:12]}…"
            for k in wrong
        )
        raise _bad(
            spec,
            path,
            f"its bytes are not the official file and its content differs ({details})",
            hint,
            label,
        )
    return payload
