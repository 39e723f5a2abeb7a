# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   dlex:
#     lab: 2
#     title: Getting started with Keras
#     description: Train, watch, regularise and inspect four dense networks that read handwritten digits.
#     minutes_full: 1.8
#     minutes_quick: 0.5
#     quick: {TRAIN_LIMIT: 6000, VALIDATION_SIZE: 1000, EPOCHS_A: 2, EPOCHS_B: 2, EPOCHS_C: 3, EPOCHS_D: 3, EPOCHS_EX2: 1}
#     headline: [model_a.test_accuracy, model_c.test_accuracy, model_d.test_accuracy]
# ---

# %% [markdown]
# # Lab 2 — Getting started with Keras
#
# In this lab you train your first neural networks. Each one reads a small picture of
# a handwritten digit and says which digit, 0 to 9, it shows.
#
# You will:
#
# 1. load and look at the MNIST digits;
# 2. turn the pictures into numbers a network can use;
# 3. build, train and test a network with one hidden layer (**Model A**);
# 4. watch a second copy learn, epoch by epoch, on data it never trains on (**Model B**);
# 5. make the network deeper and see it over-fit (**Model C**);
# 6. hold the weights small with an L2 penalty and compare (**Model D**);
# 7. save a model, reload it, and inspect what it gets wrong.
#
# Every number quoted in the text below is printed by the code next to it, on your
# machine. Run the cells in order.

# %% [markdown]
# ## Setup
#
# `import dlex` must come before `import keras`: it picks the Keras *backend* (the
# library that does the arithmetic — JAX unless you set `KERAS_BACKEND`).

# %% part="setup"
import time

import keras
import numpy as np

import dlex
from dlex import plots

print(f"Keras {keras.__version__} on the {keras.backend.backend()} backend")

# %% [markdown]
# The next cell holds every setting of this lab: seeds, epochs and data sizes.
# `dlex run lab02 --quick` replaces some of them to make a fast smoke run.
# A **seed** fixes the random numbers (initial weights, shuffling), so the same seed
# on the same machine gives the same results every time.

# %% tags=["parameters"] part="parameters"
SEED_A = 9898
SEED_B = 4678
SEED_C = 2432
SEED_D = 8765
SEED_EX2 = 9898
EPOCHS_A = 5
EPOCHS_B = 10
EPOCHS_C = 20
EPOCHS_D = 20
EPOCHS_EX2 = 5
BATCH_SIZE = 128
VALIDATION_SIZE = 10000
TRAIN_LIMIT = 0

# %% [markdown]
# ## 1. The data: MNIST
#
# MNIST holds 70,000 greyscale pictures of handwritten digits, each 28 × 28 pixels.
# 60,000 are for training and 10,000 for testing. Each pixel is a whole number from
# 0 (white paper) to 255 (black ink). Each picture comes with its **label**, the
# digit it shows.

# %%
((x_train, y_train), (x_test, y_test)), data_source = dlex.data.load_mnist_or_standin()
if TRAIN_LIMIT:
    x_train, y_train = x_train[:TRAIN_LIMIT], y_train[:TRAIN_LIMIT]
print("data set:", data_source)
print("training images:", x_train.shape, x_train.dtype, " labels:", y_train.shape, y_train.dtype)
print("test images:    ", x_test.shape, x_test.dtype, " labels:", y_test.shape, y_test.dtype)
print("pixel values from", x_train.min(), "to", x_train.max())
print("first ten training labels:", y_train[:10])
dlex.record("data.source", data_source)
dlex.record("data.train_images", len(x_train))
dlex.record("data.test_images", len(x_test))

# %%
plots.plot_digit_grid(x_train[:20], y_train[:20], title="The first 20 training digits");

# %% [markdown]
# ## 2. Preparing the data
#
# A dense layer takes a flat vector, so each 28 × 28 picture becomes a row of
# 28 · 28 = 784 numbers. We also divide by 255 so every input lies in [0, 1]:
# networks train best when inputs are small and of similar size.

# %%
def flatten_and_scale(images):
    return images.reshape(len(images), -1).astype("float32") / 255.0


x_train_flat, x_test_flat = flatten_and_scale(x_train), flatten_and_scale(x_test)
print("flat training inputs:", x_train_flat.shape, "range", x_train_flat.min(), "to", x_train_flat.max())

# %% [markdown]
# The network will output 10 numbers, one probability per digit. To compare them
# with the label we write the label the same way: a **one-hot** vector of 10 numbers,
# all 0 except a 1 at the label's position. `keras.utils.to_categorical` does this.

