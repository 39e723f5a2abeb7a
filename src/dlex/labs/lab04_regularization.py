# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   dlex:
#     lab: 4
#     title: Regularization, measured
#     description: Measure bias and variance by simulation, then tame an over-fitting model with ridge, lasso, L2, L1, early stopping, dropout, batch normalisation and data augmentation, each one measured.
#     minutes_full: 0.8
#     minutes_quick: 0.5
#     quick: {BV_DRAWS: 400, REPEATS: 0, EPOCHS_BN: 150, AUG_COPIES: 1, AUG_EPOCHS: 6, AUG_SEEDS: 1}
#     headline: [nn_early_stopping.test_rmse, nn_dropout.test_rmse, augmentation.test_accuracy]
# ---

# %% [markdown]
# # Lab 4 — Regularization, measured
#
# A model **over-fits** when it learns the noise of its training data along with the
# signal: it does well on the training points and badly on new ones. **Regularization**
# is any change to a model or its training that makes it do better on new data, usually
# at the price of a worse fit to the training data.
#
# This lab measures everything it claims. You will:
#
# 1. make a small noisy data set and over-fit it with a 9th-order polynomial;
# 2. split the expected test error into **bias²**, **variance** and **noise**, by
#    simulation, and watch the split move as the model grows;
# 3. regularise the polynomial with **ridge** (L2) and **lasso** (L1) penalties;
# 4. train a small Keras network on the same data, fast, and regularise it with L2, L1,
#    **early stopping**, **dropout** and **batch normalisation** — the last two also
#    by hand, with `dlex.scratch`, beside the Keras layers;
# 5. see **data augmentation** help a digit classifier trained on 1,000 images;
# 6. combine everything in an exercise, and compare every method in one table.
#
# Every number quoted in the text is printed by the code next to it. Where a result
# depends on the random seed, the lab says so and shows several seeds.

# %% [markdown]
# ## Setup
#
# `import dlex` comes before `import keras`: it picks the Keras backend (JAX unless you
# set `KERAS_BACKEND`). scikit-learn provides ridge, lasso and feature scaling.

# %% part="setup"
import itertools
import time
from types import SimpleNamespace

import keras
import numpy as np
import sklearn
from sklearn.linear_model import Lasso, LinearRegression, Ridge
from sklearn.preprocessing import StandardScaler

import dlex
from dlex import plots, scratch

print(f"Keras {keras.__version__} on the {keras.backend.backend()} backend")

# %% [markdown]
# Every setting of the lab is in the next cell; `dlex run lab04 --quick` replaces some of
# them to make a fast smoke run. A **seed** fixes the random numbers: the same seed on
# the same machine gives the same results.

# %% tags=["parameters"] part="parameters"
DATA_SEED = 2024
SEED_NN = 4321
SEED_BV = 7
SEED_EX2 = 242244
SEED_AUG = 11
BV_DRAWS = 2000
EPOCHS = 30
EPOCHS_L1 = 100
EPOCHS_ES = 200
EPOCHS_BN = 300
BATCH_BN = 10
EPOCHS_EX2 = 120
STEPS_PER_EXECUTION = 20
POLY_SEEDS = 10
REPEATS = 4
AUG_TRAIN = 1000
AUG_COPIES = 4
AUG_EPOCHS = 30
AUG_SEEDS = 3

# %% [markdown]
# ## 1. Why regularise, and the data of this lab
#
# Deep networks need regularization for three reasons:
#
# * **Many parameters per training case.** A network often has more weights than there
#   are training examples, so many different weight settings fit the training data
#   perfectly, and most of them generalise badly.
# * **Sensitivity to noise.** With enough freedom, a model bends to fit every random
#   error in its training targets.
# * **Brittleness outside the training domain.** Between and beyond the training
#   points, nothing pins a flexible model down.
#
# We study all three on a problem small enough to see whole: 40 points on a line,
# x = 0, 0.25, …, 9.75, with targets y = x + ε, where the noise ε is drawn from a
# normal distribution with mean 0 and standard deviation σ = 2 (variance σ² = 4).
# The true function is f(x) = x. We split the 40 points at random into 20 for training
# and 20 for testing. The noise and the split come from one seed, `DATA_SEED`; we chose
# 2024, and section 2 shows ten other draws beside it.
#
# The networks later need a **validation set** to watch while they train: data that is
# neither trained on nor used for the final test. Here we can afford a clean one: a
# second draw of the same 40 positions with fresh noise, of which we keep 20 at random.
# (With real data you would set part of your data aside instead.)

# %% part="data"
SIGMA = 2.0


def true_function(x):
    return x


def powers(x, degree=9):
    """The columns x, x², …, x^degree."""
    return np.stack([np.asarray(x, dtype=float) ** k for k in range(1, degree + 1)], axis=1)


def prepare(seed):
    """Training, test and validation sets of 20 points each, all drawn from one seed,
    with the 9 polynomial features standardised by the training set's statistics."""
    rng = np.random.default_rng(seed)
    x, y = dlex.data.noisy_line(rng)
    order = rng.permutation(len(x))
    train, test = np.sort(order[:20]), np.sort(order[20:])
    x_again, y_again = dlex.data.noisy_line(rng)      # same positions, new noise
    val = np.sort(rng.permutation(len(x_again))[:20])
    d = SimpleNamespace(seed=seed, x_train=x[train], y_train=y[train], x_test=x[test],
                        y_test=y[test], x_val=x_again[val], y_val=y_again[val])
    d.scaler = StandardScaler().fit(powers(d.x_train))
    d.F_train, d.F_test, d.F_val = (d.scaler.transform(powers(v)) for v in (d.x_train, d.x_test, d.x_val))
    return d


def rmse(y, prediction):
    """Root mean squared error."""
    return float(np.sqrt(np.mean((np.ravel(y) - np.ravel(prediction)) ** 2)))


data = prepare(DATA_SEED)
x_grid = np.linspace(0.0, 9.75, 300)
F_grid = data.scaler.transform(powers(x_grid))
print("training x:", data.x_train)
print("test x:    ", data.x_test)
print(f"training y from {data.y_train.min():.2f} to {data.y_train.max():.2f}")
dlex.record("data.seed", DATA_SEED)

# %%
plots.plot_regression_fits(x_grid, {}, (data.x_train, data.y_train), (data.x_test, data.y_test),
                           truth=true_function(x_grid), title=f"The noisy line (seed {DATA_SEED})");

# %% [markdown]
# **Standardised features.** The 9th-order polynomial uses the 9 features x, x², …, x⁹.
# Their scales differ enormously — x⁹ reaches 9.75⁹ — so we **standardise** each one:
# subtract its mean and divide by its standard deviation, both measured on the
# training set only (the test set must not influence the model in any way).

# %%
raw = powers(data.x_train)
print("largest value of each raw feature:     ", np.array2string(raw.max(axis=0), precision=3))
print("standard deviation after standardising:", np.round(data.F_train.std(axis=0), 6))

# %% [markdown]
# ## 2. Over-fitting a polynomial
#
# Two models, both fitted by least squares (the weights that minimise the sum of squared
# errors on the training points):
#
# * the **linear model** ŷ = b + w·x, with one feature;
# * the **9th-order polynomial** ŷ = b + w₁z₁ + … + w₉z₉, where zₖ is the standardised xᵏ.
#
# Here ŷ is the model's prediction, b its intercept and w (or w₁ … w₉) its weights. We
# measure errors by the **root mean squared error**, RMSE = √(mean of (y − ŷ)²), in the
# units of y.
#
# The polynomial contains the linear model (set w₂ … w₉ to 0), so it can always fit
# the training points at least as well. The question is what happens on the test points.
#
# `LeastSquares` below finds those weights with NumPy's `lstsq`. With `alpha > 0` it
# fits ridge regression instead (section 4), and it can fit many target columns at once
# (section 3 needs that).

# %%
class LeastSquares:
    """y ≈ b + F·w, with w minimising Σ(y − ŷ)² — or Σ(y − ŷ)² + alpha·‖w‖² (ridge) if
    alpha > 0; the intercept b is not penalised. Each column of a 2-D y is its own fit."""

    def __init__(self, alpha=0.0):
        self.alpha = alpha

    def fit(self, F, y):
        F, y = np.asarray(F, dtype=float), np.asarray(y, dtype=float)
        F_mean, y_mean = F.mean(axis=0), y.mean(axis=0)
        A, B = F - F_mean, y - y_mean                   # centring takes care of b
        if self.alpha > 0:                              # ridge = least squares with extra rows
            A = np.vstack([A, np.sqrt(self.alpha) * np.eye(F.shape[1])])
            B = np.concatenate([B, np.zeros((F.shape[1],) + B.shape[1:])])
        self.coef_ = np.linalg.lstsq(A, B, rcond=None)[0]
        self.intercept_ = y_mean - F_mean @ self.coef_
        return self

    def predict(self, F):
        return np.asarray(F, dtype=float) @ self.coef_ + self.intercept_


