"""Feedback as plain text: what passed, what failed, what was expected, and a hint."""

from dlex.grading.exercises.declarations import ExerciseResult


def _points(value: float) -> str:
    return f"{value:g}"


def format_result(result: ExerciseResult) -> str:
    status = "passed" if result.passed else "not yet"
    lines = [
        f"{result.id} — {result.title}: {_points(result.score)}/{_points(result.points)} points ({status})"
    ]
    for outcome in result.outcomes:
        lines.append(f"  {'✓' if outcome.passed else '✗'} {outcome.what}")
        if outcome.message:
            lines.append(f"      {'note' if outcome.passed else 'found'}: {outcome.message}")
        if outcome.hint and not outcome.passed:
            lines.append(f"      hint: {outcome.hint}")
    return "\n".join(lines)


def format_results(results: list[ExerciseResult], notes: list[str] = ()) -> str:
    blocks = [format_result(r) for r in results]
    total = sum(r.score for r in results)
    most = sum(r.points for r in results)
    text = "\n\n".join(blocks) + f"\n\ntotal: {_points(round(total, 2))}/{_points(most)} points"
    if notes:
        text += "\n" + "\n".join(f"note: {n}" for n in notes)
    return text
