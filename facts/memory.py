"""Memory-related helpers shared by the extractor and govern's fact store."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_gc() -> Iterator[None]:
    """The cyclic garbage collector off inside the block (back to its previous state after).

    Extraction and the fact store allocate hundreds of thousands of small objects and free
    none: the collector would rescan the growing heap again and again (10,000-module warm
    extraction 2.4 s -> 1.5 s; store of 175k facts 0.38 s -> 0.14 s; benchmarks/README.md).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            _promote()
            gc.enable()


def _promote() -> None:
    """Move every object allocated so far to the oldest generation, without a collection.

    Re-enabled as is, the collector's next pass would walk every object of the block as
    young (0.26-0.5 s after a warm 10,000-module extraction); they are long-lived, so they
    go where only a full collection looks (and still finds any cycle among them). Skipped
    when someone froze objects on purpose: `unfreeze` would release theirs too.
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