linear = LeastSquares().fit(data.x_train[:, None], data.y_train)
poly9 = LeastSquares().fit(data.F_train, data.y_train)
results = {}   # test RMSE of every method, for the closing table
for name, model, F_train, F_test in (("linear", linear, data.x_train[:, None], data.x_test[:, None]),
                                      ("poly9", poly9, data.F_train, data.F_test)):
    train_error = rmse(data.y_train, model.predict(F_train))
    results[name] = rmse(data.y_test, model.predict(F_test))
    print(f"{name:7} training RMSE {train_error:6.3f}   test RMSE {results[name]:8.3f}")
    dlex.record(f"{name}.train_rmse", train_error)
    dlex.record(f"{name}.test_rmse", results[name])

# %%
poly_grid = poly9.predict(F_grid)
plots.plot_regression_fits(x_grid, {"linear": linear.predict(x_grid[:, None]), "9th-order polynomial": poly_grid},
                           (data.x_train, data.y_train), (data.x_test, data.y_test),
                           truth=true_function(x_grid), title="Least squares: one feature vs nine");
print(f"the polynomial's curve spans {poly_grid.min():.1f} to {poly_grid.max():.1f} on [0, 9.75]")

# %% [markdown]
# **A numerical aside.** The 9 features are nearly redundant (x⁸ and x⁹ rise almost
# together), which makes this least-squares problem ill-conditioned: its **condition
# number**, the ratio of the largest to the smallest singular value of the centred
# feature matrix, is printed below. Tiny rounding errors then move the weights a lot.
# NumPy's `lstsq` still finds the exact solution; the cell checks it against the same
# polynomial fitted in a well-conditioned basis (`np.polynomial.Chebyshev`). Solvers
# with a cut-off give something else: scikit-learn 1.9 and later `LinearRegression` treats
# directions with singular values below 10⁻⁶ of the largest as zero by default — a
# silent regularizer. The cell measures how far its predictions are from the exact fit.

# %%
centred = data.F_train - data.F_train.mean(axis=0)
print(f"condition number: {np.linalg.cond(centred):.3g}")
chebyshev = np.polynomial.Chebyshev.fit(data.x_train, data.y_train, 9)
print(f"largest difference from the Chebyshev fit on the test points: "
      f"{np.abs(chebyshev(data.x_test) - poly9.predict(data.F_test)).max():.1e}")
sk_gap = np.abs(LinearRegression().fit(data.F_train, data.y_train).predict(data.F_test) - poly9.predict(data.F_test)).max()
print(f"scikit-learn {sklearn.__version__} LinearRegression(): largest difference {sk_gap:.3g}")
dlex.record("poly9.condition_number", np.linalg.cond(centred))

# %% [markdown]
# The polynomial bends towards every training point: its training error is lower, and
# between and beyond the training points it swings away from the line. Those swings are
# fitted noise, and they are what the test points punish.
#
# **Is this one lucky draw?** The next cell repeats the comparison on `POLY_SEEDS` other
# draws of the data (seeds `DATA_SEED + 1`, `DATA_SEED + 2`, …).

# %%
poly_wins = 0
print(f"{'seed':>6}{'training x':>14}{'linear train':>14}{'poly9 train':>13}{'linear test':>13}{'poly9 test':>12}")
for seed in range(DATA_SEED + 1, DATA_SEED + 1 + POLY_SEEDS):
    d = prepare(seed)
    lin = LeastSquares().fit(d.x_train[:, None], d.y_train)
    p9 = LeastSquares().fit(d.F_train, d.y_train)
    errors = (rmse(d.y_train, lin.predict(d.x_train[:, None])), rmse(d.y_train, p9.predict(d.F_train)),
              rmse(d.y_test, lin.predict(d.x_test[:, None])), rmse(d.y_test, p9.predict(d.F_test)))
    poly_wins += errors[3] < errors[2]
    span = f"{d.x_train.min():g} to {d.x_train.max():g}"
    print(f"{seed:>6}{span:>14}" + "".join(f"{e:>13.2f}" for e in errors))
print(f"\nthe polynomial had the lower test RMSE in {poly_wins} of {POLY_SEEDS} draws")
dlex.record("poly9.seeds_checked", POLY_SEEDS)
dlex.record("poly9.seeds_better_on_test", poly_wins)

# %% [markdown]
# On every draw the polynomial has the lower *training* error (it must), and the table
# shows how often it also wins on *test* points: compare the last two columns. How
# badly it loses varies a lot from draw to draw. Compare the column "training x": where
# the training points do not reach 0 or 9.75, the polynomial must extrapolate to the
# test points beyond them, and that is where it swings furthest.

# %% [markdown]
# ## 3. Bias and variance, measured
#
# Why does the bigger model do worse? Imagine drawing many training sets D, each with
# the same 20 positions and fresh noise, and fitting the model to each. Write f̂_D(x)
# for the prediction of the model fitted to D, and E_D for the average over training
# sets. At a test position x₀ with a fresh noisy target y₀ = f(x₀) + ε₀, the expected
# squared error (E without a subscript averages over the training sets and the test
# noise ε₀) splits exactly into three parts:
#
# E[(y₀ − f̂_D(x₀))²] = (f(x₀) − E_D f̂_D(x₀))² + E_D[(f̂_D(x₀) − E_D f̂_D(x₀))²] + σ²
#
# * **bias²**: how far the *average* fitted model is from the truth;
# * **variance**: how much the fitted model moves from one training set to another;
# * **noise** σ²: the error of the true function itself, which no model can remove.
#
# The proof is two lines: write y₀ − f̂ = (y₀ − f) + (f − E f̂) + (E f̂ − f̂), square, and
# take expectations. The cross terms vanish because ε₀ has mean zero and is independent
# of D, and because E_D(E f̂ − f̂) = 0.
#
# We average each part over the 20 test positions and measure all of them by
# simulation: `BV_DRAWS` training sets, each fitted by least squares, and for each a
# fresh set of test targets to measure the test error directly. Each column of `Y_train`
# is one training set's targets; `LeastSquares` fits all columns at once. A polynomial
# of degree d uses the first d standardised features (degree 0 predicts the mean).

# %%
rng_bv = np.random.default_rng(SEED_BV)
f_train, f_test = true_function(data.x_train), true_function(data.x_test)
Y_train = f_train[:, None] + rng_bv.normal(0.0, SIGMA, size=(20, BV_DRAWS))   # one column per training set
Y_test = f_test[:, None] + rng_bv.normal(0.0, SIGMA, size=(20, BV_DRAWS))     # fresh test targets for each


def decompose(predictions):
    """bias², variance and noise of ``predictions`` (test positions × training sets),
    their sum, and the test error measured directly with fresh targets."""
    average = predictions.mean(axis=1)
    bias2 = float(np.mean((average - f_test) ** 2))
    variance = float(np.mean(predictions.var(axis=1)))
    errors = ((Y_test - predictions) ** 2).mean(axis=0)             # one test MSE per training set
    # measured − (bias² + variance + σ²) is exactly the mean of these independent terms:
    gaps = errors - ((f_test[:, None] - predictions) ** 2).mean(axis=0) - SIGMA ** 2
    return dict(bias2=bias2, variance=variance, noise=SIGMA ** 2, total=bias2 + variance + SIGMA ** 2,
                measured=float(errors.mean()), gap=float(gaps.mean()),
                gap_se=float(gaps.std(ddof=1) / np.sqrt(len(gaps))))


by_degree = {}
for degree in range(10):
    fits = LeastSquares().fit(data.F_train[:, :degree], Y_train)
    by_degree[degree] = decompose(fits.predict(data.F_test[:, :degree]))

print(f"{BV_DRAWS} training sets; averages over the 20 test positions\n")
print(f"{'degree':>6}{'bias²':>10}{'variance':>11}{'noise σ²':>10}{'sum':>10}{'measured':>10}"
      f"{'gap':>9}{'± s.e.':>8}")
for degree, r in by_degree.items():
    print(f"{degree:>6}{r['bias2']:>10.4f}{r['variance']:>11.4f}{r['noise']:>10.2f}{r['total']:>10.3f}"
          f"{r['measured']:>10.3f}{r['gap']:>9.3f}{r['gap_se']:>8.3f}")
    for part in ("bias2", "variance", "total", "measured"):
        dlex.record(f"bias_variance.degree_{degree}.{part}", r[part])
z_scores = [abs(r["gap"]) / r["gap_se"] for r in by_degree.values()]
best_degree = min(by_degree, key=lambda d: by_degree[d]["measured"])
print(f"\nlargest |gap| / s.e.: {max(z_scores):.2f};  lowest measured test error at degree {best_degree}")
dlex.record("bias_variance.draws", BV_DRAWS)
dlex.record("bias_variance.noise", SIGMA ** 2)
dlex.record("bias_variance.max_abs_z", max(z_scores))
dlex.record("bias_variance.best_degree", best_degree)

