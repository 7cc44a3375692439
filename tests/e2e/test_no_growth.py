"""no-growth end to end: real pushes to a bare server with the hooks installed, and checks of
commits (the base is the parent), trees alone (max only) and --verify of the recorded note."""
from __future__ import annotations

import json

from govern.verdict.verify import verify_verdict_json
from tests.conftest import git
from tests.e2e.hooks_support import BASE_FILES, commit, govern, note, push, server, verdict_note

COUPLING_ADR = """---
title: The API does not couple more to the database
status: accepted
date: 2026-01-12
rules:
  - id: api-db-coupling
    no-growth:
      metric: imports
      from: ["app/api/**"]
      to: ["app.db", "app.db.*"]
      may-grow-by: 0
---
# Decision
Import edges from app/api to app.db may be removed, never added.
"""

FILES = BASE_FILES | {
    "adr/0004-api-db-coupling.md": COUPLING_ADR,
    "app/db/__init__.py": "",
    "app/db/models.py": "X = 1\n",
    "app/db/session.py": "Y = 1\n",
    "app/api/users.py": "import app.db.models\n",
}


def test_a_push_adding_one_edge_is_refused_naming_the_new_edge(tmp_path):
    bare, work = server(tmp_path, FILES)
    old = git(bare, "rev-parse", "main").strip()
    commit(work, {"app/api/reports.py": "from app.db import session\n"}, "reports read the db")
    done = push(work)
    assert done.returncode != 0, done.stderr
    assert "[api-db-coupling]" in done.stderr and "app/api/reports.py" in done.stderr
    assert "app.db.session" in done.stderr  # the new edge's imported module, not only its file
    assert git(bare, "rev-parse", "main").strip() == old


def test_a_push_removing_one_edge_and_adding_another_is_allowed(tmp_path):
    bare, work = server(tmp_path, FILES)
    new = commit(work, {"app/api/users.py": "import json\n", "app/api/reports.py": "import app.db.session\n"},
                 "move the db access")
    done = push(work)
    assert done.returncode == 0, done.stderr
    assert json.loads(note(bare, new))["verdict"] == "allow"


def test_check_of_a_commit_compares_with_its_parent_and_the_proof_names_the_edge(tmp_path):
    _, work = server(tmp_path, FILES, install=False)
    commit(work, {"app/api/reports.py": "import app.db.session\n"}, "reports")
    result = govern("check", "--rev", "HEAD", "--format", "json", cwd=work)
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    [finding] = data["violations"]
    assert finding["subject"] == "app/api/reports.py" and finding["new"]
    assert data["compared_with"] == git(work, "rev-parse", "HEAD~1").strip()
    first = data["proofs"][data["proofs"][finding["proof"]]["children"][0]]  # now_…(S, T): the added edge
    assert first["conclusion"]["args"] == ["app/api/reports.py", "app.db.session"]
    assert "app/api/reports.py:1" in govern("check", "--rev", "HEAD", cwd=work).stdout
    assert verify_verdict_json(work, data) == []
    assert govern("check", "--rev", "HEAD", "--verify", cwd=work).returncode == 1
    # a tree judged alone has nothing to compare with: only `max` applies
    assert govern("check", cwd=work).returncode == 0


def test_module_patterns_with_a_star_are_read_in_the_base_too(tmp_path):
    """`to: ["app.*.models"]` reads module_match in the base as well: a commit that only adds a
    comment moves nothing (the base's module_match facts were once left out: every item grew)."""
    adr = COUPLING_ADR.replace('to: ["app.db", "app.db.*"]', 'to: ["app.*.models", "app.db.*.models"]')
    _, work = server(tmp_path, FILES | {"adr/0004-api-db-coupling.md": adr, "app/db/x/__init__.py": "",
                                        "app/db/x/models.py": "", "app/api/x.py": "import app.db.x.models\n"},
                     install=False)
    commit(work, {"app/api/users.py": "import app.db.models\n# a comment\n"}, "a comment")
    result = govern("check", "--rev", "HEAD", "--format", "json", cwd=work)
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["metrics"] == {"api-db-coupling": {"value": 2, "growth": 0}}


def test_max_applies_to_a_tree_alone_and_only_added_items_block_with_a_base(tmp_path):
    adr = COUPLING_ADR.replace("      may-grow-by: 0\n", "      max: 1\n")
    _, work = server(tmp_path, FILES | {"adr/0004-api-db-coupling.md": adr,
                                        "app/api/admin.py": "import app.db.models\n"}, install=False)
    alone = json.loads(govern("check", "--format", "json", cwd=work).stdout)
    assert sorted(v["subject"] for v in alone["violations"]) == ["app/api/admin.py", "app/api/users.py"]
    commit(work, {"app/api/more.py": "import app.db.session\n"}, "one more")
    data = json.loads(govern("check", "--rev", "HEAD", "--new-since", "HEAD~1", "--format", "json", cwd=work).stdout)
    assert [(v["subject"], v["new"]) for v in data["violations"]] == [
        ("app/api/admin.py", False), ("app/api/more.py", True), ("app/api/users.py", False)]


