"""What crosses between the grader and its worker: the worker's configuration and its events.

The grader starts ``python -m dlex.grading.sandbox.worker '<WorkerConfig JSON>'``; the
worker answers on its control pipe with one JSON event per line (``ready``, ``selftest``,
``executed``, ``probed``, ``failed``), and receives the challenge seed (or ``skip``) after
``executed``. Evidence files go through the submission's folder, in :data:`EVIDENCE_DIR`
(:mod:`dlex.grading.exercises.evidence_files`).
"""

import json
from dataclasses import asdict, dataclass, field, fields

WORKER_MODULE = "dlex.grading.sandbox.worker"
EVIDENCE_DIR = ".dlex-evidence"


@dataclass(frozen=True)
class WorkerConfig:
    """Everything the worker needs, sent once on its command line."""

    mode: str  # "grade": run and probe a notebook; "selftest": test the sandbox
    workdir: str
    lab: str = ""
    notebook: str = ""
    isolate: bool = False  # a private file system (needs the namespaces)
    uid: int | None = None  # the throw-away user (its gid is the same number)
    expose: list = field(default_factory=list)  # folders Python needs, bound into the sandbox
    cgroup: str | None = None
    limits: dict = field(default_factory=dict)  # rlimits by name (limits.rlimits_for)
    env: dict = field(default_factory=dict)  # the kernel's whole environment
    output_bytes: int = 1 << 20
    cell_timeout: int = 3600
    probe_timeout: int = 300
    control_in: int = -1  # the pipes to the grader, set by the supervisor
    control_out: int = -1

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "WorkerConfig":
        data = json.loads(text)
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})
