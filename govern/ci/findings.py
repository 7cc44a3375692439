"""What the CI formats share: which findings they list, in which order, and their identity."""
from __future__ import annotations

import hashlib

from govern.verdict.model import BLOCK, Finding, Verdict
from govern.verdict.render_sarif import split_location


def listed(verdict: Verdict) -> list[Finding]:
    """The violations (not the exemptions), blocking ones first, then by identity."""
    return sorted(verdict.violations, key=lambda f: (not is_blocking(f), f.key()))


def is_blocking(finding: Finding) -> bool:
    return finding.severity == BLOCK and finding.new


def kind(finding: Finding) -> str:
    """block, warn or legacy (a blocking-severity finding the base already had)."""
    if finding.severity != BLOCK:
        return "warn"
    return "block" if finding.new else "legacy"


def where(finding: Finding) -> tuple[str, int]:
    """(path, line) of the finding; line 0 when only the file is known."""
    return split_location(finding.location)


def fingerprint(finding: Finding) -> str:
    """A stable id from the finding's identity (rule, subject, target): not its line or message."""
    key = "\0".join(("govern", finding.rule, finding.subject, finding.target))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
