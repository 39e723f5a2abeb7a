"""The worker: runs inside the sandbox, executes a submission, then probes it.

    python -m dlex.grading.sandbox.worker '<WorkerConfig JSON>'

It enters the sandbox (:func:`dlex.grading.sandbox.inside.enter`), starts a Jupyter kernel as its
child (so the kernel is inside the sandbox too; it talks to the kernel over Unix sockets
because the network namespace has no usable network), executes every cell, caps the
outputs it keeps, and reports ``executed`` on its control pipe. Only then does the grader
send the challenge seed; the worker runs the probe in the same kernel, which writes the
evidence files, reports ``probed`` and exits.

The worker produces data only; it scores nothing. The control pipe is not inherited by
the kernel, and the worker makes itself non-dumpable, so the submission cannot write to
it — but the grader treats everything from here as untrusted anyway.
"""

import asyncio
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time

from dlex.grading.sandbox.inside import enter
from dlex.grading.sandbox.protocol import EVIDENCE_DIR, WorkerConfig


class Channel:
    """The control pipes to the grader. If the grader goes away, the worker ends at once
    (and with it, as the PID namespace's first process, everything the submission started)."""

    def __init__(self, config: WorkerConfig):
        for fd in (config.control_in, config.control_out):
            os.set_inheritable(fd, False)
        self.out = os.fdopen(config.control_out, "w", buffering=1)
        self.inp = os.fdopen(config.control_in, "r")
        self.messages: queue.Queue = queue.Queue()
        threading.Thread(target=self._listen, daemon=True).start()

    def _listen(self) -> None:
        while True:
            line = self.inp.readline(1 << 20)
            if not line:
                os._exit(70)  # the grader is gone
            self.messages.put(line)

    def send(self, **event) -> None:
        self.out.write(json.dumps(event) + "\n")
        self.out.flush()

    def receive(self) -> dict | None:
        line = self.messages.get()
        try:
            message = json.loads(line)
        except ValueError:
            return None
        return message if isinstance(message, dict) else None


def _short(text, limit: int = 600) -> str:
    text = str(text)
    return text if len(text) <= limit else text[:limit] + " …"


