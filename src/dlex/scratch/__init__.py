"""Deep-learning building blocks from scratch, in NumPy only (Labs 3 to 7).

Each module is one concept, with forward and backward passes that match Keras 3
exactly, so weights copy straight across between a Keras layer and its NumPy twin:

- ``activations``, ``losses``, ``network`` (MLP, ``gradient_check``), ``metrics``: Lab 3
- ``regularizers``, ``layers`` (dense, dropout, batch normalisation): Lab 4
- ``optim`` (gradient descent, SGD, RMSprop, Adam, schedules, clipping): Lab 5
- ``conv``, ``pool``: Lab 6
- ``rnn`` (SimpleRNN with BPTT, LSTM, GRU, bidirectional): Lab 7

Layouts are Keras's: channels-last images ``(N, H, W, C)``, ``Conv2D`` kernels
``(kh, kw, C_in, C_out)``, sequences ``(N, T, D)``, recurrent kernels
``(input_dim, units·gates)``. Randomness comes in as a ``numpy.random.Generator``.
This package never imports Keras or any other deep-learning framework.
"""

from dlex.scratch import (
    activations,
    conv,
    layers,
    losses,
    metrics,
    network,
    optim,
    pool,
    regularizers,
    rnn,
)

__all__ = [
    "activations",
    "conv",
    "layers",
    "losses",
    "metrics",
    "network",
    "optim",
    "pool",
    "regularizers",
    "rnn",
]
