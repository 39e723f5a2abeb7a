"""Lab 4 — Regularization, measured: two exercises and ten evaluation questions.

Exercise 1 trains the lab's regression network with L2 penalties of 20 and 200;
Exercise 2 combines an L1L2(50, 50) penalty, dropout, early stopping and a checkpoint.
The checks test behaviour: outputs on inputs the check draws, the penalty each model
adds to its loss against the one its weights imply, the loss on made-up predictions,
the training record, and — for Exercise 2 — the validation loss of the restored
weights against the best epoch's, recomputed on the lab's own data, and the checkpoint
file rebuilt and compared with the model.
"""

import math
from functools import cache

import numpy as np

from dlex.grading.exercises import keras_evidence, kit
from dlex.grading.exercises.declarations import Evidence, Exercise, Outcome, ProbeError
from dlex.grading.exercises.rebuild import RebuildError, predict, rebuild
from dlex.grading.questions.kinds import Choice, Numeric, ResultChoice, ResultNumeric

N_INPUTS = 32
N_FEATURES = 9
HIDDEN = 128
N_TRAIN = 20
EX1_PENALTIES = ((20.0, "model_l2_20", "history_l2_20"), (200.0, "model_l2_200", "history_l2_200"))
EX2_PENALTY = (50.0, 50.0)  # (l1, l2)
EX2_BATCH = 10
EX2_PATIENCE = 4
EX2_CHECKPOINT = "ex2_best.keras"


# --------------------------------------------------------------------------- shared


def challenge_inputs(challenge, label: str) -> np.ndarray:
    """Random rows of 9 numbers, like the lab's standardised polynomial features."""
    return challenge.rng(label).normal(0.0, 1.0, size=(N_INPUTS, N_FEATURES)).astype("float32")


def challenge_loss_pair(challenge, label: str) -> tuple[np.ndarray, np.ndarray]:
    """Made-up targets and predictions, to watch the compiled loss at work."""
    rng = challenge.rng(label)
    return (
        rng.normal(5.0, 3.0, size=(16, 1)).astype("float32"),
        rng.normal(5.0, 3.0, size=(16, 1)).astype("float32"),
    )


def _penalty_of(model) -> float:
    """The sum of the regularization losses the model adds to its loss, now."""
    losses = [float(np.sum(np.asarray(loss))) for loss in model.losses]
    return float(sum(losses))


def probe_network(namespace, challenge, model_name: str, history_name: str | None, label: str) -> Evidence:
    """Config, weights, outputs, penalty, compiled loss on made-up data, and the history."""
    model = namespace[model_name]
    evidence = keras_evidence.model_evidence(model, challenge_inputs(challenge, label), f"`{model_name}`")
    try:
        evidence.values["penalty"] = _penalty_of(model)
    except Exception as exc:  # noqa: BLE001 - the learner's model may fail in any way
        evidence.values["penalty_error"] = f"{type(exc).__name__}: {str(exc)[:200]}"
    try:
        evidence.values["loss_on_challenge"] = keras_evidence.loss_value(
            model, *challenge_loss_pair(challenge, label + ".loss")
        )
    except ProbeError as exc:
        evidence.values["loss_error"] = str(exc)
    except Exception as exc:  # noqa: BLE001
        evidence.values["loss_error"] = f"calling it raised {type(exc).__name__}: {str(exc)[:200]}"
    if history_name is not None:
        try:
            evidence.values["history"] = keras_evidence.history_evidence(namespace[history_name], model)
        except ProbeError as exc:
            evidence.values["history_error"] = f"`{history_name}`: {exc}"
    return evidence


def _layer_classes(values) -> list[str]:
    return [layer.get("class") for layer in values.get("layers") or []]


