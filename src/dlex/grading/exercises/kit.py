"""Checks the labs' judges share: reference outputs computed with :mod:`dlex.scratch`, comparisons,
and the outcomes several labs test the same way."""

import numpy as np

from dlex.scratch import activations as scratch_activations
from dlex.scratch import losses

ACTIVATIONS = ("relu", "softmax", "sigmoid", "tanh", "linear")


def dense_layers(values: dict, arrays: dict) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """``(kernel, bias)`` of each Dense layer, in order, from the evidence."""
    found, index = [], 0
    for layer in values.get("layers") or []:
        count = int(layer.get("n_weights") or 0)
        own = [arrays.get(f"weight_{i}") for i in range(index, index + count)]
        index += count
        if layer.get("class") == "Dense" and own and own[0] is not None:
            found.append(
                (
                    own[0].astype("float64"),
                    own[1].astype("float64") if len(own) > 1 and own[1] is not None else None,
                )
            )
    return found


def activate(z: np.ndarray, name: str) -> np.ndarray:
    """``z`` through the activation ``name`` (:mod:`dlex.scratch`); unknown names pass ``z`` through."""
    return scratch_activations.get(name)[0](z) if name in ACTIVATIONS else z


def forward(x: np.ndarray, layers: list, activations: list[str]) -> np.ndarray:
    """``x`` through dense layers ``(kernel, bias)`` with the named activations."""
    h = np.asarray(x, dtype="float64")
    for (kernel, bias), name in zip(layers, activations):
        h = h @ kernel + (bias if bias is not None else 0.0)
        h = activate(h, name)
    return h


def close(a, b, tol: float = 1e-4) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= tol + tol * np.abs(b)))


def diagnose_activations(x, layers, outputs, expected: list[str]) -> str:
    """In words, which activations the outputs match when they do not match ``expected``."""
    import itertools

    hidden_options = ("relu", "linear", "sigmoid", "tanh")
    final_options = ("softmax", "linear", "sigmoid", "relu")
    hidden = len(layers) - 1
    for combo in itertools.product(hidden_options, repeat=hidden):
        for last in final_options:
            names = list(combo) + [last]
            if names != expected and close(forward(x, layers, names), outputs):
                wrong = [
                    f"layer {i + 1} uses {got} where the specification says {want}"
                    for i, (got, want) in enumerate(zip(names, expected))
                    if got != want
                ]
                return "; ".join(wrong)
    if outputs.ndim == 2 and not np.allclose(outputs.sum(axis=1), 1.0, atol=1e-3):
        return "its outputs do not sum to 1 per input, so the last layer is not a softmax"
    return "its outputs match none of the usual activations for these weights"


def optimizer_summary(values: dict) -> tuple[str | None, dict]:
    optimizer = values.get("optimizer") or {}
    return optimizer.get("class_name"), optimizer.get("config") or {}


def categorical_crossentropy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """The mean cross-entropy, as Keras computes it (:func:`dlex.scratch.losses.categorical_crossentropy`)."""
    return float(losses.categorical_crossentropy(y_true, y_pred))


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function (:func:`dlex.scratch.activations.sigmoid`)."""
    return scratch_activations.sigmoid(z)


def integer_param(params: dict, name: str, default: int) -> int:
    """The lab parameter ``name`` the run used, if it is an integer; else ``default``."""
    value = params.get(name, default)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def number_param(params: dict, name: str, default):
    """The lab parameter ``name`` the run used, if it is a number; else ``default``."""
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    return value


def one_hot_loss_pair(challenge, label: str) -> tuple[np.ndarray, np.ndarray]:
    """One-hot labels of ten classes and made-up predicted probabilities, to watch a loss at work."""
    rng = challenge.rng(label)
    y_true = np.eye(10, dtype="float32")[rng.integers(0, 10, size=16)]
    y_pred = rng.dirichlet(np.ones(10), size=16).astype("float32")
    return y_true, y_pred


def rebuilt_outputs(
    values: dict,
    arrays: dict,
    x: np.ndarray,
    name: str,
    what: str,
    rebuild_hint: str,
    plain_hint: str = "use a plain keras.Sequential model",
):
    """``(outputs, None)``: the rebuilt model's outputs on ``x``, matching what the probe saw;
    or ``(None, outcome)`` saying why the model cannot be trusted."""
    from dlex.grading.exercises.declarations import Outcome
    from dlex.grading.exercises.rebuild import RebuildError, predict, rebuild

    reported = arrays.get("outputs")
    try:
        outputs = predict(rebuild(values, arrays), x)
    except RebuildError as exc:
        return None, Outcome(what, False, f"the check cannot rebuild `{name}`: {exc}", rebuild_hint)
    if reported is None or not close(outputs, reported, 1e-3):
        return None, Outcome(
            what, False, f"`{name}`'s predictions differ from what its layers and weights compute", plain_hint
        )
    return outputs, None


def matches_by_hand(what: str, outputs: np.ndarray, by_hand, hint: str):
    """The outcome of comparing a rebuilt model's ``outputs`` with ``by_hand()``, a forward pass
    written out with dlex.scratch; layers it cannot compute are a failed check, not a crash."""
    from dlex.grading.exercises.declarations import Outcome

    try:
        expected = by_hand()
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        return Outcome(
            what,
            False,
            f"its layers cannot be computed by hand: {str(exc)[:200]}",
            "fix the failed checks above first",
        )
    if expected.shape == outputs.shape and close(outputs, expected, 1e-4):
        return Outcome(what, True)
    return Outcome(what, False, "its outputs differ from the by-hand computation with its own weights", hint)
