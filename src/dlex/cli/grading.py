"""``dlex check``, ``dlex quiz``, ``dlex progress`` and ``dlex grade``."""

import sys
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dlex.errors import DlexError

console = Console()


def _interactive() -> bool:
    return sys.stdin.isatty()


def _overrides(items) -> dict:
    from dlex.runner.parameters import parse_assignment

    return dict(parse_assignment(item) for item in items or [])


def check(
    lab: str = typer.Argument(..., help="lab name, e.g. lab02"),
    notebook: Path = typer.Argument(..., help="your notebook (.ipynb)"),
    full: bool = typer.Option(False, "--full", help="the lab's full parameters, not the quick ones"),
    set_: list[str] | None = typer.Option(None, "--set", help="override a parameter: NAME=VALUE"),
    timeout: float = typer.Option(3600, "--timeout", help="seconds the whole run may take"),
) -> None:
    """Run your whole notebook in a fresh kernel and check every exercise."""
    from dlex.grading import progress
    from dlex.grading.grader import GradeOptions, grade
    from dlex.grading.sandbox import Limits
    from dlex.labs import get_lab

    chosen = get_lab(lab)
    if not notebook.is_file():
        raise DlexError(f"no notebook at {notebook}", f"give the path of your {chosen.name} notebook")
    options = GradeOptions(
        quick=not full,
        overrides=_overrides(set_),
        isolate=False,
        limits=Limits(timeout_s=timeout, memory_mb=None, fsize_mb=None),
    )
    mode = "full" if full else "quick"
    with console.status(f"running {notebook.name} in a fresh kernel ({mode} parameters) …"):
        report = grade(chosen.name, [notebook], options)[0]
    console.print(escape(report.feedback_text()), highlight=False)
    for result in report.results:
        progress.record_exercise(result.id, result.passed, result.score, result.points, via="dlex check")
    if not all(r.passed for r in report.results):
        raise typer.Exit(1)


def quiz(
    lab: str = typer.Argument(..., help="lab name, e.g. lab02"),
    answers: Path | None = typer.Option(
        None, "--answers", help="answers file (JSON or 'q1: 2' lines); no terminal needed"
    ),
    metrics: Path | None = typer.Option(
        None, "--metrics", help="metrics.json of your run (default: the newest run of LAB in ./runs)"
    ),
) -> None:
    """Answer a lab's evaluation questions in the terminal."""
    from dlex.grading import progress
    from dlex.grading.questions.kinds import check_answer, needs_run, render
    from dlex.grading.questions.quiz import check_answers, format_verdict, parse_answers_file
    from dlex.grading.registry import questions
    from dlex.labs import get_lab
    from dlex.runner.runs import latest_run, load_metrics

    name = get_lab(lab).name
    items = questions(name)
    run_path = metrics or latest_run(name)
    run_metrics = load_metrics(run_path) if run_path else None
    about_run = [q.id for q in items if needs_run(q)]
    if about_run:
        if run_metrics is None:
            console.print(
                f"[yellow]Questions {', '.join(about_run)} are about your own run, and no "
                f"run of {name} was found in ./runs.[/] Run `dlex run {name}` (or "
                f"`dlex run {name} --quick`) first, or pass --metrics PATH; those "
                "questions are skipped now.",
                highlight=False,
            )
        else:
            console.print(
                f"questions about your run use {escape(str(run_path))}", highlight=False, soft_wrap=True
            )
    if answers is not None:
        given = parse_answers_file(name, answers)
        verdicts = check_answers(name, given, run_metrics)
    elif not _interactive():
        raise DlexError(
            "no terminal to ask the questions in",
            f"answer in a file and pass it: dlex quiz {name} --answers answers.txt "
            "(lines such as 'q1: 2' or JSON {\"q1\": 2})",
        )
    else:
        verdicts = []
        for number, question in enumerate(items, 1):
            console.print()
            console.print(escape(render(question, number)), highlight=False)
            if needs_run(question) and run_metrics is None:
                console.print("   (skipped: no run found)")
                verdicts.append((question, None))
                continue
            verdict = None
            for _ in range(3):
                raw = console.input("   your answer (Enter to skip): ").strip()
                if not raw:
                    break
                verdict = check_answer(question, raw, run_metrics)
                if verdict.correct is not None:
                    break
                console.print(f"   {escape(verdict.message)}", highlight=False)
            verdicts.append((question, verdict))
            if verdict is not None:
                console.print(escape(format_verdict(question, verdict)), highlight=False)
    if answers is not None:
        for question, verdict in verdicts:
            if verdict is not None:
                console.print(escape(format_verdict(question, verdict)), highlight=False)
    checked = [v for _, v in verdicts if v is not None and v.correct is not None]
    progress.record_answers(checked)
    right = sum(1 for v in checked if v.correct)
    console.print(
        f"\n[bold]{right} of {len(items)} correct[/] ({len(checked)} answered); "
        "`dlex progress` shows all labs."
    )