def selftest(channel: Channel, notes: list) -> None:
    """What the grader checks once before trusting this sandbox."""
    result = {"notes": notes, "uid": os.getuid(), "uid_dropped": os.getuid() != 0}
    for address in (("127.0.0.1", 9), ("1.1.1.1", 53)):
        try:
            with socket.create_connection(address, timeout=2):
                result["network_blocked"] = False
                break
        except OSError:
            result["network_blocked"] = True
    try:
        probe = "/tmp/.dlex-selftest"
        with open(probe, "w") as handle:
            handle.write("x")
        os.unlink(probe)
        result["tmp_private"] = True
    except OSError:
        result["tmp_private"] = False
    proc = subprocess.run(
        [sys.executable, "-c", "import ipykernel, nbclient, dlex"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    result["python_ok"] = proc.returncode == 0
    result["python_error"] = _short(proc.stderr.strip().splitlines()[-1:] or "")
    channel.send(event="selftest", **result)


def _capped_client_class():
    from nbclient import NotebookClient
    from nbformat.v4 import new_output

    class CappedClient(NotebookClient):
        """Keeps at most ``output_limit`` bytes of cell outputs; drops the rest."""

        output_limit = 1 << 20
        output_used = 0
        output_dropped = 0

        def output(self, outs, msg, display_id, cell_index):
            size = len(json.dumps(msg.get("content", {}), default=str))
            self.output_used += size
            if self.output_used > self.output_limit:
                if not self.output_dropped:
                    outs.append(
                        new_output("stream", name="stderr", text="\n[dlex grade: further output left out]\n")
                    )
                self.output_dropped += size
                return None
            return super().output(outs, msg, display_id, cell_index)

    return CappedClient


async def run_and_probe(channel: Channel, config: WorkerConfig) -> None:
    """Execute the notebook, report ``executed``, then probe with the seed the grader sends."""
    import nbformat
    from jupyter_client.manager import AsyncKernelManager
    from nbclient.exceptions import (
        CellExecutionError,
        CellTimeoutError,
        DeadKernelError,
    )

    workdir = config.workdir
    nb = nbformat.read(os.path.join(workdir, config.notebook), as_version=4)
    km = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(workdir, ".kernel"))
    client = _capped_client_class()(
        nb,
        km=km,
        timeout=config.cell_timeout,
        kernel_name="python3",
        allow_errors=False,
        shutdown_kernel="immediate",
        startup_timeout=180,
        resources={"metadata": {"path": workdir}},
    )
    client.output_limit = config.output_bytes
    status, detail = "ok", {}
    timings = []
    clock = time.monotonic()
    async with client.async_setup_kernel(cleanup_kc=True):
        timings.append(round(time.monotonic() - clock, 2))
        index = -1
        try:
            for index, cell in enumerate(nb.cells):
                clock = time.monotonic()
                await client.async_execute_cell(cell, index)
                if cell.cell_type == "code":
                    timings.append(round(time.monotonic() - clock, 2))
        except CellExecutionError as exc:
            status = "error"
            detail = {
                "cell": index,
                "ename": _short(getattr(exc, "ename", type(exc).__name__), 200),
                "evalue": _short(getattr(exc, "evalue", "")),
            }
        except DeadKernelError:
            status, detail = "dead", {"cell": index}
        except CellTimeoutError:
            status, detail = "timeout", {"cell": index}
        except Exception as exc:  # noqa: BLE001 - anything else the kernel or client did
            status = "dead" if not await km.is_alive() else "error"
            detail = {"cell": index, "ename": type(exc).__name__, "evalue": _short(exc)}
        alive = await km.is_alive()
        if status == "timeout" and alive:
            await km.interrupt_kernel()
        channel.send(
            event="executed",
            status=status,
            alive=alive,
            cells=len(nb.cells),
            output_kept=min(client.output_used, client.output_limit),
            output_dropped=client.output_dropped,
            seconds=timings,
            **detail,
        )
        message = await asyncio.get_running_loop().run_in_executor(None, channel.receive)
        if not alive or not message or "seed" not in message:
            channel.send(event="probed", status="skipped")
            return
        folder = os.path.join(workdir, EVIDENCE_DIR)
        code = (
            "import dlex.grading.exercises.probe as _dlex_probe\n"
            f"_dlex_probe.collect({config.lab!r}, {int(message['seed'])}, "
            f"{folder!r}, globals())"
        )
        probe_cell = nbformat.v4.new_code_cell(code)
        nb.cells.append(probe_cell)
        client.timeout = config.probe_timeout
        try:
            await client.async_execute_cell(probe_cell, len(nb.cells) - 1)
            channel.send(event="probed", status="ok")
        except CellExecutionError as exc:
            channel.send(
                event="probed",
                status="error",
                ename=_short(getattr(exc, "ename", ""), 200),
                evalue=_short(getattr(exc, "evalue", "")),
            )
        except Exception as exc:  # noqa: BLE001
            channel.send(event="probed", status="error", ename=type(exc).__name__, evalue=_short(exc))


def main(argv: list[str]) -> int:
    config = WorkerConfig.from_json(argv[0])
    channel = Channel(config)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        notes = enter(config)
    except Exception as exc:  # noqa: BLE001 - reported to the grader, which refuses the run
        channel.send(event="failed", stage="sandbox", error=f"{type(exc).__name__}: {exc}")
        return 3
    os.chdir(config.workdir)
    os.environ.clear()
    os.environ.update({k: str(v) for k, v in config.env.items()})
    os.environ.setdefault("PATH", os.pathsep.join([os.path.dirname(sys.executable), "/usr/bin", "/bin"]))
    if config.mode == "selftest":
        selftest(channel, notes)
        return 0
    channel.send(event="ready", notes=notes, uid=os.getuid())
    asyncio.run(run_and_probe(channel, config))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
