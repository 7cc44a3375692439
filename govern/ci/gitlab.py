"""GitLab Code Quality report (a JSON list of Code Climate issues; GitLab validates each against
app/validators/json_schemas/codeclimate.json). The fingerprint comes from the finding's identity
(rule, subject, target), so GitLab tracks a finding across line moves and runs; exemptions are
not degradations and are left out."""
from __future__ import annotations

from collections.abc import Iterator

from govern.ci.findings import fingerprint, kind, listed, where
from govern.verdict.model import Verdict
from govern.verdict.render_json import canonical_json

SEVERITIES = {"block": "blocker", "legacy": "major", "warn": "minor"}


def gitlab_chunks(verdict: Verdict) -> Iterator[str]:
    yield canonical_json([_issue(f) for f in listed(verdict)])


def _issue(finding) -> dict:
    path, line = where(finding)
    return {
        "type": "issue",
        "check_name": finding.rule,
        "description": f"{finding.message} ({finding.adr}: {finding.adr_title})",
        "severity": SEVERITIES[kind(finding)],
        "fingerprint": fingerprint(finding),
        "location": {"path": path, "lines": {"begin": max(line, 1)}},
    }
