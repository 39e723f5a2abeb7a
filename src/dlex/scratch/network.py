"""A small multi-layer perceptron with explicit backprop, and a gradient checker (Lab 3).

Shapes: inputs ``x (N, D)``; targets ``y`` are one-hot ``(N, K)`` or integer labels
``(N,)`` for a softmax output, ``(N, 1)`` (or ``(N,)``) zeros and ones for a sigmoid
output, and ``(N, K)`` real values for a linear output. ``MLP.params`` is the flat list
``[kernel_1, bias_1, kernel_2, bias_2, ...]`` with Keras ``Dense`` layouts (kernel
``(inputs, units)``), so ``model.get_weights()`` from a Keras ``Sequential`` of Dense
layers copies straight in.

``MLP(output_activation=...)`` picks the loss: ``"softmax"`` → categorical
cross-entropy, ``"sigmoid"`` → binary cross-entropy, ``"linear"`` → mean squared error,
always computed from the logits; ``l1``/``l2`` add ``keras.regularizers.L1L2`` kernel
penalties. ``fit`` shuffles with the given generator every epoch and returns a Keras-like
history (``loss``, ``accuracy`` for classifiers, ``val_*`` with ``validation_data``);
the epoch loss is the mean batch loss weighted by batch size.

``gradient_check(f, params)``: ``f(params)`` returns ``(loss, grads)`` for a list of
float64 arrays; each entry is nudged by ``±eps`` in place and restored. Per array the
error is ``‖g - g_num‖ / max(‖g‖ + ‖g_num‖, 1e-12)``; the maximum over arrays is
returned. Below about 1e-6 is a pass, above 1e-3 a bug. ``max_checks`` samples that
many entries per array (with ``rng``) for large parameters.
"""

import numpy as np

from dlex.scratch import activations, losses, regularizers
from dlex.scratch.layers import dense_backward, dense_forward

__all__ = ["MLP", "gradient_check", "glorot_uniform"]

# The loss that goes with each output activation, computed from the logits for stability.
_OUTPUT_LOSSES = ("softmax", "sigmoid", "linear")


