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
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dlex.grading.exercises.declarations import Evidence, plain

JSON_NAME, NPZ_NAME = "evidence.json", "evidence.npz"
MAX_JSON_BYTES = 16 * 2**20
MAX_NPZ_BYTES = 256 * 2**20
MAX_UNPACKED_BYTES = 768 * 2**20
MAX_ARRAYS = 2000
FORMAT = "dlex-evidence/1"


class EvidenceError(Exception):
    """The evidence files are missing, too large, or not what the probe writes."""


@dataclass
class Probed:
    """What probing one exercise gave: its evidence, or the names missing, or the probe's error."""

    evidence: Evidence | None
    missing: list = field(default_factory=list)
    error: str | None = None


@dataclass
class EvidenceBundle:
    """Everything a submission's kernel sends the grader: per exercise, and the run's numbers."""

    params: dict
    metrics: dict
    exercises: dict  # exercise id -> Probed

    def to_json(self) -> str:
        """The document (``evidence.json``); the arrays are named in it, stored by :meth:`arrays`."""
        document = {
            "format": FORMAT,
            "params": plain(self.params),
            "metrics": plain(self.metrics),
            "exercises": {},
        }
        for exercise_id, probed in self.exercises.items():
            entry = {"missing": list(probed.missing), "error": probed.error, "values": {}, "arrays": []}
            if probed.evidence is not None:
                entry["values"] = plain(probed.evidence.values)
                entry["arrays"] = list(probed.evidence.arrays)
            document["exercises"][exercise_id] = entry
        return json.dumps(document)

    def arrays(self) -> dict:
        """The ``.npz`` members, one per ``"<exercise id>:<name>"``."""
        return {
            f"{exercise_id}:{name}": np.asarray(array)
            for exercise_id, probed in self.exercises.items()
            if probed.evidence is not None
            for name, array in probed.evidence.arrays.items()
        }

    @classmethod
    def from_json(cls, text: str | bytes, arrays: dict) -> "EvidenceBundle":
        """The bundle a document and its arrays describe, taking only well-formed parts."""
        return cls._from_document(_document(text), arrays)

    @classmethod
    def _from_document(cls, document: dict, arrays: dict) -> "EvidenceBundle":
        exercises = {}
        for exercise_id, entry in dict(document.get("exercises") or {}).items():
            if not isinstance(entry, dict):
                continue
            names = [n for n in entry.get("arrays") or [] if isinstance(n, str)]
            values = entry.get("values") if isinstance(entry.get("values"), dict) else {}
            evidence = Evidence(
                values, {n: arrays[f"{exercise_id}:{n}"] for n in names if f"{exercise_id}:{n}" in arrays}
            )
            error = entry.get("error")
            exercises[str(exercise_id)] = Probed(
                evidence, [str(n) for n in entry.get("missing") or []], str(error)[:2000] if error else None
            )
        params = document.get("params") if isinstance(document.get("params"), dict) else {}
        metrics = document.get("metrics") if isinstance(document.get("metrics"), dict) else {}
        return cls(params, metrics, exercises)


def write(folder: Path, bundle: EvidenceBundle) -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    np.savez(buffer, **bundle.arrays())
    (folder / NPZ_NAME).write_bytes(buffer.getvalue())
    (folder / JSON_NAME).write_text(bundle.to_json())


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


def read(folder: Path) -> EvidenceBundle:
    """The bundle in ``folder``, read as hostile input."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as exc:
        raise EvidenceError(f"no evidence folder ({exc.strerror})") from None
    try:
        raw = _read_capped(dir_fd, JSON_NAME, MAX_JSON_BYTES)
        npz = _read_capped(dir_fd, NPZ_NAME, MAX_NPZ_BYTES)
    finally:
        os.close(dir_fd)
    document = _document(raw)  # refused before any array is unpacked
    return EvidenceBundle._from_document(document, load_arrays(npz))


def _document(text: str | bytes) -> dict:
    try:
        document = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise EvidenceError(f"{JSON_NAME} is not valid JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise EvidenceError(f"{JSON_NAME} is not in the probe's format")
    return document
