# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   dlex:
#     lab: 3
#     title: Deep feed-forward networks from first principles
#     description: Build networks from affine maps and non-linearities, derive their gradients by hand, and measure what width and depth buy.
#     minutes_full: 0.4
#     minutes_quick: 0.25
#     quick: {RANDOM_LINES: 5000, HIDDEN_STEPS: 300, WIDTHS: [1, 4, 16], WIDTH_STEPS: 800, DEEP_WIDTHS: [3, 6, 10], DVW_SEEDS: 2, DVW_STEPS: 300, XOR_SEEDS: 30}
#     headline: [hidden.network_test_accuracy, hidden.perceptron_test_accuracy, gradcheck.max_rel_error]
# ---

# %% [markdown]
# # Lab 3 — Deep feed-forward networks from first principles
#
# In Lab 2 you trained networks with a few lines of Keras. In this lab you open them
# up: what a network computes, why it needs hidden layers and non-linear activations,
# which loss it minimises, and how the gradients that train it are computed.
#
# You will:
#
# 1. name the three parts of every learning machine;
# 2. fit an affine network (linear regression) by gradient descent;
# 3. watch a perceptron fail on XOR, and a hidden layer succeed;
# 4. measure how width buys capacity, and compare deep and shallow networks with the
#    same number of parameters;
# 5. plot the common activation functions with their derivatives;
# 6. work through a tiny network by hand, and vary it (**Exercise 1**);
# 7. compute entropy, KL divergence and cross-entropy by hand and compare with Keras;
# 8. derive the gradients of a small network by hand and check them three ways;
# 9. design an exact XOR network, then learn one by training (**Exercise 2**);
# 10. implement the usual regression and classification metrics.
#
# Every number quoted in the text is printed by the code next to it, on your machine.
# Run the cells in order.

# %% [markdown]
# ## Setup
#
# `import dlex` must come before `import keras`: it picks the Keras backend (JAX unless
# you set `KERAS_BACKEND`). Most of this lab runs on `dlex.scratch`, the course's
# NumPy implementations, which are small enough to read: `dlex.scratch.network` holds
# the multi-layer perceptron used below, `dlex.scratch.optim` the optimizers.

# %% part="setup"
import time

import keras
import numpy as np
import sklearn.metrics
from scipy.stats import norm

import dlex
from dlex import plots
from dlex.scratch import activations, losses, metrics, network, optim

print(f"Keras {keras.__version__} on the {keras.backend.backend()} backend")

# %% [markdown]
# The settings of this lab: seeds, training steps and experiment sizes.
# `dlex run lab03 --quick` replaces some of them to make a fast smoke run.

# %% tags=["parameters"] part="parameters"
SEED = 3
PERCEPTRON_STEPS = 2000
PERCEPTRON_LEARNING_RATE = 1.0
RANDOM_LINES = 20000
BLOB_POINTS = 400
BLOB_NOISE = 0.25
HIDDEN_STEPS = 500
WIDTHS = [1, 2, 4, 8, 16, 32]
WIDTH_STEPS = 1500
WIDTH_STARTS = 2
DEEP_WIDTHS = [3, 5, 8, 12]
DVW_SEEDS = 3
DVW_STEPS = 800
DVW_TRAIN_POINTS = 256
XOR_STEPS = 500
XOR_LEARNING_RATE = 0.1
XOR_SEEDS = 100
XOR_WIDE_UNITS = 8

# %%
dlex.seed(SEED)
dlex.record("seed", SEED)

# %% [markdown]
# ## 1. The three parts of a learning machine
#
# Every learning machine in this course, from a straight line to a deep network, has
# three parts:
#
# 1. **Representation** — the family of functions the machine can compute. For a
#    network it is the architecture: layers, units and activations. The values of the
#    weights pick one function out of that family.
# 2. **Learning** — the procedure that chooses the weights from data: a **loss** *J*
#    that measures how wrong the outputs are on the training examples, and an
#    **optimizer** that changes the weights to make *J* small.
# 3. **Inference** — using what was learned: the weights stay fixed and the function
#    is evaluated on new inputs (the *forward pass*).
#
# The next section shows all three on the simplest network there is.

# %% [markdown]
# ## 2. The affine network: linear regression
#
# **Representation.** An input is a row **x** of *d* numbers. The network has one
# unit with no activation: ŷ = **x**·**w** + *b*, with a weight vector **w** (*d*
# numbers) and a bias *b*. A map of this form — a linear map plus a constant — is
# called **affine**. For a batch of *N* inputs stacked as the rows of a matrix X
# (*N* × *d*), all outputs at once are ŷ = X**w** + *b*.
#
# **Learning.** The loss is the mean squared error over the *N* training examples,
# J(**w**, *b*) = (1/N) Σₙ (ŷₙ − yₙ)². Its gradient, the vector of its partial
# derivatives, is
#
# * ∂J/∂**w** = (2/N) Xᵀ(ŷ − **y**), a vector of *d* numbers,
# * ∂J/∂b = (2/N) Σₙ (ŷₙ − yₙ).
#
# The gradient points in the direction in which *J* grows fastest, so **gradient
# descent** steps the other way: **w** ← **w** − α ∂J/∂**w** and *b* ← *b* − α ∂J/∂b,
# where α > 0 is the **learning rate**.
#
# The cell makes data from a known affine rule plus a little noise and learns it.

# %%
rng = np.random.default_rng(SEED)
x_reg = rng.uniform(-1, 1, size=(200, 2))
y_reg = x_reg @ np.array([3.0, -2.0]) + 0.5 + 0.1 * rng.standard_normal(200)

w, b, alpha = np.zeros(2), 0.0, 0.5
for _ in range(100):
    y_hat = x_reg @ w + b                                  # representation: affine map
    error = y_hat - y_reg
    w = w - alpha * (2 / len(x_reg)) * x_reg.T @ error     # learning: a step against the gradient
    b = b - alpha * (2 / len(x_reg)) * error.sum()
print("rule used for the data: w = [ 3. -2.]  b = 0.5, plus noise")
print("gradient descent:       w =", np.round(w, 4), " b =", round(b, 4))

# The same problem has a closed-form answer (least squares); gradient descent should reach it.
design = np.column_stack([x_reg, np.ones(len(x_reg))])
exact, *_ = np.linalg.lstsq(design, y_reg, rcond=None)
print("least squares (exact):  w =", np.round(exact[:2], 4), " b =", round(exact[2], 4))
difference = np.max(np.abs(np.append(w, b) - exact))
print(f"largest difference: {difference:.2e}")
dlex.record("affine.max_weight_diff", difference)

new_input = np.array([1.0, 1.0])
print(f"inference: for x = {new_input} the network predicts {new_input @ w + b:.4f}")

# %% [markdown]
# The learned weights are close to the 3, −2 and 0.5 used to make the data; they are
# not equal to them because of the noise, but they equal the least-squares answer.
#
# **Stacking affine layers adds nothing.** Two affine layers in a row,
# (**x** W₁ + **b**₁) W₂ + **b**₂, equal **x** (W₁W₂) + (**b**₁W₂ + **b**₂): one affine
# map again. However many linear layers we stack, the network can only draw straight
# lines (planes, in more dimensions). The cell checks this on a Keras model of two
# `Dense` layers without activation.

# %%
stacked = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(4), keras.layers.Dense(1)])
(w1, b1), (w2, b2) = stacked.layers[0].get_weights(), stacked.layers[1].get_weights()
one_map = x_reg[:5] @ (w1 @ w2) + (b1 @ w2 + b2)
two_layers = keras.ops.convert_to_numpy(stacked(x_reg[:5].astype("float32")))
print("two Dense layers:", np.round(two_layers.ravel(), 5))
print("one affine map:  ", np.round(one_map.ravel(), 5))
dlex.record("affine.stack_max_diff", float(np.max(np.abs(two_layers - one_map))))

