"""Plots the labs share, one module per kind of picture.

Each function draws on a new figure and returns it; in a notebook the figure shows
when the cell ends. Labs call them as ``plots.plot_history(...)``.
"""

from dlex.plots.images import (
    plot_confusion_matrix,
    plot_digit_grid,
    plot_feature_maps,
    plot_filters,
)
from dlex.plots.landscapes import plot_contours
from dlex.plots.networks import (
    plot_activations,
    plot_decision_boundaries,
    plot_log_histograms,
    plot_network,
    plot_unrolled_rnn,
)
from dlex.plots.regression import (
    plot_bias_variance,
    plot_coefficients,
    plot_function_fits,
    plot_method_errors,
    plot_regression_fits,
    plot_training_and_fit,
)
from dlex.plots.sequences import (
    plot_conv_windows,
    plot_length_histogram,
    plot_sequence_continuations,
    plot_series_panels,
)
from dlex.plots.training import (
    plot_accuracy_vs_parameters,
    plot_curves,
    plot_error_vs_parameters,
    plot_histories,
    plot_history,
)

__all__ = [
    "plot_accuracy_vs_parameters",
    "plot_activations",
    "plot_bias_variance",
    "plot_coefficients",
    "plot_confusion_matrix",
    "plot_contours",
    "plot_conv_windows",
    "plot_curves",
    "plot_decision_boundaries",
    "plot_digit_grid",
    "plot_error_vs_parameters",
    "plot_feature_maps",
    "plot_filters",
    "plot_function_fits",
    "plot_histories",
    "plot_history",
    "plot_length_histogram",
    "plot_log_histograms",
    "plot_method_errors",
    "plot_network",
    "plot_regression_fits",
    "plot_sequence_continuations",
    "plot_series_panels",
    "plot_training_and_fit",
    "plot_unrolled_rnn",
]
