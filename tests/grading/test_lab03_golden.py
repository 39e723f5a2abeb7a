"""Lab 3 golden submissions through the real grader: the right marks and a clear message.

    .venv/bin/python tests/grading/test_lab03_golden.py          # rewrite the notebooks
    .venv/bin/python tests/grading/test_lab03_golden.py --check  # exit 1 if any is stale

Each submission (tests/grading/submissions/lab03/*.ipynb) is the lab's reference solution
cut down to the cells the exercises need (no figures, no long experiments), then changed
in one typical way, and named by that change. Lab 3 needs no data files and trains only
tiny networks; three submissions are graded in the default suite, all with ``-m slow``.
The sandbox attacks are lab-independent and live with Lab 2's (test_golden.py).
"""

import sys

import goldenkit

# The cells kept, by name (``# %% part=...`` in the lab), in lab order.
KEEP = (
    "setup",
    "parameters",
    "xor-data",
    "worked-network",
    "ex1-cases",
    "ex1",
    "ex1-report",
    "hand-gradients",
    "ex2a",
    "ex2a-report",
    "initial-xor-params",
    "ex2b",
    "xor-outcomes",
)

FULL = {"lab03.ex1": 2, "lab03.ex2": 3}
EXPECTED = {  # name: (marks, words the feedback must contain, any case)
    "all_correct": (FULL, []),
    # ex1: right shape, wrong values, and the scale fitted to the wrong outputs is 1: 1 of 3 checks
    "ex1_relu_instead_of_sigmoid": ({"lab03.ex1": 0.67, "lab03.ex2": 3}, ["ReLU network"]),
    # ex1: the network is right, the factor is the first-order one: 2 of 3 checks
    "ex1_scale_for_small_differences": ({"lab03.ex1": 1.33, "lab03.ex2": 3}, ["small differences"]),
    # ex2: part a passes (2), part b returns weights but climbs the loss: shapes and seeds pass,
    # descent, recipe and units=3 fail: 4 of 7 checks
    "ex2_gradient_ascent": ({"lab03.ex1": 2, "lab03.ex2": 1.71}, ["W ← W − α∇J"]),
    # ex2: weights copied from a training run: shape passes, exact fails; part b passes: 6 of 7
    "ex2_weights_from_training": ({"lab03.ex1": 2, "lab03.ex2": 2.57}, ["close but not exact"]),
    # ex2: train_xor without `units`: the lab's next cell fails, only the units=3 check fails: 6 of 7
    "ex2_no_units_argument": ({"lab03.ex1": 2, "lab03.ex2": 2.57}, ["units=2"]),
    "unanswered": ({"lab03.ex1": 0, "lab03.ex2": 0}, ["NotImplementedError"]),
}

TRAINED_WEIGHTS = """xor_weights = [np.array([[1.02, 0.97], [1.01, 0.99]]), np.array([-0.01, -0.98]),
               np.array([[0.99], [-2.02]]), np.array([0.01])]"""


_find = goldenkit.find


def _replace(nb, needle, old, new, count=None):
    goldenkit.replace(nb, needle, old, new, count)


def change(name, nb):
    """Make submission ``name`` from the cut-down reference solution."""
    if name == "ex1_relu_instead_of_sigmoid":
        _replace(nb, "ex1", "activations.sigmoid(", "activations.relu(")
    elif name == "ex1_scale_for_small_differences":
        _replace(
            nb,
            "ex1",
            "ex1_scale = float(np.sum(ex1_outputs * ex1_targets) / np.sum(ex1_outputs ** 2))",
            "ex1_scale = 2.0   # the slope at x1 = x2 is 1/2",
        )
    elif name == "ex2_gradient_ascent":
        _replace(nb, "ex2b", "p - XOR_LEARNING_RATE * g", "p + XOR_LEARNING_RATE * g")
    elif name == "ex2_weights_from_training":
        cell = _find(nb, "ex2a")
        cell.source = TRAINED_WEIGHTS
    elif name == "ex2_no_units_argument":
        _replace(nb, "ex2b", "def train_xor(seed, units=2):", "def train_xor(seed):")
        _replace(nb, "ex2b", "initial_xor_params(seed, units)", "initial_xor_params(seed)")
    else:
        raise KeyError(name)


# --------------------------------------------------------------------------- tests

DEFAULT = ["all_correct", "ex2_gradient_ascent", "unanswered"]
GOLDEN = goldenkit.Golden(
    "lab03", KEEP, EXPECTED, change, DEFAULT, timeout_s=300, figures=False, needs_data=False
)
OUT, build, main = GOLDEN.out, GOLDEN.build, GOLDEN.main
globals().update(GOLDEN.tests())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