# %% [markdown]
# Read the table row by row. The column **sum** is bias² + variance + σ²; **measured** is
# the average squared error against fresh test targets. They differ only by
# Monte-Carlo error: the **gap** between them is an average of `BV_DRAWS` independent
# terms with mean exactly zero, and **± s.e.** is its standard error. The line above
# gives the largest gap in units of its standard error; within about 3 means "agrees".

# %%
degrees = list(by_degree)
plots.plot_bias_variance(
    degrees, {"bias²": [by_degree[d]["bias2"] for d in degrees],
              "variance": [by_degree[d]["variance"] for d in degrees],
              "noise σ²": [SIGMA ** 2] * len(degrees),
              "bias² + variance + σ²": [by_degree[d]["total"] for d in degrees]},
    measured=[by_degree[d]["measured"] for d in degrees],
    title=f"Expected test error of polynomials, {BV_DRAWS} training sets");

# %% [markdown]
# * **Degree 0** (predict the mean of y) cannot follow the line: its error is mostly bias.
# * **From degree 1 on**, the model family contains the true line, so the true bias is
#   zero. The small measured bias² is Monte-Carlo noise: averaging `BV_DRAWS` fits leaves
#   a residual of about variance / `BV_DRAWS` (printed below).
# * **Variance grows with every added degree**: each extra feature gives the noise one
#   more way to move the fit. The expected test error is lowest where bias² + variance is.

# %%
for degree in (1, 5, 9):
    r = by_degree[degree]
    print(f"degree {degree}: bias² {r['bias2']:.5f}, variance / draws {r['variance'] / BV_DRAWS:.5f}")
variances = [by_degree[d]["variance"] for d in degrees]
print("variance increases with every degree:", all(np.diff(variances) > 0))
print(f"degree 9 has {by_degree[9]['variance'] / by_degree[1]['variance']:.1f} times the variance of degree 1")

# %% [markdown]
# **A penalty is a bias–variance dial.** The same simulation for the 9th-order
# polynomial fitted with a ridge penalty of strength α (section 4 explains it): as α
# grows, the fits are pulled towards a flat line, so variance falls and bias rises.

# %%
alphas = np.logspace(-3, 4, 15)
by_alpha = {alpha: decompose(LeastSquares(alpha).fit(data.F_train, Y_train).predict(data.F_test))
            for alpha in alphas}
plots.plot_bias_variance(
    alphas, {"bias²": [by_alpha[a]["bias2"] for a in alphas],
             "variance": [by_alpha[a]["variance"] for a in alphas],
             "noise σ²": [SIGMA ** 2] * len(alphas),
             "bias² + variance + σ²": [by_alpha[a]["total"] for a in alphas]},
    measured=[by_alpha[a]["measured"] for a in alphas], xlabel="ridge penalty α", log_x=True,
    title="The 9th-order polynomial with a ridge penalty");
best_alpha = min(alphas, key=lambda a: by_alpha[a]["measured"])
for alpha in (alphas[0], best_alpha, 100.0):
    r = by_alpha[alpha]
    print(f"α = {alpha:>8.3g}: bias² {r['bias2']:7.3f}, variance {r['variance']:7.3f}, "
          f"expected test error {r['measured']:.3f}")
for part in ("bias2", "variance", "measured"):
    dlex.record(f"bias_variance.ridge_100.{part}", by_alpha[100.0][part])
dlex.record("bias_variance.ridge_best_alpha", best_alpha)
print(f"of the α tried, {best_alpha:.3g} gives the lowest expected test error; α = 100, used in "
      f"section 4, is {'stronger' if best_alpha < 100 else 'weaker'} than that")

# %% [markdown]
# ## 4. L2: ridge regression
#
# **Ridge regression** (also called Tikhonov regularization) adds the squared size of the
# weights to the loss. scikit-learn's `Ridge(alpha)` minimises
#
# Σᵢ (yᵢ − ŷᵢ)² + α ‖w‖₂²,   where ‖w‖₂² = w₁² + … + w₉²
#
# (the intercept b is not penalised). Large weights now cost something, so the fit gives
# up a little training error to keep them small. We use α = 100, and check that
# `LeastSquares(alpha=100)` agrees.

# %%
ridge = Ridge(alpha=100.0).fit(data.F_train, data.y_train)
print("largest difference from LeastSquares(alpha=100):",
      f"{np.abs(ridge.predict(data.F_test) - LeastSquares(100.0).fit(data.F_train, data.y_train).predict(data.F_test)).max():.1e}")
results["ridge"] = rmse(data.y_test, ridge.predict(data.F_test))
print(f"ridge   training RMSE {rmse(data.y_train, ridge.predict(data.F_train)):.3f}   test RMSE {results['ridge']:.3f}")
print("polynomial weights:", np.array2string(poly9.coef_, precision=2, suppress_small=True))
print("ridge weights:     ", np.array2string(ridge.coef_, precision=3, suppress_small=True))
print(f"‖w‖₂: least squares {np.linalg.norm(poly9.coef_):.1f}, ridge {np.linalg.norm(ridge.coef_):.3f}")
dlex.record("ridge.test_rmse", results["ridge"])
dlex.record("ridge.weight_norm", np.linalg.norm(ridge.coef_))
dlex.record("poly9.weight_norm", np.linalg.norm(poly9.coef_))

# %% [markdown]
# ## 5. L1: the lasso
#
# The **lasso** penalises the sum of absolute weights, ‖w‖₁ = |w₁| + … + |w₉|.
# scikit-learn's `Lasso(alpha)` minimises (1/2n) Σᵢ (yᵢ − ŷᵢ)² + α ‖w‖₁, with n = 20
# training points. We use α = 2.0.
#
# Unlike ridge, the lasso sets weights **exactly** to zero. Why: for a standardised
# feature j, the solution satisfies a simple rule. Let cⱼ = (1/n) Σᵢ zᵢⱼ (yᵢ − ŷᵢ), the
# covariance of feature j with the remaining error (not a correlation: it is not divided
# by the error's spread). Then wⱼ = 0 whenever |cⱼ| ≤ α:
# a feature that cannot reduce the error by more than the penalty it costs is dropped.
# Every kept weight has |cⱼ| = α exactly. The cell checks that rule on the fitted model.

# %%
lasso = Lasso(alpha=2.0, max_iter=100_000, tol=1e-10).fit(data.F_train, data.y_train)
results["lasso"] = rmse(data.y_test, lasso.predict(data.F_test))
zeros = int(np.sum(lasso.coef_ == 0.0))
print(f"lasso   training RMSE {rmse(data.y_train, lasso.predict(data.F_train)):.3f}   test RMSE {results['lasso']:.3f}")
print("lasso weights:", lasso.coef_)
print(f"{zeros} of 9 weights are exactly 0.0")
c = data.F_train.T @ (data.y_train - lasso.predict(data.F_train)) / len(data.y_train)
print("|c_j|:        ", np.round(np.abs(c), 3), " (α = 2.0)")
print("rule holds:", bool(np.all(np.abs(c[lasso.coef_ == 0]) <= 2.0 + 1e-6)
                          and np.allclose(np.abs(c[lasso.coef_ != 0]), 2.0, atol=1e-4)))
dlex.record("lasso.test_rmse", results["lasso"])
dlex.record("lasso.zero_coefficients", zeros)

# %%
plots.plot_coefficients({"least squares": poly9.coef_, "ridge α=100": ridge.coef_, "lasso α=2": lasso.coef_},
                        [f"x^{k}" for k in range(1, 10)], title="Weights of the 9 standardised features");
plots.plot_regression_fits(x_grid, {"least squares": poly_grid, "ridge α=100": ridge.predict(F_grid),
                                    "lasso α=2": lasso.predict(F_grid)},
                           (data.x_train, data.y_train), (data.x_test, data.y_test),
                           truth=true_function(x_grid), title="The 9th-order polynomial, three ways");

# %% [markdown]
# Both penalties remove the swings. At these strengths they also flatten the fit below
# the true slope of 1 — bias, as the ridge simulation above predicts for large α. The
# printed test errors show what each trade bought here, next to the linear model: a
# strong penalty on nine features is no substitute for the one right feature.

# %%
print(f"test RMSE: linear {results['linear']:.3f}, polynomial {results['poly9']:.3f}, "
      f"ridge {results['ridge']:.3f}, lasso {results['lasso']:.3f}")

# %% [markdown]
# ## 6. A small network, and training it fast
#
# Now a neural network on the same 9 standardised features: a hidden layer
# `Dense(128, relu)` and an output `Dense(1)`, trained with RMSprop on the mean squared
# error (MSE), in batches of 1 point, for 30 epochs (an **epoch** is one pass over the
# 20 training points, so 20 weight updates).

