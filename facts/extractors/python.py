"""Python: `module(Module, Path)` from paths, `imports(Src, Dst)` from import statements.

The scan (cached by blob id) lists the import statements with their lines; the
facts step names the importing module and resolves relative imports and
`from a.b import c` (→ `a.b.c` when that is a module of the tree, else `a.b`)
against the module set of the whole tree.
"""
from __future__ import annotations

import ast
import keyword
import posixpath

from ..extractors.base import Context, Extractor
from ..extractors.pyscan import scan_imports
from ..model import Fact, Source, new_fact, new_source

NAME = "python"
# Statement lists that can hold an import: imports are statements, so the walk
# never descends into expressions (cheaper than ast.walk).
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def wants(path: str) -> bool:
    return path.endswith(".py")


def scan(variant: str, data: bytes) -> dict:
    """The import statements of a file: {"imports": [...]} or {"error": message}.

    The import scanner (pyscan) reads only the import statements; when it gives
    up, the whole file is parsed with ast, which is exact or names the error.
    """
    if b"import" not in data:
        return {"imports": []}  # no import keyword, nothing to find
    found = scan_imports(data)
    if found is not None:
        return {"imports": found}
    return parse_imports(data)


def parse_imports(data: bytes) -> dict:
    """The import statements of a file by a full ast parse (the reference)."""
    try:
        tree = ast.parse(data)  # bytes: honours the coding cookie and a BOM
    except SyntaxError as err:
        return {"error": f"line {err.lineno or 0}: {err.msg}"}
    except (ValueError, UnicodeError) as err:
        return {"error": str(err)}
    except RecursionError:
        return {"error": "too deeply nested to parse"}
    except MemoryError:
        return {"error": "out of memory while parsing"}
    return {"imports": _imports(tree)}


def _imports(tree: ast.Module) -> list[list]:
    found: list[list] = []
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import):
            found.extend(["import", alias.lineno, 0, alias.name, ""] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.extend(["from", alias.lineno, node.level, node.module or "", alias.name] for alias in node.names)
        else:
            for field in _BODIES:
                stack.extend(getattr(node, field, ()))
    return sorted(found)


def discover_roots(paths: list[str], configured: tuple[str, ...]) -> list[str]:
    """Import roots, deepest first: the configured ones, or "" plus every `src/` that is no package."""
    if configured:
        roots = {"" if r in (".", "/", "") else r for r in (posixpath.normpath(c).strip("/") or "." for c in configured)}
    else:
        present = set(paths)
        dirs = {"/".join(p.split("/")[: i + 1]) for p in paths for i, part in enumerate(p.split("/")[:-1]) if part == "src"}
        roots = {""} | {d for d in dirs if d + "/__init__.py" not in present}
    return sorted(roots, key=lambda r: (-(r.count("/") + bool(r)), r))


def module_map(paths: list[str], configured: tuple[str, ...]) -> dict[str, str]:
    """{path: module name} for every .py path that is importable from its deepest root:
    the path below the root, dotted, without `.py` (a package's `__init__.py` names the
    package), when every part is an identifier and no keyword. Each directory's root and
    dotted name are found once, not per file."""
    roots = discover_roots(paths, configured)
    packages: dict[str | None, str | None] = {}  # directory -> dotted name below its root ("" at a root) or None
    out = {}
    for path in paths:
        if not path.endswith(".py"):
            continue
        slash = path.rfind("/")
        directory, base = (path[:slash], path[slash + 1:]) if slash >= 0 else (None, path)
        if directory not in packages:
            packages[directory] = _package(directory, roots)
        package, stem = packages[directory], base[:-3]
        if package is None:
            continue
        if stem == "__init__":
            name = package
        elif stem.isidentifier() and not keyword.iskeyword(stem):
            name = f"{package}.{stem}" if package else stem
        else:
            continue
        if name:
            out[path] = name
    return out


def _package(directory: str | None, roots: list[str]) -> str | None:
    """The dotted name of `directory` (None: the top of the tree) below the deepest root
    holding it, or None (no root holds it, or a part is no identifier)."""
    for root in roots:  # deepest first
        if not root:
            parts = [] if directory is None else directory.split("/")
        elif directory is None or not (directory + "/").startswith(root + "/"):
            continue
        else:
            parts = [] if directory == root else directory[len(root) + 1:].split("/")
        ok = all(p.isidentifier() and not keyword.iskeyword(p) for p in parts)
        return ".".join(parts) if ok else None
    return None


def _module_set(modules: dict[str, str]) -> frozenset[str]:
    # Every dotted prefix too: directories without __init__.py are namespace packages.
    names: set[str] = set()
    for name in modules.values():
        while name and name not in names:  # a known name has its prefixes in already
            names.add(name)
            name = name.rpartition(".")[0]
    return frozenset(names)


def facts(path: str, raw: dict | None, blob: str, context: Context) -> list[Fact]:
    modules, known = context.memo("python.modules", lambda: _modules(context))
    name = modules.get(path)
    out = [Fact("module", (name, path), Source(NAME, path, 0, blob))] if name else []
    if raw is None:
        return out
    if "error" in raw:
        return out + [Fact("parse_error", (path, raw["error"]), Source(NAME, path, 0, blob))]
    if name is None:
        return out  # not importable from any root: nothing names it as a source
    package = name if path.endswith("/__init__.py") or path == "__init__.py" else name.rpartition(".")[0]
    # The hot loop of a warm extraction (155k imports at 10,000 modules): locals only, and
    # facts built from tuples (new_fact/new_source), not through the checked constructors.
    append = out.append
    for kind, line, level, module, alias in raw["imports"]:
        dst = module if kind == "import" else _resolve(kind, level, module, alias, package, known)
        if dst is None:
            append(Fact("parse_error", (path, f"line {line}: relative import beyond top-level package"), Source(NAME, path, line, blob)))
        elif dst != name:  # a module importing itself says nothing about the architecture
            append(new_fact(("imports", (name, dst), new_source((NAME, path, line, blob)))))
    return out


def _modules(context: Context) -> tuple[dict[str, str], frozenset[str]]:
    """{path: module name} of the whole tree, and every module name with its dotted prefixes."""
    modules = module_map(context.paths, context.config.roots)
    return modules, _module_set(modules)


def _resolve(kind: str, level: int, module: str, alias: str, package: str, known: frozenset[str]) -> str | None:
    if kind == "import":
        return module
    base = module
    if level:
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
    version=2,  # 2: the import scanner (syntax errors outside imports are no longer reported)
    relations=frozenset({"module", "imports", "parse_error"}),
    data_relations=frozenset({"imports", "parse_error"}),
    wants=wants,
    variant=lambda path: "py",
    scan=scan,
    facts=facts,
)
