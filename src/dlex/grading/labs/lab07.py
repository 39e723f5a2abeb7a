"""Lab 7 — Recurrent networks: two exercises and ten evaluation questions.

Exercise 1 builds and trains a GRU classifier with dropout and recurrent dropout;
Exercise 2 a bidirectional GRU with an L2 penalty on its embedding. The checks test what
the learner built, not how it is written: the layers' settings as Keras reports them, the
network's outputs on random word sequences the check draws (recomputed here with
``dlex.scratch.rnn``), the loss on made-up predictions, and what training left in the
model and its History.
"""

import json
import math

import numpy as np

from dlex.grading.exercises import keras_evidence, kit
from dlex.grading.exercises.declarations import Evidence, Exercise, Outcome, ProbeError
from dlex.grading.questions.kinds import Choice, Numeric, ResultChoice, ResultNumeric

N_REVIEWS = 6
STEPS = 24
UNITS = 32
REVIEWS_IN_TRAINING_SET = 25_000


# --------------------------------------------------------------------------- shared


def _num_words(params_or_namespace) -> int:
    value = params_or_namespace.get("NUM_WORDS", 10000)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 3 else 10000


def challenge_reviews(challenge, label: str, num_words: int) -> np.ndarray:
    """Random word numbers ``(N, STEPS)``, without padding, like the lab's reviews."""
    return challenge.rng(label).integers(1, num_words, size=(N_REVIEWS, STEPS)).astype("int32")


def challenge_loss_pair(challenge, label: str) -> tuple[np.ndarray, np.ndarray]:
    """0/1 labels and made-up predicted probabilities, to watch a loss at work."""
    rng = challenge.rng(label)
    y_true = rng.integers(0, 2, size=(16, 1)).astype("float32")
    y_pred = rng.uniform(0.05, 0.95, size=(16, 1)).astype("float32")
    return y_true, y_pred


def probe_classifier(namespace, challenge, name: str, history_name: str, label: str) -> Evidence:
    import sys

    keras = sys.modules.get("keras")
    model = namespace[name]
    if keras is None or not isinstance(model, keras.Model):
        raise ProbeError(
            f"`{name}` is a {type(model).__name__}, not a Keras model "
            "(build it with keras.Sequential([...]) or recurrent_classifier(...))"
        )
    num_words = _num_words(namespace)
    reviews = challenge_reviews(challenge, label, num_words)
    try:
        model(reviews[:1], training=False)
    except Exception as exc:  # noqa: BLE001 - the learner's model may fail in any way
        raise ProbeError(
            f"`{name}` fails on a batch of word sequences: {type(exc).__name__}: {str(exc)[:300]}"
        ) from None
    evidence = keras_evidence.model_evidence(model, reviews, f"`{name}`")
    try:
        evidence.values["loss_on_challenge"] = keras_evidence.loss_value(
            model, *challenge_loss_pair(challenge, label + ".loss")
        )
    except ProbeError as exc:
        evidence.values["loss_error"] = str(exc)
    except Exception as exc:  # noqa: BLE001 - the learner's loss may fail in any way
        evidence.values["loss_error"] = f"calling it raised {type(exc).__name__}: {str(exc)[:200]}"
    try:
        evidence.values["history"] = keras_evidence.history_evidence(namespace[history_name], model)
    except ProbeError as exc:
        evidence.values["history_error"] = f"`{history_name}`: {exc}"
    return evidence


def layer_configs(values: dict) -> list[dict]:
    """The model's layers as ``{"class", "config"}``, without the input layer."""
    try:
        config = json.loads(values["config_json"])
    except (KeyError, TypeError, ValueError):
        return []
    entries = (config.get("config") or {}).get("layers") or []
    return [
        {"class": e.get("class_name"), "config": dict(e.get("config") or {})}
        for e in entries
        if isinstance(e, dict) and e.get("class_name") != "InputLayer"
    ]


