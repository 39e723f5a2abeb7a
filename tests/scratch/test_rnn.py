"""Recurrent layers match keras.layers.SimpleRNN/LSTM/GRU/Bidirectional with copied weights."""

import numpy as np
import pytest

from dlex.scratch import rnn as R
from dlex.scratch.network import gradient_check

from .helpers import ATOL, FD_TOL, KERAS_F32_RTOL, linear_probe, numpy_of

pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")


def _tanh64(z):
    from keras import ops

    return 2.0 * ops.sigmoid(2.0 * z) - 1.0


@pytest.fixture
def tanh64(keras):
    """tanh that stays float64 in Keras: on JAX, keras.ops.tanh returns float32 for float64
    input (SimpleRNN then fails its scan dtype check), but ops.sigmoid keeps float64.
    Registered so that Bidirectional can clone a layer that uses it."""
    return keras.saving.register_keras_serializable(package="dlex_scratch_tests", name="tanh64")(_tanh64)


# Weights are overwritten anyway; Keras's orthogonal initializer would compile a QR per shape.
FAST_INIT = {"kernel_initializer": "zeros", "recurrent_initializer": "zeros"}

# (batch, time steps, features, units)
SHAPES = [(2, 5, 3, 4), (1, 1, 2, 3), (3, 7, 1, 2), (2, 4, 3, 1)]


