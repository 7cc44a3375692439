"""Change facts of many commits at once: what a push of a long history needs.

`change_facts_many(repo, commits, …)` gives, for every commit, exactly what
`change.change_facts(repo, commit, …)` gives, from a constant number of git processes
whatever the number of commits: one `git log --stdin` for authors, trailers, parents,
trees; one `git diff-tree --stdin` for the changed paths (each commit against
its first parent); and only when the trusted tree has an allowed-signers file, one
`git cat-file --batch` for the commit headers, then ssh-keygen for each commit whose
signature header is an ssh signature (verified at the server's time: git's own check would
take the key's validity at the commit's date, which its author writes).
(A push of 1,000 commits asked git ~4,000 times before.)
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from .change import changed_facts, classify_why, is_ssh_signed, pusher_facts, signed_by_facts, signers_entry, verify_signatures
from .config import FactsConfig
from .gitio import CatFile, run_git
from .model import Fact, Source
from .tree import Tree

_OID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
# %H, %P, %T, %an, %ae, then the trailers (key, value, key, value …), one line per commit:
# git unfolds trailers and no header field holds a newline, so a line is a commit.
_FORMAT = "--format=%H%x00%P%x00%T%x00%an%x00%ae%x00%(trailers:only,unfold,separator=%x00,key_value_separator=%x00)"


@dataclass(frozen=True)
class CommitInfo:
    """What the batch read about one commit besides its facts."""

    commit: str
    parents: tuple[str, ...]
    tree: str
    author: str  # "Name <email>", as classified
    # path -> (old blob, new blob, new mode) for every changed path ("" when absent on that side)
    blobs: Mapping[str, tuple[str, str, str]] = field(default_factory=dict)
    signature: tuple[str, str] | None = None  # (principal, key fingerprint) of a verified ssh signature


class BatchError(Exception):
    """git's output did not have the expected shape (a hostile commit): ask commit by commit."""


def change_facts_many(repo: str | os.PathLike, commits: Sequence[str], config: FactsConfig,
                      env: Mapping[str, str], signers: Tree | None) -> tuple[dict[str, list[Fact]], dict[str, CommitInfo]]:
    """({commit: sorted change facts}, {commit: CommitInfo}) for full commit ids.

    `signers` is the trusted tree holding the allowed-signers file (required here: a batch
    is judged by one set of rules; change.change_facts defaults to each first parent's).
    Raises BatchError when git's output cannot be split safely; the caller then falls
    back to change.change_facts per commit."""
    commits = list(dict.fromkeys(commits))
    if not commits:
        return {}, {}
    if not all(_OID.fullmatch(c) for c in commits):
        raise BatchError("change_facts_many needs full commit ids")
    meta = _metadata(repo, commits)
    changes = _changes(repo, meta)
    verified = _signatures(repo, commits, config, signers)
    entry = signers_entry(signers, config) if signers is not None else None
    pusher = pusher_facts(env)
    facts, infos, actors = {}, {}, {}
    for commit in commits:
        parents, tree, name, email, trailers = meta[commit]
        here = Source("change", commit, 0, "")
        out = list(changes[commit][0])
        out.append(Fact("author", (email,), here))
        out += [Fact("trailer", (key, value), here) for key, value in trailers]
        who = (f"{name} <{email}>", tuple(trailers))
        if who not in actors:  # the same people and trailers again and again in a long history
            actors[who] = classify_why(who[0], trailers, config)
        out += [Fact("actor", (actors[who][0],), here), Fact("actor_reason", (actors[who][1],), here)]  # actor_facts
        if entry is not None:
            out += signed_by_facts(verified.get(commit), entry)
        facts[commit] = sorted(out + pusher)
        infos[commit] = CommitInfo(commit, parents, tree, f"{name} <{email}>", changes[commit][1], verified.get(commit))
    return facts, infos


