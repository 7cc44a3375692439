"""Scanning many blobs on every available core.

Scanning is the CPU-bound part of a cold extraction (tree-sitter parsing every Python
file), so big batches are split across worker processes.
Small batches stay in process: a pool costs more to start and to ship bytes and
results than it saves.
"""
from __future__ import annotations

import os

# A pool pays only when the cores are free and the batch outweighs starting the forkserver
# and the workers' imports (~0.2 s per command). `govern check` cold on an idle 2-core box
# (2026-11-25 16:50, benchmarks/check_vs_lint_imports.py repositories): 4.9 MB of sources
# 0.68 s in process, 0.70-0.83 s with a pool of 2; 25 MB 2.67 s in process, 2.13-2.25 s
# with the pool. (On the same box shared with other jobs a pool showed no gain.)
# The closure's waves (facts.extractors.python.narrow) are scanned one call each, so each wave
# decides alone: sqlfluff's rules need 0.97 MB (88 files, nearly all in its first wave) and a
# pool of 2 forked workers scanned it in 0.074-0.104 s against 0.064-0.082 s in process
# (2026-12-03 22:14, box shared with another helper: load 1.8), so a pool kept across waves
# would not pay either.
PARALLEL_MIN_BYTES = 2_000_000


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def scan_all(extractor: str, items: list[tuple[str, bytes]], workers: int | None = None,
             min_bytes: int | None = None) -> list:
    """[REGISTRY[extractor].scan(variant, data) for each item], in order; in `workers`
    processes (None: every core) when the items hold at least `min_bytes` (None:
    PARALLEL_MIN_BYTES)."""
    workers = cores() if workers is None else workers
    threshold = PARALLEL_MIN_BYTES if min_bytes is None else min_bytes
    if workers < 2 or sum(len(d) for _, d in items) < threshold:
        return _scan_chunk(extractor, items)
    size = max(1, len(items) // (workers * 4))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    # Imported here: a warm run never starts a pool and need not pay ~8 ms of imports.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers, mp_context=_context(multiprocessing)) as pool:
        return [raw for chunk in pool.map(_scan_chunk, [extractor] * len(chunks), chunks) for raw in chunk]


def _context(multiprocessing):
    """fork when this process runs no other thread (a govern command): the workers start
    in milliseconds with every module loaded. Otherwise forkserver (or spawn): forking a
    process that runs other threads (a test runner, a server) can leave a worker waiting
    forever on a lock it copied."""
    import threading

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _scan_chunk(extractor: str, items: list[tuple[str, bytes]]) -> list:
    from .extractors import REGISTRY  # resolved in the worker: functions are not sent

    scan = REGISTRY[extractor].scan
    return [scan(variant, data) for variant, data in items]
