"""pre-receive: judge every ref update of the push, reject with reasons, audit every decision.

Runs inside git's quarantine: pushed objects are readable, but no ref may be written (an
attempt fails, and forcing it by unsetting the quarantine variables would leave refs
pointing at objects that vanish when the push is rejected). So notes are handed over to
post-receive through files in the git dir, and nothing here touches the environment.

Each line of the push is decided on its own (govern.hook.policy says how each ref is
governed): a malformed line, a forbidden ref, a refused rewrite or a judged violation rejects
(never subject to fail-open); only a ref govern could not judge (its own fault, or the budget)
is let through when fail-open is on. Any rejected line rejects the whole push (git moves no
ref). Every line gets an audit entry, whatever happens.
"""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from govern.facts.change import pusher_facts
from govern.config import Config
from govern.errors import GovernError
from govern.hook import audit, pending
from govern.hook.budget import Failed, run_tasks
from govern.hook.judging import RefJudgment, config_at, judge_update, rules_changed
from govern.hook.messages import PREFIX, blocked_lines, summary_lines
from govern.hook.policy import Policy, forbidden, read_policy
from govern.hook.refs import (RefUpdate, default_branch, is_ancestor, parse_line, peel_commit, peel_commits,
                              printable, reachable_from)
from govern.notes.git_plumbing import git_dir, try_git


def pusher(env: Mapping[str, str]) -> str | None:
    """The server-authenticated user (never the commit author: that is a claim)."""
    return next((str(f.args[0]) for f in pusher_facts(env)), None)


@dataclass
class Line:
    """The decision on one line of hook input."""

    text: str  # the raw line, printable
    update: RefUpdate | None = None
    mode: str = "block"
    mode_origin: str = ""
    decision: str = "reject"
    reason: str = ""  # why it was rejected (or allowed unjudged)
    judgment: RefJudgment | None = None
    extra: dict = field(default_factory=dict)  # more audit fields


def server_policy(repo: Path, default: tuple[str, str] | None) -> Policy:
    """The policy (server git config, then [tool.govern] of the default branch's tip).

    A [tool.govern] that does not load does not stop the policy: the server's settings and the
    defaults still apply (so the operator can always recover, see docs/hooks.md)."""
    tree, origin = Config(), "(no default branch)"
    if default is not None:
        origin = f"{default[0]} at {default[1][:12]}"
        try:
            tree = config_at(repo, default[1])
        except GovernError:
            origin += " (unreadable; ignored)"
    # An empty repository's HEAD still names its default branch (unborn): the first push of it
    # is governed as the default branch, not as any other branch.
    head = default[0] if default else (try_git(repo, "symbolic-ref", "--quiet", "HEAD") or b"").decode().strip()
    return read_policy(repo, tree, origin, head or None)


def run(repo: Path, stdin_text: str, env: Mapping[str, str], err: TextIO = sys.stderr,
        today: datetime | None = None) -> int:
    """The hook: 0 accepts the push, 1 rejects it (git then updates no ref at all)."""
    started = time.monotonic()
    gdir = git_dir(repo)
    raw = [line for line in stdin_text.splitlines() if line.strip()]
    lines = [Line(printable(text)) for text in raw]
    try:
        default = default_branch(repo)
        _require_default(repo, default)
        policy = server_policy(repo, default)
    except GovernError as error:  # no trustworthy policy: fail closed, whatever fail-open says
        for line in lines:
            line.reason = f"cannot read the server's policy: {error}"
        return _conclude(gdir, lines, env, err, None, started)
    moment = today or datetime.now(timezone.utc)
    known = _known(repo, raw, default)
    work = []
    for number, (line, text) in enumerate(zip(lines, raw), 1):
        if _classify(repo, line, text, number, policy, default, known):
            work.append(line)
    work.sort(key=lambda line: line.mode != "block")  # blocking refs first: judged before any deadline
    shared: dict = {}  # the tasks run one after the other in one process: a commit two refs bring is judged once
    tasks = [_task(repo, line.update, env, default, policy, moment, known[0].get(line.update.new), shared)
             for line in work]
    for line, outcome in zip(work, run_tasks(tasks, policy.hook_budget.value)):
        _settle(repo, line, outcome, policy, default)
    return _conclude(gdir, lines, env, err, policy, started)


