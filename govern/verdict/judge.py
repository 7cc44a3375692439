"""judge(JudgeRequest) -> Verdict: the ADRs' active rules, evaluated on a tree, with proofs.

Flow: config and ADRs from `adr_tree` → rules that apply on the judging date → the rules
of the requested scope → facts of the target (only what those rules read; change facts
when a commit is judged) → evaluation with proofs → exemptions, severity, `new` against
the base (evaluated the same way with the same tree rules) → Verdict.
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from govern.facts.gitio import resolve
from govern.facts.tree import CommitTree, IndexTree, Tree, WorkTree
from govern import __version__
from govern.adr import AdrSet, RuleSpec
from govern.errors import UsageError
from govern.rules import active
from govern.verdict.base_facts import base_facts, base_reads
from govern.verdict.evaluate import GOALS, Evaluation, answers_only, evaluate, extract_facts
from govern.verdict.findings import exempted, findings, unexempted
from govern.verdict.metrics import metric_goals, metric_values
from govern.verdict.judged import base_found, base_legacy, second_round, split
from govern.verdict.inputs import adr_facts, commit_change_facts, judging_date, read_adrs, read_config
from govern.verdict.model import AdrInfo, RuleInfo, Verdict
from govern.verdict.request import JudgeRequest  # re-exported: callers build requests from here
from govern.verdict.reuse import (KnownAnswers, no_change_answers, nothing_to_evaluate,  # noqa: F401 (KnownAnswers: re-exported)
                                  own_legacy, reused, rules_of)

SCOPES = ("all", "tree", "change")
_OID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
PROVE = ("all", "new")
TARGETS = {CommitTree: "commit", IndexTree: "index", WorkTree: "worktree"}


@dataclass(frozen=True)
class Judgement:
    """A verdict and what produced it (for --verify and `govern query`)."""

    verdict: Verdict
    evaluation: Evaluation
    adrs: AdrSet | None = None


def judge(request: JudgeRequest) -> Verdict:
    """Judge `request.target`; see the module docstring."""
    return judge_in_full(request).verdict


def judge_in_full(request: JudgeRequest) -> Judgement:
    """judge(), also returning the rules, facts and ADRs the verdict was computed from."""
    if request.scope not in SCOPES:
        raise UsageError(f"unknown scope {request.scope!r} (known: {', '.join(SCOPES)})")
    if request.prove not in PROVE:
        raise UsageError(f"unknown proof mode {request.prove!r} (known: {', '.join(PROVE)})")
    adr_tree = request.adr_tree or request.target
    config = read_config(adr_tree)
    adrs = read_adrs(adr_tree, request.adr_dir or config.adr_dir)
    if request.adr_dir and not len(adrs):  # asked for explicitly: a typo must not allow silently
        raise UsageError(f"no ADR files (*.md) in {request.adr_dir!r}")
    on = judging_date(request.repo, request.commit, request.on)
    status = active(adrs, on)
    specs = {s.id: s for s in adrs.rules() if status.get(s.id) is None and _in_scope(s, request.scope)}
    verified_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")  # when signatures are checked
    first, second = split(specs)
    change = _change_facts(request, config, specs)
    compare = request.compare_with or request.base
    before = base_facts(request.repo, compare, _base_id(compare), rules_of(specs), config, request.cache)
    extra = adr_facts(adrs) + change + before
    engine = request.engine or config.engine
    legacy, base_exempted = request.legacy, request.base_exempted if request.legacy is not None else None
    own = own_legacy(request.base is not None and request.base_facts_equal, first)
    if request.base is not None and not own:
        legacy, base_exempted = _legacy(request, first, config, adr_facts(adrs), engine)
    rules = rule_infos(adrs, status, specs)
    # Answers known for equal tree facts were computed against another base: not for base_ readers.
    known = None if base_reads(rules_of(specs)) else request.known
    run = (reused(known, request.prove, first, legacy, rules) or nothing_to_evaluate(first, engine, config)
           or no_change_answers(first, change, engine, config))
    if run is None and own:  # every violation is legacy: with prove="new" none is proven, exemptions still are
        skip = (lambda goal, row: goal == "violation") if request.prove == "new" else None
        run = evaluate(request.repo, request.target, rules_of(first), config, extra, engine, request.cache, skip,
                       metric_goals(first))
        legacy = unexempted(run.violations, run.exemptions)
        base_exempted = exempted(run.violations, run.exemptions)
    elif run is None:
        skip = _legacy_skip(legacy, first) if request.prove == "new" and legacy else None
        run = evaluate(request.repo, request.target, rules_of(first), config, extra, engine, request.cache, skip,
                       metric_goals(first))
    if second:  # rules counting the findings of the others (govern.verdict.judged)
        earlier = base_found(request.repo, compare, first, config, adr_facts(adrs), engine, request.cache) \
            if compare is not None else None
        if legacy is not None and earlier is not None:
            more, lifted = base_legacy(request.repo, compare, second, earlier, config, adr_facts(adrs), engine,
                                       request.cache)
            legacy = set(legacy) | more
            base_exempted = None if base_exempted is None else set(base_exempted) | lifted
        skip = _legacy_skip(legacy, second) if request.prove == "new" and legacy else None
        run = second_round(request.repo, request.target, run, first, second, config, extra, engine, request.cache,
                           earlier, skip, metric_goals(second))
    violations, exemptions = findings(run.violations, run.exemptions, specs, adrs, legacy, base_exempted)
    record = _change_record(change, specs, run.store, verified_at) if change else None
    verdict = Verdict(
        version=__version__, engine=run.engine, target=TARGETS.get(type(request.target), "tree"),
        commit=request.commit, tree=getattr(request.target, "tree", None), base=_base_id(request.base),
        date=on.isoformat(), adrs=tuple(_adr_info(a) for a in adrs), rules=rules,
        violations=tuple(violations), exemptions=tuple(exemptions), stats=run.stats,
        pusher=_pusher(change), rules_from=_base_id(request.adr_tree) if request.adr_tree else request.commit,
        compared_with=_base_id(compare) if before else None,
        metrics=metric_values(specs, run.store, engine, config.engine_threshold, run.values) or None, change=record,
    )
    return Judgement(verdict, run, adrs)


def _change_record(change: list, specs: Mapping[str, RuleSpec], store, verified_at: str):
    """The verdict's record of the change judged (govern.verdict.allowances: imported for a
    change only, ~1 ms of a tree check's start-up)."""
    from govern.verdict.allowances import allowances, change_record

    return change_record(change, allowances(specs, store), verified_at)


