"""Per commit of a history: findings, exemptions, expired rules and no-growth metrics, under
one set of ADRs (the range's last commit, or --rules-from).

A commit's verdict note is used when it agrees (same ADR blobs, same base, every rule judged
and every metric recorded); otherwise, when the commit leaves every fact the rules read as
its parent had it (govern.hook.unchanged: files modified in place, same scans), the parent's
findings carry over as legacy without evaluating; otherwise the commit is judged again:
against its first parent, the previous commit's violations as legacy (no second evaluation
of the parent), facts through the blob cache so only changed files are read.
"""
from __future__ import annotations

import os
from datetime import date
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from govern.facts.gitio import CatFile, GitFailure, run_git
from govern.facts.tree import CommitTree
from govern.adr import AdrSet
from govern.drift.history import Commit
from govern.errors import UsageError
from govern.notes.codec import decode
from govern.hook.unchanged import same_tree_facts
from govern.notes.store import NOTES_REF
from govern.rules import active
from govern.verdict.base_facts import base_reads
from govern.verdict.inputs import read_adrs, read_config
from govern.verdict.judge import JudgeRequest, judge
from govern.verdict.metrics import KIND, limits
from govern.verdict.model import BLOCK, Verdict
from govern.verdict.reuse import rules_of


@dataclass
class Point:
    """One commit of the report."""

    commit: Commit
    verdict: str  # allow | block
    source: str  # "note", "carried over" (the parent's facts, not evaluated) or "computed"
    metrics: dict[str, int] = field(default_factory=dict)  # no-growth rule -> value
    findings: dict[str, int] = field(default_factory=dict)  # rule -> violations (not exempted)
    blocking: dict[str, int] = field(default_factory=dict)  # rule -> new blocking violations
    legacy: dict[str, int] = field(default_factory=dict)  # rule -> violations already in the parent
    exemptions: dict[str, int] = field(default_factory=dict)  # ADR -> exemptions of its rules
    expired: dict[str, int] = field(default_factory=dict)  # ADR -> rules past their expiry
    drift: list[str] = field(default_factory=list)


@dataclass
class Report:
    rules_from: str
    adrs: list[dict[str, Any]]  # id, title
    rules: list[dict[str, Any]]  # id, adr, kind, and for no-growth: metric, max, may-grow-by
    points: list[Point]


def collect(repo: str | os.PathLike, commits: list[Commit], rules_rev: str, engine: str | None = None) -> Report:
    rules_tree = CommitTree(repo, rules_rev)
    config = read_config(rules_tree)
    adrs = read_adrs(rules_tree, config.adr_dir)
    wanted_adrs = sorted((a.path, a.blob) for a in adrs)
    notes = _notes(repo, [c.id for c in commits])
    points: list[Point] = []
    previous: Verdict | None = None
    previous_applying: set[str] = set()
    for commit in commits:
        applying = {rule for rule, reason in active(adrs, date.fromisoformat(commit.day)).items() if reason is None}
        verdict = _from_note(notes.get(commit.id), commit, wanted_adrs, applying)
        source = "note"
        # The parent was just judged: its unexempted violations are the legacy ones (no second
        # evaluation of the parent).
        follows = previous is not None and points[-1].commit.id == commit.parent
        if verdict is None and follows and applying == previous_applying:
            verdict = _carried_over(repo, previous, commit, adrs, config, rules_tree, applying)
            source = "carried over"
        if verdict is None:
            legacy = frozenset(v.identity for v in previous.violations) if follows else None
            lifted = frozenset(e.identity for e in previous.exemptions) if follows else None
            parent = CommitTree(repo, commit.parent) if commit.parent else None
            verdict = judge(JudgeRequest(
                repo=repo, target=CommitTree(repo, commit.id), commit=commit.id, adr_tree=rules_tree,
                change_rev=commit.id, base=None if follows else parent, legacy=legacy, base_exempted=lifted,
                compare_with=parent,
                engine=engine, prove="new", on=date.fromisoformat(commit.day)))
            source = "computed"
        points.append(_point(commit, verdict, source))
        previous, previous_applying = verdict, applying
    return Report(rules_rev, [{"id": a.id, "title": a.title} for a in adrs], _rules(adrs), points)


