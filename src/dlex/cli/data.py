"""``dlex data``: see, download and verify the course's dataset files.

    dlex data status          where each file is and whether it is good; exit 1 if any is bad
    dlex data fetch [NAME]    download what is missing (NAME: mnist, imdb, imdb_word_index)
    dlex data verify          check every copy present; exit 1 if any is bad or none is found

Exit codes: 0 success, 1 a data problem (message and what to do in red), 2 a usage
error (e.g. an unknown NAME). A file that is only missing is not an error for ``status``
(the labs download it on first use); a bad one is, since every lab would refuse it.
"""

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from dlex.data import download, registry, store
from dlex.errors import DataError
from dlex.paths import data_dir_override, keras_cache_dir

app = typer.Typer(
    help="See, download and verify the course datasets (MNIST, IMDB).",
    no_args_is_help=True,
    add_completion=False,
)

_STATE_STYLE = {"ok": ("ok", "green"), "bad": ("BAD", "bold red"), "missing": ("missing", "yellow")}


# markup=False: paths may contain [brackets]; styles are applied with Text.
def _out() -> Console:
    return Console(highlight=False, markup=False)


def _err() -> Console:
    return Console(stderr=True, highlight=False, markup=False)


def _print_error(message: str, hint: str | None) -> None:
    err = _err()
    err.print(Text(f"Error: {message}", style="red"), soft_wrap=True)
    if hint:
        err.print(Text(f"What to do: {hint}", style="red"), soft_wrap=True)


def _fail(exc: DataError, code: int = 1):
    _print_error(exc.message, exc.hint)
    raise typer.Exit(code)


def _size(n: int | None) -> str:
    if n is None:
        return ""
    return f"{n:,} B" if n < 100_000 else f"{n / 1e6:.1f} MB"


def _table(records: list[store.FileStatus], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("Dataset", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Source", no_wrap=True)
    table.add_column("Size", justify="right", no_wrap=True)
    table.add_column("Path", overflow="fold", min_width=12)
    for r in records:
        label, style = _STATE_STYLE[r.state]
        table.add_row(
            r.name,
            Text(label, style=style),
            r.source or "",
            _size(r.size),
            str(r.path) if r.path else f"({r.filename})",
        )
    return table


def _where() -> str:
    override = data_dir_override()
    if download.is_offline():
        downloads = "off (DLEX_OFFLINE=1)"
    else:
        downloads = f"from {download.mirror_base() or registry.OFFICIAL_BASE_URL}"
    if override is None:
        data_dir = "(not set)"
    else:
        data_dir = str(override) + ("" if override.is_dir() else " (not a folder!)")
    return (
        f"Looks in: DLEX_DATA_DIR = {data_dir}, "
        f"then the Keras cache = {keras_cache_dir()}. Downloads: {downloads}."
    )


def _report_bad(records: list[store.FileStatus]) -> None:
    for r in records:
        if r.state == "bad":
            _print_error(r.reason or f"{r.path} is bad.", r.hint)


@app.command()
def status() -> None:
    """Show where each dataset file is found, its size, and whether it verifies."""
    try:
        records = store.status()
    except DataError as exc:
        _fail(exc)
    out = _out()
    out.print(_table(records, "Course datasets"))
    out.print(_where(), soft_wrap=True)
    _report_bad(records)
    missing = [r.name for r in records if r.state == "missing"]
    if missing:
        out.print(
            f"Missing: {', '.join(missing)}. Run `dlex data fetch` to download "
            f"into {keras_cache_dir()}, or place the files in a folder named by DLEX_DATA_DIR.",
            soft_wrap=True,
        )
    if any(r.state == "bad" for r in records):
        raise typer.Exit(1)


@app.command()
def fetch(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[NAME]",
            help=f"One of {', '.join(registry.names())}; all of them if omitted.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Download missing dataset files into the Keras cache, verified."""
    if name is not None and name not in registry.FILES:
        _print_error(f"Unknown dataset {name!r}.", f"Valid names: {', '.join(registry.names())}.")
        raise typer.Exit(2)
    out = _out()
    failed = 0
    for each in [name] if name else registry.names():
        try:
            (record,) = store.fetch(each)
        except DataError as exc:
            _print_error(exc.message, exc.hint)
            failed += 1
            continue
        if record.downloaded:
            out.print(f"{record.filename}: downloaded and verified: {record.path}", soft_wrap=True)
        else:
            out.print(
                f"{record.filename}: already present ({record.source}) and verified: {record.path}",
                soft_wrap=True,
            )
    if failed:
        raise typer.Exit(1)


@app.command()
def verify() -> None:
    """Verify every copy present (DLEX_DATA_DIR and Keras cache); exit 1 if any is bad."""
    try:
        records = store.verify()
    except DataError as exc:
        _fail(exc)
    out = _out()
    if not records:
        _print_error(
            f"No dataset files found, so nothing was verified. {_where()}",
            "run `dlex data fetch` to download them, or set DLEX_DATA_DIR to a folder that "
            "holds mnist.npz, imdb.npz and imdb_word_index.json.",
        )
        raise typer.Exit(1)
    out.print(_table(records, "Verified copies"))
    bad = [r for r in records if r.state == "bad"]
    if bad:
        _report_bad(bad)
        _err().print(
            Text(
                f"{len(bad)} of {len(records)} file(s) failed verification: "
                + ", ".join(str(r.path) for r in bad),
                style="bold red",
            ),
            soft_wrap=True,
        )
        raise typer.Exit(1)
    out.print(f"All {len(records)} file(s) verified.")


if __name__ == "__main__":
    app(prog_name="dlex data")
