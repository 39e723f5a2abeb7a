# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   dlex:
#     lab: 7
#     title: Recurrent networks
#     description: Read movie reviews word by word with simple, gated and bidirectional recurrent networks, find out why one of them learns nothing, then generate text and forecast a series.
#     minutes_full: 13.1
#     minutes_quick: 1.1
#     quick: {TRAIN_LIMIT: 1200, VALIDATION_SIZE: 400, TEST_LIMIT: 400, MAX_EPOCHS: 1, PATIENCE: 1, BUCKET_WIDTHS: [250], CHAR_REVIEWS: 60, CHAR_EPOCHS: 1, SERIES_HOURS: 2400, FORECAST_EPOCHS: 1}
#     headline: [summary.best_test_accuracy, bigru.test_accuracy, forecast.rmse]
# ---

# %% [markdown]
# # Lab 7 — Recurrent networks
#
# A dense or convolutional network sees its whole input at once. A **recurrent
# network** reads a sequence one element at a time and carries a running summary, its
# **state**, from each step to the next. That suits text, speech and measurements over
# time, where what an element means depends on what came before it.
#
# You will:
#
# 1. write down the simple recurrent network, unfold it in time, and check a NumPy
#    version against Keras's `SimpleRNN`;
# 2. follow a gradient back through time and watch it shrink;
# 3. write the LSTM and GRU gates and check NumPy versions against Keras's layers;
# 4. turn 50,000 film reviews from IMDB into sequences of word numbers;
# 5. classify them as positive or negative with six models: word vectors flattened
#    position by position, a simple RNN, a GRU that **learns nothing**, the same GRU
#    fixed (you will find out why), an LSTM, and a GRU with dropout (**Exercise 1**);
# 6. read each review in both directions at once (**Exercise 2**);
# 7. generate text one character at a time, and forecast a series with one and with
#    two stacked recurrent layers, against a naive forecast.
#
# Every number quoted in the text below is printed by the code next to it, on your
# machine. Run the cells in order.

# %% [markdown]
# ## Setup
#
# `import dlex` must come before `import keras`: it picks the Keras *backend*, the
# library that does the arithmetic: JAX, unless you set `KERAS_BACKEND`. On a CPU, JAX
# trains these recurrent layers at about the same cost per review whatever the batch
# size, while TensorFlow's cost per review grows as batches shrink; section 8 uses
# small batches, so this lab runs on JAX (docs/performance.md, "Lab 7"). The results do
# not depend on the backend beyond rounding.

# %% part="setup"
import time
from collections import Counter

import keras
import numpy as np

import dlex
from dlex import plots
from dlex.scratch import rnn

print(f"Keras {keras.__version__} on the {keras.backend.backend()} backend")

# %% [markdown]
# The next cell holds every setting of this lab. `dlex run lab07 --quick` replaces some
# of them to make a fast smoke run. A **seed** fixes the random numbers (initial
# weights, shuffling, dropout), so the same seed on the same machine gives the same
# results.

# %% tags=["parameters"] part="parameters"
NUM_WORDS = 10000
MAXLEN = 250
VALIDATION_SIZE = 5000
TRAIN_LIMIT = 0
TEST_LIMIT = 0
MAX_EPOCHS = 20
PATIENCE = 2
MIN_DELTA = 0.002
LR_FACTOR = 0.3
BATCH_SMALL = 32
L2_SMALL = 0.0001
BUCKET_WIDTHS = [100, 150, 200, 250]
SEED_EMBEDDING = 654
SEED_SIMPLE_RNN = 7766
SEED_GRU = 4545
SEED_LSTM = 1997
SEED_EX1 = 4321
SEED_EX2 = 678
SEED_CHAR = 2014
SEED_FORECAST = 24
CHAR_REVIEWS = 300
CHAR_WINDOW = 64
CHAR_UNITS = 96
CHAR_EPOCHS = 6
SERIES_HOURS = 17520
FORECAST_WINDOW = 48
FORECAST_HORIZON = 6
FORECAST_EPOCHS = 12
ENSEMBLE_SIZE = 3

# %% [markdown]
# ## 1. Recurrence and unfolding
#
# Write a sequence as x₍1₎, x₍2₎, …, x₍T₎, each x₍t₎ a vector of D numbers. A simple
# recurrent network keeps a state h₍t₎ of u numbers and updates it once per step:
#
# * a₍t₎ = b + W h₍t−1₎ + U x₍t₎
# * h₍t₎ = tanh(a₍t₎)
# * o₍t₎ = c + V h₍t₎
#
# U (u × D) reads the input, W (u × u) carries the previous state forward, b is a
# bias, and V and c turn the state into an output o₍t₎. The state starts at
# h₍0₎ = 0. Three facts follow from these lines:
#
# * **Shared weights.** The same U, W, b, V, c serve every step, so the number of
#   weights does not depend on the length T, and a pattern learned at one position is
#   recognised at any other.
# * **Causality.** h₍t₎ depends on x₍1₎ … x₍t₎ only: the network never looks ahead.
# * **Memory.** h₍t₎ is the only route from the past to the present: whatever the
#   network knows about x₍1₎ at step t must have been carried through t − 1 updates.
#
# Drawing one copy of the cell per step **unfolds** the loop into a deep network whose
# layers all share their weights:

# %%
plots.plot_unrolled_rnn(steps=3, title="A simple recurrent network, folded and unfolded");

# %% [markdown]
# Keras's `SimpleRNN` computes the state with row vectors: h₍t₎ = tanh(x₍t₎ K +
# h₍t−1₎ R + b). Its `kernel` K (D × u) is Uᵀ and its `recurrent_kernel` R (u × u) is
# Wᵀ; the output V, c is a separate `Dense` layer. `dlex.scratch.rnn` has the same loop
# in NumPy. The cell runs both on the same random sequences and the same weights and
# compares every state. It also counts the weights: D·u + u·u + u, whatever T is.

# %%
check_rng = np.random.default_rng(0)
x_check = check_rng.normal(size=(3, 7, 5)).astype("float32")   # N=3 sequences, T=7 steps, D=5


def random_weights(layer):
    """Give every weight of a built layer random values (zero biases would hide bias bugs)."""
    layer.set_weights([check_rng.normal(0.0, 0.4, size=w.shape).astype("float32")
                       for w in layer.get_weights()])
    return layer.get_weights()


simple = keras.layers.SimpleRNN(4, return_sequences=True)
simple(x_check)
kernel, recurrent_kernel, bias = random_weights(simple)
states_keras = np.asarray(simple(x_check))
states_numpy, _ = rnn.simple_rnn_forward(x_check, kernel, recurrent_kernel, bias)
diff_simple = float(np.max(np.abs(states_keras - states_numpy)))
print("kernel", kernel.shape, " recurrent_kernel", recurrent_kernel.shape, " bias", bias.shape)
print(f"largest difference, NumPy vs Keras, over all {states_keras.size} state values: {diff_simple:.1e}")
print(f"weights: D·u + u·u + u = 5·4 + 4·4 + 4 = {5 * 4 + 4 * 4 + 4}; Keras counts {simple.count_params()}")
assert diff_simple < 1e-5 and simple.count_params() == 5 * 4 + 4 * 4 + 4
dlex.record("parity.simple_rnn_max_diff", diff_simple)

# %% [markdown]
# Causality, measured: change the input at step 5 only and see which states move.

# %%
x_changed = x_check.copy()
x_changed[:, 4] += 1.0                                    # step 5 (counted from 1)
states_changed, _ = rnn.simple_rnn_forward(x_changed, kernel, recurrent_kernel, bias)
moved = np.abs(states_changed - states_numpy).max(axis=(0, 2))
for t, change in enumerate(moved, start=1):
    print(f"step {t}: largest change of the state {change:.3f}")
assert np.all(moved[:4] == 0) and np.all(moved[4:] > 0)
dlex.record("causality.steps_unchanged", int(np.sum(moved == 0)))

# %% [markdown]
# ## 2. Back-propagation through time
#
# To train, we need the gradient of a loss L with respect to W (and U, b). The
# unfolded network is an ordinary deep network, so back-propagation applies; run on
# the unfolded graph it is called **back-propagation through time** (BPTT). Two things
# are special:
#
# * W appears at every step, so its gradient is the **sum** of the contributions of all
#   steps.
# * The gradient reaching h₍t−1₎ from h₍t₎ is multiplied by the derivative of one
#   update: ∂L/∂h₍t−1₎ = Wᵀ diag(1 − h₍t₎²) ∂L/∂h₍t₎ (plus whatever h₍t−1₎'s own output
#   adds). Going k steps back multiplies k such factors.
#
# `rnn.simple_rnn_backward` implements these sums. Before we trust it, we compare one
# of its numbers with a finite difference: nudge one weight by ±ε, rerun the forward
# pass, and divide the change of the loss by 2ε. Here the loss is the sum of the last
# state's entries, computed in float64 so the comparison is not blurred by rounding.

