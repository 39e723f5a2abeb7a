"""Tiny generated data sets used by the labs.

Each function takes a seed (an int) or a ``numpy.random.Generator`` and returns
NumPy arrays; the same seed always gives the same numbers.
"""

import numpy as np


def _rng(seed) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def noisy_line(seed) -> tuple[np.ndarray, np.ndarray]:
    """Lab 4: ``(x, y)`` with x = 0, 0.25, …, 9.75 (40 points) and
    y = x + noise, the noise drawn from N(0, 2²)."""
    rng = _rng(seed)
    x = np.arange(40) * 0.25
    y = x + rng.normal(0.0, 2.0, size=x.shape)
    return x, y


def correlated_gaussian(
    n: int = 1000,
    mean=(1.0, 2.0),
    cov=((1.0, 0.99), (0.99, 1.0)),
    seed=9911,
) -> np.ndarray:
    """Lab 5: ``(n, 2)`` draws from a 2-D Gaussian with the given mean and
    covariance (by default two almost perfectly correlated features)."""
    return _rng(seed).multivariate_normal(np.asarray(mean, float), np.asarray(cov, float), size=n)


def step_series(seed=12233) -> np.ndarray:
    """Lab 6: 80 values, 40 draws of N(0, 1) followed by 40 draws of N(2, 1)."""
    rng = _rng(seed)
    return np.concatenate([rng.normal(0.0, 1.0, 40), rng.normal(2.0, 1.0, 40)])
