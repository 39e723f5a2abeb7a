"""The Keras models the labs train, as ``dlex bench`` times them.

Each spec builds the model exactly as its lab does (a test compares parameter counts
with the lab's own ``metrics.json``) and says how the lab fits it (``lab_fit``: extra
``fit`` arguments, ``lab_backend``: a backend the lab runs on instead of the default).
The "plain" variant is the same model fitted with Keras's defaults.
"""

from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class ModelSpec:
    """One lab model: how to build it, the data of one epoch, how the lab fits it."""

    name: str
    build: Callable
    data: Callable
    batch_size: int
    lab_fit: dict = field(default_factory=dict)
    lab_backend: str | None = None
    dense_layers: tuple = ()  # (inputs, units) per Dense layer, for the GEMM floor

    def epoch_flops(self, samples: int) -> float | None:
        """Floating-point operations of one training epoch of a pure dense network.

        Forward: 2·m·n per sample and layer; backward: 2·m·n for the weight gradient
        and, except in the first layer, 2·m·n for the input gradient.
        """
        if not self.dense_layers:
            return None
        per_sample = sum((4 if i == 0 else 6) * m * n for i, (m, n) in enumerate(self.dense_layers))
        return float(per_sample) * samples


def _mnist_flat():
    from dlex.data import load_mnist_or_standin

    ((x, y), _), _ = load_mnist_or_standin()
    import keras

    return x.reshape(len(x), -1).astype("float32") / 255, keras.utils.to_categorical(y, 10)


def _dense(hidden, l2=None, optimizer="rmsprop"):
    def build():
        import keras

        reg = keras.regularizers.L2(l2) if l2 else None
        layers = [keras.Input(shape=(784,))]
        layers += [keras.layers.Dense(n, activation="relu", kernel_regularizer=reg) for n in hidden]
        model = keras.Sequential(layers + [keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
        return model

    return build


def _shape(hidden):
    sizes = [784, *hidden, 10]
    return tuple(zip(sizes[:-1], sizes[1:]))


SPECS = {
    "lab02.model_a": ModelSpec("lab02.model_a", _dense([512]), _mnist_flat, 128, dense_layers=_shape([512])),
    "lab02.model_c": ModelSpec(
        "lab02.model_c", _dense([512, 512]), _mnist_flat, 128, dense_layers=_shape([512, 512])
    ),
    "lab02.model_d": ModelSpec(
        "lab02.model_d", _dense([512, 512], l2=0.001), _mnist_flat, 128, dense_layers=_shape([512, 512])
    ),
}


def resolve(names: list[str] | None) -> list[ModelSpec]:
    """Specs by name or by lab prefix (``lab02``); all when ``names`` is empty."""
    from dlex.errors import DlexError

    if not names:
        return list(SPECS.values())
    chosen = []
    for name in names:
        found = [s for s in SPECS.values() if s.name == name or s.name.startswith(f"{name}.")]
        if not found:
            raise DlexError(f"unknown model {name!r}", f"choose from: {', '.join(SPECS)}")
        chosen += [s for s in found if s not in chosen]
    return chosen