# %%
x64 = x_check.astype("float64")
k64, r64, b64 = (w.astype("float64") for w in (kernel, recurrent_kernel, bias))


def last_state_loss(recurrent):
    return rnn.simple_rnn_forward(x64, k64, recurrent, b64)[1].sum()


states64, _ = rnn.simple_rnn_forward(x64, k64, r64, b64)
upstream = np.zeros_like(states64)
upstream[:, -1] = 1.0                                     # dL/dh_T = 1, nothing earlier
_, _, d_recurrent, _ = rnn.simple_rnn_backward(upstream, x64, states64, k64, r64)
eps, (i, j) = 1e-6, (1, 2)
bumped_up, bumped_down = r64.copy(), r64.copy()
bumped_up[i, j] += eps
bumped_down[i, j] -= eps
numeric = (last_state_loss(bumped_up) - last_state_loss(bumped_down)) / (2 * eps)
relative = abs(numeric - d_recurrent[i, j]) / abs(numeric)
print(f"dL/dR[{i},{j}]: BPTT {d_recurrent[i, j]:.8f}, finite difference {numeric:.8f}, "
      f"relative difference {relative:.1e}")
assert relative < 1e-6
dlex.record("bptt.relative_error", relative)

# %% [markdown]
# Now the shrinking. Take one long sequence (T = 60), a loss on the last state only, and
# measure how large the gradient is when it reaches each earlier state, ‖∂L/∂h₍t₎‖. We
# try three recurrent matrices W: a random orthogonal matrix (it keeps a vector's
# length) scaled by 0.5, 1 and 1.5.

# %%
def gradient_through_time(scale, steps=60, units=16, seed=1):
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.normal(size=(units, units)))
    x = rng.normal(0.0, 1.0, size=(1, steps, 4))
    kern = rng.normal(0.0, 0.3, size=(4, units))
    states, _ = rnn.simple_rnn_forward(x, kern, scale * q)
    grad, sizes = np.ones(units), []
    for t in reversed(range(steps)):
        sizes.append(np.linalg.norm(grad))
        grad = (scale * q) @ (grad * (1.0 - states[0, t] ** 2))   # one step back
    return np.array(sizes[::-1])


reach = {f"W = {s} × orthogonal": gradient_through_time(s) for s in (0.5, 1.0, 1.5)}
plots.plot_curves({label: (np.arange(1, 61), v) for label, v in reach.items()},
                  xlabel="step t (the loss is at step 60)", ylabel="‖∂L/∂h_t‖",
                  title="How much gradient reaches each step");
for label, sizes in reach.items():
    print(f"{label}: gradient at step 60 {sizes[-1]:.2f}, at step 50 {sizes[-11]:.2e}, "
          f"at step 1 {sizes[0]:.2e}")
dlex.record("bptt.reach_step50_scale1", float(reach["W = 1.0 × orthogonal"][-11]))
dlex.record("bptt.reach_step1_scale1", float(reach["W = 1.0 × orthogonal"][0]))

# %% [markdown]
# Each step back multiplies the gradient by W and by tanh's slope, 1 − h², which is
# at most 1 and smaller wherever the state is far from 0. Even with a W that keeps
# lengths, the gradient fades step after step; with 0.5 it **vanishes** altogether.
# A W that stretches vectors (1.5) pushes back against tanh's damping, and more of the
# gradient survives; without the damping it would grow step after step and
# **explode**. Balancing the two by the size of W is fragile, and a simple RNN trained
# by gradient descent does not keep that balance: it learns little from words many
# steps before its output. Gates are the cure.

# %% [markdown]
# ## 3. Gated cells: LSTM and GRU
#
# A gate is a vector of numbers between 0 and 1, σ(·) of a weighted sum of the input
# and the previous state (σ is the logistic sigmoid). Multiplying by a gate lets
# information through (≈ 1) or blocks it (≈ 0), and the network learns when to do
# which. Below, ⊙ multiplies element by element, and each gate g has its own input
# weights U_g, recurrent weights W_g and bias b_g, written in Keras's row-vector form.
#
# **LSTM** (long short-term memory; Hochreiter & Schmidhuber 1997, with the forget gate
# of Gers, Schmidhuber & Cummins 2000). Besides h it keeps a **cell** c:
#
# * i₍t₎ = σ(x₍t₎ U_i + h₍t−1₎ W_i + b_i)  input gate
# * f₍t₎ = σ(x₍t₎ U_f + h₍t−1₎ W_f + b_f)  forget gate
# * c̃₍t₎ = tanh(x₍t₎ U_c + h₍t−1₎ W_c + b_c)  candidate
# * o₍t₎ = σ(x₍t₎ U_o + h₍t−1₎ W_o + b_o)  output gate
# * c₍t₎ = f₍t₎ ⊙ c₍t−1₎ + i₍t₎ ⊙ c̃₍t₎
# * h₍t₎ = o₍t₎ ⊙ tanh(c₍t₎)
#
# The cell is updated by **adding**, not by multiplying with W: where f ≈ 1 and i ≈ 0 it
# passes c unchanged, and its gradient with it, across many steps. Keras stores the
# four gates side by side in one kernel in the order **i, f, c, o** and starts b_f at 1
# (`unit_forget_bias=True`), so the cell remembers by default.
#
# **GRU** (gated recurrent unit; Cho et al. 2014) has no separate cell:
#
# * z₍t₎ = σ(x₍t₎ U_z + h₍t−1₎ W_z + b_z)  update gate
# * r₍t₎ = σ(x₍t₎ U_r + h₍t−1₎ W_r + b_r)  reset gate
# * h̃₍t₎ = tanh(x₍t₎ U_h + r₍t₎ ⊙ (h₍t−1₎ W_h + b′_h) + b_h)  candidate
# * h₍t₎ = z₍t₎ ⊙ h₍t−1₎ + (1 − z₍t₎) ⊙ h̃₍t₎
#
# Where z ≈ 1 the old state is kept, again by a sum. Keras's order is **z, r, h**. The
# candidate line is Keras's default, `reset_after=True`: the reset gate multiplies the
# recurrent term after W_h, and that term has its own bias b′_h, so the bias has shape
# (2, 3u). Cho et al. reset before: h̃₍t₎ = tanh(x₍t₎ U_h + (r₍t₎ ⊙ h₍t−1₎) W_h + b_h),
# which is `reset_after=False`. The two are different functions, not two ways of
# writing one.
#
# The cell checks each NumPy cell against its Keras layer, with random weights and
# biases, and counts the weights: 4(D·u + u·u + u) for the LSTM, 3(D·u + u·u + 2u) for
# the GRU with `reset_after=True`.

# %%
def parity(layer, numpy_forward, **options):
    layer(x_check)
    weights = random_weights(layer)
    states, _ = numpy_forward(x_check, *weights, **options)
    return float(np.max(np.abs(np.asarray(layer(x_check)) - states))), weights


diff_lstm, lstm_weights = parity(keras.layers.LSTM(4, return_sequences=True), rnn.lstm_forward)
diff_gru, gru_weights = parity(keras.layers.GRU(4, return_sequences=True), rnn.gru_forward)
diff_gru_before, _ = parity(keras.layers.GRU(4, return_sequences=True, reset_after=False),
                            rnn.gru_forward, reset_after=False)
_, h_after = rnn.gru_forward(x_check, gru_weights[0], gru_weights[1], gru_weights[2][0] + gru_weights[2][1],
                             reset_after=False)
_, h_keras = rnn.gru_forward(x_check, *gru_weights)
print(f"LSTM: largest difference {diff_lstm:.1e}; kernel {lstm_weights[0].shape}, "
      f"4(D·u + u·u + u) = {4 * (5 * 4 + 4 * 4 + 4)} weights")
print(f"GRU, reset_after=True:  largest difference {diff_gru:.1e}; bias {gru_weights[2].shape}, "
      f"3(D·u + u·u + 2u) = {3 * (5 * 4 + 4 * 4 + 2 * 4)} weights")
print(f"GRU, reset_after=False: largest difference {diff_gru_before:.1e}")
print(f"the same weights with the reset before W_h give other states: largest gap "
      f"{np.max(np.abs(h_after - h_keras)):.3f}")
assert max(diff_lstm, diff_gru, diff_gru_before) < 1e-5
dlex.record("parity.lstm_max_diff", diff_lstm)
dlex.record("parity.gru_max_diff", diff_gru)
dlex.record("parity.gru_reset_before_max_diff", diff_gru_before)

