"""Lab 2 — Getting started with Keras: two exercises and nine evaluation questions.

Exercise 1 builds a 784 → 256 → 128 → 10 network and counts its parameters; Exercise 2
retrains Model A's architecture with plain SGD(0.01). The checks test behaviour: layer
shapes, outputs on random inputs the check draws, the loss on made-up predictions,
optimizer settings, and what training left in the model and its History.
"""

import math
from functools import cache

import numpy as np

from dlex.grading.exercises import keras_evidence, kit
from dlex.grading.exercises.declarations import Evidence, Exercise, Outcome, ProbeError
from dlex.grading.exercises.rebuild import RebuildError, predict, rebuild
from dlex.grading.questions.kinds import Choice, Numeric, ResultChoice, ResultNumeric

N_INPUTS = 32
EX1_UNITS = (256, 128, 10)
EX2_UNITS = (512, 10)


# --------------------------------------------------------------------------- shared


def challenge_inputs(challenge, label: str) -> np.ndarray:
    """Random inputs in [0, 1], like flattened, scaled MNIST digits."""
    return challenge.rng(label).uniform(0.0, 1.0, size=(N_INPUTS, 784)).astype("float32")


def probe_model(namespace, challenge, name: str, label: str) -> Evidence:
    model = namespace[name]
    evidence = keras_evidence.model_evidence(model, challenge_inputs(challenge, label), f"`{name}`")
    try:
        evidence.values["loss_on_challenge"] = keras_evidence.loss_value(
            model, *kit.one_hot_loss_pair(challenge, label + ".loss")
        )
    except ProbeError as exc:
        evidence.values["loss_error"] = str(exc)
    except Exception as exc:  # noqa: BLE001 - the learner's loss may fail in any way
        evidence.values["loss_error"] = f"calling it raised {type(exc).__name__}: {str(exc)[:200]}"
    return evidence


def _units(dense) -> list[int]:
    return [int(kernel.shape[1]) for kernel, _ in dense]


def _chainable(dense, n_inputs: int = 784) -> bool:
    width = n_inputs
    for kernel, _ in dense:
        if kernel.ndim != 2 or kernel.shape[0] != width:
            return False
        width = kernel.shape[1]
    return bool(dense)


def check_inputs(values, dense, name) -> Outcome:
    shape = values.get("input_shape")
    takes = (shape is not None and len(shape) == 2 and shape[-1] == 784) or (
        shape is None and bool(dense) and dense[0][0].shape[0] == 784
    )
    return Outcome(
        f"`{name}` takes inputs of 784 numbers (a flattened 28 × 28 digit)",
        takes,
        "" if takes else f"its input shape is {shape}",
        "" if takes else "start the model with keras.Input(shape=(784,))",
    )


def check_layers(values, dense, name, expected: tuple[int, ...], describe: str) -> Outcome:
    units = _units(dense)
    others = [
        layer["class"]
        for layer in values.get("layers") or []
        if layer.get("n_weights") and layer.get("class") != "Dense"
    ]
    biases = all(bias is not None for _, bias in dense)
    ok = tuple(units) == expected and biases and not others
    what = f"`{name}` has {describe}"
    if ok:
        return Outcome(what, True)
    if others:
        return Outcome(
            what,
            False,
            f"it has layers with weights other than Dense: {', '.join(others)}",
            "use only keras.layers.Dense layers (activations may be separate layers)",
        )
    if not biases:
        return Outcome(
            what,
            False,
            "some Dense layers have no bias (use_bias=False)",
            "leave use_bias at its default, True",
        )
    found = ", ".join(str(u) for u in units) or "none"
    hint = "count the Dense layers and their units against the specification in the exercise text"
    if len(units) == len(expected):
        wrong = [f"layer {i + 1} has {u} units" for i, (u, e) in enumerate(zip(units, expected)) if u != e]
        hint = f"{'; '.join(wrong)} — compare each with the specification"
    elif tuple(units) == EX2_UNITS and expected == EX1_UNITS:
        hint = "these are Model A's layers; Exercise 1 asks for two hidden layers"
    return Outcome(what, False, f"its Dense layers have {found} units", hint)


