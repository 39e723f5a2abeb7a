"""Download a dataset file into a folder, verified, atomically.

The file is streamed to a hidden temporary file next to its destination, verified
with :func:`dlex.data.integrity.read_verified`, and only then renamed into place, so
the destination is either absent or a verified file, even if the download is
interrupted or two processes fetch at once.

Environment:

* ``DLEX_DATA_MIRROR``: base URL (or local folder) to download from instead of
  Keras's server, e.g. an instructor's mirror: ``<mirror>/<filename>``.
* ``DLEX_OFFLINE=1``: never download.
"""

import http.client
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from dlex.data import integrity
from dlex.data.errors import DataUnavailableError
from dlex.data.registry import DatasetFile

TIMEOUT_S = 10  # connect (and per-read) timeout, so offline machines fail fast
CHUNK = 1 << 20
_TRUE = {"1", "true", "yes", "on"}


def is_offline() -> bool:
    """True if ``DLEX_OFFLINE`` forbids downloads."""
    return os.environ.get("DLEX_OFFLINE", "").strip().lower() in _TRUE


def mirror_base() -> str | None:
    """``DLEX_DATA_MIRROR`` as a base URL ending in ``/`` (a plain folder becomes
    a ``file://`` URL), or ``None`` if unset."""
    value = os.environ.get("DLEX_DATA_MIRROR", "").strip()
    if not value:
        return None
    if "://" not in value:
        value = Path(value).expanduser().resolve().as_uri()
    return value if value.endswith("/") else value + "/"


def url_for(spec: DatasetFile) -> str:
    """Where ``spec`` is downloaded from: the mirror if set, else Keras's server."""
    base = mirror_base()
    return base + spec.filename if base else spec.url


def _progress():
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"the server answered HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        if not isinstance(exc.reason, BaseException):
            return str(exc.reason)
        exc = exc.reason
    if isinstance(exc, TimeoutError):
        return f"no answer within {TIMEOUT_S} s"
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def download(spec: DatasetFile, dest_dir: Path, *, looked_in: str = "") -> Path:
    """Download ``spec`` into ``dest_dir/spec.filename``, verified; return that path.

    Raises :class:`DataUnavailableError` if downloads are off or the transfer fails,
    and :class:`~dlex.data.errors.DataCorruptError` if what arrived is not a good
    copy (nothing is left behind in either case). An existing destination file is
    replaced only after the new one has been verified.
    """
    url = url_for(spec)
    where = f" {looked_in}" if looked_in else ""
    if is_offline():
        raise DataUnavailableError(
            f"{spec.filename} is not on this machine and downloads are off (DLEX_OFFLINE=1).{where}",
            f"Unset DLEX_OFFLINE and run `dlex data fetch {spec.name}`, or copy "
            f"{spec.filename} into {dest_dir} (or a folder named by DLEX_DATA_DIR).",
        )
    dest_dir = Path(dest_dir)
    dest = dest_dir / spec.filename
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{spec.filename}.", suffix=".part", dir=dest_dir)
    except OSError as exc:
        raise DataUnavailableError(
            f"Cannot write to {dest_dir} to download {spec.filename}: {_reason(exc)}.",
            "Set KERAS_HOME to a writable folder, or place the file in DLEX_DATA_DIR.",
        ) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                request = urllib.request.Request(url, headers={"User-Agent": "dlex"})
                with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                    total = int(response.headers.get("Content-Length") or 0) or None
                    with _progress() as progress:
                        task = progress.add_task(f"Downloading {spec.filename}", total=total)
                        for chunk in iter(lambda: response.read(CHUNK), b""):
                            out.write(chunk)
                            progress.advance(task, len(chunk))
                    if total is not None and out.tell() != total:
                        raise OSError(f"connection closed after {out.tell()} of {total} bytes")
            except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
                raise DataUnavailableError(
                    f"Could not download {spec.filename} from {url}: {_reason(exc)}.{where}",
                    f"Check the internet connection (or DLEX_DATA_MIRROR), then run "
                    f"`dlex data fetch {spec.name}`; or download {spec.url} on another "
                    f"machine and copy it into {dest_dir} or a folder named by "
                    "DLEX_DATA_DIR. Set DLEX_OFFLINE=1 to skip download attempts.",
                ) from exc
        integrity.read_verified(
            spec,
            tmp,
            load=False,
            label=f"The {spec.filename} downloaded from {url}",
            hint=(
                f"Nothing was saved. The file served at {url} is bad: try again, or "
                "check the mirror (DLEX_DATA_MIRROR) if one is set."
            ),
        )
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a cache file is not secret
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest
