"""Ownership: `owner(Path, Owner)` from the effective CODEOWNERS file.

GitHub reads the first of `.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS`; the
last matching line wins and a line without owners clears ownership. Matching is the
`codeowners` library (a port of hmarr/codeowners' GitHub-compatible matcher). The
fact's source is the matching CODEOWNERS line; owners lose their leading '@'.
"""
from __future__ import annotations

from ..extractors.base import Context, Extractor
from ..model import Fact, Source

NAME = "codeowners"
CANDIDATES = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")  # GitHub's precedence


def scan(variant: str, data: bytes) -> str:
    return data.decode("utf-8", "replace")


def facts(path: str, raw: str | None, blob: str, context: Context) -> list[Fact]:
    effective = next((c for c in CANDIDATES if c in context.path_set), None)
    if raw is None or path != effective:
        return []
    from codeowners import CodeOwners  # imported only when a CODEOWNERS file is read

    try:
        rules = CodeOwners(raw)
    except ValueError as err:  # e.g. an unterminated character class
        return [Fact("parse_error", (path, str(err)), Source(NAME, path, 0, blob))]
    out = []
    for target in context.paths:
        owners, line, _, _ = rules.matching_line(target)
        out += [Fact("owner", (target, owner.removeprefix("@")), Source(NAME, path, line or 0, blob)) for _, owner in owners]
    return out


EXTRACTOR = Extractor(
    name=NAME,
    version=1,
    relations=frozenset({"owner", "parse_error"}),
    data_relations=frozenset({"owner"}),
    wants=lambda path: path in CANDIDATES,
    variant=lambda path: "codeowners",
    scan=scan,
    facts=facts,
)
