"""Run the judging of a push under a time budget that nothing can overrun.

GitHub Enterprise gives all pre-receive hooks 5 s together and rejects the push when they
overrun, with no explanation for the pusher; govern stops itself first (default 4 s) and says
why. A thread cannot be a watchdog here: a regular expression or an engine in C code holds
the interpreter and no signal or exception interrupts it. So the work runs in a forked child
process, in a process group of its own, and streams each task's result back through a pipe as
soon as it has it; at the deadline the parent kills the whole group (the child and every git
process it started) and reports which tasks finished. The parent only waits on the pipe.
"""
from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from govern.errors import GovernError

_HEADER = struct.Struct("!I")


@dataclass(frozen=True)
class Failed:
    """A task raised: `govern` (a GovernError: a problem govern reports) or `internal` (a bug)."""

    kind: str
    message: str


class TimedOut:
    """The deadline passed before this task finished (its work was killed)."""


TIMED_OUT = TimedOut()


def run_tasks(tasks: Sequence[Callable[[], object]], seconds: float) -> list[object]:
    """Each task's result (or a Failed), in order; TIMED_OUT for the tasks the deadline cut off.

    Results must pickle. With no tasks nothing is forked."""
    if not tasks:
        return []
    deadline = time.monotonic() + max(seconds, 0.0)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(tasks, write_end)
    os.close(write_end)
    try:
        os.setpgid(pid, pid)  # also done by the child: whichever runs first
    except OSError:
        pass
    results: list[object] = [TIMED_OUT] * len(tasks)
    try:
        # Stop at the last result, not at end of file: processes the work forked (a worker pool)
        # may hold the pipe open; they die with the process group below.
        for count, (index, result) in enumerate(_receive(read_end, deadline), 1):
            results[index] = result
            if count == len(tasks):
                break
    finally:
        os.close(read_end)
        _end(pid)
    return results


def _child(tasks: Sequence[Callable[[], object]], fd: int) -> None:
    code = 0
    try:
        os.setpgid(0, 0)
        for index, task in enumerate(tasks):
            try:
                result = task()
            except GovernError as err:
                result = Failed("govern", str(err))
            except Exception as err:  # noqa: BLE001 — a bug in govern: reported, never a traceback
                result = Failed("internal", f"internal error: {type(err).__name__}: {err}")
            data = pickle.dumps((index, result), protocol=pickle.HIGHEST_PROTOCOL)
            os.write(fd, _HEADER.pack(len(data)))
            _write_all(fd, data)
    except BaseException:  # noqa: BLE001 — the parent reports the tasks that did not finish
        code = 1
    finally:
        os._exit(code)  # no atexit handlers, no flushing of the parent's buffers


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _receive(fd: int, deadline: float):
    buffer = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return  # the child is done (or died: its unfinished tasks stay TIMED_OUT)
        buffer += chunk
        while len(buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(buffer)
            if len(buffer) < _HEADER.size + size:
                break
            yield pickle.loads(buffer[_HEADER.size:_HEADER.size + size])
            buffer = buffer[_HEADER.size + size:]


def _end(pid: int) -> None:
    """Kill the child's process group if it is still there, and reap the child."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    os.waitpid(pid, 0)
