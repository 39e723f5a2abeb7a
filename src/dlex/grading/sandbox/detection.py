"""Which isolation works on this machine: each candidate is tried with a self-test run.

As root: namespaces with a throw-away user, then namespaces alone; otherwise a user
namespace. Where none works, grading is refused unless the network may stay reachable.
"""

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from dlex.errors import DlexError
from dlex.grading.sandbox.limits import Limits, rlimits_for
from dlex.grading.sandbox.protocol import WorkerConfig
from dlex.grading.sandbox.supervisor import run_worker
from dlex.grading.sandbox.workdir import new_uid, prepare_workdir, python_paths

NAMESPACE_FLAGS = [
    "--net",
    "--pid",
    "--fork",
    "--kill-child",
    "--mount",
    "--mount-proc",
    "--propagation",
    "private",
]


@dataclass
class Isolation:
    """How submissions are isolated on this machine."""

    mode: str  # "root", "userns" or "none"
    drop_uid: bool = False
    notes: list = field(default_factory=list)

    @property
    def network_blocked(self) -> bool:
        return self.mode in ("root", "userns")

    def command(self) -> list[str]:
        if self.mode == "root":
            return [shutil.which("unshare") or "unshare", *NAMESPACE_FLAGS, "--"]
        if self.mode == "userns":
            return [shutil.which("unshare") or "unshare", "--user", "--map-root-user", *NAMESPACE_FLAGS, "--"]
        return []

    def describe(self) -> str:
        text = {
            "root": "network, PID and mount namespaces (as root)",
            "userns": "network, PID and mount namespaces in a user namespace",
            "none": "no namespaces: network NOT blocked",
        }[self.mode]
        if self.drop_uid:
            text += ", a throw-away uid per submission"
        return text


def _selftest(isolation: Isolation, base: Path) -> tuple[bool, str]:
    workdir = Path(tempfile.mkdtemp(prefix="selftest-", dir=base))
    uid = new_uid() if isolation.drop_uid else None
    prepare_workdir(workdir, uid)
    config = WorkerConfig(
        mode="selftest",
        workdir=str(workdir),
        isolate=isolation.network_blocked,
        uid=uid,
        expose=python_paths(),
        limits=rlimits_for(Limits(), isolation),
    )
    record = run_worker(config, isolation, Limits(timeout_s=120, memory_mb=None), lambda e: None)
    shutil.rmtree(workdir, ignore_errors=True)
    result = record.event("selftest")
    if not result:
        return False, (record.killed or record.log.strip().splitlines()[-1:] or ["no answer"])[0]
    problems = [k for k in ("network_blocked", "python_ok", "tmp_private") if not result.get(k)]
    if isolation.drop_uid and not result.get("uid_dropped"):
        problems.append("uid_dropped")
    return (not problems), (", ".join(problems) or "ok")


@cache
def _detect(allow_network: bool) -> Isolation:
    base = Path(tempfile.mkdtemp(prefix="dlex-selftest-"))
    os.chmod(base, 0o711)
    try:
        return _detect_in(allow_network, base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _detect_in(allow_network: bool, base: Path) -> Isolation:
    unshare = shutil.which("unshare")
    tried = []
    if unshare and sys.platform.startswith("linux"):
        candidates = []
        if os.geteuid() == 0:
            candidates += [Isolation("root", drop_uid=True), Isolation("root", drop_uid=False)]
        candidates.append(Isolation("userns"))
        for candidate in candidates:
            ok, why = _selftest(candidate, base)
            if ok:
                if os.geteuid() == 0 and not candidate.drop_uid:
                    candidate.notes.append(
                        "the throw-away user could not run Python here; "
                        "submissions run as root inside the namespaces, and "
                        "only the supervisor limits their processes"
                    )
                return candidate
            tried.append(f"{candidate.describe()}: {why}")
    else:
        tried.append("`unshare` (util-linux) is not available")
    if allow_network:
        return Isolation(
            "none",
            drop_uid=False,
            notes=[
                "no network namespace could be made here ("
                + "; ".join(tried)
                + "); --allow-network: submissions can reach the network"
            ],
        )
    raise DlexError(
        "cannot isolate submissions from the network on this machine: " + "; ".join(tried),
        "run `dlex grade` as root, or enable unprivileged user namespaces "
        "(sysctl kernel.unprivileged_userns_clone=1), or pass --allow-network to grade "
        "without network isolation",
    )


def detect(allow_network: bool = False) -> Isolation:
    """The strongest isolation that works here (tested once per process)."""
    return _detect(bool(allow_network))
