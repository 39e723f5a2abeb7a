"""Metrics agree with scikit-learn."""

import numpy as np
import pytest
from sklearn import metrics as skm

from dlex.scratch import metrics as M


@pytest.fixture(
    params=[(2, 50), (3, 40), (5, 200), (4, 1)], ids=["binary", "3-class", "5-class", "one-sample"]
)
def labels(request):
    k, n = request.param
    rng = np.random.default_rng(k * 100 + n)
    y_true = rng.integers(0, k, size=n)
    y_pred = np.where(rng.random(n) < 0.6, y_true, rng.integers(0, k, size=n))
    return y_true, y_pred, k


def test_accuracy_and_confusion_matrix(labels):
    y_true, y_pred, k = labels
    assert M.accuracy(y_true, y_pred) == pytest.approx(skm.accuracy_score(y_true, y_pred))
    np.testing.assert_array_equal(
        M.confusion_matrix(y_true, y_pred, num_classes=k),
        skm.confusion_matrix(y_true, y_pred, labels=range(k)),
    )


@pytest.mark.parametrize("average", ["macro", "micro", "weighted", None])
@pytest.mark.parametrize("name", ["precision", "recall", "f1"])
def test_precision_recall_f1_averages(labels, name, average):
    y_true, y_pred, k = labels
    sk = {"precision": skm.precision_score, "recall": skm.recall_score, "f1": skm.f1_score}[name]
    expected = sk(y_true, y_pred, average=average, zero_division=0)
    if average is None:  # per class: compare over all k classes
        expected = sk(y_true, y_pred, average=None, labels=range(k), zero_division=0)
        np.testing.assert_allclose(getattr(M, name)(y_true, y_pred, average=None, num_classes=k), expected)
    else:
        assert getattr(M, name)(y_true, y_pred, average=average) == pytest.approx(expected)


@pytest.mark.parametrize("pos_label", [0, 1])
@pytest.mark.parametrize("name", ["precision", "recall", "f1"])
def test_binary_average(name, pos_label):
    rng = np.random.default_rng(3)
    y_true = rng.integers(0, 2, size=60)
    y_pred = np.where(rng.random(60) < 0.7, y_true, 1 - y_true)
    sk = {"precision": skm.precision_score, "recall": skm.recall_score, "f1": skm.f1_score}[name]
    assert getattr(M, name)(y_true, y_pred, pos_label=pos_label) == pytest.approx(
        sk(y_true, y_pred, pos_label=pos_label)
    )


def test_zero_division_counts_as_zero():
    y_true, y_pred = np.array([0, 0, 1, 1]), np.array([0, 0, 0, 0])  # class 1 never predicted
    assert M.precision(y_true, y_pred) == 0.0 == skm.precision_score(y_true, y_pred, zero_division=0)
    assert M.f1(y_true, y_pred) == 0.0


def test_macro_average_skips_absent_classes_like_sklearn():
    y_true, y_pred = np.array([0, 2, 2, 0]), np.array([0, 2, 0, 0])  # class 1 never occurs
    for name, sk in (("precision", skm.precision_score), ("recall", skm.recall_score), ("f1", skm.f1_score)):
        assert getattr(M, name)(y_true, y_pred, average="macro") == pytest.approx(
            sk(y_true, y_pred, average="macro")
        )


def test_scores_become_labels():
    probs = np.array([[0.1, 0.7, 0.2], [0.8, 0.1, 0.1], [0.2, 0.3, 0.5]])
    one_hot = np.eye(3)[[1, 0, 1]]
    assert M.accuracy(one_hot, probs) == pytest.approx(2 / 3)
    assert M.accuracy(np.array([1, 0, 1]), np.array([0.9, 0.2, 0.4])) == pytest.approx(2 / 3)
    assert M.accuracy(np.array([[1], [0]]), np.array([[0.6], [0.3]])) == 1.0
    np.testing.assert_array_equal(M.to_labels(np.array([0.2, 0.7]), threshold=0.1), [1, 1])


def test_regression_metrics(rng):
    y_true, y_pred = rng.normal(size=(30, 2)), rng.normal(size=(30, 2))
    assert M.rmse(y_true, y_pred) == pytest.approx(np.sqrt(skm.mean_squared_error(y_true, y_pred)))
    assert M.mae(y_true, y_pred) == pytest.approx(skm.mean_absolute_error(y_true, y_pred))
    assert M.rmse(y_true, y_true) == 0.0


def test_errors_say_what_is_wrong():
    with pytest.raises(ValueError, match="different numbers of samples"):
        M.accuracy(np.array([0, 1]), np.array([0, 1, 1]))
    with pytest.raises(ValueError, match="two classes"):
        M.precision(np.array([0, 1, 2]), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="below num_classes=2"):
        M.confusion_matrix(np.array([0, 2]), np.array([0, 1]), num_classes=2)
    with pytest.raises(ValueError, match="average must be one of"):
        M.recall(np.array([0, 1]), np.array([0, 1]), average="samples")
    with pytest.raises(ValueError, match="same shape"):
        M.rmse(np.zeros(3), np.zeros(4))
