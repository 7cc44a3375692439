"""The `old new ref` lines git gives pre-receive and post-receive, validated and classified."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from govern.errors import UsageError
from govern.notes.git_plumbing import ZERO, resolve, run_git, try_git

_OID = re.compile(r"^[0-9a-f]{40}$|^[0-9a-f]{64}$")
_REF = re.compile(r"^refs/[^\x00-\x20\x7f~^:?*\[\\]+$")


@dataclass(frozen=True)
class RefUpdate:
    """One line of hook input. A zero id means the ref is created (old) or deleted (new)."""

    old: str
    new: str
    ref: str

    @property
    def created(self) -> bool:
        return set(self.old) == {"0"}

    @property
    def deleted(self) -> bool:
        return set(self.new) == {"0"}

    def key(self) -> str:
        """A file-name-safe key for this exact update (the pre→post-receive handover)."""
        return hashlib.sha256(f"{self.ref}\0{self.old}\0{self.new}".encode()).hexdigest()

    def as_dict(self) -> dict:
        return {"ref": self.ref, "old": self.old, "new": self.new}


def parse_updates(text: str) -> list[RefUpdate]:
    """Parse hook stdin; anything malformed is a UsageError naming the line (the hook fails closed)."""
    return [parse_line(line, number) for number, line in enumerate(text.splitlines(), 1) if line.strip()]


def parse_line(line: str, number: int) -> RefUpdate:
    """One `OLD NEW REF` line; malformed (or a ref name that is not UTF-8): UsageError naming it."""
    parts = line.split(" ")
    if len(parts) != 3 or not _OID.match(parts[0]) or not _OID.match(parts[1]) or not _REF.match(parts[2]) \
            or not _utf8(parts[2]):
        raise UsageError(f"malformed hook input line {number}: {printable(line[:200])!r} "
                         "(expected 'OLD NEW REF' with a UTF-8 ref name)")
    return RefUpdate(*parts)


def printable(text: str) -> str:
    """`text` with bytes that were not UTF-8 (surrogate escapes) shown as \\xNN: safe to print and log."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_ancestor(repo, ancestor: str, commit: str) -> bool:
    """Whether `ancestor` is reachable from `commit` (a fast-forward from it to `commit`)."""
    return try_git(repo, "merge-base", "--is-ancestor", ancestor, commit) is not None


def peel_commit(repo, oid: str, ref: str) -> str:
    """The commit an id names (annotated tags peeled); a tag of a tree or blob is an error."""
    commit = resolve(repo, f"{oid}^{{commit}}")
    if commit is None:
        raise UsageError(f"{ref}: {oid[:12]} does not point to a commit; govern judges commits only")
    return commit


def peel_commits(repo, oids: list[str]) -> dict[str, str]:
    """{id: the commit it names} for every id naming a commit (annotated tags peeled), in one
    `git cat-file --batch-check`; ids of trees, blobs or missing objects are left out (the
    per-update peel_commit then says why)."""
    wanted = list(dict.fromkeys(oids))
    if not wanted:
        return {}
    out = run_git(repo, "cat-file", "--batch-check=%(objectname) %(objecttype)",
                  input="".join(f"{oid}^{{commit}}\n" for oid in wanted).encode()).decode().splitlines()
    peeled = {}
    for oid, line in zip(wanted, out):
        fields = line.split()
        if len(fields) == 2 and fields[1] == "commit" and _OID.match(fields[0]):
            peeled[oid] = fields[0]
    return peeled


def reachable_from(repo, commits: list[str], tip: str | None) -> set[str]:
    """Those of `commits` that `tip` already contains (one `git rev-list`, whatever their number)."""
    if tip is None or not commits:
        return set()
    wanted = set(commits)
    outside = run_git(repo, "rev-list", "--stdin", input="".join(f"{c}\n" for c in sorted(wanted)).encode()
                      + f"^{tip}\n".encode()).decode().split()
    return wanted - set(outside)


def default_branch(repo) -> tuple[str, str] | None:
    """(ref, commit) of the repository's default branch (what HEAD names), or None if it has no commit."""
    ref = try_git(repo, "symbolic-ref", "--quiet", "HEAD")
    if ref is None:
        return None
    name = ref.decode().strip()
    commit = resolve(repo, f"{name}^{{commit}}")
    return (name, commit) if commit else None


def new_commits(repo, update: RefUpdate, tip: str, exclude: list[str], old: str | None = None) -> list[str]:
    """Commits the update brings, oldest first (`old`: the old id peeled, if already known).

    An update: OLD..NEW (also right after a force push: everything not on the old tip).
    A new ref: NEW minus what `exclude` (the default branch) already has. Not `--not --all`:
    that skips commits already parked on another, unprotected branch, so
    `git push origin sneaky:main`-style bypasses would go unjudged.
    """
    if update.created:
        args = [tip, "--not", *exclude] if exclude else [tip]
    else:
        args = [f"{old or peel_commit(repo, update.old, update.ref)}..{tip}"]
    out = run_git(repo, "rev-list", "--reverse", "--topo-order", *args, "--")
    return out.decode().split()


__all__ = ["ZERO", "RefUpdate", "parse_updates", "parse_line", "printable", "is_ancestor", "peel_commit",
           "peel_commits", "reachable_from", "default_branch", "new_commits"]
