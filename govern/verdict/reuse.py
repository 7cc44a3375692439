"""Judging without evaluating what is already known (the server hook's fast paths).

A pushed tree often has exactly its base's tree facts (govern.hook.unchanged shows it), and
then the base's answers are the tree's own: taken from the base's note (KnownAnswers), or
the base need not be evaluated beside the target (JudgeRequest.base_facts_equal). And a
judgment with no rule in scope needs no tree at all. Each helper gives exactly what the full
evaluation would, or None.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache

from govern.adr import RuleSpec
from govern.datalog.engine import choose_engine
from govern.datalog.store import FactStore
from govern.verdict.evaluate import Evaluation


@dataclass(frozen=True)
class KnownAnswers:
    """What an earlier judgment of a tree with the same facts found (e.g. the old tip's note).

    The judge reuses it instead of evaluating only when it gives exactly what evaluating
    would: proofs are asked for new violations only (prove="new"), every known violation is
    legacy, there is no exemption to prove, no change rule (change facts differ per commit),
    and the rules applying now are `rules` (their JSON), the ones the answers were found with.
    """

    engine: str
    violations: frozenset[tuple[str, str, str, str]]  # (rule, subject, target, message)
    rules: tuple  # RuleInfo.to_json() of every rule, sorted by (adr, id)


def reused(known: KnownAnswers | None, prove: str, specs: Mapping[str, RuleSpec], legacy, rules) -> Evaluation | None:
    """The evaluation `known` stands for, when it is exactly what evaluating would give (see
    KnownAnswers); its store is empty: a reused judgment has no facts to query or verify."""
    if known is None or prove != "new" or legacy is None or any(s.scope == "change" for s in specs.values()):
        return None
    if any(v[0] not in specs or v[:3] not in legacy for v in known.violations):
        return None
    if [r.to_json() for r in sorted(rules, key=lambda r: (r.adr, r.id))] != list(known.rules):
        return None
    return Evaluation(rules_of(specs), FactStore(), known.engine, dict.fromkeys(known.violations), {},
                      {"answers_reused": True})


def own_legacy(base_facts_equal: bool, specs: Mapping[str, RuleSpec]) -> bool:
    """Whether the base's violations are the target's own: its tree facts are the base's
    (`base_facts_equal`, JudgeRequest), and no change rule (change facts are the target
    commit's alone) takes part."""
    return base_facts_equal and not any(s.scope == "change" for s in specs.values())


def nothing_to_evaluate(specs: Mapping[str, RuleSpec], engine: str, config) -> Evaluation | None:
    """No rule applies (e.g. a pushed commit's change scope in a repository without change
    rules): what evaluating no rules gives, without listing and extracting the tree for it."""
    if specs:
        return None
    return Evaluation([], FactStore(), choose_engine(engine, 0, config.engine_threshold), {}, {}, {})


def no_change_answers(specs: Mapping[str, RuleSpec], change_facts, engine: str, config) -> Evaluation | None:
    """Rules that are all `protect` rules, on a commit none of whose changed paths is under
    their `paths`: what evaluating gives (no answer), without listing and extracting the tree.

    Every clause `protect` compiles to starts `violation(…) :- changed(P, _), glob(P, PATTERN)`
    (or a helper holding only such glob literals) and it has no exempt clauses, so with no
    changed path matching any of the rules' patterns nothing derives. Most commits of a long
    push are such commits (govern.hook judges each of them with the change rules)."""
    if not specs or not answers_impossible(list(specs.values()), change_facts):
        return None
    key = (tuple(map(id, specs.values())), engine, config.engine_threshold)
    known = _EMPTY.get(key)
    if known is None or any(a is not b for a, b in zip(known[0], specs.values())):
        if len(_EMPTY) > 256:
            _EMPTY.clear()
        known = _EMPTY[key] = (tuple(specs.values()), Evaluation(
            rules_of(specs), FactStore(), choose_engine(engine, 0, config.engine_threshold), {}, {}, {}))
    return replace(known[1], violations={}, exemptions={}, stats={})


# (spec ids, engine, threshold) -> (the specs, the empty evaluation of their rules): a push
# asks no_change_answers once per commit with the same rules.
_EMPTY: dict[tuple, tuple[tuple[RuleSpec, ...], Evaluation]] = {}


def answers_impossible(specs, change_facts) -> bool:
    """Every spec is a `protect` rule and no changed path of `change_facts` is under their paths
    (see no_change_answers: then evaluating them finds nothing)."""
    if any(spec.kind != "protect" for spec in specs):
        return False
    paths = [str(f.args[0]) for f in change_facts if f.relation == "changed"]
    return not any(_matches(pattern, path) for spec in specs for pattern in _globs(spec) for path in paths)


@lru_cache(maxsize=65536)
def _matches(pattern: str, path: str) -> bool:
    """glob(path, pattern) holds (facts.derived.glob_facts' matcher; a push's commits touch the
    same paths again and again)."""
    from govern.facts.derived import glob_facts

    return bool(glob_facts({path: ""}, frozenset([pattern])))


_GLOBS: dict[int, tuple[RuleSpec, frozenset[str]]] = {}  # id(spec) -> (spec, the globs its rules mention)


def _globs(spec: RuleSpec) -> frozenset[str]:
    """The glob patterns a spec's rules mention, once per spec object (loaded ADRs are kept)."""
    known = _GLOBS.get(id(spec))
    if known is None or known[0] is not spec:
        from govern.datalog.relevance import relevant

        if len(_GLOBS) > 4096:
            _GLOBS.clear()
        known = _GLOBS[id(spec)] = (spec, frozenset(relevant(list(spec.rules)).globs))
    return known[1]


def rules_of(specs: Mapping[str, RuleSpec]) -> list:
    """The rules of the specs; helper rules shared by several specs appear once."""
    return list(dict.fromkeys(rule for spec in specs.values() for rule in spec.rules))