# %%
y_train_hot = keras.utils.to_categorical(y_train, 10)
y_test_hot = keras.utils.to_categorical(y_test, 10)
print("label", y_train[0], "becomes", y_train_hot[0])

# %% [markdown]
# **The sparse alternative.** Keras can also take the integer labels directly: use the
# loss `sparse_categorical_crossentropy` instead of `categorical_crossentropy`. The two
# compute the same number, −log(probability given to the true class). The cell checks
# that on a few made-up predictions.

# %%
rng = np.random.default_rng(0)
made_up = rng.dirichlet(np.ones(10), size=5).astype("float32")
dense_loss = keras.losses.categorical_crossentropy(y_train_hot[:5], made_up)
sparse_loss = keras.losses.sparse_categorical_crossentropy(y_train[:5], made_up)
by_hand = -np.log(made_up[np.arange(5), y_train[:5]])
print("one-hot labels:", np.round(np.asarray(dense_loss), 5))
print("integer labels:", np.round(np.asarray(sparse_loss), 5))
print("by hand:       ", np.round(by_hand, 5))
dlex.record("prep.sparse_vs_onehot_max_diff", float(np.max(np.abs(np.asarray(dense_loss) - np.asarray(sparse_loss)))))

# %% [markdown]
# ## 3. Model A: one hidden layer
#
# A `Dense` layer with *n* units computes *n* numbers from its input vector **x**:
# each unit forms a weighted sum of all inputs plus a bias, then applies an
# **activation** function. In matrix form, **h** = activation(**x** W + **b**).
#
# Model A has two dense layers:
#
# * a hidden layer of 512 units with the ReLU activation, relu(z) = max(0, z);
# * an output layer of 10 units with the **softmax** activation, which turns 10 scores
#   into 10 positive numbers that sum to 1 — a probability for each digit.
#
# Training adjusts W and **b** to make the **loss** small. Our loss is the categorical
# cross-entropy, −log(probability of the true digit), averaged over a batch. The
# optimizer, RMSprop, decides how far to move each weight at each step. We also ask
# Keras to report **accuracy**, the fraction of digits classified correctly.

# %% part="model-a"
dlex.seed(SEED_A)
model_a = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
], name="model_a")
model_a.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
model_a.summary()

# %% [markdown]
# **Where the parameter counts come from.** A dense layer with *m* inputs and *n*
# units has an *m* × *n* weight matrix and *n* biases: *m·n + n* parameters.

# %%
hidden_params = 784 * 512 + 512
output_params = 512 * 10 + 10
print(f"hidden layer: 784 * 512 + 512 = {hidden_params:,}")
print(f"output layer: 512 * 10 + 10 = {output_params:,}")
print(f"total: {hidden_params + output_params:,}; Keras counts {model_a.count_params():,}")
assert hidden_params + output_params == model_a.count_params()
dlex.record("model_a.params", model_a.count_params())

# %% [markdown]
# Now train. One **epoch** is one pass over all training images, in batches of 128;
# after each batch the optimizer updates every weight once.

# %%
start = time.perf_counter()
history_a = model_a.fit(x_train_flat, y_train_hot, epochs=EPOCHS_A, batch_size=BATCH_SIZE, verbose=2)
seconds_a = time.perf_counter() - start
test_loss_a, test_accuracy_a = model_a.evaluate(x_test_flat, y_test_hot, verbose=0)
print(f"Model A: test accuracy {test_accuracy_a:.4f}, test loss {test_loss_a:.4f}, "
      f"training took {seconds_a:.1f} s")
dlex.record("model_a.seed", SEED_A)
dlex.record("model_a.test_accuracy", test_accuracy_a)
dlex.record("model_a.test_loss", test_loss_a)
dlex.record("model_a.train_accuracy", history_a.history["accuracy"][-1])
dlex.record("model_a.seconds_per_epoch", seconds_a / EPOCHS_A)

# %% [markdown]
# The **test accuracy** is measured on 10,000 digits the network never saw while
# training: it estimates how well the network will do on new handwriting. Compare it
# with the last training accuracy printed above: on the training images the network
# does a little better, because those are the images it was fitted to.

