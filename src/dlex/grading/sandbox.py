"""The sandbox a submission runs in, and the supervisor that watches it from outside.

Layers, from the outside in (``dlex grade``):

* **Namespaces** (util-linux ``unshare``): a new network namespace whose only interface,
  loopback, stays down — every ``connect``, even to 127.0.0.1, fails with "Network is
  unreachable", and the Jupyter kernel talks to its client over Unix sockets
  (``transport="ipc"``) instead; a new PID namespace whose init is the worker, so
  killing the worker kills every process the submission started; a new mount
  namespace in which the whole file system is re-mounted read-only except the
  submission's folder, and ``/tmp``, ``/var/tmp`` and ``/dev/shm`` are fresh, small,
  private tmpfs. As root, ``unshare`` runs directly; otherwise with ``--user
  --map-root-user`` (unprivileged user namespaces).
* **A throw-away user** (as root): the worker drops to a fresh unprivileged uid/gid
  (``1500000000 + random``) before the kernel starts, so the submission cannot write
  anything root owns, cannot read another submission's folder, and — because
  ``RLIMIT_NPROC`` is not enforced for root but is for other users — cannot fork
  without bound. Without root, the user namespace gives the same per-sandbox process
  count on Linux 5.14 or newer.
* **Resource limits** (``setrlimit`` in the worker, inherited by the kernel):
  ``RLIMIT_DATA`` (heap per process; measured: ``RLIMIT_AS`` would have to be about
  three times the memory really used, because JAX/XLA reserve address space), ``CPU``,
  ``FSIZE`` (largest file), ``NPROC`` (tasks, threads included), ``NOFILE``, ``CORE=0``.
* **A pids cgroup** where the grader can make one (root; cgroup v1 ``pids`` or v2 with
  ``pids`` enabled): ``pids.max`` caps the sandbox's tasks even where ``RLIMIT_NPROC``
  does not apply.
* **The supervisor** (this process): a wall-clock timeout; every 0.25 s it sums the RSS
  and the threads of every process in the sandbox's tree and kills the tree when the
  memory limit or the process limit is passed (this also covers configurations where
  ``RLIMIT_NPROC`` cannot work). The worker's own stdout/stderr is drained and capped.

Where no namespace can be made (no root, user namespaces disabled) grading is refused
with a message, unless ``--allow-network``: then submissions run with the limits, the
process group and the supervisor only. ``dlex check`` (a learner checking their own
notebook) uses that mode too, without limits.
"""

import ctypes
import json
import os
import resource
import secrets
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from dlex.errors import DlexError

UID_BASE = 1_500_000_000
NAMESPACE_FLAGS = ["--net", "--pid", "--fork", "--kill-child", "--mount", "--mount-proc",
                   "--propagation", "private"]
PRIVATE_TMPFS = ("/tmp", "/var/tmp", "/dev/shm")
TMPFS_SIZE = "128m"
MAX_CONTROL_LINE = 1 << 20


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


@dataclass
class Isolation:
    """How submissions are isolated on this machine."""

    mode: str                      # "root", "userns" or "none"
    drop_uid: bool = False
    notes: list = field(default_factory=list)

    @property
    def network_blocked(self) -> bool:
        return self.mode in ("root", "userns")

    def command(self) -> list[str]:
        if self.mode == "root":
            return [shutil.which("unshare") or "unshare", *NAMESPACE_FLAGS, "--"]
        if self.mode == "userns":
            return [shutil.which("unshare") or "unshare", "--user", "--map-root-user",
                    *NAMESPACE_FLAGS, "--"]
        return []

    def describe(self) -> str:
        text = {"root": "network, PID and mount namespaces (as root)",
                "userns": "network, PID and mount namespaces in a user namespace",
                "none": "no namespaces: network NOT blocked"}[self.mode]
        if self.drop_uid:
            text += ", a throw-away uid per submission"
        return text


# --------------------------------------------------------------------------- inside

