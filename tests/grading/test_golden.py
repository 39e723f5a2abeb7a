"""Golden submissions through the real grader: the right marks, a clear message, no escape.

Every attack (tests/grading/make_submissions.py ``ATTACKS``) runs in the default suite —
they never import Keras, so they take seconds. ``DEFAULT_MISTAKES`` of the Keras-heavy
"mistake" submissions run by default; all the others with ``-m slow``.
"""

import csv
import importlib.util
import json
import os
import socket
import sys
import threading
from pathlib import Path

import pytest

from dlex.grading import sandbox
from dlex.grading.gradebook import write_outputs
from dlex.grading.grader import GradeOptions, grade

HERE = Path(__file__).parent
SUBMISSIONS = HERE / "submissions" / "lab02"
TINY = {"TRAIN_LIMIT": 1000, "EPOCHS_EX2": 1}
# Keras-heavy ones kept in the default suite (Exercise 1's mistakes are also covered,
# without a kernel, by test_checks.py); all of them run with -m slow.
DEFAULT_MISTAKES = [
    "all_correct",
    "ex2_not_trained",
    "exception_mid_notebook",
    "calls_sys_exit",
    "syntax_error",
]


def _load_maker():
    spec = importlib.util.spec_from_file_location("make_submissions", HERE / "make_submissions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


maker = _load_maker()


def assert_marks(report, name):
    marks, words = maker.EXPECTED[name]
    got = {r.id: r.score for r in report.results}
    text = report.feedback_text()
    assert got == pytest.approx(marks), f"{name}: {got}\n{text}\n{report.run.get('log_tail', '')[-2000:]}"
    for word in words:
        assert word.lower() in text.lower(), f"{name}: {word!r} missing from\n{text}"


def escape_targets() -> list[Path]:
    import dlex

    name = maker.ESCAPE_NAME
    return [
        Path("/tmp") / name,
        Path("/var/tmp") / name,
        Path("/dev/shm") / name,
        Path(dlex.__file__).parent / name,
        Path("/root") / name,
        Path("/etc") / name,
    ]


@pytest.fixture(scope="module")
def listener():
    """A server on the host's loopback that records any connection from a submission."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        server.bind(("127.0.0.1", maker.NETWORK_PORT))
    except OSError:
        server.close()
        yield None
        return
    server.listen(5)
    server.settimeout(0.2)
    seen, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, address = server.accept()
            except OSError:
                continue
            seen.append(address)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield seen
    stop.set()
    thread.join(timeout=2)
    server.close()


def require_isolation():
    """The attacks need the sandbox; without namespaces here, say why and skip."""
    from dlex.errors import DlexError

    try:
        return sandbox.detect(allow_network=False)
    except DlexError as exc:
        pytest.skip(f"no sandbox on this machine: {exc.message}")


@pytest.fixture(scope="module")
def attacks(data_dir, listener, tmp_path_factory):
    require_isolation()
    for target in escape_targets():
        target.unlink(missing_ok=True)
    paths = [SUBMISSIONS / f"{name}.ipynb" for name in maker.ATTACKS]
    options = GradeOptions(overrides=TINY, jobs=2, limits=sandbox.Limits(timeout_s=45, memory_mb=2048))
    reports = grade("lab02", paths, options)
    out = tmp_path_factory.mktemp("grades") / "attacks"
    write_outputs(out, "lab02", reports, gradescope=True)
    return {r.id: r for r in reports}, out


@pytest.fixture(scope="module")
def mistakes(data_dir, tmp_path_factory):
    paths = [SUBMISSIONS / f"{name}.ipynb" for name in DEFAULT_MISTAKES]
    options = GradeOptions(overrides=TINY, jobs=2, allow_network=True, limits=sandbox.Limits(timeout_s=400))
    return {r.id: r for r in grade("lab02", paths, options)}


def test_golden_submissions_are_up_to_date():
    assert maker.main(["--check"]) == 0, "run: .venv/bin/python tests/grading/make_submissions.py"
    for path in SUBMISSIONS.glob("*.ipynb"):
        assert path.stat().st_size < 40_000, f"{path.name} is too big for a fixture"


@pytest.mark.parametrize("name", list(maker.ATTACKS))
def test_attack_gets_the_right_marks(attacks, name):
    assert_marks(attacks[0][name], name)


@pytest.mark.parametrize("name", DEFAULT_MISTAKES)
def test_mistake_gets_the_right_marks(mistakes, name):
    assert_marks(mistakes[name], name)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in maker.MISTAKES if n not in DEFAULT_MISTAKES])
def test_every_other_mistake_gets_the_right_marks(data_dir, name):
    options = GradeOptions(overrides=TINY, allow_network=True, limits=sandbox.Limits(timeout_s=400))
    assert_marks(grade("lab02", [SUBMISSIONS / f"{name}.ipynb"], options)[0], name)


def test_network_never_left_the_sandbox(attacks, listener):
    if listener is None:
        pytest.skip(f"port {maker.NETWORK_PORT} is busy on this machine")
    assert listener == [], "a submission reached the host's loopback"
    isolation = attacks[0]["network_connection"].run["isolation"]
    assert "network" in isolation and "NOT blocked" not in isolation


def test_nothing_was_written_outside_the_submission_folder(attacks):
    leaked = [str(t) for t in escape_targets() if t.exists()]
    assert not leaked, f"a submission wrote {leaked}"


def test_the_notebooks_own_score_is_ignored(attacks):
    reports, out = attacks
    fake = reports["fake_perfect_score"]
    assert fake.total == 0
    rows = {row["submission"]: row for row in csv.DictReader((out / "gradebook.csv").open())}
    assert rows["fake_perfect_score"]["total"] == "0"
    assert not (out / "results.json").exists()
    feedback = json.loads((out / "feedback" / "fake_perfect_score.json").read_text())
    assert feedback["total"] == 0


def test_attacks_cannot_outlive_their_run(attacks):
    uids = [
        e.get("uid")
        for r in attacks[0].values()
        for e in r.run.get("events", [])
        if e.get("event") == "ready" and e.get("uid")
    ]
    assert uids, "no run reported its user"
    alive = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if os.stat(entry.path).st_uid in uids:
                    alive.append(entry.name)
            except OSError:
                pass
    assert not alive, f"processes of sandbox users still running: {alive}"


def test_gradebook_feedback_and_gradescope_files(attacks):
    reports, out = attacks
    with (out / "gradebook.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [r["submission"] for r in rows] == list(maker.ATTACKS)
    assert {"lab02.ex1", "lab02.ex2", "total"} <= set(rows[0])
    for name in maker.ATTACKS:
        data = json.loads((out / "feedback" / f"{name}.json").read_text())
        assert data["submission"] == name and data["max_total"] == 4
        assert [e["id"] for e in data["exercises"]] == ["lab02.ex1", "lab02.ex2"]
        scope = json.loads((out / "gradescope" / name / "results.json").read_text())
        assert scope["score"] == data["total"]
        assert [t["max_score"] for t in scope["tests"]] == [2, 2]
    assert "time limit" in reports["infinite_loop"].notes[-1]
    assert reports["infinite_loop"].seconds < 45 + 30


@pytest.mark.skipif(sys.platform != "linux", reason="the sandbox is Linux only")
def test_isolation_detected_here_blocks_the_network():
    isolation = require_isolation()
    assert isolation.network_blocked
    if os.geteuid() == 0:
        assert isolation.mode == "root" and isolation.drop_uid
