"""The data every extractor produces: a fact and where it came from."""
from __future__ import annotations

from dataclasses import dataclass

Value = str | int


@dataclass(frozen=True, order=True)
class Source:
    """Where a fact was read: the extractor, the file, the 1-based line, the blob id.

    `line` is 0 when the fact is about a whole file; `blob` is "" when there is
    no blob (change facts, environment facts such as the pusher).
    """

    extractor: str
    path: str
    line: int
    blob: str = ""

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, order=True)
class Fact:
    """One ground atom of the fact vocabulary, e.g. imports("app.api", "stripe")."""

    relation: str
    args: tuple[Value, ...]
    source: Source

    def key(self) -> tuple[str, tuple[Value, ...]]:
        return (self.relation, self.args)
