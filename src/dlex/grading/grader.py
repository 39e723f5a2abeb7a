"""Mark submitted notebooks: run each in a sandbox, judge its evidence here, write the grades.

    from dlex.grading.grader import GradeOptions, grade, write_outputs
    reports = grade("lab02", [Path("alice.ipynb"), Path("bob.ipynb")], GradeOptions(jobs=2))
    write_outputs(Path("grades"), "lab02", reports, gradescope=False)

For each submission: parse it (size-capped; outputs dropped), apply the lab's quick
parameters (unless ``full``) with :func:`dlex.runner.parameters.inject`, copy it into
a fresh folder, run it with :func:`dlex.grading.sandbox.run_worker`, draw the
challenge seed once the worker reports the notebook executed, then read the evidence
files (:mod:`dlex.grading.evidence`) and judge them in this process. The score comes
from the judges alone; the submission's prints, files and exit status only feed the
notes shown as feedback.
"""

import csv
import io
import json
import os
import re
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from dlex.errors import DlexError, LabError
from dlex.grading import evidence as evidence_io
from dlex.grading import sandbox, spec
from dlex.grading.core import judge_exercise
from dlex.grading.feedback import format_result
from dlex.grading.spec import Challenge, exercises, failed_result
from dlex.grading.worker import EVIDENCE_DIR

MAX_SUBMISSION_BYTES = 32 * 2**20
SUBMISSION_NAME = "submission.ipynb"
_JUDGE_LOCK = threading.Lock()


@dataclass
class GradeOptions:
    quick: bool = True
    overrides: dict = field(default_factory=dict)
    jobs: int = 1
    limits: sandbox.Limits = field(default_factory=sandbox.Limits)
    allow_network: bool = False
    isolate: bool = True            # False: `dlex check`, the learner's own notebook
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
        return {"submission": self.id, "path": self.path, "lab": self.lab, "status": self.status,
                "total": self.total, "max_total": self.max_total, "notes": self.notes,
                "seconds": self.seconds, "exercises": [r.to_dict() for r in self.results],
                "run": self.run}

    def feedback_text(self) -> str:
        parts = [f"{self.lab}: {self.total:g}/{self.max_total:g} points"]
        parts += [f"note: {n}" for n in self.notes]
        parts += [format_result(r) for r in self.results]
        return "\n\n".join(parts)


# --------------------------------------------------------------------------- submissions

def submission_files(paths) -> list[Path]:
    """The notebooks named, folders expanded to their ``*.ipynb`` (sorted); errors for the rest."""
    found = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.glob("*.ipynb") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise DlexError(f"no such submission: {path}", "name notebooks or folders of notebooks")
    if not found:
        raise DlexError("no submissions found", "name .ipynb files or folders holding them")
    return found


def submission_ids(paths: list[Path]) -> list[str]:
    ids, seen = [], {}
    for path in paths:
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", path.stem).strip("._-") or "submission"
        count = seen.get(base, 0) + 1
        seen[base] = count
        ids.append(base if count == 1 else f"{base}-{count}")
    return ids


def read_submission(path: Path):
    """The notebook in ``path`` (``.ipynb``, or a jupytext ``.py``), outputs dropped."""
    size = path.stat().st_size
    if size > MAX_SUBMISSION_BYTES:
        raise ValueError(f"the file is {size:,} bytes; the limit is {MAX_SUBMISSION_BYTES:,}")
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".py":
        import jupytext

        nb = jupytext.reads(text, fmt="py:percent")
    else:
        nb = nbformat.reads(text, as_version=4)
    if not isinstance(nb.get("cells"), list):
        raise ValueError("it has no cells")
    for cell in nb.cells:
        if not isinstance(cell, dict) or not isinstance(cell.get("source", ""), str):
            raise ValueError("a cell is malformed")
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def apply_parameters(nb, lab, options: GradeOptions) -> tuple[dict, list[str]]:
    """Inject the quick parameters (and overrides); ``(forced values, notes)``."""
    from dlex.runner import parameters

    chosen = dict(lab.quick) if options.quick else {}
    chosen.update(options.overrides or {})
    if not chosen:
        return {}, []
    try:
        index = parameters.parameters_cell_index(nb)
        known = parameters.read_parameters(nb.cells[index].source)
    except LabError as exc:
        return {}, [f"the lab's parameters were not applied ({exc.message}); the notebook ran "
                    "with its own settings"]
    usable = {k: v for k, v in chosen.items() if k in known}
    notes = []
    if set(chosen) - set(usable):
        notes.append("parameters missing from your parameters cell were not set: "
                     + ", ".join(sorted(set(chosen) - set(usable))))
    label = "dlex grade (quick parameters)" if options.quick else "dlex grade --set"
    parameters.inject(nb, usable, label)
    return usable, notes


