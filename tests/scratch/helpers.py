"""Helpers shared by the dlex.scratch tests (fixtures live in conftest.py)."""

import numpy as np

ATOL = 1e-6  # parity tolerance between NumPy and Keras, float64 everywhere
# On the JAX backend some Keras code computes in float32 even for float64 inputs:
# keras.backend.result_type demotes float64 to float32 there, which BatchNormalization
# and ops.mean (used by the losses) rely on. Comparisons with those paths also allow
# this relative error; it is still far below what any wrong formula would produce.
KERAS_F32_RTOL = 1e-5
FD_TOL = 1e-6  # largest relative error gradient_check may report for a correct backward


def numpy_of(tensor):
    """A backend tensor (or a list of them) as NumPy."""
    if isinstance(tensor, (list, tuple)):
        return [numpy_of(t) for t in tensor]
    import keras

    return keras.ops.convert_to_numpy(tensor)


def linear_probe(forward, rng):
    """Turn ``forward(params) -> (y, backward)`` into ``f(params) -> (loss, grads)`` for gradient_check.

    ``backward(dy)`` must return the list of gradients for ``params``. The scalar loss is
    ``sum(y * r)`` for a fixed random ``r``, so ``dL/dy = r``.
    """
    probe = {}

    def f(params):
        y, backward = forward(params)
        if "r" not in probe:
            probe["r"] = rng.normal(size=np.shape(y))
        return float(np.sum(y * probe["r"])), list(backward(probe["r"]))

    return f
