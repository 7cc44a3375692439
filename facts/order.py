"""The one order of facts (Fact's field order), computed fast, duplicates dropped."""
from __future__ import annotations

from operator import itemgetter

from .model import Fact

_ARGS = itemgetter(1)  # Fact.args: a Fact is a tuple of its fields


def sort_facts(found: list[Fact]) -> list[Fact]:
    """Sorted in Fact order, duplicates dropped."""
    try:
        keys = _text_keys(found)
    except (TypeError, _NotText):
        keys = [fact_key(f) for f in found]  # tuples: every field compared (slower)
    order = sorted(range(len(found)), key=keys.__getitem__)  # all-str keys: CPython's fast compare
    out: list[Fact] = []
    i, n = 0, len(order)
    while i < n:
        key, j = keys[order[i]], i + 1
        while j < n and keys[order[j]] == key:
            j += 1
        if j == i + 1:
            out.append(found[order[i]])
        else:
            out += _by_source(found, order[i:j])
        i = j
    return out


def _by_source(found: list[Fact], indexes: list[int]) -> list[Fact]:
    """Facts of one relation and args (say, an import on several lines), by source, as plain
    tuples (compared in C); equal facts once."""
    out: list[Fact] = []
    last = None
    for source, i in sorted((tuple(found[i].source), i) for i in indexes):
        if source != last:
            out.append(found[i])
            last = source
    return out


class _NotText(Exception):
    pass


def _text_keys(found: list[Fact]) -> list[str]:
    # Relation and args joined with "\0", which sorts before every other character: the
    # keys order like the (relation, args) tuples and are equal exactly when those are,
    # as long as no string holds a "\0" (checked: the keys hold only the joins' "\0"s).
    # A non-string argument raises TypeError. Either falls back to tuples.
    keys = ["\0".join((relation, *args)) for relation, args, _ in found]
    if "".join(keys).count("\0") != sum(map(len, map(_ARGS, found))):
        raise _NotText
    return keys


def fact_key(fact: Fact) -> tuple:
    """The order of Fact (relation, args, source fields) as a plain tuple."""
    s = fact.source
    return (fact.relation, fact.args, s.extractor, s.path, s.line, s.blob)
