"""Lab 5 golden submissions through the real grader: the right marks and a clear message.

    .venv/bin/python tests/grading/test_lab05_golden.py          # rewrite the notebooks
    .venv/bin/python tests/grading/test_lab05_golden.py --check  # exit 1 if any is stale

Each submission (tests/grading/submissions/lab05/*.ipynb) is the lab's reference solution
cut down to the cells the exercises need (no figures, no other experiments), then changed
in one typical way, and named by that change. They are graded with the lab's
TEST_PARAMETERS (a few MNIST images, one epoch). Two run in the default suite, all with
``-m slow``. The sandbox attacks are lab-independent and live with Lab 2's (test_golden.py).
"""

import sys

import goldenkit

# The cells kept, by name (``# %% part=...`` in the lab), in lab order.
KEEP = ("setup", "parameters", "data", "losses", "run-optimizer", "ex1", "ex2", "ex3", "mnist", "ex4")

FULL = {"lab05.ex1": 2, "lab05.ex2": 2, "lab05.ex3": 2, "lab05.ex4": 3}
EXPECTED = {  # name: (marks, words the feedback must contain, any case)
    "all_correct": (FULL, []),
    # ex1: both step checks fail, shapes and stopping rules pass: 4 of 6
    "ex1_rates_swapped": (dict(FULL, **{"lab05.ex1": 1.33}), ["swapped"]),
    # ex1: η = 0.9 runs all 1,000 steps: only its stopping rule fails, 5 of 6
    "ex1_no_stopping_rule": (dict(FULL, **{"lab05.ex1": 1.67}), ["grad_tol=GRAD_TOL"]),
    # ex2: the shape passes (1), one point per step (1) and the seed (0.5) fail: 1 of 2.5
    "ex2_batch_10": (dict(FULL, **{"lab05.ex2": 0.8}), ["batch_size=1"]),
    # ex2: single points, wrong order: 2 of 2.5
    "ex2_wrong_seed": (dict(FULL, **{"lab05.ex2": 1.6}), ["seed=SEED_EX2"]),
    # ex3: the default β₂: the shape passes, the steps fail
    "ex3_default_beta_2": (dict(FULL, **{"lab05.ex3": 1}), ["default β₂ = 0.999"]),
    # ex4: λ = 0.001: 8 of 9
    "ex4_small_l2": (dict(FULL, **{"lab05.ex4": 2.67}), ["its factor is 0.001"]),
    # ex4: Keras 2's habit, a constant rate: 8 of 9
    "ex4_constant_learning_rate": (dict(FULL, **{"lab05.ex4": 2.67}), ["no decay argument"]),
    "unanswered": ({key: 0 for key in FULL}, ["NotImplementedError"]),
}


_find = goldenkit.find


def _replace(nb, needle, old, new, count=None):
    goldenkit.replace(nb, needle, old, new, count)


def change(name, nb):
    """Make submission ``name`` from the cut-down reference solution."""
    if name == "ex1_rates_swapped":
        _replace(nb, "ex1", "learning_rate=0.9", "learning_rate=TEMP")
        _replace(nb, "ex1", "learning_rate=0.01", "learning_rate=0.9")
        _replace(nb, "ex1", "learning_rate=TEMP", "learning_rate=0.01")
    elif name == "ex1_no_stopping_rule":
        _replace(
            nb,
            "ex1",
            "A_E, EX1_MAX_STEPS,\n                    grad_tol=GRAD_TOL)\npath_ex1_slow",
            "A_E, EX1_MAX_STEPS)\npath_ex1_slow",
        )
    elif name == "ex2_batch_10":
        _replace(nb, "ex2", "batch_size=1", "batch_size=10")
    elif name == "ex2_wrong_seed":
        _replace(nb, "ex2", "seed=SEED_EX2", "seed=SEED_SGD")
    elif name == "ex3_default_beta_2":
        _replace(nb, "ex3", ", beta_2=0.99", "")
    elif name == "ex4_small_l2":
        _replace(nb, "ex4", "L2(10.0)", "L2(0.001)")
    elif name == "ex4_constant_learning_rate":
        _replace(nb, "ex4", "Adam(learning_rate=schedule_ex4)", "Adam(learning_rate=0.001)")
    else:
        raise KeyError(name)


def _test_parameters():
    from parameters import TEST_PARAMETERS

    return TEST_PARAMETERS["lab05"]


# --------------------------------------------------------------------------- tests

DEFAULT = ["all_correct", "ex2_batch_10"]
GOLDEN = goldenkit.Golden(
    "lab05",
    KEEP,
    EXPECTED,
    change,
    DEFAULT,
    timeout_s=400,
    figures=False,
    needs_data=True,
    overrides=_test_parameters,
)
OUT, build, main = GOLDEN.out, GOLDEN.build, GOLDEN.main
globals().update(GOLDEN.tests())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
