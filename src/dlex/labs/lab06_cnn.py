# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   dlex:
#     lab: 6
#     title: Convolutional networks, by hand and in Keras
#     description: Slide kernels over a series and an image by hand, check them against Keras, then train a small convolutional network that reads digits better than the course's dense networks.
#     minutes_full: 4.0
#     minutes_quick: 0.4
#     backend: tensorflow
#     quick: {TRAIN_LIMIT: 3000, VALIDATION_SIZE: 600, EPOCHS: 2, EPOCHS_SAME: 1, EPOCHS_PRACTITIONER: 2, EPOCHS_DENSE_A: 1, EPOCHS_DENSE_LAB5: 1}
#     headline: [cnn.test_accuracy, cnn_practitioner.test_accuracy, summary.best_model, cnn.seconds_per_epoch]
# ---

# %% [markdown]
# # Lab 6 — Convolutional networks, by hand and in Keras
#
# A dense layer connects every input to every unit. For a picture that is wasteful: a
# pen stroke means the same thing wherever it is, and what a pixel shows depends mostly
# on its neighbours. A **convolutional layer** builds both facts in. It slides one small
# set of weights, the **kernel**, over the input and computes the same weighted sum at
# every position.
#
# You will:
#
# 1. slide kernels over a 1-D series by hand, and see that deep learning's
#    "convolution" is cross-correlation;
# 2. detect a feature with two channels, a ReLU and max pooling, and shift it;
# 3. convolve an image by hand (padding, stride, several channels) and check the result
#    equals Keras's `Conv2D`;
# 4. count the weights a convolution saves over a dense layer;
# 5. build a convolutional network (**Exercise 1**) and train it with early stopping
#    and checkpoints (**Exercise 2**), then see what a practitioner changes;
# 6. look at what its first layers compute for one digit, and at its filters;
# 7. train the same network with `padding="same"`, pick the best network on the
#    validation images, and compare it with the dense networks of Labs 2 and 5.
#
# Every number quoted in the text below is printed by the code next to it, on your
# machine. Run the cells in order.

# %% [markdown]
# ## Setup
#
# `import dlex` must come before `import keras`: it picks the Keras *backend*, the
# library that does the arithmetic. The cell prints which one this run uses ("How this
# lab runs fast", at the end, says why it is TensorFlow under `dlex run`). The lessons do
# not depend on the backend; the last digits of the results do.

# %% part="setup"
import time

import keras
import numpy as np

import dlex
from dlex import plots
from dlex.scratch import conv, pool

print(f"Keras {keras.__version__} on the {keras.backend.backend()} backend")

# %% [markdown]
# The next cell holds every setting of this lab. `dlex run lab06 --quick` replaces some
# of them to make a fast smoke run. A **seed** fixes the random numbers (initial
# weights, shuffling, dropout), so the same seed on the same machine gives the same
# results every time.

# %% tags=["parameters"] part="parameters"
SEED_CNN = 2356
SEED_SAME = 88776
SEED_DENSE_A = 9898
SEED_DENSE_LAB5 = 5577
SEED_SERIES = 12233
EPOCHS = 40
EPOCHS_SAME = 2
PATIENCE = 1
EPOCHS_PRACTITIONER = 40
PATIENCE_PRACTITIONER = 3
LR_FACTOR = 0.2
MIN_DELTA = 0.001
BATCH_SIZE = 128
VALIDATION_SIZE = 10000
TRAIN_LIMIT = 0
EPOCHS_DENSE_A = 5
EPOCHS_DENSE_LAB5 = 3

# %% [markdown]
# ## 1. Convolution in one dimension
#
# Take a series x₁, …, xₙ and a kernel w₁, …, w_k of k weights. Place the kernel over
# k neighbouring values, multiply each value by its weight and add: that is one output.
# Slide the kernel one step and repeat. With the positions counted from 0,
#
# y[t] = Σⱼ x[t + j] · w[j],  j = 0, …, k − 1.
#
# Without padding the kernel must fit inside the series, so t runs from 0 to n − k:
# a series of n values gives **n − k + 1** outputs. This is called a **valid**
# convolution.
#
# Our series has n = 80 values: 40 draws from a normal distribution with mean 0 and
# standard deviation 1, then 40 with mean 2 — a noisy step.

# %%
series = dlex.data.step_series(seed=SEED_SERIES)
moving_average = np.array([0.25, 0.5, 0.25])
difference = np.array([-1.0, 1.0, 0.0])
smoothed = conv.conv1d(series, moving_average)
differenced = conv.conv1d(series, difference)
print(f"series: n = {len(series)} values; kernels of k = {len(moving_average)} weights")
print(f"outputs: {len(smoothed)} = n - k + 1 = {len(series) - len(moving_average) + 1}")
by_hand = sum(series[5 + j] * moving_average[j] for j in range(3))
print(f"y[5] by hand: 0.25·x[5] + 0.5·x[6] + 0.25·x[7] = {by_hand:.4f}; conv1d gives {smoothed[5]:.4f}")
dlex.record("conv1d.n", len(series))
dlex.record("conv1d.valid_length", len(smoothed))

# %% [markdown]
# The **moving-average** kernel [0.25, 0.5, 0.25] replaces each value by a weighted
# mean of itself and its two neighbours: the noise shrinks, the step stays. The
# **difference** kernel [−1, 1, 0] computes x[t + 1] − x[t]: near zero where the series
# is flat on average, and large where it jumps. In the plot each output is drawn at
# the centre of its window, x-position t + 1.

# %%
centre = np.arange(len(smoothed)) + 1
plots.plot_series_panels({"series x": series, "moving average": (centre, smoothed),
                          "difference": (centre, differenced)},
                         title="Two kernels slid along the step series");
print(f"largest difference at t = {int(np.argmax(differenced))} "
      f"(x[{int(np.argmax(differenced)) + 1}] − x[{int(np.argmax(differenced))}] = {differenced.max():.2f}); "
      "the step is between t = 39 and t = 40")

