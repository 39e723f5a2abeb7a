"""The sandbox a submission runs in, and the supervisor that watches it from outside.

Where each part lives: :mod:`.limits` (what a submission may use), :mod:`.detection`
(which isolation works on this machine), :mod:`.inside` (what the worker does to enter
the sandbox), :mod:`.workdir` and :mod:`.cgroup` (set up before the run),
:mod:`.supervisor` (start the worker, watch it, kill its tree), :mod:`.procfs` (reading
``/proc``), :mod:`.protocol` (what grader and worker exchange) and :mod:`.worker` (the
process inside).

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

from dlex.grading.sandbox.cgroup import make_cgroup, remove_cgroup
from dlex.grading.sandbox.detection import Isolation, detect
from dlex.grading.sandbox.limits import Limits, rlimits_for
from dlex.grading.sandbox.procfs import process_tree
from dlex.grading.sandbox.protocol import EVIDENCE_DIR, WorkerConfig
from dlex.grading.sandbox.supervisor import CappedLog, RunRecord, kill_tree, run_worker
from dlex.grading.sandbox.workdir import new_uid, prepare_workdir, python_paths

__all__ = [
    "EVIDENCE_DIR",
    "CappedLog",
    "Isolation",
    "Limits",
    "RunRecord",
    "WorkerConfig",
    "detect",
    "kill_tree",
    "make_cgroup",
    "new_uid",
    "prepare_workdir",
    "process_tree",
    "python_paths",
    "remove_cgroup",
    "rlimits_for",
    "run_worker",
]