def test_dependencies_and_dependents_metrics(tmp_path):
    adr = """---
title: Growth limits
status: accepted
rules:
  - id: runtime-deps
    no-growth:
      metric: dependencies
      in: ["pyproject.toml"]
      groups: [runtime]
  - id: db-fan-in
    no-growth:
      metric: dependents
      of: ["app.db.*"]
      may-grow-by: 1
---
"""
    _, work = server(tmp_path, FILES | {"adr/0004-api-db-coupling.md": adr}, install=False)
    commit(work, {"pyproject.toml": FILES["pyproject.toml"].replace('["httpx"]', '["httpx", "rich"]'),
                  "app/billing/ledger.py": "import app.db.models\n"}, "grow")
    data = json.loads(govern("check", "--rev", "HEAD", "--format", "json", cwd=work).stdout)
    assert [(v["rule"], v["subject"]) for v in data["violations"]] == [("runtime-deps", "pyproject.toml")]
    commit(work, {"app/billing/audit.py": "import app.db.session\n"}, "grow again")
    data = json.loads(govern("check", "--rev", "HEAD", "--new-since", "HEAD~2", "--format", "json", cwd=work).stdout)
    assert ("db-fan-in", "app/billing/audit.py") in [(v["rule"], v["subject"]) for v in data["violations"]]


def test_bad_no_growth_blocks_are_refused_with_a_position(tmp_path):
    adr = COUPLING_ADR.replace("      may-grow-by: 0\n", "      of: [\"x\"]\n      may-grow-by: -1\n")
    _, work = server(tmp_path, FILES | {"adr/0004-api-db-coupling.md": adr}, install=False)
    result = govern("adr", "lint", cwd=work)
    assert result.returncode == 2
    assert "adr/0004-api-db-coupling.md:" in result.stderr + result.stdout


def test_an_allowed_change_that_moves_the_metric_says_so_in_one_line(tmp_path):
    adr = COUPLING_ADR.replace("may-grow-by: 0", "may-grow-by: 1")
    _, work = server(tmp_path, FILES | {"adr/0004-api-db-coupling.md": adr}, install=False)
    commit(work, {"app/api/reports.py": "import app.db.session\n"}, "reports")
    text = govern("check", "--rev", "HEAD", cwd=work)
    assert text.returncode == 0 and "drift: api-db-coupling: 1 → 2 (+1)\n" in text.stdout
    data = json.loads(govern("check", "--rev", "HEAD", "--format", "json", cwd=work).stdout)
    assert data["drift"] == ["api-db-coupling: 1 → 2 (+1)"]
    assert data["metrics"] == {"api-db-coupling": {"value": 2, "growth": 1}}
    assert govern("record", "HEAD", cwd=work).returncode == 0
    assert "drift: api-db-coupling: 1 → 2 (+1)" in govern("why", "HEAD", cwd=work).stdout


RATCHET_ADR = """---
title: Stripe debt and waivers do not grow
status: accepted
rules:
  - id: stripe-debt
    no-growth:
      metric: findings
      rule: stripe-only-in-billing
  - id: stripe-waivers
    no-growth:
      metric: exemptions
      adr: ADR-0001
      may-grow-by: 0
---
"""
WARN_STRIPE = FILES["adr/0001-only-billing-talks-to-stripe.md"].replace(
    "    message: Only app/billing may call Stripe.\n",
    "    message: Only app/billing may call Stripe.\n    severity: warn\n") + """
```datalog
exempt("stripe-only-in-billing", F, "legacy, see #12") :- glob(F, "app/legacy/**").
```
"""
RATCHET = FILES | {"adr/0001-only-billing-talks-to-stripe.md": WARN_STRIPE, "adr/0005-ratchet.md": RATCHET_ADR,
                   "app/shop/old.py": "import stripe\n", "app/legacy/__init__.py": ""}


def test_findings_and_exemptions_metrics_in_pushes(tmp_path):
    """A warning rule's findings may not grow, nor its ADR's exemptions: each push adding one is
    refused naming it; one moving a finding (one removed, one added) is allowed."""
    bare, work = server(tmp_path, RATCHET)
    old = git(bare, "rev-parse", "main").strip()
    commit(work, {"app/shop/new.py": "import stripe\n"}, "one more stripe import")
    done = push(work)
    assert done.returncode != 0 and "[stripe-debt]" in done.stderr and "app/shop/new.py" in done.stderr, done.stderr
    git(work, "reset", "-q", "--hard", old)
    commit(work, {"app/legacy/waived.py": "import stripe\n"}, "a waived stripe import")
    done = push(work)
    assert done.returncode != 0 and "[stripe-waivers]" in done.stderr and "app/legacy/waived.py" in done.stderr
    git(work, "reset", "-q", "--hard", old)
    moved = commit(work, {"app/shop/old.py": "import json\n", "app/shop/new.py": "import stripe\n"}, "move it")
    done = push(work)
    assert done.returncode == 0, done.stderr
    data = verdict_note(bare, moved)
    assert data["verdict"] == "allow"
    assert data["metrics"]["stripe-debt"] == {"value": 1, "growth": 0}
    assert data["metrics"]["stripe-waivers"] == {"value": 0, "growth": 0}
    assert verify_verdict_json(bare, data) == []