# %% [markdown]
# On noisy data the difference kernel also fires on noise. Its largest value may sit
# at the step or at a noisy spike: the printed position tells which, for this draw.
#
# **Keras does the same.** A `Conv1D` layer with one filter, our kernel as its
# weights and no bias computes exactly this. Its kernel has shape
# (k, input channels, filters) = (3, 1, 1), and it takes a batch of series shaped
# (batch, n, channels).

# %%
layer_1d = keras.layers.Conv1D(1, 3, use_bias=False)
layer_1d.build((None, len(series), 1))
layer_1d.set_weights([difference.reshape(3, 1, 1)])
keras_differenced = keras.ops.convert_to_numpy(layer_1d(series.reshape(1, -1, 1).astype("float32")))[0, :, 0]
gap = float(np.max(np.abs(keras_differenced - differenced)))
print(f"largest difference between Keras Conv1D and conv1d: {gap:.2e}")
dlex.record("conv1d.max_abs_diff_vs_keras", gap)

# %% [markdown]
# ### Cross-correlation is not the textbook convolution
#
# In mathematics, the convolution of x with w *flips* the kernel:
# (x ∗ w)[t] = Σⱼ x[t + j] · w[k − 1 − j]. What deep learning calls convolution, and
# what `Conv1D` computes, is **cross-correlation**: no flip. For a symmetric kernel such
# as the moving average the two agree. For the difference kernel they do not: flipped,
# [−1, 1, 0] becomes [0, 1, −1], which computes x[t + 1] − x[t + 2], so the jump
# shows with the opposite sign and one step earlier. NumPy's `np.convolve` is the
# textbook kind.

# %%
flipped = conv.true_convolve1d(series, difference)
numpy_flipped = np.convolve(series, difference, mode="valid")
print(f"moving average, cross-correlation vs convolution: largest difference "
      f"{np.max(np.abs(conv.conv1d(series, moving_average) - conv.true_convolve1d(series, moving_average))):.1e}")
print(f"difference kernel: cross-correlation peaks at t = {int(np.argmax(differenced))} with "
      f"{differenced.max():+.2f}; convolution has its lowest value at t = {int(np.argmin(flipped))}, "
      f"{flipped.min():+.2f}")
print(f"np.convolve agrees with the flipped version: largest difference "
      f"{np.max(np.abs(numpy_flipped - flipped)):.1e}")
plots.plot_series_panels({"cross-correlation\n(deep learning)": (centre, differenced),
                          "convolution\n(kernel flipped)": (centre, flipped)},
                         title="The difference kernel [−1, 1, 0] with and without the flip");
dlex.record("conv1d.flip_matches_numpy", bool(np.allclose(numpy_flipped, flipped)))
dlex.record("conv1d.symmetric_kernel_flip_diff",
            float(np.max(np.abs(smoothed - conv.true_convolve1d(series, moving_average)))))

# %% [markdown]
# For a network the flip does not matter: it learns its kernels, and a flipped kernel
# is just another kernel. It matters when you compare with a textbook formula or with
# `np.convolve`.
#
# ### Padding, stride and the output size
#
# Two settings change how many outputs there are:
#
# * **padding** p adds p zeros at each end of the series, so windows can also sit over
#   the edges;
# * **stride** s moves the kernel s positions at a time instead of 1.
#
# The input then has n + 2p cells, and the window's start can be 0, s, 2s, … as long
# as the window fits: the number of outputs is **⌊(n + 2p − k)/s⌋ + 1**, where ⌊·⌋
# rounds down. The diagram shows three cases on a series of n = 7; each output is
# joined to the window it reads, and the second window is drawn in red.

# %%
plots.plot_conv_windows([(3, 1, 0), (3, 2, 0), (3, 1, 1)], n=7,
                        title="A kernel of 3 sliding over 7 values");


# %% [markdown]
# The cell checks the formula against the length `conv1d` actually returns, for
# several series lengths, kernel sizes, strides and paddings. Keras's
# `padding="same"` chooses the padding for you so that there are ⌈n/s⌉ outputs
# (⌈·⌉ rounds up; n outputs with stride 1); the cell checks that on `Conv1D` too.

# %%
def output_length(n, k, s, p):
    """⌊(n + 2p − k)/s⌋ + 1: outputs of a convolution with padding p and stride s."""
    return (n + 2 * p - k) // s + 1


