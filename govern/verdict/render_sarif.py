"""SARIF 2.1.0 for GitHub code scanning: one run, a driver rule per applied ADR rule, a
result per violation (level error/warning) and per exemption (suppressed), each with its
location, a stable fingerprint and a code flow walking the proof's facts.

Check warnings (rules that cannot match, govern.verdict.warnings) are results of level
`note` of a driver rule per kind (`govern/stale-waiver`, …) located in the ADR — what code
scanning shows, never failing a check by default — and, as the SARIF specification puts
conditions of a tool's configuration, `toolConfigurationNotifications` of the invocation.

Validated against the OASIS schema in tests (tests/data/sarif-schema-2.1.0.json).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from govern.verdict.model import BLOCK, EXEMPT, AdrInfo, CheckWarning, Finding, RuleInfo, Verdict
from govern.verdict.proofwalk import fact_leaves
from govern.verdict.render_json import canonical_json, iter_canonical

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {BLOCK: "error", "warn": "warning"}


def render_sarif(verdict: Verdict) -> str:
    """The verdict as a SARIF 2.1.0 log (canonical JSON text)."""
    return canonical_json(sarif_log(verdict))


def sarif_chunks(verdict: Verdict) -> Iterator[str]:
    """render_sarif(verdict) in pieces (each result separately: log → runs → run → results)."""
    yield from iter_canonical(sarif_log(verdict), 4)
    yield "\n"


def sarif_log(verdict: Verdict) -> dict[str, Any]:
    adrs = {a.id: a for a in verdict.adrs}
    rules = sorted((r for r in verdict.rules if r.applies and r.kind != EXEMPT), key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    results = [_result(f, index, verdict.base is not None, None) for f in sorted(verdict.violations, key=Finding.key)]
    results += [_result(f, index, verdict.base is not None, f.reason or "") for f in sorted(verdict.exemptions, key=Finding.key)]
    kinds = sorted({w.kind for w in verdict.warnings})
    index |= {WARNING_RULE + k: len(rules) + i for i, k in enumerate(kinds)}
    results += [_warning_result(w, index) for w in verdict.warnings]
    driver = {
        "name": "govern",
        "version": verdict.version,
        "semanticVersion": verdict.version,
        "rules": [_rule(r, adrs.get(r.adr)) for r in rules] + [_warning_rule(k) for k in kinds],
    }
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [{"executionSuccessful": True} | (
            {"toolConfigurationNotifications": [_notification(w) for w in verdict.warnings]} if verdict.warnings else {})],
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {"verdict": verdict.outcome, "engine": verdict.engine, "date": verdict.date,
                       "commit": verdict.commit, "base": verdict.base},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _rule(rule: RuleInfo, adr: AdrInfo | None) -> dict[str, Any]:
    title = adr.title if adr else rule.adr
    where = adr.path if adr else rule.location
    message = rule.message or title
    help_text = f"{rule.adr}: {title}\n\n{message}\n\nDecision record: {where}"
    return {
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": message},
        "fullDescription": {"text": f"{rule.adr} ({title}): {message}"},
        "help": {"text": help_text,
                 "markdown": f"**{rule.adr}: {title}**\n\n{message}\n\nDecision record: `{where}`"},
        "defaultConfiguration": {"level": LEVELS.get(rule.severity, "error")},
        "properties": {"adr": rule.adr, "kind": rule.kind, "tags": ["architecture", rule.adr]},
    }


def _result(finding: Finding, index: dict[str, int], with_base: bool, exemption: str | None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": LEVELS.get(finding.severity, "error"),
        "message": {"text": f"{finding.message} ({finding.adr}: {finding.adr_title})"},
        "locations": [{"physicalLocation": _physical(*split_location(finding.location))}],
        "partialFingerprints": {"governFinding/v1": _fingerprint(finding)},
        "properties": {"adr": finding.adr, "subject": finding.subject, "target": finding.target, "new": finding.new},
    }
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    if with_base:
        result["baselineState"] = "new" if finding.new else "unchanged"
    flow = _code_flow(finding.violation_proof if exemption is not None else finding.proof)
    if flow:
        result["codeFlows"] = [flow]
    if exemption is not None:
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": exemption}]
    return result


WARNING_RULE = "govern/"
WARNING_TEXT = {
    "not-enforced": "An ADR holding rules is not accepted: its rules are not enforced",
    "expired": "A rule has expired: it is not enforced",
    "stale-waiver": "An ADR's exemptions of a rule exempted nothing (a stale waiver)",
    "unmatched-glob": "A path glob of a rule matches no file",
    "unmatched-ignore": "An ignored import of a rule matches no import",
}


def _warning_rule(kind: str) -> dict[str, Any]:
    text = WARNING_TEXT.get(kind, "A rule cannot match")
    return {"id": WARNING_RULE + kind, "name": kind, "shortDescription": {"text": text},
            "help": {"text": f"{text}. govern check warns about rules that cannot match; a warning never fails the check."},
            "defaultConfiguration": {"level": "note"}, "properties": {"tags": ["govern-warning"]}}


def _warning_result(warning: CheckWarning, index: dict[str, int]) -> dict[str, Any]:
    return {
        "ruleId": WARNING_RULE + warning.kind,
        "ruleIndex": index[WARNING_RULE + warning.kind],
        "level": "note",
        "message": {"text": warning.message},
        "locations": [{"physicalLocation": _physical(*split_location(warning.location))}],
        "partialFingerprints": {"governWarning/v1": warning_fingerprint(warning)},
        "properties": {"warning": warning.kind},
    }


def warning_fingerprint(warning: CheckWarning) -> str:
    """Stable across line moves: the kind, the ADR file and the message without the line."""
    path, _ = split_location(warning.location)
    key = "\0".join((warning.kind, path, warning.message.replace(f"({warning.location})", f"({path})")))
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def _notification(warning: CheckWarning) -> dict[str, Any]:
    return {"level": "warning", "message": {"text": warning.message}, "descriptor": {"id": WARNING_RULE + warning.kind},
            "locations": [{"physicalLocation": _physical(*split_location(warning.location))}]}


def _code_flow(proof) -> dict[str, Any] | None:
    leaves = fact_leaves(proof or {})
    if not leaves:
        return None
    locations = [
        {"location": {"physicalLocation": _physical(leaf.path, leaf.line), "message": {"text": leaf.text or leaf.location}}}
        for leaf in leaves
    ]
    return {"message": {"text": "proof: the facts this finding rests on"}, "threadFlows": [{"locations": locations}]}


def _physical(path: str, line: int) -> dict[str, Any]:
    out: dict[str, Any] = {"artifactLocation": {"uri": quote(path, errors="surrogateescape"), "uriBaseId": "%SRCROOT%"}}
    if line > 0:
        out["region"] = {"startLine": line}
    return out


def split_location(location: str) -> tuple[str, int]:
    """`path:line` → (path, line); a bare path (or one ending in a non-number) → (path, 0)."""
    path, sep, line = location.rpartition(":")
    if sep and path and line.isdigit():
        return path, int(line)
    return location, 0


def _fingerprint(finding: Finding) -> str:
    # Stable across line moves: the finding's identity (rule, subject, target) and its message.
    key = "\0".join((finding.rule, finding.subject, finding.target, finding.message))
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]
