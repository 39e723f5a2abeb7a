"""The small generated data sets the labs use."""

import numpy as np

from dlex.data import correlated_gaussian, noisy_line, step_series


def test_noisy_line():
    x, y = noisy_line(4)
    np.testing.assert_array_equal(x, np.arange(40) * 0.25)
    assert x[0] == 0 and x[-1] == 9.75 and y.shape == (40,)
    again_x, again_y = noisy_line(np.random.default_rng(4))
    np.testing.assert_array_equal(y, again_y)
    assert 1.0 < np.std(y - x) < 3.0
    assert not np.array_equal(y, noisy_line(5)[1])


def test_correlated_gaussian():
    data = correlated_gaussian()
    assert data.shape == (1000, 2)
    np.testing.assert_array_equal(data, correlated_gaussian(seed=9911))
    assert np.corrcoef(data.T)[0, 1] > 0.98
    np.testing.assert_allclose(data.mean(axis=0), [1, 2], atol=0.15)
    assert correlated_gaussian(n=10, mean=(0, 0), cov=[[1, 0], [0, 1]], seed=1).shape == (10, 2)


def test_step_series():
    series = step_series()
    assert series.shape == (80,)
    np.testing.assert_array_equal(series, step_series(12233))
    assert series[40:].mean() - series[:40].mean() > 1.0