# %% [markdown]
# ## 3. The perceptron, and why it cannot learn XOR
#
# A **perceptron** passes the affine map through a non-linearity. With the logistic
# **sigmoid**, σ(z) = 1 / (1 + e⁻ᶻ), which squeezes any number into (0, 1):
#
# p = σ(**x**·**w** + *b*).
#
# We read *p* as the probability of class 1 and predict class 1 when p > 0.5. Because
# σ(z) > 0.5 exactly when z > 0, the prediction changes where **x**·**w** + *b* = 0: with
# two inputs, a straight line, the **decision boundary**. Trained with the binary
# cross-entropy loss (section 10), this model is **logistic regression**. (Rosenblatt's
# perceptron of 1958 used a step function instead of σ; its boundary is a line too.)
#
# Two truth tables on the inputs (0,0), (0,1), (1,0), (1,1): **AND** is 1 only for
# (1,1); **XOR** ("exclusive or") is 1 when exactly one input is 1. The cell trains a
# perceptron on each with gradient descent, using `dlex.scratch.network.MLP` with no
# hidden layer.

# %% part="xor-data"
xor_x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
and_y = np.array([[0], [0], [0], [1]], dtype=float)
xor_y = np.array([[0], [1], [1], [0]], dtype=float)


def train_perceptron(x, y, seed):
    model = network.MLP([2, 1], np.random.default_rng(seed), output_activation="sigmoid")
    optimizer = optim.GradientDescent(PERCEPTRON_LEARNING_RATE)
    for _ in range(PERCEPTRON_STEPS):
        loss, grads = model.loss_and_grads(x, y)
        optimizer.step(model.params, grads)
    return model


perceptron_and = train_perceptron(xor_x, and_y, SEED)
perceptron_xor = train_perceptron(xor_x, xor_y, SEED)
print("input   AND  p(AND)   XOR  p(XOR)")
for x, t_and, p_and, t_xor, p_xor in zip(xor_x, and_y, perceptron_and.predict(xor_x),
                                         xor_y, perceptron_xor.predict(xor_x)):
    print(f"{x.astype(int)}  {int(t_and[0]):3d}  {p_and[0]:.4f}  {int(t_xor[0]):4d}  {p_xor[0]:.4f}")
and_accuracy, xor_accuracy = perceptron_and.accuracy(xor_x, and_y), perceptron_xor.accuracy(xor_x, xor_y)
xor_loss = float(perceptron_xor.loss(xor_x, xor_y))
print(f"accuracy on AND: {and_accuracy:.2f}; accuracy on XOR: {xor_accuracy:.2f}")
print(f"final loss on XOR: {xor_loss:.4f}; log 2 = {np.log(2):.4f}")
dlex.record("perceptron.and_accuracy", and_accuracy)
dlex.record("perceptron.xor_accuracy", xor_accuracy)
dlex.record("perceptron.xor_loss", xor_loss)

# %% [markdown]
# On AND the perceptron is sure and right. On XOR it gives up: every output is close
# to 0.5 and the loss is close to log 2, the cross-entropy of answering "0.5" to
# everything. Which side of 0.5 each output falls on is decided by tiny leftovers of
# the training, and the accuracy is no better than three of four.
#
# **No line can do better than three of four.** Suppose a line classified all four
# XOR cases correctly, predicting class 1 exactly where w₁x₁ + w₂x₂ + b > 0. Then
# (0,0) → 0 needs b ≤ 0; (1,0) → 1 needs w₁ + b > 0; (0,1) → 1 needs w₂ + b > 0; and
# (1,1) → 0 needs w₁ + w₂ + b ≤ 0. Adding the middle two gives w₁ + w₂ + 2b > 0, so
# w₁ + w₂ + b > −b ≥ 0, which contradicts the last. The cell backs the proof with
# measurement: it draws many random lines and scores each on XOR.

# %%
lines = np.random.default_rng(SEED).normal(size=(RANDOM_LINES, 3))       # (w1, w2, b) per line
scores = xor_x @ lines[:, :2].T + lines[:, 2]                            # (4 inputs, lines)
line_accuracy = np.mean((scores > 0) == (xor_y > 0.5), axis=0)
for value in np.unique(line_accuracy):
    print(f"{np.sum(line_accuracy == value):6d} of {RANDOM_LINES} random lines score {value:.2f}")
best_line = lines[np.argmax(line_accuracy)]
dlex.record("perceptron.best_line_accuracy", line_accuracy.max())

# %%
plots.plot_decision_boundaries([
    (f"AND: trained perceptron\naccuracy {and_accuracy:.2f}", perceptron_and.predict, xor_x, and_y),
    (f"XOR: trained perceptron\naccuracy {xor_accuracy:.2f}", perceptron_xor.predict, xor_x, xor_y),
    (f"XOR: best random line\naccuracy {line_accuracy.max():.2f}",
     lambda x: activations.sigmoid(3 * (x @ best_line[:2] + best_line[2])), xor_x, xor_y),
], title="A perceptron draws one straight line");

# %% [markdown]
# Read the figure: the colour is the perceptron's output *p*, the black line is where
# p = 0.5. On XOR the trained perceptron's output is the same pale colour everywhere
# (about 0.5), so its line means little; even the best line leaves one case on the
# wrong side.

# %% [markdown]
# ## 4. Hidden layers
#
# A **hidden layer** computes new features from the input, **h** = g(**x** W₁ + **b**₁),
# where W₁ has one column per hidden unit and the **activation** g is applied to each
# number separately. The output unit is a perceptron on those features:
# p = σ(**h**·**w**₂ + b₂). The boundary is still a line — but in the space of **h**; seen
# from the inputs it can bend.
#
# To see it work on more than four points, the cell makes a noisy XOR: each point is
# one of the four corners plus Gaussian noise (standard deviation `BLOB_NOISE`), and
# its class is the XOR of the corner. It trains a perceptron and a network with one
# hidden layer of 8 ReLU units (relu(z) = max(0, z)) on the same points, with the Adam
# optimizer (Lab 5 explains it), and scores both on fresh test points.

# %%
def noisy_xor(n, rng):
    corners = rng.integers(0, 2, size=(n, 2))
    return corners + BLOB_NOISE * rng.standard_normal((n, 2)), (corners[:, :1] ^ corners[:, 1:]).astype(float)


x_blob, y_blob = noisy_xor(BLOB_POINTS, np.random.default_rng(SEED + 1))
x_blob_test, y_blob_test = noisy_xor(BLOB_POINTS, np.random.default_rng(SEED + 2))


def train_classifier(layer_sizes, seed):
    model = network.MLP(layer_sizes, np.random.default_rng(seed), activation="relu",
                        output_activation="sigmoid")
    optimizer = optim.Adam(0.05)
    for _ in range(HIDDEN_STEPS):
        _, grads = model.loss_and_grads(x_blob, y_blob)
        optimizer.step(model.params, grads)
    return model


blob_perceptron = train_classifier([2, 1], SEED)
blob_network = train_classifier([2, 8, 1], SEED)
blob_perceptron_accuracy = blob_perceptron.accuracy(x_blob_test, y_blob_test)
blob_network_accuracy = blob_network.accuracy(x_blob_test, y_blob_test)
print(f"test accuracy: perceptron {blob_perceptron_accuracy:.3f}, "
      f"one hidden layer of 8 units {blob_network_accuracy:.3f}")
dlex.record("hidden.perceptron_test_accuracy", blob_perceptron_accuracy)
dlex.record("hidden.network_test_accuracy", blob_network_accuracy)

# %%
plots.plot_decision_boundaries([
    (f"perceptron\ntest accuracy {blob_perceptron_accuracy:.2f}", blob_perceptron.predict,
     x_blob_test, y_blob_test),
    (f"8 hidden ReLU units\ntest accuracy {blob_network_accuracy:.2f}", blob_network.predict,
     x_blob_test, y_blob_test),
], limits=(-0.8, 1.8), title="Noisy XOR, test points");

# %% [markdown]
# The hidden layer's boundary is made of straight pieces: each ReLU unit switches on
# along one line, and the output combines those half-planes into the two diagonal
# regions XOR needs.

