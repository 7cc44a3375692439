"""Module names of rules that match no module of the tree (`govern adr lint`).

A rule naming an internal module that does not exist can never match: a typo in a layer
passes silently. Each kind records the names that must match (RuleSpec.modules: layers but
the optional ones, containers, `independent` modules, `from-modules`, `within`, acyclic
ancestors); names that only ever match by accident (`to`, which may name an external
package not imported yet, `except-modules`, `ignore-imports`) are not checked.
"""
from __future__ import annotations

from collections.abc import Iterable

from govern.errors import Diagnostic, did_you_mean
from govern.facts.derived import segments_match


def unmatched(specs: Iterable, modules: frozenset[str]) -> list[Diagnostic]:
    """A diagnostic, with the nearest module name, per recorded name no module matches.

    `modules` holds every dotted module name of the tree and their packages (a name
    matches when it is one of them, or, with wildcards, matches one of them)."""
    out = []
    for spec in specs:
        for name, line, col in spec.modules:
            if _matches(name, modules):
                continue
            hint = did_you_mean(name, sorted(modules)) if modules else ""
            out.append(Diagnostic(spec.path, line, col, f"rule {spec.id}: {name!r} matches no module of the tree{hint}"))
    return sorted(out)


def _matches(name: str, modules: frozenset[str]) -> bool:
    if "*" not in name:
        return name in modules
    parts = name.split(".")
    return any(segments_match(parts, m.split(".")) for m in modules)
