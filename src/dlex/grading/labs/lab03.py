"""Lab 3 — Deep feed-forward networks from first principles: two exercises, ten questions.

Exercise 1 gives the worked x₁ − x₂ network sigmoid hidden units (``ex1_forward``) and
asks for the least-squares factor on its output weights (``ex1_scale``). Exercise 2 asks
for exact XOR weights (``xor_weights``) and a gradient-descent trainer (``train_xor``).
The checks call the learner's functions on inputs and seeds drawn from the challenge,
and retrain with :mod:`dlex.scratch` to compare; they never read source text.
"""

import math

import numpy as np

from dlex.grading.exercises import kit
from dlex.grading.exercises.declarations import Evidence, Exercise, Outcome, ProbeError
from dlex.grading.questions.kinds import Choice, Numeric, ResultChoice, ResultNumeric

W1 = np.array([[1.0, -1.0], [-1.0, 1.0]])
W2 = np.array([1.0, -1.0])
EX1_CASES = np.array([[3.0, 1.0], [2.0, 1.0], [1.0, 1.0], [1.0, 2.0], [1.0, 3.0]])
N_INPUTS = 16
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])
EXACT_TOLERANCE = 1e-6
RECIPE_TOLERANCE = 1e-6


def _plain_number(value):
    """A learner's number as a Python float, or None (with the type's name) if it is not one."""
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _describe_call_error(name: str, exc: Exception, what: str) -> str:
    return f"`{name}` fails on {what}: {type(exc).__name__}: {str(exc)[:300]}"


# --------------------------------------------------------------------------- exercise 1


def ex1_inputs(challenge) -> np.ndarray:
    """Inputs (N, 2) with both signs and a wide range of differences x₁ − x₂."""
    return challenge.rng("ex1.inputs").uniform(-4.0, 4.0, size=(N_INPUTS, 2))


def ex1_expected(x) -> np.ndarray:
    return kit.sigmoid(np.asarray(x, dtype=float) @ W1) @ W2


def best_scale() -> float:
    """The least-squares factor c minimising Σ (c·ŷ − (x₁ − x₂))² over the five cases."""
    y = ex1_expected(EX1_CASES)
    t = EX1_CASES[:, 0] - EX1_CASES[:, 1]
    return float(np.sum(y * t) / np.sum(y * y))


def probe_ex1(namespace, challenge) -> Evidence:
    forward = namespace["ex1_forward"]
    if not callable(forward):
        raise ProbeError(
            f"`ex1_forward` is a {type(forward).__name__}, not a function (write def ex1_forward(x): ...)"
        )
    x = ex1_inputs(challenge)
    try:
        outputs = forward(x.copy())
    except Exception as exc:  # noqa: BLE001 - the learner's function may fail in any way
        raise ProbeError(
            _describe_call_error("ex1_forward", exc, f"{N_INPUTS} inputs of shape ({N_INPUTS}, 2)")
        ) from None
    try:
        outputs = np.asarray(outputs, dtype="float64")
    except (TypeError, ValueError):
        raise ProbeError(
            f"`ex1_forward` returns a {type(outputs).__name__} that is not an array of numbers"
        ) from None
    values = {
        "scale": _plain_number(namespace["ex1_scale"]),
        "scale_type": type(namespace["ex1_scale"]).__name__,
    }
    return Evidence(values, {"outputs": outputs})


def _diagnose_ex1(x, found) -> str:
    a = x[:, 0] - x[:, 1]
    candidates = [
        (a, "these are x₁ − x₂ exactly: that is the ReLU network; use the sigmoid in the hidden layer"),
        (
            np.tanh(x @ W1) @ W2,
            "these are the outputs with tanh hidden units; the exercise asks for "
            "the sigmoid σ(z) = 1 / (1 + e⁻ᶻ)",
        ),
        (
            kit.sigmoid(x @ W1) @ np.array([1.0, 1.0]),
            "these are the outputs with output weights [1, 1]; W₂ is [1, −1]",
        ),
        (
            -ex1_expected(x),
            "these have the wrong sign: the first hidden unit computes x₁ − x₂ and its output weight is +1",
        ),
        (kit.sigmoid(x @ W1)[:, 0], "this is the first hidden unit alone; the output is h₁ − h₂"),
        (
            kit.sigmoid(x @ W1 @ W2),
            "the sigmoid is applied after the output weights; apply it to the "
            "hidden layer, x·W₁, and keep the output linear",
        ),
    ]
    for values, hint in candidates:
        if found.shape == values.shape and np.allclose(found, values, atol=1e-5):
            return hint
    return "compute h = σ(x·W₁) for the batch, then h·W₂; W1_WORKED and W2_WORKED hold the weights"


