"""The kernel's side of an exercise: probe the learner's objects and collect a lab's evidence.

:func:`collect` is what the grader runs in a submission's kernel, after the notebook has
finished, with the challenge seed it has just drawn. It writes evidence files and
nothing else; the grader reads them (:mod:`dlex.grading.exercises.evidence_files`) and
judges them itself (:mod:`dlex.grading.exercises.judge`).
"""

import numbers

from dlex.grading.exercises.declarations import (
    Challenge,
    Evidence,
    Exercise,
    ProbeError,
)
from dlex.grading.exercises.evidence_files import EvidenceBundle, Probed


def probe_exercise(exercise: Exercise, namespace: dict, challenge: Challenge) -> Probed:
    """The evidence about one exercise's objects, or what kept the probe from it; never raises."""
    missing = [name for name in exercise.names if name not in namespace]
    if missing:
        return Probed(None, missing, None)
    try:
        evidence = exercise.probe(namespace, challenge)
    except ProbeError as exc:
        return Probed(None, [], str(exc))
    except Exception as exc:  # noqa: BLE001 - the learner's objects may fail in any way
        return Probed(None, [], f"examining your objects raised {type(exc).__name__}: {str(exc)[:500]}")
    if not isinstance(evidence, Evidence):
        return Probed(None, [], "the probe returned no evidence")
    return Probed(evidence, [], None)


def param_values(namespace: dict, names) -> dict:
    """The lab parameters named, as the learner's namespace holds them (plain values only)."""
    found = {}
    for name in names:
        value = namespace.get(name)
        if isinstance(value, (bool, str)) or (
            isinstance(value, numbers.Real) and not isinstance(value, bool)
        ):
            found[name] = value.item() if hasattr(value, "item") else value
    return found


def lab_params(exercise_list) -> list[str]:
    """The parameters any of the exercises reads, each once, in order."""
    names = []
    for exercise in exercise_list:
        names.extend(n for n in exercise.params if n not in names)
    return names


def collect(lab: str, seed: int, folder: str, namespace: dict) -> None:
    """In a submission's kernel: probe every exercise of ``lab`` and write the evidence."""
    from dlex.grading.exercises import evidence_files
    from dlex.grading.registry import exercises
    from dlex.runtime import METRICS

    exercise_list = exercises(lab)
    challenge = Challenge(int(seed))
    probed = {e.id: probe_exercise(e, namespace, challenge) for e in exercise_list}
    bundle = EvidenceBundle(param_values(namespace, lab_params(exercise_list)), dict(METRICS), probed)
    evidence_files.write(folder, bundle)
