"""The one order of facts (Fact's field order), computed fast, duplicates dropped."""
from __future__ import annotations

from facts.model import Fact


def sort_facts(found: list[Fact]) -> list[Fact]:
    """Sorted in Fact order, duplicates dropped."""
    try:
        keys = [_text_key(f) for f in found]
    except (TypeError, _NotText):
        keys = [fact_key(f) for f in found]
    order = sorted(range(len(found)), key=keys.__getitem__)  # all-str keys: CPython's fast compare
    out: list[Fact] = []
    last = None
    for i in order:
        if keys[i] != last:
            out.append(found[i])
            last = keys[i]
    return out


class _NotText(Exception):
    pass


def _text_key(fact: Fact) -> str:
    # "\0" sorts before every other character, so joining the string fields with it
    # orders exactly like the tuple of fields, as long as no field holds a "\0"
    # (checked); a non-string argument raises TypeError. Either falls back to tuples.
    s = fact.source
    key = "\0".join((fact.relation, *fact.args, "", s.extractor, s.path, "%012d" % s.line, s.blob))
    if key.count("\0") != len(fact.args) + 5:
        raise _NotText
    return key


def fact_key(fact: Fact) -> tuple:
    """The order of Fact (relation, args, source fields) as a plain tuple."""
    s = fact.source
    return (fact.relation, fact.args, s.extractor, s.path, s.line, s.blob)
