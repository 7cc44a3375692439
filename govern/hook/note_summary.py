"""What the legacy check needs from a verdict note, cached by the note's blob id.

A note of a big repository with many legacy violations is tens of MB of JSON (every violation
carries its proof); parsing it takes about a second at 10,000 modules. The next push only needs
its header, the identities of its violations and, to reuse them when the tree's facts are unchanged
(govern.hook.unchanged), its engine and answers; post-receive stores that summary beside the note
in <git dir>/govern/summaries/<note blob id> (`marshal` data: plain values, written and read only
by govern), and pre-receive parses the note itself only when the summary is missing.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from pathlib import Path

from govern.errors import UsageError
from govern.notes.codec import decode
from govern.notes.git_plumbing import git_dir, run_git, try_git
from govern.notes.store import NOTES_REF

HEADER = ("commit", "govern", "base", "adrs", "rules", "engine")
VERSION = 4  # 4: the identities of the exempted findings too (an exemption a push adds is told apart)


def summarize(note: dict) -> dict:
    """The header of a note, the identities (rule, subject, target) of its violations (the
    legacy of the next push: an exempted finding is not legacy), its violations'
    (rule, subject, target, message) answers and how many exemptions it has."""
    violations = list(note.get("violations") or [])
    exemptions = list(note.get("exemptions") or [])
    return {**{k: note.get(k) for k in HEADER}, "summary": VERSION,
            "legacy": sorted({(f["rule"], f["subject"], f.get("target", "")) for f in violations}),
            "answers": sorted({(f["rule"], f["subject"], f.get("target", ""), f.get("message")) for f in violations}, key=str),
            "exemptions": len(exemptions),
            "exempted": sorted({(f["rule"], f["subject"], f.get("target", "")) for f in exemptions})}


def remember(repo: Path, body: bytes, note: dict, gdir: Path | None = None) -> None:
    """Store the summary of a note just written (sha1 repositories: its blob id is computed here).
    `gdir`: the repository's git dir, when the caller knows it (one git process less per note)."""
    blob = hashlib.sha1(b"blob %d\0" % len(body) + body).hexdigest()
    _save((gdir or git_dir(repo)) / "govern" / "summaries", blob, summarize(note))


def summary_of(repo: Path, commit: str) -> dict | None:
    """The summary of `commit`'s note (from the cache, else parsed and cached), or None."""
    listed = try_git(repo, "notes", f"--ref={NOTES_REF}", "list", "--end-of-options", commit)
    if not listed:
        return None
    blob = listed.decode().strip()
    folder = git_dir(repo) / "govern" / "summaries"
    try:
        cached = marshal.loads((folder / blob).read_bytes())
        if isinstance(cached, dict) and cached.get("commit") == commit and cached.get("summary") == VERSION:
            return cached
    except (OSError, EOFError, ValueError, TypeError):
        pass
    try:
        note = decode(run_git(repo, "cat-file", "blob", blob))
    except UsageError:
        return None
    summary = summarize(note)
    _save(folder, blob, summary)
    return summary


def _save(folder: Path, blob: str, summary: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    with os.fdopen(fd, "wb") as out:
        out.write(marshal.dumps(summary))
    os.replace(tmp, folder / blob)
