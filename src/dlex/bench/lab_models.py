"""Lab models built by running the lab's own named cells (see :mod:`dlex.labs.parts`)."""

import contextlib
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from dlex.labs import catalog


@dataclass(frozen=True)
class LabModel:
    """A lab model built by the lab's own cells: ``setup`` cells run whole (after the
    parameters cell), then each step, then ``model`` is read from the namespace.

    Steps: ``("define", cell)`` runs the cell's definitions only (functions, classes,
    call-free bindings); ``("build", cell)`` runs the cell up to the first statement that
    trains; ``("code", source)`` calls the lab's functions as the lab does inside a loop,
    where no cell statement builds the one model alone.
    """

    lab: "str | catalog.Lab"  # a lab's name, or a Lab (a test points one at a changed copy)
    model: str
    steps: tuple = ()
    setup: tuple = ("setup",)

    def namespace(self) -> dict:
        """The lab namespace after the setup cells and every step, printed output dropped."""
        from dlex.labs import parts

        lab = self._lab()
        with contextlib.redirect_stdout(io.StringIO()):
            namespace = lab.execute(*self.setup)
            for kind, what in self.steps:
                label = f"<{lab.name}:{what if kind != 'code' else 'bench'}>"
                if kind == "define":
                    exec(compile(parts.definitions(lab.code(what)), label, "exec"), namespace)
                elif kind == "build":
                    parts.build_part(lab.code(what), namespace, label)
                elif kind == "code":
                    exec(compile(what, label, "exec"), namespace)
                else:
                    raise ValueError(f"unknown step kind {kind!r}: use define, build or code")
        return namespace

    def _lab(self):
        from dlex.labs import catalog

        return catalog.get_lab(self.lab) if isinstance(self.lab, str) else self.lab

    def __call__(self):
        return self.namespace()[self.model]


def define(cell):
    """Run the cell's definitions only."""
    return ("define", cell)


def build(cell):
    """Run the cell up to the statement that first trains."""
    return ("build", cell)


def code(source):
    """Run this code, calling the lab's functions."""
    return ("code", source)


def from_padded(x, y, batch_size):
    """Lab 7's ``LengthBuckets`` (its own class, from its cell) of the reviews behind ``x``,
    padded in front to 250 words, reshuffled after every epoch.

    IMDB reserves word number 0 for padding, so dropping a row's leading zeros gives back
    the review's last 250 words exactly, which is what the lab's batches start from.
    """
    buckets = LabModel("lab07", "LengthBuckets", (define("length-buckets"),))()
    return buckets([row[np.argmax(row != 0) :] for row in np.asarray(x)], y, batch_size, seed=0)