def _l2_of(settings: dict, key: str) -> float | None:
    regularizer = settings.get(key)
    if not isinstance(regularizer, dict):
        return None
    name, config = regularizer.get("class_name"), regularizer.get("config") or {}
    if name == "L2":
        return config.get("l2")
    if name == "L1L2" and not config.get("l1"):
        return config.get("l2")
    return float("nan")  # some other penalty


def _close(value, target) -> bool:
    return isinstance(value, (int, float)) and math.isclose(value, target, rel_tol=1e-5, abs_tol=1e-9)


def check_shape(layers, name, middle: str) -> Outcome:
    what = f"`{name}`'s layers are, in order: Embedding, {middle}, Dense"
    found = tuple(layer["class"] for layer in layers)
    if found == ("Embedding", middle, "Dense"):
        return Outcome(what, True)
    shown = ", ".join(found) or "none"
    hint = "build Embedding → the recurrent layer → Dense(1, sigmoid), nothing else"
    if "Dropout" in found or "SpatialDropout1D" in found:
        hint = (
            "the dropout goes inside the recurrent layer, as its dropout= and recurrent_dropout= "
            "arguments, not as a separate layer"
        )
    elif middle == "Bidirectional" and "GRU" in found:
        hint = "wrap the GRU: keras.layers.Bidirectional(keras.layers.GRU(32, ...))"
    elif middle == "GRU" and ("LSTM" in found or "SimpleRNN" in found):
        hint = "the exercise asks for a GRU layer"
    return Outcome(what, False, f"its layers are: {shown}", hint)


def check_embedding(layers, name, num_words: int, l2: float | None) -> Outcome:
    penalty = f", with an L2({l2:g}) penalty" if l2 else ", without a penalty"
    what = f"`{name}`'s Embedding maps {num_words:,} words (NUM_WORDS) to vectors of 32{penalty}"
    found = [layer["config"] for layer in layers if layer["class"] == "Embedding"]
    if not found:
        return Outcome(
            what, False, "it has no Embedding layer", "start with keras.layers.Embedding(NUM_WORDS, 32)"
        )
    settings, problems, hint = found[0], [], "compare the Embedding's arguments with the exercise"
    if settings.get("input_dim") != num_words:
        problems.append(f"its vocabulary has {settings.get('input_dim')} words")
        hint = "the first argument is the number of words kept, NUM_WORDS"
    if settings.get("output_dim") != 32:
        problems.append(f"its vectors have {settings.get('output_dim')} numbers")
    if settings.get("mask_zero"):
        problems.append("it masks padding (mask_zero=True)")
        hint = "leave mask_zero at False: the lab's models read the padding"
    found_l2 = _l2_of(settings, "embeddings_regularizer")
    if l2 and (found_l2 is None or not _close(found_l2, l2)):
        problems.append("its table has " + ("no penalty" if found_l2 is None else "another penalty"))
        hint = f"pass embeddings_regularizer=keras.regularizers.L2({l2:g})"
    if not l2 and found_l2 is not None:
        problems.append("its table carries a penalty")
        hint = "the exercise's embedding has no penalty"
    if problems:
        return Outcome(what, False, "; ".join(problems), hint)
    return Outcome(what, True)


def check_gru_settings(settings: dict, dropout: float, recurrent_dropout: float, where: str) -> list[str]:
    """Ways in which ``settings`` differ from GRU(32, dropout, recurrent_dropout), in words."""
    problems = []
    if settings.get("units") != UNITS:
        problems.append(f"{where} has {settings.get('units')} units")
    if not _close(settings.get("dropout"), dropout):
        problems.append(f"{where} has dropout={settings.get('dropout')}")
    if not _close(settings.get("recurrent_dropout"), recurrent_dropout):
        problems.append(f"{where} has recurrent_dropout={settings.get('recurrent_dropout')}")
    if (
        settings.get("activation", "tanh") != "tanh"
        or settings.get("recurrent_activation", "sigmoid") != "sigmoid"
    ):
        problems.append(f"{where} uses other activations than tanh and sigmoid")
    if settings.get("return_sequences") or settings.get("go_backwards") or settings.get("stateful"):
        problems.append(f"{where} returns its whole sequence, reads backwards or is stateful")
    for key in ("kernel_regularizer", "recurrent_regularizer", "bias_regularizer"):
        if settings.get(key) is not None:
            problems.append(
                f"{where} has a {key.replace('_', ' ')} (section 7 showed what L2(0.01) on a GRU does)"
            )
    if settings.get("use_bias") is False:
        problems.append(f"{where} has no bias")
    return problems


