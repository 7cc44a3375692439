"""module_map and the module set, computed once per directory, equal the per-path reference."""
from __future__ import annotations

import random

import pytest

from govern.facts.extractors.pymodules import discover_roots, module_map, module_set

PARTS = ["src", "pkg", "a", "b", "class", "my-dir", "__init__", "x y", "ünï", "", "lib", "_p", "9x", "match", "src",
         "pkg", "0001_initial", "v1.0", ".hidden", "a\udcff", "tab\t"]


def module_name(path: str, roots: list[str], present: set[str] | None) -> str:
    """The per-path reference: the dotted name of `path` under the deepest matching root,
    else the path itself behind a slash."""
    for root in roots:  # deepest first
        if root and not path.startswith(root + "/"):
            continue
        parts = (path[len(root) + 1:] if root else path)[:-3].split("/")
        dirs, stem = parts[:-1], parts[-1]
        ok = all(p.isidentifier() for p in dirs)
        if present is not None:  # grimp: no directory without __init__.py inside one that has it
            inits = ["/".join(([root] if root else []) + dirs[:i + 1]) + "/__init__.py" in present for i in range(len(dirs))]
            ok = ok and all(inits[i] or not any(inits[:i]) for i in range(len(dirs)))
        if stem == "__init__":
            ok = ok and bool(dirs)
        else:
            ok = ok and stem != "" and "." not in stem and stem.isprintable()
            dirs = dirs + [stem]
        return ".".join(dirs) if ok else "/" + path
    return "/" + path


def reference_map(paths, configured, namespace=True):
    roots = discover_roots(paths, configured)
    present = None if namespace else set(paths)
    return {p: module_name(p, roots, present) for p in paths if p.endswith(".py")}


def reference_set(modules):
    names = set()
    for name in modules.values():
        if name.startswith("/"):
            continue
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
    namespace = rng.random() < 0.7
    modules = module_map(paths, configured, namespace)
    assert modules == reference_map(paths, configured, namespace)
    assert list(modules) == list(reference_map(paths, configured, namespace))  # same order
    assert module_set(modules) == reference_set(modules)


def test_every_py_file_has_a_module_and_path_names_never_collide():
    paths = ["refund-job.py", "v1.0/pay.py", "-x.py", "app/__init__.py", "app/migrations/0001_initial.py",
             "app/migrations/__init__.py", ".hidden.py", "a.b.py", "a/b.py", "__init__.py", "my-scripts/run.py"]
    modules = module_map(paths, ())
    assert modules == {
        "refund-job.py": "refund-job", "v1.0/pay.py": "/v1.0/pay.py", "-x.py": "-x", "app/__init__.py": "app",
        "app/migrations/0001_initial.py": "app.migrations.0001_initial", "app/migrations/__init__.py": "app.migrations",
        ".hidden.py": "/.hidden.py", "a.b.py": "/a.b.py", "a/b.py": "a.b", "__init__.py": "/__init__.py",
        "my-scripts/run.py": "/my-scripts/run.py",
    }
    assert len(set(modules.values())) == len(modules)


def test_src_is_a_root_only_at_the_top():
    paths = ["src/app/__init__.py", "src/app/src/core.py", "lib/src/x.py", "pkg/__init__.py", "pkg/src/y.py"]
    assert discover_roots(paths, ()) == ["src", ""]
    assert module_map(paths, ()) == {"src/app/__init__.py": "app", "src/app/src/core.py": "app.src.core",
                                     "lib/src/x.py": "lib.src.x", "pkg/__init__.py": "pkg", "pkg/src/y.py": "pkg.src.y"}
    assert discover_roots(["src/__init__.py", "src/a.py"], ()) == [""]  # src/ is a package itself


def test_namespace_packages_off_is_grimps_view():
    # grimp 3.20: a namespace package (ns/, ns/deep/) above every __init__.py is a package, one
    # inside a regular package (app/sub/, ns/reg/inner/) is not.
    paths = ["app/__init__.py", "app/sub/x.py", "app/pkg/__init__.py", "app/pkg/y.py", "top.py", "ns/z.py",
             "ns/deep/w.py", "ns/reg/__init__.py", "ns/reg/inner/v.py"]
    assert module_map(paths, (), namespace_packages=False) == {
        "app/__init__.py": "app", "app/sub/x.py": "/app/sub/x.py", "app/pkg/__init__.py": "app.pkg",
        "app/pkg/y.py": "app.pkg.y", "top.py": "top", "ns/z.py": "ns.z", "ns/deep/w.py": "ns.deep.w",
        "ns/reg/__init__.py": "ns.reg", "ns/reg/inner/v.py": "/ns/reg/inner/v.py"}
    assert module_map(paths, ())["app/sub/x.py"] == "app.sub.x"
