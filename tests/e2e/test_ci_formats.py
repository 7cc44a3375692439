"""`govern check --format junit|github|gitlab`, each read back the way its consumer reads it:
JUnit XML validated against Jenkins' junit-10.xsd, GitLab Code Quality against GitLab's own
codeclimate.json (the schema its parser validates each issue with), GitHub workflow commands
parsed with a port of the runner's parser (actions/runner ActionCommand.TryParseV2). Hostile
messages, titles and file names must come back byte for byte and never make a command."""
from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
import xmlschema

from tests.conftest import git, write
from tests.e2e.check_support import commit, example_repo, govern

DATA = Path(__file__).resolve().parents[1] / "data"
JUNIT_XSD = xmlschema.XMLSchema(str(DATA / "junit-10.xsd"))
CODECLIMATE = json.loads((DATA / "gitlab-codeclimate-schema.json").read_text())
GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}  # GitLab's Code Quality docs

# A message, an ADR title and a file name that try to end the annotation and start commands.
EVIL_MESSAGE = "bad%0A::stop-commands::x\n::add-mask::secret\r\n,title=forged::data %25 ✗ \x1b[31m"
EVIL_TITLE = "T::error file=x::forged, title\ngo"
EVIL_FILE = "data/a,b:c%0A d=e\n::warning::x.txt"
EVIL_ADR = f"""---
title: {json.dumps(EVIL_TITLE)}
status: accepted
date: 2026-01-01
rules:
  - id: no-stripe
    forbid-import:
      from: ["app/**"]
      to: ["stripe"]
    message: {json.dumps(EVIL_MESSAGE)}
  - id: owned
    severity: warn
    require-owner:
      paths: ["data/**"]
    message: plain
---
# Hostile
"""


def hostile_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "hostile"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo, {"adr/0001-hostile.md": EVIL_ADR, "app/__init__.py": "", "app/pay.py": "import stripe\n",
                 EVIL_FILE: "x\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hostile")
    return repo


def parse_workflow_command(line: str) -> tuple[str, dict[str, str], str] | None:
    """actions/runner src/Runner.Common/ActionCommand.cs TryParseV2, ported line for line."""
    message = line.lstrip()
    if not message.startswith("::"):
        return None
    end = message.find("::", 2)
    if end < 0:
        return None
    info = message[2:end]
    space = info.find(" ")
    name = info if space < 0 else info[:space]
    if name not in {"error", "warning", "notice", "debug", "group", "endgroup", "add-mask", "stop-commands",
                    "set-output", "save-state", "add-matcher", "remove-matcher", "echo", "add-path", "set-env"}:
        return None
    props: dict[str, str] = {}
    if space > 0:
        for prop in [p for p in info[space + 1:].strip().split(",") if p]:
            pair = [p for p in prop.split("=", 1) if p]
            if len(pair) == 2:
                props[pair[0]] = _unescape(pair[1], property=True)
    return name, props, _unescape(message[end + 2:], property=False)


def _unescape(text: str, property: bool) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if property else []) + [("%25", "%")]
    for escaped, plain in pairs:
        text = text.replace(escaped, plain)
    return text


def runner_lines(output: str) -> list[str]:
    """Lines as the runner reads stdout (.NET ReadLine: CR, LF or CRLF end a line)."""
    return output.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def test_junit_of_the_example_validates(tmp_path):
    result = govern(example_repo(tmp_path), "check", "--format", "junit")
    assert result.returncode == 1, result.stderr
    JUNIT_XSD.validate(result.stdout)
    root = ET.fromstring(result.stdout)
    assert (root.get("tests"), root.get("failures")) == ("3", "1")
    suites = {s.get("name"): s for s in root}
    assert sorted(suites) == ["ADR-0002 stripe-only-in-billing", "ADR-0003 api-skips-service", "ADR-0003 shop-layers"]
    [failure] = suites["ADR-0002 stripe-only-in-billing"].iter("failure")
    assert failure.get("message") == "Only app/billing may call Stripe; go through app.billing instead."
    assert 'imports("app.api.refunds", "stripe")  app/api/refunds.py:6' in failure.text
    [case] = suites["ADR-0003 shop-layers"]
    assert case.get("name") == "no violations" and len(case) == 0
    [out] = suites["ADR-0003 api-skips-service"].iter("system-out")
    assert "exempted: the liveness probe must ping the database itself" in out.text
    no_proof = govern(example_repo(tmp_path / "again"), "check", "--format", "junit", "--no-proof").stdout
    JUNIT_XSD.validate(no_proof)
    assert "imports(" not in no_proof


