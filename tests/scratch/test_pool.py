"""Pooling matches keras.layers.MaxPooling*/AveragePooling2D, forward and backward."""

import numpy as np
import pytest

from dlex.scratch import pool as P
from dlex.scratch.network import gradient_check

from .helpers import ATOL, FD_TOL, linear_probe

# (x shape, pool size, strides, padding)
POOL2D_CASES = [
    ((2, 6, 6, 3), 2, None, "valid"),
    ((2, 7, 5, 2), 2, None, "same"),  # odd sizes: the last window is padded
    ((1, 5, 5, 1), 5, None, "valid"),  # batch of one, one channel, window = input
    ((2, 9, 8, 2), 2, 3, "valid"),  # stride larger than the window
    ((1, 8, 7, 2), (3, 2), (2, 1), "same"),  # non-square window and strides
    ((2, 5, 6, 1), 3, 2, "same"),  # overlapping windows with asymmetric padding
]
KINDS = [
    ("MaxPooling2D", P.max_pool2d_forward, P.max_pool2d_backward),
    ("AveragePooling2D", P.avg_pool2d_forward, P.avg_pool2d_backward),
]


@pytest.mark.parametrize("x_shape,size,strides,padding", POOL2D_CASES)
@pytest.mark.parametrize("cls,forward,backward", KINDS, ids=["max", "avg"])
def test_pool2d_matches_keras(keras, layer_vjp, rng, cls, forward, backward, x_shape, size, strides, padding):
    if cls == "AveragePooling2D" and padding == "same" and keras.backend.backend() == "torch":
        pytest.xfail(
            "Keras's torch backend pads 'same' average pooling unlike its JAX and TensorFlow backends"
        )
    layer = getattr(keras.layers, cls)(pool_size=size, strides=strides, padding=padding)
    x = rng.normal(size=x_shape)  # continuous values: no ties for the max
    y, cache = forward(x, size=size, stride=strides, padding=padding)
    dy = rng.normal(size=y.shape)
    expected, (expected_dx,), _ = layer_vjp(layer, [], x, dy)
    assert y.shape == expected.shape
    np.testing.assert_allclose(y, expected, atol=ATOL, rtol=0)
    np.testing.assert_allclose(backward(dy, cache), expected_dx, atol=ATOL, rtol=0)


@pytest.mark.parametrize(
    "x_shape,size,strides,padding",
    [((4, 9, 2), 2, None, "valid"), ((1, 7, 1), 3, 2, "same"), ((2, 5, 3), 2, 4, "valid")],
)
def test_max_pool1d_matches_keras(keras, rng, x_shape, size, strides, padding):
    layer = keras.layers.MaxPooling1D(pool_size=size, strides=strides, padding=padding)
    x = rng.normal(size=x_shape)
    expected = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(P.max_pool1d(x, size, strides, padding), expected, atol=ATOL, rtol=0)


def test_max_pool1d_on_a_plain_series():
    series = np.array([1.0, 3.0, 2.0, 5.0, 4.0])
    np.testing.assert_array_equal(P.max_pool1d(series, 2), [3.0, 5.0])
    np.testing.assert_array_equal(P.max_pool1d(series, 2, padding="same"), [3.0, 5.0, 4.0])
    np.testing.assert_array_equal(P.max_pool1d(series, 3, stride=1), [3.0, 5.0, 5.0])


@pytest.mark.parametrize("forward,backward", [KINDS[0][1:], KINDS[1][1:]], ids=["max", "avg"])
@pytest.mark.parametrize("size,stride,padding", [(2, None, "valid"), (3, 2, "same"), (2, 3, "same")])
def test_pool2d_backward_matches_finite_differences(rng, forward, backward, size, stride, padding):
    x = rng.normal(size=(2, 5, 6, 2))

    def run(p):
        y, cache = forward(p[0], size=size, stride=stride, padding=padding)
        return y, lambda dy: [backward(dy, cache)]

    assert gradient_check(linear_probe(run, rng), [x]) < FD_TOL


def test_same_average_divides_by_real_cells_only():
    x = np.ones((1, 3, 3, 1))
    y, _ = P.avg_pool2d_forward(x, size=2, padding="same")
    np.testing.assert_array_equal(y[0, :, :, 0], np.ones((2, 2)))  # padding would have pulled these below 1


def test_same_padding_puts_the_extra_cell_at_the_end():
    x = np.arange(5.0).reshape(1, 1, 5, 1)
    # 5 cells, window 2, stride 2 -> 3 outputs and 1 padded cell, after the last real one.
    y, _ = P.max_pool2d_forward(x, size=(1, 2), padding="same")
    np.testing.assert_array_equal(y[0, 0, :, 0], [1.0, 3.0, 4.0])


def test_max_pool_gradient_goes_to_the_max_only():
    x = np.array([[1.0, 4.0], [3.0, 2.0]]).reshape(1, 2, 2, 1)
    y, cache = P.max_pool2d_forward(x)
    dx = P.max_pool2d_backward(np.full(y.shape, 7.0), cache)
    np.testing.assert_array_equal(dx[0, :, :, 0], [[0.0, 7.0], [0.0, 0.0]])


def test_integer_images_are_pooled_as_floats():
    x = np.arange(16).reshape(1, 4, 4, 1)
    y, _ = P.max_pool2d_forward(x, padding="same")
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y[0, :, :, 0], [[5, 7], [13, 15]])


def test_pool_errors_say_what_is_wrong():
    x = np.ones((1, 3, 3, 1))
    with pytest.raises(ValueError, match="pool size 4 is larger than the input size 3"):
        P.max_pool2d_forward(x, size=4)
    with pytest.raises(ValueError, match=r"channels-last batch of shape \(N, H, W, C\)"):
        P.avg_pool2d_forward(np.ones((3, 3)))
    with pytest.raises(ValueError, match="padding must be one of"):
        P.max_pool2d_forward(x, padding="causal")
    with pytest.raises(ValueError, match="size must be a positive int"):
        P.avg_pool2d_forward(x, size=0)
    with pytest.raises(ValueError, match=r"series \(T,\) or a batch \(N, T, C\)"):
        P.max_pool1d(np.ones((2, 3)))
