"""Gradient-descent optimizers with Keras's update rules, schedules and clipping (Lab 5).

Shapes: ``params`` and ``grads`` are lists of arrays of matching shapes (any shapes);
``step`` updates ``params`` in place and returns the same list. Arguments, defaults and
update rules (epsilon placement included) are those of ``keras.optimizers``; the step
counter starts at 0 and a schedule sees it before it is incremented, as in Keras.

``record=True`` keeps a copy of the parameters before the first step and after every
step in ``optimizer.trajectory``; ``optimizer.path()`` stacks one parameter's copies
into an array ``(steps + 1, *shape)`` for plotting.

Update rules (``g`` the clipped gradient, ``lr`` the current learning rate):

- ``GradientDescent``/``SGD``: ``w -= lr * g``; with momentum ``v = momentum * v - lr * g``
  then ``w += v``, or with Nesterov ``w += momentum * v - lr * g``.
- ``RMSprop``: ``v = rho * v + (1 - rho) * g²``, ``w -= lr * g / sqrt(v + epsilon)``;
  ``centered=True`` uses ``v - a² + epsilon`` with ``a`` the running mean of ``g``;
  ``momentum > 0`` accumulates ``m = momentum * m + increment`` and subtracts ``m``.
- ``Adam``: ``m += (g - m)(1 - beta_1)``, ``v += (g² - v)(1 - beta_2)``,
  ``alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)`` (``t`` from 1),
  ``w -= alpha * m / (sqrt(v) + epsilon)``; ``amsgrad=True`` uses the running max of ``v``.
- Clipping (at most one): ``clipnorm`` rescales each gradient array to at most that L2
  norm, ``global_clipnorm`` all of them together, ``clipvalue`` clips every entry.
"""

import numpy as np

__all__ = [
    "Optimizer",
    "GradientDescent",
    "SGD",
    "RMSprop",
    "Adam",
    "ExponentialDecay",
    "InverseTimeDecay",
    "clip_by_value",
    "clip_by_norm",
    "clip_by_global_norm",
]


# --- learning-rate schedules -----------------------------------------------------------


class ExponentialDecay:
    """``lr(step) = initial_learning_rate * decay_rate ** (step / decay_steps)``, floored if staircase."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False):
        """Same arguments as ``keras.optimizers.schedules.ExponentialDecay``."""
        if decay_steps <= 0:
            raise ValueError(f"decay_steps must be > 0, got {decay_steps}")
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = decay_steps
        self.decay_rate = float(decay_rate)
        self.staircase = staircase

    def __call__(self, step):
        """Learning rate at optimizer step ``step`` (0 for the first update)."""
        p = step / self.decay_steps
        if self.staircase:
            p = np.floor(p)
        return self.initial_learning_rate * self.decay_rate**p


class InverseTimeDecay:
    """``lr(step) = initial_learning_rate / (1 + decay_rate * step / decay_steps)``, floored if staircase."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False):
        """Same arguments as ``keras.optimizers.schedules.InverseTimeDecay``."""
        if decay_steps <= 0:
            raise ValueError(f"decay_steps must be > 0, got {decay_steps}")
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = decay_steps
        self.decay_rate = float(decay_rate)
        self.staircase = staircase

    def __call__(self, step):
        """Learning rate at optimizer step ``step`` (0 for the first update)."""
        p = step / self.decay_steps
        if self.staircase:
            p = np.floor(p)
        return self.initial_learning_rate / (1.0 + self.decay_rate * p)


# --- gradient clipping -----------------------------------------------------------------


def clip_by_value(grads, clipvalue):
    """Clip every gradient entry to ``[-clipvalue, clipvalue]``."""
    return [np.clip(g, -clipvalue, clipvalue) for g in grads]


def clip_by_norm(grads, clipnorm):
    """Rescale each gradient array whose L2 norm exceeds ``clipnorm`` to that norm."""
    return [g * clipnorm / max(float(np.linalg.norm(g)), clipnorm) for g in grads]


def clip_by_global_norm(grads, clipnorm):
    """Rescale all gradients together when the norm of all their entries exceeds ``clipnorm``."""
    total = float(np.sqrt(sum(np.sum(np.square(g)) for g in grads)))
    scale = clipnorm * min(1.0 / total if total else np.inf, 1.0 / clipnorm)
    return [g * scale for g in grads]


# --- optimizers ------------------------------------------------------------------------


