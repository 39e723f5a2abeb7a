"""Lab 7's length-bucketed batches, so that ``dlex bench`` times the lab's data pipeline.

A compact reimplementation of ``LengthBuckets`` in ``labs/lab07_rnn.py``: the lab is a
notebook that runs top to bottom when imported, so its class cannot be reused from
here. Same grouping, widths, jitter and shuffle; without the lab's ``predict`` and
``padded_steps`` helpers, which timing does not need.
"""

import keras
import numpy as np

WIDTHS = (100, 150, 200, 250)  # the lab's BUCKET_WIDTHS


class LengthBuckets(keras.utils.PyDataset):
    """Batches of reviews of similar length, each padded in front to its bucket's width.

    Lengths get a random jitter of up to ``jitter`` words and the batches are shuffled
    after every epoch, as in the lab.
    """

    def __init__(self, reviews, labels, batch_size, widths=WIDTHS, seed=0, jitter=20):
        super().__init__()
        self.reviews = [list(r[-widths[-1]:]) for r in reviews]  # the last 250 words
        self.labels = np.asarray(labels, dtype="float32")
        self.lengths = np.array([len(r) for r in self.reviews])
        self.batch_size, self.widths, self.jitter = batch_size, list(widths), jitter
        self.rng = np.random.default_rng(seed)
        self.batches = self._group(shuffle=False)

    def _group(self, shuffle):
        keys = self.lengths + (self.rng.uniform(0, self.jitter, len(self.lengths)) if shuffle else 0)
        order = np.argsort(keys, kind="stable")
        rest = len(order) % self.batch_size or self.batch_size  # the one smaller batch
        batches = [order[:rest]] + [order[i:i + self.batch_size] for i in range(rest, len(order), self.batch_size)]
        if shuffle:
            self.rng.shuffle(batches)
        return _shapes_first(batches, self._width)

    def _width(self, batch):
        return next(w for w in self.widths if w >= self.lengths[batch].max())

    def on_epoch_end(self):
        self.batches = self._group(shuffle=True)

    def __len__(self):
        return len(self.batches)

    def __getitem__(self, index):
        batch = self.batches[index]
        x = keras.utils.pad_sequences([self.reviews[i] for i in batch], maxlen=self._width(batch))
        return x, self.labels[batch]


def _shapes_first(batches, width):
    """Put the first narrowest and the last widest batch first: Keras on TensorFlow reads
    the first two batches of every ``fit`` to learn which shapes vary.

    The lab does this once, before its single ``fit`` (on batches sorted by length, where
    it is the same move); the bench calls ``fit`` once per timed epoch, on regrouped
    batches, so it does it every time.
    """
    if len(batches) <= 2:
        return batches
    widths = np.array([width(b) for b in batches])
    first, last = int(np.argmin(widths)), len(widths) - 1 - int(np.argmax(widths[::-1]))
    if widths[first] == widths[last]:
        return batches
    return [batches[first], batches[last]] + [b for i, b in enumerate(batches) if i not in (first, last)]


def from_padded(x, y, batch_size) -> LengthBuckets:
    """The lab's batches of the reviews behind ``x``, padded in front to 250 words.

    IMDB reserves word number 0 for padding, so dropping a row's leading zeros gives back
    the review's last 250 words exactly, which is what the lab's batches start from.
    """
    reviews = [row[np.argmax(row != 0):] for row in np.asarray(x)]
    return LengthBuckets(reviews, y, batch_size)