def check_behaviour(values, arrays, dense, challenge, label, name, activations: list[str]) -> Outcome:
    """The rebuilt model computes activation(x·W + b) layer by layer on the check's inputs."""
    steps = " → ".join(activations)
    what = f"`{name}` computes {steps} on {N_INPUTS} inputs chosen by the check"
    x = challenge_inputs(challenge, label)
    outputs, failed = kit.rebuilt_outputs(
        values,
        arrays,
        x,
        name,
        what,
        "build the model from keras.layers.Dense and built-in activations such as activation='relu'",
        "use a plain keras.Sequential or functional model",
    )
    if failed:
        return failed
    if not _chainable(dense):
        return Outcome(
            what,
            False,
            "its Dense layers do not connect 784 inputs to the outputs",
            "fix the layer sizes first",
        )
    expected = [activations[0]] * (len(dense) - 1) + [activations[-1]]
    if kit.close(outputs, kit.forward(x, dense, expected), 1e-4):
        return Outcome(what, True)
    found = kit.diagnose_activations(x, dense, outputs, expected)
    return Outcome(
        what,
        False,
        f"on the check's inputs its outputs differ: {found}",
        "hidden layers take activation='relu'; the output layer activation='softmax'",
    )


def check_loss(values, challenge, label, name) -> Outcome:
    what = f"`{name}` is compiled with the categorical cross-entropy loss"
    if values.get("loss_error"):
        return Outcome(what, False, f"its loss cannot be used: {values['loss_error']}")
    value = values.get("loss_on_challenge")
    if value is None:
        return Outcome(
            what,
            False,
            f"`{name}` is not compiled with a loss",
            f"call {name}.compile(optimizer=..., loss=..., metrics=['accuracy'])",
        )
    y_true, y_pred = kit.one_hot_loss_pair(challenge, label + ".loss")
    expected = kit.categorical_crossentropy(y_true.astype("float64"), y_pred.astype("float64"))
    if math.isclose(value, expected, rel_tol=1e-3, abs_tol=1e-4):
        return Outcome(what, True)
    p = np.clip(y_pred.astype("float64"), 1e-7, 1 - 1e-7)
    binary = float(np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))))
    mse = float(np.mean((y_true - y_pred) ** 2))
    hint = "use loss='categorical_crossentropy' (or keras.losses.CategoricalCrossentropy())"
    if math.isclose(value, binary, rel_tol=1e-3):
        hint = "that is binary cross-entropy, for yes/no outputs; " + hint
    elif math.isclose(value, mse, rel_tol=1e-3):
        hint = "that is the mean squared error; " + hint
    return Outcome(
        what,
        False,
        "on made-up predictions its loss gives another number than −log(probability of the true class)",
        hint,
    )


# --------------------------------------------------------------------------- exercise 1


def probe_ex1(namespace, challenge) -> Evidence:
    evidence = probe_model(namespace, challenge, "model_ex1", "ex1")
    count = namespace["ex1_param_count"]
    if hasattr(count, "item") and getattr(count, "ndim", None) == 0:
        count = count.item()
    plain = count if isinstance(count, (int, float)) and not isinstance(count, bool) else repr(count)[:100]
    evidence.values["param_count"] = plain
    evidence.values["param_count_type"] = type(namespace["ex1_param_count"]).__name__
    return evidence


def _spec_param_count() -> int:
    widths = (784,) + EX1_UNITS
    return sum(m * n + n for m, n in zip(widths, widths[1:]))


def check_param_count(values, dense) -> Outcome:
    what = "`ex1_param_count` is the number of parameters of the specified network"
    count = values.get("param_count")
    kind = values.get("param_count_type")
    if (
        isinstance(count, bool)
        or not isinstance(count, (int, float))
        or (isinstance(count, float) and not count.is_integer())
    ):
        return Outcome(
            what,
            False,
            f"`ex1_param_count` is {str(count)[:60]!r} (a {kind}), not a whole number",
            "set it to the result of an arithmetic expression",
        )
    count = int(count)
    right = _spec_param_count()
    if count == right:
        return Outcome(what, True)
    widths = (784,) + EX1_UNITS
    biases = sum(EX1_UNITS)
    if count == right - biases:
        hint = (
            f"your count is short by {biases}, the number of units: each unit also has one "
            "bias, so a layer has m·n + n parameters"
        )
    elif count == 784 * 512 + 512 + 512 * 10 + 10:
        hint = "that is Model A's count; add up m·n + n over Exercise 1's three Dense layers"
    elif dense and count == int(values.get("n_params") or -1):
        hint = (
            "that is the count of your `model_ex1`, but its layers differ from the "
            "specification; count the specified network's layers"
        )
    elif count == sum(m * n for m, n in zip(widths, widths[1:])) + EX1_UNITS[-1]:
        hint = "some layers' biases are missing from your sum: add n for every layer"
    else:
        hint = "add m·n + n over the three Dense layers (m inputs, n units each)"
    return Outcome(
        what,
        False,
        f"{count:,} is not the number of parameters of the network the exercise specifies",
        hint,
        weight=1.0,
    )


