"""``python -m dlex`` is the ``dlex`` command."""

from dlex.cli.main import entry

entry()
