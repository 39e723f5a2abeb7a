"""Mark submitted notebooks: run each in a sandbox, judge its evidence here, write the grades.

    from dlex.grading.grader import GradeOptions, grade
    from dlex.grading.gradebook import write_outputs
    reports = grade("lab02", [Path("alice.ipynb"), Path("bob.ipynb")], GradeOptions(jobs=2))
    write_outputs(Path("grades"), "lab02", reports, gradescope=False)

For each submission: parse it (size-capped; outputs dropped), apply the lab's quick
parameters (unless ``full``) with :func:`dlex.runner.parameters.inject`, copy it into
a fresh folder, run it with :func:`dlex.grading.sandbox.run_worker`, draw the
challenge seed once the worker reports the notebook executed, then read the evidence
files (:mod:`dlex.grading.exercises.evidence_files`) and judge them in this process. The score comes
from the judges alone; the submission's prints, files and exit status only feed the
notes shown as feedback.
"""

import json
import os
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from dlex.grading import sandbox
from dlex.grading.exercises import evidence_files
from dlex.grading.exercises.declarations import Challenge, failed_result
from dlex.grading.exercises.feedback import format_result
from dlex.grading.exercises.judge import judge_exercise
from dlex.grading.registry import exercises, lab_module
from dlex.grading.submissions import (
    apply_parameters,
    read_submission,
    submission_files,
    submission_ids,
)
from dlex.runner.kernel_env import graded_environment, kernel_backend, sandbox_data_dir

SUBMISSION_NAME = "submission.ipynb"
_JUDGE_LOCK = threading.Lock()


@dataclass
class GradeOptions:
    quick: bool = True
    overrides: dict = field(default_factory=dict)
    jobs: int = 1
    limits: sandbox.Limits = field(default_factory=sandbox.Limits)
    allow_network: bool = False
    isolate: bool = True  # False: `dlex check`, the learner's own notebook
    keep_workdirs: bool = False


@dataclass
class SubmissionReport:
    """The marks of one submission and everything said about it."""

    id: str
    path: str
    lab: str
    results: list
    notes: list = field(default_factory=list)
    status: str = "graded"
    seconds: float = 0.0
    run: dict = field(default_factory=dict)

    @property
    def total(self) -> float:
        return round(sum(r.score for r in self.results), 2)

    @property
    def max_total(self) -> float:
        return round(sum(r.points for r in self.results), 2)

    def score(self, exercise_id: str) -> float:
        return next((r.score for r in self.results if r.id == exercise_id), 0.0)

    def to_dict(self) -> dict:
        return {
            "submission": self.id,
            "path": self.path,
            "lab": self.lab,
            "status": self.status,
            "total": self.total,
            "max_total": self.max_total,
            "notes": self.notes,
            "seconds": self.seconds,
            "exercises": [r.to_dict() for r in self.results],
            "run": self.run,
        }

    def feedback_text(self) -> str:
        parts = [f"{self.lab}: {self.total:g}/{self.max_total:g} points"]
        parts += [f"note: {n}" for n in self.notes]
        parts += [format_result(r) for r in self.results]
        return "\n\n".join(parts)


# --------------------------------------------------------------------------- one run


def _cell_label(nb, index) -> str:
    """``the cell starting "grid = x.reshape(…)"``: how a learner finds the cell."""
    if not isinstance(index, int) or not 0 <= index < len(nb.cells):
        return "a cell"
    lines = [line.strip() for line in nb.cells[index].source.splitlines()]
    first = next((line for line in lines if line and not line.startswith("#")), "")
    first = first if len(first) <= 60 else first[:57] + "..."
    return f'the cell starting "{first}"' if first else "a cell"


def _run_notes(record: sandbox.RunRecord, nb) -> tuple[list[str], str]:
    """Notes on how the run went, and a short status for the gradebook."""
    notes, status = [], "graded"
    executed = record.event("executed") or {}
    failed = record.event("failed")
    where = _cell_label(nb, executed.get("cell"))
    if failed:
        notes.append(f"the sandbox could not be set up ({failed.get('error')})")
        status = "not run"
    elif record.killed and not executed:
        notes.append(f"the grader stopped your notebook: {record.killed}; nothing could be checked")
        status = "killed"
    elif not executed:
        notes.append(
            "your notebook's kernel could not be started or the run ended early "
            f"(exit status {record.returncode}); nothing could be checked"
        )
        status = "not run"
    elif executed.get("status") == "error":
        notes.append(
            f"your notebook stopped at {where} with {executed.get('ename')}: "
            f"{executed.get('evalue')}; cells after it did not run"
        )
        status = "stopped"
    elif executed.get("status") == "dead":
        notes.append(
            f"the kernel died at {where} (the notebook exited, killed its kernel, or "
            "ran out of memory), so nothing could be checked"
        )
        status = "kernel died"
    elif executed.get("status") == "timeout":
        notes.append(f"{where} ran past the time limit")
        status = "timeout"
    if record.killed and executed:
        notes.append(f"the grader stopped your notebook after it ran: {record.killed}")
        status = "killed"
    if executed.get("output_dropped"):
        notes.append(
            f"your notebook printed more than the grader keeps; "
            f"{executed['output_dropped']:,} bytes of output were left out"
        )
    probed = record.event("probed") or {}
    if executed and executed.get("alive") and probed.get("status") == "error":
        notes.append(
            "the grader could not examine your objects: the kernel raised "
            f"{probed.get('ename')}: {probed.get('evalue')} (did the notebook change "
            "dlex or Python itself?)"
        )
    return notes, status


