"""Time dlex.scratch (NumPy) against Keras on this CPU.

    .venv/bin/python benchmarks/bench_scratch.py [--repeat N] [--json PATH]

The logic lives in ``dlex.bench.scratch`` (``run(repeat=5) -> list[dict]``), which the
``dlex bench`` command also calls.
"""

import sys

from dlex.bench.scratch import main, run  # noqa: F401  (run: for importers of this script)

if __name__ == "__main__":
    sys.exit(main())