# %% [markdown]
# ## 4. Model B: watching validation data
#
# How many epochs should we train? To decide, we watch the loss on images the network
# does not train on, after every epoch. We hold out the last 10,000 training images as
# a **validation set** and train on the rest.
#
# Why not watch the test set? Because every decision we base on the test set (like
# "stop at epoch 4") tunes the model to it, and then it no longer measures performance
# on truly new data. The test set is for the final, once-only measurement.

# %%
if VALIDATION_SIZE > len(x_train_flat) // 5:
    VALIDATION_SIZE = len(x_train_flat) // 5  # a small stand-in data set keeps 80 % for training
x_fit, y_fit = x_train_flat[:-VALIDATION_SIZE], y_train_hot[:-VALIDATION_SIZE]
x_val, y_val = x_train_flat[-VALIDATION_SIZE:], y_train_hot[-VALIDATION_SIZE:]
print(f"training on {len(x_fit):,} images, validating on {len(x_val):,}")

dlex.seed(SEED_B)
model_b = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
], name="model_b")
model_b.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
history_b = model_b.fit(x_fit, y_fit, epochs=EPOCHS_B, batch_size=BATCH_SIZE,
                        validation_data=(x_val, y_val), verbose=2)
plots.plot_history(history_b, title="Model B: one hidden layer");


# %% [markdown]
# Read the plot: training loss keeps falling, because the optimizer keeps fitting the
# training images better. Validation loss falls at first and then stops improving —
# from there on, extra epochs fit peculiarities of the training images that do not
# carry over to new ones. The dotted line marks the best epoch.

# %%
def best_epoch(history, key="val_loss"):
    """1-based epoch with the lowest validation loss."""
    return int(np.argmin(history.history[key])) + 1


best_b = best_epoch(history_b)
print(f"validation loss was lowest at epoch {best_b} of {EPOCHS_B}: "
      f"{min(history_b.history['val_loss']):.4f}")
print(f"best validation accuracy: {max(history_b.history['val_accuracy']):.4f}")
dlex.record("model_b.seed", SEED_B)
dlex.record("model_b.best_epoch", best_b)
dlex.record("model_b.best_val_loss", min(history_b.history["val_loss"]))
dlex.record("model_b.best_val_accuracy", max(history_b.history["val_accuracy"]))
dlex.record("model_b.test_accuracy", model_b.evaluate(x_test_flat, y_test_hot, verbose=0)[1])

# %% [markdown]
# ## 5. Model C: two hidden layers
#
# More layers and more weights give the network more **capacity**: it can represent
# more complicated functions. It can also memorise the training images more easily.
# Model C stacks two hidden layers of 512 ReLU units.

# %% part="model-c"
dlex.seed(SEED_C)
model_c = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
], name="model_c")
model_c.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
print(f"parameters: (784*512 + 512) + (512*512 + 512) + (512*10 + 10) = "
      f"{(784*512 + 512) + (512*512 + 512) + (512*10 + 10):,}; Keras: {model_c.count_params():,}")
history_c = model_c.fit(x_fit, y_fit, epochs=EPOCHS_C, batch_size=BATCH_SIZE,
                        validation_data=(x_val, y_val), verbose=2)
plots.plot_history(history_c, title="Model C: two hidden layers");


# %% [markdown]
# Over-fitting shows as a widening gap between training loss and validation loss.
# The cell measures that gap at the last epoch for Models B and C.

# %%
def final_gap(history):
    """Validation loss minus training loss at the last epoch."""
    return history.history["val_loss"][-1] - history.history["loss"][-1]


test_accuracy_c = model_c.evaluate(x_test_flat, y_test_hot, verbose=0)[1]
print(f"Model C: best validation loss at epoch {best_epoch(history_c)} of {EPOCHS_C}")
print(f"loss gap at the last epoch: Model B {final_gap(history_b):.4f}, Model C {final_gap(history_c):.4f}")
print(f"Model C test accuracy: {test_accuracy_c:.4f}")
dlex.record("model_c.seed", SEED_C)
dlex.record("model_c.params", model_c.count_params())
dlex.record("model_c.best_epoch", best_epoch(history_c))
dlex.record("model_c.final_loss_gap", final_gap(history_c))
dlex.record("model_b.final_loss_gap", final_gap(history_b))
dlex.record("model_c.test_accuracy", test_accuracy_c)

# %% [markdown]
# ## 6. Model D: keeping the weights small with L2
#
# A network that memorises its training images tends to need some very large weights.
# **L2 regularisation** discourages them: it adds λ Σ w² — λ times the sum of the
# squared weights of a layer's kernel — to the loss. Keras's `regularizers.L2(0.001)`
# adds exactly 0.001 · Σ w² for each layer it is attached to. The optimizer now trades
# fitting the training data against keeping the weights small.
#
# Model D is Model C with λ = 0.001 on both hidden layers.

