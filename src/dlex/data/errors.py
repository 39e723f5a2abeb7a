"""The two ways a dataset file can fail, both :class:`dlex.errors.DataError`.

Callers that can live without the real data (the MNIST stand-in) fall back only on
:class:`DataUnavailableError`; a :class:`DataCorruptError` always reaches the learner,
because a bad file must be fixed, never silently worked around.
"""

from dlex.errors import DataError


class DataUnavailableError(DataError):
    """The file is nowhere on this machine and could not be downloaded."""


class DataCorruptError(DataError):
    """A file is present (or was just downloaded) but is truncated, damaged or altered."""
