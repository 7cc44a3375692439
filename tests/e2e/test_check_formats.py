"""Each output format of `govern check` on the example repository: text, JSON, SARIF (validated
against the OASIS SARIF 2.1.0 schema), and -o FILE."""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import jsonschema

from tests.e2e.check_support import EXAMPLE, GOVERN, SCHEMA, check_json, example_repo, govern

ANSI = re.compile(r"\x1b\[")


def test_example_run_script_blocks_as_expected(tmp_path):
    result = subprocess.run([str(EXAMPLE.parent / "run-example.sh")], capture_output=True, text=True,
                            env={**os.environ, "TMPDIR": str(tmp_path), "GOVERN": GOVERN})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "blocked as expected" in result.stdout
    assert "stripe-only-in-billing" in result.stdout


def test_json_of_the_example(tmp_path):
    code, data = check_json(example_repo(tmp_path), "--rev", "HEAD")
    assert code == 1 and data["verdict"] == "block"
    assert data["format"] == 2 and data["target"] == "commit"
    [violation] = data["violations"]
    assert (violation["rule"], violation["subject"], violation["location"]) == (
        "stripe-only-in-billing", "app/api/refunds.py", "app/api/refunds.py:6")
    assert violation["adr"] == "ADR-0002" and violation["new"] is True and violation["proof"]
    [exempted] = data["exemptions"]
    assert (exempted["rule"], exempted["subject"]) == ("api-skips-service", "app/api/health.py")
    assert exempted["reason"] == "the liveness probe must ping the database itself"
    assert exempted["proof"] and exempted["violation_proof"]
    assert data["summary"] == {"adrs": 3, "blocking": 1, "exempted": 1, "legacy": 0, "rules": 3,
                               "violations": 1, "warnings": 0}


def test_text_of_the_example(tmp_path):
    result = govern(example_repo(tmp_path), "check")
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert not ANSI.search(out)  # not a TTY: no colours
    assert "Only the billing service talks to Stripe" in out
    assert "stripe-only-in-billing" in out and "app/api/refunds.py:6" in out
    assert 'imports("app.api.refunds", "stripe")' in out  # the proof tree shows the fact
    assert "the liveness probe must ping the database itself" in out
    assert out.rstrip().splitlines()[-1] == "govern: block — 1 blocking, 0 warnings, 1 exempted (3 rules, 3 ADRs)"


def test_sarif_validates_against_the_schema(tmp_path):
    result = govern(example_repo(tmp_path), "check", "--format", "sarif")
    assert result.returncode == 1, result.stderr
    log = json.loads(result.stdout)
    jsonschema.validate(log, json.loads(SCHEMA.read_text()))
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "govern"
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert "adr/0002-only-billing-talks-to-stripe.md" in rules["stripe-only-in-billing"]["help"]["text"]
    error = next(r for r in run["results"] if r["level"] == "error")
    assert error["ruleId"] == "stripe-only-in-billing"
    location = error["locations"][0]["physicalLocation"]
    assert (location["artifactLocation"]["uri"], location["region"]["startLine"]) == ("app/api/refunds.py", 6)
    steps = error["codeFlows"][0]["threadFlows"][0]["locations"]
    assert any(s["location"]["physicalLocation"].get("region", {}).get("startLine") == 6 for s in steps)
    suppressed = [r for r in run["results"] if r.get("suppressions")]
    assert [r["ruleId"] for r in suppressed] == ["api-skips-service"]


def test_sarif_schema_copy_is_the_shared_one():
    shared = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "sarif-schema-2.1.0.json"
    if shared.exists():  # CI clones the project next to shared/
        assert shared.read_bytes() == SCHEMA.read_bytes()


def test_output_file_and_no_color(tmp_path):
    repo = example_repo(tmp_path)
    target = tmp_path / "report.json"
    result = govern(repo, "check", "--format", "json", "-o", str(target))
    assert result.returncode == 1 and result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["verdict"] == "block"
    assert target.read_bytes().endswith(b"}\n")
    result = govern(repo, "check", env={"NO_COLOR": "1"})
    assert not ANSI.search(result.stdout)
