"""Lab 6 — Convolutional networks: two exercises and ten evaluation questions.

Exercise 1 builds the course's convolutional network; Exercise 2 compiles it and trains
it with early stopping and a checkpoint. The checks test what the learner built, not
how it is written: the layers' settings as Keras reports them, the network's outputs on
random images the check draws (recomputed here with ``dlex.scratch``'s convolution and
pooling), the loss on made-up predictions, the callbacks, and what training left in the
model, its History and the checkpoint file.
"""

import json
import math

import numpy as np

from dlex.grading.exercises import keras_evidence, kit
from dlex.grading.exercises.declarations import Evidence, Exercise, Outcome, ProbeError
from dlex.grading.questions.kinds import Choice, Numeric, ResultChoice, ResultNumeric

N_IMAGES = 8
PARAMS = 93_322
# The exercise's layers, in order (activation-only layers are folded into the layer before).
LAYERS = (
    "Conv2D",
    "MaxPooling2D",
    "Conv2D",
    "MaxPooling2D",
    "Conv2D",
    "Flatten",
    "Dense",
    "Dropout",
    "Dense",
)
FILTERS = (32, 64, 64)
ACTIVATION_LAYERS = {"Activation", "ReLU", "Softmax"}


# --------------------------------------------------------------------------- shared


def challenge_images(challenge, label: str) -> np.ndarray:
    """Random images in [0, 1], shaped like the lab's scaled digits ``(N, 28, 28, 1)``."""
    return challenge.rng(label).uniform(0.0, 1.0, size=(N_IMAGES, 28, 28, 1)).astype("float32")


def _require_model(namespace, name: str, images: np.ndarray):
    import sys

    keras = sys.modules.get("keras")
    model = namespace[name]
    if keras is None or not isinstance(model, keras.Model):
        raise ProbeError(
            f"`{name}` is a {type(model).__name__}, not a Keras model (build it with keras.Sequential([...]))"
        )
    try:
        model(images[:1], training=False)
    except Exception as exc:  # noqa: BLE001 - the learner's model may fail in any way
        raise ProbeError(
            f"`{name}` fails on a batch of 28 × 28 × 1 images: {type(exc).__name__}: {str(exc)[:300]}"
        ) from None
    return model


def probe_model(namespace, challenge, name: str, label: str) -> Evidence:
    images = challenge_images(challenge, label)
    model = _require_model(namespace, name, images)
    evidence = keras_evidence.model_evidence(model, images, f"`{name}`")
    try:
        evidence.values["loss_on_challenge"] = keras_evidence.loss_value(
            model, *kit.one_hot_loss_pair(challenge, label + ".loss")
        )
    except ProbeError as exc:
        evidence.values["loss_error"] = str(exc)
    except Exception as exc:  # noqa: BLE001 - the learner's loss may fail in any way
        evidence.values["loss_error"] = f"calling it raised {type(exc).__name__}: {str(exc)[:200]}"
    return evidence


def layer_configs(values: dict) -> list[dict]:
    """The model's layers as ``{"class", "config"}``, activation-only layers folded into
    the layer before them (so ``Conv2D`` then ``ReLU()`` reads as a ReLU convolution)."""
    try:
        config = json.loads(values["config_json"])
    except (KeyError, TypeError, ValueError):
        return []
    entries = (config.get("config") or {}).get("layers") or []
    found = []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("class_name") == "InputLayer":
            continue
        kind, settings = entry.get("class_name"), dict(entry.get("config") or {})
        if kind in ACTIVATION_LAYERS and found and found[-1]["config"].get("activation") in (None, "linear"):
            found[-1]["config"]["activation"] = _activation_of(kind, settings)
            continue
        found.append({"class": kind, "config": settings})
    return found


def _activation_of(kind: str, settings: dict) -> str:
    if kind == "ReLU":
        plain = (
            all(not settings.get(k) for k in ("negative_slope", "threshold"))
            and settings.get("max_value") is None
        )
        return "relu" if plain else "relu (modified)"
    if kind == "Softmax":
        return "softmax"
    activation = settings.get("activation")
    return activation if isinstance(activation, str) else str(activation)


