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


AGGREGATE_OPS = ("count", "sum", "min", "max")


@dataclass(frozen=True)
class Aggregate:
    """`Result = op { Elements : Body }` (SPEC §3, docs/rule-language.md).

    The parser moves the body into a helper rule `pred(Group…, Elements…) :- Body.`; this
    item then reads that helper's tuples for the values of the group variables (the
    variables the body shares with the rest of the rule, bound there) and binds or tests
    `result` with the op over the distinct element tuples. `text` is the aggregate as written.
    """

    op: str
    result: Term
    pred: str
    group: tuple[Var, ...]
    width: int  # how many element terms
    text: str

    def __str__(self) -> str:
        return self.text

    @property
    def atom(self) -> Atom:
        """The helper atom, element positions as variables no rule can spell (`#0`, `#1`, …)."""
        return Atom(self.pred, self.group + tuple(Var(f"#{i}") for i in range(self.width)))


BodyItem = Union[Literal, Comparison, Aggregate]


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


def aggregate_value(op: str, elements) -> Value | None:
    """The op over distinct element tuples: count (0 when empty), sum of the integer first
    elements (0 when empty; strings are not added), min/max of the first elements under the
    total order (None when empty: the aggregate has no value and its literal fails)."""
    rows = set(elements)
    if op == "count":
        return len(rows)
    if op == "sum":
        return sum(row[0] for row in rows if isinstance(row[0], int))
    if not rows:
        return None
    firsts = [row[0] for row in rows]
    return (min if op == "min" else max)(firsts, key=value_key)


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
