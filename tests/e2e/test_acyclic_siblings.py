"""acyclic-siblings on real repositories: every import on a cycle between the children of a
checked package is a finding, in both engines; depth, skip-descendants and type-only imports
as import-linter reads them."""
from __future__ import annotations

from tests.e2e.check_support import check_json

CODE = {
    "shop/__init__.py": "",
    "shop/a/__init__.py": "",
    "shop/a/x.py": "import shop.b.y\n",  # a -> b
    "shop/b/__init__.py": "",
    "shop/b/y.py": "import shop.c\n",  # b -> c
    "shop/c/__init__.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import shop.a.x\n",  # c -> a (type-only)
    "shop/d/__init__.py": "import shop.a\n",  # d -> a: not on a cycle
    "shop/d/inner/__init__.py": "",
    "shop/d/inner/p.py": "import shop.d.inner.q\n",
    "shop/d/inner/q.py": "import shop.d.inner.p\n",  # a cycle two levels down
}


def adr(keys: str) -> str:
    return f"---\ntitle: Acyclic\nstatus: accepted\nrules:\n  - id: acyclic\n    acyclic-siblings:\n      ancestors: [shop]\n{keys}---\n"


def found(make_repo, keys: str, engine: str = "auto") -> set[tuple[str, str]]:
    repo = make_repo({**CODE, "adr/0001-acyclic.md": adr(keys)})
    code, data = check_json(repo, "--engine", engine)
    assert code == (1 if data["violations"] else 0)
    return {(v["subject"], v["target"]) for v in data["violations"]}


CYCLE = {("shop/a/x.py", "shop.b.y"), ("shop/b/y.py", "shop.c"), ("shop/c/__init__.py", "shop.a.x")}
INNER = {("shop/d/inner/p.py", "shop.d.inner.q"), ("shop/d/inner/q.py", "shop.d.inner.p")}


def test_every_import_on_a_cycle_is_a_finding_in_both_engines(make_repo):
    assert found(make_repo, "", "pydatalog") == found(make_repo, "", "clingo") == CYCLE | INNER


def test_depth_and_skipped_descendants(make_repo):
    assert found(make_repo, "      depth: 1\n") == CYCLE  # shop.d.inner is two levels down
    assert found(make_repo, "      depth: 2\n") == CYCLE | INNER
    assert found(make_repo, "      skip-descendants: [shop.d]\n") == CYCLE  # not shop.d, nor below it


def test_type_only_imports_and_ignored_imports_break_cycles(make_repo):
    assert found(make_repo, "      type-checking: false\n") == INNER
    assert found(make_repo, "      ignore-imports: ['shop.*.inner.p -> shop.**']\n") == CYCLE