def _random_weights(layer, rng):
    """Random weights shaped like ``layer.get_weights()``, set on the layer and returned."""
    weights = [rng.normal(scale=0.6, size=w.shape) for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


@pytest.mark.parametrize("n,t,d,units", SHAPES)
def test_simple_rnn_forward_and_bptt_match_keras(keras, layer_vjp, tanh64, rng, n, t, d, units):
    layer = keras.layers.SimpleRNN(
        units, activation=tanh64, return_sequences=True, return_state=True, **FAST_INIT
    )
    x = rng.normal(size=(n, t, d))
    layer.build(x.shape)
    weights = _random_weights(layer, rng)
    hs, h_final = R.simple_rnn_forward(x, *weights)
    state = [v.value for v in layer.non_trainable_variables]  # the dropout seed
    dy = rng.normal(size=hs.shape)
    (keras_hs, keras_h), expected_grads, _ = layer_vjp(layer, weights, x, dy, non_trainable=state)
    np.testing.assert_allclose(hs, keras_hs, atol=ATOL, rtol=0)
    np.testing.assert_allclose(h_final, keras_h, atol=ATOL, rtol=0)
    grads = R.simple_rnn_backward(dy, x, hs, weights[0], weights[1])
    # Keras's torch backend loses a little precision in this gradient; JAX and TF are exact.
    rtol = KERAS_F32_RTOL if keras.backend.backend() == "torch" else 0
    for got, want in zip(grads, expected_grads, strict=True):
        np.testing.assert_allclose(got, want, atol=ATOL, rtol=rtol)


@pytest.mark.parametrize("n,t,d,units", SHAPES)
def test_lstm_matches_keras(keras, tanh64, rng, n, t, d, units):
    layer = keras.layers.LSTM(units, activation=tanh64, return_sequences=True, return_state=True, **FAST_INIT)
    x = rng.normal(size=(n, t, d))
    layer.build(x.shape)
    weights = _random_weights(layer, rng)
    keras_hs, keras_h, keras_c = numpy_of(layer(x))
    hs, (h, c) = R.lstm_forward(x, *weights)
    np.testing.assert_allclose(hs, keras_hs, atol=ATOL, rtol=0)
    np.testing.assert_allclose(h, keras_h, atol=ATOL, rtol=0)
    np.testing.assert_allclose(c, keras_c, atol=ATOL, rtol=0)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("n,t,d,units", SHAPES[:3])
def test_gru_matches_keras(keras, tanh64, rng, n, t, d, units, reset_after):
    layer = keras.layers.GRU(
        units,
        activation=tanh64,
        return_sequences=True,
        return_state=True,
        **FAST_INIT,
        reset_after=reset_after,
    )
    x = rng.normal(size=(n, t, d))
    layer.build(x.shape)
    weights = _random_weights(layer, rng)
    assert weights[2].shape == ((2, 3 * units) if reset_after else (3 * units,))
    keras_hs, keras_h = numpy_of(layer(x))
    hs, h = R.gru_forward(x, *weights, reset_after=reset_after)
    np.testing.assert_allclose(hs, keras_hs, atol=ATOL, rtol=0)
    np.testing.assert_allclose(h, keras_h, atol=ATOL, rtol=0)


@pytest.mark.parametrize(
    "cell,keras_cls,kwargs,shape",
    [
        ("lstm", "LSTM", {}, (2, 5, 3, 4)),
        ("gru", "GRU", {}, (1, 4, 2, 3)),
        ("gru", "GRU", {"reset_after": False}, (2, 3, 2, 2)),
        ("simple_rnn", "SimpleRNN", {}, (2, 1, 3, 2)),
    ],
)
def test_bidirectional_matches_keras(keras, tanh64, rng, cell, keras_cls, kwargs, shape):
    n, t, d, units = shape
    inner = getattr(keras.layers, keras_cls)(
        units, activation=tanh64, return_sequences=True, return_state=True, **FAST_INIT, **kwargs
    )
    layer = keras.layers.Bidirectional(inner)
    x = rng.normal(size=(n, t, d))
    layer.build(x.shape)
    weights = _random_weights(layer, rng)
    expected = numpy_of(layer(x))
    half = len(weights) // 2
    hs, (final_forward, final_backward) = R.bidirectional_forward(
        x, weights[:half], weights[half:], cell=cell, **kwargs
    )
    assert hs.shape == (n, t, 2 * units)
    np.testing.assert_allclose(hs, expected[0], atol=ATOL, rtol=0)
    states = [*np.atleast_3d(final_forward)] if cell == "lstm" else [final_forward]
    states += [*np.atleast_3d(final_backward)] if cell == "lstm" else [final_backward]
    for got, want in zip(states, expected[1:], strict=True):
        np.testing.assert_allclose(got, want, atol=ATOL, rtol=0)


def test_bidirectional_backward_half_reads_the_sequence_reversed(rng):
    x = rng.normal(size=(2, 6, 3))
    fw = [rng.normal(size=(3, 4)), rng.normal(size=(4, 4)), rng.normal(size=4)]
    bw = [rng.normal(size=(3, 4)), rng.normal(size=(4, 4)), rng.normal(size=4)]
    hs, _ = R.bidirectional_forward(x, fw, bw, cell="simple_rnn")
    backward_alone, _ = R.simple_rnn_forward(x[:, ::-1], *bw)
    np.testing.assert_allclose(hs[:, :, 4:], backward_alone[:, ::-1])
    summed, _ = R.bidirectional_forward(x, fw, bw, cell="simple_rnn", merge_mode="sum")
    np.testing.assert_allclose(summed, hs[:, :, :4] + hs[:, :, 4:])


@pytest.mark.parametrize("t", [1, 4])
def test_simple_rnn_backward_matches_finite_differences(rng, t):
    params = [
        rng.normal(size=(2, t, 3)),
        rng.normal(scale=0.5, size=(3, 4)),
        rng.normal(scale=0.5, size=(4, 4)),
        rng.normal(size=4),
    ]
    h0 = rng.normal(size=(2, 4))

    def forward(p):
        hs, _ = R.simple_rnn_forward(*p, initial_state=h0)
        return hs, lambda dy: R.simple_rnn_backward(dy, p[0], hs, p[1], p[2], initial_state=h0)

    assert gradient_check(linear_probe(forward, rng), params) < FD_TOL


def test_simple_rnn_backward_from_the_final_state_only(rng):
    params = [
        rng.normal(size=(3, 5, 2)),
        rng.normal(scale=0.5, size=(2, 3)),
        rng.normal(scale=0.5, size=(3, 3)),
        rng.normal(size=3),
    ]
    r = rng.normal(size=(3, 3))

    def f(p):
        hs, h = R.simple_rnn_forward(*p)
        grads = R.simple_rnn_backward(np.zeros_like(hs), p[0], hs, p[1], p[2], d_final=r)
        return float(np.sum(h * r)), list(grads)

    assert gradient_check(f, params) < FD_TOL


def test_lstm_initial_state_is_used(rng):
    x = rng.normal(size=(2, 3, 2))
    weights = [rng.normal(size=(2, 8)), rng.normal(size=(2, 8)), rng.normal(size=8)]
    zero_start, _ = R.lstm_forward(x, *weights)
    same, _ = R.lstm_forward(x, *weights, initial_state=(np.zeros((2, 2)), np.zeros((2, 2))))
    other, _ = R.lstm_forward(x, *weights, initial_state=(np.ones((2, 2)), np.ones((2, 2))))
    np.testing.assert_array_equal(zero_start, same)
    assert not np.allclose(zero_start, other)


def test_rnn_errors_say_what_is_wrong(rng):
    k, rk, b = rng.normal(size=(3, 8)), rng.normal(size=(2, 8)), np.zeros(8)
    with pytest.raises(ValueError, match=r"x must have shape \(N, T, D\)"):
        R.lstm_forward(rng.normal(size=(5, 3)), k, rk, b)
    with pytest.raises(ValueError, match=r"kernel must have shape \(D, 4·units\) = \(2, 8\)"):
        R.lstm_forward(rng.normal(size=(1, 5, 2)), k, rk, b)
    with pytest.raises(ValueError, match=r"recurrent_kernel must have shape \(units, 3·units\)"):
        R.gru_forward(rng.normal(size=(1, 5, 3)), k, rk, b)
    with pytest.raises(
        ValueError, match=r"reset_after=True the GRU bias has shape \(2, 6\).*reset_after=False"
    ):
        R.gru_forward(
            rng.normal(size=(1, 5, 3)), rng.normal(size=(3, 6)), rng.normal(size=(2, 6)), np.zeros(6)
        )
    with pytest.raises(ValueError, match="at least one time step"):
        R.simple_rnn_forward(np.zeros((1, 0, 3)), np.zeros((3, 2)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="cell must be one of"):
        R.bidirectional_forward(np.zeros((1, 2, 3)), [], [], cell="transformer")
