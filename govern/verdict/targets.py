"""Which tree `govern check` judges: the working tree, the index (--staged) or a commit (--rev)."""
from __future__ import annotations

from pathlib import Path

from govern.facts.gitio import GitFailure, repo_layout, resolve, run_git
from govern.facts.statcache import StatPass
from govern.facts.tree import CommitTree, IndexTree, WorkTree
from govern.errors import UsageError
from govern.verdict.request import JudgeRequest

ENGINES = ("auto", "pydatalog", "clingo")


def open_repo(path: Path) -> str:
    """The top-level directory of the repository containing `path` (its git dir when bare)."""
    if not path.is_dir():
        raise UsageError(f"{path}: no such directory")
    try:
        layout = repo_layout(path)
    except GitFailure:
        layout = None
    if layout is None or (layout.top is None and not layout.bare):
        raise UsageError(f"{path}: not a git repository")
    return layout.git_dir if layout.bare else layout.top


def judge_request(repo: str, *, rev: str | None, staged: bool, new_since: str | None,
                  engine: str | None, adr_dir: str | None, listed: StatPass | None = None) -> JudgeRequest:
    """The JudgeRequest for the command-line choices (unknown revisions are usage errors);
    `listed`: the working tree's stat pass when the caller took one (facts.tree.WorkTree)."""
    if rev is not None and staged:
        raise UsageError("--rev and --staged exclude each other")
    if engine is not None and engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r} (known: {', '.join(ENGINES)})")
    base = None if new_since is None or _unborn_head(repo, new_since) else CommitTree(repo, _commit(repo, new_since))
    if rev is not None:
        commit = _commit(repo, rev)
        parent = _parent(repo, commit) if base is None else None  # what base_ relations compare with
        return JudgeRequest(repo, CommitTree(repo, commit), commit, change_rev=commit, base=base,
                            engine=engine, adr_dir=adr_dir, compare_with=CommitTree(repo, parent) if parent else None)
    try:
        target = IndexTree(repo) if staged else WorkTree(repo, listed)
    except GitFailure as err:
        raise UsageError(f"cannot read the {'index' if staged else 'working tree'} (a bare repository? "
                         f"use --rev REV): {err}") from None
    return JudgeRequest(repo, target, None, base=base, engine=engine, adr_dir=adr_dir)


def _unborn_head(repo: str, rev: str) -> bool:
    """`--new-since HEAD` before the first commit: there is no base, every violation is new
    (a pre-commit hook runs `--new-since HEAD` on a repository's first commit too)."""
    if rev != "HEAD":
        return False
    try:
        resolve(repo, "HEAD")
        return False
    except GitFailure:
        try:
            run_git(repo, "symbolic-ref", "-q", "HEAD")  # HEAD names a branch that has no commit yet
            return True
        except GitFailure:
            return False


def _parent(repo: str, commit: str) -> str | None:
    """The first parent (None for a root commit)."""
    try:
        return resolve(repo, f"{commit}^1")
    except GitFailure:
        return None


def _commit(repo: str, rev: str) -> str:
    try:
        return resolve(repo, rev)
    except GitFailure:
        raise UsageError(f"unknown revision {rev!r}") from None
