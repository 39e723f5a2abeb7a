"""The HTML report of a run: a summary table, then the executed notebook with its figures."""

import html
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter


def _summary_cell(title: str, status: str, metrics: dict) -> nbformat.NotebookNode:
    rows = "\n".join(f"| `{html.escape(k)}` | {html.escape(str(v))} |" for k, v in sorted(metrics.items()))
    text = f"# Run report: {title}\n\n**Status:** {status}\n\n| metric | value |\n|---|---|\n{rows}\n"
    return nbformat.v4.new_markdown_cell(text)


def write_report(nb, path: Path, title: str, status: str, metrics: dict) -> Path:
    """Write ``path`` (HTML, figures embedded) for the executed notebook ``nb``."""
    shown = nbformat.from_dict(nb)
    shown.cells.insert(0, _summary_cell(title, status, metrics))
    body, _ = HTMLExporter(template_name="lab", embed_images=True).from_notebook_node(shown)
    path.write_text(body, encoding="utf-8")
    return path