def check_network(values, arrays, dense, challenge, label, name, dropout: bool) -> Outcome:
    """Dense(128, relu) on 9 inputs → (Dropout) → Dense(1), computing what its weights say."""
    middle = "Dense(128, relu) → Dropout(0.5) → Dense(1)" if dropout else "Dense(128, relu) → Dense(1)"
    what = f"`{name}` is the lab's network: 9 features → {middle}"
    units = [int(kernel.shape[1]) for kernel, _ in dense]
    shape_ok = (
        len(dense) == 2
        and units == [HIDDEN, 1]
        and dense[0][0].shape[0] == N_FEATURES
        and all(bias is not None for _, bias in dense)
    )
    others = [
        c
        for c, layer in zip(_layer_classes(values), values.get("layers") or [])
        if layer.get("n_weights") and c != "Dense"
    ]
    if others:
        return Outcome(
            what,
            False,
            f"it has layers with weights other than Dense: {', '.join(others)}",
            "build it from Dense layers (and a Dropout layer where the exercise asks)",
        )
    if not shape_ok:
        found = ", ".join(str(u) for u in units) or "none"
        return Outcome(
            what,
            False,
            f"its Dense layers have {found} units",
            "one hidden Dense layer of 128 units on the 9 features, then Dense(1)",
        )
    classes = _layer_classes(values)
    has_dropout = "Dropout" in classes
    if dropout and not has_dropout:
        return Outcome(
            what,
            False,
            "it has no Dropout layer",
            "add keras.layers.Dropout(0.5) after the hidden layer (regression_net(..., dropout=0.5) does)",
        )
    if dropout:
        rate = _dropout_rate(values)
        if rate is None or not math.isclose(rate, 0.5):
            return Outcome(what, False, f"its dropout rate is {rate}", "use Dropout(0.5)")
    if not dropout and has_dropout:
        return Outcome(what, False, "it has a Dropout layer", "this exercise changes only the penalty")
    x = challenge_inputs(challenge, label)
    outputs, failed = kit.rebuilt_outputs(
        values, arrays, x, name, what, "build the model from standard Keras layers and built-in activations"
    )
    if failed:
        return failed
    if kit.close(outputs, kit.forward(x, dense, ["relu", "linear"]), 1e-4):
        return Outcome(what, True)
    found = kit.diagnose_activations(x, dense, outputs, ["relu", "linear"])
    return Outcome(
        what,
        False,
        f"on the check's inputs its outputs differ: {found}",
        "the hidden layer takes activation='relu'; the output layer no activation",
    )


def _dropout_rate(values):
    import json

    try:
        config = json.loads(values["config_json"])
    except (KeyError, TypeError, ValueError):
        return None
    layers = (config.get("config") or {}).get("layers") or []
    for layer in layers:
        if layer.get("class_name") == "Dropout":
            return (layer.get("config") or {}).get("rate")
    return None


def check_penalty(values, dense, name, l1: float, l2: float, describe: str) -> Outcome:
    """The penalty the model adds equals l1·Σ|W| + l2·ΣW² of its hidden kernel, and nothing else."""
    what = f"`{name}` adds {describe} of its hidden layer's weights to its loss"
    if values.get("penalty_error"):
        return Outcome(what, False, f"its penalty cannot be computed: {values['penalty_error']}")
    found = values.get("penalty")
    if not dense or not isinstance(found, (int, float)):
        return Outcome(what, False, "the check found no penalty to compare")
    kernel = dense[0][0]
    expected = l1 * float(np.abs(kernel).sum()) + l2 * float((kernel**2).sum())
    if math.isclose(found, expected, rel_tol=2e-4, abs_tol=1e-6):
        return Outcome(what, True)
    if found == 0:
        return Outcome(
            what,
            False,
            "the model adds no penalty to its loss",
            "pass kernel_regularizer=... to the hidden Dense layer",
        )
    hint = "put the penalty on the hidden layer's kernel only, with the strength the exercise gives"
    if l2 and not l1:
        ratio = found / float((kernel**2).sum())
        hint = (
            f"the penalty equals {ratio:.4g}·Σw² of the hidden kernel (or includes other "
            f"layers); the exercise asks for {l2:g}·Σw² on the hidden layer only"
        )
    return Outcome(
        what,
        False,
        f"its penalty is {found:.6g}, but {describe} of its hidden kernel is {expected:.6g}",
        hint,
    )


def check_compiled(values, challenge, label, name) -> Outcome:
    what = f"`{name}` is compiled with RMSprop and the mean squared error"
    optimizer, _ = kit.optimizer_summary(values)
    if optimizer is None:
        return Outcome(
            what, False, f"`{name}` is not compiled", f"call {name}.compile(optimizer='rmsprop', loss='mse')"
        )
    if optimizer != "RMSprop":
        return Outcome(what, False, f"its optimizer is {optimizer}", "compile with optimizer='rmsprop'")
    if values.get("loss_error"):
        return Outcome(what, False, f"its loss cannot be used: {values['loss_error']}")
    value = values.get("loss_on_challenge")
    if value is None:
        return Outcome(what, False, "it has no loss", "compile with loss='mse'")
    y_true, y_pred = challenge_loss_pair(challenge, label + ".loss")
    mse = float(np.mean((y_true.astype(float) - y_pred.astype(float)) ** 2))
    if math.isclose(value, mse, rel_tol=1e-4):
        return Outcome(what, True)
    mae = float(np.mean(np.abs(y_true.astype(float) - y_pred.astype(float))))
    hint = "use loss='mse' (mean squared error)"
    if math.isclose(value, mae, rel_tol=1e-4):
        hint = "that is the mean absolute error; " + hint
    return Outcome(what, False, "on made-up predictions its loss is not the mean squared error", hint)


