"""The pre-receive → post-receive handover: the verdicts of an accepted ref update, judged once.

pre-receive cannot write refs (quarantine), so it leaves the verdicts (JSON objects) it
computed in <git dir>/govern/pending/<sha256(ref, old, new)>.pending; post-receive, keyed by
the same line, writes them as notes and removes the file. Files left by pushes that git
refused after pre-receive (another hook, a lost race) are swept after a day.

The file is `marshal` data (plain dicts, lists, strings, numbers — never code): it is written
and read by govern itself in the server's git dir, and unlike the canonical JSON of a note
(indented, sorted: Python's slow encoder) it costs little inside the hook's time budget; the
canonical encoding happens in post-receive, which has no budget.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
import time
from pathlib import Path

from govern.hook.refs import RefUpdate

STALE_SECONDS = 24 * 3600


def _folder(git_dir: Path) -> Path:
    return git_dir / "govern" / "pending"


def save(git_dir: Path, update: RefUpdate, verdicts: dict[str, dict]) -> None:
    """Store {commit: verdict JSON object} for `update` atomically (temp file, then rename)."""
    folder = _folder(git_dir)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    with os.fdopen(fd, "wb") as out:
        out.write(marshal.dumps({**update.as_dict(), "verdicts": verdicts}))
    os.replace(tmp, _path(git_dir, update))


def save_unjudged(git_dir: Path, updates: list[RefUpdate]) -> None:
    """Mark the accepted updates judged on purpose not at all (a tag of a commit the default
    branch holds, a ref not governed: no note to write) in one file for the push, so that
    post-receive neither judges them nor finds nothing: 1,000 tags are one write, not 1,000."""
    if not updates:
        return
    folder = _folder(git_dir)
    folder.mkdir(parents=True, exist_ok=True)
    keys = sorted(update.key() for update in updates)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    with os.fdopen(fd, "wb") as out:
        out.write(marshal.dumps(keys))
    name = hashlib.sha256("\0".join(keys).encode()).hexdigest()
    os.replace(tmp, folder / f"{name}.unjudged")


def unjudged(git_dir: Path) -> dict[str, Path]:
    """{update key: its file} of every save_unjudged() mark waiting for post-receive."""
    out: dict[str, Path] = {}
    for path in _folder(git_dir).glob("*.unjudged") if _folder(git_dir).is_dir() else ():
        try:
            keys = marshal.loads(path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            continue  # unreadable: those updates are judged again (slower, never wrong)
        if isinstance(keys, list):
            out.update((key, path) for key in keys if isinstance(key, str))
    return out


def forget_unjudged(marks: dict[str, Path], seen: set[str]) -> None:
    """Remove the mark files all of whose updates post-receive has now seen."""
    for path in set(marks.values()):
        if all(key in seen for key, where in marks.items() if where == path):
            path.unlink(missing_ok=True)


def take(git_dir: Path, update: RefUpdate) -> dict[str, dict] | None:
    """The verdicts pre-receive left for `update`, or None if there are none (or not readable)."""
    try:
        data = marshal.loads(_path(git_dir, update).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or (data.get("ref"), data.get("old"), data.get("new")) != (
            update.ref, update.old, update.new) or not isinstance(data.get("verdicts"), dict):
        return None
    return data["verdicts"]


def forget(git_dir: Path, update: RefUpdate) -> None:
    _path(git_dir, update).unlink(missing_ok=True)


def _path(git_dir: Path, update: RefUpdate) -> Path:
    return _folder(git_dir) / f"{update.key()}.pending"


def sweep(git_dir: Path, now: float | None = None) -> None:
    """Remove handover files and marks older than a day (their push never reached post-receive)."""
    limit = (time.time() if now is None else now) - STALE_SECONDS
    for path in [*_folder(git_dir).glob("*.pending"), *_folder(git_dir).glob("*.unjudged")] \
            if _folder(git_dir).is_dir() else ():
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
