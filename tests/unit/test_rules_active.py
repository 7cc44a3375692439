"""govern.rules.active: which rules apply on a day, and why not."""
from datetime import date

from govern.adr import load_adrs


def adr(path, status, rules="", extra=""):
    body = f"---\ntitle: T\nstatus: {status}\n{extra}rules:\n{rules}---\n"
    return (path, body.encode(), "b")


def rule(rule_id, extra=""):
    return f"  - id: {rule_id}\n    require-owner: {{paths: x}}\n{extra}"


def test_reasons():
    adrs = load_adrs([
        adr("adr/0001-a.md", "accepted", rule("applies") + rule("expiring", "    expires: 2026-01-01\n")),
        adr("adr/0002-b.md", "proposed", rule("draft")),
        adr("adr/0003-c.md", "superseded by ADR-0004", rule("old")),
        adr("adr/0004-d.md", "accepted", rule("new"), extra="supersedes: [ADR-0005]\n"),
        adr("adr/0005-e.md", "accepted", rule("retired")),
        adr("adr/0006-f.md", "accepted", rule("quiet"), extra="enforcement: off\n"),
        adr("adr/0007-g.md", "rejected", rule("nope")),
    ])
    from govern.rules import active

    assert active(adrs, date(2026, 1, 1)) == {
        "applies": None, "expiring": None, "draft": "status proposed", "old": "superseded by ADR-0004",
        "new": None, "retired": "superseded by ADR-0004", "quiet": "enforcement off", "nope": "status rejected",
    }
    assert active(adrs, date(2026, 1, 2))["expiring"] == "expired 2026-01-01"


def test_a_proposed_adr_does_not_retire_anything():
    from govern.rules import active

    adrs = load_adrs([adr("adr/0001-a.md", "accepted", rule("keep")),
                      adr("adr/0002-b.md", "proposed", rule("later"), extra="supersedes: ADR-0001\n")])
    assert active(adrs, date(2026, 1, 1))["keep"] is None
