"""Which commits a drift report covers: first-parent history, oldest first."""
from __future__ import annotations

import os
from dataclasses import dataclass

from govern.facts.gitio import GitFailure, run_git
from govern.errors import UsageError

MAX_COMMITS = 100_000


@dataclass(frozen=True)
class Commit:
    id: str
    parent: str | None  # first parent (it may lie before the range)
    date: str  # committer date, ISO 8601
    subject: str

    @property
    def day(self) -> str:
        return self.date[:10]


def first_parent_history(repo: str | os.PathLike, spec: str | None) -> list[Commit]:
    """The commits of `spec` (`A..B`, `REV`, default HEAD) along first parents, oldest first."""
    spec = spec or "HEAD"
    if spec.startswith("-") or "\0" in spec or "\n" in spec:
        raise UsageError(f"not a revision range: {spec[:80]!r}")
    try:
        out = run_git(repo, "log", "--first-parent", "--reverse", f"--max-count={MAX_COMMITS}",
                      "--format=%H%x00%P%x00%cI%x00%s%x00", "--end-of-options", spec, "--")
    except GitFailure:
        raise UsageError(f"unknown revision or range: {spec[:80]!r}") from None
    fields = out.decode("utf-8", "replace").split("\0")
    commits = []
    for i in range(0, len(fields) - 4, 4):
        commit, parents, date, subject = (f.strip("\n") for f in fields[i:i + 4])
        commits.append(Commit(commit, parents.split()[0] if parents.split() else None, date, subject))
    if not commits:
        raise UsageError(f"no commits in {spec[:80]!r}")
    return commits
