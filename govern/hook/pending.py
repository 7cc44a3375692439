"""The pre-receive → post-receive handover: the notes of an accepted ref update, judged once.

pre-receive cannot write refs (quarantine), so it leaves the note bodies it computed in
<git dir>/govern/pending/<sha256(ref, old, new)>.json; post-receive, keyed by the same line,
writes them as notes and removes the file. Files left by pushes that git refused after
pre-receive (another hook, a lost race) are swept after a day.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from govern.hook.refs import RefUpdate

STALE_SECONDS = 24 * 3600


def _folder(git_dir: Path) -> Path:
    return git_dir / "govern" / "pending"


def save(git_dir: Path, update: RefUpdate, notes: dict[str, bytes]) -> None:
    """Store {commit: note body} for `update` atomically (write a temp file, then rename)."""
    folder = _folder(git_dir)
    folder.mkdir(parents=True, exist_ok=True)
    data = {**update.as_dict(), "notes": {c: body.decode("utf-8") for c, body in sorted(notes.items())}}
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, sort_keys=True, ensure_ascii=False)
    os.replace(tmp, folder / f"{update.key()}.json")


def take(git_dir: Path, update: RefUpdate) -> dict[str, bytes] | None:
    """The notes pre-receive left for `update` (and forget them), or None if there are none."""
    path = _folder(git_dir) / f"{update.key()}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (data.get("ref"), data.get("old"), data.get("new")) != (update.ref, update.old, update.new):
        return None
    return {commit: body.encode("utf-8") for commit, body in data.get("notes", {}).items()}


def forget(git_dir: Path, update: RefUpdate) -> None:
    (_folder(git_dir) / f"{update.key()}.json").unlink(missing_ok=True)


def sweep(git_dir: Path, now: float | None = None) -> None:
    """Remove handover files older than a day (their push never reached post-receive)."""
    limit = (time.time() if now is None else now) - STALE_SECONDS
    for path in _folder(git_dir).glob("*.json") if _folder(git_dir).is_dir() else ():
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
