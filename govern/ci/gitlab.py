"""GitLab Code Quality report (a JSON list of Code Climate issues; GitLab validates each against
app/validators/json_schemas/codeclimate.json). The fingerprint comes from the finding's identity
(rule, subject, target), so GitLab tracks a finding across line moves and runs; exemptions are
not degradations and are left out. A check warning (a rule that cannot match) is an issue of
severity `info` on its ADR's line, check_name `govern/<kind>`."""
from __future__ import annotations

from collections.abc import Iterator

from govern.ci.findings import fingerprint, kind, listed, where
from govern.verdict.model import CheckWarning, Verdict
from govern.verdict.render_json import canonical_json
from govern.verdict.render_sarif import split_location, warning_fingerprint

SEVERITIES = {"block": "blocker", "legacy": "major", "warn": "minor"}


def gitlab_chunks(verdict: Verdict) -> Iterator[str]:
    yield canonical_json([_issue(f) for f in listed(verdict)] + [_warning(w) for w in verdict.warnings])


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


def _warning(warning: CheckWarning) -> dict:
    path, line = split_location(warning.location)
    return {
        "type": "issue",
        "check_name": f"govern/{warning.kind}",
        "description": warning.message,
        "severity": "info",
        "fingerprint": warning_fingerprint(warning),
        "location": {"path": path, "lines": {"begin": max(line, 1)}},
    }
