"""The ``dlex`` command line: one module per verb group."""
