"""Shared fixtures: the real dataset folder, and an isolated home for every test.

Tests that need MNIST or IMDB use ``data_dir``. It is ``$DLEX_DATA_DIR`` (CI sets it
to ``../shared/data``). Without it the test is skipped with the reason — unless
``DLEX_REQUIRE_DATA=1`` (set by ``.ci/run``), where a missing folder is a failure.
"""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def pytest_configure(config):
    """One JAX compilation cache for the whole session (not per test, unlike DLEX_HOME):
    the labs run several times in the suite, and a warm cache cuts a rerun by about a
    third (docs/performance.md). Compiled programs are the same, so results are too."""
    if not os.environ.get("JAX_COMPILATION_CACHE_DIR"):
        import tempfile

        os.environ["JAX_COMPILATION_CACHE_DIR"] = tempfile.mkdtemp(prefix="dlex-test-jax-cache-")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    value = os.environ.get("DLEX_DATA_DIR")
    if value and (Path(value) / "mnist.npz").exists():
        return Path(value).resolve()
    message = (
        "this test needs the real MNIST/IMDB files: set DLEX_DATA_DIR to a folder "
        "holding mnist.npz, imdb.npz and imdb_word_index.json"
    )
    if os.environ.get("DLEX_REQUIRE_DATA") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    """Progress files and Keras caches go to a temporary folder, never the user's."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("DLEX_HOME", str(home / "dlex"))
    monkeypatch.setenv("KERAS_HOME", str(home / "keras"))
    monkeypatch.setenv("DLEX_OFFLINE", "1")
    if os.environ.get("DLEX_DATA_DIR"):
        monkeypatch.setenv("DLEX_DATA_DIR", str(Path(os.environ["DLEX_DATA_DIR"]).resolve()))
    return home
