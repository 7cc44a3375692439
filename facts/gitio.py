"""The one place in `facts` that runs git.

Never a shell; callers put `--` (or `--end-of-options`) before anything that comes
from users. The environment is inherited, never trimmed: inside a pre-receive hook git
sets GIT_QUARANTINE_PATH / GIT_OBJECT_DIRECTORY / GIT_ALTERNATE_OBJECT_DIRECTORIES so
that the pushed objects are readable; dropping them would hide the very commits we
must judge.

Every git process reads the real objects (REAL_OBJECTS, layered on top of the
environment): no `refs/replace/*` substitution, no grafts file. Otherwise whoever can
write a replace ref (a pusher, or anyone whose clone fetched one) decides which commit
or tree govern judges, and which notes commit `govern why` reads.
"""
from __future__ import annotations

import os
import subprocess
import threading
import weakref
from collections import namedtuple
from functools import lru_cache
from pathlib import Path

GIT = "git"
# GIT_NO_REPLACE_OBJECTS: refs/replace/* are ignored. GIT_GRAFT_FILE: the deprecated
# info/grafts parent rewriting reads a file that does not exist.
REAL_OBJECTS = {"GIT_NO_REPLACE_OBJECTS": "1", "GIT_GRAFT_FILE": os.devnull + "/no-grafts"}
# git before 2.43 lets a repository's `core.useReplaceRefs = true` turn replace refs back on
# despite the variable; a command-line setting outranks every config file.
GIT_ARGS = (GIT, "-c", "core.useReplaceRefs=false")


class GitFailure(Exception):
    """A git command failed; `stderr` holds git's own explanation (decoded)."""

    def __init__(self, args: tuple[str, ...], returncode: int, stderr: bytes) -> None:
        self.args_run = args
        self.returncode = returncode
        self.stderr = stderr.decode("utf-8", "replace").strip()
        super().__init__(f"git {' '.join(args)} failed ({returncode}): {self.stderr}")


def _environ(env: dict[str, str] | None) -> dict[str, str]:
    # os.environ as is, the caller's extra variables and REAL_OBJECTS layered on top.
    return {**os.environ, **(env or {}), **REAL_OBJECTS}


def run_git(repo: str | os.PathLike, *args: str, input: bytes | None = None, env: dict[str, str] | None = None) -> bytes:
    """Run `git <args>` in `repo` and return stdout; raise GitFailure on a non-zero exit."""
    result = subprocess.run(
        [*GIT_ARGS, *args], cwd=os.fspath(repo), input=input, capture_output=True, env=_environ(env)
    )
    if result.returncode != 0:
        raise GitFailure(args, result.returncode, result.stderr)
    return result.stdout


def run_tool(argv: list[str], input: bytes | None = None) -> bytes | None:
    """Run another program (ssh-keygen) without a shell; its stdout, or None when it fails or is missing."""
    try:
        result = subprocess.run(argv, input=input or b"", capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def git_dir(repo: str | os.PathLike) -> Path:
    """The absolute common git directory of `repo` (the repository itself when bare)."""
    return Path(repo_layout(repo).common_dir)


class Layout(namedtuple("Layout", ("bare", "top", "git_dir", "common_dir", "algo"))):
    """Where a repository's parts are: `top` the working tree (None when bare or asked
    from inside the git dir), `git_dir` its own git dir (a linked worktree has one),
    `common_dir` the shared one, `algo` the object format ("sha1" or "sha256").
    (No dataclass: a warm `govern check` imports this module but not `dataclasses`.)"""

    __slots__ = ()


_ASKED = ("--path-format=absolute", "--git-common-dir", "--absolute-git-dir", "--show-object-format", "--is-bare-repository")


def repo_layout(repo: str | os.PathLike) -> Layout:
    """The Layout of the repository holding `repo` (GitFailure when there is none). Asked
    once per directory and GIT_* environment in a process (an optimisation: a warm `govern
    check` asked git five times for parts of it, ~3 ms each)."""
    env = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("GIT_")))
    return _layout(os.path.abspath(os.fspath(repo)), env)


