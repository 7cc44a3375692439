"""Adr and AdrSet: the loaded decisions, with their compiled rules."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from govern.rules.spec import RuleSpec


@dataclass(frozen=True)
class Adr:
    """One ADR file. `status` is one of proposed/accepted/deprecated/superseded/rejected."""

    id: str
    title: str
    status: str
    superseded_by: str | None
    supersedes: tuple[str, ...]
    path: str
    blob: str
    date: date | None
    deciders: tuple[str, ...]
    enforcement: str
    rules: tuple[RuleSpec, ...]


@dataclass(frozen=True)
class AdrSet:
    """Every ADR of a tree, sorted by id."""

    adrs: tuple[Adr, ...] = ()

    def __iter__(self) -> Iterator[Adr]:
        return iter(self.adrs)

    def __len__(self) -> int:
        return len(self.adrs)

    def get(self, adr_id: str) -> Adr | None:
        return next((a for a in self.adrs if a.id == adr_id), None)

    def rules(self) -> list[RuleSpec]:
        """Every RuleSpec of every ADR (ADR order, then file order)."""
        return [spec for adr in self.adrs for spec in adr.rules]

    def rule(self, rule_id: str) -> RuleSpec | None:
        return next((s for s in self.rules() if s.id == rule_id), None)

    def blobs(self) -> dict[str, str]:
        """ADR id → blob id (for verdict notes)."""
        return {a.id: a.blob for a in self.adrs}
