"""ADR files → Adr objects with compiled, checked rules (see docs/adr-format.md)."""
from govern.adr.files import blob_id, load_adr_dir, load_adr_tree
from govern.adr.loader import load_adrs
from govern.adr.model import Adr, AdrSet
from govern.rules.spec import RuleSpec

__all__ = ["Adr", "AdrSet", "RuleSpec", "blob_id", "load_adr_dir", "load_adr_tree", "load_adrs"]
