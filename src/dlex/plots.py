"""Plots the labs share: training history, digit grids, confusion matrices.

Each function draws on a new figure and returns it; in a notebook the figure shows
when the cell ends.
"""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator


def _history_dict(history) -> dict:
    return history.history if hasattr(history, "history") else dict(history)


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
            best = int(np.argmin(val) if name == "loss" else np.argmax(val))
            ax.axvline(epochs[best], color="grey", ls=":", lw=1)
            ax.annotate(f"best: epoch {epochs[best]}", (epochs[best], val[best]),
                        textcoords="offset points", xytext=(6, 8), fontsize=8, color="grey")
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


def plot_digit_grid(images, labels, predictions=None, columns: int = 10, title: str | None = None):
    """Images in a grid, each titled with its label (and prediction, red when wrong)."""
    images = np.asarray(images)
    count = len(images)
    rows = max(1, int(np.ceil(count / columns)))
    fig, axes = plt.subplots(rows, columns, figsize=(1.1 * columns, 1.3 * rows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= count:
            continue
        side = int(round(np.sqrt(images[i].size)))
        ax.imshow(images[i].reshape(side, side), cmap="gray_r")
        if predictions is None:
            ax.set_title(str(labels[i]), fontsize=9)
        else:
            wrong = predictions[i] != labels[i]
            ax.set_title(f"{labels[i]}→{predictions[i]}", fontsize=9,
                         color="red" if wrong else "black")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(matrix, class_names=None, title: str = "Confusion matrix"):
    """A confusion matrix (rows: true class, columns: predicted) with counts written in."""
    matrix = np.asarray(matrix)
    names = class_names if class_names is not None else list(range(len(matrix)))
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(names)), names)
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    threshold = matrix.max() / 2
    for (i, j), count in np.ndenumerate(matrix):
        ax.text(j, i, str(count), ha="center", va="center", fontsize=7,
                color="white" if count > threshold else "black")
    ax.set_title(title)
    fig.tight_layout()
    return fig


# --- Lab 3 and later: decision regions, activations, network diagrams, capacity -----------


