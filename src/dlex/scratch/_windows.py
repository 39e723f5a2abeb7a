"""Window geometry shared by convolution and pooling: Keras's 'valid' and 'same' padding."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

PADDINGS = ("valid", "same")


def as_pair(value, name):
    """Turn an int or a pair of ints into a pair of positive ints."""
    pair = (value, value) if np.ndim(value) == 0 else tuple(value)
    if len(pair) != 2 or any(int(v) != v or v < 1 for v in pair):
        raise ValueError(f"{name} must be a positive int or a pair of positive ints, got {value!r}")
    return int(pair[0]), int(pair[1])


def output_and_padding(size, window, stride, padding, what="kernel"):
    """Output length and ``(before, after)`` padding along one axis, as Keras computes them."""
    if padding == "valid":
        if window > size:
            raise ValueError(
                f"{what} size {window} is larger than the input size {size} with padding='valid'; "
                "use a smaller window or padding='same'"
            )
        return (size - window) // stride + 1, (0, 0)
    if padding == "same":
        # ceil(size / stride) outputs; an odd total padding puts the extra cell at the
        # end (the TensorFlow/XLA convention that Keras follows).
        out = -(-size // stride)
        total = max((out - 1) * stride + window - size, 0)
        return out, (total // 2, total - total // 2)
    raise ValueError(f"padding must be one of {PADDINGS}, got {padding!r}")


def geometry(x_shape, window, stride, padding, what="kernel"):
    """Output height, width and the ``np.pad`` widths for an ``(N, H, W, C)`` input."""
    ho, pad_h = output_and_padding(x_shape[1], window[0], stride[0], padding, what)
    wo, pad_w = output_and_padding(x_shape[2], window[1], stride[1], padding, what)
    return ho, wo, ((0, 0), pad_h, pad_w, (0, 0))


def pad(x, pads, value=0.0):
    """``np.pad`` with a constant, skipped when there is nothing to pad."""
    if any(p for pair in pads for p in pair):
        return np.pad(x, pads, constant_values=value)
    return x


def windows(xp, window, stride, out_hw):
    """Strided view ``(N, Ho, Wo, C, kh, kw)`` of every window of a padded batch (no copy)."""
    view = sliding_window_view(xp, window, axis=(1, 2))
    return view[:, :: stride[0], :: stride[1]][:, : out_hw[0], : out_hw[1]]


def offset_slices(i, j, stride, out_hw):
    """Index selecting, for every output position, the input cell at window offset ``(i, j)``."""
    return (
        slice(None),
        slice(i, i + stride[0] * (out_hw[0] - 1) + 1, stride[0]),
        slice(j, j + stride[1] * (out_hw[1] - 1) + 1, stride[1]),
        slice(None),
    )


def check_images(x, name="x"):
    """Require a channels-last batch ``(N, H, W, C)``."""
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(
            f"{name} must be a channels-last batch of shape (N, H, W, C), got ndim={x.ndim} "
            f"shape {x.shape}; add a batch axis with x[None] or a channel axis with x[..., None]"
        )
    return x