rng = np.random.default_rng(0)
checked, mismatches = 0, []
for n in (5, 7, 28, 80):
    for k in (1, 2, 3, 5):
        for s in (1, 2, 3):
            for p in (0, 1, 2):
                if n + 2 * p < k:
                    continue
                actual = len(conv.conv1d(np.pad(rng.normal(size=n), p), np.ones(k), stride=s))
                checked += 1
                if actual != output_length(n, k, s, p):
                    mismatches.append((n, k, s, p, actual))
            same_out = keras.layers.Conv1D(1, k, strides=s, padding="same")(np.zeros((1, n, 1), "float32"))
            checked += 1
            if same_out.shape[1] != -(-n // s):
                mismatches.append((n, k, s, "same", same_out.shape[1]))
print(f"{checked} combinations of n, k, s and padding checked; mismatches: {mismatches or 'none'}")
dlex.record("shapes.combinations_checked", checked)
dlex.record("shapes.mismatches", len(mismatches))

# %% [markdown]
# ## 2. Detecting a feature, and pooling
#
# A kernel responds most where the input looks like it. Take a series that is zero
# except for one raised block, a **square-wave** (Haar-like) feature. We look for it
# with two **channels**, two kernels applied to the same input:
#
# * channel 1, the difference [−1, 1], is positive where the series steps *up*;
# * channel 2, its negative [1, −1], is positive where it steps *down*.
#
# A ReLU, max(0, z), keeps only the positive responses: each channel becomes a
# **detector** that is non-zero only where its edge is. Then **max pooling** of span 2
# and stride 2 keeps the larger of each pair of neighbours: half as many numbers, the
# detections kept.

# %%
def square_wave(start, length=32, width=8):
    """Zeros with a block of ones from ``start`` to ``start + width − 1``."""
    signal = np.zeros(length)
    signal[start:start + width] = 1.0
    return signal


edge_kernels = np.stack([[-1.0, 1.0], [1.0, -1.0]], axis=-1).reshape(2, 1, 2)   # (k, C_in, C_out)


def detect(signal):
    """Two-channel convolution, ReLU, then max pooling of span 2, stride 2."""
    responses = conv.conv1d(signal.reshape(1, -1, 1), edge_kernels)          # (1, n − 1, 2)
    detections = np.maximum(responses, 0.0)
    pooled = pool.max_pool1d(detections, size=2, stride=2)
    return responses[0], detections[0], pooled[0]


feature = square_wave(start=9)
responses, detections, pooled = detect(feature)
print("input shape", feature.shape, "→ responses", responses.shape, "→ pooled", pooled.shape)
print("channel 1 (step up) fires at t =", np.flatnonzero(detections[:, 0]),
      "; channel 2 (step down) at t =", np.flatnonzero(detections[:, 1]))
plots.plot_series_panels({"input": feature, "after ReLU": (np.arange(31) + 0.5, detections),
                          "max pooled": (np.arange(15) * 2 + 1, pooled)},
                         title="Two edge detectors on a square wave");

# %% [markdown]
# **Shift the feature and the detections shift with it.** Because every position uses
# the same kernel, moving the input by 3 positions moves the responses by exactly 3
# (away from the ends of the series). This property is called **equivariance** to
# translation. After pooling, a shift by 1 leaves the pooled values at the same
# positions half of the time: pooling makes the output a little **invariant** to small
# shifts.

# %%
shift = 3
_, detections_shifted, pooled_shifted = detect(square_wave(start=9 + shift))
equivariant = bool(np.array_equal(detections_shifted[shift:], detections[:-shift]))
print(f"detections of the shifted feature = detections shifted by {shift}: {equivariant}")
same_after_pool = []
for start in range(4, 20):
    _, _, a = detect(square_wave(start))
    _, _, b = detect(square_wave(start + 1))
    same_after_pool.append(bool(np.array_equal(a, b)))
print(f"shifting by 1 leaves the pooled map unchanged for {sum(same_after_pool)} of "
      f"{len(same_after_pool)} starting positions")
plots.plot_series_panels({"after ReLU": (np.arange(31) + 0.5, detections),
                          f"shifted by {shift}": (np.arange(31) + 0.5, detections_shifted)},
                         title="The detections move with the feature");
dlex.record("detect.shift_equivariant", equivariant)
dlex.record("detect.pool_unchanged_by_one_shift", sum(same_after_pool))

# %% [markdown]
# Keras's `Conv1D` (two filters, our weights, no bias, ReLU) followed by
# `MaxPooling1D(2)` gives the same pooled map:

# %%
detector = keras.Sequential([keras.Input((32, 1)),
                             keras.layers.Conv1D(2, 2, activation="relu", use_bias=False),
                             keras.layers.MaxPooling1D(2)])
detector.layers[0].set_weights([edge_kernels])
keras_pooled = keras.ops.convert_to_numpy(detector(feature.reshape(1, 32, 1).astype("float32")))[0]
print(f"largest difference from the by-hand pooled map: {np.max(np.abs(keras_pooled - pooled)):.1e}")
dlex.record("detect.max_abs_diff_vs_keras", float(np.max(np.abs(keras_pooled - pooled))))

# %% [markdown]
# ## 3. Convolution in two dimensions
#
# An image is a grid of pixels with one or more channels (1 for grey, 3 for colour).
# A 2-D kernel of size k × k slides over both axes; at each position it multiplies the
# k × k patch by its weights, **summed over all input channels too**, and adds a bias:
#
# y[r, c, o] = b[o] + Σᵢ Σⱼ Σ_ch x[r + i, c + j, ch] · w[i, j, ch, o],
#
# one output map per **filter** o. The size formula holds on each axis:
# ⌊(n + 2p − k)/s⌋ + 1.
#
# **A worked example: tiling.** Take a 6 × 6 input, 3 × 3 windows, stride 3 and no
# padding. Each axis gives ⌊(6 + 0 − 3)/3⌋ + 1 = 2 outputs, so the output is 2 × 2, and
# the four windows tile the input exactly, without overlap:
#
# ```
#  input 6 × 6 (window of each cell)      output 2 × 2
#   A A A | B B B                          A | B
#   A A A | B B B                          --+--
#   A A A | B B B                          C | D
#   ------+------
#   C C C | D D D
#   C C C | D D D
#   C C C | D D D
# ```
#
# The cell computes it with a kernel of ones, so each output is the sum of its window.

# %%
tiles = np.arange(36.0).reshape(1, 6, 6, 1)
tiled, _ = conv.conv2d_forward(tiles, np.ones((3, 3, 1, 1)), stride=3)
print(f"output {tiled.shape[1]} × {tiled.shape[2]}; formula ⌊(6 + 0 − 3)/3⌋ + 1 = {(6 - 3) // 3 + 1}")
print("window sums:", tiled[0, :, :, 0].tolist(), "; top-left window by hand:", tiles[0, :3, :3, 0].sum())

# %% [markdown]
# We load the MNIST digits (28 × 28 pixels, values 0 to 255) and scale them to [0, 1],
# with a channel axis: shape (28, 28, 1).

# %% part="data"
((x_train, y_train), (x_test, y_test)), data_source = dlex.data.load_mnist_or_standin()
if TRAIN_LIMIT:
    x_train, y_train = x_train[:TRAIN_LIMIT], y_train[:TRAIN_LIMIT]
x_train_img = x_train[..., None].astype("float32") / 255.0
x_test_img = x_test[..., None].astype("float32") / 255.0
y_train_hot = keras.utils.to_categorical(y_train, 10)
y_test_hot = keras.utils.to_categorical(y_test, 10)
print("data set:", data_source)
print("training images:", x_train_img.shape, " test images:", x_test_img.shape)
dlex.record("data.source", data_source)
dlex.record("data.train_images", len(x_train_img))

# %% [markdown]
# Two hand-made 3 × 3 kernels find the edges of a digit: one responds to a change
# from left to right (vertical strokes), its transpose to a change from top to bottom
# (horizontal strokes). Blue is negative, red positive.

# %%
vertical = np.array([[-1.0, 0.0, 1.0]] * 3)
edge_filters = np.stack([vertical, vertical.T], axis=-1)[:, :, None, :]     # (3, 3, 1, 2)
digit = x_train_img[:1].astype("float64")                                  # (1, 28, 28, 1)
valid, _ = conv.conv2d_forward(digit, edge_filters)
same, _ = conv.conv2d_forward(digit, edge_filters, padding="same")
strided, _ = conv.conv2d_forward(digit, edge_filters, stride=2)
for name, out, p, s in (("valid", valid, 0, 1), ("same", same, 1, 1), ("valid, stride 2", strided, 0, 2)):
    print(f"{name:16} output {out.shape[1]} × {out.shape[2]} × {out.shape[3]}; "
          f"formula ⌊(28 + {2 * p} − 3)/{s}⌋ + 1 = {output_length(28, 3, s, p)}")
plots.plot_feature_maps([digit[0, :, :, 0], valid[0, :, :, 0], valid[0, :, :, 1], strided[0, :, :, 0]],
                        columns=4, size=2.0, cmap="RdBu_r", symmetric=True,
                        labels=[f"digit ({y_train[0]})", "vertical edges", "horizontal edges",
                                "vertical, stride 2"],
                        title="Hand-made edge kernels on one digit");

# %% [markdown]
# **Checking against Keras.** The next cell draws a random batch of 2 images of
# 9 × 8 pixels with 3 channels, and a kernel with 4 filters of 3 × 3 × 3 weights plus 4
# biases. It computes the convolution with `dlex.scratch.conv` and with a Keras
# `Conv2D` layer holding the same weights, for both paddings and strides 1 and 2.
# Keras works in 32-bit floats, so agreement means differences around 10⁻⁶.

# %%
rng = np.random.default_rng(6)
x_small = rng.normal(size=(2, 9, 8, 3)).astype("float32")
w_small = rng.normal(size=(3, 3, 3, 4)).astype("float32")
b_small = rng.normal(size=4).astype("float32")
largest_gap = 0.0
for padding in ("valid", "same"):
    for stride in (1, 2):
        by_hand, _ = conv.conv2d_forward(x_small.astype("float64"), w_small, b_small, stride=stride,
                                         padding=padding)
        layer = keras.layers.Conv2D(4, 3, strides=stride, padding=padding)
        layer.build(x_small.shape)
        layer.set_weights([w_small, b_small])
        in_keras = keras.ops.convert_to_numpy(layer(x_small))
        gap = float(np.max(np.abs(in_keras - by_hand)))
        largest_gap = max(largest_gap, gap)
        print(f"padding={padding!r:8} stride {stride}: output {in_keras.shape}, largest difference {gap:.1e}")
dlex.record("conv2d.max_abs_diff_vs_keras", largest_gap)

# %% [markdown]
# ## 4. Why convolutions need few weights
#
# Two properties make a convolutional layer small:
#
# * **sparse interactions**: each output reads only a k × k patch (times the channels),
#   not the whole image;
# * **parameter sharing**: the same kernel is used at every position.
#
# A `Conv2D` layer with k × k kernels, C_in input channels and C_out filters has
# k·k·C_in·C_out weights plus C_out biases, whatever the image size. A dense layer
# producing the same 26 × 26 × 32 outputs from the 28 × 28 × 1 digit needs one weight
# for every input–output pair.

# %%
inputs_count, outputs_count = 28 * 28 * 1, 26 * 26 * 32
dense_params = inputs_count * outputs_count + outputs_count
conv_params = 3 * 3 * 1 * 32 + 32
print(f"dense:  {inputs_count:,} inputs × {outputs_count:,} outputs + {outputs_count:,} biases = {dense_params:,}")
print(f"conv:   3·3·1·32 + 32 = {conv_params:,}")
print(f"the dense layer has {dense_params / conv_params:,.0f} times as many parameters")
print(f"each output reads {3 * 3 * 1} inputs in the convolution, {inputs_count} in the dense layer")
dlex.record("sharing.dense_params", dense_params)
dlex.record("sharing.conv_params", conv_params)

# %% [markdown]
# ## Exercises
#
# Write your code in the marked cells, then run the check cell under each exercise.
#
# ### Exercise 1 — a convolutional network
#
# Build `model_cnn`, a `keras.Sequential` model for 28 × 28 × 1 inputs:
#
# 1. `Conv2D` with 32 filters of 3 × 3 and ReLU;
# 2. `MaxPooling2D` of 2 × 2;
# 3. `Conv2D` with 64 filters of 3 × 3 and ReLU;
# 4. `MaxPooling2D` of 2 × 2;
# 5. `Conv2D` with 64 filters of 3 × 3 and ReLU;
# 6. `Flatten`;
# 7. `Dense(64)` with ReLU and an L2 penalty of 0.01 on its kernel
#    (`kernel_regularizer=keras.regularizers.L2(0.01)`);
# 8. `Dropout(0.5)`, which sets a random half of its inputs to zero during training
#    (and doubles the others);
# 9. `Dense(10)` with softmax.
#
# Keep the default padding, `"valid"`. Do not compile it yet.

# %% part="ex1"
dlex.seed(SEED_CNN)
### BEGIN SOLUTION
model_cnn = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    keras.layers.Conv2D(32, (3, 3), activation="relu"),
    keras.layers.MaxPooling2D((2, 2)),
    keras.layers.Conv2D(64, (3, 3), activation="relu"),
    keras.layers.MaxPooling2D((2, 2)),
    keras.layers.Conv2D(64, (3, 3), activation="relu"),
    keras.layers.Flatten(),
    keras.layers.Dense(64, activation="relu", kernel_regularizer=keras.regularizers.L2(0.01)),
    keras.layers.Dropout(0.5),
    keras.layers.Dense(10, activation="softmax"),
], name="cnn")
### END SOLUTION
model_cnn.summary()

