"""Evaluation questions: encoded keys, every kind of answer, the notebook API."""

import json
from pathlib import Path

import pytest

import dlex
from dlex.grading.questions import answerkey
from dlex.grading.questions.kinds import Choice, Numeric, ResultChoice, ResultNumeric, check_answer
from dlex.grading.registry import graded_labs, questions

PLAIN = json.loads((Path(__file__).parent / "answers" / "lab02.json").read_text())
PACKAGE = Path(dlex.__file__).parent
METRICS = {
    "model_a.test_accuracy": 0.9731,
    "model_b.best_epoch": 4,
    "model_b.final_loss_gap": 0.05,
    "model_c.final_loss_gap": 0.21,
    "model_c.max_abs_weight": 0.61,
    "model_d.max_abs_weight": 0.27,
    "model_d.test_errors": 212,
}


def right_answer(question):
    if isinstance(question, (Choice, Numeric)):
        plain = PLAIN[question.id]
        return plain.get("choice", plain.get("value"))
    return {"lab02.q5": 0.973, "lab02.q6": 4, "lab02.q7": 2, "lab02.q8": 2, "lab02.q9": 212}[question.id]


@pytest.mark.parametrize("lab", graded_labs())
def test_each_lab_has_6_to_10_questions_of_every_kind(lab):
    items = questions(lab)
    assert 6 <= len(items) <= 10
    kinds = {type(q) for q in items}
    assert {Choice, Numeric} <= kinds and kinds & {ResultNumeric, ResultChoice}
    assert len({q.id for q in items}) == len(items)
    for q in items:
        assert q.id.startswith(f"{lab}.q") and q.text and len(q.explanation) > 30


@pytest.mark.parametrize("lab", graded_labs())
def test_every_static_question_has_a_key(lab):
    key = answerkey.load_key(lab)
    static = {q.id for q in questions(lab) if isinstance(q, (Choice, Numeric))}
    assert set(key) == static


def test_the_package_holds_no_answer_in_plain_text():
    key_text = (answerkey.KEY_DIR / "lab02.json").read_text()
    sources = "\n".join(p.read_text() for p in (PACKAGE / "grading").rglob("*.py"))
    assert "6464" not in key_text and '"choice"' not in key_text and '"value"' not in key_text
    assert "6464" not in sources.replace(" ", "")
    for question in questions("lab02"):
        if isinstance(question, Choice):
            right = question.choices[PLAIN[question.id]["choice"] - 1]
            assert right not in key_text


def test_the_encoded_key_matches_the_instructors_plain_key():
    key = answerkey.load_key("lab02")
    for qid, plain in PLAIN.items():
        if qid == "lab":
            continue
        assert key[qid] == answerkey.record_from_plain(qid, plain)


def test_right_and_wrong_answers():
    for question in questions("lab02"):
        verdict = check_answer(question, right_answer(question), METRICS)
        assert verdict.correct is True, (question.id, verdict)
        assert verdict.explanation == question.explanation
    q1 = questions("lab02")[0]
    wrong = check_answer(q1, 1, METRICS)
    assert wrong.correct is False and wrong.expected.startswith(str(PLAIN["lab02.q1"]["choice"]))


@pytest.mark.parametrize(
    "raw, correct",
    [("6464", True), ("6,464", True), (6464.0, True), ("6465", False), ("many", None), (True, None)],
)
def test_numeric_parsing(raw, correct):
    q2 = next(q for q in questions("lab02") if q.id == "lab02.q2")
    assert check_answer(q2, raw).correct is correct


def test_choice_by_letter_or_text_and_out_of_range():
    q3 = next(q for q in questions("lab02") if q.id == "lab02.q3")
    right = PLAIN["lab02.q3"]["choice"]
    assert check_answer(q3, "abcd"[right - 1]).correct is True
    assert check_answer(q3, q3.choices[right - 1].upper()).correct is True
    assert check_answer(q3, 9).correct is None


def test_result_questions_follow_the_learners_own_numbers():
    q5 = next(q for q in questions("lab02") if q.id == "lab02.q5")
    assert check_answer(q5, 0.973, METRICS).correct is True
    assert check_answer(q5, 0.973, {"model_a.test_accuracy": 0.91}).correct is False
    assert check_answer(q5, "97.3%", METRICS).correct is True
    q8 = next(q for q in questions("lab02") if q.id == "lab02.q8")
    flipped = dict(METRICS, **{"model_c.max_abs_weight": 0.1})
    assert check_answer(q8, 1, flipped).correct is True and check_answer(q8, 2, flipped).correct is False
    no_run = check_answer(q5, 0.97, None)
    assert no_run.correct is None and "no run" in no_run.message
    partial = check_answer(q5, 0.97, {"model_b.best_epoch": 3})
    assert partial.correct is None and "model_a.test_accuracy" in partial.message


def test_notebook_quiz_and_answer(capsys, monkeypatch):
    monkeypatch.delenv("DLEX_METRICS_PATH", raising=False)
    dlex.quiz("lab02")
    shown = capsys.readouterr().out
    assert "[lab02.q1]" in shown and "[lab02.q10]" in shown and "dlex.answer" in shown
    monkeypatch.setattr(dlex.runtime, "METRICS", dict(METRICS))
    verdict = dlex.answer("lab02.q9", 212)
    assert verdict.correct is True and "why:" in capsys.readouterr().out
    from dlex.grading import progress

    assert progress.load()["labs"]["lab02"]["questions"]["lab02.q9"]["correct"] is True
    with pytest.raises(dlex.DlexError, match="unknown question"):
        dlex.answer("lab02.q99", 1)
