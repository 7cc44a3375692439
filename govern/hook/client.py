"""Client-side git hooks for teams without the pre-commit framework:
`govern hook install --client [--pre-commit] [--pre-push]` and `govern hook pre-push`.

The scripts are shims like the server's: pre-commit runs `govern check --staged --new-since
HEAD`; pre-push runs `govern hook pre-push`, which judges each pushed tip against what the
remote already has. A hook that was there before (another tool's, a team's script) is kept as
`<hook>.pre-govern` and runs first, with the same arguments and standard input; installing
again changes nothing.
"""
from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from govern.errors import UsageError
from govern.hook.install import MARKER, govern_command
from govern.notes.git_plumbing import resolve, run_git, try_git

CHAINED = ".pre-govern"  # suffix of a hook that was there before govern's
COMMANDS = {"pre-commit": ["check", "--staged", "--new-since", "HEAD"], "pre-push": ["hook", "pre-push"]}


def client_script(hook: str, command: list[str]) -> str:
    """The shim for `hook`: run the kept hook first (same arguments and stdin), then govern."""
    govern = " ".join(shlex.quote(part) for part in [*command, *COMMANDS[hook]])
    head = (f"#!/bin/sh\n{MARKER} (client {hook}); all logic is in govern (tested Python).\n"
            f"# A {hook} hook that was here before is kept as {hook}{CHAINED} and runs first.\n"
            f'chained="$(dirname "$0")/{hook}{CHAINED}"\n')
    if hook == "pre-push":  # both read the pushed refs on stdin
        return head + ('if [ -x "$chained" ]; then\n'
                       '    input=$(cat)\n'
                       '    printf \'%s\\n\' "$input" | "$chained" "$@" || exit $?\n'
                       f'    printf \'%s\\n\' "$input" | {govern} "$@"\n'
                       '    exit $?\n'
                       'fi\n'
                       f'exec {govern} "$@"\n')
    return head + f'if [ -x "$chained" ]; then "$chained" "$@" || exit $?; fi\nexec {govern} "$@"\n'


@dataclass(frozen=True)
class ClientInstall:
    hook: str
    path: Path
    written: bool  # False: it was already installed
    kept: Path | None  # where an earlier hook was moved (None: there was none, or it already was)


def install_client(repo: Path, hooks: Iterable[str]) -> list[ClientInstall]:
    """Write the client hooks of `repo` (a working repository; core.hooksPath is respected)."""
    if try_git(repo, "rev-parse", "--git-dir") is None:
        raise UsageError(f"{repo}: not a git repository")
    if (try_git(repo, "rev-parse", "--is-bare-repository") or b"").strip() == b"true":
        raise UsageError(f"{repo} is a bare repository: use --server for a server's hooks")
    hooks_dir = Path(run_git(repo, "rev-parse", "--git-path", "hooks").decode().strip())
    if not hooks_dir.is_absolute():
        hooks_dir = (Path(repo) / hooks_dir).resolve()
    command = govern_command()
    return [_install(hooks_dir / hook, client_script(hook, command)) for hook in hooks]


def _install(path: Path, text: str) -> ClientInstall:
    hook = path.name
    kept = None
    if path.exists() or path.is_symlink():
        current = path.read_text(errors="replace") if path.is_file() else ""
        if current == text and path.stat().st_mode & 0o111:
            return ClientInstall(hook, path, False, None)
        if MARKER not in current:  # someone else's hook: keep it, chained
            kept = path.with_name(hook + CHAINED)
            if kept.exists() or kept.is_symlink():
                raise UsageError(f"{path} is not govern's and {kept} exists too: merge them by hand, then install again")
            path.rename(kept)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return ClientInstall(hook, path, True, kept)


@dataclass(frozen=True)
class Push:
    """One line of pre-push's standard input: what would be sent, and what the remote has."""

    local_ref: str
    local: str
    remote_ref: str
    remote: str


def read_pushes(lines: Iterable[str]) -> list[Push]:
    """`<local ref> <local oid> <remote ref> <remote oid>` lines (githooks(5)); blank lines skipped."""
    pushes = []
    for line in lines:
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 4:
            raise UsageError(f"pre-push: malformed input line {line.strip()!r} (expected 4 fields)")
        pushes.append(Push(*parts))
    return pushes


def push_base(repo: str, push: Push, remote: str | None) -> str | None:
    """What the pushed tip is compared with: the remote's current tip when known here; for a
    new branch, where it forks from the remote's default branch; else None (all new)."""
    if set(push.remote) != {"0"} and resolve(repo, push.remote + "^{commit}"):
        return push.remote
    for ref in ([f"refs/remotes/{remote}/HEAD", f"refs/remotes/{remote}/main", f"refs/remotes/{remote}/master"]
                if remote else []):
        if resolve(repo, ref):
            base = try_git(repo, "merge-base", push.local, ref)
            if base:
                return base.decode().strip()
    return None


def judge_pushes(repo: str, pushes: Iterable[Push], remote: str | None) -> list[tuple[Push, object]]:
    """(push, Verdict) for each pushed ref that is not a deletion, judged with the pushed tip's ADRs."""
    from govern.verdict.judge import judge_in_full
    from govern.verdict.targets import judge_request

    judged = []
    for push in pushes:
        if set(push.local) == {"0"}:
            continue  # a deletion: nothing to judge
        request = judge_request(repo, rev=push.local, staged=False, new_since=push_base(repo, push, remote),
                                engine=None, adr_dir=None)
        judged.append((push, judge_in_full(request).verdict))
    return judged
