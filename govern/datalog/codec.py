"""Values as small integers, for the backends.

Every value the engines can ever see comes from the facts or the rules'
constants (Datalog has no function symbols), so we number them in value order
and hand the engines only those numbers: engine comparisons on the numbers then
follow govern's total order exactly (mixed ints and strings never raise), and no
user text ever reaches an engine's parser or identifiers.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from govern.datalog.model import Const, Literal, Rule, Value, value_key

Row = tuple[Value, ...]


class Codec:
    """A bijection between the values of one evaluation and 0..n-1, order-preserving."""

    def __init__(self, values: Iterable[Value]) -> None:
        self.values: list[Value] = sorted(set(values), key=value_key)
        self.codes: dict[Value, int] = {v: i for i, v in enumerate(self.values)}

    @classmethod
    def of(cls, rules: Sequence[Rule], facts: Mapping[str, Iterable[Row]]) -> "Codec":
        """The codec covering every constant of the rules and every value of the facts."""
        values: set = set()
        for rows in facts.values():
            for row in rows:
                values.update(row)
        values.update(rule_constants(rules))
        return cls(values)

    def encode(self, value: Value) -> int:
        return self.codes[value]

    def decode(self, code: int) -> Value:
        return self.values[code]

    def encode_row(self, row: Row) -> tuple[int, ...]:
        codes = self.codes
        return tuple(codes[v] for v in row)

    def decode_row(self, row: Sequence[int]) -> Row:
        values = self.values
        return tuple(values[c] for c in row)


def rule_constants(rules: Sequence[Rule]) -> set[Value]:
    out: set[Value] = set()
    for rule in rules:
        terms = list(rule.head.args)
        for item in rule.body:
            terms += item.atom.args if isinstance(item, Literal) else [item.left, item.right]
        out.update(t.value for t in terms if isinstance(t, Const))
    return out


def predicate_ids(rules: Sequence[Rule], facts: Mapping[str, Iterable[Row]]) -> dict[str, str]:
    """Generated engine identifiers for every predicate name: p0, p1, … in name order."""
    names = {r.head.pred for r in rules} | {
        b.atom.pred for r in rules for b in r.body if isinstance(b, Literal)
    } | set(facts)
    return {name: f"p{i}" for i, name in enumerate(sorted(names))}
