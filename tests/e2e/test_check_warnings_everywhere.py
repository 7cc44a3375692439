"""Check warnings (rules that cannot match) reach every output a user reads (issue 11 item 6):
SARIF (results of level note and the invocation's toolConfigurationNotifications, validated
against the OASIS schema), JUnit (skipped testcases, junit-10.xsd), GitHub annotations
(`::warning` on the ADR's line, parsed as the runner parses them), GitLab Code Quality (issues of
severity info, GitLab's own schema), text under --quiet, and the judgements of --staged, --patch
and --rules-from (with and without --rev). They never change the exit status; notes do not
record them."""
from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import jsonschema

from tests.conftest import git, write
from tests.e2e.check_support import SCHEMA, commit, govern
from tests.e2e.test_ci_formats import CODECLIMATE, JUNIT_XSD, parse_workflow_command, runner_lines
from tests.e2e.test_rules_that_cannot_match import WARNINGS, warned_repo

LOCATIONS = ["adr/0002-old-waivers.md:6", "adr/0002-old-waivers.md:7", "adr/0004-proposed.md",
             "adr/0001-rules.md:9", "adr/0003-expired.md:5"]
KINDS = ["stale-waiver", "stale-waiver", "not-enforced", "unmatched-glob", "expired"]
# A blocking import: the warnings come with a block too, and the exit status stays the block's.
BLOCKED = {"app/api/web.py": "import app.billing\n"}


