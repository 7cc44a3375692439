"""Load ADR files: front matter (safe YAML + schema), datalog blocks, compiled rules.

Every problem of every file is collected; `load_adrs` raises one AdrError with all
of them, sorted, or returns a fully compiled AdrSet. A bad ADR never drops a rule
silently: it fails the whole load.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from govern.adr.document import NotClosed, split
from govern.adr.model import Adr, AdrSet
from govern.adr.safe_yaml import YamlProblem, load_yaml
from govern.adr.schema import rule_kinds, validate
from govern.errors import AdrError, Diagnostic
from govern.rules.compile import AdrSource, RuleEntry, compile_adrs

MAX_ADR_BYTES = 200_000  # real ADRs are a few KB; bounds the parse time of a hostile file
_NUMBERED = re.compile(r"(\d+)-[^/]*\.md$")
_RULE_KEYS = ("id", "message", "severity", "expires")


@dataclass(frozen=True)
class _Header:
    """What an ADR file says about itself (rules still uncompiled)."""

    adr: Adr
    source: AdrSource


def load_adrs(files: list[tuple[str, bytes, str]], defaults: Mapping[str, Any] | None = None) -> AdrSet:
    """(path, bytes, blob id) of ADR files → AdrSet; raise AdrError with every diagnostic.
    `defaults`: the rule keys `[tool.govern]` sets (Config.rule_defaults)."""
    diagnostics: list[Diagnostic] = []
    headers: list[_Header] = []
    for path, data, blob in sorted(files):
        header, problems = _read(path, data, blob)
        diagnostics += problems
        if header:
            headers.append(header)
    diagnostics += _cross_checks(headers)
    specs, problems = compile_adrs([h.source for h in headers], defaults)
    diagnostics += problems
    if diagnostics:
        raise AdrError(diagnostics)
    adrs = [replace(h.adr, rules=specs[h.adr.id]) for h in headers]
    return AdrSet(tuple(sorted(adrs, key=lambda a: a.id)))


def _cross_checks(headers: list[_Header]) -> list[Diagnostic]:
    """Unique ADR ids; `supersedes` names ADRs that exist."""
    out, seen = [], {}
    for h in headers:
        if h.adr.id in seen:
            out.append(Diagnostic(h.adr.path, 1, 1, f"duplicate ADR id {h.adr.id} (also {seen[h.adr.id]})"))
        seen.setdefault(h.adr.id, h.adr.path)
    for h in headers:
        for old in h.adr.supersedes + ((h.adr.superseded_by,) if h.adr.superseded_by else ()):
            if old == h.adr.id:
                out.append(Diagnostic(h.adr.path, 1, 1, f"{old} cannot supersede itself"))
            elif old not in seen:
                out.append(Diagnostic(h.adr.path, 1, 1, f"unknown ADR {old} (in supersedes/superseded by)"))
    return out


def _read(path: str, data: bytes, blob: str) -> tuple[_Header | None, list[Diagnostic]]:
    def problem(line: int, col: int, message: str) -> tuple[None, list[Diagnostic]]:
        return None, [Diagnostic(path, line, col, message)]

    if len(data) > MAX_ADR_BYTES:
        return problem(1, 1, f"ADR file larger than {MAX_ADR_BYTES} bytes")
    try:
        text = data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
    except UnicodeDecodeError as err:
        return problem(1, 1, f"not UTF-8: {err.reason} at byte {err.start}")
    try:
        doc = split(text)
    except NotClosed:
        return problem(1, 1, "front matter is not closed by a '---' line")
    if doc is None:
        return None, []  # no front matter: not an ADR govern reads (README, index)
    try:
        loaded = load_yaml(doc.front)
    except YamlProblem as err:
        return problem(err.line + doc.front_offset, err.col, err.message)
    off = doc.front_offset
    located = [(line + off, col, msg) for line, col, msg in loaded.duplicates]
    if not isinstance(loaded.data, dict):
        return None, [Diagnostic(path, *p) for p in located + [(1 + off, 1, "front matter must be a mapping of keys to values")]]
    errors = validate(loaded.data, loaded.positions)
    located += [(line + off, col, msg) for line, col, msg, _ in errors]
    positions = {k: (line + off, col) for k, (line, col) in loaded.positions.items()}
    # Schema errors must not hide the rest: the ADR goes on without the parts they are about,
    # so the other rules and the ```datalog blocks are still checked (the load fails anyway).
    data, skip = _salvage(loaded.data, [where for *_, where in errors])
    header, problems = _header(path, blob, data, positions, doc.blocks, skip)
    return header, [Diagnostic(path, *p) for p in located] + problems


def _salvage(data: dict, paths: list[tuple]) -> tuple[dict, set[int]]:
    """The front matter without the keys and rules that schema errors are about."""
    skip = {p[1] for p in paths if len(p) >= 2 and p[0] == "rules" and isinstance(p[1], int)}
    clean = {k: v for k, v in data.items() if not any(p[:1] == (k,) and (k != "rules" or len(p) == 1) for p in paths)}
    clean.setdefault("status", "proposed")
    clean.setdefault("title", "")
    return clean, skip


def _header(path, blob, data: dict, positions, blocks, skip: set[int] = frozenset()) -> tuple[_Header | None, list[Diagnostic]]:
    problems: list[Diagnostic] = []

    def at(key_path: tuple) -> tuple[int, int]:
        return positions.get(key_path, (1, 1))

    adr_id = data.get("id") or _id_from_name(path)
    if adr_id is None:
        problems.append(Diagnostic(path, 1, 1, "no ADR id: name the file NNNN-title.md or set `id:`"))
    status, _, by = str(data["status"]).partition(" by ")
    day = _date(data.get("date"), path, at(("date",)), problems)
    entries = tuple(e for i, item in enumerate(data.get("rules", []))
                    if i not in skip and (e := _entry(i, item, path, positions, problems)))
    if adr_id is None:
        return None, problems
    enforcement = data.get("enforcement", "block")
    adr = Adr(adr_id, data["title"], status, by or data.get("superseded-by"), tuple(_strings(data.get("supersedes"))),
              path, blob, day, tuple(_strings(data.get("deciders")) + _strings(data.get("decision-makers"))), enforcement, ())
    # Keep compiling the valid rules so that one bad rule does not hide the others' problems.
    return _Header(adr, AdrSource(adr_id, path, enforcement, entries, blocks)), problems


def _strings(value) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def _id_from_name(path: str) -> str | None:
    match = _NUMBERED.search(path.rsplit("/", 1)[-1])
    return f"ADR-{match.group(1).zfill(4)}" if match else None


def _date(value, path: str, where: tuple[int, int], problems: list[Diagnostic]) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(Diagnostic(path, *where, f"{value!r} is not a valid date (YYYY-MM-DD)"))
        return None


def _entry(i: int, item: dict, path: str, positions, problems: list[Diagnostic]) -> RuleEntry | None:
    line, col = positions.get(("rules", i), (1, 1))
    kinds = sorted(k for k in item if k not in _RULE_KEYS)
    if len(kinds) != 1:
        found = f"found {', '.join(kinds)}" if kinds else f"found none (kinds: {', '.join(rule_kinds())})"
        problems.append(Diagnostic(path, line, col, f"rule {item['id']}: exactly one rule kind expected, {found}"))
        return None
    expires = _date(item.get("expires"), path, positions.get(("rules", i, "expires"), (line, col)), problems)
    inner = {k[2:]: v for k, v in positions.items() if k[:2] == ("rules", i) and len(k) > 2}
    return RuleEntry(item["id"], kinds[0], item[kinds[0]], item.get("message"), item.get("severity"),
                     expires, line, col, inner)