def check_history(values, name, history_name, epochs_wanted: int, batch: int, exact: bool) -> Outcome:
    steps_wanted = math.ceil(N_TRAIN / batch)
    span = f"{epochs_wanted} epochs" if exact else f"at most {epochs_wanted} epochs"
    what = (
        f"`{history_name}` records {span} of {steps_wanted} steps (batches of {batch} over the "
        f"{N_TRAIN} training points), with validation loss"
    )
    if values.get("history_error"):
        return Outcome(what, False, values["history_error"])
    history = values.get("history") or {}
    if not history.get("same_model"):
        return Outcome(
            what,
            False,
            f"`{history_name}` comes from training another model than the `{name}` you have now",
            f"build {name} once, then {history_name} = {name}.fit(...) (or train(...))",
        )
    curves = history.get("curves") or {}
    losses = curves.get("loss") or []
    if (exact and len(losses) != epochs_wanted) or not 1 <= len(losses) <= epochs_wanted:
        return Outcome(what, False, f"it holds {len(losses)} epochs", f"train for {span}")
    steps = (history.get("params") or {}).get("steps")
    if steps != steps_wanted:
        return Outcome(
            what,
            False,
            f"each epoch had {steps} steps",
            f"fit on the 20 training points with batch_size={batch}",
        )
    if "val_loss" not in curves:
        return Outcome(
            what,
            False,
            "it has no validation loss",
            "pass validation_data=(data.F_val, data.y_val) to fit (train() does)",
        )
    if not all(isinstance(v, float) and math.isfinite(v) for v in losses + curves["val_loss"]):
        return Outcome(what, False, "its losses are not finite numbers")
    return Outcome(what, True)


def check_trained(values, name, updates_wanted: int | None) -> Outcome:
    what = f"`{name}` holds trained weights (its optimizer made the training's updates)"
    iterations = values.get("iterations")
    if not iterations:
        return Outcome(
            what,
            False,
            f"`{name}`'s optimizer has made no update: it was never trained",
            f"train {name} itself, and do not rebuild it afterwards",
        )
    if updates_wanted is not None and iterations != updates_wanted:
        return Outcome(
            what,
            False,
            f"its optimizer made {iterations} updates; the training "
            f"recorded in its history makes {updates_wanted}",
            "train the model once, from fresh: rebuild it, then fit it",
        )
    return Outcome(what, True)


# --------------------------------------------------------------------------- exercise 1


def probe_ex1(namespace, challenge) -> Evidence:
    evidence = Evidence()
    for _strength, model_name, history_name in EX1_PENALTIES:
        found = probe_network(namespace, challenge, model_name, history_name, f"ex1.{model_name}")
        evidence.values[model_name] = found.values
        evidence.arrays.update({f"{model_name}.{k}": v for k, v in found.arrays.items()})
    return evidence


def _own(evidence, prefix: str) -> tuple[dict, dict]:
    values = evidence.values.get(prefix) or {}
    arrays = {k[len(prefix) + 1 :]: v for k, v in evidence.arrays.items() if k.startswith(prefix + ".")}
    return values, arrays


def judge_ex1(evidence, challenge, context) -> list[Outcome]:
    params = context.get("params") or {}
    epochs = int(kit.number_param(params, "EPOCHS", 30))
    outcomes = []
    for strength, model_name, history_name in EX1_PENALTIES:
        values, arrays = _own(evidence, model_name)
        dense = kit.dense_layers(values, arrays)
        outcomes += [
            check_network(values, arrays, dense, challenge, f"ex1.{model_name}", model_name, dropout=False),
            check_penalty(values, dense, model_name, 0.0, strength, f"{strength:g}·Σw²"),
            check_compiled(values, challenge, f"ex1.{model_name}", model_name),
            check_history(values, model_name, history_name, epochs, 1, exact=True),
            check_trained(values, model_name, epochs * N_TRAIN),
        ]
    return outcomes


# --------------------------------------------------------------------------- exercise 2


