"""Verdict data: JSON shape and round trip, what blocks, summary counts, canonical JSON, SARIF."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from govern.verdict.model import AdrInfo, Finding, RuleInfo, Verdict
from govern.verdict.render_json import render_json
from govern.verdict.render_sarif import sarif_log, split_location

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json").read_text())


def finding(rule="r", subject="app/x.py", severity="block", new=True, **extra) -> Finding:
    return Finding(rule=rule, adr="ADR-0001", adr_title="Tïtle", subject=subject, location=f"{subject}:3",
                   message="no", severity=severity, new=new, proof={}, **extra)


def verdict(violations=(), exemptions=(), base=None) -> Verdict:
    return Verdict(
        version="0.1.0", engine="clingo", target="commit", commit="c" * 40, tree="t" * 40, base=base,
        date="2026-01-01",
        adrs=(AdrInfo("ADR-0001", "Tïtle", "accepted", "adr/0001-t.md", "b" * 40),),
        rules=(RuleInfo("r", "ADR-0001", "forbid-import", "block", True, None, "no", "adr/0001-t.md:5"),
               RuleInfo("w", "ADR-0001", "forbid-import", "warn", True, None, "meh", "adr/0001-t.md:9"),
               RuleInfo("old", "ADR-0001", "layers", "block", False, "expired 2025-01-01", "", "adr/0001-t.md:12"),
               RuleInfo("ADR-0001:exemptions", "ADR-0001", "exempt", "block", True, None, "", "adr/0001-t.md:20")),
        violations=tuple(violations), exemptions=tuple(exemptions),
    )


def test_blocking_needs_severity_block_and_new():
    v = verdict([finding(), finding("w", severity="warn"), finding(subject="app/old.py", new=False)])
    assert [f.subject for f in v.blocking] == ["app/x.py"]
    assert v.outcome == "block"
    assert v.summary() == {"adrs": 1, "rules": 2, "violations": 3, "blocking": 1, "warnings": 1, "legacy": 1, "exempted": 0}
    assert verdict([finding("w", severity="warn")]).outcome == "allow"


def test_json_round_trip_and_sorted_lists():
    exempted = finding(subject="app/a.py", reason="because", violation_proof={"x": 1})
    v = verdict([finding(subject="app/z.py"), finding(subject="app/b.py")], [exempted])
    data = v.to_json()
    assert [f["subject"] for f in data["violations"]] == ["app/b.py", "app/z.py"]
    assert data["exemptions"][0]["reason"] == "because" and "reason" not in data["violations"][0]
    assert Verdict.from_json(json.loads(render_json(v))).to_json() == data


def test_canonical_json_bytes():
    text = render_json(verdict([finding()]))
    assert text.endswith("}\n") and "Tïtle" in text  # UTF-8, not \u escapes
    assert text == json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"
    assert "\n" not in text[:-1]


def test_sarif_is_valid_and_maps_levels_and_suppressions():
    v = verdict([finding(), finding("w", severity="warn", subject="a b%.py")],
                [finding(subject="app/e.py", reason="ok", violation_proof={})], base="d" * 40)
    log = sarif_log(v)
    jsonschema.validate(log, SCHEMA)
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["r", "w"]  # applied, no exempt pseudo-rule
    levels = {(r["ruleId"], r["level"], r["baselineState"], bool(r.get("suppressions"))) for r in run["results"]}
    assert levels == {("r", "error", "new", False), ("w", "warning", "new", False), ("r", "error", "new", True)}
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]]
    assert "a%20b%25.py" in uris


def test_split_location():
    assert split_location("app/x.py:12") == ("app/x.py", 12)
    assert split_location("app/x.py") == ("app/x.py", 0)
    assert split_location("weird:name.py") == ("weird:name.py", 0)


def test_streamed_json_and_sarif_are_the_same_bytes():
    from govern.verdict.render_json import json_chunks
    from govern.verdict.render_sarif import render_sarif, sarif_chunks

    v = verdict([finding(subject="app/z.py"), finding(subject="app/→.py")],
                [finding(subject="app/a.py", reason="ok", violation_proof={"k": [1, "x"]})], base="d" * 40)
    assert "".join(json_chunks(v)) == render_json(v)
    assert "".join(sarif_chunks(v)) == render_sarif(v)
    assert "".join(json_chunks(verdict())) == render_json(verdict())  # empty lists