# --------------------------------------------------------------------------- one run

def sandbox_data_dir() -> str | None:
    """The dataset folder the sandbox reads: ``$DLEX_DATA_DIR``, else the grader's Keras cache."""
    from dlex.paths import data_dir_override, keras_cache_dir

    folder = data_dir_override()
    if folder is None and (keras_cache_dir() / "mnist.npz").exists():
        folder = keras_cache_dir()
    return str(folder.expanduser().resolve()) if folder else None


def lab_backend(lab) -> str:
    """The Keras backend ``dlex run`` would use for this lab."""
    import dlex

    try:
        from dlex.runner.execute import kernel_backend
    except ImportError:
        return dlex.BACKEND
    return kernel_backend(lab)


def kernel_env(workdir: Path, quick: bool, isolated: bool = True, backend: str | None = None) -> dict:
    """The kernel's environment. Sandboxed: nothing of the grader's but the data folder."""
    import dlex

    fixed = {"KERAS_BACKEND": backend or dlex.BACKEND, "DLEX_GRADING": "1", "DLEX_QUICK": str(int(quick)),
             "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg", "XLA_PYTHON_CLIENT_PREALLOCATE": "false",
             "TF_CPP_MIN_LOG_LEVEL": "2"}
    if not isolated:           # `dlex check`: the learner's own notebook, the learner's setup
        env = {k: v for k, v in os.environ.items() if k != "DLEX_METRICS_PATH"}
        env.update(fixed)
        env["JUPYTER_RUNTIME_DIR"] = str(workdir / ".jupyter")
        return env
    w = str(workdir)
    env = {"HOME": w, "USER": "student", "LOGNAME": "student", "LANG": "C.UTF-8",
           "TMPDIR": "/tmp", "DLEX_OFFLINE": "1", "DLEX_HOME": f"{w}/.dlex", "KERAS_HOME": f"{w}/.keras",
           "MPLCONFIGDIR": f"{w}/.matplotlib", "IPYTHONDIR": f"{w}/.ipython",
           "JUPYTER_RUNTIME_DIR": f"{w}/.jupyter", "JUPYTER_CONFIG_DIR": f"{w}/.jupyter-config",
           "JUPYTER_DATA_DIR": f"{w}/.jupyter-data", "XDG_CACHE_HOME": f"{w}/.cache",
           "XDG_CONFIG_HOME": f"{w}/.config", "XDG_DATA_HOME": f"{w}/.local/share",
           "PYTHONDONTWRITEBYTECODE": "1", **fixed}
    data = sandbox_data_dir()
    if data:
        env["DLEX_DATA_DIR"] = data
    return env


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
        notes.append(f"the grader stopped your notebook: {record.killed}; nothing could be "
                     "checked")
        status = "killed"
    elif not executed:
        notes.append("your notebook's kernel could not be started or the run ended early "
                     f"(exit status {record.returncode}); nothing could be checked")
        status = "not run"
    elif executed.get("status") == "error":
        notes.append(f"your notebook stopped at {where} with {executed.get('ename')}: "
                     f"{executed.get('evalue')}; cells after it did not run")
        status = "stopped"
    elif executed.get("status") == "dead":
        notes.append(f"the kernel died at {where} (the notebook exited, killed its kernel, or "
                     "ran out of memory), so nothing could be checked")
        status = "kernel died"
    elif executed.get("status") == "timeout":
        notes.append(f"{where} ran past the time limit")
        status = "timeout"
    if record.killed and executed:
        notes.append(f"the grader stopped your notebook after it ran: {record.killed}")
        status = "killed"
    if executed.get("output_dropped"):
        notes.append(f"your notebook printed more than the grader keeps; "
                     f"{executed['output_dropped']:,} bytes of output were left out")
    probed = record.event("probed") or {}
    if executed and executed.get("alive") and probed.get("status") == "error":
        notes.append("the grader could not examine your objects: the kernel raised "
                     f"{probed.get('ename')}: {probed.get('evalue')} (did the notebook change "
                     "dlex or Python itself?)")
    return notes, status


