"""Activations match keras.activations in value and (through autodiff) in derivative."""

import numpy as np
import pytest

from dlex.scratch import activations as A
from dlex.scratch.network import gradient_check

from .helpers import ATOL, FD_TOL

SHAPES = [(7,), (3, 5), (2, 3, 4)]
ELEMENTWISE = ["linear", "relu", "leaky_relu", "sigmoid", "tanh"]


def _inputs(rng, shape):
    # Spread over a wide range, away from the kinks at 0 where one-sided derivatives differ.
    x = rng.normal(scale=4.0, size=shape)
    return np.where(np.abs(x) < 1e-3, 0.5, x)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_matches_keras(keras, vjp, rng, name, shape):
    x = _inputs(rng, shape)
    dy = rng.normal(size=shape)
    y_keras, (dx_keras,) = vjp(getattr(keras.activations, name), [x], dy)
    f, f_grad = A.get(name)
    np.testing.assert_allclose(f(x), y_keras, atol=ATOL, rtol=0)
    np.testing.assert_allclose(f_grad(x) * dy, dx_keras, atol=ATOL, rtol=0)


@pytest.mark.parametrize("slope", [0.01, 0.3])
def test_leaky_relu_slope_matches_keras(keras, vjp, rng, slope):
    x = _inputs(rng, (4, 6))
    dy = rng.normal(size=x.shape)
    y_keras, (dx_keras,) = vjp(lambda t: keras.activations.leaky_relu(t, negative_slope=slope), [x], dy)
    np.testing.assert_allclose(A.leaky_relu(x, slope), y_keras, atol=ATOL, rtol=0)
    np.testing.assert_allclose(A.leaky_relu_grad(x, slope) * dy, dx_keras, atol=ATOL, rtol=0)


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 6)])
def test_softmax_matches_keras(keras, vjp, rng, shape):
    x = rng.normal(scale=5.0, size=shape)
    dy = rng.normal(size=shape)
    y_keras, (dx_keras,) = vjp(keras.activations.softmax, [x], dy)
    np.testing.assert_allclose(A.softmax(x), y_keras, atol=ATOL, rtol=0)
    np.testing.assert_allclose(A.softmax_vjp(x, dy), dx_keras, atol=ATOL, rtol=0)
    jacobian = A.softmax_grad(x)
    assert jacobian.shape == shape + shape[-1:]
    np.testing.assert_allclose(np.einsum("...ij,...i->...j", jacobian, dy), dx_keras, atol=ATOL, rtol=0)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivatives_match_finite_differences(rng, name):
    f, f_grad = A.get(name)
    x = _inputs(rng, (3, 4))
    assert gradient_check(lambda p: (np.sum(f(p[0])), [f_grad(p[0])]), [x]) < FD_TOL


def test_softmax_jacobian_matches_finite_differences(rng):
    x = rng.normal(size=(2, 4))
    weights = rng.normal(size=(2, 4))

    def f(p):
        return np.sum(A.softmax(p[0]) * weights), [A.softmax_vjp(p[0], weights)]

    assert gradient_check(f, [x]) < FD_TOL


def test_extreme_inputs_stay_finite():
    x = np.array([-1e4, -745.0, -50.0, 0.0, 50.0, 745.0, 1e4])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = A.sigmoid(x)
        p = A.softmax(x)
        ls = A.log_sigmoid(x)
        lp = A.log_softmax(x)
    assert np.all(np.isfinite(s)) and s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5
    assert np.all(np.isfinite(p)) and p[-1] == pytest.approx(1.0)
    assert np.all(np.isfinite(ls)) and ls[0] == pytest.approx(-1e4)
    assert np.all(np.isfinite(lp)) and lp[-1] == pytest.approx(0.0)
    assert np.all(np.isfinite(A.sigmoid_grad(x))) and np.all(np.isfinite(A.tanh_grad(x)))


def test_sigmoid_keeps_precision_for_negative_inputs():
    # 1 / (1 + exp(40)) is about 4.25e-18; a naive 1 - sigmoid(40) would give 0.
    assert A.sigmoid(-40.0) == pytest.approx(np.exp(-40.0) / (1 + np.exp(-40.0)), rel=1e-12)


def test_softmax_rows_sum_to_one_and_shift_invariant(rng):
    x = rng.normal(size=(4, 5))
    np.testing.assert_allclose(A.softmax(x).sum(axis=-1), 1.0)
    np.testing.assert_allclose(A.softmax(x + 1000.0), A.softmax(x), atol=1e-12)


def test_float32_stays_float32():
    x = np.linspace(-3, 3, 7, dtype=np.float32)
    for name in ELEMENTWISE:
        f, f_grad = A.get(name)
        assert f(x).dtype == np.float32 and f_grad(x).dtype == np.float32, name


def test_unknown_activation_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        A.get("gelu")
