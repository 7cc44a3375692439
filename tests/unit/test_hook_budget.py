"""govern.hook.budget: work runs in a child process that the deadline kills, whatever it is doing."""
from __future__ import annotations

import os
import re
import subprocess
import time

from govern.errors import UsageError
from govern.hook.budget import TIMED_OUT, Failed, run_tasks


def test_results_come_back_in_order():
    assert run_tasks([lambda: 5, lambda: {"a": [1, 2]}], 30.0) == [5, {"a": [1, 2]}]


def test_exceptions_become_failures_not_tracebacks():
    def usage():
        raise UsageError("bad input")

    def bug():
        raise KeyError("x")

    first, second, third = run_tasks([usage, bug, lambda: 1], 30.0)
    assert first == Failed("govern", "bad input")
    assert second.kind == "internal" and "KeyError" in second.message
    assert third == 1


def test_a_regex_holding_the_interpreter_is_killed_at_the_deadline():
    """Catastrophic backtracking runs in C with the GIL held: a watchdog thread could not fire."""
    evil = re.compile(r"(a+)+$")
    started = time.monotonic()
    done, cut = run_tasks([lambda: 1, lambda: evil.match("a" * 40 + "!")], 0.5)
    assert done == 1 and cut is TIMED_OUT
    assert time.monotonic() - started < 10  # not the minutes the match would take


def test_child_processes_die_with_the_work(tmp_path):
    """git (or any process) started by the work is in the killed process group: no CPU burnt after."""
    marker = tmp_path / "pid"

    def sleeper():
        proc = subprocess.Popen(["sleep", "60"])
        marker.write_text(str(proc.pid))
        proc.wait()

    assert run_tasks([sleeper], 0.5) == [TIMED_OUT]
    pid = int(marker.read_text())
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the work's child process survived the deadline")


def test_results_do_not_wait_for_processes_the_work_left_behind(tmp_path):
    """A process forked by the work (a worker pool) inherits the pipe; the last result ends the wait."""
    def leave_one_behind():
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)
        return "done"

    started = time.monotonic()
    assert run_tasks([leave_one_behind], 60.0) == ["done"]
    assert time.monotonic() - started < 30
