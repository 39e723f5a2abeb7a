"""This environment against what the course was tested with: versions, and the labs' backends.

``requirements.lock`` (``make lock``) holds the exact versions CI tested; dlex's metadata
holds the declared ranges (``pip install dlex``). Each installed package is one of
``tested``, ``newer than tested``, ``older than tested`` (still inside the range),
``older than supported`` (below the range) or ``missing``.

    from dlex.environment import compare, find_lock
    for row in compare(find_lock()):
        print(row.name, row.installed, row.status)
"""

import importlib.util
import os
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.version import InvalidVersion, Version

from dlex.errors import DlexError

LOCK_NAME = "requirements.lock"
TESTED, NEWER, OLDER, UNSUPPORTED, MISSING = (
    "tested",
    "newer than tested",
    "older than tested",
    "older than supported",
    "missing",
)
# What a lab loses when its preferred backend is missing (docs/performance.md, "Lab 6").
FALLBACK_COST = {
    "lab06": "its convolutional network trains 2.9-4.9x slower on JAX than on "
    "TensorFlow (docs/performance.md, Lab 6)"
}
# Why a backend can be missing after a plain install (the markers in pyproject.toml).
WHY_MISSING = {"tensorflow": "TensorFlow publishes no wheel for Python 3.14 or for macOS on Intel"}


