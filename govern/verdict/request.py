"""JudgeRequest: what to judge (govern.verdict.judge), in a module of its own so that building
one (govern check's fast path, govern.verdict.targets) imports none of the judging code."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING

from govern.facts.tree import Tree

if TYPE_CHECKING:
    from govern.verdict.reuse import KnownAnswers


@dataclass(frozen=True)
class JudgeRequest:
    """What to judge; see docs/architecture.md (govern.verdict) for each field."""

    repo: str | os.PathLike
    target: Tree
    commit: str | None
    adr_tree: Tree | None = None
    change_rev: str | None = None
    base: Tree | None = None
    scope: str = "all"
    env: Mapping[str, str] = field(default_factory=dict)
    engine: str | None = None
    on: date | None = None
    adr_dir: str | None = None  # overrides [tool.govern] adr-dir
    cache: bool = True  # reuse extraction results by blob id (<git dir>/govern/cache)
    # Finding identities (rule, subject, target) known to be legacy without evaluating `base`
    # (the base's unexempted violations, e.g. read from its verdict note); used only when `base` is None.
    legacy: frozenset[tuple[str, str, str]] | None = None
    # With `legacy`: the identities the base had exempted (None: not known), so an exemption the
    # change adds is told from one the base already had (Finding.new of an exemption).
    base_exempted: frozenset[tuple[str, str, str]] | None = None
    # "all": every finding carries its proof; "new": legacy violations (not new) get `proof: None`,
    # which saves proving them where only the new ones matter (a pre-receive hook's budget).
    prove: str = "all"
    # facts.api.change_facts of change_rev when the caller already has them (computed with
    # this request's env and adr_tree as signers); None: computed here. Without change_rev:
    # the change facts of a proposed edit (govern.agents.proposal), used as they are.
    change_facts: tuple | None = None
    # The target's answers when the caller has shown its tree facts equal (as tuples) to those
    # of a tree judged before (govern.hook.unchanged); used only where nothing needs proving.
    known: KnownAnswers | None = None
    # The caller has shown the target's tree facts equal (as tuples) to the base's: the base's
    # answers are the target's own, so without change rules the base is not evaluated (every
    # violation of the target is then legacy; with prove="new" left unproven).
    base_facts_equal: bool = False
    # The tree the base_ relations read (rules comparing the change with its base, e.g.
    # no-growth); default `base`. A push compares with the old tip, `check --rev` with the parent.
    compare_with: Tree | None = None


def today() -> date:
    """The judging date of a tree that is not a commit (govern.verdict.inputs.judging_date)."""
    return datetime.now(timezone.utc).date()
