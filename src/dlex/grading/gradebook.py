"""What the grader writes: ``gradebook.csv``, feedback per submission, Gradescope's ``results.json``."""

import csv
import io
import json
import os
from pathlib import Path

from dlex.grading.exercises.feedback import format_result
from dlex.grading.registry import exercises


def gradebook_csv(lab: str, reports: list) -> str:
    ids = [e.id for e in exercises(lab)]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["submission", *ids, "total", "max", "status", "file"])
    for r in reports:
        writer.writerow(
            [r.id, *[f"{r.score(i):g}" for i in ids], f"{r.total:g}", f"{r.max_total:g}", r.status, r.path]
        )
    return buffer.getvalue()


def gradescope_results(report) -> dict:
    """Gradescope's autograder ``results.json`` for one submission."""
    return {
        "score": report.total,
        "output": "\n".join(
            [
                f"{report.lab}: {report.total:g}/{report.max_total:g} points",
                *[f"note: {n}" for n in report.notes],
            ]
        ),
        "stdout_visibility": "hidden",
        "tests": [
            {
                "name": f"{r.id}: {r.title}",
                "score": r.score,
                "max_score": r.points,
                "output": format_result(r),
                "visibility": "visible",
            }
            for r in report.results
        ],
    }


def _write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=1, default=str))
    os.replace(tmp, path)


def write_outputs(out: Path, lab: str, reports: list, gradescope: bool = False) -> dict:
    """``gradebook.csv``, ``feedback/<id>.json`` and, with ``gradescope``, ``results.json``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o700)
    written = {"gradebook": out / "gradebook.csv", "feedback": out / "feedback"}
    (out / "gradebook.csv").write_text(gradebook_csv(lab, reports))
    for report in reports:
        data = report.to_dict()
        data["feedback_text"] = report.feedback_text()
        _write_json(out / "feedback" / f"{report.id}.json", data)
    if gradescope:
        if len(reports) == 1:
            _write_json(out / "results.json", gradescope_results(reports[0]))
            written["gradescope"] = out / "results.json"
        else:
            for report in reports:
                _write_json(out / "gradescope" / report.id / "results.json", gradescope_results(report))
            written["gradescope"] = out / "gradescope"
    return written
