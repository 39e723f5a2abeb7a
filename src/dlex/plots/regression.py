"""Fits of a curve (Labs 3 and 4): fitted functions, bias and variance, coefficients, method errors."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from dlex.plots._axes import _history_dict, _mark_best_epoch, _plain_log_ticks


def plot_function_fits(
    x,
    target,
    fits: dict,
    errors: dict | None = None,
    size_label: str = "hidden units",
    error_label: str = "RMSE",
    title: str | None = None,
):
    """A 1-D target with fitted curves ``{size: y}``, and (if given) error against size."""
    x = np.ravel(x)
    columns = 2 if errors else 1
    fig, axes = plt.subplots(1, columns, figsize=(5.6 * columns, 3.8), squeeze=False)
    ax = axes[0][0]
    ax.plot(x, np.ravel(target), color="black", lw=3, alpha=0.35, label="target")
    colours = plt.cm.viridis(np.linspace(0.0, 0.9, len(fits)))
    for colour, (size, y) in zip(colours, fits.items()):
        ax.plot(x, np.ravel(y), color=colour, lw=1.4, label=f"{size_label}: {size}")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(fontsize=8, ncol=2)
    ax.grid(alpha=0.3)
    if errors:
        ax = axes[0][1]
        sizes = list(errors)
        ax.plot(sizes, [errors[s] for s in sizes], "o-")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(sizes, [str(s) for s in sizes])
        _plain_log_ticks(ax.yaxis)
        ax.set_xlabel(size_label)
        ax.set_ylabel(error_label)
        ax.grid(alpha=0.3, which="both")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _regression_panel(
    ax, x_grid, fits: dict, train, test=None, truth=None, ylim=None, faint=None, styles=None
):
    if faint is not None:
        for i, y in enumerate(faint):
            ax.plot(
                x_grid,
                np.ravel(y),
                color="grey",
                lw=0.6,
                alpha=0.35,
                label="sub-networks" if i == 0 else None,
            )
    if truth is not None:
        ax.plot(x_grid, np.ravel(truth), color="black", ls="--", lw=1.2, label="truth")
    for label, y in fits.items():
        ax.plot(x_grid, np.ravel(y), **{"lw": 1.8, **(styles or {}).get(label, {})}, label=label)
    ax.plot(*train, "o", color="tab:blue", ms=5, mec="black", mew=0.5, label="training points")
    if test is not None:
        ax.plot(*test, "s", color="white", ms=5, mec="tab:red", mew=1.2, label="test points")
    if ylim is None:
        points = np.concatenate([np.ravel(train[1])] + ([np.ravel(test[1])] if test is not None else []))
        margin = 0.25 * (points.max() - points.min())
        ylim = (points.min() - margin, points.max() + margin)
    ax.set_ylim(*ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)


def plot_regression_fits(
    x_grid,
    fits: dict,
    train,
    test=None,
    truth=None,
    ylim=None,
    faint=None,
    styles: dict | None = None,
    title: str | None = None,
):
    """Fitted curves ``{label: y on x_grid}`` over the ``(x, y)`` training (and test) points.

    ``truth`` is drawn dashed, ``faint`` (a list of curves) thin and grey; ``styles``
    maps a label to line options (``{"label": {"ls": "--"}}``). The y axis keeps to the
    data (``ylim`` overrides), so a curve that shoots off stays readable.
    """
    fig, ax = plt.subplots(figsize=(6.5, 4.0))
    _regression_panel(ax, x_grid, fits, train, test, truth, ylim, faint, styles)
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_training_and_fit(
    history, x_grid, fit, train, test=None, truth=None, ylim=None, title: str | None = None
):
    """Left: training and validation loss per epoch (log scale), the best epoch dotted.
    Right: the fitted curve ``fit`` (y on ``x_grid``) over the data points."""
    hist = _history_dict(history)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    epochs = np.arange(1, len(hist["loss"]) + 1)
    left.plot(epochs, hist["loss"], "o-", ms=3, label="training loss")
    if "val_loss" in hist:
        val = np.asarray(hist["val_loss"], dtype=float)
        left.plot(epochs, val, "s-", ms=3, label="validation loss")
        _mark_best_epoch(left, epochs, val, int(np.argmin(val)))
    left.set_yscale("log")
    left.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
    left.yaxis.set_minor_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
    left.tick_params(axis="y", which="minor", labelsize=7)
    left.set_xlabel("epoch")
    left.set_ylabel("loss")
    left.grid(alpha=0.3, which="both")
    left.legend(fontsize=8)
    _regression_panel(right, x_grid, {"network": fit}, train, test, truth, ylim)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_bias_variance(
    x,
    parts: dict,
    measured=None,
    measured_label: str = "measured test error",
    xlabel: str = "polynomial degree",
    log_x: bool = False,
    title: str | None = None,
):
    """Lines for the parts of the expected error ``{label: values}`` against ``x``, log y;
    ``measured`` (same length as ``x``) is drawn as large open circles on top."""
    fig, ax = plt.subplots(figsize=(6.8, 4.0))
    styles = iter(
        [
            ("o-", "tab:blue"),
            ("s-", "tab:orange"),
            (":", "grey"),
            ("-", "black"),
            ("^-", "tab:green"),
            ("v-", "tab:purple"),
        ]
    )
    for label, values in parts.items():
        style, colour = next(styles)
        ax.plot(x, np.asarray(values, dtype=float), style, color=colour, ms=4, lw=1.5, label=label)
    if measured is not None:
        ax.plot(
            x,
            np.asarray(measured, dtype=float),
            "o",
            ms=11,
            mfc="none",
            mec="tab:red",
            mew=1.5,
            label=measured_label,
        )
    ax.set_yscale("log")
    if log_x:
        ax.set_xscale("log")
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("squared error")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_coefficients(coefficients: dict, feature_names=None, title: str | None = None):
    """Grouped bars, one group per feature, one bar per model ``{label: coefficients}``.

    The y axis is symmetric-logarithmic (linear within ±1), so coefficients in the
    thousands and exact zeros both show.
    """
    labels = list(coefficients)
    count = len(next(iter(coefficients.values())))
    names = feature_names or [f"w{i + 1}" for i in range(count)]
    width = 0.8 / len(labels)
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    for i, label in enumerate(labels):
        ax.bar(
            np.arange(count) + (i - (len(labels) - 1) / 2) * width,
            np.asarray(coefficients[label], dtype=float),
            width,
            label=label,
        )
    ax.axhline(0, color="black", lw=0.8)
    ax.set_yscale("symlog", linthresh=1.0)
    ax.set_xticks(range(count), names)
    ax.set_ylabel("coefficient")
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_method_errors(
    values: dict,
    spread: dict | None = None,
    floor: float | None = None,
    floor_label: str = "noise level",
    xlabel: str = "test RMSE",
    title: str | None = None,
):
    """One dot per method ``{method: error}``, on a logarithmic axis; ``spread``
    ``{method: (low, high)}`` as a line through the dot; ``floor`` as a dotted line."""
    names = list(values)
    fig, ax = plt.subplots(figsize=(7.5, 0.36 * len(names) + 1.3))
    positions = np.arange(len(names))[::-1]
    labelled = False
    for position, name in zip(positions, names):
        ax.axhline(position, color="grey", lw=0.5, alpha=0.3)
        if spread and name in spread:
            ax.plot(
                spread[name],
                [position, position],
                color="grey",
                lw=2.5,
                alpha=0.6,
                solid_capstyle="round",
                label=None if labelled else "range over other draws",
            )
            labelled = True
    ax.plot([values[n] for n in names], positions, "o", color="tab:blue", ms=7, label="this draw")
    if floor is not None:
        ax.axvline(floor, color="black", ls=":", lw=1.2, label=floor_label)
    ax.set_yticks(positions, names)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
    ax.xaxis.set_minor_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
    ax.tick_params(axis="x", which="minor", labelsize=7)
    ax.set_xlabel(xlabel)
    ax.grid(alpha=0.3, axis="x", which="both")
    ax.legend(fontsize=8, loc="best")
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


# --- Lab 6: sliding windows, series panels, feature maps, filters, accuracy vs size -------
