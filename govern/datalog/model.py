"""Frozen, hashable data for Datalog programs.

Values are `str` or `int`. Ordering between values follows clingo's total
order: every int sorts before every string; strings compare by code point.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union

Value = Union[str, int]


@dataclass(frozen=True, order=True)
class Var:
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, order=True)
class Const:
    value: Value

    def __str__(self) -> str:
        return format_value(self.value)


Term = Union[Var, Const]


@dataclass(frozen=True)
class Atom:
    pred: str
    args: tuple[Term, ...]

    def __str__(self) -> str:
        return f"{self.pred}({', '.join(str(a) for a in self.args)})"

    def variables(self) -> set[str]:
        return {a.name for a in self.args if isinstance(a, Var)}


@dataclass(frozen=True)
class Literal:
    atom: Atom
    negated: bool = False

    def __str__(self) -> str:
        return ("not " if self.negated else "") + str(self.atom)


COMPARISON_OPS = ("=", "!=", "<", "<=", ">", ">=")


@dataclass(frozen=True)
class Comparison:
    op: str
    left: Term
    right: Term

    def __str__(self) -> str:
        return f"{self.left} {self.op} {self.right}"


BodyItem = Union[Literal, Comparison]


@dataclass(frozen=True)
class Origin:
    """Where a rule comes from, for proofs: ADR id, rule id, ADR file:line, source text."""

    adr: str
    rule: str
    path: str
    line: int
    text: str


@dataclass(frozen=True)
class Rule:
    head: Atom
    body: tuple[BodyItem, ...]
    origin: Origin

    def __str__(self) -> str:
        if not self.body:
            return f"{self.head}."
        return f"{self.head} :- {', '.join(str(b) for b in self.body)}."


def format_value(value: Value) -> str:
    """Datalog spelling of a constant: integers bare, strings double-quoted and escaped."""
    if isinstance(value, int):
        return str(value)
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def value_key(value: Value) -> tuple[int, Value]:
    """Sort key implementing the total order: ints before strings."""
    return (0, value) if isinstance(value, int) else (1, value)


def tuple_key(values: tuple[Value, ...]) -> tuple:
    return tuple(value_key(v) for v in values)


def compare(op: str, left: Value, right: Value) -> bool:
    """Evaluate a comparison under the total order (used by every evaluator and the checker)."""
    a, b = value_key(left), value_key(right)
    return {
        "=": a == b,
        "!=": a != b,
        "<": a < b,
        "<=": a <= b,
        ">": a > b,
        ">=": a >= b,
    }[op]


def sort_rows(rows) -> list[tuple[Value, ...]]:
    """Rows in value order. Plain tuple comparison already is value order when it does not
    raise (it only ever compares values of one type); mixed int/str columns need the key."""
    try:
        return sorted(rows)
    except TypeError:
        return sorted(rows, key=tuple_key)


def sort_values(values) -> list[Value]:
    """Values in value order (plain comparison unless ints and strings are mixed)."""
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=value_key)
