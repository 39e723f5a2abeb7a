"""Lab 5 — Optimization: four exercises and ten evaluation questions.

Exercises 1–3 hand in optimizer paths (arrays of positions, one row per step) on the
lab's mean-estimation problem. The judge regenerates the data from the lab's seed and
checks every step against the update rule it names: gradient descent step by step,
SGD by recovering the one data point each step used, Adam by re-running it. Exercise 4
is a Keras MNIST model, checked on its layers, behaviour, optimizer and training.
"""

import json
import math
from functools import cache

import numpy as np

from dlex.grading.exercises import keras_evidence, kit
from dlex.grading.exercises.declarations import Evidence, Exercise, Outcome, ProbeError
from dlex.grading.exercises.rebuild import RebuildError, predict, rebuild
from dlex.grading.questions.kinds import Choice, Numeric, ResultChoice, ResultNumeric

START = (-1.5, 0.5)  # the lab's START
SIGMA = ((1.0, 0.99), (0.99, 1.0))  # the lab's SIGMA
MAX_PATH_ROWS = 100_001
ADAM_COMPARED_STEPS = 400  # Adam with β₂ = 0.99 turns chaotic later on
N_INPUTS = 32
EX4_UNITS = (512, 512, 10)


# --------------------------------------------------------------------------- shared


@cache
def _data(n: int, seed: int) -> np.ndarray:
    from dlex.data.synthetic import correlated_gaussian

    return correlated_gaussian(n=n, seed=seed)


def lab_data(params: dict) -> np.ndarray:
    """The lab's 2-D points, from the run's SEED_DATA and N_SAMPLES."""
    return _data(
        int(kit.number_param(params, "N_SAMPLES", 1000)), int(kit.number_param(params, "SEED_DATA", 9911))
    )


def a_matrix(kind: str) -> np.ndarray:
    return np.eye(2) if kind == "euclidean" else np.linalg.inv(np.array(SIGMA))


def gradient(mu: np.ndarray, batch: np.ndarray, A: np.ndarray) -> np.ndarray:
    """The lab's gradient of L_A, computed with the same arithmetic as its loss_and_grad."""
    return -2.0 * A @ (batch - mu).mean(axis=0)


def probe_paths(namespace, names) -> Evidence:
    """Each named object as a float64 array of positions; shape problems are noted, not raised."""
    evidence = Evidence()
    for name in names:
        value = namespace[name]
        try:
            array = np.asarray(value, dtype="float64")
        except (TypeError, ValueError):
            evidence.values[f"{name}.problem"] = (
                f"`{name}` is a {type(value).__name__}, not an array of positions"
            )
            continue
        if array.ndim != 2 or array.shape[1] != 2 or not 1 <= len(array) <= MAX_PATH_ROWS:
            evidence.values[f"{name}.problem"] = (
                f"`{name}` has shape {array.shape}; a path has shape (steps + 1, 2), one row per position"
            )
            continue
        evidence.arrays[name] = array
    return evidence


def check_path(evidence, name: str, rows: int | None = None) -> tuple[Outcome, np.ndarray | None]:
    """``name`` is a finite path that starts at START (with ``rows`` rows, if given)."""
    length = f" with {rows:,} rows ({rows - 1:,} steps)" if rows else ""
    what = f"`{name}` is a path of positions{length} starting at START = {START}"
    problem = evidence.values.get(f"{name}.problem")
    if problem:
        return Outcome(what, False, problem, "assign the path that run() returns"), None
    path = evidence.arrays.get(name)
    if path is None:
        return Outcome(what, False, f"`{name}` did not reach the check"), None
    if not np.all(np.isfinite(path)):
        return Outcome(
            what,
            False,
            f"`{name}` holds infinite or NaN positions: the run diverged",
            "check the learning rate the exercise asks for",
        ), None
    if not np.allclose(path[0], START, rtol=0, atol=1e-12):
        return Outcome(
            what,
            False,
            f"it starts at {np.round(path[0], 4).tolist()}",
            "start from START (run() does by default)",
        ), None
    if rows and len(path) != rows:
        return Outcome(
            what, False, f"it has {len(path):,} rows ({len(path) - 1:,} steps)", f"make {rows - 1:,} steps"
        ), path
    return Outcome(what, True), path


