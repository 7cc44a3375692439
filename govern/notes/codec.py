"""The note body: the verdict's canonical JSON (govern.verdict.render_json), UTF-8 bytes.

The same verdict always gives the same bytes, so rewriting a note is idempotent (same blob
id, no new notes commit) and notes from different machines compare byte for byte.
"""
from __future__ import annotations

import json

from govern.errors import UsageError
from govern.verdict.model import Verdict
from govern.verdict.render_json import canonical_json


def encode(obj: object) -> bytes:
    """Canonical bytes of a JSON-able object (the one spelling the project uses)."""
    return canonical_json(obj).encode("utf-8")


def note_body(verdict: Verdict) -> bytes:
    """The note for a verdict: SPEC §7 canonical JSON."""
    return encode(verdict.to_json())


def decode(data: bytes, where: str = "note") -> dict:
    """Parse a note body; a note that is not a JSON object is a clear error, not a traceback."""
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise UsageError(f"{where}: not a valid verdict note: {err}") from None
    if not isinstance(obj, dict):
        raise UsageError(f"{where}: not a valid verdict note: expected a JSON object")
    return obj
