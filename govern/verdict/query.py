"""`govern query`: an ad-hoc rule body evaluated over the facts and the active rules.

The query is parsed by govern's own parser (never executed), checked like a rule body
(known predicates, arities, safety), and evaluated as the body of one extra rule
`query__answer(Vars…)` whose head lists the query's named variables in order of appearance.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from govern.datalog.model import Atom, Comparison, Literal, Origin, Rule, Var, format_value, tuple_key
from govern.errors import AdrError, Diagnostic, did_you_mean
from govern.rules import active, parse_query
from govern.verdict.evaluate import answers_only, extract_facts
from govern.verdict.inputs import adr_facts, judging_date, read_adrs, read_config
from govern.verdict.judge import JudgeRequest
from govern.vocabulary import OUTPUTS, VOCABULARY

GOAL = "query__answer"
HELPER = "query__not"  # helper predicates of negated literals with anonymous variables
WHERE = "<query>"


@dataclass(frozen=True)
class Answers:
    variables: tuple[str, ...]
    rows: tuple[tuple, ...]


def run_query(request: JudgeRequest, text: str) -> Answers:
    """Evaluate `text` (a rule body) on the request's target with the ADRs' active rules."""
    written = parse_query(text)
    targeted = _any_target(written)
    body, helpers = _project_negations(targeted)
    config = read_config(request.adr_tree or request.target)
    adrs = read_adrs(request.adr_tree or request.target, request.adr_dir or config.adr_dir)
    status = active(adrs, judging_date(request.repo, request.commit, request.on))
    rules = list(dict.fromkeys(r for s in adrs.rules() if status.get(s.id) is None for r in s.rules))
    _check(body, rules, text, dict(zip(body, written)), dict(zip(body, targeted)))
    names = tuple(dict.fromkeys(v for item in body for v in _vars(item) if not v.startswith("_")))
    query = Rule(Atom(GOAL, tuple(Var(n) for n in names)), body, Origin("", "", WHERE, 1, text))
    program = [*rules, *(Rule(head, hbody, Origin("", "", WHERE, 1, text)) for head, hbody in helpers), query]
    store, _ = extract_facts(request.repo, request.target, program, config, adr_facts(adrs), request.cache)
    rows = answers_only(program, store, request.engine or config.engine, (GOAL,), config.engine_threshold)[GOAL]
    return Answers(names, tuple(sorted(set(rows), key=tuple_key)))


def format_answers(answers: Answers, fmt: str) -> str:
    """Text: one line per answer (`X = "a", Y = "b"`; `yes`/`no` without variables); or JSON."""
    if fmt == "json":
        rows = [dict(zip(answers.variables, row)) for row in answers.rows]
        return json.dumps(rows, sort_keys=True, ensure_ascii=False, indent=2) + "\n"
    if not answers.variables:
        return "yes\n" if answers.rows else "no\n"
    if not answers.rows:
        return "no answers\n"
    lines = [", ".join(f"{n} = {format_value(v)}" for n, v in zip(answers.variables, row)) for row in answers.rows]
    return "".join(line + "\n" for line in lines)


def _any_target(body: tuple) -> tuple:
    """In a query, the three-argument `violation(R, S, M)` / `exempt(R, S, Why)` mean "of any
    target": a fresh anonymous variable takes the Target place of the four-argument output."""
    used = {v for item in body for v in _vars(item)}
    fresh = (f"_target{n}" for n in range(1, 10**6) if f"_target{n}" not in used)
    out = []
    for item in body:
        if isinstance(item, Literal) and item.atom.pred in OUTPUTS and len(item.atom.args) == len(OUTPUTS[item.atom.pred]) - 1:
            args = item.atom.args
            item = Literal(Atom(item.atom.pred, (*args[:2], Var(next(fresh)), *args[2:])), item.negated)
        out.append(item)
    return tuple(out)


def _project_negations(body: tuple) -> tuple[tuple, list[tuple[Atom, tuple]]]:
    """`not p(X, _)` reads "no p(X, anything)": each negated literal whose anonymous variables
    (`_`, `_Name`) occur nowhere else becomes `not query__not<N>(X)` with a helper rule
    `query__not<N>(X) :- p(X, _)`, the projection the negation is about (safe and stratified)."""
    counts: dict[str, int] = {}
    for item in body:
        for v in _vars(item):
            counts[v] = counts.get(v, 0) + 1
    out, helpers = [], []
    for item in body:
        local = [v for v in _vars(item) if v.startswith("_") and counts[v] == 1]
        if isinstance(item, Literal) and item.negated and local:
            kept = tuple(Var(v) for v in dict.fromkeys(_vars(item)) if v not in local)
            head = Atom(f"{HELPER}{len(helpers) + 1}", kept)
            helpers.append((head, (Literal(item.atom),)))
            item = Literal(head, negated=True)
        out.append(item)
    return tuple(out), helpers


def _vars(item) -> list[str]:
    terms = item.atom.args if isinstance(item, Literal) else (item.left, item.right)
    return [t.name for t in terms if isinstance(t, Var)]


def _check(body, rules: list[Rule], text: str, written: dict, checked: dict) -> None:
    """Known predicates with the right arity, and every variable bound by a positive literal.
    Messages spell the variables as the user wrote them (`_`, not the parser's `_2`)."""

    def shown(thing) -> str:
        thing = written.get(thing, thing)  # a projected negation: as the user wrote it
        return re.sub(r"\b_(?:target)?\d+\b", lambda m: m.group() if m.group() in text else "_", str(thing))

    arity = {name: rel.arity for name, rel in VOCABULARY.items()}
    arity.update({name: len(params) for name, params in OUTPUTS.items()})
    arity.update({r.head.pred: len(r.head.args) for r in rules})
    problems = []
    bound = {v for item in body if isinstance(item, Literal) and not item.negated for v in _vars(item)}
    for item in body:
        if isinstance(item, Literal):
            atom = checked.get(item, item).atom  # before the projection of negations
            pred, n = atom.pred, len(atom.args)
            if pred not in arity:
                problems.append(f"unknown predicate {pred}{did_you_mean(pred, [*arity])} "
                                f"(vocabulary: {', '.join(sorted(VOCABULARY))})")
            elif arity[pred] != n:
                short = " (or 3, for any target)" if pred in OUTPUTS else ""
                problems.append(f"{pred} takes {arity[pred]} arguments{short}, not {n}")
        if isinstance(item, Comparison) or item.negated:
            problems += [f"unsafe variable {shown(v)} in {shown(item)}: it must also occur in a positive literal"
                         for v in sorted(set(_vars(item)) - bound)]
    if not any(isinstance(item, Literal) and not item.negated for item in body):
        problems.append("a query needs at least one positive literal")
    if problems:
        raise AdrError([Diagnostic(WHERE, 1, 1, p) for p in problems])