def check_ex1_outputs(arrays, challenge) -> list[Outcome]:
    x = ex1_inputs(challenge)
    found = np.asarray(arrays.get("outputs"))
    shape_what = f"`ex1_forward` returns one number per input: shape ({N_INPUTS},) for {N_INPUTS} inputs"
    if found.shape == (N_INPUTS, 1):
        shape = Outcome(
            shape_what,
            False,
            f"it returns shape {found.shape}",
            "flatten the output column, e.g. with .ravel()",
        )
        found = found.ravel()
    elif found.shape != (N_INPUTS,):
        shape = Outcome(
            shape_what, False, f"it returns shape {found.shape}", "return the N outputs as a 1-D array"
        )
    else:
        shape = Outcome(shape_what, True)
    value_what = f"`ex1_forward` computes σ(x·W₁)·W₂ on {N_INPUTS} inputs chosen by the check"
    if found.shape != (N_INPUTS,):
        return [shape, Outcome(value_what, False, "its outputs cannot be compared (wrong shape)")]
    expected = ex1_expected(x)
    if np.allclose(found, expected, rtol=1e-6, atol=1e-6):
        return [shape, Outcome(value_what, True)]
    return [
        shape,
        Outcome(value_what, False, "its outputs differ from the sigmoid network's", _diagnose_ex1(x, found)),
    ]


def check_ex1_scale(values) -> Outcome:
    what = "`ex1_scale` is the least-squares factor for the output weights on the five cases"
    scale = values.get("scale")
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not math.isfinite(scale):
        return Outcome(
            what,
            False,
            f"`ex1_scale` is a {values.get('scale_type')}, not a number",
            "set it to a number computed from ex1_forward(ex1_cases)",
        )
    right = best_scale()
    if math.isclose(scale, right, rel_tol=1e-4):
        return Outcome(what, True)
    y = ex1_expected(EX1_CASES)
    t = EX1_CASES[:, 0] - EX1_CASES[:, 1]
    known = [
        (
            2.0,
            "c = 2 makes the network exact for small differences (slope 1 at x₁ = x₂); the "
            "exercise asks for the factor that fits the five cases best in squared error",
        ),
        (1.0, "1 leaves the output weights as they are; find the c that minimises Σ (c·ŷ − (x₁ − x₂))²"),
        (
            1.0 / np.tanh(0.5),
            "that factor makes the cases with x₁ − x₂ = ±1 exact and ignores the "
            "others; minimise the squared error over all five",
        ),
        (
            2.0 / np.tanh(1.0),
            "that factor makes the cases with x₁ − x₂ = ±2 exact and ignores the "
            "others; minimise the squared error over all five",
        ),
        (
            float(np.sum(y * y) / np.sum(y * t)),
            "that is the reciprocal of the least-squares factor: "
            "the derivative of Σ (c·ŷ − t)² is zero at "
            "c = Σ ŷ·t / Σ ŷ²",
        ),
        (
            float(np.mean(t[t != 0] / y[t != 0])),
            "that is the average of the ratios (x₁ − x₂) / ŷ; "
            "least squares weighs the cases by ŷ², "
            "c = Σ ŷ·t / Σ ŷ²",
        ),
    ]
    for value, hint in known:
        if math.isclose(scale, value, rel_tol=1e-4):
            return Outcome(what, False, f"`ex1_scale` is {scale:.4f}", hint)
    return Outcome(
        what,
        False,
        f"`ex1_scale` is {scale:.4g}, not the factor that minimises the squared error",
        "set the derivative of Σ (c·ŷₙ − (x₁ − x₂)ₙ)² with respect to c "
        "to zero and solve for c, using ŷ = ex1_forward(ex1_cases)",
    )