# %% part="regression-net"
def regression_net(hidden_regularizer=None, dropout=0.0, batchnorm=False, seed=SEED_NN,
                   steps_per_execution=STEPS_PER_EXECUTION, bn_momentum=0.99):
    """Dense(128, relu) on the 9 features → Dense(1), compiled with RMSprop and the MSE.

    ``hidden_regularizer`` penalises the hidden layer's weights; ``dropout`` adds a
    Dropout layer after it; ``batchnorm`` normalises the hidden layer before its ReLU
    (``bn_momentum`` is the momentum of its moving averages, Keras's default 0.99).
    """
    dlex.seed(seed)
    layers = [keras.Input(shape=(9,))]
    if batchnorm:
        layers += [keras.layers.Dense(128), keras.layers.BatchNormalization(momentum=bn_momentum),
                   keras.layers.Activation("relu")]
    else:
        layers.append(keras.layers.Dense(128, activation="relu", kernel_regularizer=hidden_regularizer))
    if dropout:
        layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(1))
    model = keras.Sequential(layers)
    model.compile(optimizer="rmsprop", loss="mse", steps_per_execution=steps_per_execution)
    return model


def train(model, d, epochs=EPOCHS, batch_size=1, callbacks=()):
    """Fit ``model`` on the training set of ``d``, watching its validation set."""
    return model.fit(d.F_train, d.y_train, epochs=epochs, batch_size=batch_size,
                     validation_data=(d.F_val, d.y_val), validation_batch_size=len(d.y_val),
                     callbacks=list(callbacks), verbose=0)


def predict(model, F):
    """The model's predictions for the rows of F, in inference mode."""
    return np.asarray(model(np.asarray(F, dtype="float32"), training=False), dtype=float)[:, 0]


net_params = regression_net().count_params()
print(f"parameters: 9·128 + 128 + 128·1 + 1 = {9 * 128 + 128 + 128 + 1}; Keras counts {net_params}")
print(f"that is {net_params / len(data.y_train):.0f} parameters per training point")
dlex.record("nn.params", net_params)

# %% [markdown]
# **Making batch-size-1 fits fast.** Each weight update here is tiny, so the time goes
# into overheads: compiling the model's step function once (XLA compilation on the JAX
# backend), and then, per step, Keras's loop and callbacks. Two settings cut the
# overheads without changing what is computed:
#
# * `steps_per_execution=20` lets Keras run 20 steps per call of its loop, so the
#   per-step bookkeeping happens once per epoch here. The updates are the same, in the
#   same order. What changes is that callbacks acting *per batch* see only every 20th
#   step; callbacks acting per epoch, like `EarlyStopping` and `ModelCheckpoint` below,
#   are unaffected.
# * `validation_batch_size=20` measures the validation loss in one step per epoch
#   instead of twenty.
#
# The next cell trains the network twice from the same seed, with and without
# `steps_per_execution`, and checks that the two runs agree exactly.

# %%
runs = {}
for spe in (1, STEPS_PER_EXECUTION):
    model = regression_net(steps_per_execution=spe)
    start = time.perf_counter()
    history = train(model, data)
    first_fit = time.perf_counter() - start
    trained = model.get_weights()
    start = time.perf_counter()      # compiled now: 30 more epochs time the steps alone
    model.fit(data.F_train, data.y_train, epochs=EPOCHS, batch_size=1, verbose=0)
    per_step = (time.perf_counter() - start) / (EPOCHS * len(data.y_train))
    model.set_weights(trained)       # back to the weights of the first fit
    runs[spe] = SimpleNamespace(model=model, history=history, first_fit=first_fit, per_step=per_step)
    print(f"steps_per_execution={spe:>2}: first fit {first_fit:.2f} s (compiling included), "
          f"then {per_step * 1e3:.3f} ms per step")
run_1, run_many = runs[1], runs[STEPS_PER_EXECUTION]
same_history = run_1.history.history == run_many.history.history
largest_gap = max(np.abs(a - b).max() for a, b in zip(run_1.model.get_weights(), run_many.model.get_weights()))
print(f"identical loss curves: {same_history}; largest difference between the trained weights: {largest_gap}")
dlex.record("speed.spe_identical_history", same_history)
dlex.record("speed.spe_max_weight_difference", largest_gap)
dlex.record("speed.ms_per_step_spe_1", run_1.per_step * 1e3)
dlex.record(f"speed.ms_per_step_spe_{STEPS_PER_EXECUTION}", run_many.per_step * 1e3)
dlex.record("speed.first_fit_seconds", run_many.first_fit)
model_nn, history_nn = run_many.model, run_many.history

# %% [markdown]
# Most of a first fit's time is compilation; the steps themselves take a fraction of a
# millisecond. Every network below is compiled with `STEPS_PER_EXECUTION`, and the
# second of the two runs above is our unregularized network, `model_nn`. Each fit shows
# two panels: the training and validation loss per epoch (log scale), and the fitted
# curve.

# %%
def track_distance(model, store):
    """A callback appending ‖W − W₀‖ of the first layer's kernel to ``store`` after each epoch."""
    start = model.layers[0].get_weights()[0].copy()
    return keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: store.append(
        float(np.linalg.norm(model.layers[0].get_weights()[0] - start))))


def summarise(name, model, history, title, seed=SEED_NN, record=True):
    """Print and record a fitted network's errors; plot its loss curves and fitted curve."""
    test_error = rmse(data.y_test, predict(model, data.F_test))
    train_error = rmse(data.y_train, predict(model, data.F_train))
    epochs_run = len(history.history["loss"])
    print(f"{name}: seed {seed}, {epochs_run} epochs, training RMSE {train_error:.3f}, "
          f"test RMSE {test_error:.3f}")
    if record:
        results[name] = test_error
        dlex.record(f"{name}.test_rmse", test_error)
        dlex.record(f"{name}.train_rmse", train_error)
        dlex.record(f"{name}.seed", seed)
        dlex.record(f"{name}.epochs_run", epochs_run)
    plots.plot_training_and_fit(history, x_grid, predict(model, F_grid), (data.x_train, data.y_train),
                                (data.x_test, data.y_test), truth=true_function(x_grid), title=title)
    return test_error


summarise("nn", model_nn, history_nn, "No regularization");

# %% [markdown]
# Unlike the least-squares polynomial, the network does *not* land on the weights that
# fit the training points best: 30 epochs of small RMSprop steps, starting from small
# random weights, stop far from them. Compare its training RMSE with the polynomial's
# (the network has 1,409 parameters to the polynomial's 10) and its test RMSE with the
# linear model's (both printed above). Where its validation curve is still falling at
# the last epoch, the network has not even started to over-fit. Keep that in mind when
# reading the regularized fits below: a regularizer can only remove over-fitting that
# is there.

# %% [markdown]
# ## 7. L2 on the network
#
# `keras.regularizers.L2(λ)` on a layer adds λ Σ w² over that layer's kernel (its weight
# matrix, not its biases) to the loss, so the optimizer also pulls every weight towards
# zero. We put λ = 2.0 on the hidden layer's 9 × 128 kernel. The reported loss now
# includes the penalty; the cell recomputes it with `dlex.scratch.regularizers.l2` to
# show exactly what Keras adds.

# %% part="nn-l2"
model_l2 = regression_net(hidden_regularizer=keras.regularizers.L2(2.0))
history_l2 = train(model_l2, data)
summarise("nn_l2", model_l2, history_l2, "L2(2.0) on the hidden layer");

# %%
kernel_l2 = model_l2.layers[0].get_weights()[0]
penalty_keras = float(np.sum([np.asarray(loss) for loss in model_l2.losses]))
penalty_scratch = float(scratch.regularizers.l2(kernel_l2.astype(float), 2.0))
mse_val = float(np.mean((predict(model_l2, data.F_val) - data.y_val) ** 2))
val_loss = model_l2.evaluate(data.F_val, data.y_val, batch_size=20, verbose=0)
print(f"penalty: Keras {penalty_keras:.4f}, dlex.scratch {penalty_scratch:.4f}")
print(f"validation loss {val_loss:.4f} = MSE {mse_val:.4f} + penalty {penalty_keras:.4f}")
norms = {name: float(np.linalg.norm(m.layers[0].get_weights()[0])) for name, m in (("nn", model_nn), ("nn_l2", model_l2))}
print(f"‖hidden kernel‖_F (Frobenius: root of the sum of squared weights): no penalty {norms['nn']:.3f}, L2(2.0) {norms['nn_l2']:.3f}")
dlex.record("nn_l2.penalty", penalty_keras)
dlex.record("nn.kernel_norm", norms["nn"])
dlex.record("nn_l2.kernel_norm", norms["nn_l2"])

# %% [markdown]
# ### Exercise 1 — stronger L2
#
# Train two more copies of the network with L2 penalties of **20** and **200** on the
# hidden layer, each from seed `SEED_NN`, for `EPOCHS` epochs in batches of 1, watching
# the validation set. Name the models `model_l2_20` and `model_l2_200` and the values
# `fit` returns `history_l2_20` and `history_l2_200`. (`regression_net` and `train`
# above do the work; the plain Keras calls work just as well.)

