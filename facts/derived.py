"""Helper facts computed in Python only for the constants the rules mention.

glob(Path, Pattern): gitignore-style match (pathspec). under(Module, Prefix): Module
is Prefix or inside it. in_child(Module, Package, Child): Module is Child or inside it, Child a
direct child of Package (for every module, not only mentioned ones). dist_match(Dist, Pattern): fnmatch on PEP 503 names. group_match(Group, Pattern): a declaration group
("runtime", "dev", "requirements", "extra:NAME", "group:NAME") is Pattern, or Pattern is "extra:*" / "group:*". module_match(Module, Pattern): module
patterns with `*` (one dotted segment) and `**` (one or more).
Each is exposed separately so that callers can add paths the tree does not hold
(e.g. the deleted paths of a change).
"""
from __future__ import annotations

import fnmatch
import re
from functools import lru_cache

from .model import Fact, Source, new_fact


def glob_facts(paths: dict[str, str], patterns: frozenset[str]) -> list[Fact]:
    """glob facts for {path: blob} and each pattern; ValueError names a bad pattern."""
    out = []
    for pattern in sorted(patterns):
        spec = _spec(pattern)
        out += [Fact("glob", (p, pattern), Source("glob", p, 0, paths[p])) for p in spec.match_files(paths)]
    return out


@lru_cache(maxsize=1024)
def _spec(pattern: str):
    """The compiled pattern (a push asks for the same few patterns once per commit)."""
    import pathspec  # ~10 ms to import: only for rules that mention globs

    try:
        return pathspec.GitIgnoreSpec.from_lines([pattern])
    except ValueError as err:
        raise ValueError(f"invalid glob pattern {pattern!r}: {err}") from None


def under_facts(modules: set[str], prefixes: frozenset[str]) -> list[Fact]:
    """under facts for every module name equal to or inside each prefix."""
    source = Source("under", "", 0, "")  # one for all: a Source is immutable
    out = []
    for module in modules:
        # The dotted prefixes, shortest first ("a", "a.b", then "a.b.c" itself), by slicing.
        dot = module.find(".")
        while dot != -1:
            if module[:dot] in prefixes:
                out.append(new_fact(("under", (module, module[:dot]), source)))
            dot = module.find(".", dot + 1)
        if module in prefixes:
            out.append(new_fact(("under", (module, module), source)))
    return out


def in_child_facts(modules: set[str]) -> list[Fact]:
    """in_child(Module, Package, Child) for every module and each package it is inside:
    `a.b.c` gives (a.b.c, a, a.b) and (a.b.c, a.b, a.b.c)."""
    source = Source("in_child", "", 0, "")
    out = []
    for module in modules:
        if module.startswith("/"):  # a file named by its path is in no package
            continue
        dot = module.find(".")
        while dot != -1:
            nxt = module.find(".", dot + 1)
            out.append(new_fact(("in_child", (module, module[:dot], module if nxt == -1 else module[:nxt]), source)))
            dot = nxt
    return out


def segments_match(parts: list[str], names: list[str]) -> bool:
    """Whether the dotted names match the pattern segments (`*` one, `**` one or more).

    A table over (segment, name) positions: linear in their product, no backtracking."""
    reach = {0}  # how many names the segments so far can consume
    for part in parts:
        nxt = set()
        for i in reach:
            if part == "**":
                nxt.update(range(i + 1, len(names) + 1))
            elif i < len(names) and (part == "*" or part == names[i]):
                nxt.add(i + 1)
        reach = nxt
        if not reach:
            return False
    return len(names) in reach


def inside(name: str, prefixes: frozenset[str], patterns: list[list[str]]) -> bool:
    """Whether module `name` is one of the prefixes or inside one (`under`), or matches one of
    the patterns, each split at its dots (`module_match`)."""
    if name in prefixes:
        return True
    dot = name.find(".")
    while dot != -1:
        if name[:dot] in prefixes:
            return True
        dot = name.find(".", dot + 1)
    return any(segments_match(parts, name.split(".")) for parts in patterns)


def module_match_facts(modules: set[str], patterns: frozenset[str]) -> list[Fact]:
    """module_match facts for every module name matching each pattern."""
    source = Source("module_match", "", 0, "")
    compiled = [(p, p.split(".")) for p in sorted(patterns)]
    out = []
    for module in modules:
        names = module.split(".")
        out += [new_fact(("module_match", (module, p), source)) for p, parts in compiled if segments_match(parts, names)]
    return out


def normalise_dist_pattern(pattern: str) -> str:
    """A distribution-name glob normalised like the names (PEP 503), wildcards kept."""
    return re.sub(r"[-_.]+", "-", pattern).lower()


def dist_facts(dists: set[str], patterns: frozenset[str]) -> list[Fact]:
    """dist_match facts for every declared distribution and each glob."""
    compiled = [(p, normalise_dist_pattern(p)) for p in sorted(patterns)]
    return [Fact("dist_match", (d, p), Source("dist_match", "", 0, "")) for d in dists for p, n in compiled if fnmatch.fnmatchcase(d, n)]


def group_facts(groups: set[str], patterns: frozenset[str]) -> list[Fact]:
    """group_match facts: a pattern is a group name or `KIND:*` (every extra, every named group)."""
    source = Source("group_match", "", 0, "")
    out = []
    for pattern in sorted(patterns):
        kind, star = pattern[:-1], pattern.endswith(":*")
        out += [Fact("group_match", (g, pattern), source) for g in sorted(groups)
                if g == pattern or (star and g.startswith(kind))]
    return out
