"""forbid-import: importers in `from`/`from-modules` (not in `except`/`except-modules`) must
not import modules matching `to`, directly or (`transitive`) through a chain, in the rule's
graph (`ignore-imports`, `type-checking`, `within`: see Steps).

Two keys make each match of a pattern a *unit* (`a.b`: the package a.b; `a.b.*`: each child of
a.b; `a.*.c`: each module matching it, with what is inside; `=…`: the module alone), as
import-linter's contracts do when they expand a module expression:
`skip-overlapping` (a `from-modules` unit and a `to` unit that are the same module or one inside
the other are not checked against each other: import-linter's forbidden contracts) and
`allow-within-target` (an importer inside the `to` unit it imports is allowed: import-linter's
protected modules may import their own descendants)."""
from __future__ import annotations

from govern.rules.kinds.base import (
    KindInput,
    Steps,
    any_of,
    clause,
    member_bodies,
    merge_targets,
    module_is,
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


def _units(kind: KindInput, name: str, key: str) -> tuple[list[str], set[bool]]:
    """Clauses `name(V, U)`: module V is in unit U of a `key` pattern; and which patterns are
    exact (`=…`: a unit is the module alone) or not."""
    out, exact_seen = [], set()
    targets = [t for path, pattern in kind.items(key) if (t := module_target(kind, path, pattern))]
    for path_name, exact in merge_targets(targets):
        exact_seen.add(exact is True)
        if "*" in path_name and exact is not True and path_name.split(".")[0].startswith("*"):
            kind.error((key,), f"module pattern {path_name!r}: with skip-overlapping or allow-within-target a "
                               "pattern must start with a name (its matches are the units)")
            continue
        if "*" not in path_name:
            body = {None: [f"under(V, {q(path_name)})"], True: None, False: [f"in_child(V, {q(path_name)}, U)"]}[exact]
            if body is None:
                out.append(clause(f"{name}({q(path_name)}, {q(path_name)})", []))
            else:
                out.append(clause(f"{name}(V, {'U' if exact is False else q(path_name)})", body))
        elif exact is True:
            out.append(clause(f"{name}(V, V)", [module_is("V", path_name)]))
        elif exact is None:
            out.append(clause(f"{name}(V, U)", ["in_child(V, _, U)", module_is("U", path_name)]))
        else:
            out.append(clause(f"{name}(V, U)", ["in_child(V, P, U)", module_is("P", path_name)]))
    return out, exact_seen


def _compile_units(kind: KindInput, helpers: list[str], body: list[str], steps: Steps, key: str | None) -> list[str]:
    """The violation clause of a rule with skip-overlapping / allow-within-target."""
    target_units, target_exact = _units(kind, f"target_{kind.slug}", "to")
    clauses = helpers + target_units
    literals = steps.step("M", "D", key) + [f"target_{kind.slug}(D, U)"]
    if kind.block.get("skip-overlapping"):
        if not kind.values("from-modules"):
            kind.error(("skip-overlapping",), "skip-overlapping needs from-modules (its units are module matches)")
        source_units, source_exact = _units(kind, f"source_unit_{kind.slug}", "from-modules")
        if len(source_exact | target_exact) > 1:
            kind.error(("skip-overlapping",), "skip-overlapping needs every from-modules and to pattern exact "
                                              "('=a.b': units overlap when equal) or none (units overlap when nested)")
        overlap = f"overlap_{kind.slug}"
        pair = [f"source_unit_{kind.slug}(_, S)", f"target_{kind.slug}(_, U)"]
        clauses += source_units + [clause(f"{overlap}(S, S)", [f"source_unit_{kind.slug}(_, S)", f"target_{kind.slug}(_, S)"])]
        if False in target_exact:
            clauses += [clause(f"{overlap}(S, U)", pair + ["in_child(S, U, _)"]),
                        clause(f"{overlap}(S, U)", pair + ["in_child(U, S, _)"])]
        body = body + [f"source_unit_{kind.slug}(M, S)"]
        literals.append(f"not {overlap}(S, U)")
    if kind.block.get("allow-within-target"):
        literals.append(f"not target_{kind.slug}(M, U)")
    clauses.append(clause(kind.violation("F", "D"), body + literals))
    return clauses


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
    if kind.block.get("skip-overlapping") or kind.block.get("allow-within-target"):
        return text(_compile_units(kind, clauses, body, steps, key))
    targets = [t for path, pattern in kind.items("to") if (t := module_target(kind, path, pattern))]
    for target in merge_targets(targets):
        for imported, literals in target_bodies(lambda s, d: steps.step(s, d, key), "M", target):
            clauses.append(clause(kind.violation("F", imported), body + literals))
    return text(clauses)
