"""A pids cgroup per submission, where the grader may make one (root)."""

import os
import time
from pathlib import Path


def make_cgroup(name: str, max_tasks: int) -> str | None:
    """A pids cgroup capping the sandbox's tasks, where this process may make one (root).

    A second fork-bomb fence next to ``RLIMIT_NPROC``: it holds even where the rlimit
    cannot (a sandbox left running as root). Cgroup v1 ``pids`` or v2 with ``pids``
    enabled; None elsewhere.
    """
    if os.geteuid() != 0:
        return None
    own = {"v1": None, "v2": None}
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            number, controllers, where = line.split(":", 2)
            if "pids" in controllers.split(","):
                own["v1"] = where
            elif number == "0" and controllers == "":
                own["v2"] = where
    except OSError:
        return None
    bases = []
    if own["v1"] is not None:
        bases.append(Path("/sys/fs/cgroup/pids") / own["v1"].lstrip("/"))
    if own["v2"] is not None:
        for root in (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified")):
            folder = root / own["v2"].lstrip("/")
            try:
                if "pids" in (folder / "cgroup.subtree_control").read_text().split():
                    bases.append(folder)
            except OSError:
                continue
    for base in bases:
        folder = base / name
        try:
            folder.mkdir()
            (folder / "pids.max").write_text(str(int(max_tasks)))
            return str(folder)
        except OSError:
            try:
                folder.rmdir()
            except OSError:
                pass
    return None


def remove_cgroup(folder: str | None) -> None:
    if not folder:
        return
    for _ in range(50):
        try:
            os.rmdir(folder)
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.1)
