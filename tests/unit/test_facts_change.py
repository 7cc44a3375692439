"""Change facts on real commits: changed paths, trailers, actors, ssh signatures, pusher."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from govern.facts.api import change_facts
from govern.facts.change import classify
from govern.facts.config import FactsConfig
from govern.facts.tree import CommitTree
from tests.conftest import git, write


def rel(facts, relation):
    return sorted(f.args for f in facts if f.relation == relation)


def commit(repo: Path, message: str, *config: str) -> str:
    git(repo, "add", "-A")
    git(repo, *config, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def test_root_commit_adds_everything(make_repo):
    repo = make_repo({"a.py": "x", "dir/b.txt": "y"})
    assert rel(change_facts(repo, "HEAD", FactsConfig(), {}), "changed") == [("a.py", "A"), ("dir/b.txt", "A")]


def test_modify_delete_rename_against_first_parent(make_repo):
    repo = make_repo({"keep.py": "x = 1\n", "gone.py": "y\n", "old name.py": "z = 1\n" * 50, "--dash": "d"})
    (repo / "gone.py").unlink()
    (repo / "old name.py").rename(repo / "new\nname.py")
    write(repo, {"keep.py": "x = 2\n", "added.py": "a\n", "--dash": "e"})
    commit(repo, "second")
    facts = change_facts(repo, "HEAD", FactsConfig(), {})
    assert rel(facts, "changed") == [
        ("--dash", "M"), ("added.py", "A"), ("gone.py", "D"), ("keep.py", "M"),
        ("new\nname.py", "R"), ("old name.py", "D"),
    ]


def test_merge_commit_is_judged_against_first_parent(make_repo):
    repo = make_repo({"a.txt": "a"})
    git(repo, "checkout", "-q", "-b", "side")
    write(repo, {"side.txt": "s"})
    commit(repo, "side")
    git(repo, "checkout", "-q", "main")
    write(repo, {"main.txt": "m"})
    commit(repo, "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge", "side")
    assert rel(change_facts(repo, "HEAD", FactsConfig(), {}), "changed") == [("side.txt", "A")]


MESSAGE = """Add feature

Body text mentioning Co-Authored-By: nobody in prose.

Co-Authored-By: Claude <noreply@anthropic.com>
Reviewed-by: Bob <bob@example.com>
  on two lines