def probe_ex2(namespace, challenge) -> Evidence:
    evidence = probe_network(namespace, challenge, "model_ex2", "history_ex2", "ex2")
    path = namespace.get("EX2_CHECKPOINT", EX2_CHECKPOINT)
    if not isinstance(path, str):
        evidence.values["checkpoint_error"] = f"EX2_CHECKPOINT is a {type(path).__name__}, not a file name"
        return evidence
    import os

    import keras

    if not os.path.isfile(path):
        evidence.values["checkpoint_error"] = f"there is no file {path!r}"
        return evidence
    try:
        saved = keras.saving.load_model(path, safe_mode=True)
        found = keras_evidence.model_evidence(
            saved, challenge_inputs(challenge, "ex2"), f"the model in {path!r}"
        )
    except ProbeError as exc:
        evidence.values["checkpoint_error"] = str(exc)
    except Exception as exc:  # noqa: BLE001 - any file the learner wrote
        evidence.values["checkpoint_error"] = (
            f"{path!r} cannot be loaded as a Keras model: {type(exc).__name__}: {str(exc)[:200]}"
        )
    else:
        evidence.values["checkpoint"] = found.values
        evidence.arrays.update({f"checkpoint.{k}": v for k, v in found.arrays.items()})
    return evidence


def _powers(x: np.ndarray) -> np.ndarray:
    return np.stack([x**k for k in range(1, N_FEATURES + 1)], axis=1)


