"""Text rendering (colour, hostile strings, summary) and reading proofs for locations, on
proofs built by govern's prover from a small store."""
from __future__ import annotations

from govern.facts.model import Fact, Source
from govern.datalog.proof import prove, ground_atom
from govern.datalog.store import FactStore
from govern.verdict.model import AdrInfo, Finding, RuleInfo, Verdict
from govern.verdict.proofwalk import fact_leaves, subject_location
from govern.verdict.render_text import clean, render_text
from tests.unit.datalog_helpers import rule

EVIL = "app/\x1b[31mevil\r.py"
RULE = rule('violation("no-stripe", F, "stripe", "no stripe")', "module(M, F)", 'imports(M, "stripe")')


def store() -> FactStore:
    return FactStore([
        Fact("module", ("app.pay", "app/pay.py"), Source("python", "app/pay.py", 0, "b1")),
        Fact("imports", ("app.pay", "stripe"), Source("python", "app/pay.py", 4, "b1")),
        Fact("module", ("app.evil", EVIL), Source("python", EVIL, 0, "b2")),
        Fact("imports", ("app.evil", "stripe"), Source("python", EVIL, 2, "b2")),
    ])


def proof_of(subject: str) -> dict:
    return prove(ground_atom("violation", ("no-stripe", subject, "stripe", "no stripe")), [RULE], store()).to_json()


def verdict(subject: str, severity: str = "block", title: str = "Only billing") -> Verdict:
    proof = proof_of(subject)
    finding = Finding("no-stripe", "ADR-0001", title, subject, subject_location(proof, subject), "no stripe",
                      severity, True, proof, target="stripe")
    return Verdict("0.1.0", "naive", "worktree", None, None, None, "2026-01-01",
                   (AdrInfo("ADR-0001", title, "accepted", "adr/0001-x.md", "b"),),
                   (RuleInfo("no-stripe", "ADR-0001", "forbid-import", severity, True, None),), (finding,))


def test_location_is_the_first_subject_fact_with_a_line():
    proof = proof_of("app/pay.py")
    assert [leaf.location for leaf in fact_leaves(proof)] == ["app/pay.py", "app/pay.py:4"]
    assert fact_leaves(proof)[1].text == 'imports("app.pay", "stripe")'
    assert subject_location(proof, "app/pay.py") == "app/pay.py:4"
    assert subject_location(proof, "elsewhere.py") == "elsewhere.py"


def test_text_lists_finding_proof_and_summary_without_colour():
    out = render_text(verdict("app/pay.py"))
    assert "\x1b" not in out
    lines = out.splitlines()
    assert lines[0] == "app/pay.py"  # findings are grouped under their subject
    assert lines[1] == "  ✗ block  no-stripe  ADR-0001 “Only billing”"
    assert lines[2] == "    app/pay.py:4: no stripe → stripe"
    assert any('imports("app.pay", "stripe")  app/pay.py:4' in line for line in lines)
    assert lines[-1] == "govern: block — 1 blocking, 0 warnings, 0 exempted (1 rule, 1 ADR)"


def test_colour_only_when_asked_and_warnings_do_not_block():
    assert "\x1b[" in render_text(verdict("app/pay.py"), color=True)
    out = render_text(verdict("app/pay.py", severity="warn"))
    assert out.splitlines()[1].startswith("  ! warn") and out.splitlines()[-1].startswith("govern: allow — 0 blocking, 1 warning")


def test_hostile_strings_cannot_drive_the_terminal():
    out = render_text(verdict(EVIL, title="T\x1b]0;owned\x07"), color=False)
    assert "\x1b" not in out and "\r" not in out and "\x07" not in out
    assert "app/\\x1b[31mevil\\x0d.py" in out
    assert clean("a\nb\tc") == "a\\x0ab\tc"  # a message cannot fake a line of its own


def test_builtin_check_findings_render_and_are_not_verified_as_proofs():
    from govern.verdict.verify import verify_proofs

    base = verdict("app/pay.py")
    builtin = Finding("adr-changes", "govern", "ADR changes", "adr/0001-x.md", "adr/0001-x.md", "needs a human",
                      "block", True, {"builtin": "adr-changes", "facts": ['actor("agent")']})
    v = Verdict(**{**base.__dict__, "violations": (builtin,)})
    assert '{"builtin":"adr-changes","facts":["actor(\\"agent\\")"]}' in render_text(v)
    [problem] = verify_proofs(v.to_json(), [RULE], store())
    assert "built-in check 'adr-changes'" in problem


def test_text_groups_findings_by_subject_violations_before_exemptions():
    base = verdict("app/pay.py")
    [pay] = base.violations
    other = Finding("no-stripe", "ADR-0001", "Only billing", "app/a.py", "app/a.py:1", "no stripe", "block", True,
                    None, target="stripe")
    second = Finding("no-stripe", "ADR-0001", "Only billing", "app/pay.py", "app/pay.py:9", "no stripe", "block",
                     True, None, target="stripe.api")
    lifted = Finding("no-stripe", "ADR-0001", "Only billing", "app/pay.py", "app/pay.py:2", "no stripe", "block",
                     True, None, reason="legacy", target="stripe.a")
    v = Verdict(**{**base.__dict__, "violations": (second, pay, other), "exemptions": (lifted,)})
    heads = [line for line in render_text(v, proofs=False).splitlines() if line and not line.startswith("    ")]
    assert heads == ["app/a.py", "  ✗ block  no-stripe  ADR-0001 “Only billing”",
                     "app/pay.py", "  ✗ block  no-stripe  ADR-0001 “Only billing”",
                     "  ✗ block  no-stripe  ADR-0001 “Only billing”", "  ~ exempt  no-stripe  ADR-0001 “Only billing”",
                     "govern: block — 3 blocking, 0 warnings, 1 exempted (1 rule, 1 ADR)"]
    assert "    app/pay.py:4: no stripe → stripe\n" in render_text(v, proofs=False)
