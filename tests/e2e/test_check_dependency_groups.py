"""Dependency rules scoped by declaration group, through real git and the real CLI."""
from __future__ import annotations

from tests.e2e.check_support import check_json, commit

GROUPS_ADR = """\
---
title: Our runtime dependencies are requests and attrs
status: accepted
rules:
  - id: runtime-deps
    allow-dependencies:
      packages: ["requests", "attrs"]
      in: ["pyproject.toml", "setup.py"]
      groups: ["runtime"]
  - id: no-django-in-extras
    forbid-dependency:
      packages: ["django*"]
      groups: ["extra:*"]
---
# Runtime dependencies
"""


def test_groups_separate_runtime_from_extras_and_dev(make_repo):
    repo = make_repo({
        "adr/0001-runtime.md": GROUPS_ADR,
        "pyproject.toml": '[project]\nname = "x"\ndependencies = ["requests", "attrs"]\n'
                          '[project.optional-dependencies]\ndocs = ["sphinx"]\n'
                          '[dependency-groups]\ntest = ["pytest"]\n[tool.uv]\ndev-dependencies = ["ruff"]\n',
    })
    code, data = check_json(repo)
    assert code == 0 and data["violations"] == []  # extras and dev groups are not runtime

    commit(repo, {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["requests", "attrs", "rich"]\n'
                                    '[project.optional-dependencies]\nweb = ["Django>=5"]\n',
                  "setup.py": 'from setuptools import setup\nsetup(install_requires=["numpy"], tests_require=["nose"])\n'})
    code, data = check_json(repo, "--rev", "HEAD")
    found = sorted((v["rule"], v["subject"], data["proofs"][v["proof"]]["bindings"]["D"]) for v in data["violations"])
    assert code == 1
    assert found == [("no-django-in-extras", "pyproject.toml", "django"),
                     ("runtime-deps", "pyproject.toml", "rich"), ("runtime-deps", "setup.py", "numpy")]


def test_a_bad_group_is_a_located_lint_error(make_repo):
    from tests.e2e.check_support import govern

    repo = make_repo({"adr/0001-runtime.md": GROUPS_ADR.replace('["runtime"]', '["runtim"]')})
    result = govern(repo, "adr", "lint")
    assert result.returncode == 2
    assert "adr/0001-runtime.md:" in result.stderr + result.stdout and "'runtim'" in result.stderr + result.stdout