def _pair(value) -> tuple | None:
    if isinstance(value, int):
        return value, value
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return tuple(value)
    return None


def _l2_of(settings: dict) -> float | None:
    regularizer = settings.get("kernel_regularizer")
    if not isinstance(regularizer, dict):
        return None
    name, config = regularizer.get("class_name"), regularizer.get("config") or {}
    if name == "L2":
        return config.get("l2")
    if name == "L1L2" and not config.get("l1"):
        return config.get("l2")
    return None


# --------------------------------------------------------------------------- exercise 1


def probe_ex1(namespace, challenge) -> Evidence:
    return probe_model(namespace, challenge, "model_cnn", "ex1")


def check_input(values, name) -> Outcome:
    shape = values.get("input_shape")
    ok = shape is not None and list(shape[1:]) == [28, 28, 1]
    return Outcome(
        f"`{name}` takes 28 × 28 × 1 images",
        ok,
        "" if ok else f"its input shape is {shape}",
        "" if ok else "start the model with keras.Input(shape=(28, 28, 1))",
    )


def check_order(layers, name) -> Outcome:
    what = (
        f"`{name}`'s layers are, in order: Conv2D, MaxPooling2D, Conv2D, MaxPooling2D, "
        "Conv2D, Flatten, Dense, Dropout, Dense"
    )
    found = tuple(layer["class"] for layer in layers)
    if found == LAYERS:
        return Outcome(what, True)
    shown = ", ".join(found) or "none"
    hint = "compare your list of layers with the exercise's, one by one"
    if "Dropout" not in found and tuple(c for c in LAYERS if c != "Dropout") == found:
        hint = "the Dropout(0.5) layer is missing: it goes between Dense(64) and Dense(10)"
    elif found.count("MaxPooling2D") != 2:
        hint = "there is one MaxPooling2D after each of the first two convolutions, none after the third"
    elif "Flatten" not in found:
        hint = "a Flatten layer turns the last 3-D feature map into a vector for the Dense layers"
    return Outcome(what, False, f"its layers are: {shown}", hint)


def check_convolutions(layers, name) -> Outcome:
    what = f"`{name}`'s convolutions have 32, 64 and 64 filters of 3 × 3, stride 1, padding 'valid', and ReLU"
    convs = [layer["config"] for layer in layers if layer["class"] == "Conv2D"]
    if len(convs) != 3:
        return Outcome(
            what, False, f"it has {len(convs)} Conv2D layers, not 3", "add the three Conv2D layers"
        )
    problems, hint = [], ""
    for i, (settings, filters) in enumerate(zip(convs, FILTERS), 1):
        if settings.get("filters") != filters:
            problems.append(
                f"convolution {i} has {settings.get('filters')} filters (the specification: {filters})"
            )
        if _pair(settings.get("kernel_size")) != (3, 3):
            problems.append(f"convolution {i} has a {settings.get('kernel_size')} kernel")
        if _pair(settings.get("strides")) != (1, 1) or _pair(settings.get("dilation_rate")) not in (
            None,
            (1, 1),
        ):
            problems.append(f"convolution {i} has strides {settings.get('strides')}")
        if settings.get("padding") != "valid":
            problems.append(f"convolution {i} has padding={settings.get('padding')!r}")
            hint = (
                "padding='same' keeps each map the size of its input, so the last map is 7 × 7 and "
                "the dense layer grows; the exercise uses the default, padding='valid'"
            )
        if settings.get("activation") != "relu":
            problems.append(f"convolution {i} uses the {settings.get('activation')} activation")
        if settings.get("use_bias") is False:
            problems.append(f"convolution {i} has no bias")
    if problems:
        return Outcome(
            what,
            False,
            "; ".join(problems),
            hint or "write each as keras.layers.Conv2D(filters, (3, 3), activation='relu')",
        )
    return Outcome(what, True)


