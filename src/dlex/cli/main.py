"""``dlex``: list, run and open the labs, check the machine, manage data.

dlex list                 # the labs with estimated times
dlex run lab02 --quick    # execute a lab; writes notebook, report.html, metrics.json
dlex open lab02           # copy the lab notebook to ./dlex-work and start JupyterLab
dlex doctor               # Python, Keras, backend, devices, data
"""

import sys

import typer
from rich.console import Console

from dlex.errors import DlexError

app = typer.Typer(
    help="Deep Learning Explained: runnable, self-checking labs on Keras 3.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)


def _register_subcommands() -> None:
    from dlex.cli import bench, data, doctor, grading, labs

    app.add_typer(data.app, name="data", help="Dataset status, download and verification.")
    app.command("list")(labs.list_labs)
    app.command("run")(labs.run)
    app.command("open")(labs.open_lab)
    app.command("doctor")(doctor.doctor)
    app.command("bench")(bench.bench)
    app.command("check")(grading.check)
    app.command("quiz")(grading.quiz)
    app.command("progress")(grading.show_progress)
    app.command("grade")(grading.grade_command)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI; a DlexError is printed as a message, never a traceback."""
    _register_subcommands()
    try:
        app(args=argv, standalone_mode=True)
    except DlexError as exc:
        err_console.print(f"[bold red]error:[/] {exc.message}", highlight=False)
        if exc.hint:
            err_console.print(f"[yellow]what to do:[/] {exc.hint}", highlight=False)
        return 1
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        err_console.print("[red]interrupted[/]")
        return 130
    return 0


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()