# %% [markdown]
# ## 4. The data: IMDB film reviews
#
# The IMDB data set holds 50,000 film reviews, 25,000 for training and 25,000 for
# testing, each labelled positive (1) or negative (0), half of each kind. Each review
# is already a list of whole numbers, one per word: a word's number is its frequency
# rank (1 for the most frequent word) plus 3. Keras keeps the word numbers below
# `NUM_WORDS`; every rarer word becomes the number 2. Since 0 to 3 are not words, that
# keeps `NUM_WORDS` − 4 words (the cell prints the count). Three numbers are reserved:
#
# * 0 is **padding** (filler we add to make lengths equal);
# * 1 marks the **start** of every review;
# * 2 stands for an **out-of-vocabulary** word; 3 is never used.

# %% part="data"
(x_train_all, y_train_all), (x_test, y_test) = dlex.data.load_imdb(num_words=NUM_WORDS)
if TEST_LIMIT:
    x_test, y_test = x_test[:TEST_LIMIT], y_test[:TEST_LIMIT]
print(f"training reviews: {len(x_train_all):,}, test reviews: {len(x_test):,}")
print("first review, first 12 numbers:", x_train_all[0][:12], " label:", y_train_all[0])
print(f"share of positive reviews: training {y_train_all.mean():.3f}, test {y_test.mean():.3f}")
words_kept = np.unique(np.concatenate([np.asarray(r) for r in x_train_all]))
words_kept = int(np.sum(words_kept >= 4))
print(f"distinct words kept (numbers 4 to {NUM_WORDS - 1}) in the training reviews: {words_kept:,}")
dlex.record("data.words_kept", words_kept)
dlex.record("data.train_reviews", len(x_train_all))
dlex.record("data.test_reviews", len(x_test))

# %% [markdown]
# To read a review we invert the word index: rank r becomes number r + 3.

# %%
word_index = dlex.data.get_imdb_word_index()
index_to_word = {rank + 3: word for word, rank in word_index.items()}
index_to_word.update({0: "<pad>", 1: "<start>", 2: "<unknown>"})


def decode(tokens):
    return " ".join(index_to_word.get(int(t), "?") for t in tokens)


print(decode(x_train_all[0][:60]), "…")
print(f"\nthe most frequent word, rank 1, has number {word_index['the'] + 3}: "
      f"{index_to_word[word_index['the'] + 3]!r}")
dlex.record("data.first_review_words", len(x_train_all[0]))

# %% [markdown]
# Reviews have different lengths. A batch must be a rectangle, so we cut every review
# to its last `MAXLEN` words and pad shorter ones with zeros **in front**
# (`pad_sequences`'s default). In front matters for a recurrent network that answers
# from its last state: the review's words then sit right before the answer, instead of
# behind a long run of padding the state would have to carry them through.

# %% part="padding"
lengths = np.array([len(review) for review in x_train_all])
plots.plot_length_histogram(lengths, cut=MAXLEN, title="Review lengths (training set)");
x_train_padded = keras.utils.pad_sequences(x_train_all, maxlen=MAXLEN)
x_test_padded = keras.utils.pad_sequences(x_test, maxlen=MAXLEN)
print(f"median length {np.median(lengths):.0f} words; {np.mean(lengths > MAXLEN):.1%} are longer "
      f"than {MAXLEN} and lose their beginning")
print("padded training set:", x_train_padded.shape, " first row begins", x_train_padded[0][:6])
padding_share = float(np.mean(x_train_padded == 0))
print(f"{padding_share:.1%} of all positions in the padded training set are padding")
dlex.record("data.median_length", float(np.median(lengths)))
dlex.record("data.padding_share", padding_share)

# %% [markdown]
# **Validation data.** Every model below stops training when its accuracy on held-out
# reviews stops improving (section 5). Those held-out reviews must not be the test
# set: a choice made by looking at the test set tunes the model to it. We keep the last
# `VALIDATION_SIZE` training reviews apart for validation and train on the rest. The
# test set is used once per model, at the end.

# %% part="validation-split"
if TRAIN_LIMIT:
    x_train_all, y_train_all = x_train_all[:TRAIN_LIMIT], y_train_all[:TRAIN_LIMIT]
    x_train_padded = x_train_padded[:TRAIN_LIMIT]
fit_reviews, fit_labels = x_train_all[:-VALIDATION_SIZE], y_train_all[:-VALIDATION_SIZE]
val_reviews, val_labels = x_train_all[-VALIDATION_SIZE:], y_train_all[-VALIDATION_SIZE:]
x_fit, x_val = x_train_padded[:-VALIDATION_SIZE], x_train_padded[-VALIDATION_SIZE:]
print(f"training on {len(fit_reviews):,} reviews, validating on {len(val_reviews):,}, "
      f"testing on {len(x_test):,}")
dlex.record("data.fit_reviews", len(fit_reviews))
dlex.record("data.validation_reviews", len(val_reviews))

# %% [markdown]
# ## 5. Training recurrent networks without waiting all day
#
# A recurrent layer must finish step t before it can start step t + 1, so its cost
# grows with the number of steps, and a CPU cannot spread one sequence's steps over its
# cores. Four things keep this lab's ten trainings as short as they can be without
# changing what they teach:
#
# * **Early stopping.** After each epoch we measure the accuracy on the validation
#   reviews. When it has not improved for `PATIENCE` epochs, training stops, and the
#   weights of the best epoch are put back (`restore_best_weights=True`). `MAX_EPOCHS`
#   caps the length. We watch the accuracy rather than the loss because the loss Keras
#   reports includes any weight penalty, which can fall while the network learns
#   nothing — section 7 shows exactly that.
# * **Only real improvements count.** An accuracy measured on n reviews is itself
#   uncertain: its standard error is √(p(1 − p)/n) for a true accuracy p (the cell below
#   computes it). An epoch that beats the best so far by less than `MIN_DELTA` (0.002,
#   ten reviews in 5,000) is not counted as progress (`min_delta` of Keras's callbacks);
#   otherwise a long tail of epochs that gain a review or two, by chance, keeps every
#   training going.
# * **Length buckets.** Padding every review to 250 words wastes the steps spent on
#   zeros. Instead we group reviews of similar length into a batch and pad each batch
#   only to the smallest of the widths `BUCKET_WIDTHS` that holds its longest review.
#   A small random jitter on the lengths changes the groups every epoch, and the order
#   of the batches is shuffled. Reviews are still cut to their last 250 words.
# * **The backend.** See Setup.
#
# `LengthBuckets` produces such batches for Keras; `train` fits a model with early
# stopping (and section 8's learning-rate drop unless `lr_drop=False`), times each epoch and scores the restored model on the test set.

# %% part="length-buckets"
class LengthBuckets(keras.utils.PyDataset):
    """Batches of reviews of similar length, each padded in front to its bucket's width."""

    def __init__(self, reviews, labels, batch_size, widths=BUCKET_WIDTHS, seed=None, jitter=20):
        super().__init__()
        self.reviews = [list(r[-widths[-1]:]) for r in reviews]     # keep the last 250 words
        self.labels = np.asarray(labels, dtype="float32")
        self.lengths = np.array([len(r) for r in self.reviews])
        self.batch_size, self.widths, self.jitter = batch_size, list(widths), jitter
        self.rng = None if seed is None else np.random.default_rng(seed)
        self.batches = self._group(shuffle=False)

    def _group(self, shuffle):
        keys = self.lengths + (self.rng.uniform(0, self.jitter, len(self.lengths)) if shuffle else 0)
        order = np.argsort(keys, kind="stable")
        rest = len(order) % self.batch_size or self.batch_size        # the one smaller batch
        batches = [order[:rest]] + [order[i:i + self.batch_size]
                                    for i in range(rest, len(order), self.batch_size)]
        if shuffle:
            self.rng.shuffle(batches)
        elif len(batches) > 2:
            # Before the first epoch, Keras on TensorFlow reads the first two batches to learn
            # which shapes vary; the shortest and the longest batch tell it both do.
            batches = [batches[0], batches[-1], *batches[1:-1]]
        return batches

    def width(self, batch):
        return next(w for w in self.widths if w >= self.lengths[batch].max())

    def on_epoch_end(self):
        if self.rng is not None:
            self.batches = self._group(shuffle=True)

    def __len__(self):
        return len(self.batches)

    def __getitem__(self, index):
        batch = self.batches[index]
        x = keras.utils.pad_sequences([self.reviews[i] for i in batch], maxlen=self.width(batch))
        return x, self.labels[batch]

    def padded_steps(self):
        """Time steps computed per epoch (padding included)."""
        return sum(len(b) * self.width(b) for b in self.batches)

    def predict(self, model):
        """The model's probabilities for every review, in the reviews' original order."""
        found = model.predict(self, verbose=0).ravel()
        ordered = np.empty_like(found)
        ordered[np.concatenate(self.batches)] = found
        return ordered


class EpochTimer(keras.callbacks.Callback):
    """Wall-clock seconds of every epoch (training and validation)."""

    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.start)