@cache
def lab_validation_set(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The lab's standardised validation features and targets for DATA_SEED ``seed``
    (the lab's ``prepare``: same draws, in the same order)."""
    from dlex.data.synthetic import noisy_line

    rng = np.random.default_rng(seed)
    x, y = noisy_line(rng)
    order = rng.permutation(len(x))
    train = np.sort(order[:N_TRAIN])
    x_again, y_again = noisy_line(rng)
    val = np.sort(rng.permutation(len(x_again))[:N_TRAIN])
    raw = _powers(x[train])
    mean, std = raw.mean(axis=0), raw.std(axis=0)
    return (_powers(x_again[val]) - mean) / std, y_again[val]


def check_restored_best(values, arrays, dense, params) -> Outcome:
    what = (
        "`model_ex2` holds the weights of its best epoch (lowest validation loss): early "
        "stopping restored them"
    )
    curves = (values.get("history") or {}).get("curves") or {}
    val_losses = curves.get("val_loss") or []
    if not val_losses or not dense:
        return Outcome(what, False, "there is no validation loss to compare with")
    F_val, y_val = lab_validation_set(int(kit.number_param(params, "DATA_SEED", 2024)))
    try:
        rebuilt = rebuild(values, arrays)
        predictions = predict(rebuilt, F_val.astype("float32"))[:, 0]
    except RebuildError as exc:
        return Outcome(what, False, f"the check cannot rebuild `model_ex2`: {exc}")
    kernel = dense[0][0]
    l1, l2 = EX2_PENALTY
    loss = (
        float(np.mean((predictions - y_val) ** 2))
        + l1 * float(np.abs(kernel).sum())
        + l2 * float((kernel**2).sum())
    )
    # Which epoch's weights are these? The epoch whose recorded validation loss is nearest.
    gaps = np.abs(np.asarray(val_losses, dtype=float) - loss)
    nearest = int(np.argmin(gaps))
    best = min(val_losses)
    recorded = gaps[nearest] <= 1e-4 * max(1.0, abs(loss))
    if recorded and val_losses[nearest] == best:
        return Outcome(what, True)
    if recorded and nearest == len(val_losses) - 1:
        return Outcome(
            what,
            False,
            f"its validation loss is {loss:.6g}, the last epoch's, not the best epoch's {best:.6g}",
            "pass restore_best_weights=True to EarlyStopping",
        )
    if recorded:
        return Outcome(
            what,
            False,
            f"it holds the weights of epoch {nearest + 1}, not of the best epoch "
            f"{int(np.argmin(val_losses)) + 1}",
            "early stopping must watch monitor='val_loss'",
        )
    return Outcome(
        what,
        False,
        f"on the lab's validation set its loss is {loss:.6g}, which no epoch "
        f"recorded (the best epoch's was {best:.6g})",
        "train on the lab's data "
        "(data.F_train, data.y_train), watching data.F_val, data.y_val; use "
        "restore_best_weights=True",
    )


def check_patience(values, epochs_max: int) -> Outcome:
    what = f"early stopping watched val_loss with patience {EX2_PATIENCE}"
    curves = (values.get("history") or {}).get("curves") or {}
    val_losses = curves.get("val_loss") or []
    if not val_losses:
        return Outcome(what, False, "there is no validation loss")
    best = int(np.argmin(val_losses)) + 1
    ran = len(val_losses)
    if ran >= epochs_max:
        # Ran to the end: patience is consistent if no run of EX2_PATIENCE epochs without a new best
        # happened, which the training record can show.
        record, since = math.inf, 0
        for value in val_losses[:-1]:  # a stop due at the last epoch changes nothing
            since = 0 if value < record else since + 1
            record = min(record, value)
            if since >= EX2_PATIENCE:
                return Outcome(
                    what,
                    False,
                    f"the validation loss did not improve for {EX2_PATIENCE} epochs, yet training went on",
                    "pass callbacks=[keras.callbacks.EarlyStopping(monitor='val_loss', "
                    "patience=4, restore_best_weights=True), ...] to fit",
                )
        return Outcome(what, True, f"training ran all {ran} epochs without a reason to stop")
    if ran - best == EX2_PATIENCE:
        return Outcome(what, True)
    return Outcome(
        what,
        False,
        f"training stopped {ran - best} epochs after the best epoch ({best})",
        f"use EarlyStopping(monitor='val_loss', patience={EX2_PATIENCE})",
    )


def check_checkpoint(values, arrays, challenge) -> Outcome:
    what = "the checkpoint file holds the best model (the same predictions as `model_ex2`)"
    if values.get("checkpoint_error"):
        return Outcome(
            what,
            False,
            values["checkpoint_error"],
            "add keras.callbacks.ModelCheckpoint(EX2_CHECKPOINT, monitor='val_loss', "
            "save_best_only=True) to the callbacks",
        )
    saved_values = values.get("checkpoint") or {}
    saved_arrays = {k[len("checkpoint.") :]: v for k, v in arrays.items() if k.startswith("checkpoint.")}
    x = challenge_inputs(challenge, "ex2")
    try:
        saved = predict(rebuild(saved_values, saved_arrays), x)
        model = predict(
            rebuild(values, {k: v for k, v in arrays.items() if not k.startswith("checkpoint.")}), x
        )
    except RebuildError as exc:
        return Outcome(what, False, f"the check cannot rebuild a model: {exc}")
    if kit.close(saved, model, 1e-5):
        return Outcome(what, True)
    return Outcome(
        what,
        False,
        "the model in the file predicts differently from `model_ex2`",
        "save only the best epoch (save_best_only=True, monitor='val_loss') and restore "
        "the best weights in the model too (restore_best_weights=True)",
    )


def judge_ex2(evidence, challenge, context) -> list[Outcome]:
    values, arrays = evidence.values, evidence.arrays
    model_arrays = {k: v for k, v in arrays.items() if not k.startswith("checkpoint.")}
    params = context.get("params") or {}
    epochs_max = int(kit.number_param(params, "EPOCHS_EX2", 120))
    dense = kit.dense_layers(values, model_arrays)
    history = values.get("history") or {}
    ran = len(((history.get("curves") or {}).get("loss")) or [])
    l1, l2 = EX2_PENALTY
    return [
        check_network(values, model_arrays, dense, challenge, "ex2", "model_ex2", dropout=True),
        check_penalty(values, dense, "model_ex2", l1, l2, f"{l1:g}·Σ|w| + {l2:g}·Σw²"),
        check_compiled(values, challenge, "ex2", "model_ex2"),
        check_history(values, "model_ex2", "history_ex2", epochs_max, EX2_BATCH, exact=False),
        check_trained(values, "model_ex2", ran * math.ceil(N_TRAIN / EX2_BATCH) if ran else None),
        check_patience(values, epochs_max),
        check_restored_best(values, model_arrays, dense, params),
        check_checkpoint(values, arrays, challenge),
    ]


EXERCISES = (
    Exercise(
        id="lab04.ex1",
        title="Stronger L2",
        points=2,
        names=("model_l2_20", "history_l2_20", "model_l2_200", "history_l2_200"),
        probe=probe_ex1,
        judge=judge_ex1,
        params=("EPOCHS", "SEED_NN"),
        summary="the lab's network with L2 penalties of 20 and 200 on its hidden layer",
    ),
    Exercise(
        id="lab04.ex2",
        title="Everything at once",
        points=3,
        names=("model_ex2", "history_ex2"),
        probe=probe_ex2,
        judge=judge_ex2,
        params=("EPOCHS_EX2", "DATA_SEED", "SEED_EX2", "EX2_CHECKPOINT"),
        summary="L1L2(50, 50), Dropout(0.5), early stopping (patience 4) and a checkpoint",
    ),
)


# --------------------------------------------------------------------------- questions

QUESTIONS = (
    Choice(
        "lab04.q1",
        "The expected test error splits into bias², variance and noise σ². "
        "Which part can no model reduce, however it is trained?",
        ("bias²", "variance", "the noise σ²", "none: a large enough model removes all three"),
        "σ² is the error of the true function itself on noisy targets; every model's expected "
        "test error is at least σ². Bias and variance depend on the model and its training.",
    ),
    Choice(
        "lab04.q2",
        "As the ridge penalty α grows, what happens to the bias² and the variance of the fitted model?",
        ("both fall", "bias² rises, variance falls", "bias² falls, variance rises", "both rise"),
        "A larger α pulls every fit towards small weights (a flat line): fits from different "
        "training sets differ less (less variance) but sit further from the truth (more bias).",
    ),
    Numeric(
        "lab04.q3",
        "A Dropout layer with rate 0.2 receives the value 3.0 during training and "
        "keeps it. What value does it output? (Keras uses inverted dropout.)",
        "Kept values are divided by the keep probability 1 − 0.2 = 0.8, so the expected output "
        "equals the input: 3.0 / 0.8.",
    ),
    Numeric(
        "lab04.q4",
        "How many different sub-networks can dropout pick from a layer of 12 units "
        "(each unit kept or dropped)?",
        "Each unit is either kept or dropped, independently: 2 choices for each of 12 units, 2¹² masks.",
    ),
    Choice(
        "lab04.q5",
        "Why does the lasso set some weights exactly to zero while ridge only makes them small?",
        (
            "The lasso uses more training data",
            "The L1 penalty costs the same per unit of weight however small the weight, so a weight "
            "whose feature cannot reduce the error by that much is set to 0; the L2 penalty's cost "
            "vanishes near 0",
            "Ridge rounds its weights to three decimals",
            "The lasso standardises its features and ridge does not",
        ),
        "The L1 penalty's slope is α at any non-zero weight; a feature whose correlation with the "
        "remaining error is below α is better dropped. The L2 penalty's slope 2αw shrinks to 0 "
        "with w, so it never forces a weight all the way.",
    ),
    Choice(
        "lab04.q6",
        "What does a BatchNormalization layer use to normalise its inputs at inference (prediction) time?",
        (
            "the statistics of the current batch",
            "the moving averages of mean and variance collected during training",
            "no normalisation at all",
            "the statistics of the test set",
        ),
        "In training it uses each batch's mean and variance and updates moving averages "
        "(momentum 0.99); at inference it uses those moving averages, so a prediction does not "
        "depend on the rest of its batch.",
    ),
    Choice(
        "lab04.q7",
        "What does a BatchNormalization layer output in training mode for a batch of one example?",
        ("the input unchanged", "γ times the input", "β, whatever the input", "the moving mean"),
        "With one example the batch mean is the example and the batch variance is 0, so every "
        "normalised value is 0 and the output is γ·0 + β = β: the layer learns nothing from the "
        "input. Batch normalisation needs batches.",
    ),
    ResultNumeric(
        "lab04.q8",
        "How many of the lasso's 9 weights were exactly zero in your run?",
        "lasso.zero_coefficients",
        0,
        "The lasso drops every feature whose correlation with the remaining error is at "
        "most α; your run printed its weights and the count.",
    ),
    ResultNumeric(
        "lab04.q9",
        "At which epoch did the early-stopped network of section 9 reach its "
        "lowest validation loss in your run?",
        "nn_early_stopping.best_epoch",
        0,
        "EarlyStopping(patience=1) stops one epoch after the last improvement and restores "
        "the weights of the best epoch, the one printed as 'best validation loss at epoch'.",
    ),
    ResultChoice(
        "lab04.q10",
        "In your run, which digit classifier had the higher mean test accuracy over its seeds?",
        (
            ("trained with augmentation", "augmentation.test_accuracy"),
            ("trained without augmentation", "no_augmentation.test_accuracy"),
        ),
        "max",
        "Transformed copies teach the classifier that small shifts, turns and zooms do not "
        "change a digit; with only 1,000 training images that usually helps on new digits.",
    ),
)
