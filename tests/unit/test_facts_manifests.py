"""Manifest extractor: declares(Manifest, Dist) with normalised names and lines."""
from __future__ import annotations

from govern.facts.api import Wanted, extract
from govern.facts.config import FactsConfig
from govern.facts.tree import CommitTree, MemoryTree

WANT = Wanted(frozenset({"declares", "dist_match"}), dists=frozenset({"Django*", "zope.*"}))

PYPROJECT = """\
[project]
name = "x"
dependencies = [
    "Requests[socks]>=2.0",
    "zope.interface ; python_version < '3.12'",
]

[project.optional-dependencies]
dev = ["PyTest_Cov"]

[dependency-groups]
lint = ["ruff", {include-group = "dev"}]

[tool.poetry.dependencies]
python = "^3.11"
Django = "^5"

[tool.poetry.group.docs.dependencies]
mkdocs = "*"
"""


def run(files):
    tree = MemoryTree({p: d.encode() if isinstance(d, str) else d for p, d in files.items()})
    return extract(tree, FactsConfig(), WANT)


def declared(facts):
    return sorted((f.args[0], f.args[1], f.source.path, f.source.line) for f in facts if f.relation == "declares")


def test_pyproject_all_tables():
    facts = run({"pyproject.toml": PYPROJECT})
    assert declared(facts) == [
        ("pyproject.toml", "django", "pyproject.toml", 16),
        ("pyproject.toml", "mkdocs", "pyproject.toml", 19),
        ("pyproject.toml", "pytest-cov", "pyproject.toml", 9),
        ("pyproject.toml", "requests", "pyproject.toml", 4),
        ("pyproject.toml", "ruff", "pyproject.toml", 12),
        ("pyproject.toml", "zope-interface", "pyproject.toml", 5),
    ]
    assert sorted(f.args for f in facts if f.relation == "dist_match") == [("django", "Django*"), ("zope-interface", "zope.*")]


def test_requirements_with_includes_inside_the_tree():
    facts = run({
        "requirements.txt": "# comment\nflask==3.0 --hash=sha256:abc\n-r requirements/base.txt\n-c constraints.txt\n-r ../../etc/passwd\n"
                            "-e git+https://example.com/x.git#egg=My_Lib\nhttps://example.com/a.whl\n./local\n"
                            "pkg \\\n  >=1.0\n",
        "requirements/base.txt": "attrs\n-r ../requirements.txt\n",
        "constraints.txt": "urllib3<2\n",
    })
    assert declared(facts) == [
        ("requirements.txt", "attrs", "requirements/base.txt", 1),
        ("requirements.txt", "flask", "requirements.txt", 2),
        ("requirements.txt", "my-lib", "requirements.txt", 6),
        ("requirements.txt", "pkg", "requirements.txt", 9),
        ("requirements/base.txt", "attrs", "requirements/base.txt", 1),
        ("requirements/base.txt", "flask", "requirements.txt", 2),
        ("requirements/base.txt", "my-lib", "requirements.txt", 6),
        ("requirements/base.txt", "pkg", "requirements.txt", 9),
    ]


def test_setup_cfg_and_package_json():
    facts = run({
        "setup.cfg": "[metadata]\nname = x\n[options]\ninstall_requires =\n    click>=8\n    PyYAML\n"
                     "[options.extras_require]\ntest =\n    pytest\n",
        "web/package.json": '{\n  "dependencies": {\n    "left-pad": "1.0.0"\n  },\n  "devDependencies": {\n    "@types/node": "*"\n  }\n}\n',
    })
    assert declared(facts) == [
        ("setup.cfg", "click", "setup.cfg", 5), ("setup.cfg", "pytest", "setup.cfg", 9),
        ("setup.cfg", "pyyaml", "setup.cfg", 6),
        ("web/package.json", "@types/node", "web/package.json", 6),
        ("web/package.json", "left-pad", "web/package.json", 3),
    ]


def test_broken_manifests_give_parse_errors():
    facts = run({
        "pyproject.toml": "[project\n",
        "package.json": "{not json",
        "requirements.txt": "good\nbad requirement ===\n",
        "dev-requirements.txt": b"\xff\xfe",
    })
    errors = sorted((f.args[0], f.source.line) for f in facts if f.relation == "parse_error")
    assert errors == [("dev-requirements.txt", 0), ("package.json", 0), ("pyproject.toml", 0), ("requirements.txt", 2)]
    assert declared(facts) == [("requirements.txt", "good", "requirements.txt", 1)]


def test_real_repo(make_repo):
    repo = make_repo({"pyproject.toml": PYPROJECT})
    facts = extract(CommitTree(repo, "HEAD"), FactsConfig(), WANT)
    assert len(declared(facts)) == 6
