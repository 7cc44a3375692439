"""`govern query`: an ad-hoc rule body evaluated over the facts and the active rules.

The query is parsed by govern's own parser (never executed), checked like a rule body
(known predicates, arities, safety), and evaluated as the body of one extra rule
`query__answer(Vars…)` whose head lists the query's named variables in order of appearance.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from govern.datalog.model import Atom, Comparison, Literal, Origin, Rule, Var, format_value, tuple_key
from govern.errors import AdrError, Diagnostic
from govern.rules import active, parse_query
from govern.verdict.evaluate import answers_only, extract_facts
from govern.verdict.inputs import adr_facts, judging_date, read_adrs, read_config
from govern.verdict.judge import JudgeRequest
from govern.vocabulary import OUTPUTS, VOCABULARY

GOAL = "query__answer"
WHERE = "<query>"


@dataclass(frozen=True)
class Answers:
    variables: tuple[str, ...]
    rows: tuple[tuple, ...]


def run_query(request: JudgeRequest, text: str) -> Answers:
    """Evaluate `text` (a rule body) on the request's target with the ADRs' active rules."""
    body = parse_query(text)
    config = read_config(request.adr_tree or request.target)
    adrs = read_adrs(request.adr_tree or request.target, request.adr_dir or config.adr_dir)
    status = active(adrs, judging_date(request.repo, request.commit, request.on))
    rules = list(dict.fromkeys(r for s in adrs.rules() if status.get(s.id) is None for r in s.rules))
    _check(body, rules)
    names = tuple(dict.fromkeys(v for item in body for v in _vars(item) if not v.startswith("_")))
    query = Rule(Atom(GOAL, tuple(Var(n) for n in names)), body, Origin("", "", WHERE, 1, text))
    program = [*rules, query]
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
    lines = [", ".join(f"{n} = {format_value(v)}" for n, v in zip(answers.variables, row)) for row in answers.rows]
    return "".join(line + "\n" for line in lines)


def _vars(item) -> list[str]:
    terms = item.atom.args if isinstance(item, Literal) else (item.left, item.right)
    return [t.name for t in terms if isinstance(t, Var)]


def _check(body, rules: list[Rule]) -> None:
    """Known predicates with the right arity, and every variable bound by a positive literal."""
    arity = {name: rel.arity for name, rel in VOCABULARY.items()}
    arity.update({name: len(params) for name, params in OUTPUTS.items()})
    arity.update({r.head.pred: len(r.head.args) for r in rules})
    problems = []
    bound = {v for item in body if isinstance(item, Literal) and not item.negated for v in _vars(item)}
    for item in body:
        if isinstance(item, Literal):
            pred, n = item.atom.pred, len(item.atom.args)
            if pred not in arity:
                problems.append(f"unknown predicate {pred} (vocabulary: {', '.join(sorted(VOCABULARY))})")
            elif arity[pred] != n:
                problems.append(f"{pred} takes {arity[pred]} arguments, not {n}")
        if isinstance(item, Comparison) or item.negated:
            problems += [f"unsafe variable {v} in {item}: it must also occur in a positive literal"
                         for v in sorted(set(_vars(item)) - bound)]
    if not any(isinstance(item, Literal) and not item.negated for item in body):
        problems.append("a query needs at least one positive literal")
    if problems:
        raise AdrError([Diagnostic(WHERE, 1, 1, p) for p in problems])