def test_findings_metric_proof_names_the_added_finding_and_verifies(tmp_path):
    _, work = server(tmp_path, RATCHET, install=False)
    commit(work, {"app/shop/new.py": "import stripe\n", "app/legacy/w.py": "import stripe\n"}, "grow both")
    data = json.loads(govern("check", "--rev", "HEAD", "--format", "json", cwd=work).stdout)
    blocking = sorted((v["rule"], v["subject"], v["target"]) for v in data["violations"] if v["severity"] == "block")
    assert blocking == [("stripe-debt", "app/shop/new.py", "stripe"),
                        ("stripe-waivers", "app/legacy/w.py", "stripe-only-in-billing")]
    debt = next(v for v in data["violations"] if v["rule"] == "stripe-debt")
    table = data["proofs"]
    leaf = table[table[table[debt["proof"]]["children"][0]]["children"][0]]
    assert leaf["conclusion"] == {"pred": "finding", "args": ["stripe-only-in-billing", "app/shop/new.py", "stripe"]}
    assert verify_verdict_json(work, data) == []
    compiled = govern("adr", "compile", "stripe-debt", cwd=work).stdout
    assert 'finding("stripe-only-in-billing", S, T)' in compiled and 'base_finding("stripe-only-in-billing"' in compiled
    # Judged alone, a tree has nothing to compare with: may-grow-by has no effect.
    assert govern("check", cwd=work).returncode == 0


def test_findings_and_exemptions_metrics_over_empty_sets(tmp_path):
    adr = RATCHET_ADR.replace("      may-grow-by: 0\n", "      max: 0\n")
    files = {k: v for k, v in RATCHET.items() if k != "app/shop/old.py"} | {"adr/0005-ratchet.md": adr}
    _, work = server(tmp_path, files, install=False)
    data = json.loads(govern("check", "--format", "json", cwd=work).stdout)
    assert data["verdict"] == "allow" and data["metrics"]["stripe-debt"]["value"] == 0
    assert data["metrics"]["stripe-waivers"] == {"value": 0, "growth": None}


def test_hostile_and_unstratifiable_findings_rules_are_lint_errors(tmp_path):
    adr = """---
title: Bad ratchets
status: accepted
rules:
  - id: typo
    no-growth:
      metric: findings
      rule: stripe-only-in-biling
  - id: itself
    no-growth:
      metric: findings
      rule: itself
  - id: waivers
    no-growth:
      metric: exemptions
      adr: ADR-0001
  - id: of-a-counter
    no-growth:
      metric: findings
      rule: waivers
  - id: hostile
    no-growth:
      metric: exemptions
      adr: "\\"); violation(\\"x"
  - id: wrong-adr
    no-growth:
      metric: exemptions
      adr: ADR-01
  - id: wrong-key
    no-growth:
      metric: findings
      rule: stripe-only-in-billing
      adr: ADR-0001
---
```datalog
exempt("stripe-only-in-billing", F, "circular") :- finding("stripe-only-in-billing", F, _).
```
"""
    _, work = server(tmp_path, FILES | {"adr/0005-bad.md": adr}, install=False)
    result = govern("adr", "lint", cwd=work)
    out = result.stdout + result.stderr
    assert result.returncode == 2 and "Traceback" not in out, out
    assert "unknown rule 'stripe-only-in-biling' (did you mean 'stripe-only-in-billing'?)" in out
    assert "rule itself counts its own findings: not stratifiable" in out
    assert "rule of-a-counter counts the findings of rule waivers, which itself reads findings" in out
    assert "unknown ADR '\\\"); violation(\\\"x'" in out or "rule hostile: unknown ADR" in out
    assert "unknown ADR 'ADR-01' (did you mean" in out
    assert "'adr' does not apply to metric findings" in out
    assert "an exemption cannot depend on the findings it lifts" in out
    for i, bad in enumerate(("-1", "1000001", "1e9", "'3'")):
        broken = RATCHET_ADR.replace("may-grow-by: 0", f"may-grow-by: {bad}")
        (tmp_path / str(i)).mkdir()
        _, other = server(tmp_path / str(i), RATCHET | {"adr/0005-ratchet.md": broken}, install=False)
        again = govern("adr", "lint", cwd=other)
        assert again.returncode == 2 and "may-grow-by" in again.stdout + again.stderr, bad
