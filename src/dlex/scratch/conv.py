"""Convolution, forward and backward, in vectorised NumPy (Lab 6).

Deep-learning "convolution" is cross-correlation: the kernel is not flipped.
``true_convolve1d`` flips it, to show the difference (``np.convolve`` agrees with it).

Shapes are Keras's: ``conv1d`` takes a 1-D series ``(T,)`` with a kernel ``(k,)``, or a
batch ``(N, T, C_in)`` with a ``Conv1D`` kernel ``(k, C_in, C_out)``. ``conv2d_*`` take
channels-last images ``x (N, H, W, C_in)``, a ``Conv2D`` kernel ``w (kh, kw, C_in, C_out)``
and a bias ``b (C_out,)`` (or None), and return ``y (N, H_out, W_out, C_out)``.

The forward pass is im2col: gather every window into a matrix
``(N·H_out·W_out, kh·kw·C_in)`` and multiply once by the kernel reshaped to
``(kh·kw·C_in, C_out)``. The backward pass multiplies by the transposes and scatters
the window gradients back with one slice-add per kernel offset (col2im).
"""

import numpy as np

from dlex.scratch import _windows

__all__ = ["conv1d", "true_convolve1d", "conv2d_forward", "conv2d_backward", "im2col"]


def conv1d(series, kernel, stride=1, padding="valid"):
    """1-D cross-correlation ``y[t] = sum_k x[t*stride + k] * kernel[k]``; 'valid', 'same' or 'causal'."""
    series, kernel = np.asarray(series), np.asarray(kernel)
    single = series.ndim == 1
    if single:
        if kernel.ndim != 1:
            raise ValueError(f"a 1-D series needs a 1-D kernel, got kernel shape {kernel.shape}")
        series, kernel = series[None, :, None], kernel[:, None, None]
    elif series.ndim != 3 or kernel.ndim != 3:
        raise ValueError(
            "conv1d takes a series (T,) with a kernel (k,), or a batch (N, T, C_in) with a "
            f"kernel (k, C_in, C_out); got shapes {series.shape} and {kernel.shape}"
        )
    if padding == "causal":
        # Causal: pad only the past, so y[t] never sees series[t + 1:].
        series = np.pad(series, ((0, 0), (kernel.shape[0] - 1, 0), (0, 0)))
        padding = "valid"
    if np.ndim(stride) != 0:
        raise ValueError(f"stride must be an int for conv1d, got {stride!r}")
    y, _ = conv2d_forward(series[:, None], kernel[None], None, stride=(1, stride), padding=padding)
    y = y[:, 0]
    return y[0, :, 0] if single else y


def true_convolve1d(series, kernel, stride=1, padding="valid"):
    """Textbook convolution: ``conv1d`` with the kernel flipped in time."""
    return conv1d(series, np.flip(np.asarray(kernel), axis=0), stride=stride, padding=padding)


def im2col(xp, kernel_hw, stride, out_hw):
    """Copy every window of a padded ``(N, H, W, C)`` batch into a matrix ``(N·Ho·Wo, kh·kw·C)``."""
    view = _windows.windows(xp, kernel_hw, stride, out_hw)  # (N, Ho, Wo, C, kh, kw)
    n, ho, wo, c, kh, kw = view.shape
    # (kh, kw, C) order matches the Keras kernel layout, so the kernel reshapes without a copy.
    return view.transpose(0, 1, 2, 4, 5, 3).reshape(n * ho * wo, kh * kw * c)


def conv2d_forward(x, w, b=None, stride=1, padding="valid"):
    """2-D convolution layer (Keras ``Conv2D``); returns ``(y, cache)``."""
    x = _windows.check_images(x)
    w = np.asarray(w)
    if w.ndim != 4:
        raise ValueError(f"kernel must have shape (kh, kw, C_in, C_out), got ndim={w.ndim} shape {w.shape}")
    kh, kw, c_in, c_out = w.shape
    if x.shape[3] != c_in:
        raise ValueError(
            f"mismatched channels: x has {x.shape[3]} channels (last axis) but the kernel "
            f"expects C_in={c_in} (kernel shape {w.shape})"
        )
    if b is not None and np.shape(b) != (c_out,):
        raise ValueError(f"bias must have shape ({c_out},), got {np.shape(b)}")
    stride = _windows.as_pair(stride, "stride")
    ho, wo, pads = _windows.geometry(x.shape, (kh, kw), stride, padding)
    xp = _windows.pad(x, pads)
    cols = im2col(xp, (kh, kw), stride, (ho, wo))
    y = (cols @ w.reshape(kh * kw * c_in, c_out)).reshape(x.shape[0], ho, wo, c_out)
    if b is not None:
        y += b
    cache = (cols, w, x.shape, xp.shape, pads, stride, b is not None)
    return y, cache


def conv2d_backward(dy, cache):
    """Backward pass of ``conv2d_forward``: returns ``(dx, dw, db)`` (``db`` None without bias)."""
    cols, w, x_shape, xp_shape, pads, stride, has_bias = cache
    kh, kw, c_in, c_out = w.shape
    n, ho, wo, _ = dy.shape
    dy2 = dy.reshape(-1, c_out)
    # einsum sums the columns of this tall matrix several times faster than sum(axis=0).
    db = np.einsum("mf->f", dy2) if has_bias else None
    dw = (cols.T @ dy2).reshape(w.shape)
    dcols = (dy2 @ w.reshape(-1, c_out).T).reshape(n, ho, wo, kh, kw, c_in)
    dxp = np.zeros(xp_shape, dtype=np.result_type(dy, w))
    for i in range(kh):
        for j in range(kw):
            dxp[_windows.offset_slices(i, j, stride, (ho, wo))] += dcols[:, :, :, i, j, :]
    (_, _), (top, _), (left, _), (_, _) = pads
    dx = dxp[:, top : top + x_shape[1], left : left + x_shape[2], :]
    return dx, dw, db
