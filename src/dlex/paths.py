"""Where dlex reads and writes on the learner's machine."""

import os
from pathlib import Path


def user_data_dir() -> Path:
    """Per-user state (progress): ``$DLEX_HOME`` or the XDG data directory."""
    if os.environ.get("DLEX_HOME"):
        return Path(os.environ["DLEX_HOME"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base).expanduser() / "dlex"


def keras_cache_dir() -> Path:
    """The folder where Keras caches datasets: ``$KERAS_HOME/datasets``."""
    home = os.environ.get("KERAS_HOME") or Path.home() / ".keras"
    return Path(home).expanduser() / "datasets"


def data_dir_override() -> Path | None:
    """``$DLEX_DATA_DIR`` if set: a folder of pre-downloaded dataset files."""
    value = os.environ.get("DLEX_DATA_DIR")
    return Path(value).expanduser() if value else None