RESULTS, PROBABILITIES = {}, {}
EVAL_BATCH = 1000


def keep_result(name, seed, timer, **numbers):
    """Record a trained model's numbers (and its timing) in RESULTS and metrics.json."""
    steady = timer.seconds[1:] or timer.seconds       # the first epoch also builds the graph
    RESULTS[name] = {**numbers, "epochs_run": len(timer.seconds), "seconds_per_epoch": float(np.median(steady)),
                     "fit_seconds": float(sum(timer.seconds))}
    dlex.record(f"{name}.seed", seed)
    for key, value in RESULTS[name].items():
        dlex.record(f"{name}.{key}", value)
    return RESULTS[name]


def train(name, model, batch_size, seed, padded=False, callbacks=(), lr_drop=True, patience=PATIENCE):
    """Fit with early stopping on the validation reviews; record and return the History.

    ``lr_drop``: cut the learning rate by ``LR_FACTOR`` after every epoch that does not
    improve the validation accuracy by ``MIN_DELTA`` (section 8)."""
    early = keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=patience, min_delta=MIN_DELTA,
                                          restore_best_weights=True)
    if lr_drop:
        callbacks = [keras.callbacks.ReduceLROnPlateau(monitor="val_accuracy", factor=LR_FACTOR, patience=1,
                                                       min_delta=MIN_DELTA), *callbacks]
    timer = EpochTimer()
    if padded:      # fixed-length input (Flatten needs it): the padded arrays
        history = model.fit(x_fit, fit_labels, batch_size=batch_size, validation_data=(x_val, val_labels),
                            epochs=MAX_EPOCHS, callbacks=[early, timer, *callbacks], verbose=2)
        val_p, test_p = (model.predict(x, batch_size=EVAL_BATCH, verbose=0).ravel() for x in (x_val, x_test_padded))
    else:
        validation = LengthBuckets(val_reviews, val_labels, EVAL_BATCH)
        history = model.fit(LengthBuckets(fit_reviews, fit_labels, batch_size, seed=seed),
                            validation_data=validation, epochs=MAX_EPOCHS,
                            callbacks=[early, timer, *callbacks], verbose=2)
        val_p, test_p = validation.predict(model), LengthBuckets(x_test, y_test, EVAL_BATCH).predict(model)
    PROBABILITIES[name] = (val_p, test_p)         # for section 14
    test_accuracy = float(np.mean((test_p > 0.5) == y_test))
    # The epoch whose weights early stopping put back: the last one that beat the best so
    # far by MIN_DELTA (a later epoch may have scored a hair higher).
    kept = history.history["val_accuracy"][early.best_epoch]
    result = keep_result(name, seed, timer, params=model.count_params(), test_accuracy=test_accuracy,
                         best_val_accuracy=float(kept), best_epoch=early.best_epoch + 1,
                         final_learning_rate=float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)))
    print(f"{name}: test accuracy {test_accuracy:.4f} with the weights of epoch {result['best_epoch']} "
          f"of {result['epochs_run']} (its validation accuracy {kept:.4f}); "
          f"{result['seconds_per_epoch']:.1f} s per epoch")
    return history


standard_error = float(np.sqrt(0.88 * 0.12 / len(val_reviews)))
print(f"standard error of a validation accuracy near 0.88 on {len(val_reviews):,} reviews: {standard_error:.4f}; "
      f"MIN_DELTA = {MIN_DELTA} = {MIN_DELTA * len(val_reviews):.0f} reviews")
dlex.record("validation.standard_error", standard_error)
buckets = LengthBuckets(fit_reviews, fit_labels, 1024, seed=0)
full_steps = len(fit_reviews) * MAXLEN
print(f"{len(buckets)} batches of up to 1024 reviews; widths of the batches: "
      f"{sorted(Counter(buckets.width(b) for b in buckets.batches).items())}")
print(f"time steps per epoch: {buckets.padded_steps():,} in buckets against {full_steps:,} "
      f"padded to {MAXLEN}: {1 - buckets.padded_steps() / full_steps:.0%} fewer")
dlex.record("buckets.step_share", buckets.padded_steps() / full_steps)

# %% [markdown]
# ## 6. A baseline without recurrence: embedding and flatten
#
# Word numbers are labels, not quantities: word 40 is not "twice" word 20. An
# **embedding** layer gives each of the `NUM_WORDS` words its own learned vector of
# d numbers — a lookup table of NUM_WORDS × d weights — and replaces every word number
# with its vector. A review of 250 words becomes a 250 × d matrix.
#
# The first model flattens that matrix into one long vector and feeds it to a single
# sigmoid unit: Embedding(10000, 8) → Flatten → Dense(1, sigmoid). It learns which
# words at which positions signal praise or scorn, but it has no notion of order
# beyond fixed positions. The embedding carries an L2 penalty λ Σ w² with λ = 0.01
# (`regularizers.L2(0.01)`, ten times Lab 2's 0.001). The loss is binary cross-entropy,
# −[y log p + (1 − y) log(1 − p)] for label y and predicted probability p; the
# optimizer RMSprop; batches of 256 reviews; seed 654. An epoch of this model takes a
# fraction of a second, so it trains all `MAX_EPOCHS` epochs the course specified
# (`patience=MAX_EPOCHS`), and early stopping only puts back the best epoch's weights.

# %% part="embedding"
dlex.seed(SEED_EMBEDDING)
model_embedding = keras.Sequential([
    keras.Input(shape=(MAXLEN,)),
    keras.layers.Embedding(NUM_WORDS, 8, embeddings_regularizer=keras.regularizers.L2(0.01)),
    keras.layers.Flatten(),
    keras.layers.Dense(1, activation="sigmoid"),
], name="embedding")
model_embedding.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
print(f"parameters: 10000·8 (embedding) + 250·8 + 1 (dense) = {10000 * 8 + 250 * 8 + 1:,}; "
      f"Keras: {model_embedding.count_params():,}")
history_embedding = train("embedding", model_embedding, batch_size=256, seed=SEED_EMBEDDING, padded=True,
                          lr_drop=False, patience=MAX_EPOCHS)
plots.plot_history(history_embedding, title="Embedding + flatten");

# %% [markdown]
# ## 7. Recurrent classifiers: a simple RNN, and a GRU that learns nothing
#
# Now the words are read in order. Each model is Embedding(10000, 32) → a recurrent
# layer of 32 units that returns only its last state → Dense(1, sigmoid). As specified
# by the course, the embedding and the recurrent layer's input kernel both carry
# L2(0.01), and the batches hold 1024 reviews.
#
# `recurrent_classifier` builds and compiles such a model around a given recurrent
# layer; `WeightWatcher` records the size of the two penalised weight matrices after
# every epoch, for section 7's diagnosis.

# %% part="recurrent-classifier"
def recurrent_classifier(recurrent_layer, l2=0.01, name=None):
    penalty = keras.regularizers.L2(l2) if l2 else None
    model = keras.Sequential([
        keras.Input(shape=(None,), dtype="int32"),      # any length: batches differ
        keras.layers.Embedding(NUM_WORDS, 32, embeddings_regularizer=penalty),
        recurrent_layer,
        keras.layers.Dense(1, activation="sigmoid"),
    ], name=name)
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model


class WeightWatcher(keras.callbacks.Callback):
    """The size ‖w‖ of the embedding table and of the recurrent layer's input kernel,
    before training and after every epoch."""

    def sizes(self):
        embedding, recurrent = self.model.layers[0], self.model.layers[1]
        return {"embedding": float(np.linalg.norm(embedding.get_weights()[0])),
                "kernel": float(np.linalg.norm(recurrent.get_weights()[0]))}

    def on_train_begin(self, logs=None):
        self.norms = {label: [size] for label, size in self.sizes().items()}

    def on_epoch_end(self, epoch, logs=None):
        for label, size in self.sizes().items():
            self.norms[label].append(size)


# %% [markdown]
# First the simple RNN (seed 7766).

# %% part="simple-rnn"
dlex.seed(SEED_SIMPLE_RNN)
model_simple_rnn = recurrent_classifier(
    keras.layers.SimpleRNN(32, kernel_regularizer=keras.regularizers.L2(0.01)), name="simple_rnn")
print(f"parameters: 10000·32 + (32·32 + 32·32 + 32) + (32 + 1) = "
      f"{10000 * 32 + 32 * 32 * 2 + 32 + 33:,}; Keras: {model_simple_rnn.count_params():,}")
watch_simple_rnn = WeightWatcher()
history_simple_rnn = train("simple_rnn", model_simple_rnn, batch_size=1024, seed=SEED_SIMPLE_RNN,
                           callbacks=[watch_simple_rnn], lr_drop=False)
plots.plot_history(history_simple_rnn, title="SimpleRNN(32), L2(0.01)");