def grade_one(lab, path: Path, submission_id: str, options: GradeOptions,
              isolation: sandbox.Isolation, base: Path) -> SubmissionReport:
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
        cgroup = (sandbox.make_cgroup(f"dlex-{workdir.name}", limits.processes())
                  if options.isolate else None)
        config = {"mode": "grade", "lab": lab.name, "workdir": str(workdir),
                  "notebook": SUBMISSION_NAME, "isolate": isolation.network_blocked,
                  "uid": uid, "gid": uid, "expose": sandbox.python_paths(sandbox_data_dir()),
                  "cgroup": cgroup,
                  "limits": sandbox.rlimits_for(limits, isolation) if options.isolate else {},
                  "env": kernel_env(workdir, options.quick, options.isolate, lab_backend(lab)),
                  "output_bytes": limits.output_kb * 1024,
                  "cell_timeout": int(limits.timeout_s) + 60, "probe_timeout": 300}
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
                found = evidence_io.read(workdir / EVIDENCE_DIR)
            except evidence_io.EvidenceError as exc:
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
        report.run = {"seconds": record.seconds, "killed": record.killed,
                      "returncode": record.returncode, "peak_memory_mb": record.peak_rss_mb,
                      "peak_tasks": record.peak_tasks, "cgroup": bool(cgroup),
                      "isolation": isolation.describe(),
                      "parameters": forced, "events": record.events[:6], "log_tail": record.log[-4000:],
                      "judge_seconds": round(judged, 2)}
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

            warm = getattr(spec.lab_module(lab), "warm_up", None)
            if warm:
                warm()
    except Exception:  # noqa: BLE001 - warming up is only an optimisation
        pass


def _judge(exercise, found: dict, challenge: Challenge, forced: dict):
    entry = found["exercises"].get(exercise.id)
    if entry is None:
        return failed_result(exercise, "no evidence about this exercise reached the grader")
    evidence, missing, error = entry
    params = {k: v for k, v in (found.get("params") or {}).items() if k in exercise.params}
    params.update({k: v for k, v in forced.items() if k in exercise.params})
    return judge_exercise(exercise, evidence, missing, error, challenge, {"params": params})


# --------------------------------------------------------------------------- many runs

def grade(lab_name: str, paths, options: GradeOptions | None = None, on_done=None
          ) -> list[SubmissionReport]:
    """Grade every submission (``jobs`` at a time); one failing never stops the others."""
    from dlex.labs.catalog import get_lab

    options = options or GradeOptions()
    lab = get_lab(lab_name)
    exercises(lab.name)                       # a clear error if the lab has no exercises
    files = submission_files(paths)
    ids = submission_ids(files)
    isolation = (sandbox.detect(options.allow_network) if options.isolate
                 else sandbox.Isolation("none"))
    base = Path(tempfile.mkdtemp(prefix="dlex-grade-"))
    os.chmod(base, 0o711)                     # sandbox users may enter their own folder only
    threading.Thread(target=_warm_up, args=(lab.name,), daemon=True).start()

    def one(item):
        path, submission_id = item
        try:
            report = grade_one(lab, path, submission_id, options, isolation, base)
        except Exception as exc:  # noqa: BLE001 - a grader bug on one file must not stop the rest
            reason = f"the grader failed on this submission ({type(exc).__name__}: {exc})"
            report = SubmissionReport(submission_id, str(path), lab.name,
                                      [failed_result(e, reason) for e in exercises(lab.name)],
                                      [reason], "grader error")
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


def gradebook_csv(lab: str, reports: list[SubmissionReport]) -> str:
    ids = [e.id for e in exercises(lab)]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["submission", *ids, "total", "max", "status", "file"])
    for r in reports:
        writer.writerow([r.id, *[f"{r.score(i):g}" for i in ids], f"{r.total:g}",
                         f"{r.max_total:g}", r.status, r.path])
    return buffer.getvalue()


def gradescope_results(report: SubmissionReport) -> dict:
    """Gradescope's autograder ``results.json`` for one submission."""
    return {"score": report.total,
            "output": "\n".join([f"{report.lab}: {report.total:g}/{report.max_total:g} points",
                                 *[f"note: {n}" for n in report.notes]]),
            "stdout_visibility": "hidden",
            "tests": [{"name": f"{r.id}: {r.title}", "score": r.score, "max_score": r.points,
                       "output": format_result(r), "visibility": "visible"} for r in report.results]}


def _write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=1, default=str))
    os.replace(tmp, path)


def write_outputs(out: Path, lab: str, reports: list[SubmissionReport], gradescope: bool = False
                  ) -> dict:
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