# %% [markdown]
# ## 5. Universal approximation: what width buys
#
# How much can one hidden layer represent? Take a **sigmoidal** activation g: continuous,
# with g(z) → 0 as z → −∞ and g(z) → 1 as z → +∞ (σ is one). **Cybenko (1989)** proved:
# for every continuous function f on a closed, bounded region of inputs and every
# tolerance ε > 0, there are a number of hidden units *m* and weights such that
#
# F(**x**) = Σⱼ vⱼ g(**x**·**w**ⱼ + bⱼ), summed over j = 1 … m,
#
# stays within ε of f(**x**) everywhere in the region. **Hornik (1991)** showed that
# any continuous, bounded, non-constant activation will do: the power lies in the
# layered architecture, not in one particular g. (Later results, e.g. Leshno et al.
# 1993, cover any activation that is not a polynomial, ReLU included.)
#
# The theorem is about **representation** only. It does not say how many units are
# needed, nor that training will find the weights. The experiment measures both at once:
# it trains one-hidden-layer networks of growing width on the 1-D function
# f(x) = sin(2πx) + x/2 and reports the error on the training points — the question is
# what the network can represent, not how it generalises. For the same reason each
# width is trained from `WIDTH_STARTS` random starts and the best fit is kept. The
# hidden units use tanh, a sigmoid stretched to (−1, 1), tanh(z) = 2σ(2z) − 1:
# continuous, bounded and not constant, so Hornik's theorem covers it.

# %%
x_curve = np.linspace(-1, 1, 128)[:, None]
y_curve = np.sin(2 * np.pi * x_curve) + 0.5 * x_curve


def train_regressor(layer_sizes, x, y, steps, seed, activation="tanh", learning_rate=0.02):
    model = network.MLP(layer_sizes, np.random.default_rng(seed), activation=activation,
                        output_activation="linear")
    optimizer = optim.Adam(learning_rate)
    for _ in range(steps):
        _, grads = model.loss_and_grads(x, y)
        optimizer.step(model.params, grads)
    return model


start = time.perf_counter()
width_models, width_rmse = {}, {}
print("hidden units  parameters  training RMSE")
for width in WIDTHS:
    starts = [train_regressor([1, width, 1], x_curve, y_curve, WIDTH_STEPS, SEED + k, learning_rate=0.01)
              for k in range(WIDTH_STARTS)]
    errors = [metrics.rmse(y_curve, model.predict(x_curve)) for model in starts]
    width_models[width], width_rmse[width] = starts[int(np.argmin(errors))], min(errors)
    print(f"{width:12d}  {3 * width + 1:10d}  {width_rmse[width]:.4f}")
    dlex.record(f"capacity.rmse_width_{width}", width_rmse[width])
dlex.record("capacity.seconds", time.perf_counter() - start)

# %%
plots.plot_function_fits(x_curve, y_curve, {w: m.predict(x_curve) for w, m in width_models.items()},
                         width_rmse, title="One hidden layer of tanh units, growing width (best start)");

# %% [markdown]
# A network with *m* tanh units and a linear output is a sum of *m* smooth steps,
# each placed and scaled by its weights. One unit makes one step, so it can only follow
# the overall trend; the target needs several bends, and each extra unit can add one.
# Read the printed errors: they fall as the width grows, quickly at first, then slowly,
# as the fixed number of training steps rather than the width starts to limit the fit.

# %% [markdown]
# ## 6. Depth versus width at equal parameter budgets
#
# If one wide layer can represent anything, why stack layers? Because the number of
# units needed matters. A ReLU network computes a function made of linear pieces. In
# one hidden layer each unit adds one fold line, and the pieces are the regions those
# lines cut the input space into: their number grows only polynomially with the
# number of units. A second layer folds the already folded space again, so the number
# of pieces can multiply from layer to layer — it can grow exponentially with depth
# (Montúfar et al., 2014).
#
# Our own measurement, on a task with structure to compose: the 2-D "ripple"
# f(**x**) = cos(3π‖**x**‖) · exp(−‖**x**‖²) on the square [−1, 1]², a function of the
# distance ‖**x**‖ from the centre. We compare, at equal numbers of parameters:
#
# * **shallow**: 2 inputs → *w* ReLU units → 1 output, with 2w + w + w + 1 = 4w + 1
#   parameters;
# * **deep**: 2 inputs → three hidden layers of *d* ReLU units → 1 output, with
#   (2d + d) + 2(d² + d) + (d + 1) = 2d² + 6d + 1 parameters.
#
# Choosing w = d(d + 3)/2 makes the two counts equal exactly. Every network trains with
# the same recipe (Adam, learning rate 0.02, `DVW_STEPS` full-batch steps) from
# `DVW_SEEDS` random starts, and we measure the mean squared error on 2,000 test points.

# %%
def ripple(x):
    radius = np.sqrt(np.sum(x ** 2, axis=1, keepdims=True))
    return np.cos(3 * np.pi * radius) * np.exp(-radius ** 2)


rng = np.random.default_rng(SEED + 3)
x_ripple, x_ripple_test = rng.uniform(-1, 1, (DVW_TRAIN_POINTS, 2)), rng.uniform(-1, 1, (2000, 2))
y_ripple, y_ripple_test = ripple(x_ripple), ripple(x_ripple_test)


def parameter_count(sizes):
    return sum(m * n + n for m, n in zip(sizes[:-1], sizes[1:]))