# --------------------------------------------------------------------------- exercise 1

EX1_PATHS = (("path_ex1_fast", 0.9), ("path_ex1_slow", 0.01))


def probe_ex1(namespace, challenge) -> Evidence:
    return probe_paths(namespace, [name for name, _ in EX1_PATHS])


def _gd_matches(path, rate, x_bar, A) -> bool:
    if len(path) < 2:
        return True
    expected = path[:-1] + rate * 2.0 * (x_bar - path[:-1]) @ A.T
    return bool(np.max(np.abs(path[1:] - expected)) <= 1e-9 * (1.0 + np.max(np.abs(path))))


def check_gd_steps(path, name, rate, X) -> Outcome:
    what = f"every step of `{name}` is a gradient-descent step on L_E with η = {rate}"
    x_bar = X.mean(axis=0)
    if _gd_matches(path, rate, x_bar, a_matrix("euclidean")):
        return Outcome(what, True)
    if len(path) >= 2:
        error = path[0] - x_bar
        used = -float((path[1] - path[0]) @ error) / (2.0 * float(error @ error))
        message = f"its first step is the step of η = {used:.3g}"
    else:
        message = "its steps do not follow μ ← μ − η·g"
    other = {0.9: 0.01, 0.01: 0.9}[rate]
    if _gd_matches(path, other, x_bar, a_matrix("euclidean")):
        hint = f"this is the path of η = {other}: the two paths are swapped"
    elif any(_gd_matches(path, r, x_bar, a_matrix("mahalanobis")) for r in (rate, other)):
        hint = "these are steps on the Mahalanobis loss: pass A_E to run()"
    else:
        hint = f"use run(optim.GradientDescent(learning_rate={rate}, record=True), A_E, ...)"
    return Outcome(what, False, message, hint)


def check_stop_rule(path, name, X, tol, max_steps) -> Outcome:
    what = f"`{name}` stops at the first position with gradient norm < {tol:g}, or after {max_steps:,} steps"
    steps = len(path) - 1
    A = a_matrix("euclidean")
    norms = np.array([np.linalg.norm(gradient(mu, X, A)) for mu in path])
    if steps > max_steps:
        return Outcome(
            what,
            False,
            f"it makes {steps:,} steps, more than EX1_MAX_STEPS = {max_steps:,}",
            "pass EX1_MAX_STEPS as max_steps",
        )
    early = np.flatnonzero(norms[:-1] < tol)
    if len(early):
        return Outcome(
            what,
            False,
            f"the gradient norm is below {tol:g} at step {early[0]}, yet the path goes on to step {steps}",
            "pass grad_tol=GRAD_TOL to run()",
        )
    if norms[-1] >= tol and steps < max_steps:
        return Outcome(
            what,
            False,
            f"it stops after {steps} steps with gradient norm {norms[-1]:.3g}, not yet below {tol:g}",
            "pass max_steps=EX1_MAX_STEPS",
        )
    return Outcome(what, True)


def judge_ex1(evidence, challenge, context) -> list[Outcome]:
    params = context.get("params") or {}
    X = lab_data(params)
    tol = float(kit.number_param(params, "GRAD_TOL", 0.01))
    max_steps = int(kit.number_param(params, "EX1_MAX_STEPS", 1000))
    outcomes = []
    for name, rate in EX1_PATHS:
        shape, path = check_path(evidence, name)
        outcomes.append(shape)
        if path is None or not shape.passed:
            outcomes += [
                Outcome(
                    f"every step of `{name}` is a gradient-descent step with η = {rate}",
                    False,
                    "there is no usable path to check",
                ),
                Outcome(f"`{name}` follows the stopping rule", False, "there is no usable path to check"),
            ]
            continue
        outcomes.append(check_gd_steps(path, name, rate, X))
        outcomes.append(check_stop_rule(path, name, X, tol, max_steps))
    return outcomes


# --------------------------------------------------------------------------- exercise 2


def probe_ex2(namespace, challenge) -> Evidence:
    return probe_paths(namespace, ["path_ex2"])


