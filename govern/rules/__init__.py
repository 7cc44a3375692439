"""ADR rules: the rule language (parser), its checks, the rule kinds, and activity.

The compiler and the parser (lark) are imported on first use of their names: a warm
`govern check` takes its compiled rules from the ADR cache (govern.adr.cache) and never
needs them, and their import is a large part of its start-up time.
"""
from importlib import import_module

from govern.rules.active import active
from govern.rules.format import format_rule
from govern.rules.spec import RuleSpec

_LAZY = {
    "AdrSource": "govern.rules.compile",
    "RuleEntry": "govern.rules.compile",
    "compile_adrs": "govern.rules.compile",
    "exemptions_id": "govern.rules.compile",
    "parse_program": "govern.rules.parser",
    "parse_query": "govern.rules.parser",
}

__all__ = ["active", "AdrSource", "RuleEntry", "compile_adrs", "exemptions_id", "format_rule",
           "parse_program", "parse_query", "RuleSpec"]


def __getattr__(name: str):
    """PEP 562: the lazily imported names of `__all__`."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_LAZY[name]), name)