start = time.perf_counter()
budgets, shallow_mse, deep_mse = [], [], []
for d in DEEP_WIDTHS:
    shallow_sizes, deep_sizes = [2, d * (d + 3) // 2, 1], [2, d, d, d, 1]
    assert parameter_count(shallow_sizes) == parameter_count(deep_sizes)
    budgets.append(parameter_count(deep_sizes))
    row = {}
    for name, sizes, store in (("shallow", shallow_sizes, shallow_mse), ("deep", deep_sizes, deep_mse)):
        errors = []
        for seed in range(DVW_SEEDS):
            model = train_regressor(sizes, x_ripple, y_ripple, DVW_STEPS, SEED + seed, activation="relu")
            errors.append(float(np.mean((model.predict(x_ripple_test) - y_ripple_test) ** 2)))
        store.append(errors)
        row[name] = float(np.median(errors))
        dlex.record(f"depth_vs_width.p{budgets[-1]}.{name}_median_mse", row[name])
    print(f"{budgets[-1]:4d} parameters: shallow 2-{shallow_sizes[1]}-1 median test MSE {row['shallow']:.4f}, "
          f"deep 2-{d}-{d}-{d}-1 {row['deep']:.4f}")
seconds = time.perf_counter() - start
shallow_median, deep_median = np.median(shallow_mse, axis=1), np.median(deep_mse, axis=1)
deep_wins = int(np.sum(deep_median < shallow_median))
print(f"the deep network had the lower median test error at {deep_wins} of {len(budgets)} budgets "
      f"({len(budgets) * DVW_SEEDS * 2} networks trained in {seconds:.1f} s)")
print(f"at the largest budget ({budgets[-1]} parameters) the shallow median error is "
      f"{shallow_median[-1] / deep_median[-1]:.1f} times the deep one")
print(f"for scale: predicting the mean everywhere gives a test MSE of {np.var(y_ripple_test):.4f}")
dlex.record("depth_vs_width.budgets", len(budgets))
dlex.record("depth_vs_width.deep_wins", deep_wins)
dlex.record("depth_vs_width.largest_budget", budgets[-1])
dlex.record("depth_vs_width.largest.shallow_median_mse", shallow_median[-1])
dlex.record("depth_vs_width.largest.deep_median_mse", deep_median[-1])
dlex.record("depth_vs_width.largest.shallow_over_deep", shallow_median[-1] / deep_median[-1])
dlex.record("depth_vs_width.baseline_mse", np.var(y_ripple_test))
dlex.record("depth_vs_width.seconds", seconds)

# %%
plots.plot_error_vs_parameters({"shallow (1 hidden layer)": (budgets, shallow_mse),
                                "deep (3 hidden layers)": (budgets, deep_mse)},
                               error_label="test MSE", title="The ripple: equal budgets, different shapes");

# %% [markdown]
# Each dot is one training run; the lines join the medians. Compare the two lines
# budget by budget, using the printed numbers. With the smallest budget each deep layer
# has only a handful of units, too few to carry the pattern through; as the budget
# grows, the question is whether folding (depth) or adding units side by side (width)
# uses the same parameters better on this task.
#
# Keep the scope in mind: one target, one optimizer, a few seeds and a fixed number
# of steps. Depth helps when the target has structure that composes — here, a ripple
# that depends on the distance to the centre — and deeper networks are also harder to
# train (section 7 shows one reason). Lab 5 returns to training deep networks.

# %% [markdown]
# ## 7. Activation functions and their derivatives
#
# Training needs the derivative of every activation (section 11 shows where). The common
# ones, for a number z:
#
# * **linear**: f(z) = z; f′(z) = 1. Used for regression outputs.
# * **ReLU**: f(z) = max(0, z); f′(z) = 1 for z > 0 and 0 for z < 0 (at z = 0 we use 0,
#   as Keras does).
# * **leaky ReLU**: f(z) = z for z ≥ 0 and a·z otherwise; f′(z) = 1 or a. Keras's
#   defaults differ: a = 0.2 for the function `keras.activations.leaky_relu`, a = 0.3
#   for the layer `keras.layers.LeakyReLU()`.
# * **sigmoid**: σ(z) = 1 / (1 + e⁻ᶻ); σ′(z) = σ(z)(1 − σ(z)). Used for yes/no outputs.
# * **tanh**: tanh(z) = (eᶻ − e⁻ᶻ)/(eᶻ + e⁻ᶻ); tanh′(z) = 1 − tanh(z)².
# * **softmax** turns a vector **z** of K scores into K probabilities,
#   sᵢ = e^(zᵢ) / Σₖ e^(zₖ); its derivatives form the Jacobian ∂sᵢ/∂zⱼ = sᵢ(δᵢⱼ − sⱼ)
#   (δᵢⱼ is 1 when i = j and 0 otherwise), i.e. diag(**s**) − **s** **s**ᵀ. With two
#   scores (z, 0), the first probability is e^z / (e^z + 1) = σ(z): the panel shows it.

# %%
softmax_first = (lambda z: activations.softmax(np.stack([z, np.zeros_like(z)], -1))[..., 0],
                 lambda z: activations.softmax_grad(np.stack([z, np.zeros_like(z)], -1))[..., 0, 0])
plots.plot_activations({
    "linear": (activations.linear, activations.linear_grad),
    "ReLU": (activations.relu, activations.relu_grad),
    "leaky ReLU (a = 0.2)": (activations.leaky_relu, activations.leaky_relu_grad),
    "sigmoid σ": (activations.sigmoid, activations.sigmoid_grad),
    "tanh": (activations.tanh, activations.tanh_grad),
    "softmax of (z, 0), first output": softmax_first,
}, title="Activations (solid) and their derivatives (dashed)");

# %% [markdown]
# The scratch activations are checked twice: their values against Keras's own, and
# their derivatives against **finite differences**, f′(z) ≈ (f(z + ε) − f(z − ε)) / 2ε
# for a small ε, at points away from the kink of the ReLUs at 0.

# %%
z = np.random.default_rng(SEED).normal(0, 3, size=(64, 4))
z = z[np.all(np.abs(z) > 1e-3, axis=1)]                  # keep away from the kink at 0
value_diff, derivative_error = 0.0, 0.0
for name in ("linear", "relu", "leaky_relu", "sigmoid", "tanh", "softmax"):
    f, f_grad = activations.get(name)
    theirs = keras.ops.convert_to_numpy(getattr(keras.activations, name)(z.astype("float32")))
    value_diff = max(value_diff, float(np.max(np.abs(f(z) - theirs))))
    if name == "softmax":                                # compare the whole Jacobian, column by column
        numeric = np.stack([(f(z + 1e-6 * np.eye(4)[j]) - f(z - 1e-6 * np.eye(4)[j])) / 2e-6
                            for j in range(4)], axis=-1)
    else:
        numeric = (f(z + 1e-6) - f(z - 1e-6)) / 2e-6
    derivative_error = max(derivative_error, float(np.max(np.abs(f_grad(z) - numeric))))
print(f"largest difference from keras.activations: {value_diff:.1e} (Keras computes in float32)")
print(f"largest derivative error against finite differences: {derivative_error:.1e}")
dlex.record("activations.max_diff_vs_keras", value_diff)
dlex.record("activations.max_derivative_error", derivative_error)

# %% [markdown]
# **The sigmoid saturates.** σ′ is largest at z = 0 and tiny once |z| is a few units:
# the sigmoid is then flat, *saturated*, and passes almost no gradient. Backpropagation
# (section 11) multiplies one activation derivative per layer, so through a stack of
# sigmoid layers those factors shrink the gradient geometrically.

# %%
sigmoid_peak = float(activations.sigmoid_grad(0.0))
sigmoid_at_5 = float(activations.sigmoid_grad(5.0))
print(f"σ′(0) = {sigmoid_peak}, σ′(5) = {sigmoid_at_5:.4f}")
print(f"the activation factor after 10 sigmoid layers is at most σ′(0)¹⁰ = {sigmoid_peak ** 10:.2e}")
print(f"ReLU's derivative for any z > 0: {float(activations.relu_grad(3.0))}")
dlex.record("activations.sigmoid_grad_max", sigmoid_peak)
dlex.record("activations.sigmoid_grad_at_5", sigmoid_at_5)
dlex.record("activations.sigmoid_factor_10_layers", sigmoid_peak ** 10)

# %% [markdown]
# **Why ReLU for hidden units.** Its derivative is exactly 1 wherever the unit is
# active, so a gradient passes through active units undiminished however deep the
# network; it is also cheap to compute. Its weakness is the other side: a unit whose
# input is negative for every example outputs 0 and gets a zero gradient, so it can
# never recover (a *dead* unit — Exercise 2 meets some). Leaky ReLU keeps a small
# slope there. Sigmoid and softmax remain the right choices for *outputs*, where a
# probability is wanted.

# %% [markdown]
# ## 8. A worked example: a network that computes x₁ − x₂
#
# A network with two inputs, two hidden ReLU units, one linear output and no biases:
#
# * hidden weights W₁ = [[1, −1], [−1, 1]] (row i holds the weights leaving input i),
# * output weights W₂ = [1, −1] (one per hidden unit).
#
# For an input **x** = (x₁, x₂), the hidden layer computes **x**W₁ = (x₁ − x₂, x₂ − x₁),
# so h₁ = relu(x₁ − x₂) and h₂ = relu(x₂ − x₁). The output is ŷ = h₁ − h₂. For any number
# a, relu(a) − relu(−a) = a, because one of the two terms is 0. So ŷ = x₁ − x₂
# exactly, for every input.

# %% part="worked-network"
W1_WORKED = np.array([[1.0, -1.0], [-1.0, 1.0]])
W2_WORKED = np.array([[1.0], [-1.0]])
plots.plot_network([W1_WORKED, W2_WORKED], layer_labels=[["x₁", "x₂"], ["h₁", "h₂"], ["ŷ"]],
                   title="ReLU hidden units, no biases: ŷ = x₁ − x₂");

# %% [markdown]
# The cell computes the three cases (2, 1), (1, 1) and (1, 2) by hand in NumPy, and
# with a Keras model holding the same weights (`use_bias=False`, then `set_weights`).

# %%
worked_cases = np.array([[2.0, 1.0], [1.0, 1.0], [1.0, 2.0]])
hidden = activations.relu(worked_cases @ W1_WORKED)
by_hand = (hidden @ W2_WORKED).ravel()
worked_model = keras.Sequential([keras.Input(shape=(2,)),
                                 keras.layers.Dense(2, activation="relu", use_bias=False),
                                 keras.layers.Dense(1, use_bias=False)])
worked_model.set_weights([W1_WORKED, W2_WORKED])
by_keras = keras.ops.convert_to_numpy(worked_model(worked_cases.astype("float32"))).ravel()
print("  x1  x2   h1  h2   ŷ (NumPy)  ŷ (Keras)  x1 − x2")
for (x1, x2), (h1, h2), mine, theirs in zip(worked_cases, hidden, by_hand, by_keras):
    print(f"{x1:4.0f}{x2:4.0f}  {h1:3.0f}{h2:4.0f}   {mine:9.1f}  {theirs:9.1f}  {x1 - x2:7.1f}")
target = worked_cases[:, 0] - worked_cases[:, 1]
dlex.record("worked.max_abs_error_numpy", float(np.max(np.abs(by_hand - target))))
dlex.record("worked.max_abs_error_keras", float(np.max(np.abs(by_keras - target))))

# %% [markdown]
# ## 9. Exercise 1 — sigmoid hidden units
#
# Keep the weights W₁ and W₂ of the worked example, but give the hidden units the
# sigmoid activation instead of ReLU.
#
# 1. Write a function `ex1_forward(x)` that takes inputs of shape (N, 2) and returns
#    the N outputs of this network, as an array of shape (N,). You may use
#    `W1_WORKED`, `W2_WORKED` and `activations.sigmoid`.
# 2. On the five cases in `ex1_cases` the outputs are no longer x₁ − x₂. The output unit
#    is linear, so multiplying both output weights by a factor c multiplies every output
#    by c. Set `ex1_scale` to the c that makes the outputs closest to x₁ − x₂ on the five
#    cases in the least-squares sense, i.e. that minimises Σₙ (c·ŷₙ − (x₁ − x₂)ₙ)².
#    Compute it from `ex1_forward(ex1_cases)`; do not type a number. (Set the derivative
#    with respect to c to zero and solve.)
#
# Then run the check cell below.

# %% part="ex1-cases"
ex1_cases = np.array([[3.0, 1.0], [2.0, 1.0], [1.0, 1.0], [1.0, 2.0], [1.0, 3.0]])
ex1_targets = ex1_cases[:, 0] - ex1_cases[:, 1]

# %% part="ex1"
### BEGIN SOLUTION
def ex1_forward(x):
    hidden = activations.sigmoid(np.asarray(x, dtype=float) @ W1_WORKED)
    return (hidden @ W2_WORKED).ravel()


ex1_outputs = ex1_forward(ex1_cases)
ex1_scale = float(np.sum(ex1_outputs * ex1_targets) / np.sum(ex1_outputs ** 2))
### END SOLUTION

# %% part="ex1-report"
outputs = ex1_forward(ex1_cases)
print(f"  x1  x2  x1 − x2   sigmoid net   rescaled (c = {ex1_scale:.4f})")
for (x1, x2), t, y in zip(ex1_cases, ex1_targets, outputs):
    print(f"{x1:4.0f}{x2:4.0f}  {t:7.0f}  {y:12.4f}  {ex1_scale * y:12.4f}")
print(f"largest error: {np.max(np.abs(outputs - ex1_targets)):.4f} as is, "
      f"{np.max(np.abs(ex1_scale * outputs - ex1_targets)):.4f} rescaled")
dlex.record("ex1.scale", ex1_scale)
dlex.record("ex1.max_abs_error", np.max(np.abs(outputs - ex1_targets)))
dlex.record("ex1.max_abs_error_rescaled", np.max(np.abs(ex1_scale * outputs - ex1_targets)))

# %%
dlex.check("lab03.ex1")

# %% [markdown]
# **Why rescaling helps, and why it cannot be exact.** Write a = x₁ − x₂. The hidden
# units compute σ(a) and σ(−a) = 1 − σ(a), so the output is σ(a) − σ(−a) = 2σ(a) − 1,
# which equals tanh(a/2). Near a = 0 that curve is a straight line of slope 1/2 (each
# unit contributes σ′(0)), so doubling the output weights makes the network right for
# small differences. Further out the curve bends and flattens: the output can never
# exceed c, while x₁ − x₂ grows without bound. The factor that would make a = 1 exact
# differs from the one that would make a = 2 exact, so no single c fits all cases; the
# least-squares c is a compromise between them.

# %%
print("outputs equal tanh(a/2):", np.allclose(outputs, np.tanh(ex1_targets / 2)))
print(f"slope of the sigmoid network at a = 0: 2·σ′(0) = {2 * activations.sigmoid_grad(0.0):.2f}")
print(f"c that makes a = 1 exact: {1 / np.tanh(0.5):.4f}; c that makes a = 2 exact: {2 / np.tanh(1.0):.4f}")

# %% [markdown]
# ## 10. Losses: entropy, KL divergence and cross-entropy
#
# Let P and Q be two probability distributions over the same K outcomes, with
# probabilities pₖ and qₖ. We use natural logarithms (units: *nats*).
#
# * **Entropy** of P: H(P) = −Σₖ pₖ log pₖ — the average surprise of outcomes drawn
#   from P.
# * **Cross-entropy** of Q relative to P: H(P, Q) = −Σₖ pₖ log qₖ — the average surprise
#   when outcomes come from P but we expect Q.
# * **Kullback–Leibler divergence**: D_KL(P‖Q) = Σₖ pₖ log(pₖ/qₖ) = H(P, Q) − H(P).
#
# D_KL(P‖Q) ≥ 0, with equality only when Q = P (Gibbs' inequality): expecting the wrong
# distribution always costs extra surprise. It is not symmetric: D_KL(P‖Q) and
# D_KL(Q‖P) usually differ. The cell computes all of them by hand, with `dlex.scratch`,
# and with Keras.

# %%
P = np.array([0.7, 0.2, 0.1])
Q = np.array([0.5, 0.3, 0.2])
entropy_p = -np.sum(P * np.log(P))
cross_entropy_pq = -np.sum(P * np.log(Q))
kl_pq = np.sum(P * np.log(P / Q))
kl_qp = np.sum(Q * np.log(Q / P))
p32, q32 = P[None].astype("float32"), Q[None].astype("float32")          # a batch of one
keras_kl = float(keras.ops.sum(keras.losses.kl_divergence(p32, q32)))
keras_ce = float(keras.ops.sum(keras.losses.categorical_crossentropy(p32, q32)))
print(f"H(P)          = {entropy_p:.6f}   scratch {float(losses.entropy(P)):.6f}")
print(f"H(P, Q)       = {cross_entropy_pq:.6f}   Keras categorical_crossentropy {keras_ce:.6f}")
print(f"D_KL(P‖Q)     = {kl_pq:.6f}   scratch {float(losses.kl_divergence(P, Q)):.6f}   Keras {keras_kl:.6f}")
print(f"H(P,Q) − H(P) = {cross_entropy_pq - entropy_p:.6f}")
print(f"D_KL(Q‖P)     = {kl_qp:.6f}  (not the same: KL is not symmetric)")
dlex.record("losses.kl_keras_diff", abs(keras_kl - kl_pq))
dlex.record("losses.cross_entropy_keras_diff", abs(keras_ce - cross_entropy_pq))
dlex.record("losses.kl_identity_diff", abs(kl_pq - (cross_entropy_pq - entropy_p)))
dlex.record("losses.kl_pq", kl_pq)
dlex.record("losses.kl_qp", kl_qp)

pairs = np.random.default_rng(SEED).dirichlet(np.ones(5), size=(2, 1000))
smallest = float(np.min(losses.kl_divergence(pairs[0], pairs[1], reduction="none")))
print(f"smallest D_KL over 1,000 random pairs of distributions on 5 outcomes: {smallest:.2e}")
dlex.record("losses.kl_min_random", smallest)

# %% [markdown]
# **Why cross-entropy is the classification loss.** Let P be the true distribution of
# labels and Q the network's predicted probabilities. H(P) does not depend on the
# network, so minimising the cross-entropy H(P, Q) = H(P) + D_KL(P‖Q) over the weights
# is the same as minimising D_KL(P‖Q): pulling Q towards P. For one example with a
# one-hot label, P puts probability 1 on the true class, H(P) = 0, and the loss is
# −log q(true class).
#
# * **Binary cross-entropy** (one probability p of class 1, label y ∈ {0, 1}):
#   −[y log p + (1 − y) log(1 − p)], averaged over examples.
# * **Categorical cross-entropy** (K probabilities, one-hot label **y**):
#   −Σₖ yₖ log qₖ, averaged over examples.
#
# Keras computes the same numbers (it clips probabilities to [10⁻⁷, 1 − 10⁻⁷] before
# taking logs, which changes nothing for the values here).

# %%
rng = np.random.default_rng(SEED)
y_binary = rng.integers(0, 2, size=(8, 1)).astype(float)
p_binary = rng.uniform(0.05, 0.95, size=(8, 1))
bce_hand = -np.mean(y_binary * np.log(p_binary) + (1 - y_binary) * np.log(1 - p_binary))
bce_keras = float(keras.ops.mean(keras.losses.binary_crossentropy(y_binary.astype("float32"),
                                                                  p_binary.astype("float32"))))
y_onehot = np.eye(3)[rng.integers(0, 3, size=8)]
q_probs = rng.dirichlet(np.ones(3), size=8)
cce_hand = -np.mean(np.sum(y_onehot * np.log(q_probs), axis=1))
cce_keras = float(keras.ops.mean(keras.losses.categorical_crossentropy(y_onehot.astype("float32"),
                                                                       q_probs.astype("float32"))))
print(f"Keras's clipping constant keras.config.epsilon() = {keras.config.epsilon()}")
print(f"binary cross-entropy:      by hand {bce_hand:.6f}, Keras {bce_keras:.6f}")
print(f"categorical cross-entropy: by hand {cce_hand:.6f}, Keras {cce_keras:.6f}")
dlex.record("losses.bce_keras_diff", abs(bce_hand - bce_keras))
dlex.record("losses.cce_keras_diff", abs(cce_hand - cce_keras))

# %% [markdown]
# **Squared error is a likelihood too.** Suppose a regression network's output ŷ is the
# mean of a Gaussian with a fixed standard deviation s: y ~ N(ŷ, s²). The negative log
# of that density is
#
# −log p(y | ŷ) = (y − ŷ)² / (2s²) + ½ log(2πs²).
#
# Averaged over the examples, the negative log-likelihood is MSE / (2s²) plus a constant
# that does not depend on the weights. The factor 1/(2s²) is positive, so both are
# smallest for the same weights: minimising the squared error *is* maximum-likelihood
# estimation under Gaussian noise. The cell evaluates the Gaussian density with SciPy
# for three different sets of predictions and subtracts MSE / (2s²) from each.

# %%
s = 0.5
y_true = rng.normal(size=50)
predictions = {"zeros": np.zeros(50), "noisy": y_true + rng.normal(0, 0.3, 50),
               "mean": np.full(50, y_true.mean())}
offsets = []
for name, y_pred in predictions.items():
    nll = -np.mean(norm.logpdf(y_true, loc=y_pred, scale=s))
    mse = np.mean((y_true - y_pred) ** 2)
    offsets.append(nll - mse / (2 * s ** 2))
    print(f"{name:6s}: NLL {nll:8.4f}   MSE/(2s²) {mse / (2 * s ** 2):8.4f}   difference {offsets[-1]:.6f}")
print(f"½ log(2πs²) = {0.5 * np.log(2 * np.pi * s ** 2):.6f}")
dlex.record("losses.gaussian_offset_spread", float(np.ptp(offsets)))
constant = 0.5 * np.log(2 * np.pi * s ** 2)
dlex.record("losses.gaussian_offset_error", float(np.max(np.abs(np.array(offsets) - constant))))

# %% [markdown]
# ## 11. Backpropagation
#
# **The chain rule.** If **u** = g(**x**) and **v** = f(**u**), the derivative of the
# composition is the product of the derivatives: D(f∘g)(**x**) = Df(**u**) · Dg(**x**),
# where the **Jacobian** Df holds ∂vᵢ/∂uⱼ in row i, column j (written D here, since J
# is the loss). A network is a long
# composition, and its loss is one number, so we multiply from the loss backwards: each
# step turns "the gradient with respect to a layer's output" into "the gradient with
# respect to its input and weights". That is **backpropagation**.
#
# **The network.** Two inputs, two hidden ReLU units, one linear output, with biases;
# for a batch X (N × 2) and targets **y** (N × 1):
#
# * Z = X W₁ + **b**₁ (N × 2), H = relu(Z), ŷ = H W₂ + b₂ (N × 1),
# * J = (1/N) Σₙ (ŷₙ − yₙ)², the mean squared error.
#
# **The gradients, from the loss backwards** (⊙ multiplies entry by entry; 1[Z > 0] is
# 1 where Z > 0 and 0 elsewhere — the ReLU derivative):
#
# 1. E = ∂J/∂ŷ = (2/N)(ŷ − **y**)  (N × 1)
# 2. ∂J/∂W₂ = Hᵀ E  (2 × 1);  ∂J/∂b₂ = Σₙ Eₙ
# 3. ∂J/∂H = E W₂ᵀ  (N × 2)
# 4. ∂J/∂Z = ∂J/∂H ⊙ 1[Z > 0]
# 5. ∂J/∂W₁ = Xᵀ ∂J/∂Z  (2 × 2);  ∂J/∂**b**₁ = Σₙ (∂J/∂Z)ₙ
#
# Each gradient has the shape of the thing it is the gradient of. The function below is
# exactly these five lines; it works for any number of hidden units.

# %% part="hand-gradients"
def forward_two_layer(params, x):
    w1, b1, w2, b2 = params
    return activations.relu(x @ w1 + b1) @ w2 + b2


def hand_gradients(params, x, y):
    """Mean squared error of the ReLU network and its gradients, by the five steps above."""
    w1, b1, w2, b2 = params
    z = x @ w1 + b1
    h = np.maximum(z, 0.0)
    y_hat = h @ w2 + b2
    loss = np.mean((y_hat - y) ** 2)
    e = 2.0 * (y_hat - y) / len(x)                        # step 1
    grad_w2, grad_b2 = h.T @ e, e.sum(axis=0)              # step 2
    grad_h = e @ w2.T                                      # step 3
    grad_z = grad_h * (z > 0)                              # step 4
    grad_w1, grad_b1 = x.T @ grad_z, grad_z.sum(axis=0)    # step 5
    return loss, [grad_w1, grad_b1, grad_w2, grad_b2]


rng = np.random.default_rng(SEED)
params = [rng.normal(size=(2, 2)), rng.normal(size=2), rng.normal(size=(2, 1)), rng.normal(size=1)]
x_check, y_check = rng.normal(size=(8, 2)), rng.normal(size=(8, 1))
loss, grads = hand_gradients(params, x_check, y_check)
for name, g in zip(("∂J/∂W₁", "∂J/∂b₁", "∂J/∂W₂", "∂J/∂b₂"), grads):
    print(name, np.round(g.ravel(), 5))

# %% [markdown]
# **Check 1: finite differences.** Nudge one weight by ±ε and watch the loss:
# ∂J/∂θ ≈ (J(θ + ε) − J(θ − ε)) / 2ε. `dlex.scratch.network.gradient_check` does this for
# every weight and reports the relative error ‖g − g_numeric‖ / (‖g‖ + ‖g_numeric‖).
# In float64 a correct gradient gives about 10⁻⁶ or less; a wrong one, 10⁻³ or more.
#
# **Check 2: `dlex.scratch`.** The same network as a `network.MLP`, with its general
# backpropagation, must give the same gradients.

# %%
max_rel_error = network.gradient_check(lambda p: hand_gradients(p, x_check, y_check), params)
print(f"gradient check, largest relative error: {max_rel_error:.1e}")
dlex.record("gradcheck.max_rel_error", max_rel_error)

mlp = network.MLP([2, 2, 1], np.random.default_rng(0), activation="relu", output_activation="linear")
mlp_loss, mlp_grads = mlp.loss_and_grads(x_check, y_check, params=params)
scratch_diff = max(float(np.max(np.abs(a - b))) for a, b in zip(grads, mlp_grads))
print(f"dlex.scratch MLP: loss {mlp_loss:.6f} (by hand {loss:.6f}), largest gradient difference {scratch_diff:.1e}")
dlex.record("backprop.scratch_max_abs_diff", scratch_diff)

# %% [markdown]
# **Check 3: automatic differentiation.** Keras's backends compute gradients
# automatically: they record the operations of the forward pass and apply the chain
# rule to them. Keras 3 has no backend-neutral "gradient of this function" call, so the
# helper below asks whichever backend is running — `jax.grad` on JAX,
# `tf.GradientTape` on TensorFlow, `loss.backward()` on PyTorch — to differentiate the
# same loss written with `keras.ops`. Backends compute in float32 here, so agreement to
# about 10⁻⁶ relative is what to expect.

# %%
def backend_gradients(loss_fn, arrays):
    """Gradients of ``loss_fn(tensors)`` with respect to each tensor, by the backend's autodiff."""
    backend = keras.backend.backend()
    arrays = [np.asarray(a, dtype="float32") for a in arrays]
    if backend == "jax":
        import jax
        return [np.asarray(g) for g in jax.grad(loss_fn)(arrays)]
    if backend == "tensorflow":
        import tensorflow as tf
        variables = [tf.Variable(a) for a in arrays]
        with tf.GradientTape() as tape:
            value = loss_fn(variables)
        return [np.asarray(g) for g in tape.gradient(value, variables)]
    if backend == "torch":
        import torch
        tensors = [torch.tensor(a, requires_grad=True) for a in arrays]
        loss_fn(tensors).backward()
        return [t.grad.cpu().numpy() for t in tensors]
    return None                                           # e.g. the numpy backend: no autodiff


def keras_mse(tensors):
    w1, b1, w2, b2 = tensors
    x = keras.ops.convert_to_tensor(x_check, dtype="float32")
    y = keras.ops.convert_to_tensor(y_check, dtype="float32")
    y_hat = keras.ops.matmul(keras.ops.relu(keras.ops.matmul(x, w1) + b1), w2) + b2
    return keras.ops.mean(keras.ops.square(y_hat - y))


auto = backend_gradients(keras_mse, params)
if auto is None:
    print(f"the {keras.backend.backend()} backend has no automatic differentiation; check 3 skipped")
else:
    auto_error = max(float(np.linalg.norm(a - g) / np.linalg.norm(g)) for a, g in zip(auto, grads))
    print(f"{keras.backend.backend()} autodiff vs by hand, largest relative difference: {auto_error:.1e}")
    dlex.record("autodiff.max_rel_error", auto_error)

# %% [markdown]
# **Gradient descent steps against the gradient.** For a small step Δθ, the loss changes
# by about ∇J · Δθ. The step Δθ = −α∇J gives a change of about −α‖∇J‖² < 0: the loss
# falls. Stepping *along* the gradient makes it rise. The update rule is therefore
# W ← W − α∇J. The cell takes one step each way with α = 0.001, small enough for the
# first-order estimate of the change to be close.

# %%
alpha = 0.001
down = [p - alpha * g for p, g in zip(params, grads)]
up = [p + alpha * g for p, g in zip(params, grads)]
loss_down, loss_up = hand_gradients(down, x_check, y_check)[0], hand_gradients(up, x_check, y_check)[0]
predicted = alpha * sum(float(np.sum(g ** 2)) for g in grads)
print(f"loss before the step:              {loss:.5f}")
print(f"after W ← W − α∇J (against):       {loss_down:.5f}")
print(f"after W ← W + α∇J (along):         {loss_up:.5f}")
print(f"first-order predicted decrease α‖∇J‖² = {predicted:.5f}; actual {loss - loss_down:.5f}")
dlex.record("descent.loss_before", loss)
dlex.record("descent.loss_after_step", loss_down)
dlex.record("descent.loss_after_wrong_step", loss_up)

# %% [markdown]
# ## 12. Exercise 2 — XOR with two ReLU hidden units
#
# Section 3 proved that no single line separates XOR. One hidden layer of two ReLU
# units is enough.
#
# **Part a.** Find weights for a network with two inputs, two ReLU hidden units and one
# linear output (the architecture of section 11) whose outputs are *exactly* 0, 1, 1, 0
# on the inputs (0,0), (0,1), (1,0), (1,1). Set `xor_weights` to the list
# `[W1, b1, W2, b2]` in Keras's layout: W1 of shape (2, 2), b1 (2,), W2 (2, 1), b2 (1,).
# Work them out by hand. (A hint if you are stuck: let both hidden units compute
# x₁ + x₂, with different biases.)

# %% part="ex2a"
### BEGIN SOLUTION
xor_weights = [np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, -1.0]),
               np.array([[1.0], [-2.0]]), np.array([0.0])]