def judge_ex1(evidence, challenge, context) -> list[Outcome]:
    return check_ex1_outputs(evidence.arrays, challenge) + [check_ex1_scale(evidence.values)]


# --------------------------------------------------------------------------- exercise 2


def xor_seeds(challenge, steps: int | None = None, rate: float | None = None) -> list[int]:
    """Two different seeds for train_xor, chosen by the check among seeds that tell a
    right recipe from a wrong one (see ``_informative``); the first two drawn if too few do."""
    candidates = [int(s) for s in challenge.rng("ex2.seeds").choice(2**31 - 1, size=64, replace=False)]
    chosen = []
    for seed in candidates:
        if _informative(seed, steps, rate):
            chosen.append(seed)
            if len(chosen) == 2:
                return chosen
    return candidates[:2]


def _informative(seed: int, steps: int | None, rate: float | None) -> bool:
    """Whether training from ``seed`` shows every part of the recipe, for 2 and 3 hidden units.

    A ReLU unit whose two incoming weights start ≤ 0 is dead on all four XOR inputs (the
    biases start at 0): its weights never change, so a learner's mistake in updating them
    would not show. And when the last step no longer moves the weights (training has
    settled), one step too few or too many would not show either.
    """
    for units in (2, 3):
        if not np.all((_starting_params(seed, units)[0] > 0).any(axis=0)):
            return False
        if (
            steps
            and steps > 1
            and _same(
                reference_training(seed, units, steps, rate), reference_training(seed, units, steps - 1, rate)
            )
        ):
            return False
    return True


def _as_arrays(value, label: str) -> tuple[list | None, str]:
    """A list of float64 arrays from the learner's list, or None and the reason."""
    if not isinstance(value, (list, tuple)):
        return None, f"{label} is a {type(value).__name__}, not a list [W1, b1, W2, b2]"
    arrays = []
    for item in value:
        try:
            array = np.asarray(item, dtype="float64")
        except (TypeError, ValueError):
            return None, f"{label} holds a {type(item).__name__} that is not an array of numbers"
        arrays.append(array)
    return arrays, ""


def _store(arrays: dict, values: dict, prefix: str, params, label: str) -> None:
    found, reason = _as_arrays(params, label)
    if found is None:
        values[f"{prefix}_error"] = reason
        return
    values[f"{prefix}_count"] = len(found)
    for i, array in enumerate(found):
        arrays[f"{prefix}_{i}"] = array


def probe_ex2(namespace, challenge) -> Evidence:
    values, arrays = {}, {}
    _store(arrays, values, "weights", namespace["xor_weights"], "`xor_weights`")
    train = namespace.get("train_xor")
    if train is None:
        values["train_missing"] = True
        return Evidence(values, arrays)
    if not callable(train):
        values["train_error"] = f"`train_xor` is a {type(train).__name__}, not a function"
        return Evidence(values, arrays)
    steps, rate = _recipe({"params": {k: namespace.get(k) for k in ("XOR_STEPS", "XOR_LEARNING_RATE")}})
    seeds = xor_seeds(challenge, steps, rate)
    values["seeds"] = seeds
    for index, seed in enumerate(seeds):
        try:
            result = train(seed)
        except Exception as exc:  # noqa: BLE001
            values[f"run{index}_error"] = _describe_call_error("train_xor", exc, f"seed {seed}")
            continue
        _store(arrays, values, f"run{index}", result, f"what train_xor({seed}) returns")
    try:
        result = train(seeds[0], units=3)
    except TypeError as exc:
        values["wide_error"] = f"train_xor({seeds[0]}, units=3) raises TypeError: {str(exc)[:200]}"
    except Exception as exc:  # noqa: BLE001
        values["wide_error"] = _describe_call_error("train_xor", exc, f"seed {seeds[0]}, units=3")
    else:
        _store(arrays, values, "wide", result, f"what train_xor({seeds[0]}, units=3) returns")
    return Evidence(values, arrays)