def judge_ex1(evidence, challenge, context) -> list[Outcome]:
    values, arrays = evidence.values, evidence.arrays
    dense = kit.dense_layers(values, arrays)
    optimizer, _ = kit.optimizer_summary(values)
    compiled_ok = optimizer == "RMSprop"
    if optimizer is None:
        message, hint = "`model_ex1` is not compiled", "call model_ex1.compile(optimizer='rmsprop', ...)"
    else:
        message, hint = (
            f"its optimizer is {optimizer}",
            "compile with optimizer='rmsprop' (or keras.optimizers.RMSprop())",
        )
    return [
        check_inputs(values, dense, "model_ex1"),
        check_layers(
            values,
            dense,
            "model_ex1",
            EX1_UNITS,
            "three Dense layers of 256, 128 and 10 units, in that order",
        ),
        check_behaviour(values, arrays, dense, challenge, "ex1", "model_ex1", ["relu", "relu", "softmax"]),
        Outcome(
            "`model_ex1` is compiled with the RMSprop optimizer",
            compiled_ok,
            "" if compiled_ok else message,
            "" if compiled_ok else hint,
        ),
        check_loss(values, challenge, "ex1", "model_ex1"),
        check_param_count(values, dense),
    ]


# --------------------------------------------------------------------------- exercise 2


def probe_ex2(namespace, challenge) -> Evidence:
    model = namespace["model_ex2"]
    evidence = probe_model(namespace, challenge, "model_ex2", "ex2")
    try:
        evidence.values["history"] = keras_evidence.history_evidence(namespace["history_ex2"], model)
    except ProbeError as exc:
        evidence.values["history_error"] = f"`history_ex2`: {exc}"
    return evidence


@cache
def _training_images(train_limit: int):
    from dlex.data import load_mnist_or_standin

    ((x_train, y_train), _), _ = load_mnist_or_standin()
    if train_limit:
        x_train, y_train = x_train[:train_limit], y_train[:train_limit]
    return x_train, y_train


def training_sample(params: dict, challenge, size: int = 512):
    """``(x, y_one_hot, n_train)``: digits the run trained on, chosen by the challenge."""
    limit = params.get("TRAIN_LIMIT") or 0
    x_train, y_train = _training_images(int(limit) if isinstance(limit, (int, float)) else 0)
    pick = challenge.rng("ex2.sample").choice(len(x_train), size=min(size, len(x_train)), replace=False)
    x = x_train[pick].reshape(len(pick), -1).astype("float32") / 255.0
    y = np.eye(10)[y_train[pick].astype(int)]
    return x, y, len(x_train)


def check_optimizer_sgd(values) -> Outcome:
    what = "`model_ex2` is compiled with plain SGD, learning rate 0.01"
    name, config = kit.optimizer_summary(values)
    if name is None:
        return Outcome(
            what,
            False,
            "`model_ex2` is not compiled",
            "call model_ex2.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), ...)",
        )
    if name != "SGD":
        hint = "pass optimizer=keras.optimizers.SGD(learning_rate=0.01)"
        if name == "RMSprop":
            hint = "RMSprop is Model A's optimizer; this exercise swaps it for SGD: " + hint
        return Outcome(what, False, f"its optimizer is {name}", hint)
    rate = config.get("learning_rate")
    if not isinstance(rate, (int, float)) or isinstance(rate, bool):
        return Outcome(
            what,
            False,
            "its learning rate is not a constant number",
            "pass learning_rate=0.01, not a schedule",
        )
    if not math.isclose(rate, 0.01, rel_tol=1e-5):
        return Outcome(what, False, f"its learning rate is {rate:g}", "set learning_rate=0.01")
    if (config.get("momentum") or 0.0) != 0.0 or config.get("nesterov"):
        return Outcome(what, False, "it uses momentum", "plain SGD has momentum 0 (the default)")
    return Outcome(what, True)