def _points_used(path, rate, X, A):
    """The data point each step's gradient came from, if it came from one: (indices, gaps)."""
    steps = path[1:] - path[:-1]
    implied = path[:-1] + (steps @ np.linalg.inv(A).T) / (2.0 * rate)
    squared = np.sum(implied**2, axis=1)[:, None] - 2.0 * implied @ X.T + np.sum(X**2, axis=1)[None, :]
    nearest = np.argmin(squared, axis=1)
    gaps = np.linalg.norm(implied - X[nearest], axis=1)
    return nearest, gaps


def _lab_order(seed, n, steps, batch_size=1):
    """Indices of the points run() visits with batch size 1: a fresh permutation per pass."""
    rng = np.random.default_rng(seed)
    order = []
    while len(order) < steps * batch_size:
        order.extend(rng.permutation(n).tolist())
    return np.array(order[:steps])


def judge_ex2(evidence, challenge, context) -> list[Outcome]:
    params = context.get("params") or {}
    X = lab_data(params)
    rate = float(kit.number_param(params, "LR_SGD", 0.005))
    steps = int(kit.number_param(params, "STEPS", 1000))
    seed = kit.number_param(params, "SEED_EX2", 2718)
    shape, path = check_path(evidence, "path_ex2", rows=steps + 1)
    single = f"every step of `path_ex2` uses the gradient of L_M on one data point, with η = {rate}"
    seeded = "`path_ex2` visits the points in the order run() draws with seed SEED_EX2"
    if path is None or len(path) < 2:
        return [
            shape,
            Outcome(single, False, "there is no usable path to check"),
            Outcome(seeded, False, "there is no usable path to check", weight=0.5),
        ]
    nearest, gaps = _points_used(path, rate, X, a_matrix("mahalanobis"))
    off = np.flatnonzero(gaps > 1e-7)
    if len(off):
        return [
            shape,
            Outcome(
                single,
                False,
                f"{len(off):,} of {len(gaps):,} steps match no single data "
                f"point (the first is step {off[0] + 1})",
                "pass batch_size=1 to run(), with learning rate LR_SGD on A_M",
            ),
            Outcome(seeded, False, "the steps do not come from single points", weight=0.5),
        ]
    single_outcome = Outcome(single, True)
    expected = _lab_order(int(seed), len(X), len(nearest))
    if np.array_equal(nearest, expected):
        return [shape, single_outcome, Outcome(seeded, True, weight=0.5)]
    return [
        shape,
        single_outcome,
        Outcome(
            seeded,
            False,
            "the points come in another order than seed SEED_EX2 gives",
            "pass seed=SEED_EX2 to run()",
            weight=0.5,
        ),
    ]


# --------------------------------------------------------------------------- exercise 3


def probe_ex3(namespace, challenge) -> Evidence:
    return probe_paths(namespace, ["path_ex3"])


def adam_path(X, rate, beta_1, beta_2, steps) -> np.ndarray:
    from dlex.scratch.optim import Adam

    A = a_matrix("mahalanobis")
    optimizer = Adam(learning_rate=rate, beta_1=beta_1, beta_2=beta_2, record=True)
    mu = np.array(START, dtype="float64")
    for _ in range(steps):
        optimizer.step([mu], [gradient(mu, X, A)])
    return optimizer.path()