# %% [markdown]
# Next the same model with a GRU (seed 4545). Before training, we save its initial
# weights: section 8 restarts from them. We also attach `WeightWatcher` to follow the
# size of the penalised weights.

# %% part="gru"
dlex.seed(SEED_GRU)
model_gru = recurrent_classifier(
    keras.layers.GRU(32, kernel_regularizer=keras.regularizers.L2(0.01)), name="gru")
initial_gru_weights = model_gru.get_weights()
watch_gru = WeightWatcher()
history_gru = train("gru", model_gru, batch_size=1024, seed=SEED_GRU, callbacks=[watch_gru], lr_drop=False)
plots.plot_history(history_gru, title="GRU(32), L2(0.01)");
print(f"training accuracy over {len(history_gru.history['accuracy'])} epoch(s): "
      f"{min(history_gru.history['accuracy']):.3f} to {max(history_gru.history['accuracy']):.3f}")

# %% [markdown]
# Look at the training accuracy, whose range the cell printed: where it stays near
# 50 %, the score of a model that gives every review the same answer, the GRU has
# learned nothing. The validation accuracy then wanders a few points around it, and
# early stopping keeps whichever epoch happened to score best. The next cell shows how
# much its answers depend on the review: a model that had learned would give
# probabilities spread between 0 and 1.

# %%
probabilities_gru = PROBABILITIES["gru"][1]
print(f"GRU: predicted probability of 'positive' over {len(probabilities_gru):,} test reviews: "
      f"min {probabilities_gru.min():.4f}, max {probabilities_gru.max():.4f}, "
      f"standard deviation {probabilities_gru.std():.1e}")
dlex.record("gru.prediction_std", float(probabilities_gru.std()))

# %% [markdown]
# ### What goes wrong
#
# Training follows the gradient of the **total** loss: the data's cross-entropy plus
# the penalty λ Σ w² of each penalised weight matrix. The penalty's gradient is 2λw;
# it always points towards zero. The cell measures, on the initial weights and 512
# training reviews, the size of each part of the gradient for the two penalised
# matrices — for the simple RNN and for the GRU.

# %%
def data_gradients(model, x, y):
    """Gradient of the mean cross-entropy alone (no penalty) for each trainable weight."""
    y = np.asarray(y, dtype="float32").reshape(-1, 1)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.losses.binary_crossentropy(y, model(x)))
        return [np.asarray(tf.convert_to_tensor(g)) for g in tape.gradient(loss, model.trainable_variables)]
    if backend == "jax":
        import jax

        frozen = [v.value for v in model.non_trainable_variables]

        def loss(values):
            predictions, _ = model.stateless_call(values, frozen, x)
            return keras.ops.mean(keras.losses.binary_crossentropy(y, predictions))

        return [np.asarray(g) for g in jax.grad(loss)([v.value for v in model.trainable_variables])]
    if backend == "torch":
        model.zero_grad()
        keras.ops.mean(keras.losses.binary_crossentropy(y, model(x))).backward()
        return [v.value.grad.cpu().numpy() for v in model.trainable_variables]
    raise NotImplementedError(f"no gradient helper for the {backend} backend")


def gradient_sizes(model, weights, x, y, l2=0.01):
    """‖data gradient‖ and ‖penalty gradient‖ = 2λ‖w‖ of the embedding table and of the
    recurrent layer's input kernel, with the model's weights set to ``weights``."""
    current = model.get_weights()
    model.set_weights(weights)
    grads = data_gradients(model, x, y)
    paths = [v.path for v in model.trainable_variables]
    sizes = {}
    for label, layer in (("embedding", model.layers[0]), ("kernel", model.layers[1])):
        w = layer.trainable_weights[0]            # the embedding table; the GRU's input kernel
        g = grads[paths.index(w.path)]
        sizes[label] = (float(np.linalg.norm(g)), float(2 * l2 * np.linalg.norm(keras.ops.convert_to_numpy(w))))
    model.set_weights(current)
    return sizes


probe_x, probe_y = x_fit[:512], fit_labels[:512]
dlex.seed(SEED_SIMPLE_RNN)
fresh_simple_rnn = recurrent_classifier(
    keras.layers.SimpleRNN(32, kernel_regularizer=keras.regularizers.L2(0.01)))
gradients_at_start = {"SimpleRNN": gradient_sizes(fresh_simple_rnn, fresh_simple_rnn.get_weights(), probe_x, probe_y),
                      "GRU": gradient_sizes(model_gru, initial_gru_weights, probe_x, probe_y)}
print(f"{'model':10}{'weights':12}{'‖data gradient‖':>17}{'‖penalty gradient‖':>20}{'penalty / data':>16}")
for model_name, sizes in gradients_at_start.items():
    for label, (data_size, penalty_size) in sizes.items():
        print(f"{model_name:10}{label:12}{data_size:>17.2e}{penalty_size:>20.2e}{penalty_size / data_size:>16.1f}")
        dlex.record(f"diagnosis.{model_name.lower()}_{label}_penalty_to_data", penalty_size / data_size)

# %% [markdown]
# At the start the GRU's data gradient is much weaker than the simple RNN's, and the
# penalty's pull is many times stronger than the data's push. Why weaker? A freshly
# initialised GRU has small weights, so its update gate z ≈ σ(0) = 0.5: each step keeps
# half of the old state and takes half of the new candidate, so the last state depends
# mostly on the last few words, and so does the gradient. Both layers start with an
# orthogonal recurrent matrix (Keras's default), so that is not the difference; the
# gate's mixing is. The simple RNN passes its whole state through that matrix at every
# step, and so carries much more of earlier words along.
#
# The optimizer makes the imbalance decisive. RMSprop divides each weight's gradient by
# a running average of that gradient's size, so every weight moves by about the
# learning rate (0.001) per update, in the direction of its gradient, whatever that
# gradient's size. Where the penalty's pull dominates, each update moves the weight
# about 0.001 towards zero; the embedding starts with values of at most 0.05. The
# plot follows the size of the two penalised matrices epoch by epoch.

# %%
norm_curves = {f"{model_name} {label}": (np.arange(len(v)), v)
               for model_name, watcher in (("SimpleRNN", watch_simple_rnn), ("GRU", watch_gru))
               for label, v in watcher.norms.items()}
plots.plot_curves(norm_curves, xlabel="epoch (0 = initial weights)", ylabel="‖w‖ (Frobenius norm)",
                  marker="o", title="Size of the penalised weights during training");
for model_name, watcher in (("simple_rnn", watch_simple_rnn), ("gru", watch_gru)):
    for label, v in watcher.norms.items():
        print(f"{model_name} {label}: ‖w‖ {v[0]:.2f} at the start, {min(v):.3f} at its smallest, "
              f"{v[-1]:.3f} after the last epoch")
        dlex.record(f"{model_name}.{label}_norm_start", v[0])
        dlex.record(f"{model_name}.{label}_norm_end", v[-1])

# %% [markdown]
# The GRU's embedding collapses towards zero within the first epochs. Once every word
# vector is (almost) zero, every review looks the same to the GRU, so it cannot tell
# them apart, and the data gradient that could rebuild the vectors is itself tiny:
# it passes through the kernel, which the penalty is shrinking too. The network is
# stuck at "same answer for everyone". The penalty's share of the loss shows the
# imbalance from the other side:

# %%
def penalty_share(model, x, y):
    """Penalty / (data loss + penalty) for the model's current weights, on (x, y)."""
    p = np.clip(model.predict(x, verbose=0).ravel(), 1e-7, 1 - 1e-7)
    data = float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))
    penalty = float(sum(np.asarray(loss) for loss in model.losses))
    return penalty / (data + penalty), data, penalty


current = model_gru.get_weights()
model_gru.set_weights(initial_gru_weights)
share_start, data_start, penalty_start = penalty_share(model_gru, probe_x, probe_y)
model_gru.set_weights(current)
share_end, data_end, penalty_end = penalty_share(model_gru, probe_x, probe_y)
print(f"GRU at the start: data loss {data_start:.3f}, penalty {penalty_start:.3f} "
      f"→ the penalty is {share_start:.0%} of the loss")
print(f"GRU at the end:   data loss {data_end:.3f}, penalty {penalty_end:.4f} "
      f"→ the penalty is {share_end:.1%} of the loss")
dlex.record("gru.penalty_share_start", share_start)
dlex.record("gru.penalty_share_end", share_end)

# %% [markdown]
# λ = 0.01 looks small, but it multiplies a **sum** over 320,000 embedding weights and
# 3,072 kernel weights, while the data loss is an **average** over reviews, near
# ln 2 ≈ 0.69 for a network that guesses. At the start the penalty outweighs the data
# several times over. The penalty ends up almost zero too, and with it the loss:
# a falling loss with a flat accuracy is the signature of this failure.

