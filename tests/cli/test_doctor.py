"""``dlex doctor`` and ``dlex run`` against a lock through the real CLI and the installed packages."""

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def dlex_cli(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "dlex", *args], capture_output=True, text=True, timeout=300, env=env, cwd=REPO
    )


def test_doctor_says_per_package_whether_it_was_tested_and_what_to_do(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text(
        f"numpy=={metadata.version('numpy')} \\\n    --hash=sha256:{'0' * 64}\nkeras==0.1\nrich==999.0\n"
    )
    proc = dlex_cli("doctor", "--lock", str(lock))
    assert proc.returncode == 0, proc.stderr
    out = " ".join(proc.stdout.split())  # rich wraps long lines
    for name, status in [("numpy", "tested"), ("keras", "newer than tested"), ("rich", "older than tested")]:
        assert any(
            name in line and line.rstrip(" │").endswith(status)
            for line in proc.stdout.splitlines()
            if line.startswith("│")
        ), (name, status, proc.stdout)
    assert (
        f"keras {metadata.version('keras')}: newer than tested - should work; if a lab fails, "
        'install the tested one: pip install "keras==0.1"' in out
    )
    assert "make setup" in out


def test_doctor_refuses_a_lock_that_is_not_there(tmp_path):
    proc = dlex_cli("doctor", "--lock", str(tmp_path / "missing.lock"))
    assert proc.returncode != 0 and "does not exist" in proc.stderr and "Traceback" not in proc.stderr


def test_run_prints_one_line_when_outside_what_was_tested(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text("keras==0.1\n")
    env = dict(os.environ, DLEX_LOCK=str(lock))
    proc = dlex_cli("run", "lab02", "--set", "EPOCHS", env=env)  # the note comes before the bad --set fails
    notes = [line for line in proc.stdout.splitlines() if "differs from the tested one" in line]
    assert proc.returncode == 1 and "NAME=VALUE" in proc.stderr
    assert notes == [
        f"This environment differs from the tested one: keras {metadata.version('keras')} "
        "(newer than tested). `dlex doctor` says what to do."
    ]
