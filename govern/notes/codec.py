"""The note body: the verdict's JSON, packed (govern.notes.packed), as canonical UTF-8 bytes.

The same verdict always gives the same bytes, so rewriting a note is idempotent (same blob
id, no new notes commit) and notes from different machines compare byte for byte. Reading
gives the verdict JSON of the current format (2: one proof table) whatever the note's age:
packed notes are unpacked, format-1 notes (proofs nested in each finding, written before
notes were packed) have their proofs moved into the table.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from govern.errors import UsageError
from govern.notes.packed import pack, unpack
from govern.verdict import proof_table
from govern.verdict.model import Verdict
from govern.verdict.render_json import canonical_json


def encode(obj: object) -> bytes:
    """Canonical bytes of a JSON-able object (the one spelling the project uses)."""
    return canonical_json(obj).encode("utf-8")


def note_bytes(verdict_json: Mapping[str, Any]) -> bytes:
    """The note of a verdict JSON (Verdict.to_json()): packed, canonical."""
    return encode(pack(verdict_json))


def note_body(verdict: Verdict) -> bytes:
    """The note for a verdict."""
    return note_bytes(verdict.to_json())


def decode(data: bytes, where: str = "note") -> dict:
    """The verdict JSON (format 2) of a note body; a note that is not one is a clear error (exit 2)."""
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise UsageError(f"{where}: not a valid verdict note: {err}") from None
    if not isinstance(obj, dict):
        raise UsageError(f"{where}: not a valid verdict note: expected a JSON object")
    try:
        if "packed" in obj:
            return unpack(obj)
        return upgraded(obj) if obj.get("format") == 1 else obj
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as err:
        raise UsageError(f"{where}: not a valid verdict note: {type(err).__name__}: {err}") from None


def upgraded(note: dict) -> dict:
    """A format-1 verdict (nested proofs) in format 2, nothing else changed."""
    table: dict[str, dict[str, Any]] = {}
    out = dict(note, format=2, proofs=table)
    for key in ("violations", "exemptions"):
        if isinstance(note.get(key), list):
            out[key] = [_refs(f, table) for f in note[key]]
    return out


def _refs(finding: Any, table: dict) -> Any:
    if not isinstance(finding, Mapping):
        return finding
    out = dict(finding)
    for key in ("proof", "violation_proof"):
        if isinstance(out.get(key), Mapping):
            out[key] = proof_table.add(table, out[key])
    return out
