"""`govern agent-hook HARNESS`: one hook call of a coding agent, judged and answered.

The harness adapters (harnesses/) read their payload and say what to judge; this module
judges it and returns an Outcome they render in their own format:

* an edit (a Draft builder) is judged as a proposed change (govern.agents.proposal);
* the working tree (a Stop hook) and the index (a `git commit` shell command) are judged
  against HEAD: only violations HEAD does not have block.

Nothing to judge (a path outside the repository, no repository, no ADR) passes. Anything
that goes wrong while judging fails closed: the outcome blocks and says so.
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass

from typing import TYPE_CHECKING

from govern.agents.relay import SERVING, ask
from govern.errors import GovernError
from govern.facts.gitio import GitFailure, run_git

if TYPE_CHECKING:  # the rest is imported where it is used: a relayed hook never needs it
    from govern.agents.draft import Draft

MAX_PAYLOAD = 32 * 1024 * 1024


@dataclass(frozen=True)
class Answer:
    """What the hook process prints and its exit code."""

    exit_code: int = 0
    stdout: str = ""
    stderr: str = ""


PASS = Answer()


@dataclass(frozen=True)
class Outcome:
    """allow, or block with the text the agent reads (`failed`: govern could not judge;
    `note`: a line for stderr when it allows anyway)."""

    blocked: bool
    reason: str = ""
    failed: bool = False
    note: str = ""


ALLOW = Outcome(False)


def passed(outcome: Outcome) -> Answer:
    """The answer of an outcome that does not block: silent, but for a note on stderr."""
    return Answer(0, "", outcome.note)


class Malformed(Exception):
    """The payload is not what the harness documents."""


def read_payload(data: bytes) -> dict:
    """The payload object; Malformed when it is not a JSON object (or too large)."""
    if len(data) > MAX_PAYLOAD:
        raise Malformed(f"payload larger than {MAX_PAYLOAD} bytes")
    try:
        payload = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise Malformed(f"not JSON: {err}") from None
    if not isinstance(payload, dict):
        raise Malformed("a JSON object expected")
    return payload


def field(payload: Mapping, name: str, kind: type = str, optional: bool = False):
    value = payload.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise Malformed(f"field {name!r}: {kind.__name__} expected")
    return value


def repository(cwd: object) -> str | None:
    """The top of the git working tree containing `cwd` (None: not in one, nothing to judge)."""
    if not isinstance(cwd, str) or not cwd or "\0" in cwd or not os.path.isdir(cwd):
        raise Malformed("field 'cwd': an existing directory expected")
    try:
        top = run_git(cwd, "rev-parse", "--show-toplevel").rstrip(b"\n")
    except GitFailure:
        return None
    return os.fsdecode(top)


def judge_edit(cwd: object, build: Callable[[Draft], None]) -> Outcome:
    """The outcome of the edit `build` applies to a Draft of the repository at `cwd` (in a
    running `govern mcp` serving that repository: against its warm state, govern.agents.relay)."""
    from govern.agents.draft import Draft
    from govern.agents.paths import PathOutside
    from govern.agents.proposal import governed, judge_draft
    from govern.facts.tree import WorkTree

    def run() -> Outcome:
        repo = repository(cwd)
        if repo is None:
            return ALLOW
        warm = SERVING.get()
        if warm is not None and os.path.realpath(warm.repo) != os.path.realpath(repo):
            warm = None
        with warm.lock if warm is not None else nullcontext():
            draft = Draft(warm.tree() if warm is not None else WorkTree(repo))
            try:
                build(draft)
            except PathOutside:
                return ALLOW  # not the repository's business: the harness's own permissions apply
            if not governed(draft):
                return ALLOW
            verdict = judge_draft(draft, warm=warm)
            return _outcome(verdict, draft.base)
    return _closed(run, cwd)


def judge_tree(cwd: object, staged: bool = False) -> Outcome:
    """The working tree (or the index) against HEAD: new blocking violations block."""
    from govern.facts.tree import CommitTree, IndexTree, WorkTree
    from govern.verdict.judge import JudgeRequest, judge

    def run() -> Outcome:
        repo = repository(cwd)
        if repo is None:
            return ALLOW
        try:
            head = CommitTree(repo, "HEAD")
        except GitFailure:
            head = None  # no commit yet: every violation is new
        work = WorkTree(repo)
        target = IndexTree(repo) if staged else work
        verdict = judge(JudgeRequest(repo, target, None, base=head, scope="tree"))
        return _outcome(verdict, work)
    return _closed(run, cwd)


def _outcome(verdict, rules_tree) -> Outcome:
    from govern.agents.hints import hints, short_text

    found = hints(verdict, rules_tree)
    return Outcome(True, short_text(found)) if found else ALLOW


def _closed(run: Callable[[], Outcome], cwd: object) -> Outcome:
    """run(), failing closed: a usage error (a bad edit, a bad ADR) blocks, saying why; so does
    a bug, unless the repository has no rule that blocks (then nothing could block: it passes,
    with the error on stderr)."""
    try:
        return run()
    except Malformed:
        raise
    except GovernError as err:
        return Outcome(True, f"govern could not judge this change, so it is blocked (fail closed): {err}", True)
    except Exception as err:  # noqa: BLE001 - a bug must not let an unjudged change through
        if os.environ.get("GOVERN_DEBUG") == "1":
            raise
        error = f"internal error {type(err).__name__}: {err}"
        if not _blocking_rules(cwd):
            return Outcome(False, note=f"govern: {error}; not blocked: no accepted decision has a blocking rule\n")
        return Outcome(True, f"govern failed while judging this change, so it is blocked (fail closed): {error}", True)


def _blocking_rules(cwd: object) -> bool:
    """Whether the repository at `cwd` has an active rule of severity block (True when that
    cannot be told)."""
    try:
        from datetime import datetime, timezone

        from govern.facts.tree import WorkTree
        from govern.rules import active
        from govern.verdict.inputs import read_adrs, read_config

        repo = repository(cwd)
        if repo is None:
            return False
        tree = WorkTree(repo)
        adrs = read_adrs(tree, read_config(tree).adr_dir)
        status = active(adrs, datetime.now(timezone.utc).date())
        return any(s.severity == "block" and s.kind != "exempt" and status.get(s.id) is None for s in adrs.rules())
    except Exception:  # noqa: BLE001 - unknown: assume a rule blocks
        return True


def run(harness: str, data: bytes) -> Answer:
    """The answer of `harness` to the payload bytes; malformed input and bugs block (exit 2)."""
    from govern.agents.harnesses import REGISTRY

    try:
        return REGISTRY[harness].answer(read_payload(data))
    except Malformed as err:
        return Answer(2, "", f"govern agent-hook {harness}: malformed payload ({err}); blocked (fail closed)\n")
    except Exception as err:  # noqa: BLE001 - exit 2 blocks in every harness; anything else would let it through
        if os.environ.get("GOVERN_DEBUG") == "1":
            raise
        return Answer(2, "", f"govern agent-hook {harness}: internal error {type(err).__name__}: {err}; "
                             "blocked (fail closed)\n")


def main(harness: str) -> int:
    """The process: stdin in, the answer out (UTF-8 whatever the locale), its exit code. A
    running `govern mcp` of the payload's repository answers it if it can (govern.agents.relay)."""
    import sys

    data = sys.stdin.buffer.read(MAX_PAYLOAD + 1)
    relayed = ask(harness, data) if len(data) <= MAX_PAYLOAD else None
    answer = Answer(*relayed) if relayed is not None else run(harness, data)
    sys.stdout.buffer.write(answer.stdout.encode("utf-8"))
    sys.stderr.buffer.write(answer.stderr.encode("utf-8"))
    return answer.exit_code
