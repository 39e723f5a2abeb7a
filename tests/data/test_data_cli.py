"""``dlex data status | fetch | verify``: output, errors and exit codes."""

import os
import subprocess
import sys

import pytest
from datahelpers import truncated
from typer.testing import CliRunner

from dlex.cli.data import app


@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(*args):
        result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
        # Only clean exits: a DataError must never escape as an exception.
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
        return result

    return invoke


def test_status_all_good(shared, cli):
    result = cli("status")
    assert result.exit_code == 0
    for name in ("mnist", "imdb", "imdb_word_index"):
        assert name in result.stdout
    assert result.stdout.count(" ok ") == 3
    assert str(shared / "mnist.npz") in result.stdout
    assert "DLEX_DATA_DIR" in result.stdout


def test_status_reports_bad_and_missing(shared, data_dir, cli):
    bad = truncated(shared / "mnist.npz", data_dir / "mnist.npz")
    result = cli("status")
    assert result.exit_code == 1
    assert "BAD" in result.stdout and "missing" in result.stdout
    assert str(bad) in result.stderr and "dlex data fetch mnist" in result.stderr


def test_verify_all_good(shared, cli):
    result = cli("verify")
    assert result.exit_code == 0
    assert "All 3 file(s) verified." in result.stdout


def test_verify_bad_file_exits_1_naming_it(shared, data_dir, cli):
    bad = truncated(shared / "imdb_word_index.json", data_dir / "imdb_word_index.json")
    result = cli("verify")
    assert result.exit_code == 1
    assert "Error:" in result.stderr and str(bad) in result.stderr
    assert "What to do:" in result.stderr and "DLEX_DATA_DIR" in result.stderr
    assert "1 of 1 file(s) failed verification" in result.stderr


def test_verify_nothing_present(data_dir, cli):
    result = cli("verify")
    assert result.exit_code == 1 and "No dataset files found" in result.stderr
    assert "What to do:" in result.stderr and "dlex data fetch" in result.stderr


def test_status_with_files_only_missing_exits_0(data_dir, cli):
    result = cli("status")
    assert result.exit_code == 0
    assert result.stdout.count("missing") >= 3 and "dlex data fetch" in result.stdout


def test_fetch_unknown_name_is_a_usage_error(cli):
    result = cli("fetch", "cifar10")
    assert result.exit_code == 2
    assert "Unknown dataset 'cifar10'" in result.stderr
    assert "mnist, imdb, imdb_word_index" in result.stderr


def test_fetch_present_file(shared, cli):
    result = cli("fetch", "imdb_word_index")
    assert result.exit_code == 0
    assert "already present (DLEX_DATA_DIR) and verified" in result.stdout


def test_fetch_offline_missing_exits_1(data_dir, cli):
    result = cli("fetch", "mnist")
    assert result.exit_code == 1
    assert "Error: mnist.npz is not on this machine" in result.stderr
    assert "DLEX_OFFLINE=1" in result.stderr and "What to do:" in result.stderr


def test_fetch_from_mirror(shared, data_dir, cache_dir, serve, cli):
    serve(shared)
    result = cli("fetch", "imdb_word_index")
    assert result.exit_code == 0, result.output
    assert "downloaded and verified" in result.stdout
    assert (cache_dir / "imdb_word_index.json").is_file()


def test_fetch_bad_download_exits_1(shared, data_dir, cache_dir, serve, tmp_path, cli):
    truncated(shared / "imdb_word_index.json", tmp_path / "mirror" / "imdb_word_index.json")
    serve(tmp_path / "mirror")
    result = cli("fetch", "imdb_word_index")
    assert result.exit_code == 1
    assert "not a good copy" in result.stderr and "Nothing was saved" in result.stderr
    assert list(cache_dir.iterdir()) == []


def _run_module(*args):
    return subprocess.run(
        [sys.executable, "-m", "dlex.cli.data", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=60,
    )


def test_subprocess_status(shared):
    result = _run_module("status")
    assert result.returncode == 0, result.stderr
    assert "imdb_word_index" in result.stdout and str(shared / "imdb.npz") in result.stdout


def test_subprocess_fetch_offline_missing(data_dir):
    result = _run_module("fetch", "imdb")
    assert result.returncode == 1
    assert "Error: imdb.npz is not on this machine" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
