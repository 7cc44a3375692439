"""Whole verdicts on disk, keyed by everything they are computed from (an optimisation).

A `govern check` of a working tree or of the index is a function of: the tree's files (path,
blob id, mode, size; ADRs and `[tool.govern]` are among them), its symlinks and submodules,
the judging date (rule expiry), the base of `--new-since`, the command's options that reach
the judge (engine, ADR directory) and the code that judges (govern's version, the Python
version, and the size and mtime of every module of govern and of the fact extractor, and of
the parser and engine packages it loads). The key is a SHA-256 of all of them; the value is
the verdict's canonical JSON (`govern check --format json`), so a repeated check lists the
tree (stat data only, facts.statcache) and prints, without extracting, evaluating, proving
or importing any of that code.

A working tree's key is also remembered by the tree's state (facts.statcache.stat_pass: the
listed paths and their stat data, once settled) with everything else the key holds (`head`):
a check whose state was seen takes the key from there without computing a blob id
(`<git common dir>/govern/verdicts/v1-states`, the STATES written last, checksummed).
govern.cli.check_stored does that lookup with this module alone.

Left out, and judged afresh every time: a commit (`--rev`: change rules read signatures,
whose keys live outside the tree) and `--verify` (it re-checks every proof against the
facts, so it needs them).

Never trusted blindly: an entry ends with a line holding its name, the outcome and a SHA-256
over them and the payload; anything missing, damaged, of another format or key is a miss
(judged again, then rewritten). Entries are written to a temporary name while they are
printed, and moved into place when complete; verdicts beyond the
KEEP written last are removed. `<git common dir>/govern/verdicts/v1/<key>`, and beside it
`<key>.<view>`: the verdict as a check printed it in another format or with output options
(`view` digests them; govern.cli.check_run), so that a repeated text check does not render
thousands of proofs again either.
"""
from __future__ import annotations

import hashlib
import json
import marshal
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import govern
from govern.facts.gitio import git_dir

TYPE_CHECKING = False  # typing itself is not imported: see below
if TYPE_CHECKING:
    from govern.facts.tree import Tree
    from govern.verdict.request import JudgeRequest

# Imported lazily (the judge's modules, facts.tree, tempfile): govern.cli.check_stored prints a
# stored verdict with this module and facts.statcache alone.

FORMAT = "v1"
KEEP = 8  # verdicts kept per repository, with their renderings (a heavy-debt verdict is tens of MB)
STATES = 64  # working-tree states remembered with the key of their verdict
_HEADER = b"govern-verdict "
# Packages whose code shapes a verdict besides govern's own (found, never imported).
_PACKAGES = ("tree_sitter", "tree_sitter_python", "pyDatalog", "clingo", "lark", "yaml", "markdown_it",
             "jsonschema", "frontmatter", "pathspec", "packaging", "codeowners")
_CODE_SUFFIXES = (".py", ".json", ".lark", ".scm")


def verdict_key(request: JudgeRequest, store: VerdictCache | None = None) -> str | None:
    """The key of the request's verdict, or None when its verdict is not cached (a commit,
    change facts or answers given by the caller, rules from another tree).

    With `store`, a working tree is first looked up by its state (facts.statcache.stat_pass:
    the paths git lists and their stat data): a state seen settled before, with the same
    head, names its key without a file being read or the tree listed further."""
    from govern.facts.tree import WorkTree

    head = _head(request)
    if head is None:
        return None
    state = request.target.state() if store is not None and isinstance(request.target, WorkTree) else None
    name = None if state is None else state_name(head, state[0])
    known = store.states().get(name) if name else None
    if known is not None:
        return known
    digest = hashlib.sha256(head)
    _digest_tree(digest, request.target)
    key = digest.hexdigest()
    if name and state[1]:
        store.remember(name, key)
    return key


def state_name(head: bytes, state: str) -> str:
    """The name a working tree's state is remembered under, with the head of its verdict key."""
    return hashlib.sha256(head + b"\0" + state.encode("ascii")).hexdigest()


def _head(request: JudgeRequest) -> bytes | None:
    """head() of the request, or None when its verdict is not cached."""
    from govern.facts.tree import CommitTree, IndexTree, WorkTree

    r = request
    if type(r.target) not in (WorkTree, IndexTree) or r.on is None or r.change_rev is not None \
            or r.change_facts is not None or r.known is not None or r.legacy is not None \
            or r.adr_tree is not None or r.compare_with is not None or not r.cache \
            or not (r.base is None or isinstance(r.base, CommitTree)):
        return None
    return head(type(r.target).__name__, r.on.isoformat(), r.engine, r.adr_dir, r.scope, r.prove, r.env,
                r.base_facts_equal, None if r.base is None else (r.base.rev, r.base.tree))


def head(target: str, on: str, engine: str | None, adr_dir: str | None, scope: str = "all", prove: str = "all",
         env: dict[str, str] | None = None, base_facts_equal: bool = False,
         base: tuple[str, str] | None = None) -> bytes:
    """Everything but the tree's files a stored verdict is computed from, as bytes: the kind
    of tree ("WorkTree", "IndexTree"), the judging day (ISO), the request's options, the base
    (commit, tree) of --new-since, and the code that judges."""
    fields = [FORMAT, govern.__version__, sys.version, _code_fingerprint(), target, on, engine, adr_dir, scope, prove,
              dict(sorted((env or {}).items())), base_facts_equal, None if base is None else list(base)]
    return json.dumps(fields, sort_keys=True).encode("utf-8", "surrogateescape")