def check_output_layer(layers, name) -> Outcome:
    what = f"`{name}` ends with Dense(1, sigmoid): the probability that a review is positive"
    dense = [layer["config"] for layer in layers if layer["class"] == "Dense"]
    if len(dense) != 1:
        return Outcome(
            what, False, f"it has {len(dense)} Dense layers", "end with one Dense(1, activation='sigmoid')"
        )
    settings = dense[0]
    if settings.get("units") != 1 or settings.get("activation") != "sigmoid":
        return Outcome(
            what,
            False,
            f"its Dense layer has {settings.get('units')} unit(s) and the "
            f"{settings.get('activation')} activation",
            "one unit with the sigmoid gives a probability between 0 and 1",
        )
    return Outcome(what, True)


def forward_by_hand(x: np.ndarray, layers: list[dict], weights: list) -> np.ndarray:
    """What the specified classifier computes with these weights, by dlex.scratch.rnn
    (inference: dropout does nothing)."""
    from dlex.scratch import rnn

    table = weights[0].astype("float64")
    h = table[np.asarray(x)]
    middle = layers[1]
    if middle["class"] == "GRU":
        reset_after = middle["config"].get("reset_after", True)
        gru = [w.astype("float64") for w in weights[1:4]]
        _, state = rnn.gru_forward(h, *gru, reset_after=reset_after)
        rest = weights[4:]
    elif middle["class"] == "Bidirectional":
        inner = (middle["config"].get("layer") or {}).get("config") or {}
        if middle["config"].get("merge_mode", "concat") != "concat":
            raise ValueError("only merge_mode='concat' is specified")
        reset_after = inner.get("reset_after", True)
        both = [w.astype("float64") for w in weights[1:7]]
        _, (forward, backward) = rnn.bidirectional_forward(
            h, both[:3], both[3:], cell="gru", reset_after=reset_after
        )
        state = np.concatenate([forward, backward], axis=-1)
        rest = weights[7:]
    else:
        raise ValueError(f"a {middle['class']} layer is not part of the specification")
    kernel, bias = rest[0].astype("float64"), rest[1].astype("float64")
    return kit.sigmoid(state @ kernel + bias)


def check_behaviour(values, arrays, layers, challenge, label, name, num_words) -> Outcome:
    what = (
        f"on {N_REVIEWS} random word sequences chosen by the check, `{name}` computes embedding, "
        "GRU and sigmoid as dlex.scratch.rnn computes them by hand"
    )
    reviews = challenge_reviews(challenge, label, num_words)
    outputs, failed = kit.rebuilt_outputs(
        values, arrays, reviews, name, what, "build the model from standard keras.layers"
    )
    if failed:
        return failed
    weights = [arrays[f"weight_{i}"] for i in range(int(values.get("n_weight_arrays") or 0))]
    return kit.matches_by_hand(
        what,
        outputs,
        lambda: forward_by_hand(reviews, layers, weights),
        "use the GRU's default activations and a sigmoid output",
    )