# %% [markdown]
# ## 8. What a practitioner changes
#
# Three changes: the first two each aimed at one half of the diagnosis, the third at
# what comes once the network learns.
#
# * **A penalty sized against the data loss.** λ = `L2_SMALL` (0.0001) instead of 0.01,
#   on the same two matrices: 100 times weaker. The penalty's gradient 2λw shrinks by
#   the same factor, so its pull falls below the data's push (the cell computes the
#   ratios from the measurement above), and at the start it is a small share of the
#   loss instead of most of it. Its job is now the one it was meant for: to keep
#   weights that the data does not need from growing.
# * **Smaller batches.** Batches of `BATCH_SMALL` (32) reviews instead of 1024 make 32
#   times as many updates per epoch. With RMSprop each update moves a weight by about the
#   learning rate, so the number of updates, more than the number of epochs, sets how
#   far the weights can travel; the GRU's weak start needs many of them. The price of an
#   epoch hardly changes: the work per review is the same, only cut into more, smaller
#   steps (compare the seconds per epoch of the two GRUs in section 14's table).
# * **A smaller step once progress stalls.** RMSprop moves each weight by roughly its
#   learning rate (0.001) per update, whatever the size of the gradient. Close to a good
#   solution such steps overshoot it, and validation accuracy swings up and down from
#   epoch to epoch instead of settling. So after each epoch whose validation accuracy
#   does not beat the best so far, we multiply the learning rate by `LR_FACTOR` = 0.3
#   (`keras.callbacks.ReduceLROnPlateau`; like early stopping, it ignores gains below
#   `MIN_DELTA`). A run that stalls for `PATIENCE` = 2 epochs in a row has had its rate
#   cut twice, to 0.001 · 0.3² = 0.00009, when early stopping ends it. `train` does this for every model from here on; the three models
#   above were trained as the course specified them (`lr_drop=False`). Section 14's
#   table shows where each model's rate ended.
#
# Everything else stays: the architecture, RMSprop with its default starting rate, and
# **the same initial weights** (seed 4545). Early stopping keeps the best epoch.

# %% part="gru-fixed"
dlex.seed(SEED_GRU)
model_gru_fixed = recurrent_classifier(
    keras.layers.GRU(32, kernel_regularizer=keras.regularizers.L2(L2_SMALL)), l2=L2_SMALL, name="gru_fixed")
model_gru_fixed.set_weights(initial_gru_weights)
share_small, _, _ = penalty_share(model_gru_fixed, probe_x, probe_y)
for label, (data_size, penalty_size) in gradients_at_start["GRU"].items():
    print(f"GRU {label}: penalty / data gradient {penalty_size / data_size:.1f} with λ = 0.01, "
          f"{penalty_size * L2_SMALL / 0.01 / data_size:.2f} with λ = {L2_SMALL:g}")
print(f"penalty's share of the loss at the start: {share_start:.0%} with λ = 0.01, "
      f"{share_small:.1%} with λ = {L2_SMALL:g}")
dlex.record("gru_fixed.penalty_share_start", share_small)
watch_gru_fixed = WeightWatcher()
history_gru_fixed = train("gru_fixed", model_gru_fixed, batch_size=BATCH_SMALL, seed=SEED_GRU,
                          callbacks=[watch_gru_fixed])

# %%
plots.plot_histories({"GRU, L2(0.01), batches of 1024": history_gru,
                      f"GRU, L2({L2_SMALL:g}), batches of {BATCH_SMALL}": history_gru_fixed},
                     key="val_accuracy", title="The same GRU, before and after the two changes");
print(f"test accuracy: GRU as specified {RESULTS['gru']['test_accuracy']:.4f}, "
      f"after the changes {RESULTS['gru_fixed']['test_accuracy']:.4f}")
print(f"embedding size ‖w‖: {watch_gru_fixed.norms['embedding'][0]:.2f} at the start, "
      f"{watch_gru_fixed.norms['embedding'][-1]:.2f} after the last epoch")
dlex.record("gru_fixed.embedding_norm_end", watch_gru_fixed.norms["embedding"][-1])

# %% [markdown]
# The GRU now learns, and its word vectors keep their size instead of collapsing. Its
# history (below) shows the next thing to watch: training accuracy keeps climbing after
# validation accuracy has levelled off — the network starts to memorise the training
# reviews, and early stopping ends the run there.

# %%
plots.plot_history(history_gru_fixed, title=f"GRU(32), L2({L2_SMALL:g}), batches of {BATCH_SMALL}");

# %% [markdown]
# ## 9. The LSTM
#
# The same classifier with an LSTM(32) layer and section 8's settings: L2(`L2_SMALL`)
# on the embedding and the input kernel, batches of `BATCH_SMALL` (seed 1997). Its
# recurrent layer has four sets of gate weights where the GRU has three.

# %% part="lstm"
dlex.seed(SEED_LSTM)
model_lstm = recurrent_classifier(
    keras.layers.LSTM(32, kernel_regularizer=keras.regularizers.L2(L2_SMALL)), l2=L2_SMALL, name="lstm")
print(f"LSTM layer: 4·(32·32 + 32·32 + 32) = {4 * (32 * 32 * 2 + 32):,} weights; "
      f"GRU layer: 3·(32·32 + 32·32 + 2·32) = {3 * (32 * 32 * 2 + 64):,}")
history_lstm = train("lstm", model_lstm, batch_size=BATCH_SMALL, seed=SEED_LSTM)
plots.plot_history(history_lstm, title=f"LSTM(32), L2({L2_SMALL:g}), batches of {BATCH_SMALL}");

# %% [markdown]
# ## 10. Dropout in recurrent networks
#
# Dropout (Lab 4) zeroes a random share of a layer's inputs during training. A
# recurrent layer has two kinds of input: x₍t₎ and its own previous state h₍t−1₎.
# `dropout` drops entries of x₍t₎; `recurrent_dropout` drops entries of h₍t−1₎.
# Drawing a fresh mask for h at every step would erase the memory a little more at
# each of the 250 steps. Gal & Ghahramani (2016) instead draw **one mask per sequence**
# and use it at every step; Keras does the same.
#
# ### Exercise 1 — a GRU with dropout
#
# Build `model_ex1`: Embedding(`NUM_WORDS`, 32) → GRU(32) with `dropout=0.5` and
# `recurrent_dropout=0.1` → Dense(1, sigmoid), with no penalty anywhere (dropout takes
# its place), compiled with RMSprop and binary cross-entropy, accuracy as metric. Call
# `dlex.seed(SEED_EX1)` just before building it (`recurrent_classifier` can build it
# for you). Train it with `history_ex1 = train("gru_dropout", model_ex1,
# batch_size=BATCH_SMALL, seed=SEED_EX1)`.

# %% part="ex1"
### BEGIN SOLUTION
dlex.seed(SEED_EX1)
model_ex1 = recurrent_classifier(keras.layers.GRU(32, dropout=0.5, recurrent_dropout=0.1), l2=0)
history_ex1 = train("gru_dropout", model_ex1, batch_size=BATCH_SMALL, seed=SEED_EX1)
### END SOLUTION

# %% part="ex1-check"
dlex.check("lab07.ex1")

# %%
plots.plot_history(history_ex1, title="GRU(32), dropout 0.5, recurrent dropout 0.1");
print(f"test accuracy: GRU of section 8 {RESULTS['gru_fixed']['test_accuracy']:.4f}, "
      f"GRU with dropout {RESULTS['gru_dropout']['test_accuracy']:.4f}; epochs run: "
      f"{RESULTS['gru_fixed']['epochs_run']} and {RESULTS['gru_dropout']['epochs_run']}")

# %% [markdown]
# Dropout makes each update noisier, so training accuracy rises more slowly and the
# gap between training and validation accuracy stays smaller. Whether it beats early
# stopping alone within `MAX_EPOCHS` is what your printed numbers say.

# %% [markdown]
# ## 11. Bidirectional RNNs
#
# A recurrent layer reading left to right knows only the past at each step. For a
# whole review we may read both ways: a **bidirectional** layer runs a second copy of
# the layer, with its own weights, from the last word to the first, and joins the two
# states (Keras concatenates them by default). That breaks causality on purpose, so it
# suits tasks with the whole sequence at hand — classifying a review, not forecasting
# the next value. `dlex.scratch.rnn.bidirectional_forward` does it in NumPy; the cell
# checks it against Keras.

# %%
bidirectional = keras.layers.Bidirectional(keras.layers.GRU(4, return_sequences=True))
bidirectional(x_check)
both = random_weights(bidirectional)
states_both, _ = rnn.bidirectional_forward(x_check, both[:3], both[3:], cell="gru")
diff_bidirectional = float(np.max(np.abs(np.asarray(bidirectional(x_check)) - states_both)))
print(f"Bidirectional(GRU(4)): output {states_both.shape}, largest difference {diff_bidirectional:.1e}")
assert diff_bidirectional < 1e-5
dlex.record("parity.bidirectional_max_diff", diff_bidirectional)

