"""The MLP matches a Keras Sequential model; gradient_check catches wrong gradients."""

import numpy as np
import pytest

from dlex.scratch.network import MLP, gradient_check
from dlex.scratch.optim import SGD, Adam

from .helpers import ATOL, FD_TOL, KERAS_F32_RTOL

# (layer sizes, hidden activation, output activation, Keras loss, l1, l2)
CASES = [
    ([4, 6, 3], "relu", "softmax", "CategoricalCrossentropy", 0.0, 0.0),
    ([3, 5, 1], "tanh", "sigmoid", "BinaryCrossentropy", 0.0, 0.01),
    ([2, 4, 4, 2], "leaky_relu", "linear", "MeanSquaredError", 0.003, 0.02),
]


def _targets(output, n, k, rng):
    if output == "softmax":
        return np.eye(k)[rng.integers(0, k, size=n)]
    if output == "sigmoid":
        return rng.integers(0, 2, size=(n, k)).astype(float)
    return rng.normal(size=(n, k))


@pytest.mark.parametrize("sizes,activation,output,loss_name,l1,l2", CASES)
def test_mlp_loss_and_gradients_match_keras(keras, vjp, rng, sizes, activation, output, loss_name, l1, l2):
    model = MLP(sizes, rng, activation=activation, output_activation=output, l1=l1, l2=l2)
    # Biases start at zero; make them non-zero so their gradients are really tested.
    for b in model.params[1::2]:
        b += rng.normal(scale=0.1, size=b.shape)
    x = rng.normal(size=(7, sizes[0]))
    y = _targets(output, 7, sizes[-1], rng)

    # Keras Dense layers with the same weights; the loss applies the output activation.
    dense = [keras.layers.Dense(units, activation=activation) for units in sizes[1:-1]]
    dense.append(keras.layers.Dense(sizes[-1]))
    for layer, fan_in in zip(dense, sizes[:-1]):
        layer.build((None, fan_in))
    from_logits = {"from_logits": True} if output != "linear" else {}
    loss_fn = getattr(keras.losses, loss_name)(**from_logits)
    penalty = keras.regularizers.L1L2(l1=l1, l2=l2)

    def keras_logits(weights):
        h = x
        for i, layer in enumerate(dense):
            h = layer.stateless_call(list(weights[2 * i : 2 * i + 2]), [], h)[0]
        return h

    def keras_loss(*weights):
        logits = keras_logits(weights)
        return loss_fn(y, logits) + sum(penalty(w) for w in weights[0::2]), logits

    (expected_loss, expected_logits), expected_grads = vjp(keras_loss, model.params, np.array(1.0))
    loss, grads = model.loss_and_grads(x, y)
    np.testing.assert_allclose(model.forward(x)[0], expected_logits, atol=ATOL, rtol=0)
    np.testing.assert_allclose(loss, expected_loss, atol=ATOL, rtol=KERAS_F32_RTOL)
    for got, want in zip(grads, expected_grads, strict=True):
        np.testing.assert_allclose(got, want, atol=ATOL, rtol=KERAS_F32_RTOL)


@pytest.mark.parametrize("sizes,activation,output,loss_name,l1,l2", CASES)
def test_mlp_backprop_matches_finite_differences(rng, sizes, activation, output, loss_name, l1, l2):
    model = MLP(sizes, rng, activation=activation, output_activation=output, l1=0.0, l2=l2)
    x = rng.normal(size=(5, sizes[0]))
    y = _targets(output, 5, sizes[-1], rng)
    assert gradient_check(lambda p: model.loss_and_grads(x, y, p), model.params) < FD_TOL


def test_integer_labels_give_the_same_loss_as_one_hot(rng):
    model = MLP([3, 4, 5], rng)
    x = rng.normal(size=(6, 3))
    labels = rng.integers(0, 5, size=6)
    one_hot_loss, one_hot_grads = model.loss_and_grads(x, np.eye(5)[labels])
    label_loss, label_grads = model.loss_and_grads(x, labels)
    assert label_loss == pytest.approx(one_hot_loss)
    for a, b in zip(label_grads, one_hot_grads):
        np.testing.assert_allclose(a, b)


def test_gradient_check_flags_a_wrong_gradient(rng):
    w = rng.normal(size=(3, 4))

    def right(p):
        return np.sum(p[0] ** 3), [3 * p[0] ** 2]

    def wrong(p):
        return np.sum(p[0] ** 3), [2 * p[0] ** 2]

    assert gradient_check(right, [w]) < 1e-8
    assert gradient_check(wrong, [w]) > 0.1
    assert gradient_check(wrong, [w], max_checks=5, rng=rng) > 0.1


def test_gradient_check_restores_parameters(rng):
    w = rng.normal(size=(2, 3))
    before = w.copy()
    gradient_check(lambda p: (np.sum(p[0] ** 2), [2 * p[0]]), [w])
    np.testing.assert_array_equal(w, before)


def test_gradient_check_rejects_non_float_arrays():
    with pytest.raises(ValueError, match="float NumPy arrays"):
        gradient_check(lambda p: (0.0, [0]), [np.arange(3)])


def test_fit_learns_a_separable_problem():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 2))
    y = (x[:, 0] + x[:, 1] > 0).astype(int)
    model = MLP([2, 8, 2], rng)
    history = model.fit(
        x, y, Adam(learning_rate=0.05), rng, epochs=15, batch_size=32, validation_data=(x[:50], y[:50])
    )
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history["loss"]) == 15
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["accuracy"][-1] > 0.95


def test_fit_regression_reduces_mse():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, 3))
    y = x @ np.array([[1.0], [-2.0], [0.5]])
    model = MLP([3, 1], rng, output_activation="linear")
    history = model.fit(x, y, SGD(learning_rate=0.1, momentum=0.9), rng, epochs=20)
    assert set(history) == {"loss"}
    assert history["loss"][-1] < 1e-3


def test_mlp_errors_say_what_is_wrong(rng):
    with pytest.raises(ValueError, match="output_activation"):
        MLP([2, 3], rng, output_activation="relu")
    with pytest.raises(ValueError, match="elementwise"):
        MLP([2, 3, 2], rng, activation="softmax")
    with pytest.raises(ValueError, match="numpy.random.Generator"):
        MLP([2, 3], rng=0)
    with pytest.raises(ValueError, match="at least one layer"):
        MLP([2], rng)
    with pytest.raises(ValueError, match="same number of samples"):
        MLP([2, 3], rng).fit(np.zeros((4, 2)), np.zeros(3), SGD(), rng)
