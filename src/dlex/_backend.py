"""Pick the Keras backend before Keras is imported.

JAX is the default because it was the fastest backend for most course models on a
2-core CPU (see docs/performance.md). ``KERAS_BACKEND`` set by the user always wins.
"""

import contextlib
import importlib.abc
import importlib.util
import os
import sys
import tempfile

DEFAULT_BACKEND = "jax"
# Whether the user chose a backend (before configure() sets the default): `dlex run` then
# keeps it, instead of a lab's preferred backend (the `backend` field of a lab's header).
# A process that imported dlex has KERAS_BACKEND set by configure(); its children inherit
# it, so configure() also records the value it defaulted to, and a child treats that value
# as dlex's default rather than as the user's choice.
_DEFAULTED = "DLEX_DEFAULTED_BACKEND"
USER_CHOSE_BACKEND = "KERAS_BACKEND" in os.environ and os.environ["KERAS_BACKEND"] != os.environ.get(
    _DEFAULTED
)


# What TensorFlow's C++ start-up writes to stderr before its log level can apply (absl logs
# these in static initialisers): informational only, yet red above a notebook's feedback.
TENSORFLOW_STARTUP_LINES = (
    "All log messages before absl::InitializeLog() is called are written to STDERR",
    "oneDNN custom operations are on",
    "This TensorFlow binary is optimized to use available CPU instructions",
    "To enable the following instructions:",
)


@contextlib.contextmanager
def without_tensorflow_startup_lines():
    """Capture file descriptor 2 meanwhile; write back every line but TensorFlow's start-up notices."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            lines = captured.read().decode(errors="replace").splitlines(keepends=True)
            kept = "".join(
                line for line in lines if not any(notice in line for notice in TENSORFLOW_STARTUP_LINES)
            )
            if kept:
                os.write(2, kept.encode())


class _QuietTensorFlowImport(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Runs the first ``import tensorflow`` (by Keras or its serializer) inside the filter above."""

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow" or self not in sys.meta_path:
            return None
        sys.meta_path.remove(self)  # one import only; also lets find_spec find the real one
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            self._loader, spec.loader = spec.loader, self
        return spec

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        module.__spec__.loader = module.__loader__ = self._loader
        with without_tensorflow_startup_lines():
            self._loader.exec_module(module)


def configure() -> str:
    """Set ``KERAS_BACKEND`` to the default unless the user chose one; return it."""
    if "KERAS_BACKEND" not in os.environ:
        os.environ["KERAS_BACKEND"] = os.environ[_DEFAULTED] = DEFAULT_BACKEND
    chosen = os.environ["KERAS_BACKEND"]
    # JAX would otherwise pre-allocate 75% of a GPU; the labs need little memory.
    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    quiet_import_installed = any(isinstance(f, _QuietTensorFlowImport) for f in sys.meta_path)
    if "tensorflow" not in sys.modules and not quiet_import_installed:
        sys.meta_path.insert(0, _QuietTensorFlowImport())
    if sys.modules.get("keras") is not None:
        # Keras already picked its backend at import time; report what it picked.
        import keras

        return keras.backend.backend()
    return chosen
