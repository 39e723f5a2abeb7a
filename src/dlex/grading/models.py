"""Keras models as evidence: what a probe extracts, and how a judge rebuilds and tests it.

Probe side (runs next to the learner's model): :func:`model_evidence`,
:func:`loss_value`, :func:`history_evidence`.

Judge side (the grader): :func:`rebuild` recreates a model from its config JSON after
checking every class named in it against :data:`ALLOWED_CLASSES` (standard layers,
initializers and regularizers only; no ``Lambda``, no custom functions), with Keras's
safe mode on, then loads the weights from the evidence arrays. :func:`dense_layers`
and :func:`forward` compute what a stack of dense layers *should* output, in NumPy.
"""

import json
import math
import sys
import threading

import numpy as np

from dlex.grading.spec import Evidence, ProbeError, plain

# Layers whose weights are (kernel, bias) and which compute activation(x @ kernel + bias).
ALLOWED_CLASSES = {
    "Sequential", "Functional", "Model", "InputLayer", "__keras_tensor__",
    "Dense", "Activation", "ReLU", "Softmax", "LeakyReLU", "ELU", "Dropout", "Flatten", "Reshape",
    "Rescaling", "BatchNormalization", "LayerNormalization", "Conv1D", "Conv2D", "MaxPooling1D",
    "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
    "GlobalMaxPooling1D", "GlobalMaxPooling2D", "Embedding", "SimpleRNN", "LSTM", "GRU",
    "SimpleRNNCell", "LSTMCell", "GRUCell", "Bidirectional", "SpatialDropout1D", "SpatialDropout2D",
    "DTypePolicy", "FloatDTypePolicy",
    "GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal", "LecunUniform", "LecunNormal",
    "RandomUniform", "RandomNormal", "TruncatedNormal", "Zeros", "Ones", "Constant", "Orthogonal",
    "VarianceScaling", "Identity",
    "L1", "L2", "L1L2", "OrthogonalRegularizer", "MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm",
}
ALLOWED_MODULES = {None, "keras", "keras.layers", "keras.initializers", "keras.regularizers",
                   "keras.constraints", "keras.models", "keras.src.models.functional",
                   "keras.src.models.sequential", "keras.src.models.model"}
ACTIVATIONS = ("relu", "softmax", "sigmoid", "tanh", "linear")

_KERAS_LOCK = threading.Lock()


# --------------------------------------------------------------------------- probe side

def _activation_name(layer) -> str | None:
    activation = getattr(layer, "activation", None)
    if activation is None:
        return None
    name = getattr(activation, "__name__", None) or type(activation).__name__
    return str(name)


def model_evidence(model, x: np.ndarray, label: str = "the model") -> Evidence:
    """Config, weights, layer summary, compile settings and outputs on ``x`` of ``model``."""
    keras = sys.modules.get("keras")      # not imported yet: it cannot be a Keras model
    if keras is None or not isinstance(model, keras.Model):
        raise ProbeError(f"{label} is a {type(model).__name__}, not a Keras model "
                         "(build it with keras.Sequential([...]) or keras.Model(inputs, outputs))")
    try:
        outputs = np.asarray(model(x, training=False), dtype="float64")
    except Exception as exc:  # noqa: BLE001 - the learner's model may fail in any way
        raise ProbeError(f"{label} fails on a batch of {x.shape[1]}-number inputs: "
                         f"{type(exc).__name__}: {str(exc)[:300]}") from None
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
        layers.append({"class": type(layer).__name__, "name": layer.name,
                       "units": getattr(layer, "units", None),
                       "activation": _activation_name(layer),
                       "use_bias": getattr(layer, "use_bias", None),
                       "n_weights": len(own), "shapes": [list(w.shape) for w in own]})
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
        raise ProbeError(f"it is a {type(history).__name__}, not the History that fit returns "
                         "(write history_ex2 = model_ex2.fit(...))")
    curves = {str(k): [float(v) for v in vals] for k, vals in dict(history.history).items()}
    return {"curves": curves, "params": plain(dict(getattr(history, "params", None) or {})),
            "same_model": getattr(history, "model", None) is model}


# --------------------------------------------------------------------------- judge side

class RebuildError(Exception):
    """The config cannot be rebuilt safely: the reason, in words."""


def _check_config(node, found: set) -> None:
    if isinstance(node, dict):
        if "class_name" in node:
            name, module = node.get("class_name"), node.get("module")
            registered = node.get("registered_name")
            if name not in ALLOWED_CLASSES or module not in ALLOWED_MODULES or (
                    registered not in (None, name)):
                shown = node.get("config") if name == "function" else name
                found.add(str(shown))
        for value in node.values():
            _check_config(value, found)
    elif isinstance(node, list):
        for value in node:
            _check_config(value, found)


MAX_DIM = 100_000


def _dims(node, found: list) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("batch_shape", "input_shape", "build_input_shape", "shape") and \
                    isinstance(value, list):
                found.extend(v for v in value if isinstance(v, int))
            else:
                _dims(value, found)
    elif isinstance(node, list):
        for value in node:
            _dims(value, found)


