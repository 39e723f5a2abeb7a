"""Shared fixtures for the dlex.scratch tests: one Keras import per session, float64
Keras for parity checks, and a vector-Jacobian product through the backend's autodiff.
"""

import contextlib

import numpy as np
import pytest

from .helpers import numpy_of


@pytest.fixture(scope="session")
def _keras_module():
    import keras

    import dlex  # noqa: F401  (picks the default backend before Keras is imported)

    return keras


@pytest.fixture
def keras(_keras_module):
    """Keras with float64 as floatx (and JAX's 64-bit mode) for the duration of one test."""
    # Keras caches a global dtype policy the first time any layer is built, after which
    # `set_floatx` alone no longer reaches new layers: set (and restore) both.
    config = _keras_module.config
    previous_floatx, previous_policy = config.floatx(), config.dtype_policy()
    config.set_floatx("float64")
    config.set_dtype_policy("float64")
    try:
        with _x64(_keras_module):
            yield _keras_module
    finally:
        config.set_floatx(previous_floatx)
        config.set_dtype_policy(previous_policy)


def _x64(keras):
    if keras.backend.backend() == "jax":
        import jax

        return jax.enable_x64(True)
    return contextlib.nullcontext()


@pytest.fixture
def rng():
    return np.random.default_rng(20240607)


@pytest.fixture
def vjp(keras):
    """``vjp(f, args, cotangent) -> (output, grads)``: ``f(*args)`` and ``cotangentᵀ ∂f/∂args``.

    Uses the active backend's autodiff (JAX required; TensorFlow and torch supported).
    If ``f`` returns a list or tuple, only its first element is differentiated and
    ``output`` is the list of all elements as NumPy arrays.
    """
    backend = keras.backend.backend()
    if backend == "jax":
        return _vjp_jax
    if backend == "tensorflow":
        return _vjp_tensorflow
    if backend == "torch":
        return _vjp_torch
    pytest.skip(f"no autodiff helper for the {backend} backend")


def _split(out):
    """(differentiated output, auxiliary outputs, whether f returned a sequence)."""
    if isinstance(out, (list, tuple)):
        return out[0], list(out[1:]), True
    return out, [], False


def _vjp_jax(f, args, cotangent):
    import jax
    import jax.numpy as jnp

    returned = {}

    def run(args, cotangent):
        def g(*a):
            first, aux, returned["sequence"] = _split(f(*a))
            return first, aux

        out, pull, aux = jax.vjp(g, *args, has_aux=True)
        return out, aux, pull(cotangent.astype(out.dtype))

    # One XLA compilation for the whole computation is much cheaper than compiling
    # every primitive separately in eager mode.
    out, aux, grads = jax.jit(run)([jnp.asarray(a) for a in args], jnp.asarray(cotangent))
    return _pack(out, aux, returned["sequence"]), [np.asarray(g) for g in grads]


def _vjp_tensorflow(f, args, cotangent):
    import tensorflow as tf

    tensors = [tf.convert_to_tensor(a) for a in args]
    with tf.GradientTape() as tape:
        for t in tensors:
            tape.watch(t)
        out, aux, sequence = _split(f(*tensors))
    grads = tape.gradient(out, tensors, output_gradients=tf.convert_to_tensor(cotangent, dtype=out.dtype))
    grads = [np.zeros(np.shape(a)) if g is None else np.asarray(g) for a, g in zip(args, grads)]
    return _pack(out, aux, sequence), grads


def _vjp_torch(f, args, cotangent):
    import torch

    tensors = [torch.tensor(np.asarray(a), requires_grad=True) for a in args]
    out, aux, sequence = _split(f(*tensors))
    grads = torch.autograd.grad(
        out, tensors, grad_outputs=torch.tensor(np.asarray(cotangent), dtype=out.dtype), allow_unused=True
    )
    grads = [np.zeros(np.shape(a)) if g is None else g.detach().cpu().numpy() for a, g in zip(args, grads)]
    return _pack(out, [a.detach() for a in aux], sequence), grads


def _pack(out, aux, sequence):
    arrays = [numpy_of(t) for t in [out, *aux]]
    return arrays if sequence else arrays[0]


@pytest.fixture
def layer_vjp(vjp):
    """``layer_vjp(layer, trainable, x, dy, non_trainable=(), **kw) -> (outputs, grads, new_state)``.

    Runs ``layer.stateless_call``; differentiates its (first) output against ``dy``.
    ``outputs`` is the output array, or the list of outputs when the layer returns
    several (e.g. ``return_state=True``); ``new_state`` the updated non-trainable variables.
    """

    def run(layer, trainable, x, dy, non_trainable=(), **call_kwargs):
        info = {}

        def f(x, *weights):
            outputs, state = layer.stateless_call(list(weights), list(non_trainable), x, **call_kwargs)
            info["several"] = isinstance(outputs, (list, tuple))
            outputs = list(outputs) if info["several"] else [outputs]
            info["count"] = len(outputs)
            return [*outputs, *state]

        everything, grads = vjp(f, [x, *trainable], dy)
        outputs, state = everything[: info["count"]], everything[info["count"] :]
        return (outputs if info["several"] else outputs[0]), grads, state

    return run
