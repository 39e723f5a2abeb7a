"""Helpers that make damaged copies of the real dataset files for the data tests."""

import pickle
import shutil
import struct
import zipfile
from pathlib import Path

import numpy as np


def copy_to(src: Path, folder: Path, name: str | None = None) -> Path:
    """Copy ``src`` into ``folder`` (created if needed); return the new path."""
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / (name or src.name)
    shutil.copyfile(src, dest)
    return dest


def truncated(src: Path, dest: Path, fraction: float = 0.5) -> Path:
    """A copy of ``src`` cut to ``fraction`` of its bytes."""
    data = src.read_bytes()
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data[: int(len(data) * fraction)])
    return dest


def member_data_offset(path: Path, member: str) -> tuple[int, int]:
    """``(offset, size)`` of ``member``'s (compressed) data inside the zip at ``path``."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    with open(path, "rb") as f:
        f.seek(info.header_offset)
        header = f.read(30)
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    return info.header_offset + 30 + name_len + extra_len, info.compress_size


def byte_flipped(src: Path, dest: Path, member: str) -> Path:
    """A copy of ``src`` with one byte changed in the middle of ``member``'s data."""
    data = bytearray(src.read_bytes())
    offset, size = member_data_offset(src, member)
    data[offset + size // 2] ^= 0x55
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(bytes(data))
    return dest


def resaved(src: Path, dest: Path, change, compressed: bool = False) -> Path:
    """Load ``src``'s arrays, let ``change(arrays)`` alter them in place, and save a
    perfectly valid .npz at ``dest`` (so only content hashes can catch it)."""
    with np.load(src, allow_pickle=True) as f:
        arrays = {k: f[k].copy() for k in f.files}
    change(arrays)
    dest.parent.mkdir(parents=True, exist_ok=True)
    save = np.savez_compressed if compressed else np.savez
    with open(dest, "wb") as out:
        save(out, **arrays)
    return dest


class Gadget:
    """Pickles to a call of ``func(*args)``: what an attacker would embed."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def malicious_npz(dest: Path, func, *args, member: str = "x_train") -> Path:
    """An .npz whose ``member`` is an object-array .npy whose pickle calls
    ``func(*args)`` when unpickled without restrictions."""
    header = {"descr": "|O", "fortran_order": False, "shape": (1,)}
    with zipfile.ZipFile(dest, "w") as archive:
        with archive.open(f"{member}.npy", "w") as f:
            np.lib.format.write_array_header_1_0(f, header)
            f.write(pickle.dumps(Gadget(func, *args), protocol=4))
    return dest