def _shapes(units: int) -> list[tuple]:
    return [(2, units), (units,), (units, 1), (1,)]


def _params(values, arrays, prefix) -> list | None:
    count = values.get(f"{prefix}_count")
    if not isinstance(count, int) or any(f"{prefix}_{i}" not in arrays for i in range(count)):
        return None
    return [np.asarray(arrays[f"{prefix}_{i}"], dtype="float64") for i in range(count)]


def forward(params, x=XOR_X) -> np.ndarray:
    w1, b1, w2, b2 = params
    with np.errstate(all="ignore"):  # a diverged training run gives inf/nan: judged, not warned about
        return np.maximum(x @ w1 + b1, 0.0) @ w2 + b2


def _shape_outcome(what, params, units, reason) -> Outcome:
    wanted = ", ".join(str(s) for s in _shapes(units))
    if params is None:
        return Outcome(
            what,
            False,
            reason or "nothing usable was returned",
            f"return a list of four arrays with shapes {wanted}",
        )
    found = [tuple(p.shape) for p in params]
    if found == _shapes(units):
        return Outcome(what, True)
    shown = ", ".join(str(s) for s in found)
    hint = f"Keras's layout is W1 (2, units), b1 (units,), W2 (units, 1), b2 (1,): {wanted}"
    if len(found) == 4 and found[2] == (units,):
        hint = "W2 needs shape (units, 1), one column for the one output: use W2.reshape(-1, 1)"
    return Outcome(what, False, f"the shapes are {shown}", hint)


def check_exact(values, arrays) -> list[Outcome]:
    what_shape = "`xor_weights` is [W1, b1, W2, b2] with shapes (2, 2), (2,), (2, 1), (1,)"
    params = _params(values, arrays, "weights")
    shape = _shape_outcome(what_shape, params, 2, values.get("weights_error"))
    what = "the network gives exactly 0, 1, 1, 0 on (0,0), (0,1), (1,0), (1,1)"
    if not shape.passed:
        return [shape, Outcome(what, False, "the weights cannot be used (see above)")]
    outputs = forward(params).ravel()
    errors = np.abs(outputs - XOR_Y.ravel())
    if np.all(np.isfinite(outputs)) and errors.max() <= EXACT_TOLERANCE:
        return [shape, Outcome(what, True)]
    if np.all(np.isfinite(outputs)) and errors.max() < 0.5:
        return [
            shape,
            Outcome(
                what,
                False,
                f"the outputs are close but not exact (largest error {errors.max():.2g})",
                "weights found by training come near the "
                "truth table but do not reach it; work out exact weights by hand",
            ),
        ]
    wrong = [
        f"({int(x[0])},{int(x[1])}) gives {y:.3g} instead of {int(t)}"
        for x, y, t, e in zip(XOR_X, outputs, XOR_Y.ravel(), errors)
        if not e <= EXACT_TOLERANCE
    ]
    return [
        shape,
        Outcome(
            what,
            False,
            "; ".join(wrong),
            "write each hidden unit's input for the four cases and choose the "
            "biases so that (1,1) switches on a unit that cancels the other",
        ),
    ]


def reference_training(seed: int, units: int, steps: int, learning_rate: float) -> list:
    """The recipe, by dlex.scratch: Glorot start from ``seed``, then full-batch gradient descent."""
    from dlex.scratch import network, optim

    model = network.MLP(
        [2, units, 1], np.random.default_rng(seed), activation="relu", output_activation="linear"
    )
    optimizer = optim.GradientDescent(learning_rate)
    for _ in range(steps):
        _, grads = model.loss_and_grads(XOR_X, XOR_Y)
        optimizer.step(model.params, grads)
    return model.params


def _starting_params(seed: int, units: int) -> list:
    from dlex.scratch import network

    return network.MLP(
        [2, units, 1], np.random.default_rng(seed), activation="relu", output_activation="linear"
    ).params