def _legacy(request: JudgeRequest, specs: Mapping[str, RuleSpec], config, extra: list, engine: str) -> tuple[set, set]:
    """The identities the base violates, unexempted, under the same tree rules (no proofs
    needed), and those it exempts.

    A finding the base only had exempted is not legacy: an exemption that stops holding
    (expired, its condition gone) must not leave the finding waved through for good."""
    rules = rules_of({k: s for k, s in specs.items() if s.scope == "tree"})
    if not rules:  # nothing can violate: the base's tree need not be listed
        return set(), set()
    store, _ = extract_facts(request.repo, request.base, rules, config, extra, request.cache)
    rows = answers_only(rules, store, engine, GOALS, config.engine_threshold)
    return unexempted(rows["violation"], rows["exempt"]), exempted(rows["violation"], rows["exempt"])


def _legacy_skip(legacy: set[tuple[str, str, str]] | frozenset, specs: Mapping[str, RuleSpec]):
    """skip(goal, row) for evaluate: a legacy violation of a tree rule needs no proof.

    Exemptions are still proven (an exempted violation is reported with the exemption's
    proof), and change rules are always new (see findings)."""
    def skip(goal: str, row: tuple) -> bool:
        spec = specs.get(row[0]) if goal == "violation" else None
        return spec is not None and spec.scope != "change" and tuple(row[:3]) in legacy
    return skip


def _in_scope(spec: RuleSpec, scope: str) -> bool:
    return scope == "all" or spec.scope == scope


def _change_facts(request: JudgeRequest, config, specs: Mapping[str, RuleSpec]) -> list:
    # Change facts exist only for a change being judged (a commit, or a proposed edit whose
    # facts the caller gives), and only matter to change rules.
    if (request.change_rev is None and request.change_facts is None) or not any(s.scope == "change" for s in specs.values()):
        return []
    # Signatures are verified against the allowed signers of the tree the rules come from
    # (the old tip in a push): a pushed commit that adds a key must not vouch for the next one.
    return commit_change_facts(request.repo, request.change_rev, config, request.env,
                               rules_of(specs), signers=request.adr_tree, known=request.change_facts)


def _pusher(change_facts: list) -> dict[str, str] | None:
    """The pusher fact the change was judged with, as the verdict records it."""
    for fact in change_facts:
        if fact.relation == "pusher":
            return {"user": fact.args[0], "variable": fact.source.path}
    return None


def _base_id(base: Tree | None) -> str | None:
    """The base's (or rules tree's) commit id (its tree id, or "tree", for other kinds of trees)."""
    if base is None:
        return None
    if isinstance(base, CommitTree):  # a full commit id is kept as is: no git process per verdict
        return base.rev if _OID.fullmatch(base.rev) else resolve(base.repo, base.rev)
    return getattr(base, "tree", None) or "tree"


def _adr_info(adr) -> AdrInfo:
    return AdrInfo(id=adr.id, title=adr.title, status=adr.status, path=adr.path, blob=adr.blob)


def rule_infos(adrs: AdrSet, status: Mapping[str, str | None], specs: Mapping[str, RuleSpec]) -> tuple[RuleInfo, ...]:
    out = []
    for spec in adrs.rules():
        reason = status.get(spec.id) or (None if spec.id in specs else f"not in scope {spec.scope}")
        out.append(RuleInfo(
            id=spec.id, adr=spec.adr, kind=spec.kind, severity=spec.severity, applies=reason is None,
            reason=reason, message=spec.message, location=f"{spec.path}:{spec.line}",
        ))
    return tuple(out)
