"""Canonical JSON: the one spelling of a verdict (check output, notes, golden cases).

Sorted keys, two-space indent, UTF-8 without escaping (`ensure_ascii=False`), one
trailing newline. The same verdict always gives the same bytes.
"""
from __future__ import annotations

import json
from typing import Any

from govern.verdict.model import Verdict


def canonical_json(data: Any) -> str:
    """Serialise any JSON value canonically (sorted keys, indent 2, `\\n` at the end)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def render_json(verdict: Verdict) -> str:
    """The verdict as canonical JSON text (encode with UTF-8 to get the bytes)."""
    return canonical_json(verdict.to_json())
