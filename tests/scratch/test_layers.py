"""Dense, dropout and batch normalisation match the Keras layers, forward and backward."""

import numpy as np
import pytest

from dlex.scratch import layers as Ly
from dlex.scratch.network import gradient_check

from .helpers import ATOL, FD_TOL, KERAS_F32_RTOL, linear_probe

# --- dense -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "x_shape,units,use_bias",
    [((4, 3), 5, True), ((1, 2), 1, True), ((2, 3, 4), 3, True), ((5, 6), 2, False)],
)
def test_dense_matches_keras(keras, layer_vjp, rng, x_shape, units, use_bias):
    layer = keras.layers.Dense(units, use_bias=use_bias, kernel_initializer="zeros")
    layer.build(x_shape)
    weights = [rng.normal(size=v.shape) for v in layer.trainable_variables]
    x = rng.normal(size=x_shape)
    y, cache = Ly.dense_forward(x, *weights) if use_bias else Ly.dense_forward(x, weights[0])
    dy = rng.normal(size=y.shape)
    expected, expected_grads, _ = layer_vjp(layer, weights, x, dy)
    np.testing.assert_allclose(y, expected, atol=ATOL, rtol=0)
    dx, dkernel, dbias = Ly.dense_backward(dy, cache)
    ours = [dx, dkernel] + ([dbias] if use_bias else [])
    assert (dbias is None) == (not use_bias)
    for got, want in zip(ours, expected_grads, strict=True):
        np.testing.assert_allclose(got, want, atol=ATOL, rtol=0)


def test_dense_backward_matches_finite_differences(rng):
    params = [rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=2)]

    def forward(p):
        y, cache = Ly.dense_forward(*p)
        return y, lambda dy: Ly.dense_backward(dy, cache)

    assert gradient_check(linear_probe(forward, rng), params) < FD_TOL


def test_dense_rejects_mismatched_features(rng):
    with pytest.raises(ValueError, match="3 features .* expects 4"):
        Ly.dense_forward(rng.normal(size=(2, 3)), rng.normal(size=(4, 5)))
    with pytest.raises(ValueError, match="bias must have shape"):
        Ly.dense_forward(rng.normal(size=(2, 4)), rng.normal(size=(4, 5)), np.zeros(4))


# --- dropout ---------------------------------------------------------------------------


@pytest.mark.parametrize("rate", [0.25, 0.6])
def test_dropout_scaling_and_gradient_match_keras(keras, vjp, rng, rate):
    layer = keras.layers.Dropout(rate, seed=3)
    state = [v.value for v in layer.non_trainable_variables]  # the seed generator's state
    x = rng.uniform(0.5, 1.5, size=(6, 7))  # no zeros, so a zero output means "dropped"
    dy = rng.normal(size=x.shape)
    expected, (expected_dx,) = vjp(lambda t: layer.stateless_call([], state, t, training=True)[0], [x], dy)
    keep = expected != 0
    assert 0 < keep.sum() < keep.size
    cache = keep / (1.0 - rate)  # the cache dropout_forward would hold for Keras's mask
    np.testing.assert_allclose(expected, x * cache, atol=ATOL, rtol=0)  # Keras also uses inverted dropout
    np.testing.assert_allclose(Ly.dropout_backward(dy, cache), expected_dx, atol=ATOL, rtol=0)


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.9])
def test_dropout_keeps_the_expected_fraction_and_mean(rate):
    x = np.ones((200, 500))
    y, mask = Ly.dropout_forward(x, rate, np.random.default_rng(1))
    kept = mask > 0
    assert kept.mean() == pytest.approx(1.0 - rate, abs=0.01)
    np.testing.assert_allclose(y[kept], 1.0 / (1.0 - rate))
    assert y.mean() == pytest.approx(1.0, abs=0.03)  # inverted dropout preserves the expectation


def test_dropout_is_reproducible_from_the_generator(rng):
    x = rng.normal(size=(3, 4))
    a, _ = Ly.dropout_forward(x, 0.5, np.random.default_rng(7))
    b, _ = Ly.dropout_forward(x, 0.5, np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)


def test_dropout_rate_zero_and_inference_are_identity(rng):
    x = rng.normal(size=(3, 4))
    for y, cache in (Ly.dropout_forward(x, 0.0, rng), Ly.dropout_forward(x, 0.5, rng, training=False)):
        np.testing.assert_array_equal(y, x)
        assert cache is None
        np.testing.assert_array_equal(Ly.dropout_backward(x, cache), x)


