"""The course labs: jupytext percent-format sources, one file per lab.

Each ``labNN_*.py`` starts with a YAML header whose ``dlex`` block names the lab
(see :mod:`dlex.labs.catalog`); notebooks are generated from these sources, never
edited by hand.
"""

from dlex.labs.catalog import Lab, all_labs, get_lab

__all__ = ["Lab", "all_labs", "get_lab"]
