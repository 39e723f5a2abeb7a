"""Lab 5's interactive explorer, built in this process: moving a slider redraws the figure.

`dlex run` does not build the explorer (no screen to show it), so this is where its code
runs in the test suite.
"""

import pytest

pytest.importorskip("ipywidgets")

from dlex.labs import get_lab  # noqa: E402

CELLS = (
    "import json",
    "SEED_DATA = 9911",
    "X = dlex.data.correlated_gaussian",
    "A_E = np.eye(2)",
    "def excess_loss",
    "EXTENT = (",
    "def gradient_norm",
    "def explore(",
    "def build_explorer",
)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    import matplotlib

    matplotlib.use("Agg")
    sources = [c.source for c in get_lab("lab05").notebook().cells if c.cell_type == "code"]
    namespace = {}
    for needle in CELLS:
        matches = [s for s in sources if needle in s]
        assert len(matches) == 1, f"expected one cell containing {needle!r}"
        source = matches[0]
        if needle == "def build_explorer":  # define it; the test calls it
            source = source.split("\nif dlex.runtime.headless()")[0]
        exec(compile(source, needle, "exec"), namespace)
    return namespace


def test_sliders_redraw_the_trajectory(lab, monkeypatch):
    import matplotlib.pyplot as plt

    drawn = []
    monkeypatch.setattr(plt, "show", lambda: drawn.append(plt.gcf()))
    explorer, redraw = lab["build_explorer"]()
    controls = {getattr(c, "description", ""): c for c in explorer.children[:-1]}
    assert {"optimizer", "log₁₀ η", "β (SGD)", "β₁", "β₂ / ρ", "steps"} <= set(controls)
    redraw()
    controls["optimizer"].value = "SGD"
    controls["log₁₀ η"].value = -0.5  # η ≈ 0.32 > 2/λ_max: SGD diverges, the figure still draws
    controls["steps"].value = 50
    assert len(drawn) == 4
    titles = [fig.axes[0].get_title() for fig in drawn]
    assert titles[0].startswith("Adam") and titles[-1] == "SGD, η = 0.316"
    plt.close("all")


def test_headless_runs_do_not_build_the_explorer():
    source = next(
        c.source
        for c in get_lab("lab05").notebook().cells
        if c.cell_type == "code" and "def build_explorer" in c.source
    )
    assert "if dlex.runtime.headless():" in source
