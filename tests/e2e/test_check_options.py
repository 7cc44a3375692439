"""`govern check` options that shape the report: PATH arguments, --quiet, --no-proof,
--only-new, --max-findings, and the order of the text report (new before legacy, blocking
before warnings)."""
from __future__ import annotations

from tests.conftest import git
from tests.e2e.check_support import check_json, commit, example_repo, govern

SUMMARY_BLOCK = "govern: block — 1 blocking, 0 warnings, 1 exempted (3 rules, 3 ADRs)"


def test_path_arguments_restrict_the_report_and_the_exit_code(tmp_path):
    repo = example_repo(tmp_path)
    code, data = check_json(repo, "app/billing")
    assert code == 0 and data["violations"] == [] and data["exemptions"] == []
    code, data = check_json(repo, "app/api/refunds.py")
    assert code == 1 and [v["subject"] for v in data["violations"]] == ["app/api/refunds.py"] and not data["exemptions"]
    code, data = check_json(repo / "app", "api")  # relative to the current directory
    assert code == 1 and len(data["violations"]) == 1 and len(data["exemptions"]) == 1
    code, data = check_json(tmp_path, "-C", "shop", "app/api/health.py")  # relative to -C, as git does
    assert code == 0 and [e["subject"] for e in data["exemptions"]] == ["app/api/health.py"]
    assert check_json(repo / "app", ".")[0] == 1 and check_json(repo / "app" / "billing", "..")[0] == 1


def test_bad_path_arguments_are_usage_errors(tmp_path):
    repo = example_repo(tmp_path)
    for args, message in [(["app/nope.py"], "govern: app/nope.py: no such file or directory"),
                          ([".."], "govern: ..: outside the repository")]:
        result = govern(repo, "check", *args)
        assert result.returncode == 2 and result.stderr.startswith(message) and not result.stdout, result
    # a deleted file can still be asked about in a commit
    assert govern(repo, "check", "--rev", "HEAD", "app/nope.py").returncode == 0


def test_quiet_no_proof_and_max_findings(tmp_path):
    repo = example_repo(tmp_path)
    quiet = govern(repo, "check", "--quiet")
    assert quiet.returncode == 1 and quiet.stdout.splitlines() == [
        "app/api/refunds.py",
        "  ✗ block  stripe-only-in-billing  ADR-0002 “Only the billing service talks to Stripe”",
        "    app/api/refunds.py:6: Only app/billing may call Stripe; go through app.billing instead. → stripe",
        "",
        "govern: block — 1 blocking, 0 warnings, 0 exempted (3 rules, 3 ADRs)",
    ]
    no_proof = govern(repo, "check", "--no-proof").stdout
    assert "imports(" not in no_proof and "exempted: the liveness probe" in no_proof
    assert no_proof.splitlines()[-1] == SUMMARY_BLOCK
    limited = govern(repo, "check", "--max-findings", "1", "--no-proof").stdout.splitlines()
    assert limited[-3:] == ["… 1 more finding not shown (--max-findings 1)", "", SUMMARY_BLOCK]
    assert govern(repo, "check", "--max-findings", "0").stdout.splitlines()[0].startswith("… 2 more findings")
    bad = govern(repo, "check", "--max-findings", "-1")
    assert bad.returncode == 2 and "--max-findings must be 0 or more" in bad.stderr
    commit(repo, {"app/api/refunds.py": "from app.billing import refund\n"})
    allowed = govern(repo, "check", "-q")
    assert (allowed.returncode, allowed.stdout, allowed.stderr) == (0, "", "")


def test_only_new_and_the_order_of_findings(tmp_path):
    repo = example_repo(tmp_path)
    base = git(repo, "rev-parse", "HEAD").strip()
    commit(repo, {"app/api/orders.py": "import stripe\n",
                  "adr/0005-warn.md": WARN_ADR, "app/db/cache.py": "import redis\n"})
    text = govern(repo, "check", "--new-since", base, "--no-proof").stdout
    heads = [line for line in text.splitlines() if line and not line.startswith("    ")]
    assert heads == [
        "app/api/orders.py",
        "  ✗ block  stripe-only-in-billing  ADR-0002 “Only the billing service talks to Stripe”",
        "app/db/cache.py",
        "  ! warn  no-redis  ADR-0005 “No redis”",
        "app/api/refunds.py",
        "  • legacy  stripe-only-in-billing  ADR-0002 “Only the billing service talks to Stripe”",
        "app/api/health.py",
        "  ~ exempt  api-skips-service  ADR-0003 “Layered architecture: api, then service, then db”",
        text.splitlines()[-1],
    ]
    code, data = check_json(repo, "--new-since", base, "--only-new")
    assert code == 1 and [(v["subject"], v["new"]) for v in data["violations"]] == [
        ("app/api/orders.py", True), ("app/db/cache.py", True)]
    assert data["exemptions"] == [] and data["summary"]["legacy"] == 0
    assert check_json(repo, "--new-since", "HEAD", "--only-new")[1]["violations"] == []


WARN_ADR = """---
title: No redis
status: accepted
date: 2026-01-01
rules:
  - id: no-redis
    severity: warn
    forbid-import:
      from: ["app/**"]
      to: ["redis"]
    message: Use the cache service.
---
# No redis
"""