_libc = None


def _mount(source, target, fstype, flags, data=None) -> None:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    enc = lambda s: s.encode() if s is not None else None  # noqa: E731
    if _libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), target)


MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 32, 4096, 1024, 2048, 1 << 21


def _mountpoints() -> list[str]:
    points = []
    with open("/proc/self/mountinfo") as handle:
        for line in handle:
            raw = line.split()[4]
            points.append(raw.encode().decode("unicode_escape"))
    return points


def _closed_ancestor(path: str) -> tuple[str, str] | None:
    """The first folder on ``path`` that other users cannot enter, and its child on the path."""
    current = "/"
    for part in Path(path).parts[1:]:
        try:
            mode = os.stat(current).st_mode
        except OSError:
            return None
        if not mode & 0o001:
            return current, part
        current = os.path.join(current, part)
    return None


def expose(paths: list[str]) -> list[str]:
    """Make ``paths`` reachable for the throw-away user without opening anything else.

    A folder on the way that others cannot enter (``/root`` holding the Python install,
    say) is covered with an empty tmpfs in which only the needed children are bound
    back. The rest of that folder stays invisible inside the sandbox.
    """
    mounted = []
    for _ in range(8):
        wanted: dict[str, set] = {}
        for path in paths:
            found = _closed_ancestor(path)
            if found:
                wanted.setdefault(found[0], set()).add(found[1])
        if not wanted:
            break
        for folder, children in wanted.items():
            fds = {child: os.open(os.path.join(folder, child), os.O_PATH) for child in children}
            _mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
            for child, fd in fds.items():
                target = os.path.join(folder, child)
                if os.path.isdir(f"/proc/self/fd/{fd}"):
                    os.mkdir(target)
                else:
                    open(target, "w").close()
                _mount(f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC)
                os.close(fd)
            mounted.append(folder)
    return mounted


MS_REC = 16384


def _under_private_tmpfs(path: str) -> bool:
    return any(path == point or path.startswith(point + "/") for point in PRIVATE_TMPFS)


def private_filesystem(workdir: str, needed: list[str] = (), drop_uid: bool = False) -> list[str]:
    """In a fresh mount namespace: read-only everything, writable ``workdir`` and tmpfs.

    Folders in ``needed`` (the Python install, the package, the data) that lie under a
    folder replaced by a private tmpfs (a checkout in ``/tmp``, say) are bound back into
    it, so Python still runs; they end up read-only like everything else.
    """
    notes = []
    fd = os.open(workdir, os.O_PATH | os.O_DIRECTORY)
    kept = {path: os.open(path, os.O_PATH) for path in needed
            if _under_private_tmpfs(path) and os.path.exists(path)}
    for point in PRIVATE_TMPFS:
        if os.path.isdir(point):
            _mount("tmpfs", point, "tmpfs", MS_NOSUID | MS_NODEV,
                   f"size={TMPFS_SIZE},mode=1777")
    os.makedirs(workdir, exist_ok=True)
    _mount(f"/proc/self/fd/{fd}", workdir, None, MS_BIND)
    os.close(fd)
    for path, kept_fd in sorted(kept.items()):
        if os.path.isdir(f"/proc/self/fd/{kept_fd}"):
            os.makedirs(path, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            open(path, "a").close()
        _mount(f"/proc/self/fd/{kept_fd}", path, None, MS_BIND | MS_REC)
        os.close(kept_fd)
    if needed and drop_uid:
        for folder in expose([*needed, workdir]):
            notes.append(f"{folder} is hidden except the parts Python needs")
    keep = {workdir, *PRIVATE_TMPFS}
    for point in _mountpoints():
        if point in keep or point.startswith(("/proc", "/sys", "/dev", workdir + "/")):
            continue
        try:
            have = os.statvfs(point).f_flag
        except OSError:
            continue
        flags = MS_BIND | MS_REMOUNT | MS_RDONLY   # MS_BIND: this mount only, never the file system
        for st_flag, ms_flag in ((os.ST_NOSUID, MS_NOSUID), (os.ST_NODEV, MS_NODEV),
                                 (os.ST_NOEXEC, MS_NOEXEC), (os.ST_NOATIME, MS_NOATIME),
                                 (os.ST_NODIRATIME, MS_NODIRATIME), (os.ST_RELATIME, MS_RELATIME)):
            if have & st_flag:
                flags |= ms_flag
        try:
            _mount(None, point, None, flags)
        except OSError as exc:
            notes.append(f"could not make {point} read-only ({exc.strerror})")
    return notes


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


def drop_privileges(uid: int, gid: int) -> None:
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)