class Optimizer:
    """Shared machinery: learning rate or schedule, clipping, step counter, trajectory."""

    def __init__(self, learning_rate, clipnorm=None, clipvalue=None, global_clipnorm=None, record=False):
        """Keras's base-optimizer arguments; at most one of the three clipping options may be set."""
        if sum(c is not None for c in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError("set at most one of clipnorm, clipvalue and global_clipnorm")
        for name, value in (
            ("clipnorm", clipnorm),
            ("clipvalue", clipvalue),
            ("global_clipnorm", global_clipnorm),
        ):
            if value is not None and value <= 0:
                raise ValueError(f"{name} must be > 0, got {value}")
        if not callable(learning_rate) and learning_rate <= 0:
            raise ValueError(f"learning_rate must be > 0 or a schedule, got {learning_rate}")
        self.learning_rate = learning_rate
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.iterations = 0
        self.record = record
        self.trajectory = []
        self._slots = None

    def current_learning_rate(self):
        """The learning rate the next step will use."""
        if callable(self.learning_rate):
            return float(self.learning_rate(self.iterations))
        return float(self.learning_rate)

    def step(self, params, grads):
        """Apply one update to ``params`` in place (clipping first) and return ``params``."""
        if len(params) != len(grads):
            raise ValueError(f"got {len(grads)} gradients for {len(params)} parameters")
        for p, g in zip(params, grads):
            if not isinstance(p, np.ndarray) or not np.issubdtype(p.dtype, np.floating):
                raise ValueError("params must be float NumPy arrays (they are updated in place)")
            if np.shape(g) != p.shape:
                raise ValueError(f"gradient shape {np.shape(g)} does not match parameter shape {p.shape}")
        if self._slots is None:
            self._slots = [self._init_slots(p) for p in params]
            if self.record:
                self.trajectory.append([p.copy() for p in params])
        elif [s["shape"] for s in self._slots] != [p.shape for p in params]:
            raise ValueError("this optimizer already holds state for other parameters; create a new one")
        grads = [np.asarray(g, dtype=p.dtype) for p, g in zip(params, grads)]
        if self.clipnorm is not None:
            grads = clip_by_norm(grads, self.clipnorm)
        elif self.global_clipnorm is not None:
            grads = clip_by_global_norm(grads, self.global_clipnorm)
        elif self.clipvalue is not None:
            grads = clip_by_value(grads, self.clipvalue)
        lr = self.current_learning_rate()
        for p, g, slots in zip(params, grads, self._slots):
            self._update(p, g, lr, slots)
        self.iterations += 1
        if self.record:
            self.trajectory.append([p.copy() for p in params])
        return params

    def path(self, index=0):
        """Recorded values of parameter ``index``, stacked: ``(steps + 1, *shape)``."""
        if not self.trajectory:
            raise ValueError("nothing recorded: create the optimizer with record=True and call step()")
        return np.stack([snapshot[index] for snapshot in self.trajectory])

    def _slots_for(self, p):
        return {}

    def _init_slots(self, p):
        return {"shape": p.shape, **self._slots_for(p)}

    def _update(self, p, g, lr, slots):
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum, in Keras's form."""

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        """Same arguments and defaults as ``keras.optimizers.SGD``."""
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"momentum must be in [0, 1], got {momentum}")
        super().__init__(learning_rate, **kwargs)
        self.momentum, self.nesterov = float(momentum), bool(nesterov)

    def _slots_for(self, p):
        return {"velocity": np.zeros_like(p)} if self.momentum else {}

    def _update(self, p, g, lr, slots):
        if not self.momentum:
            p -= lr * g
            return
        v = slots["velocity"]
        v[...] = self.momentum * v - lr * g
        if self.nesterov:
            p += self.momentum * v - lr * g
        else:
            p += v


class GradientDescent(SGD):
    """Plain gradient descent ``w -= lr * g`` (SGD without momentum)."""

    def __init__(self, learning_rate=0.01, **kwargs):
        """``learning_rate`` plus the shared clipping/recording arguments."""
        super().__init__(learning_rate, momentum=0.0, nesterov=False, **kwargs)


class RMSprop(Optimizer):
    """RMSprop in Keras's form (epsilon inside the square root), optionally centred or with momentum."""

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs):
        """Same arguments and defaults as ``keras.optimizers.RMSprop``."""
        super().__init__(learning_rate, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = (
            float(rho),
            float(momentum),
            float(epsilon),
            centered,
        )

    def _slots_for(self, p):
        slots = {"velocity": np.zeros_like(p)}
        if self.momentum > 0:
            slots["momentum"] = np.zeros_like(p)
        if self.centered:
            slots["average_grad"] = np.zeros_like(p)
        return slots

    def _update(self, p, g, lr, slots):
        v = slots["velocity"]
        v[...] = self.rho * v + (1.0 - self.rho) * g * g
        if self.centered:
            a = slots["average_grad"]
            a[...] = self.rho * a + (1.0 - self.rho) * g
            denominator = v - a * a + self.epsilon
        else:
            denominator = v + self.epsilon
        # Keras puts epsilon inside the square root for RMSprop (outside for Adam).
        increment = lr * g / np.sqrt(denominator)
        if self.momentum > 0:
            m = slots["momentum"]
            m[...] = self.momentum * m + increment
            p -= m
        else:
            p -= increment


class Adam(Optimizer):
    """Adam in Keras's form (bias correction folded into the step size), optionally AMSGrad."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs):
        """Same arguments and defaults as ``keras.optimizers.Adam``."""
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = (
            float(beta_1),
            float(beta_2),
            float(epsilon),
            amsgrad,
        )

    def _slots_for(self, p):
        slots = {"m": np.zeros_like(p), "v": np.zeros_like(p)}
        if self.amsgrad:
            slots["v_hat"] = np.zeros_like(p)
        return slots

    def _update(self, p, g, lr, slots):
        t = self.iterations + 1
        # Bias correction folded into the step size; epsilon is added to sqrt(v), not
        # to the bias-corrected sqrt(v_hat), which is what makes this Keras's variant.
        alpha = lr * np.sqrt(1.0 - self.beta_2**t) / (1.0 - self.beta_1**t)
        m, v = slots["m"], slots["v"]
        m += (g - m) * (1.0 - self.beta_1)
        v += (g * g - v) * (1.0 - self.beta_2)
        if self.amsgrad:
            np.maximum(slots["v_hat"], v, out=slots["v_hat"])
            v = slots["v_hat"]
        p -= m * alpha / (np.sqrt(v) + self.epsilon)