def judge_ex3(evidence, challenge, context) -> list[Outcome]:
    params = context.get("params") or {}
    X = lab_data(params)
    rate = float(kit.number_param(params, "LR_ADAM", 0.1))
    steps = int(kit.number_param(params, "STEPS", 1000))
    shape, path = check_path(evidence, "path_ex3", rows=steps + 1)
    what = f"`path_ex3` follows Adam with η = {rate}, β₁ = 0.9, β₂ = 0.99 on L_M, all points per step"
    if path is None or len(path) < 2:
        return [shape, Outcome(what, False, "there is no usable path to check")]

    def follows(beta_1, beta_2, steps):
        """The first ``steps`` steps of path_ex3 are Adam's with these β's."""
        expected = adam_path(X, rate, beta_1, beta_2, steps)
        return bool(np.max(np.abs(expected - path[: steps + 1])) <= 1e-8)

    if follows(0.9, 0.99, min(len(path) - 1, ADAM_COMPARED_STEPS)):
        return [shape, Outcome(what, True)]
    short = min(len(path) - 1, 50)
    if follows(0.9, 0.999, short):
        return [
            shape,
            Outcome(
                what,
                False,
                "these are the steps of Adam with the default β₂ = 0.999",
                "pass beta_2=0.99 to optim.Adam",
            ),
        ]
    if follows(0.99, 0.9, short):
        return [
            shape,
            Outcome(
                what,
                False,
                "these are the steps of Adam with β₁ and β₂ swapped",
                "β₁ stays 0.9 (the default); set beta_2=0.99",
            ),
        ]
    first = np.abs(path[1] - path[0])
    if not np.allclose(first, rate, rtol=1e-6):
        return [
            shape,
            Outcome(
                what,
                False,
                f"its first step moves the coordinates by "
                f"{np.round(first, 5).tolist()}; Adam's first step moves each by η",
                "pass learning_rate=LR_ADAM to optim.Adam",
            ),
        ]
    return [
        shape,
        Outcome(
            what,
            False,
            "its steps differ from Adam's with these settings",
            "run(optim.Adam(learning_rate=LR_ADAM, beta_2=0.99, record=True), A_M, STEPS)",
        ),
    ]


# --------------------------------------------------------------------------- exercise 4


def challenge_inputs(challenge, label: str) -> np.ndarray:
    return challenge.rng(label).uniform(0.0, 1.0, size=(N_INPUTS, 784)).astype("float32")


def probe_ex4(namespace, challenge) -> Evidence:
    model = namespace["model_ex4"]
    evidence = keras_evidence.model_evidence(model, challenge_inputs(challenge, "ex4"), "`model_ex4`")
    try:
        evidence.values["loss_on_challenge"] = keras_evidence.loss_value(
            model, *kit.one_hot_loss_pair(challenge, "ex4.loss")
        )
    except ProbeError as exc:
        evidence.values["loss_error"] = str(exc)
    except Exception as exc:  # noqa: BLE001 - the learner's loss may fail in any way
        evidence.values["loss_error"] = f"calling it raised {type(exc).__name__}: {str(exc)[:200]}"
    import keras

    history = namespace["history_ex4"]
    if isinstance(history, keras.callbacks.History):
        evidence.values["history"] = keras_evidence.history_evidence(history, model)
    else:
        evidence.values["history_error"] = (
            f"`history_ex4` is a {type(history).__name__}, not the History that fit returns"
        )
    return evidence


def _layer_configs(values) -> list[tuple[str, dict]]:
    """``(class name, config)`` of each layer in the model's config, inputs left out."""
    try:
        config = json.loads(values["config_json"])
    except (KeyError, TypeError, ValueError):
        return []
    layers = (config.get("config") or {}).get("layers") or []
    return [
        (layer.get("class_name"), layer.get("config") or {})
        for layer in layers
        if isinstance(layer, dict) and layer.get("class_name") != "InputLayer"
    ]


def _penalty(config: dict) -> tuple[str | None, float]:
    """The kernel regularizer's kind and its L2 factor (0 if none)."""
    regularizer = config.get("kernel_regularizer")
    if not regularizer:
        return None, 0.0
    name = regularizer.get("class_name")
    inner = regularizer.get("config") or {}
    return name, float(inner.get("l2", 0.0) or 0.0)


