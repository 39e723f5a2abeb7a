"""``dlex quiz``, ``dlex progress``, ``dlex check`` and ``dlex grade`` from the shell."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from dlex.cli import grading as cli

SUBMISSIONS = Path(__file__).parent / "submissions" / "lab02"
PLAIN = json.loads((Path(__file__).parent / "answers" / "lab02.json").read_text())
METRICS = {
    "model_a.test_accuracy": 0.9731,
    "model_b.best_epoch": 4,
    "model_b.final_loss_gap": 0.05,
    "model_c.final_loss_gap": 0.21,
    "model_c.max_abs_weight": 0.61,
    "model_d.max_abs_weight": 0.27,
    "model_d.test_errors": 212,
    "run.ok": True,
    "run.quick": True,
}


def dlex_cli(*args, cwd=None, stdin=""):
    return subprocess.run(
        [sys.executable, "-m", "dlex", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
        input=stdin,
    )


@pytest.fixture
def run_folder(tmp_path):
    run = tmp_path / "runs" / "lab02-20250101-120000"
    run.mkdir(parents=True)
    (run / "metrics.json").write_text(json.dumps(METRICS))
    return tmp_path


def test_quiz_from_a_text_answers_file_uses_the_latest_run(run_folder):
    lines = [
        f"q{q.split('q')[-1]}: {a.get('choice', a.get('value'))}" for q, a in PLAIN.items() if q != "lab"
    ]
    lines += ["q5: 0.973", "q6 = 4", "lab02.q7 2", "q8: 2", "q9: 999  # a guess"]
    (run_folder / "answers.txt").write_text("\n".join(lines) + "\n")
    proc = dlex_cli("quiz", "lab02", "--answers", "answers.txt", cwd=run_folder)
    assert proc.returncode == 0, proc.stderr
    assert "9 of 10 correct" in proc.stdout and "lab02-20250101-120000" in proc.stdout
    assert "why:" in proc.stdout and "your run" in proc.stdout
    shown = dlex_cli("progress", cwd=run_folder)
    assert shown.returncode == 0, shown.stderr
    row = next(line for line in shown.stdout.splitlines() if "lab02" in line)
    assert "9/10" in row and "0/2" in row
    assert "ok" in shown.stdout and "quick" in shown.stdout


def test_quiz_json_answers_and_explicit_metrics(tmp_path):
    (tmp_path / "m.json").write_text(json.dumps(METRICS))
    (tmp_path / "a.json").write_text(json.dumps({"q5": "97.3%", "2": 6464}))
    proc = dlex_cli("quiz", "lab02", "--answers", "a.json", "--metrics", "m.json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "2 of 10 correct (2 answered)" in proc.stdout


def test_quiz_without_a_run_says_so_and_skips_result_questions(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps({"q1": 2, "q5": 0.97}))
    proc = dlex_cli("quiz", "lab02", "--answers", "a.json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "no run of lab02 was found" in proc.stdout and "dlex run lab02" in proc.stdout
    assert "not checked" in proc.stdout and "1 of 10 correct" in proc.stdout


@pytest.mark.parametrize(
    "args, words",
    [
        (["quiz", "lab02"], ["no terminal", "--answers"]),
        (["quiz", "lab02", "--answers", "missing.txt"], ["cannot read"]),
        (["quiz", "lab02", "--metrics", "nope.json", "--answers", "missing.txt"], ["no metrics file"]),
        (["check", "lab02", "missing.ipynb"], ["no notebook"]),
        (["grade", "lab02", "missing.ipynb"], ["no such submission"]),
        (["grade", "lab99", "missing.ipynb"], ["unknown lab"]),
    ],
)
def test_bad_input_is_a_message_not_a_traceback(tmp_path, args, words):
    proc = dlex_cli(*args, cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    for word in words:
        assert word in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_unknown_question_ids_are_reported(tmp_path):
    (tmp_path / "a.txt").write_text("q42: 1\n")
    proc = dlex_cli("quiz", "lab02", "--answers", "a.txt", cwd=tmp_path)
    assert proc.returncode == 1 and "lab02.q42" in proc.stderr


def test_interactive_quiz_asks_each_question(run_folder, monkeypatch, capsys):
    monkeypatch.chdir(run_folder)
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    answers = iter(["", "abc", "6464"] + [""] * 20)  # skip q1, a bad then a good q2 ...
    monkeypatch.setattr(cli.console, "input", lambda prompt="": next(answers))
    cli.quiz("lab02", answers=None, metrics=None)
    out = capsys.readouterr().out
    assert "answer with a number" in out and "1 of 10 correct (1 answered)" in out


def test_check_reports_every_exercise(tmp_path):
    proc = dlex_cli("check", "lab02", str(SUBMISSIONS / "fake_perfect_score.ipynb"), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "lab02.ex1" in proc.stdout and "lab02.ex2" in proc.stdout
    assert "0/4 points" in proc.stdout and "does not define" in proc.stdout


def test_grade_writes_gradebook_feedback_and_gradescope(tmp_path, data_dir):
    out = tmp_path / "grades"
    proc = dlex_cli(
        "grade",
        "lab02",
        str(SUBMISSIONS / "calls_os_exit.ipynb"),
        str(SUBMISSIONS / "monkeypatches_dlex.ipynb"),
        "--jobs",
        "2",
        "--timeout",
        "60",
        "--memory",
        "2048",
        "--out",
        str(out),
        "--gradescope",
        "--set",
        "TRAIN_LIMIT=1000",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = list(csv.DictReader((out / "gradebook.csv").open()))
    assert [r["submission"] for r in rows] == ["calls_os_exit", "monkeypatches_dlex"]
    assert [r["total"] for r in rows] == ["0", "0"]
    assert rows[0]["status"] == "kernel died"
    assert (out / "gradescope" / "calls_os_exit" / "results.json").exists()
    feedback = json.loads((out / "feedback" / "monkeypatches_dlex.json").read_text())
    assert "evidence" in feedback["feedback_text"]
    assert "gradebook.csv" in proc.stdout
