"""Per commit of a history: findings, exemptions, expired rules and no-growth metrics, under
one set of ADRs (the range's last commit, or --rules-from).

A commit's verdict note is used when it agrees (same ADR blobs, same base, every rule judged
and every metric recorded); otherwise the commit is judged against its first parent, by
govern.drift.replay's walk (facts by the diff, rules the change cannot touch not evaluated
again), which gives what judging it alone gives.
"""
from __future__ import annotations

import os
from datetime import date
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from govern.facts.gitio import CatFile, GitFailure, run_git
from govern.facts.tree import CommitTree
from govern.drift.history import Commit
from govern.drift.replay import Replay, units
from govern.errors import UsageError
from govern.notes.codec import decode
from govern.notes.store import NOTES_REF
from govern.rules import active
from govern.verdict.inputs import read_adrs, read_config
from govern.verdict.judge import JudgeRequest, judge
from govern.verdict.metrics import KIND, limits
from govern.verdict.model import BLOCK, Verdict


@dataclass
class Point:
    """One commit of the report."""

    commit: Commit
    verdict: str  # allow | block
    source: str  # "note" or "computed"
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


def collect(repo: str | os.PathLike, commits: list[Commit], rules_rev: str, engine: str | None = None,
            alone: bool = False) -> Report:
    """The report of `commits` (oldest first) under the ADRs of `rules_rev`. Commits without an
    agreeing note are judged by govern.drift.replay's walk, or `alone` (each as judge() does
    with its first parent as base: the reference the walk is tested against, and the path
    when the rules cannot be replayed)."""
    rules_tree = CommitTree(repo, rules_rev)
    config = read_config(rules_tree)
    adrs = read_adrs(rules_tree, config.adr_dir)
    wanted_adrs = sorted((a.path, a.blob) for a in adrs)
    notes = _notes(repo, [c.id for c in commits])
    walk = Replay(repo, commits, adrs, config, rules_tree, engine)
    plans: dict[frozenset[str], list | None] = {}
    points: list[Point] = []
    try:
        for commit in commits:
            on = date.fromisoformat(commit.day)
            status = active(adrs, on)
            specs = {s.id: s for s in adrs.rules() if status.get(s.id) is None}
            verdict = _from_note(notes.get(commit.id), commit, wanted_adrs, set(specs))
            if verdict is not None:
                walk.skip(commit.id)
                points.append(_point(commit, verdict, "note"))
                continue
            key = frozenset(specs)
            if key not in plans:
                plans[key] = units(specs)
            if alone or plans[key] is None:
                verdict = judge_alone(repo, commit, rules_tree, engine)
            else:
                verdict = walk.verdict(commit.id, on, specs, status, plans[key])
            points.append(_point(commit, verdict, "computed"))
    finally:
        walk.flush()
    return Report(rules_rev, [{"id": a.id, "title": a.title} for a in adrs], _rules(adrs), points)


def judge_alone(repo, commit: Commit, rules_tree: CommitTree, engine: str | None) -> Verdict:
    """judge() of the commit against its first parent, at its committer date."""
    parent = CommitTree(repo, commit.parent) if commit.parent else None
    return judge(JudgeRequest(repo=repo, target=CommitTree(repo, commit.id), commit=commit.id, adr_tree=rules_tree,
                              change_rev=commit.id, base=parent, compare_with=parent, engine=engine, prove="new",
                              on=date.fromisoformat(commit.day)))


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