### END SOLUTION

# %% part="ex2a-report"
xor_numpy = forward_two_layer(xor_weights, xor_x)
xor_model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(2, activation="relu"),
                              keras.layers.Dense(1)])
xor_model.set_weights(xor_weights)
xor_keras = keras.ops.convert_to_numpy(xor_model(xor_x.astype("float32")))
print("input    XOR  NumPy   Keras")
for x, t, mine, theirs in zip(xor_x, xor_y, xor_numpy, xor_keras):
    print(f"{x.astype(int)}  {int(t[0]):4d}  {mine[0]:6.3f}  {theirs[0]:6.3f}")
exact_error = float(max(np.max(np.abs(xor_numpy - xor_y)), np.max(np.abs(xor_keras - xor_y))))
dlex.record("xor.exact_max_abs_error", exact_error)
dlex.record("xor.exact_outputs_ok", exact_error < 1e-6)

# %%
plots.plot_network([xor_weights[0], xor_weights[2]], biases=[xor_weights[1], xor_weights[3]],
                   layer_labels=[["x₁", "x₂"], ["h₁", "h₂"], ["ŷ"]], title="Your XOR network");
plots.plot_decision_boundaries([("two ReLU units, output > 0.5 is class 1",
                                 lambda x: forward_two_layer(xor_weights, x).ravel(), xor_x, xor_y)],
                               value_range=(-1, 2), title="XOR solved by one hidden layer");

