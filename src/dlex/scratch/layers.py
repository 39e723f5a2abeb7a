"""Dense, dropout and batch-normalisation layers with explicit backward passes (Labs 3 and 4).

Shapes follow Keras: features on the last axis. ``dense`` takes ``x (N, D)`` (or any
``(..., D)``), kernel ``(D, U)`` and bias ``(U,)``; ``batchnorm`` normalises each
feature over all other axes, e.g. ``(N, D)`` or channels-last images ``(N, H, W, C)``
with ``gamma, beta, moving_mean, moving_variance`` of shape ``(C,)``.

Every ``*_forward`` returns ``(y, cache)``; the matching ``*_backward(dy, cache)``
returns the gradients of the loss with respect to the inputs and parameters.

Dropout is inverted dropout, as in Keras: ``rate`` in ``[0, 1)``, randomness from a
``numpy.random.Generator``; its cache is the scaled keep-mask, or None when nothing is
dropped (``training=False`` or ``rate == 0``).

Batch normalisation with ``training=True`` uses the batch mean and (biased) variance
and updates ``moving_mean`` and ``moving_variance`` in place, as Keras assigns its
variables: ``moving = moving * momentum + batch_statistic * (1 - momentum)``. With
``training=False`` (Keras's default at call time) it uses the moving statistics.
"""

import numpy as np

__all__ = [
    "dense_forward",
    "dense_backward",
    "dropout_forward",
    "dropout_backward",
    "batchnorm_forward",
    "batchnorm_backward",
]


def dense_forward(x, kernel, bias=None):
    """Fully connected layer ``y = x @ kernel + bias``; returns ``(y, cache)``."""
    x = np.asarray(x)
    kernel = np.asarray(kernel)
    if kernel.ndim != 2:
        raise ValueError(f"kernel must have shape (input_dim, units), got {kernel.shape}")
    if x.ndim < 1 or x.shape[-1] != kernel.shape[0]:
        raise ValueError(
            f"x has {x.shape[-1] if x.ndim else 0} features on its last axis but the kernel "
            f"expects {kernel.shape[0]} (kernel shape {kernel.shape})"
        )
    if bias is not None and np.shape(bias) != (kernel.shape[1],):
        raise ValueError(f"bias must have shape ({kernel.shape[1]},), got {np.shape(bias)}")
    y = x @ kernel
    if bias is not None:
        y = y + bias
    return y, (x, kernel, bias is not None)


def dense_backward(dy, cache):
    """Backward pass of ``dense_forward``: returns ``(dx, dkernel, dbias)`` (``dbias`` None without bias)."""
    x, kernel, has_bias = cache
    dx = dy @ kernel.T
    x2 = x.reshape(-1, kernel.shape[0])
    dy2 = dy.reshape(-1, kernel.shape[1])
    dkernel = x2.T @ dy2
    dbias = dy2.sum(axis=0) if has_bias else None
    return dx, dkernel, dbias


def dropout_forward(x, rate, rng, training=True):
    """Inverted dropout: zero entries with probability ``rate``, scale the rest by ``1 / (1 - rate)``."""
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"dropout rate must be in [0, 1), got {rate}")
    x = np.asarray(x)
    if not training or rate == 0.0:
        return x, None
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0)")
    keep = rng.random(x.shape) >= rate
    mask = keep.astype(x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64)
    mask /= 1.0 - rate
    return x * mask, mask


def dropout_backward(dy, cache):
    """Backward pass of ``dropout_forward``: the gradient flows only through kept entries."""
    return dy if cache is None else dy * cache


def batchnorm_forward(
    x,
    gamma,
    beta,
    moving_mean,
    moving_variance,
    training=False,
    momentum=0.99,
    epsilon=1e-3,
):
    """Batch normalisation over every axis but the last (Keras defaults); returns ``(y, cache)``."""
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"batchnorm expects x with a batch axis and a feature axis, got shape {x.shape}")
    features = x.shape[-1]
    for name, value in (
        ("gamma", gamma),
        ("beta", beta),
        ("moving_mean", moving_mean),
        ("moving_variance", moving_variance),
    ):
        if np.shape(value) != (features,):
            raise ValueError(
                f"{name} must have shape ({features},) to match x's last axis, got {np.shape(value)}"
            )
    axes = tuple(range(x.ndim - 1))
    if training:
        if not (isinstance(moving_mean, np.ndarray) and isinstance(moving_variance, np.ndarray)):
            raise ValueError(
                "moving_mean and moving_variance must be NumPy arrays: training updates them in place"
            )
        mean = x.mean(axis=axes)
        var = x.var(axis=axes)
        moving_mean[...] = moving_mean * momentum + mean * (1.0 - momentum)
        moving_variance[...] = moving_variance * momentum + var * (1.0 - momentum)
    else:
        mean = np.asarray(moving_mean)
        var = np.asarray(moving_variance)
    inv_std = 1.0 / np.sqrt(var + epsilon)
    x_hat = (x - mean) * inv_std
    y = x_hat * gamma + beta
    return y, (x_hat, inv_std, np.asarray(gamma), training)


def batchnorm_backward(dy, cache):
    """Backward pass of ``batchnorm_forward``: returns ``(dx, dgamma, dbeta)``."""
    x_hat, inv_std, gamma, training = cache
    axes = tuple(range(dy.ndim - 1))
    dbeta = dy.sum(axis=axes)
    dgamma = (dy * x_hat).sum(axis=axes)
    if not training:
        return dy * gamma * inv_std, dgamma, dbeta
    m = dy.size // dy.shape[-1]
    # The batch mean and variance depend on every x, hence the two correction terms.
    dx = gamma * inv_std / m * (m * dy - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta
