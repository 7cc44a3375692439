"""The extractor protocol and the context every extractor receives."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..config import FactsConfig
from ..model import Fact
from ..tree import Entry

Raw = Any  # what `scan` returns: JSON-compatible, depends only on (variant, bytes)


@dataclass(frozen=True)
class Extractor:
    """One small fact extractor.

    Extraction has two steps so that the costly one is cached by blob id:
    `scan(variant, data)` reads the bytes (it must not depend on the path beyond
    `variant(path)`), and `facts(path, raw, blob, context)` turns the scan into facts
    for this path, cheaply, with what it needs of the whole tree from `context`.
    `data_relations` are the relations that need the bytes at all: when none of
    them is wanted, `facts` gets `raw=None` and no blob is read.
    """

    name: str
    version: int
    relations: frozenset[str]
    data_relations: frozenset[str]
    wants: Callable[[str], bool]
    variant: Callable[[str], str]
    scan: Callable[[str, bytes], Raw]
    facts: Callable[[str, Raw, str, "Context"], list[Fact]]
    # The entries worth scanning for a facts.api.Wanted.parse scope (None: every entry); its
    # last argument scans entries ({path: raw}, through the cache) for a scope read in waves.
    narrow: Callable[[list[Entry], "Context", tuple, Callable[[list[Entry]], dict]], list[Entry]] | None = None

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"

    def extract(self, path: str, data: bytes | None, blob: str, context: "Context") -> list[Fact]:
        """Both steps at once, uncached (tests and simple callers)."""
        raw = None if data is None else self.scan(self.variant(path), data)
        return self.facts(path, raw, blob, context)


class Context:
    """The whole tree as extractors see it: config, every path, and other files' scans."""

    def __init__(self, config: FactsConfig, entries: list[Entry], scan: Callable[[str, str], Raw | None]) -> None:
        self.config = config
        self.paths = [e.path for e in entries]
        self.path_set = frozenset(self.paths)
        self.blobs = {e.path: e.blob for e in entries}
        self._scan = scan
        self._memo: dict[str, object] = {}

    def scan(self, extractor: str, path: str) -> Raw | None:
        """The scan of another file of the tree by `extractor` (None if absent or skipped)."""
        return self._scan(extractor, path) if path in self.path_set else None

    def memo(self, key: str, compute: Callable[[], object]) -> object:
        """A whole-tree value computed once per extraction (e.g. the module map)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]
