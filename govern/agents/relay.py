"""A running `govern mcp` answers the one-shot hooks of its repository (the relay).

`govern agent-hook` is a new process per tool call; judging an edit that adds an import
from scratch means listing and evaluating the working tree (seconds at 10,000 modules).
`govern mcp` keeps the working tree's answers warm (govern.agents.incremental), so while it
runs it also listens on a Unix socket, and the hook process hands it the payload instead of
judging it itself: the answer is the one the hook would give (`hook.run` in the server,
with the warm state), in a fraction of the time.

The socket is `<git dir>/govern/relay/hook.sock`: both sides find it from the repository,
whatever their environment. Either side uses it only when that directory (mode 0700) and
the socket (mode 0600) are the user's own and nobody else may enter or use them; the server
also checks the peer's uid. Anything unexpected (no server, a stale
socket, a refused or broken answer) and the hook judges the payload itself: the relay only
ever saves time, it never decides alone.
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
import stat
import threading
from contextvars import ContextVar

MAX_REQUEST = 32 * 1024 * 1024 + 4096  # a payload (hook.MAX_PAYLOAD) and its header
MAX_ANSWER = 64 * 1024 * 1024
CONNECT_SECONDS = 1.0
READ_SECONDS = 10.0  # a client that does not send its request in time is dropped
# A server that has not answered by then is stuck: the hook judges the payload itself, well
# before the harness's own timeout (60 s by default in Claude Code) would let the call through.
ANSWER_SECONDS = 25.0

# The warm state of the server while it answers a relayed payload (govern.agents.hook).
SERVING: ContextVar = ContextVar("govern_relay_serving", default=None)


def socket_path(git_dir: str) -> str | None:
    """Where the server of the repository whose git directory is `git_dir` listens (None:
    no Unix sockets here)."""
    if not hasattr(socket, "AF_UNIX") or not hasattr(os, "getuid"):
        return None
    return os.path.join(git_dir, "govern", "relay", "hook.sock")


def _own_folder(folder: str, create: bool) -> bool:
    """Whether `folder` is a directory of ours nobody else may enter (made so if `create`)."""
    try:
        if create:
            os.makedirs(folder, 0o700, exist_ok=True)
            info = os.lstat(folder)
            if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and info.st_mode & 0o077:
                os.chmod(folder, 0o700)  # ours, made under a lax umask: closed now
        info = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def _own_socket(path: str) -> bool:
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISSOCK(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def _at(path: str, call):
    """call(path), or call(its name) from inside its folder when the path is too long for a
    Unix socket address (~107 bytes); only in a single-threaded process (the hook, the
    server before it serves)."""
    if len(os.fsencode(path)) < 100:
        return call(path)
    here = os.open(".", os.O_RDONLY)
    try:
        os.chdir(os.path.dirname(path))
        return call(os.path.basename(path))
    finally:
        os.fchdir(here)
        os.close(here)


# ---- the hook's side ------------------------------------------------------------------------

def ask(harness: str, data: bytes) -> tuple[int, str, str] | None:
    """The (exit code, stdout, stderr) a running server gives for this payload, or None
    (no server for the payload's repository, or anything went wrong: judge it here)."""
    try:
        git_dir = _git_dir(data)
        path = socket_path(git_dir) if git_dir else None
        if path is None or not _own_folder(os.path.dirname(path), create=False) or not _own_socket(path):
            return None
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(CONNECT_SECONDS)
            _at(path, conn.connect)
            conn.settimeout(ANSWER_SECONDS)
            header = json.dumps({"harness": harness, "size": len(data)}).encode() + b"\n"
            conn.sendall(header + data)
            conn.shutdown(socket.SHUT_WR)
            answer = _read_all(conn, MAX_ANSWER)
        reply = json.loads(answer.decode("utf-8"))
        code, out, err = reply["exit_code"], reply["stdout"], reply["stderr"]
        if isinstance(code, int) and not isinstance(code, bool) and isinstance(out, str) and isinstance(err, str):
            return code, out, err
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        pass
    return None


def _git_dir(data: bytes) -> str | None:
    """The git directory of the repository the payload's cwd (Cursor: its first workspace
    root) is in."""
    payload = json.loads(data.decode("utf-8"))
    if not isinstance(payload, dict):
        return None
    cwd = payload.get("cwd")
    if not isinstance(cwd, str) or not cwd:
        roots = payload.get("workspace_roots")
        cwd = roots[0] if isinstance(roots, list) and roots and isinstance(roots[0], str) else None
    if not cwd or "\0" in cwd or not os.path.isdir(cwd):
        return None
    return git_dir(cwd)


def git_dir(where: str) -> str | None:
    from govern.facts.gitio import GitFailure, run_git

    try:
        return os.fsdecode(run_git(where, "rev-parse", "--absolute-git-dir").rstrip(b"\n"))
    except GitFailure:
        return None


def _read_all(conn: socket.socket, limit: int) -> bytes:
    chunks, size = [], 0
    while True:
        chunk = conn.recv(1 << 16)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise ValueError("answer too large")
        chunks.append(chunk)


# ---- the server's side ----------------------------------------------------------------------

class Relay:
    """The listening side, run by `govern mcp` beside the MCP session (a daemon thread)."""

    def __init__(self, top: str, warm) -> None:
        self.top, self.warm = top, warm
        found = git_dir(top)
        self.path = socket_path(found) if found else None
        self._sock: socket.socket | None = None
        self._inode: int | None = None

    def start(self) -> bool:
        """Listen, unless there is no safe place or another live server of the repository."""
        if self.path is None or not _own_folder(os.path.dirname(self.path), create=True):
            return False
        if os.path.lexists(self.path):
            if not _own_socket(self.path) or _alive(self.path):
                return False  # another server answers (or something not ours is there)
            os.unlink(self.path)  # a server that died without cleaning up
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        mask = os.umask(0o177)  # created 0600: no moment when another user could connect
        try:
            _at(self.path, sock.bind)
            sock.listen(8)
        except OSError:
            sock.close()
            return False
        finally:
            os.umask(mask)
        self._sock, self._inode = sock, os.lstat(self.path).st_ino
        threading.Thread(target=self._serve, name="govern-relay", daemon=True).start()
        return True

    def stop(self) -> None:
        if self._sock is None:
            return
        self._sock.close()
        try:
            if os.lstat(self.path).st_ino == self._inode:  # still ours: not a newer server's
                os.unlink(self.path)
        except OSError:
            pass
        self._sock = None

    def _serve(self) -> None:
        while self._sock is not None:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return  # closed by stop()
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            try:
                self._answer(conn)
            except Exception:  # noqa: BLE001 - whatever happens, the client judges it itself
                pass

    def _answer(self, conn: socket.socket) -> None:
        if not _same_user(conn):
            return
        conn.settimeout(READ_SECONDS)
        data = _read_all(conn, MAX_REQUEST)
        header, _, payload = data.partition(b"\n")
        request = json.loads(header.decode("utf-8"))
        harness = request.get("harness") if isinstance(request, dict) else None
        from govern.agents.harnesses import REGISTRY
        from govern.agents.hook import run

        if harness not in REGISTRY or request.get("size") != len(payload) or self.warm.lock.locked():
            return  # busy with another judgment: the client does not wait, it judges itself
        token = SERVING.set(self.warm)
        try:
            answer = run(harness, payload)
        finally:
            SERVING.reset(token)
        conn.settimeout(None)
        reply = {"exit_code": answer.exit_code, "stdout": answer.stdout, "stderr": answer.stderr}
        conn.sendall(json.dumps(reply, ensure_ascii=False).encode("utf-8"))


def _alive(path: str) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(CONNECT_SECONDS)
        try:
            _at(path, probe.connect)
        except OSError:
            return False
    return True


def _same_user(conn: socket.socket) -> bool:
    """The peer runs as this user (Linux's SO_PEERCRED; elsewhere the folder's mode decides)."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True
    import struct

    pid, uid, gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i")))
    return uid == os.getuid()
