"""Seconds per lab section, from the execution timestamps nbclient records per cell."""

import re
from datetime import datetime


def slug(heading: str) -> str:
    """``## 3. Model A: one hidden layer`` -> ``model_a_one_hidden_layer``."""
    text = re.sub(r"^#+\s*", "", heading.strip()).lower()
    text = re.sub(r"^[\d.\s]+", "", text)
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_") or "untitled"


def _elapsed(cell) -> float:
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.status.busy"), timing.get("iopub.status.idle")
    if not (start and end):
        return 0.0
    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
    return max(0.0, (parse(end) - parse(start)).total_seconds())


def heading_of(cell) -> str | None:
    """The first line of a markdown cell if it is a ``#``/``##`` heading."""
    if cell.cell_type != "markdown":
        return None
    first = cell.source.lstrip().splitlines()[0] if cell.source.strip() else ""
    return first if re.match(r"^#{1,2}\s", first) else None


def seconds_per_section(nb) -> dict[str, float]:
    """Execution seconds summed under each level-1/level-2 markdown heading."""
    totals: dict[str, float] = {}
    current = "setup"
    for cell in nb.cells:
        heading = heading_of(cell)
        if heading:
            current = slug(heading)
        elif cell.cell_type == "code":
            totals[current] = round(totals.get(current, 0.0) + _elapsed(cell), 3)
    return totals
