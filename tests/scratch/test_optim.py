"""Optimizers follow keras.optimizers step for step: 50 updates stay within 1e-6."""

import numpy as np
import pytest

from dlex.scratch import optim as O

from .helpers import ATOL

pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")

STEPS = 50

# (optimizer class, arguments, schedule as (class, arguments) or None); same names in both libraries
CONFIGS = [
    ("SGD", {"learning_rate": 0.1}, None),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9}, None),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}, None),
    (
        "SGD",
        {"momentum": 0.5, "clipvalue": 0.3},
        (
            "ExponentialDecay",
            {"initial_learning_rate": 0.2, "decay_steps": 7, "decay_rate": 0.5, "staircase": True},
        ),
    ),
    ("RMSprop", {}, None),
    (
        "RMSprop",
        {"learning_rate": 0.01, "rho": 0.8, "momentum": 0.5, "epsilon": 1e-4, "centered": True},
        None,
    ),
    (
        "RMSprop",
        {"global_clipnorm": 0.5},
        ("InverseTimeDecay", {"initial_learning_rate": 0.05, "decay_steps": 5, "decay_rate": 0.7}),
    ),
    ("Adam", {}, None),
    ("Adam", {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-4, "amsgrad": True}, None),
    (
        "Adam",
        {"clipnorm": 1.0},
        ("ExponentialDecay", {"initial_learning_rate": 0.05, "decay_steps": 10, "decay_rate": 0.3}),
    ),
    (
        "SGD",
        {"learning_rate": 0.02, "momentum": 0.9, "nesterov": True, "clipnorm": 0.5},
        (
            "InverseTimeDecay",
            {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.2, "staircase": True},
        ),
    ),
]


