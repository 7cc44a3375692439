"""Run the judging of a push under a time budget, deciding exactly once.

GitHub Enterprise gives all pre-receive hooks 5 s together and rejects the push when they
overrun, with no explanation for the pusher; govern stops itself first (default 4 s) and says
why. The work runs in the main thread (engines such as clingo sit in C code that no signal
or exception can interrupt); a watchdog thread, on expiry, runs the `on_timeout` decision
(message, audit line) and ends the process with its exit code. A lock makes the normal
decision and the watchdog's mutually exclusive: whoever takes it first decides.
"""
from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Budget:
    """`run(work, decide)`: decide(work() or the exception it raised), unless time runs out first."""

    def __init__(self, seconds: float, on_timeout: Callable[[], int]) -> None:
        self.seconds = seconds
        self._on_timeout = on_timeout
        self._decided = False
        self._lock = threading.Lock()

    def run(self, work: Callable[[], T], decide: Callable[[T | Exception], int]) -> int:
        timer = threading.Timer(max(self.seconds, 0.0), self._expire)
        timer.daemon = True
        timer.start()
        try:
            outcome: T | Exception = work()
        except Exception as err:  # decided below (fail closed or open), never a traceback
            outcome = err
        with self._lock:
            self._decided = True
            timer.cancel()
            return decide(outcome)

    def _expire(self) -> None:
        with self._lock:
            if self._decided:
                return
            self._decided = True
            code = self._on_timeout()
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)  # the main thread may be deep in C code; end the process now