# %% [markdown]
# ### Exercise 2 — a bidirectional GRU
#
# Build `model_ex2`: Embedding(`NUM_WORDS`, 32) with the L2(0.01) penalty →
# `Bidirectional(GRU(32, dropout=0.3, recurrent_dropout=0.02))` → Dense(1, sigmoid),
# compiled like Exercise 1, after `dlex.seed(SEED_EX2)`. The GRU inside has no
# penalty. Train it with `history_ex2 = train("bigru", model_ex2,
# batch_size=BATCH_SMALL, seed=SEED_EX2)`.

# %% part="ex2"
### BEGIN SOLUTION
dlex.seed(SEED_EX2)
model_ex2 = recurrent_classifier(
    keras.layers.Bidirectional(keras.layers.GRU(32, dropout=0.3, recurrent_dropout=0.02)), l2=0.01)
history_ex2 = train("bigru", model_ex2, batch_size=BATCH_SMALL, seed=SEED_EX2)
### END SOLUTION

# %% part="ex2-check"
dlex.check("lab07.ex2")

# %%
plots.plot_history(history_ex2, title="Bidirectional GRU(32), L2(0.01) on the embedding");

# %% [markdown]
# This model keeps L2(0.01) on the embedding; compare its printed test accuracy with
# the course GRU's. It differs from that GRU in more than the missing penalty on the
# GRU's kernel: it also trains in smaller batches with the learning-rate drop, uses
# dropout, and reads both directions, and this lab runs no control that changes only
# the penalty. So the measurement says that this combination learns, not which change
# makes it learn. One change fits the explanation of section 7: with no penalty on the
# kernel, nothing stops the kernel from growing to make up for small word vectors.

# %% [markdown]
# ## 12. Generating text, one character at a time
#
# A recurrent network that predicts the next element of a sequence can also
# **generate**: predict a distribution for the next element, draw one from it, feed
# it back as the next input, and repeat. Here the elements are characters. We decode
# `CHAR_REVIEWS` training reviews back to text and train a GRU to predict, at every
# position of a window of text, the character that follows. The output layer is
# a softmax over the alphabet, and `return_sequences=True` makes the GRU answer at
# every step, so one window of `CHAR_WINDOW` characters gives that many training
# examples.

# %%
def review_text(tokens):
    return " ".join(index_to_word[t] for t in tokens if t > 2)   # no start, no unknown words


text = "\n".join(review_text(r) for r in x_train_all[:CHAR_REVIEWS])
alphabet = sorted(set(text))
char_index = {c: i for i, c in enumerate(alphabet)}
encoded = np.array([char_index[c] for c in text], dtype="int32")
cut = int(0.9 * len(encoded))
print(f"{len(text):,} characters from {CHAR_REVIEWS} reviews; alphabet of {len(alphabet)}: "
      f"{''.join(alphabet)!r}")


def windows(codes, width):
    """Non-overlapping windows: inputs codes[t..t+width), targets one character later."""
    count = (len(codes) - 1) // width
    inputs = codes[:count * width].reshape(count, width)
    targets = codes[1:count * width + 1].reshape(count, width)
    return inputs, targets


char_x, char_y = windows(encoded[:cut], CHAR_WINDOW)
char_val_x, char_val_y = windows(encoded[cut:], CHAR_WINDOW)
dlex.seed(SEED_CHAR)
char_model = keras.Sequential([
    keras.Input(shape=(None,), dtype="int32"),
    keras.layers.Embedding(len(alphabet), 16),
    keras.layers.GRU(CHAR_UNITS, return_sequences=True),
    keras.layers.Dense(len(alphabet), activation="softmax"),
], name="char_gru")
char_model.compile(optimizer=keras.optimizers.RMSprop(0.003), loss="sparse_categorical_crossentropy")
char_timer = EpochTimer()
history_char = char_model.fit(char_x, char_y, batch_size=64, epochs=CHAR_EPOCHS,
                              validation_data=(char_val_x, char_val_y), callbacks=[char_timer], verbose=2)

# %% [markdown]
# The loss is the cross-entropy of the next character in nats (natural logarithm);
# divided by ln 2 it is in **bits per character**. The baseline is a model that ignores
# context and predicts each character by its frequency in the training text; the lower
# the GRU goes below it, the more of the language's structure it uses.

# %%
frequencies = np.bincount(encoded[:cut], minlength=len(alphabet)) / cut
val_codes = encoded[cut:]
unigram_bits = float(-np.mean(np.log2(np.maximum(frequencies[val_codes], 1e-12))))
gru_bits = float(min(history_char.history["val_loss"]) / np.log(2))
print(f"validation text: {unigram_bits:.2f} bits per character by frequency alone, "
      f"{gru_bits:.2f} with the GRU")
dlex.record("generation.unigram_bits_per_char", unigram_bits)
dlex.record("generation.val_bits_per_char", gru_bits)

# %% [markdown]
# To generate, we read a start text, take the model's distribution for the next
# character, draw one character from it, feed it in, and repeat. Calling Keras once per
# character would spend most of the time on call overhead, so we run the trained
# weights step by step in our NumPy GRU, `rnn.gru_forward`, carrying its state from one
# character to the next; the cell first checks it gives Keras's probabilities.
#
# A **temperature** τ reshapes the distribution before drawing: p ∝ exp(s/τ), where s
# are the scores the softmax turns into probabilities. τ < 1 sharpens it towards the
# likeliest characters (safer, more repetitive text); τ = 1 samples the model as it is.

# %%
char_table = char_model.layers[0].get_weights()[0]
char_gru = char_model.layers[1].get_weights()
char_out_kernel, char_out_bias = char_model.layers[2].get_weights()


def next_scores(codes, state=None):
    """Read ``codes`` from ``state``; return the softmax's input scores and the new state."""
    _, state = rnn.gru_forward(char_table[codes][None], *char_gru, initial_state=state)
    return (state @ char_out_kernel + char_out_bias)[0], state


start_text = "this movie "
start_codes = [char_index[c] for c in start_text]
scores, _ = next_scores(start_codes)
numpy_p = np.exp(scores - scores.max()) / np.exp(scores - scores.max()).sum()
keras_p = char_model.predict(np.array([start_codes]), verbose=0)[0, -1]
print(f"next-character probabilities after {start_text!r}: NumPy vs Keras, largest difference "
      f"{np.max(np.abs(numpy_p - keras_p)):.1e}")
assert np.max(np.abs(numpy_p - keras_p)) < 1e-4


def generate(start, length, temperature, rng):
    codes = [char_index[c] for c in start]
    scores, state = next_scores(codes)
    for _ in range(length):
        p = np.exp((scores - scores.max()) / temperature)
        codes.append(int(rng.choice(len(p), p=p / p.sum())))
        scores, state = next_scores(codes[-1:], state)
    return "".join(alphabet[c] for c in codes)


vocabulary = set(text.split())
for temperature in (0.5, 1.0):
    sample = generate(start_text, 300, temperature, np.random.default_rng(SEED_CHAR))
    words = sample.split()[2:-1]            # without the start text and a cut-off last word
    real = float(np.mean([w in vocabulary for w in words])) if words else 0.0
    print(f"τ = {temperature}: {sample!r}\n  {real:.0%} of the generated words occur in the training text\n")
    dlex.record(f"generation.real_word_share_t{int(temperature * 10):02d}", real)
    dlex.record(f"generation.sample_t{int(temperature * 10):02d}", sample)
keep_result("char_gru", SEED_CHAR, char_timer, params=char_model.count_params(), result=f"{gru_bits:.2f} bits/char")

# %% [markdown]
# The text is not English. The printed shares say how much of it is made of real
# words: whatever the share, every word boundary and every spelling in it was learned
# from characters alone, with no notion of a word given to the network.

# %% [markdown]
# ## 13. Forecasting a series, and stacking recurrent layers
#
# A recurrent network can also read numbers. We generate an hourly temperature-like
# series: a daily cycle, a yearly cycle, slowly wandering "weather" and measurement
# noise. The task: from the last `FORECAST_WINDOW` hours, predict the value
# `FORECAST_HORIZON` hours after the last one. The first 70 % of the series is for
# training, the next 15 % for validation, the last 15 % for testing, in time order so
# the model is always tested on a later period than it trained on.
#
# The naive forecast to beat is "the value stays what it is now": the last value seen.

# %%
series_rng = np.random.default_rng(SEED_FORECAST)
hours = np.arange(SERIES_HOURS)
weather = np.zeros(SERIES_HOURS)
for t in range(1, SERIES_HOURS):                      # slow random drift that decays
    weather[t] = 0.995 * weather[t - 1] + series_rng.normal(0.0, 0.3)
