"""pre-receive: judge every ref update of the push, reject with reasons, audit every decision.

Runs inside git's quarantine: pushed objects are readable, but no ref may be written (an
attempt fails, and forcing it by unsetting the quarantine variables would leave refs
pointing at objects that vanish when the push is rejected). So notes are handed over to
post-receive through files in the git dir, and nothing here touches the environment.
"""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from govern.facts.change import pusher_facts
from govern.config import Config
from govern.errors import GovernError
from govern.hook import audit, pending
from govern.hook.budget import Budget
from govern.hook.judging import RefJudgment, config_at, judge_update
from govern.hook.messages import PREFIX, blocked_lines, summary_lines
from govern.hook.refs import RefUpdate, default_branch, parse_updates
from govern.notes.git_plumbing import git_dir

def pusher(env: Mapping[str, str]) -> str | None:
    """The server-authenticated user (never the commit author: that is a claim)."""
    return next((str(f.args[0]) for f in pusher_facts(env)), None)


def policy(repo: Path, default: tuple[str, str] | None) -> Config:
    """hook-budget and fail-open apply to a whole push: read from the default branch's tip."""
    return config_at(repo, default[1] if default else None)


def run(repo: Path, stdin_text: str, env: Mapping[str, str], err: TextIO = sys.stderr) -> int:
    """The hook: 0 accepts the push, 1 rejects it (git then updates no ref at all)."""
    started = time.monotonic()
    gdir = git_dir(repo)
    try:
        default = default_branch(repo)  # read once: the policy's and every update's
        config = policy(repo, default)
    except GovernError as error:  # unreadable policy: fail closed, fail-open unknown
        return _failure(gdir, [], env, Config(), f"cannot read the server's [tool.govern]: {error}", err)
    state: dict = {"updates": []}

    def work() -> list[RefJudgment]:
        state["updates"] = parse_updates(stdin_text)
        return [judge_update(repo, update, env, prove="new", default=default) for update in state["updates"]]

    def decide(outcome: list[RefJudgment] | Exception) -> int:
        if isinstance(outcome, Exception):
            reason = str(outcome) if isinstance(outcome, GovernError) else f"internal error: {type(outcome).__name__}: {outcome}"
            return _failure(gdir, state["updates"], env, config, reason, err)
        return _conclude(gdir, outcome, env, err, round(time.monotonic() - started, 3))

    def on_timeout() -> int:
        reason = (f"time budget of {config.hook_budget} s exceeded while judging the push "
                  "(hook-budget in [tool.govern]; the GitHub Enterprise limit is 5 s for all hooks)")
        return _failure(gdir, state["updates"], env, config, reason, err)

    return Budget(config.hook_budget, on_timeout).run(work, decide)


def _conclude(gdir: Path, judgments: list[RefJudgment], env: Mapping[str, str], err: TextIO, seconds: float) -> int:
    rejected = [j for j in judgments if not j.allowed]
    for judgment in judgments:
        lines = summary_lines(judgment) if judgment.allowed else blocked_lines(judgment)
        _say(err, lines)
        audit.append(gdir, _entry(judgment.update, env, "allow" if judgment.allowed else "reject",
                                  blocking=[_blocking(c, f) for c, f in judgment.blocking],
                                  rules_from=judgment.rules_rev, commits=len(judgment.commits), seconds=seconds,
                                  verdict=judgment.tip_verdict.outcome if judgment.tip_verdict else None))
    if rejected:
        _say(err, [f"{PREFIX}push rejected: {len(rejected)} of {len(judgments)} ref update(s) blocked"])
        return 1
    for judgment in judgments:  # all accepted: post-receive writes these notes
        if judgment.verdicts:
            pending.save(gdir, judgment.update, judgment.verdicts)
    return 0


def _failure(gdir: Path, updates: list[RefUpdate], env: Mapping[str, str], config: Config, reason: str,
             err: TextIO) -> int:
    """Internal error, malformed input or budget exhausted: fail closed, or open if configured."""
    decision = "allow" if config.fail_open else "reject"
    if config.fail_open:
        _say(err, [f"{PREFIX}WARNING: {reason}", f"{PREFIX}push ALLOWED UNJUDGED because fail-open = true"])
    else:
        _say(err, [PREFIX + line for line in reason.splitlines()] + [f"{PREFIX}push rejected (fail closed; see docs/hooks.md)"])
    for update in updates or [None]:
        base = _entry(update, env, decision, error=reason, failed_open=config.fail_open)
        audit.append(gdir, base)
    return 0 if config.fail_open else 1


def _entry(update: RefUpdate | None, env: Mapping[str, str], decision: str, **extra) -> dict:
    where = update.as_dict() if update else {"ref": None, "old": None, "new": None}
    return {"hook": "pre-receive", **where, "pusher": pusher(env), "decision": decision, **extra}


def _blocking(commit: str, finding) -> dict:
    return {"commit": commit, "rule": finding.rule, "adr": finding.adr, "subject": finding.subject,
            "location": finding.location, "message": finding.message}


def _say(err: TextIO, lines: list[str]) -> None:
    for line in lines:
        print(line, file=err)
    err.flush()


def main() -> int:
    """Entry point of `govern hook pre-receive` (cwd is the repository git runs the hook in)."""
    return run(Path(os.getcwd()), sys.stdin.read(), dict(os.environ))