def normalize(name: str) -> str:
    """A distribution name as the package index compares it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def find_lock() -> Path | None:
    """``$DLEX_LOCK``, else the lock of the checkout dlex runs from, else None (a wheel install)."""
    if os.environ.get("DLEX_LOCK"):
        lock = Path(os.environ["DLEX_LOCK"]).expanduser()
        if not lock.is_file():
            raise DlexError(
                f"DLEX_LOCK names {lock}, which is not a file",
                f"point it at the course's {LOCK_NAME}, or unset it",
            )
        return lock
    root = Path(__file__).resolve().parents[2]
    lock = root / LOCK_NAME
    return lock if lock.is_file() and (root / "pyproject.toml").is_file() else None


def read_lock(path: Path, where: dict | None = None) -> dict[str, Version]:
    """The pins of a hashed requirements lock that apply here (or in the marker environment ``where``)."""
    text = re.sub(r"\\\n", " ", Path(path).read_text())  # join continuation lines
    pins = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        requirement = Requirement(line.split(" --hash", 1)[0])
        if requirement.marker is not None and not requirement.marker.evaluate(where):
            continue
        exact = [s for s in requirement.specifier if s.operator == "=="]
        if len(exact) != 1:
            raise ValueError(
                f"{path}: {line!r} is not an exact pin (name==version); regenerate the lock with `make lock`"
            )
        pins[normalize(requirement.name)] = Version(exact[0].version)
    return pins


def installed_versions() -> dict[str, str]:
    """Every distribution on ``sys.path``: normalized name -> version (first one wins)."""
    found = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found.setdefault(normalize(name), dist.version)
    return found


def declared_ranges(installed: dict[str, str] | None = None) -> list[Requirement]:
    """dlex's own requirements that apply here: the core ones, and each extra's if installed."""
    installed = installed_versions() if installed is None else installed
    chosen = []
    for text in metadata.requires("dlex") or []:
        requirement = Requirement(text)
        marker = requirement.marker
        if marker is None or marker.evaluate({"extra": ""}):
            chosen.append(requirement)
        elif normalize(requirement.name) in installed and _any_extra(marker):
            chosen.append(requirement)
    return chosen


def _any_extra(marker: Marker) -> bool:
    """Whether ``marker`` holds for some extra (its platform part holds here)."""
    extras = re.findall(r'extra\s*==\s*"([^"]+)"', str(marker))
    return any(marker.evaluate({"extra": extra}) for extra in extras)


@dataclass(frozen=True)
class Row:
    """One package: what is installed, what was tested, what dlex declares, and the verdict."""

    name: str
    installed: str | None
    tested: str | None
    declared: str
    direct: bool
    status: str

    @property
    def advice(self) -> str:
        pin = f'"{self.name}=={self.tested}"' if self.tested else f'"{self.name}{self.declared}"'
        return {
            TESTED: "",
            NEWER: f"should work; if a lab fails, install the tested one: pip install {pin}",
            OLDER: f"inside the supported range; the tested one: pip install {pin}",
            UNSUPPORTED: f"too old for dlex: pip install {pin} (or `make setup` in the course folder)",
            MISSING: f"pip install {pin}",
        }[self.status]


def _status(installed: str | None, tested: Version | None, requirement: Requirement | None) -> str:
    if installed is None:
        return MISSING
    try:
        version = Version(installed)
    except InvalidVersion:
        return NEWER if tested is not None else TESTED
    if requirement is not None and not requirement.specifier.contains(version, prereleases=True):
        return UNSUPPORTED
    if tested is None or version == tested:
        return TESTED
    return NEWER if version > tested else OLDER


def compare(
    lock: Path | None, installed: dict[str, str] | None = None, ranges: list[Requirement] | None = None
) -> list[Row]:
    """One row per package dlex declares or the lock pins for this platform (dlex itself left out).

    Without a lock, only the declared ranges are checked (an install from a wheel).
    """
    installed = installed_versions() if installed is None else installed
    ranges = declared_ranges(installed) if ranges is None else ranges
    pins = read_lock(lock) if lock is not None else {}
    by_name = {normalize(r.name): r for r in ranges}
    rows = []
    for name in sorted(set(by_name) | set(pins)):
        if name == "dlex":
            continue
        requirement = by_name.get(name)
        tested = pins.get(name)
        have = installed.get(name)
        if requirement is None and have is None:
            # A locked package nothing here needs any more is not missing: dlex's ranges are the judge.
            continue
        rows.append(
            Row(
                name,
                have,
                str(tested) if tested else None,
                str(requirement.specifier) if requirement else "",
                requirement is not None,
                _status(have, tested, requirement),
            )
        )
    return rows


def untested_summary(rows: list[Row]) -> str | None:
    """One line naming the packages outside what was tested, or None when all were tested."""
    off = [r for r in rows if r.status != TESTED]
    if not off:
        return None
    worst = sorted(off, key=lambda r: (r.status != UNSUPPORTED, r.status != MISSING, not r.direct))
    named = ", ".join(f"{r.name} {r.installed or '-'} ({r.status})" for r in worst[:3])
    more = f" and {len(off) - 3} more" if len(off) > 3 else ""
    return f"This environment differs from the tested one: {named}{more}. `dlex doctor` says what to do."


def backend_installed(backend: str) -> bool:
    """Whether the Keras backend's library can be imported here."""
    try:
        return importlib.util.find_spec(backend) is not None
    except (ImportError, ValueError):
        return False


def backend_fallback(lab) -> str | None:
    """The message for a lab whose preferred backend is not installed, or None."""
    import dlex
    from dlex import _backend

    if not lab.backend or _backend.USER_CHOSE_BACKEND or backend_installed(lab.backend):
        return None
    why = f" ({WHY_MISSING[lab.backend]})" if lab.backend in WHY_MISSING else ""
    cost = f"; {FALLBACK_COST[lab.name]}" if lab.name in FALLBACK_COST else ""
    return (
        f"Lab {lab.number} prefers the {lab.backend} backend, which is not installed here{why}: "
        f"it runs on {dlex.BACKEND} instead{cost}. The lessons are the same; the last digits differ."
    )


def run_notes(labs) -> list[str]:
    """What ``dlex run`` says before running ``labs``: versions outside what was tested, backends missing."""
    notes = [note for note in (untested_summary(compare(find_lock())),) if note]
    return notes + [note for note in map(backend_fallback, labs) if note]
