"""Losses match keras.losses in value and gradient, stay finite at 0, 1 and extreme logits."""

import numpy as np
import pytest

from dlex.scratch import losses as L
from dlex.scratch.activations import sigmoid, softmax
from dlex.scratch.network import gradient_check

from .helpers import ATOL, FD_TOL, KERAS_F32_RTOL

# (our name, Keras class name, from_logits or None when the loss has no such option)
LOSSES = [
    ("mse", "MeanSquaredError", None),
    ("mae", "MeanAbsoluteError", None),
    ("binary_crossentropy", "BinaryCrossentropy", False),
    ("binary_crossentropy", "BinaryCrossentropy", True),
    ("categorical_crossentropy", "CategoricalCrossentropy", False),
    ("categorical_crossentropy", "CategoricalCrossentropy", True),
    ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy", False),
    ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy", True),
    ("kl_divergence", "KLDivergence", None),
]
# (y_pred shape, Keras reduction; ours accepts the same names)
CASES = [((5, 3), "sum_over_batch_size"), ((1, 4), "sum"), ((2, 3, 4), None)]


def _data(name, from_logits, shape, rng):
    """Targets and predictions suited to the loss, away from the clipping thresholds."""
    logits = rng.normal(scale=2.0, size=shape)
    if name in ("mse", "mae"):
        return rng.normal(size=shape), logits
    if name == "binary_crossentropy":
        y_true = rng.integers(0, 2, size=shape).astype(float)
        y_true[..., 0] = 0.3  # soft labels are allowed too
        return y_true, logits if from_logits else sigmoid(logits)
    if name == "sparse_categorical_crossentropy":
        return rng.integers(0, shape[-1], size=shape[:-1]), logits if from_logits else softmax(logits)
    if name == "kl_divergence":
        return softmax(rng.normal(size=shape)), softmax(logits)
    one_hot = np.eye(shape[-1])[rng.integers(0, shape[-1], size=shape[:-1])]
    return one_hot, logits if from_logits else softmax(logits)


def _kwargs(from_logits, reduction):
    return {"reduction": reduction} | ({} if from_logits is None else {"from_logits": from_logits})


def _ours(name, from_logits, reduction):
    f, f_grad = getattr(L, name), getattr(L, name + "_grad")
    kwargs = _kwargs(from_logits, reduction)
    return (lambda t, p: f(t, p, **kwargs)), (lambda t, p: f_grad(t, p, **kwargs))


def _keras_loss(keras, cls, from_logits, reduction):
    return getattr(keras.losses, cls)(**_kwargs(from_logits, reduction))


@pytest.mark.parametrize("shape,reduction", CASES)
@pytest.mark.parametrize("name,cls,from_logits", LOSSES)
def test_loss_and_gradient_match_keras(keras, vjp, rng, name, cls, from_logits, shape, reduction):
    y_true, y_pred = _data(name, from_logits, shape, rng)
    loss_keras = _keras_loss(keras, cls, from_logits, reduction)
    value, grad = _ours(name, from_logits, reduction)
    ours = value(y_true, y_pred)
    cotangent = np.ones(np.shape(ours))  # reduction=None: the gradient of the summed losses
    expected, (expected_grad,) = vjp(lambda p: loss_keras(y_true, p), [y_pred], cotangent)
    assert np.shape(ours) == np.shape(expected)
    np.testing.assert_allclose(ours, expected, atol=ATOL, rtol=0)
    np.testing.assert_allclose(grad(y_true, y_pred), expected_grad, atol=ATOL, rtol=KERAS_F32_RTOL)


@pytest.mark.parametrize("name,cls,from_logits", [LOSSES[0], LOSSES[3]])
def test_one_dimensional_targets_like_keras(keras, vjp, rng, name, cls, from_logits):
    y_true, y_pred = _data(name, from_logits, (6,), rng)
    value, grad = _ours(name, from_logits, "mean")
    expected, (expected_grad,) = vjp(
        lambda p: _keras_loss(keras, cls, from_logits, "sum_over_batch_size")(y_true, p),
        [y_pred],
        np.array(1.0),
    )
    np.testing.assert_allclose(value(y_true, y_pred), expected, atol=ATOL, rtol=0)
    np.testing.assert_allclose(grad(y_true, y_pred), expected_grad, atol=ATOL, rtol=KERAS_F32_RTOL)


