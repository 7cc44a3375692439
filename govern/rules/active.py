"""Which rules apply on a given day, and if not, why."""
from __future__ import annotations

from datetime import date


def active(adrset, on: date) -> dict[str, str | None]:
    """rule id → None when the rule applies on `on`, else the reason it does not.

    Reasons, first that holds: "superseded by ADR-0009" (the ADR says so, or an
    accepted ADR supersedes it), "status proposed" (any status but accepted),
    "enforcement off", "expired 2026-01-01" (the day after `expires`).
    """
    retired = superseded_map(adrset)
    out: dict[str, str | None] = {}
    for adr in adrset:
        reason = _adr_reason(adr, retired)
        for spec in adr.rules:
            expired = spec.expires is not None and on > spec.expires
            out[spec.id] = reason or (f"expired {spec.expires.isoformat()}" if expired else None)
    return dict(sorted(out.items()))


def superseded_map(adrset) -> dict[str, str]:
    """ADR id → id of the accepted ADR superseding it (the lowest such id)."""
    out: dict[str, str] = {}
    for adr in sorted(adrset, key=lambda a: a.id, reverse=True):
        if adr.status == "accepted":
            for old in adr.supersedes:
                out[old] = adr.id
    return out


def _adr_reason(adr, retired: dict[str, str]) -> str | None:
    if adr.superseded_by or adr.id in retired:
        return f"superseded by {adr.superseded_by or retired[adr.id]}"
    if adr.status != "accepted":
        return f"status {adr.status}"
    if adr.enforcement == "off":
        return "enforcement off"
    return None
