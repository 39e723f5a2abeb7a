"""Convolution matches keras.layers.Conv1D/Conv2D, forward and backward."""

import numpy as np
import pytest

from dlex.scratch import conv as C
from dlex.scratch.network import gradient_check

from .helpers import ATOL, FD_TOL, linear_probe

# (x shape, filters, kernel size, strides, padding, use_bias)
CONV2D_CASES = [
    ((2, 7, 8, 3), 4, (3, 3), 1, "same", True),
    ((2, 9, 7, 2), 3, (2, 2), 3, "same", True),  # stride larger than the kernel
    ((1, 5, 5, 1), 2, (5, 5), 1, "valid", True),  # batch of one, one channel, kernel = input
    ((2, 8, 6, 2), 2, (3, 2), (2, 1), "valid", True),  # non-square kernel and strides
    ((3, 6, 6, 4), 1, (1, 1), 2, "valid", False),  # 1x1 kernel, one filter, no bias
    ((1, 4, 6, 3), 5, (3, 3), 2, "same", True),  # odd total padding: more at the end
    ((2, 5, 5, 2), 3, (4, 4), 1, "same", True),  # even kernel with 'same'
]


@pytest.mark.parametrize("x_shape,filters,kernel_size,strides,padding,use_bias", CONV2D_CASES)
def test_conv2d_matches_keras(
    keras, layer_vjp, rng, x_shape, filters, kernel_size, strides, padding, use_bias
):
    layer = keras.layers.Conv2D(
        filters, kernel_size, strides=strides, padding=padding, use_bias=use_bias, kernel_initializer="zeros"
    )
    layer.build(x_shape)
    weights = [rng.normal(size=v.shape) for v in layer.trainable_variables]
    x = rng.normal(size=x_shape)
    y, cache = C.conv2d_forward(
        x, weights[0], weights[1] if use_bias else None, stride=strides, padding=padding
    )
    dy = rng.normal(size=y.shape)
    expected, expected_grads, _ = layer_vjp(layer, weights, x, dy)
    assert y.shape == expected.shape
    np.testing.assert_allclose(y, expected, atol=ATOL, rtol=0)
    dx, dw, db = C.conv2d_backward(dy, cache)
    assert (db is None) == (not use_bias)
    for got, want in zip([dx, dw, db][: 2 + use_bias], expected_grads, strict=True):
        np.testing.assert_allclose(got, want, atol=ATOL, rtol=0)


@pytest.mark.parametrize(
    "x_shape,w_shape,stride,padding",
    [
        ((2, 5, 6, 2), (3, 3, 2, 3), 1, "valid"),
        ((1, 6, 5, 1), (2, 3, 1, 2), 2, "same"),
        ((2, 4, 4, 3), (1, 1, 3, 2), 3, "valid"),
    ],
)
def test_conv2d_backward_matches_finite_differences(rng, x_shape, w_shape, stride, padding):
    params = [rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[-1])]

    def forward(p):
        y, cache = C.conv2d_forward(*p, stride=stride, padding=padding)
        return y, lambda dy: C.conv2d_backward(dy, cache)

    assert gradient_check(linear_probe(forward, rng), params) < FD_TOL


@pytest.mark.parametrize(
    "x_shape,filters,kernel_size,strides,padding",
    [
        ((2, 9, 3), 4, 3, 1, "valid"),
        ((1, 8, 1), 2, 4, 2, "same"),
        ((2, 7, 2), 3, 3, 1, "causal"),
        ((3, 10, 2), 1, 2, 3, "valid"),
    ],
)
def test_conv1d_matches_keras(keras, layer_vjp, rng, x_shape, filters, kernel_size, strides, padding):
    layer = keras.layers.Conv1D(filters, kernel_size, strides=strides, padding=padding, use_bias=False)
    layer.build(x_shape)
    kernel = rng.normal(size=layer.kernel.shape)
    x = rng.normal(size=x_shape)
    expected = keras.ops.convert_to_numpy(layer.stateless_call([kernel], [], x)[0])
    np.testing.assert_allclose(
        C.conv1d(x, kernel, stride=strides, padding=padding), expected, atol=ATOL, rtol=0
    )


