"""Aggregates between engine strata.

pyDatalog and clingo are handed aggregate-free programs only. A program with
aggregates is cut at its strata: runs of strata without an aggregate go to the
chosen engine, a stratum whose rules hold an aggregate is evaluated by govern's
reference evaluator (govern.datalog.naive), and each stage reads the relations
the stages before it derived as facts. Aggregates are stratified like negation,
so every tuple an aggregate counts is final before the aggregate is read.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from govern.datalog import naive
from govern.datalog.model import Aggregate, Rule, Value, sort_rows
from govern.datalog.program import body_preds, derived, strata

Row = tuple[Value, ...]
Evaluate = Callable[..., dict[str, list[Row]]]


def stages(rules: Sequence[Rule]) -> list[tuple[bool, list[Rule]]]:
    """(holds an aggregate, rules) in evaluation order; consecutive engine strata merged."""
    out: list[tuple[bool, list[Rule]]] = []
    for stratum in strata(rules):
        aggregate = any(isinstance(b, Aggregate) for r in stratum for b in r.body)
        if out and not aggregate and not out[-1][0]:
            out[-1][1].extend(stratum)
        else:
            out.append((aggregate, list(stratum)))
    return out


def evaluate(engine: Evaluate, rules: Sequence[Rule], facts: Mapping[str, set[Row]], goals: Sequence[str],
             timings: dict | None = None) -> dict[str, list[Row]]:
    """`engine`'s answers for the goals, its aggregate strata evaluated by govern in between."""
    known: dict[str, set[Row]] = {p: set(rows) for p, rows in facts.items()}
    plan = stages(rules)
    spent = {"load": 0.0, "query": 0.0}
    for k, (aggregate, stage) in enumerate(plan):
        later = body_preds(r for _, rest in plan[k + 1:] for r in rest) | set(goals)
        wanted = sorted(derived(stage) & later)
        step: dict[str, float] = {}
        found = (naive.evaluate if aggregate else engine)(stage, known, wanted, step)
        for phase in spent:
            spent[phase] += step.get(phase, 0.0)
        for pred, rows in found.items():
            known[pred] = set(rows)
    if timings is not None:
        timings.update(spent)
    return {g: sort_rows(known.get(g, set())) for g in goals}
