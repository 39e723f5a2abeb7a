"""The sandbox's parts: refusing without isolation, capping logs, killing whole trees."""

import os
import subprocess
import sys
import time

import pytest

from dlex.errors import DlexError
from dlex.grading import sandbox
from dlex.grading.sandbox import detection


def test_without_namespaces_grading_is_refused_unless_network_is_allowed(monkeypatch):
    monkeypatch.setattr(detection.shutil, "which", lambda name: None)
    detection._detect.cache_clear()
    try:
        with pytest.raises(DlexError) as info:
            sandbox.detect(allow_network=False)
        assert "network" in info.value.message and "--allow-network" in info.value.hint
        fallback = sandbox.detect(allow_network=True)
        assert fallback.mode == "none" and not fallback.network_blocked
        assert "NOT blocked" in fallback.describe() and fallback.notes
    finally:
        detection._detect.cache_clear()


def test_capped_log_keeps_head_and_tail():
    log = sandbox.CappedLog(10)
    for i in range(1000):
        log.add(f"{i:04d}\n".encode())
    text = log.text()
    assert text.startswith("0000\n0001") and text.endswith("0998\n0999\n")
    assert "bytes left out" in text and len(text) < 200


def test_kill_tree_reaches_grandchildren_that_left_the_group():
    code = (
        "import os, subprocess, sys, time\n"
        "subprocess.Popen([sys.executable, '-c', 'import os, time; os.setsid(); time.sleep(600)'])\n"
        "time.sleep(600)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
    deadline = time.monotonic() + 30
    while len(sandbox.process_tree(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    tree = sandbox.process_tree(proc.pid)
    assert len(tree) == 2
    sandbox.kill_tree(proc)
    time.sleep(0.2)
    assert all(
        not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"
        for pid in tree
    )


def test_pids_cgroup_when_root_can_make_one():
    folder = sandbox.make_cgroup(f"dlex-test-{os.getpid()}", 50)
    if folder is None:
        pytest.skip("no writable pids cgroup here")
    try:
        assert open(os.path.join(folder, "pids.max")).read().strip() == "50"
    finally:
        sandbox.remove_cgroup(folder)
    assert not os.path.exists(folder)


def test_limits_scale_with_the_machine():
    limits = sandbox.Limits(timeout_s=100)
    assert limits.processes() >= 128 and limits.cpu_seconds() >= 100
    found = sandbox.rlimits_for(limits, sandbox.Isolation("root"))
    assert found["data"] == 4096 * 2**20 and found["core"] == 0 and found["nproc"] == limits.processes()


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="forces the user-namespace mode from root")
def test_user_namespace_mode_also_contains_attacks(data_dir, monkeypatch):
    """The mode used without root (``unshare --user --map-root-user``), forced here."""
    from pathlib import Path

    from dlex.grading.grader import GradeOptions, grade

    here = Path(__file__).parent / "submissions" / "lab02"
    monkeypatch.setattr(sandbox, "detect", lambda allow_network=False: sandbox.Isolation("userns"))
    monkeypatch.setattr("dlex.grading.grader.sandbox.detect", sandbox.detect)
    # No fork bomb here: from root, RLIMIT_NPROC does not hold in a user namespace.
    target = Path("/tmp/dlex-golden-escape.txt")
    target.unlink(missing_ok=True)
    reports = grade(
        "lab02",
        [here / "writes_outside_folder.ipynb", here / "infinite_loop.ipynb"],
        GradeOptions(jobs=2, limits=sandbox.Limits(timeout_s=30, memory_mb=2048)),
    )
    assert not target.exists()
    assert "user namespace" in reports[0].run["isolation"]
    assert reports[1].status == "killed" and "time limit" in reports[1].feedback_text()
