"""What a lab declares about an exercise, and what its probe and judge exchange.

A lab's grading module (``dlex/grading/labs/labNN.py``) defines two tuples::

    EXERCISES = (Exercise(id="lab02.ex1", title=..., points=2, names=("model_ex1", ...),
                          probe=probe_ex1, judge=judge_ex1, params=("EPOCHS_EX2",)), ...)
    QUESTIONS = (Choice(...), Numeric(...), ResultNumeric(...), ResultChoice(...))

``probe(namespace, challenge) -> Evidence`` runs next to the learner's objects and
returns data only. ``judge(evidence, challenge, context) -> [Outcome, ...]`` decides,
from that data alone. ``context`` holds ``params`` (the lab parameters the run used).
"""

import hashlib
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np


class ProbeError(Exception):
    """The learner's object is not what the exercise needs (wrong type, not built …).

    Its message is shown to the learner as the reason the exercise failed.
    """


@dataclass
class Outcome:
    """One thing a check verified: ``what`` in words, whether it held, and why not."""

    what: str
    passed: bool
    message: str = ""
    hint: str = ""
    weight: float = 1.0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Evidence:
    """Plain data about the learner's objects: JSON-ready ``values`` and NumPy ``arrays``."""

    values: dict = field(default_factory=dict)
    arrays: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Challenge:
    """The check's secret: a seed drawn when checking, from which the inputs are made.

    The grader draws it only after a submission's notebook has finished executing, so
    the submission cannot prepare for the particular inputs.
    """

    seed: int

    def rng(self, label: str) -> np.random.Generator:
        """A generator for one purpose (``label``), independent of the others."""
        digest = hashlib.sha256(f"{self.seed}:{label}".encode()).digest()
        return np.random.default_rng(int.from_bytes(digest[:8], "little"))

    @classmethod
    def fresh(cls) -> "Challenge":
        import secrets

        return cls(secrets.randbits(62))


@dataclass(frozen=True)
class Exercise:
    """One exercise: its id (``lab02.ex1``), title, points and the names it needs."""

    id: str
    title: str
    points: float
    names: tuple[str, ...]
    probe: Callable
    judge: Callable
    params: tuple[str, ...] = ()
    summary: str = ""

    @property
    def lab(self) -> str:
        return self.id.split(".")[0]


@dataclass
class ExerciseResult:
    """The judged exercise: outcomes, score out of ``points``, and a one-line reason."""

    id: str
    title: str
    points: float
    outcomes: list
    score: float
    reason: str = ""

    @property
    def passed(self) -> bool:
        return bool(self.outcomes) and all(o.passed for o in self.outcomes)

    def _ipython_display_(self):  # dlex.check has printed the feedback already
        return None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "points": self.points,
            "score": self.score,
            "passed": self.passed,
            "reason": self.reason,
            "outcomes": [o.to_dict() for o in self.outcomes],
        }


def score_of(points: float, outcomes: list) -> float:
    """Points times the passed share of the outcomes' weights, to two decimals."""
    total = sum(o.weight for o in outcomes)
    if total <= 0:
        return 0.0
    earned = sum(o.weight for o in outcomes if o.passed)
    return round(points * earned / total, 2)


def failed_result(exercise: Exercise, reason: str, hint: str = "", what: str = "") -> ExerciseResult:
    names = ", ".join(f"`{n}`" for n in exercise.names)
    outcome = Outcome(what or f"{names} can be examined", False, reason, hint)
    return ExerciseResult(exercise.id, exercise.title, exercise.points, [outcome], 0.0, reason)


def plain(value):
    """``value`` as JSON-ready data (NumPy scalars to Python, non-finite floats to strings)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)[:200]
