"""module_map and the module set, computed once per directory, equal the per-path reference."""
from __future__ import annotations

import keyword
import random

import pytest

from govern.facts.extractors.python import _module_set, discover_roots, module_map

PARTS = ["src", "pkg", "a", "b", "class", "my-dir", "__init__", "x y", "ünï", "", "lib", "_p", "9x", "match", "src", "pkg"]


def module_name(path: str, roots: list[str]) -> str | None:
    """The per-path reference: the dotted name of `path` under the deepest matching root."""
    for root in roots:  # deepest first
        if root and not path.startswith(root + "/"):
            continue
        parts = (path[len(root) + 1:] if root else path)[:-3].split("/")
        if parts[-1] == "__init__":
            parts.pop()
        ok = parts and all(p.isidentifier() and not keyword.iskeyword(p) for p in parts)
        return ".".join(parts) if ok else None
    return None


def reference_map(paths, configured):
    roots = discover_roots(paths, configured)
    names = {p: module_name(p, roots) for p in paths if p.endswith(".py")}
    return {p: n for p, n in names.items() if n}


def reference_set(modules):
    names = set()
    for name in modules.values():
        parts = name.split(".")
        names.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return frozenset(names)


def random_paths(rng: random.Random) -> list[str]:
    paths = set()
    for _ in range(rng.randrange(1, 60)):
        depth = rng.randrange(0, 5)
        directory = [rng.choice(PARTS) for _ in range(depth)]
        base = rng.choice(PARTS + ["m", "api", "for"]) + rng.choice([".py", ".py", ".txt", ""])
        paths.add("/".join([*directory, base]))
    return sorted(paths)


@pytest.mark.parametrize("seed", range(400))
def test_module_map_equals_reference(seed):
    rng = random.Random(seed)
    paths = random_paths(rng)
    configured = rng.choice([(), (), (".",), ("src",), ("src", "lib/"), ("pkg/a",)])
    modules = module_map(paths, configured)
    assert modules == reference_map(paths, configured)
    assert list(modules) == list(reference_map(paths, configured))  # same order
    assert _module_set(modules) == reference_set(modules)


def test_edge_paths():
    paths = ["__init__.py", ".py", "src/__init__.py", "src/pkg/__init__.py", "src/pkg/class.py", "src/ns/mod.py",
             "a/.py", "x.py", "src/lib/src/deep.py", "if/x.py"]
    assert module_map(paths, ()) == reference_map(paths, ())
    assert not any(keyword.iskeyword(part) for name in module_map(paths, ()).values() for part in name.split("."))
