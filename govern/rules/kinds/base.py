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
    modules: list[tuple[tuple, str]] = field(default_factory=list)  # (path, name that must match a module)
    ignores: list[tuple[tuple, tuple]] = field(default_factory=list)  # (path, its (importer, imported) edges) to warn about
    rule_ids: frozenset[str] = frozenset()  # every rule id of the ADR set (for kinds naming a rule)
    adr_ids: frozenset[str] = frozenset()  # every ADR id of the set (for kinds naming an ADR)

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

    def must_match(self, path: tuple, name: str) -> None:
        """Record an internal module name (or pattern) that must match a module of the tree:
        `govern adr lint` reports it when none does (a typo would make the rule pass silently)."""
        self.modules.append((path, name))

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


def module_target(kind: KindInput, path: tuple, pattern: Any) -> tuple[str, bool | None] | None:
    """'a.b' → ("a.b", None): a.b or inside it, since importing a.b.c imports a.b (issue #10:
    `to: [requests]` must catch `import requests.sessions`); 'a.b.*' → ("a.b", False):
    strictly inside; '=a.b' → ("a.b", True): the module alone (import-linter's
    as_packages = False). Wildcards inside a name ('a.*.c', 'a.**.c') are kept for
    module_match; anything else is a located error."""
    exact = isinstance(pattern, str) and pattern.startswith("=")
    if exact:
        pattern = pattern[1:]
    match = _MODULE_PATTERN.fullmatch(pattern) if isinstance(pattern, str) else None
    if match and not (exact and match.group(2)):
        return match.group(1), True if exact else None if match.group(2) is None else False
    if not exact and isinstance(pattern, str) and pattern.endswith(".*") and module_pattern(kind, path, pattern[:-2]):
        return pattern[:-2], False
    if module_pattern(kind, path, pattern):
        return pattern, True if exact else None
    return None


def member_bodies(var: str, pattern: tuple[str, bool | None]) -> list[list[str]]:
    """Bodies (one clause each) true when module `var` matches the pattern.

    exact True: the module itself; False: strictly inside it; None: it or inside it
    (what 'a' + 'a.*' together mean). A name with wildcards inside ('a.*.c', 'a.**')
    is matched with module_match."""
    name, exact = pattern
    if "*" in name:
        itself, inside = [module_is(var, name)], [module_is(var, name + ".**")]
        return [itself] if exact else [inside] if exact is False else [itself, inside]
    if exact:
        return [[module_is(var, name)]]
    inside = [f"under({var}, {q(name)})"]
    return [inside if exact is None else inside + [f"{var} != {q(name)}"]]


def target_bodies(step: Callable[[str, str], list[str]], src: str,
                  pattern: tuple[str, bool | None]) -> list[tuple[str, list[str]]]:
    """(the imported module, body) per clause for `src` importing (`step`) a module matching
    the pattern (an exact plain name is written as a constant, else the variable D)."""
    name, exact = pattern
    if exact and "*" not in name:
        return [(q(name), step(src, q(name)))]
    return [("D", step(src, "D") + body) for body in member_bodies("D", pattern)]


def merge_targets(targets: list[tuple[str, bool | None]]) -> list[tuple[str, bool | None]]:
    """'a' (it or inside) covers '=a' and 'a.*'; '=a' and 'a.*' together are 'a': one
    pattern per name, in first-mention order, deduplicated."""
    out: list[tuple[str, bool | None]] = []
    for name, exact in targets:
        whole = (name, None) in targets or ((name, True) in targets and (name, False) in targets)
        item = (name, None) if whole else (name, exact)
        if item not in out:
            out.append(item)
    return out


def unreadable_clause(kind: KindInput, scope: list[str]) -> str:
    """A file in the rule's scope (`scope` binds F) that govern could not read (not decodable
    or parsable, too large, a symlink, a submodule...) is a finding of its own, its message the
    fact's reason: its imports cannot be judged, so they are never silently dropped (issue #10)."""
    return clause(f"violation({q(kind.rule_id)}, F, \"\", R)", scope + ["unreadable(F, R)"])


def module_prefix(kind: KindInput, path: tuple, value: Any) -> str | None:
    """A plain dotted module prefix (no wildcard), else a located error."""
    if isinstance(value, str) and _PREFIX.fullmatch(value):
        return value
    kind.error(path, f"module prefix {value!r}: use a dotted module name such as 'app.domain' (no wildcards)")
    return None