# Keras's defaults, passed explicitly so that they can be NumPy float64 (see _make).
DEFAULTS = {
    "Adam": {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
    "RMSprop": {"rho": 0.9, "epsilon": 1e-7},
}


def _make(module, schedules, name, kwargs, schedule):
    # NumPy float64 hyperparameters keep Keras in float64 on TensorFlow too, where a
    # Python float such as beta_2=0.999 becomes a float32 tensor before it is cast.
    kwargs = {**DEFAULTS.get(name, {}), **kwargs}
    kwargs = {k: np.float64(v) if isinstance(v, float) else v for k, v in kwargs.items()}
    if schedule is not None:
        arguments = {k: np.float64(v) if isinstance(v, float) else v for k, v in schedule[1].items()}
        kwargs["learning_rate"] = getattr(schedules, schedule[0])(**arguments)
    return getattr(module, name)(**kwargs)


def _gradients(params, step):
    """A noisy, badly scaled quadratic bowl; gradients large enough to trigger clipping."""
    noise = np.random.default_rng(step)
    scales = [np.linspace(0.5, 8.0, p.size).reshape(p.shape) for p in params]
    return [s * p + noise.normal(scale=0.5, size=p.shape) for s, p in zip(scales, params)]


@pytest.mark.parametrize("name,kwargs,schedule", CONFIGS)
def test_fifty_steps_match_keras(keras, rng, name, kwargs, schedule):
    start = [rng.normal(size=(3, 4)), rng.normal(size=(5,))]
    ours = [p.copy() for p in start]
    optimizer = _make(O, O, name, kwargs, schedule)
    variables = [keras.Variable(p.copy()) for p in start]
    reference = _make(keras.optimizers, keras.optimizers.schedules, name, kwargs, schedule)
    for step in range(STEPS):
        returned = optimizer.step(ours, _gradients(ours, step))
        assert returned is ours
        current = [keras.ops.convert_to_numpy(v.value) for v in variables]
        reference.apply([keras.ops.convert_to_tensor(g) for g in _gradients(current, step)], variables)
    assert optimizer.iterations == STEPS
    moved = False
    for got, variable, initial in zip(ours, variables, start):
        np.testing.assert_allclose(got, keras.ops.convert_to_numpy(variable.value), atol=ATOL, rtol=0)
        moved = moved or not np.allclose(got, initial, atol=1e-3)
    assert moved


@pytest.mark.parametrize("cls", ["ExponentialDecay", "InverseTimeDecay"])
@pytest.mark.parametrize("staircase", [False, True])
def test_schedules_match_keras(keras, cls, staircase):
    kwargs = {
        "initial_learning_rate": np.float64(0.1),
        "decay_steps": 4,
        "decay_rate": np.float64(0.6),
        "staircase": staircase,
    }
    ours, theirs = getattr(O, cls)(**kwargs), getattr(keras.optimizers.schedules, cls)(**kwargs)
    steps = np.arange(0, 40)
    expected = [float(keras.ops.convert_to_numpy(theirs(s))) for s in steps]
    np.testing.assert_allclose([ours(s) for s in steps], expected, atol=1e-12, rtol=1e-9)


def test_gradient_descent_is_sgd_without_momentum(rng):
    a, b = [rng.normal(size=4)], None
    b = [a[0].copy()]
    gd, sgd = O.GradientDescent(learning_rate=0.3), O.SGD(learning_rate=0.3)
    for step in range(5):
        gd.step(a, _gradients(a, step))
        sgd.step(b, _gradients(b, step))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_allclose(O.GradientDescent(0.5).step([np.array([1.0])], [np.array([2.0])])[0], [0.0])


def test_trajectory_records_every_step():
    optimizer = O.SGD(learning_rate=0.1, momentum=0.5, record=True)
    params = [np.array([1.0, -2.0])]
    for _ in range(10):
        optimizer.step(params, [2 * params[0]])
    path = optimizer.path()
    assert path.shape == (11, 2)
    np.testing.assert_array_equal(path[0], [1.0, -2.0])
    np.testing.assert_array_equal(path[-1], params[0])
    assert np.all(np.diff(np.abs(path[:4, 0])) < 0)  # heading to the minimum at 0


def test_no_trajectory_unless_asked():
    optimizer = O.Adam()
    optimizer.step([np.ones(2)], [np.ones(2)])
    assert optimizer.trajectory == []
    with pytest.raises(ValueError, match="record=True"):
        optimizer.path()


def test_clipping_helpers():
    g = [np.array([3.0, 4.0]), np.array([0.0, 12.0])]
    np.testing.assert_allclose(O.clip_by_norm(g, 1.0)[0], [0.6, 0.8])
    np.testing.assert_allclose(O.clip_by_norm(g, 100.0)[1], [0.0, 12.0])  # short vectors are untouched
    np.testing.assert_allclose(O.clip_by_global_norm(g, 6.5)[1], [0.0, 6.0])  # global norm is 13
    np.testing.assert_allclose(O.clip_by_value(g, 3.5)[1], [0.0, 3.5])
    np.testing.assert_allclose(O.clip_by_global_norm([np.zeros(2)], 1.0)[0], [0.0, 0.0])


def test_float32_parameters_stay_float32():
    params = [np.ones(3, dtype=np.float32)]
    O.Adam(learning_rate=0.1).step(params, [np.ones(3)])
    assert params[0].dtype == np.float32 and np.all(params[0] < 1.0)


def test_errors_say_what_is_wrong():
    with pytest.raises(ValueError, match="at most one"):
        O.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        O.Adam(learning_rate=0.0)
    with pytest.raises(ValueError, match="momentum must be in"):
        O.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="decay_steps must be > 0"):
        O.ExponentialDecay(0.1, 0, 0.5)
    with pytest.raises(ValueError, match="does not match"):
        O.SGD().step([np.ones(3)], [np.ones(2)])
    with pytest.raises(ValueError, match="2 gradients for 1"):
        O.SGD().step([np.ones(3)], [np.ones(3), np.ones(3)])
    with pytest.raises(ValueError, match="float NumPy arrays"):
        O.SGD().step([[1.0, 2.0]], [np.ones(2)])
    used = O.Adam()
    used.step([np.ones(3)], [np.ones(3)])
    with pytest.raises(ValueError, match="create a new one"):
        used.step([np.ones(3), np.ones(2)], [np.ones(3), np.ones(2)])