# %% part="model-d"
dlex.seed(SEED_D)
model_d = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(512, activation="relu", kernel_regularizer=keras.regularizers.L2(0.001)),
    keras.layers.Dense(512, activation="relu", kernel_regularizer=keras.regularizers.L2(0.001)),
    keras.layers.Dense(10, activation="softmax"),
], name="model_d")
model_d.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
history_d = model_d.fit(x_fit, y_fit, epochs=EPOCHS_D, batch_size=BATCH_SIZE,
                        validation_data=(x_val, y_val), verbose=2)
plots.plot_history(history_d, title="Model D: two hidden layers with L2(0.001)");

# %% [markdown]
# With the penalty, the training loss includes λ Σ w², so Model D's loss is not
# comparable with Model C's: the cell counts the epochs in which D's training loss is the
# higher one. What matters is the validation *accuracy* and how it behaves over the
# epochs. The next plot puts both validation curves side by side.

# %%
shared_cd = min(len(history_c.history["loss"]), len(history_d.history["loss"]))
d_higher = sum(d > c for c, d in zip(history_c.history["loss"][:shared_cd], history_d.history["loss"][:shared_cd]))
print(f"Model D's training loss is higher than C's in {d_higher} of {shared_cd} epoch(s)")
plots.plot_histories({"Model C": history_c, "Model D (L2)": history_d}, key="val_accuracy",
                     title="Validation accuracy per epoch");
test_accuracy_d = model_d.evaluate(x_test_flat, y_test_hot, verbose=0)[1]
print(f"test accuracy: Model C {test_accuracy_c:.4f}, Model D {test_accuracy_d:.4f}")
dlex.record("model_d.seed", SEED_D)
dlex.record("model_d.test_accuracy", test_accuracy_d)
dlex.record("model_d.best_epoch", best_epoch(history_d))

# %% [markdown]
# Compare the two printed test accuracies and the two curves. Whether L2 wins on test
# accuracy depends on the seed and the number of epochs; the printed numbers are the
# ones from your run. What L2 changes reliably is the size of the weights — the cell
# below measures the largest absolute weight in each model's first layer.

# %%
largest_c = float(np.abs(model_c.layers[0].get_weights()[0]).max())
largest_d = float(np.abs(model_d.layers[0].get_weights()[0]).max())
print(f"largest |weight| in the first layer: Model C {largest_c:.3f}, Model D {largest_d:.3f}")
dlex.record("model_c.max_abs_weight", largest_c)
dlex.record("model_d.max_abs_weight", largest_d)

# %% [markdown]
# ## 7. Saving and reloading a model
#
# `model.save("name.keras")` writes the architecture, the weights and the optimizer
# state into one file; `keras.models.load_model` rebuilds the model from it. A
# reloaded model must predict exactly what the original predicts.

# %%
model_d.save("model_d.keras")
reloaded = keras.models.load_model("model_d.keras")
difference = np.max(np.abs(model_d.predict(x_test_flat[:256], verbose=0)
                           - reloaded.predict(x_test_flat[:256], verbose=0)))
print("largest difference between original and reloaded predictions:", difference)
dlex.record("save_load.max_abs_diff", float(difference))

# %% [markdown]
# ## 8. What the network predicts, and what it gets wrong
#
# `predict` returns the 10 probabilities for each image; the predicted digit is the
# one with the highest probability (`argmax`).

# %%
probabilities = model_d.predict(x_test_flat, verbose=0)
predicted = probabilities.argmax(axis=1)
for i in range(3):
    print(f"test image {i}: label {y_test[i]}, predicted {predicted[i]} "
          f"with probability {probabilities[i, predicted[i]]:.3f}")

# %%
wrong = np.flatnonzero(predicted != y_test)
print(f"Model D misclassifies {len(wrong)} of {len(y_test):,} test digits")
dlex.record("model_d.test_errors", len(wrong))
plots.plot_digit_grid(x_test[wrong[:20]], y_test[wrong[:20]], predicted[wrong[:20]],
                      title="Misclassified test digits (label→prediction)");

# %% [markdown]
# A **confusion matrix** counts, for each true digit (row), how often each digit was
# predicted (column). The diagonal holds the correct answers; everything off it is a
# mistake, and the largest off-diagonal cell is the most frequent confusion.