def check_history(values, params, n_train) -> Outcome:
    epochs, batch = kit.integer_param(params, "EPOCHS_EX2", 5), kit.integer_param(params, "BATCH_SIZE", 128)
    what = (
        f"`history_ex2` is what `model_ex2.fit` returned: {epochs} epoch(s) (EPOCHS_EX2) in "
        f"batches of {batch} over the whole training set"
    )
    if values.get("history_error"):
        return Outcome(what, False, values["history_error"])
    history = values.get("history") or {}
    if not history.get("same_model"):
        return Outcome(
            what,
            False,
            "`history_ex2` comes from training another model than the `model_ex2` you have now",
            "build and compile model_ex2 once, then history_ex2 = model_ex2.fit(...); "
            "re-running the cell that builds the model replaces the trained one",
        )
    losses = (history.get("curves") or {}).get("loss") or []
    if len(losses) != epochs:
        return Outcome(
            what,
            False,
            f"it holds {len(losses)} epoch(s)",
            f"pass epochs=EPOCHS_EX2 to fit (this run used EPOCHS_EX2 = {epochs})",
        )
    steps = (history.get("params") or {}).get("steps")
    want = math.ceil(n_train / batch) if n_train else None
    if want is not None and steps != want:
        return Outcome(
            what,
            False,
            f"each epoch had {steps} batches; all {n_train:,} training "
            f"images in batches of {batch} make {want}",
            "train on x_train_flat and y_train_hot (not x_fit) with batch_size=BATCH_SIZE",
        )
    if not all(isinstance(v, float) and math.isfinite(v) for v in losses):
        return Outcome(
            what, False, "its training loss is not a finite number", "check the inputs are scaled to [0, 1]"
        )
    return Outcome(what, True)


def check_trained(values, arrays, challenge, params, n_train) -> Outcome:
    epochs, batch = kit.integer_param(params, "EPOCHS_EX2", 5), kit.integer_param(params, "BATCH_SIZE", 128)
    what = "`model_ex2` holds the trained weights (its optimizer has made the training steps)"
    iterations = values.get("iterations")
    want = epochs * math.ceil(n_train / batch) if n_train else 1
    if not iterations:
        return Outcome(
            what,
            False,
            "`model_ex2`'s optimizer has made no update: it has never been trained",
            "call model_ex2.fit(...) on this model, and do not rebuild it afterwards",
        )
    if iterations < want:
        return Outcome(
            what,
            False,
            f"its optimizer made {iterations} updates; {epochs} epoch(s) "
            f"of {math.ceil(n_train / batch)} batches make {want}",
            "train for EPOCHS_EX2 epochs on the whole training set",
        )
    history = values.get("history") or {}
    losses = (history.get("curves") or {}).get("loss") or []
    try:
        rebuilt = rebuild(values, arrays)
    except RebuildError:
        return Outcome(what, True, "(the weights could not be rebuilt to measure their loss)")
    x, y, _ = training_sample(params, challenge)
    loss = kit.categorical_crossentropy(y, predict(rebuilt, x))
    if losses and loss > losses[-1] + 0.15:
        return Outcome(
            what,
            False,
            f"on {len(x)} training digits chosen by the check its loss is "
            f"{loss:.3f}, far above the {losses[-1]:.3f} of its last training epoch",
            "the weights are not the ones the training produced; re-run fit",
        )
    return Outcome(what, True)


def judge_ex2(evidence, challenge, context) -> list[Outcome]:
    values, arrays = evidence.values, evidence.arrays
    params = context.get("params") or {}
    dense = kit.dense_layers(values, arrays)
    try:
        _, _, n_train = training_sample(params, challenge, size=1)
    except Exception:  # noqa: BLE001 - without the data the batch count cannot be checked
        n_train = None
    return [
        check_layers(
            values, dense, "model_ex2", EX2_UNITS, "Model A's layers: Dense 512 then Dense 10, on 784 inputs"
        ),
        check_behaviour(values, arrays, dense, challenge, "ex2", "model_ex2", ["relu", "softmax"]),
        check_optimizer_sgd(values),
        check_loss(values, challenge, "ex2", "model_ex2"),
        check_history(values, params, n_train),
        check_trained(values, arrays, challenge, params, n_train),
    ]


def warm_up() -> None:
    """Called by the grader in the background: load the data the judges use."""
    _training_images(0)


EXERCISES = (
    Exercise(
        id="lab02.ex1",
        title="Build a network to a specification",
        points=2,
        names=("model_ex1", "ex1_param_count"),
        probe=probe_ex1,
        judge=judge_ex1,
        summary="784 → Dense(256, relu) → Dense(128, relu) → Dense(10, softmax), "
        "RMSprop and categorical cross-entropy; its parameter count by m·n + n",
    ),
    Exercise(
        id="lab02.ex2",
        title="Another optimizer",
        points=2,
        names=("model_ex2", "history_ex2"),
        probe=probe_ex2,
        judge=judge_ex2,
        params=("EPOCHS_EX2", "BATCH_SIZE", "TRAIN_LIMIT", "SEED_EX2"),
        summary="Model A's architecture trained with SGD(learning_rate=0.01)",
    ),
)