def show_progress() -> None:
    """Per lab: exercises passed, questions answered correctly, last run."""
    from dlex.grading import progress
    from dlex.grading.registry import lab_module
    from dlex.labs import all_labs
    from dlex.runner.runs import latest_run, load_metrics

    data = progress.load()
    table = Table(title="Your progress")
    for column in ("lab", "title", "exercises passed", "questions correct", "last run"):
        table.add_column(column)
    for lab in all_labs():
        entry = data["labs"].get(lab.name, {})
        try:
            module = lab_module(lab.name)
            n_ex, n_q = len(module.EXERCISES), len(module.QUESTIONS)
        except DlexError:
            n_ex = n_q = 0
        done = sum(1 for e in entry.get("exercises", {}).values() if e.get("passed"))
        right = sum(1 for q in entry.get("questions", {}).values() if q.get("correct"))
        last = entry.get("last_run")
        shown = "—"
        found = latest_run(lab.name)
        if found is not None:
            try:
                metrics = load_metrics(found)
                stamp = datetime.fromtimestamp(found.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
                shown = (
                    f"{stamp} {'ok' if metrics.get('run.ok') else 'FAILED'}"
                    f"{' (quick)' if metrics.get('run.quick') else ''}"
                )
            except DlexError:
                shown = f"{found.parent.name} (unreadable)"
        elif last:
            shown = f"{last.get('at', '?')[:16].replace('T', ' ')} {'ok' if last.get('ok') else 'FAILED'}"
        table.add_row(
            lab.name, lab.title, f"{done}/{n_ex}" if n_ex else "—", f"{right}/{n_q}" if n_q else "—", shown
        )
    console.print(table)
    console.print(
        f"stored in {escape(str(progress.path()))}; runs are looked for in ./runs",
        highlight=False,
        soft_wrap=True,
    )


def grade_command(
    lab: str = typer.Argument(..., help="lab name, e.g. lab02"),
    submissions: list[Path] = typer.Argument(..., help="submitted notebooks, or folders of them"),
    jobs: int = typer.Option(1, "--jobs", min=1, help="submissions run at once"),
    timeout: float = typer.Option(600, "--timeout", help="seconds one submission may run"),
    memory: int = typer.Option(4096, "--memory", min=256, help="MB one submission may use"),
    out: Path | None = typer.Option(None, "--out", help="output folder (default grades/LAB-<time>)"),
    full: bool = typer.Option(False, "--full", help="the lab's full parameters, not the quick ones"),
    allow_network: bool = typer.Option(
        False, "--allow-network", help="grade even where the network cannot be cut off"
    ),
    gradescope: bool = typer.Option(False, "--gradescope", help="also write Gradescope results.json"),
    set_: list[str] | None = typer.Option(None, "--set", help="override a parameter: NAME=VALUE"),
) -> None:
    """Mark submitted notebooks, each in a sandbox; write gradebook.csv and feedback."""
    from dlex.grading.gradebook import write_outputs
    from dlex.grading.grader import GradeOptions, grade
    from dlex.grading.registry import exercises
    from dlex.grading.sandbox import Limits
    from dlex.grading.submissions import submission_files
    from dlex.labs import get_lab

    chosen = get_lab(lab)
    exercise_ids = [e.id for e in exercises(chosen.name)]
    files = submission_files(submissions)
    out = out or Path("grades") / f"{chosen.name}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    options = GradeOptions(
        quick=not full,
        overrides=_overrides(set_),
        jobs=jobs,
        limits=Limits(timeout_s=timeout, memory_mb=memory),
        allow_network=allow_network,
    )
    console.print(f"grading {len(files)} submission(s) of {chosen.name} with {jobs} job(s)")

    def done(report):
        console.print(
            f"  {escape(report.id)}: {report.total:g}/{report.max_total:g} "
            f"({escape(report.status)}, {report.seconds:.0f} s)",
            highlight=False,
        )

    reports = grade(chosen.name, files, options, on_done=done)
    written = write_outputs(out, chosen.name, reports, gradescope=gradescope)
    table = Table(title=f"{chosen.name}: {len(reports)} submission(s)")
    for column in ("submission", *exercise_ids, "total", "status"):
        table.add_column(column)
    for r in reports:
        table.add_row(
            escape(r.id),
            *[f"{r.score(i):g}" for i in exercise_ids],
            f"{r.total:g}/{r.max_total:g}",
            escape(r.status),
        )
    console.print(table)
    if reports and reports[0].notes and reports[0].run.get("isolation", "").startswith("no namespaces"):
        console.print("[yellow]warning:[/] submissions ran without network isolation (--allow-network)")
    console.print(
        f"gradebook: {written['gradebook']}\nfeedback:  {written['feedback']}/"
        + (f"\ngradescope: {written['gradescope']}" if "gradescope" in written else ""),
        highlight=False,
        soft_wrap=True,
    )
