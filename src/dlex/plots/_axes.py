"""Helpers the plot modules share: history access, plain log-scale ticks, the best epoch marked."""

import matplotlib


def _history_dict(history) -> dict:
    return history.history if hasattr(history, "history") else dict(history)


def _plain_log_ticks(axis):
    """Label a log axis at 1, 2 and 5 times each power of ten, as plain numbers."""
    axis.set_major_locator(matplotlib.ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
    axis.set_minor_formatter(matplotlib.ticker.NullFormatter())


def _mark_best_epoch(ax, epochs, values, best: int):
    """A dotted line at the best epoch, labelled beside its point."""
    ax.axvline(epochs[best], color="grey", ls=":", lw=1)
    ax.annotate(
        f"best: epoch {epochs[best]}",
        (epochs[best], values[best]),
        textcoords="offset points",
        xytext=(6, 8),
        fontsize=8,
        color="grey",
    )