def check_pooling(layers, name) -> Outcome:
    what = f"`{name}`'s pooling layers take the maximum over 2 × 2 windows, stride 2"
    pools = [layer["config"] for layer in layers if layer["class"] == "MaxPooling2D"]
    if not pools:
        return Outcome(what, False, "it has no MaxPooling2D layer", "add keras.layers.MaxPooling2D((2, 2))")
    for settings in pools:
        strides = settings.get("strides")
        if (
            _pair(settings.get("pool_size")) != (2, 2)
            or (strides is not None and _pair(strides) != (2, 2))
            or settings.get("padding", "valid") != "valid"
        ):
            return Outcome(
                what,
                False,
                f"a pooling layer has pool_size {settings.get('pool_size')}, "
                f"strides {strides}, padding {settings.get('padding')!r}",
                "use keras.layers.MaxPooling2D((2, 2)) with its other settings left alone",
            )
    return Outcome(what, True)


def check_head(layers, name) -> Outcome:
    what = (
        f"`{name}` ends with Dense(64, relu) with an L2 penalty of 0.01 on its kernel, "
        "Dropout(0.5) and Dense(10, softmax)"
    )
    dense = [layer["config"] for layer in layers if layer["class"] == "Dense"]
    if len(dense) != 2:
        return Outcome(
            what,
            False,
            f"it has {len(dense)} Dense layers, not 2",
            "after Flatten come Dense(64), Dropout(0.5) and Dense(10)",
        )
    problems, hint = [], "compare the Dense layers with the exercise's items 7 to 9"
    hidden, output = dense
    if hidden.get("units") != 64 or hidden.get("activation") != "relu":
        problems.append(
            f"the first Dense layer has {hidden.get('units')} units and the "
            f"{hidden.get('activation')} activation"
        )
    l2 = _l2_of(hidden)
    if l2 is None or not math.isclose(l2, 0.01, rel_tol=1e-5):
        problems.append(
            "the first Dense layer's kernel has " + ("no L2 penalty" if l2 is None else f"L2({l2:g})")
        )
        hint = "pass kernel_regularizer=keras.regularizers.L2(0.01) to Dense(64)"
    if output.get("units") != 10 or output.get("activation") != "softmax":
        problems.append(
            f"the last Dense layer has {output.get('units')} units and the "
            f"{output.get('activation')} activation"
        )
    for layer in layers:
        if layer["class"] == "Dropout" and not math.isclose(layer["config"].get("rate") or 0.0, 0.5):
            problems.append(f"the Dropout rate is {layer['config'].get('rate')}")
            hint = "Dropout(0.5) drops half of its inputs"
    if problems:
        return Outcome(what, False, "; ".join(problems), hint)
    return Outcome(what, True)


def check_param_count(values, name) -> Outcome:
    count = values.get("n_params")
    ok = count == PARAMS
    return Outcome(
        f"`{name}` has {PARAMS:,} parameters",
        ok,
        "" if ok else f"it has {count:,}",
        "" if ok else "the count follows from the layers: fix the failed checks above",
    )


def forward_by_hand(x: np.ndarray, layers: list[dict], weights: list) -> np.ndarray:
    """What the specified network computes with these layers' settings and weights, by
    dlex.scratch: ReLU after every convolution and hidden Dense layer, softmax after the
    last (inference: Dropout does nothing)."""
    from dlex.scratch import conv, pool

    h, index = np.asarray(x, dtype="float64"), 0
    last_dense = max((i for i, layer in enumerate(layers) if layer["class"] == "Dense"), default=-1)
    for position, layer in enumerate(layers):
        kind, settings = layer["class"], layer["config"]
        if kind == "Conv2D":
            kernel, bias = weights[index], weights[index + 1] if settings.get("use_bias", True) else None
            index += 2 if bias is not None else 1
            h, _ = conv.conv2d_forward(
                h,
                kernel.astype("float64"),
                None if bias is None else bias.astype("float64"),
                stride=_pair(settings.get("strides")) or 1,
                padding=settings.get("padding"),
            )
        elif kind == "MaxPooling2D":
            h, _ = pool.max_pool2d_forward(
                h,
                size=_pair(settings.get("pool_size")),
                stride=_pair(settings.get("strides")) if settings.get("strides") else None,
                padding=settings.get("padding", "valid"),
            )
        elif kind == "Flatten":
            h = h.reshape(len(h), -1)
        elif kind == "Dense":
            kernel, bias = weights[index], weights[index + 1] if settings.get("use_bias", True) else None
            index += 2 if bias is not None else 1
            h = h @ kernel.astype("float64") + (0.0 if bias is None else bias.astype("float64"))
        elif kind == "Dropout":
            continue
        else:
            raise ValueError(f"a {kind} layer is not part of the specification")
        if kind in ("Conv2D", "Dense"):
            h = kit.activate(h, "softmax" if position == last_dense else "relu")
    return h


