"""govern.verdict.compare on the keys a verdict may carry: check warnings and the change record."""
from __future__ import annotations

from govern.verdict.compare import differences

BASE = {"format": 2, "adrs": [], "rules": [], "violations": [], "exemptions": [], "proofs": {}, "verdict": "allow",
        "summary": {}}


def test_check_warnings_are_compared_not_unexpected():
    note = dict(BASE, warnings=["rule x cannot match"])
    assert differences(note, note) == []
    assert differences(note, dict(BASE, warnings=["rule y cannot match"])) == [
        "warnings: the note says ['rule x cannot match'], recomputed ['rule y cannot match']"]


def test_the_change_record_is_compared_without_verification_times():
    signed = {"principal": "alice", "key": "SHA256:k", "signers": ".govern/allowed_signers"}
    note = dict(BASE, change={"actor": {"kind": "agent"}, "signatures": [dict(signed, verified_at="2026-01-01T00:00:00Z")],
                              "allowed": [{"rule": "r", "adr": "ADR-0001", "subject": "a.py", "proof": "p"}]})
    again = dict(BASE, change={"actor": {"kind": "agent"}, "signatures": [dict(signed, verified_at="2026-02-02T00:00:00Z")],
                               "allowed": [{"rule": "r", "adr": "ADR-0001", "subject": "a.py", "proof": "p"}]})
    assert differences(note, again) == []
    moved = dict(again, change=dict(again["change"], allowed=[{"rule": "r", "adr": "ADR-0001", "subject": "a.py",
                                                                "proof": "q"}]))
    assert differences(note, moved) == ["allowance of 'r' on 'a.py': proof differs"]
    assert differences(dict(BASE, change="forged"), again)[0].startswith("change: the note says 'forged'")
