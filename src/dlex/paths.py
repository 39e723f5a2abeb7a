"""Where dlex reads and writes on the learner's machine."""

import os
from pathlib import Path

HOME = "DLEX_HOME"  # per-user state (progress, caches)
DATA_DIR = "DLEX_DATA_DIR"  # a folder of pre-downloaded dataset files
KERAS_HOME = "KERAS_HOME"  # Keras's own folder (its dataset cache)
# The variables above name folders: a kernel started elsewhere needs them absolute.
PATH_VARIABLES = (DATA_DIR, KERAS_HOME, HOME)


def user_data_dir() -> Path:
    """Per-user state (progress): ``$DLEX_HOME`` or the XDG data directory."""
    if os.environ.get(HOME):
        return Path(os.environ[HOME]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base).expanduser() / "dlex"


def keras_cache_dir() -> Path:
    """The folder where Keras caches datasets: ``$KERAS_HOME/datasets``."""
    home = os.environ.get(KERAS_HOME) or Path.home() / ".keras"
    return Path(home).expanduser() / "datasets"


def data_dir_override() -> Path | None:
    """``$DLEX_DATA_DIR`` if set: a folder of pre-downloaded dataset files."""
    value = os.environ.get(DATA_DIR)
    return Path(value).expanduser() if value else None
