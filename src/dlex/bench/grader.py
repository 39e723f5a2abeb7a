"""How long does ``dlex grade`` take for a class? The number in docs/performance.md.

Marks ``copies`` copies of a correct Lab 2 submission (the lab's reference solution, the
whole notebook) with the lab's quick parameters, ``jobs`` at a time, each in its own
sandbox, exactly as ``dlex grade lab02 … --jobs N`` does, and reports the wall time.

    from dlex.bench.grader import run
    result = run(copies=20, jobs=2)
    print(result["wall_s"], result["all_full_marks"])
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat


def run(copies: int = 20, jobs: int = 2, timeout_s: float = 1800, memory_mb: int = 4096) -> dict:
    """Grade ``copies`` correct Lab 2 submissions with ``jobs`` parallel sandboxes."""
    from dlex.grading import sandbox
    from dlex.grading.grader import GradeOptions, grade
    from dlex.labs import get_lab
    from dlex.labs.solutions import learner_copy

    lab = get_lab("lab02")
    with tempfile.TemporaryDirectory(prefix="dlex-bench-grader-") as folder:
        reference = learner_copy(lab.notebook(), solutions=True)
        paths = []
        for i in range(copies):
            path = Path(folder) / f"student{i + 1:03d}.ipynb"
            nbformat.write(reference, path)
            paths.append(path)
        isolation = sandbox.detect(allow_network=False).describe()  # detected before timing
        options = GradeOptions(
            quick=True, jobs=jobs, limits=sandbox.Limits(timeout_s=timeout_s, memory_mb=memory_mb)
        )
        started = time.perf_counter()
        reports = grade(lab.name, paths, options)
        wall = time.perf_counter() - started
    seconds = [r.seconds for r in reports]
    return {
        "copies": copies,
        "jobs": jobs,
        "wall_s": round(wall, 1),
        "per_submission_s": {
            "mean": round(statistics.mean(seconds), 1),
            "min": round(min(seconds), 1),
            "max": round(max(seconds), 1),
        },
        "all_full_marks": all(r.total == r.max_total for r in reports),
        "statuses": sorted({r.status for r in reports}),
        "isolation": isolation,
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time `dlex grade` on copies of a correct Lab 2.")
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args(argv)
    result = run(copies=args.copies, jobs=args.jobs)
    text = json.dumps(result, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0 if result["all_full_marks"] else 1


if __name__ == "__main__":
    sys.exit(main())
