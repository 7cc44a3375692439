"""govern.hook.messages and govern.hook.legacy on hand-built verdicts (no git, no engine)."""
from __future__ import annotations

from govern.hook.judging import RefJudgment
from govern.hook.legacy import with_legacy
from govern.hook.note_summary import summarize
from govern.hook.messages import blocked_lines, summary_lines
from govern.hook.refs import RefUpdate
from govern.verdict.model import Finding, RuleInfo, Verdict

OLD, NEW = "1" * 40, "2" * 40
PROOF = {"builtin": "adr-changes", "facts": ["actor('agent')"]}


def _finding(rule: str, subject: str, new: bool = True) -> Finding:
    return Finding(rule=rule, adr="ADR-0001", adr_title="Only billing talks to Stripe", subject=subject,
                   location=f"{subject}:2", message="Only app/billing may call Stripe.", severity="block",
                   new=new, proof=PROOF)


def _verdict(*findings: Finding) -> Verdict:
    rules = (RuleInfo("stripe", "ADR-0001", "forbid-import", "block", True, None),
             RuleInfo("guard", "ADR-0002", "protect", "block", True, None))
    return Verdict(version="0.1.0", engine="naive", target="commit", commit=NEW, tree="t", base=None,
                   date="2026-01-01", rules=rules, violations=findings)


def test_blocked_lines_name_rule_adr_location_and_next_step():
    judgment = RefJudgment(RefUpdate(OLD, NEW, "refs/heads/main"), rules_rev=OLD, base_rev=OLD, tip=NEW,
                           commits=[NEW], blocking=[(NEW, _finding("stripe", "app/api/x.py"))])
    text = "\n".join(blocked_lines(judgment))
    assert text.startswith("govern: ✗ refs/heads/main: rejected, 1 blocking violation")
    assert '[stripe] ADR-0001 "Only billing talks to Stripe"' in text
    assert "app/api/x.py:2: Only app/billing may call Stripe." in text
    assert "proof: built-in check adr-changes on actor('agent')" in text
    assert f"govern check --rev {NEW[:12]} --rules-from {OLD[:12]} --new-since {OLD[:12]}" in text


def test_summary_line_reports_legacy():
    verdict = _verdict(_finding("stripe", "app/api/x.py", new=False))
    judgment = RefJudgment(RefUpdate(OLD, NEW, "refs/heads/main"), tip=NEW, commits=[NEW], tip_verdict=verdict)
    assert summary_lines(judgment) == ["govern: ✓ refs/heads/main: allowed, 1 new commit judged (1 legacy; not blocking)"]


def test_with_legacy_marks_only_tree_rule_findings_seen_in_the_note():
    verdict = _verdict(_finding("stripe", "a.py"), _finding("stripe", "b.py"), _finding("guard", "a.py"))
    note = summarize({"rules": [r.to_json() for r in verdict.rules],
                      "violations": [_finding("stripe", "a.py").to_json(), _finding("guard", "a.py").to_json()],
                      "exemptions": []})
    relabeled = with_legacy(verdict, note, OLD, change_rules={"guard"})
    assert relabeled.base == OLD
    assert {(f.rule, f.subject): f.new for f in relabeled.violations} == {
        ("stripe", "a.py"): False, ("stripe", "b.py"): True, ("guard", "a.py"): True}


def test_with_legacy_refuses_when_the_rules_differ():
    verdict = _verdict(_finding("stripe", "a.py"))
    assert with_legacy(verdict, {"rules": [], "violations": []}, OLD, set()) is None
