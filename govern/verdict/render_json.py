"""Canonical JSON: the one spelling of a verdict (check output, notes, golden cases).

Sorted keys, no whitespace (`separators=(",", ":")`), UTF-8 without escaping
(`ensure_ascii=False`), one trailing newline. The same verdict always gives the same
bytes. Compact on purpose: `indent` makes the json module fall back to its pure-Python
encoder, 4x slower on the 12 MB verdict of a 2,000-module benchmark repository; pipe
through `jq` or `python -m json.tool` to read it.

`iter_canonical` yields the same text in pieces (one per list item near the top), so the
CLI writes a 30 MB verdict without holding it, and its encoded copy, in memory at once.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from govern.datalog.proof import escape_surrogates
from govern.verdict.model import Verdict


def canonical_json(data: Any) -> str:
    """Serialise any JSON value canonically (sorted keys, compact, `\\n` at the end)."""
    return _dumps(data) + "\n"


def iter_canonical(data: Any, depth: int) -> Iterator[str]:
    """Pieces whose concatenation is `canonical_json(data)` without its newline; objects and
    lists down to `depth` levels are split, deeper values are dumped whole."""
    if depth > 0 and isinstance(data, dict):
        yield "{"
        for i, key in enumerate(sorted(data)):
            yield ("," if i else "") + _dumps(key) + ":"
            yield from iter_canonical(data[key], depth - 1)
        yield "}"
    elif depth > 0 and isinstance(data, list):
        yield "["
        for i, item in enumerate(data):
            if i:
                yield ","
            yield from iter_canonical(item, depth - 1)
        yield "]"
    else:
        yield _dumps(data)


def json_chunks(verdict: Verdict) -> Iterator[str]:
    """render_json(verdict) in pieces (each violation and exemption separately)."""
    yield from iter_canonical(verdict.to_json(), 2)
    yield "\n"


def render_json(verdict: Verdict) -> str:
    """The verdict as canonical JSON text (encode with UTF-8 to get the bytes)."""
    return canonical_json(verdict.to_json())


def _dumps(data: Any) -> str:
    return escape_surrogates(json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")))