series = (10 + 5 * np.sin(2 * np.pi * (hours - 9) / 24) + 8 * np.sin(2 * np.pi * hours / 8760)
          + weather + series_rng.normal(0.0, 0.5, SERIES_HOURS))
train_end, val_end = int(0.7 * SERIES_HOURS), int(0.85 * SERIES_HOURS)
mean, std = series[:train_end].mean(), series[:train_end].std()
scaled = ((series - mean) / std).astype("float32")


def forecast_windows(start, stop):
    """Inputs: FORECAST_WINDOW values; target: the value FORECAST_HORIZON steps after the last."""
    last = np.arange(start + FORECAST_WINDOW - 1, stop - FORECAST_HORIZON)
    inputs = np.stack([scaled[t - FORECAST_WINDOW + 1:t + 1] for t in last])[..., None]
    return inputs, scaled[last + FORECAST_HORIZON]


(fx_train, fy_train), (fx_val, fy_val), (fx_test, fy_test) = (
    forecast_windows(0, train_end), forecast_windows(train_end, val_end), forecast_windows(val_end, SERIES_HOURS))
print(f"{SERIES_HOURS:,} hours; windows: {len(fx_train):,} training, {len(fx_val):,} validation, "
      f"{len(fx_test):,} test")
plots.plot_sequence_continuations(series[val_end:val_end + 24 * 7], series[val_end + 24 * 7:val_end + 24 * 9],
                                  {}, start=val_end + 24 * 7, xlabel="hour",
                                  title="One week of the test period, and the two days after it");

# %%
def rmse_degrees(predicted_scaled, target_scaled):
    return float(np.sqrt(np.mean((np.ravel(predicted_scaled) - np.ravel(target_scaled)) ** 2)) * std)


naive_rmse = rmse_degrees(fx_test[:, -1, 0], fy_test)
print(f"naive forecast (last value): test RMSE {naive_rmse:.2f} degrees")
dlex.record("forecast.naive_rmse", naive_rmse)

# %% [markdown]
# Two recurrent forecasters, trained with mean squared error and early stopping on the
# validation period: one GRU(32) layer, and a **stacked** (deep) RNN of two GRU(32)
# layers. To stack, the lower layer must hand its whole sequence of states to the
# upper one (`return_sequences=True`); only the top layer returns just its last state.

# %%
def forecaster(layers_count, seed):
    dlex.seed(seed)
    layers = [keras.Input(shape=(FORECAST_WINDOW, 1))]
    layers += [keras.layers.GRU(32, return_sequences=True) for _ in range(layers_count - 1)]
    layers += [keras.layers.GRU(32), keras.layers.Dense(1)]
    model = keras.Sequential(layers, name=f"forecast_{layers_count}")
    model.compile(optimizer="rmsprop", loss="mse")
    return model


forecasts, forecast_errors = {}, {}
for layers_count, name in ((1, "forecast"), (2, "forecast_stacked")):
    model = forecaster(layers_count, SEED_FORECAST)
    timer = EpochTimer()
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=PATIENCE, restore_best_weights=True)
    model.fit(fx_train, fy_train, batch_size=256, epochs=FORECAST_EPOCHS,
              validation_data=(fx_val, fy_val), callbacks=[stop, timer], verbose=0)
    forecasts[name] = model.predict(fx_test, batch_size=1000, verbose=0).ravel()
    forecast_errors[name] = rmse_degrees(forecasts[name], fy_test)
    keep_result(name, SEED_FORECAST, timer, params=model.count_params(), result=f"RMSE {forecast_errors[name]:.2f}°")
    print(f"{layers_count} GRU layer(s): {model.count_params():,} weights, {len(timer.seconds)} epochs, "
          f"test RMSE {forecast_errors[name]:.2f} degrees")
dlex.record("forecast.rmse", forecast_errors["forecast"])
dlex.record("forecast.stacked_rmse", forecast_errors["forecast_stacked"])
print(f"test RMSE: naive {naive_rmse:.2f}, one GRU {forecast_errors['forecast']:.2f}, "
      f"two stacked GRUs {forecast_errors['forecast_stacked']:.2f}")

# %%
week = slice(0, 24 * 3)
plots.plot_sequence_continuations(
    series[val_end:val_end + FORECAST_WINDOW], fy_test[week] * std + mean,
    {"naive (last value)": fx_test[week, -1, 0] * std + mean,
     "one GRU": forecasts["forecast"][week] * std + mean,
     "two stacked GRUs": forecasts["forecast_stacked"][week] * std + mean},
    start=val_end + FORECAST_WINDOW - 1 + FORECAST_HORIZON, xlabel="hour",
    title=f"Forecasts {FORECAST_HORIZON} hours ahead over three test days");

# %% [markdown]
# The naive forecast lags the daily cycle by `FORECAST_HORIZON` hours; the recurrent
# forecasters have learned where in the cycle the window ends and what usually comes
# next. Whether the second layer pays for its extra weights here is what your printed
# errors say: a deeper network helps when one layer cannot represent the pattern, and
# this series is simple.

# %% [markdown]
# ## 14. All models side by side
#
# Seconds per epoch are the median over the epochs after the first (the first also
# builds the computation); they include the pass over the validation data. "Last rate"
# is the learning rate after the last epoch (it starts at 0.001). Test results are
# those of the weights early stopping kept.

# %%
names = {"embedding": "Embedding + Flatten", "simple_rnn": "SimpleRNN, L2(0.01)", "gru": "GRU, L2(0.01)",
         "gru_fixed": "GRU, practitioner's", "lstm": "LSTM, practitioner's", "gru_dropout": "GRU + dropout (Ex. 1)",
         "bigru": "Bidirectional GRU (Ex. 2)", "char_gru": "Character GRU",
         "forecast": "Forecast, 1 GRU", "forecast_stacked": "Forecast, 2 GRUs"}
print(f"{'model':27}{'parameters':>11}{'epochs':>8}{'s/epoch':>9}{'last rate':>11}  test result")
for key, label in names.items():
    r = RESULTS[key]
    outcome = r.get("result") or f"accuracy {r['test_accuracy']:.4f}"
    rate = f"{r['final_learning_rate']:.1e}" if "final_learning_rate" in r else "-"
    print(f"{label:27}{r['params']:>11,}{r['epochs_run']:>8}{r['seconds_per_epoch']:>9.2f}{rate:>11}  {outcome}")

# %% [markdown]
# **Averaging models.** The classifiers make partly different mistakes, so a common,
# cheap improvement is to average their predicted probabilities and call a review
# positive when the average exceeds 0.5. Which models to average is decided on the
# validation reviews, never on the test set: we take the `ENSEMBLE_SIZE` models with the
# best validation accuracy. No model is trained again; each one's predictions were kept
# when it was scored.

# %%
def accuracy(probabilities, labels):
    return float(np.mean((probabilities > 0.5) == labels))


by_validation = sorted(PROBABILITIES, key=lambda k: accuracy(PROBABILITIES[k][0], val_labels), reverse=True)
members = by_validation[:ENSEMBLE_SIZE]
ensemble_val = accuracy(np.mean([PROBABILITIES[k][0] for k in members], axis=0), val_labels)
ensemble_test = accuracy(np.mean([PROBABILITIES[k][1] for k in members], axis=0), y_test)
for k in members:
    print(f"{names[k]:27} validation {accuracy(PROBABILITIES[k][0], val_labels):.4f}   "
          f"test {RESULTS[k]['test_accuracy']:.4f}")
print(f"{'average of these ' + str(len(members)):27} validation {ensemble_val:.4f}   test {ensemble_test:.4f}")
dlex.record("ensemble.members", ",".join(members))
dlex.record("ensemble.val_accuracy", ensemble_val)
dlex.record("ensemble.test_accuracy", ensemble_test)
# The best model, ensemble included, is chosen on the validation reviews; its test accuracy is then read once.
val_candidates = {k: accuracy(PROBABILITIES[k][0], val_labels) for k in PROBABILITIES} | {"ensemble": ensemble_val}
test_candidates = {k: RESULTS[k]["test_accuracy"] for k in PROBABILITIES} | {"ensemble": ensemble_test}
best = max(val_candidates, key=val_candidates.get)
print(f"\nbest on the validation reviews: {best} ({val_candidates[best]:.4f}); "
      f"its test accuracy {test_candidates[best]:.4f}")
dlex.record("summary.best_model", best)
dlex.record("summary.best_val_accuracy", val_candidates[best])
dlex.record("summary.best_test_accuracy", test_candidates[best])

# %% [markdown]
# ## Evaluation questions
#
# The next cell lists this lab's questions. Answer each one in a cell of your own with
# `dlex.answer("lab07.q1", 2)` (choices by their number, numbers as numbers), or all of
# them in the terminal with `dlex quiz lab07`. The questions about results are checked
# against the numbers your own run recorded.

# %%
dlex.quiz("lab07")