def check_behaviour(values, arrays, layers, challenge, label, name) -> Outcome:
    what = (
        f"on {N_IMAGES} random images chosen by the check, `{name}` computes convolution, ReLU, "
        "max pooling, …, softmax as dlex.scratch computes them by hand"
    )
    outputs, failed = kit.rebuilt_outputs(
        values,
        arrays,
        challenge_images(challenge, label),
        name,
        what,
        "build the model from standard keras.layers and built-in activations",
    )
    if failed:
        return failed
    weights = [arrays[f"weight_{i}"] for i in range(int(values.get("n_weight_arrays") or 0))]
    return kit.matches_by_hand(
        what,
        outputs,
        lambda: forward_by_hand(challenge_images(challenge, label), layers, weights),
        "use activation='relu' in the hidden layers and activation='softmax' in the last",
    )


def judge_ex1(evidence, challenge, context) -> list[Outcome]:
    values, arrays = evidence.values, evidence.arrays
    layers = layer_configs(values)
    return [
        check_input(values, "model_cnn"),
        check_order(layers, "model_cnn"),
        check_convolutions(layers, "model_cnn"),
        check_pooling(layers, "model_cnn"),
        check_head(layers, "model_cnn"),
        check_param_count(values, "model_cnn"),
        check_behaviour(values, arrays, layers, challenge, "ex1", "model_cnn"),
    ]


# --------------------------------------------------------------------------- exercise 2


def _callback_summary(callback) -> dict:
    summary = {"class": type(callback).__name__}
    for key in (
        "monitor",
        "patience",
        "min_delta",
        "mode",
        "save_best_only",
        "restore_best_weights",
        "save_weights_only",
        "start_from_epoch",
        "baseline",
    ):
        if hasattr(callback, key):
            summary[key] = getattr(callback, key)
    if hasattr(callback, "filepath"):
        summary["filepath"] = str(callback.filepath)
    return summary


def probe_ex2(namespace, challenge) -> Evidence:
    evidence = probe_model(namespace, challenge, "model_cnn", "ex2")
    model = namespace["model_cnn"]
    try:
        evidence.values["history"] = keras_evidence.history_evidence(namespace["history_cnn"], model)
    except ProbeError as exc:
        # keras_evidence.history_evidence words its example with Lab 2's names.
        message = str(exc).replace("history_ex2", "history_cnn").replace("model_ex2", "model_cnn")
        evidence.values["history_error"] = f"`history_cnn`: {message}"
    callbacks = namespace["callbacks_cnn"]
    if isinstance(callbacks, (list, tuple)):
        evidence.values["callbacks"] = [_callback_summary(c) for c in callbacks][:20]
    else:
        evidence.values["callbacks_error"] = f"`callbacks_cnn` is a {type(callbacks).__name__}, not a list"
    x_fit = namespace.get("x_fit")
    evidence.values["n_fit"] = int(len(x_fit)) if hasattr(x_fit, "__len__") else None
    path = str(namespace.get("CHECKPOINT", "cnn_best.keras"))
    evidence.values["checkpoint_path"] = path
    evidence.values["checkpoint"] = _checkpoint_summary(path)
    return evidence