def test_dropout_rate_near_one_is_finite():
    x = np.ones((100, 1000))
    y, mask = Ly.dropout_forward(x, 0.999, np.random.default_rng(2))
    assert np.all(np.isfinite(y)) and 0 < (mask > 0).sum() < 1000
    np.testing.assert_allclose(y[mask > 0], 1000.0)


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5])
def test_dropout_rejects_rates_outside_zero_one(rng, rate):
    with pytest.raises(ValueError, match=r"rate must be in \[0, 1\)"):
        Ly.dropout_forward(np.ones(3), rate, rng)


def test_dropout_backward_matches_finite_differences(rng):
    def forward(p):
        y, cache = Ly.dropout_forward(p[0], 0.4, np.random.default_rng(11))  # same mask every call
        return y, lambda dy: [Ly.dropout_backward(dy, cache)]

    assert gradient_check(linear_probe(forward, rng), [rng.normal(size=(4, 5))]) < FD_TOL


# --- batch normalisation ---------------------------------------------------------------

BN_CASES = [
    ((8, 3), True, 0.99, 1e-3),
    ((8, 3), False, 0.99, 1e-3),
    ((4, 5, 5, 2), True, 0.9, 1e-5),
    ((2, 3, 4), False, 0.5, 1e-2),
    ((1, 4), True, 0.99, 1e-3),  # batch of one: zero variance, epsilon keeps it finite
]


@pytest.mark.parametrize("x_shape,training,momentum,epsilon", BN_CASES)
def test_batchnorm_matches_keras(keras, layer_vjp, rng, x_shape, training, momentum, epsilon):
    features = x_shape[-1]
    layer = keras.layers.BatchNormalization(momentum=momentum, epsilon=epsilon)
    layer.build(x_shape)
    gamma, beta = rng.uniform(0.5, 1.5, size=features), rng.normal(size=features)
    moving_mean, moving_variance = rng.normal(size=features), rng.uniform(0.5, 2.0, size=features)
    x = rng.normal(loc=1.0, scale=2.0, size=x_shape)
    dy = rng.normal(size=x_shape)

    expected, expected_grads, new_state = layer_vjp(
        layer, [gamma, beta], x, dy, non_trainable=[moving_mean, moving_variance], training=training
    )

    ours_mean, ours_variance = moving_mean.copy(), moving_variance.copy()
    y, cache = Ly.batchnorm_forward(
        x, gamma, beta, ours_mean, ours_variance, training=training, momentum=momentum, epsilon=epsilon
    )
    np.testing.assert_allclose(y, expected, atol=ATOL, rtol=KERAS_F32_RTOL)
    np.testing.assert_allclose(ours_mean, new_state[0], atol=ATOL, rtol=KERAS_F32_RTOL)
    np.testing.assert_allclose(ours_variance, new_state[1], atol=ATOL, rtol=KERAS_F32_RTOL)
    assert training != np.allclose(ours_mean, moving_mean)  # updated exactly when training
    for got, want in zip(Ly.batchnorm_backward(dy, cache), expected_grads, strict=True):
        np.testing.assert_allclose(got, want, atol=ATOL, rtol=KERAS_F32_RTOL)


@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_backward_matches_finite_differences(rng, training):
    params = [rng.normal(size=(5, 3)), rng.uniform(0.5, 1.5, size=3), rng.normal(size=3)]
    moving = (rng.normal(size=3), rng.uniform(0.5, 2.0, size=3))

    def forward(p):
        mean, variance = moving[0].copy(), moving[1].copy()
        y, cache = Ly.batchnorm_forward(p[0], p[1], p[2], mean, variance, training=training)
        return y, lambda dy: Ly.batchnorm_backward(dy, cache)

    assert gradient_check(linear_probe(forward, rng), params) < FD_TOL


def test_batchnorm_errors_say_what_is_wrong(rng):
    x = rng.normal(size=(4, 3))
    ones, zeros = np.ones(3), np.zeros(3)
    with pytest.raises(ValueError, match=r"gamma must have shape \(3,\)"):
        Ly.batchnorm_forward(x, np.ones(2), zeros, zeros.copy(), ones.copy())
    with pytest.raises(ValueError, match="batch axis"):
        Ly.batchnorm_forward(np.ones(3), ones, zeros, zeros.copy(), ones.copy())
    with pytest.raises(ValueError, match="in place"):
        Ly.batchnorm_forward(x, ones, zeros, [0.0] * 3, [1.0] * 3, training=True)
