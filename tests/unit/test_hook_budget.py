"""govern.hook.budget: the decision is taken once, by the work or by the watchdog."""
from __future__ import annotations

import subprocess
import sys

from govern.hook.budget import Budget


def test_work_in_time_decides():
    budget = Budget(30.0, on_timeout=lambda: 9)
    assert budget.run(lambda: 5, lambda result: result + 1) == 6


def test_exception_is_handed_to_decide():
    def boom():
        raise ValueError("x")

    assert Budget(30.0, lambda: 9).run(boom, lambda r: 4 if isinstance(r, ValueError) else 0) == 4


def test_watchdog_ends_the_process():
    # A child process: the watchdog ends its process, which must not be the test runner.
    code = (
        "import threading, sys\n"
        "from govern.hook.budget import Budget\n"
        "def on_timeout():\n    print('budget exceeded', file=sys.stderr); return 7\n"
        "Budget(0.001, on_timeout).run(lambda: threading.Event().wait(60), lambda r: 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 7 and "budget exceeded" in done.stderr