def _carried_over(repo, previous: Verdict, commit: Commit, adrs: AdrSet, config, rules_tree: CommitTree,
                  applying: set[str]) -> Verdict | None:
    """The verdict of a commit whose tree facts are its parent's (the previous point), without
    evaluating: the parent's findings, all legacy now, and each metric unmoved. Only where that
    is exactly what judging would give: no change rule (change facts are each commit's own), no
    rule reading the base but no-growth ones, whose findings are then those over `max`."""
    specs = [s for s in adrs.rules() if s.id in applying]
    if any(s.scope == "change" for s in specs):
        return None
    growth = {s.id: limits(s) for s in specs if s.kind == KIND}
    if base_reads(rules_of({s.id: s for s in specs if s.kind != KIND})):
        return None
    if not same_tree_facts(repo, commit.parent, commit.id, adrs, config, rules_tree):
        return None
    metrics = {rule: {"value": m["value"], "growth": 0} for rule, m in (previous.metrics or {}).items()}

    def kept(finding) -> bool:  # with nothing added, a no-growth rule finds only what is over max
        if finding.rule not in growth:
            return True
        bound = growth[finding.rule]["max"]
        return bound is not None and metrics[finding.rule]["value"] > bound

    return replace(previous, commit=commit.id, base=commit.parent, date=commit.day,
                   violations=tuple(replace(v, new=False) for v in previous.violations if kept(v)),
                   exemptions=tuple(replace(e, new=False) for e in previous.exemptions),
                   compared_with=commit.parent if previous.compared_with else None, metrics=metrics or None)


def _point(commit: Commit, verdict: Verdict, source: str) -> Point:
    findings = Counter(v.rule for v in verdict.violations)
    blocking = Counter(v.rule for v in verdict.violations if v.new and v.severity == BLOCK)
    legacy = Counter(v.rule for v in verdict.violations if not v.new)
    exemptions = Counter(e.adr for e in verdict.exemptions)
    expired = Counter(r.adr for r in verdict.rules if (r.reason or "").startswith("expired"))
    metrics = {rule: m["value"] for rule, m in (verdict.metrics or {}).items()}
    return Point(commit, verdict.outcome, source, metrics, dict(findings), dict(blocking), dict(legacy),
                 dict(exemptions), dict(expired), list(verdict.drift))


def _rules(adrs) -> list[dict[str, Any]]:
    """Every rule (exemption groups aside), no-growth ones with their limits."""
    return [{"id": s.id, "adr": s.adr, "kind": s.kind} | (limits(s) if s.kind == KIND else {})
            for s in adrs.rules() if s.kind != "exempt"]


def _notes(repo, commits: list[str]) -> dict[str, bytes]:
    """The verdict notes of these commits (one listing, one batch read)."""
    try:
        listing = run_git(repo, "notes", f"--ref={NOTES_REF}", "list").decode()
    except GitFailure:
        return {}
    wanted = set(commits)
    blobs = {}
    for line in listing.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1] in wanted:
            blobs[parts[1]] = parts[0]
    if not blobs:
        return {}
    reader = CatFile(repo)
    try:
        data = reader.read_many(sorted(set(blobs.values())))
    finally:
        reader.close()
    return {commit: data[blob] for commit, blob in blobs.items() if blob in data}


def _from_note(raw: bytes | None, commit: Commit, wanted_adrs: list, applying: set[str]) -> Verdict | None:
    """The note's verdict when it says what judging again would: the same ADR blobs, judged
    against the first parent, the same rules applying as on the commit's date, metrics recorded."""
    if raw is None:
        return None
    try:
        verdict = Verdict.from_json(decode(raw))
    except (UsageError, ValueError, KeyError, TypeError):
        return None
    if sorted((a.path, a.blob) for a in verdict.adrs) != wanted_adrs or verdict.base != commit.parent:
        return None
    if {r.id for r in verdict.rules if r.applies} != applying:
        return None
    if any(r.kind == "no-growth" and r.applies and r.id not in (verdict.metrics or {}) for r in verdict.rules):
        return None
    return verdict