# --------------------------------------------------------------------------- questions

QUESTIONS = (
    Choice(
        "lab02.q1",
        "Why does the lab divide every pixel value by 255 before training?",
        (
            "To make the images smaller on disk",
            "So every input lies in [0, 1]: networks train best on small inputs of similar size",
            "Because Dense layers only accept integers",
            "To turn each picture into a one-hot vector",
        ),
        "Pixels range from 0 to 255; dividing by 255 puts every input in [0, 1]. Gradient "
        "steps behave well when inputs are small and on one scale; the values' meaning "
        "(ink or paper) is unchanged.",
    ),
    Numeric(
        "lab02.q2",
        "How many parameters (weights and biases) does a Dense layer with 64 "
        "units have when its input is a vector of 100 numbers?",
        "A Dense layer with m inputs and n units has an m × n weight matrix and n biases: "
        "m·n + n parameters. Here 100·64 + 64.",
    ),
    Choice(
        "lab02.q3",
        "What does the softmax output layer of the lab's models produce for one input image?",
        (
            "The index of the predicted digit",
            "Ten scores that can be any real numbers",
            "Ten positive numbers that sum to 1, one probability per digit",
            "One number between 0 and 1",
        ),
        "Softmax exponentiates the 10 scores and divides by their sum, giving 10 positive "
        "numbers that add up to 1; the predicted digit is the one with the largest.",
    ),
    Choice(
        "lab02.q4",
        "Why does the lab choose the number of epochs with a validation set instead of the test set?",
        (
            "The test set is too small to measure anything",
            "Validation data trains the network faster",
            "Decisions based on the test set tune the model to it, and then it no longer "
            "measures performance on truly new data",
            "Keras cannot evaluate a model on the test set during training",
        ),
        "Every choice made by looking at a data set fits the model to that set a little. "
        "The test set is kept for one final, honest measurement.",
    ),
    ResultNumeric(
        "lab02.q5",
        "What test accuracy did Model A reach in your run? (a fraction, e.g. 0.95, to 3 decimals)",
        "model_a.test_accuracy",
        0.0015,
        "The number is in your run's metrics as model_a.test_accuracy: the fraction of "
        "the 10,000 test digits Model A classified correctly.",
    ),
    ResultNumeric(
        "lab02.q6",
        "At which epoch was Model B's validation loss lowest in your run?",
        "model_b.best_epoch",
        0,
        "The lowest point of the validation-loss curve (the dotted line in the plot); "
        "after it, extra epochs fit the training images' peculiarities.",
    ),
    ResultChoice(
        "lab02.q7",
        "At the last epoch of your run, which model had the larger gap "
        "between validation loss and training loss?",
        (
            ("Model B (one hidden layer)", "model_b.final_loss_gap"),
            ("Model C (two hidden layers)", "model_c.final_loss_gap"),
        ),
        "max",
        "The gap, validation loss minus training loss, grows as a network memorises its "
        "training images; the larger the capacity and the longer the training, the "
        "larger it tends to be.",
    ),
    ResultChoice(
        "lab02.q8",
        "In your run, which model's first layer had the smaller largest absolute weight?",
        (
            ("Model C (no penalty)", "model_c.max_abs_weight"),
            ("Model D (L2 penalty)", "model_d.max_abs_weight"),
        ),
        "min",
        "The L2 penalty adds λ Σ w² to the loss, so the optimizer keeps weights small: "
        "that is what L2 changes reliably, whatever happens to the accuracy.",
    ),
    ResultNumeric(
        "lab02.q9",
        "How many of the test digits did Model D misclassify in your run?",
        "model_d.test_errors",
        0,
        "The count of test images whose predicted digit (argmax of the 10 "
        "probabilities) differs from the label; the confusion matrix spreads them out.",
    ),
    Choice(
        "lab02.q10",
        "What does keras.regularizers.L2(0.001) on a Dense layer add to the loss?",
        (
            "0.001 times the sum of the squared weights of the layer's kernel",
            "0.001 times the sum of the absolute weights",
            "Random noise of size 0.001 to every weight",
            "It multiplies the learning rate by 0.001",
        ),
        "L2(λ) adds λ Σ w² over the layer's kernel (not its biases) to the loss, so large "
        "weights cost more and the optimizer trades fit against weight size.",
    ),
)
