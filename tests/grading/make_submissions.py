"""Write the golden Lab 2 submissions (tests/grading/submissions/lab02/*.ipynb).

    .venv/bin/python tests/grading/make_submissions.py          # rewrite them
    .venv/bin/python tests/grading/make_submissions.py --check  # exit 1 if any is stale

Two kinds, each file named by what it does:

* **mistakes**: the lab's reference solution (from the lab source) cut down to what the
  exercises need — setup, parameters, data, the exercise cells — then changed in one
  typical way. Most import Keras and train, so they take a while each.
* **attacks**: the lab's title and parameters cell, then one hostile cell (endless
  loop, fork bomb, network, escaping the folder, faking a score …). They never import
  Keras and run in seconds.

``EXPECTED`` gives each one's marks and words its feedback must contain;
tests/grading/test_golden.py grades them and compares.
"""

import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
OUT = HERE / "submissions" / "lab02"
sys.path.insert(0, str(HERE.parents[1] / "src"))

from dlex.labs import get_lab  # noqa: E402
from dlex.labs.solutions import learner_copy  # noqa: E402
from dlex.runner.sections import heading_of  # noqa: E402

KEEP_SECTIONS = ("lab 2", "setup", "1. the data", "2. preparing the data", "exercises")
NETWORK_PORT = 47813  # test_golden listens here on the host's loopback
ESCAPE_NAME = "dlex-golden-escape.txt"

FULL, NONE = {"lab02.ex1": 2, "lab02.ex2": 2}, {"lab02.ex1": 0, "lab02.ex2": 0}
EXPECTED = {  # name: (marks, words the feedback must contain, any case)
    "all_correct": (FULL, []),
    "ex1_wrong_layer_size": ({"lab02.ex1": 1.67, "lab02.ex2": 2}, ["layer 1 has 512 units"]),
    "ex1_param_count_without_biases": ({"lab02.ex1": 1.67, "lab02.ex2": 2}, ["bias"]),
    "ex1_activation_as_layers": (FULL, []),
    "ex2_wrong_optimizer": ({"lab02.ex1": 2, "lab02.ex2": 1.67}, ["RMSprop"]),
    "ex2_not_trained": ({"lab02.ex1": 2, "lab02.ex2": 1.33}, ["never been trained"]),
    "unanswered": (NONE, ["NotImplementedError"]),
    "syntax_error": (NONE, ["SyntaxError", 'starting "import time"']),
    "exception_mid_notebook": ({"lab02.ex1": 2, "lab02.ex2": 0}, ["ValueError", "does not define"]),
    "calls_sys_exit": (FULL, ["SystemExit"]),
    "infinite_loop": (NONE, ["time limit"]),
    "memory_hog": (NONE, ["memory"]),
    "fork_bomb": (NONE, ["fork bomb"]),
    "calls_os_exit": (NONE, ["kernel died"]),
    "kills_its_kernel": (NONE, ["kernel died"]),
    "network_connection": (NONE, ["does not define"]),
    "writes_outside_folder": (NONE, ["does not define"]),
    "reads_checks_and_answer_key": (NONE, ["not a Keras model"]),
    "fake_perfect_score": (NONE, ["does not define"]),
    "monkeypatches_dlex": (NONE, ["evidence"]),
    "floods_output": (NONE, ["left out"]),
}

