"""Lab 6 golden submissions through the real grader: the right marks and a clear message.

    .venv/bin/python tests/grading/test_lab06_golden.py          # rewrite the notebooks
    .venv/bin/python tests/grading/test_lab06_golden.py --check  # exit 1 if any is stale

Each submission (tests/grading/submissions/lab06/*.ipynb) is the lab's reference solution
cut down to the cells the exercises need (setup, parameters, data, the two exercises and
their checks), then changed in one typical way, and named by that change. The grader
runs them with the lab's quick parameters (3,000 training images, 2 epochs). Three are
graded in the default suite, all with ``-m slow``. The sandbox attacks are
lab-independent and live with Lab 2's (test_golden.py).
"""

import sys

import goldenkit

# The cells kept, by name (``# %% part=...`` in the lab), in lab order.
KEEP = ("setup", "parameters", "data", "ex1", "ex1-check", "validation-split", "ex2", "ex2-check")

FULL = {"lab06.ex1": 2, "lab06.ex2": 3}
EXPECTED = {  # name: (marks, words the feedback must contain, any case)
    "all_correct": (FULL, []),
    # ex1: only the order of the layers is wrong: 6 of 7 checks
    "ex1_no_dropout": ({"lab06.ex1": 1.71, "lab06.ex2": 3}, ["Dropout(0.5) layer is missing"]),
    # ex1: the convolutions' padding and hence the parameter count are wrong: 5 of 7 checks;
    # the network still trains, so Exercise 2 passes
    "ex1_same_padding": ({"lab06.ex1": 1.43, "lab06.ex2": 3}, ["padding='same'", "257,162"]),
    # ex2: the loss is wrong: 5 of 6 checks
    "ex2_wrong_loss": ({"lab06.ex1": 2, "lab06.ex2": 2.5}, ["mean squared error"]),
    # ex2: no ModelCheckpoint, so no file either: 4 of 6 checks
    "ex2_no_checkpoint": ({"lab06.ex1": 2, "lab06.ex2": 2}, ["no ModelCheckpoint", "no file"]),
    # ex2: trained on all training images instead of x_fit: 5 of 6 checks
    "ex2_trained_on_all_images": ({"lab06.ex1": 2, "lab06.ex2": 2.5}, ["x_fit"]),
    "unanswered": ({"lab06.ex1": 0, "lab06.ex2": 0}, ["NotImplementedError"]),
}


_find = goldenkit.find


def _replace(nb, needle, old, new, count=1):
    goldenkit.replace(nb, needle, old, new, count)


def change(name, nb):
    """Make submission ``name`` from the cut-down reference solution."""
    ex1, ex2 = "ex1", "ex2"
    if name == "ex1_no_dropout":
        _replace(nb, ex1, "    keras.layers.Dropout(0.5),\n", "")
    elif name == "ex1_same_padding":
        _replace(nb, ex1, 'activation="relu"),', 'activation="relu", padding="same"),', count=3)
    elif name == "ex2_wrong_loss":
        _replace(nb, ex2, 'loss="categorical_crossentropy"', 'loss="mse"')
    elif name == "ex2_no_checkpoint":
        _replace(
            nb,
            ex2,
            '    keras.callbacks.ModelCheckpoint(CHECKPOINT, monitor="val_loss", save_best_only=True),\n',
            "",
        )
    elif name == "ex2_trained_on_all_images":
        _replace(nb, ex2, "model_cnn.fit(x_fit, y_fit,", "model_cnn.fit(x_train_img, y_train_hot,")
    else:
        raise KeyError(name)


# --------------------------------------------------------------------------- tests

DEFAULT = ["all_correct", "ex1_same_padding", "ex2_wrong_loss"]
GOLDEN = goldenkit.Golden(
    "lab06", KEEP, EXPECTED, change, DEFAULT, timeout_s=600, figures=True, needs_data=True
)
OUT, build, main = GOLDEN.out, GOLDEN.build, GOLDEN.main
globals().update(GOLDEN.tests())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
