"""Evaluation questions in the notebook (``dlex.quiz``, ``dlex.answer``) and their plumbing
for ``dlex quiz`` in the terminal (answers files); the learner's runs are found by
:mod:`dlex.runner.runs`.

In a notebook::

    dlex.quiz("lab02")                 # shows the questions
    dlex.answer("lab02.q3", 3)         # checks one answer, shows the explanation

Questions about results compare with the numbers the notebook has recorded with
``dlex.record`` (``dlex.runtime.METRICS``), so they hold on any machine and backend.
"""

import json
import re
from pathlib import Path

from dlex import runtime
from dlex.errors import DlexError
from dlex.grading.questions.kinds import check_answer, needs_run, render
from dlex.grading.registry import find_question, lab_module, questions


def format_verdict(question, verdict) -> str:
    if verdict.correct is None:
        return f"[{question.id}] not checked: {verdict.message}"
    mark = "✓ correct" if verdict.correct else "✗ not correct"
    lines = [f"[{question.id}] your answer: {verdict.given} — {mark}"]
    if not verdict.correct or needs_run(question):
        lines.append(f"    the answer: {verdict.expected}")
    lines.append(f"    why: {verdict.explanation}")
    return "\n".join(lines)


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def quiz(lab: str) -> None:
    """Show ``lab``'s evaluation questions, with how to answer them."""
    from dlex.labs.catalog import get_lab

    name = get_lab(lab).name
    items = questions(name)
    header = (
        f"Evaluation questions of {name} ({len(items)}). Answer each with "
        f'dlex.answer("{items[0].id}", your_answer) — choices by number — or in the '
        f"terminal with `dlex quiz {name}`."
    )
    body = "\n\n".join(render(q, i) for i, q in enumerate(items, 1))
    print(f"{header}\n\n{body}", flush=True)


def answer(question_id: str, value, metrics: dict | None = None):
    """Check one answer; result questions use this notebook's recorded numbers."""
    question = find_question(question_id)
    if metrics is None and needs_run(question):
        metrics = dict(runtime.METRICS) or None
    verdict = check_answer(question, value, metrics)
    print(format_verdict(question, verdict), flush=True)
    if verdict.correct is not None and not runtime.headless():
        try:
            from dlex.grading import progress

            progress.record_answers([verdict])
        except OSError as exc:
            print(f"(progress not saved: {exc})", flush=True)
    return verdict


# --------------------------------------------------------------------------- terminal helpers


def normalize_id(lab: str, key: str) -> str:
    key = str(key).strip()
    if re.fullmatch(r"q\d+", key, re.IGNORECASE):
        return f"{lab}.{key.lower()}"
    if re.fullmatch(r"\d+", key):
        return f"{lab}.q{int(key)}"
    return key


def parse_answers_file(lab: str, path: Path) -> dict:
    """Answers from JSON (``{"q1": 2, "lab02.q5": 0.97}``) or text lines (``q1: 2``)."""
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise DlexError(f"cannot read the answers file {path} ({exc.strerror})") from None
    answers = {}
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise DlexError(
                f"{path} is not valid JSON ({exc})", 'write an object such as {"q1": 2, "q5": 0.97}'
            ) from None
        for key, value in data.items():
            answers[normalize_id(lab, key)] = value
        return answers
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([\w.]+)\s*[:=]?\s*(.+)", line)
        if not match:
            raise DlexError(
                f"{path} line {number}: expected 'QUESTION: ANSWER', got {line!r}", "for example: q1: 2"
            )
        answers[normalize_id(lab, match.group(1))] = match.group(2).strip()
    return answers


def check_answers(lab: str, answers: dict, metrics: dict | None) -> list:
    """``[(question, verdict or None)]`` in question order (None: no answer given)."""
    module = lab_module(lab)
    unknown = sorted(set(answers) - {q.id for q in module.QUESTIONS})
    if unknown:
        raise DlexError(
            f"unknown question id(s) in the answers: {', '.join(unknown)}",
            f"this lab's questions: {', '.join(q.id for q in module.QUESTIONS)}",
        )
    return [
        (q, check_answer(q, answers[q.id], metrics) if q.id in answers else None) for q in module.QUESTIONS
    ]
