"""The plots Lab 4 adds to dlex.plots: each draws what it is given, readable at the edges
(curves that shoot off the data, exact zeros, log axes), and returns its figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlex import plots  # noqa: E402

X = np.linspace(0, 9.75, 50)
TRAIN = (np.array([0.0, 2.0, 5.0, 9.0]), np.array([0.5, 1.5, 5.5, 8.0]))
TEST = (np.array([1.0, 7.0]), np.array([1.2, 6.5]))


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_regression_fits_keep_the_axis_on_the_data():
    wild = 1e4 * np.sin(X)
    fig = plots.plot_regression_fits(
        X,
        {"wild": wild, "line": X},
        TRAIN,
        TEST,
        truth=X,
        faint=[X + 1, X - 1],
        styles={"line": {"ls": "--"}},
        title="t",
    )
    ax = fig.axes[0]
    low, high = ax.get_ylim()
    assert low > -5 and high < 15  # the swings leave the frame, the points stay in it
    labels = ax.get_legend_handles_labels()[1]
    assert labels.count("sub-networks") == 1 and "test points" in labels
    assert [line.get_linestyle() for line in ax.lines if line.get_label() == "line"] == ["--"]


def test_training_and_fit_marks_the_best_epoch():
    history = {"loss": [5.0, 3.0, 2.0, 1.5], "val_loss": [6.0, 4.0, 4.5, 5.0]}
    fig = plots.plot_training_and_fit(history, X, X, TRAIN, TEST, truth=X, title="t")
    left = fig.axes[0]
    assert left.get_yscale() == "log"
    assert any("best: epoch 2" in text.get_text() for text in left.texts)


def test_bias_variance_and_coefficients_and_method_errors():
    fig = plots.plot_bias_variance(
        [0, 1, 2], {"bias²": [1.0, 0.01, 0.01], "variance": [0.1, 0.2, 0.4]}, measured=[5.1, 4.2, 4.4]
    )
    assert fig.axes[0].get_yscale() == "log"
    fig = plots.plot_bias_variance([1e-3, 1.0, 1e3], {"bias²": [0.001, 0.1, 3.0]}, log_x=True, xlabel="α")
    assert fig.axes[0].get_xscale() == "log"
    fig = plots.plot_coefficients({"a": [1000.0, -3.0, 0.0], "b": [0.0, 0.0, 0.5]}, ["x", "x²", "x³"])
    assert fig.axes[0].get_yscale() == "symlog" and len(fig.axes[0].patches) == 6
    fig = plots.plot_method_errors({"m1": 2.1, "m2": 8.0}, spread={"m1": (1.5, 2.6)}, floor=2.0)
    ax = fig.axes[0]
    assert {t.get_text() for t in ax.get_yticklabels()} == {"m1", "m2"}
    labels = ax.get_legend_handles_labels()[1]
    assert labels.count("range over other draws") == 1 and "this draw" in labels
