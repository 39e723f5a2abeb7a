"""dlex.scratch imports with NumPy alone: no deep-learning framework is reachable."""

import subprocess
import sys
import textwrap

MODULES = [
    "activations",
    "losses",
    "layers",
    "network",
    "regularizers",
    "optim",
    "conv",
    "pool",
    "rnn",
    "metrics",
]

BLOCKED = ["keras", "jax", "jaxlib", "tensorflow", "torch", "tf_keras"]

SCRIPT = textwrap.dedent(
    """
    import importlib, importlib.abc, sys

    BLOCKED = {blocked!r}

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"{{name}} is blocked in this test")
            return None

    # A finder rather than sys.modules[name] = None: dlex._backend reads
    # `"keras" in sys.modules` as "Keras was already imported".
    sys.meta_path.insert(0, Block())

    import dlex.scratch
    for module in {modules!r}:
        importlib.import_module("dlex.scratch." + module)

    leaked = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED and sys.modules[m] is not None)
    assert not leaked, leaked
    import numpy as np
    y, _ = dlex.scratch.conv.conv2d_forward(np.ones((1, 3, 3, 1)), np.ones((2, 2, 1, 1)), None)
    assert y.shape == (1, 2, 2, 1) and float(y.sum()) == 16.0
    print("ok")
    """
)


def test_scratch_imports_without_deep_learning_frameworks():
    script = SCRIPT.format(blocked=BLOCKED, modules=MODULES)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_blocking_really_blocks():
    """The same harness fails when a module imports a blocked framework (so the test above can fail)."""
    script = SCRIPT.format(blocked=BLOCKED, modules=MODULES).replace(
        "import dlex.scratch\n", "import dlex.scratch\nimport keras\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "keras" in done.stderr
