"""Every CLI verb's good path and bad input: clear message, non-zero exit, no traceback."""

import subprocess
import sys

import pytest


def dlex_cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "dlex", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_list_shows_lab02_with_times():
    proc = dlex_cli("list")
    assert proc.returncode == 0
    assert "lab02" in proc.stdout and "Getting started with Keras" in proc.stdout


@pytest.mark.parametrize(
    "args, words",
    [
        (["run", "lab99"], ["unknown lab", "lab02"]),
        (["run", "lab02", "--set", "EPOCHS"], ["NAME=VALUE"]),
        (["run", "lab02", "--set", "NOT_A_PARAM=1"], ["unknown lab parameter", "EPOCHS_A"]),
        (["open", "nope", "--no-launch"], ["unknown lab"]),
    ],
)
def test_bad_input_gives_a_message_not_a_traceback(args, words):
    proc = dlex_cli(*args)
    assert proc.returncode == 1
    for word in words:
        assert word in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_run_refuses_a_non_empty_output_folder(tmp_path):
    (tmp_path / "keep.txt").write_text("learner's file")
    proc = dlex_cli("run", "lab02", "--out", str(tmp_path))
    assert proc.returncode == 1 and "not empty" in proc.stderr
    assert (tmp_path / "keep.txt").read_text() == "learner's file"


def test_unknown_command_and_option_are_usage_errors():
    assert dlex_cli("frobnicate").returncode == 2
    assert dlex_cli("run", "lab02", "--fast").returncode == 2


def test_open_writes_once_and_never_overwrites(tmp_path):
    first = dlex_cli("open", "lab02", "--dir", str(tmp_path), "--no-launch")
    assert first.returncode == 0, first.stderr
    notebook = tmp_path / "lab02_keras.ipynb"
    assert "NotImplementedError" in notebook.read_text()
    notebook.write_text("my work")
    again = dlex_cli("open", "lab02", "--dir", str(tmp_path), "--no-launch")
    assert again.returncode == 0 and "kept" in again.stdout
    assert notebook.read_text() == "my work"
    solutions = dlex_cli("open", "lab02", "--dir", str(tmp_path), "--solutions", "--no-launch")
    assert solutions.returncode == 0
    assert "ex1_param_count = (784" in (tmp_path / "lab02_keras-solutions.ipynb").read_text()


def test_doctor_reports_backend_and_devices():
    proc = dlex_cli("doctor")
    assert proc.returncode == 0, proc.stderr
    assert "keras" in proc.stdout and "(active)" in proc.stdout and "cpu" in proc.stdout.lower()


@pytest.mark.parametrize(
    "args, words",
    [
        (["bench", "--models", "lab99.nothing"], ["unknown model", "lab02.model_a"]),
        (["bench", "--backends", "mxnet", "--no-scratch"], ["not installed"]),
    ],
)
def test_bench_bad_input(args, words):
    proc = dlex_cli(*args)
    assert proc.returncode == 1
    for word in words:
        assert word in proc.stderr
    assert "Traceback" not in proc.stderr
