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

from ..derived import segments_match
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
    if name.startswith(PATH_MODULE):
        package = None  # no package: a relative import cannot be resolved
    else:
        package = name if path.endswith("/__init__.py") or path == "__init__.py" else name.rpartition(".")[0]
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


def narrow(entries: list[Entry], context: Context, scope: tuple[frozenset[str], ...]) -> list[Entry]:
    """The files to parse for a facts.api.Wanted.parse scope (prefixes, patterns, required
    prefixes, required patterns): those whose module is under one of the prefixes or matches
    one of the patterns, when some module of the tree satisfies each required prefix and
    pattern; else every file."""
    modules, _ = context.memo("python.modules", lambda: _modules(context))
    prefixes, patterns, need_prefixes, need_patterns = scope
    names = set(modules.values())
    inside = {n[:i] for n in names for i, c in enumerate(n) if c == "."} | names  # every module and package above one
    if not need_prefixes <= inside or \
            not all(any(_inside(n, frozenset(), [p.split(".")]) for n in names) for p in sorted(need_patterns)):
        return entries
    compiled = [p.split(".") for p in sorted(patterns)]
    return [e for e in entries if _inside(modules[e.path], prefixes, compiled)]


def _inside(name: str, prefixes: frozenset[str], patterns: list[list[str]]) -> bool:
    """Whether `name` is one of the prefixes or inside one, or matches one of the patterns."""
    if name in prefixes:
        return True
    dot = name.find(".")
    while dot != -1:
        if name[:dot] in prefixes:
            return True
        dot = name.find(".", dot + 1)
    return any(segments_match(parts, name.split(".")) for parts in patterns)


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
