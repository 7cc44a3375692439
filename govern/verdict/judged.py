"""The second round of a judgment: rules that read the judge's own findings.

A `no-growth` rule over `metric: findings` (of a rule) or `metric: exemptions` (of an ADR),
or a ```datalog rule reading `finding`/`exemption`, counts what the other rules found. Those
rules are evaluated first (the first round, as any judgment); their findings become facts:

* `finding(Rule, Subject, Target)`: a finding no exemption lifts (legacy ones included);
* `exemption(Adr, Rule, Subject, Target)`: a finding of a rule of Adr that an exemption lifts;
* `base_finding`, `base_exemption`: the same of the base (`compare_with`), its first-round
  tree rules evaluated without proofs (the judge's legacy computation, kept whole).

The second-round rules are then evaluated with those facts, in the same store (so
`--verify` checks their proofs against the facts they rest on); a finding fact's source
names the finding's file. A second-round rule never sees another's findings: naming one is
refused when the ADRs are compiled (govern.rules.compile.judged_order), so the rounds
are stratified and always end.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from govern.adr import AdrSet, RuleSpec
from govern.config import Config
from govern.facts.model import Fact, Source
from govern.facts.tree import Tree
from govern.verdict.evaluate import GOALS, Evaluation, answers_only, evaluate, extract_facts
from govern.verdict.findings import exempting, exemption_index
from govern.vocabulary import BASE_PREFIX

Identity = tuple[str, str, str]


@dataclass(frozen=True)
class Found:
    """The first round's findings of one tree, as the second round reads them."""

    standing: frozenset[Identity]  # unexempted violations
    exempted: frozenset[tuple[str, Identity]]  # (ADR of the rule, identity)
    exempts: tuple = ()  # the exempt answers (they also lift second-round findings)

    def facts(self, prefix: str = "") -> list[Fact]:
        out = [Fact(prefix + "finding", f, _source(f[1])) for f in sorted(self.standing)]
        out += [Fact(prefix + "exemption", (adr, *f), _source(f[1])) for adr, f in sorted(self.exempted)]
        return out


def split(specs: Mapping[str, RuleSpec]) -> tuple[dict[str, RuleSpec], dict[str, RuleSpec]]:
    """(first round, second round) of the specs."""
    second = {k: s for k, s in specs.items() if s.reads_judged}
    return {k: s for k, s in specs.items() if k not in second}, second


def found(violations, exemptions, specs: Mapping[str, RuleSpec]) -> Found:
    """The findings of answers (violation and exempt rows, (rule, subject, target, text))."""
    reasons = exemption_index(exemptions)
    standing, exempted = set(), set()
    for row in violations:
        identity = tuple(row[:3])
        if exempting(reasons, row) is None:
            standing.add(identity)
        elif row[0] in specs:
            exempted.add((specs[row[0]].adr, identity))
    return Found(frozenset(standing), frozenset(exempted), tuple(sorted(exemptions)))


def base_found(repo: str | os.PathLike, base: Tree, first: Mapping[str, RuleSpec], config: Config,
               extra: list[Fact], engine: str, cache: bool) -> Found:
    """The first round's findings of the base tree (its tree rules; no proofs)."""
    rules = list(dict.fromkeys(r for s in first.values() if s.scope == "tree" for r in s.rules))
    if not rules:
        return Found(frozenset(), frozenset())
    store, _ = extract_facts(repo, base, rules, config, extra, cache)
    rows = answers_only(rules, store, engine, GOALS, config.engine_threshold)
    return found(rows["violation"], rows["exempt"], first)


def second_round(repo: str | os.PathLike, target: Tree, run: Evaluation, first: Mapping[str, RuleSpec],
                 second: Mapping[str, RuleSpec], config: Config, extra: list[Fact], engine: str, cache: bool,
                 before: Found | None, skip, values: list[str]) -> Evaluation:
    """The first round's evaluation `run` with the second-round rules' answers added (their
    facts in its store, their rules in its rules)."""
    now = found(run.violations, run.exemptions, first)
    facts = now.facts() + (before.facts(BASE_PREFIX) if before is not None else [])
    rules = list(dict.fromkeys(r for s in second.values() for r in s.rules))
    more = evaluate(repo, target, rules, config, [*extra, *facts], engine, cache, skip, values)
    for fact in more.store.facts():
        run.store.add(fact.relation, fact.args, fact.source)
    stats = dict(run.stats) | {"second_round": more.stats}
    return Evaluation(list(dict.fromkeys([*run.rules, *rules])), run.store, run.engine,
                      {**run.violations, **more.violations}, {**run.exemptions, **more.exemptions}, stats,
                      {**(run.values or {}), **(more.values or {})})


def base_legacy(repo: str | os.PathLike, base: Tree, second: Mapping[str, RuleSpec], before: Found, config: Config,
                extra: list[Fact], engine: str, cache: bool) -> tuple[set[Identity], set[Identity]]:
    """The second-round findings the base had, judged alone (its own findings, no base_ of
    its own: only `max` applies): (unexempted, legacy like the first round's; exempted)."""
    rules = list(dict.fromkeys(r for s in second.values() if s.scope == "tree" for r in s.rules))
    if not rules:
        return set(), set()
    store, _ = extract_facts(repo, base, rules, config, [*extra, *before.facts()], cache)
    rows = answers_only(rules, store, engine, ("violation",), config.engine_threshold)
    reasons = exemption_index(before.exempts)
    lifted = {tuple(v[:3]) for v in rows["violation"] if exempting(reasons, v) is not None}
    return {tuple(v[:3]) for v in rows["violation"]} - lifted, lifted


def _source(subject: str) -> Source:
    return Source("verdict", subject, 0, "")