def check_compiled(values, challenge, label, name) -> Outcome:
    what = f"`{name}` is compiled with RMSprop and the binary cross-entropy loss"
    optimizer, _ = kit.optimizer_summary(values)
    if optimizer is None:
        return Outcome(
            what,
            False,
            f"`{name}` is not compiled",
            "use recurrent_classifier(...), or compile with optimizer='rmsprop', "
            "loss='binary_crossentropy', metrics=['accuracy']",
        )
    if optimizer != "RMSprop":
        return Outcome(what, False, f"its optimizer is {optimizer}", "compile with optimizer='rmsprop'")
    if values.get("loss_error"):
        return Outcome(
            what, False, f"its loss cannot be used: {values['loss_error']}", "use loss='binary_crossentropy'"
        )
    value = values.get("loss_on_challenge")
    if value is None:
        return Outcome(what, False, f"`{name}` has no loss", "compile with loss='binary_crossentropy'")
    y_true, y_pred = challenge_loss_pair(challenge, label + ".loss")
    p = np.clip(y_pred.astype("float64"), 1e-7, 1 - 1e-7)
    binary = float(np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))))
    if math.isclose(value, binary, rel_tol=1e-3, abs_tol=1e-4):
        return Outcome(what, True)
    hint = "use loss='binary_crossentropy': one probability per review, label 0 or 1"
    if math.isclose(value, float(np.mean((y_true - y_pred) ** 2)), rel_tol=1e-3):
        hint = "that is the mean squared error; " + hint
    return Outcome(
        what,
        False,
        "on made-up predictions its loss gives another number than the binary cross-entropy",
        hint,
    )


def _stopped_as_patience_says(val_accuracy: list, patience: int, epochs: int, min_delta: float = 0.0) -> bool:
    """Keras's rule: stop once ``patience`` epochs in a row fail to raise the best value
    by more than ``min_delta``."""
    best, waited = -math.inf, 0
    for i, value in enumerate(val_accuracy):
        if value - min_delta > best:
            best, waited = value, 0
        else:
            waited += 1
        if waited >= patience and i < len(val_accuracy) - 1:
            return False  # training went on past the stopping point
    return len(val_accuracy) == epochs or waited >= patience


def check_history(values, params, name, history_name, result_name) -> Outcome:
    epochs, patience = kit.integer_param(params, "MAX_EPOCHS", 20), kit.integer_param(params, "PATIENCE", 3)
    min_delta = kit.integer_param(params, "MIN_DELTA", 0.0)
    batch = kit.integer_param(params, "BATCH_SMALL", 256)
    n_fit = (kit.integer_param(params, "TRAIN_LIMIT", 0) or REVIEWS_IN_TRAINING_SET) - kit.integer_param(
        params, "VALIDATION_SIZE", 5000
    )
    steps_wanted = math.ceil(n_fit / batch) if n_fit > 0 else None
    what = (
        f'`{history_name}` is what `train("{result_name}", {name}, batch_size=BATCH_SMALL, ...)` '
        f"returned: batches of {batch} of the {n_fit:,} training reviews, validated, stopped by early "
        f"stopping (at most {epochs} epochs)"
    )
    if values.get("history_error"):
        return Outcome(
            what,
            False,
            values["history_error"],
            f'write {history_name} = train("{result_name}", {name}, batch_size=BATCH_SMALL, seed=...)',
        )
    history = values.get("history") or {}
    if not history.get("same_model"):
        return Outcome(
            what,
            False,
            f"`{history_name}` comes from training another model than the `{name}` you have now",
            f"build {name} once, then train that model; re-running the "
            "cell that builds it replaces the trained one",
        )
    curves, fit_params = history.get("curves") or {}, history.get("params") or {}
    if "val_accuracy" not in curves:
        return Outcome(
            what,
            False,
            "it has no validation accuracy",
            "train with the lab's train(...) helper, which validates on the held-out reviews",
        )
    if fit_params.get("epochs") != epochs:
        return Outcome(
            what,
            False,
            f"fit was asked for {fit_params.get('epochs')} epochs",
            "use the train(...) helper: it asks for MAX_EPOCHS and lets early stopping decide",
        )
    if steps_wanted and fit_params.get("steps") != steps_wanted:
        return Outcome(
            what,
            False,
            f"each epoch had {fit_params.get('steps')} batches; the {n_fit:,} "
            f"training reviews in batches of {batch} make {steps_wanted}",
            "pass batch_size=BATCH_SMALL to train(...)",
        )
    accuracy = curves["val_accuracy"]
    if not all(isinstance(v, float) and math.isfinite(v) for v in accuracy):
        return Outcome(what, False, "its validation accuracy is not a finite number")
    if not _stopped_as_patience_says(accuracy, patience, epochs, min_delta):
        return Outcome(
            what,
            False,
            f"training ran {len(accuracy)} epochs, past {patience} epochs without "
            f"a validation accuracy better by more than {min_delta:g}",
            "train with the train(...) helper: it stops early",
        )
    return Outcome(what, True)