# %% [markdown]
# The check builds the network's output for random images with `dlex.scratch` (the
# by-hand convolution and pooling above) and compares it with your model's.

# %% part="ex1-check"
dlex.check("lab06.ex1")


# %% [markdown]
# **Where the shapes and counts come from.** Each 3 × 3 valid convolution trims one
# pixel from every border (28 → 26), and each pooling halves the size, rounding down
# (26 → 13, 11 → 5). The cell recomputes every layer's output size and parameter count
# from the formulas and compares them with Keras.

# %%
def conv_shapes(padding):
    """Output side and parameters of each layer of the exercise's network, by formula."""
    p = 0 if padding == "valid" else 1
    side, channels, rows = 28, 1, []
    for filters in (32, 64, 64):
        side = output_length(side, 3, 1, p)
        rows.append((f"Conv2D({filters})", (side, side, filters), 3 * 3 * channels * filters + filters))
        channels = filters
        if len(rows) < 5:
            side = side // 2
            rows.append(("MaxPooling2D", (side, side, channels), 0))
    flat = side * side * channels
    rows += [("Flatten", (flat,), 0), ("Dense(64)", (64,), flat * 64 + 64), ("Dropout", (64,), 0),
             ("Dense(10)", (10,), 64 * 10 + 10)]
    return rows


