"""ADR rules: the rule language (parser), its checks, the rule kinds, and activity."""
from govern.rules.active import active
from govern.rules.compile import AdrSource, RuleEntry, compile_adrs, exemptions_id
from govern.rules.format import format_rule
from govern.rules.parser import parse_program, parse_query
from govern.rules.spec import RuleSpec

__all__ = ["active", "AdrSource", "RuleEntry", "compile_adrs", "exemptions_id", "format_rule",
           "parse_program", "parse_query", "RuleSpec"]
