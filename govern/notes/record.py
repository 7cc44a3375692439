"""`govern record REV…`: judge commits the way the server hook does and write their notes.

For CI (or a server without hooks). Each commit is judged with the rules of its first
parent (like the hook: the rules that stood before the change), its first parent as base
(legacy violations are reported, not blocking), and its own change facts, on today's date (UTC;
like the hook, rule expiry never follows the commit's date, which its author writes); a root
commit is judged with its own rules and no base. All notes go into one notes commit (CAS + retry).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path

from govern.facts.tree import CommitTree
from govern.errors import UsageError
from govern.notes.codec import note_body
from govern.notes.git_plumbing import resolve
from govern.notes.store import write_notes
from govern.verdict.judge import JudgeRequest, judge
from govern.verdict.model import Verdict


def commit_of(repo: Path, rev: str) -> str:
    """The commit `rev` names; an unknown revision is a usage error (exit 2)."""
    commit = resolve(repo, f"{rev}^{{commit}}")
    if commit is None:
        raise UsageError(f"unknown revision or not a commit: {rev!r}")
    return commit


def judge_commit(repo: Path, commit: str, env: Mapping[str, str]) -> Verdict:
    """Judge `commit` against the rules and violations of its first parent."""
    parent = resolve(repo, f"{commit}^1")
    before = CommitTree(repo, parent) if parent else None
    return judge(JudgeRequest(repo=repo, target=CommitTree(repo, commit), commit=commit, adr_tree=before,
                              change_rev=commit, base=before, scope="all", env=env,
                              on=datetime.now(timezone.utc).date()))


def record(repo: Path, revs: list[str], env: Mapping[str, str]) -> list[tuple[str, Verdict]]:
    """Judge every rev and write the notes; return (commit, verdict) in the order given."""
    commits = [commit_of(repo, rev) for rev in revs]
    verdicts = [(commit, judge_commit(repo, commit, env)) for commit in dict.fromkeys(commits)]
    write_notes(repo, {commit: note_body(verdict) for commit, verdict in verdicts})
    return verdicts