# %% part="ex1"
### BEGIN SOLUTION
model_l2_20 = regression_net(hidden_regularizer=keras.regularizers.L2(20.0), seed=SEED_NN)
history_l2_20 = train(model_l2_20, data, epochs=EPOCHS)
model_l2_200 = regression_net(hidden_regularizer=keras.regularizers.L2(200.0), seed=SEED_NN)
history_l2_200 = train(model_l2_200, data, epochs=EPOCHS)
### END SOLUTION

# %%
dlex.check("lab04.ex1")

# %% [markdown]
# The cell below compares the four networks: their training loss per epoch (which
# includes each one's penalty), their fitted curves, and their test RMSE.

# %%
l2_models = {"none": (model_nn, history_nn), "L2(2)": (model_l2, history_l2),
             "L2(20)": (model_l2_20, history_l2_20), "L2(200)": (model_l2_200, history_l2_200)}
plots.plot_curves({label: (np.arange(1, len(h.history["loss"]) + 1), h.history["loss"])
                   for label, (_, h) in l2_models.items()},
                  xlabel="epoch", ylabel="training loss (MSE + penalty)", title="Training loss per epoch");
plots.plot_regression_fits(x_grid, {label: predict(m, F_grid) for label, (m, _) in l2_models.items()},
                           (data.x_train, data.y_train), (data.x_test, data.y_test),
                           truth=true_function(x_grid), title="Stronger L2, flatter fit");
for label, (m, _) in l2_models.items():
    print(f"{label:>8}: test RMSE {rmse(data.y_test, predict(m, data.F_test)):.3f}, "
          f"slope of the fit {np.polyfit(x_grid, predict(m, F_grid), 1)[0]:.3f} (truth: 1)")
for name, m in (("nn_l2_20", model_l2_20), ("nn_l2_200", model_l2_200)):
    results[name] = rmse(data.y_test, predict(m, data.F_test))
    dlex.record(f"{name}.test_rmse", results[name])
    dlex.record(f"{name}.slope", np.polyfit(x_grid, predict(m, F_grid), 1)[0])

# %% [markdown]
# The stronger the penalty, the smaller the weights stay and the flatter the fitted
# curve (the printed slopes): with λ = 200 the network is pushed towards a constant.
# That is the bias side of the dial from section 3.

# %% [markdown]
# ## 8. L1 on the network
#
# `keras.regularizers.L1(λ)` adds λ Σ |w|. Its gradient, λ·sign(w), has the same size
# for every weight however small, so it pushes small weights all the way towards zero.
# We use λ = 10.0 and `EPOCHS_L1` = 100 epochs.

# %% part="nn-l1"
model_l1 = regression_net(hidden_regularizer=keras.regularizers.L1(10.0))
history_l1 = train(model_l1, data, epochs=EPOCHS_L1)
summarise("nn_l1", model_l1, history_l1, "L1(10.0) on the hidden layer, 100 epochs");
kernel_l1 = model_l1.layers[0].get_weights()[0]
print(f"penalty: Keras {float(np.sum([np.asarray(v) for v in model_l1.losses])):.3f}, "
      f"dlex.scratch {float(scratch.regularizers.l1(kernel_l1.astype(float), 10.0)):.3f}")
for name, kernel in (("no penalty", model_nn.layers[0].get_weights()[0]), ("L1(10)", kernel_l1)):
    print(f"{name:>10}: {np.mean(np.abs(kernel) < 0.01):6.1%} of hidden weights below 0.01 in size, "
          f"{np.sum(kernel == 0)} exactly 0")
dlex.record("nn_l1.share_below_0.01", np.mean(np.abs(kernel_l1) < 0.01))
dlex.record("nn.share_below_0.01", np.mean(np.abs(model_nn.layers[0].get_weights()[0]) < 0.01))

# %% [markdown]
# Nearly all hidden weights end up tiny, yet (printed above) few or none are exactly
# zero. The lasso's solver lands on zero exactly (it solves for each weight with the rule
# of section 5); gradient steps overshoot zero and hover around it instead.

# %% [markdown]
# ## 9. Early stopping
#
# Training longer fits the training data better; at some point it starts fitting noise.
# **Early stopping** watches the validation loss and stops there:
#
# 1. after every epoch, measure the validation loss;
# 2. if it is the lowest so far, remember the weights (and save them to a file);
# 3. if it has not improved for `patience` epochs in a row, stop;
# 4. go back to the remembered weights.
#
# Keras does steps 1–4 with `EarlyStopping(monitor="val_loss", patience=1,
# restore_best_weights=True)`; `ModelCheckpoint(path, save_best_only=True)` writes the
# best model to a `.keras` file, from which we restore it. We allow up to `EPOCHS_ES` =
# 200 epochs and let early stopping decide. A callback also records how far the hidden
# weights have moved from their initial values after each epoch (used below).

# %%
CHECKPOINT = "nn_early_stopping_best.keras"
model_es, distance_es = regression_net(), []
history_es = train(model_es, data, epochs=EPOCHS_ES, callbacks=[
    keras.callbacks.EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True),
    keras.callbacks.ModelCheckpoint(CHECKPOINT, monitor="val_loss", save_best_only=True),
    track_distance(model_es, distance_es)])
best_epoch_es = int(np.argmin(history_es.history["val_loss"])) + 1
model_es_restored = keras.models.load_model(CHECKPOINT)
difference = np.abs(predict(model_es_restored, F_grid) - predict(model_es, F_grid)).max()
print(f"stopped after epoch {len(history_es.history['loss'])}; best validation loss at epoch {best_epoch_es}")
print("largest difference between the checkpoint and the restored weights:", difference)
summarise("nn_early_stopping", model_es_restored, history_es, "Early stopping (patience 1), restored from the checkpoint");
dlex.record("nn_early_stopping.best_epoch", best_epoch_es)
dlex.record("nn_early_stopping.checkpoint_difference", difference)

# %% [markdown]
# **Why early stopping acts like an L2 penalty.** Training starts from small weights,
# and every update moves them a little. Stopping after t updates keeps the weights
# within a certain distance of where they started — a limit on their size, as an L2
# penalty imposes. For a linear model trained from zero by gradient descent with
# learning rate η on this lab's ridge loss, Σ(y − ŷ)² + α‖w‖² (no factor ½ on either
# term), the correspondence can be worked out: while the steps are small, t steps act
# roughly like ridge with **α ≈ 1/(2ηt)**. (Texts that write the loss as
# ½Σ(y − ŷ)² + (α/2)‖w‖² get α ≈ 1/(ηt); the factor 2 is only the convention.) The
# next cell checks it on a small random problem: it runs t steps, then finds the α
# whose ridge weights lie closest to the weights reached.

# %%
rng_check = np.random.default_rng(0)
x_check = rng_check.normal(size=(40, 8))
y_check = x_check @ rng_check.normal(size=8) + rng_check.normal(size=40)
eta_check, steps_check = 1e-4, 20
w_check = np.zeros(8)
for _ in range(steps_check):
    w_check -= eta_check * 2 * x_check.T @ (x_check @ w_check - y_check)     # gradient of Σ(y − ŷ)²
alphas_check = np.geomspace(1e-1, 1e4, 4001)
gaps_check = [np.linalg.norm(w_check - np.linalg.solve(x_check.T @ x_check + a * np.eye(8), x_check.T @ y_check))
              for a in alphas_check]
alpha_closest = float(alphas_check[int(np.argmin(gaps_check))])
print(f"{steps_check} steps of η = {eta_check}: closest ridge α = {alpha_closest:.0f}; "
      f"1/(2ηt) = {1 / (2 * eta_check * steps_check):.0f}, 1/(ηt) = {1 / (eta_check * steps_check):.0f}")
dlex.record("early_stopping_ridge.closest_alpha", alpha_closest)
dlex.record("early_stopping_ridge.predicted_alpha", 1 / (2 * eta_check * steps_check))

# %% [markdown]
# The plot shows the distance ‖W − W₀‖ between the hidden kernel W after each epoch and
# its initial value W₀. The early-stopped run has the same seed as the unregularized run
# of section 6, so the two took identical steps for as long as both ran.

# %%
shared = min(len(history_es.history["loss"]), len(history_nn.history["loss"]))
same_start = history_es.history["loss"][:shared] == history_nn.history["loss"][:shared]
print(f"the two runs agree, epoch for epoch, over their first {shared} epochs: {same_start}")
print("distance from the start grows with every epoch:", bool(np.all(np.diff(distance_es) > 0)))
print(f"distance at the restored epoch {best_epoch_es}: {distance_es[best_epoch_es - 1]:.3f}; "
      f"at the last epoch run, {len(distance_es)}: {distance_es[-1]:.3f}")
