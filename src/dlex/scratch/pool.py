"""Max and average pooling, forward and backward, in vectorised NumPy (Lab 6).

Shapes are Keras's: ``max_pool1d`` takes a series ``(T,)`` or a batch ``(N, T, C)``;
the 2-D functions take channels-last images ``x (N, H, W, C)`` and return
``y (N, H_out, W_out, C)``. ``size`` and ``stride`` are ints or ``(h, w)`` pairs;
``stride=None`` means ``stride = size``, as in Keras.

Padding follows Keras: 'valid' uses whole windows only; 'same' gives
``ceil(H / stride)`` outputs, padding more at the end than at the start when the total
is odd. Padded cells never win a max, and an average divides by the number of real
(unpadded) cells in its window.
"""

import numpy as np

from dlex.scratch import _windows

__all__ = [
    "max_pool1d",
    "max_pool2d_forward",
    "max_pool2d_backward",
    "avg_pool2d_forward",
    "avg_pool2d_backward",
]


def max_pool1d(series, size=2, stride=None, padding="valid"):
    """1-D max pooling of a series ``(T,)`` or a batch ``(N, T, C)`` (Keras ``MaxPooling1D``)."""
    series = np.asarray(series)
    if series.ndim not in (1, 3):
        raise ValueError(f"max_pool1d takes a series (T,) or a batch (N, T, C), got shape {series.shape}")
    if np.ndim(size) != 0 or (stride is not None and np.ndim(stride) != 0):
        raise ValueError("size and stride must be ints for max_pool1d")
    x = series[None, None, :, None] if series.ndim == 1 else series[:, None]
    y, _ = max_pool2d_forward(
        x, size=(1, size), stride=None if stride is None else (1, stride), padding=padding
    )
    return y[0, 0, :, 0] if series.ndim == 1 else y[:, 0]


def max_pool2d_forward(x, size=2, stride=None, padding="valid"):
    """2-D max pooling (Keras ``MaxPooling2D``); returns ``(y, cache)``."""
    x, window, stride, (ho, wo), pads = _setup(x, size, stride, padding)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    xp = _windows.pad(x, pads, value=-np.inf)
    view = _windows.windows(xp, window, stride, (ho, wo))  # (N, Ho, Wo, C, ph, pw)
    flat = view.reshape(*view.shape[:4], -1)
    # Remember which cell won: the gradient goes to it alone (the first one on ties).
    winner = flat.argmax(axis=-1)
    y = np.take_along_axis(flat, winner[..., None], axis=-1)[..., 0]
    return y, (winner, x.shape, xp.shape, pads, window, stride)


def max_pool2d_backward(dy, cache):
    """Backward pass of ``max_pool2d_forward``: ``dx`` with each ``dy`` routed to its window's max."""
    winner, x_shape, xp_shape, pads, window, stride = cache
    out_hw = dy.shape[1:3]
    dxp = np.zeros(xp_shape, dtype=dy.dtype)
    for i in range(window[0]):
        for j in range(window[1]):
            dxp[_windows.offset_slices(i, j, stride, out_hw)] += np.where(winner == i * window[1] + j, dy, 0)
    return _crop(dxp, pads, x_shape)


def avg_pool2d_forward(x, size=2, stride=None, padding="valid"):
    """2-D average pooling (Keras ``AveragePooling2D``); returns ``(y, cache)``."""
    x, window, stride, (ho, wo), pads = _setup(x, size, stride, padding)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    xp = _windows.pad(x, pads)
    counts = _real_cell_counts(x.shape, window, stride, (ho, wo), pads).astype(x.dtype)
    sums = _windows.windows(xp, window, stride, (ho, wo)).sum(axis=(-2, -1))
    return sums / counts, (counts, x.shape, xp.shape, pads, window, stride)


def avg_pool2d_backward(dy, cache):
    """Backward pass of ``avg_pool2d_forward``: each ``dy`` is shared equally by its window's real cells."""
    counts, x_shape, xp_shape, pads, window, stride = cache
    share = dy / counts
    dxp = np.zeros(xp_shape, dtype=share.dtype)
    for i in range(window[0]):
        for j in range(window[1]):
            dxp[_windows.offset_slices(i, j, stride, dy.shape[1:3])] += share
    return _crop(dxp, pads, x_shape)


def _setup(x, size, stride, padding):
    x = _windows.check_images(x)
    window = _windows.as_pair(size, "size")
    stride = window if stride is None else _windows.as_pair(stride, "stride")
    ho, wo, pads = _windows.geometry(x.shape, window, stride, padding, what="pool")
    return x, window, stride, (ho, wo), pads


def _real_cell_counts(x_shape, window, stride, out_hw, pads):
    """How many unpadded cells each window covers, shape ``(Ho, Wo, 1)``."""
    ones = _windows.pad(np.ones((1, x_shape[1], x_shape[2], 1)), pads)
    return _windows.windows(ones, window, stride, out_hw).sum(axis=(-2, -1))[0]


def _crop(dxp, pads, x_shape):
    (_, _), (top, _), (left, _), (_, _) = pads
    return dxp[:, top : top + x_shape[1], left : left + x_shape[2], :]
