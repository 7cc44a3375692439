"""Python: `module(Module, Path)` for every .py file, `imports(Src, Dst)` and
`type_only_import(Src, Dst)` from its import statements, `unreadable(Path, Reason)` when
they cannot be read.

The scan (cached by blob id) decodes the bytes (facts.extractors.pysource) and lists the
import statements with their lines (facts.extractors.pyparse); the facts step names the
importing module (facts.extractors.pymodules) and resolves relative imports and
`from a.b import c` (→ `a.b.c` when that is a module of the tree, else `a.b`) against the
module set of the whole tree.
"""
from __future__ import annotations

from collections.abc import Callable

from ..derived import inside
from ..extractors.base import Context, Extractor
from ..extractors.pymodules import PATH_MODULE, module_map, module_set
from ..extractors.pyparse import ParseError, parse_imports
from ..extractors.pysource import SourceError, decode_source
from ..model import Fact, Source, new_fact, new_source
from ..tree import Entry

NAME = "python"


def wants(path: str) -> bool:
    return path.endswith(".py")


def scan(variant: str, data: bytes) -> dict:
    """The import statements of a file: {"imports": [...]} or {"error": reason}."""
    try:
        text = decode_source(data)
    except SourceError as err:
        return {"error": f"could not be decoded ({err}); govern cannot judge its imports"}
    if "import" not in text:  # keywords are ASCII: no `import` text, no import statement
        return {"imports": []}
    try:
        return {"imports": parse_imports(text)}
    except ParseError as err:
        return {"error": f"could not be parsed ({err}); govern cannot judge its imports"}


def facts(path: str, raw: dict | None, blob: str, context: Context) -> list[Fact]:
    modules, known = context.memo("python.modules", lambda: _modules(context))
    name = modules[path]
    out = [Fact("module", (name, path), Source(NAME, path, 0, blob))]
    if raw is None:
        return out
    if "error" in raw:
        return out + [Fact("unreadable", (path, raw["error"]), Source(NAME, path, 0, blob))]
    package = _package(name, path)  # None: a relative import cannot be resolved
    # The hot loop of a warm extraction (155k imports at 10,000 modules): locals only, and
    # facts built from tuples (new_fact/new_source), not through the checked constructors.
    append = out.append
    runtime: set[str] = set()
    guarded: dict[str, int] = {}  # destination -> first line of a type-only import
    unresolved = None  # the first relative import that climbs above the top-level package
    for kind, line, level, module, alias, type_only in raw["imports"]:
        dst = module if kind == "import" else _resolve(level, module, alias, package, known)
        if dst is None:
            unresolved = unresolved or (line, module, level)
        elif dst != name:  # a module importing itself says nothing about the architecture
            append(new_fact(("imports", (name, dst), new_source((NAME, path, line, blob)))))
            if not type_only:
                runtime.add(dst)
            elif dst not in guarded or line < guarded[dst]:
                guarded[dst] = line
    for dst, line in guarded.items():
        if dst not in runtime:
            append(new_fact(("type_only_import", (name, dst), new_source((NAME, path, line, blob)))))
    if unresolved:  # one fact per file: a finding's identity is (rule, path, "")
        line, module, level = unresolved
        where = "beyond the top-level package" if package is not None else "in a file that is in no package"
        reason = (f"has a relative import govern cannot resolve (line {line}: from {'.' * level}{module} import ..., "
                  f"{where}); govern cannot judge it")
        out.append(Fact("unreadable", (path, reason), Source(NAME, path, line, blob)))
    return out


def narrow(entries: list[Entry], context: Context, scope: tuple, scan: Callable[[list[Entry]], dict]) -> list[Entry]:
    """The files to parse for a facts.api.Wanted.parse scope (prefixes, patterns, required
    prefixes, required patterns, closures): when some module of the tree satisfies each
    required prefix and pattern, those whose module is under one of the prefixes or matches
    one of the patterns, and each closure's files (_closure); else every file. `scan` scans
    entries (through the blob cache) and gives {path: raw}."""
    modules, known = context.memo("python.modules", lambda: _modules(context))
    prefixes, patterns, need_prefixes, need_patterns = scope[:4]
    names = set(modules.values())
    inside_names = {n[:i] for n in names for i, c in enumerate(n) if c == "."} | names  # every module and package above one
    if not need_prefixes <= inside_names or \
            not all(any(inside(n, frozenset(), [p.split(".")]) for n in names) for p in sorted(need_patterns)):
        return entries
    compiled = [p.split(".") for p in sorted(patterns)]
    chosen = {e.path for e in entries if inside(modules[e.path], prefixes, compiled)}
    closures = scope[4] if len(scope) > 4 else ()
    if closures:
        chosen |= _closure(entries, modules, known, closures, scan)
    return [e for e in entries if e.path in chosen]