def _prctl(option: int, value: int) -> None:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    _libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0)


PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, PR_SET_DUMPABLE = 1, 38, 4


def enter(config: dict) -> list[str]:
    """Run by the worker first: file system, limits, user. Returns notes."""
    notes = []
    if config.get("isolate"):
        notes += private_filesystem(config["workdir"], config.get("expose") or [],
                                    drop_uid=config.get("uid") is not None)
    if config.get("cgroup"):
        try:
            with open(os.path.join(config["cgroup"], "cgroup.procs"), "w") as handle:
                handle.write("0")          # 0: this process; its children follow it
        except OSError as exc:
            notes.append(f"could not join the pids cgroup ({exc.strerror})")
    apply_limits(config.get("limits") or {})
    if config.get("uid") is not None:
        drop_privileges(int(config["uid"]), int(config["gid"]))
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    _prctl(PR_SET_DUMPABLE, 0)              # the kernel (same uid) cannot ptrace the worker
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    return notes


# --------------------------------------------------------------------------- outside

def rlimits_for(limits: Limits, isolation: Isolation) -> dict:
    found = {"core": 0, "cpu": limits.cpu_seconds(), "nofile": 4096}
    if limits.memory_mb:
        found["data"] = int(limits.memory_mb) * 2**20
    if limits.fsize_mb:
        found["fsize"] = int(limits.fsize_mb) * 2**20
    nproc = limits.processes()
    if isolation.mode == "none" and os.geteuid() != 0:
        nproc += _count_tasks_of_uid(os.getuid())   # the user's own processes count too
    found["nproc"] = nproc
    return found


def _count_tasks_of_uid(uid: int) -> int:
    total = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if os.stat(entry.path).st_uid == uid:
                    total += len(os.listdir(f"{entry.path}/task"))
            except OSError:
                continue
    return total


