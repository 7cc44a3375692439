"""The values of the no-growth metrics of a judged tree, and how much the change moved them.

Each no-growth rule compiles `total_<slug>(N)` (the metric) and, when there is a base,
`growth_<slug>(G)` (now − base). Both are read from the evaluation's own store, so they
count exactly the items the rule judged. The verdict records them (`metrics`), which is how
`govern drift` and `govern why` agree on what a change did to a metric.
"""
from __future__ import annotations

from collections.abc import Mapping

from govern.adr import RuleSpec
from govern.datalog.model import Comparison, Literal
from govern.datalog.store import FactStore
from govern.verdict.evaluate import answers_only

KIND = "no-growth"


def metric_goals(specs: Mapping[str, RuleSpec]) -> list[str]:
    """The predicates holding the no-growth metrics, to be answered by the judge's evaluation."""
    return [_predicate(s, name) for _, s in sorted(specs.items()) if s.kind == KIND for name in ("total", "growth")]


def metric_values(specs: Mapping[str, RuleSpec], store: FactStore, engine: str, threshold: int,
                  known: Mapping[str, list[tuple]] | None = None) -> dict[str, dict[str, int | None]]:
    """rule id -> {"value": the metric, "growth": now − base (None without a base)}; from
    `known` (the evaluation's answers of metric_goals) when given, else evaluated here."""
    out: dict[str, dict[str, int | None]] = {}
    for rule_id, spec in sorted(specs.items()):
        if spec.kind != KIND:
            continue
        total, growth = _predicate(spec, "total"), _predicate(spec, "growth")
        if known is not None and total in known and growth in known:
            answers = known
        else:
            answers = answers_only(spec.rules, store, engine, (total, growth), threshold)
        value = answers[total][0][0] if answers[total] else 0
        moved = answers[growth][0][0] if answers[growth] else None
        out[rule_id] = {"value": value, "growth": moved}
    return out


def limits(spec: RuleSpec) -> dict[str, int | None]:
    """`max` and `may-grow-by` of a no-growth rule, read back from the clauses its kind wrote
    (`… total_<slug>(N), N > MAX.` and `… growth_<slug>(G), G > BY.`)."""
    found: dict[str, int | None] = {"max": None, "may_grow_by": None}
    for rule in spec.rules:
        if rule.head.pred != "violation":
            continue
        reads = {b.atom.pred.rsplit("__", 1)[-1].split("_", 1)[0] for b in rule.body if isinstance(b, Literal)}
        bound = next(b.right.value for b in rule.body if isinstance(b, Comparison))
        found["max" if "total" in reads else "may_grow_by"] = bound
    return found


def _predicate(spec: RuleSpec, name: str) -> str:
    """The namespaced private predicate `name_<slug>` of a no-growth rule."""
    suffix = f"__{name}_{spec.id.replace('-', '_')}"
    return next(r.head.pred for r in spec.rules if r.head.pred.endswith(suffix))
