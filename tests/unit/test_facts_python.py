"""Python extractor: modules, imports and their resolution, type-only imports, hostile sources."""
from __future__ import annotations

from govern.facts.api import Wanted, extract
from govern.facts.config import FactsConfig
from govern.facts.extractors import python
from govern.facts.tree import CommitTree, MemoryTree

WANT = Wanted(frozenset({"module", "imports", "type_only_import", "unreadable"}))


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
        "my-scripts/run.py": "",  # not importable: named by its path
        "src/pkg-data/x.py": "",
        "app/migrations/0001_initial.py": "",
    })
    assert rel(facts, "module") == [
        ("/my-scripts/run.py", "my-scripts/run.py"), ("/src/pkg-data/x.py", "src/pkg-data/x.py"),
        ("app", "src/app/__init__.py"), ("app.api", "src/app/api/__init__.py"),
        ("app.api.views", "src/app/api/views.py"), ("app.migrations.0001_initial", "app/migrations/0001_initial.py"),
        ("ns.plugin", "src/ns/plugin/__init__.py"), ("setup", "setup.py"), ("tests.test_x", "tests/test_x.py"),
    ]


def test_configured_roots_replace_discovery():
    facts = run({"lib/a/__init__.py": "", "src/b.py": ""}, FactsConfig(roots=("lib",)))
    assert rel(facts, "module") == [("/src/b.py", "src/b.py"), ("a", "lib/a/__init__.py")]
    facts = run({"a/b.py": ""}, FactsConfig(roots=(".",)))
    assert rel(facts, "module") == [("a.b", "a/b.py")]


def test_every_file_has_its_imports_whatever_its_name():
    facts = run({"refund-job.py": "import stripe\n", "v1.0/pay.py": "import stripe.error\n", "-x.py": "from stripe import X\n",
                 "app/migrations/0001_initial.py": "from django.db import migrations\n", "app/__init__.py": ""})
    assert rel(facts, "imports") == [("-x", "stripe"), ("/v1.0/pay.py", "stripe.error"),
                                     ("app.migrations.0001_initial", "django.db"), ("refund-job", "stripe")]


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
    [(path, reason)] = rel(facts, "unreadable")
    assert path == "pkg/sub/deep.py" and "line 3: from ... import ..., beyond the top-level package" in reason


def test_relative_import_outside_a_package_is_unreadable():
    facts = run({"solo.py": "from . import x\nfrom .. import y\n", "v1.0/pay.py": "from .api import charge\n"})
    assert rel(facts, "imports") == []
    reasons = dict(rel(facts, "unreadable"))  # one fact per file: the first such import
    assert "(line 1: from . import ..., beyond the top-level package)" in reasons["solo.py"]
    assert "(line 1: from .api import ..., in a file that is in no package)" in reasons["v1.0/pay.py"]


def test_type_only_imports():
    facts = run({"pkg/__init__.py": "", "pkg/m.py": (
        "from typing import TYPE_CHECKING\nimport typing\n"
        "if TYPE_CHECKING:\n    import a\n    from pkg import b\nelse:\n    import c\n"
        "if typing.TYPE_CHECKING:\n    import d\nelif TYPE_CHECKING:\n    import e\nelse:\n    import a\n"
        "if not TYPE_CHECKING:\n    import f\n"
        "if TYPE_CHECKING:\n    import g\nimport g\n"
        "if TYPE_CHECKING:\n    import h\n    import h\n"
    )})
    assert rel(facts, "type_only_import") == [("pkg.m", "d"), ("pkg.m", "e"), ("pkg.m", "h"), ("pkg.m", "pkg")]
    lines = {f.args[1]: f.source.line for f in facts if f.relation == "type_only_import"}
    assert lines == {"d": 9, "e": 11, "h": 20, "pkg": 5}
    assert ("pkg.m", "a") in rel(facts, "imports") and ("pkg.m", "g") in rel(facts, "imports")


def test_hostile_sources_are_unreadable_and_others_still_extracted():
    facts = run({
        "nested.py": "from a import " + "(" * 5000 + "b" + ")" * 5000 + "\n",
        "deep.py": "import os\nx = " + "(" * 5000 + ")" * 5000 + "\n",
        "syntax.py": "import os,\n",
        "undecodable.py": b"import os\nx = '\xff\xfe'\n",
        "badcookie.py": b"# -*- coding: no-such-codec -*-\nimport os\n",
        "nul.py": b"import os\x00\n",
        "binary.py": bytes(range(256)) + b"import",
        "good.py": "import json\n",
        "broken.py": "import os\ndef f(:\n",
    })
    errors = dict(rel(facts, "unreadable"))
    assert set(errors) == {"nested.py", "syntax.py", "undecodable.py", "badcookie.py", "nul.py", "binary.py", "broken.py"}
    assert errors["syntax.py"].startswith("could not be parsed (line 1: ")
    assert errors["broken.py"].startswith("could not be parsed (line 2: ")
    assert errors["undecodable.py"].startswith("could not be decoded (")
    assert all(r.endswith("govern cannot judge its imports") for r in errors.values())
    assert ("good", "json") in rel(facts, "imports") and ("deep", "os") in rel(facts, "imports")


def test_encodings_bom_and_newlines():
    facts = run({
        "u7.py": "# coding: utf-7\nimport stripe\n".encode("utf-7"),
        "u7hidden.py": b"# coding: utf-7\n+AGkAbQBwAG8AcgB0- stripe\n",  # 'import' with no import bytes
        "latin.py": "# -*- coding: latin-1 -*-\ns = 'caf\xe9'\nimport a\n".encode("latin-1"),
        "bom.py": b"\xef\xbb\xbfimport b\n",
        "cr.py": b"x = 1\rimport c\r",
        "crlf.py": b"x = 1\r\nimport d\r\n",
        "bombad.py": b"\xef\xbb\xbf# coding: latin-1\nimport e\n",
    })
    imports = {f.args: f.source.line for f in facts if f.relation == "imports"}
    assert imports == {("u7", "stripe"): 2, ("u7hidden", "stripe"): 2, ("latin", "a"): 3, ("bom", "b"): 1,
                       ("cr", "c"): 2, ("crlf", "d"): 2}
    assert [p for p, _ in rel(facts, "unreadable")] == ["bombad.py"]


def test_files_without_import_are_not_parsed():
    assert python.scan("py", b"def f(:\n") == {"imports": []}
    assert python.scan("py", b"x = 1 # import\n") == {"imports": []}  # parsed: comment only


def test_commit_tree_real_repo(make_repo):
    repo = make_repo({"src/app/__init__.py": "", "src/app/a.py": "from app import b\n", "src/app/b.py": "import requests\n"})
    facts = extract(CommitTree(repo, "HEAD"), FactsConfig(), WANT)
    assert rel(facts, "imports") == [("app.a", "app.b"), ("app.b", "requests")]
    source = next(f.source for f in facts if f.relation == "imports" and f.args == ("app.a", "app.b"))
    assert (source.extractor, source.path, source.line, len(source.blob)) == ("python", "src/app/a.py", 1, 40)