def test_conv1d_is_cross_correlation(rng):
    series, kernel = rng.normal(size=12), rng.normal(size=4)
    np.testing.assert_allclose(
        C.conv1d(series, kernel), np.correlate(series, kernel, mode="valid"), atol=1e-12
    )
    np.testing.assert_allclose(
        C.conv1d(series, kernel, stride=3), np.correlate(series, kernel, mode="valid")[::3], atol=1e-12
    )
    assert C.conv1d(series, kernel, padding="same").shape == (12,)


def test_true_convolution_flips_the_kernel(rng):
    series, kernel = rng.normal(size=10), rng.normal(size=3)
    np.testing.assert_allclose(
        C.true_convolve1d(series, kernel), np.convolve(series, kernel, mode="valid"), atol=1e-12
    )
    np.testing.assert_allclose(
        C.true_convolve1d(series, kernel, padding="same"),
        np.convolve(series, kernel, mode="same"),
        atol=1e-12,
    )
    assert not np.allclose(C.true_convolve1d(series, kernel), C.conv1d(series, kernel))  # asymmetric kernel
    edge = np.array([1.0, 0.0, -1.0])
    np.testing.assert_allclose(C.true_convolve1d(np.arange(5.0), edge), -C.conv1d(np.arange(5.0), edge))


def test_causal_padding_never_sees_the_future(rng):
    series = rng.normal(size=8)
    changed = series.copy()
    changed[5:] += 10.0
    a = C.conv1d(series, np.ones(3), padding="causal")
    b = C.conv1d(changed, np.ones(3), padding="causal")
    assert a.shape == (8,)
    np.testing.assert_array_equal(a[:5], b[:5])


def test_conv2d_float32_in_float32_out(rng):
    x = rng.normal(size=(2, 6, 6, 3)).astype(np.float32)
    w = rng.normal(size=(3, 3, 3, 4)).astype(np.float32)
    y, cache = C.conv2d_forward(x, w, np.zeros(4, np.float32), padding="same")
    dx, dw, db = C.conv2d_backward(np.ones_like(y), cache)
    assert {a.dtype for a in (y, dx, dw, db)} == {np.dtype(np.float32)}


def test_conv2d_errors_say_what_is_wrong(rng):
    x = rng.normal(size=(2, 4, 4, 3))
    with pytest.raises(ValueError, match="mismatched channels: x has 3 channels"):
        C.conv2d_forward(x, rng.normal(size=(3, 3, 2, 4)))
    with pytest.raises(ValueError, match="larger than the input size 4 with padding='valid'"):
        C.conv2d_forward(x, rng.normal(size=(5, 3, 3, 4)))
    with pytest.raises(ValueError, match=r"channels-last batch of shape \(N, H, W, C\), got ndim=3"):
        C.conv2d_forward(x[0], rng.normal(size=(3, 3, 3, 4)))
    with pytest.raises(ValueError, match=r"kernel must have shape \(kh, kw, C_in, C_out\)"):
        C.conv2d_forward(x, rng.normal(size=(3, 3, 3)))
    with pytest.raises(ValueError, match="stride must be a positive int"):
        C.conv2d_forward(x, rng.normal(size=(3, 3, 3, 4)), stride=0)
    with pytest.raises(ValueError, match="padding must be one of"):
        C.conv2d_forward(x, rng.normal(size=(3, 3, 3, 4)), padding="full")
    with pytest.raises(ValueError, match=r"bias must have shape \(4,\)"):
        C.conv2d_forward(x, rng.normal(size=(3, 3, 3, 4)), np.zeros(3))
    with pytest.raises(ValueError, match="1-D kernel"):
        C.conv1d(np.ones(5), np.ones((2, 1, 1)))
    with pytest.raises(ValueError, match="larger than the input size 3"):
        C.conv1d(np.ones(3), np.ones(4))
