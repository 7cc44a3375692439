"""Shared vocabulary of the rule kinds: their input, error collection and text helpers.

A kind turns one front-matter block into rule-language TEXT. The text then goes
through the same parser and checks as a hand-written ```datalog block, so a kind
can never produce something a user could not have written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from govern.datalog.model import format_value

MODULE = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
_MODULE_PATTERN = re.compile(rf"({MODULE})(\.\*)?")
_PREFIX = re.compile(MODULE)
_DIST = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")
_DIST_GLOB = re.compile(r"[A-Za-z0-9._*?\[\]!-]+")


@dataclass
class KindInput:
    """One front-matter rule: its id, its kind's block (already schema-valid) and its message."""

    rule_id: str
    block: Any
    message: str
    errors: list[tuple[tuple, str]] = field(default_factory=list)  # (path inside the block, message)

    @property
    def slug(self) -> str:
        """Suffix of the kind's private helper predicates: unique per rule (ids are kebab-case)."""
        return self.rule_id.replace("-", "_")

    def error(self, path: tuple, message: str) -> None:
        self.errors.append((path, message))

    def items(self, key: str) -> list[tuple[tuple, Any]]:
        """(path, value) of a key that holds a string or a list; [] when absent."""
        value = self.block.get(key, [])
        if isinstance(value, list):
            return [((key, i), v) for i, v in enumerate(value)]
        return [((key,), value)]

    def values(self, key: str) -> list[Any]:
        return [v for _, v in self.items(key)]

    def violation(self, subject: str, target: str) -> str:
        """The head of a violation clause: (rule, subject, target) is the finding's identity,
        so each offending import or declaration is a finding of its own."""
        return f"violation({q(self.rule_id)}, {subject}, {target}, {q(self.message)})"


def q(value: str | int) -> str:
    """A constant in rule-language spelling (quoted and escaped)."""
    return format_value(value)


def clause(head: str, body: list[str]) -> str:
    return f"{head} :- {', '.join(body)}." if body else f"{head}."


def any_of(name: str, var: str, values: list[str], atom: Callable[[str], str]) -> tuple[list[str], str]:
    """A literal true when `var` satisfies one of `values`: inline for one, a helper for several."""
    if len(values) == 1:
        return [], atom(values[0])
    return [clause(f"{name}({var})", [atom(v)]) for v in values], f"{name}({var})"


def module_target(kind: KindInput, path: tuple, pattern: Any) -> tuple[str, bool] | None:
    """'a.b' → ("a.b", exact) ; 'a.b.*' → ("a.b", descendants); anything else is a located error."""
    match = _MODULE_PATTERN.fullmatch(pattern) if isinstance(pattern, str) else None
    if not match:
        kind.error(path, f"module pattern {pattern!r}: use 'a.b' (exactly a.b) or 'a.b.*' (inside a.b); no other wildcards")
        return None
    return match.group(1), match.group(2) is None


def target_body(relation: str, src: str, pattern: tuple[str, bool | None]) -> tuple[str, list[str]]:
    """(the imported module, body literals) for `src` importing (relation) a module matching the pattern.

    exact True: the module itself; False: strictly inside it; None: it or inside it
    (what 'a' + 'a.*' together mean, written as one clause).
    """
    name, exact = pattern
    if exact:
        return q(name), [f"{relation}({src}, {q(name)})"]
    inside = [f"{relation}({src}, D)", f"under(D, {q(name)})"]
    return "D", inside if exact is None else inside + [f"D != {q(name)}"]


def merge_targets(targets: list[tuple[str, bool]]) -> list[tuple[str, bool | None]]:
    """'a' and 'a.*' both listed → one ('a', None) pattern, in first-mention order, deduplicated."""
    out: list[tuple[str, bool | None]] = []
    for name, exact in targets:
        both = (name, not exact) in targets
        item = (name, None) if both else (name, exact)
        if item not in out:
            out.append(item)
    return out


def module_prefix(kind: KindInput, path: tuple, value: Any) -> str | None:
    """A plain dotted module prefix (no wildcard), else a located error."""
    if isinstance(value, str) and _PREFIX.fullmatch(value):
        return value
    kind.error(path, f"module prefix {value!r}: use a dotted module name such as 'app.domain' (no wildcards)")
    return None


def check_disjoint(kind: KindInput, named: list[tuple[tuple, str]]) -> None:
    """Module prefixes of one rule must not overlap: a module in two of them would be compared with itself."""
    for i, (path, name) in enumerate(named):
        for _, other in named[:i]:
            if name == other or name.startswith(other + ".") or other.startswith(name + "."):
                kind.error(path, f"module prefix {name!r} overlaps {other!r}")


def dist_patterns(kind: KindInput) -> list[tuple[str, bool]]:
    """The valid `packages` entries as (PEP 503 name or glob, is_glob); each bad one is a located error."""
    out = []
    for path, value in kind.items("packages"):
        is_glob = isinstance(value, str) and any(c in value for c in "*?[")
        if not (isinstance(value, str) and (_DIST_GLOB if is_glob else _DIST).fullmatch(value)):
            kind.error(path, f"distribution {value!r}: use a distribution name or a glob such as 'types-*'")
            continue
        out.append((re.sub(r"[-_.]+", "-", value).lower(), is_glob))
    return out


def manifest_filter(kind: KindInput) -> tuple[list[str], list[str]]:
    """Helpers and body literals restricting the manifest P to the `in` globs (none: all manifests)."""
    if not kind.values("in"):
        return [], []
    helpers, literal = any_of(f"in_{kind.slug}", "P", kind.values("in"), lambda p: f"glob(P, {q(p)})")
    return helpers, [literal]


_GROUP = re.compile(r"(?:runtime|dev|requirements|(?:extra|group):(?:\*|[a-z0-9]+(?:-[a-z0-9]+)*|))")


def declaration(kind: KindInput, manifest: str, dist: str) -> tuple[list[str], list[str]]:
    """Helpers and body literals for "manifest declares dist" in the rule's `groups` (none: any group).

    A group is runtime, dev, requirements, extra:NAME, group:NAME, or extra:* / group:* (every extra,
    every named group); names are normalised like distributions (PEP 503/685)."""
    groups = []
    for path, value in kind.items("groups"):
        name = re.sub(r"[-_.]+", "-", value).lower() if isinstance(value, str) else value
        if not (isinstance(name, str) and _GROUP.fullmatch(name)):
            kind.error(path, f"dependency group {value!r}: use runtime, dev, requirements, extra:NAME, group:NAME, "
                             "extra:* or group:*")
            continue
        groups.append(name)
    if not groups:
        return [], [f"declares({manifest}, {dist})"]
    helpers, literal = any_of(f"group_{kind.slug}", "G", groups, lambda g: f"group_match(G, {q(g)})")
    return helpers, [f"declares_group({manifest}, {dist}, G)", literal]


def transitive_relation(kind: KindInput) -> str:
    """`transitive: true` reads reaches/2 (native graph search) instead of imports/2."""
    return "reaches" if kind.block.get("transitive") else "imports"


def text(clauses: list[str]) -> str:
    return "".join(c + "\n" for c in clauses)
