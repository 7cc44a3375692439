"""Files: `file(Path)` for every regular file of the tree (no contents read)."""
from __future__ import annotations

from ..extractors.base import Context, Extractor
from ..model import Fact, new_fact, new_source

NAME = "files"


def facts(path: str, raw: None, blob: str, context: Context) -> list[Fact]:
    return [new_fact(("file", (path,), new_source((NAME, path, 0, blob))))]  # one per file: the fast constructors


EXTRACTOR = Extractor(
    name=NAME,
    version=1,
    relations=frozenset({"file"}),
    data_relations=frozenset(),
    wants=lambda path: True,
    variant=lambda path: "",
    scan=lambda variant, data: None,
    facts=facts,
)
