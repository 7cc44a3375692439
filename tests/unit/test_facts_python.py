"""Python extractor: modules, imports and their resolution, hostile sources."""
from __future__ import annotations

from govern.facts.api import Wanted, extract
from govern.facts.config import FactsConfig
from govern.facts.extractors import python
from govern.facts.tree import CommitTree, MemoryTree

WANT = Wanted(frozenset({"module", "imports", "parse_error"}))


def run(files: dict[str, str | bytes], config: FactsConfig = FactsConfig()):
    tree = MemoryTree({p: d.encode() if isinstance(d, str) else d for p, d in files.items()})
    return extract(tree, config, WANT, workers=1)


def rel(facts, relation):
    return sorted(f.args for f in facts if f.relation == relation)


def test_modules_src_layout_packages_and_namespaces():
    facts = run({
        "src/app/__init__.py": "",
        "src/app/api/__init__.py": "",
        "src/app/api/views.py": "",
        "src/ns/plugin/__init__.py": "",  # ns: a namespace package (no __init__.py)
        "setup.py": "",
        "tests/test_x.py": "",
        "my-scripts/run.py": "",  # not importable: no module
        "src/pkg-data/x.py": "",
    })
    assert rel(facts, "module") == [
        ("app", "src/app/__init__.py"), ("app.api", "src/app/api/__init__.py"),
        ("app.api.views", "src/app/api/views.py"), ("ns.plugin", "src/ns/plugin/__init__.py"),
        ("setup", "setup.py"), ("tests.test_x", "tests/test_x.py"),
    ]


def test_configured_roots_replace_discovery():
    facts = run({"lib/a/__init__.py": "", "src/b.py": ""}, FactsConfig(roots=("lib",)))
    assert rel(facts, "module") == [("a", "lib/a/__init__.py")]
    facts = run({"a/b.py": ""}, FactsConfig(roots=(".",)))
    assert rel(facts, "module") == [("a.b", "a/b.py")]


def test_imports_forms_and_resolution():
    facts = run({
        "pkg/__init__.py": "from . import sub\nfrom .sub import deep\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/deep.py": "from .. import util\nfrom ..util import helper\nfrom ... import nothing\n",
        "pkg/util.py": (
            "import os.path, json as j\n"
            "from pkg.sub import deep, not_a_module\n"
            "from pkg.sub.deep import *\n"
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    import stripe\n"
            "try:\n    import ujson\nexcept ImportError:\n    import simplejson\n"
            "def f():\n    import requests\n"
            "class C:\n    def m(self):\n        from . import sub\n"
            "'''import in_docstring'''\n"
            "s = 'import in_string'\n"
            "# import in_comment\n"
            "from pkg import (\n    sub,\n    util,\n)\n"
        ),
    })
    imports = {(f.args, f.source.line) for f in facts if f.relation == "imports"}
    assert {a for a, _ in imports} == {
        ("pkg", "pkg.sub"), ("pkg", "pkg.sub.deep"),
        ("pkg.sub.deep", "pkg.util"),
        ("pkg.util", "os.path"), ("pkg.util", "json"), ("pkg.util", "pkg.sub.deep"), ("pkg.util", "pkg.sub"),
        ("pkg.util", "typing"), ("pkg.util", "stripe"), ("pkg.util", "ujson"), ("pkg.util", "simplejson"),
        ("pkg.util", "requests"),
    }
    assert (("pkg.util", "stripe"), 6) in imports and (("pkg.util", "requests"), 12) in imports
    assert (("pkg.util", "pkg.sub"), 20) in imports  # each name of a parenthesised import has its line
    assert rel(facts, "parse_error") == [("pkg/sub/deep.py", "line 3: relative import beyond top-level package")]


def test_relative_import_in_top_level_module_is_reported():
    facts = run({"solo.py": "from . import x\n"})
    assert rel(facts, "imports") == []
    assert rel(facts, "parse_error") == [("solo.py", "line 1: relative import beyond top-level package")]


def test_hostile_sources_give_parse_errors_and_others_still_extracted():
    facts = run({
        "nested.py": "from a import " + "(" * 5000 + "b" + ")" * 5000 + "\n",
        "deep.py": "import os\nx = " + "(" * 5000 + ")" * 5000 + "\n",  # not an import: never parsed
        "syntax.py": "import os,\n",
        "undecodable.py": b"import os\nx = '\xff\xfe'\n",
        "badcookie.py": b"# -*- coding: no-such-codec -*-\nimport os\n",
        "nul.py": b"import os\x00\n",
        "binary.py": bytes(range(256)) + b"import",
        "good.py": "import json\n",
    })
    errors = dict(rel(facts, "parse_error"))
    assert set(errors) == {"nested.py", "syntax.py", "undecodable.py", "badcookie.py", "nul.py", "binary.py"}
    assert "too many nested parentheses" in errors["nested.py"]
    assert errors["syntax.py"].startswith("line 1:")
    assert ("good", "json") in rel(facts, "imports") and ("deep", "os") in rel(facts, "imports")


def test_syntax_errors_outside_import_statements_are_not_reported():
    # Documented price of the import scanner: only import statements are read.
    facts = run({"broken.py": "import os\ndef f(:\n"})
    assert rel(facts, "imports") == [("broken", "os")] and rel(facts, "parse_error") == []


def test_files_without_import_are_not_parsed():
    assert python.scan("py", b"def f(:\n") == {"imports": []}
    assert python.scan("py", b"x = 1 # import\n") == {"imports": []}  # parsed: comment only


def test_commit_tree_real_repo(make_repo):
    repo = make_repo({"src/app/__init__.py": "", "src/app/a.py": "from app import b\n", "src/app/b.py": "import requests\n"})
    facts = extract(CommitTree(repo, "HEAD"), FactsConfig(), WANT)
    assert rel(facts, "imports") == [("app.a", "app.b"), ("app.b", "requests")]
    source = next(f.source for f in facts if f.relation == "imports" and f.args == ("app.a", "app.b"))
    assert (source.extractor, source.path, source.line, len(source.blob)) == ("python", "src/app/a.py", 1, 40)