def module_name(kind: KindInput, path: tuple, value: Any) -> str | None:
    """A module prefix, or a module pattern with `*` / `**` (validated); else a located error."""
    if isinstance(value, str) and "*" in value:
        return module_pattern(kind, path, value)
    return module_prefix(kind, path, value)


def check_disjoint(kind: KindInput, named: list[tuple[tuple, str]]) -> None:
    """Module prefixes of one rule must not overlap: a module in two of them would be compared with itself."""
    named = [(path, name) for path, name in named if "*" not in name]  # patterns: known on a tree only
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


def dependency_groups(kind: KindInput) -> list[str]:
    """The rule's valid `groups` entries, normalised; each bad one is a located error."""
    groups = []
    for path, value in kind.items("groups"):
        name = re.sub(r"[-_.]+", "-", value).lower() if isinstance(value, str) else value
        if not (isinstance(name, str) and _GROUP.fullmatch(name)):
            kind.error(path, f"dependency group {value!r}: use runtime, dev, requirements, extra:NAME, group:NAME, "
                             "extra:* or group:*")
            continue
        groups.append(name)
    return groups


def declaration(kind: KindInput, manifest: str, dist: str) -> tuple[list[str], list[str]]:
    """Helpers and body literals for "manifest declares dist" in the rule's `groups` (none: any group).

    A group is runtime, dev, requirements, extra:NAME, group:NAME, or extra:* / group:* (every extra,
    every named group); names are normalised like distributions (PEP 503/685)."""
    groups = dependency_groups(kind)
    if not groups:
        return [], [f"declares({manifest}, {dist})"]
    helpers, literal = any_of(f"group_{kind.slug}", "G", groups, lambda g: f"group_match(G, {q(g)})")
    return helpers, [f"declares_group({manifest}, {dist}, G)", literal]


_SEGMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\*\*?")


def module_pattern(kind: KindInput, path: tuple, value: Any) -> str | None:
    """A module pattern: dotted segments, each a name, `*` (one segment) or `**` (one or more)."""
    parts = value.split(".") if isinstance(value, str) else [""]
    if all(_SEGMENT.fullmatch(p) for p in parts) and not any(a[0] == "*" == b[0] for a, b in zip(parts, parts[1:])):
        return value
    kind.error(path, f"module pattern {value!r}: dotted names where '*' is one segment and '**' one or more (no two wildcards in a row)")
    return None


def module_is(var: str, pattern: str) -> str:
    """The literal: module `var` matches `pattern` (exactly; wildcards as in module_match)."""
    return f"module_match({var}, {q(pattern)})"


