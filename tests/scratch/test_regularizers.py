"""Penalties match keras.regularizers in value and gradient."""

import numpy as np
import pytest

from dlex.scratch import regularizers as R
from dlex.scratch.network import gradient_check

from .helpers import ATOL, FD_TOL

# (our name, Keras class, strengths)
CASES = [
    ("l1", "L1", {"l1": 0.01}),
    ("l1", "L1", {"l1": 0.3}),
    ("l2", "L2", {"l2": 0.01}),
    ("l2", "L2", {"l2": 0.5}),
    ("l1_l2", "L1L2", {"l1": 0.02, "l2": 0.07}),
    ("l1_l2", "L1L2", {"l1": 0.0, "l2": 0.1}),
]


@pytest.mark.parametrize("shape", [(5, 3), (3, 3, 2, 4)])
@pytest.mark.parametrize("name,cls,strengths", CASES)
def test_penalty_and_gradient_match_keras(keras, vjp, rng, name, cls, strengths, shape):
    w = rng.normal(size=shape)
    regularizer = getattr(keras.regularizers, cls)(**strengths)
    expected, (expected_grad,) = vjp(regularizer, [w], np.array(1.0))
    np.testing.assert_allclose(getattr(R, name)(w, **strengths), expected, atol=ATOL, rtol=0)
    np.testing.assert_allclose(getattr(R, name + "_grad")(w, **strengths), expected_grad, atol=ATOL, rtol=0)


@pytest.mark.parametrize("name,cls,strengths", CASES)
def test_gradients_match_finite_differences(rng, name, cls, strengths):
    w = rng.normal(size=(4, 3))
    f, f_grad = getattr(R, name), getattr(R, name + "_grad")
    assert gradient_check(lambda p: (f(p[0], **strengths), [f_grad(p[0], **strengths)]), [w]) < FD_TOL


def test_defaults_are_keras_defaults(keras, rng):
    w = rng.normal(size=(3, 4))
    for name, cls in (("l1", "L1"), ("l2", "L2"), ("l1_l2", "L1L2")):
        expected = keras.ops.convert_to_numpy(getattr(keras.regularizers, cls)()(w))
        assert getattr(R, name)(w) == pytest.approx(float(expected), abs=ATOL), name


def test_l2_has_no_one_half():
    w = np.array([3.0, 4.0])
    assert R.l2(w, l2=1.0) == 25.0
    np.testing.assert_array_equal(R.l2_grad(w, l2=1.0), [6.0, 8.0])
