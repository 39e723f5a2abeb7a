"""Shared fixtures for the data-layer tests.

Every test runs with an empty temporary Keras cache, no mirror and DLEX_OFFLINE=1,
so nothing can reach the network by accident; tests that exercise downloads turn
DLEX_OFFLINE off and point DLEX_DATA_MIRROR at a loopback server they start.
DLEX_DATA_DIR points at the real shared dataset files (as in CI).
"""

import functools
import http.server
import os
import socket
import threading
from pathlib import Path

import pytest

_SHARED_ENV = os.environ.get("DLEX_DATA_DIR")
SHARED = Path(_SHARED_ENV).resolve() if _SHARED_ENV else None
FILENAMES = ("mnist.npz", "imdb.npz", "imdb_word_index.json")


def _have_shared() -> bool:
    return SHARED is not None and all((SHARED / f).is_file() for f in FILENAMES)


@pytest.fixture(scope="session")
def shared() -> Path:
    """The folder of real dataset files named by DLEX_DATA_DIR."""
    if not _have_shared():
        pytest.skip("set DLEX_DATA_DIR to the folder with the shared dataset files")
    return SHARED


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path):
    """Empty Keras cache, offline, no mirror; DLEX_DATA_DIR = the shared files."""
    keras_home = tmp_path / "keras_home"
    keras_home.mkdir()
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    monkeypatch.setenv("DLEX_HOME", str(tmp_path / "dlex_home"))
    monkeypatch.setenv("DLEX_OFFLINE", "1")
    monkeypatch.delenv("DLEX_DATA_MIRROR", raising=False)
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    if SHARED is not None:
        monkeypatch.setenv("DLEX_DATA_DIR", str(SHARED))
    else:
        monkeypatch.delenv("DLEX_DATA_DIR", raising=False)
    return keras_home


@pytest.fixture
def cache_dir(isolated_env) -> Path:
    """The (empty) Keras datasets cache of this test."""
    return isolated_env / "datasets"


@pytest.fixture
def data_dir(monkeypatch, tmp_path) -> Path:
    """An empty folder set as DLEX_DATA_DIR; tests put (bad) files in it."""
    folder = tmp_path / "data_dir"
    folder.mkdir()
    monkeypatch.setenv("DLEX_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def online(monkeypatch):
    """Allow downloads (only ever from a loopback mirror a test sets)."""
    monkeypatch.delenv("DLEX_OFFLINE", raising=False)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def serve(monkeypatch, online):
    """``serve(folder)`` starts a loopback HTTP server for ``folder`` and sets
    DLEX_DATA_MIRROR to it; returns the base URL."""
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        monkeypatch.setenv("DLEX_DATA_MIRROR", url)
        return url

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
