"""The registry of rule kinds: front-matter key → module with `compile(KindInput) -> str`
and `default_message(block) -> str`. Adding a kind = one module + one line here + its
schema in govern/adr/schema.json.
"""
from __future__ import annotations

from types import ModuleType

from govern.rules.kinds import (
    acyclic_siblings,
    allow_dependencies,
    datalog,
    forbid_dependency,
    forbid_import,
    independent,
    layers,
    no_growth,
    protect,
    require_owner,
)
from govern.rules.kinds.base import KindInput

KINDS: dict[str, ModuleType] = {
    "forbid-import": forbid_import,
    "layers": layers,
    "independent": independent,
    "acyclic-siblings": acyclic_siblings,
    "forbid-dependency": forbid_dependency,
    "allow-dependencies": allow_dependencies,
    "protect": protect,
    "require-owner": require_owner,
    "no-growth": no_growth,
    "datalog": datalog,
}

# Rule keys `[tool.govern]` gives a default for (Config.rule_defaults), and the kinds having them:
# a rule that does not set the key compiles as if it said the configured value.
DEFAULTED_KEYS: dict[str, frozenset[str]] = {
    "type-checking": frozenset({"forbid-import", "layers", "independent", "acyclic-siblings"})}

# Kinds whose rules read the change being judged rather than a tree.
CHANGE_KINDS = frozenset({"protect"})

__all__ = ["KINDS", "CHANGE_KINDS", "DEFAULTED_KEYS", "KindInput"]