# %%
confusion = np.bincount(y_test.astype(int) * 10 + predicted, minlength=100).reshape(10, 10)
plots.plot_confusion_matrix(confusion, title="Model D on the test set");
off_diagonal = confusion - np.diag(np.diag(confusion))
true_digit, predicted_digit = np.unravel_index(off_diagonal.argmax(), off_diagonal.shape)
print(f"most frequent confusion: a true {true_digit} predicted as {predicted_digit}, "
      f"{off_diagonal.max()} times")
dlex.record("model_d.top_confusion_count", int(off_diagonal.max()))

# %% [markdown]
# ## 9. The four models side by side

# %%
rows = [("A", "512", model_a, test_accuracy_a, EPOCHS_A),
        ("B", "512", model_b, model_b.evaluate(x_test_flat, y_test_hot, verbose=0)[1], EPOCHS_B),
        ("C", "512-512", model_c, test_accuracy_c, EPOCHS_C),
        ("D", "512-512 + L2", model_d, test_accuracy_d, EPOCHS_D)]
print(f"{'model':6}{'hidden':>14}{'parameters':>12}{'epochs':>8}{'test acc':>10}")
for name, hidden, model, accuracy, epochs in rows:
    print(f"{name:6}{hidden:>14}{model.count_params():>12,}{epochs:>8}{accuracy:>10.4f}")

# %% [markdown]
# ## Exercises
#
# Write your code in the marked cells, then run the check cell under each exercise.
#
# ### Exercise 1 — build a network to a specification
#
# Build `model_ex1`: 784 inputs → `Dense(256, relu)` → `Dense(128, relu)` →
# `Dense(10, softmax)`, compiled with RMSprop and categorical cross-entropy. Then set
# `ex1_param_count` to its number of parameters, **worked out with the m·n + n rule**
# (not by calling `count_params`).

# %% part="ex1"
### BEGIN SOLUTION
model_ex1 = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(256, activation="relu"),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model_ex1.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
ex1_param_count = (784 * 256 + 256) + (256 * 128 + 128) + (128 * 10 + 10)
### END SOLUTION

# %% [markdown]
# Run the check: it tests your model on inputs it picks at random, so any correct
# solution passes, and it says what differs from the specification if something does.

# %%
dlex.check("lab02.ex1")

# %% [markdown]
# ### Exercise 2 — another optimizer
#
# Retrain Model A's architecture with plain stochastic gradient descent,
# `keras.optimizers.SGD(learning_rate=0.01)`, seed `SEED_EX2`, `EPOCHS_EX2` epochs,
# batch size 128, on the full training set (`x_train_flat`, `y_train_hot`). Call the
# model `model_ex2` and the value `fit` returns `history_ex2`. Then compare its test
# accuracy with Model A's.

# %% part="ex2"
### BEGIN SOLUTION
dlex.seed(SEED_EX2)
model_ex2 = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model_ex2.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01),
                  loss="categorical_crossentropy", metrics=["accuracy"])
history_ex2 = model_ex2.fit(x_train_flat, y_train_hot, epochs=EPOCHS_EX2, batch_size=BATCH_SIZE, verbose=2)
### END SOLUTION

# %%
dlex.check("lab02.ex2")

# %%
test_accuracy_ex2 = model_ex2.evaluate(x_test_flat, y_test_hot, verbose=0)[1]
print(f"test accuracy after {EPOCHS_EX2} epochs: RMSprop (Model A) {test_accuracy_a:.4f}, "
      f"SGD(0.01) {test_accuracy_ex2:.4f}")
dlex.record("ex2.test_accuracy", test_accuracy_ex2)

# %% [markdown]
# With the same number of epochs, SGD with a small fixed learning rate takes smaller
# steps than RMSprop, which divides each weight's step by the square root of a running
# mean of that weight's *squared* gradients (Lab 5 derives both). Whether that shows in
# the printed test accuracies after `EPOCHS_EX2` epochs, the two numbers above say.
#
# ## Evaluation questions
#
# The next cell lists this lab's questions. Answer each one in a cell of your own with
# `dlex.answer("lab02.q1", 2)` (choices by their number, numbers as numbers), or all of
# them in the terminal with `dlex quiz lab02`. Each answer is followed by an
# explanation. The questions about results are checked against the numbers your own
# run recorded, so they hold on any machine. `dlex progress` shows what you have done.

# %%
dlex.quiz("lab02")
