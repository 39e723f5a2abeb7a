"""``dlex doctor``: what this machine runs the labs with, against what the course was tested with."""

import os
import platform
import sys
from importlib import metadata
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from dlex import environment

console = Console()
BACKENDS = {"jax": "jaxlib", "tensorflow": "tensorflow", "torch": "torch"}


def _version(name: str) -> str | None:
    for candidate in (name, f"{name}-cpu"):
        try:
            return metadata.version(candidate)
        except metadata.PackageNotFoundError:
            continue
    return None


def devices(backend: str) -> list[str]:
    """Devices the active Keras backend sees, e.g. ``['cpu:0']`` or ``['cuda:0']``."""
    if backend == "jax":
        import jax

        return [f"{d.platform}:{d.id}" for d in jax.devices()]
    if backend == "tensorflow":
        import tensorflow as tf

        return [d.name for d in tf.config.list_physical_devices()]
    if backend == "torch":
        import torch

        return ["cpu"] + [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    return ["unknown"]


def versions_table(rows: list, lock: Path | None, every: bool) -> Table:
    """dlex's dependencies, and every other locked package that differs (all with ``every``)."""
    source = f"tested = {lock}" if lock else "no lock found (installed from a wheel): declared ranges only"
    table = Table(title=f"versions ({source})")
    for column in ("package", "installed", "tested", "declared", "status"):
        table.add_column(column)
    colour = {environment.TESTED: "green", environment.NEWER: "yellow", environment.OLDER: "yellow"}
    for row in rows:
        if every or row.direct or row.status != environment.TESTED:
            table.add_row(
                row.name,
                row.installed or "-",
                row.tested or "-",
                row.declared or "-",
                f"[{colour.get(row.status, 'red')}]{row.status}[/]",
            )
    return table


def report_versions(lock: Path | None, every: bool = False) -> None:
    """Print the versions table, then what to do about each package outside what was tested."""
    rows = environment.compare(lock)
    console.print(versions_table(rows, lock, every))
    off = [row for row in rows if row.status != environment.TESTED]
    for row in off:
        console.print(
            f"{row.name} {row.installed or '(not installed)'}: {row.status} - {row.advice}", highlight=False
        )
    if not off:
        console.print("Every package is the version the course was tested with.")
    elif lock:
        console.print(
            "All at once, as tested: `make setup` in the course folder "
            f"(or: pip install -r {lock} --no-deps).",
            highlight=False,
        )


def doctor(
    lock: Path | None = typer.Option(
        None,
        "--lock",
        exists=True,
        dir_okay=False,
        help="compare with this lock file (default: $DLEX_LOCK, else the checkout's requirements.lock)",
    ),
    every: bool = typer.Option(
        False, "--all", help="list every locked package, not only dlex's dependencies and those that differ"
    ),
) -> None:
    """Print Python, Keras, backend, devices, versions against the tested ones, and data status."""
    import dlex

    table = Table(title="dlex doctor", show_header=False)
    table.add_row("python", f"{platform.python_version()} ({sys.executable})")
    table.add_row("platform", f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs")
    table.add_row("dlex", dlex.__version__)
    table.add_row("keras", _version("keras") or "not installed")
    for backend, package in BACKENDS.items():
        version = _version(package)
        mark = " (active)" if backend == dlex.BACKEND else ""
        table.add_row(f"backend {backend}{mark}", version or "not installed")
    try:
        import keras  # noqa: F401 - importing shows the backend really loads

        table.add_row("devices", ", ".join(devices(dlex.BACKEND)))
    except Exception as exc:  # noqa: BLE001 - doctor reports, it does not crash
        table.add_row("devices", f"[red]backend {dlex.BACKEND} failed to load: {exc}[/]")
    console.print(table)
    report_versions(lock or environment.find_lock(), every)
    from dlex.cli.data import status

    status()