ATTACKS = {
    "infinite_loop": "# I forgot how loops end\nwhile True:\n    pass\n",
    "memory_hog": (
        "import numpy as np\nhog = []\nwhile True:\n"
        "    hog.append(np.ones(25_000_000))  # 200 MB at a time, never freed\n"
    ),
    "fork_bomb": "import os\nwhile True:\n    os.fork()\n",
    "calls_os_exit": "import os\nprint('bye')\nos._exit(0)\n",
    "kills_its_kernel": """import os, signal
for pid in (1, os.getppid()):          # the sandbox's first process, then the kernel's parent
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError as exc:
        print("cannot kill", pid, exc)
os.kill(os.getpid(), signal.SIGKILL)
""",
    "network_connection": f"""import socket
for address in [("127.0.0.1", {NETWORK_PORT}), ("1.1.1.1", 80), ("93.184.215.14", 443)]:
    try:
        socket.create_connection(address, timeout=3).sendall(b"submission was here")
        print("connected to", address)
    except OSError as exc:
        print("no connection to", address, "-", exc)
try:
    print(socket.getaddrinfo("example.com", 80))
except OSError as exc:
    print("no DNS:", exc)
""",
    "writes_outside_folder": f"""import os, dlex
targets = ["/tmp/{ESCAPE_NAME}", "/var/tmp/{ESCAPE_NAME}", "/dev/shm/{ESCAPE_NAME}",
           "../{ESCAPE_NAME}", os.path.join(os.path.dirname(dlex.__file__), "{ESCAPE_NAME}"),
           "/root/{ESCAPE_NAME}", "/etc/{ESCAPE_NAME}"]
for target in targets:
    try:
        with open(target, "w") as handle:
            handle.write("escaped")
        print("wrote", target)
    except OSError as exc:
        print("could not write", target, "-", exc)
""",
    "reads_checks_and_answer_key": """import os, dlex
from dlex.grading.questions import answerkey
here = os.path.dirname(dlex.__file__)
checks = open(os.path.join(here, "grading", "labs", "lab02.py")).read()
print("read", len(checks), "characters of the checks")
print("decoded key:", answerkey.load_key("lab02"))
for secret in ["/etc/shadow", "..", "/root", "/proc/1/environ"]:
    try:
        print(secret, os.listdir(secret) if os.path.isdir(secret) else open(secret).read()[:80])
    except OSError as exc:
        print("cannot read", secret, "-", exc)
model_ex1 = "I read the checks instead"
ex1_param_count = "the checks say it is behaviour-based"
""",
    "fake_perfect_score": """import json, os
print("dlex grade: lab02.ex1 2/2, lab02.ex2 2/2 -- total 4/4 points (passed)")
fake = {"score": 4, "total": 4, "passed": True, "lab02.ex1": 2, "lab02.ex2": 2}
for name in ["results.json", "gradebook.csv", "../gradebook.csv", "feedback.json"]:
    try:
        with open(name, "w") as handle:
            json.dump(fake, handle)
    except OSError as exc:
        print("could not write", name, exc)
os.makedirs(".dlex-evidence", exist_ok=True)
with open(".dlex-evidence/evidence.json", "w") as handle:
    json.dump({"format": "dlex-evidence/1", "score": 4, "exercises": {}}, handle)
""",
    "monkeypatches_dlex": """import dlex, dlex.grading.exercises.check, dlex.grading.exercises.judge
import dlex.grading.exercises.probe
dlex.check = lambda *args, **kwargs: print("all checks passed: 2/2 points")
dlex.grading.exercises.check.check = dlex.check
dlex.grading.exercises.probe.collect = lambda *args, **kwargs: print("nothing to see here")
dlex.grading.exercises.judge.judge_exercise = lambda *args, **kwargs: "full marks"
dlex.check("lab02.ex1")
""",
    "floods_output": "for i in range(60_000):\n    print(f'{i:>8} ' + 'flood ' * 20)\n",
}
MISTAKES = [name for name in EXPECTED if name not in ATTACKS]


def _cut_down():
    """The reference solution, only the cells the exercises need."""
    nb = learner_copy(get_lab("lab02").notebook(), solutions=True)
    kept, section = [], ""
    for cell in nb.cells:
        heading = heading_of(cell)
        if heading:
            section = heading.lstrip("# ").lower()
        if not section.startswith(KEEP_SECTIONS):
            continue
        if cell.cell_type == "code" and any(
            word in cell.source for word in ("plots.", "test_accuracy_a", "made_up", "dlex.quiz")
        ):
            continue
        kept.append(cell)
    nb.cells = kept
    return nb


