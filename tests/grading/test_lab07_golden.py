"""Lab 7 golden submissions through the real grader: the right marks and a clear message.

    .venv/bin/python tests/grading/test_lab07_golden.py          # rewrite the notebooks
    .venv/bin/python tests/grading/test_lab07_golden.py --check  # exit 1 if any is stale

Each submission (tests/grading/submissions/lab07/*.ipynb) is the lab's reference solution
cut down to the cells the exercises need (setup, parameters, the IMDB data, the training
helpers, the two exercises and their checks; figures removed), then changed in one typical
way, and named by that change. The grader runs them with the lab's quick parameters (800
training reviews, one epoch). Three are graded in the default suite, all with ``-m slow``.
The sandbox attacks are lab-independent and live with Lab 2's (test_golden.py).
"""

import sys

import goldenkit

# The cells kept, by name (``# %% part=...`` in the lab), in lab order.
KEEP = (
    "setup",
    "parameters",
    "data",
    "padding",
    "validation-split",
    "length-buckets",
    "recurrent-classifier",
    "ex1",
    "ex1-check",
    "ex2",
    "ex2-check",
)

FULL = {"lab07.ex1": 3, "lab07.ex2": 3}
EXPECTED = {  # name: (marks, words the feedback must contain, any case)
    "all_correct": (FULL, []),
    # ex1: the two dropout rates swapped: 7 of 8 checks
    "ex1_rates_swapped": ({"lab07.ex1": 2.62, "lab07.ex2": 3}, ["swapped"]),
    # ex1: the course's L2(0.01) left on the GRU's kernel: 7 of 8 checks
    "ex1_penalty_on_the_gru": ({"lab07.ex1": 2.62, "lab07.ex2": 3}, ["kernel regularizer"]),
    # ex1: the model rebuilt after training: the History is another model's, the model untrained: 6 of 8
    "ex1_rebuilt_after_training": (
        {"lab07.ex1": 2.25, "lab07.ex2": 3},
        ["another model", "never been trained"],
    ),
    # ex2: no penalty on the embedding: 7 of 8 checks
    "ex2_no_penalty": ({"lab07.ex1": 3, "lab07.ex2": 2.62}, ["L2(0.01)"]),
    # ex2: the GRU not wrapped in Bidirectional: layer order and the bidirectional check fail: 6 of 8
    "ex2_not_bidirectional": ({"lab07.ex1": 3, "lab07.ex2": 2.25}, ["Bidirectional"]),
    "unanswered": ({"lab07.ex1": 0, "lab07.ex2": 0}, ["NotImplementedError"]),
}


_find = goldenkit.find


def _replace(nb, needle, old, new, count=1):
    goldenkit.replace(nb, needle, old, new, count)


def change(name, nb):
    """Make submission ``name`` from the cut-down reference solution."""
    ex1, ex2 = "ex1", "ex2"
    if name == "ex1_rates_swapped":
        _replace(nb, ex1, "dropout=0.5, recurrent_dropout=0.1", "dropout=0.1, recurrent_dropout=0.5")
    elif name == "ex1_penalty_on_the_gru":
        _replace(
            nb,
            ex1,
            "recurrent_dropout=0.1)",
            "recurrent_dropout=0.1,\n" + " " * 52 + "kernel_regularizer=keras.regularizers.L2(0.01))",
        )
    elif name == "ex1_rebuilt_after_training":
        rebuilt = "recurrent_classifier(keras.layers.GRU(32, dropout=0.5, recurrent_dropout=0.1), l2=0)"
        _find(nb, ex1).source += f"\nmodel_ex1 = {rebuilt}"
    elif name == "ex2_no_penalty":
        _replace(nb, ex2, "recurrent_dropout=0.02)), l2=0.01)", "recurrent_dropout=0.02)), l2=0)")
    elif name == "ex2_not_bidirectional":
        _replace(
            nb,
            ex2,
            "keras.layers.Bidirectional(keras.layers.GRU(32, dropout=0.3, recurrent_dropout=0.02))",
            "keras.layers.GRU(32, dropout=0.3, recurrent_dropout=0.02)",
        )
    else:
        raise KeyError(name)


# --------------------------------------------------------------------------- tests

DEFAULT = ["all_correct", "ex1_rates_swapped", "ex2_not_bidirectional"]
GOLDEN = goldenkit.Golden(
    "lab07", KEEP, EXPECTED, change, DEFAULT, timeout_s=600, figures=False, needs_data=True
)
OUT, build, main = GOLDEN.out, GOLDEN.build, GOLDEN.main
globals().update(GOLDEN.tests())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