def _checkpoint_summary(path: str) -> dict:
    import os

    if not os.path.isfile(path):
        return {"exists": False}
    try:
        import keras

        saved = keras.models.load_model(path)
    except Exception as exc:  # noqa: BLE001 - any file the learner wrote
        return {"exists": True, "error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    optimizer = getattr(saved, "optimizer", None)
    iterations = None
    if optimizer is not None:
        try:
            iterations = int(np.asarray(optimizer.iterations))
        except Exception:  # noqa: BLE001
            iterations = None
    return {"exists": True, "n_params": int(saved.count_params()), "iterations": iterations}


def check_optimizer(values) -> Outcome:
    what = "`model_cnn` is compiled with the RMSprop optimizer"
    name, _ = kit.optimizer_summary(values)
    if name == "RMSprop":
        return Outcome(what, True)
    if name is None:
        return Outcome(
            what,
            False,
            "`model_cnn` is not compiled",
            "call model_cnn.compile(optimizer='rmsprop', loss=..., metrics=['accuracy'])",
        )
    return Outcome(what, False, f"its optimizer is {name}", "compile with optimizer='rmsprop'")


def check_loss(values, challenge, label) -> Outcome:
    what = "`model_cnn` is compiled with the categorical cross-entropy loss"
    if values.get("loss_error"):
        return Outcome(
            what,
            False,
            f"its loss cannot be used: {values['loss_error']}",
            "use loss='categorical_crossentropy': the labels are one-hot vectors",
        )
    value = values.get("loss_on_challenge")
    if value is None:
        return Outcome(
            what,
            False,
            "`model_cnn` is not compiled with a loss",
            "call model_cnn.compile(optimizer='rmsprop', loss='categorical_crossentropy', ...)",
        )
    y_true, y_pred = kit.one_hot_loss_pair(challenge, label + ".loss")
    expected = kit.categorical_crossentropy(y_true.astype("float64"), y_pred.astype("float64"))
    if math.isclose(value, expected, rel_tol=1e-3, abs_tol=1e-4):
        return Outcome(what, True)
    p = np.clip(y_pred.astype("float64"), 1e-7, 1 - 1e-7)
    binary = float(np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))))
    mse = float(np.mean((y_true - y_pred) ** 2))
    hint = "use loss='categorical_crossentropy', −log(probability of the true class)"
    if math.isclose(value, binary, rel_tol=1e-3):
        hint = "that is binary cross-entropy, for yes/no outputs; " + hint
    elif math.isclose(value, mse, rel_tol=1e-3):
        hint = "that is the mean squared error; " + hint
    return Outcome(
        what,
        False,
        "on made-up predictions its loss gives another number than the categorical cross-entropy",
        hint,
    )


def _monitor_hint(callback) -> str:
    return "" if callback.get("monitor") == "val_loss" else f"it watches {callback.get('monitor')!r}; "


def check_early_stopping(values, params) -> Outcome:
    patience = kit.integer_param(params, "PATIENCE", 1)
    what = f"`callbacks_cnn` holds an EarlyStopping that watches the validation loss with patience {patience}"
    if values.get("callbacks_error"):
        return Outcome(
            what, False, values["callbacks_error"], "write callbacks_cnn = [EarlyStopping(...), ...]"
        )
    found = [c for c in values.get("callbacks") or [] if c.get("class") == "EarlyStopping"]
    if not found:
        return Outcome(
            what,
            False,
            "`callbacks_cnn` has no EarlyStopping callback",
            "add keras.callbacks.EarlyStopping(monitor='val_loss', patience=PATIENCE)",
        )
    stopper = found[0]
    if stopper.get("monitor") != "val_loss" or stopper.get("patience") != patience:
        return Outcome(
            what,
            False,
            f"{_monitor_hint(stopper)}its patience is {stopper.get('patience')}",
            "pass monitor='val_loss' and patience=PATIENCE",
        )
    return Outcome(what, True)