def _proc_table() -> dict[int, tuple[int, int, int]]:
    """``{pid: (ppid, threads, rss_pages)}`` for every process on the machine."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"{entry.path}/stat", "rb") as handle:
                raw = handle.read()
        except OSError:
            continue
        rest = raw[raw.rfind(b")") + 2:].split()
        try:
            table[int(entry.name)] = (int(rest[1]), int(rest[17]), int(rest[21]))
        except (IndexError, ValueError):
            continue
    return table


def _proportional_memory(pids) -> int:
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


def process_tree(root: int, table: dict | None = None) -> list[int]:
    table = _proc_table() if table is None else table
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = [], [root] if root in table else []
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _pids_of_uid(uid: int) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if os.stat(entry.path).st_uid == uid:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def kill_tree(proc: subprocess.Popen, uid: int | None = None) -> None:
    """SIGKILL the process, everything below it, and (root mode) everything of ``uid``."""
    for _ in range(50):
        pids = process_tree(proc.pid)
        if uid is not None:
            pids += _pids_of_uid(uid)
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
            del self.tail[:max(0, len(self.tail) - self.limit)]

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
    killed: str | None = None          # why the supervisor killed it, if it did
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


def run_worker(config: dict, isolation: Isolation, limits: Limits, on_event) -> RunRecord:
    """Start the worker in the sandbox and supervise it until it exits or is killed.

    ``on_event(event) -> str | None`` is called for each event line the worker sends;
    a returned string is written back to the worker (that is how the challenge goes in).
    """
    record = RunRecord()
    to_worker_r, to_worker_w = os.pipe()
    from_worker_r, from_worker_w = os.pipe()
    config = dict(config, control_in=to_worker_r, control_out=from_worker_w)
    command = isolation.command() + [sys.executable, "-m", "dlex.grading.worker", json.dumps(config)]
    started = record.started
    try:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, pass_fds=(to_worker_r, from_worker_w),
                                start_new_session=True, cwd=config["workdir"], env=_worker_env())
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
                table = _proc_table()
                tree = [p for p in process_tree(proc.pid, table) if p in table]
                rss = sum(table[p][2] for p in tree) * page
                tasks = sum(table[p][1] for p in tree)
                if memory_limit and rss > memory_limit:
                    rss = _proportional_memory(tree)     # forked copies share their pages
                record.peak_rss_mb = round(max(record.peak_rss_mb, rss / 2**20), 1)
                record.peak_tasks = max(record.peak_tasks, tasks)
                if tasks >= 0.9 * limits.processes():
                    record.killed = (f"it ran {tasks} processes and threads at once, near the "
                                     f"limit of {limits.processes()} (a fork bomb?)")
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
        kill_tree(proc, config.get("uid"))   # nothing may outlive the run, not even a daemon
        os.close(from_worker_r)
        os.close(to_worker_w)
        drainer.join(timeout=5)
        record.returncode = proc.returncode
        record.seconds = round(time.monotonic() - started, 2)
        record.log = log.text()
    return record


def python_paths(data_dir: str | None = None) -> list[str]:
    """Folders the sandboxed Python must be able to read: interpreter, stdlib, packages, data."""
    import dlex

    paths = {sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable)),
             str(Path(dlex.__file__).resolve().parents[1])}
    paths.update(p for p in sys.path if p and os.path.isdir(p))
    if data_dir:
        paths.add(data_dir)
    return sorted(os.path.realpath(p) for p in paths)


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


def new_uid() -> int:
    return UID_BASE + secrets.randbelow(400_000_000)


def prepare_workdir(workdir: Path, uid: int | None) -> None:
    """Hand the submission's folder to its throw-away user (root mode)."""
    if uid is None:
        return
    for root, dirs, files in os.walk(workdir):
        os.chown(root, uid, uid)
        for name in files:
            os.chown(os.path.join(root, name), uid, uid)


def _selftest(isolation: Isolation, base: Path) -> tuple[bool, str]:
    import tempfile

    workdir = Path(tempfile.mkdtemp(prefix="selftest-", dir=base))
    uid = new_uid() if isolation.drop_uid else None
    prepare_workdir(workdir, uid)
    config = {"mode": "selftest", "workdir": str(workdir), "isolate": isolation.network_blocked,
              "uid": uid, "gid": uid, "expose": python_paths(),
              "limits": rlimits_for(Limits(), isolation), "env": {}}
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
    import tempfile

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
                    candidate.notes.append("the throw-away user could not run Python here; "
                                           "submissions run as root inside the namespaces, and "
                                           "only the supervisor limits their processes")
                return candidate
            tried.append(f"{candidate.describe()}: {why}")
    else:
        tried.append("`unshare` (util-linux) is not available")
    if allow_network:
        return Isolation("none", drop_uid=False,
                         notes=["no network namespace could be made here (" + "; ".join(tried)
                                + "); --allow-network: submissions can reach the network"])
    raise DlexError(
        "cannot isolate submissions from the network on this machine: " + "; ".join(tried),
        "run `dlex grade` as root, or enable unprivileged user namespaces "
        "(sysctl kernel.unprivileged_userns_clone=1), or pass --allow-network to grade "
        "without network isolation")


def detect(allow_network: bool = False) -> Isolation:
    """The strongest isolation that works here (tested once per process)."""
    return _detect(bool(allow_network))
