"""govern.hook.rules_tree.RulesTree lists only what rules are read from, and exactly the
entries the whole tree's listing has for those paths."""
from __future__ import annotations

import os

import pytest

from govern.facts.tree import CommitTree
from govern.config import Config
from govern.hook.rules_tree import RulesTree
from govern.verdict.inputs import read_adrs, read_config
from tests.conftest import git
from tests.e2e.hooks_support import NO_STRIPE_ADR

FILES = {
    "pyproject.toml": "[tool.govern]\nadr-dir = \"docs/adr\"\nallowed-signers = \"keys/allowed\"\n",
    "docs/adr/0001-stripe.md": NO_STRIPE_ADR,
    "docs/adr/notes/old.md": "not an ADR: one level down\n",
    "docs/adr.md": "a sibling, not under docs/adr/\n",
    "keys/allowed": "alice ssh-ed25519 AAAA\n",
    "keys/allowed.bak": "x\n",
    "app/a.py": "import os\n",
}


def _filtered(repo, rev: str, config: Config) -> list:
    prefix = config.adr_dir.strip("/") + "/"
    return [e for e in CommitTree(repo, rev).entries()
            if e.path in ("pyproject.toml", config.allowed_signers) or e.path.startswith(prefix)]


def test_only_the_rules_files_and_the_same_entries(make_repo):
    repo = make_repo(FILES)
    config = read_config(CommitTree(repo, "HEAD"))
    tree = RulesTree(repo, "HEAD", config)
    assert tree.entries() == _filtered(repo, "HEAD", config)
    assert [e.path for e in tree.entries()] == ["docs/adr/0001-stripe.md", "docs/adr/notes/old.md", "keys/allowed",
                                                "pyproject.toml"]
    assert read_config(tree) == config
    assert [a.id for a in read_adrs(tree, config.adr_dir)] == [a.id for a in read_adrs(CommitTree(repo, "HEAD"), "docs/adr")]


@pytest.mark.parametrize("adr_dir,signers", [("*", "keys/allowed"), ("docs/../docs/adr", "keys/allowed"),
                                             ("docs/adr", "./keys/allowed"), ("", "keys/allowed")])
def test_odd_paths_list_the_whole_tree(make_repo, adr_dir, signers):
    repo = make_repo(FILES)
    tree = RulesTree(repo, "HEAD", Config(adr_dir=adr_dir, allowed_signers=signers))
    assert tree.entries() == CommitTree(repo, "HEAD").entries() or adr_dir == "*"
    if adr_dir == "*":  # a literal directory name, not a pattern
        assert [e.path for e in tree.entries()] == ["keys/allowed", "pyproject.toml"]


def test_a_pyproject_that_is_not_a_file_lists_the_whole_tree(make_repo):
    repo = make_repo({**{k: v for k, v in FILES.items() if k != "pyproject.toml"}, "real.toml": FILES["pyproject.toml"]})
    os.symlink("real.toml", repo / "pyproject.toml")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "symlinked pyproject")
    tree = RulesTree(repo, "HEAD", Config(adr_dir="docs/adr", allowed_signers="keys/allowed"))
    assert tree.entries() == CommitTree(repo, "HEAD").entries()