def check_checkpoint_callback(values) -> Outcome:
    path = values.get("checkpoint_path")
    what = f"`callbacks_cnn` holds a ModelCheckpoint that saves the best model to CHECKPOINT ({path!r})"
    found = [c for c in values.get("callbacks") or [] if c.get("class") == "ModelCheckpoint"]
    if values.get("callbacks_error") or not found:
        return Outcome(
            what,
            False,
            "`callbacks_cnn` has no ModelCheckpoint callback",
            "add keras.callbacks.ModelCheckpoint(CHECKPOINT, monitor='val_loss', save_best_only=True)",
        )
    saver = found[0]
    problems = []
    if saver.get("filepath") != path:
        problems.append(f"it writes to {saver.get('filepath')!r}")
    if not saver.get("save_best_only"):
        problems.append("it saves after every epoch (save_best_only is False)")
    if saver.get("monitor") != "val_loss":
        problems.append(f"it watches {saver.get('monitor')!r}")
    if saver.get("save_weights_only"):
        problems.append("it saves only the weights")
    if problems:
        return Outcome(
            what,
            False,
            "; ".join(problems),
            "use keras.callbacks.ModelCheckpoint(CHECKPOINT, monitor='val_loss', save_best_only=True)",
        )
    return Outcome(what, True)


def _stopped_as_patience_says(val_losses: list, patience: int, epochs: int) -> bool:
    """Keras's rule: stop once ``patience`` epochs in a row fail to lower the best value."""
    best, waited = math.inf, 0
    for i, value in enumerate(val_losses):
        if value < best:
            best, waited = value, 0
        else:
            waited += 1
        if waited >= patience and i < len(val_losses) - 1:
            return False  # training went on past the stopping point
    return len(val_losses) == epochs or waited >= patience


def check_history(values, params) -> Outcome:
    epochs, batch = kit.integer_param(params, "EPOCHS", 40), kit.integer_param(params, "BATCH_SIZE", 128)
    patience = kit.integer_param(params, "PATIENCE", 1)
    what = (
        f"`history_cnn` is what `model_cnn.fit` returned: at most {epochs} epochs (EPOCHS) in batches "
        f"of {batch} on x_fit, validated on (x_val, y_val), stopped by the early-stopping rule"
    )
    if values.get("history_error"):
        return Outcome(what, False, values["history_error"])
    history = values.get("history") or {}
    if not history.get("same_model"):
        return Outcome(
            what,
            False,
            "`history_cnn` comes from training another model than the `model_cnn` you have now",
            "build model_cnn once (Exercise 1), then history_cnn = model_cnn.fit(...); "
            "re-running Exercise 1's cell replaces the trained model",
        )
    curves = history.get("curves") or {}
    fit_params = history.get("params") or {}
    if "val_loss" not in curves:
        return Outcome(what, False, "it has no validation loss", "pass validation_data=(x_val, y_val) to fit")
    if "val_accuracy" not in curves:
        return Outcome(what, False, "it has no validation accuracy", "compile with metrics=['accuracy']")
    if fit_params.get("epochs") != epochs:
        return Outcome(
            what,
            False,
            f"fit was asked for {fit_params.get('epochs')} epochs",
            "pass epochs=EPOCHS: early stopping decides when to stop",
        )
    n_fit = values.get("n_fit")
    if n_fit and fit_params.get("steps") != math.ceil(n_fit / batch):
        return Outcome(
            what,
            False,
            f"each epoch had {fit_params.get('steps')} batches; the {n_fit:,} images "
            f"of x_fit in batches of {batch} make {math.ceil(n_fit / batch)}",
            "train on x_fit, y_fit with batch_size=BATCH_SIZE",
        )
    losses = curves["val_loss"]
    if not all(isinstance(v, float) and math.isfinite(v) for v in losses):
        return Outcome(what, False, "its validation loss is not a finite number")
    if not _stopped_as_patience_says(losses, patience, epochs):
        return Outcome(
            what,
            False,
            f"training ran {len(losses)} epochs, past the first {patience} epoch(s) "
            "without a lower validation loss",
            "pass the EarlyStopping callback to fit",
        )
    return Outcome(what, True)