def test_junit_of_hostile_strings_validates_and_keeps_them(tmp_path):
    result = govern(hostile_repo(tmp_path), "check", "-f", "junit")
    assert result.returncode == 1, result.stderr
    JUNIT_XSD.validate(result.stdout)
    root = ET.fromstring(result.stdout)
    failure = next(root.iter("failure"))
    assert failure.get("message") == EVIL_MESSAGE.replace("\x1b", "\\x1b")  # XML 1.0 cannot carry ESC
    assert [c.get("name") for c in root.iter("testcase")] == ["app/pay.py:1", EVIL_FILE]


def test_gitlab_code_quality_validates_with_stable_fingerprints(tmp_path):
    repo = hostile_repo(tmp_path)
    result = govern(repo, "check", "--format", "gitlab")
    assert result.returncode == 1, result.stderr
    issues = json.loads(result.stdout)
    for issue in issues:
        jsonschema.validate(issue, CODECLIMATE)
        assert issue["severity"] in GITLAB_SEVERITIES and issue["check_name"]
    assert [(i["check_name"], i["severity"], i["location"]) for i in issues] == [
        ("no-stripe", "blocker", {"path": "app/pay.py", "lines": {"begin": 1}}),
        ("owned", "minor", {"path": EVIL_FILE, "lines": {"begin": 1}}),  # the whole file: line 1
    ]
    assert EVIL_MESSAGE in issues[0]["description"]
    # The fingerprint is the finding's identity: it survives moving the import down.
    commit(repo, {"app/pay.py": "\n\nimport stripe\n"})
    moved = json.loads(govern(repo, "check", "--format", "gitlab").stdout)
    assert [i["location"]["lines"]["begin"] for i in moved] == [3, 1]
    assert [i["fingerprint"] for i in moved] == [i["fingerprint"] for i in issues]
    assert len({i["fingerprint"] for i in issues}) == 2


def test_gitlab_legacy_findings_are_major_and_exemptions_absent(tmp_path):
    repo = example_repo(tmp_path)
    issues = json.loads(govern(repo, "check", "-f", "gitlab", "--new-since", "HEAD").stdout)
    assert [(i["check_name"], i["severity"]) for i in issues] == [("stripe-only-in-billing", "major")]


def test_github_annotations_parse_back_exactly(tmp_path):
    result = govern(hostile_repo(tmp_path), "check", "--format", "github")
    assert result.returncode == 1, result.stderr
    commands = [parse_workflow_command(line) for line in runner_lines(result.stdout)]
    assert [c for c in commands if c is not None] == [
        ("error", {"file": "app/pay.py", "line": "1", "title": "no-stripe (ADR-0001)"},
         f"{EVIL_MESSAGE} — ADR-0001 “{EVIL_TITLE}”"),
        ("warning", {"file": EVIL_FILE, "title": "owned (ADR-0001)"},
         f"plain (warning) — ADR-0001 “{EVIL_TITLE}”"),
    ]
    assert runner_lines(result.stdout)[2:] == ["govern: block — 1 blocking, 1 warning, 0 exempted (2 rules, 1 ADR)", ""]


@pytest.mark.parametrize("fmt", ["junit", "github", "gitlab"])
def test_ci_formats_of_a_clean_tree(tmp_path, fmt):
    repo = example_repo(tmp_path)
    commit(repo, {"app/api/refunds.py": "from app.billing import refund\n"})
    result = govern(repo, "check", "--format", fmt)
    assert result.returncode == 0, result.stderr
    if fmt == "junit":
        JUNIT_XSD.validate(result.stdout)
        assert ET.fromstring(result.stdout).get("failures") == "0"
    elif fmt == "gitlab":
        assert json.loads(result.stdout) == []
    else:
        assert result.stdout == "govern: allow — 0 blocking, 0 warnings, 1 exempted (3 rules, 3 ADRs)\n"