plots.plot_curves({"‖W − W₀‖ of the hidden layer": (np.arange(1, len(distance_es) + 1), distance_es)},
                  xlabel="epoch", ylabel="distance from the initial weights", log=False,
                  hline=distance_es[best_epoch_es - 1], hline_label=f"restored: epoch {best_epoch_es}",
                  title="Early stopping limits how far the weights move");
dlex.record("nn_early_stopping.same_steps_as_nn", same_start)

# %% [markdown]
# ## 10. Dropout
#
# **Dropout** with rate p sets each output of a layer to zero with probability p,
# independently, at every training step — a random **mask** of 0s and 1s. Keras uses
# **inverted dropout**: the outputs that are kept are multiplied by 1/(1 − p), so each
# output's expected value is unchanged. At inference nothing is dropped and nothing
# is scaled.
#
# The cell runs Keras's `Dropout(0.5)` layer and `dlex.scratch.layers.dropout_forward`
# on 10,000 ones. Their random masks differ (different random generators), but both
# follow the rule: about half zeros, every other value 1/(1 − 0.5) = 2, mean about 1.

# %%
ones = np.ones((1, 10_000), dtype="float32")
dropout_layer = keras.layers.Dropout(0.5, seed=SEED_NN)
outputs = {"Keras": np.asarray(dropout_layer(ones, training=True)),
           "dlex.scratch": scratch.layers.dropout_forward(ones, 0.5, np.random.default_rng(SEED_NN))[0]}
for name, out in outputs.items():
    print(f"{name:>12} (training): {np.mean(out == 0):.4f} dropped, kept values {np.unique(out[out != 0])}, "
          f"mean {out.mean():.4f}")
print(f"{'Keras':>12} (inference): output equals input: {np.array_equal(np.asarray(dropout_layer(ones, training=False)), ones)}")
print(f"{'dlex.scratch':>12} (inference): output equals input: "
      f"{np.array_equal(scratch.layers.dropout_forward(ones, 0.5, None, training=False)[0], ones)}")
dlex.record("dropout.keras_dropped_share", np.mean(outputs["Keras"] == 0))

# %% [markdown]
# **2ⁿ sub-networks.** A layer of n units has 2ⁿ possible masks, each a different
# **sub-network** sharing the same weights. Training with dropout trains a random
# sub-network at each step. At inference the full network, with its weights as trained
# (the scaling was done during training), stands in for the average of all of them — the
# **weight-scaling rule**. When the layer after the dropout is linear, as our output
# layer is, the rule is exact: the average over all sub-networks equals the full
# network. The cell checks that for a 10-unit layer by enumerating all 2¹⁰ masks.

# %%
rng = np.random.default_rng(SEED_NN)
hidden, w_out = rng.uniform(0, 1, size=10), rng.normal(size=10)
masks = np.array(list(itertools.product([0.0, 1.0], repeat=10)))       # all 1,024 masks
sub_outputs = (masks * hidden / (1 - 0.5)) @ w_out                    # inverted dropout, then the output unit
print(f"{len(masks)} sub-networks; their average output {sub_outputs.mean():.12f}")
print(f"the full network's output              {hidden @ w_out:.12f}")
print(f"our hidden layer has 128 units: 2^128 = {2 ** 128:.3e} sub-networks")

# %% [markdown]
# Now the network with `Dropout(0.5)` after its hidden layer.

# %% part="nn-dropout"
model_dropout = regression_net(dropout=0.5)
history_dropout = train(model_dropout, data)
summarise("nn_dropout", model_dropout, history_dropout, "Dropout(0.5) after the hidden layer");

# %% [markdown]
# The training loss is measured on a different random sub-network at every step, so it
# jumps from epoch to epoch; the validation loss uses the full network and falls
# smoothly.
#
# The next cell takes the trained weights into NumPy and draws 1,000 random
# sub-networks with `dlex.scratch`: 30 of them are the grey curves, the dashed black
# curve is their average, drawn over the inference prediction of Keras (the full
# network). The average of 1,000 random sub-networks estimates the average of all 2¹²⁸,
# so it differs from the full network by Monte-Carlo noise; dividing each gap by its
# standard error puts it in units where values up to about 3.5 (over 300 x values) are
# what noise alone produces.

# %%
kernel1, bias1, kernel2, bias2 = model_dropout.get_weights()
hidden_grid = scratch.activations.relu(scratch.layers.dense_forward(F_grid, kernel1.astype(float), bias1.astype(float))[0])
rng = np.random.default_rng(SEED_NN)
sub_curves = []
for _ in range(1000):
    mask = scratch.layers.dropout_forward(np.ones((1, 128)), 0.5, rng)[0]      # one sub-network for every x
    sub_curves.append(scratch.layers.dense_forward(hidden_grid * mask, kernel2.astype(float), bias2.astype(float))[0][:, 0])
sub_curves = np.array(sub_curves)
full = predict(model_dropout, F_grid)
gaps = sub_curves.mean(axis=0) - full
standard_errors = sub_curves.std(axis=0, ddof=1) / np.sqrt(len(sub_curves))
z_dropout = float(np.max(np.abs(gaps) / standard_errors))
print(f"typical gap between one sub-network and the full network: {np.abs(sub_curves - full).mean():.3f}")
print(f"largest gap between the average of 1,000 and the full network: {np.abs(gaps).max():.3f}")
print(f"largest gap in units of its Monte-Carlo standard error (over {len(x_grid)} x values): {z_dropout:.2f}")
gap_average = float(np.abs(gaps).max())
plots.plot_regression_fits(x_grid, {"full network (Keras, inference)": full,
                                    "average of 1,000 sub-networks": sub_curves.mean(axis=0)},
                           (data.x_train, data.y_train), (data.x_test, data.y_test), faint=sub_curves[:30],
                           styles={"average of 1,000 sub-networks": dict(color="black", ls="--")},
                           title="Dropout: many sub-networks, one full network");
dlex.record("nn_dropout.subnetwork_average_gap", gap_average)
dlex.record("nn_dropout.subnetwork_average_max_z", z_dropout)

# %% [markdown]
# ## 11. Batch normalisation
#
# **Batch normalisation** standardises each feature over the batch, then rescales it
# with two learned vectors γ (scale) and β (shift). For a batch of values x of one
# feature, with batch mean μ_B and batch variance σ²_B:
#
# y = γ · (x − μ_B) / √(σ²_B + ε) + β,   with ε = 0.001 for numerical safety.
#
# In training it uses the batch statistics, and it keeps **moving averages** of them:
# after each batch, moving_mean ← 0.99 · moving_mean + 0.01 · μ_B (the same for the
# variance). At inference it uses the moving averages instead, so a prediction does not
# depend on which other examples share its batch. The cell runs Keras's
# `BatchNormalization` and `dlex.scratch.layers.batchnorm_forward` side by side.

# %%
rng = np.random.default_rng(SEED_NN)
batch = rng.normal(3.0, 2.0, size=(16, 4))
gamma, beta = rng.uniform(0.5, 1.5, 4), rng.normal(0.0, 1.0, 4)
moving_mean, moving_variance = np.zeros(4), np.ones(4)
bn_layer = keras.layers.BatchNormalization()
bn_layer.build((None, 4))
bn_layer.set_weights([gamma, beta, moving_mean, moving_variance])
train_keras = np.asarray(bn_layer(batch.astype("float32"), training=True))
train_scratch, _ = scratch.layers.batchnorm_forward(batch, gamma, beta, moving_mean, moving_variance, training=True)
print("training mode, largest difference Keras vs scratch:", f"{np.abs(train_keras - train_scratch).max():.1e}")
print("  per-feature mean of the output:", np.round(train_scratch.mean(axis=0), 4), " β:", np.round(beta, 4))
print("  per-feature std of the output: ", np.round(train_scratch.std(axis=0), 4), " γ:", np.round(gamma, 4))
print("moving mean after one batch: Keras", np.round(np.asarray(bn_layer.moving_mean), 4),
      "scratch", np.round(moving_mean, 4))
infer_keras = np.asarray(bn_layer(batch.astype("float32"), training=False))
infer_scratch, _ = scratch.layers.batchnorm_forward(batch, gamma, beta, moving_mean, moving_variance)
print("inference mode, largest difference Keras vs scratch:", f"{np.abs(infer_keras - infer_scratch).max():.1e}")
dlex.record("batchnorm.keras_vs_scratch_max_diff", max(np.abs(train_keras - train_scratch).max(),
                                                       np.abs(infer_keras - infer_scratch).max()))

# %% [markdown]
# After one batch the moving averages have moved only 1 % of the way to the batch
# statistics. They need many batches: after k identical batches the moving mean has
# covered 1 − 0.99ᵏ of the distance.

# %%
for k in (1, 10, 100, 500):
    print(f"after {k:>3} batches: {1 - 0.99 ** k:6.1%} of the way")