# %% [markdown]
# **Part b.** Can gradient descent find such weights by itself? Write a function
# `train_xor(seed, units=2)` that
#
# 1. starts from `initial_xor_params(seed, units)` (defined in the next cell: Keras's
#    default start, Glorot-uniform kernels and zero biases, drawn with that seed);
# 2. takes `XOR_STEPS` steps of full-batch gradient descent with learning rate
#    `XOR_LEARNING_RATE` on the mean squared error over the four XOR cases
#    (`xor_x`, `xor_y`) — use `hand_gradients` from section 11 — updating every
#    parameter by W ← W − α∇J;
# 3. returns the trained `[W1, b1, W2, b2]`.

# %% part="initial-xor-params"
def initial_xor_params(seed, units=2):
    """Glorot-uniform kernels and zero biases for a 2-units-1 network, as Keras starts one."""
    return network.MLP([2, units, 1], np.random.default_rng(seed), activation="relu",
                       output_activation="linear").params


# %% part="ex2b"
### BEGIN SOLUTION
def train_xor(seed, units=2):
    params = initial_xor_params(seed, units)
    for _ in range(XOR_STEPS):
        _, grads = hand_gradients(params, xor_x, xor_y)
        params = [p - XOR_LEARNING_RATE * g for p, g in zip(params, grads)]
    return params
