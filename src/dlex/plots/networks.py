"""Networks drawn: decision boundaries, activation functions, weights as a graph, an unrolled RNN."""

import matplotlib.pyplot as plt
import numpy as np


def plot_decision_boundaries(
    panels,
    threshold: float = 0.5,
    limits=(-0.5, 1.5),
    value_range=(0.0, 1.0),
    resolution: int = 120,
    value_label: str = "network output",
    title: str | None = None,
):
    """Side-by-side 2-D decision regions, one panel per ``(panel title, predict, x, y)``.

    ``predict`` maps points ``(N, 2)`` to one output each; the background colour is that
    output, the black line is where it equals ``threshold`` (the decision boundary), and
    the points are drawn by class (circles 0, triangles 1).
    """
    panels = list(panels)
    fig, axes = plt.subplots(
        1, len(panels), figsize=(4.1 * len(panels) + 1.0, 4.1), squeeze=False, layout="constrained"
    )
    low, high = limits
    grid = np.linspace(low, high, resolution)
    g1, g2 = np.meshgrid(grid, grid)
    points = np.column_stack([g1.ravel(), g2.ravel()])
    image = None
    for ax, (name, predict, x, y) in zip(axes[0], panels):
        values = np.asarray(predict(points), dtype=float).reshape(g1.shape)
        image = ax.imshow(
            values,
            origin="lower",
            extent=(low, high, low, high),
            cmap="RdBu_r",
            vmin=value_range[0],
            vmax=value_range[1],
            alpha=0.75,
            aspect="equal",
        )
        if values.min() < threshold < values.max():
            ax.contour(g1, g2, values, levels=[threshold], colors="black", linewidths=1.5)
        x, y = np.asarray(x), np.asarray(y).reshape(len(x))
        for label, marker, colour in ((0, "o", "#2166ac"), (1, "^", "#b2182b")):
            chosen = y == label
            ax.scatter(
                x[chosen, 0],
                x[chosen, 1],
                marker=marker,
                c=colour,
                edgecolors="black",
                s=60 if len(x) <= 16 else 14,
                linewidths=0.8 if len(x) <= 16 else 0.3,
                label=f"class {label}",
                zorder=3,
            )
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
    for ax in list(axes.flat)[len(functions) :]:
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
    labels = layer_labels or [
        [f"{'x' if i == 0 else 'h' if i < len(sizes) - 1 else 'y'}{j + 1}" for j in range(n)]
        for i, n in enumerate(sizes)
    ]
    fig, ax = plt.subplots(figsize=(2.4 * len(sizes) + 1, 1.3 * max(sizes) + 1.2))
    positions = [[(2.4 * i, (n - 1) / 2 - j) for j in range(n)] for i, n in enumerate(sizes)]
    largest = max(float(np.abs(k).max()) for k in kernels) or 1.0
    for layer, kernel in enumerate(kernels):
        for a, (x0, y0) in enumerate(positions[layer]):
            for b, (x1, y1) in enumerate(positions[layer + 1]):
                w = kernel[a, b]
                ax.plot(
                    [x0, x1],
                    [y0, y1],
                    color="#2166ac" if w >= 0 else "#b2182b",
                    lw=0.6 + 2.4 * abs(w) / largest,
                    zorder=1,
                )
                t = 0.3 if b == a or kernel.shape[1] == 1 else 0.22
                ax.text(
                    x0 + t * (x1 - x0),
                    y0 + t * (y1 - y0),
                    f"{w:g}",
                    fontsize=9,
                    ha="center",
                    va="center",
                    zorder=3,
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"),
                )
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
        ax.annotate(
            "",
            xy=end,
            xytext=start,
            zorder=1,
            arrowprops=dict(arrowstyle="-|>", color="black", lw=1.3, shrinkA=0, shrinkB=0),
        )
        ax.text(
            (x0 + x1) / 2 + offset[0],
            (y0 + y1) / 2 + offset[1],
            label,
            fontsize=10,
            ha="left",
            va="center",
            color="#2166ac",
        )

    # Folded: one cell whose state loops back into itself.
    node(0, 0, "$x$", "#fddbc7")
    node(0, 1.4, "$h$", "#d1e5f0")
    node(0, 2.8, "$o$", "#e0e0e0")
    link((0, 0), (0, 1.4), "U")
    link((0, 1.4), (0, 2.8), "V")
    ax.annotate(
        "",
        xy=(-0.2, 1.1),
        xytext=(-0.2, 1.7),
        zorder=1,
        arrowprops=dict(
            arrowstyle="-|>", color="black", lw=1.3, shrinkA=0, shrinkB=0, connectionstyle="arc3,rad=1.6"
        ),
    )
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
            ax.annotate(
                "",
                xy=(x - radius, 1.4),
                xytext=(x - 1.1, 1.4),
                zorder=1,
                arrowprops=dict(arrowstyle="-|>", color="black", lw=1.3, shrinkA=0, shrinkB=0),
            )
            ax.text(x - 0.8, 1.6, "W", fontsize=10, color="#2166ac", ha="left", va="center")
    link((xs[-1], 1.4), (xs[-1] + 1.1, 1.4), "W", offset=(-0.15, 0.2), to_node=False)
    ax.text(xs[-1] + 1.4, 1.4, "…", fontsize=16, ha="center", va="center")
    ax.text(
        (xs[0] + xs[-1]) / 2,
        -0.75,
        "unfolded in time: the same U, W and V at every step",
        ha="center",
        fontsize=9,
        color="dimgrey",
    )
    ax.set_xlim(-1.3, xs[-1] + 1.7)
    ax.set_ylim(-1.0, 3.3)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_log_histograms(
    values: dict,
    threshold: float | None = None,
    threshold_label: str = "",
    xlabel: str = "final training loss",
    bins: int = 30,
    title: str | None = None,
):
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
            ax.text(
                threshold,
                0.97,
                threshold_label + " ",
                transform=ax.get_xaxis_transform(),
                ha="right",
                va="top",
                fontsize=8,
            )
    ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("runs")
    ax.legend(loc="upper center")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


# --- Lab 5: loss landscapes with optimizer trajectories, curves per step or layer -----------
