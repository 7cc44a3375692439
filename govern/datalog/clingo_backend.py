"""clingo backend: the only module that imports clingo.

The program text is generated from govern's own AST and contains nothing but
generated identifiers (predicates p0…, variables V0…) and integers: every value
is replaced by its order-preserving code (govern.datalog.codec), so a hostile
string (quotes, backslashes, newlines, `).`, `#include`, `#script`) cannot
change the program, and clingo's comparisons follow govern's value order.
No `#script`, `#include` or external function is ever generated; `#show` lists
only the goals. A stratified program has exactly one answer set, computed by
clingo's grounder.
"""
from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import clingo

from govern.datalog.codec import Codec, predicate_ids
from govern.datalog.decouple import constant_columns, decouple
from govern.datalog.model import Comparison, Const, Literal, Rule, Value, tuple_key
from govern.datalog.program import strata

Row = tuple[Value, ...]


def evaluate(
    rules: Sequence[Rule], facts: Mapping[str, set[Row]], goals: Sequence[str], timings: dict | None = None
) -> dict[str, list[Row]]:
    """Answers for the goal predicates, in value order (`timings` gets load/query seconds)."""
    started = time.perf_counter()
    strata(rules)  # refuse recursion through negation (clingo would pick stable models)
    read = {b.atom.pred for r in rules for b in r.body if isinstance(b, Literal)}
    facts = {p: rows for p, rows in facts.items() if p in read or p in goals}
    codec = Codec.of(rules, facts)
    names = predicate_ids(rules, facts)
    constant = constant_columns(rules, facts)
    rules = [decouple(rule, constant) for rule in rules]
    for i, goal in enumerate(goals):
        names.setdefault(goal, f"g{i}")  # a goal nothing defines: shown, never derived
    text = program_text(rules, facts, goals, codec, names)
    control = clingo.Control(["--warn=none"])
    control.add("base", [], text)
    loaded = time.perf_counter()
    control.ground([("base", [])])
    by_id = {names[g]: g for g in goals}
    answers: dict[str, set[Row]] = {g: set() for g in goals}

    def on_model(model) -> None:
        for symbol in model.symbols(shown=True):
            goal = by_id.get(symbol.name)
            if goal is not None:
                answers[goal].add(codec.decode_row([a.number for a in symbol.arguments]))

    control.solve(on_model=on_model)
    if timings is not None:
        timings.update(load=loaded - started, query=time.perf_counter() - loaded)
    return {g: sorted(rows, key=tuple_key) for g, rows in answers.items()}


def program_text(rules, facts, goals, codec: Codec, names: Mapping[str, str]) -> str:
    """The whole program: facts, rules, and `#show` for the goals only."""
    lines = []
    for pred, rows in sorted(facts.items()):
        pid = names[pred]
        lines.extend(_atom_text(pid, codec.encode_row(row)) + "." for row in rows)
    for rule in rules:
        lines.append(_rule_text(rule, names, codec))
    arities = {(r.head.pred, len(r.head.args)) for r in rules}
    arities |= {(p, len(row)) for p, rows in facts.items() for row in rows}
    # `#show.` hides everything; then show only the goals.
    lines.append("#show.")
    for pred, arity in sorted(arities):
        if pred in goals:
            lines.append(f"#show {names[pred]}/{arity}.")
    return "\n".join(lines) + "\n"


def _rule_text(rule: Rule, names: Mapping[str, str], codec: Codec) -> str:
    variables: dict[str, str] = {}

    def term(t) -> str:
        if isinstance(t, Const):
            return str(codec.encode(t.value))
        return variables.setdefault(t.name, f"V{len(variables)}")

    def atom(a) -> str:
        return _atom_text(names[a.pred], [term(x) for x in a.args])

    head = atom(rule.head)
    body = []
    for item in rule.body:
        if isinstance(item, Comparison):
            body.append(f"{term(item.left)} {item.op} {term(item.right)}")
        else:
            body.append(("not " if item.negated else "") + atom(item.atom))
    return f"{head} :- {', '.join(body)}." if body else f"{head}."


def _atom_text(pid: str, args) -> str:
    return f"{pid}({','.join(str(a) for a in args)})" if args else pid
