"""``dlex.check("lab02.ex1")``: check one exercise on the learner's own objects, in the notebook.

Probe and judge run in the learner's process (fine for self-study); the evidence goes
through the same serialisation the grader uses, so both judge identical data. The
challenge seed is drawn fresh on every call.

Under ``dlex grade`` and ``dlex check NOTEBOOK`` (:func:`dlex.runtime.graded`) it only says so:
those judge every exercise from outside once the notebook has finished.

Inside ``dlex run`` the result is recorded as ``checks.<exercise id>`` (1 passed, 0 not)
in the run's metrics, so a failing check in a reference run is visible; elsewhere it
is saved in the learner's progress.
"""

import io
import sys

import numpy as np

from dlex import runtime
from dlex.grading.exercises import evidence_files
from dlex.grading.exercises.declarations import Challenge, ExerciseResult
from dlex.grading.exercises.evidence_files import EvidenceBundle, Probed
from dlex.grading.exercises.feedback import format_result
from dlex.grading.exercises.judge import judge_exercise
from dlex.grading.exercises.probe import param_values, probe_exercise
from dlex.grading.registry import find_exercise


def _round_trip(probed: Probed) -> Probed:
    """``probed`` as the grader would read it back: through the same JSON and ``.npz``."""
    bundle = EvidenceBundle({}, {}, {"x": probed})
    buffer = io.BytesIO()
    np.savez(buffer, **bundle.arrays())
    return EvidenceBundle.from_json(
        bundle.to_json(), evidence_files.load_arrays(buffer.getvalue())
    ).exercises["x"]


def run_check(exercise_id: str, namespace: dict, challenge: Challenge | None = None) -> ExerciseResult:
    """Probe and judge one exercise against ``namespace``; returns the judged result."""
    exercise = find_exercise(exercise_id)
    challenge = challenge or Challenge.fresh()
    probed = probe_exercise(exercise, namespace, challenge)
    if probed.evidence is not None:
        try:
            probed = _round_trip(probed)
        except Exception as exc:  # noqa: BLE001 - e.g. object arrays the learner produced
            probed = Probed(None, [], f"your objects could not be turned into evidence ({exc})")
    context = {"params": param_values(namespace, exercise.params)}
    return judge_exercise(exercise, probed, challenge, context)


def check(exercise_id: str, namespace: dict | None = None) -> ExerciseResult:
    """Check exercise ``exercise_id`` on the caller's variables and print the feedback."""
    if runtime.graded():
        # `dlex grade` / `dlex check NOTEBOOK` judge every exercise themselves after the run.
        find_exercise(exercise_id)
        print(f"{exercise_id}: checked by the grader once the whole notebook has run", flush=True)
        return None
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    result = run_check(exercise_id, namespace)
    print(format_result(result), flush=True)
    runtime.record(f"checks.{exercise_id}", int(result.passed))
    if not runtime.headless():
        try:
            from dlex.grading import progress

            progress.record_exercise(exercise_id, result.passed, result.score, result.points)
        except OSError as exc:
            print(f"(progress not saved: {exc})", flush=True)
    return result
