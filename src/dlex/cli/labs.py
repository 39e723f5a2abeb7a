"""``dlex list``, ``dlex run`` and ``dlex open``."""

import subprocess
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from dlex.errors import LabError

console = Console()

HEADLINE_PREFIXES = ("params.", "seconds.", "versions.", "run.")


def list_labs() -> None:
    """List the labs with their titles and estimated run times."""
    from dlex.labs import all_labs

    table = Table(title="Deep Learning Explained — labs")
    for column in ("lab", "title", "full", "--quick"):
        table.add_column(column)
    for lab in all_labs():
        table.add_row(lab.name, lab.title, f"~{lab.minutes_full:g} min", f"~{lab.minutes_quick * 60:.0f} s")
    console.print(table)


def _print_result(result) -> None:
    table = Table(
        title=f"measured in {result.metrics.get('run.seconds')} s on {result.metrics.get('run.backend')}"
    )
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in sorted(result.metrics.items()):
        if not key.startswith(HEADLINE_PREFIXES):
            table.add_row(key, f"{value:.4g}" if isinstance(value, float) else str(value))
    console.print(table)
    console.print(
        f"notebook: {result.notebook_path}\nreport:   {result.report_path}\nmetrics:  {result.metrics_path}"
    )


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _print_environment_notes(lab: str) -> None:
    """A line for each way this environment is outside what the course was tested with."""
    from dlex.environment import run_notes
    from dlex.labs import all_labs, get_lab

    for note in run_notes(all_labs() if lab.strip().lower() == "all" else [get_lab(lab)]):
        console.print(f"[yellow]{note}[/]", highlight=False, soft_wrap=True)


def _check_out(out: Path | None) -> None:
    if out is not None and out.exists() and any(out.iterdir()):
        raise LabError(
            f"output folder {out} is not empty",
            "choose a new folder with --out, or leave --out off for a fresh one",
        )


def run(
    lab: str = typer.Argument(..., help="lab name (lab02 … lab07) or 'all'"),
    quick: bool = typer.Option(False, "--quick", help="small data and few epochs: a smoke run"),
    out: Path | None = typer.Option(None, "--out", help="output folder (default runs/LAB-<time>)"),
    set_: list[str] | None = typer.Option(None, "--set", help="override a parameter: NAME=VALUE"),
) -> None:
    """Execute a lab (or all) in a fresh kernel; write notebook, report.html and metrics.json."""
    from dlex.labs import get_lab
    from dlex.runner import run_lab
    from dlex.runner.execute import require_ok
    from dlex.runner.parameters import parse_assignment

    _check_out(out)
    _print_environment_notes(lab)
    if lab.strip().lower() == "all":
        if set_:
            raise LabError("--set applies to one lab, not to 'all'", "run that lab on its own")
        return _run_all(quick, out)
    chosen = get_lab(lab)
    overrides = dict(parse_assignment(item) for item in set_ or [])
    with _progress() as progress:
        task = progress.add_task(chosen.name, total=None)

        def on_cell(index, total, section):
            progress.update(task, completed=index, total=total, description=f"{chosen.name} · {section[:40]}")

        result = run_lab(chosen, quick=quick, out=out, overrides=overrides, on_cell=on_cell)
    _print_result(result)
    _remember(result, quick)
    require_ok(result)


def _remember(result, quick: bool) -> None:
    """The run in the learner's progress, so `dlex progress` shows it."""
    from dlex.grading import progress

    try:
        progress.record_run(result.metrics["run.lab"], result.metrics_path, result.ok, quick)
    except OSError as exc:
        console.print(f"(progress not saved: {exc})")


def _run_all(quick: bool, out: Path | None) -> None:
    from dlex.labs import all_labs
    from dlex.runner.course import headline, run_course
    from dlex.runner.runs import new_course_dir

    out = out or new_course_dir()
    with _progress() as progress:
        course = progress.add_task("course", total=len(all_labs()))
        cells = progress.add_task("", total=None)

        def on_lab(index, total, lab):
            progress.update(course, completed=index, description=f"course: {lab.name}")

        def on_cell(index, total, section):
            progress.update(cells, completed=index, total=total, description=section[:40])

        results = run_course(all_labs(), quick, out, on_cell=on_cell, on_lab=on_lab)
    table = Table(title=f"all labs{' (quick)' if quick else ''}")
    for column in ("lab", "status", "seconds", "headline"):
        table.add_column(column)
    for result in results:
        numbers = ", ".join(
            f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
            for k, v in headline(result.metrics, limit=3).items()
        )
        table.add_row(
            result.metrics["run.lab"],
            "passed" if result.ok else "[red]FAILED[/]",
            f"{result.metrics['run.seconds']:.1f}",
            numbers,
        )
    for result in results:
        _remember(result, quick)
    console.print(table)
    console.print(f"combined report: {out / 'index.html'}")
    failed = [r.metrics["run.lab"] for r in results if not r.ok]
    if failed:
        raise LabError(
            f"{len(failed)} lab(s) failed: {', '.join(failed)}",
            "open each failed lab's report.html for the failing cell",
        )


def open_lab(
    lab: str = typer.Argument(..., help="lab name: lab02 … lab07"),
    folder: Path = typer.Option(Path("dlex-work"), "--dir", help="your work folder"),
    solutions: bool = typer.Option(False, "--solutions", help="the copy with reference solutions"),
    launch: bool = typer.Option(True, "--launch/--no-launch", help="start JupyterLab"),
) -> None:
    """Copy a lab notebook into your work folder (never overwriting) and open JupyterLab."""
    from dlex.labs import get_lab
    from dlex.workspace import write_learner_copy

    path, created = write_learner_copy(get_lab(lab), folder, solutions=solutions)
    if created:
        console.print(f"wrote {path}")
    else:
        console.print(
            f"your copy {path} already exists and is kept as it is (delete or rename it to get a fresh one)"
        )
    if launch:
        subprocess.call([sys.executable, "-m", "jupyterlab", path.name], cwd=path.parent)
