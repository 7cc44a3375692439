"""Build govern rules in tests without the rule-language parser."""
from __future__ import annotations

import re

from govern.datalog.model import Atom, Comparison, Const, Literal, Origin, Rule, Var

_TERM = re.compile(r'\s*("(?:[^"\\]|\\.)*"|-?\d+|[A-Za-z_][A-Za-z0-9_]*)\s*')


def term(text: str):
    text = text.strip()
    if text.startswith('"'):
        return Const(text[1:-1].replace('\\"', '"').replace("\\\\", "\\"))
    if text.lstrip("-").isdigit():
        return Const(int(text))
    return Var(text) if text[0].isupper() or text[0] == "_" else Const(text)


def atom(text: str) -> Atom:
    pred, _, rest = text.strip().partition("(")
    args = [m.group(1) for m in _TERM.finditer(rest.rstrip(")"))] if rest.strip(") ") else []
    return Atom(pred.strip(), tuple(term(a) for a in args))


def item(text: str):
    text = text.strip()
    for op in ("!=", "<=", ">=", "=", "<", ">"):
        if f" {op} " in text:
            left, right = text.split(f" {op} ", 1)
            return Comparison(op, term(left), term(right))
    if text.startswith("not "):
        return Literal(atom(text[4:]), True)
    return Literal(atom(text))


def rule(head: str, *body: str, adr: str = "ADR-0001", rule_id: str = "r1", line: int = 1) -> Rule:
    text = f"{head} :- {', '.join(body)}." if body else f"{head}."
    return Rule(atom(head), tuple(item(b) for b in body), Origin(adr, rule_id, "adr/0001-x.md", line, text))


def program(text: str, adr: str = "ADR-0001") -> list[Rule]:
    """Rules from rule-language text, through the project's parser."""
    from govern.rules.parser import parse_program

    return parse_program(text, "adr/0001-x.md", 1, adr=adr)


def store_of(facts: dict[str, list[tuple]]):
    """A FactStore whose facts come from file `<relation>.py`, line = position + 1."""
    from govern.facts.model import Fact, Source
    from govern.datalog.store import FactStore

    return FactStore(
        Fact(rel, tuple(row), Source("test", f"{rel}.py", i + 1, "b0"))
        for rel, rows in facts.items()
        for i, row in enumerate(rows)
    )
