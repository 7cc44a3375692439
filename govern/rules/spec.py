"""RuleSpec: one rule of one ADR, compiled (re-exported by govern.adr)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from govern.datalog.model import Literal, Rule
from govern.vocabulary import JUDGED


@dataclass(frozen=True)
class RuleSpec:
    """A front-matter rule (or an ADR's exemptions of one rule) and the Datalog rules it compiled to.

    Exemptions: kind "exempt", id `<ADR id>:exempt:<exempted rule id>`, the
    scope of the exempted rule ("change" also when the clauses read change facts).

    `text` is the rule-language text the rule compiled to (for `datalog` rules: the
    clauses of the ADR's blocks that belong to it); `rules` are the checked,
    namespaced Rule objects; `scope` is "change" when they read change facts.
    `modules`: (module name or pattern, line, col) of each name the rule says must match a
    module of the tree (`govern adr lint` reports the ones that match none); `ignores`: the
    ignored imports `govern check` warns about when they match no import.
    """

    id: str
    kind: str
    adr: str
    severity: str
    message: str
    expires: date | None
    path: str
    line: int
    text: str
    rules: tuple[Rule, ...]
    scope: str = "tree"
    modules: tuple[tuple[str, int, int], ...] = ()
    # (its (importer pattern, imported pattern) alternatives, line) of each `ignore-imports` entry
    # `govern check` warns about when no import matches it (`unmatched-ignores: warn`, the default).
    ignores: tuple[tuple[tuple[tuple[str, str], ...], int], ...] = ()

    @property
    def reads_judged(self) -> bool:
        """Whether the rules read the judge's findings (finding, exemption and their base_
        versions): the rule is judged after every rule that does not (govern.verdict.judged)."""
        return any(isinstance(b, Literal) and b.atom.pred in JUDGED for r in self.rules for b in r.body)