### END SOLUTION

# %% [markdown]
# The cell trains from `XOR_SEEDS` different random starts and counts a run as a
# success when all four outputs are within 0.1 of the truth table. It also counts
# **dead** hidden units in the failed runs: units whose input is ≤ 0 on all four cases,
# so they output 0 and, by step 4 of backpropagation, receive no gradient ever again.
# Then it repeats the experiment with `XOR_WIDE_UNITS` hidden units.

# %% part="xor-outcomes"
def xor_outcomes(units):
    largest_errors, dead = [], []
    for seed in range(XOR_SEEDS):
        trained = train_xor(seed, units)
        largest_errors.append(float(np.max(np.abs(forward_two_layer(trained, xor_x) - xor_y))))
        dead.append(int(np.sum(np.all(xor_x @ trained[0] + trained[1] <= 0, axis=0))))
    return np.array(largest_errors), np.array(dead)


start = time.perf_counter()
error_2, dead_2 = xor_outcomes(2)
error_wide, _ = xor_outcomes(XOR_WIDE_UNITS)
success_2, success_wide = error_2 < 0.1, error_wide < 0.1
failed = ~success_2
print(f"2 hidden units: {success_2.mean():.0%} of {XOR_SEEDS} random starts learned XOR")
print(f"  of the {failed.sum()} failed runs, {np.sum(dead_2[failed] > 0)} ended with at least one dead unit")
print(f"{XOR_WIDE_UNITS} hidden units: {success_wide.mean():.0%} of {XOR_SEEDS} random starts learned XOR "
      f"({time.perf_counter() - start:.1f} s for all {2 * XOR_SEEDS} runs)")
