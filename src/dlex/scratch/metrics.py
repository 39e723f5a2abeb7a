"""Classification and regression metrics in NumPy (Lab 3).

Classification metrics take label vectors ``(N,)``; scores are turned into labels
first: ``(N, K)`` probabilities, logits or one-hot rows by ``argmax``, and
``(N,)``/``(N, 1)`` float probabilities by ``> threshold``. Conventions are
scikit-learn's: confusion-matrix rows are true classes, columns predictions; precision,
recall and F1 take ``average="binary"`` (for ``pos_label``), ``"macro"``, ``"micro"``,
``"weighted"`` or ``None`` (per class), and a 0/0 ratio counts as 0. Classes are
``0 .. K-1`` with ``K = num_classes`` or the largest label plus one; without
``num_classes`` the macro average skips classes that never occur, as scikit-learn does.
Regression metrics take ``(N,)`` or ``(N, K)`` arrays and average over all entries.
"""

import numpy as np

__all__ = ["to_labels", "accuracy", "confusion_matrix", "precision", "recall", "f1", "rmse", "mae"]

_AVERAGES = ("binary", "macro", "micro", "weighted", None)


def to_labels(y, threshold=0.5):
    """Class labels from labels, one-hot rows, per-class scores or binary probabilities."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return y.argmax(axis=1)
    y = y.reshape(len(y)) if y.ndim == 2 else y
    if y.ndim != 1:
        raise ValueError(f"expected labels (N,) or scores (N, K), got shape {y.shape}")
    if np.issubdtype(y.dtype, np.floating) and np.any(y != np.round(y)):
        return (y > threshold).astype(np.int64)
    return y.astype(np.int64) if np.issubdtype(y.dtype, np.floating) or y.dtype == bool else y


def accuracy(y_true, y_pred, threshold=0.5):
    """Fraction of samples whose predicted label equals the true label."""
    t, p = _labels(y_true, y_pred, threshold)
    return float(np.mean(t == p))


def confusion_matrix(y_true, y_pred, num_classes=None, threshold=0.5):
    """Counts ``(K, K)``: entry ``[i, j]`` is how many samples of class ``i`` were predicted ``j``."""
    t, p = _labels(y_true, y_pred, threshold)
    if np.any(t < 0) or np.any(p < 0):
        raise ValueError("class labels must be non-negative integers")
    k = int(max(t.max(initial=-1), p.max(initial=-1)) + 1) if num_classes is None else int(num_classes)
    if t.size and max(t.max(), p.max()) >= k:
        raise ValueError(f"labels must be below num_classes={k}")
    return np.bincount(k * t + p, minlength=k * k).reshape(k, k)


def precision(y_true, y_pred, average="binary", pos_label=1, num_classes=None):
    """Of the samples predicted as a class, the fraction that truly are: ``TP / (TP + FP)``."""
    tp, fp, fn, present = _counts(y_true, y_pred, num_classes)
    return _average(tp, tp + fp, tp + fn, present, average, pos_label)


def recall(y_true, y_pred, average="binary", pos_label=1, num_classes=None):
    """Of the samples of a class, the fraction predicted as it: ``TP / (TP + FN)``."""
    tp, fp, fn, present = _counts(y_true, y_pred, num_classes)
    return _average(tp, tp + fn, tp + fn, present, average, pos_label)


def f1(y_true, y_pred, average="binary", pos_label=1, num_classes=None):
    """Harmonic mean of precision and recall: ``2 TP / (2 TP + FP + FN)``."""
    tp, fp, fn, present = _counts(y_true, y_pred, num_classes)
    return _average(2 * tp, 2 * tp + fp + fn, tp + fn, present, average, pos_label)


def rmse(y_true, y_pred):
    """Root mean squared error over all entries."""
    y_true, y_pred = _regression_pair(y_true, y_pred)
    return float(np.sqrt(np.mean((y_true - y_pred) ** 2)))


def mae(y_true, y_pred):
    """Mean absolute error over all entries."""
    y_true, y_pred = _regression_pair(y_true, y_pred)
    return float(np.mean(np.abs(y_true - y_pred)))


def _labels(y_true, y_pred, threshold=0.5):
    t, p = to_labels(y_true, threshold), to_labels(y_pred, threshold)
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred hold different numbers of samples: {t.shape} and {p.shape}")
    return t, p


def _counts(y_true, y_pred, num_classes):
    """Per-class true positives, false positives, false negatives, and which classes occur at all."""
    cm = confusion_matrix(y_true, y_pred, num_classes).astype(np.float64)
    tp = np.diag(cm)
    present = (cm.sum(axis=0) + cm.sum(axis=1)) > 0
    if num_classes is not None:
        present[:] = True  # explicitly requested classes all count, like sklearn's labels=
    return tp, cm.sum(axis=0) - tp, cm.sum(axis=1) - tp, present


def _average(numerator, denominator, support, present, average, pos_label):
    if average not in _AVERAGES:
        raise ValueError(f"average must be one of {_AVERAGES}, got {average!r}")
    if average == "micro":
        return _ratio(numerator.sum(), denominator.sum())
    per_class = _ratio(numerator, denominator)
    if average is None:
        return per_class
    if average == "binary":
        if len(per_class) > 2:
            raise ValueError(
                f"average='binary' needs two classes, found {len(per_class)}; "
                "use average='macro', 'micro', 'weighted' or None"
            )
        return float(per_class[pos_label]) if pos_label < len(per_class) else 0.0
    if average == "weighted":
        return _ratio((per_class * support).sum(), support.sum())
    # Like scikit-learn, the macro average skips classes absent from both y_true and y_pred.
    return float(per_class[present].mean()) if present.any() else 0.0


def _ratio(numerator, denominator):
    """``numerator / denominator`` with 0 where the denominator is 0 (scikit-learn's ``zero_division=0``)."""
    numerator, denominator = np.asarray(numerator, float), np.asarray(denominator, float)
    out = np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator > 0)
    return float(out) if out.ndim == 0 else out


def _regression_pair(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {y_true.shape} and {y_pred.shape}")
    return y_true, y_pred