shapes_valid = conv_shapes("valid")
for (name, shape, params), layer in zip(shapes_valid, model_cnn.layers):
    keras_shape = tuple(layer.output.shape[1:])
    print(f"{name:14} {str(shape):16} {params:>7,}   Keras: {str(keras_shape):16} {layer.count_params():>7,}")
    assert shape == keras_shape and params == layer.count_params()
print(f"total {sum(p for _, _, p in shapes_valid):,}; Keras counts {model_cnn.count_params():,}")
dlex.record("cnn.params", model_cnn.count_params())

# %% [markdown]
# ### Exercise 2 — train it, stopping early and keeping the best weights
#
# We hold out the last `VALIDATION_SIZE` training images as a **validation set**
# (`x_val`, `y_val`) and train on the rest (`x_fit`, `y_fit`).
#
# 1. Compile `model_cnn` with the RMSprop optimizer, the categorical cross-entropy loss
#    and accuracy as a metric.
# 2. Make a list `callbacks_cnn` of two callbacks:
#    `keras.callbacks.EarlyStopping` that watches the validation loss (`"val_loss"`)
#    with `patience=PATIENCE`, which stops training after `PATIENCE` epoch(s) without
#    improvement; and `keras.callbacks.ModelCheckpoint` that saves the model to
#    `CHECKPOINT` whenever the validation loss improves (`save_best_only=True`).
# 3. Train with `fit` on `x_fit`, `y_fit` for at most `EPOCHS` epochs in batches of
#    `BATCH_SIZE`, with `validation_data=(x_val, y_val)` and your callbacks. Call what
#    `fit` returns `history_cnn`.