def check_trained(values, name) -> Outcome:
    what = f"`{name}` holds trained weights: its optimizer made every training step in the History"
    iterations = values.get("iterations")
    history = values.get("history") or {}
    epochs = len((history.get("curves") or {}).get("loss") or [])
    steps = (history.get("params") or {}).get("steps")
    if not iterations:
        return Outcome(
            what,
            False,
            f"`{name}`'s optimizer has made no update: it has never been trained",
            f"train {name} with the train(...) helper, and do not rebuild it afterwards",
        )
    if epochs and isinstance(steps, int) and iterations != epochs * steps:
        return Outcome(
            what,
            False,
            f"its optimizer made {iterations} updates; {epochs} epoch(s) of {steps} "
            f"batches make {epochs * steps}",
            f"train {name} once, with one call of train(...)",
        )
    return Outcome(what, True)


# --------------------------------------------------------------------------- exercise 1


def probe_ex1(namespace, challenge) -> Evidence:
    return probe_classifier(namespace, challenge, "model_ex1", "history_ex1", "ex1")


def check_gru_ex1(layers) -> Outcome:
    what = "`model_ex1`'s recurrent layer is GRU(32, dropout=0.5, recurrent_dropout=0.1), without a penalty"
    found = [layer["config"] for layer in layers if layer["class"] == "GRU"]
    if not found:
        return Outcome(
            what, False, "it has no GRU layer", "use keras.layers.GRU(32, dropout=0.5, recurrent_dropout=0.1)"
        )
    problems = check_gru_settings(found[0], 0.5, 0.1, "the GRU")
    if problems:
        swapped = _close(found[0].get("dropout"), 0.1) and _close(found[0].get("recurrent_dropout"), 0.5)
        hint = (
            (
                "the two rates are swapped: dropout (on the inputs x) is 0.5, recurrent_dropout (on "
                "the state h) is 0.1"
            )
            if swapped
            else "compare the GRU's arguments with the exercise"
        )
        return Outcome(what, False, "; ".join(problems), hint)
    return Outcome(what, True)


def judge_ex1(evidence, challenge, context) -> list[Outcome]:
    values, arrays = evidence.values, evidence.arrays
    params = context.get("params") or {}
    num_words = _num_words(params)
    layers = layer_configs(values)
    return [
        check_shape(layers, "model_ex1", "GRU"),
        check_embedding(layers, "model_ex1", num_words, None),
        check_gru_ex1(layers),
        check_output_layer(layers, "model_ex1"),
        check_behaviour(values, arrays, layers, challenge, "ex1", "model_ex1", num_words),
        check_compiled(values, challenge, "ex1", "model_ex1"),
        check_history(values, params, "model_ex1", "history_ex1", "gru_dropout"),
        check_trained(values, "model_ex1"),
    ]


# --------------------------------------------------------------------------- exercise 2


def probe_ex2(namespace, challenge) -> Evidence:
    return probe_classifier(namespace, challenge, "model_ex2", "history_ex2", "ex2")


