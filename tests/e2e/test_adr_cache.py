"""`govern check` with the compiled-ADR cache (<git dir>/govern/adrs): the same bytes cold,
warm and after the cache is damaged; an edited ADR is read afresh; a warm run imports no
ADR parser."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from govern.adr.cache import FORMAT
from tests.conftest import git, write
from tests.e2e.check_support import example_repo, govern

PARSERS = ("lark", "jsonschema", "yaml", "frontmatter", "markdown_it")


def entries(repo):
    return sorted((repo / ".git" / "govern" / "adrs" / FORMAT).glob("*.json"))


def check(repo, *args):
    """A check that reads the ADRs: stored verdicts (govern.verdict.cache) would answer first."""
    common = git(repo, "rev-parse", "--path-format=absolute", "--git-common-dir").strip()
    shutil.rmtree(os.path.join(common, "govern", "verdicts"), ignore_errors=True)
    result = govern(repo, "check", "--format", "json", *args)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, result.stdout


def test_cold_warm_and_uncached_runs_print_the_same_bytes(tmp_path):
    repo = example_repo(tmp_path)
    cold = check(repo)
    assert len(entries(repo)) == 1
    assert check(repo) == cold
    assert check(repo, "--rev", "HEAD") == check(repo, "--rev", "HEAD")
    shutil.rmtree(repo / ".git" / "govern" / "adrs")
    assert check(repo) == cold


def test_an_edited_adr_is_read_afresh(tmp_path):
    repo = example_repo(tmp_path)
    _, before = check(repo)
    adr = repo / "adr" / "0002-only-billing-talks-to-stripe.md"
    text = adr.read_text()
    assert "message:" in text
    write(repo, {"adr/0002-only-billing-talks-to-stripe.md": text.replace("message: ", "message: EDITED ", 1)})
    _, after = check(repo)
    assert "EDITED" in after and "EDITED" not in before
    assert len(entries(repo)) == 2


def test_a_damaged_cache_is_ignored(tmp_path):
    repo = example_repo(tmp_path)
    expected = check(repo)
    [entry] = entries(repo)
    for damage in (b"", b"{", entry.read_bytes()[: len(entry.read_bytes()) // 2], b'{"format": "v2"}'):
        entry.write_bytes(damage)
        assert check(repo) == expected


def test_an_invalid_adr_is_reported_the_same_way_cold_and_warm(tmp_path):
    repo = example_repo(tmp_path)
    write(repo, {"adr/0004-broken.md": "---\ntitle: Broken\nstatus: maybe\nrules:\n  - id: x\n---\n"})
    first = govern(repo, "check")
    again = govern(repo, "check")  # a failed load is stored as its diagnostics (no verdict is)
    assert first.returncode == again.returncode == 2
    assert first.stderr == again.stderr and "adr/0004-broken.md:" in first.stderr


def test_a_warm_check_imports_no_adr_parser(tmp_path):
    repo = example_repo(tmp_path)
    check(repo)
    shutil.rmtree(repo / ".git" / "govern" / "verdicts")
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "govern", "check", "--format", "json"],
                         cwd=repo, capture_output=True, text=True, env={**os.environ})
    assert run.returncode in (0, 1)
    imported = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    assert not [name for name in imported if name.split(".")[0] in PARSERS]


def test_a_linked_worktree_shares_the_cache_of_its_repository(tmp_path):
    repo = example_repo(tmp_path)
    git(repo, "worktree", "add", "-q", str(tmp_path / "wt"))
    expected = check(repo)
    shutil.rmtree(repo / ".git" / "govern" / "adrs")
    assert check(tmp_path / "wt") == expected
    assert len(entries(repo)) == 1 and not (tmp_path / "wt" / "govern").exists()
