"""`govern query`: ad-hoc questions over facts and the active rules, on real repositories."""
from __future__ import annotations

import json

from tests.e2e.check_support import example_repo, govern


def test_vocabulary_query_prints_sorted_bindings(tmp_path):
    repo = example_repo(tmp_path)
    result = govern(repo, "query", 'imports(M, "stripe")')
    assert result.returncode == 0, result.stderr
    assert result.stdout == 'M = "app.api.refunds"\nM = "app.billing.charge"\n'


def test_query_violations_and_negation(tmp_path):
    repo = example_repo(tmp_path)
    result = govern(repo, "query", "violation(R, S, T, _)", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {"R": "stripe-only-in-billing", "S": "app/api/refunds.py", "T": "stripe"} in rows
    assert {"R": "api-skips-service", "S": "app/api/health.py", "T": "app.db.session"} in rows  # exempted, still derived
    result = govern(repo, "query", 'exempt(R, S, T, _)', "--format", "json")
    assert json.loads(result.stdout) == [{"R": "api-skips-service", "S": "app/api/health.py", "T": "*"}]
    result = govern(repo, "query", 'module(M, F), under(M, "app.api"), not imports(M, "stripe"), M != "app.api"')
    assert result.stdout.splitlines() == [
        'M = "app.api.health", F = "app/api/health.py"',
        'M = "app.api.orders", F = "app/api/orders.py"',
    ]


def test_yes_no_and_no_answers(tmp_path):
    repo = example_repo(tmp_path)
    assert govern(repo, "query", 'imports("app.billing.charge", "stripe")').stdout == "yes\n"
    result = govern(repo, "query", 'imports("app.db.session", "stripe")')
    assert (result.returncode, result.stdout) == (1, "no\n")


def test_bad_queries_are_usage_errors(tmp_path):
    repo = example_repo(tmp_path)
    for text, needle in [("imports(M", "syntax error"), ("nosuch(X)", "unknown predicate"),
                         ("imports(M)", "takes 2 arguments"), ('not imports(M, "x")', "unsafe variable M"),
                         ('__import__("os")', "<query>")]:
        result = govern(repo, "query", text)
        assert result.returncode == 2, (text, result.stdout, result.stderr)
        assert needle in result.stderr and "Traceback" not in result.stderr