# %% [markdown]
# **A batch of one breaks it.** With a single example, each feature's batch mean is the
# example itself and its batch variance is 0, so every normalised value is 0 and the
# layer outputs β whatever the input. The batch-size-1 training we used so far would
# teach the network nothing through that layer. So the batch-normalised network
# trains in batches of `BATCH_BN` = 10 (2 updates per epoch), for up to `EPOCHS_BN`
# epochs, with early stopping at patience 3.

# %%
one = batch[:1]
print("Keras, training mode, one example:  ", np.round(np.asarray(bn_layer(one.astype("float32"), training=True))[0], 4))
print("dlex.scratch, one example:          ", np.round(scratch.layers.batchnorm_forward(
    one, gamma, beta, moving_mean.copy(), moving_variance.copy(), training=True)[0][0], 4))
print("β:                                  ", np.round(beta, 4))

# %%
def moving_std_ratio(model, d):
    """The BatchNormalization layer's moving standard deviation divided by the actual
    standard deviation of its inputs over the training set (median over the 128 units):
    1 when the moving averages have caught up."""
    kernel, bias = model.layers[0].get_weights()
    inputs = d.F_train @ kernel + bias                       # what the BN layer normalises
    moving_variance = np.asarray(model.layers[1].moving_variance)
    return float(np.median(np.sqrt(moving_variance) / inputs.std(axis=0)))


batchnorm_runs = {}
for momentum in (0.99, 0.9):
    model = regression_net(batchnorm=True, bn_momentum=momentum)
    history = train(model, data, epochs=EPOCHS_BN, batch_size=BATCH_BN, callbacks=[
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)])
    batchnorm_runs[momentum] = (model, history)
    updates = len(history.history["loss"]) * int(np.ceil(20 / BATCH_BN))
    print(f"momentum {momentum}: {updates} updates, so the moving averages have covered "
          f"{1 - momentum ** updates:.1%} of the way from their start; moving std / actual std "
          f"{moving_std_ratio(model, data):.2f} (median over the 128 units)")
model_bn_default, history_bn_default = batchnorm_runs[0.99]
summarise("nn_batchnorm_default_momentum", model_bn_default, history_bn_default,
          "Batch normalisation with Keras's default momentum 0.99");
dlex.record("nn_batchnorm_default_momentum.moving_std_ratio", moving_std_ratio(model_bn_default, data))

# %% [markdown]
# Compare the two printed ratios. The moving variance starts at 1, and with only 2
# updates per epoch, Keras's default momentum of 0.99 leaves it far from the variance it
# is meant to track, so at inference the layer divides by the wrong standard deviation:
# the network predicts well in training mode, with batch statistics, and badly in
# inference mode. The validation loss, measured in inference mode, lags far behind the
# training loss, and early stopping gives up before the moving averages catch up. A
# momentum of 0.9 lets them catch up within a few dozen updates; that is the
# batch-normalised network we keep.

# %%
model_bn, history_bn = batchnorm_runs[0.9]
summarise("nn_batchnorm", model_bn, history_bn,
          f"Batch normalisation (momentum 0.9), batches of {BATCH_BN}, early stopping (patience 3)");
dlex.record("nn_batchnorm.batch_size", BATCH_BN)
dlex.record("nn_batchnorm.momentum", 0.9)
dlex.record("nn_batchnorm.moving_std_ratio", moving_std_ratio(model_bn, data))

# %% [markdown]
# Batch normalisation was invented to make deep networks train faster and more stably;
# its regularizing effect (each example's output depends a little on the random batch
# it lands in) is a side effect, and with one hidden layer and 20 points there is
# little for it to do. Compare its test RMSE with the others in the table at the end.

# %% [markdown]
# ### Exercise 2 — everything at once
#
# Train `model_ex2`: the same network with an `l1_l2` penalty of 50 for both L1 and L2
# on the hidden layer (`keras.regularizers.L1L2(l1=50.0, l2=50.0)`), `Dropout(0.5)`
# after it, from seed `SEED_EX2`, in batches of 10, for up to `EPOCHS_EX2` epochs,
# watching the validation set, with early stopping at patience 4 restoring the best
# weights and a `ModelCheckpoint` saving the best model to the file named `EX2_CHECKPOINT`.
# Call the value `fit` returns `history_ex2`.

# %% part="ex2"
EX2_CHECKPOINT = "ex2_best.keras"
### BEGIN SOLUTION
model_ex2 = regression_net(hidden_regularizer=keras.regularizers.L1L2(l1=50.0, l2=50.0), dropout=0.5,
                           seed=SEED_EX2)
history_ex2 = train(model_ex2, data, epochs=EPOCHS_EX2, batch_size=10, callbacks=[
    keras.callbacks.EarlyStopping(monitor="val_loss", patience=4, restore_best_weights=True),
    keras.callbacks.ModelCheckpoint(EX2_CHECKPOINT, monitor="val_loss", save_best_only=True)])
### END SOLUTION

# %%
dlex.check("lab04.ex2")

# %%
model_ex2_restored = keras.models.load_model(EX2_CHECKPOINT)
print("checkpoint and model agree:", np.allclose(predict(model_ex2_restored, F_grid), predict(model_ex2, F_grid)))
summarise("ex2", model_ex2, history_ex2, "Exercise 2: L1L2(50, 50), dropout, early stopping", seed=SEED_EX2);

# %% [markdown]
# ## 12. Data augmentation
#
# Often the best regularizer is more data. When we cannot collect more, we can
# sometimes make it: a handwritten digit shifted by a pixel, turned a few degrees or drawn a little
# larger is still the same digit. **Data augmentation** trains on such transformed
# copies, teaching the model which changes do not matter.
#
# We train a small digit classifier (784 pixels → `Dense(256, relu)` → `Dense(10,
# softmax)`) on only `AUG_TRAIN` = 1,000 MNIST images, with and without augmentation, and
# measure test accuracy on the full test set. The transformations are Keras layers:
# `RandomTranslation` (up to 10 % of the width and height), `RandomRotation` (up to
# 0.05 of a full turn, 18°) and `RandomZoom` (up to 10 %), with empty borders filled
# with 0 (white paper).
#
# Inside a model these layers would transform every batch afresh in every epoch, the
# usual way on a GPU. Here we make `AUG_COPIES` transformed copies of each image once,
# which costs less on a CPU. Both classifiers make about the same number of training
# steps (printed below): the augmented one sees 1 + `AUG_COPIES` times as many images per
# epoch, for that many times fewer epochs.

# %%
((mnist_x, mnist_y), (mnist_x_test, mnist_y_test)), mnist_source = dlex.data.load_mnist_or_standin()
small_x = mnist_x[:AUG_TRAIN].astype("float32")[..., None] / 255.0
small_y = mnist_y[:AUG_TRAIN]
test_images = mnist_x_test.astype("float32")[..., None] / 255.0
print(f"data: {mnist_source}; training on {len(small_x)} images, testing on {len(test_images):,}")
dlex.record("augmentation.data_source", mnist_source)


def augmenter(seed):
    return keras.Sequential([
        keras.layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=seed),
        keras.layers.RandomRotation(0.05, fill_mode="constant", seed=seed + 1),
        keras.layers.RandomZoom(0.1, fill_mode="constant", seed=seed + 2),
    ])


start = time.perf_counter()
copies = np.asarray(augmenter(SEED_AUG)(np.tile(small_x, (AUG_COPIES, 1, 1, 1)), training=True))
copies_again = np.asarray(augmenter(SEED_AUG)(np.tile(small_x, (AUG_COPIES, 1, 1, 1)), training=True))
print(f"{len(copies):,} transformed copies in {time.perf_counter() - start:.1f} s (twice, to compare)")
print("same seed, same copies:", np.array_equal(copies, copies_again))
dlex.record("augmentation.deterministic", bool(np.array_equal(copies, copies_again)))

# %%
columns = 8
grid = [small_x[i] for i in range(columns)]
for k in range(min(AUG_COPIES, 3)):
    grid += [copies[k * AUG_TRAIN + i] for i in range(columns)]
