"""pyDatalog backend: the only module that imports pyDatalog.

Safety: terms are built as objects (`pyParser.Term`/`Query`), facts asserted
with `+`; never `pyDatalog.load`/`ask` or any program string (those run Python).
Predicates get generated names (p0, p1, …) and every value is replaced by its
order-preserving integer code (govern.datalog.codec): no user text reaches
pyDatalog, and comparisons follow govern's total order (ints before strings).

Isolation: pyDatalog keeps its database in a thread-local `Logic`. Each
evaluation runs in a fresh worker thread with a fresh Logic, so nothing leaks
between evaluations and the database is freed with the thread.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence

from pyDatalog import pyParser
from pyDatalog import Logic  # the class (pyDatalog/__init__ rebinds the name)

from govern.datalog.codec import Codec, predicate_ids
from govern.datalog.model import Comparison, Const, Literal, Rule, Value, tuple_key
from govern.datalog.program import plan, recursive_preds, strata
from govern.datalog.tabling import Merge, tabled_form

Row = tuple[Value, ...]
# pyDatalog spells equality "==".
_OPS = {"=": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def evaluate(
    rules: Sequence[Rule], facts: Mapping[str, set[Row]], goals: Sequence[str], timings: dict | None = None
) -> dict[str, list[Row]]:
    """Answers for the goal predicates, in value order (`timings` gets load/query seconds)."""
    strata(rules)  # refuse recursion through negation before pyDatalog sees it
    outcome: dict = {}
    # daemon: should pyDatalog ever loop, it cannot keep the process alive after the caller gives up.
    worker = threading.Thread(target=_run, args=(rules, facts, goals, outcome), name="govern-pydatalog", daemon=True)
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    if timings is not None:
        timings.update(outcome["timings"])
    return outcome["answers"]


def _run(rules, facts, goals, outcome) -> None:
    try:
        Logic()  # a fresh, empty logic for this thread
        outcome["timings"] = {}
        outcome["answers"] = _evaluate(rules, facts, goals, outcome["timings"])
    except BaseException as err:  # re-raised in the caller's thread
        outcome["error"] = err


def _evaluate(rules, facts, goals, timings: dict) -> dict[str, list[Row]]:
    started = time.perf_counter()
    read = {b.atom.pred for r in rules for b in r.body if isinstance(b, Literal)}
    arities = _arities(rules, facts)
    merge = Merge(rules)
    rules = [merge.rule(r) for r in rules]
    facts = merge.facts({p: rows for p, rows in facts.items() if p in read or p in goals})
    codec = Codec.of(rules, facts)
    names = predicate_ids(rules, facts)
    for pred, rows in sorted(facts.items()):
        for row in rows:
            +pyParser.Query(names[pred], [_const(c) for c in codec.encode_row(row)])
    _declare_empty(rules, facts, names)
    recursive = recursive_preds(rules)
    for rule in rules:
        _add_rule(tabled_form(rule, recursive[rule.head.pred]), names, codec, recursive[rule.head.pred])
    loaded = time.perf_counter()
    found: dict[str, set[Row]] = {}
    for pred, arity in sorted(_arities(rules, facts).items()):
        if pred in goals or pred.startswith("~"):
            found[pred] = _ask(names[pred], arity, codec)
    timings.update(load=loaded - started, query=time.perf_counter() - loaded)
    return {g: sorted(merge.answers(g, found, arities.get(g, set())), key=tuple_key) for g in goals}


def _ask(pid: str, arities: set[int], codec: Codec) -> set[Row]:
    rows: set[Row] = set()
    for arity in arities:
        found = pyParser.Query(pid, [pyParser.Term(f"A{i}") for i in range(arity)]).lua.ask()
        if found is True:
            rows.add(())
        elif found:
            rows.update(codec.decode_row(r) for r in found)
    return rows


def _add_rule(rule: Rule, names: dict[str, str], codec: Codec, recursive: set[str]) -> None:
    variables: dict[str, pyParser.Term] = {}

    def term(t):
        if isinstance(t, Const):
            return _const(codec.encode(t.value))
        if t.name not in variables:
            variables[t.name] = pyParser.Term(f"V{len(variables)}")
        return variables[t.name]

    def literal(item):
        if isinstance(item, Comparison):
            return pyParser.Literal.make_for_comparison(term(item.left), _OPS[item.op], term(item.right))
        query = pyParser.Query(names[item.atom.pred], [term(a) for a in item.atom.args])
        return ~query if item.negated else query

    head = pyParser.Query(names[rule.head.pred], [term(a) for a in rule.head.args])
    if not rule.body:
        +head
        return
    # pyDatalog evaluates a body left to right: bind variables before `not` and comparisons.
    # Recursive literals go first: pyDatalog 0.22 loops forever on right recursion over a
    # cyclic relation (a bound recursive call per value), while left recursion is tabled once.
    body = [literal(item) for item in plan(rule.body, first=recursive, binds=True)]
    conjunction = body[0]
    for item in body[1:]:
        conjunction = conjunction & item
    head <= conjunction


def _declare_empty(rules, facts, names) -> None:
    """Make pyDatalog know every predicate read, even one without facts or rules
    (it raises "Predicate without definition" for an unknown negated predicate)."""
    known = {(p, len(r)) for p, rows in facts.items() for r in rows}
    known |= {(r.head.pred, len(r.head.args)) for r in rules}
    read = {(b.atom.pred, len(b.atom.args)) for r in rules for b in r.body if isinstance(b, Literal)}
    for pred, arity in sorted(read - known):
        placeholder = pyParser.Query(names[pred], [_const(-1)] * arity)
        +placeholder
        -placeholder  # the predicate stays defined, now with no facts


def _const(code: int) -> pyParser.Term:
    return pyParser.Term(code, forced_type="constant")


def _arities(rules, facts) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for rule in rules:
        out.setdefault(rule.head.pred, set()).add(len(rule.head.args))
    for pred, rows in facts.items():
        out.setdefault(pred, set()).update(len(r) for r in rows)
    return out
