"""IMDB reviews, exactly as ``keras.datasets.imdb.load_data(...)`` returns them.

Keras's loader post-processes the stored word ranks with Python list
comprehensions. :func:`load_imdb` applies the same steps, in the same order and
with the same edge cases, to one flat NumPy array of tokens per split, which is
several times faster, and builds the result the same way Keras does.
"""

import numpy as np

from dlex.data import store
from dlex.data._gc import gc_paused


def _gather(tokens: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenate ``tokens[s:s+n]`` for each (s, n) in ``zip(starts, lengths)``."""
    total = int(lengths.sum())
    new_starts = np.cumsum(lengths) - lengths
    return tokens[np.arange(total) - np.repeat(new_starts - starts, lengths)]


def _offsets(lengths: np.ndarray) -> np.ndarray:
    return np.cumsum(lengths) - lengths


def _to_lists(tokens: np.ndarray, lengths: np.ndarray) -> list[list[int]]:
    flat = tokens.tolist()
    ends = np.cumsum(lengths).tolist()
    starts = [0] + ends[:-1]
    return [flat[a:b] for a, b in zip(starts, ends)]


def load_imdb(
    num_words=None,
    skip_top=0,
    maxlen=None,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
):
    """``(x_train, y_train), (x_test, y_test)`` as ``keras.datasets.imdb.load_data``
    returns them for the same arguments.

    Each split is shuffled with ``numpy.random.RandomState(seed)`` (train first,
    then test, one generator). Word ranks are shifted by ``index_from``, and
    ``start_char`` (unless None) starts each review. With ``maxlen``, reviews of
    ``maxlen`` tokens or more (start token included) are dropped. Every token
    outside ``skip_top <= w < num_words`` becomes ``oov_char`` (or is dropped if
    it is None); if ``num_words`` is not given it is the largest index present,
    so, as in Keras, that one word also counts as out of vocabulary.

    ``x_*`` are object arrays of Python lists of ints; ``y_*`` are int64 (1 =
    positive). Raises ``ValueError`` as Keras does if ``maxlen`` leaves a split
    empty, and :class:`~dlex.errors.DataError` if the data cannot be had.
    """
    return process(
        store.load("imdb"),
        num_words=num_words,
        skip_top=skip_top,
        maxlen=maxlen,
        seed=seed,
        start_char=start_char,
        oov_char=oov_char,
        index_from=index_from,
    )


def process(
    payload,
    num_words=None,
    skip_top=0,
    maxlen=None,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
):
    """Keras's post-processing steps (see :func:`load_imdb`) applied to a payload
    read by :func:`dlex.data.integrity.read_verified`."""
    rng = np.random.RandomState(seed)
    splits = []
    for split in ("train", "test"):
        seqs, labels = payload[f"x_{split}"], payload[f"y_{split}"]
        lengths = seqs.lengths.astype(np.int64)
        indices = np.arange(len(lengths))
        rng.shuffle(indices)
        tokens = _gather(seqs.tokens.astype(np.int64), _offsets(lengths)[indices], lengths[indices])
        lengths, labels = lengths[indices], labels[indices]

        if start_char is not None:
            starts = _offsets(lengths)
            tokens = np.insert(tokens + index_from, starts, start_char)
            lengths = lengths + 1
        elif index_from:
            tokens = tokens + index_from

        if maxlen:
            keep = lengths < maxlen
            tokens = tokens[np.repeat(keep, lengths)]
            lengths, labels = lengths[keep], labels[keep]
        splits.append([tokens, lengths, labels])

    if maxlen and any(len(lengths) == 0 for _, lengths, _ in splits):
        raise ValueError(
            "After filtering for sequences shorter than maxlen="
            f"{str(maxlen)}, no sequence was kept. Increase maxlen."
        )

    if not num_words:
        if any((lengths == 0).any() for _, lengths, _ in splits):
            raise ValueError("max() iterable argument is empty")  # what Keras hits
        num_words = max(int(tokens.max()) for tokens, _, _ in splits)

    for part in splits:
        tokens, lengths, _ = part
        in_vocab = (tokens >= skip_top) & (tokens < num_words)
        if oov_char is not None:
            part[0] = np.where(in_vocab, tokens, oov_char)
        else:
            owner = np.repeat(np.arange(len(lengths)), lengths)
            part[0] = tokens[in_vocab]
            part[1] = np.bincount(owner[in_vocab], minlength=len(lengths))

    (train_tokens, train_lengths, labels_train), (test_tokens, test_lengths, labels_test) = splits
    labels = np.concatenate([labels_train, labels_test])
    idx = len(train_lengths)
    with gc_paused():
        x_train = np.array(_to_lists(train_tokens, train_lengths), dtype="object")
        x_test = np.array(_to_lists(test_tokens, test_lengths), dtype="object")
    return (x_train, labels[:idx]), (x_test, labels[idx:])


def get_imdb_word_index() -> dict[str, int]:
    """The word → rank dict of ``keras.datasets.imdb.get_word_index()`` (rank 1 is
    the most frequent word; add ``index_from`` to match :func:`load_imdb`'s tokens)."""
    return store.load("imdb_word_index")
