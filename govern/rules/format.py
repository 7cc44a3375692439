"""Printing compiled rules for people (`govern adr compile`): one clause, wrapped when long."""
from __future__ import annotations

from govern.datalog.model import Rule

WIDTH = 100


def format_rule(rule: Rule) -> str:
    """`head :- a, b.` on one line when it fits, else one body item per indented line."""
    flat = str(rule)
    if len(flat) <= WIDTH or not rule.body:
        return flat
    items = [str(b) for b in rule.body]
    return f"{rule.head} :-\n" + ",\n".join("    " + i for i in items) + "."