def _plain_log_ticks(axis):
    """Label a log axis at 1, 2 and 5 times each power of ten, as plain numbers."""
    axis.set_major_locator(matplotlib.ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
    axis.set_minor_formatter(matplotlib.ticker.NullFormatter())


def plot_decision_boundaries(panels, threshold: float = 0.5, limits=(-0.5, 1.5),
                             value_range=(0.0, 1.0), resolution: int = 120,
                             value_label: str = "network output", title: str | None = None):
    """Side-by-side 2-D decision regions, one panel per ``(panel title, predict, x, y)``.

    ``predict`` maps points ``(N, 2)`` to one output each; the background colour is that
    output, the black line is where it equals ``threshold`` (the decision boundary), and
    the points are drawn by class (circles 0, triangles 1).
    """
    panels = list(panels)
    fig, axes = plt.subplots(1, len(panels), figsize=(4.1 * len(panels) + 1.0, 4.1), squeeze=False,
                             layout="constrained")
    low, high = limits
    grid = np.linspace(low, high, resolution)
    g1, g2 = np.meshgrid(grid, grid)
    points = np.column_stack([g1.ravel(), g2.ravel()])
    image = None
    for ax, (name, predict, x, y) in zip(axes[0], panels):
        values = np.asarray(predict(points), dtype=float).reshape(g1.shape)
        image = ax.imshow(values, origin="lower", extent=(low, high, low, high), cmap="RdBu_r",
                          vmin=value_range[0], vmax=value_range[1], alpha=0.75, aspect="equal")
        if values.min() < threshold < values.max():
            ax.contour(g1, g2, values, levels=[threshold], colors="black", linewidths=1.5)
        x, y = np.asarray(x), np.asarray(y).reshape(len(x))
        for label, marker, colour in ((0, "o", "#2166ac"), (1, "^", "#b2182b")):
            chosen = y == label
            ax.scatter(x[chosen, 0], x[chosen, 1], marker=marker, c=colour, edgecolors="black",
                       s=60 if len(x) <= 16 else 14, linewidths=0.8 if len(x) <= 16 else 0.3,
                       label=f"class {label}", zorder=3)
        ax.set_xlim(low, high)
        ax.set_ylim(low, high)
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_title(name, fontsize=10)
    axes[0][0].legend(loc="upper left", fontsize=8, framealpha=0.9)
    fig.colorbar(image, ax=list(axes[0]), shrink=0.85, label=value_label)
    if title:
        fig.suptitle(title)
    return fig


def plot_activations(functions: dict, z=None, columns: int = 3, title: str | None = None):
    """Each activation (solid) with its derivative (dashed): ``{name: (f, f_grad)}``."""
    z = np.linspace(-5, 5, 401) if z is None else np.asarray(z)
    rows = int(np.ceil(len(functions) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(3.6 * columns, 2.8 * rows), squeeze=False)
    for ax, (name, (f, f_grad)) in zip(axes.flat, functions.items()):
        ax.axhline(0, color="grey", lw=0.6)
        ax.axvline(0, color="grey", lw=0.6)
        ax.plot(z, f(z), lw=2, label="f(z)")
        ax.plot(z, f_grad(z), "--", lw=1.8, label="f′(z)")
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("z")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(functions):]:
        ax.axis("off")
    axes[0][0].legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_network(kernels, biases=None, layer_labels=None, title: str | None = None):
    """A dense network as a diagram: one circle per unit, each edge labelled with its weight.

    ``kernels`` are Keras-layout matrices ``(inputs, units)``; ``biases`` (optional) one
    vector per layer, written under its units. ``layer_labels`` names the units of each
    layer (inputs first), e.g. ``[["x1", "x2"], ["h1", "h2"], ["y"]]``. Blue edges are
    positive weights, red negative, thicker when larger.
    """
    kernels = [np.atleast_2d(np.asarray(k, dtype=float)) for k in kernels]
    sizes = [kernels[0].shape[0]] + [k.shape[1] for k in kernels]
    labels = layer_labels or [[f"{'x' if i == 0 else 'h' if i < len(sizes) - 1 else 'y'}{j + 1}"
                               for j in range(n)] for i, n in enumerate(sizes)]
    fig, ax = plt.subplots(figsize=(2.4 * len(sizes) + 1, 1.3 * max(sizes) + 1.2))
    positions = [[(2.4 * i, (n - 1) / 2 - j) for j in range(n)] for i, n in enumerate(sizes)]
    largest = max(float(np.abs(k).max()) for k in kernels) or 1.0
    for layer, kernel in enumerate(kernels):
        for a, (x0, y0) in enumerate(positions[layer]):
            for b, (x1, y1) in enumerate(positions[layer + 1]):
                w = kernel[a, b]
                ax.plot([x0, x1], [y0, y1], color="#2166ac" if w >= 0 else "#b2182b",
                        lw=0.6 + 2.4 * abs(w) / largest, zorder=1)
                t = 0.3 if b == a or kernel.shape[1] == 1 else 0.22
                ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), f"{w:g}", fontsize=9, ha="center",
                        va="center", zorder=3,
                        bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"))
    for layer, layer_positions in enumerate(positions):
        for j, (x, y) in enumerate(layer_positions):
            ax.add_patch(plt.Circle((x, y), 0.32, fc="#f7f7f7", ec="black", zorder=2))
            ax.text(x, y, labels[layer][j], ha="center", va="center", fontsize=10, zorder=4)
            if biases is not None and layer > 0 and biases[layer - 1] is not None:
                bias = np.ravel(biases[layer - 1])[j]
                ax.text(x, y - 0.48, f"b = {bias:g}", ha="center", va="top", fontsize=8, color="dimgrey")
    ax.set_xlim(-0.7, 2.4 * (len(sizes) - 1) + 0.7)
    ax.set_ylim(-(max(sizes) - 1) / 2 - 0.95, (max(sizes) - 1) / 2 + 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_function_fits(x, target, fits: dict, errors: dict | None = None,
                       size_label: str = "hidden units", error_label: str = "RMSE",
                       title: str | None = None):
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


def plot_error_vs_parameters(results: dict, error_label: str = "test error", title: str | None = None):
    """Error against parameter count, one series per architecture, every seed a dot.

    ``results`` maps a label to ``(parameter counts (B,), errors (B, seeds))``; the line
    joins the medians over seeds.
    """
    fig, ax = plt.subplots(figsize=(6.5, 4.0))
    for (label, (params, errors)), marker in zip(results.items(), "os^vD"):
        params, errors = np.asarray(params, dtype=float), np.asarray(errors, dtype=float)
        line, = ax.plot(params, np.median(errors, axis=1), marker + "-", lw=2, ms=7,
                        label=f"{label} (median)")
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


def plot_log_histograms(values: dict, threshold: float | None = None, threshold_label: str = "",
                        xlabel: str = "final training loss", bins: int = 30, title: str | None = None):
    """Histograms on a log axis, one per setup ``{label: values}`` (e.g. final losses over seeds).

    Values below 1e-12 are drawn at 1e-12. A dotted line marks ``threshold``, labelled
    ``threshold_label`` (e.g. "success below").
    """
    fig, ax = plt.subplots(figsize=(6.8, 3.6))
    floor = 1e-12
    clipped = {label: np.clip(np.ravel(v).astype(float), floor, None) for label, v in values.items()}
    everything = np.concatenate(list(clipped.values()))
    edges = np.logspace(np.log10(everything.min()) - 0.1, np.log10(everything.max()) + 0.1, bins)
    for label, v in clipped.items():
        ax.hist(v, bins=edges, histtype="stepfilled", alpha=0.45, edgecolor="black", lw=0.8, label=label)
    if threshold is not None:
        ax.axvline(threshold, color="black", ls=":", lw=1.2)
        if threshold_label:
            ax.text(threshold, 0.97, threshold_label + " ", transform=ax.get_xaxis_transform(),
                    ha="right", va="top", fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("runs")
    ax.legend(loc="upper center")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


# --- Lab 5: loss landscapes with optimizer trajectories, curves per step or layer -----------


def plot_contours(loss, extent, paths: dict | None = None, points=None, minimum=None, ax=None,
                  levels: int = 14, log: bool = True, resolution: int = 160,
                  title: str | None = None):
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
        ax.contour(gx, gy, values, levels=low + np.geomspace(span * 1e-4, span, levels),
                   cmap="viridis", linewidths=0.9, zorder=2)
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


def plot_curves(curves: dict, xlabel: str = "step", ylabel: str = "loss", log: bool = True,
                hline: float | None = None, hline_label: str | None = None, ax=None,
                marker: str | None = None, title: str | None = None):
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


def _regression_panel(ax, x_grid, fits: dict, train, test=None, truth=None, ylim=None, faint=None,
                      styles=None):
    if faint is not None:
        for i, y in enumerate(faint):
            ax.plot(x_grid, np.ravel(y), color="grey", lw=0.6, alpha=0.35,
                    label="sub-networks" if i == 0 else None)
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


def plot_regression_fits(x_grid, fits: dict, train, test=None, truth=None, ylim=None,
                         faint=None, styles: dict | None = None, title: str | None = None):
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


def plot_training_and_fit(history, x_grid, fit, train, test=None, truth=None, ylim=None,
                          title: str | None = None):
    """Left: training and validation loss per epoch (log scale), the best epoch dotted.
    Right: the fitted curve ``fit`` (y on ``x_grid``) over the data points."""
    hist = _history_dict(history)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    epochs = np.arange(1, len(hist["loss"]) + 1)
    left.plot(epochs, hist["loss"], "o-", ms=3, label="training loss")
    if "val_loss" in hist:
        val = np.asarray(hist["val_loss"], dtype=float)
        left.plot(epochs, val, "s-", ms=3, label="validation loss")
        best = int(np.argmin(val))
        left.axvline(epochs[best], color="grey", ls=":", lw=1)
        left.annotate(f"best: epoch {epochs[best]}", (epochs[best], val[best]),
                      textcoords="offset points", xytext=(6, 8), fontsize=8, color="grey")
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


def plot_bias_variance(x, parts: dict, measured=None, measured_label: str = "measured test error",
                       xlabel: str = "polynomial degree", log_x: bool = False,
                       title: str | None = None):
    """Lines for the parts of the expected error ``{label: values}`` against ``x``, log y;
    ``measured`` (same length as ``x``) is drawn as large open circles on top."""
    fig, ax = plt.subplots(figsize=(6.8, 4.0))
    styles = iter([("o-", "tab:blue"), ("s-", "tab:orange"), (":", "grey"), ("-", "black"),
                   ("^-", "tab:green"), ("v-", "tab:purple")])
    for label, values in parts.items():
        style, colour = next(styles)
        ax.plot(x, np.asarray(values, dtype=float), style, color=colour, ms=4, lw=1.5, label=label)
    if measured is not None:
        ax.plot(x, np.asarray(measured, dtype=float), "o", ms=11, mfc="none", mec="tab:red",
                mew=1.5, label=measured_label)
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
        ax.bar(np.arange(count) + (i - (len(labels) - 1) / 2) * width,
               np.asarray(coefficients[label], dtype=float), width, label=label)
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


def plot_method_errors(values: dict, spread: dict | None = None, floor: float | None = None,
                       floor_label: str = "noise level", xlabel: str = "test RMSE",
                       title: str | None = None):
    """One dot per method ``{method: error}``, on a logarithmic axis; ``spread``
    ``{method: (low, high)}`` as a line through the dot; ``floor`` as a dotted line."""
    names = list(values)
    fig, ax = plt.subplots(figsize=(7.5, 0.36 * len(names) + 1.3))
    positions = np.arange(len(names))[::-1]
    labelled = False
    for position, name in zip(positions, names):
        ax.axhline(position, color="grey", lw=0.5, alpha=0.3)
        if spread and name in spread:
            ax.plot(spread[name], [position, position], color="grey", lw=2.5, alpha=0.6,
                    solid_capstyle="round", label=None if labelled else "range over other draws")
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
            ax.add_patch(plt.Rectangle((i, 1.6), 0.9, 0.9, fc="#dddddd" if padded else "#f7f7f7",
                                       ec="black", lw=0.8))
            ax.text(i + 0.45, 2.05, "0" if padded else f"x{i - p + 1}", ha="center", va="center", fontsize=8)
        for j in range(outputs):
            start = j * s
            centre = start + k / 2 - 0.05
            chosen = j == highlight
            colour = "tab:red" if chosen else "grey"
            ax.add_patch(plt.Rectangle((centre - 0.45, 0), 0.9, 0.9, fc="#fde0dd" if chosen else "white",
                                       ec=colour, lw=1.4 if chosen else 0.8))
            ax.text(centre, 0.45, f"y{j + 1}", ha="center", va="center", fontsize=8)
            for edge in (start, start + k - 0.1):
                ax.plot([centre, edge], [0.9, 1.6], color=colour, lw=1.2 if chosen else 0.5,
                        alpha=1.0 if chosen else 0.5)
            if chosen:
                ax.add_patch(plt.Rectangle((start - 0.05, 1.55), k, 1.0, fc="none", ec=colour, lw=2))
        ax.set_title(f"kernel k = {k}, stride s = {s}, padding p = {p}: "
                     f"⌊({n} + {2 * p} − {k}) / {s}⌋ + 1 = {outputs} outputs", fontsize=9)
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
    fig, axes = plt.subplots(len(panels), 1, figsize=(8.0, 1.7 * len(panels) + 0.6), sharex=True,
                             squeeze=False)
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


def plot_feature_maps(maps, columns: int = 8, labels=None, cmap: str = "viridis", size: float = 1.15,
                      symmetric: bool = False, title: str | None = None):
    """Feature maps as small images in a grid, each on its own colour scale.

    ``maps`` is an array ``(H, W, C)`` (one image per channel) or a list of 2-D images
    of any sizes. ``labels`` (one per image) title them; ``symmetric`` centres each
    colour scale on 0, for signed values such as edge responses.
    """
    if isinstance(maps, (list, tuple)):
        images = [np.asarray(m, dtype=float) for m in maps]
    else:
        maps = np.asarray(maps, dtype=float)
        images = [maps[..., i] for i in range(maps.shape[-1])]
    columns = min(columns, len(images))
    rows = int(np.ceil(len(images) / columns))
    extra = 0.25 if labels is not None else 0.0
    fig, axes = plt.subplots(rows, columns, figsize=(size * columns, (size + extra) * rows + 0.5),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= len(images):
            continue
        limit = float(np.abs(images[i]).max()) or 1.0
        ax.imshow(images[i], cmap=cmap, **({"vmin": -limit, "vmax": limit} if symmetric else {}))
        if labels is not None:
            ax.set_title(str(labels[i]), fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_filters(kernel, columns: int = 8, title: str | None = None):
    """The filters of a first ``Conv2D`` layer, kernel ``(kh, kw, 1, C)``, one small image each.

    All filters share one colour scale centred on 0: blue weights are negative, red positive.
    """
    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim != 4 or kernel.shape[2] != 1:
        raise ValueError(f"expected a first-layer kernel (kh, kw, 1, C), got shape {kernel.shape}")
    count = kernel.shape[-1]
    limit = float(np.abs(kernel).max()) or 1.0
    rows = int(np.ceil(count / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(1.0 * columns + 1.2, 1.05 * rows + 0.6), squeeze=False,
                             layout="constrained")
    image = None
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= count:
            ax.axis("off")
            continue
        image = ax.imshow(kernel[:, :, 0, i], cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"{i + 1}", fontsize=7)
    fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.7, label="weight")
    if title:
        fig.suptitle(title)
    return fig


def plot_accuracy_vs_parameters(results: dict, title: str | None = None):
    """Test accuracy against parameter count, one labelled point per ``{label: (params, accuracy)}``."""
    fig, ax = plt.subplots(figsize=(7.0, 4.0))
    for (label, (params, accuracy)), marker in zip(results.items(), "os^vDP*"):
        ax.plot(params, accuracy, marker, ms=9)
        ax.annotate(f"{label}\n{params:,} parameters, {accuracy:.4f}", (params, accuracy),
                    textcoords="offset points", xytext=(8, -4), fontsize=8, va="top")
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


def plot_unrolled_rnn(steps: int = 3, title: str | None = None):
    """A recurrent layer folded (one cell with a loop) and unfolded over ``steps`` time steps.

    Inputs x feed the state h through U, the state feeds itself through W (one step
    later) and the output o through V: the same three matrices at every step.
    """
    fig, ax = plt.subplots(figsize=(3.0 + 2.1 * steps, 3.6))
    radius = 0.36

    def node(x, y, text, colour):
        ax.add_patch(plt.Circle((x, y), radius, fc=colour, ec="black", zorder=2))
        ax.text(x, y, text, ha="center", va="center", fontsize=11, zorder=3)

    def link(a, b, label, offset=(0.12, 0.0), to_node=True):
        (x0, y0), (x1, y1) = a, b
        length = np.hypot(x1 - x0, y1 - y0)
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        start = (x0 + radius * ux, y0 + radius * uy)
        end = (x1 - radius * ux, y1 - radius * uy) if to_node else b
        ax.annotate("", xy=end, xytext=start, zorder=1,
                    arrowprops=dict(arrowstyle="-|>", color="black", lw=1.3, shrinkA=0, shrinkB=0))
        ax.text((x0 + x1) / 2 + offset[0], (y0 + y1) / 2 + offset[1], label, fontsize=10,
                ha="left", va="center", color="#2166ac")

    # Folded: one cell whose state loops back into itself.
    node(0, 0, "$x$", "#fddbc7")
    node(0, 1.4, "$h$", "#d1e5f0")
    node(0, 2.8, "$o$", "#e0e0e0")
    link((0, 0), (0, 1.4), "U")
    link((0, 1.4), (0, 2.8), "V")
    ax.annotate("", xy=(-0.2, 1.1), xytext=(-0.2, 1.7), zorder=1,
                arrowprops=dict(arrowstyle="-|>", color="black", lw=1.3, shrinkA=0, shrinkB=0,
                                connectionstyle="arc3,rad=1.6"))
    ax.text(-0.95, 1.4, "W", fontsize=10, color="#2166ac", ha="center", va="center")
    ax.text(0.8, 1.4, "=", fontsize=20, ha="center", va="center")
    ax.text(0, -0.75, "folded", ha="center", fontsize=9, color="dimgrey")

    # Unfolded over time: one copy of the cell per step.
    xs = [3.0 + 2.1 * k for k in range(steps)]
    ax.text(xs[0] - 1.35, 1.4, "…", fontsize=16, ha="center", va="center")
    for k, x in enumerate(xs):
        back = steps - 1 - k
        sub = f"t-{back}" if back else "t"
        node(x, 0, f"$x_{{{sub}}}$", "#fddbc7")
        node(x, 1.4, f"$h_{{{sub}}}$", "#d1e5f0")
        node(x, 2.8, f"$o_{{{sub}}}$", "#e0e0e0")
        link((x, 0), (x, 1.4), "U")
        link((x, 1.4), (x, 2.8), "V")
        if k:
            link((xs[k - 1], 1.4), (x, 1.4), "W", offset=(-0.15, 0.2))
        else:
            ax.annotate("", xy=(x - radius, 1.4), xytext=(x - 1.1, 1.4), zorder=1,
                        arrowprops=dict(arrowstyle="-|>", color="black", lw=1.3, shrinkA=0, shrinkB=0))
            ax.text(x - 0.8, 1.6, "W", fontsize=10, color="#2166ac", ha="left", va="center")
    link((xs[-1], 1.4), (xs[-1] + 1.1, 1.4), "W", offset=(-0.15, 0.2), to_node=False)
    ax.text(xs[-1] + 1.4, 1.4, "…", fontsize=16, ha="center", va="center")
    ax.text((xs[0] + xs[-1]) / 2, -0.75, "unfolded in time: the same U, W and V at every step",
            ha="center", fontsize=9, color="dimgrey")
    ax.set_xlim(-1.3, xs[-1] + 1.7)
    ax.set_ylim(-1.0, 3.3)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_length_histogram(lengths, cut: int | None = None, bins: int = 60, title: str | None = None):
    """Histogram of sequence lengths, with the cut-off length marked (and the share above it)."""
    lengths = np.asarray(lengths)
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    ax.hist(lengths, bins=np.linspace(0, np.percentile(lengths, 99), bins), color="#4393c3")
    if cut is not None:
        ax.axvline(cut, color="black", ls=":", lw=1.4)
        ax.annotate(f"cut at {cut}: {np.mean(lengths > cut):.0%} of sequences are longer",
                    (cut, ax.get_ylim()[1] * 0.9), textcoords="offset points", xytext=(6, 0), fontsize=8)
    ax.set_xlabel("length (tokens)")
    ax.set_ylabel("sequences")
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_sequence_continuations(history, truth, predictions: dict, start: int | None = None,
                                xlabel: str = "time step", title: str | None = None):
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
        ax.plot(future[:len(values)], values, lw=1.4, label=label)
    ax.axvline(start - 0.5, color="grey", ls=":", lw=1)
    ax.set_xlabel(xlabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
