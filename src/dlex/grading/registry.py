"""Each lab's declarations (``dlex.grading.labs.labNN``): which labs have them, finding one by id."""

import importlib
import re

from dlex.errors import DlexError
from dlex.grading.exercises.declarations import Exercise


def lab_module(lab: str):
    """The grading module of ``lab`` (``lab02``); a DlexError if the lab has none."""
    name = str(lab)
    if not re.fullmatch(r"lab\d\d", name):  # lab2, 02 … (the catalog is slow to import)
        from dlex.labs.catalog import get_lab

        name = get_lab(lab).name
    try:
        return importlib.import_module(f"dlex.grading.labs.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"dlex.grading.labs.{name}":
            raise
        raise DlexError(
            f"{name} has no exercises or questions yet",
            "see `dlex list`; exercises are declared in dlex/grading/labs/",
        ) from None


def graded_labs() -> list[str]:
    """Names of the labs that declare exercises or questions."""
    from dlex.labs.catalog import all_labs

    found = []
    for lab in all_labs():
        try:
            lab_module(lab.name)
        except DlexError:
            continue
        found.append(lab.name)
    return found


def exercises(lab: str) -> tuple[Exercise, ...]:
    return tuple(lab_module(lab).EXERCISES)


def questions(lab: str) -> tuple:
    return tuple(lab_module(lab).QUESTIONS)


def find_exercise(exercise_id: str) -> Exercise:
    """The exercise ``lab02.ex1``; a DlexError listing the lab's exercises otherwise."""
    return _find(exercises(str(exercise_id).split(".")[0]), exercise_id, "exercise")


def find_question(question_id: str):
    """The question ``lab02.q3``; a DlexError listing the lab's questions otherwise."""
    return _find(questions(str(question_id).split(".")[0]), question_id, "question")


def _find(items, wanted: str, kind: str):
    for item in items:
        if item.id == wanted:
            return item
    known = ", ".join(item.id for item in items)
    raise DlexError(f"unknown {kind} {wanted!r}", f"this lab's {kind}s: {known}")