def check_architecture(values, dense) -> list[Outcome]:
    layers = _layer_configs(values)
    units = [int(kernel.shape[1]) for kernel, _ in dense]
    shape = values.get("input_shape")
    inputs_ok = (shape is not None and len(shape) == 2 and shape[-1] == 784) or (
        shape is None and bool(dense) and dense[0][0].shape[0] == 784
    )
    outcomes = [
        Outcome(
            "`model_ex4` takes inputs of 784 numbers",
            inputs_ok,
            "" if inputs_ok else f"its input shape is {shape}",
            "" if inputs_ok else "start with keras.Input(shape=(784,))",
        )
    ]
    ok = tuple(units) == EX4_UNITS
    outcomes.append(
        Outcome(
            "`model_ex4` has Dense layers of 512, 512 and 10 units, in that order",
            ok,
            "" if ok else f"its Dense layers have {', '.join(map(str, units)) or 'no'} units",
            "" if ok else "compare the layers with the specification",
        )
    )
    kinds = [name for name, _ in layers if name in ("Dense", "Dropout")]
    dropouts = [config for name, config in layers if name == "Dropout"]
    what = "`model_ex4` has Dropout(0.5) between its two hidden layers, and no other dropout"
    if (
        kinds[:3] == ["Dense", "Dropout", "Dense"]
        and len(dropouts) == 1
        and math.isclose(float(dropouts[0].get("rate", -1)), 0.5)
    ):
        outcomes.append(Outcome(what, True))
    elif dropouts and kinds[:3] == ["Dense", "Dropout", "Dense"] and len(dropouts) == 1:
        outcomes.append(
            Outcome(
                what, False, f"its dropout rate is {dropouts[0].get('rate')}", "use keras.layers.Dropout(0.5)"
            )
        )
    else:
        outcomes.append(
            Outcome(
                what,
                False,
                f"its layers are {', '.join(kinds) or 'none'}",
                "put keras.layers.Dropout(0.5) right after the first Dense(512)",
            )
        )
    what = "only the second hidden layer has a kernel penalty, keras.regularizers.L2(10.0)"
    denses = [config for name, config in layers if name == "Dense"]
    penalties = [_penalty(config) for config in denses]
    if (
        len(penalties) == 3
        and penalties[1][0] in ("L2", "L1L2")
        and math.isclose(penalties[1][1], 10.0, rel_tol=1e-6)
        and penalties[0][0] is None
        and penalties[2][0] is None
    ):
        outcomes.append(Outcome(what, True))
    elif len(penalties) == 3 and penalties[1][0] in ("L2", "L1L2"):
        others = [i + 1 for i in (0, 2) if penalties[i][0] is not None]
        message = (
            f"its factor is {penalties[1][1]:g}"
            if not math.isclose(penalties[1][1], 10.0)
            else f"Dense layer(s) {others} have penalties too"
        )
        outcomes.append(
            Outcome(
                what,
                False,
                message,
                "the exercise specifies λ = 10 on that layer only; the lab then "
                "measures what such a large λ does",
            )
        )
    else:
        outcomes.append(
            Outcome(
                what,
                False,
                "the second Dense layer has no L2 kernel penalty",
                "pass kernel_regularizer=keras.regularizers.L2(10.0) to it",
            )
        )
    return outcomes


def check_behaviour(values, arrays, dense, challenge) -> Outcome:
    what = f"`model_ex4` computes relu → relu → softmax on {N_INPUTS} inputs chosen by the check"
    x = challenge_inputs(challenge, "ex4")
    try:
        outputs = predict(rebuild(values, arrays), x)
    except RebuildError as exc:
        return Outcome(
            what,
            False,
            f"the check cannot rebuild `model_ex4`: {exc}",
            "build it from keras.layers.Dense, Dropout and built-in activations",
        )
    reported = arrays.get("outputs")
    if reported is None or not kit.close(outputs, reported, 1e-3):
        return Outcome(
            what,
            False,
            "its predictions differ from what its layers and weights compute",
            "use a plain keras.Sequential or functional model",
        )
    if tuple(int(k.shape[1]) for k, _ in dense) != EX4_UNITS:
        return Outcome(what, False, "its Dense layers are not the specified ones", "fix the layers first")
    expected = ["relu", "relu", "softmax"]
    if kit.close(outputs, kit.forward(x, dense, expected), 1e-4):
        return Outcome(what, True)
    return Outcome(
        what,
        False,
        kit.diagnose_activations(x, dense, outputs, expected),
        "hidden layers take activation='relu'; the output layer activation='softmax'",
    )


