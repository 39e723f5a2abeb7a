"""Activation functions and their derivatives, in NumPy (Lab 3).

Every function takes an array of any shape. ``f_grad(x)`` is the derivative of ``f``
evaluated at ``x``: elementwise for the elementwise activations, the full Jacobian of
shape ``(..., K, K)`` for ``softmax`` (use ``softmax_vjp`` inside backprop).
"""

import numpy as np

__all__ = [
    "linear",
    "linear_grad",
    "relu",
    "relu_grad",
    "leaky_relu",
    "leaky_relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "tanh",
    "tanh_grad",
    "softmax",
    "softmax_grad",
    "softmax_vjp",
    "log_softmax",
    "log_sigmoid",
    "get",
]


def linear(x):
    """Identity: ``f(x) = x``."""
    return np.asarray(x)


def linear_grad(x):
    """Derivative of the identity: ones."""
    x = np.asarray(x)
    return np.ones(x.shape, dtype=_float_dtype(x))


def relu(x):
    """Rectified linear unit: ``max(x, 0)``."""
    x = np.asarray(x)
    return np.maximum(x, 0).astype(x.dtype, copy=False)


def relu_grad(x):
    """Derivative of ``relu``: 1 where ``x > 0``, else 0 (0 at the kink, as Keras)."""
    x = np.asarray(x)
    return (x > 0).astype(_float_dtype(x))


def leaky_relu(x, negative_slope=0.2):
    """Leaky ReLU: ``x`` for ``x >= 0``, ``negative_slope * x`` otherwise (Keras default 0.2)."""
    x = np.asarray(x)
    return np.where(x >= 0, x, negative_slope * x)


def leaky_relu_grad(x, negative_slope=0.2):
    """Derivative of ``leaky_relu``: 1 for ``x >= 0``, ``negative_slope`` otherwise."""
    x = np.asarray(x)
    return np.where(x >= 0, 1.0, negative_slope).astype(_float_dtype(x))


def sigmoid(x):
    """Logistic sigmoid ``1 / (1 + exp(-x))``, without overflow for large ``|x|``."""
    x = np.asarray(x, dtype=_float_dtype(x))
    # exp(-|x|) never overflows; the two branches are the same function rearranged.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(x):
    """Derivative of ``sigmoid``: ``s * (1 - s)``."""
    s = sigmoid(x)
    return s * (1.0 - s)


def log_sigmoid(x):
    """``log(sigmoid(x))`` computed stably: ``-log1p(exp(-x))``."""
    x = np.asarray(x, dtype=_float_dtype(x))
    return np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))


def tanh(x):
    """Hyperbolic tangent."""
    return np.tanh(x)


def tanh_grad(x):
    """Derivative of ``tanh``: ``1 - tanh(x)**2``."""
    t = np.tanh(x)
    return 1.0 - t * t


def softmax(x, axis=-1):
    """Softmax along ``axis``; subtracting the maximum first keeps ``exp`` finite."""
    x = np.asarray(x, dtype=_float_dtype(x))
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x, axis=-1):
    """``log(softmax(x))`` computed stably (log-sum-exp)."""
    x = np.asarray(x, dtype=_float_dtype(x))
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax_grad(x):
    """Jacobian of ``softmax`` over the last axis: ``diag(s) - s sᵀ``, shape ``(..., K, K)``."""
    s = softmax(x)
    return s[..., :, None] * np.eye(s.shape[-1], dtype=s.dtype) - s[..., :, None] * s[..., None, :]


def softmax_vjp(x, dy):
    """Backprop through ``softmax`` (last axis): ``Jᵀ dy = s * (dy - sum(dy * s))``."""
    s = softmax(x)
    return s * (dy - np.sum(dy * s, axis=-1, keepdims=True))


_BY_NAME = {
    "linear": (linear, linear_grad),
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "softmax": (softmax, softmax_grad),
}


def get(name):
    """Return the pair ``(f, f_grad)`` for an activation name such as ``"relu"``."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(_BY_NAME)}") from None


def _float_dtype(x):
    """The float dtype to compute in: keep float32/float64, promote ints to float64."""
    dtype = np.asarray(x).dtype
    return dtype if np.issubdtype(dtype, np.floating) else np.float64
