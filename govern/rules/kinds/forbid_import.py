"""forbid-import: importers in `from`/`from-modules` (not in `except`/`except-modules`) must
not import modules matching `to`, directly or (`transitive`) through a chain, in the rule's
graph (`ignore-imports`, `type-checking`, `within`: see Steps)."""
from __future__ import annotations

from govern.rules.kinds.base import (
    KindInput,
    Steps,
    any_of,
    clause,
    member_bodies,
    merge_targets,
    module_target,
    q,
    target_bodies,
    text,
    unreadable_clause,
)


def default_message(block: dict) -> str:
    to = block["to"] if isinstance(block["to"], list) else [block["to"]]
    return f"must not import {', '.join(to)}"


def _module_literal(kind: KindInput, name: str, key: str, var: str) -> tuple[list[str], str | None]:
    """Helpers and the literal: module `var` matches one of the `key` patterns (as in `to`)."""
    targets = []
    for path, pattern in kind.items(key):
        if target := module_target(kind, path, pattern):
            targets.append(target)
            if key == "from-modules":
                kind.must_match(path, target[0])
    bodies = [b for t in merge_targets(targets) for b in member_bodies(var, t)]
    if not bodies:
        return [], None
    if len(bodies) == 1 and len(bodies[0]) == 1:
        return [], bodies[0][0]
    return [clause(f"{name}({var})", b) for b in bodies], f"{name}({var})"


def compile(kind: KindInput) -> str:
    """One violation clause per `to` module ('a' with 'a.*' is one); several from/except
    patterns become helpers; the rule's own graph (if any) is named after the rule."""
    helpers, body = [], []
    if kind.values("from"):
        more, from_lit = any_of(f"from_{kind.slug}", "F", kind.values("from"), lambda p: f"glob(F, {q(p)})")
        helpers += more
        body.append(from_lit)
    if kind.values("except"):
        more, except_lit = any_of(f"except_{kind.slug}", "F", kind.values("except"), lambda p: f"glob(F, {q(p)})")
        helpers += more
        body.append(f"not {except_lit}")
    path_scope = list(body)
    body.append("module(M, F)")
    more, source = _module_literal(kind, f"source_{kind.slug}", "from-modules", "M")
    helpers += more
    body += [source] if source else []
    more, allowed = _module_literal(kind, f"allowed_{kind.slug}", "except-modules", "M")
    helpers += more
    body += [f"not {allowed}"] if allowed else []
    steps = Steps(kind)
    key = kind.rule_id if steps.own_graph() else None
    clauses = helpers + steps.graphs([key] if key else [])
    # Scoped by paths alone, a rule also covers the files that have no module (symlinks, submodules).
    clauses.append(unreadable_clause(kind, path_scope if kind.values("from") and not (source or allowed) else list(body)))
    targets = [t for path, pattern in kind.items("to") if (t := module_target(kind, path, pattern))]
    for target in merge_targets(targets):
        for imported, literals in target_bodies(lambda s, d: steps.step(s, d, key), "M", target):
            clauses.append(clause(kind.violation("F", imported), body + literals))
    return text(clauses)
