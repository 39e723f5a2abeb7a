"""Sequences (Labs 6 and 7): convolution windows, series panels, review lengths, continuations."""

import matplotlib.pyplot as plt
import numpy as np


def plot_conv_windows(cases, n: int = 7, highlight: int = 1, title: str | None = None):
    """How a 1-D window slides: one panel per ``(kernel, stride, padding)`` case.

    The top row is the input of length ``n`` with ``padding`` zero cells (grey, "0") on
    each side; the bottom row is the output, one cell per window position. Each output
    cell is joined to the cells of its window; window number ``highlight`` (0-based) is
    drawn in colour. Each panel's title works out ⌊(n + 2p − k)/s⌋ + 1.
    """
    cases = list(cases)
    width = max(n + 2 * p for _, _, p in cases)
    fig, axes = plt.subplots(len(cases), 1, figsize=(0.55 * width + 1.6, 1.9 * len(cases)), squeeze=False)
    for ax, (k, s, p) in zip(axes[:, 0], cases):
        cells = n + 2 * p
        outputs = (n + 2 * p - k) // s + 1
        for i in range(cells):
            padded = i < p or i >= p + n
            ax.add_patch(
                plt.Rectangle((i, 1.6), 0.9, 0.9, fc="#dddddd" if padded else "#f7f7f7", ec="black", lw=0.8)
            )
            ax.text(i + 0.45, 2.05, "0" if padded else f"x{i - p + 1}", ha="center", va="center", fontsize=8)
        for j in range(outputs):
            start = j * s
            centre = start + k / 2 - 0.05
            chosen = j == highlight
            colour = "tab:red" if chosen else "grey"
            ax.add_patch(
                plt.Rectangle(
                    (centre - 0.45, 0),
                    0.9,
                    0.9,
                    fc="#fde0dd" if chosen else "white",
                    ec=colour,
                    lw=1.4 if chosen else 0.8,
                )
            )
            ax.text(centre, 0.45, f"y{j + 1}", ha="center", va="center", fontsize=8)
            for edge in (start, start + k - 0.1):
                ax.plot(
                    [centre, edge],
                    [0.9, 1.6],
                    color=colour,
                    lw=1.2 if chosen else 0.5,
                    alpha=1.0 if chosen else 0.5,
                )
            if chosen:
                ax.add_patch(plt.Rectangle((start - 0.05, 1.55), k, 1.0, fc="none", ec=colour, lw=2))
        ax.set_title(
            f"kernel k = {k}, stride s = {s}, padding p = {p}: "
            f"⌊({n} + {2 * p} − {k}) / {s}⌋ + 1 = {outputs} outputs",
            fontsize=9,
        )
        ax.set_xlim(-0.3, width + 0.2)
        ax.set_ylim(-0.2, 2.7)
        ax.set_aspect("equal")
        ax.axis("off")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_series_panels(panels: dict, xlabel: str = "position t", title: str | None = None):
    """Stacked panels sharing the x axis, one per ``{label: y}`` or ``{label: (x, y)}``.

    A 2-D ``y`` of shape ``(T, C)`` draws one line per channel. Each value is drawn as a
    step centred on its position, so series of different lengths line up by ``x``.
    """
    fig, axes = plt.subplots(
        len(panels), 1, figsize=(8.0, 1.7 * len(panels) + 0.6), sharex=True, squeeze=False
    )
    for ax, (label, curve) in zip(axes[:, 0], panels.items()):
        x, y = curve if isinstance(curve, tuple) else (None, curve)
        y = np.asarray(y, dtype=float)
        y = y[:, None] if y.ndim == 1 else y
        x = np.arange(len(y)) if x is None else np.asarray(x, dtype=float)
        for c in range(y.shape[1]):
            ax.step(x, y[:, c], where="mid", lw=1.5, label=f"channel {c + 1}" if y.shape[1] > 1 else None)
            ax.plot(x, y[:, c], ".", ms=3, color=ax.lines[-1].get_color())
        ax.axhline(0, color="grey", lw=0.6)
        ax.set_ylabel(label, fontsize=9)
        ax.grid(alpha=0.3)
        if y.shape[1] > 1:
            ax.legend(fontsize=8, loc="upper left")
    axes[-1, 0].set_xlabel(xlabel)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_length_histogram(lengths, cut: int | None = None, bins: int = 60, title: str | None = None):
    """Histogram of sequence lengths, with the cut-off length marked (and the share above it)."""
    lengths = np.asarray(lengths)
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    ax.hist(lengths, bins=np.linspace(0, np.percentile(lengths, 99), bins), color="#4393c3")
    if cut is not None:
        ax.axvline(cut, color="black", ls=":", lw=1.4)
        ax.annotate(
            f"cut at {cut}: {np.mean(lengths > cut):.0%} of sequences are longer",
            (cut, ax.get_ylim()[1] * 0.9),
            textcoords="offset points",
            xytext=(6, 0),
            fontsize=8,
        )
    ax.set_xlabel("length (tokens)")
    ax.set_ylabel("sequences")
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_sequence_continuations(
    history,
    truth,
    predictions: dict,
    start: int | None = None,
    xlabel: str = "time step",
    title: str | None = None,
):
    """A series' known past, its true continuation, and predicted continuations ``{label: y}``."""
    history, truth = np.ravel(history), np.ravel(truth)
    start = len(history) if start is None else start
    past = np.arange(start - len(history), start)
    future = np.arange(start, start + len(truth))
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    ax.plot(past, history, color="black", lw=1.2, label="known past")
    ax.plot(future, truth, color="black", lw=2.5, alpha=0.3, label="what happened")
    for label, values in predictions.items():
        values = np.ravel(values)
        ax.plot(future[: len(values)], values, lw=1.4, label=label)
    ax.axvline(start - 0.5, color="grey", ls=":", lw=1)
    ax.set_xlabel(xlabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
