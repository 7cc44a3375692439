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


GROUPS = Wanted(frozenset({"declares_group", "parse_error", "group_match"}), groups=frozenset({"extra:*", "runtime"}))


def grouped(files):
    facts = extract(MemoryTree({p: d.encode() for p, d in files.items()}), FactsConfig(), GROUPS)
    return ([(f.args, f.source.path, f.source.line) for f in facts if f.relation == "declares_group"],
            [f.args for f in facts if f.relation == "parse_error"], [f.args for f in facts if f.relation == "group_match"])


def test_every_pyproject_table_knows_its_group():
    text = PYPROJECT + """
[tool.poetry.extras]
web = ["gunicorn"]

[tool.poetry.dev-dependencies]
black = "*"

[tool.uv]
dev-dependencies = ["mypy"]

[tool.pdm.dev-dependencies]
Test = ["pytest"]
"""
    text = text.replace('Django = "^5"\n', 'Django = "^5"\ngunicorn = {version = "*", optional = true}\n')
    deps, errors, matches = grouped({"pyproject.toml": text})
    assert errors == []
    assert sorted(args for args, _, _ in deps) == sorted([
        ("pyproject.toml", "requests", "runtime"), ("pyproject.toml", "zope-interface", "runtime"),
        ("pyproject.toml", "pytest-cov", "extra:dev"), ("pyproject.toml", "ruff", "group:lint"),
        ("pyproject.toml", "django", "runtime"), ("pyproject.toml", "gunicorn", "extra:web"),
        ("pyproject.toml", "mkdocs", "group:docs"), ("pyproject.toml", "black", "dev"),
        ("pyproject.toml", "mypy", "dev"), ("pyproject.toml", "pytest", "group:test"),
    ])
    assert sorted(matches) == [("extra:dev", "extra:*"), ("extra:web", "extra:*"), ("runtime", "runtime")]


def test_setup_py_is_read_statically_and_never_run():
    setup = ('import os\nfrom setuptools import setup\nos.system("touch /tmp/pwned")\nBASE = ["numpy", "scipy>=1"]\n'
             'setup(name="s", install_requires=BASE,\n      extras_require={"Viz": ["matplotlib"]},\n'
             '      tests_require=["pytest"])\n')
    deps, errors, _ = grouped({"setup.py": setup})
    assert errors == []
    assert sorted((args, line) for args, _, line in deps) == [
        (("setup.py", "matplotlib", "extra:viz"), 6), (("setup.py", "numpy", "runtime"), 4),
        (("setup.py", "pytest", "dev"), 7), (("setup.py", "scipy", "runtime"), 4)]
    _, errors, _ = grouped({"setup.py": "from setuptools import setup\nsetup(install_requires=read_reqs())\n"})
    assert errors == [("setup.py", "line 2: setup.py: install_requires is not a literal; govern reads setup.py without running it")]
    _, errors, _ = grouped({"setup.py": "setup(\n"})
    assert errors and errors[0][1].startswith("invalid setup.py")


def test_pipfile_and_pip_file_forms():
    deps, errors, _ = grouped({
        "Pipfile": '[packages]\nFlask = "*"\n[dev-packages]\nblack = "*"\n',
        "requirements.in": "-rbase.txt\n--requirement=more.txt\n-c constraints.txt\nfoo \\\n  >=1  # pinned\n"
                           "https://x.org/dl/Bar_Pkg-1.0-py3-none-any.whl\nhttps://x.org/src.zip\nname#not-a-comment\n",
        "base.txt": "six\n", "more.txt": "urllib3\n", "constraints.txt": "idna==3\n", "MANIFEST.in": "include *.py\n",
    })
    assert sorted(args for args, _, _ in deps) == [
        ("Pipfile", "black", "dev"), ("Pipfile", "flask", "runtime"),
        ("requirements.in", "bar-pkg", "requirements"), ("requirements.in", "foo", "requirements"),
        ("requirements.in", "six", "requirements"), ("requirements.in", "urllib3", "requirements")]
    assert ("requirements.in", "line 7: a URL requirement without #egg=NAME: its distribution is unknown") in errors
    assert any("name#not-a-comment" in message for _, message in errors)  # '#' not after a space is no comment


def test_hostile_manifests_stay_linear():
    many = "[project]\ndependencies = [\n" + "".join(f'  "p{i}",\n' for i in range(20000)) + "]\n"
    deps, errors, _ = grouped({"pyproject.toml": many, "requirements.txt": "-r" + " " * 40000 + "\n" + "a" * 40000 + " \\\n"})
    lines = {args[1]: line for args, path, line in deps if path == "pyproject.toml"}
    assert len(lines) == 20000 and lines["p0"] == 3 and lines["p19999"] == 20002
    assert [args for args, path, _ in deps if path == "requirements.txt"] == [("requirements.txt", "a" * 40000, "requirements")]
    assert errors == [("requirements.txt", "line 1: -r without a file")]