# %% part="validation-split"
validation_size = min(VALIDATION_SIZE, len(x_train_img) // 5)
x_fit, y_fit = x_train_img[:-validation_size], y_train_hot[:-validation_size]
x_val, y_val = x_train_img[-validation_size:], y_train_hot[-validation_size:]
print(f"training on {len(x_fit):,} images, validating on {len(x_val):,}")
CHECKPOINT = "cnn_best.keras"

# %% part="ex2"
start = time.perf_counter()
### BEGIN SOLUTION
model_cnn.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
callbacks_cnn = [
    keras.callbacks.EarlyStopping(monitor="val_loss", patience=PATIENCE),
    keras.callbacks.ModelCheckpoint(CHECKPOINT, monitor="val_loss", save_best_only=True),
]
history_cnn = model_cnn.fit(x_fit, y_fit, epochs=EPOCHS, batch_size=BATCH_SIZE,
                            validation_data=(x_val, y_val), callbacks=callbacks_cnn, verbose=2)
### END SOLUTION
seconds_cnn = time.perf_counter() - start

# %% part="ex2-check"
dlex.check("lab06.ex2")

# %% [markdown]
# Early stopping ended training at the first epoch whose validation loss was no lower
# than the best so far. The model in memory holds the weights of that last epoch; the
# checkpoint holds the weights of the best one. We test the checkpoint, on the 10,000
# test digits it has never seen.

# %%
best_cnn = keras.models.load_model(CHECKPOINT)
test_loss_cnn, test_accuracy_cnn = best_cnn.evaluate(x_test_img, y_test_hot, verbose=0)
epochs_cnn = len(history_cnn.history["loss"])
best_epoch_cnn = int(np.argmin(history_cnn.history["val_loss"])) + 1
print(f"trained {epochs_cnn} epoch(s); lowest validation loss at epoch {best_epoch_cnn}")
print(f"best checkpoint: test accuracy {test_accuracy_cnn:.4f}, test loss {test_loss_cnn:.4f}")
print(f"training took {seconds_cnn:.1f} s, {seconds_cnn / epochs_cnn:.2f} s per epoch")
dlex.record("cnn.seed", SEED_CNN)
dlex.record("cnn.epochs_run", epochs_cnn)
dlex.record("cnn.best_epoch", best_epoch_cnn)
dlex.record("cnn.test_accuracy", test_accuracy_cnn)
dlex.record("cnn.test_loss", test_loss_cnn)
dlex.record("cnn.best_val_accuracy", history_cnn.history["val_accuracy"][best_epoch_cnn - 1])
dlex.record("cnn.seconds_per_epoch", seconds_cnn / epochs_cnn)
plots.plot_history(history_cnn, title="The convolutional network");

# %%
val_above_train = sum(v > t for v, t in zip(history_cnn.history["val_accuracy"], history_cnn.history["accuracy"]))
print(f"validation accuracy above training accuracy in {val_above_train} of {epochs_cnn} epoch(s)")

# %% [markdown]
# Read the plot: the validation loss falls for some epochs, then fails to improve once,
# and with patience 1 training stops at that epoch. Where the validation accuracy is
# above the training accuracy (the cell counts the epochs), dropout is the reason: it is
# active while training and switched off for validation, so the training numbers come
# from a weakened network.

# %% [markdown]
# ## 5. What the network sees
#
# The first layers' outputs are images too, one per filter: **feature maps**. The
# cell computes them for the first training digit with a model that returns the
# outputs of the first four layers, then recomputes the first two by hand.

# %%
first_layers = keras.Model(best_cnn.inputs[0], [layer.output for layer in best_cnn.layers[:4]])
maps = [keras.ops.convert_to_numpy(m) for m in first_layers(x_train_img[:1])]
kernel_1, bias_1 = best_cnn.layers[0].get_weights()
conv_by_hand = np.maximum(conv.conv2d_forward(digit, kernel_1, bias_1)[0], 0.0)
pooled_by_hand, _ = pool.max_pool2d_forward(conv_by_hand)
print("feature-map shapes:", [m.shape[1:] for m in maps])
gap_maps = max(float(np.max(np.abs(conv_by_hand - maps[0]))), float(np.max(np.abs(pooled_by_hand - maps[1]))))
print(f"first convolution and pooling by hand vs Keras: largest difference {gap_maps:.1e}")
dlex.record("feature_maps.max_abs_diff_by_hand", gap_maps)
plots.plot_feature_maps(maps[0][0], title=f"Layer 1 (Conv2D 32): 26 × 26 maps of a {y_train[0]}");

# %%
plots.plot_feature_maps(maps[2][0], title="Layer 3 (Conv2D 64): 11 × 11 maps, after one pooling");

# %% [markdown]
# The first layer's maps still look like the digit: each is the digit seen through one
# 3 × 3 filter, bright where the filter's pattern (an edge at some angle, a stroke, the
# background) is present. The third layer's maps are smaller and more abstract: each
# combines all 32 maps of the layer before, over a 3 × 3 patch of a pooled image, so it
# reads an area of 8 × 8 pixels of the digit.
#
# The filters of the first layer are 3 × 3 grids of weights; most are small edge and
# corner detectors, like the hand-made kernels of section 3.

# %%
plots.plot_filters(kernel_1, title="The 32 learned filters of the first layer");

# %% [markdown]
# ## 6. The same network with `padding="same"`
#
# With `padding="same"` every convolution keeps its input's size: 28 → 28, pooled to
# 14, then 14 → 14, pooled to 7, then 7 → 7. The last map is therefore 7 × 7 × 64, and
# `Flatten` gives 3,136 numbers instead of 576. The convolution layers keep their
# parameters (a kernel's size does not depend on the image's), but the dense layer's
# weight matrix grows with its input.

# %% part="cnn-same"
def build_cnn(padding):
    """The exercise's network with the given padding in its three convolutions."""
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(32, (3, 3), activation="relu", padding=padding),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Conv2D(64, (3, 3), activation="relu", padding=padding),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Conv2D(64, (3, 3), activation="relu", padding=padding),
        keras.layers.Flatten(),
        keras.layers.Dense(64, activation="relu", kernel_regularizer=keras.regularizers.L2(0.01)),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(10, activation="softmax"),
    ], name=f"cnn_{padding}")


dlex.seed(SEED_SAME)
model_same = build_cnn("same")
shapes_same = conv_shapes("same")
print(f"{'layer':14} {'valid':>16} {'same':>16} {'params (valid)':>15} {'params (same)':>14}")
for (name, shape_v, params_v), (_, shape_s, params_s), layer in zip(shapes_valid, shapes_same, model_same.layers):
    assert shape_s == tuple(layer.output.shape[1:]) and params_s == layer.count_params()
    print(f"{name:14} {str(shape_v):>16} {str(shape_s):>16} {params_v:>15,} {params_s:>14,}")
print(f"total: valid {model_cnn.count_params():,}, same {model_same.count_params():,}; the dense layer "
      f"has {shapes_same[6][2] / shapes_valid[6][2]:.1f} times as many parameters")
dlex.record("cnn_same.params", model_same.count_params())
dlex.record("cnn_same.flatten_size", shapes_same[5][1][0])

# %% [markdown]
# Train it the same way, with its own checkpoint file. Each of its epochs costs more
# than one of the first network's (the cell prints the ratio), so to keep the lab's run
# time short it trains for at most `EPOCHS_SAME` epochs, and the cell compares the two
# networks' validation accuracy after the same number of epochs.

# %% part="cnn-same-train"
model_same.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
start = time.perf_counter()
history_same = model_same.fit(
    x_fit, y_fit, epochs=EPOCHS_SAME, batch_size=BATCH_SIZE, validation_data=(x_val, y_val), verbose=2,
    callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=PATIENCE),
               keras.callbacks.ModelCheckpoint("cnn_same_best.keras", monitor="val_loss", save_best_only=True)])
seconds_same = time.perf_counter() - start
best_same = keras.models.load_model("cnn_same_best.keras")
test_accuracy_same = best_same.evaluate(x_test_img, y_test_hot, verbose=0)[1]
epochs_same = len(history_same.history["loss"])
print(f"padding='same': {epochs_same} epoch(s), test accuracy {test_accuracy_same:.4f}, "
      f"{seconds_same / epochs_same:.2f} s per epoch")
print(f"padding='valid': {epochs_cnn} epoch(s), test accuracy {test_accuracy_cnn:.4f}, "
      f"{seconds_cnn / epochs_cnn:.2f} s per epoch")
epoch_both = min(epochs_same, epochs_cnn)
print(f"one padded epoch costs {(seconds_same / epochs_same) / (seconds_cnn / epochs_cnn):.2f} times a valid one")
print(f"validation accuracy after epoch {epoch_both}: valid {history_cnn.history['val_accuracy'][epoch_both - 1]:.4f}, "
      f"same {history_same.history['val_accuracy'][epoch_both - 1]:.4f}")
