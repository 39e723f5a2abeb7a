"""Time `dlex grade` marking copies of a correct Lab 2 submission (quick parameters).

    .venv/bin/python benchmarks/bench_grader.py [--copies 20] [--jobs 2] [--json PATH]

Needs the datasets (``DLEX_DATA_DIR``) and the sandbox (root, or unprivileged user
namespaces). The logic lives in ``dlex.bench.grader`` (``run(copies=20, jobs=2) -> dict``).
"""

import sys

from dlex.bench.grader import main, run  # noqa: F401  (run: for importers of this script)

if __name__ == "__main__":
    sys.exit(main())
