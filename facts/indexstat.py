"""The files of a working tree, with the blob ids git's index already vouches for.

Hashing every file costs ~0.2 s at 10,000 files, but git keeps the stat data of each
tracked file in its index and tells, in the same `git ls-files` run that lists the files,
which ones changed on disk since (racily clean entries are compared by content). A
tracked file that git reports unchanged holds exactly its staged blob, provided that no
conversion applies to it (eol/autocrlf, filters such as LFS, ident,
working-tree-encoding): then its bytes on disk are the blob's, and the blob id is the one
`git hash-object --no-filters` would compute. Every other file is hashed by the caller.

Optimisation: most repositories set `* text=auto eol=lf` (or core.autocrlf), which puts every
file in doubt. A line-ending conversion (text, eol, crlf and nothing else) only ever turns
CRLF into LF when git reads a file in: a file git reports unchanged whose bytes hold no CR
is then its staged blob byte for byte. `eol_listing` names those files with their staged
blob; the caller reads them (no hashing) and takes that blob when no CR is found.
"""
from __future__ import annotations

from .gitio import run_git

REGULAR = (b"100644", b"100755")
# Attributes under which the bytes on disk may differ from the staged blob.
CONVERSIONS = frozenset({b"text", b"eol", b"crlf", b"filter", b"ident", b"working-tree-encoding"})
LINE_ENDINGS = frozenset({b"text", b"eol", b"crlf"})  # conversions that only turn CRLF into LF on the way in
# Strict stat checks whatever the repository says (ctime catches a rewrite whose mtime
# was restored), and no file-system monitor: git looks at every file itself.
STRICT = ("-c", "core.fsmonitor=false", "-c", "core.checkStat=default", "-c", "core.trustctime=true")


def files(repo: str) -> list[bytes]:
    """The raw paths `listing` lists, in git's order, without asking git about their state
    (no pass over the files' stat data, no attributes): facts.statcache knows most ids."""
    out = run_git(repo, *STRICT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    return [raw for raw in dict.fromkeys(out.split(b"\0")) if raw]


def listing(repo: str) -> dict[bytes, str | None]:
    """{raw path: blob id git vouches for, or None} for the tracked files plus the
    untracked ones that are not ignored (what `git ls-files --cached --others
    --exclude-standard` lists), in git's order."""
    return eol_listing(repo)[0]


def eol_listing(repo: str) -> tuple[dict[bytes, str | None], dict[bytes, str]]:
    """`listing`, and {raw path: staged blob} for the files git reports unchanged whose only
    conversions are line endings: each is that blob if its bytes on disk hold no CR."""
    out = run_git(repo, *STRICT, "ls-files", "-z", "-s", "-v", "--cached", "--modified", "--deleted",
                  "--others", "--exclude-standard")
    paths: dict[bytes, str | None] = {}
    trusted: dict[bytes, str] = {}
    doubted: set[bytes] = set()
    for record in out.split(b"\0"):
        if not record:
            continue
        tag = record[:1]
        if tag == b"?":  # untracked: "? path", no stage data (the path may hold a tab)
            paths[record[2:]] = None
            continue
        meta, _, path = record.partition(b"\t")
        paths[path] = None
        mode, blob, stage = meta.split()[1:]
        # "H": cached and neither assume-unchanged ("h") nor skip-worktree ("S"), which git
        # does not check on disk. Any second record ("C" changed, "R" deleted, other stages
        # of an unmerged path) puts the path in doubt.
        if tag == b"H" and stage == b"0" and mode in REGULAR and path not in trusted:
            trusted[path] = blob.decode()
        else:
            doubted.add(path)
    for path in doubted:
        trusted.pop(path, None)
    eol: dict[bytes, str] = {}
    for path, conversions in _converted(repo, list(trusted)).items():
        blob = trusted.pop(path)
        if conversions <= LINE_ENDINGS:
            eol[path] = blob
    paths.update(trusted)
    return paths, eol


def _converted(repo: str, paths: list[bytes]) -> dict[bytes, set[bytes]]:
    """{path: the conversion attributes set on it} for the paths whose bytes on disk git may
    convert from or to the staged blob."""
    if not paths:
        return {}
    out = run_git(repo, "check-attr", "--stdin", "-z", "-a", input=b"\0".join(paths) + b"\0")
    fields = out.split(b"\0")
    # -a prints only attributes that are set, unset or valued: "path\0attr\0value\0" each.
    found: dict[bytes, set[bytes]] = {}
    for i in range(0, len(fields) - 2, 3):
        if fields[i + 1] in CONVERSIONS and fields[i + 2] != b"unset":
            found.setdefault(fields[i], set()).add(fields[i + 1])
    if run_git(repo, "config", "--default", "false", "--get", "core.autocrlf").strip().lower() not in (
            b"false", b"no", b"off", b"0"):
        # true/input: any text file may have its line endings converted
        found = {path: found.get(path, set()) | {b"crlf"} for path in paths}
    return found
