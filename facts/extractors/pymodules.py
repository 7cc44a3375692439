"""Module names of a tree's Python files, as Python (or grimp) sees them.

Every `.py` file gets a module atom, so that `module(M, F)` and `imports(M, D)` cover every
file a path-scoped rule may judge (issue #10, item 4):

* a file below an import root whose directories are identifiers (and packages, see
  `namespace_packages`) and whose file name has no dot besides `.py` is the dotted module
  `pkg.sub.name` (`__init__.py` names its package). Like grimp and `importlib`, the last
  part need not be an identifier: `0001_initial.py` is `app.migrations.0001_initial`,
  `refund-job.py` is `refund-job`;
* any other file (`v1.0/pay.py`, `.hidden.py`, `a.b.py`, a directory `my-scripts/`, a file
  outside every configured root, a name that is no printable text) is named by its path
  with a leading slash: `/v1.0/pay.py`. No dotted module name holds a `/`, so the two kinds
  never collide, and such a name is never `under` a module prefix.
"""
from __future__ import annotations

import posixpath

PATH_MODULE = "/"  # the first character of a module atom named by its path


def discover_roots(paths: list[str], configured: tuple[str, ...]) -> list[str]:
    """Import roots, deepest first: the configured ones, or the top of the tree plus a
    top-level `src/` that is no package (a `src/` deeper down is never guessed: it may sit
    inside a package, where it is an ordinary subpackage)."""
    if configured:
        roots = {"" if r in (".", "/", "") else r for r in (posixpath.normpath(c).strip("/") or "." for c in configured)}
    else:
        present = set(paths)
        has_src = any(p.startswith("src/") for p in paths)
        roots = {""} | ({"src"} if has_src and "src/__init__.py" not in present else set())
    return sorted(roots, key=lambda r: (-(r.count("/") + bool(r)), r))


def module_map(paths: list[str], configured: tuple[str, ...], namespace_packages: bool = True) -> dict[str, str]:
    """{path: module atom} for every .py path (see the module docstring). Each directory's
    package name is found once, not per file. With `namespace_packages` False (grimp's
    view), a directory below a root is a package only when it has an `__init__.py`."""
    roots = discover_roots(paths, configured)
    present = frozenset(paths) if not namespace_packages else None
    packages: dict[str | None, str | None] = {}  # directory -> dotted name below its root ("" at a root) or None
    out = {}
    for path in paths:
        if not path.endswith(".py"):
            continue
        slash = path.rfind("/")
        directory, base = (path[:slash], path[slash + 1:]) if slash >= 0 else (None, path)
        if directory not in packages:
            packages[directory] = _package(directory, roots, present)
        package, stem = packages[directory], base[:-3]
        name = None
        if package is None:
            pass
        elif stem == "__init__":
            name = package or None
        elif stem and "." not in stem and stem.isprintable():
            name = f"{package}.{stem}" if package else stem
        out[path] = name or PATH_MODULE + path
    return out


def _package(directory: str | None, roots: list[str], present: frozenset[str] | None) -> str | None:
    """The dotted name of `directory` (None: the top of the tree) below the deepest root
    holding it, or None (no root holds it, a part is no identifier, or - `present` given -
    a directory without `__init__.py` is inside one that has it: grimp takes a namespace
    package as a root package and namespace portions below it, never inside a regular package)."""
    for root in roots:  # deepest first
        if not root:
            parts = [] if directory is None else directory.split("/")
        elif directory is None or not (directory + "/").startswith(root + "/"):
            continue
        else:
            parts = [] if directory == root else directory[len(root) + 1:].split("/")
        if not all(p.isidentifier() for p in parts):
            return None
        if present is not None:  # grimp's view: no namespace package inside a regular one
            prefix, regular = f"{root}/" if root else "", False
            for i in range(len(parts)):
                init = prefix + "/".join(parts[: i + 1]) + "/__init__.py" in present
                if regular and not init:
                    return None
                regular = regular or init
        return ".".join(parts)
    return None


def module_set(modules: dict[str, str]) -> frozenset[str]:
    """Every dotted module name and its dotted prefixes (the packages, namespace ones too);
    path-named atoms are left out (nothing imports them by name)."""
    names: set[str] = set()
    for name in modules.values():
        if name.startswith(PATH_MODULE):
            continue
        while name and name not in names:  # a known name has its prefixes in already
            names.add(name)
            name = name.rpartition(".")[0]
    return frozenset(names)
