"""datalog: the rule's violations come from the ADR's own ```datalog blocks (no generated text)."""
from __future__ import annotations

from govern.rules.kinds.base import KindInput


def default_message(block: object) -> str:
    return ""


def compile(kind: KindInput) -> str:
    """Nothing to generate: govern.rules.compile assigns the block clauses deriving violation(Id, …)."""
    return ""