def _digest_tree(digest, tree: Tree) -> None:
    # path\0blob\0mode\0size\n: no path holds a NUL, the other fields are digits and hex.
    for listed in (tree.entries(), [None], tree.links()):
        digest.update(b"".join(b"\n" if e is None else
                               f"{e.path}\0{e.blob}\0{e.mode}\0{e.size}\n".encode("utf-8", "surrogateescape")
                               for e in listed))


@lru_cache(maxsize=1)
def _code_fingerprint() -> list:
    """(file, size, mtime) of every module of govern and of the fact extractor, and of the
    packages they load: an edited or upgraded one invalidates every verdict."""
    from importlib.util import find_spec

    import govern.facts

    out = []
    for package in (Path(govern.__file__).parent, Path(govern.facts.__file__).parent):
        for top, dirs, names in os.walk(package):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                if name.endswith(_CODE_SUFFIXES):
                    st = os.stat(os.path.join(top, name))
                    out.append([os.path.relpath(os.path.join(top, name), package), st.st_size, st.st_mtime_ns])
    for name in _PACKAGES:
        spec = find_spec(name)
        origin = spec.origin if spec is not None else None
        st = os.stat(origin) if origin and os.path.exists(origin) else None
        out.append([name, origin, st.st_size if st else 0, st.st_mtime_ns if st else 0])
    return out


class VerdictCache:
    """The stored verdicts of one repository."""

    def __init__(self, directory: str | os.PathLike) -> None:
        self.directory = Path(directory) / FORMAT
        self._states = Path(directory) / f"{FORMAT}-states"

    @classmethod
    def for_repo(cls, repo: str | os.PathLike) -> "VerdictCache":
        return cls(git_dir(repo) / "govern" / "verdicts")

    def states(self) -> dict[str, str]:
        """{state name: verdict key} remembered for working trees (verdict_key, state_name)."""
        return _read_states(self._states)

    def remember(self, state: str, key: str) -> None:
        """Remember `key` for the state (the STATES written last are kept). Only a lost
        speed-up when it cannot be written."""
        states = _read_states(self._states)
        if states.get(state) == key:
            return
        states.pop(state, None)
        states[state] = key
        payload = marshal.dumps([FORMAT, dict(list(states.items())[-STATES:])])
        from govern.facts.cache import atomic_write

        try:
            atomic_write(self._states, hashlib.sha256(payload).digest() + payload)
        except OSError:
            pass

    def load(self, name: str) -> tuple[bytes, bool] | None:
        """The bytes stored under `name` and whether the verdict blocks, or None (missing,
        damaged, foreign)."""
        try:
            data = (self.directory / name).read_bytes()
        except OSError:
            return None
        payload, _, trailer = data[:-1].rpartition(b"\n")  # the trailer holds no newline
        for blocking in (True, False):
            digest = _digest(name, blocking)
            digest.update(payload)
            if data.endswith(b"\n") and trailer == _trailer(name, blocking, digest):
                return payload, blocking
        return None

    @contextmanager
    def writer(self, name: str, blocking: bool) -> Iterator[Callable[[bytes], None]]:
        """A function writing the bytes to store under `name`, piece by piece (a 30 MB verdict
        is never held whole); stored when the block ends normally. A cache that cannot be
        written is only a lost speed-up: the function then does nothing."""
        digest = _digest(name, blocking)
        import tempfile

        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
        except OSError:
            yield lambda data: None
            return
        out = os.fdopen(fd, "wb")
        failed = []

        def write(data: bytes) -> None:
            if not failed:
                digest.update(data)
                try:
                    out.write(data)
                except OSError as err:  # a full disk: this entry is lost, the check goes on
                    failed.append(err)
        try:
            yield write
        except BaseException:  # the caller's error (a closed pipe...): nothing is stored
            out.close()
            Path(tmp).unlink(missing_ok=True)
            raise
        try:
            if not failed:
                out.write(b"\n" + _trailer(name, blocking, digest) + b"\n")
                out.close()
                os.replace(tmp, self.directory / name)
                self._prune()
        except OSError:
            pass  # the cache's own file: only a lost speed-up
        finally:
            out.close()
            Path(tmp).unlink(missing_ok=True)

    def _prune(self) -> None:
        """Keep the KEEP verdicts written last, each with its renderings (`<key>.<view>`)."""
        stored = sorted((p for p in self.directory.iterdir() if not p.name.startswith(".")),
                        key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)
        kept: list[str] = []
        for path in stored:
            key = path.name.partition(".")[0]
            if key not in kept and len(kept) < KEEP:
                kept.append(key)
            if key not in kept:
                path.unlink(missing_ok=True)


def _read_states(path: Path) -> dict[str, str]:
    """{state: key} of the file (empty when missing, damaged or of another format)."""
    try:
        data = path.read_bytes()
        if hashlib.sha256(data[32:]).digest() != data[:32]:
            return {}
        fmt, states = marshal.loads(data[32:])
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if fmt != FORMAT or not isinstance(states, dict):
        return {}
    return {k: v for k, v in states.items() if type(k) is str and type(v) is str}


def _digest(name: str, blocking: bool):
    """SHA-256 over the name, the outcome and then the payload."""
    return hashlib.sha256(f"{name} {'block' if blocking else 'allow'}\n".encode())


def _trailer(name: str, blocking: bool, digest) -> bytes:
    """The last line of a stored entry: `govern-verdict NAME OUTCOME SHA-256`."""
    return _HEADER + f"{name} {'block' if blocking else 'allow'} {digest.hexdigest()}".encode()