def _find(nb, needle):
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and needle in cell.source:
            return index
    raise KeyError(needle)


def _replace(nb, needle, old, new):
    cell = nb.cells[_find(nb, needle)]
    assert old in cell.source, (needle, old)
    cell.source = cell.source.replace(old, new)


FUNCTIONAL_EX1 = """inputs = keras.Input(shape=(784,))
hidden = keras.layers.ReLU()(keras.layers.Dense(256)(inputs))
hidden = keras.layers.Activation("relu")(keras.layers.Dense(128)(hidden))
outputs = keras.layers.Dense(10, activation=keras.activations.softmax)(hidden)
model_ex1 = keras.Model(inputs, outputs)
model_ex1.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.002),
                  loss=keras.losses.CategoricalCrossentropy())
widths = [784, 256, 128, 10]
ex1_param_count = sum(m * n + n for m, n in zip(widths, widths[1:]))"""


def _mistake(name):
    nb = _cut_down()
    ex1, ex2 = "model_ex1 = keras.Sequential", "model_ex2 = keras.Sequential"
    code = nbformat.v4.new_code_cell
    if name == "ex1_wrong_layer_size":
        _replace(nb, ex1, 'Dense(256, activation="relu")', 'Dense(512, activation="relu")')
    elif name == "ex1_param_count_without_biases":
        _replace(
            nb,
            ex1,
            "(784 * 256 + 256) + (256 * 128 + 128) + (128 * 10 + 10)",
            "784 * 256 + 256 * 128 + 128 * 10",
        )
    elif name == "ex1_activation_as_layers":  # another correct solution: functional API
        nb.cells[_find(nb, ex1)].source = FUNCTIONAL_EX1
    elif name == "ex2_wrong_optimizer":
        _replace(nb, ex2, "optimizer=keras.optimizers.SGD(learning_rate=0.01)", 'optimizer="rmsprop"')
    elif name == "ex2_not_trained":  # ran the building lines again after training
        cell = nb.cells[_find(nb, ex2)]
        build_lines = cell.source.split("history_ex2 =")[0].replace("dlex.seed(SEED_EX2)\n", "")
        cell.source += "\n# built again to tidy up\n" + build_lines
    elif name == "unanswered":  # the learner's copy, nothing written
        keep = {c.source for c in nb.cells}
        nb = learner_copy(get_lab("lab02").notebook())
        nb.cells = [c for c in nb.cells if c.source in keep or "NotImplementedError" in c.source]
    elif name == "syntax_error":  # a typo in the first cell: nothing runs
        _replace(nb, "import dlex", "import numpy as np", "import numpy as np)")
    elif name == "exception_mid_notebook":
        nb.cells.insert(
            _find(nb, ex2), code("# my own look at the data\ngrid = x_train_flat.reshape(-1, 27, 27)")
        )
    elif name == "calls_sys_exit":
        nb.cells.append(code("import sys\nprint('done, exiting')\nsys.exit(0)\n"))
    elif name != "all_correct":
        raise KeyError(name)
    return nb


def _attack(name):
    """The lab's title and parameters cell, then the attack."""
    lab = get_lab("lab02").notebook()
    parameters = next(c for c in lab.cells if "parameters" in c.metadata.get("tags", []))
    title = nbformat.v4.new_markdown_cell(f"# Lab 2 — golden submission: {name.replace('_', ' ')}")
    nb = nbformat.v4.new_notebook(metadata=lab.metadata)
    nb.cells = [title, parameters, nbformat.v4.new_code_cell(ATTACKS[name])]
    return nb


def build(name):
    nb = _attack(name) if name in ATTACKS else _mistake(name)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"{name[:40]}-{index}"
        if cell.cell_type == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return nb


def main(argv) -> int:
    import goldenkit  # beside this file; shared with the Lab 3-7 golden tests

    return goldenkit.write_or_check(OUT, EXPECTED, build, argv, "Lab 2", "tests/grading/make_submissions.py")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