"""


def test_author_trailers_and_agent_actor(make_repo):
    repo = make_repo({"a.txt": "a"})
    commit(repo, MESSAGE)
    facts = change_facts(repo, "HEAD", FactsConfig(), {})
    assert rel(facts, "author") == [("ada@example.com",)]
    assert rel(facts, "trailer") == [("Co-Authored-By", "Claude <noreply@anthropic.com>"),
                                     ("Reviewed-by", "Bob <bob@example.com> on two lines")]
    assert rel(facts, "actor") == [("agent",)]  # a human author with an agent mark is an agent


@pytest.mark.parametrize("author, trailers, expected", [
    ("Ada <ada@example.com>", [], "human"),
    ("dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>", [], "bot"),
    ("chatgpt-codex-connector[bot] <x@users.noreply.github.com>", [], "agent"),
    ("Copilot <198982749+Copilot@users.noreply.github.com>", [], "agent"),
    ("Ada <ada@example.com>", [("Co-authored-by", "Cursor <cursoragent@cursor.com>")], "agent"),
    ("Ada <ada@example.com>", [("Made-with", "Cursor")], "agent"),
    ("Paul (aider) <paul@example.com>", [], "agent"),
    ("Ada <ada@example.com>", [("Co-authored-by", "aider <noreply@aider.chat>")], "agent"),
    ("openai-codex <codex@example.com>", [], "agent"),
    ("Ada <ada@example.com>", [("Co-authored-by", "gemini-cli <gemini@example.com>")], "agent"),
    ("Ada <ada@example.com>", [("Reviewed-by", "Bob <bob@example.com>")], "human"),
])
def test_actor_defaults(author, trailers, expected):
    assert classify(author, trailers, FactsConfig()) == expected


def test_actor_configured_patterns():
    config = FactsConfig(agent_patterns=(r"^Generated-by: internal-llm",), bot_patterns=(r"@ci\.example\.com>",))
    assert classify("Ada <a@x>", [("Generated-by", "internal-llm v2")], config) == "agent"
    assert classify("CI <builder@ci.example.com>", [], config) == "bot"
    with pytest.raises(ValueError, match="invalid actor pattern"):
        classify("Ada <a@x>", [], FactsConfig(agent_patterns=("(unclosed",)))


def test_pusher_from_server_variables(make_repo):
    repo = make_repo({"a.txt": "a"})
    facts = change_facts(repo, "HEAD", FactsConfig(), {"GL_USERNAME": "", "GITEA_PUSHER_NAME": "gitea-user", "GL_USER": "x"})
    assert rel(facts, "pusher") == [("gitea-user",)]
    assert rel(change_facts(repo, "HEAD", FactsConfig(), {}), "pusher") == []
    assert rel(change_facts(repo, "HEAD", FactsConfig(), {"GITHUB_USER_LOGIN": "octo"}), "pusher") == [("octo",)]


def _key(tmp: Path, name: str) -> tuple[Path, str]:
    key = tmp / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key, (tmp / f"{name}.pub").read_text().strip()


def _signed(repo: Path, key: Path, message: str) -> str:
    return commit(repo, message, "-c", "gpg.format=ssh", "-c", f"user.signingkey={key}", "-c", "commit.gpgSign=true")


def test_signed_by_only_against_trusted_allowed_signers(make_repo, tmp_path):
    alice, alice_pub = _key(tmp_path, "alice")
    mallory, mallory_pub = _key(tmp_path, "mallory")
    repo = make_repo({".govern/allowed_signers": f'alice@example.com namespaces="git" {alice_pub}\n'})
    _signed(repo, alice, "signed by alice")
    facts = change_facts(repo, "HEAD", FactsConfig(), {})
    assert rel(facts, "signed_by") == [("alice@example.com",)]
    source = next(f.source for f in facts if f.relation == "signed_by")
    assert source.path == ".govern/allowed_signers" and source.blob
    # A commit that adds its own key is judged against its parent's file: not trusted.
    write(repo, {".govern/allowed_signers": f"alice@example.com {alice_pub}\nmallory@example.com {mallory_pub}\n"})
    _signed(repo, mallory, "mallory adds herself")
    assert rel(change_facts(repo, "HEAD", FactsConfig(), {}), "signed_by") == []
    # Once the file is in the parent, mallory's next signature counts.
    _signed(repo, mallory, "now trusted")
    assert rel(change_facts(repo, "HEAD", FactsConfig(), {}), "signed_by") == [("mallory@example.com",)]
    # Unsigned commits, and a configured path that does not exist, give nothing.
    commit(repo, "unsigned")
    assert rel(change_facts(repo, "HEAD", FactsConfig(), {}), "signed_by") == []
    _signed(repo, alice, "alice again")
    assert rel(change_facts(repo, "HEAD", FactsConfig(allowed_signers="nope"), {}), "signed_by") == []
    # The trusted tree can be given explicitly (e.g. the old tip in pre-receive).
    root = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
    assert rel(change_facts(repo, "HEAD", FactsConfig(), {}, signers=CommitTree(repo, root)), "signed_by") == [("alice@example.com",)]


def test_root_commit_has_no_trusted_signers(make_repo, tmp_path):
    alice, alice_pub = _key(tmp_path, "alice")
    repo = make_repo()
    write(repo, {".govern/allowed_signers": f"alice@example.com {alice_pub}\n"})
    _signed(repo, alice, "root")
    assert rel(change_facts(repo, "HEAD", FactsConfig(), {}), "signed_by") == []
