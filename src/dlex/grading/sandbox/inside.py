"""Inside the sandbox: what the worker does to itself before the submission's kernel starts.

A private, read-only file system (the submission's folder and fresh tmpfs writable),
the resource limits, the pids cgroup, the throw-away user, and no way back to privileges.
"""

import ctypes
import os
import signal
from pathlib import Path

from dlex.grading.sandbox.limits import apply_limits
from dlex.grading.sandbox.protocol import WorkerConfig

PRIVATE_TMPFS = ("/tmp", "/var/tmp", "/dev/shm")
TMPFS_SIZE = "128m"
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
MS_REC = 16384


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
    kept = {
        path: os.open(path, os.O_PATH)
        for path in needed
        if _under_private_tmpfs(path) and os.path.exists(path)
    }
    for point in PRIVATE_TMPFS:
        if os.path.isdir(point):
            _mount("tmpfs", point, "tmpfs", MS_NOSUID | MS_NODEV, f"size={TMPFS_SIZE},mode=1777")
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
        flags = MS_BIND | MS_REMOUNT | MS_RDONLY  # MS_BIND: this mount only, never the file system
        for st_flag, ms_flag in (
            (os.ST_NOSUID, MS_NOSUID),
            (os.ST_NODEV, MS_NODEV),
            (os.ST_NOEXEC, MS_NOEXEC),
            (os.ST_NOATIME, MS_NOATIME),
            (os.ST_NODIRATIME, MS_NODIRATIME),
            (os.ST_RELATIME, MS_RELATIME),
        ):
            if have & st_flag:
                flags |= ms_flag
        try:
            _mount(None, point, None, flags)
        except OSError as exc:
            notes.append(f"could not make {point} read-only ({exc.strerror})")
    return notes


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


def enter(config: WorkerConfig) -> list[str]:
    """Run by the worker first: file system, limits, user. Returns notes."""
    notes = []
    if config.isolate:
        notes += private_filesystem(config.workdir, config.expose, drop_uid=config.uid is not None)
    if config.cgroup:
        try:
            with open(os.path.join(config.cgroup, "cgroup.procs"), "w") as handle:
                handle.write("0")  # 0: this process; its children follow it
        except OSError as exc:
            notes.append(f"could not join the pids cgroup ({exc.strerror})")
    apply_limits(config.limits)
    if config.uid is not None:
        drop_privileges(int(config.uid), int(config.uid))
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    _prctl(PR_SET_DUMPABLE, 0)  # the kernel (same uid) cannot ptrace the worker
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    return notes
