"""post-receive: the refs have moved; write one verdict note per new commit.

The notes pre-receive computed are taken from the handover file; only when it is missing
(e.g. fail-open let the push through unjudged) is the update judged again here, in a child
process killed after POST_RECEIVE_SECONDS or ten times the hook budget, whichever is longer
(govern.hook.budget): the push has happened, nobody's platform limit applies, but a push whose
judging cannot end must not hang the pusher's `git push` forever. Notes are
written with compare-and-swap and retry (govern.notes.store), so racing pushes lose none.
post-receive cannot undo a push, so a failure here is reported and audited, and exits 0.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from govern.errors import GovernError
from govern.hook import audit, pending
from govern.hook.judging import complete, judge_update
from govern.hook.messages import PREFIX
from govern.hook.note_summary import remember
from govern.hook.budget import TIMED_OUT, Failed, run_tasks
from govern.hook.pre_receive import pusher, server_policy
from govern.hook.refs import RefUpdate, default_branch, parse_updates
from govern.notes.codec import note_bytes
from govern.notes.git_plumbing import git_dir
from govern.notes.store import write_notes

POST_RECEIVE_SECONDS = 60.0


def run(repo: Path, stdin_text: str, env: Mapping[str, str], err: TextIO = sys.stderr) -> int:
    """Write the notes of every updated ref; always 0 (the push has already happened)."""
    gdir = git_dir(repo)
    try:
        updates = parse_updates(stdin_text)
    except GovernError as error:
        return _report(gdir, None, env, str(error), err)
    marks, seen = pending.unjudged(gdir), set()
    for update in updates:
        if update.deleted:
            continue
        if update.key() in marks:  # pre-receive let it through without judging, on purpose: no note
            seen.add(update.key())
            continue
        try:
            verdicts = pending.take(gdir, update)
            if verdicts is None:
                verdicts = _judge(repo, update, env)
            else:  # pre-receive proves new findings only: the tip's legacy ones are proven here
                missing = {commit for commit, verdict in verdicts.items() if not complete({commit: verdict})}
                if missing:
                    verdicts.update(_judge(repo, update, env, missing))
            bodies = {commit: note_bytes(verdict) for commit, verdict in verdicts.items()}
            write_notes(repo, bodies)
            for commit, body in bodies.items():
                remember(repo, body, verdicts[commit], gdir)
            pending.forget(gdir, update)
        except Exception as error:  # noqa: BLE001 — reported and audited; the push stands
            _report(gdir, update, env, f"{type(error).__name__}: {error}", err)
    pending.forget_unjudged(marks, seen)
    pending.sweep(gdir)
    return 0


def _judge(repo: Path, update: RefUpdate, env: Mapping[str, str], only: set[str] | None = None) -> dict[str, dict]:
    """The update's verdicts (`only` these commits' when given), judged within the time limit
    (GovernError when it cannot be)."""
    default = default_branch(repo)
    policy = server_policy(repo, default)
    seconds = max(POST_RECEIVE_SECONDS, 10 * policy.hook_budget.value)
    [outcome] = run_tasks([lambda: judge_update(repo, update, env, default=default, policy=policy,
                                                only=only).verdicts], seconds)
    if isinstance(outcome, Failed):
        raise GovernError(outcome.message)
    if outcome is TIMED_OUT:
        raise GovernError(f"judging did not end within {seconds} s")
    return outcome


def _report(gdir: Path, update: RefUpdate | None, env: Mapping[str, str], reason: str, err: TextIO) -> int:
    print(f"{PREFIX}WARNING: verdict notes not written: {reason}", file=err)
    where = update.as_dict() if update else {"ref": None, "old": None, "new": None}
    audit.append(gdir, {"hook": "post-receive", **where, "pusher": pusher(env), "decision": "notes-failed",
                        "error": reason})
    return 0


def main() -> int:
    """Entry point of `govern hook post-receive`."""
    return run(Path(os.getcwd()), sys.stdin.read(), dict(os.environ))
