"""without_gc: the collector off inside, back on after, the block's objects kept out of its young generation."""
from __future__ import annotations

import gc

from govern.facts.memory import without_gc


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector can free it


def test_state_restored_and_objects_promoted():
    assert gc.isenabled()
    with without_gc():
        assert not gc.isenabled()
        kept = [[i] for i in range(10_000)]
    assert gc.isenabled()
    # In the oldest generation: no young-generation pass walks them again.
    assert id(kept[-1]) in {id(o) for o in gc.get_objects(generation=2)}
    assert gc.get_freeze_count() == 0
    assert len(kept) == 10_000


def test_cycles_made_inside_are_still_collected():
    with without_gc():
        Node()
    assert gc.collect() >= 1


def test_nested_and_disabled_callers_are_left_alone():
    gc.disable()
    try:
        with without_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
    with without_gc():
        with without_gc():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_objects_frozen_by_the_caller_stay_frozen():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with without_gc():
            [[i] for i in range(100)]
        assert gc.get_freeze_count() >= frozen > 0
    finally:
        gc.unfreeze()
