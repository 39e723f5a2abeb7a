"""``dlex run all``: every lab in order, each in its own folder, plus one combined report."""

import html
import json
from pathlib import Path

from dlex.errors import LabError
from dlex.labs.catalog import Lab, get_lab
from dlex.runner.execute import RunResult, run_lab

HEADLINE_SKIP = ("params.", "seconds.", "versions.", "run.")


def headline(metrics: dict, limit: int = 6) -> dict:
    """The lab's headline numbers: first those its header names (``headline:``) that the
    run recorded, then its other measured numbers (no parameters, versions or timings)."""
    keys = [k for k in _declared(metrics.get("run.lab")) if k in metrics]
    keys += [
        k
        for k in sorted(metrics)
        if k not in keys
        and not k.startswith(HEADLINE_SKIP)
        and k.endswith(("accuracy", "rmse", "rate", "ok", "error", "condition_number"))
    ]
    return {k: metrics[k] for k in keys[:limit]}


def _declared(name) -> tuple:
    try:
        return get_lab(name).headline if name else ()
    except LabError:  # a lab this installation does not have
        return ()


def _row(result: RunResult, out: Path) -> str:
    status = "passed" if result.ok else f"FAILED: {html.escape(result.error.splitlines()[0])}"
    numbers = "<br>".join(
        f"{html.escape(k)} = {v:.4g}" if isinstance(v, float) else f"{html.escape(k)} = {html.escape(str(v))}"
        for k, v in headline(result.metrics).items()
    )
    link = result.report_path.relative_to(out)
    return (
        f"<tr><td><a href='{link}'>{result.metrics['run.lab']}</a></td><td>{status}</td>"
        f"<td>{result.metrics['run.seconds']:.1f}</td><td>{numbers}</td></tr>"
    )


def write_summary(results: list[RunResult], out: Path, quick: bool) -> Path:
    """``summary.json`` and ``index.html`` for a whole-course run."""
    total = sum(r.metrics["run.seconds"] for r in results)
    summary = {
        r.metrics["run.lab"]: {
            "ok": r.ok,
            "seconds": r.metrics["run.seconds"],
            "error": r.error,
            **headline(r.metrics, limit=50),
        }
        for r in results
    }
    summary["course"] = {"ok": all(r.ok for r in results), "seconds": round(total, 1), "quick": quick}
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    rows = "\n".join(_row(r, out) for r in results)
    page = (
        f"<html><head><meta charset='utf-8'><title>dlex course run</title></head><body>"
        f"<h1>Deep Learning Explained — all labs{' (quick)' if quick else ''}</h1>"
        f"<p>{len(results)} labs, {total:.0f} s in all.</p>"
        f"<table border='1' cellpadding='4'><tr><th>lab</th><th>status</th><th>seconds</th>"
        f"<th>headline metrics</th></tr>{rows}</table></body></html>"
    )
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def run_course(labs: tuple[Lab, ...], quick: bool, out: Path, on_cell=None, on_lab=None) -> list[RunResult]:
    """Run ``labs`` in order into ``out/<lab>``; a failing lab does not stop the others."""
    out.mkdir(parents=True, exist_ok=True)
    results = []
    for number, lab in enumerate(labs):
        if on_lab:
            on_lab(number, len(labs), lab)
        results.append(run_lab(lab, quick=quick, out=out / lab.name, on_cell=on_cell))
    write_summary(results, out.resolve(), quick)
    return results