class Steps:
    """How a rule follows imports: directly (`imports`) or transitively (`reaches`), in the
    rule's own graph when it leaves imports out (`ignore-imports`, `type-checking: false`,
    `within`): then `ignore_import(G, S, D)` clauses and `reaches_except(G, …)`.
    """

    def __init__(self, kind: KindInput) -> None:
        self.kind = kind
        self.transitive = bool(kind.block.get("transitive"))
        self.ignored = f"ignored_{kind.slug}"
        self.edges: list[tuple[tuple[str, str], ...]] = []  # per ignored import, its (importer, imported) patterns
        self.removals = self._removals()
        self.outside, self.within = self._within()

    def _removals(self) -> list[str]:
        """`ignored_<rule>(S, D)`: the single imports left out (ignore-imports, type-only;
        `type-checking` defaults to [tool.govern] type-checking-imports, applied at compile)."""
        kind, head, out = self.kind, f"{self.ignored}(S, D)", []
        for path, value in kind.items("ignore-imports"):
            # A list is one ignored import with alternative edges (it matches when any does).
            group = []
            for where, text in ([(path + (j,), t) for j, t in enumerate(value)] if isinstance(value, list) else [(path, value)]):
                edge = text.split("->") if isinstance(text, str) else []
                if len(edge) != 2:
                    kind.error(where, f"ignored import {text!r}: write 'importer -> imported'")
                    continue
                src, dst = (module_pattern(kind, where, e.strip()) for e in edge)
                if src and dst:
                    group.append((src, dst))
                    out.append(clause(head, ["imports(S, D)", module_is("S", src), module_is("D", dst)]))
            if group:
                self.edges.append(tuple(group))
                if kind.block.get("unmatched-ignores", "warn") == "warn":  # `govern check` warns when it matches nothing
                    kind.ignores.append((path, tuple(group)))
        if not kind.block.get("type-checking", True):
            out.append(clause(head, ["type_only_import(S, D)"]))
        return out

    def _within(self) -> tuple[list[str], str | None]:
        """Helpers and the literal `not within(S)`: every import of a module outside `within`
        is left out (the search stays inside those packages)."""
        roots = []
        for path, value in self.kind.items("within"):
            if root := module_prefix(self.kind, path, value):
                roots.append(root)
                self.kind.must_match(path, root)
        if not roots:
            return [], None
        helpers, literal = any_of(f"within_{self.kind.slug}", "S", roots, lambda r: f"under(S, {q(r)})")
        return helpers, f"not {literal}"

    def unmatched(self) -> list[str]:
        """`unmatched-ignores: error`: an ignored import that matches no import of the tree is a
        finding (subject: the edge; import-linter's unmatched_ignore_imports_alerting = error).
        `warn` (the default): `govern check` warns about it; `none`: nothing is said."""
        kind = self.kind
        if kind.block.get("unmatched-ignores", "warn") != "error":
            return []
        out = []
        for i, group in enumerate(self.edges):
            hit = f"matched_{kind.slug}({i})"
            out += [clause(hit, ["imports(S, D)", module_is("S", src), module_is("D", dst)]) for src, dst in group]
            name = edge_text(group)
            message = f"ignored import {name} matches no import (unmatched-ignores: error)"
            head = f"violation({q(kind.rule_id)}, {q(name)}, \"\", {q(message)})"
            out.append(clause(head, [f"rule({q(kind.rule_id)}, _, _)", f"not {hit}"]))
        return out

    def graphs(self, keys: list[str], extra: dict[str, list[list[str]]] | None = None) -> list[str]:
        """ignore_import clauses for each graph key: the rule's removals, plus `extra[key]`
        (bodies of edges only that graph leaves out); the unmatched-ignores findings."""
        out = list(self.removals) + (list(self.outside) if keys else []) + self.unmatched()
        for key in keys:
            head = f"ignore_import({q(key)}, S, D)"
            if self.removals:
                out.append(clause(head, [f"{self.ignored}(S, D)"]))
            if self.within:
                out.append(clause(head, ["imports(S, D)", self.within]))
            for body in (extra or {}).get(key, []):
                out.append(clause(head, body))
        return out

    def part_graphs(self, graph: str, part: str, extra: list[list[str]]) -> list[str]:
        """For `chains: unmediated`: the clauses of graph `graph`, one per part P, the parts
        known only on the tree judged (`part`: a literal binding P to each): in each, the rule's
        removals, and the edges of `extra` (bodies reading P: what only that part's graph leaves
        out). Each part is searched by `reaches_in(graph, P, …)` (step_in)."""
        head = f"ignore_import_in({q(graph)}, P, S, D)"
        out = list(self.removals) + list(self.outside) + self.unmatched()
        if self.removals:
            out.append(clause(head, [part, f"{self.ignored}(S, D)"]))
        if self.within:
            out.append(clause(head, [part, "imports(S, D)", self.within]))
        return out + [clause(head, [part, *body]) for body in extra]

    @staticmethod
    def step_in(graph: str, part: str, src: str, dst: str) -> list[str]:
        """Body literal: `src` reaches `dst` in part `part` (a constant or a variable) of `graph`."""
        return [f"reaches_in({q(graph)}, {part}, {src}, {dst})"]

    def own_graph(self) -> bool:
        return bool(self.removals or self.within)

    def step(self, src: str, dst: str, key: str | None) -> list[str]:
        """Body literals: `src` imports `dst` (directly or through a chain) in graph `key`
        (None: every import)."""
        if self.transitive:
            return [f"reaches_except({q(key)}, {src}, {dst})"] if key else [f"reaches({src}, {dst})"]
        return [f"imports({src}, {dst})"] + ([f"not ignore_import({q(key)}, {src}, {dst})"] if key else [])


def edge_text(group) -> str:
    """An ignored import as written: 'a -> b', alternatives joined by ' | '."""
    return " | ".join(f"{src} -> {dst}" for src, dst in group)


def text(clauses: list[str]) -> str:
    return "".join(c + "\n" for c in clauses)
