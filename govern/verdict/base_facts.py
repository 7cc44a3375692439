"""The base family: relation r of the base tree as `base_r`, for rules that compare a change
with what it changes (no-growth, or a ```datalog block reading base_imports and the like).

The base tree's facts are extracted like the target's (the same blob cache, so unchanged
files cost nothing) for the relations and helper patterns the rules read under base_
names, then renamed. `base_tree(Commit)` says there is a base at all.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace

from govern.facts.api import Wanted, extract
from govern.facts.cache import Cache
from govern.facts.model import Fact, Source
from govern.facts.tree import Tree
from govern.config import Config
from govern.datalog.model import Aggregate, Literal, Rule
from govern.datalog.program import base_preds
from govern.datalog.relevance import relevant
from govern.verdict.inputs import facts_config
from govern.vocabulary import BASE_PREFIX, BASE_TREE


def base_reads(rules: Sequence[Rule]) -> set[str]:
    """The base_ relations the rules read (base_tree included)."""
    return {p for p in base_preds(rules) if p.startswith(BASE_PREFIX)}


def base_facts(repo: str | os.PathLike, base: Tree | None, base_id: str | None, rules: Sequence[Rule],
               config: Config, use_cache: bool = True) -> list[Fact]:
    """The base_ facts the rules read, from `base` (none when there is no base)."""
    read = base_reads(rules)
    if base is None or not read:
        return []
    need = relevant([unprefixed(r) for r in rules])
    names = {p[len(BASE_PREFIX):] for p in read}
    wanted = Wanted(frozenset(need.relations & names), frozenset(need.globs), frozenset(need.prefixes),
                    frozenset(need.dists), frozenset(need.groups), frozenset(need.modules))
    cache = Cache.for_repo(repo) if use_cache else None
    facts = extract(base, facts_config(config), wanted, cache, ordered=False)
    out = [Fact(BASE_PREFIX + f.relation, f.args, f.source) for f in facts if f.relation in names]
    if BASE_TREE.name in read:
        out.append(Fact(BASE_TREE.name, (base_id or "tree",), Source("base", "", 0, "")))
    return out


def unprefixed(rule: Rule) -> Rule:
    """The rule with base_r read as r: its patterns are the ones to extract from the base."""
    def item(it):
        if isinstance(it, Literal) and it.atom.pred.startswith(BASE_PREFIX):
            return Literal(replace(it.atom, pred=it.atom.pred[len(BASE_PREFIX):]), it.negated)
        return it
    return replace(rule, body=tuple(item(b) for b in rule.body if not isinstance(b, Aggregate)))