def _metadata(repo, commits: list[str]) -> dict[str, tuple]:
    out = run_git(repo, "log", "--no-walk=unsorted", "--stdin", "--no-show-signature", _FORMAT,
                  input="".join(f"{c}\n" for c in commits).encode())
    meta = {}
    lines = out.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if len(lines) != len(commits):
        raise BatchError(f"git log gave {len(lines)} records for {len(commits)} commits")
    for commit, line in zip(commits, lines):
        fields = line.split(b"\0")
        if len(fields) < 6 or fields[0].decode("ascii", "replace") != commit:
            raise BatchError(f"unexpected git log record for {commit}")
        trailer_fields = [f.decode("utf-8", "replace").rstrip("\n") for f in fields[5:]]
        if trailer_fields == [""]:
            trailer_fields = []
        if len(trailer_fields) % 2:
            raise BatchError(f"odd trailer fields for {commit}")
        name, email = (f.decode("utf-8", "replace") for f in fields[3:5])
        meta[commit] = (tuple(fields[1].decode().split()), fields[2].decode(), name, email,
                        list(zip(trailer_fields[0::2], trailer_fields[1::2])))
    return meta


def _changes(repo, meta: Mapping[str, tuple]) -> dict[str, tuple[list[Fact], dict[str, tuple[str, str, str]]]]:
    """{commit: (changed facts, {path: (old blob, new blob, new mode)})}, each against its first parent."""
    request = "".join(f"{c} {parents[0]}\n" if parents else f"{c}\n" for c, (parents, *_) in meta.items())
    out = run_git(repo, "diff-tree", "--stdin", "-r", "-z", "-M", "--raw", "--root", "--always",
                  input=request.encode())
    tokens = out.split(b"\0")
    result: dict[str, tuple[list[Fact], dict]] = {}
    order = iter(meta)
    current = None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not token:
            i += 1
            continue
        if token.startswith(b":"):  # ":old_mode new_mode old_blob new_blob STATUS" then 1 or 2 paths
            if current is None:
                raise BatchError("git diff-tree output starts with an entry")
            fields = token[1:].split()
            status = fields[4].decode()[:1]
            width = 2 if status in "RC" else 1
            paths = tokens[i + 1:i + 1 + width]
            if len(paths) != width:
                raise BatchError("git diff-tree output ends inside an entry")
            facts, blobs = result[current]
            facts += changed_facts(status, paths)
            old_blob, new_blob, new_mode = _blob(fields[2].decode()), _blob(fields[3].decode()), fields[1].decode()
            names = [p.decode("utf-8", "surrogateescape") for p in paths]
            if status == "R":
                blobs[names[0]] = (old_blob, "", "")
            blobs[names[-1]] = ("" if width == 2 else old_blob, new_blob, new_mode if new_blob else "")
            i += 1 + width
            continue
        current = token.decode("ascii", "replace")
        if current != next(order, None):
            raise BatchError(f"git diff-tree answered {current[:12]} out of order")
        result[current] = ([], {})
        i += 1
    if len(result) != len(meta):
        raise BatchError("git diff-tree left commits out")
    return result


def _blob(oid: str) -> str:
    return "" if not oid.strip("0") else oid


def _signatures(repo, commits: list[str], config: FactsConfig, signers: Tree | None) -> dict[str, tuple[str, str]]:
    """{commit: (principal, fingerprint)} for the ssh-signed commits whose signature verifies against
    the trusted tree's allowed-signers file at the server's time (nothing to verify without that
    file): the commit objects read in one `git cat-file --batch`, ssh-keygen run for the signed ones."""
    entry = signers_entry(signers, config) if signers is not None else None
    if entry is None:
        return {}
    reader = CatFile(repo)
    try:
        raw = reader.read_many(commits)
    finally:
        reader.close()
    signed = {c: raw[c] for c in commits if is_ssh_signed(raw[c])}
    if not signed:
        return {}
    return verify_signatures(signed, signers.read_many([entry.blob])[entry.blob], datetime.now(timezone.utc))
