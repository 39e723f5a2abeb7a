"""``dlex bench``: lab models against plain Keras on every backend, scratch kernels, grader."""

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

# Tables are wide; when piped (no terminal to measure) do not squeeze them into 80 columns.
console = Console(width=None if sys.stdout.isatty() else 150)


def _training_table(rows: list[dict]) -> Table:
    backends = sorted({b for row in rows for b in row["plain_seconds"]})
    table = Table(title="seconds per training epoch (median)")
    for column in [
        "model",
        "samples",
        *[f"plain {b}" for b in backends],
        "lab",
        "lab/fastest plain",
        "GEMM floor",
        "lab/floor",
    ]:
        table.add_column(column, justify="right")
    for row in rows:
        floor = row.get("floor_seconds")
        table.add_row(
            row["model"],
            f"{row['samples']:,}",
            *[f"{row['plain_seconds'][b]:.3f}" for b in backends],
            f"{row['lab_seconds']:.3f} ({row['lab_backend']})" if "lab_seconds" in row else "-",
            f"{row['ratio_lab_to_fastest_plain']:.2f}" if "lab_seconds" in row else "-",
            f"{floor:.3f}" if floor else "-",
            f"{row['ratio_lab_to_floor']:.2f}" if floor else "-",
        )
    return table


def bench(
    models: list[str] | None = typer.Option(
        None, "--models", help="model or lab, e.g. lab02.model_a or lab02"
    ),
    backends: list[str] | None = typer.Option(
        None, "--backends", help="jax, tensorflow, torch (default: all installed)"
    ),
    repeat: int = typer.Option(3, "--repeat", min=1, help="timed epochs per variant"),
    samples: int | None = typer.Option(
        None, "--samples", min=1, help="time only the first N examples of each epoch (default: all)"
    ),
    scratch: bool = typer.Option(True, "--scratch/--no-scratch", help="also dlex.scratch vs Keras"),
    json_path: Path | None = typer.Option(None, "--json", help="write all results to this file"),
) -> None:
    """Time every lab model against the same model in plain Keras, side by side."""
    from dlex.bench import training

    results = {"training": training.run(models, backends, repeat, samples)}
    console.print(_training_table(results["training"]))
    if scratch:
        from dlex.bench import scratch as scratch_bench

        results["scratch"] = scratch_bench.run(repeat=max(repeat, 3))
        table = Table(title="dlex.scratch (NumPy) vs Keras, ms (median)")
        for column in ("case", "numpy", "keras", "ratio", "target"):
            table.add_column(column, justify="right")
        for row in results["scratch"]:
            table.add_row(
                row["name"],
                f"{row['numpy_ms']:.1f}",
                f"{row['keras_ms']:.1f}",
                f"{row['ratio']:.2f}",
                f"≤ {row['target_ratio']:g}",
            )
        console.print(table)
    if json_path:
        json_path.write_text(json.dumps(results, indent=1))
        console.print(f"results: {json_path}")
