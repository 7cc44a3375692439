"""ADR files → Adr objects with compiled, checked rules (see docs/adr-format.md).

`load_adrs` (and with it YAML, JSON Schema, markdown-it and the rule compiler) is
imported on first use: a warm `govern check` reads its ADR set from the cache
(govern.adr.cache) without any of them.
"""
from importlib import import_module

from govern.adr.files import blob_id, load_adr_dir, load_adr_tree
from govern.adr.model import Adr, AdrSet
from govern.rules.spec import RuleSpec

__all__ = ["Adr", "AdrSet", "RuleSpec", "blob_id", "load_adr_dir", "load_adr_tree", "load_adrs"]


def __getattr__(name: str):
    """PEP 562: `load_adrs`, imported lazily."""
    if name != "load_adrs":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return import_module("govern.adr.loader").load_adrs
