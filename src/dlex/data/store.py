"""Where dataset files are found, and the status / verify / fetch operations.

Look-up order for each file:

1. ``$DLEX_DATA_DIR/<filename>`` (a folder of pre-downloaded files, e.g. a course
   share);
2. the Keras cache, ``$KERAS_HOME/datasets/<filename>`` (``~/.keras/datasets``);
3. a verified download into the Keras cache (unless ``DLEX_OFFLINE=1``).

The first copy found is the one used. If it is bad, that is an error naming the
file: dlex never quietly moves on to another copy or re-downloads over it.
"""

from dataclasses import dataclass
from pathlib import Path

from dlex.data import download, integrity, registry
from dlex.data.errors import DataCorruptError
from dlex.data.registry import DatasetFile
from dlex.paths import data_dir_override, keras_cache_dir

DATA_DIR = "DLEX_DATA_DIR"
KERAS_CACHE = "Keras cache"
DOWNLOADED = "downloaded"


@dataclass(frozen=True)
class Location:
    """A place a file may be: its source label and full path."""

    source: str
    path: Path


@dataclass(frozen=True)
class FileStatus:
    """What is known about one dataset file.

    ``state`` is ``"ok"`` (verified), ``"bad"`` (present but failed verification;
    ``reason`` says why) or ``"missing"`` (``source``, ``path`` and ``size`` are
    ``None``). ``downloaded`` is True if :func:`fetch` just downloaded it.
    """

    name: str
    filename: str
    source: str | None
    path: Path | None
    size: int | None
    state: str
    reason: str | None = None
    hint: str | None = None
    downloaded: bool = False

    @property
    def ok(self) -> bool:
        return self.state == "ok"


def locations(spec: DatasetFile) -> list[Location]:
    """Every place ``spec`` is looked for, in order (present or not)."""
    places = []
    override = data_dir_override()
    if override is not None:
        places.append(Location(DATA_DIR, override / spec.filename))
    places.append(Location(KERAS_CACHE, keras_cache_dir() / spec.filename))
    return places


def find(spec: DatasetFile) -> Location | None:
    """The first location that holds a file for ``spec``, or ``None``."""
    for place in locations(spec):
        if place.path.is_file():
            return place
    return None


def looked_in(spec: DatasetFile) -> str:
    """One sentence saying where ``spec`` was looked for."""
    override = data_dir_override()
    if override is None:
        data_dir = f"{DATA_DIR} (not set)"
    elif not override.is_dir():
        data_dir = f"{DATA_DIR} ({override}, which is not a folder)"
    else:
        data_dir = f"{DATA_DIR} ({override})"
    return f"Looked in {data_dir} and the {KERAS_CACHE} ({keras_cache_dir()})."


def fix_hint(spec: DatasetFile, place: Location) -> str:
    """What to do about a bad file at ``place``."""
    if place.source == DATA_DIR:
        return (
            f"Replace {place.path} with a good copy, or point {DATA_DIR} at another "
            f"folder (or unset it) and run `dlex data fetch {spec.name}`."
        )
    return (
        f"Delete {place.path} and run `dlex data fetch {spec.name}`, or set "
        f"{DATA_DIR} to a folder holding a good copy."
    )


def _check(spec: DatasetFile, place: Location) -> FileStatus:
    size = place.path.stat().st_size
    try:
        integrity.read_verified(spec, place.path, load=False, hint=fix_hint(spec, place))
    except DataCorruptError as exc:
        return FileStatus(
            spec.name, spec.filename, place.source, place.path, size, "bad", exc.message, exc.hint
        )
    return FileStatus(spec.name, spec.filename, place.source, place.path, size, "ok")


def _missing(spec: DatasetFile) -> FileStatus:
    return FileStatus(spec.name, spec.filename, None, None, None, "missing", looked_in(spec))


def _specs(name: str | None) -> list[DatasetFile]:
    return list(registry.FILES.values()) if name is None else [registry.get(name)]


def load(name: str):
    """The verified payload of dataset file ``name`` (see
    :func:`dlex.data.integrity.read_verified`), downloading it if it is nowhere.

    Raises :class:`~dlex.data.errors.DataCorruptError` if the copy found (or
    downloaded) is bad, :class:`~dlex.data.errors.DataUnavailableError` if there is
    none and it cannot be downloaded.
    """
    spec = registry.get(name)
    place = find(spec)
    if place is None:
        path = download.download(spec, keras_cache_dir(), looked_in=looked_in(spec))
        place = Location(DOWNLOADED, path)
    return integrity.read_verified(spec, place.path, hint=fix_hint(spec, place))


def status(name: str | None = None) -> list[FileStatus]:
    """For each dataset file (or just ``name``): the copy that would be used,
    verified, or a ``missing`` record."""
    return [_check(spec, place) if (place := find(spec)) else _missing(spec) for spec in _specs(name)]


def verify(name: str | None = None) -> list[FileStatus]:
    """Verify every copy present, in every location (also copies that a copy
    earlier in the look-up order hides). Files present nowhere are not listed."""
    return [_check(spec, place) for spec in _specs(name) for place in locations(spec) if place.path.is_file()]


def fetch(name: str | None = None) -> list[FileStatus]:
    """Make sure each dataset file (or just ``name``) is available and good,
    downloading into the Keras cache what is missing.

    A bad copy in the Keras cache is replaced by a verified download. A bad copy
    in ``DLEX_DATA_DIR`` raises :class:`~dlex.data.errors.DataCorruptError`: dlex
    does not write there, and it would shadow any download.
    """
    results = []
    for spec in _specs(name):
        place = find(spec)
        if place is not None:
            current = _check(spec, place)
            if current.ok:
                results.append(current)
                continue
            if place.source == DATA_DIR or download.is_offline():
                raise DataCorruptError(current.reason, current.hint)
        path = download.download(spec, keras_cache_dir(), looked_in=looked_in(spec))
        results.append(
            FileStatus(
                spec.name,
                spec.filename,
                KERAS_CACHE,
                path,
                path.stat().st_size,
                "ok",
                downloaded=True,
            )
        )
    return results
