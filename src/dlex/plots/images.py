"""Images and what a network makes of them: digit grids, confusion matrices, feature maps, filters."""

import matplotlib.pyplot as plt
import numpy as np


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
            ax.set_title(f"{labels[i]}→{predictions[i]}", fontsize=9, color="red" if wrong else "black")
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
        ax.text(
            j,
            i,
            str(count),
            ha="center",
            va="center",
            fontsize=7,
            color="white" if count > threshold else "black",
        )
    ax.set_title(title)
    fig.tight_layout()
    return fig


# --- Lab 3 and later: decision regions, activations, network diagrams, capacity -----------


def plot_feature_maps(
    maps,
    columns: int = 8,
    labels=None,
    cmap: str = "viridis",
    size: float = 1.15,
    symmetric: bool = False,
    title: str | None = None,
):
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
    fig, axes = plt.subplots(
        rows, columns, figsize=(size * columns, (size + extra) * rows + 0.5), squeeze=False
    )
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
    fig, axes = plt.subplots(
        rows, columns, figsize=(1.0 * columns + 1.2, 1.05 * rows + 0.6), squeeze=False, layout="constrained"
    )
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