def _loss(params) -> float:
    with np.errstate(all="ignore"):
        return float(np.mean((forward(params) - XOR_Y) ** 2))


def _same(a, b) -> bool:
    return all(
        x.shape == y.shape and np.allclose(x, y, rtol=RECIPE_TOLERANCE, atol=RECIPE_TOLERANCE)
        for x, y in zip(a, b)
    ) and len(a) == len(b)


def _recipe(context) -> tuple[int, float]:
    params = context.get("params") or {}
    steps, rate = params.get("XOR_STEPS", 500), params.get("XOR_LEARNING_RATE", 0.1)
    steps = steps if isinstance(steps, int) and not isinstance(steps, bool) and 0 < steps <= 100_000 else 500
    rate = float(rate) if isinstance(rate, (int, float)) and not isinstance(rate, bool) and rate > 0 else 0.1
    return steps, rate


def _diagnose_training(found, seed, units, steps, rate) -> tuple[str, str]:
    start = _starting_params(seed, units)
    if _same(found, start):
        return (
            "the weights it returns are the starting weights",
            f"take XOR_STEPS = {steps} gradient-descent steps and return the updated parameters",
        )
    loss = _loss(found)
    if not math.isfinite(loss) or loss > _loss(start) + 1e-9:
        return (
            f"the loss rose from {_loss(start):.3g} at the start to {loss:.3g}",
            "step against the gradient: W ← W − α∇J, not W + α∇J",
        )
    if np.array_equal(found[1], start[1]) and np.array_equal(found[3], start[3]):
        return (
            "the biases never changed from their starting values",
            "update every parameter, biases included",
        )
    for other, words in ((steps - 1, "one step fewer"), (steps + 1, "one step more")):
        if other > 0 and _same(found, reference_training(seed, units, other, rate)):
            return (f"the weights match {words} than XOR_STEPS", f"take exactly XOR_STEPS = {steps} steps")
    return (
        "the weights differ from the recipe's",
        f"start from initial_xor_params(seed, units), take {steps} full-batch steps of "
        f"W ← W − {rate:g}·∇J on the four XOR cases with hand_gradients, and return [W1, b1, W2, b2]",
    )


def check_training(values, arrays, context) -> list[Outcome]:
    what_defined = "`train_xor(seed, units=2)` is defined and returns [W1, b1, W2, b2]"
    if values.get("train_missing"):
        return [
            Outcome(
                what_defined,
                False,
                "your notebook does not define `train_xor`",
                "write part b in its cell and run it",
            )
        ]
    if values.get("train_error"):
        return [Outcome(what_defined, False, values["train_error"])]
    seeds = values.get("seeds") or []
    steps, rate = _recipe(context)
    runs = [_params(values, arrays, f"run{i}") for i in range(len(seeds))]
    errors = [values.get(f"run{i}_error") for i in range(len(seeds))]
    defined = _shape_outcome(what_defined, runs[0] if runs else None, 2, errors[0] if errors else None)
    if defined.passed and len(runs) > 1:
        defined = _shape_outcome(what_defined, runs[1], 2, errors[1])
    what_start = "it starts from the random weights its seed gives (different seeds, different results)"
    what_descend = "each step goes against the gradient: the training loss falls"
    what_recipe = (
        f"it follows the recipe: {steps} steps of full-batch gradient descent, "
        f"learning rate {rate:g}, from initial_xor_params(seed)"
    )
    if not defined.passed:
        return [defined] + [
            Outcome(w, False, "cannot be checked until train_xor returns usable weights")
            for w in (what_start, what_descend, what_recipe)
        ]
    outcomes = [defined]
    first, second = runs
    if _same(first, second):
        outcomes.append(
            Outcome(
                what_start,
                False,
                f"train_xor({seeds[0]}) and train_xor({seeds[1]}) return the same weights",
                "start from initial_xor_params(seed, units): the seed decides the starting weights",
            )
        )
    else:
        outcomes.append(Outcome(what_start, True))
    rose = [
        (seed, run)
        for seed, run in zip(seeds, runs)
        if not math.isfinite(_loss(run)) or _loss(run) > _loss(_starting_params(seed, 2)) + 1e-9
    ]
    if rose:
        seed, run = rose[0]
        outcomes.append(
            Outcome(
                what_descend,
                False,
                f"for seed {seed} the loss went from "
                f"{_loss(_starting_params(seed, 2)):.3g} to {_loss(run):.3g}",
                "W ← W − α∇J: subtract the gradient times the learning rate",
            )
        )
    else:
        outcomes.append(Outcome(what_descend, True))
    mismatch = [
        (seed, run)
        for seed, run in zip(seeds, runs)
        if not _same(run, reference_training(seed, 2, steps, rate))
    ]
    if mismatch:
        seed, run = mismatch[0]
        message, hint = _diagnose_training(run, seed, 2, steps, rate)
        outcomes.append(Outcome(what_recipe, False, f"for seed {seed}: {message}", hint))
    else:
        outcomes.append(Outcome(what_recipe, True))
    what_units = "`train_xor(seed, units=3)` trains a network of 3 hidden units by the same recipe"
    if values.get("wide_error"):
        outcomes.append(
            Outcome(
                what_units,
                False,
                values["wide_error"],
                "give train_xor a parameter units=2 and pass it to initial_xor_params",
            )
        )
    else:
        wide = _params(values, arrays, "wide")
        shape = _shape_outcome(what_units, wide, 3, values.get("wide_error"))
        if not shape.passed:
            shape.hint = "pass units on to initial_xor_params(seed, units)"
            outcomes.append(shape)
        elif not _same(wide, reference_training(seeds[0], 3, steps, rate)):
            outcomes.append(
                Outcome(
                    what_units,
                    False,
                    "its weights differ from the recipe's",
                    "use the same steps as for 2 units",
                )
            )
        else:
            outcomes.append(Outcome(what_units, True))
    return outcomes