def check_checkpoint_file(values) -> Outcome:
    path = values.get("checkpoint_path")
    what = f"the file {path!r} holds the model of the epoch with the lowest validation loss"
    saved = values.get("checkpoint") or {}
    if not saved.get("exists"):
        return Outcome(
            what,
            False,
            f"there is no file {path!r}",
            "the ModelCheckpoint callback writes it during fit; pass callbacks=callbacks_cnn",
        )
    if saved.get("error"):
        return Outcome(
            what,
            False,
            f"it cannot be loaded: {saved['error']}",
            "save the whole model to a .keras file (save_weights_only=False)",
        )
    if saved.get("n_params") != values.get("n_params"):
        return Outcome(
            what,
            False,
            "it holds another network than `model_cnn`",
            "let ModelCheckpoint write CHECKPOINT while model_cnn trains",
        )
    history = values.get("history") or {}
    losses = (history.get("curves") or {}).get("val_loss") or []
    steps = (history.get("params") or {}).get("steps")
    if losses and steps and saved.get("iterations") is not None:
        best_epoch = int(np.argmin(losses)) + 1
        if saved["iterations"] != best_epoch * steps:
            return Outcome(
                what,
                False,
                f"it was saved after {saved['iterations']} training steps; the best "
                f"epoch, {best_epoch}, ended after {best_epoch * steps}",
                "use save_best_only=True and monitor='val_loss', and delete old checkpoint files",
            )
    return Outcome(what, True)


def judge_ex2(evidence, challenge, context) -> list[Outcome]:
    values = evidence.values
    params = context.get("params") or {}
    return [
        check_optimizer(values),
        check_loss(values, challenge, "ex2"),
        check_early_stopping(values, params),
        check_checkpoint_callback(values),
        check_history(values, params),
        check_checkpoint_file(values),
    ]


EXERCISES = (
    Exercise(
        id="lab06.ex1",
        title="A convolutional network",
        points=2,
        names=("model_cnn",),
        probe=probe_ex1,
        judge=judge_ex1,
        summary="Conv2D(32) → MaxPooling2D → Conv2D(64) → MaxPooling2D → Conv2D(64) → Flatten → "
        "Dense(64, relu, L2 0.01) → Dropout(0.5) → Dense(10, softmax); 93,322 parameters",
    ),
    Exercise(
        id="lab06.ex2",
        title="Train it with early stopping and a checkpoint",
        points=3,
        names=("model_cnn", "history_cnn", "callbacks_cnn"),
        probe=probe_ex2,
        judge=judge_ex2,
        params=("EPOCHS", "BATCH_SIZE", "PATIENCE", "TRAIN_LIMIT", "VALIDATION_SIZE", "SEED_CNN"),
        summary="RMSprop and categorical cross-entropy; EarlyStopping(val_loss, patience 1) and "
        "ModelCheckpoint(save_best_only) while fitting up to 40 epochs",
    ),
)


# --------------------------------------------------------------------------- questions

