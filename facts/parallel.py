"""Scanning many blobs on every available core.

Scanning is the CPU-bound part of a cold extraction (the import scanner, and
ast.parse where it gives up), so big batches are split across worker processes.
Small batches stay in process: a pool costs more to start and to ship bytes and
results than it saves.
"""
from __future__ import annotations

import os

# Measured (benchmarks/README.md): with the import scanner, a pool of 2 did not pay
# on 25 MB of sources on a shared 2-core box; it is kept for bigger cold runs.
PARALLEL_MIN_BYTES = 32_000_000


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

    # forkserver, not fork: forking a process that runs other threads (a test
    # runner, a server) can leave a worker waiting forever on a lock it copied.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return [raw for chunk in pool.map(_scan_chunk, [extractor] * len(chunks), chunks) for raw in chunk]


def _scan_chunk(extractor: str, items: list[tuple[str, bytes]]) -> list:
    from facts.extractors import REGISTRY  # resolved in the worker: functions are not sent

    scan = REGISTRY[extractor].scan
    return [scan(variant, data) for variant, data in items]
