"""CODEOWNERS extractor: GitHub precedence, last match wins, ownerless lines clear."""
from __future__ import annotations

from govern.facts.api import Wanted, extract
from govern.facts.config import FactsConfig
from govern.facts.tree import CommitTree, MemoryTree

WANT = Wanted(frozenset({"owner"}))
FILES = {"app/api/x.py": b"", "app/billing/y.py": b"", "docs/readme.md": b"", "README.md": b"", "app/generated/z.py": b""}


def owners(files):
    facts = extract(MemoryTree(files), FactsConfig(), WANT)
    return sorted((f.args[0], f.args[1], f.source.path, f.source.line) for f in facts)


def test_last_matching_line_wins_and_ownerless_clears():
    text = b"# owners\n* @alice\napp/ @org/backend bob@example.com\napp/billing/ @carol\napp/generated/\n"
    assert owners({**FILES, "CODEOWNERS": text}) == [
        ("CODEOWNERS", "alice", "CODEOWNERS", 2),
        ("README.md", "alice", "CODEOWNERS", 2),
        ("app/api/x.py", "bob@example.com", "CODEOWNERS", 3),
        ("app/api/x.py", "org/backend", "CODEOWNERS", 3),
        ("app/billing/y.py", "carol", "CODEOWNERS", 4),
        ("docs/readme.md", "alice", "CODEOWNERS", 2),
    ]


def test_github_precedence():
    files = {**FILES, "CODEOWNERS": b"* @root\n", ".github/CODEOWNERS": b"* @github\n", "docs/CODEOWNERS": b"* @docs\n"}
    assert {o for _, o, _, _ in owners(files)} == {"github"}
    del files[".github/CODEOWNERS"]
    assert {o for _, o, _, _ in owners(files)} == {"root"}
    del files["CODEOWNERS"]
    assert {(o, s) for _, o, s, _ in owners(files)} == {("docs", "docs/CODEOWNERS")}


def test_broken_codeowners_is_a_parse_error():
    facts = extract(MemoryTree({"CODEOWNERS": b"[a @x\n"}), FactsConfig(), Wanted(frozenset({"owner", "parse_error"})))
    assert [f.relation for f in facts] == ["parse_error"]


def test_real_repo(make_repo):
    repo = make_repo({".github/CODEOWNERS": "*.py @py\n", "a.py": "", "b.md": ""})
    facts = extract(CommitTree(repo, "HEAD"), FactsConfig(), WANT)
    assert [(f.args, f.source.blob != "") for f in facts] == [(("a.py", "py"), True)]