def check_optimizer(values) -> Outcome:
    what = (
        "`model_ex4` is compiled with Adam and the learning rate InverseTimeDecay("
        "initial_learning_rate=0.001, decay_steps=1, decay_rate=0.005)"
    )
    name, config = kit.optimizer_summary(values)
    if name is None:
        return Outcome(what, False, "`model_ex4` is not compiled", "call model_ex4.compile(...)")
    if name != "Adam":
        return Outcome(
            what,
            False,
            f"its optimizer is {name}",
            "pass optimizer=keras.optimizers.Adam(learning_rate=schedule)",
        )
    rate = config.get("learning_rate")
    if not isinstance(rate, dict):
        return Outcome(
            what,
            False,
            f"its learning rate is the constant {rate}",
            "Keras 3 has no decay argument: pass a "
            "keras.optimizers.schedules.InverseTimeDecay as learning_rate",
        )
    kind, settings = rate.get("class_name"), rate.get("config") or {}
    if kind != "InverseTimeDecay":
        return Outcome(
            what,
            False,
            f"its learning rate follows {kind}",
            "use keras.optimizers.schedules.InverseTimeDecay",
        )
    wanted = {"initial_learning_rate": 0.001, "decay_steps": 1, "decay_rate": 0.005}
    wrong = [
        f"{key}={settings.get(key)}"
        for key, value in wanted.items()
        if not isinstance(settings.get(key), (int, float))
        or not math.isclose(float(settings[key]), value, rel_tol=1e-6)
    ]
    if settings.get("staircase"):
        wrong.append("staircase=True")
    if wrong:
        return Outcome(
            what,
            False,
            f"its schedule has {', '.join(wrong)}",
            "InverseTimeDecay(initial_learning_rate=0.001, decay_steps=1, decay_rate=0.005)",
        )
    betas = (config.get("beta_1"), config.get("beta_2"))
    if betas != (0.9, 0.999):
        return Outcome(what, False, f"its β's are {betas}", "keep Adam's default β's")
    return Outcome(what, True)


def check_loss(values, challenge) -> Outcome:
    what = "`model_ex4` is compiled with the categorical cross-entropy loss"
    if values.get("loss_error"):
        return Outcome(what, False, f"its loss cannot be used: {values['loss_error']}")
    value = values.get("loss_on_challenge")
    if value is None:
        return Outcome(
            what,
            False,
            "`model_ex4` is not compiled with a loss",
            "compile with loss='categorical_crossentropy'",
        )
    y_true, y_pred = kit.one_hot_loss_pair(challenge, "ex4.loss")
    expected = kit.categorical_crossentropy(y_true.astype("float64"), y_pred.astype("float64"))
    if math.isclose(value, expected, rel_tol=1e-3, abs_tol=1e-4):
        return Outcome(what, True)
    return Outcome(
        what,
        False,
        "on made-up predictions its loss gives another number than −log(probability of the true class)",
        "use loss='categorical_crossentropy' with the one-hot labels y_train_hot",
    )


@cache
def _n_train(train_limit: int) -> int:
    from dlex.data import load_mnist_or_standin

    ((x_train, _), _), _ = load_mnist_or_standin()
    return min(len(x_train), train_limit) if train_limit else len(x_train)


def check_training(values, params) -> list[Outcome]:
    epochs = int(kit.number_param(params, "EPOCHS_EX4", 20))
    batch = int(kit.number_param(params, "BATCH_SIZE_EX4", 128))
    try:
        n_train = _n_train(int(kit.number_param(params, "TRAIN_LIMIT", 0)))
    except Exception:  # noqa: BLE001 - without the data the batch count cannot be checked
        n_train = None
    per_epoch = math.ceil(n_train / batch) if n_train else None
    what = (
        f"`history_ex4` is what `model_ex4.fit` returned: {epochs} epoch(s) (EPOCHS_EX4) in "
        f"batches of {batch} (BATCH_SIZE_EX4) over the whole training set"
    )
    history = values.get("history") or {}
    losses = (history.get("curves") or {}).get("loss") or []
    steps = (history.get("params") or {}).get("steps")
    if values.get("history_error"):
        fit = Outcome(what, False, values["history_error"], "history_ex4 = model_ex4.fit(...)")
    elif not history.get("same_model"):
        fit = Outcome(
            what,
            False,
            "`history_ex4` comes from training another model than `model_ex4`",
            "build and compile model_ex4 once, then history_ex4 = model_ex4.fit(...)",
        )
    elif len(losses) != epochs:
        fit = Outcome(what, False, f"it holds {len(losses)} epoch(s)", "pass epochs=EPOCHS_EX4 to fit")
    elif per_epoch is not None and steps != per_epoch:
        fit = Outcome(
            what,
            False,
            f"each epoch had {steps} batches; {n_train:,} images in batches of {batch} make {per_epoch}",
            "train on x_train_flat and y_train_hot with batch_size=BATCH_SIZE_EX4",
        )
    elif not all(isinstance(v, float) and math.isfinite(v) for v in losses):
        fit = Outcome(what, False, "its training loss is not a finite number")
    else:
        fit = Outcome(what, True)
    what = "`model_ex4` holds the trained weights (its optimizer has made the training steps)"
    iterations = values.get("iterations") or 0
    want = epochs * (per_epoch or 1)
    if not iterations:
        trained = Outcome(
            what,
            False,
            "`model_ex4`'s optimizer has made no update",
            "call model_ex4.fit(...), and do not rebuild the model afterwards",
        )
    elif iterations < want:
        trained = Outcome(
            what,
            False,
            f"its optimizer made {iterations:,} updates; {epochs} epoch(s) make {want:,}",
            "train for EPOCHS_EX4 epochs",
        )
    else:
        trained = Outcome(what, True)
    return [fit, trained]