def _require_default(repo: Path, default: tuple[str, str] | None) -> None:
    """A repository with refs whose HEAD names no commit has no trustworthy rules: refuse."""
    if default is not None:
        return
    if try_git(repo, "for-each-ref", "--count=1", "--format=%(refname)", "refs/") not in (None, b""):
        head = (try_git(repo, "symbolic-ref", "--quiet", "HEAD") or b"(detached)").decode().strip()
        raise GovernError(f"the default branch {head} (HEAD) does not exist in this non-empty repository, "
                          "so there are no rules to judge by; the server's operator sets it with "
                          "`git symbolic-ref HEAD refs/heads/<branch>`")


def _known(repo: Path, raw: list[str], default: tuple[str, str] | None) -> tuple[dict[str, str], set[str]]:
    """Every id of the push peeled to its commit, and the new refs' tips the default branch
    already holds, each in one git process (a push of 1,000 tags asked git 2,000 times)."""
    updates = []
    for number, text in enumerate(raw, 1):
        try:
            updates.append(parse_line(text, number))
        except GovernError:
            continue  # _classify reports it
    peeled = peel_commits(repo, [oid for u in updates for oid in (u.new, u.old) if set(oid) != {"0"}])
    created = [peeled[u.new] for u in updates if u.created and u.new in peeled]
    return peeled, reachable_from(repo, created, default[1] if default else None)


def _classify(repo: Path, line: Line, text: str, number: int, policy: Policy,
              default: tuple[str, str] | None, known: tuple[dict[str, str], set[str]] = ({}, set())) -> bool:
    """Decide what needs no judging; True when `line` is to be judged. `known`: _known()."""
    try:
        line.update = update = parse_line(text, number)
    except GovernError as error:
        line.reason = str(error)
        return False
    line.mode, line.mode_origin = policy.mode(update.ref)
    if (pattern := forbidden(update.ref)) is not None:
        line.reason = (f"{update.ref}: pushes to {pattern} are refused: they change which objects a name reads "
                       "(replace refs) or govern's own records (built in, not configurable)")
        return False
    if line.mode == "off":
        line.decision, line.reason = "allow", f"not governed ({line.mode_origin})"
        return False
    rewrites = policy.allow_rewrites
    if update.deleted:
        if line.mode == "block" and not rewrites.value:
            line.reason = (f"{update.ref}: deleting a governed ref is refused ({line.mode_origin}; "
                           f"govern.allowRewrites = {rewrites})")
        else:
            line.decision = "allow"
        return False
    try:
        peeled, on_default = known
        tip = peeled.get(update.new) or peel_commit(repo, update.new, update.ref)
        old = None if update.created else peeled.get(update.old) or peel_commit(repo, update.old, update.ref)
    except GovernError as error:  # a tag of a tree, a blob: the pusher's input, never failed open
        line.reason = str(error)
        return False
    if old is not None and line.mode == "block" and not rewrites.value and not is_ancestor(repo, old, tip):
        line.reason = (f"{update.ref}: non-fast-forward update of a governed ref is refused "
                       f"({line.mode_origin}; govern.allowRewrites = {rewrites})")
        return False
    if update.created and update.ref != (default[0] if default else None) and default is not None \
            and (tip in on_default if update.new in peeled else is_ancestor(repo, tip, default[1])):
        line.decision, line.reason = "allow", f"points at a commit already judged on {default[0]}"
        return False
    return True


def _task(repo: Path, update: RefUpdate, env: Mapping[str, str], default, policy: Policy, moment: datetime,
          tip: str | None, shared: dict):
    return lambda: judge_update(repo, update, env, prove="new", default=default, policy=policy, moment=moment,
                                tip=tip, shared=shared)


def _settle(repo: Path, line: Line, outcome: object, policy: Policy, default) -> None:
    """Turn a judging outcome (a RefJudgment, a Failed, or TIMED_OUT) into the line's decision."""
    if isinstance(outcome, RefJudgment):
        line.judgment = outcome
        blocking = bool(outcome.blocking)
        line.decision = "reject" if blocking and line.mode == "block" else "allow"
        if blocking and line.mode != "block":
            line.reason = f"violations reported, not blocking ({line.mode_origin})"
        return
    if isinstance(outcome, Failed):
        line.reason = outcome.message
    else:
        line.reason = (f"time budget of {policy.hook_budget.value} s exceeded while judging the push "
                       f"(govern.hookBudget = {policy.hook_budget}; the server's operator raises it with "
                       f"`git config govern.hookBudget SECONDS` in the server's repository; the GitHub Enterprise "
                       f"limit is 5 s for all hooks)")
        line.extra["timed_out"] = True
    if line.mode != "block":
        line.decision, line.reason = "allow", f"{line.reason}; not blocking ({line.mode_origin})"
        return
    if policy.fail_open.value:
        if line.extra.get("timed_out") and rules_changed(repo, line.update, default):
            line.reason += ("; the push changes the rules, whose cost could not be checked, "
                            "so fail-open does not apply")
            return
        line.decision = "allow"
        line.extra["failed_open"] = True


