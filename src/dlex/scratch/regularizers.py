"""Weight penalties and their gradients, as ``keras.regularizers`` defines them (Lab 4).

Each penalty takes one weight array of any shape (e.g. a Dense kernel ``(D, U)``) and
returns a scalar that is added to the loss; each ``*_grad`` returns an array shaped like
the weights. Note Keras's L2 has no factor 1/2: ``l2 * sum(w**2)``, gradient ``2 * l2 * w``.
Default strengths are Keras's: ``L1(0.01)``, ``L2(0.01)``, ``L1L2(l1=0.0, l2=0.0)``.
"""

import numpy as np

__all__ = ["l1", "l1_grad", "l2", "l2_grad", "l1_l2", "l1_l2_grad"]


def l1(w, l1=0.01):
    """L1 penalty ``l1 * sum(|w|)``."""
    return l1 * np.sum(np.abs(w))


def l1_grad(w, l1=0.01):
    """Gradient of the L1 penalty: ``l1 * sign(w)`` (0 at ``w == 0``)."""
    return l1 * np.sign(w)


def l2(w, l2=0.01):
    """L2 penalty ``l2 * sum(w**2)``."""
    w = np.asarray(w)
    return l2 * np.sum(w * w)


def l2_grad(w, l2=0.01):
    """Gradient of the L2 penalty: ``2 * l2 * w``."""
    return 2.0 * l2 * np.asarray(w)


def l1_l2(w, l1=0.0, l2=0.0):
    """Combined penalty ``l1 * sum(|w|) + l2 * sum(w**2)``."""
    w = np.asarray(w)
    return l1 * np.sum(np.abs(w)) + l2 * np.sum(w * w)


def l1_l2_grad(w, l1=0.0, l2=0.0):
    """Gradient of the combined penalty: ``l1 * sign(w) + 2 * l2 * w``."""
    w = np.asarray(w)
    return l1 * np.sign(w) + 2.0 * l2 * w