dlex.record("xor.seeds", XOR_SEEDS)
dlex.record("xor.trained_success_rate", success_2.mean())
dlex.record("xor.failed_with_dead_unit", int(np.sum(dead_2[failed] > 0)))
dlex.record("xor.wide_success_rate", success_wide.mean())

# %%
plots.plot_log_histograms({"2 hidden units": error_2, f"{XOR_WIDE_UNITS} hidden units": error_wide},
                          threshold=0.1, threshold_label="← success", xlabel="largest error on the four cases",
                          title=f"XOR from {XOR_SEEDS} random starts, after training");

# %%
dlex.check("lab03.ex2")

# %% [markdown]
# The two-unit network *can* represent XOR exactly — part a proved it — but gradient
# descent from a random start often fails to find those weights: a unit dies, or the
# units settle where the loss stops improving at a value well above 0 (the histogram's
# right-hand cluster: some case is still wrong by a large margin). Compare the two
# printed success rates: where the wider network succeeds from more starts, spare units
# are the reason, since they make it likely that some start in a useful place. This is
# one reason practical networks are larger than the smallest network that could
# represent the task.

# %% [markdown]
# ## 13. Metrics for regression and classification
#
# The loss is what the optimizer minimises; **metrics** are what we report. For a
# regression with targets yₙ and predictions ŷₙ:
#
# * **RMSE** = √((1/N) Σₙ (yₙ − ŷₙ)²), in the units of y; large errors weigh more;
# * **MAE** = (1/N) Σₙ |yₙ − ŷₙ|, also in the units of y; every error counts by its size.
#
# RMSE ≥ MAE always, with equality only when every error has the same size. The cell
# evaluates the widest network of section 5 on a finer grid of points and compares the
# formulas, `dlex.scratch.metrics` and scikit-learn.

# %%
x_grid = np.linspace(-1, 1, 301)[:, None]
y_grid = np.sin(2 * np.pi * x_grid) + 0.5 * x_grid
y_grid_hat = width_models[WIDTHS[-1]].predict(x_grid)
rmse_hand = np.sqrt(np.mean((y_grid - y_grid_hat) ** 2))
mae_hand = np.mean(np.abs(y_grid - y_grid_hat))
rmse_sklearn = sklearn.metrics.root_mean_squared_error(y_grid, y_grid_hat)
mae_sklearn = sklearn.metrics.mean_absolute_error(y_grid, y_grid_hat)
print(f"RMSE: by hand {rmse_hand:.6f}, scratch {metrics.rmse(y_grid, y_grid_hat):.6f}, "
      f"scikit-learn {rmse_sklearn:.6f}")
print(f"MAE:  by hand {mae_hand:.6f}, scratch {metrics.mae(y_grid, y_grid_hat):.6f}, "
      f"scikit-learn {mae_sklearn:.6f}")
regression_diff = max(abs(rmse_hand - rmse_sklearn), abs(mae_hand - mae_sklearn),
                      abs(metrics.rmse(y_grid, y_grid_hat) - rmse_sklearn),
                      abs(metrics.mae(y_grid, y_grid_hat) - mae_sklearn))
dlex.record("metrics.rmse", rmse_hand)
dlex.record("metrics.mae", mae_hand)

# %% [markdown]
# For a yes/no classifier, every prediction falls into one of four counts: **true
# positives** TP (class 1, predicted 1), **false positives** FP (class 0, predicted 1),
# **false negatives** FN (class 1, predicted 0) and **true negatives** TN. The
# **confusion matrix** arranges them with true classes as rows and predictions as
# columns: [[TN, FP], [FN, TP]]. From the counts:
#
# * **accuracy** = (TP + TN) / N — the fraction right;
# * **precision** = TP / (TP + FP) — of the examples flagged 1, the fraction truly 1;
# * **recall** = TP / (TP + FN) — of the examples truly 1, the fraction flagged;
# * **F1** = 2 · precision · recall / (precision + recall) = 2TP / (2TP + FP + FN) — one
#   number that is high only when both are.
#
# The cell scores the hidden-layer network of section 4 on its noisy-XOR test points.

# %%
p_test = blob_network.predict(x_blob_test).ravel()
y_true_blob = y_blob_test.ravel().astype(int)
y_pred_blob = (p_test > 0.5).astype(int)
tp = int(np.sum((y_true_blob == 1) & (y_pred_blob == 1)))
fp = int(np.sum((y_true_blob == 0) & (y_pred_blob == 1)))
fn = int(np.sum((y_true_blob == 1) & (y_pred_blob == 0)))
tn = int(np.sum((y_true_blob == 0) & (y_pred_blob == 0)))
by_hand = {"accuracy": (tp + tn) / len(y_true_blob), "precision": tp / (tp + fp),
           "recall": tp / (tp + fn), "F1": 2 * tp / (2 * tp + fp + fn)}
scratch = {"accuracy": metrics.accuracy(y_true_blob, y_pred_blob),
           "precision": metrics.precision(y_true_blob, y_pred_blob),
           "recall": metrics.recall(y_true_blob, y_pred_blob), "F1": metrics.f1(y_true_blob, y_pred_blob)}
reference = {"accuracy": sklearn.metrics.accuracy_score(y_true_blob, y_pred_blob),
             "precision": sklearn.metrics.precision_score(y_true_blob, y_pred_blob),
             "recall": sklearn.metrics.recall_score(y_true_blob, y_pred_blob),
             "F1": sklearn.metrics.f1_score(y_true_blob, y_pred_blob)}
print(f"TP {tp}, FP {fp}, FN {fn}, TN {tn}")
print(f"{'metric':10}{'by hand':>10}{'scratch':>10}{'sklearn':>10}")
for name in by_hand:
    print(f"{name:10}{by_hand[name]:10.4f}{scratch[name]:10.4f}{reference[name]:10.4f}")
confusion = metrics.confusion_matrix(y_true_blob, y_pred_blob, num_classes=2)
confusion_ok = bool(np.array_equal(confusion, [[tn, fp], [fn, tp]])
                    and np.array_equal(confusion, sklearn.metrics.confusion_matrix(y_true_blob, y_pred_blob)))
classification_diff = max(max(abs(by_hand[k] - reference[k]), abs(scratch[k] - reference[k]))
                          for k in by_hand)
dlex.record("metrics.max_diff_vs_sklearn", max(regression_diff, classification_diff))
dlex.record("metrics.confusion_matches_sklearn", confusion_ok)
for name, value in by_hand.items():
    dlex.record(f"metrics.{name.lower()}", value)
plots.plot_confusion_matrix(confusion, class_names=["0", "1"], title="Noisy XOR test points");

# %% [markdown]
# Precision and recall pull against each other through the threshold on p. Raising it
# flags fewer examples as class 1: those flagged are more often right (precision tends
# to rise) but more true 1s are missed (recall falls). The table shows it on the same
# test points.

# %%
print(f"{'threshold':>9}{'precision':>11}{'recall':>9}")
for threshold in (0.1, 0.5, 0.9):
    flagged = (p_test > threshold).astype(int)
    precision, recall = metrics.precision(y_true_blob, flagged), metrics.recall(y_true_blob, flagged)
    print(f"{threshold:9.1f}{precision:11.4f}{recall:9.4f}")

# %% [markdown]
# ## Evaluation questions
#
# Answer this lab's questions with `dlex.answer("lab03.q1", your_answer)` in the notebook
# or `dlex quiz lab03` in the terminal. The questions about results are checked against
# the numbers of your own run.

# %%
dlex.quiz("lab03")
