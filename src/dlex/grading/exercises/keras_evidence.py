"""Keras objects as evidence: what a probe extracts from a model, its loss and its history.

This runs next to the learner's objects; the judge rebuilds the model from this evidence
(:mod:`dlex.grading.exercises.rebuild`) and computes what it should output
(:mod:`dlex.grading.exercises.kit`).
"""

import json
import math
import sys

import numpy as np

from dlex.grading.exercises.declarations import Evidence, ProbeError, plain


def _activation_name(layer) -> str | None:
    activation = getattr(layer, "activation", None)
    if activation is None:
        return None
    name = getattr(activation, "__name__", None) or type(activation).__name__
    return str(name)


def model_evidence(model, x: np.ndarray, label: str = "the model") -> Evidence:
    """Config, weights, layer summary, compile settings and outputs on ``x`` of ``model``."""
    keras = sys.modules.get("keras")  # not imported yet: it cannot be a Keras model
    if keras is None or not isinstance(model, keras.Model):
        raise ProbeError(
            f"{label} is a {type(model).__name__}, not a Keras model "
            "(build it with keras.Sequential([...]) or keras.Model(inputs, outputs))"
        )
    try:
        outputs = np.asarray(model(x, training=False), dtype="float64")
    except Exception as exc:  # noqa: BLE001 - the learner's model may fail in any way
        raise ProbeError(
            f"{label} fails on a batch of {x.shape[1]}-number inputs: {type(exc).__name__}: {str(exc)[:300]}"
        ) from None
    values = {"class": type(model).__name__, "n_params": int(model.count_params())}
    try:
        config = json.loads(model.to_json())
        config.pop("compile_config", None)
        values["config_json"] = json.dumps(config)
    except Exception as exc:  # noqa: BLE001
        values["config_error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
    try:
        values["input_shape"] = [d if d is None else int(d) for d in model.inputs[0].shape]
    except Exception:  # noqa: BLE001 - models without a defined input
        values["input_shape"] = None
    layers, weights = [], []
    for layer in model.layers:
        own = [np.asarray(w) for w in layer.get_weights()]
        layers.append(
            {
                "class": type(layer).__name__,
                "name": layer.name,
                "units": getattr(layer, "units", None),
                "activation": _activation_name(layer),
                "use_bias": getattr(layer, "use_bias", None),
                "n_weights": len(own),
                "shapes": [list(w.shape) for w in own],
            }
        )
        weights.extend(own)
    values["layers"] = layers
    optimizer = getattr(model, "optimizer", None)
    values["compiled"] = bool(getattr(model, "compiled", False))
    if optimizer is not None:
        try:
            config = optimizer.get_config()
        except Exception:  # noqa: BLE001
            config = {}
        values["optimizer"] = {"class_name": type(optimizer).__name__, "config": plain(config)}
        try:
            values["iterations"] = int(np.asarray(optimizer.iterations))
        except Exception:  # noqa: BLE001
            values["iterations"] = None
    arrays = {f"weight_{i}": w for i, w in enumerate(weights)}
    arrays["outputs"] = outputs
    values["n_weight_arrays"] = len(weights)
    return Evidence(values, arrays)


def loss_value(model, y_true: np.ndarray, y_pred: np.ndarray) -> float | None:
    """The mean of the model's compiled loss on ``(y_true, y_pred)``; None if not compiled."""
    import keras

    loss = getattr(model, "loss", None)
    if loss is None:
        return None
    if isinstance(loss, str):
        loss = keras.losses.get(loss)
    if not callable(loss):
        raise ProbeError(f"the model's loss is a {type(loss).__name__}; compile with one loss")
    value = float(np.mean(np.asarray(loss(y_true, y_pred))))
    return value if math.isfinite(value) else None


def history_evidence(history, model) -> dict:
    """The numbers of a ``History`` and whether it belongs to ``model``."""
    keras = sys.modules.get("keras")
    if keras is None or not isinstance(history, keras.callbacks.History):
        raise ProbeError(
            f"it is a {type(history).__name__}, not the History that fit returns "
            "(write history_ex2 = model_ex2.fit(...))"
        )
    curves = {str(k): [float(v) for v in vals] for k, vals in dict(history.history).items()}
    return {
        "curves": curves,
        "params": plain(dict(getattr(history, "params", None) or {})),
        "same_model": getattr(history, "model", None) is model,
    }
