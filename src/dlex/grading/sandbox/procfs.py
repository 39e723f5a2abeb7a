"""Reading ``/proc``: one scan of every process, and the questions the sandbox asks of it."""

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Process:
    """One process as ``/proc/<pid>/stat`` describes it, and its owner."""

    ppid: int
    threads: int
    rss_pages: int
    uid: int


def processes() -> dict[int, Process]:
    """Every process on the machine, by pid (those that vanish while reading are left out)."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"{entry.path}/stat", "rb") as handle:
                raw = handle.read()
            uid = entry.stat().st_uid
        except OSError:
            continue
        rest = raw[raw.rfind(b")") + 2 :].split()  # the name may hold spaces and brackets
        try:
            table[int(entry.name)] = Process(int(rest[1]), int(rest[17]), int(rest[21]), uid)
        except (IndexError, ValueError):
            continue
    return table


def process_tree(root: int, table: dict | None = None) -> list[int]:
    """``root`` and every process below it."""
    table = processes() if table is None else table
    children: dict[int, list[int]] = {}
    for pid, process in table.items():
        children.setdefault(process.ppid, []).append(pid)
    found, todo = [], [root] if root in table else []
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def pids_of_uid(uid: int, table: dict | None = None) -> list[int]:
    table = processes() if table is None else table
    return [pid for pid, process in table.items() if process.uid == uid]


def tasks_of_uid(uid: int) -> int:
    """Processes and threads ``uid`` runs now (what ``RLIMIT_NPROC`` counts)."""
    return sum(process.threads for process in processes().values() if process.uid == uid)


def proportional_memory(pids) -> int:
    """Bytes of memory of ``pids`` with shared pages divided among their sharers (PSS)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
                for line in handle:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except (OSError, ValueError, IndexError):
            continue
    return total