def _closure(entries: list[Entry], modules: dict[str, str], known: frozenset[str], closures, scan) -> set[str]:
    """The files of every module reachable from each closure's sources (govern.datalog.
    parse_scope.Closure: (graph, follow, prefixes, patterns)): an optimisation, exact because
    the native search keeps only those modules' edges (govern.datalog.reaches.prepare).

    In waves: the sources' files are scanned, their imports resolved as facts() resolves
    them (every import, type-only too), the files of each destination inside the closure's
    `follow` prefixes (every one when None) are scanned next, until no new file comes. A
    name can be the module of several files (`a/b.py` and `a/b/__init__.py`); a name that is
    no module (`import a.b.c` of an attribute) has none."""
    by_name: dict[str, list[Entry]] = {}
    for e in entries:
        by_name.setdefault(modules[e.path], []).append(e)
    specs = []  # (follow prefixes or None, files reached)
    frontier: dict[str, Entry] = {}
    for follow, (prefixes, patterns) in sorted(_walks(closures).items(), key=repr):
        compiled = [p.split(".") for p in sorted(patterns)]
        starts = {e.path: e for e in entries if inside(modules[e.path], prefixes, compiled)
                  and (follow is None or inside(modules[e.path], follow, []))}
        specs.append((follow, set(starts)))
        frontier.update(starts)
    while frontier:
        raws = scan(sorted(frontier.values(), key=lambda e: e.path))
        reached: dict[str, set[str]] = {}  # path -> destinations its imports name
        for path in frontier:
            raw = raws.get(path)
            if raw is not None and "imports" in raw:
                reached[path] = destinations(modules[path], path, raw["imports"], known)
        frontier = {}
        for follow, seen in specs:
            for path in sorted(seen & reached.keys()):
                for name in reached[path]:
                    if follow is not None and not inside(name, follow, []):
                        continue
                    for e in by_name.get(name, ()):
                        if e.path not in seen:
                            seen.add(e.path)
                            frontier[e.path] = e
    return set().union(*(seen for _, seen in specs)) if specs else set()


MAX_WALKS = 8  # distinct `follow` prefix sets walked apart; more (a hostile ADR's) are walked as one


def _walks(closures) -> dict[frozenset[str] | None, tuple[frozenset[str], frozenset[str]]]:
    """{follow: (source prefixes, source patterns)}: closures that follow the same prefixes are
    walked together (the closure of a union of sources is the union of their closures);
    beyond MAX_WALKS sets of prefixes, all are walked as one following their union (a
    superset: more files parsed, never fewer)."""
    out: dict = {}
    for _, follow, prefixes, patterns in closures:
        known = out.get(follow, (frozenset(), frozenset()))
        out[follow] = (known[0] | prefixes, known[1] | patterns)
    if len(out) > MAX_WALKS:
        union = None if None in out else frozenset().union(*out)
        out = {union: (frozenset().union(*(p for p, _ in out.values())), frozenset().union(*(q for _, q in out.values())))}
    return out


def destinations(name: str, path: str, found: list, known: frozenset[str]) -> set[str]:
    """The modules the import statements `found` of file `path` (module `name`) name, as
    facts() resolves them (type-only ones too; unresolvable relative imports left out)."""
    package = _package(name, path)
    out = set()
    for kind, _, level, module, alias, _ in found:
        dst = module if kind == "import" else _resolve(level, module, alias, package, known)
        if dst is not None and dst != name:
            out.add(dst)
    return out


def _package(name: str, path: str) -> str | None:
    """The package a file's relative imports start from (None: it is in no package)."""
    if name.startswith(PATH_MODULE):
        return None
    return name if path.endswith("/__init__.py") or path == "__init__.py" else name.rpartition(".")[0]


def _modules(context: Context) -> tuple[dict[str, str], frozenset[str]]:
    """{path: module atom} of the whole tree, and every dotted module name with its prefixes."""
    modules = module_map(context.paths, context.config.roots, context.config.namespace_packages)
    return modules, module_set(modules)


def _resolve(level: int, module: str, alias: str, package: str | None, known: frozenset[str]) -> str | None:
    base = module
    if level:
        if package is None:
            return None
        bits = package.split(".") if package else []
        if len(bits) < level:
            return None
        base = ".".join(bits[: len(bits) - level + 1] + ([module] if module else []))
    if alias == "*":
        return base
    candidate = f"{base}.{alias}" if base else alias
    return candidate if candidate in known or not base else base


EXTRACTOR = Extractor(
    name=NAME,
    # 3: tree-sitter-python reads every import (PEP 263 decoding, type-only flag, unreadable)
    version=3,
    relations=frozenset({"module", "imports", "type_only_import", "unreadable"}),
    data_relations=frozenset({"imports", "type_only_import", "unreadable"}),
    wants=wants,
    variant=lambda path: "py",
    scan=scan,
    facts=facts,
    narrow=narrow,
)