dlex.record("cnn_same.seed", SEED_SAME)
dlex.record("cnn_same.epochs_run", epochs_same)
dlex.record("cnn_same.test_accuracy", test_accuracy_same)
dlex.record("cnn_same.seconds_per_epoch", seconds_same / epochs_same)
plots.plot_histories({"padding='valid'": history_cnn, "padding='same'": history_same}, key="val_accuracy",
                     title="Validation accuracy per epoch");

# %% [markdown]
# Compare the printed numbers. Padding lets the kernels see the border pixels as
# often as the centre ones, and keeps larger maps, at the price of more computation
# per epoch and a larger dense layer. MNIST's digits sit in the centre with an empty
# border, so the border pixels carry little; read the printed validation accuracies
# after the same epoch to see whether padding helped on this run (which one is higher
# can change with the seeds).

# %% [markdown]
# ## 7. What a practitioner changes
#
# Exercise 2 follows the course's specification: patience 1 stops training at the
# first epoch whose validation loss does not improve, however early that comes, and a
# single unlucky epoch ends the run. A practitioner keeps the network, seed and data,
# and changes two things, both judged on the validation loss:
#
# * **more patience**: early stopping after `PATIENCE_PRACTITIONER` epochs without
#   improvement, with `restore_best_weights=True`, which puts the weights of the epoch
#   with the lowest validation loss back into the model when training ends (no
#   checkpoint file needed); a gain in validation loss smaller than `MIN_DELTA` does
#   not count as an improvement, or the ever smaller steps below would keep the run
#   going for epochs that change nothing;
# * **a smaller step when progress stalls**: `ReduceLROnPlateau` multiplies the learning
#   rate by `LR_FACTOR` after each epoch without improvement. Near a minimum, RMSprop's
#   default steps are too large to settle into it; smaller ones can.

# %%
dlex.seed(SEED_CNN)
model_practitioner = build_cnn("valid")
model_practitioner.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=PATIENCE_PRACTITIONER,
                                        min_delta=MIN_DELTA, restore_best_weights=True)
slower = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=LR_FACTOR, patience=1)
start = time.perf_counter()
history_practitioner = model_practitioner.fit(x_fit, y_fit, epochs=EPOCHS_PRACTITIONER, batch_size=BATCH_SIZE,
                                              validation_data=(x_val, y_val), callbacks=[stopper, slower],
                                              verbose=2)
seconds_practitioner = time.perf_counter() - start
epochs_practitioner = len(history_practitioner.history["loss"])
best_epoch_practitioner = stopper.best_epoch + 1
test_accuracy_practitioner = model_practitioner.evaluate(x_test_img, y_test_hot, verbose=0)[1]
print(f"patience {PATIENCE_PRACTITIONER}: trained {epochs_practitioner} epoch(s), kept epoch "
      f"{best_epoch_practitioner}; patience {PATIENCE}: trained {epochs_cnn}, kept {best_epoch_cnn}")
print(f"{seconds_practitioner / epochs_practitioner:.2f} s per epoch; learning rate at the end "
      f"{float(keras.ops.convert_to_numpy(model_practitioner.optimizer.learning_rate)):.1e}")
dlex.record("cnn_practitioner.patience", PATIENCE_PRACTITIONER)
dlex.record("cnn_practitioner.epochs_run", epochs_practitioner)
dlex.record("cnn_practitioner.best_epoch", best_epoch_practitioner)
dlex.record("cnn_practitioner.best_val_accuracy",
            history_practitioner.history["val_accuracy"][best_epoch_practitioner - 1])
dlex.record("cnn_practitioner.test_accuracy", test_accuracy_practitioner)
dlex.record("cnn_practitioner.seconds_per_epoch", seconds_practitioner / epochs_practitioner)
plots.plot_histories({f"patience {PATIENCE}": history_cnn, f"patience {PATIENCE_PRACTITIONER}": history_practitioner},
                     key="val_loss", title="Validation loss per epoch");

# %% [markdown]
# **Which network is best is decided on the validation images.** Each run above kept
# the epoch with the lowest validation loss. Between the three kept networks the cell
# picks the one with the highest validation accuracy, and only then reads its test
# accuracy: choosing by test accuracy would make the test set part of training, and its
# number would no longer estimate accuracy on new digits.

# %%
kept = {"cnn": (history_cnn, best_epoch_cnn, test_accuracy_cnn),
        "cnn_same": (history_same, int(np.argmin(history_same.history["val_loss"])) + 1, test_accuracy_same),
        "cnn_practitioner": (history_practitioner, best_epoch_practitioner, test_accuracy_practitioner)}
val_accuracy_kept = {name: history.history["val_accuracy"][epoch - 1] for name, (history, epoch, _) in kept.items()}
print(f"{'network':18}{'epoch kept':>11}{'validation accuracy':>21}{'test accuracy':>15}")
for name, (_, epoch, test_accuracy) in kept.items():
    print(f"{name:18}{epoch:>11}{val_accuracy_kept[name]:>21.4f}{test_accuracy:>15.4f}")
best_model = max(val_accuracy_kept, key=val_accuracy_kept.get)
print(f"best on the validation images: {best_model}; its test accuracy {kept[best_model][2]:.4f}")
dlex.record("summary.best_model", best_model)
dlex.record("summary.best_val_accuracy", val_accuracy_kept[best_model])
dlex.record("summary.best_test_accuracy", kept[best_model][2])

# %% [markdown]
# ## 8. Convolutional versus dense networks
#
# How do these networks compare with the dense ones of earlier labs? The cell trains
# two of them here, on the same machine and backend, so the times are comparable:
#
# * Lab 2's **Model A**: 784 → `Dense(512, relu)` → `Dense(10, softmax)`, RMSprop,
#   `EPOCHS_DENSE_A` epochs (Lab 2 trains it for 5);
# * Lab 5's **Exercise 4** network: 784 → `Dense(512, relu)` → `Dropout(0.5)` →
#   `Dense(512, relu, L2 10)` → `Dense(10, softmax)`, Adam with an inverse-time
#   learning-rate decay, `EPOCHS_DENSE_LAB5` epochs (Lab 5 trains it for 20).
#
# Both read the flattened digits and train on the whole training set, validation
# images included, so they have no validation accuracy and are compared on the test set
# only, as a reference, not as candidates for the best model. (Their `compile` calls
# carry two speed settings that do not change what is computed; "How this lab runs
# fast", at the end, explains them.)

