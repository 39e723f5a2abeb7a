"""Loss landscapes: contours of a two-parameter loss with optimisers' paths."""

import matplotlib.pyplot as plt
import numpy as np


def plot_contours(
    loss,
    extent,
    paths: dict | None = None,
    points=None,
    minimum=None,
    ax=None,
    levels: int = 14,
    log: bool = True,
    resolution: int = 160,
    title: str | None = None,
):
    """Contour lines of a two-parameter ``loss`` over ``extent = (x0, x1, y0, y1)``, with paths.

    ``loss`` maps points ``(..., 2)`` to values ``(...)``. ``paths`` is ``{label: (k, 2)}``:
    each optimizer trajectory is a line with a dot per step, its start a square. With
    ``log`` the levels are spaced geometrically above the grid's smallest value, so a
    valley's steep walls and flat floor both show; otherwise they are evenly spaced.
    ``points`` (``(n, 2)``) are drawn faintly underneath; ``minimum`` is marked with a star.
    Draws on ``ax`` if given; returns the figure.
    """
    x0, x1, y0, y1 = extent
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    values = np.asarray(loss(np.stack([gx, gy], axis=-1)), dtype=float)
    if ax is None:
        _, ax = plt.subplots(figsize=(5.2, 4.6))
    if points is not None:
        points = np.asarray(points)
        ax.scatter(points[:, 0], points[:, 1], s=4, color="grey", alpha=0.25, lw=0, zorder=1)
    if log:
        low = float(values.min())
        span = float(values.max()) - low
        ax.contour(
            gx,
            gy,
            values,
            levels=low + np.geomspace(span * 1e-4, span, levels),
            cmap="viridis",
            linewidths=0.9,
            zorder=2,
        )
    else:
        ax.contour(gx, gy, values, levels=levels, cmap="viridis", linewidths=0.9, zorder=2)
    for (label, path), colour in zip((paths or {}).items(), plt.cm.tab10.colors):
        path = np.asarray(path, dtype=float)
        ax.plot(path[:, 0], path[:, 1], "-", color=colour, lw=1.3, alpha=0.9, zorder=3, label=label)
        ax.plot(path[:, 0], path[:, 1], ".", color=colour, ms=3, zorder=3)
        ax.plot(path[0, 0], path[0, 1], "s", color=colour, ms=6, zorder=4)
    if minimum is not None:
        ax.plot(*np.asarray(minimum, dtype=float), "*", color="black", ms=12, zorder=5, label="minimum")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xlabel("$\\mu_1$")
    ax.set_ylabel("$\\mu_2$")
    if paths or minimum is not None:
        ax.legend(fontsize=8, loc="upper left", framealpha=0.9)
    if title:
        ax.set_title(title, fontsize=10)
    ax.figure.tight_layout()
    return ax.figure