@lru_cache(maxsize=64)
def _layout(repo: str, env: tuple) -> Layout:
    try:
        lines = run_git(repo, "rev-parse", *_ASKED, "--show-toplevel").rstrip(b"\n").split(b"\n")
    except GitFailure:  # bare, or inside a git dir: no working tree
        lines = run_git(repo, "rev-parse", *_ASKED).rstrip(b"\n").split(b"\n") + [None]
    if len(lines) != 5:  # a path holding a newline: asked one by one
        lines = [_one(repo, *a) for a in (("--path-format=absolute", "--git-common-dir"), ("--absolute-git-dir",),
                                           ("--show-object-format",), ("--is-bare-repository",))]
        lines.append(_one(repo, "--show-toplevel") if lines[3] != b"true" else None)
    common, own, algo, bare, top = lines
    return Layout(bare == b"true", None if top is None else os.fsdecode(top), os.fsdecode(own), os.fsdecode(common),
                  "sha256" if algo == b"sha256" else "sha1")


def _one(repo: str, *args: str) -> bytes | None:
    try:
        return run_git(repo, "rev-parse", *args).rstrip(b"\n")
    except GitFailure:
        return None


def resolve(repo: str | os.PathLike, rev: str, kind: str = "commit") -> str:
    """The object id of `rev` peeled to `kind` ("commit" or "tree"); GitFailure if unknown."""
    out = run_git(repo, "rev-parse", "--verify", "--end-of-options", f"{rev}^{{{kind}}}")
    return out.decode("ascii").strip()


class CatFile:
    """One persistent `git cat-file --batch` process reading objects by id."""

    def __init__(self, repo: str | os.PathLike) -> None:
        self._proc = subprocess.Popen(
            [*GIT_ARGS, "cat-file", "--batch"], cwd=os.fspath(repo), env=_environ(None),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        self._finalizer = weakref.finalize(self, _close, self._proc)

    def read_many(self, oids: list[str]) -> dict[str, bytes]:
        """Contents of every object in `oids`; a missing object raises GitFailure."""
        wanted = list(dict.fromkeys(oids))
        request = b"".join(oid.encode("ascii") + b"\n" for oid in wanted)
        # A writer thread: git answers while we are still asking, and both pipes
        # would otherwise fill up and deadlock on large batches.
        writer = threading.Thread(target=self._write, args=(request,), daemon=True)
        writer.start()
        try:
            return {oid: self._read_one(oid) for oid in wanted}
        except BaseException:
            self._proc.kill()  # the stream is out of step: this reader is done
            raise
        finally:
            writer.join()

    def _write(self, request: bytes) -> None:
        try:
            self._proc.stdin.write(request)
            self._proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass  # the reader reports the failure

    def _read_one(self, oid: str) -> bytes:
        header = self._proc.stdout.readline()
        parts = header.split()
        if len(parts) != 3:
            raise GitFailure(("cat-file", "--batch"), 1, header or b"git cat-file ended early")
        size = int(parts[2])
        data = self._proc.stdout.read(size + 1)
        if len(data) != size + 1:
            raise GitFailure(("cat-file", "--batch"), 1, b"short read of " + oid.encode())
        return data[:-1]

    def close(self) -> None:
        self._finalizer()


def _close(proc: subprocess.Popen) -> None:
    # Runs from close() or from the garbage collector, at any point of the program.
    # Never wait for git to see end-of-input: a process forked meanwhile (a worker
    # pool) holds a copy of our end of the pipe, so git may never see it, and a
    # wait here deadlocks the whole program. Kill, then reap.
    if proc.stdin:
        proc.stdin.close()
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    if proc.stdout:
        proc.stdout.close()
