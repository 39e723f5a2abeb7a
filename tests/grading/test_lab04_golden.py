"""Lab 4 golden submissions through the real grader: the right marks and a clear message.

    .venv/bin/python tests/grading/test_lab04_golden.py          # rewrite the notebooks
    .venv/bin/python tests/grading/test_lab04_golden.py --check  # exit 1 if any is stale

Each submission (tests/grading/submissions/lab04/*.ipynb) is the lab's reference solution
cut down to the cells the exercises need (setup, parameters, the noisy-line data, the
network helpers, the two exercise cells), then changed in one typical way, and named by
that change. Lab 4's exercises train small regression networks on generated data (no
data files); three submissions are graded in the default suite, all with ``-m slow``.
"""

import sys

import goldenkit

from dlex.grading.exercises.declarations import Outcome, score_of  # noqa: E402

# The cells kept, by name (``# %% part=...`` in the lab), in lab order.
KEEP = ("setup", "parameters", "data", "regression-net", "ex1", "ex2")
EX1, EX2 = "ex1", "ex2"


def _marks(ex1_failed: int, ex2_failed: int) -> dict:
    """Scores with that many failed outcomes (Exercise 1 has 10 equal outcomes, Exercise 2 has 8)."""

    def score(points, total, failed):
        return score_of(points, [Outcome("", i >= failed) for i in range(total)])

    return {"lab04.ex1": score(2, 10, ex1_failed), "lab04.ex2": score(3, 8, ex2_failed)}


EXPECTED = {  # name: (marks, words the feedback must contain, any case)
    "all_correct": (_marks(0, 0), []),
    # model_l2_200 built with the 20 copied from the line above: its penalty check fails
    "ex1_same_penalty_twice": (_marks(1, 0), ["20·Σw²", "200·Σw²"]),
    # the penalty also on the output layer: both models' penalty checks fail
    "ex1_penalty_on_both_layers": (_marks(2, 0), ["hidden layer only"]),
    # the model keeps the last epoch's weights: it is not the best epoch's, and the
    # checkpoint (which holds the best) predicts differently
    "ex2_no_restore_best_weights": (_marks(0, 2), ["restore_best_weights=True"]),
    "ex2_patience_1": (_marks(0, 1), ["patience=4"]),
    # batches of 1: 20 steps per epoch, and as many updates
    "ex2_batch_size_1": (_marks(0, 2), ["batch_size=10"]),
    "ex2_no_checkpoint": (_marks(0, 1), ["ModelCheckpoint"]),
    "unanswered": ({"lab04.ex1": 0, "lab04.ex2": 0}, ["NotImplementedError"]),
}


_find = goldenkit.find


def _replace(nb, needle, old, new, count=None):
    goldenkit.replace(nb, needle, old, new, count)


def change(name, nb):
    """Make submission ``name`` from the cut-down reference solution."""
    if name == "ex1_same_penalty_twice":
        _replace(nb, EX1, "keras.regularizers.L2(200.0)", "keras.regularizers.L2(20.0)")
    elif name == "ex1_penalty_on_both_layers":  # written out in Keras, the penalty on every layer
        cell = _find(nb, EX1)
        cell.source = """def penalised_net(strength):
    dlex.seed(SEED_NN)
    model = keras.Sequential([
        keras.Input(shape=(9,)),
        keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.L2(strength)),
        keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L2(strength)),
    ])
    model.compile(optimizer="rmsprop", loss="mse")
    return model


model_l2_20 = penalised_net(20.0)
history_l2_20 = model_l2_20.fit(data.F_train, data.y_train, epochs=EPOCHS, batch_size=1,
                                validation_data=(data.F_val, data.y_val), verbose=0)
model_l2_200 = penalised_net(200.0)
history_l2_200 = model_l2_200.fit(data.F_train, data.y_train, epochs=EPOCHS, batch_size=1,
                                  validation_data=(data.F_val, data.y_val), verbose=0)"""
    elif name == "ex2_no_restore_best_weights":
        _replace(nb, EX2, "patience=4, restore_best_weights=True", "patience=4")
    elif name == "ex2_patience_1":
        _replace(nb, EX2, "patience=4, restore_best_weights=True", "patience=1, restore_best_weights=True")
    elif name == "ex2_batch_size_1":
        _replace(nb, EX2, "epochs=EPOCHS_EX2, batch_size=10", "epochs=EPOCHS_EX2, batch_size=1")
    elif name == "ex2_no_checkpoint":
        _replace(
            nb,
            EX2,
            ',\n    keras.callbacks.ModelCheckpoint(EX2_CHECKPOINT, monitor="val_loss", '
            "save_best_only=True)])",
            "])",
        )
    else:
        raise KeyError(name)


# --------------------------------------------------------------------------- tests

DEFAULT = ["all_correct", "ex2_no_restore_best_weights", "unanswered"]
GOLDEN = goldenkit.Golden(
    "lab04", KEEP, EXPECTED, change, DEFAULT, timeout_s=300, figures=True, needs_data=False
)
OUT, build, main = GOLDEN.out, GOLDEN.build, GOLDEN.main
globals().update(GOLDEN.tests())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