def test_sarif_has_warnings_as_notes_and_configuration_notifications(make_repo):
    repo = warned_repo(make_repo)
    run = govern(repo, "check", "--format", "sarif")
    assert run.returncode == 0, run.stderr
    log = json.loads(run.stdout)
    jsonschema.validate(log, json.loads(SCHEMA.read_text()))
    [sarif] = log["runs"]
    notes = [r for r in sarif["results"] if r["level"] == "note"]
    assert [r["message"]["text"] for r in notes] == WARNINGS
    assert [r["ruleId"] for r in notes] == [f"govern/{k}" for k in KINDS]
    rules = sarif["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in sarif["results"] if "ruleIndex" in r)
    assert [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"].get("region", {}).get("startLine")) for r in notes] == [
        ("adr/0002-old-waivers.md", 6), ("adr/0002-old-waivers.md", 7), ("adr/0004-proposed.md", None),
        ("adr/0001-rules.md", 9), ("adr/0003-expired.md", 5)]
    [invocation] = sarif["invocations"]
    assert invocation["executionSuccessful"] is True
    assert [n["message"]["text"] for n in invocation["toolConfigurationNotifications"]] == WARNINGS
    # The fingerprint survives a line move of the ADR (the message's line changes, the warning does not).
    before = {r["partialFingerprints"]["governWarning/v1"] for r in notes}
    commit(repo, {"adr/0003-expired.md": (repo / "adr/0003-expired.md").read_text().replace("rules:\n", "rules:\n\n")})
    moved = json.loads(govern(repo, "check", "--format", "sarif").stdout)["runs"][0]["results"]
    assert {r["partialFingerprints"]["governWarning/v1"] for r in moved if r["level"] == "note"} == before


def test_junit_has_a_skipped_testcase_per_warning(make_repo):
    run = govern(warned_repo(make_repo), "check", "--format", "junit")
    assert run.returncode == 0, run.stderr
    JUNIT_XSD.validate(run.stdout)
    suites = {s.get("name"): s for s in ET.fromstring(run.stdout)}
    warned = suites["govern warnings"]
    assert (warned.get("tests"), warned.get("skipped"), warned.get("failures")) == ("5", "5", "0")
    assert [(c.get("name"), c.get("classname"), c.find("skipped").get("message")) for c in warned] == [
        (where, f"govern/{kind}", text) for where, kind, text in zip(LOCATIONS, KINDS, WARNINGS)]


def test_github_annotations_warn_on_the_adr_line(make_repo):
    repo = warned_repo(make_repo)
    write(repo, BLOCKED)
    run = govern(repo, "check", "--format", "github")
    assert run.returncode == 1, run.stderr  # the block's status, whatever the warnings
    commands = [c for c in map(parse_workflow_command, runner_lines(run.stdout)) if c]
    warned = [(props, data) for name, props, data in commands if props.get("title", "").startswith("govern: ")]
    assert [data for _, data in warned] == WARNINGS
    assert all(name == "warning" for name, props, _ in commands if props.get("title", "").startswith("govern: "))
    assert [(p["file"], p.get("line")) for p, _ in warned] == [
        (w.rsplit(":", 1)[0], w.rsplit(":", 1)[1]) if ":" in w else (w, None) for w in LOCATIONS]
    assert [p["title"] for p, _ in warned] == [f"govern: {k}" for k in KINDS]
    assert any(name == "error" for name, _, _ in commands)


def test_gitlab_code_quality_lists_warnings_as_info(make_repo):
    run = govern(warned_repo(make_repo), "check", "--format", "gitlab")
    assert run.returncode == 0, run.stderr
    issues = json.loads(run.stdout)
    for issue in issues:
        jsonschema.validate(issue, CODECLIMATE)
    assert [(i["check_name"], i["severity"], i["description"]) for i in issues] == [
        (f"govern/{k}", "info", w) for k, w in zip(KINDS, WARNINGS)]
    assert [i["location"] for i in issues][:3] == [
        {"path": "adr/0002-old-waivers.md", "lines": {"begin": 6}}, {"path": "adr/0002-old-waivers.md", "lines": {"begin": 7}},
        {"path": "adr/0004-proposed.md", "lines": {"begin": 1}}]
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_quiet_prints_the_warnings_with_the_blocking_findings(make_repo):
    repo = warned_repo(make_repo)
    write(repo, BLOCKED)
    run = govern(repo, "check", "--quiet")
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert lines[-6:-1] == [f"warning: {w}" for w in WARNINGS] and lines[-1].startswith("govern: block")
    assert lines[0] == "app/api/web.py"


def test_staged_patch_and_rules_from_judgements_warn_too(make_repo):
    repo = warned_repo(make_repo)
    expected = "".join(f"warning: {w}\n" for w in WARNINGS)
    head = git(repo, "rev-parse", "HEAD").strip()
    for args in (("--staged",), ("--rules-from", "HEAD"), ("--rev", "HEAD", "--rules-from", head),
                 ("--rev", "HEAD", "--rules-from", head, "--new-since", head)):
        run = govern(repo, "check", "--quiet", *args)
        assert (run.returncode, run.stdout) == (0, expected), (args, run.stdout, run.stderr)
        data = json.loads(govern(repo, "check", "--format", "json", *args).stdout)
        assert data["warnings"] == WARNINGS, args
    patch = repo / "change.diff"
    patch.write_text("--- a/app/api/__init__.py\n+++ b/app/api/__init__.py\n@@ -1 +1,2 @@\n import app.domain\n"
                     "+import app.billing\n")
    run = govern(repo, "check", "--patch", str(patch), "--quiet")
    assert run.returncode == 0, run.stderr
    # the import the patch adds is one ADR-0002 exempts: that waiver is no longer stale
    assert [line for line in run.stdout.splitlines() if line.startswith("warning: ")] == [
        f"warning: {w}" for w in WARNINGS[1:]]
    # a rules commit other than the judged one: its rules, judged on the tip's tree
    commit(repo, {"adr/0004-proposed.md": (repo / "adr/0004-proposed.md").read_text().replace("proposed\n", "accepted\n", 1)})
    run = govern(repo, "check", "--rev", "HEAD", "--rules-from", head, "--quiet")
    assert run.stdout == expected, run.stdout


def test_notes_do_not_record_warnings(make_repo):
    repo = warned_repo(make_repo)
    assert govern(repo, "record", "HEAD").returncode == 0
    note = json.loads(git(repo, "notes", "--ref", "govern", "show", "HEAD"))
    assert "warnings" not in note
    assert "warning:" not in govern(repo, "why", "HEAD").stdout


def test_the_mcp_check_tool_returns_the_warnings(make_repo):
    from govern.mcp.tools import check

    result = check(str(warned_repo(make_repo)))
    assert result["verdict"] == "allow" and result["warnings"] == WARNINGS


def test_hostile_adr_names_stay_inside_their_warning(make_repo):
    """An ADR file name that tries to end a workflow command or an XML attribute is escaped in
    every format: one annotation per warning, its file property the name byte for byte."""
    name = "adr/0002-x%0A,line=1::error file=a::forged\n::warning::y.md"
    stale = "---\ntitle: Old\nstatus: proposed\nrules:\n  - id: gone\n    forbid-import:\n      from: ['app/**']\n" \
            "      to: [os]\n---\n"
    repo = make_repo({"app/__init__.py": "", name: stale})
    run = govern(repo, "check", "--format", "github")
    assert run.returncode == 0, run.stderr
    commands = [c for c in map(parse_workflow_command, runner_lines(run.stdout)) if c]
    assert [(n, p["file"], p["title"]) for n, p, _ in commands] == [("warning", name, "govern: not-enforced")]
    junit = govern(repo, "check", "--format", "junit").stdout
    JUNIT_XSD.validate(junit)
    [case] = [c for s in ET.fromstring(junit) if s.get("name") == "govern warnings" for c in s]
    assert case.get("name") == name
    log = json.loads(govern(repo, "check", "--format", "sarif").stdout)
    jsonschema.validate(log, json.loads(SCHEMA.read_text()))
    gitlab = json.loads(govern(repo, "check", "--format", "gitlab").stdout)
    assert [i["location"]["path"] for i in gitlab] == [name]
