"""What one submission may use, as rlimits set inside the sandbox and limits the supervisor keeps."""

import os
import resource
from dataclasses import dataclass

from dlex.grading.sandbox.procfs import tasks_of_uid


@dataclass
class Limits:
    """What one submission may use. ``None`` means the default computed from the machine."""

    timeout_s: float = 600.0
    memory_mb: int | None = 4096
    cpu_s: int | None = None
    fsize_mb: int | None = 256
    nproc: int | None = None
    output_kb: int = 1024
    log_kb: int = 64

    def processes(self) -> int:
        return self.nproc or 128 + 8 * (os.cpu_count() or 2)

    def cpu_seconds(self) -> int:
        return self.cpu_s or int(self.timeout_s * max(1, os.cpu_count() or 1)) + 30


def rlimits_for(limits: Limits, isolation) -> dict:
    """The rlimits, by name, the worker sets on itself under ``isolation`` (the kernel inherits them)."""
    found = {"core": 0, "cpu": limits.cpu_seconds(), "nofile": 4096}
    if limits.memory_mb:
        found["data"] = int(limits.memory_mb) * 2**20
    if limits.fsize_mb:
        found["fsize"] = int(limits.fsize_mb) * 2**20
    nproc = limits.processes()
    if isolation.mode == "none" and os.geteuid() != 0:
        nproc += tasks_of_uid(os.getuid())  # the user's own processes count too
    found["nproc"] = nproc
    return found


def apply_limits(limits: dict) -> None:
    """Set the resource limits of this process (inherited by the kernel it starts)."""
    for name, value in limits.items():
        if value is None:
            continue
        which = getattr(resource, f"RLIMIT_{name.upper()}")
        soft, hard = (value, value + 5) if name == "cpu" else (value, value)
        _, current_hard = resource.getrlimit(which)
        if current_hard != resource.RLIM_INFINITY:
            soft, hard = min(soft, current_hard), min(hard, current_hard)
        resource.setrlimit(which, (soft, hard))