# %% part="dense-models"
x_train_flat = x_train_img.reshape(len(x_train_img), -1)
x_test_flat = x_test_img.reshape(len(x_test_img), -1)
DENSE_STEPS = 50


def dense_model_a():
    model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(512, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"],
                  jit_compile=True, steps_per_execution=DENSE_STEPS)
    return model


def dense_model_lab5():
    model = keras.Sequential([
        keras.Input(shape=(784,)), keras.layers.Dense(512, activation="relu"), keras.layers.Dropout(0.5),
        keras.layers.Dense(512, activation="relu", kernel_regularizer=keras.regularizers.L2(10.0)),
        keras.layers.Dense(10, activation="softmax")])
    decay = keras.optimizers.schedules.InverseTimeDecay(0.001, decay_steps=1, decay_rate=0.005)
    model.compile(optimizer=keras.optimizers.Adam(decay), loss="categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=DENSE_STEPS)
    return model


rows = [("CNN, padding='valid'", model_cnn.count_params(), epochs_cnn, test_accuracy_cnn, seconds_cnn / epochs_cnn),
        ("CNN, padding='same'", model_same.count_params(), epochs_same, test_accuracy_same,
         seconds_same / epochs_same),
        (f"CNN, patience {PATIENCE_PRACTITIONER}", model_practitioner.count_params(), epochs_practitioner,
         test_accuracy_practitioner, seconds_practitioner / epochs_practitioner)]
for key, label, seed, epochs, build in (("dense_lab02_a", "Lab 2 Model A (dense)", SEED_DENSE_A, EPOCHS_DENSE_A,
                                         dense_model_a),
                                        ("dense_lab05_ex4", "Lab 5 Exercise 4 (dense)", SEED_DENSE_LAB5,
                                         EPOCHS_DENSE_LAB5, dense_model_lab5)):
    dlex.seed(seed)
    model = build()
    start = time.perf_counter()
    model.fit(x_train_flat, y_train_hot, epochs=epochs, batch_size=BATCH_SIZE, verbose=0)
    seconds = (time.perf_counter() - start) / epochs
    accuracy = model.evaluate(x_test_flat, y_test_hot, verbose=0)[1]
    rows.append((label, model.count_params(), epochs, accuracy, seconds))
    dlex.record(f"{key}.params", model.count_params())
    dlex.record(f"{key}.epochs", epochs)
    dlex.record(f"{key}.test_accuracy", accuracy)
    dlex.record(f"{key}.seconds_per_epoch", seconds)

print(f"{'model':26}{'parameters':>12}{'epochs':>8}{'test accuracy':>15}{'s / epoch':>11}")
for label, params, epochs, accuracy, seconds in rows:
    print(f"{label:26}{params:>12,}{epochs:>8}{accuracy:>15.4f}{seconds:>11.2f}")
print(f"fewest parameters: {min(rows, key=lambda row: row[1])[0]}; "
      f"highest test accuracy: {max(rows, key=lambda row: row[3])[0]}")
plots.plot_accuracy_vs_parameters({label: (params, accuracy) for label, params, _, accuracy, _ in rows},
                                  title="Test accuracy against size");

# %% [markdown]
# The table and the plot are measured on your machine; the last printed line names the
# smallest and the most accurate model. Where that is a convolutional network, its
# structure (local patches, shared kernels, pooling) is why: it matches how images work,
# with a fraction of the dense networks' parameters. It pays in computation: a
# convolution's weights are used at every position of its output, so an epoch takes
# longer than for the dense networks, which use each weight once per image. How often
# depends on the layer, as the next cell counts.

# %%
print(f"{'layer':14}{'output':>16}{'uses of each weight per image':>31}")
counts = {"conv": 0, "dense": 0}
for layer in model_cnn.layers:
    kind = {keras.layers.Conv2D: "conv", keras.layers.Dense: "dense"}.get(type(layer))
    if kind:
        counts[kind] += 1
        out_shape = tuple(layer.output.shape[1:])
        uses = out_shape[0] * out_shape[1] if kind == "conv" else 1     # one use per output position
        print(f"{kind}{counts[kind]:<10}{str(out_shape):>16}{uses:>31,}")
        dlex.record(f"reuse.{kind}{counts[kind]}", uses)

# %% [markdown]
# Only the first convolution uses each weight hundreds of times per image (once per
# position of its 26 × 26 output); after two poolings the third uses each only at the
# 3 × 3 positions of its output, and the dense layers once.
#
# ## How this lab runs fast
#
# * **Backend.** `dlex run lab06` runs this lab on TensorFlow when it is installed: on a
#   CPU it trains the convolutional networks several times faster than JAX, the course's
#   default (docs/performance.md gives the measurements and the reason). In your own
#   notebook, start JupyterLab with `KERAS_BACKEND=tensorflow dlex open lab06` for the
#   same speed.
# * **The dense comparison models.** TensorFlow is slower than JAX on dense networks.
#   Two compile settings win most of it back without changing what is computed: both
#   networks run `DENSE_STEPS` steps per call (`steps_per_execution`, as in Lab 4: the
#   same updates in the same order, Keras's per-step bookkeeping done once per call), and
#   Model A compiles its whole training step with XLA (`jit_compile=True`). Exercise 4's
#   network does not: on TensorFlow, XLA makes its training step several times slower.
#   docs/performance.md ("Lab 6") has the measurements.

# %% [markdown]
# ## Evaluation questions
#
# The next cell lists this lab's questions. Answer each one in a cell of your own with
# `dlex.answer("lab06.q1", 2)` (choices by their number, numbers as numbers), or all of
# them in the terminal with `dlex quiz lab06`. The questions about results are checked
# against the numbers your own run recorded, so they hold on any machine.

# %%
dlex.quiz("lab06")
