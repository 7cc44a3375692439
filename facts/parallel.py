"""Scanning many blobs on every available core.

Scanning is the CPU-bound part of a cold extraction (the import scanner, and
ast.parse where it gives up), so big batches are split across worker processes.
Small batches stay in process: a pool costs more to start and to ship bytes and
results than it saves.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

PARALLEL_MIN_BYTES = 8_000_000  # the import scanner reads ~20 MB/s: below this a pool costs more than it saves


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def scan_all(extractor: str, items: list[tuple[str, bytes]], workers: int | None = None) -> list:
    """[REGISTRY[extractor].scan(variant, data) for each item], in order, maybe in parallel."""
    workers = cores() if workers is None else workers
    if workers < 2 or sum(len(d) for _, d in items) < PARALLEL_MIN_BYTES:
        return _scan_chunk(extractor, items)
    size = max(1, len(items) // (workers * 4))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return [raw for chunk in pool.map(_scan_chunk, [extractor] * len(chunks), chunks) for raw in chunk]


def _scan_chunk(extractor: str, items: list[tuple[str, bytes]]) -> list:
    from facts.extractors import REGISTRY  # resolved in the worker: functions are not sent

    scan = REGISTRY[extractor].scan
    return [scan(variant, data) for variant, data in items]