def _check_sizes(config: dict, values: dict, arrays: dict) -> None:
    """Refuse a config whose layers would be larger than the weights that came with it.

    Building a model allocates its weights before ``set_weights`` can compare shapes, so
    a forged config (``Dense(10**9)``) could exhaust the grader's memory. Every size the
    config declares must match the arrays actually received, which are size-capped.
    """
    dims: list = []
    _dims(config, dims)
    if any(d > MAX_DIM or d < 0 for d in dims):
        raise RebuildError("its config declares an input larger than the check accepts")
    inner = config.get("config") if isinstance(config.get("config"), dict) else {}
    layers = [entry for entry in inner.get("layers") or []
              if isinstance(entry, dict) and entry.get("class_name") != "InputLayer"]
    summary = [layer for layer in values.get("layers") or []
               if not (isinstance(layer, dict) and layer.get("class") == "InputLayer")]
    if len(layers) != len(summary):
        raise RebuildError("its config does not match its layers")
    index = 0
    for entry, layer in zip(layers, summary):
        if not isinstance(layer, dict) or entry.get("class_name") != layer.get("class"):
            raise RebuildError("its config does not match its layers")
        count = int(layer.get("n_weights") or 0)
        own = [arrays.get(f"weight_{i}") for i in range(index, index + count)]
        index += count
        if any(w is None for w in own) or [list(w.shape) for w in own] != layer.get("shapes"):
            raise RebuildError("its weights do not match its layers")
        settings = entry.get("config") if isinstance(entry.get("config"), dict) else {}
        size = settings.get("units", settings.get("filters"))
        if size is not None and (not own or not isinstance(size, int)
                                 or own[0].shape[-1] not in (size, 3 * size, 4 * size)):
            raise RebuildError(f"its layer {layer.get('name')!r} declares another size than its weights")
        shape = (entry.get("build_config") or {}).get("input_shape") if isinstance(
            entry.get("build_config"), dict) else None
        if entry.get("class_name") == "Dense" and own and isinstance(shape, list) and shape and (
                shape[-1] != own[0].shape[0]):
            raise RebuildError(f"its layer {layer.get('name')!r} declares another input than its weights")
        kernel_size = settings.get("kernel_size")
        if isinstance(kernel_size, list) and own and list(own[0].shape[:-2]) != kernel_size:
            raise RebuildError(f"its layer {layer.get('name')!r} declares another kernel than its weights")
    first = next((i for i, entry in enumerate(inner.get("layers") or [])
                  if isinstance(entry, dict) and entry.get("class_name") != "InputLayer"), None)
    entries = inner.get("layers") or []
    if first and entries[first].get("class_name") == "Dense" and summary and summary[0].get("shapes"):
        batch = ((entries[first - 1].get("config") or {}).get("batch_shape")
                 if entries[first - 1].get("class_name") == "InputLayer" else None)
        if isinstance(batch, list) and batch and batch[-1] != summary[0]["shapes"][0][0]:
            raise RebuildError("its input declares another width than its first layer's weights")
    if index != values.get("n_weight_arrays"):
        raise RebuildError("its weights do not match its layers")


def rebuild(values: dict, arrays: dict):
    """The model described by the evidence, rebuilt from standard Keras classes only."""
    import keras

    if values.get("config_error"):
        raise RebuildError(f"its config cannot be written ({values['config_error']})")
    try:
        config = json.loads(values["config_json"])
    except (KeyError, TypeError, ValueError):
        raise RebuildError("its config is missing or not valid JSON") from None
    disallowed: set = set()
    _check_config(config, disallowed)
    if disallowed:
        raise RebuildError("it uses something other than standard Keras layers and built-in "
                           f"activations: {', '.join(sorted(disallowed))}")
    count = values.get("n_weight_arrays")
    if not isinstance(count, int) or any(f"weight_{i}" not in arrays for i in range(count)):
        raise RebuildError("its weights are missing")
    _check_sizes(config, values, arrays)
    with _KERAS_LOCK:
        try:
            model = keras.saving.deserialize_keras_object(config, safe_mode=True)
            model.set_weights([arrays[f"weight_{i}"] for i in range(count)])
        except Exception as exc:  # noqa: BLE001 - any config the learner made
            raise RebuildError(f"rebuilding it failed ({type(exc).__name__}: {str(exc)[:200]})") from None
    return model


def predict(model, x: np.ndarray) -> np.ndarray:
    with _KERAS_LOCK:
        return np.asarray(model(x, training=False), dtype="float64")


def dense_layers(values: dict, arrays: dict) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """``(kernel, bias)`` of each Dense layer, in order, from the evidence."""
    found, index = [], 0
    for layer in values.get("layers") or []:
        count = int(layer.get("n_weights") or 0)
        own = [arrays.get(f"weight_{i}") for i in range(index, index + count)]
        index += count
        if layer.get("class") == "Dense" and own and own[0] is not None:
            found.append((own[0].astype("float64"),
                          own[1].astype("float64") if len(own) > 1 and own[1] is not None else None))
    return found


def activate(z: np.ndarray, name: str) -> np.ndarray:
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "softmax":
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    return z


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
                wrong = [f"layer {i + 1} uses {got} where the specification says {want}"
                         for i, (got, want) in enumerate(zip(names, expected)) if got != want]
                return "; ".join(wrong)
    if outputs.ndim == 2 and not np.allclose(outputs.sum(axis=1), 1.0, atol=1e-3):
        return "its outputs do not sum to 1 per input, so the last layer is not a softmax"
    return "its outputs match none of the usual activations for these weights"


def optimizer_summary(values: dict) -> tuple[str | None, dict]:
    optimizer = values.get("optimizer") or {}
    return optimizer.get("class_name"), optimizer.get("config") or {}


def categorical_crossentropy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    p = np.clip(y_pred, 1e-7, 1.0 - 1e-7)
    return float(np.mean(-np.sum(y_true * np.log(p), axis=-1)))