def _conclude(gdir: Path, lines: list[Line], env: Mapping[str, str], err: TextIO, policy: Policy | None,
              started: float) -> int:
    seconds = round(time.monotonic() - started, 3)
    rejected = [line for line in lines if line.decision == "reject"]
    for line in lines:
        _say(err, _lines_for(line, policy))
    audit.append_many(gdir, [_entry(line, env, seconds) for line in lines])  # one fsync for the push
    if rejected:
        _say(err, [f"{PREFIX}push rejected: {len(rejected)} of {len(lines)} ref update(s) blocked"])
        return 1
    unjudged = []
    for line in lines:  # all accepted: post-receive writes these notes (none for a ref not judged on purpose)
        if line.update is not None and not line.update.deleted and not line.extra.get("failed_open") \
                and not line.extra.get("timed_out"):
            if line.judgment is None:
                unjudged.append(line.update)
            else:
                pending.save(gdir, line.update, line.judgment.verdicts)
    pending.save_unjudged(gdir, unjudged)
    return 0


def _lines_for(line: Line, policy: Policy | None) -> list[str]:
    judgment = line.judgment
    if judgment is not None:
        if line.decision == "reject":
            return blocked_lines(judgment, line.mode_origin)
        return summary_lines(judgment) + ([f"{PREFIX}  {line.reason}"] + blocked_lines(judgment, line.mode_origin)[1:]
                                          if judgment.blocking else [])
    ref = line.update.ref if line.update else line.text
    if line.extra.get("failed_open"):
        fail_open = policy.fail_open if policy else "?"
        return [f"{PREFIX}WARNING: {ref}: {line.reason}",
                f"{PREFIX}{ref}: ALLOWED UNJUDGED because govern.failOpen = {fail_open}"]
    if line.decision == "allow":
        return [f"{PREFIX}✓ {ref}: allowed" + (f", {line.reason}" if line.reason else "")]
    return ([f"{PREFIX}✗ {ref}: rejected"] + [PREFIX + "  " + text for text in line.reason.splitlines()]
            + [f"{PREFIX}  (fail closed; see docs/hooks.md)"])


def _entry(line: Line, env: Mapping[str, str], seconds: float) -> dict:
    where = line.update.as_dict() if line.update else {"ref": None, "old": None, "new": None, "input": line.text}
    entry = {"hook": "pre-receive", **where, "pusher": pusher(env), "decision": line.decision,
             "mode": line.mode, "seconds": seconds, **line.extra}
    if line.mode_origin:
        entry["mode_from"] = line.mode_origin
    judgment = line.judgment
    if judgment is not None:
        entry.update(blocking=[_blocking(c, f) for c, f in judgment.blocking], rules_from=judgment.rules_rev,
                     commits=len(judgment.commits),
                     verdict=judgment.tip_verdict.outcome if judgment.tip_verdict else None)
    if line.reason:
        failed = (line.decision == "reject" and judgment is None) or "failed_open" in entry or "timed_out" in entry
        entry["error" if failed else "note"] = line.reason
    return entry


def _blocking(commit: str, finding) -> dict:
    return {"commit": commit, "rule": finding.rule, "adr": finding.adr, "subject": finding.subject,
            "target": finding.target, "location": finding.location, "message": finding.message}


def _say(err: TextIO, lines: list[str]) -> None:
    for line in lines:
        print(line, file=err)
    err.flush()


def main() -> int:
    """Entry point of `govern hook pre-receive` (cwd is the repository git runs the hook in).

    Input bytes that are not UTF-8 (a ref name) are kept as surrogates, so the line is refused
    and audited, never a decoding traceback."""
    return run(Path(os.getcwd()), sys.stdin.buffer.read().decode("utf-8", "surrogateescape"), dict(os.environ))