def grade_one(
    lab, path: Path, submission_id: str, options: GradeOptions, isolation: sandbox.Isolation, base: Path
) -> SubmissionReport:
    started = time.monotonic()
    exercise_list = exercises(lab.name)
    report = SubmissionReport(submission_id, str(path), lab.name, [])
    try:
        nb = read_submission(path)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is a note, not a crash
        reason = f"the file is not a readable notebook ({type(exc).__name__}: {str(exc)[:200]})"
        report.results = [failed_result(e, reason) for e in exercise_list]
        report.notes, report.status = [reason], "unreadable"
        return report
    forced, notes = apply_parameters(nb, lab, options)
    workdir = Path(tempfile.mkdtemp(prefix=f"{submission_id[:40]}-", dir=base))
    try:
        nbformat.write(nb, workdir / SUBMISSION_NAME)
        uid = sandbox.new_uid() if isolation.drop_uid else None
        sandbox.prepare_workdir(workdir, uid)
        limits = options.limits
        cgroup = sandbox.make_cgroup(f"dlex-{workdir.name}", limits.processes()) if options.isolate else None
        config = sandbox.WorkerConfig(
            mode="grade",
            lab=lab.name,
            workdir=str(workdir),
            notebook=SUBMISSION_NAME,
            isolate=isolation.network_blocked,
            uid=uid,
            expose=sandbox.python_paths(sandbox_data_dir()),
            cgroup=cgroup,
            limits=sandbox.rlimits_for(limits, isolation) if options.isolate else {},
            env=graded_environment(workdir, options.quick, kernel_backend(lab), options.isolate),
            output_bytes=limits.output_kb * 1024,
            cell_timeout=int(limits.timeout_s) + 60,
            probe_timeout=300,
        )
        challenge: dict = {}

        def on_event(event):
            if event.get("event") == "executed" and event.get("alive"):
                challenge["value"] = Challenge.fresh()
                return json.dumps({"seed": challenge["value"].seed})
            if event.get("event") == "executed":
                return json.dumps({"skip": True})
            return None

        try:
            record = sandbox.run_worker(config, isolation, limits, on_event)
        finally:
            sandbox.remove_cgroup(cgroup)
        run_notes, status = _run_notes(record, nb)
        notes += run_notes
        found = None
        if challenge and (record.event("probed") or {}).get("status") == "ok":
            try:
                found = evidence_files.read(workdir / sandbox.EVIDENCE_DIR)
            except evidence_files.EvidenceError as exc:
                notes.append(f"the evidence about your objects could not be read: {exc}")
        judge_start = time.monotonic()
        if found is None:
            reason = notes[-1] if notes else "the grader could not examine your notebook"
            report.results = [failed_result(e, reason) for e in exercise_list]
            status = "no evidence" if status == "graded" else status
        else:
            with _JUDGE_LOCK:
                report.results = [_judge(e, found, challenge["value"], forced) for e in exercise_list]
        judged = time.monotonic() - judge_start
        report.notes, report.status = notes, status
        report.run = {
            "seconds": record.seconds,
            "killed": record.killed,
            "returncode": record.returncode,
            "peak_memory_mb": record.peak_rss_mb,
            "peak_tasks": record.peak_tasks,
            "cgroup": bool(cgroup),
            "isolation": isolation.describe(),
            "parameters": forced,
            "events": record.events[:6],
            "log_tail": record.log[-4000:],
            "judge_seconds": round(judged, 2),
        }
    finally:
        if not options.keep_workdirs:
            shutil.rmtree(workdir, ignore_errors=True)
    report.seconds = round(time.monotonic() - started, 2)
    return report


def _warm_up(lab: str) -> None:
    """Import Keras (and whatever the judges import) while the first submissions run."""
    try:
        with _JUDGE_LOCK:
            import keras  # noqa: F401

            warm = getattr(lab_module(lab), "warm_up", None)
            if warm:
                warm()
    except Exception:  # noqa: BLE001 - warming up is only an optimisation
        pass


def _judge(exercise, found: evidence_files.EvidenceBundle, challenge: Challenge, forced: dict):
    params = {k: v for k, v in found.params.items() if k in exercise.params}
    params.update({k: v for k, v in forced.items() if k in exercise.params})
    return judge_exercise(exercise, found.exercises.get(exercise.id), challenge, {"params": params})


# --------------------------------------------------------------------------- many runs


def grade(lab_name: str, paths, options: GradeOptions | None = None, on_done=None) -> list[SubmissionReport]:
    """Grade every submission (``jobs`` at a time); one failing never stops the others."""
    from dlex.labs.catalog import get_lab

    options = options or GradeOptions()
    lab = get_lab(lab_name)
    exercises(lab.name)  # a clear error if the lab has no exercises
    files = submission_files(paths)
    ids = submission_ids(files)
    isolation = sandbox.detect(options.allow_network) if options.isolate else sandbox.Isolation("none")
    base = Path(tempfile.mkdtemp(prefix="dlex-grade-"))
    os.chmod(base, 0o711)  # sandbox users may enter their own folder only
    threading.Thread(target=_warm_up, args=(lab.name,), daemon=True).start()

    def one(item):
        path, submission_id = item
        try:
            report = grade_one(lab, path, submission_id, options, isolation, base)
        except Exception as exc:  # noqa: BLE001 - a grader bug on one file must not stop the rest
            reason = f"the grader failed on this submission ({type(exc).__name__}: {exc})"
            report = SubmissionReport(
                submission_id,
                str(path),
                lab.name,
                [failed_result(e, reason) for e in exercises(lab.name)],
                [reason],
                "grader error",
            )
        report.run.setdefault("isolation", isolation.describe())
        if on_done:
            on_done(report)
        return report

    try:
        with ThreadPoolExecutor(max_workers=max(1, int(options.jobs))) as pool:
            reports = list(pool.map(one, zip(files, ids)))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    for report in reports:
        report.notes = isolation.notes + report.notes
    return reports