def judge_ex4(evidence, challenge, context) -> list[Outcome]:
    values, arrays = evidence.values, evidence.arrays
    dense = kit.dense_layers(values, arrays)
    return (
        check_architecture(values, dense)
        + [
            check_behaviour(values, arrays, dense, challenge),
            check_optimizer(values),
            check_loss(values, challenge),
        ]
        + check_training(values, context.get("params") or {})
    )


EXERCISES = (
    Exercise(
        id="lab05.ex1",
        title="Too large, too small",
        points=2,
        names=("path_ex1_fast", "path_ex1_slow"),
        probe=probe_ex1,
        judge=judge_ex1,
        params=("GRAD_TOL", "EX1_MAX_STEPS", "SEED_DATA", "N_SAMPLES"),
        summary="batch gradient descent on L_E with learning rates 0.9 and 0.01, same stopping rule",
    ),
    Exercise(
        id="lab05.ex2",
        title="One example per step",
        points=2,
        names=("path_ex2",),
        probe=probe_ex2,
        judge=judge_ex2,
        params=("LR_SGD", "STEPS", "SEED_EX2", "SEED_DATA", "N_SAMPLES"),
        summary="SGD on L_M with batch size 1, seed SEED_EX2",
    ),
    Exercise(
        id="lab05.ex3",
        title="A shorter memory for Adam",
        points=2,
        names=("path_ex3",),
        probe=probe_ex3,
        judge=judge_ex3,
        params=("LR_ADAM", "STEPS", "SEED_DATA", "N_SAMPLES"),
        summary="Adam on L_M with β₂ = 0.99",
    ),
    Exercise(
        id="lab05.ex4",
        title="Adam on MNIST",
        points=3,
        names=("model_ex4", "history_ex4"),
        probe=probe_ex4,
        judge=judge_ex4,
        params=("EPOCHS_EX4", "BATCH_SIZE_EX4", "TRAIN_LIMIT", "SEED_EX4"),
        summary="784 → Dense(512, relu) → Dropout(0.5) → Dense(512, relu, L2(10)) → "
        "Dense(10, softmax), Adam with inverse-time decay",
    ),
)


# --------------------------------------------------------------------------- questions