QUESTIONS = (
    Numeric(
        "lab06.q1",
        "A valid 1-D convolution (no padding, stride 1) slides a kernel of 5 weights "
        "over a series of 100 values. How many outputs does it produce?",
        "Without padding the kernel must fit inside the series: its first weight can sit at "
        "positions 0 to n − k, so there are n − k + 1 = 100 − 5 + 1 outputs.",
    ),
    Numeric(
        "lab06.q2",
        "A convolution with 3 × 3 kernels, stride 2 and padding 1 runs over a 32 × 32 "
        "image. How many rows has each output map?",
        "Each axis gives ⌊(n + 2p − k)/s⌋ + 1 outputs: ⌊(32 + 2 − 3)/2⌋ + 1 = ⌊31/2⌋ + 1.",
    ),
    Numeric(
        "lab06.q3",
        "How many parameters (weights and biases) has Conv2D(16, (5, 5)) on images with 3 channels?",
        "Each of the 16 filters has 5 · 5 · 3 weights, one per kernel position and input "
        "channel, plus one bias: 5·5·3·16 + 16, whatever the image size.",
    ),
    Choice(
        "lab06.q4",
        "What does Keras's Conv1D compute, compared with the textbook convolution "
        "(the one np.convolve computes)?",
        (
            "Exactly the same thing",
            "Cross-correlation: the same sliding sums, but with the kernel not flipped",
            "The textbook convolution followed by a ReLU",
            "A Fourier transform of the input",
        ),
        "The textbook convolution flips the kernel before sliding it; Keras's layers do not. For a "
        "symmetric kernel the two agree; for [−1, 1, 0] they differ in sign and position. A "
        "learned kernel can absorb the flip, so networks do not care.",
    ),
    Choice(
        "lab06.q5",
        "Why does padding='same' make the network's Dense(64) layer larger, while its "
        "Conv2D layers keep their parameter counts?",
        (
            "Padding adds weights to every kernel for the border pixels",
            "Keras doubles the number of filters when padding='same'",
            "The last map stays 7 × 7 × 64 instead of 3 × 3 × 64, so Flatten passes 3,136 numbers "
            "instead of 576; a dense layer has a weight per input and unit, a kernel's size does not "
            "depend on the image",
            "Pooling is switched off when padding='same'",
        ),
        "A convolution's parameters are k·k·C_in·C_out + C_out, independent of the image size. "
        "The dense layer after Flatten has (inputs)·64 + 64 weights, and 'same' padding keeps the "
        "maps larger, so it receives 7·7·64 = 3,136 inputs instead of 3·3·64 = 576.",
    ),
    Choice(
        "lab06.q6",
        "In the detection experiment, what happened to the ReLU detections when the "
        "square wave moved 3 positions to the right?",
        (
            "They moved 3 positions to the right, otherwise unchanged",
            "They disappeared",
            "They changed sign",
            "They stayed where they were",
        ),
        "Every position uses the same kernel, so shifting the input shifts the responses by the "
        "same amount (away from the ends): convolution is equivariant to translation.",
    ),
    Choice(
        "lab06.q7",
        "You train with EarlyStopping(monitor='val_loss', patience=1) and "
        "ModelCheckpoint(path, monitor='val_loss', save_best_only=True). When training "
        "stops, which weights does the file at path hold?",
        (
            "Those of the last epoch",
            "Those of the epoch with the lowest training loss",
            "The initial weights",
            "Those of the epoch with the lowest validation loss",
        ),
        "The checkpoint is written only when the validation loss improves, so it holds the best "
        "epoch's model. The model in memory holds the last epoch's weights, which with patience 1 "
        "are one epoch past the best.",
    ),
    ResultNumeric(
        "lab06.q8",
        "What test accuracy did your CNN's best checkpoint reach in your run? "
        "(a fraction, e.g. 0.99, to 3 decimals)",
        "cnn.test_accuracy",
        0.0015,
        "The number is in your run's metrics as cnn.test_accuracy: the fraction of the 10,000 "
        "test digits the checkpointed network classified correctly.",
    ),
    ResultNumeric(
        "lab06.q9",
        "How many epochs did your CNN train before early stopping ended it?",
        "cnn.epochs_run",
        0,
        "The length of history_cnn.history['loss']: the best epoch plus the patience (1), "
        "unless training reached EPOCHS first.",
    ),
    ResultChoice(
        "lab06.q10",
        "In your run, which of your two CNNs reached the higher test accuracy?",
        (
            ("padding='valid' (93,322 parameters)", "cnn.test_accuracy"),
            ("padding='same'", "cnn_same.test_accuracy"),
        ),
        "max",
        "Both networks have the same convolutions; 'same' padding keeps larger maps and a "
        "larger dense layer. On MNIST's centred digits the two are close, and which wins "
        "depends on the seeds.",
    ),
)
