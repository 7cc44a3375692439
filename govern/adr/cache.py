"""Compiled ADR sets on disk, so that a warm `govern check` never imports the ADR parsers.

Loading ADRs needs YAML, JSON Schema, markdown-it and the rule parser: ~150 ms of
imports before the first ADR is read. The result of `load_adrs` depends only on the ADR
files' paths and contents (blob ids) and on the code that parses them, so it is stored
under `<git common dir>/govern/adrs/v2/<key>.json`, the key hashing the (path, blob id)
list, govern's version and the size and mtime of govern's ADR-compiling modules and of
the parsers' packages (an edited rule kind or an upgraded parser invalidates it). A
failed load is stored too, as its diagnostics, and raised again as the same AdrError.

Plain JSON, never pickle: a server hook reads these files. Anything unreadable, of
another format or key, or malformed in any way is a miss (the ADRs are parsed again),
never a crash. Files are written whole to a temporary name and moved into place with
`os.replace`; the oldest beyond `KEEP` are removed.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from pathlib import Path

import govern
from govern.facts.cache import atomic_write
from govern.adr.model import Adr, AdrSet
from govern.datalog.model import Aggregate, Atom, Comparison, Const, Literal, Origin, Rule, Var
from govern.errors import AdrError, Diagnostic
from govern.rules.spec import RuleSpec

FORMAT = "v4"
KEEP = 32  # ADR sets kept per repository (a server judges a few rule trees at most)
_GOVERN = Path(govern.__file__).parent
# The code a compiled ADR set depends on, besides the ADR files themselves.
_CODE = ("adr", "rules", "rules/kinds", "datalog/model.py", "vocabulary.py")
_PARSERS = ("frontmatter", "jsonschema", "markdown_it", "yaml")  # found, never imported, for the key

Files = list[tuple[str, str]]  # (path, blob id) of the ADR files


def cache_key(files: Files, settings: list | None = None) -> str:
    """The key of an ADR set: its (path, blob id) list, the format, govern's version and code,
    and the `[tool.govern]` rule defaults it was compiled with (`settings`, when any)."""
    parts = [FORMAT, govern.__version__, _code_fingerprint(), sorted(files)] + ([settings] if settings else [])
    data = json.dumps(parts)
    return hashlib.sha256(data.encode("ascii")).hexdigest()


@lru_cache(maxsize=1)
def _code_fingerprint() -> list:
    """(name, size, mtime) of the modules that parse and compile ADRs, and of the parsers' packages."""
    out = []
    for part in _CODE:
        path = _GOVERN / part
        entries = sorted(os.scandir(path), key=lambda e: e.name) if path.is_dir() else [path]
        for entry in entries:
            if entry.name.endswith((".py", ".json")):
                st = entry.stat()
                out.append([f"{part}/{entry.name}", st.st_size, st.st_mtime_ns])
    for name in _PARSERS:
        spec = importlib.util.find_spec(name)
        st = os.stat(spec.origin) if spec and spec.origin else None
        out.append([name, spec.origin if spec else None, st.st_size if st else 0, st.st_mtime_ns if st else 0])
    return out


def load_cached(directory: Path, files: Files, load: Callable[[], AdrSet], settings: list | None = None) -> AdrSet:
    """The ADR set of `files` (compiled with `settings`), from `directory` when stored there,
    else `load()` (then stored)."""
    key = cache_key(files, settings)
    path = directory / FORMAT / f"{key}.json"
    try:
        entry = json.loads(path.read_bytes())
        found = _decode(entry, key)
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        found = None  # missing, corrupt or foreign: load afresh
    if isinstance(found, AdrError):
        raise found
    if found is not None:
        return found
    try:
        adrs = load()
    except AdrError as err:
        _store(path, {"format": FORMAT, "key": key, "error": [[d.path, d.line, d.col, d.message] for d in err.diagnostics]})
        raise
    _store(path, {"format": FORMAT, "key": key, "adrs": _encode(adrs)})
    return adrs


def _store(path: Path, entry: dict) -> None:
    """Write `entry` atomically; a cache that cannot be written is only a lost speed-up."""
    data = json.dumps(entry, separators=(",", ":"), sort_keys=True).encode("ascii")
    try:
        atomic_write(path, data)
        _prune(path.parent)
    except OSError:
        pass


def _prune(directory: Path) -> None:
    stored = sorted(directory.glob("*.json"), key=lambda p: (p.stat().st_mtime_ns, p.name))
    for old in stored[:-KEEP]:
        old.unlink(missing_ok=True)


# Encoding: plain lists. Rules are kept in one table and referenced by index, so that a
# clause shared by several RuleSpecs (a helper) is one object again after decoding.