def check_bidirectional(layers) -> Outcome:
    what = (
        "`model_ex2`'s recurrent layer is Bidirectional(GRU(32, dropout=0.3, recurrent_dropout=0.02)), "
        "its two directions' states concatenated"
    )
    found = [layer["config"] for layer in layers if layer["class"] == "Bidirectional"]
    if not found:
        return Outcome(
            what,
            False,
            "it has no Bidirectional layer",
            "wrap the GRU: keras.layers.Bidirectional(keras.layers.GRU(32, ...))",
        )
    settings = found[0]
    inner = settings.get("layer") or {}
    if inner.get("class_name") != "GRU":
        return Outcome(
            what,
            False,
            f"the Bidirectional layer wraps a {inner.get('class_name')}",
            "wrap a keras.layers.GRU",
        )
    problems = check_gru_settings(inner.get("config") or {}, 0.3, 0.02, "the GRU inside")
    if settings.get("merge_mode", "concat") != "concat":
        problems.append(f"it joins the two directions with merge_mode={settings.get('merge_mode')!r}")
    backward = settings.get("backward_layer")
    if isinstance(backward, dict) and backward.get("class_name") not in (None, "GRU"):
        problems.append(f"its backward layer is a {backward.get('class_name')}")
    if problems:
        return Outcome(
            what,
            False,
            "; ".join(problems),
            "compare the GRU's arguments with the exercise; leave Bidirectional's merge_mode at its default",
        )
    return Outcome(what, True)


def judge_ex2(evidence, challenge, context) -> list[Outcome]:
    values, arrays = evidence.values, evidence.arrays
    params = context.get("params") or {}
    num_words = _num_words(params)
    layers = layer_configs(values)
    return [
        check_shape(layers, "model_ex2", "Bidirectional"),
        check_embedding(layers, "model_ex2", num_words, 0.01),
        check_bidirectional(layers),
        check_output_layer(layers, "model_ex2"),
        check_behaviour(values, arrays, layers, challenge, "ex2", "model_ex2", num_words),
        check_compiled(values, challenge, "ex2", "model_ex2"),
        check_history(values, params, "model_ex2", "history_ex2", "bigru"),
        check_trained(values, "model_ex2"),
    ]


PARAMS = ("NUM_WORDS", "MAX_EPOCHS", "PATIENCE", "MIN_DELTA", "TRAIN_LIMIT", "VALIDATION_SIZE", "BATCH_SMALL")

EXERCISES = (
    Exercise(
        id="lab07.ex1",
        title="A GRU with dropout",
        points=3,
        names=("model_ex1", "history_ex1"),
        probe=probe_ex1,
        judge=judge_ex1,
        params=PARAMS + ("SEED_EX1",),
        summary="Embedding(NUM_WORDS, 32) → GRU(32, dropout=0.5, recurrent_dropout=0.1) → "
        "Dense(1, sigmoid), RMSprop and binary cross-entropy, trained with train(...)",
    ),
    Exercise(
        id="lab07.ex2",
        title="A bidirectional GRU",
        points=3,
        names=("model_ex2", "history_ex2"),
        probe=probe_ex2,
        judge=judge_ex2,
        params=PARAMS + ("SEED_EX2",),
        summary="Embedding(NUM_WORDS, 32, L2 0.01) → Bidirectional(GRU(32, dropout=0.3, "
        "recurrent_dropout=0.02)) → Dense(1, sigmoid), trained with train(...)",
    ),
)


# --------------------------------------------------------------------------- questions