def glorot_uniform(fan_in, fan_out, rng):
    """Keras's default kernel initialiser: uniform in ``±sqrt(6 / (fan_in + fan_out))``."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


class MLP:
    """Dense layers with one hidden activation and an output activation matched to its loss."""

    def __init__(self, layer_sizes, rng, activation="relu", output_activation="softmax", l1=0.0, l2=0.0):
        """Layers of the given sizes, e.g. ``[784, 64, 10]``: Glorot-uniform kernels, zero biases."""
        if len(layer_sizes) < 2 or any(int(n) < 1 for n in layer_sizes):
            raise ValueError(
                f"layer_sizes needs an input size and at least one layer size, all >= 1; got {layer_sizes}"
            )
        if output_activation not in _OUTPUT_LOSSES:
            raise ValueError(f"output_activation must be one of {_OUTPUT_LOSSES}, got {output_activation!r}")
        if not isinstance(rng, np.random.Generator):
            raise ValueError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0)")
        if activation == "softmax":
            raise ValueError("the hidden activation must act elementwise; use relu, tanh, sigmoid, ...")
        self.activation, self.activation_grad = activations.get(activation)
        self.output_activation = output_activation
        self.l1, self.l2 = float(l1), float(l2)
        self.params = []
        for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
            self.params += [glorot_uniform(fan_in, fan_out, rng), np.zeros(fan_out)]

    @property
    def n_layers(self):
        """Number of Dense layers."""
        return len(self.params) // 2

    def forward(self, x, params=None):
        """Return ``(logits, caches)``: the output before the output activation and what backprop needs."""
        params = self.params if params is None else params
        h = np.asarray(x, dtype=params[0].dtype)
        caches = []
        for layer in range(self.n_layers):
            z, dense_cache = dense_forward(h, params[2 * layer], params[2 * layer + 1])
            last = layer == self.n_layers - 1
            h = z if last else self.activation(z)
            caches.append((dense_cache, z))
        return h, caches

    def predict(self, x):
        """Network output after the output activation (probabilities or values)."""
        logits, _ = self.forward(x)
        return activations.get(self.output_activation)[0](logits)

    def loss(self, x, y, params=None):
        """Mean loss over the batch, penalties included."""
        logits, _ = self.forward(x, params)
        return self._data_loss(y, logits) + self._penalty(params)

    def loss_and_grads(self, x, y, params=None):
        """Return ``(loss, grads)``, with ``grads`` shaped like ``params``, by backpropagation."""
        params = self.params if params is None else params
        logits, caches = self.forward(x, params)
        loss = self._data_loss(y, logits) + self._penalty(params)
        dz = self._data_loss_grad(y, logits)
        grads = [None] * len(params)
        for layer in reversed(range(self.n_layers)):
            dense_cache, _ = caches[layer]
            dh, dkernel, dbias = dense_backward(dz, dense_cache)
            if self.l1 or self.l2:
                dkernel = dkernel + regularizers.l1_l2_grad(params[2 * layer], self.l1, self.l2)
            grads[2 * layer], grads[2 * layer + 1] = dkernel, dbias
            if layer > 0:
                dz = dh * self.activation_grad(caches[layer - 1][1])
        return loss, grads

    def accuracy(self, x, y):
        """Fraction of correct predictions (classification outputs only)."""
        if self.output_activation == "linear":
            raise ValueError("accuracy is defined for softmax or sigmoid outputs, not linear ones")
        logits, _ = self.forward(x)
        y = np.asarray(y)
        if self.output_activation == "softmax":
            labels = y.argmax(axis=-1) if y.ndim == 2 else y
            return float(np.mean(logits.argmax(axis=-1) == labels))
        return float(np.mean((logits.reshape(y.shape) > 0) == (y > 0.5)))

    def fit(self, x, y, optimizer, rng, epochs=10, batch_size=32, validation_data=None):
        """Shuffled mini-batch training with a ``dlex.scratch.optim`` optimizer; returns a history dict."""
        x, y = np.asarray(x), np.asarray(y)
        if len(x) != len(y):
            raise ValueError(f"x and y must have the same number of samples, got {len(x)} and {len(y)}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        history = {"loss": []}
        classify = self.output_activation != "linear"
        keys = ["accuracy"] if classify else []
        if validation_data is not None:
            keys += ["val_loss"] + (["val_accuracy"] if classify else [])
        history.update({k: [] for k in keys})
        for _ in range(epochs):
            order = rng.permutation(len(x))
            total = 0.0
            for start in range(0, len(x), batch_size):
                batch = order[start : start + batch_size]
                loss, grads = self.loss_and_grads(x[batch], y[batch])
                optimizer.step(self.params, grads)
                total += loss * len(batch)
            history["loss"].append(total / len(x))
            if classify:
                history["accuracy"].append(self.accuracy(x, y))
            if validation_data is not None:
                x_val, y_val = validation_data
                history["val_loss"].append(float(self.loss(x_val, y_val)))
                if classify:
                    history["val_accuracy"].append(self.accuracy(x_val, y_val))
        return history

    def _data_loss(self, y, logits):
        if self.output_activation == "softmax":
            return _softmax_loss(losses.categorical_crossentropy, y, logits)
        if self.output_activation == "sigmoid":
            return losses.binary_crossentropy(np.reshape(y, logits.shape), logits, from_logits=True)
        return losses.mse(np.reshape(y, logits.shape), logits)

    def _data_loss_grad(self, y, logits):
        if self.output_activation == "softmax":
            return _softmax_loss(losses.categorical_crossentropy_grad, y, logits)
        if self.output_activation == "sigmoid":
            return losses.binary_crossentropy_grad(np.reshape(y, logits.shape), logits, from_logits=True)
        return losses.mse_grad(np.reshape(y, logits.shape), logits)

    def _penalty(self, params):
        if not (self.l1 or self.l2):
            return 0.0
        params = self.params if params is None else params
        return sum(regularizers.l1_l2(w, self.l1, self.l2) for w in params[0::2])


def _softmax_loss(fn, y, logits):
    """Apply a categorical loss (or its gradient) to one-hot or integer targets."""
    y = np.asarray(y)
    if y.ndim == logits.ndim - 1 or (y.ndim == logits.ndim and y.shape[-1] == 1 and logits.shape[-1] > 1):
        y = losses.one_hot(np.reshape(y, logits.shape[:-1]).astype(np.int64), logits.shape[-1])
    return fn(y, logits, from_logits=True)


def gradient_check(f, params, eps=1e-6, max_checks=None, rng=None):
    """Largest relative error between ``f``'s gradients and centred finite differences."""
    params = list(params)
    for p in params:
        if not isinstance(p, np.ndarray) or not np.issubdtype(p.dtype, np.floating):
            raise ValueError(
                "gradient_check needs params as a list of float NumPy arrays (float64 for accuracy)"
            )
    _, grads = f(params)
    if len(grads) != len(params):
        raise ValueError(f"f returned {len(grads)} gradients for {len(params)} parameters")
    worst = 0.0
    for p, g in zip(params, grads):
        g = np.broadcast_to(np.asarray(g, dtype=np.float64), p.shape)
        flat = p.reshape(-1)  # a view: nudging it nudges p
        if not np.shares_memory(flat, p):
            raise ValueError("gradient_check needs contiguous parameter arrays")
        indices = np.arange(flat.size)
        if max_checks is not None and flat.size > max_checks:
            chooser = rng if rng is not None else np.random.default_rng(0)
            indices = chooser.choice(flat.size, size=max_checks, replace=False)
        numeric = np.empty(len(indices))
        for k, i in enumerate(indices):
            original = flat[i]
            flat[i] = original + eps
            plus = float(f(params)[0])
            flat[i] = original - eps
            minus = float(f(params)[0])
            flat[i] = original
            numeric[k] = (plus - minus) / (2.0 * eps)
        analytic = g.reshape(-1)[indices]
        denom = max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-12)
        worst = max(worst, float(np.linalg.norm(analytic - numeric) / denom))
    return worst
