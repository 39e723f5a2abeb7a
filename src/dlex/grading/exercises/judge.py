"""The grader's side of an exercise: outcomes and score from the evidence alone."""

from dlex.grading.exercises.declarations import (
    Challenge,
    Exercise,
    ExerciseResult,
    Outcome,
    failed_result,
    score_of,
)
from dlex.grading.exercises.evidence_files import Probed


def judge_exercise(
    exercise: Exercise, probed: Probed | None, challenge: Challenge, context: dict
) -> ExerciseResult:
    """Outcomes and score of one exercise from what its probe found; never raises."""
    if probed is None:
        return failed_result(exercise, "no evidence about this exercise reached the grader")
    if probed.missing:
        names = ", ".join(f"`{n}`" for n in probed.missing)
        wanted = ", ".join(f"`{n}`" for n in exercise.names)
        return failed_result(
            exercise,
            f"your notebook does not define {names}",
            "write the exercise's code in its cell and run the cell; "
            "check the spelling of the names the exercise asks for",
            what=f"the notebook defines {wanted}",
        )
    if probed.error:
        return failed_result(exercise, probed.error)
    if probed.evidence is None:
        return failed_result(exercise, "no evidence about your objects reached the check")
    try:
        outcomes = list(exercise.judge(probed.evidence, challenge, context))
    except Exception as exc:  # noqa: BLE001 - malformed evidence must not crash the grader
        return failed_result(
            exercise,
            f"the evidence about your objects is incomplete ({type(exc).__name__}: {str(exc)[:300]})",
        )
    if not outcomes or not all(isinstance(o, Outcome) for o in outcomes):
        return failed_result(exercise, "the check produced no outcomes")
    score = score_of(exercise.points, outcomes)
    failed = [o for o in outcomes if not o.passed]
    reason = "" if not failed else f"{len(failed)} of {len(outcomes)} checks failed"
    return ExerciseResult(exercise.id, exercise.title, exercise.points, outcomes, score, reason)