QUESTIONS = (
    Choice(
        "lab05.q1",
        "The data have covariance Σ. What is the Hessian of the mean squared "
        "Euclidean distance L_E(μ) = (1/n) Σᵢ ‖xᵢ − μ‖² with respect to μ?",
        ("2Σ⁻¹", "2I, whatever Σ is", "Σ", "It depends on the point μ"),
        "Each term ‖xᵢ − μ‖² has second derivative 2 in every direction and no mixed terms, "
        "so the Hessian is 2I everywhere, with condition number 1: the Euclidean loss cannot "
        "show ill-conditioning. The Mahalanobis loss, with Σ⁻¹ inside, has Hessian 2Σ⁻¹.",
    ),
    Numeric(
        "lab05.q2",
        "A quadratic loss has Hessian eigenvalues 0.5 and 50. What is its condition number κ?",
        "κ = |λ_max| / |λ_min| = 50 / 0.5: the loss curves that many times more steeply in "
        "one direction than in the other.",
    ),
    Choice(
        "lab05.q3",
        "Gradient descent with a constant learning rate η on a quadratic loss whose "
        "Hessian has largest eigenvalue λ_max converges from every start when:",
        ("η < 1/λ_min", "η < 1", "η·λ_max > 2", "η < 2/λ_max"),
        "Along each eigenvector the error is multiplied by 1 − ηλ per step; all of them shrink "
        "only if |1 − ηλ| < 1 for every λ, i.e. η < 2/λ_max. The steepest direction sets the "
        "limit.",
    ),
    Choice(
        "lab05.q4",
        "At a point where the gradient is zero, the Hessian has eigenvalues 3 and −1. "
        "What kind of point is it?",
        ("A minimum", "A maximum", "A saddle point", "Nothing can be said"),
        "Mixed signs mean the loss curves up along one eigenvector and down along the other: "
        "a saddle, like x² − y² at the origin. Gradient descent can linger near one (a plateau).",
    ),
    ResultChoice(
        "lab05.q5",
        "In your run's race on the Mahalanobis loss, which optimizer first "
        "brought the excess loss below the tolerance in the fewest steps?",
        (
            ("gradient descent", "steps_to_tol.gd"),
            ("momentum", "steps_to_tol.momentum"),
            ("Nesterov momentum", "steps_to_tol.nesterov"),
            ("RMSprop", "steps_to_tol.rmsprop"),
            ("Adam", "steps_to_tol.adam"),
        ),
        "min",
        "The table in Section 9 lists the steps; on a smooth ill-conditioned quadratic, "
        "momentum methods need about √κ times fewer steps than gradient descent.",
    ),
    ResultNumeric(
        "lab05.q6",
        "In your run, after how many steps did gradient descent with η = 0.9 (Exercise 1) stop?",
        "ex1.fast.steps",
        0,
        "With η = 0.9 the error is multiplied by 1 − 2·0.9 = −0.8 per step: it jumps across "
        "the minimum every time, yet shrinks as fast as with η = 0.1 (factor 0.8).",
    ),
    Numeric(
        "lab05.q7",
        "A deep linear network multiplies its input by the same matrix W in each of "
        "50 layers. Along an eigenvector of W with eigenvalue 0.9, by what factor is "
        "the signal multiplied after the 50 layers? (to 4 decimals)",
        "Wⁿ = QΛⁿQᵀ, so along that eigenvector the factor is 0.9⁵⁰: the signal, and the "
        "gradient with it, vanishes with depth.",
    ),
    Choice(
        "lab05.q8",
        "Why must a layer's weights not all start with the same value?",
        (
            "Its units would compute the same outputs and get the same updates, so they would "
            "stay identical and act as one unit",
            "The loss would be infinite",
            "Keras refuses to train such a layer",
            "The learning rate would have to be zero",
        ),
        "Identical units receive identical gradients and make identical updates forever; "
        "random initialisation breaks the symmetry, and its scale (Glorot, He) keeps the "
        "signal's size steady across layers.",
    ),
    Choice(
        "lab05.q9",
        "Adam divides its running mean of gradients m by 1 − β₁ᵗ (t: the step number). Why?",
        (
            "To make the learning rate decay over time",
            "To clip large gradients",
            "m starts at zero, so early on it underestimates the gradients; the division removes that bias",
            "To turn the mean into a sum",
        ),
        "After one step m = (1 − β₁)g; dividing by 1 − β₁ gives g back. The correction matters "
        "in the first steps and fades as β₁ᵗ goes to 0.",
    ),
    ResultNumeric(
        "lab05.q10",
        "What test accuracy did Exercise 4's network (λ = 10) reach in your run? (a fraction, to 3 decimals)",
        "mnist_adam.test_accuracy",
        0.0015,
        "The number is mnist_adam.test_accuracy in your run's metrics. The penalty "
        "10·Σw² crushes the second hidden kernel; a smaller λ does much better.",
    ),
)
