"""``dlex.check("lab02.ex1")``: check one exercise on the learner's own objects, in the notebook.

Probe and judge run in the learner's process (fine for self-study); the evidence goes
through the same serialisation the grader uses, so both judge identical data. The
challenge seed is drawn fresh on every call.

Under ``dlex grade`` and ``dlex check NOTEBOOK`` (``DLEX_GRADING`` set) it only says so:
those judge every exercise from outside once the notebook has finished.

Inside ``dlex run`` the result is recorded as ``checks.<exercise id>`` (1 passed, 0 not)
in the run's metrics, so a failing check in a reference run is visible; elsewhere it
is saved in the learner's progress.
"""

import io
import json
import os
import sys

import numpy as np

from dlex.grading import evidence as evidence_io
from dlex.grading.core import judge_exercise, param_values, probe_exercise
from dlex.grading.feedback import format_result
from dlex.grading.spec import Challenge, Evidence, ExerciseResult, find_exercise


def _round_trip(found: Evidence) -> Evidence:
    buffer = io.BytesIO()
    np.savez(buffer, **{k: np.asarray(v) for k, v in found.arrays.items()})
    document, _ = evidence_io.to_bundle({"x": (found, [], None)}, {}, {})
    values = json.loads(json.dumps(document))["exercises"]["x"]["values"]
    return Evidence(values, evidence_io.load_arrays(buffer.getvalue()))


def run_check(exercise_id: str, namespace: dict, challenge: Challenge | None = None
              ) -> ExerciseResult:
    """Probe and judge one exercise against ``namespace``; returns the judged result."""
    exercise = find_exercise(exercise_id)
    challenge = challenge or Challenge.fresh()
    found, missing, error = probe_exercise(exercise, namespace, challenge)
    if found is not None:
        try:
            found = _round_trip(found)
        except Exception as exc:  # noqa: BLE001 - e.g. object arrays the learner produced
            found, error = None, f"your objects could not be turned into evidence ({exc})"
    context = {"params": param_values(namespace, exercise.params)}
    return judge_exercise(exercise, found, missing, error, challenge, context)


def check(exercise_id: str, namespace: dict | None = None) -> ExerciseResult:
    """Check exercise ``exercise_id`` on the caller's variables and print the feedback."""
    import dlex

    if os.environ.get("DLEX_GRADING"):
        # `dlex grade` / `dlex check NOTEBOOK` judge every exercise themselves after the run.
        find_exercise(exercise_id)
        print(f"{exercise_id}: checked by the grader once the whole notebook has run", flush=True)
        return None
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    result = run_check(exercise_id, namespace)
    print(format_result(result), flush=True)
    dlex.record(f"checks.{exercise_id}", int(result.passed))
    if not os.environ.get("DLEX_METRICS_PATH") and not os.environ.get("DLEX_GRADING"):
        try:
            from dlex.grading import progress

            progress.record_exercise(exercise_id, result.passed, result.score, result.points)
        except OSError as exc:
            print(f"(progress not saved: {exc})", flush=True)
    return result
