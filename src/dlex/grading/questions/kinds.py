"""Evaluation questions: the four kinds, checking one answer, and showing a question.

* :class:`Choice` — multiple choice; the key holds a hash of the right option.
* :class:`Numeric` — a number, right within a tolerance; the key holds it, encoded.
* :class:`ResultNumeric` — a number from the learner's own run (a ``metrics.json`` key),
  right within a tolerance; no key needed, so it holds on any machine and backend.
* :class:`ResultChoice` — which of several measured numbers is largest (or smallest)
  in the learner's own run.

Choices are answered by number (1, 2, …), numbers as numbers (``0.97``, ``97%``,
``6,464``).
"""

import math
import re
from dataclasses import dataclass, field

from dlex.grading.questions import answerkey


@dataclass(frozen=True)
class Choice:
    id: str
    text: str
    choices: tuple[str, ...]
    explanation: str
    kind = "choice"


@dataclass(frozen=True)
class Numeric:
    id: str
    text: str
    explanation: str
    kind = "numeric"


@dataclass(frozen=True)
class ResultNumeric:
    id: str
    text: str
    key: str
    tolerance: float
    explanation: str
    kind = "result"


@dataclass(frozen=True)
class ResultChoice:
    id: str
    text: str
    options: tuple[tuple[str, str], ...]  # (shown label, metrics key)
    pick: str  # "max" or "min"
    explanation: str
    kind = "result"

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(label for label, _ in self.options)


@dataclass
class Verdict:
    """The outcome of one answer. ``correct`` is None when the answer could not be checked."""

    question_id: str
    correct: bool | None
    given: str
    expected: str = ""
    explanation: str = ""
    message: str = ""
    extra: dict = field(default_factory=dict)

    def _ipython_display_(self):  # printed by dlex.answer already
        return None


def needs_run(question) -> bool:
    return getattr(question, "kind", "") == "result"


def metric_keys(question) -> list[str]:
    if isinstance(question, ResultNumeric):
        return [question.key]
    if isinstance(question, ResultChoice):
        return [key for _, key in question.options]
    return []


def parse_number(raw) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return float(raw) if math.isfinite(float(raw)) else None
    text = str(raw).strip().replace(",", "").replace("_", "").replace(" ", "")
    percent = text.endswith("%")
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return value / 100 if percent else value


def parse_choice(raw, choices) -> int | None:
    """0-based option index from ``2``, ``"2"``, ``"b"`` or the option's text."""
    if isinstance(raw, bool):
        return None
    text = str(raw).strip()
    if re.fullmatch(r"\d+", text):
        index = int(text) - 1
        return index if 0 <= index < len(choices) else None
    if re.fullmatch(r"[a-zA-Z]", text):
        index = ord(text.lower()) - ord("a")
        return index if 0 <= index < len(choices) else None
    for index, choice in enumerate(choices):
        if text.lower() == choice.strip().lower():
            return index
    return None


def _fmt(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:.4g}"


def _result_value(question, metrics: dict | None, key: str):
    if metrics is None:
        return None, (
            "this question is about your own run, and no run was found: run the lab "
            "(`dlex run LAB` or the notebook's cells) first"
        )
    value = metrics.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None, (
            f"your run has no number for {key!r} (did it stop before that cell?); "
            "run the lab to the end first"
        )
    return float(value), ""


def check_answer(question, raw, metrics: dict | None = None) -> Verdict:
    """Check one answer; result questions compare with ``metrics`` (the learner's run)."""
    given = str(raw).strip()
    lab = question.id.split(".")[0]
    if isinstance(question, Choice):
        index = parse_choice(raw, question.choices)
        if index is None:
            return Verdict(
                question.id, None, given, message=f"answer with a number from 1 to {len(question.choices)}"
            )
        record = answerkey.load_key(lab)[question.id]
        right = next(
            (i for i in range(len(question.choices)) if answerkey.digest(question.id, i) == record["digest"]),
            None,
        )
        expected = f"{right + 1}. {question.choices[right]}" if right is not None else "?"
        return Verdict(
            question.id,
            index == right,
            f"{index + 1}. {question.choices[index]}",
            expected,
            question.explanation,
        )
    if isinstance(question, Numeric):
        value = parse_number(raw)
        if value is None:
            return Verdict(question.id, None, given, message="answer with a number, e.g. 1234 or 0.25")
        record = answerkey.load_key(lab)[question.id]
        correct = abs(value - record["value"]) <= record["tolerance"] + 1e-12
        return Verdict(question.id, correct, _fmt(value), _fmt(record["value"]), question.explanation)
    if isinstance(question, ResultNumeric):
        value = parse_number(raw)
        if value is None:
            return Verdict(question.id, None, given, message="answer with a number, e.g. 0.97")
        measured, why = _result_value(question, metrics, question.key)
        if measured is None:
            return Verdict(question.id, None, _fmt(value), message=why)
        correct = abs(value - measured) <= question.tolerance + 1e-12
        return Verdict(
            question.id,
            correct,
            _fmt(value),
            f"{measured:.6g} (your run's {question.key})",
            question.explanation,
        )
    if isinstance(question, ResultChoice):
        index = parse_choice(raw, question.choices)
        if index is None:
            return Verdict(
                question.id, None, given, message=f"answer with a number from 1 to {len(question.choices)}"
            )
        numbers = []
        for _label, key in question.options:
            measured, why = _result_value(question, metrics, key)
            if measured is None:
                return Verdict(question.id, None, question.choices[index], message=why)
            numbers.append(measured)
        best = max(numbers) if question.pick == "max" else min(numbers)
        right = [i for i, v in enumerate(numbers) if v == best]
        shown = ", ".join(f"{label}: {v:.4g}" for (label, _), v in zip(question.options, numbers))
        return Verdict(
            question.id,
            index in right,
            f"{index + 1}. {question.choices[index]}",
            f"{right[0] + 1}. {question.choices[right[0]]} (your run: {shown})",
            question.explanation,
        )
    raise TypeError(f"unknown question type {type(question).__name__}")


def render(question, number: int | None = None) -> str:
    """The question as plain text, with numbered choices."""
    head = f"{number}. " if number is not None else ""
    lines = [f"{head}[{question.id}] {question.text}"]
    for i, choice in enumerate(getattr(question, "choices", ()) or (), 1):
        lines.append(f"     {i}) {choice}")
    if needs_run(question):
        lines.append("     (about your own run: checked against your run's numbers)")
    return "\n".join(lines)
