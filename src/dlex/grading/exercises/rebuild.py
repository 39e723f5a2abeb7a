"""Rebuild a learner's Keras model from its evidence, safely, in the grader.

:func:`rebuild` recreates a model from its config JSON after checking every class named
in it against :data:`ALLOWED_CLASSES` (standard layers, initializers and regularizers
only; no ``Lambda``, no custom functions) and every size it declares against the weights
that came with it, with Keras's safe mode on, then loads those weights.
"""

import json
import threading

import numpy as np

# Layers whose weights are (kernel, bias) and which compute activation(x @ kernel + bias).
ALLOWED_CLASSES = {
    "Sequential",
    "Functional",
    "Model",
    "InputLayer",
    "__keras_tensor__",
    "Dense",
    "Activation",
    "ReLU",
    "Softmax",
    "LeakyReLU",
    "ELU",
    "Dropout",
    "Flatten",
    "Reshape",
    "Rescaling",
    "BatchNormalization",
    "LayerNormalization",
    "Conv1D",
    "Conv2D",
    "MaxPooling1D",
    "MaxPooling2D",
    "AveragePooling2D",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "Embedding",
    "SimpleRNN",
    "LSTM",
    "GRU",
    "SimpleRNNCell",
    "LSTMCell",
    "GRUCell",
    "Bidirectional",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "DTypePolicy",
    "FloatDTypePolicy",
    "GlorotUniform",
    "GlorotNormal",
    "HeUniform",
    "HeNormal",
    "LecunUniform",
    "LecunNormal",
    "RandomUniform",
    "RandomNormal",
    "TruncatedNormal",
    "Zeros",
    "Ones",
    "Constant",
    "Orthogonal",
    "VarianceScaling",
    "Identity",
    "L1",
    "L2",
    "L1L2",
    "OrthogonalRegularizer",
    "MaxNorm",
    "NonNeg",
    "UnitNorm",
    "MinMaxNorm",
}
ALLOWED_MODULES = {
    None,
    "keras",
    "keras.layers",
    "keras.initializers",
    "keras.regularizers",
    "keras.constraints",
    "keras.models",
    "keras.src.models.functional",
    "keras.src.models.sequential",
    "keras.src.models.model",
}


_KERAS_LOCK = threading.Lock()  # judges run in threads; Keras building is not thread-safe


class RebuildError(Exception):
    """The config cannot be rebuilt safely: the reason, in words."""


def _check_config(node, found: set) -> None:
    if isinstance(node, dict):
        if "class_name" in node:
            name, module = node.get("class_name"), node.get("module")
            registered = node.get("registered_name")
            if (
                name not in ALLOWED_CLASSES
                or module not in ALLOWED_MODULES
                or (registered not in (None, name))
            ):
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
            if key in ("batch_shape", "input_shape", "build_input_shape", "shape") and isinstance(
                value, list
            ):
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
    layers = [
        entry
        for entry in inner.get("layers") or []
        if isinstance(entry, dict) and entry.get("class_name") != "InputLayer"
    ]
    summary = [
        layer
        for layer in values.get("layers") or []
        if not (isinstance(layer, dict) and layer.get("class") == "InputLayer")
    ]
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
        if size is not None and (
            not own or not isinstance(size, int) or own[0].shape[-1] not in (size, 3 * size, 4 * size)
        ):
            raise RebuildError(f"its layer {layer.get('name')!r} declares another size than its weights")
        shape = (
            (entry.get("build_config") or {}).get("input_shape")
            if isinstance(entry.get("build_config"), dict)
            else None
        )
        if (
            entry.get("class_name") == "Dense"
            and own
            and isinstance(shape, list)
            and shape
            and (shape[-1] != own[0].shape[0])
        ):
            raise RebuildError(f"its layer {layer.get('name')!r} declares another input than its weights")
        kernel_size = settings.get("kernel_size")
        if isinstance(kernel_size, list) and own and list(own[0].shape[:-2]) != kernel_size:
            raise RebuildError(f"its layer {layer.get('name')!r} declares another kernel than its weights")
    first = next(
        (
            i
            for i, entry in enumerate(inner.get("layers") or [])
            if isinstance(entry, dict) and entry.get("class_name") != "InputLayer"
        ),
        None,
    )
    entries = inner.get("layers") or []
    if first and entries[first].get("class_name") == "Dense" and summary and summary[0].get("shapes"):
        batch = (
            (entries[first - 1].get("config") or {}).get("batch_shape")
            if entries[first - 1].get("class_name") == "InputLayer"
            else None
        )
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
        raise RebuildError(
            "it uses something other than standard Keras layers and built-in "
            f"activations: {', '.join(sorted(disallowed))}"
        )
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
