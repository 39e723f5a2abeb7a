"""Probe and judge one exercise; collect a whole lab's evidence inside a kernel.

:func:`collect` is what the grader runs in a submission's kernel, after the notebook has
finished, with the challenge seed it has just drawn. It writes evidence files and
nothing else; the grader reads them (:mod:`dlex.grading.evidence`) and calls
:func:`judge_exercise` itself.
"""

import numbers

from dlex.grading.spec import (Challenge, Evidence, Exercise, ExerciseResult, Outcome, ProbeError,
                               exercises, failed_result, score_of)


def probe_exercise(exercise: Exercise, namespace: dict, challenge: Challenge
                   ) -> tuple[Evidence | None, list, str | None]:
    """``(evidence, missing names, error)`` for one exercise; never raises."""
    missing = [name for name in exercise.names if name not in namespace]
    if missing:
        return None, missing, None
    try:
        evidence = exercise.probe(namespace, challenge)
    except ProbeError as exc:
        return None, [], str(exc)
    except Exception as exc:  # noqa: BLE001 - the learner's objects may fail in any way
        return None, [], f"examining your objects raised {type(exc).__name__}: {str(exc)[:500]}"
    if not isinstance(evidence, Evidence):
        return None, [], "the probe returned no evidence"
    return evidence, [], None


def param_values(namespace: dict, names) -> dict:
    """The lab parameters named, as the learner's namespace holds them (plain values only)."""
    found = {}
    for name in names:
        value = namespace.get(name)
        if isinstance(value, (bool, str)) or (isinstance(value, numbers.Real)
                                              and not isinstance(value, bool)):
            found[name] = value.item() if hasattr(value, "item") else value
    return found


def lab_params(exercise_list) -> list[str]:
    names = []
    for exercise in exercise_list:
        names.extend(n for n in exercise.params if n not in names)
    return names


def judge_exercise(exercise: Exercise, evidence: Evidence | None, missing, error,
                   challenge: Challenge, context: dict) -> ExerciseResult:
    """Outcomes and score of one exercise from its evidence; never raises."""
    if missing:
        names = ", ".join(f"`{n}`" for n in missing)
        wanted = ", ".join(f"`{n}`" for n in exercise.names)
        return failed_result(exercise, f"your notebook does not define {names}",
                             "write the exercise's code in its cell and run the cell; "
                             "check the spelling of the names the exercise asks for",
                             what=f"the notebook defines {wanted}")
    if error:
        return failed_result(exercise, error)
    if evidence is None:
        return failed_result(exercise, "no evidence about your objects reached the check")
    try:
        outcomes = list(exercise.judge(evidence, challenge, context))
    except Exception as exc:  # noqa: BLE001 - malformed evidence must not crash the grader
        return failed_result(exercise, f"the evidence about your objects is incomplete "
                                       f"({type(exc).__name__}: {str(exc)[:300]})")
    if not outcomes or not all(isinstance(o, Outcome) for o in outcomes):
        return failed_result(exercise, "the check produced no outcomes")
    score = score_of(exercise.points, outcomes)
    failed = [o for o in outcomes if not o.passed]
    reason = "" if not failed else f"{len(failed)} of {len(outcomes)} checks failed"
    return ExerciseResult(exercise.id, exercise.title, exercise.points, outcomes, score, reason)


def collect(lab: str, seed: int, folder: str, namespace: dict) -> None:
    """In a submission's kernel: probe every exercise of ``lab`` and write the evidence."""
    from dlex.grading import evidence
    from dlex.runtime import METRICS

    exercise_list = exercises(lab)
    challenge = Challenge(int(seed))
    results = {e.id: probe_exercise(e, namespace, challenge) for e in exercise_list}
    params = param_values(namespace, lab_params(exercise_list))
    document, arrays = evidence.to_bundle(results, params, dict(METRICS))
    evidence.write(folder, document, arrays)
