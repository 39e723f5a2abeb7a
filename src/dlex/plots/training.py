"""Training curves: a history's metrics, several runs side by side, error against model size."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from dlex.plots._axes import _history_dict, _mark_best_epoch, _plain_log_ticks


def plot_history(history, metric: str = "accuracy", title: str | None = None):
    """Loss and ``metric`` per epoch, training vs validation (where recorded)."""
    hist = _history_dict(history)
    names = ["loss"] + ([metric] if metric in hist else [])
    fig, axes = plt.subplots(1, len(names), figsize=(5.5 * len(names), 3.6), squeeze=False)
    for ax, name in zip(axes[0], names):
        epochs = np.arange(1, len(hist[name]) + 1)
        ax.plot(epochs, hist[name], "o-", label=f"training {name}")
        if f"val_{name}" in hist:
            val = np.asarray(hist[f"val_{name}"])
            ax.plot(epochs, val, "s-", label=f"validation {name}")
            _mark_best_epoch(ax, epochs, val, int(np.argmin(val) if name == "loss" else np.argmax(val)))
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(name)
        ax.legend()
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_histories(histories: dict, key: str = "val_loss", title: str | None = None):
    """One curve per model for the same history ``key`` (e.g. validation loss)."""
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for label, history in histories.items():
        values = _history_dict(history)[key]
        ax.plot(np.arange(1, len(values) + 1), values, "o-", ms=3, label=label)
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(key.replace("_", " "))
    ax.grid(alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_curves(
    curves: dict,
    xlabel: str = "step",
    ylabel: str = "loss",
    log: bool = True,
    hline: float | None = None,
    hline_label: str | None = None,
    ax=None,
    marker: str | None = None,
    title: str | None = None,
):
    """One line per ``{label: values}`` (x = 0, 1, …) or ``{label: (x, values)}``.

    ``log`` uses a logarithmic y axis; ``hline`` draws a dotted horizontal line (e.g. a
    tolerance). Draws on ``ax`` if given; returns the figure.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.8))
    for label, curve in curves.items():
        if isinstance(curve, tuple):
            x, y = np.asarray(curve[0]), np.asarray(curve[1], dtype=float)
        else:
            y = np.asarray(curve, dtype=float)
            x = np.arange(len(y))
        ax.plot(x, y, lw=1.4, marker=marker, ms=4, label=label)
    if hline is not None:
        ax.axhline(hline, color="black", ls=":", lw=1.2, label=hline_label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3, which="both" if log else "major")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    ax.figure.tight_layout()
    return ax.figure


# --- Lab 4: fitted curves, loss curves, bias and variance, coefficients, method errors -----


def plot_error_vs_parameters(results: dict, error_label: str = "test error", title: str | None = None):
    """Error against parameter count, one series per architecture, every seed a dot.

    ``results`` maps a label to ``(parameter counts (B,), errors (B, seeds))``; the line
    joins the medians over seeds.
    """
    fig, ax = plt.subplots(figsize=(6.5, 4.0))
    for (label, (params, errors)), marker in zip(results.items(), "os^vD"):
        params, errors = np.asarray(params, dtype=float), np.asarray(errors, dtype=float)
        (line,) = ax.plot(
            params, np.median(errors, axis=1), marker + "-", lw=2, ms=7, label=f"{label} (median)"
        )
        for column in errors.T:
            ax.scatter(params, column, color=line.get_color(), alpha=0.35, s=18, zorder=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    budgets = sorted({float(p) for params, _ in results.values() for p in np.ravel(params)})
    ax.set_xticks(budgets, [f"{b:g}" for b in budgets])
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    _plain_log_ticks(ax.yaxis)
    ax.set_xlabel("trainable parameters")
    ax.set_ylabel(error_label)
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_accuracy_vs_parameters(results: dict, title: str | None = None):
    """Test accuracy against parameter count, one labelled point per ``{label: (params, accuracy)}``."""
    fig, ax = plt.subplots(figsize=(7.0, 4.0))
    for (label, (params, accuracy)), marker in zip(results.items(), "os^vDP*"):
        ax.plot(params, accuracy, marker, ms=9)
        ax.annotate(
            f"{label}\n{params:,} parameters, {accuracy:.4f}",
            (params, accuracy),
            textcoords="offset points",
            xytext=(8, -4),
            fontsize=8,
            va="top",
        )
    ax.set_xscale("log")
    low, high = min(p for p, _ in results.values()), max(p for p, _ in results.values())
    ax.set_xlim(low / 1.5, high * 4)
    accuracies = [a for _, a in results.values()]
    span = max(accuracies) - min(accuracies) or 0.01
    ax.set_ylim(min(accuracies) - 0.35 * span, max(accuracies) + 0.15 * span)
    ax.set_xlabel("parameters (log scale)")
    ax.set_ylabel("test accuracy")
    ax.grid(alpha=0.3, which="both")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


# --- Lab 7: recurrent networks: the unfolded graph, sequence lengths, forecasts -------------
