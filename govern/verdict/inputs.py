"""What a judgement starts from: `[tool.govern]`, the ADRs and the date, all read from a Tree."""
from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date

from govern.facts.api import change_facts
from govern.facts.config import FactsConfig
from govern.facts.derived import glob_facts
from govern.facts.gitio import GitFailure, run_git
from govern.facts.model import Fact, Source
from govern.facts.tree import Tree
from govern.adr import AdrSet, load_adr_tree
from govern.config import Config, parse_config
from govern.datalog.model import Rule
from govern.datalog.relevance import relevant
from govern.errors import UsageError
from govern.verdict.request import today

PYPROJECT = "pyproject.toml"


_CONFIGS: dict[str, Config] = {}  # pyproject.toml blob id -> its config (content-addressed)


def read_config(tree: Tree) -> Config:
    """`[tool.govern]` of the tree's top-level pyproject.toml (defaults without one).

    Remembered by blob id: a push judges many commits with the rules of one tree."""
    entry = next((e for e in tree.entries() if e.path == PYPROJECT), None)
    if entry is None:
        return parse_config(None, PYPROJECT)
    if entry.blob not in _CONFIGS:
        if len(_CONFIGS) > 64:
            _CONFIGS.clear()
        _CONFIGS[entry.blob] = parse_config(tree.read_many([entry.blob])[entry.blob], PYPROJECT)
    return _CONFIGS[entry.blob]


def read_adrs(tree: Tree, adr_dir: str) -> AdrSet:
    """Every ADR directly under `adr_dir` (AdrError with all diagnostics when one is bad),
    compiled with the rule defaults of the same tree's `[tool.govern]`."""
    return load_adr_tree(tree, adr_dir, read_config(tree).rule_defaults())


def judging_date(repo: str | os.PathLike, commit: str | None, on: date | None) -> date:
    """The day rule expiry is compared with: `on`, else the commit's date, else today (UTC)."""
    if on is not None:
        return on
    if commit is None:
        return today()
    try:
        out = run_git(repo, "show", "-s", "--format=%cs", commit)
    except GitFailure as err:
        raise UsageError(f"cannot read the date of commit {commit}: {err}") from None
    return date.fromisoformat(out.decode("ascii").strip())


def facts_config(config: Config) -> FactsConfig:
    return FactsConfig(
        roots=config.roots, namespace_packages=config.namespace_packages, max_blob_size=config.max_blob_size,
        allowed_signers=config.allowed_signers,
        agent_patterns=config.agent_patterns, bot_patterns=config.bot_patterns,
    )


def adr_facts(adrs: AdrSet) -> list[Fact]:
    """adr(Id, Status), supersedes(A, B), rule(RuleId, AdrId, Severity), sourced in the ADR files."""
    out = []
    for adr in adrs:
        where = Source("adr", adr.path, 0, adr.blob)
        out.append(Fact("adr", (adr.id, adr.status), where))
        out += [Fact("supersedes", (adr.id, old), where) for old in adr.supersedes]
        if adr.superseded_by:
            out.append(Fact("supersedes", (adr.superseded_by, adr.id), where))
        out += [Fact("rule", (s.id, adr.id, s.severity), Source("adr", adr.path, s.line, adr.blob))
                for s in adr.rules if s.kind != "exempt"]
    return sorted(out)


def commit_change_facts(repo: str | os.PathLike, rev: str | None, config: Config, env, rules: list[Rule],
                        signers: Tree | None = None, known: Sequence[Fact] | None = None) -> list[Fact]:
    """The change facts of `rev` (against its first parent), as the judge and --verify see them.

    `known`: facts.api.change_facts of `rev` already computed by the caller (the hook needs
    them for its built-in adr-changes check too), so git is not asked twice.
    Also glob facts for the paths the commit deletes (or renames away): they are not in the
    judged tree, and without them `protect` could not see an agent deleting a protected file.
    """
    facts = list(known) if known is not None else change_facts(repo, rev, facts_config(config), env, signers=signers)
    gone = {f.args[0]: f.source.blob for f in facts if f.relation == "changed" and f.args[1] == "D"}
    reads = relevant(rules)
    owners = rules_owner_facts(signers, sorted({str(f.args[0]) for f in facts if f.relation == "changed"})) \
        if signers is not None and "rules_owner" in reads.relations else []
    return facts + (glob_facts(gone, frozenset(reads.globs)) if gone else []) + owners


CODEOWNERS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")  # GitHub's precedence


def rules_owner_facts(tree: Tree, paths: list[str]) -> list[Fact]:
    """rules_owner(Path, Owner) for `paths` by the effective CODEOWNERS of `tree`: the tree the
    rules come from (the old tip in a push), so a push can never name its own approvers."""
    entries = {e.path: e for e in tree.entries() if e.path in CODEOWNERS}
    entry = next((entries[c] for c in CODEOWNERS if c in entries), None)
    if entry is None or not paths:
        return []
    from codeowners import CodeOwners

    try:
        rules = CodeOwners(tree.read_many([entry.blob])[entry.blob].decode("utf-8", "replace"))
    except ValueError:
        return []  # a CODEOWNERS that does not parse names no approver
    out = []
    for path in paths:
        owners, line, _, _ = rules.matching_line(path)
        out += [Fact("rules_owner", (path, owner.removeprefix("@")), Source("codeowners", entry.path, line or 0, entry.blob))
                for _, owner in owners]
    return out
