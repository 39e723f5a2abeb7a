"""Loss functions and their gradients, in NumPy, defined as Keras defines them (Lab 3).

Shapes: ``y_true`` and ``y_pred`` are ``(N, K)`` (or any ``(..., K)``); the loss of
one sample reduces the last axis, like ``keras.losses.mean_squared_error`` and friends.
``reduction`` then combines the per-sample losses: ``"mean"`` (Keras's default
``"sum_over_batch_size"``), ``"sum"`` or ``"none"`` (the per-sample array).
``sparse_categorical_crossentropy`` takes integer labels ``(N,)`` instead.

``f_grad`` returns ``d loss / d y_pred`` with the shape of ``y_pred``, for the same
``reduction`` (for ``"none"`` it is the gradient of the summed losses).

Probabilities are clipped to ``[EPSILON, 1 - EPSILON]`` before taking logs, exactly as
Keras does, so probabilities of exactly 0 and 1 give finite losses; like Keras's
autodiff, the gradient is zero where the clip is active. With ``from_logits=True`` the
losses use ``log_softmax``/``log_sigmoid`` instead and never clip.
"""

import numpy as np

from dlex.scratch.activations import log_sigmoid, log_softmax, sigmoid, softmax

__all__ = [
    "EPSILON",
    "mse",
    "mse_grad",
    "mae",
    "mae_grad",
    "binary_crossentropy",
    "binary_crossentropy_grad",
    "categorical_crossentropy",
    "categorical_crossentropy_grad",
    "sparse_categorical_crossentropy",
    "sparse_categorical_crossentropy_grad",
    "entropy",
    "entropy_grad",
    "kl_divergence",
    "kl_divergence_grad",
    "one_hot",
]

EPSILON = 1e-7
"""Keras's fuzz factor, ``keras.config.epsilon()``."""

_REDUCTIONS = {"mean": "mean", "sum_over_batch_size": "mean", "sum": "sum", "none": "none", None: "none"}


# --- mean squared / absolute error ---------------------------------------------------


def mse(y_true, y_pred, reduction="mean"):
    """Mean squared error: ``mean((y_true - y_pred)**2)`` over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _reduce(np.mean((y_true - y_pred) ** 2, axis=-1), reduction)


def mse_grad(y_true, y_pred, reduction="mean"):
    """Gradient of ``mse`` with respect to ``y_pred``."""
    y_true, y_pred = _pair(y_true, y_pred)
    grad = 2.0 * (y_pred - y_true) / _last_dim(y_pred)
    return grad * _scale(y_pred, reduction)


def mae(y_true, y_pred, reduction="mean"):
    """Mean absolute error: ``mean(|y_true - y_pred|)`` over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _reduce(np.mean(np.abs(y_true - y_pred), axis=-1), reduction)


def mae_grad(y_true, y_pred, reduction="mean"):
    """Gradient of ``mae`` with respect to ``y_pred`` (0 where ``y_pred == y_true``)."""
    y_true, y_pred = _pair(y_true, y_pred)
    grad = np.sign(y_pred - y_true) / _last_dim(y_pred)
    return grad * _scale(y_pred, reduction)


# --- cross-entropies -------------------------------------------------------------------


def binary_crossentropy(y_true, y_pred, from_logits=False, reduction="mean"):
    """Binary cross-entropy, averaged over the last axis (Keras's definition)."""
    y_true, y_pred = _pair(y_true, y_pred)
    if from_logits:
        elementwise = -y_true * log_sigmoid(y_pred) - (1.0 - y_true) * log_sigmoid(-y_pred)
    else:
        p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        elementwise = -(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p))
    return _reduce(np.mean(elementwise, axis=-1), reduction)


def binary_crossentropy_grad(y_true, y_pred, from_logits=False, reduction="mean"):
    """Gradient of ``binary_crossentropy`` with respect to ``y_pred`` (logits if ``from_logits``)."""
    y_true, y_pred = _pair(y_true, y_pred)
    if from_logits:
        grad = sigmoid(y_pred) - y_true
    else:
        p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        grad = (-y_true / p + (1.0 - y_true) / (1.0 - p)) * _inside(y_pred, EPSILON, 1.0 - EPSILON)
    return grad / _last_dim(y_pred) * _scale(y_pred, reduction)


def categorical_crossentropy(y_true, y_pred, from_logits=False, reduction="mean"):
    """Categorical cross-entropy ``-sum(y_true * log(p))`` over the last axis (one-hot ``y_true``)."""
    y_true, y_pred = _pair(y_true, y_pred)
    _check_classes(y_pred)
    if from_logits:
        log_p = log_softmax(y_pred)
    else:
        # Keras renormalises the probabilities before clipping.
        q = y_pred / np.sum(y_pred, axis=-1, keepdims=True)
        log_p = np.log(np.clip(q, EPSILON, 1.0 - EPSILON))
    return _reduce(-np.sum(y_true * log_p, axis=-1), reduction)