plots.plot_digit_grid(np.array(grid)[..., 0], np.tile(small_y[:columns], len(grid) // columns), columns=columns,
                      title="Top row: original digits; below: transformed copies");

# %% part="digit-classifier"
def digit_classifier(seed):
    dlex.seed(seed)
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    return model


def accuracy(model, images, labels):
    """Share of ``images`` whose most probable digit is the label."""
    return float(np.mean(np.asarray(model(images, training=False)).argmax(axis=1) == labels))


augmented_x = np.concatenate([small_x, copies])
augmented_y = np.concatenate([small_y, np.tile(small_y, AUG_COPIES)])
epochs_augmented = max(1, round(AUG_EPOCHS / (1 + AUG_COPIES)))
accuracies = {"no_augmentation": [], "augmentation": []}
for seed in range(SEED_AUG, SEED_AUG + AUG_SEEDS):
    for name, x, y, epochs in (("no_augmentation", small_x, small_y, AUG_EPOCHS),
                               ("augmentation", augmented_x, augmented_y, epochs_augmented)):
        model = digit_classifier(seed)
        model.fit(x, y, epochs=epochs, batch_size=32, verbose=0)
        train_accuracy = accuracy(model, small_x, small_y)
        test_accuracy = accuracy(model, test_images, mnist_y_test)
        accuracies[name].append(test_accuracy)
        print(f"seed {seed}, {name:>15}: {epochs:>2} epochs × {int(np.ceil(len(x) / 32))} steps; accuracy on "
              f"the 1,000 original training images {train_accuracy:.3f}, on the test set {test_accuracy:.4f}")
        dlex.record(f"{name}.seed_{seed}.test_accuracy", test_accuracy)
        dlex.record(f"{name}.seed_{seed}.train_accuracy", train_accuracy)
wins = sum(a > b for a, b in zip(accuracies["augmentation"], accuracies["no_augmentation"]))
for name, values in accuracies.items():
    print(f"{name:>15}: mean test accuracy {np.mean(values):.4f} over {len(values)} seed(s)")
    dlex.record(f"{name}.test_accuracy", np.mean(values))
print(f"augmentation gave the higher test accuracy for {wins} of {AUG_SEEDS} seed(s)")
dlex.record("augmentation.seeds_better", wins)

# %% [markdown]
# Compare the two accuracies of each line. Without augmentation the classifier learns
# its 1,000 training images almost perfectly and does worse on the test set; the
# augmented one fits those same images less tightly — its task got harder — and the
# lines show how its test accuracy compares, seed by seed.

# %% [markdown]
# ## 13. Does it depend on the draw?
#
# Twenty test points make a noisy yardstick: a test RMSE moves by tenths from one draw
# of the data to the next. The cell retrains every method of sections 2–11 on `REPEATS`
# further draws (seeds `DATA_SEED + 1`, …, with network seeds `SEED_NN + 1`, …), with
# the same settings as above.

# %%
def all_methods(d, seed):
    """Test RMSE of every method of sections 2–11 on the data ``d``, networks from ``seed``."""
    def nn(model, **fit):
        train(model, d, **fit)
        return rmse(d.y_test, predict(model, d.F_test))

    def stop(patience):
        return [keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)]

    L2, L1 = keras.regularizers.L2, keras.regularizers.L1
    return {
        "linear": rmse(d.y_test, LeastSquares().fit(d.x_train[:, None], d.y_train).predict(d.x_test[:, None])),
        "poly9": rmse(d.y_test, LeastSquares().fit(d.F_train, d.y_train).predict(d.F_test)),
        "ridge": rmse(d.y_test, Ridge(alpha=100.0).fit(d.F_train, d.y_train).predict(d.F_test)),
        "lasso": rmse(d.y_test, Lasso(alpha=2.0, max_iter=100_000, tol=1e-10).fit(d.F_train, d.y_train).predict(d.F_test)),
        "nn": nn(regression_net(seed=seed)),
        "nn_l2": nn(regression_net(L2(2.0), seed=seed)),
        "nn_l1": nn(regression_net(L1(10.0), seed=seed), epochs=EPOCHS_L1),
        "nn_early_stopping": nn(regression_net(seed=seed), epochs=EPOCHS_ES, callbacks=stop(1)),
        "nn_dropout": nn(regression_net(dropout=0.5, seed=seed)),
        "nn_batchnorm": nn(regression_net(batchnorm=True, bn_momentum=0.9, seed=seed), epochs=EPOCHS_BN,
                           batch_size=BATCH_BN, callbacks=stop(3)),
    }


repeats = [all_methods(prepare(DATA_SEED + r), SEED_NN + r) for r in range(1, REPEATS + 1)]
if repeats:
    print(f"{'method':>18}" + "".join(f"{'seed +' + str(r):>9}" for r in range(1, REPEATS + 1)) + f"{'mean':>8}")
    for name in repeats[0]:
        values = [rep[name] for rep in repeats]
        print(f"{name:>18}" + "".join(f"{v:>9.2f}" for v in values) + f"{np.mean(values):>8.2f}")
        dlex.record(f"{name}.repeats_mean_test_rmse", np.mean(values))
    spreads = {name: np.std([rep[name] for rep in repeats]) for name in repeats[0]}
    widest = max(spreads, key=spreads.get)
    print(f"\nlargest spread from draw to draw (standard deviation): {widest} ({spreads[widest]:.2f})")
    for penalty in ("ridge", "lasso"):
        count = sum(rep[penalty] < rep["poly9"] for rep in repeats)
        print(f"{penalty} beat the unpenalised polynomial on {count} of {REPEATS} draws")
        dlex.record(f"{penalty}.repeats_better_than_poly9", count)
    for name in repeats[0]:
        if name.startswith("nn_"):
            count = sum(rep[name] < rep["nn"] for rep in repeats)
            print(f"{name} beat the unregularized network on {count} of {REPEATS} draws")
            dlex.record(f"{name}.repeats_better_than_nn", count)
else:
    print("REPEATS = 0: no further draws in this run")

# %% [markdown]
# Read the printed counts (a `--quick` run skips these draws). A penalty pays off where a model over-fits: the polynomial,
# whose test error also jumps most from draw to draw, is the model with the most
# variance to remove. Whether a regularizer helps the network depends on the draw; where
# the printed counts are low, the reason is that thirty epochs of small steps already
# hold the unregularized network back (section 6), so the extra constraints mostly add bias.
# That is a finding about this setting — one hidden layer, 20 points, a short training
# — not about regularization in general: networks trained to convergence on little data
# over-fit, and then the same tools remove variance as the penalties did for the
# polynomial.

# %% [markdown]
# ## 14. Every method side by side
#
# Test RMSE on this lab's data (seed `DATA_SEED`), from the runs above; with repeats,
# the range over the further draws is shown too. The dotted line is the noise level
# σ = 2: the test RMSE of the true function f(x) = x, on average.

# %%
described = {
    "linear": "least squares, 1 feature", "poly9": "least squares, 9 features",
    "ridge": "ridge, α = 100", "lasso": "lasso, α = 2", "nn": "network, no penalty",
    "nn_l2": "network, L2(2)", "nn_l2_20": "network, L2(20) (Ex. 1)", "nn_l2_200": "network, L2(200) (Ex. 1)",
    "nn_l1": "network, L1(10), 100 epochs", "nn_early_stopping": "network, early stopping",
    "nn_dropout": "network, dropout 0.5",
    "nn_batchnorm_default_momentum": "network, batch norm (momentum 0.99)",
    "nn_batchnorm": "network, batch norm (momentum 0.9)",
    "ex2": "network, all at once (Ex. 2)",
}
truth_rmse = rmse(data.y_test, true_function(data.x_test))
print(f"{'method':30}{'':38}{'test RMSE':>10}{'other draws':>16}")
for name, text in described.items():
    spread = ""
    if repeats and name in repeats[0]:
        values = [rep[name] for rep in repeats]
        spread = f"{min(values):.2f} – {max(values):.2f}"
    print(f"{name:30}{text:38}{results[name]:>10.3f}{spread:>16}")
print(f"{'truth':30}{'f(x) = x, no fitting':38}{truth_rmse:>10.3f}")
dlex.record("truth.test_rmse", truth_rmse)
ranked = sorted(described, key=results.get)
print(f"\nlowest test RMSE in this run: {ranked[0]} ({results[ranked[0]]:.3f}); highest: {ranked[-1]} ({results[ranked[-1]]:.3f})")

# %%
plots.plot_method_errors({described[n]: results[n] for n in described},
                         spread={described[n]: (min(rep[n] for rep in repeats), max(rep[n] for rep in repeats))
                                 for n in described if repeats and n in repeats[0]},
                         floor=SIGMA, floor_label="noise level σ = 2",
                         title=f"Test RMSE (dots: seed {DATA_SEED}; grey lines: range over {REPEATS} other draws)");

# %% [markdown]
# What to take away:
#
# * Over-fitting is variance: a flexible model fitted exactly follows the noise. The
#   simulation measured it, and measured how a penalty trades it for bias.
# * Ridge and lasso remove the polynomial's swings; the lasso also selects features,
#   setting weights to exactly zero.
# * A network trained by a few epochs of small gradient steps is already held back by
#   its training; L2, L1, early stopping and dropout each constrain it further, and a
#   penalty set too strong flattens the fit into bias.
# * Batch normalisation needs batches, and its moving averages need enough updates.
# * Data augmentation regularizes with more (made-up) data; section 12 measured what it
#   did for a digit classifier trained on 1,000 images.

# %% [markdown]
# ## Evaluation questions
#
# The next cell lists this lab's questions. Answer each one in a cell of your own with
# `dlex.answer("lab04.q1", 2)` (choices by their number, numbers as numbers), or all of
# them in the terminal with `dlex quiz lab04`. The questions about results are checked
# against the numbers your own run recorded.

# %%
dlex.quiz("lab04")