QUESTIONS = (
    Choice(
        "lab07.q1",
        "How does the number of weights of a simple recurrent layer depend on the "
        "length T of the sequences it reads?",
        (
            "It grows in proportion to T",
            "It grows with T², because every step is connected to every other",
            "It does not depend on T: the same U, W and b are used at every step",
            "It is fixed at the length of the first sequence the layer sees",
        ),
        "Unfolded in time the layer is a deep network whose copies all share U, W and b, so a "
        "layer with D inputs and u units has D·u + u·u + u weights whatever the length.",
    ),
    Numeric(
        "lab07.q2",
        "How many weights (kernel, recurrent kernel and biases) has "
        "keras.layers.SimpleRNN(16) on sequences of 8 features per step?",
        "D·u for the input kernel, u·u for the recurrent kernel and u biases: 8·16 + 16·16 + 16.",
    ),
    Numeric(
        "lab07.q3",
        "How many weights has keras.layers.LSTM(10) on sequences of 5 features per step?",
        "Four gates (input, forget, candidate, output), each with its own D·u input weights, "
        "u·u recurrent weights and u biases: 4·(5·10 + 10·10 + 10).",
    ),
    Choice(
        "lab07.q4",
        "Why did the GRU with L2(0.01) on its embedding and input kernel stay at chance?",
        (
            "Its learning rate was too small to move the weights at all",
            "The penalty's gradient was many times the data's, so RMSprop shrank the embedding and "
            "kernel towards zero, every review looked alike, and the data gradient that could undo "
            "it vanished with them",
            "A GRU cannot classify text; only LSTMs can",
            "Padding the reviews in front hid the words from the GRU",
        ),
        "Section 7 measured it: at the start the penalty's pull on the embedding was tens of times "
        "the data's push, and RMSprop moves each weight by about the learning rate per step "
        "whatever its gradient's size, so the word vectors collapsed within the first epochs.",
    ),
    Choice(
        "lab07.q5",
        "What does Keras's recurrent_dropout do to the state h during training?",
        (
            "It draws a new random mask for h at every time step",
            "It draws one mask per sequence and uses it at every step (Gal & Ghahramani 2016)",
            "It drops whole sequences from the batch",
            "It drops entries of h only when the model is evaluated",
        ),
        "A fresh mask at each of 250 steps would erase a little more of the memory at every step; "
        "one mask per sequence drops the same entries throughout and keeps what is carried.",
    ),
    Choice(
        "lab07.q6",
        "Why does the lab pad short reviews with zeros in front rather than behind?",
        (
            "Zeros in front are cheaper to compute",
            "The recurrent layer answers from its last state, and padding in front leaves the "
            "review's words right before that answer",
            "Keras cannot pad behind",
            "The embedding layer ignores zeros only in front",
        ),
        "A state that must carry the review through a long run of padding after it loses some of "
        "it at every step; with the padding in front the last words read are the review's own.",
    ),
    Choice(
        "lab07.q7",
        "For which task can a bidirectional recurrent layer not be used as it stands?",
        (
            "Classifying a whole review as positive or negative",
            "Tagging every word of a finished sentence with its part of speech",
            "Forecasting the next value of a series from the values so far",
            "Detecting which sentences of a finished document are questions",
        ),
        "The backward direction reads from the end of the sequence, so every output depends on "
        "later elements. A forecast must not see the future it predicts.",
    ),
    ResultNumeric(
        "lab07.q8",
        "What test accuracy did the practitioner's GRU of section 8 (gru_fixed: L2(0.0001) "
        "on its embedding and kernel, batches of 32) reach? "
        "(a fraction, e.g. 0.87, to 3 decimals)",
        "gru_fixed.test_accuracy",
        0.0015,
        "The number is in your run's metrics as gru_fixed.test_accuracy: the fraction of the "
        "test reviews the GRU, with the weights of its best validation epoch, classified correctly.",
    ),
    ResultNumeric(
        "lab07.q9",
        "How many epochs did your bidirectional GRU (Exercise 2) train before early stopping ended it?",
        "bigru.epochs_run",
        0,
        "The length of history_ex2.history['loss']: the best epoch plus the patience, unless "
        "training reached MAX_EPOCHS first.",
    ),
    ResultChoice(
        "lab07.q10",
        "In your run, which forecast had the lower test error?",
        (("the naive forecast (last value)", "forecast.naive_rmse"), ("one GRU layer", "forecast.rmse")),
        "min",
        "The GRU sees the whole window and learns where in the daily cycle it ends; the naive "
        "forecast only repeats the last value, so it lags the cycle by the forecast horizon.",
    ),
)