def categorical_crossentropy_grad(y_true, y_pred, from_logits=False, reduction="mean"):
    """Gradient of ``categorical_crossentropy`` with respect to ``y_pred`` (logits if ``from_logits``)."""
    y_true, y_pred = _pair(y_true, y_pred)
    _check_classes(y_pred)
    if from_logits:
        grad = softmax(y_pred) * np.sum(y_true, axis=-1, keepdims=True) - y_true
    else:
        total = np.sum(y_pred, axis=-1, keepdims=True)
        q = y_pred / total
        g_q = -y_true / np.clip(q, EPSILON, 1.0 - EPSILON) * _inside(q, EPSILON, 1.0 - EPSILON)
        # Chain rule through q = p / sum(p): dq_j/dp_k = (delta_jk - q_j) / sum(p).
        grad = (g_q - np.sum(g_q * q, axis=-1, keepdims=True)) / total
    return grad * _scale(y_pred, reduction)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, reduction="mean"):
    """Categorical cross-entropy with integer labels ``y_true`` of shape ``(N,)`` or ``(N, 1)``."""
    y_pred = _as_float(y_pred)
    return categorical_crossentropy(_sparse_targets(y_true, y_pred), y_pred, from_logits, reduction)


def sparse_categorical_crossentropy_grad(y_true, y_pred, from_logits=False, reduction="mean"):
    """Gradient of ``sparse_categorical_crossentropy`` with respect to ``y_pred``."""
    y_pred = _as_float(y_pred)
    return categorical_crossentropy_grad(_sparse_targets(y_true, y_pred), y_pred, from_logits, reduction)


# --- information theory ----------------------------------------------------------------


def entropy(p, base=None, reduction="mean"):
    """Shannon entropy ``-sum(p * log(p))`` over the last axis, with ``0 log 0 = 0``; nats unless ``base``."""
    p = _as_float(p)
    per_sample = -np.sum(p * np.log(np.clip(p, EPSILON, 1.0)), axis=-1)
    return _reduce(per_sample / _log_base(base), reduction)


def entropy_grad(p, base=None, reduction="mean"):
    """Gradient of ``entropy``: ``-(log(p) + 1)``, with ``p`` clipped at ``EPSILON`` inside the log."""
    p = _as_float(p)
    grad = -(np.log(np.clip(p, EPSILON, 1.0)) + 1.0) / _log_base(base)
    return grad * _scale(p, reduction)


def kl_divergence(y_true, y_pred, reduction="mean"):
    """Kullback-Leibler divergence ``sum(y_true * log(y_true / y_pred))``, both clipped to ``[EPS, 1]``."""
    y_true, y_pred = _pair(y_true, y_pred)
    t = np.clip(y_true, EPSILON, 1.0)
    p = np.clip(y_pred, EPSILON, 1.0)
    return _reduce(np.sum(t * np.log(t / p), axis=-1), reduction)


def kl_divergence_grad(y_true, y_pred, reduction="mean"):
    """Gradient of ``kl_divergence`` with respect to ``y_pred``."""
    y_true, y_pred = _pair(y_true, y_pred)
    t = np.clip(y_true, EPSILON, 1.0)
    p = np.clip(y_pred, EPSILON, 1.0)
    return -t / p * _inside(y_pred, EPSILON, 1.0) * _scale(y_pred, reduction)


# --- helpers ---------------------------------------------------------------------------


def one_hot(labels, num_classes):
    """One-hot encode integer ``labels`` of shape ``(N,)`` into ``(N, num_classes)`` floats."""
    labels = np.asarray(labels)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"labels must lie in [0, {num_classes}); got values from {labels.min()} to {labels.max()}"
        )
    return np.eye(num_classes)[labels]


def _as_float(x):
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


def _pair(y_true, y_pred):
    """Cast ``y_true`` to ``y_pred``'s float dtype and check the shapes agree."""
    y_pred = _as_float(y_pred)
    y_true = np.asarray(y_true, dtype=y_pred.dtype)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {y_true.shape} and {y_pred.shape}")
    if y_pred.ndim == 0:
        raise ValueError("y_pred must have at least one axis (the last axis is reduced)")
    return y_true, y_pred


def _sparse_targets(y_true, y_pred):
    """Turn integer labels into one-hot targets shaped like ``y_pred``."""
    labels = np.asarray(y_true)
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if labels.shape != y_pred.shape[:-1]:
        raise ValueError(
            f"sparse labels must have shape {y_pred.shape[:-1]} (y_pred.shape minus the class "
            f"axis), got {labels.shape}"
        )
    if not np.all(labels == np.round(labels)):
        raise ValueError("sparse labels must be whole numbers (class indices)")
    return one_hot(labels.astype(np.int64), y_pred.shape[-1]).astype(y_pred.dtype)


def _check_classes(y_pred):
    if y_pred.shape[-1] < 2:
        raise ValueError(
            "categorical cross-entropy needs at least 2 classes on the last axis; "
            "for one output unit use binary_crossentropy"
        )


def _inside(x, low, high):
    """1 where ``low <= x <= high`` (the clip lets the gradient through), else 0."""
    return ((x >= low) & (x <= high)).astype(x.dtype)


def _last_dim(y):
    return y.shape[-1]


def _reduce(per_sample, reduction):
    kind = _reduction(reduction)
    if kind == "mean":
        return np.mean(per_sample)
    if kind == "sum":
        return np.sum(per_sample)
    return per_sample


def _scale(y_pred, reduction):
    """Factor from the reduction: ``1 / number of samples`` for ``"mean"``, else 1."""
    if _reduction(reduction) == "mean":
        return 1.0 / max(int(np.prod(y_pred.shape[:-1])), 1)
    return 1.0


def _reduction(reduction):
    try:
        return _REDUCTIONS[reduction]
    except (KeyError, TypeError):
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}") from None


def _log_base(base):
    return 1.0 if base is None else float(np.log(base))