def _encode(adrs: AdrSet) -> dict:
    table: dict[int, int] = {}
    rules: list = []

    def rule_ref(rule: Rule) -> int:
        if id(rule) not in table:
            table[id(rule)] = len(rules)
            rules.append(_encode_rule(rule))
        return table[id(rule)]

    encoded = [[a.id, a.title, a.status, a.superseded_by, list(a.supersedes), a.path, a.blob, _day(a.date),
                list(a.deciders), a.enforcement,
                [[s.id, s.kind, s.adr, s.severity, s.message, _day(s.expires), s.path, s.line, s.text,
                  [rule_ref(r) for r in s.rules], s.scope, [list(m) for m in s.modules], [[[list(e) for e in group], line] for group, line in s.ignores]]
                 for s in a.rules]]
               for a in adrs]
    return {"adrs": encoded, "rules": rules}


def _encode_rule(rule: Rule) -> list:
    body = [["l", _encode_atom(b.atom), b.negated] if isinstance(b, Literal)
            else ["a", b.op, _encode_term(b.result), b.pred, [v.name for v in b.group], b.width, b.text]
            if isinstance(b, Aggregate)
            else ["c", b.op, _encode_term(b.left), _encode_term(b.right)] for b in rule.body]
    o = rule.origin
    return [_encode_atom(rule.head), body, [o.adr, o.rule, o.path, o.line, o.text]]


def _encode_atom(atom: Atom) -> list:
    return [atom.pred, [_encode_term(t) for t in atom.args]]


def _encode_term(term) -> list:
    return ["v", term.name] if isinstance(term, Var) else ["c", term.value]


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _decode(entry: dict, key: str) -> AdrSet | AdrError | None:
    """The stored ADR set (or the AdrError of a failed load); None when not this key's entry."""
    if entry.get("format") != FORMAT or entry.get("key") != key:
        return None
    if "error" in entry:
        return AdrError([Diagnostic(_str(p), _int(line), _int(col), _str(msg)) for p, line, col, msg in entry["error"]])
    data = entry["adrs"]
    rules = tuple(_decode_rule(r) for r in data["rules"])
    adrs = []
    for aid, title, status, by, supersedes, path, blob, day, deciders, enforcement, specs in data["adrs"]:
        decoded = tuple(RuleSpec(_str(sid), _str(kind), _str(adr), _str(sev), _str(msg), _date(expires), _str(spath),
                                 _int(line), _str(text), tuple(rules[_int(i)] for i in refs), _str(scope),
                                 tuple((_str(m), _int(ml), _int(mc)) for m, ml, mc in modules),
                                 tuple((tuple((_str(a), _str(b)) for a, b in group), _int(il)) for group, il in ignores))
                        for sid, kind, adr, sev, msg, expires, spath, line, text, refs, scope, modules, ignores in specs)
        adrs.append(Adr(_str(aid), _str(title), _str(status), _opt_str(by), tuple(map(_str, supersedes)), _str(path),
                        _str(blob), _date(day), tuple(map(_str, deciders)), _str(enforcement), decoded))
    return AdrSet(tuple(adrs))


def _decode_rule(data: list) -> Rule:
    head, body, (adr, rule_id, path, line, text) = data
    items = tuple(Literal(_decode_atom(b[1]), _bool(b[2])) if b[0] == "l"
                  else Comparison(_str(b[1]), _decode_term(b[2]), _decode_term(b[3])) if b[0] == "c"
                  else Aggregate(_str(b[1]), _decode_term(b[2]), _str(b[3]), tuple(Var(_str(v)) for v in b[4]),
                                 _int(b[5]), _str(b[6])) if b[0] == "a"
                  else _bad(b) for b in body)
    return Rule(_decode_atom(head), items, Origin(_str(adr), _str(rule_id), _str(path), _int(line), _str(text)))


def _decode_atom(data: list) -> Atom:
    pred, args = data
    return Atom(_str(pred), tuple(_decode_term(t) for t in args))


def _decode_term(data: list) -> Var | Const:
    tag, value = data
    if tag == "v":
        return Var(_str(value))
    if tag == "c" and (isinstance(value, str) or type(value) is int):
        return Const(value)
    return _bad(data)


def _str(value) -> str:
    return value if isinstance(value, str) else _bad(value)


def _opt_str(value) -> str | None:
    return None if value is None else _str(value)


def _int(value) -> int:
    return value if type(value) is int else _bad(value)


def _bool(value) -> bool:
    return value if isinstance(value, bool) else _bad(value)


def _date(value) -> date | None:
    return None if value is None else date.fromisoformat(_str(value))


def _bad(value):
    raise ValueError(f"malformed ADR cache entry near {value!r:.40}")