def judge_ex2(evidence, challenge, context) -> list[Outcome]:
    return check_exact(evidence.values, evidence.arrays) + check_training(
        evidence.values, evidence.arrays, context
    )


EXERCISES = (
    Exercise(
        id="lab03.ex1",
        title="Sigmoid hidden units",
        points=2,
        names=("ex1_forward", "ex1_scale"),
        probe=probe_ex1,
        judge=judge_ex1,
        summary="the x₁ − x₂ network with sigmoid hidden units, and the least-squares "
        "factor for its output weights",
    ),
    Exercise(
        id="lab03.ex2",
        title="XOR with two ReLU hidden units",
        points=3,
        names=("xor_weights",),
        probe=probe_ex2,
        judge=judge_ex2,
        params=("XOR_STEPS", "XOR_LEARNING_RATE"),
        summary="exact XOR weights by hand (part a), then train_xor: gradient descent "
        "from a random start (part b)",
    ),
)


# --------------------------------------------------------------------------- questions

QUESTIONS = (
    Choice(
        "lab03.q1",
        "A learning machine has three parts: representation, learning and "
        "inference. To which part does the choice of architecture (layers, "
        "units, activations) belong?",
        ("Representation", "Learning", "Inference", "None: it is a setting of the optimizer"),
        "The architecture fixes the family of functions the machine can compute — its "
        "representation. Learning picks weights within that family; inference evaluates "
        "the chosen function on new inputs.",
    ),
    Choice(
        "lab03.q2",
        "Why can a perceptron (an affine map followed by a sigmoid) not "
        "classify all four XOR cases correctly?",
        (
            "Its learning rate is too small for XOR",
            "Its decision boundary is one straight line, and no straight line puts (0,1) and "
            "(1,0) on one side and (0,0) and (1,1) on the other",
            "The sigmoid saturates on inputs that are exactly 0 or 1",
            "XOR needs a softmax output",
        ),
        "The perceptron predicts class 1 where x·w + b > 0, on one side of a line. The four "
        "inequalities XOR would need contradict each other, so at most three of the four "
        "cases can be right.",
    ),
    Choice(
        "lab03.q3",
        "What does the universal approximation theorem (Cybenko 1989, Hornik 1991) state?",
        (
            "Any network trained long enough reaches zero training error",
            "Deep networks need fewer parameters than shallow ones for every function",
            "Only sigmoid activations can approximate continuous functions",
            "One hidden layer with enough units can approximate any continuous function on a "
            "closed, bounded region as closely as we like — without saying how many units, "
            "or whether training finds the weights",
        ),
        "It is a statement about representation: suitable weights exist for a wide enough "
        "single hidden layer. The number of units may be huge, and training may not find "
        "those weights (Exercise 2 measures how often it does not).",
    ),
    Numeric(
        "lab03.q4",
        "P = (0.5, 0.5) and Q = (0.9, 0.1) are distributions over two outcomes. "
        "What is D_KL(P‖Q) in nats (natural logarithm)? Give 3 decimals.",
        "D_KL(P‖Q) = Σ p log(p/q) = 0.5·log(0.5/0.9) + 0.5·log(0.5/0.1): the extra "
        "surprise, on average, of expecting Q when outcomes come from P.",
    ),
    Choice(
        "lab03.q5",
        "Which update is a gradient-descent step on the loss J with learning rate α > 0?",
        ("W ← W + α∇J", "W ← W − ∇J / α", "W ← W − α∇J", "W ← α∇J"),
        "The gradient points where J increases fastest; a small step against it changes J "
        "by about −α‖∇J‖², which is negative, so the loss falls.",
    ),
    Choice(
        "lab03.q6",
        "Why are ReLU units preferred to sigmoid units in the hidden layers of deep networks?",
        (
            "ReLU outputs are probabilities",
            "ReLU units can never die",
            "The sigmoid's derivative is at most 1/4 and nearly 0 when it saturates, so "
            "backpropagated gradients shrink layer after layer; ReLU's derivative is 1 "
            "wherever the unit is active",
            "The sigmoid has no derivative at 0",
        ),
        "Backpropagation multiplies one activation derivative per layer. Factors of at "
        "most 1/4 shrink the gradient geometrically with depth; ReLU passes it unchanged "
        "through active units (inactive ones pass nothing, and can die).",
    ),
    Choice(
        "lab03.q7",
        "In Exercise 1 the output is c·tanh((x₁ − x₂)/2) once the output weights "
        "are multiplied by c. Why can no c make it equal x₁ − x₂ for every input?",
        (
            "Because c·tanh((x₁ − x₂)/2) is curved and never exceeds c, while x₁ − x₂ is a "
            "straight line without bound",
            "Because the output unit has no bias",
            "Because sigmoid units cannot produce negative outputs",
            "Because c would have to be negative",
        ),
        "Near x₁ = x₂ the curve has slope c/2, so c = 2 is right for small differences; "
        "further out it bends and flattens towards ±c. A straight line and a bounded curve "
        "can agree at a few points, never everywhere.",
    ),
    Numeric(
        "lab03.q8",
        "A spam filter flags 10 emails as spam, and 8 of them are spam. The "
        "inbox holds 20 spam emails in all. What is the filter's recall?",
        "Recall = TP / (TP + FN): of the 20 spam emails, 8 were flagged. (Its precision, "
        "TP / (TP + FP), is 8 of the 10 flagged.)",
    ),
    ResultNumeric(
        "lab03.q9",
        "In your run, what fraction of the random starts trained the "
        "two-hidden-unit network to XOR? (a fraction, e.g. 0.25)",
        "xor.trained_success_rate",
        0.005,
        "The number is in your run's metrics as xor.trained_success_rate: the runs whose "
        "four outputs all ended within 0.1 of the truth table, out of XOR_SEEDS.",
    ),
    ResultChoice(
        "lab03.q10",
        "At the largest parameter budget of your depth-versus-width "
        "experiment, which network had the lower median test error?",
        (
            ("shallow (one hidden layer)", "depth_vs_width.largest.shallow_median_mse"),
            ("deep (three hidden layers)", "depth_vs_width.largest.deep_median_mse"),
        ),
        "min",
        "Equal parameter counts, different shapes: read the two medians at the right-hand "
        "end of the plot (also printed under the experiment).",
    ),
)
