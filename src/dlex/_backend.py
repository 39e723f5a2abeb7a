"""Pick the Keras backend before Keras is imported.

JAX is the default because it was the fastest backend for most course models on a
2-core CPU (see docs/performance.md). ``KERAS_BACKEND`` set by the user always wins.
"""

import os
import sys

DEFAULT_BACKEND = "jax"
# Whether the user chose a backend (before configure() sets the default): `dlex run` then
# keeps it, instead of a lab's preferred backend (the `backend` field of a lab's header).
# A process that imported dlex has KERAS_BACKEND set by configure(); its children inherit
# it, so configure() also records the value it defaulted to, and a child treats that value
# as dlex's default rather than as the user's choice.
_DEFAULTED = "DLEX_DEFAULTED_BACKEND"
USER_CHOSE_BACKEND = ("KERAS_BACKEND" in os.environ
                      and os.environ["KERAS_BACKEND"] != os.environ.get(_DEFAULTED))


def configure() -> str:
    """Set ``KERAS_BACKEND`` to the default unless the user chose one; return it."""
    if "KERAS_BACKEND" not in os.environ:
        os.environ["KERAS_BACKEND"] = os.environ[_DEFAULTED] = DEFAULT_BACKEND
    chosen = os.environ["KERAS_BACKEND"]
    # JAX would otherwise pre-allocate 75% of a GPU; the labs need little memory.
    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if sys.modules.get("keras") is not None:
        # Keras already picked its backend at import time; report what it picked.
        import keras

        return keras.backend.backend()
    return chosen
