"""The supervisor: starts the worker in the sandbox and watches it from outside until it ends.

Every 0.25 s it sums the memory and the threads of the sandbox's process tree and kills
the tree past a limit or the wall-clock timeout; it answers the worker's events (that is
how the challenge seed goes in) and keeps a capped log of the worker's output.
"""

import dataclasses
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from dlex.grading.sandbox.limits import Limits
from dlex.grading.sandbox.procfs import (
    pids_of_uid,
    process_tree,
    processes,
    proportional_memory,
)
from dlex.grading.sandbox.protocol import WORKER_MODULE, WorkerConfig

MAX_CONTROL_LINE = 1 << 20


def kill_tree(proc: subprocess.Popen, uid: int | None = None) -> None:
    """SIGKILL the process, everything below it, and (root mode) everything of ``uid``."""
    for _ in range(50):
        table = processes()
        pids = process_tree(proc.pid, table)
        if uid is not None:
            pids += pids_of_uid(uid, table)
        if proc.poll() is None and proc.pid not in pids:
            pids.append(proc.pid)
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        time.sleep(0.05)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


class CappedLog:
    """Keeps the first and last ``limit`` bytes of a stream, counting the rest."""

    def __init__(self, limit: int):
        self.limit, self.head, self.tail, self.total = limit, bytearray(), bytearray(), 0

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        room = self.limit - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if chunk:
            self.tail += chunk
            del self.tail[: max(0, len(self.tail) - self.limit)]

    def text(self) -> str:
        out = self.head.decode(errors="replace")
        dropped = self.total - len(self.head) - len(self.tail)
        if dropped > 0:
            out += f"\n[... {dropped:,} bytes left out ...]\n"
        return out + self.tail.decode(errors="replace")


@dataclass
class RunRecord:
    """What happened to one sandboxed run, seen from outside."""

    events: list = field(default_factory=list)
    killed: str | None = None  # why the supervisor killed it, if it did
    returncode: int | None = None
    seconds: float = 0.0
    log: str = ""
    peak_rss_mb: float = 0.0
    peak_tasks: int = 0
    started: float = field(default_factory=time.monotonic)

    def event(self, name: str) -> dict | None:
        for item in self.events:
            if item.get("event") == name:
                return item
        return None


def _worker_env() -> dict:
    keep = ("PATH", "LANG", "LC_ALL", "KERAS_BACKEND")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _read_events(pending: bytearray, record: RunRecord, on_event, reply) -> bool:
    """Handle the complete lines in ``pending``; False on a protocol violation."""
    while b"\n" in pending:
        line, _, rest = bytes(pending).partition(b"\n")
        pending[:] = rest
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except ValueError:
            event = None
        if not isinstance(event, dict):
            record.killed = "its grading process sent something unreadable"
            return False
        event["at_s"] = round(time.monotonic() - record.started, 2)
        record.events.append(event)
        answer = on_event(event)
        if answer is not None:
            reply(answer)
    if len(pending) > MAX_CONTROL_LINE:
        record.killed = "its grading process sent an over-long message"
        return False
    return True


def run_worker(config: WorkerConfig, isolation, limits: Limits, on_event) -> RunRecord:
    """Start the worker in the sandbox and supervise it until it exits or is killed.

    ``on_event(event) -> str | None`` is called for each event line the worker sends;
    a returned string is written back to the worker (that is how the challenge goes in).
    """
    record = RunRecord()
    to_worker_r, to_worker_w = os.pipe()
    from_worker_r, from_worker_w = os.pipe()
    config = dataclasses.replace(config, control_in=to_worker_r, control_out=from_worker_w)
    command = isolation.command() + [sys.executable, "-m", WORKER_MODULE, config.to_json()]
    started = record.started
    try:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(to_worker_r, from_worker_w),
            start_new_session=True,
            cwd=config.workdir,
            env=_worker_env(),
        )
    except BaseException:
        for fd in (to_worker_r, to_worker_w, from_worker_r, from_worker_w):
            os.close(fd)
        raise
    os.close(to_worker_r)
    os.close(from_worker_w)
    log = CappedLog(limits.log_kb * 1024)

    def drain():
        while True:
            chunk = proc.stdout.read1(65536)
            if not chunk:
                break
            log.add(chunk)

    def reply(text: str) -> None:
        try:
            os.write(to_worker_w, text.encode() + b"\n")
        except OSError:
            pass

    drainer = threading.Thread(target=drain, daemon=True)
    drainer.start()
    pending = bytearray()
    memory_limit = (limits.memory_mb or 0) * 2**20
    page = os.sysconf("SC_PAGE_SIZE")
    next_watch, eof = 0.0, False
    try:
        while True:
            now = time.monotonic()
            if now - started > limits.timeout_s:
                record.killed = f"it ran past the {limits.timeout_s:g} s time limit"
                break
            if now >= next_watch:
                next_watch = now + 0.25
                table = processes()
                tree = [p for p in process_tree(proc.pid, table) if p in table]
                rss = sum(table[p].rss_pages for p in tree) * page
                tasks = sum(table[p].threads for p in tree)
                if memory_limit and rss > memory_limit:
                    rss = proportional_memory(tree)  # forked copies share their pages
                record.peak_rss_mb = round(max(record.peak_rss_mb, rss / 2**20), 1)
                record.peak_tasks = max(record.peak_tasks, tasks)
                if tasks >= 0.9 * limits.processes():
                    record.killed = (
                        f"it ran {tasks} processes and threads at once, near the "
                        f"limit of {limits.processes()} (a fork bomb?)"
                    )
                    break
                if memory_limit and rss > memory_limit:
                    record.killed = f"it used more than the {limits.memory_mb:,} MB memory limit"
                    break
            ready = select.select([from_worker_r], [], [], 0.1)[0] if not eof else []
            if ready:
                chunk = os.read(from_worker_r, 65536)
                if not chunk:
                    eof = True
                    continue
                pending += chunk
                if not _read_events(pending, record, on_event, reply):
                    break
            elif proc.poll() is not None:
                while not eof and select.select([from_worker_r], [], [], 0)[0]:
                    chunk = os.read(from_worker_r, 65536)
                    eof = not chunk
                    pending += chunk
                _read_events(pending + b"\n", record, on_event, lambda text: None)
                break
            elif eof:
                time.sleep(0.1)
    finally:
        kill_tree(proc, config.uid)  # nothing may outlive the run, not even a daemon
        os.close(from_worker_r)
        os.close(to_worker_w)
        drainer.join(timeout=5)
        record.returncode = proc.returncode
        record.seconds = round(time.monotonic() - started, 2)
        record.log = log.text()
    return record
