"""Evidence on disk: written by the probe in the learner's kernel, read safely by the grader.

A folder holds ``evidence.json`` (values, missing names, probe errors, parameter values)
and ``evidence.npz`` (arrays, one member per ``"<exercise id>:<name>"``).

Reading treats both files as hostile: no symbolic links or special files, size caps
before reading, member sizes checked before unpacking the ``.npz``, ``allow_pickle=False``,
and only numeric/boolean arrays accepted. Nothing is ever unpickled or imported.
"""

import io
import json
import os
import stat
import zipfile
from pathlib import Path

import numpy as np

from dlex.grading.spec import Evidence, plain

JSON_NAME, NPZ_NAME = "evidence.json", "evidence.npz"
MAX_JSON_BYTES = 16 * 2**20
MAX_NPZ_BYTES = 256 * 2**20
MAX_UNPACKED_BYTES = 768 * 2**20
MAX_ARRAYS = 2000
FORMAT = "dlex-evidence/1"


class EvidenceError(Exception):
    """The evidence files are missing, too large, or not what the probe writes."""


def to_bundle(results: dict, params: dict, metrics: dict) -> tuple[dict, dict]:
    """``results`` maps exercise id to ``(Evidence | None, missing, error)``."""
    document = {"format": FORMAT, "params": plain(params), "metrics": plain(metrics),
                "exercises": {}}
    arrays = {}
    for exercise_id, (evidence, missing, error) in results.items():
        entry = {"missing": list(missing), "error": error, "values": {}, "arrays": []}
        if evidence is not None:
            entry["values"] = plain(evidence.values)
            for name, array in evidence.arrays.items():
                arrays[f"{exercise_id}:{name}"] = np.asarray(array)
                entry["arrays"].append(name)
        document["exercises"][exercise_id] = entry
    return document, arrays


def write(folder: Path, document: dict, arrays: dict) -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    (folder / NPZ_NAME).write_bytes(buffer.getvalue())
    (folder / JSON_NAME).write_text(json.dumps(document))


def _read_capped(dir_fd: int, name: str, limit: int) -> bytes:
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
    except FileNotFoundError:
        raise EvidenceError(f"{name} was not written") from None
    except OSError as exc:
        raise EvidenceError(f"{name} cannot be opened safely ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise EvidenceError(f"{name} is not a regular file")
        if info.st_size > limit:
            raise EvidenceError(f"{name} is {info.st_size:,} bytes, over the {limit:,} limit")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise EvidenceError(f"{name} grew past the {limit:,}-byte limit")
        return b"".join(chunks)
    finally:
        os.close(fd)


def load_arrays(data: bytes) -> dict:
    """The arrays of an ``.npz`` held in ``data``, refusing anything but plain numbers."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise EvidenceError(f"the arrays file is not a valid .npz ({exc})") from None
    if len(members) > MAX_ARRAYS:
        raise EvidenceError(f"the arrays file holds {len(members)} members")
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise EvidenceError("the arrays file unpacks to more than the size limit")
    if any(not m.filename.endswith(".npy") for m in members):
        raise EvidenceError("the arrays file holds members that are not .npy arrays")
    arrays = {}
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            for key in npz.files:
                array = npz[key]
                if array.dtype.kind not in "biuf":
                    raise EvidenceError(f"array {key!r} has dtype {array.dtype}, not numbers")
                arrays[key] = array
    except EvidenceError:
        raise
    except Exception as exc:  # noqa: BLE001 - any malformed array is a refusal, not a crash
        raise EvidenceError(f"the arrays file cannot be read ({type(exc).__name__}: {exc})") from None
    return arrays


def read(folder: Path) -> dict:
    """``{"params", "metrics", "exercises": {id: (Evidence, missing, error)}}`` from ``folder``."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as exc:
        raise EvidenceError(f"no evidence folder ({exc.strerror})") from None
    try:
        raw = _read_capped(dir_fd, JSON_NAME, MAX_JSON_BYTES)
        npz = _read_capped(dir_fd, NPZ_NAME, MAX_NPZ_BYTES)
    finally:
        os.close(dir_fd)
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise EvidenceError(f"{JSON_NAME} is not valid JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise EvidenceError(f"{JSON_NAME} is not in the probe's format")
    arrays = load_arrays(npz)
    exercises = {}
    for exercise_id, entry in dict(document.get("exercises") or {}).items():
        if not isinstance(entry, dict):
            continue
        names = [n for n in entry.get("arrays") or [] if isinstance(n, str)]
        evidence = Evidence(values=entry.get("values") if isinstance(entry.get("values"), dict) else {},
                            arrays={n: arrays[f"{exercise_id}:{n}"] for n in names
                                    if f"{exercise_id}:{n}" in arrays})
        missing = [str(n) for n in entry.get("missing") or []]
        error = entry.get("error")
        exercises[str(exercise_id)] = (evidence, missing, str(error)[:2000] if error else None)
    params = document.get("params") if isinstance(document.get("params"), dict) else {}
    metrics = document.get("metrics") if isinstance(document.get("metrics"), dict) else {}
    return {"params": params, "metrics": metrics, "exercises": exercises}