@pytest.mark.parametrize("name,cls,from_logits", LOSSES)
def test_gradients_match_finite_differences(rng, name, cls, from_logits):
    y_true, y_pred = _data(name, from_logits, (4, 3), rng)
    value, grad = _ours(name, from_logits, "mean")
    assert gradient_check(lambda p: (value(y_true, p[0]), [grad(y_true, p[0])]), [y_pred]) < FD_TOL


@pytest.mark.parametrize(
    "name,cls",
    [
        ("binary_crossentropy", "BinaryCrossentropy"),
        ("categorical_crossentropy", "CategoricalCrossentropy"),
        ("kl_divergence", "KLDivergence"),
    ],
)
def test_probabilities_of_exactly_zero_and_one(keras, name, cls):
    y_true = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    # Rows: perfect, certain and wrong, zero on the true class.
    y_pred = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.5, 0.5, 0.0]])
    expected = keras.ops.convert_to_numpy(getattr(keras.losses, cls)(reduction=None)(y_true, y_pred))
    with np.errstate(all="raise"):
        ours = getattr(L, name)(y_true, y_pred, reduction="none")
        grad = getattr(L, name + "_grad")(y_true, y_pred)
    np.testing.assert_allclose(ours, expected, atol=ATOL, rtol=0)
    assert np.all(np.isfinite(ours)) and np.all(np.isfinite(grad))
    assert ours[1] > 5.0  # a confident wrong answer costs about -log(1e-7)


@pytest.mark.parametrize(
    "name,cls",
    [
        ("binary_crossentropy", "BinaryCrossentropy"),
        ("categorical_crossentropy", "CategoricalCrossentropy"),
        ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"),
    ],
)
def test_extreme_logits(keras, vjp, name, cls):
    logits = np.array([[1000.0, -1000.0, 0.0], [-800.0, 800.0, 30.0]])
    y_true = np.array([[1.0, 0.0, 1.0], [1.0, 0.0, 0.0]]) if name.startswith("binary") else np.eye(3)[[0, 0]]
    if name.startswith("sparse"):
        y_true = np.array([0, 0])
    loss_keras = getattr(keras.losses, cls)(from_logits=True)
    expected, (expected_grad,) = vjp(lambda p: loss_keras(y_true, p), [logits], np.array(1.0))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        ours = getattr(L, name)(y_true, logits, from_logits=True)
        grad = getattr(L, name + "_grad")(y_true, logits, from_logits=True)
    assert np.isfinite(ours) and ours > 100.0  # the second sample is confidently wrong
    np.testing.assert_allclose(ours, expected, rtol=KERAS_F32_RTOL)
    np.testing.assert_allclose(grad, expected_grad, atol=ATOL, rtol=KERAS_F32_RTOL)


def test_entropy_matches_definition_and_finite_differences(rng):
    scipy_stats = pytest.importorskip("scipy.stats")
    p = softmax(rng.normal(size=(4, 5)))
    np.testing.assert_allclose(L.entropy(p, reduction="none"), scipy_stats.entropy(p, axis=-1), atol=1e-12)
    np.testing.assert_allclose(
        L.entropy(p, base=2, reduction="none"), scipy_stats.entropy(p, base=2, axis=-1), atol=1e-12
    )
    assert L.entropy(np.array([0.5, 0.5]), base=2) == pytest.approx(1.0)
    assert L.entropy(np.array([1.0, 0.0, 0.0])) == 0.0  # 0 log 0 = 0 exactly
    assert gradient_check(lambda q: (L.entropy(q[0]), [L.entropy_grad(q[0])]), [p]) < FD_TOL


def test_kl_is_cross_entropy_minus_entropy(rng):
    t = softmax(rng.normal(size=(3, 4)))
    p = softmax(rng.normal(size=(3, 4)))
    cross = -np.sum(t * np.log(p), axis=-1)
    np.testing.assert_allclose(
        L.kl_divergence(t, p, reduction="none"), cross - L.entropy(t, reduction="none"), atol=1e-12
    )
    assert L.kl_divergence(t, t) == pytest.approx(0.0, abs=1e-12)


def test_errors_say_what_is_wrong():
    with pytest.raises(ValueError, match="same shape"):
        L.mse(np.zeros((2, 3)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\)"):
        L.sparse_categorical_crossentropy(np.array([0, 3]), np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError, match="sparse labels must have shape"):
        L.sparse_categorical_crossentropy(np.array([0, 1, 2]), np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError, match="at least 2 classes"):
        L.categorical_crossentropy(np.ones((2, 1)), np.ones((2, 1)))
    with pytest.raises(ValueError, match="reduction must be"):
        L.mae(np.zeros((2, 3)), np.zeros((2, 3)), reduction="avg")
