"""The wheel's package list (pyproject.toml) names every package of the source tree.

The list is explicit because facts/ installs as govern.facts (package-dir mapping); a new
sub-package that is not listed would be missing from the wheel while every test from the
source tree still passes (.ci/wheel-smoke tries the built wheel itself)."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_is_in_the_wheel():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    mapping = config["tool"]["setuptools"]["package-dir"]
    found = set()
    for top, folder in (("govern", "govern"), ("govern.facts", mapping["govern.facts"])):
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder).parts
            found.add(".".join((top, *rel)))
    assert found == listed


def test_the_distribution_name_is_not_the_taken_one():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert config["project"]["name"] == "govern-adr"
    assert config["project"]["scripts"] == {"govern": "govern.cli.app:entry"}
