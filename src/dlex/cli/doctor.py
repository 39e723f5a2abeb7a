"""``dlex doctor``: what this machine runs the labs with."""

import os
import platform
import sys
from importlib import metadata

from rich.console import Console
from rich.table import Table

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


def doctor() -> None:
    """Print Python, Keras, backend, devices and data status."""
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
    from dlex.cli.data import status

    status()
